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
// per place (campaign, town, village — 0 for none) with a column per
// domain.CounterNames figure, and the same figures of each town as a whole
// in summary_counters_town, changed together; each row's revision grows
// with every change to it. What a change adds is the domain's; the app
// applies it in the transaction of the change (app/counters.go).

// counterCols is the figure columns in domain.CounterColumn order.
var counterCols = strings.Join(domain.CounterNames[:], ", ")

// CounterRow is one place's counters (or a town's, or a total: see
// CounterGroup), with the path of the place for mapping it to a breakdown
// row.
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
// nothing. Group says how the rows come back.
type CounterFilter struct {
	All       bool
	VillageID int64
	OrgID     int64
	OrgIDs    []int64
	Group     CounterGroup
}

// CounterGroup is how Counters adds up the places it selects.
type CounterGroup int

const (
	// ByPlace: one row per place, Path the place's (village, else town).
	ByPlace CounterGroup = iota
	// ByTown: one row per town, the town as a whole (Key.VillageID 0),
	// Path the town's: what a breakdown above the towns reads.
	ByTown
	// InTotal: one row, every place added up (Key.OrgID and Path zero).
	InTotal
)

// Counters lists a campaign's counter rows in f, by town and village.
// Above the place it reads the towns' own rows, one a town. A sum that
// does not fit in 64 bits is an error of the database (SQLite's "integer
// overflow", PostgreSQL's "bigint out of range"), never wrapped.
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
	var q string
	switch {
	case f.Group == ByPlace:
		q = `SELECT sc.campaign_id, sc.org_id, sc.village_id, ` + prefixed("sc.", domain.CounterNames[:]) + `, sc.revision, COALESCE(p.path, '')
		FROM summary_counters sc
		LEFT JOIN org_units p ON p.id = CASE WHEN sc.village_id <> 0 THEN sc.village_id ELSE sc.org_id END
		WHERE ` + where + ` ORDER BY sc.org_id, sc.village_id`
	case f.VillageID != 0: // a village's places are its one row
		q = `SELECT 0, 0, 0, ` + summed + `, '' FROM summary_counters sc WHERE ` + where
	case f.Group == ByTown:
		q = `SELECT sc.campaign_id, sc.org_id, 0, ` + prefixed("sc.", domain.CounterNames[:]) + `, sc.revision, COALESCE(p.path, '')
		FROM summary_counters_town sc LEFT JOIN org_units p ON p.id = sc.org_id
		WHERE ` + where + ` ORDER BY sc.org_id`
	default:
		q = `SELECT 0, 0, 0, ` + summed + `, '' FROM summary_counters_town sc WHERE ` + where
	}
	rows, err := r.q.QueryContext(r.ctx, q, args...)
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
		c.Key.CampaignID = campaignID
		out = append(out, c)
	}
	return out, rows.Err()
}

// summed is every figure and the revision of sc summed.
var summed = sumCols(append(domain.CounterNames[:], "revision"))

// sumCols sums each column of sc as a 64-bit integer: PostgreSQL's
// SUM(bigint) is numeric, and the cast refuses what does not fit (SQLite's
// SUM fails with "integer overflow" itself; BIGINT is INTEGER to it).
func sumCols(cols []string) string {
	out := make([]string, len(cols))
	for i, n := range cols {
		out[i] = "CAST(COALESCE(SUM(sc." + n + "), 0) AS BIGINT)"
	}
	return strings.Join(out, ", ")
}

func prefixed(prefix string, names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return strings.Join(out, ", ")
}

// CountersAt reads one place's counters and its town's; a place or town
// with no row has zeros.
func (r Reader) CountersAt(k domain.CounterKey) (place, town domain.Counters, err error) {
	read := func(c *domain.Counters, query string, args ...any) error {
		dest := make([]any, len(c))
		for i := range c {
			dest[i] = &c[i]
		}
		err := r.q.QueryRowContext(r.ctx, query, args...).Scan(dest...)
		if err == sql.ErrNoRows {
			return nil
		} else if err != nil {
			return fmt.Errorf("counters at %+v: %w", k, err)
		}
		return nil
	}
	if err := read(&place, `SELECT `+counterCols+` FROM summary_counters WHERE campaign_id = $1 AND org_id = $2 AND village_id = $3`,
		k.CampaignID, k.OrgID, k.VillageID); err != nil {
		return place, town, err
	}
	err = read(&town, `SELECT `+counterCols+` FROM summary_counters_town WHERE campaign_id = $1 AND org_id = $2`, k.CampaignID, k.OrgID)
	return place, town, err
}

// TownRevision is the revision of a town's counters in a campaign: it
// grows with every change to the town's cases or inspected sites, so an
// unchanged revision means unchanged data.
func (r Reader) TownRevision(campaignID, orgID int64) (int64, error) {
	var n int64
	err := r.q.QueryRowContext(r.ctx, `SELECT revision FROM summary_counters_town WHERE campaign_id = $1 AND org_id = $2`,
		campaignID, orgID).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
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

// upsertCounters adds a delta to a place's row and upsertTown to its
// town's (creating them), one revision up.
var upsertCounters, upsertTown = upsert("summary_counters", "campaign_id, org_id, village_id", 3),
	upsert("summary_counters_town", "campaign_id, org_id", 2)

func upsert(table, key string, nkey int) string {
	keyPH := make([]string, nkey)
	for i := range keyPH {
		keyPH[i] = "$" + strconv.Itoa(i+1)
	}
	ph := make([]string, len(domain.CounterNames))
	set := make([]string, len(domain.CounterNames))
	for i, n := range domain.CounterNames {
		ph[i] = "$" + strconv.Itoa(i+1+nkey)
		set[i] = n + " = " + table + "." + n + " + excluded." + n
	}
	return `INSERT INTO ` + table + ` (` + key + `, ` + counterCols + `, revision)
		VALUES (` + strings.Join(keyPH, ", ") + `, ` + strings.Join(ph, ", ") + `, 1)
		ON CONFLICT (` + key + `) DO UPDATE SET ` + strings.Join(set, ", ") + `, revision = ` + table + `.revision + 1`
}

func counterArgs(c domain.Counters, key ...any) []any {
	args := make([]any, 0, len(key)+len(c))
	args = append(args, key...)
	for _, v := range c {
		args = append(args, v)
	}
	return args
}

// AddCounters adds delta to the place's counters and to its town's (two
// upserts) and moves both revisions on, even for a zero delta. The caller
// has checked that both sums fit (domain.Counters.Add): SQLite would turn
// an overflowing sum into a float.
func (tx *Tx) AddCounters(k domain.CounterKey, delta domain.Counters) error {
	if _, err := tx.exec(upsertCounters, counterArgs(delta, k.CampaignID, k.OrgID, k.VillageID)...); err != nil {
		return fmt.Errorf("add counters at %+v: %w", k, err)
	}
	if _, err := tx.exec(upsertTown, counterArgs(delta, k.CampaignID, k.OrgID)...); err != nil {
		return fmt.Errorf("add counters of town %d: %w", k.OrgID, err)
	}
	return nil
}

// ReplaceCounters sets a campaign's counters to rows (a rebuild): every
// stored row of the campaign is zeroed, then each of rows is added and
// each town's row set to the sum of its places. The revisions only grow,
// so a snapshot read before is seen as stale.
func (tx *Tx) ReplaceCounters(campaignID int64, rows map[domain.CounterKey]domain.Counters) error {
	return replaceCounters(tx.ctx, tx.tx, campaignID, rows)
}

func replaceCounters(ctx context.Context, tx *sql.Tx, campaignID int64, rows map[domain.CounterKey]domain.Counters) error {
	zero := make([]string, len(domain.CounterNames))
	for i, n := range domain.CounterNames {
		zero[i] = n + " = 0"
	}
	for _, table := range []string{"summary_counters", "summary_counters_town"} {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+strings.Join(zero, ", ")+`, revision = revision + 1
			WHERE campaign_id = $1`, campaignID); err != nil {
			return fmt.Errorf("clear counters of campaign %d: %w", campaignID, err)
		}
	}
	stmt, err := tx.PrepareContext(ctx, upsertCounters)
	if err != nil {
		return fmt.Errorf("replace counters of campaign %d: %w", campaignID, err)
	}
	defer stmt.Close()
	for k, c := range rows {
		if k.CampaignID != campaignID {
			return fmt.Errorf("replace counters of campaign %d: row of campaign %d", campaignID, k.CampaignID)
		}
		if _, err := stmt.ExecContext(ctx, counterArgs(c, k.CampaignID, k.OrgID, k.VillageID)...); err != nil {
			return fmt.Errorf("replace counters at %+v: %w", k, err)
		}
	}
	// Each town as a whole: its places added up (a sum that does not fit
	// is the database's error, never wrapped).
	set := make([]string, len(domain.CounterNames))
	for i, n := range domain.CounterNames {
		set[i] = n + " = excluded." + n
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO summary_counters_town (campaign_id, org_id, `+counterCols+`, revision)
		SELECT campaign_id, org_id, `+sumCols(domain.CounterNames[:])+`, 1 FROM summary_counters sc
		WHERE campaign_id = $1 GROUP BY campaign_id, org_id
		ON CONFLICT (campaign_id, org_id) DO UPDATE SET `+strings.Join(set, ", ")+`, revision = summary_counters_town.revision + 1`,
		campaignID); err != nil {
		return fmt.Errorf("replace town counters of campaign %d: %w", campaignID, err)
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
	for c, err := range r.SummaryCases(campaignID, domain.ScopeFilter{All: true}, "") {
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
	sites, err := r.InspectedSites(campaignID, domain.ScopeFilter{All: true})
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
