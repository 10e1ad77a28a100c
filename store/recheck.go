package store

import (
	"context"
	"fmt"
	"strings"

	"zhengzhi/domain"
)

// Re-checks of shut sites (DESIGN.md §2): a site that is 停产, 关闭 or 取缔 —
// by its register state, or by its case's 停产或关闭 in the campaign — is
// visited again every RecheckDays (default 30). A re-check is an
// inspection of the site in the campaign; the latest inspection is the
// last check.

// RecheckRow is one site of the due list, with its case's number and status.
type RecheckRow struct {
	domain.RecheckItem
	ProblemNo  string `json:"problem_no,omitempty"`
	CaseStatus string `json:"case_status,omitempty"`
	Place      string `json:"place"`
}

// DueRechecks lists the shut sites in the actor's scope whose re-check is
// due today or earlier (domain.DueRechecks), most overdue first.
// campaignID 0 means the active campaign.
func (d *DB) DueRechecks(ctx context.Context, a *domain.Actor, campaignID int64) ([]RecheckRow, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	camp, err := d.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT s.id, s.name, s.state, c.id, COALESCE(c.shutdown, ''), COALESCE(c.problem_no, ''),
			COALESCE(c.status, ''), p.name,
			(SELECT MAX(i.inspected_at) FROM inspections i WHERE i.site_id = s.id AND i.campaign_id = $1)
		FROM sites s JOIN org_units p ON p.id = COALESCE(s.village_id, s.org_id)
		LEFT JOIN cases c ON c.site_id = s.id AND c.campaign_id = $1 AND c.status <> $2
		WHERE p.path LIKE $3 AND (s.state IN ($4, $5, $6) OR c.shutdown IN ($4, $5, $6))
		ORDER BY s.id`,
		camp.ID, domain.StatusVoided, a.Scope.Path+"%", domain.SiteSuspended, domain.SiteClosed, domain.SiteBanned)
	if err != nil {
		return nil, fmt.Errorf("re-check list: %w", err)
	}
	defer rows.Close()
	var items []domain.RecheckItem
	extra := map[int64]RecheckRow{}
	for rows.Next() {
		var it domain.RecheckItem
		var r RecheckRow
		var shutdown string
		if err := rows.Scan(&it.SiteID, &it.SiteName, &it.State, &it.CaseID, &shutdown, &r.ProblemNo, &r.CaseStatus, &r.Place,
			timeScan{&it.LastCheck}); err != nil {
			return nil, err
		}
		// The case's 停产或关闭 is the more recent word on a site it covers.
		if shutdown != "" && shutdown != string(domain.ShutdownNone) {
			it.State = shutdown
		}
		items = append(items, it)
		extra[it.SiteID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	today := domain.DateOf(d.clock.Now(), d.zone)
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
// should reopen it (the site runs again and the case is closed out).
type RecheckResult struct {
	Inspection   *domain.Inspection `json:"inspection"`
	Case         *domain.Case       `json:"case,omitempty"`
	PromptReopen bool               `json:"prompt_reopen"`
}

// RecordRecheck records a re-check of a site in the active campaign as an
// inspection: still_shut as 无问题, running (死灰复燃) as 发现问题. It does
// not reopen the case itself: the prompt leads the town officer or
// district office to ApplyCaseAction(reopen, domain.ReopenReasonRecheck).
func (d *DB) RecordRecheck(ctx context.Context, a *domain.Actor, siteID int64, outcome, note string) (*RecheckResult, error) {
	var inspOutcome, prefix string
	switch strings.TrimSpace(outcome) {
	case domain.RecheckStillShut:
		inspOutcome, prefix = domain.OutcomeNoProblem, "复查：仍停产（关闭），无异常"
	case domain.RecheckRunning:
		inspOutcome, prefix = domain.OutcomeProblem, "复查："+domain.ReopenReasonRecheck
	default:
		return nil, domain.Invalid("outcome", "复查结果应为 still_shut（仍停产/关闭）或 running（死灰复燃）")
	}
	if n := strings.TrimSpace(note); n != "" {
		prefix += "。" + n
	}
	x, err := d.CreateInspection(ctx, a, InspectionInput{SiteID: siteID, Outcome: inspOutcome, Note: prefix})
	if err != nil {
		return nil, err
	}
	res := &RecheckResult{Inspection: x}
	cs, err := d.siteCases(ctx, a, x.CampaignID, siteID)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.Status != domain.StatusVoided {
			res.Case = c
		}
	}
	res.PromptReopen = domain.RecheckPromptsReopen(res.Case, outcome)
	return res, nil
}

// RecheckPrompts lists the closed-out cases in the actor's scope whose site
// a later inspection found running again (死灰复燃): each waits for the
// town officer or district office to reopen it (ApplyCaseAction, reopen,
// domain.ReopenReasonRecheck). campaignID 0 means the active campaign.
func (d *DB) RecheckPrompts(ctx context.Context, a *domain.Actor, campaignID int64) ([]*domain.Case, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	camp, err := d.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+caseCols+caseFrom+` WHERE p.path LIKE $1 AND c.campaign_id = $2 AND c.status = $3
		AND EXISTS (SELECT 1 FROM inspections i WHERE i.site_id = c.site_id AND i.outcome = $4 AND i.inspected_at > c.closed_at)
		ORDER BY c.problem_no`, a.Scope.Path+"%", camp.ID, domain.StatusClosedOut, domain.OutcomeProblem)
	if err != nil {
		return nil, fmt.Errorf("re-check prompts: %w", err)
	}
	defer rows.Close()
	out := []*domain.Case{}
	for rows.Next() {
		c, _, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
