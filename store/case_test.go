package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"sync"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// The case use cases are tested in app/cases_test.go; these are the store's
// own: numbering under concurrency, the derived clears_done column and its
// backfill, and the parity of the SQL forms of domain rules.

// cases is the application layer over the fixture's store: the other
// store tests open and edit cases through it.
func (f *fixture) cases() *app.App { return app.New(f.db) }

// newCase is a minimal valid case form for a new site.
func newCase(name string) app.CaseInput {
	return app.CaseInput{CaseFields: domain.CaseFields{UnitName: name, Category: domain.CatSpraying, Address: name + "所在地", Description: "无证从事喷涂作业"}}
}

func (f *caseFixture) mustCase(t *testing.T, actor string, in app.CaseInput) *domain.Case {
	t.Helper()
	c, err := f.cases().CreateCase(context.Background(), f.as[actor], in)
	if err != nil {
		t.Fatalf("create case %q: %v", in.UnitName, err)
	}
	return c
}

func TestCreateCase_ConcurrentNumbersDistinct(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		const n = 24
		var wg sync.WaitGroup
		nos := make(chan string, n)
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				actor := []string{"wx_officer", "wx_grid", "district"}[i%3]
				in := newCase(fmt.Sprintf("并发作坊%02d", i))
				if actor == "district" {
					in.OrgID = f.orgs["五星街道"].ID
				}
				c, err := f.cases().CreateCase(context.Background(), f.as[actor], in)
				if err != nil {
					errs <- err
					return
				}
				nos <- c.ProblemNo
			}(i)
		}
		wg.Wait()
		close(nos)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		re := regexp.MustCompile(`^320404001-2020-00(0[1-9]|1[0-9]|2[0-4])$`)
		for no := range nos {
			if seen[no] || !re.MatchString(no) {
				t.Fatalf("problem_no %q duplicate or out of range", no)
			}
			seen[no] = true
		}
		if len(seen) != n {
			t.Fatalf("%d distinct numbers, want %d", len(seen), n)
		}
		verifyAudit(t, f.db)
	})
}

// TestOverdueSQL_MatchesDomain: the case list's filters behind the
// dashboard's figures — overdue (超期未整改, overdueCond), awaiting_closeout
// (已整改待销号), supervised (挂牌督办) and status=live (问题（家）) — select
// exactly the cases the domain's rules name (domain.Overdue,
// AwaitingCloseout, UnderSupervision, Counts), and each dashboard figure is
// the total of its list, for cases with random deadlines, statuses, 现场整治
// and 挂牌督办 and several "today"s.
func TestOverdueSQL_MatchesDomain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		raw, _ := f.db.RawForTests()
		rng := rand.New(rand.NewPCG(5, 8))
		statuses := make([]domain.CaseStatus, 0, len(domain.StatusNames))
		for s := range domain.StatusNames {
			statuses = append(statuses, s)
		}
		slices.Sort(statuses)
		onsite := []domain.Onsite{domain.OnsiteNotStarted, domain.OnsiteInProgress, domain.OnsiteDone}
		const n = 80
		for i := range n {
			in := newCase(fmt.Sprintf("逾期测试%02d", i))
			in.OrgID = []int64{f.orgs["五星街道"].ID, f.orgs["永红街道"].ID}[i%2]
			c := f.mustCase(t, "district", in)
			deadline := ""
			if d := rng.IntN(12); d < 11 { // around today, or none
				deadline = string(domain.DateOf(campaignNow.AddDate(0, 0, d-5), domain.Shanghai()))
			}
			if _, err := raw.Exec(`UPDATE cases SET rectify_deadline = $1, status = $2, onsite_status = $3, supervised = $4 WHERE id = $5`,
				deadline, string(statuses[rng.IntN(len(statuses))]), string(onsite[rng.IntN(len(onsite))]), rng.IntN(3) == 0, c.ID); err != nil {
				t.Fatal(err)
			}
		}
		s, district := f.cases(), f.as["district"]
		// The statuses were set behind the program's back: recount the
		// maintained counters the dashboard's figures come from.
		if _, err := s.RebuildCounters(ctx); err != nil {
			t.Fatal(err)
		}
		ids := func(cs []*domain.Case) []int64 {
			var out []int64
			for _, c := range cs {
				out = append(out, c.ID)
			}
			slices.Sort(out)
			return out
		}
		for _, shift := range []int{-3, 0, 1, 4} {
			f.clock.T = campaignNow.AddDate(0, 0, shift)
			today := domain.DateOf(f.clock.T, domain.Shanghai())
			all, total, err := s.Cases(ctx, district, app.CaseFilter{})
			if err != nil || total != n {
				t.Fatalf("all cases: %d %v", total, err)
			}
			dash, err := s.Dashboard(ctx, district, 0, f.camp.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, set := range []struct {
				name   string
				rule   func(*domain.Case) bool
				filter app.CaseFilter
				figure int
			}{
				{"overdue", func(c *domain.Case) bool { return domain.Overdue(c, today) }, app.CaseFilter{Overdue: true}, dash.Overdue},
				{"awaiting_closeout", domain.AwaitingCloseout, app.CaseFilter{AwaitingCloseout: true}, dash.AwaitingCloseout},
				{"supervised", domain.UnderSupervision, app.CaseFilter{Supervised: true}, dash.Supervised},
				{"live", domain.Counts, app.CaseFilter{Status: domain.StatusLive}, dash.Cases},
			} {
				var want []*domain.Case
				for _, c := range all {
					if set.rule(c) {
						want = append(want, c)
					}
				}
				listed, ltotal, err := s.Cases(ctx, district, set.filter)
				if err != nil {
					t.Fatal(err)
				}
				if got, w := ids(listed), ids(want); !slices.Equal(got, w) {
					t.Fatalf("today %s: SQL %s %v, domain %v", today, set.name, got, w)
				}
				if len(want) == 0 || len(want) == n {
					t.Fatalf("today %s: %d of %d %s: the generated cases do not test the rule", today, len(want), n, set.name)
				}
				if ltotal != len(want) || set.figure != len(want) {
					t.Fatalf("today %s: %s list total %d, dashboard figure %d, domain %d", today, set.name, ltotal, set.figure, len(want))
				}
			}
		}
	})
}

// TestClearsDoneSQL_MatchesDomain: the stored clears_done that SQL counts
// (附件2 col 13) equals the domain's recount (domain.Case.ClearsComplete
// against the campaign's checklist) over cases with random 两断三清
// progress, in a campaign of the five default items and in one that adds
// 清厂房.
func TestClearsDoneSQL_MatchesDomain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		raw, _ := f.db.RawForTests()
		s := f.cases()
		premises, err := s.CreateCampaign(ctx, f.as["district"], domain.Campaign{Name: "加清厂房的专项行动", StartDate: "2020-09-01",
			EndDate: "2020-12-31", ClearItems: append(slices.Clone(domain.DefaultClearItems), domain.ItemPremises)})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(13, 21))
		for _, camp := range []*domain.Campaign{f.camp, premises} {
			for i := range 30 {
				in := newCase(fmt.Sprintf("%d两断三清%02d", camp.ID, i))
				in.CampaignID = camp.ID
				c := f.mustCase(t, "wx_officer", in)
				clears := map[string]bool{}
				for _, it := range camp.ClearItems {
					clears[it] = rng.IntN(4) > 0
				}
				if _, err := s.UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("two_cuts_three_clears", clears)); err != nil {
					t.Fatal(err)
				}
			}
			rows, err := raw.Query(`SELECT id FROM cases WHERE campaign_id = $1 AND clears_done ORDER BY id`, camp.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				got = append(got, id)
			}
			rows.Close()
			var count int
			if err := raw.QueryRow(`SELECT COUNT(*) FROM cases WHERE campaign_id = $1 AND clears_done`, camp.ID).Scan(&count); err != nil {
				t.Fatal(err)
			}
			cases, _, err := s.Cases(ctx, f.as["district"], app.CaseFilter{CampaignID: camp.ID})
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, c := range cases {
				if c.ClearsComplete(camp) {
					want = append(want, c.ID)
				}
			}
			sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
			if !slices.Equal(got, want) || count != len(want) {
				t.Fatalf("%s: SQL clears_done %v (COUNT %d), domain recount %v", camp.Name, got, count, want)
			}
			if len(want) == 0 || len(want) == len(cases) {
				t.Fatalf("%s: %d of %d done: the generated cases do not test the rule", camp.Name, len(want), len(cases))
			}
		}
	})
}

// TestMigration_BackfillsClearsDone: cases stored before clears_done
// existed get it derived by the migration's Go step, with the campaign's
// checklist; reopening the store changes nothing more.
func TestMigration_BackfillsClearsDone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		ctx := context.Background()
		opts := store.Options{DataDir: t.TempDir(), Clock: &domain.FixedClock{T: campaignNow}, AuditKey: []byte("test-audit-key-0123456789abcdef")}
		if dialect == store.Postgres {
			opts.URL = storetest.CreatePostgresDB(t)
		}
		db, err := store.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		s := app.New(db)
		if _, err := seed.Bootstrap(ctx, s, "admin-password-1"); err != nil {
			t.Fatal(err)
		}
		sys, err := s.SystemActor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		premises, err := s.CreateCampaign(ctx, sys, domain.Campaign{Name: "加清厂房", StartDate: "2020-09-27", EndDate: "2020-11-30",
			ClearItems: append(slices.Clone(domain.DefaultClearItems), domain.ItemPremises)})
		if err != nil {
			t.Fatal(err)
		}
		town, err := s.OrgByCode(ctx, "320404001000")
		if err != nil {
			t.Fatal(err)
		}
		open := func(name string, items []string) int64 {
			in := newCase(name)
			in.OrgID = town.ID
			c, err := s.CreateCase(ctx, sys, in)
			if err != nil {
				t.Fatal(err)
			}
			clears := map[string]bool{}
			for _, it := range items {
				clears[it] = true
			}
			if _, err := s.UpdateCase(ctx, sys, c.ID, app.CasePatch{Version: c.Version}.With("two_cuts_three_clears", clears)); err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		all := open("全部完成", premises.ClearItems)
		fiveOnly := open("未清厂房", domain.DefaultClearItems)
		none := open("未开始", nil)
		// Back to the schema before the column, as an older version left it,
		// with a weekly report whose frozen 附件1 rows lack the flag (but one).
		raw, _ := db.RawForTests()
		five := `{"water":true,"power":true,"materials":true,"equipment":true,"products":true`
		snapshot := `[{"problem_no":"a","two_cuts_three_clears":` + five + `,"premises":true}},` +
			`{"problem_no":"b","two_cuts_three_clears":` + five + `,"premises":false}},` +
			`{"problem_no":"c","two_cuts_three_clears":{},"two_cuts_three_clears_done":true}]`
		if _, err := raw.Exec(`INSERT INTO weekly_reports (campaign_id, org_id, deadline, status, problems, created_at, updated_at)
			VALUES ($1, $2, $3, 'submitted', $4, $3, $3)`, premises.ID, town.ID, "2020-10-14T09:00:00.000000Z", snapshot); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`ALTER TABLE cases DROP COLUMN clears_done`,
			`DELETE FROM schema_migrations WHERE name = '0006_cases_clears_done.sql'`} {
			if _, err := raw.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		for range 2 {
			db, err := store.Open(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := db.RawForTests()
			for id, want := range map[int64]bool{all: true, fiveOnly: false, none: false} {
				var done bool
				if err := raw.QueryRow(`SELECT clears_done FROM cases WHERE id = $1`, id).Scan(&done); err != nil {
					t.Fatal(err)
				}
				if done != want {
					t.Errorf("case %d: clears_done %v after the migration, want %v", id, done, want)
				}
			}
			var problems []domain.Case
			if err := raw.QueryRow(`SELECT problems FROM weekly_reports`).Scan(jsonScanner{&problems}); err != nil {
				t.Fatal(err)
			}
			var flags []bool
			for _, c := range problems {
				flags = append(flags, c.ClearsDone)
			}
			if !slices.Equal(flags, []bool{true, false, true}) {
				t.Errorf("frozen 附件1 rows' clears_done %v, want [true false true]", flags)
			}
			db.Close()
		}
	})
}

// jsonScanner scans a JSON text column.
type jsonScanner struct{ v any }

func (s jsonScanner) Scan(src any) error {
	switch x := src.(type) {
	case string:
		return json.Unmarshal([]byte(x), s.v)
	case []byte:
		return json.Unmarshal(x, s.v)
	}
	return fmt.Errorf("json column: unexpected %T", src)
}
