package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhengzhi/domain"
)

// Persistence behind the re-checks of shut sites (DESIGN.md §2): the sites
// the due list considers, with their last inspection, and the closed-out
// cases whose site was found running again. Which are due and which wait
// for a reopen is domain/schedule.go's (RecheckDue, AwaitsRecheckReopen).

// RecheckFilter selects the sites of the re-check due list's query: placed
// in Scope, shut by their register state (one of States) or by their
// case of the campaign (a Shutdown among Shutdowns); a case in IgnoreStatus
// (voided) is no case.
type RecheckFilter struct {
	Scope        domain.ScopeFilter
	CampaignID   int64
	States       []string
	Shutdowns    []domain.Shutdown
	IgnoreStatus domain.CaseStatus
}

// RecheckSite is one site the due list considers, with its case of the
// campaign (if any) and its latest inspection in the campaign (zero: none).
type RecheckSite struct {
	SiteID     int64
	SiteName   string
	State      string
	CaseID     *int64
	Shutdown   domain.Shutdown   // "" without a case
	ProblemNo  string            // "" without a case
	CaseStatus domain.CaseStatus // "" without a case
	Place      string            // the name of the site's village, else town
	LastCheck  time.Time
}

// RecheckSites lists the sites matching f in id order.
func (r Reader) RecheckSites(f RecheckFilter) ([]RecheckSite, error) {
	args := []any{f.CampaignID, f.IgnoreStatus}
	scope := placeCond(f.Scope, "s.org_id", "s.village_id", &args)
	in := func(vals []string) string {
		marks := make([]string, len(vals))
		for i, v := range vals {
			args = append(args, v)
			marks[i] = "$" + strconv.Itoa(len(args))
		}
		return strings.Join(marks, ", ")
	}
	var shut []string
	if len(f.States) > 0 {
		shut = append(shut, `s.state IN (`+in(f.States)+`)`)
	}
	if len(f.Shutdowns) > 0 {
		codes := make([]string, len(f.Shutdowns))
		for i, s := range f.Shutdowns {
			codes[i] = string(s)
		}
		shut = append(shut, `c.shutdown IN (`+in(codes)+`)`)
	}
	if len(shut) == 0 {
		return []RecheckSite{}, nil
	}
	rows, err := r.q.QueryContext(r.ctx, `SELECT s.id, s.name, s.state, c.id, c.shutdown, c.problem_no, c.status, p.name,
			(SELECT MAX(i.inspected_at) FROM inspections i WHERE i.site_id = s.id AND i.campaign_id = $1)
		FROM sites s JOIN org_units p ON p.id = COALESCE(s.village_id, s.org_id)
		LEFT JOIN cases c ON c.site_id = s.id AND c.campaign_id = $1 AND c.status <> $2
		WHERE `+scope+` AND (`+strings.Join(shut, " OR ")+`)
		ORDER BY s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("re-check sites: %w", err)
	}
	defer rows.Close()
	out := []RecheckSite{}
	for rows.Next() {
		var x RecheckSite
		var shutdown, problemNo, status *string
		if err := rows.Scan(&x.SiteID, &x.SiteName, &x.State, &x.CaseID, &shutdown, &problemNo, &status, &x.Place,
			timeScan{&x.LastCheck}); err != nil {
			return nil, fmt.Errorf("re-check sites: %w", err)
		}
		if shutdown != nil {
			x.Shutdown = domain.Shutdown(*shutdown)
		}
		if problemNo != nil {
			x.ProblemNo = *problemNo
		}
		if status != nil {
			x.CaseStatus = domain.CaseStatus(*status)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// ReopenPromptFilter selects the cases of the reopen prompts' query: of
// CampaignID, placed in Scope, in Status (closed out), whose site has
// an inspection with FindingOutcome (a problem) after the case's 销号 time.
type ReopenPromptFilter struct {
	Scope          domain.ScopeFilter
	CampaignID     int64
	Status         domain.CaseStatus
	FindingOutcome string
}

// ReopenPrompt is a case of the reopen prompts' query with the latest
// finding on its site.
type ReopenPrompt struct {
	CaseID      int64
	LastFinding time.Time
}

// ReopenPrompts lists the cases matching f by 问题编号.
func (r Reader) ReopenPrompts(f ReopenPromptFilter) ([]ReopenPrompt, error) {
	args := []any{f.CampaignID, f.Status, f.FindingOutcome}
	rows, err := r.q.QueryContext(r.ctx, `SELECT c.id,
			(SELECT MAX(i.inspected_at) FROM inspections i WHERE i.site_id = c.site_id AND i.outcome = $3)
		FROM cases c
		WHERE c.campaign_id = $1 AND c.status = $2 AND `+placeCond(f.Scope, "c.org_id", "c.village_id", &args)+`
		AND EXISTS (SELECT 1 FROM inspections i WHERE i.site_id = c.site_id AND i.outcome = $3 AND i.inspected_at > c.closed_at)
		ORDER BY c.problem_no`, args...)
	if err != nil {
		return nil, fmt.Errorf("reopen prompts: %w", err)
	}
	defer rows.Close()
	out := []ReopenPrompt{}
	for rows.Next() {
		var x ReopenPrompt
		if err := rows.Scan(&x.CaseID, timeScan{&x.LastFinding}); err != nil {
			return nil, fmt.Errorf("reopen prompts: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// SiteCases lists the ids of a site's cases in a campaign, oldest first.
func (r Reader) SiteCases(campaignID, siteID int64) ([]int64, error) {
	ids, err := r.idColumn(`SELECT id FROM cases WHERE campaign_id = $1 AND site_id = $2 ORDER BY id`, campaignID, siteID)
	if err != nil {
		return nil, fmt.Errorf("cases of site %d: %w", siteID, err)
	}
	return ids, nil
}
