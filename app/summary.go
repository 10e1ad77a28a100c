package app

import (
	"context"
	"iter"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// 附件2 (违法违规“小字头”及“停产停业”企业排查整治问题汇总表) and 附件1 from the
// live records. summarize is the one way 附件2 is computed from them: the
// live report, the JSON API, the XLSX export and the weekly snapshot all
// call it, and it hands the counting itself to domain.Summarize.

// SummaryQuery chooses a 附件2 table: the unit (0 = the actor's scope root),
// one row for it or one row per direct child (Breakdown), and the campaign
// (0 = the active one).
type SummaryQuery struct {
	CampaignID int64
	OrgID      int64
	Breakdown  bool
}

// SummaryResult is a computed 附件2 with what it was computed for.
type SummaryResult struct {
	domain.Summary
	Campaign *domain.Campaign
	Org      *domain.OrgUnit
}

// summaryBatch bounds how many cases are held in memory at once: a
// province's million cases are summarised batch by batch.
const summaryBatch = 20000

// Summary computes 附件2 for a unit in the actor's scope. A unit outside the
// scope is not found. With Breakdown the rows are the unit's direct children
// in official order (开发区, 镇/乡, 街道), every one present, zeros included;
// records placed at the unit itself (a town's cases without a village) get
// a last row "<unit>本级" so that 合计 still covers the whole unit.
//
// It reads the read replica when there is one (listReader): a change
// committed a moment ago may not be counted yet.
func (s *App) Summary(ctx context.Context, a *domain.Actor, q SummaryQuery) (*SummaryResult, error) {
	r := s.listReader(ctx)
	camp, org, err := s.summaryTarget(ctx, r, a, q.CampaignID, q.OrgID)
	if err != nil {
		return nil, err
	}
	sum, err := summarize(r, camp, org, q.Breakdown)
	if err != nil {
		return nil, err
	}
	return &SummaryResult{Summary: sum, Campaign: camp, Org: org}, nil
}

// summaryTarget resolves the campaign and the unit of a report request and
// authorizes the actor to read the unit's records: the unit defaults to
// the actor's scope root, and one outside the scope is not found.
func (s *App) summaryTarget(ctx context.Context, r store.Reader, a *domain.Actor, campaignID, orgID int64) (*domain.Campaign, *domain.OrgUnit, error) {
	camp, err := s.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, nil, err
	}
	if orgID == 0 && a != nil {
		orgID = a.Scope.ID
	}
	org, err := r.Org(orgID)
	if err != nil {
		return nil, nil, found(err, "单位")
	}
	if err := domain.Authorize(a, domain.ActRead, org, "单位"); err != nil {
		return nil, nil, err
	}
	return camp, org, nil
}

// summarize reads the campaign's inspected sites and cases under org
// through r and hands them to domain.Summarize, batch by batch; each
// batch's rows are added up per region in fen, so 合计 stays the exact Σ rows.
func summarize(r store.Reader, camp *domain.Campaign, org *domain.OrgUnit, breakdown bool) (domain.Summary, error) {
	regions := []domain.SummaryRegion{{ID: org.ID, Name: org.Name}}
	if breakdown {
		kids, err := r.Children(org.ID)
		if err != nil {
			return domain.Summary{}, err
		}
		regions = make([]domain.SummaryRegion, 0, len(kids)+1)
		for _, k := range kids {
			regions = append(regions, domain.SummaryRegion{ID: k.ID, Name: k.Name})
		}
		// The 本级 row is counted always and shown when records fall in it.
		regions = append(regions, domain.UnitRegion(org))
	}
	atUnit := 0 // records placed at the unit itself, in a breakdown
	regionOf := func(path string) int64 {
		id := domain.RegionOf(org, breakdown, path)
		if breakdown && id == org.ID {
			atUnit++
		}
		return id
	}

	// 附件2 cols 2–3: distinct sites with an inspection in the campaign.
	scope, err := scopeOf(r, org)
	if err != nil {
		return domain.Summary{}, err
	}
	placed, err := r.InspectedSites(camp.ID, scope)
	if err != nil {
		return domain.Summary{}, err
	}
	sites := make([]domain.InspectedSite, len(placed))
	for i, p := range placed {
		sites[i] = domain.InspectedSite{RegionID: regionOf(p.Path), SiteID: p.SiteID, TargetType: p.TargetType}
	}

	// Cols 4–19 from the cases; voided cases count nowhere.
	acc := domain.Summarize(regions, nil, sites).Rows
	batch := make([]domain.CaseFacts, 0, summaryBatch)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		part := domain.Summarize(regions, batch, nil).Rows
		for i := range acc {
			sum := domain.TotalOf([]domain.SummaryRow{acc[i], part[i]})
			sum.OrgID, sum.Region = acc[i].OrgID, acc[i].Region
			acc[i] = sum
		}
		batch = batch[:0]
	}
	for c, err := range r.SummaryCases(camp.ID, scope, domain.StatusVoided) {
		if err != nil {
			return domain.Summary{}, err
		}
		batch = append(batch, domain.FactsOf(&c.Case, regionOf(c.Path)))
		if len(batch) == summaryBatch {
			flush()
		}
	}
	flush()
	if breakdown && atUnit == 0 && len(acc) > 1 {
		acc = acc[:len(acc)-1] // no records at the unit itself: no 本级 row
	}
	return domain.Summary{Rows: acc, Total: domain.TotalOf(acc)}, nil
}

// ProblemRows streams 附件1 for a unit in the actor's scope: the campaign's
// cases (voided ones count nowhere) town by town in official order, each
// town's by 问题编号. The caller ranges over the result once; rows are read
// from the database (the read replica when there is one, as for Summary)
// as they are written out.
func (s *App) ProblemRows(ctx context.Context, a *domain.Actor, campaignID, orgID int64) (*SummaryResult, iter.Seq2[*domain.Case, error], error) {
	r := s.listReader(ctx)
	camp, org, err := s.summaryTarget(ctx, r, a, campaignID, orgID)
	if err != nil {
		return nil, nil, err
	}
	towns, err := townsUnder(r, org)
	if err != nil {
		return nil, nil, err
	}
	scope, err := scopeOf(r, org)
	if err != nil {
		return nil, nil, err
	}
	seq := func(yield func(*domain.Case, error) bool) {
		for _, t := range towns {
			for c, err := range r.TownProblems(camp.ID, t.ID, scope, domain.StatusVoided) {
				if !yield(c, err) || err != nil {
					return
				}
			}
		}
	}
	return &SummaryResult{Campaign: camp, Org: org}, seq, nil
}

// townProblems collects one town's live 附件1 rows.
func townProblems(r store.Reader, campaignID int64, town *domain.OrgUnit) ([]*domain.Case, error) {
	out := []*domain.Case{}
	for c, err := range r.TownProblems(campaignID, town.ID, domain.ScopeFilter{TownID: town.ID}, domain.StatusVoided) {
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// townsUnder lists the town-level units in org's subtree (org itself when
// it is a town; the town containing it when it lies below one), in tree
// order with siblings in official order.
func townsUnder(r store.Reader, org *domain.OrgUnit) ([]*domain.OrgUnit, error) {
	if tier := org.Kind.Tier(); tier == domain.TierVillage || tier == domain.TierGrid {
		ancestors, err := r.Ancestors(org)
		if err != nil {
			return nil, err
		}
		for _, o := range ancestors {
			if o.IsTown() {
				return []*domain.OrgUnit{o}, nil
			}
		}
		return nil, domain.Invalid("org_id", "%s 不在任何镇（街道）之下", org.Name)
	}
	all, err := r.Subtree(org)
	if err != nil {
		return nil, err
	}
	var towns []*domain.OrgUnit
	for _, o := range all {
		if o.IsTown() {
			towns = append(towns, o)
		}
	}
	return towns, nil
}
