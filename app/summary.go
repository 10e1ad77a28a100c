package app

import (
	"context"
	"iter"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// 附件2 (违法违规“小字头”及“停产停业”企业排查整治问题汇总表) and 附件1 from the
// live records. summarize is the one way 附件2 is computed: the live report,
// the JSON API, the XLSX export and the weekly snapshot all call it, and it
// reads the maintained counters, domain.Summarize's figures of each place.

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

// summarize computes 附件2 for org from the maintained counters
// (counters.go): the counter rows of the places in org's subtree (a
// handful per town, whatever the number of cases), each added to the
// breakdown row its place falls in (domain.RegionOf) with the overflow
// check, in fen, so 合计 stays the exact Σ rows. The counters are
// domain.Summarize's figures of each place, held equal to it by
// `zhengzhi counters verify` and the recount property tests.
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
	index := make(map[int64]int, len(regions))
	for i, reg := range regions {
		if _, dup := index[reg.ID]; !dup {
			index[reg.ID] = i
		}
	}
	// What the rows must tell apart: nothing without a breakdown; a town's
	// (or a village's) own places; above the towns, the towns.
	group := store.InTotal
	if breakdown {
		group = store.ByTown
		if tier := org.Kind.Tier(); tier == domain.TierTown || tier == domain.TierVillage || tier == domain.TierGrid {
			group = store.ByPlace
		}
	}
	rows, err := placeCounters(r, camp.ID, org, group)
	if err != nil {
		return domain.Summary{}, err
	}
	acc := make([]domain.Counters, len(regions))
	atUnit := false // records placed at the unit itself, in a breakdown
	for _, row := range rows {
		id := org.ID
		if group != store.InTotal {
			id = domain.RegionOf(org, breakdown, row.Path)
		}
		i, ok := index[id]
		if !ok {
			continue
		}
		if breakdown && id == org.ID && row.Counters.Counted() {
			atUnit = true
		}
		if acc[i], err = acc[i].Add(row.Counters); err != nil {
			return domain.Summary{}, err
		}
	}
	out := make([]domain.SummaryRow, len(regions))
	for i, reg := range regions {
		out[i] = acc[i].SummaryRow(reg)
	}
	if breakdown && !atUnit && len(out) > 1 {
		out = out[:len(out)-1] // no records at the unit itself: no 本级 row
	}
	return domain.Summary{Rows: out, Total: domain.TotalOf(out)}, nil
}

// placeCounters reads the counter rows of the places in org's subtree, by
// equality on their town or village — the root's are all rows, a
// village's (or a grid's, where no record is placed) its village_id, a
// town's its org_id, any other unit's the org_id of the towns under it —
// added up as group says.
func placeCounters(r store.Reader, campaignID int64, org *domain.OrgUnit, group store.CounterGroup) ([]store.CounterRow, error) {
	f := store.CounterFilter{Group: group}
	switch tier := org.Kind.Tier(); {
	case org.ParentID == nil:
		f.All = true
	case tier == domain.TierVillage || tier == domain.TierGrid:
		f.VillageID = org.ID
	case tier == domain.TierTown:
		f.OrgID = org.ID
	default:
		all, err := r.Subtree(org)
		if err != nil {
			return nil, err
		}
		for _, o := range all {
			if o.IsTown() {
				f.OrgIDs = append(f.OrgIDs, o.ID)
			}
		}
	}
	return r.Counters(campaignID, f)
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
