package store

import (
	"context"
	"fmt"

	"zhengzhi/domain"
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
	Overdue    int            `json:"overdue"`    // past 整改期限, not closed out
	Supervised int            `json:"supervised"` // 挂牌督办, not closed out
	ClosedOut  int            `json:"closed_out"`
}

// Dashboard counts the cases and sites in a unit's subtree (default: the
// actor's scope) for a campaign (0: the active one).
func (d *DB) Dashboard(ctx context.Context, a *domain.Actor, orgID, campaignID int64) (*Dashboard, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	camp, err := d.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	org := &a.Scope
	if orgID != 0 {
		if org, err = d.VisibleOrg(ctx, a, orgID); err != nil {
			return nil, err
		}
	}
	out := &Dashboard{OrgID: org.ID, OrgName: org.Name, CampaignID: camp.ID, ByStatus: map[string]int{}, ByCategory: map[string]int{}}
	today := string(domain.DateOf(d.clock.Now(), d.zone))
	rows, err := d.db.QueryContext(ctx, `SELECT c.status, c.category, COUNT(*),
		SUM(CASE WHEN c.rectify_deadline <> '' AND c.rectify_deadline < $3 THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.supervised THEN 1 ELSE 0 END)`+caseFrom+`
		WHERE p.path LIKE $1 AND c.campaign_id = $2 GROUP BY c.status, c.category`, org.Path+"%", camp.ID, today)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status, cat string
		var n, overdue, supervised int
		if err := rows.Scan(&status, &cat, &n, &overdue, &supervised); err != nil {
			return nil, err
		}
		out.ByStatus[status] += n
		if domain.CaseStatus(status) == domain.StatusVoided {
			continue
		}
		out.Cases += n
		out.ByCategory[cat] += n
		if domain.CaseStatus(status) == domain.StatusClosedOut {
			out.ClosedOut += n
			continue
		}
		out.Overdue += overdue
		out.Supervised += supervised
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sites s JOIN org_units p ON p.id = COALESCE(s.village_id, s.org_id)
		WHERE p.path LIKE $1`, org.Path+"%").Scan(&out.Sites)
	if err != nil {
		return nil, fmt.Errorf("dashboard sites: %w", err)
	}
	err = d.db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT i.site_id) FROM inspections i JOIN sites s ON s.id = i.site_id
		JOIN org_units p ON p.id = COALESCE(s.village_id, s.org_id)
		WHERE p.path LIKE $1 AND i.campaign_id = $2`, org.Path+"%", camp.ID).Scan(&out.Inspected)
	if err != nil {
		return nil, fmt.Errorf("dashboard inspections: %w", err)
	}
	return out, nil
}
