package store

import (
	"fmt"

	"zhengzhi/domain"
)

// CaseCount is the number of a campaign's cases in one status and category,
// and how many of them are 挂牌督办.
type CaseCount struct {
	Status     domain.CaseStatus
	Category   domain.Category
	N          int
	Supervised int
}

// CaseCounts counts a campaign's cases whose place lies under path, by
// status and category.
func (r Reader) CaseCounts(path string, campaignID int64) ([]CaseCount, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT c.status, c.category, COUNT(*), SUM(CASE WHEN c.supervised THEN 1 ELSE 0 END)`+caseFrom+`
		WHERE p.path LIKE $1 AND c.campaign_id = $2 GROUP BY c.status, c.category ORDER BY c.status, c.category`, path+"%", campaignID)
	if err != nil {
		return nil, fmt.Errorf("case counts: %w", err)
	}
	defer rows.Close()
	var out []CaseCount
	for rows.Next() {
		var n CaseCount
		if err := rows.Scan(&n.Status, &n.Category, &n.N, &n.Supervised); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// SiteCount counts the sites placed under path.
func (r Reader) SiteCount(path string) (int, error) {
	var n int
	err := r.q.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM sites s JOIN org_units p ON p.id = COALESCE(s.village_id, s.org_id)
		WHERE p.path LIKE $1`, path+"%").Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count sites: %w", err)
	}
	return n, nil
}
