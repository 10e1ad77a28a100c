package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// Benchmarks of the maintained counters at province scale (issue [6]):
// rows generated straight into the schema — an org tree of 13 cities, 95
// counties, 1,250 towns and 20,000 villages under the seed's root, N cases
// (ZHENGZHI_BENCH_CASES, default 100,000; the province is
// 1,000,000) with one site each plus half as many inspected sites without a
// case — then the counters built as the migration builds them. Each
// benchmark measures its baseline in the same run and reports the ratio.
//
//	go test ./app -run '^$' -bench 'Rollup|SubmitWriterLock' -benchtime 20x

// benchEnv is a generated data set.
type benchEnv struct {
	app     *app.App
	db      *store.DB
	raw     *sql.DB
	dialect store.Dialect
	camp    *domain.Campaign
	root    *domain.OrgUnit
	bigTown *domain.OrgUnit
	admin   *domain.Actor
	cases   int
	rebuild time.Duration
}

func benchCases() int {
	if n, err := strconv.Atoi(os.Getenv("ZHENGZHI_BENCH_CASES")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// openBench opens a seeded store with a campaign, and a raw handle to
// generate rows through.
func openBench(b *testing.B, dialect store.Dialect) *benchEnv {
	b.Helper()
	ctx := context.Background()
	opts := store.Options{DataDir: b.TempDir(), AuditKey: []byte("bench-audit-key-0123456789abcdef"),
		Clock: &domain.FixedClock{T: time.Date(2020, 10, 13, 9, 0, 0, 0, domain.Shanghai())}}
	driver, dsn := "sqlite", "file:"+filepath.Join(opts.DataDir, "zhengzhi.db")+"?"+url.Values{"_pragma": {"busy_timeout(10000)", "synchronous(OFF)"}}.Encode()
	if dialect == store.Postgres {
		opts.URL = storetest.CreatePostgresDB(b)
		driver, dsn = "pgx", opts.URL
	}
	db, err := store.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close(); db.Close() })
	s := app.New(db)
	if _, err := seed.Bootstrap(ctx, s, "admin-password-1"); err != nil {
		b.Fatal(err)
	}
	admin, err := s.Authenticate(ctx, "admin", "admin-password-1")
	if err != nil {
		b.Fatal(err)
	}
	camp, err := s.CreateCampaign(ctx, admin, domain.Campaign{Name: "专项整治", StartDate: "2020-09-27", EndDate: "2020-11-30",
		DeadlineWeekday: 3, SummaryDueDate: "2020-11-15"})
	if err != nil {
		b.Fatal(err)
	}
	root, err := s.Root(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return &benchEnv{app: s, db: db, raw: raw, dialect: dialect, camp: camp, root: root, admin: admin}
}

// bulk inserts rows into one table in a transaction: a prepared statement
// per row on SQLite (modernc's binder is quadratic in multi-row inserts),
// 400 rows per statement on PostgreSQL.
type bulk struct {
	tx    *sql.Tx
	table string
	cols  []string
	per   int
	rows  []any
	n     int
	stmt  *sql.Stmt
	after []*bulk // tables whose rows these refer to, flushed first
}

func (e *benchEnv) bulk(b *testing.B, tx *sql.Tx, table string, cols ...string) *bulk {
	per := 1
	if e.dialect == store.Postgres {
		per = 400
	}
	return &bulk{tx: tx, table: table, cols: cols, per: per}
}

func (k *bulk) add(b *testing.B, vals ...any) {
	k.rows = append(k.rows, vals...)
	k.n++
	if k.n == k.per {
		k.flush(b)
	}
}

func (k *bulk) flush(b *testing.B) {
	if k.n == 0 {
		return
	}
	for _, d := range k.after {
		d.flush(b)
	}
	if k.n == k.per && k.stmt != nil {
		if _, err := k.stmt.Exec(k.rows...); err != nil {
			b.Fatalf("insert %s: %v", k.table, err)
		}
	} else {
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + k.table + " (" + strings.Join(k.cols, ", ") + ") VALUES ")
		p := 1
		for r := 0; r < k.n; r++ {
			if r > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(")
			for c := range k.cols {
				if c > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString("$" + strconv.Itoa(p))
				p++
			}
			sb.WriteString(")")
		}
		if k.n == k.per {
			stmt, err := k.tx.Prepare(sb.String())
			if err != nil {
				b.Fatal(err)
			}
			k.stmt = stmt
			if _, err := stmt.Exec(k.rows...); err != nil {
				b.Fatalf("insert %s: %v", k.table, err)
			}
		} else if _, err := k.tx.Exec(sb.String(), k.rows...); err != nil {
			b.Fatalf("insert %s: %v", k.table, err)
		}
	}
	k.rows, k.n = k.rows[:0], 0
}

var benchStatuses = []struct {
	s      domain.CaseStatus
	weight int
}{{domain.StatusRegistered, 30}, {domain.StatusRectifying, 35}, {domain.StatusCloseoutRequested, 5},
	{domain.StatusVillageApproved, 3}, {domain.StatusTownApproved, 3}, {domain.StatusClosedOut, 20}, {domain.StatusVoided, 4}}

// placeGen generates sites, their inspections and cases straight into the
// schema, with ids from 10,000,000 up so that the program's own rows never
// collide with them.
type placeGen struct {
	e                      *benchEnv
	rng                    *rand.Rand
	sites, insps, cases    *bulk
	siteID, inspID, caseID int64
	created                string
}

func (e *benchEnv) newGen(b *testing.B, tx *sql.Tx) *placeGen {
	g := &placeGen{e: e, rng: rand.New(rand.NewPCG(2020, 6)), siteID: 10_000_000, inspID: 10_000_000, caseID: 10_000_000,
		created: "2020-10-10T08:00:00.000000Z",
		sites: e.bulk(b, tx, "sites", "id", "org_id", "village_id", "name", "target_type", "address", "state", "name_norm",
			"address_norm", "created_at", "updated_at"),
		insps: e.bulk(b, tx, "inspections", "id", "campaign_id", "site_id", "inspected_at", "outcome", "created_at"),
		cases: e.bulk(b, tx, "cases", "id", "problem_no", "campaign_id", "org_id", "village_id", "site_id", "unit_name", "category",
			"address", "description", "source", "case_filed", "fine_fen", "confiscated_fen", "judicial_transfer", "judicial_persons",
			"detained_persons", "disciplined_persons", "onsite_status", "supervised", "status", "clears_done", "created_at", "updated_at"),
	}
	g.insps.after = []*bulk{g.sites}
	g.cases.after = []*bulk{g.sites}
	return g
}

// site adds a site at (town, village) with one or two inspections.
func (g *placeGen) site(b *testing.B, town int64, village any, stopped bool) int64 {
	g.siteID++
	tt := domain.TargetXiaozitou
	if stopped {
		tt = domain.TargetStopped
	}
	name := "场所" + strconv.FormatInt(g.siteID, 36)
	g.sites.add(b, g.siteID, town, village, name, tt, "某路", "producing", name, "某路", g.created, g.created)
	for range 1 + g.rng.IntN(10)/7 {
		g.inspID++
		g.insps.add(b, g.inspID, g.e.camp.ID, g.siteID, g.created, domain.OutcomeProblem, g.created)
	}
	return g.siteID
}

// caseAt adds a case (and its site) at town, in a village of it or not.
func (g *placeGen) caseAt(b *testing.B, town int64, villages []int64) {
	r := g.rng
	var village any
	if len(villages) > 0 && r.IntN(10) < 6 {
		village = villages[r.IntN(len(villages))]
	}
	cat := domain.DefaultCategories[r.IntN(len(domain.DefaultCategories))]
	site := g.site(b, town, village, cat == domain.CatStopped)
	g.caseID++
	w := r.IntN(100)
	status := benchStatuses[0].s
	for _, s := range benchStatuses {
		if w < s.weight {
			status = s.s
			break
		}
		w -= s.weight
	}
	onsite := []domain.Onsite{domain.OnsiteNotStarted, domain.OnsiteInProgress, domain.OnsiteDone}[r.IntN(3)]
	if status != domain.StatusRegistered && status != domain.StatusRectifying {
		onsite = domain.OnsiteDone
	}
	var fine int64
	if r.IntN(3) == 0 {
		fine = r.Int64N(5_000_000)
	}
	g.cases.add(b, g.caseID, "BENCH-2020-"+strconv.FormatInt(g.caseID, 10), g.e.camp.ID, town, village, site,
		"作坊"+strconv.FormatInt(g.caseID, 36), string(cat), "某路", "无证生产", string(domain.SourceGrid),
		r.IntN(3) == 0, fine, r.Int64N(3)*r.Int64N(20_000), r.IntN(10) == 0, 0, r.IntN(2), r.IntN(2),
		string(onsite), r.IntN(8) == 0, string(status), r.IntN(3) == 0, g.created, g.created)
}

func (g *placeGen) flush(b *testing.B) {
	g.sites.flush(b)
	g.insps.flush(b)
	g.cases.flush(b)
}

// province generates the province-scale tree and n cases; the first town
// gets min(25,000, n/4) of them.
func (e *benchEnv) province(b *testing.B, n int) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	tx, err := e.raw.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	orgs := e.bulk(b, tx, "org_units", "id", "name", "kind", "level", "parent_id", "prefix", "path")
	id := int64(1_000_000)
	unit := func(name string, kind domain.OrgKind, level int, parentID int64, parentPath, prefix string) (int64, string) {
		id++
		path := parentPath + strconv.FormatInt(id, 10) + "/"
		orgs.add(b, id, name, string(kind), level, parentID, prefix, path)
		return id, path
	}
	type town struct {
		id       int64
		villages []int64
	}
	var towns []town
	var counties []struct {
		id   int64
		path string
	}
	for c := range 13 {
		cid, cpath := unit(fmt.Sprintf("第%d市", c+1), domain.KindCity, e.root.Level+1, e.root.ID, e.root.Path, "")
		for k := c; k < 95; k += 13 {
			kid, kpath := unit(fmt.Sprintf("第%d县", k+1), domain.KindCounty, e.root.Level+2, cid, cpath, "")
			counties = append(counties, struct {
				id   int64
				path string
			}{kid, kpath})
		}
	}
	for t := range 1250 {
		k := counties[t%len(counties)]
		tid, tpath := unit(fmt.Sprintf("第%d镇", t+1), domain.KindTown, e.root.Level+3, k.id, k.path, fmt.Sprintf("B%05d", t+1))
		tw := town{id: tid}
		for v := range 16 {
			vid, _ := unit(fmt.Sprintf("第%d镇第%d村", t+1, v+1), domain.KindVillage, e.root.Level+4, tid, tpath, "")
			tw.villages = append(tw.villages, vid)
		}
		towns = append(towns, tw)
	}
	orgs.flush(b)
	g := e.newGen(b, tx)
	big := min(25_000, n/4)
	for i := range n {
		t := towns[0]
		if i >= big {
			t = towns[g.rng.IntN(len(towns))]
		}
		g.caseAt(b, t.id, t.villages)
		if i%2 == 0 { // half as many sites inspected without a case
			t := towns[g.rng.IntN(len(towns))]
			g.site(b, t.id, t.villages[g.rng.IntN(len(t.villages))], g.rng.IntN(4) == 0)
		}
	}
	g.flush(b)
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := e.raw.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: generated %d cases, %d sites, %d inspections in %v", e.dialect, n, g.siteID-10_000_000, g.inspID-10_000_000,
		time.Since(start).Round(time.Millisecond))
	if e.bigTown, err = e.app.Org(ctx, towns[0].id); err != nil {
		b.Fatal(err)
	}
	e.cases = n
	e.buildCounters(b)
}

// buildCounters builds the counters of the generated rows, as migration
// 0007 builds those of data stored before it.
func (e *benchEnv) buildCounters(b *testing.B) {
	start := time.Now()
	res, err := e.app.RebuildCounters(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	e.rebuild = time.Since(start)
	b.Logf("%s: counters rebuilt (%d places) in %v", e.dialect, res.Places, e.rebuild.Round(time.Millisecond))
}

// groupBy is the baseline: one bare GROUP BY org_id, category over the
// campaign's cases (optionally of one town), every row read.
func (e *benchEnv) groupBy(b *testing.B, townID int64) {
	q := `SELECT org_id, category, COUNT(*) FROM cases WHERE campaign_id = $1`
	args := []any{e.camp.ID}
	if townID != 0 {
		q += ` AND org_id = $2`
		args = append(args, townID)
	}
	rows, err := e.raw.Query(q+` GROUP BY org_id, category`, args...)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var org int64
		var cat string
		var n int
		if err := rows.Scan(&org, &cat, &n); err != nil {
			b.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
}

// explain logs the plans of the counter queries the roll-ups run (their
// shapes as store/counters.go writes them) and of the baseline.
func (e *benchEnv) explain(b *testing.B) {
	prefix := "EXPLAIN QUERY PLAN "
	if e.dialect == store.Postgres {
		prefix = "EXPLAIN ANALYZE "
	}
	for _, q := range []struct {
		what, sql string
		args      []any
	}{
		{"whole tree by towns", `SELECT sc.org_id, sc.problems, sc.fine_fen, p.path FROM summary_counters_town sc
			LEFT JOIN org_units p ON p.id = sc.org_id WHERE sc.campaign_id = $1 ORDER BY sc.org_id`, []any{e.camp.ID}},
		{"a town by its villages", `SELECT sc.org_id, sc.village_id, sc.problems, p.path FROM summary_counters sc
			LEFT JOIN org_units p ON p.id = CASE WHEN sc.village_id <> 0 THEN sc.village_id ELSE sc.org_id END
			WHERE sc.campaign_id = $1 AND sc.org_id = $2 ORDER BY sc.org_id, sc.village_id`, []any{e.camp.ID, e.bigTown.ID}},
		{"a town's revision", `SELECT revision FROM summary_counters_town WHERE campaign_id = $1 AND org_id = $2`, []any{e.camp.ID, e.bigTown.ID}},
		{"baseline", `SELECT org_id, category, COUNT(*) FROM cases WHERE campaign_id = $1 GROUP BY org_id, category`, []any{e.camp.ID}},
	} {
		rows, err := e.raw.Query(prefix+q.sql, q.args...)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		var plan []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
		}
		rows.Close()
		b.Logf("%s plan of %s:\n  %s", e.dialect, q.what, strings.Join(plan, "\n  "))
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// compare runs counters and baseline alternately, b.N times each, and
// reports both and their ratio.
func compare(b *testing.B, counters, baseline func()) {
	var tc, tg time.Duration
	for b.Loop() {
		t0 := time.Now()
		counters()
		tc += time.Since(t0)
		t1 := time.Now()
		baseline()
		tg += time.Since(t1)
	}
	n := float64(b.N)
	b.ReportMetric(ms(tc)/n, "counters-ms/op")
	b.ReportMetric(ms(tg)/n, "groupby-ms/op")
	b.ReportMetric(float64(tg)/float64(tc), "groupby/counters")
}

// BenchmarkRollup: the 附件2 roll-up from the counters against one bare
// GROUP BY org_id, category over the cases, measured in the same run — of
// the whole tree by children, and of the town of 25,000 cases by its
// villages — and the whole tree's dashboard.
func BenchmarkRollup(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			e := openBench(b, d)
			e.province(b, benchCases())
			ctx := context.Background()
			b.Run("tree", func(b *testing.B) {
				compare(b, func() {
					res, err := e.app.Summary(ctx, e.admin, app.SummaryQuery{CampaignID: e.camp.ID, Breakdown: true})
					if err != nil || res.Total.Problems == 0 {
						b.Fatalf("summary %+v %v", res, err)
					}
				}, func() { e.groupBy(b, 0) })
			})
			b.Run("town", func(b *testing.B) {
				compare(b, func() {
					res, err := e.app.Summary(ctx, e.admin, app.SummaryQuery{CampaignID: e.camp.ID, OrgID: e.bigTown.ID, Breakdown: true})
					if err != nil || res.Total.Problems == 0 {
						b.Fatalf("summary %+v %v", res, err)
					}
				}, func() { e.groupBy(b, e.bigTown.ID) })
			})
			b.Run("dashboard", func(b *testing.B) {
				compare(b, func() {
					if _, err := e.app.Dashboard(ctx, e.admin, 0, e.camp.ID); err != nil {
						b.Fatal(err)
					}
				}, func() { e.groupBy(b, 0) })
			})
			if os.Getenv("ZHENGZHI_BENCH_EXPLAIN") != "" {
				e.explain(b)
			}
			b.Run("rebuild", func(b *testing.B) {
				for b.Loop() {
				}
				b.ReportMetric(ms(e.rebuild), "rebuild-ms")
				b.ReportMetric(float64(e.cases), "cases")
			})
		})
	}
}

// BenchmarkSubmitWriterLock: a weekly-report submission of a town with
// 10,000 cases (ZHENGZHI_BENCH_TOWN_CASES): the time the single writer
// lock is held (store.DB.WriteLockStats) against the whole call. Each
// iteration submits, then the district returns the report (not timed).
func BenchmarkSubmitWriterLock(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("ZHENGZHI_BENCH_TOWN_CASES")); err == nil && v > 0 {
		n = v
	}
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			e := openBench(b, d)
			town, err := e.app.OrgByCode(ctx, "320404001000") // 五星街道
			if err != nil {
				b.Fatal(err)
			}
			kids, err := e.app.Children(ctx, town.ID)
			if err != nil {
				b.Fatal(err)
			}
			var villages []int64
			for _, k := range kids {
				villages = append(villages, k.ID)
			}
			tx, err := e.raw.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			g := e.newGen(b, tx)
			for range n {
				g.caseAt(b, town.ID, villages)
			}
			g.flush(b)
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			e.buildCounters(b)
			for _, u := range []struct {
				name string
				role domain.Role
				org  int64
			}{{"bench_head", domain.RoleTownHead, town.ID}, {"bench_district", domain.RoleDistrictOffice, e.root.ID}} {
				if _, err := e.app.CreateUser(ctx, e.admin, app.UserInput{Username: u.name, Password: "password-" + u.name,
					DisplayName: u.name, Role: u.role, OrgID: u.org}); err != nil {
					b.Fatal(err)
				}
			}
			head, err := e.app.Authenticate(ctx, "bench_head", "password-bench_head")
			if err != nil {
				b.Fatal(err)
			}
			district, err := e.app.Authenticate(ctx, "bench_district", "password-bench_district")
			if err != nil {
				b.Fatal(err)
			}
			r, _, err := e.app.PrepareReport(ctx, head, app.ReportInput{CampaignID: e.camp.ID})
			if err != nil {
				b.Fatal(err)
			}
			var held, total time.Duration
			var maxHeld time.Duration
			for b.Loop() {
				before := e.db.WriteLockStats()
				t0 := time.Now()
				x, err := e.app.ReportAction(ctx, head, r.ID, app.ReportActionInput{Action: domain.ReportSubmit})
				total += time.Since(t0)
				after := e.db.WriteLockStats()
				if err != nil {
					b.Fatal(err)
				}
				h := after.Held - before.Held
				held += h
				maxHeld = max(maxHeld, h)
				if after.Writes-before.Writes != 1 {
					b.Fatalf("submit took %d write transactions", after.Writes-before.Writes)
				}
				if _, err := e.app.ReportAction(ctx, district, r.ID, app.ReportActionInput{Action: domain.ReportReturn,
					Reason: "再核", Version: x.Version}); err != nil {
					b.Fatal(err)
				}
			}
			nf := float64(b.N)
			b.ReportMetric(ms(held)/nf, "lock-ms/submit")
			b.ReportMetric(ms(maxHeld), "max-lock-ms")
			b.ReportMetric(ms(total)/nf, "total-ms/submit")
			b.ReportMetric(float64(n), "cases")
		})
	}
}
