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
	if err := dashboardCounts(r, out, camp.ID, org); err != nil {
		return nil, err
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
	return out, nil
}

// dashboardCounts fills the case and inspection figures from the
// maintained counters of the unit's places. A case in a category outside
// the seven of 附件2 (a campaign's own, which ValidateCase warns about) or
// in a status outside the life cycle has no column of its own, so the
// sums disagree with 问题总数; the figures are then counted from the cases.
func dashboardCounts(r store.Reader, out *Dashboard, campaignID int64, org *domain.OrgUnit) error {
	rows, err := placeCounters(r, campaignID, org, store.InTotal)
	if err != nil {
		return err
	}
	var sum domain.Counters
	for _, row := range rows {
		if sum, err = sum.Add(row.Counters); err != nil {
			return err
		}
	}
	var live, cats int64
	for st := range domain.StatusNames {
		if n := sum.Status(st); n > 0 {
			out.ByStatus[string(st)] = int(n)
			if st != domain.StatusVoided {
				live += n
			}
		}
	}
	for cat, col := range domain.CategoryColumns {
		if n := sum[col]; n > 0 {
			out.ByCategory[string(cat)] = int(n)
			cats += n
		}
	}
	out.Cases = int(sum[domain.CountProblems])
	out.ClosedOut = int(sum[domain.CountClosedOut])
	out.Supervised = int(sum[domain.CountSupervised])
	out.Inspected = int(sum[domain.CountInspected])
	if live == sum[domain.CountProblems] && cats == sum[domain.CountProblems] {
		return nil
	}
	clear(out.ByStatus)
	clear(out.ByCategory)
	out.Cases, out.ClosedOut, out.Supervised = 0, 0, 0
	counts, err := r.CaseCounts(org.Path, campaignID)
	if err != nil {
		return err
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
	return nil
}
