package store

import (
	"fmt"
	"iter"

	"zhengzhi/domain"
)

// The facts 附件2 and 附件1 are computed from: a campaign's inspected sites
// and its cases in a unit's subtree (a domain.ScopeFilter on their place
// columns), each with the path of its place. The counting
// itself is domain.Summarize's (app/summary.go hands these facts to it).

// InspectedSitePlace is a site inspected in a campaign (once however often)
// with the path of its place (village, else town).
type InspectedSitePlace struct {
	SiteID     int64
	TargetType string
	Path       string
}

// InspectedSites lists the distinct sites with an inspection in the
// campaign placed in scope.
func (r Reader) InspectedSites(campaignID int64, scope domain.ScopeFilter) ([]InspectedSitePlace, error) {
	args := []any{campaignID}
	rows, err := r.q.QueryContext(r.ctx, `SELECT DISTINCT s.id, s.target_type, p.path FROM inspections i
		JOIN sites s ON s.id = i.site_id
		JOIN org_units p ON p.id = COALESCE(s.village_id, s.org_id)
		WHERE i.campaign_id = $1 AND `+placeCond(scope, "s.org_id", "s.village_id", &args), args...)
	if err != nil {
		return nil, fmt.Errorf("inspected sites: %w", err)
	}
	defer rows.Close()
	var out []InspectedSitePlace
	for rows.Next() {
		var s InspectedSitePlace
		if err := rows.Scan(&s.SiteID, &s.TargetType, &s.Path); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SummaryCase is what 附件2 reads of a case — its status, category and
// figures — with the path of its place.
type SummaryCase struct {
	Case domain.Case
	Path string
}

// SummaryCases streams the campaign's cases placed in scope, except
// those in status exclude, with the fields 附件2 counts. The caller ranges
// over the result once; rows are read as they are consumed.
func (r Reader) SummaryCases(campaignID int64, scope domain.ScopeFilter, exclude domain.CaseStatus) iter.Seq2[*SummaryCase, error] {
	return func(yield func(*SummaryCase, error) bool) {
		args := []any{campaignID, exclude}
		rows, err := r.q.QueryContext(r.ctx, `SELECT c.status, c.category, c.onsite_status, c.clears_done, c.case_filed, c.fine_fen,
			c.confiscated_fen, c.judicial_transfer, c.detained_persons, c.disciplined_persons, p.path
			FROM cases c JOIN org_units p ON p.id = COALESCE(c.village_id, c.org_id)
			WHERE c.campaign_id = $1 AND c.status <> $2 AND `+placeCond(scope, "c.org_id", "c.village_id", &args), args...)
		if err != nil {
			yield(nil, fmt.Errorf("summary cases: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			s := &SummaryCase{}
			c := &s.Case
			if err := rows.Scan(&c.Status, &c.Category, &c.OnsiteStatus, &c.ClearsDone, &c.CaseFiled, &c.FineFen,
				&c.ConfiscatedFen, &c.JudicialTransfer, &c.DetainedPersons, &c.DisciplinedPersons, &s.Path); err != nil {
				yield(nil, err)
				return
			}
			if !yield(s, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// TownProblems streams one town's 附件1 rows: the campaign's cases of the
// town placed in scope, except those in status exclude, by 问题编号. An
// error is yielded once and ends the sequence.
func (r Reader) TownProblems(campaignID, townID int64, scope domain.ScopeFilter, exclude domain.CaseStatus) iter.Seq2[*domain.Case, error] {
	return func(yield func(*domain.Case, error) bool) {
		args := []any{campaignID, townID, exclude}
		rows, err := r.q.QueryContext(r.ctx, `SELECT `+caseCols+caseFrom+`
			WHERE c.campaign_id = $1 AND c.org_id = $2 AND c.status <> $3 AND `+placeCond(scope, "c.org_id", "c.village_id", &args)+`
			ORDER BY c.problem_no, c.id`, args...)
		if err != nil {
			yield(nil, fmt.Errorf("town problems: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			c, _, err := scanCase(rows)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(c, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, err)
		}
	}
}
