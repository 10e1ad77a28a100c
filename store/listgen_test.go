package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// listWorld is a generated city-sized data set for the list's query plans
// and benchmarks, written straight into the schema: a city root, two
// districts of towns/100 towns each, ten villages per town; one site and
// one case per site, spread over the towns except the big town, which holds
// big of them (the "one town with 25,000 cases"); every status,
// mostly 整治中; half of the sites inspected. Cases arrive interleaved across
// towns, as they do over a campaign.
type listWorld struct {
	db        *store.DB
	camp      *domain.Campaign
	root      *domain.OrgUnit
	districts []*domain.OrgUnit
	towns     []*domain.OrgUnit
	villages  map[int64][]*domain.OrgUnit
	big       *domain.OrgUnit
}

// listStatusWeights is the status mix of the generated cases (per mille).
var listStatusWeights = []struct {
	s domain.CaseStatus
	w int
}{
	{domain.StatusRegistered, 150}, {domain.StatusRectifying, 500}, {domain.StatusCloseoutRequested, 80},
	{domain.StatusVillageApproved, 50}, {domain.StatusTownApproved, 50}, {domain.StatusClosedOut, 150}, {domain.StatusVoided, 20},
}

func pickStatus(rng *rand.Rand) domain.CaseStatus {
	n := rng.IntN(1000)
	for _, x := range listStatusWeights {
		if n < x.w {
			return x.s
		}
		n -= x.w
	}
	return domain.StatusRectifying
}

func genListWorld(tb testing.TB, dialect store.Dialect, towns, cases, big int) *listWorld {
	tb.Helper()
	ctx := context.Background()
	start := time.Now()
	now := time.Date(2020, 11, 4, 1, 0, 0, 0, time.UTC)
	db := storetest.Open(tb, dialect, storetest.Options{Clock: &domain.FixedClock{T: now}})
	w := &listWorld{db: db, villages: map[int64][]*domain.OrgUnit{}}
	err := db.Write(ctx, domain.SystemActor(nil), func(tx *store.Tx) error {
		add := func(kind domain.OrgKind, name string, parent *domain.OrgUnit) *domain.OrgUnit {
			o := &domain.OrgUnit{Name: name, Kind: kind, Level: 1}
			if parent != nil {
				o.ParentID, o.Level = &parent.ID, parent.Level+1
			}
			if o.IsTown() {
				o.Prefix = fmt.Sprintf("T%03d", len(w.towns))
			}
			if err := tx.InsertOrg(o, parent); err != nil {
				tb.Fatal(err)
			}
			return o
		}
		w.root = add(domain.KindCity, "基准市", nil)
		for d := range 2 {
			dist := add(domain.KindDistrict, fmt.Sprintf("第%d区", d+1), w.root)
			w.districts = append(w.districts, dist)
			for range towns / 2 {
				t := add(domain.KindTown, fmt.Sprintf("镇%03d", len(w.towns)), dist)
				w.towns = append(w.towns, t)
				for v := range 10 {
					w.villages[t.ID] = append(w.villages[t.ID], add(domain.KindVillage, fmt.Sprintf("%s村%d", t.Name, v), t))
				}
			}
		}
		w.big = w.towns[0]
		w.camp = &domain.Campaign{Name: "专项整治", StartDate: "2020-09-27", EndDate: "2020-11-30", DeadlineWeekday: 3,
			DeadlineTime: "17:00", TimeZone: "Asia/Shanghai", SummaryDueDate: "2020-11-15", Version: 1}
		return tx.InsertCampaign(w.camp)
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("%s: org tree in %s", dialect, time.Since(start).Round(time.Millisecond))
	raw, _ := db.RawForTests()
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if dialect == store.SQLite { // room for the indexes being built, on this connection only
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
			tb.Fatal(err)
		}
	}
	siteIns := newBulk(tb, tx, dialect, "sites", []string{"id", "org_id", "village_id", "name", "target_type", "state", "name_norm",
		"address_norm", "created_at", "updated_at"}, []string{"bigint", "bigint", "bigint", "text", "text", "text", "text", "text", "timestamptz", "timestamptz"})
	caseIns := newBulk(tb, tx, dialect, "cases", []string{"id", "problem_no", "campaign_id", "org_id", "village_id", "site_id", "unit_name",
		"category", "address", "description", "source", "fine_fen", "status", "created_at", "updated_at"},
		[]string{"bigint", "text", "bigint", "bigint", "bigint", "bigint", "text", "text", "text", "text", "text", "bigint", "text", "timestamptz", "timestamptz"})
	inspIns := newBulk(tb, tx, dialect, "inspections", []string{"campaign_id", "site_id", "inspected_at", "outcome", "created_at"},
		[]string{"bigint", "bigint", "timestamptz", "text", "timestamptz"})
	rng := rand.New(rand.NewPCG(2020, 6))
	seq := map[int64]int{}
	campStart := time.Date(2020, 9, 27, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= cases; i++ {
		town := w.big
		if rng.IntN(cases) >= big {
			town = w.towns[1+rng.IntN(len(w.towns)-1)]
		}
		var village any
		if rng.IntN(10) < 7 {
			vs := w.villages[town.ID]
			village = vs[rng.IntN(len(vs))].ID
		}
		seq[town.ID]++
		created := campStart.Add(time.Duration(i) * (38 * 24 * time.Hour / time.Duration(cases)))
		updated := created.Add(time.Duration(rng.IntN(72)) * time.Hour)
		name := fmt.Sprintf("作坊%07d", i)
		siteIns.add(int64(i), town.ID, village, name, domain.TargetXiaozitou, domain.SiteProducing, name, "某路", tsText(created), tsText(created))
		caseIns.add(int64(i), fmt.Sprintf("%s-2020-%05d", town.Prefix, seq[town.ID]), w.camp.ID, town.ID, village, int64(i), name,
			string(domain.DefaultCategories[i%len(domain.DefaultCategories)]), "某路", "无证生产", string(domain.SourceGrid),
			int64(rng.IntN(3)*50000), string(pickStatus(rng)), tsText(created), tsText(updated))
		if i%2 == 0 {
			inspIns.add(w.camp.ID, int64(i), tsText(created), domain.OutcomeProblem, tsText(created))
		}
	}
	siteIns.flush()
	caseIns.flush()
	inspIns.flush()
	if dialect == store.Postgres {
		for _, t := range []string{"sites", "cases"} {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if dialect == store.Postgres { // as autovacuum would have by now (statistics, the visibility map)
		if _, err := raw.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Logf("%s: generated %d cases and sites over %d towns (%d in %s) in %s", dialect, cases, len(w.towns), big, w.big.Name,
		time.Since(start).Round(time.Millisecond))
	return w
}

func tsText(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// bulk inserts rows through one prepared statement: row by row on SQLite
// (modernc's binder is quadratic in a statement's parameters, so no
// multi-row VALUES), and on PostgreSQL a batch of rows at a time as arrays
// through unnest (one round trip per batch).
type bulk struct {
	tb      testing.TB
	stmt    *sql.Stmt
	dialect store.Dialect
	cols    [][]any
	n       int
}

const bulkBatch = 5000

func newBulk(tb testing.TB, tx *sql.Tx, dialect store.Dialect, table string, cols, types []string) *bulk {
	marks := make([]string, len(cols))
	for i := range cols {
		marks[i] = fmt.Sprintf("$%d", i+1)
		if dialect == store.Postgres {
			marks[i] += "::" + types[i] + "[]"
		}
	}
	q := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (` + strings.Join(marks, ", ") + `)`
	if dialect == store.Postgres {
		q = `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) SELECT * FROM unnest(` + strings.Join(marks, ", ") + `)`
	}
	stmt, err := tx.Prepare(q)
	if err != nil {
		tb.Fatal(err)
	}
	return &bulk{tb: tb, stmt: stmt, dialect: dialect, cols: make([][]any, len(cols))}
}

func (b *bulk) add(vals ...any) {
	if b.dialect == store.SQLite {
		if _, err := b.stmt.Exec(vals...); err != nil {
			b.tb.Fatal(err)
		}
		return
	}
	for i, v := range vals {
		b.cols[i] = append(b.cols[i], v)
	}
	if b.n++; b.n == bulkBatch {
		b.flush()
	}
}

func (b *bulk) flush() {
	if b.n == 0 {
		return
	}
	args := make([]any, len(b.cols))
	for i, c := range b.cols {
		args[i] = pgArray(c)
		b.cols[i] = b.cols[i][:0]
	}
	if _, err := b.stmt.Exec(args...); err != nil {
		b.tb.Fatal(err)
	}
	b.n = 0
}

// pgArray types a column of values for pgx: []int64 with NULLs as
// []*int64, or []string.
func pgArray(c []any) any {
	nullable, ints := false, true
	for _, v := range c {
		switch v.(type) {
		case nil:
			nullable = true
		case int64:
		default:
			ints = false
		}
	}
	if ints {
		if !nullable {
			out := make([]int64, len(c))
			for i, v := range c {
				out[i] = v.(int64)
			}
			return out
		}
		out := make([]*int64, len(c))
		for i, v := range c {
			if v != nil {
				x := v.(int64)
				out[i] = &x
			}
		}
		return out
	}
	out := make([]string, len(c))
	for i, v := range c {
		out[i] = fmt.Sprint(v)
	}
	return out
}
