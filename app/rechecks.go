package app

import (
	"context"
	"strings"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// Re-checks of shut sites (DESIGN.md §2): a site that is 停产, 关闭 or 取缔 —
// by its register state, or by its case's 停产或关闭 in the campaign — is
// visited again every RecheckDays (default 30). A re-check is an
// inspection of the site in the campaign; the latest inspection is the
// last check. The schedule, what is due and what prompts a reopen are
// domain/schedule.go's.

// RecheckRow is one site of the due list, with its case's number and status.
type RecheckRow struct {
	domain.RecheckItem
	ProblemNo  string            `json:"problem_no,omitempty"`
	CaseStatus domain.CaseStatus `json:"case_status,omitempty"`
	Place      string            `json:"place"`
}

// DueRechecks lists the shut sites in the actor's scope whose re-check is
// due today or earlier (domain.DueRechecks), most overdue first.
// campaignID 0 means the active campaign.
func (s *App) DueRechecks(ctx context.Context, a *domain.Actor, campaignID int64) ([]RecheckRow, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	camp, err := s.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	return dueRechecks(s.db.Reader(ctx), a, camp, domain.DateOf(s.clock.Now(), s.zone))
}

// dueRechecks is DueRechecks's read, for a campaign and today.
func dueRechecks(r store.Reader, a *domain.Actor, camp *domain.Campaign, today domain.Date) ([]RecheckRow, error) {
	scope, err := scopeOf(r, &a.Scope)
	if err != nil {
		return nil, err
	}
	sites, err := r.RecheckSites(store.RecheckFilter{Scope: scope, CampaignID: camp.ID,
		States: domain.RecheckSiteStates(), Shutdowns: domain.RecheckShutdowns(), IgnoreStatus: domain.StatusVoided})
	if err != nil {
		return nil, err
	}
	items := make([]domain.RecheckItem, len(sites))
	extra := map[int64]RecheckRow{}
	for i, x := range sites {
		items[i] = domain.RecheckItem{SiteID: x.SiteID, SiteName: x.SiteName, State: domain.RecheckState(x.State, x.Shutdown),
			CaseID: x.CaseID, LastCheck: x.LastCheck}
		extra[x.SiteID] = RecheckRow{ProblemNo: x.ProblemNo, CaseStatus: x.CaseStatus, Place: x.Place}
	}
	out := []RecheckRow{}
	for _, it := range domain.DueRechecks(items, camp, today) {
		r := extra[it.SiteID]
		r.RecheckItem = it
		out = append(out, r)
	}
	return out, nil
}

// RecheckResult is a recorded re-check: the inspection, the site's case in
// the campaign (if any), and whether the town officer or district office
// should reopen it (domain.RecheckPromptsReopen).
type RecheckResult struct {
	Inspection   *domain.Inspection `json:"inspection"`
	Case         *domain.Case       `json:"case,omitempty"`
	PromptReopen bool               `json:"prompt_reopen"`
}

// RecordRecheck records a re-check of a site in the active campaign as an
// inspection (domain.RecheckInspection; CreateInspection authorizes and
// writes it, and sets the site's state to what was found). It does not reopen the case itself: the prompt leads the
// town officer or district office to ApplyCaseAction(reopen,
// domain.ReopenReasonRecheck).
func (s *App) RecordRecheck(ctx context.Context, a *domain.Actor, siteID int64, outcome, note string) (*RecheckResult, error) {
	inspOutcome, inspNote, err := domain.RecheckInspection(outcome, note)
	if err != nil {
		return nil, err
	}
	x, err := s.CreateInspection(ctx, a, InspectionInput{SiteID: siteID, Outcome: inspOutcome, Note: inspNote, Recheck: strings.TrimSpace(outcome)})
	if err != nil {
		return nil, err
	}
	res := &RecheckResult{Inspection: x}
	r := s.db.Reader(ctx)
	ids, err := r.SiteCases(x.CampaignID, siteID)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		c, place, err := r.Case(id)
		if err != nil {
			return nil, err
		}
		if c.Status != domain.StatusVoided && a.Sees(place) {
			res.Case = c
		}
	}
	if res.Case != nil {
		camp, err := r.Campaign(res.Case.CampaignID)
		if err != nil {
			return nil, err
		}
		s.withWarnings(res.Case, camp, s.clock.Now())
	}
	res.PromptReopen = domain.RecheckPromptsReopen(res.Case, outcome)
	return res, nil
}

// RecheckPrompts lists the closed-out cases in the actor's scope whose site
// a later inspection found running again (死灰复燃,
// domain.AwaitsRecheckReopen): each waits for the town officer or district
// office to reopen it (ApplyCaseAction, reopen, domain.ReopenReasonRecheck).
// campaignID 0 means the active campaign.
func (s *App) RecheckPrompts(ctx context.Context, a *domain.Actor, campaignID int64) ([]*domain.Case, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	camp, err := s.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	r := s.db.Reader(ctx)
	// An inspection that found a problem is a finding of the site running
	// again (domain.RecheckFindsRunning).
	scope, err := scopeOf(r, &a.Scope)
	if err != nil {
		return nil, err
	}
	prompts, err := r.ReopenPrompts(store.ReopenPromptFilter{Scope: scope, CampaignID: camp.ID,
		Status: domain.StatusClosedOut, FindingOutcome: domain.OutcomeProblem})
	if err != nil {
		return nil, err
	}
	out := []*domain.Case{}
	for _, p := range prompts {
		c, _, err := r.Case(p.CaseID)
		if err != nil {
			return nil, err
		}
		if domain.AwaitsRecheckReopen(c, p.LastFinding) {
			out = append(out, c)
		}
	}
	return out, nil
}
