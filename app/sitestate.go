package app

import (
	"errors"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// A site's state (生产/停产/关闭/取缔) follows its case: recording 停产, 关闭
// or 取缔 on a case sets its site's state in the case's transaction
// (domain.SiteStateForShutdown), and a re-check sets it to what was found
// (domain.SiteStateAfterRecheck). The register and the re-check plan then
// agree with the cases.

// siteFollowsCase sets c's site to the state c's 停产或关闭 calls for, when
// it calls for one the site is not in, auditing the site's change.
func siteFollowsCase(tx *store.Tx, c *domain.Case) error {
	state, ok := domain.SiteStateForShutdown(c.Shutdown)
	if !ok {
		return nil
	}
	return setSiteState(tx, c.SiteID, state)
}

// setSiteState writes a site's new state (nothing when it is in it
// already) with its audit event, in tx.
func setSiteState(tx *store.Tx, siteID int64, state string) error {
	before, _, err := tx.Site(siteID)
	if err != nil {
		return found(err, "场所")
	}
	if before.State == state {
		return nil
	}
	before.Warnings = nil
	after := *before
	after.Lists = append([]string(nil), before.Lists...)
	after.State = state
	if err := tx.UpdateSite(&after, before.Version); errors.Is(err, store.ErrStale) {
		return domain.Stale("场所", before.Version)
	} else if err != nil {
		return err
	}
	return tx.Audit("update", "site", siteID, before, &after)
}

// siteFoundAt sets site to the state a re-check with outcome found it in:
// the state it was re-checked by (its live case's 停产或关闭 in the
// campaign, else its own: domain.RecheckState) after the outcome
// (domain.SiteStateAfterRecheck).
func siteFoundAt(tx *store.Tx, site *domain.Site, campaignID int64, outcome string) error {
	var shutdown domain.Shutdown
	c, err := tx.CaseForSite(campaignID, site.ID)
	switch {
	case err == nil && c.Status != domain.StatusVoided:
		shutdown = c.Shutdown
	case err != nil && !store.IsNotFound(err):
		return err
	}
	checked := domain.RecheckState(site.State, shutdown)
	return setSiteState(tx, site.ID, domain.SiteStateAfterRecheck(checked, outcome))
}
