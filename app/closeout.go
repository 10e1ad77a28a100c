package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// The closed loop of a case (DESIGN.md §2): its actions through the one
// transition table (domain.TransitionAsOf), the signatures (签字) they record
// (signoffs.go), delegations (delegations.go) and re-checks (rechecks.go).

// CaseActionInput is one action on a case (POST /api/v1/cases/{id}/actions).
// Version, when > 0, is the version the actor read: a stale one is refused
// (409). ContentHash, when set, is the content hash the sign page showed: a
// case whose content changed since is refused (409), so nobody signs what
// they did not see. OrgID and VillageID are a transfer's destination.
type CaseActionInput struct {
	Action      domain.CaseAction `json:"action"`
	Reason      string            `json:"reason"`
	Version     int64             `json:"version"`
	ContentHash string            `json:"content_hash"`
	OrgID       int64             `json:"org_id"`
	VillageID   int64             `json:"village_id"`
}

// caseActionRecord is what the audit trail keeps after an action: the case
// and the reason given (return, reopen, void, transfer).
type caseActionRecord struct {
	domain.Case
	ActionReason string `json:"action_reason,omitempty"`
}

// auditedCase is the case as the audit trail records it: its stored fields
// only, without the names and warnings filled for display.
func auditedCase(c *domain.Case) domain.Case {
	x := *c
	x.TownName, x.VillageName, x.Warnings = "", "", nil
	return x
}

// withWarnings attaches the validation results every case view shows:
// blocking errors first, then warnings.
func (s *App) withWarnings(c *domain.Case, camp *domain.Campaign, now time.Time) *domain.Case {
	errs, warns := domain.ValidateCase(c, camp, now, s.zone)
	c.Warnings = append(errs, warns...)
	return c
}

// ApplyCaseAction takes an action on a case in one transaction: it loads
// the case, its place and campaign and the actor's delegation in force at
// the transaction's now, asks domain.TransitionAsOf, applies the outcome
// with a version check (UPDATE … WHERE version = read version, so of two
// signers at the same moment exactly one wins and the other gets 409),
// records a signature for approve and return, and appends the audit event
// with before and after.
//
// A 销号 request must carry the evidence the campaign requires
// (domain.CheckCloseoutEvidence, after the transition's own checks and the
// content-seen check).
// A transfer moves the case and its site to the destination town (and
// village): domain.CheckTransfer, domain.ApplyTransfer. Returning or
// reopening a case supersedes its signatures so far
// (domain.SupersedesSignOffs).
func (s *App) ApplyCaseAction(ctx context.Context, a *domain.Actor, caseID int64, in CaseActionInput) (*domain.Case, error) {
	in.Action = domain.CaseAction(strings.TrimSpace(string(in.Action)))
	var out *domain.Case
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		now := tx.Now()
		before, place, err := tx.Case(caseID)
		if err != nil {
			return found(err, "问题")
		}
		camp, err := tx.Campaign(before.CampaignID)
		if err != nil {
			return found(err, "专项行动")
		}
		var del *domain.Delegation
		if a != nil {
			if del, err = activeDelegation(tx.Reader, a.User.ID, now); err != nil {
				return err
			}
		}
		to, err := domain.TransitionAsOf(a, del, now, before, in.Version, camp, in.Action, in.Reason, place)
		if err != nil {
			return err
		}
		files, err := tx.CaseFiles(caseID)
		if err != nil {
			return err
		}
		shas := domain.Digests(files, time.Time{})
		if err := domain.CheckContentSeen(in.ContentHash, before, shas); err != nil {
			return err
		}
		if in.Action == domain.CaseRequestCloseout {
			atts, err := tx.CaseAttachments(caseID)
			if err != nil {
				return err
			}
			if err := domain.CheckCloseoutEvidence(before, camp, atts); err != nil {
				return err
			}
		}
		after := before.Clone()
		domain.ApplyTransition(after, in.Action, to, now)
		if in.Action == domain.CaseTransfer {
			if err := s.transfer(tx, a, before, after, in); err != nil {
				return err
			}
		}
		if err := tx.UpdateCaseStatus(after, before.Version); err != nil {
			if errors.Is(err, store.ErrStale) {
				return domain.Stale("问题", before.Version)
			}
			return err
		}
		if err := countCase(tx, before, after); err != nil {
			return err
		}
		if so, ok := domain.NewSignOff(a, del, after, in.Action, in.Reason, before.Status, to, now, shas); ok {
			if err := tx.InsertSignOff(&so); err != nil {
				return err
			}
			if err := tx.Audit("sign", "signoff", so.ID, nil, &so); err != nil {
				return err
			}
		}
		if domain.SupersedesSignOffs(in.Action) {
			if err := tx.SupersedeSignOffs(caseID); err != nil {
				return err
			}
		}
		rec := caseActionRecord{Case: auditedCase(after), ActionReason: strings.TrimSpace(in.Reason)}
		if err := tx.Audit(string(in.Action), "case", caseID, auditedCase(before), rec); err != nil {
			return err
		}
		full, _, err := tx.Case(caseID)
		if err != nil {
			return err
		}
		out = s.withWarnings(full, camp, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// transfer checks a transfer's destination and moves the case (after) and
// its site there, auditing the site's move.
func (s *App) transfer(tx *store.Tx, a *domain.Actor, before, after *domain.Case, in CaseActionInput) error {
	if in.OrgID == 0 && in.VillageID == 0 {
		return domain.Invalid("org_id", "请选择移交到的镇（街道）")
	}
	town, village, err := resolvePlace(tx.Reader, nil, in.OrgID, in.VillageID)
	if err != nil {
		return err
	}
	if err := domain.CheckTransfer(a, before, town, village); err != nil {
		return err
	}
	site, _, err := tx.Site(before.SiteID)
	if err != nil {
		return found(err, "场所")
	}
	site.Warnings = nil
	moved := *site
	domain.ApplyTransfer(after, &moved, town, village)
	if err := tx.UpdateSitePlace(&moved, site.Version); err != nil {
		if errors.Is(err, store.ErrStale) {
			return domain.Stale("场所", site.Version)
		}
		return err
	}
	if err := countSite(tx, site, &moved); err != nil {
		return err
	}
	return tx.Audit("transfer", "site", site.ID, *site, moved)
}

// AllowedCaseActions lists the actions the actor may take on the case now,
// with the delegation in force (if any): what the case page offers. The
// caller has shown the case already (so its scope is checked).
func (s *App) AllowedCaseActions(ctx context.Context, a *domain.Actor, c *domain.Case) ([]domain.CaseAction, *domain.Delegation, error) {
	if a == nil {
		return nil, nil, nil
	}
	now := s.clock.Now()
	del, err := activeDelegation(s.db.Reader(ctx), a.User.ID, now)
	if err != nil {
		return nil, nil, err
	}
	return domain.AllowedActionsAs(a, del, now, c), del, nil
}
