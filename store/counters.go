package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"zhengzhi/domain"
)

// The maintained 附件2 counters (migration 0007, domain/counters.go): one row
// per (campaign, town, village — 0 for none) with a column per
// domain.CounterNames figure and a revision that grows with every change
// to the row. What a change adds is the domain's; the app applies it in the
// transaction of the change (app/counters.go).

// counterCols is the figure columns in domain.CounterColumn order.
var counterCols = strings.Join(domain.CounterNames[:], ", ")

// CounterRow is one place's counters, with the path of the place (its
// village, else its town) for mapping it to a breakdown row.
type CounterRow struct {
	Key      domain.CounterKey
	Counters domain.Counters
	Revision int64
	Path     string
}

// CounterFilter selects places by equality on the key's columns, as a
// scoped query does (brief: scope by equality): All, or a village
// (village_id = VillageID), or a town (org_id = OrgID), or the towns above
// them (org_id IN OrgIDs; empty selects nothing). The zero value selects
// nothing.
type CounterFilter struct {
	All       bool
	VillageID int64
	OrgID     int64
	OrgIDs    []int64
}

// Counters lists a campaign's counter rows in f, by town and village.
func (r Reader) Counters(campaignID int64, f CounterFilter) ([]CounterRow, error) {
	args := []any{campaignID}
	where := `sc.campaign_id = $1`
	switch {
	case f.All:
	case f.VillageID != 0:
		args = append(args, f.VillageID)
		where += ` AND sc.village_id = $2`
	case f.OrgID != 0:
		args = append(args, f.OrgID)
		where += ` AND sc.org_id = $2`
	case len(f.OrgIDs) > 0:
		ph := make([]string, len(f.OrgIDs))
		for i, id := range f.OrgIDs {
			args = append(args, id)
			ph[i] = "$" + strconv.Itoa(i+2)
		}
		where += ` AND sc.org_id IN (` + strings.Join(ph, ", ") + `)`
	default:
		return nil, nil
	}
	rows, err := r.q.QueryContext(r.ctx, `SELECT sc.campaign_id, sc.org_id, sc.village_id, `+prefixed("sc.", domain.CounterNames[:])+
		`, sc.revision, COALESCE(p.path, '') FROM summary_counters sc
		LEFT JOIN org_units p ON p.id = CASE WHEN sc.village_id <> 0 THEN sc.village_id ELSE sc.org_id END
		WHERE `+where+` ORDER BY sc.org_id, sc.village_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("counters of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	var out []CounterRow
	for rows.Next() {
		var c CounterRow
		dest := []any{&c.Key.CampaignID, &c.Key.OrgID, &c.Key.VillageID}
		for i := range c.Counters {
			dest = append(dest, &c.Counters[i])
		}
		dest = append(dest, &c.Revision, &c.Path)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("counters of campaign %d: %w", campaignID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func prefixed(prefix string, names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return strings.Join(out, ", ")
}

// CountersAt reads one place's counters; a place with no row has zeros.
func (r Reader) CountersAt(k domain.CounterKey) (domain.Counters, error) {
	var c domain.Counters
	dest := make([]any, len(c))
	for i := range c {
		dest[i] = &c[i]
	}
	err := r.q.QueryRowContext(r.ctx, `SELECT `+counterCols+` FROM summary_counters WHERE campaign_id = $1 AND org_id = $2 AND village_id = $3`,
		k.CampaignID, k.OrgID, k.VillageID).Scan(dest...)
	if err == sql.ErrNoRows {
		return domain.Counters{}, nil
	} else if err != nil {
		return c, fmt.Errorf("counters at %+v: %w", k, err)
	}
	return c, nil
}

// TownRevision is the sum of the revisions of a town's counter rows in a
// campaign: it grows with every change to the town's cases or inspected
// sites, so an unchanged revision means unchanged data.
func (r Reader) TownRevision(campaignID, orgID int64) (int64, error) {
	var n int64
	err := r.q.QueryRowContext(r.ctx, `SELECT COALESCE(SUM(revision), 0) FROM summary_counters WHERE campaign_id = $1 AND org_id = $2`,
		campaignID, orgID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("revision of town %d: %w", orgID, err)
	}
	return n, nil
}

// InspectedCampaigns lists the campaigns a site has an inspection in.
func (r Reader) InspectedCampaigns(siteID int64) ([]int64, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT DISTINCT campaign_id FROM inspections WHERE site_id = $1 ORDER BY campaign_id`, siteID)
	if err != nil {
		return nil, fmt.Errorf("campaigns of site %d: %w", siteID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// upsertCounters adds delta to a place's row (creating it), one revision up.
var upsertCounters = func() string {
	ph := make([]string, len(domain.CounterNames))
	set := make([]string, len(domain.CounterNames))
	for i, n := range domain.CounterNames {
		ph[i] = "$" + strconv.Itoa(i+4)
		set[i] = n + " = summary_counters." + n + " + excluded." + n
	}
	return `INSERT INTO summary_counters (campaign_id, org_id, village_id, ` + counterCols + `, revision)
		VALUES ($1, $2, $3, ` + strings.Join(ph, ", ") + `, 1)
		ON CONFLICT (campaign_id, org_id, village_id) DO UPDATE SET ` + strings.Join(set, ", ") +
		`, revision = summary_counters.revision + 1`
}()

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func addCounters(ctx context.Context, ex execer, k domain.CounterKey, delta domain.Counters) error {
	args := make([]any, 0, 3+len(delta))
	args = append(args, k.CampaignID, k.OrgID, k.VillageID)
	for _, v := range delta {
		args = append(args, v)
	}
	if _, err := ex.ExecContext(ctx, upsertCounters, args...); err != nil {
		return fmt.Errorf("add counters at %+v: %w", k, err)
	}
	return nil
}

// AddCounters adds delta to the place's counters (an upsert) and moves its
// revision on, even for a zero delta. The caller has checked that the sums
// fit (domain.Counters.Add): SQLite would turn an overflowing sum into a
// float.
func (tx *Tx) AddCounters(k domain.CounterKey, delta domain.Counters) error {
	return addCounters(tx.ctx, tx.tx, k, delta)
}

// ReplaceCounters sets a campaign's counters to rows (a rebuild): every
// stored row of the campaign is zeroed, then each of rows is added. The
// revisions only grow, so a snapshot read before is seen as stale.
func (tx *Tx) ReplaceCounters(campaignID int64, rows map[domain.CounterKey]domain.Counters) error {
	return replaceCounters(tx.ctx, tx.tx, campaignID, rows)
}

func replaceCounters(ctx context.Context, ex execer, campaignID int64, rows map[domain.CounterKey]domain.Counters) error {
	zero := make([]string, len(domain.CounterNames))
	for i, n := range domain.CounterNames {
		zero[i] = n + " = 0"
	}
	if _, err := ex.ExecContext(ctx, `UPDATE summary_counters SET `+strings.Join(zero, ", ")+`, revision = revision + 1
		WHERE campaign_id = $1`, campaignID); err != nil {
		return fmt.Errorf("clear counters of campaign %d: %w", campaignID, err)
	}
	for k, c := range rows {
		if k.CampaignID != campaignID {
			return fmt.Errorf("replace counters of campaign %d: row of campaign %d", campaignID, k.CampaignID)
		}
		if err := addCounters(ctx, ex, k, c); err != nil {
			return err
		}
	}
	return nil
}

// CampaignIDs lists every campaign's id, oldest first.
func (r Reader) CampaignIDs() ([]int64, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT id FROM campaigns ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("campaign ids: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// recountBatch is how many cases a recount holds at once.
const recountBatch = 20000

// RecountCounters recounts a campaign's counters from its rows — every
// case and every site inspected in it, read through the summary loaders —
// with domain.Recount. Run in a write transaction it sees exactly the
// rows a rebuild replaces the counters with.
func (r Reader) RecountCounters(campaignID int64) (map[domain.CounterKey]domain.Counters, error) {
	rc := domain.NewRecount()
	batch := make([]*domain.Case, 0, recountBatch)
	for c, err := range r.SummaryCases(campaignID, "", "") {
		if err != nil {
			return nil, err
		}
		x := c.Case
		batch = append(batch, &x)
		if len(batch) == recountBatch {
			if err := rc.Cases(batch); err != nil {
				return nil, err
			}
			batch = batch[:0]
		}
	}
	if err := rc.Cases(batch); err != nil {
		return nil, err
	}
	sites, err := r.InspectedSites(campaignID, "")
	if err != nil {
		return nil, err
	}
	placed := make([]domain.PlacedSite, 0, recountBatch)
	for i, s := range sites {
		k := domain.CounterKey{CampaignID: campaignID, OrgID: s.OrgID}
		if s.VillageID != nil {
			k.VillageID = *s.VillageID
		}
		placed = append(placed, domain.PlacedSite{Key: k, SiteID: s.SiteID, TargetType: s.TargetType})
		if len(placed) == recountBatch || i == len(sites)-1 {
			if err := rc.Sites(placed); err != nil {
				return nil, err
			}
			placed = placed[:0]
		}
	}
	return rc.Counters(), nil
}

// buildCounters is migration 0007's Go step: the counters of the data
// stored before the table existed, recounted by the domain's rule.
func buildCounters(ctx context.Context, tx *sql.Tx) error {
	r := Reader{ctx: ctx, q: tx}
	ids, err := r.CampaignIDs()
	if err != nil {
		return err
	}
	for _, id := range ids {
		rows, err := r.RecountCounters(id)
		if err != nil {
			return fmt.Errorf("build counters of campaign %d: %w", id, err)
		}
		if err := replaceCounters(ctx, tx, id, rows); err != nil {
			return err
		}
	}
	return nil
}
