package app

import (
	"context"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// Dashboard is the figures of the first screen for one unit and campaign.
type Dashboard struct {
	OrgID      int64          `json:"org_id"`
	OrgName    string         `json:"org_name"`
	CampaignID int64          `json:"campaign_id"`
	Sites      int            `json:"sites"`
	Inspected  int            `json:"inspected_sites"` // distinct sites inspected in the campaign
	Cases      int            `json:"cases"`           // not voided
	ByStatus   map[string]int `json:"by_status"`
	ByCategory map[string]int `json:"by_category"`
	// Overdue is 超期未整改: past 整改期限 and not rectified (domain.Overdue).
	Overdue int `json:"overdue"`
	// AwaitingCloseout is 已整改待销号: rectified, not yet closed out
	// (domain.AwaitingCloseout).
	AwaitingCloseout int `json:"awaiting_closeout"`
	Supervised       int `json:"supervised"` // 挂牌督办, not closed out (domain.UnderSupervision)
	ClosedOut        int `json:"closed_out"`
}

// Dashboard counts the cases and sites in a unit's subtree (default: the
// actor's scope) for a campaign (0: the active one).
func (s *App) Dashboard(ctx context.Context, a *domain.Actor, orgID, campaignID int64) (*Dashboard, error) {
	var org *domain.OrgUnit
	if orgID == 0 {
		if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
			return nil, err
		}
		org = &a.Scope
	}
	camp, err := s.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if org == nil {
		if org, err = s.VisibleOrg(ctx, a, orgID); err != nil {
			return nil, err
		}
	}
	r := s.db.Reader(ctx)
	out := &Dashboard{OrgID: org.ID, OrgName: org.Name, CampaignID: camp.ID, ByStatus: map[string]int{}, ByCategory: map[string]int{}}
	counts, err := r.CaseCounts(org.Path, camp.ID)
	if err != nil {
		return nil, err
	}
	for _, n := range counts {
		out.ByStatus[string(n.Status)] += n.N
		if n.Status == domain.StatusVoided {
			continue // a voided case counts nowhere
		}
		out.Cases += n.N
		out.ByCategory[string(n.Category)] += n.N
		if n.Status == domain.StatusClosedOut {
			out.ClosedOut += n.N
		}
	}
	// Each of these figures is the count of one case-list filter, so a
	// figure and the list it links to agree by construction.
	today := domain.DateOf(s.clock.Now(), s.zone)
	scope, err := scopeOf(r, org)
	if err != nil {
		return nil, err
	}
	for _, x := range []struct {
		dst *int
		f   store.CaseFilter
	}{
		{&out.Overdue, store.CaseFilter{OverdueOn: today}},
		{&out.AwaitingCloseout, store.CaseFilter{AwaitingCloseout: true}},
		{&out.Supervised, store.CaseFilter{UnderSupervision: true}},
	} {
		x.f.Scope, x.f.CampaignID = scope, camp.ID
		if *x.dst, err = r.CountCases(x.f); err != nil {
			return nil, err
		}
	}
	if out.Sites, err = r.SiteCount(org.Path); err != nil {
		return nil, err
	}
	if out.Inspected, err = r.InspectedSiteCount(org.Path, camp.ID); err != nil {
		return nil, err
	}
	return out, nil
}
