package store

import (
	"context"
	"fmt"
	"iter"
	"sort"
	"strconv"
	"strings"

	"zhengzhi/domain"
)

// 附件2 (违法违规“小字头”及“停产停业”企业排查整治问题汇总表) and 附件1 read
// from the live records. Summary is the one way the store computes 附件2:
// the live report, the JSON API, the XLSX export and the weekly snapshot all
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
func (d *DB) Summary(ctx context.Context, a *domain.Actor, q SummaryQuery) (*SummaryResult, error) {
	camp, org, err := d.summaryTarget(ctx, a, q.CampaignID, q.OrgID)
	if err != nil {
		return nil, err
	}
	s, err := d.summarize(ctx, d.db, camp, org, q.Breakdown)
	if err != nil {
		return nil, err
	}
	return &SummaryResult{Summary: s, Campaign: camp, Org: org}, nil
}

// summaryTarget resolves the campaign and the unit of a report request; the
// unit defaults to the actor's scope root and must lie in the scope.
func (d *DB) summaryTarget(ctx context.Context, a *domain.Actor, campaignID, orgID int64) (*domain.Campaign, *domain.OrgUnit, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, nil, err
	}
	camp, err := d.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, nil, err
	}
	if orgID == 0 {
		orgID = a.Scope.ID
	}
	org, err := d.VisibleOrg(ctx, a, orgID)
	if err != nil {
		return nil, nil, err
	}
	return camp, org, nil
}

// summaryRegions lists the rows of a breakdown (or the unit alone).
func summaryRegions(ctx context.Context, q querier, org *domain.OrgUnit, breakdown bool) ([]domain.SummaryRegion, error) {
	if !breakdown {
		return []domain.SummaryRegion{{ID: org.ID, Name: org.Name}}, nil
	}
	kids, err := childrenOf(ctx, q, org.ID)
	if err != nil {
		return nil, err
	}
	regions := make([]domain.SummaryRegion, 0, len(kids)+1)
	for _, k := range kids {
		regions = append(regions, domain.SummaryRegion{ID: k.ID, Name: k.Name})
	}
	return regions, nil
}

// childrenOf lists a unit's direct children in official order, through q.
func childrenOf(ctx context.Context, q querier, id int64) ([]*domain.OrgUnit, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+orgCols+` FROM org_units WHERE parent_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("children of %d: %w", id, err)
	}
	defer rows.Close()
	var out []*domain.OrgUnit
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OfficialOrderKey() < out[j].OfficialOrderKey() })
	return out, rows.Err()
}

// regionOf maps a record's place path to its breakdown row: the child of
// the unit whose path prefixes it, or the unit itself for a record placed
// at the unit (or when there is no breakdown).
func regionOf(org *domain.OrgUnit, breakdown bool, path string) int64 {
	if !breakdown || !strings.HasPrefix(path, org.Path) {
		return org.ID
	}
	rest := strings.TrimPrefix(path, org.Path)
	seg, _, _ := strings.Cut(rest, "/")
	if seg == "" {
		return org.ID
	}
	id, err := strconv.ParseInt(seg, 10, 64)
	if err != nil {
		return org.ID
	}
	return id
}

// summarize reads the campaign's inspected sites and cases under org
// through q and hands them to domain.Summarize, batch by batch.
func (d *DB) summarize(ctx context.Context, q querier, camp *domain.Campaign, org *domain.OrgUnit, breakdown bool) (domain.Summary, error) {
	regions, err := summaryRegions(ctx, q, org, breakdown)
	if err != nil {
		return domain.Summary{}, err
	}
	// Records placed at the unit itself belong to no child: give them a row.
	if breakdown {
		var n int
		err := q.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM cases c WHERE c.campaign_id = $1 AND COALESCE(c.village_id, c.org_id) = $2 AND c.status <> 'voided') +
			(SELECT COUNT(*) FROM inspections i JOIN sites s ON s.id = i.site_id WHERE i.campaign_id = $1 AND COALESCE(s.village_id, s.org_id) = $2)`,
			camp.ID, org.ID).Scan(&n)
		if err != nil {
			return domain.Summary{}, fmt.Errorf("records at %s: %w", org.Name, err)
		}
		if n > 0 || len(regions) == 0 {
			regions = append(regions, domain.SummaryRegion{ID: org.ID, Name: org.Name + "本级"})
		}
	}

	// 附件2 cols 2–3: distinct sites with an inspection in the campaign.
	var sites []domain.InspectedSite
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT s.id, s.target_type, p.path FROM inspections i
		JOIN sites s ON s.id = i.site_id
		JOIN org_units p ON p.id = COALESCE(s.village_id, s.org_id)
		WHERE i.campaign_id = $1 AND p.path LIKE $2`, camp.ID, org.Path+"%")
	if err != nil {
		return domain.Summary{}, fmt.Errorf("inspected sites: %w", err)
	}
	for rows.Next() {
		var s domain.InspectedSite
		var path string
		if err := rows.Scan(&s.SiteID, &s.TargetType, &path); err != nil {
			rows.Close()
			return domain.Summary{}, err
		}
		s.RegionID = regionOf(org, breakdown, path)
		sites = append(sites, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return domain.Summary{}, err
	}

	// Cols 4–19 from the cases, summarised in batches; each batch's rows
	// are added up per region in fen, so 合计 stays the exact Σ rows.
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
	rows, err = q.QueryContext(ctx, `SELECT c.status, c.category, c.onsite_status, c.clears_done, c.case_filed, c.fine_fen,
		c.confiscated_fen, c.judicial_transfer, c.detained_persons, c.disciplined_persons, p.path
		FROM cases c JOIN org_units p ON p.id = COALESCE(c.village_id, c.org_id)
		WHERE c.campaign_id = $1 AND p.path LIKE $2 AND c.status <> 'voided'`, camp.ID, org.Path+"%")
	if err != nil {
		return domain.Summary{}, fmt.Errorf("cases for 附件2: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c domain.Case
		var path string
		if err := rows.Scan(&c.Status, &c.Category, &c.OnsiteStatus, &c.ClearsDone, &c.CaseFiled, &c.FineFen,
			&c.ConfiscatedFen, &c.JudicialTransfer, &c.DetainedPersons, &c.DisciplinedPersons, &path); err != nil {
			return domain.Summary{}, err
		}
		batch = append(batch, domain.FactsOf(&c, regionOf(org, breakdown, path)))
		if len(batch) == summaryBatch {
			flush()
		}
	}
	if err := rows.Err(); err != nil {
		return domain.Summary{}, err
	}
	flush()
	return domain.Summary{Rows: acc, Total: domain.TotalOf(acc)}, nil
}

// ProblemRows streams 附件1 for a unit in the actor's scope: the campaign's
// cases (voided ones count nowhere) town by town in official order, each
// town's by 问题编号. The caller ranges over the result once; rows are read
// from the database as they are written out.
func (d *DB) ProblemRows(ctx context.Context, a *domain.Actor, campaignID, orgID int64) (*SummaryResult, iter.Seq2[*domain.Case, error], error) {
	camp, org, err := d.summaryTarget(ctx, a, campaignID, orgID)
	if err != nil {
		return nil, nil, err
	}
	towns, err := d.townsUnder(ctx, d.db, org)
	if err != nil {
		return nil, nil, err
	}
	seq := func(yield func(*domain.Case, error) bool) {
		for _, t := range towns {
			if !d.townProblems(ctx, d.db, camp.ID, t.ID, org.Path, yield) {
				return
			}
		}
	}
	return &SummaryResult{Campaign: camp, Org: org}, seq, nil
}

// townProblems yields one town's live 附件1 rows under path; it returns
// false when the consumer stopped or an error was yielded.
func (d *DB) townProblems(ctx context.Context, q querier, campaignID, townID int64, path string,
	yield func(*domain.Case, error) bool) bool {
	rows, err := q.QueryContext(ctx, `SELECT `+caseCols+caseFrom+`
		WHERE c.campaign_id = $1 AND c.org_id = $2 AND p.path LIKE $3 AND c.status <> 'voided'
		ORDER BY c.problem_no, c.id`, campaignID, townID, path+"%")
	if err != nil {
		yield(nil, fmt.Errorf("附件1 rows: %w", err))
		return false
	}
	defer rows.Close()
	for rows.Next() {
		c, _, err := scanCase(rows)
		if err != nil {
			yield(nil, err)
			return false
		}
		if !yield(c, nil) {
			return false
		}
	}
	if err := rows.Err(); err != nil {
		yield(nil, err)
		return false
	}
	return true
}

// townsUnder lists the town-level units in org's subtree (org itself when
// it is a town; the town containing it when it lies below one), in tree
// order with siblings in official order.
func (d *DB) townsUnder(ctx context.Context, q querier, org *domain.OrgUnit) ([]*domain.OrgUnit, error) {
	if org.Kind.Tier() == domain.TierVillage || org.Kind.Tier() == domain.TierGrid {
		t, err := d.townOf(ctx, q, org)
		if err != nil {
			return nil, err
		}
		return []*domain.OrgUnit{t}, nil
	}
	all, err := d.Subtree(ctx, org)
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
