package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// oldCaseList is the case list's query as it was before the equality scope
// (commit 1151859): the place joined and filtered by org_units.path LIKE,
// an exact COUNT(*) over the same join, OFFSET paging.
const (
	oldCaseFrom = ` FROM cases c
	JOIN org_units p ON p.id = COALESCE(c.village_id, c.org_id)
	JOIN org_units t ON t.id = c.org_id
	LEFT JOIN org_units v ON v.id = c.village_id`
	oldCaseWhere = ` WHERE p.path LIKE $1 AND c.campaign_id = $2 AND c.status = $3`
)

// BenchmarkCaseListTown: the case list of one town with a status (整治中),
// a page of 20 with its total, as app.CaseList answers it (scope, rows,
// count, campaign), over a generated city: ZHENGZHI_BENCH_CASES cases
// (default 200,000) across 100 towns, 25,000 of them in the town measured.
// In the same run, as the baseline: the list's old query (path LIKE scope,
// COUNT + OFFSET) on the same data — first with the list indexes present,
// then ("before") with them dropped, as the schema was.
//
//	go test ./store -run '^$' -bench CaseListTown -benchtime 200x
func BenchmarkCaseListTown(b *testing.B) {
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("ZHENGZHI_BENCH_CASES")); err == nil && v > 0 {
		n = v
	}
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			w := genListWorld(b, d, 100, n, min(25000, n/4))
			ctx := context.Background()
			svc := app.New(w.db)
			a := &domain.Actor{User: domain.User{ID: 1, Username: "bench", Role: domain.RoleTownOfficer, OrgID: w.big.ID, Active: true},
				Org: *w.big, Scope: *w.big}
			rect := domain.StatusRectifying
			f := app.CaseFilter{CampaignID: w.camp.ID, Status: rect, Limit: 20}
			first, err := svc.CaseList(ctx, a, f)
			if err != nil || len(first.Items) != 20 {
				b.Fatalf("first page: %+v %v", first, err)
			}
			page := min(500, first.Total/20)
			prev := f
			prev.Offset = 20 * (page - 2)
			l, err := svc.CaseList(ctx, a, prev)
			if err != nil || l.Next == "" {
				b.Fatalf("page %d: %v", page-1, err)
			}
			deep := f
			deep.After = l.Next
			b.Logf("%s: %s has %d 整治中 cases; the deep page is page %d", d, w.big.Name, first.Total, page)
			run := func(name string, f app.CaseFilter) {
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						if l, err := svc.CaseList(ctx, a, f); err != nil || len(l.Items) != 20 {
							b.Fatal(err)
						}
					}
				})
			}
			run("page1", f)
			run("page500-cursor", deep)
			byOffset := f
			byOffset.Offset = 20 * (page - 1)
			run("page500-offset", byOffset)
			b.Run("page1-32clients", func(b *testing.B) {
				b.SetParallelism(16) // 32 goroutines on 2 cores
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := svc.CaseList(ctx, a, f); err != nil {
							b.Error(err)
						}
					}
				})
			})
			b.Run("page500-cursor-32clients", func(b *testing.B) {
				b.SetParallelism(16)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := svc.CaseList(ctx, a, deep); err != nil {
							b.Error(err)
						}
					}
				})
			})
			// The parts: the page's rows alone (store.Reader.Cases) and the
			// exact total alone — the COUNT the maintained counters will answer.
			r := w.db.Reader(ctx)
			sf := store.CaseFilter{Scope: domain.ScopeFilter{TownID: w.big.ID}, CampaignID: w.camp.ID, Status: rect, Limit: 20}
			deepKey := store.CaseKeyOf(l.Items[len(l.Items)-1], store.SortProblemNo)
			for _, x := range []struct {
				name  string
				after *store.CaseKey
			}{{"rows-only/page1", nil}, {"rows-only/page500-cursor", &deepKey}} {
				b.Run(x.name, func(b *testing.B) {
					f := sf
					f.After = x.after
					for b.Loop() {
						if rows, _, err := r.Cases(f); err != nil || len(rows) != 20 {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run("total-only", func(b *testing.B) {
				for b.Loop() {
					if _, err := r.CountCases(sf); err != nil {
						b.Fatal(err)
					}
				}
			})

			raw, _ := w.db.RawForTests()
			old := func(name string, offset int) {
				b.Run(name, func(b *testing.B) {
					q := `SELECT ` + store.CaseColsForTests + oldCaseFrom + oldCaseWhere +
						` ORDER BY c.problem_no ASC, c.id ASC LIMIT 20 OFFSET ` + strconv.Itoa(offset)
					for b.Loop() {
						var total int
						if err := raw.QueryRowContext(ctx, `SELECT COUNT(*)`+oldCaseFrom+oldCaseWhere, w.big.Path+"%", w.camp.ID, rect).Scan(&total); err != nil {
							b.Fatal(err)
						}
						rows, err := raw.QueryContext(ctx, q, w.big.Path+"%", w.camp.ID, rect)
						if err != nil {
							b.Fatal(err)
						}
						got := 0
						for rows.Next() {
							got++
						}
						rows.Close()
						if got != 20 || total != first.Total {
							b.Fatalf("old query: %d rows of %d", got, total)
						}
					}
				})
			}
			old("old-query/page1", 0)
			old("old-query/page500", 20*(page-1))
			for _, x := range []string{"cases_list_town_status", "cases_list_town", "cases_list_village_status", "cases_list_village",
				"cases_list_status", "cases_list", "sites_list_town"} {
				if _, err := raw.ExecContext(ctx, `DROP INDEX `+x); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := raw.ExecContext(ctx, `CREATE INDEX cases_campaign_status ON cases(campaign_id, status)`); err != nil {
				b.Fatal(err)
			}
			if d == store.Postgres {
				if _, err := raw.ExecContext(ctx, `ANALYZE cases`); err != nil {
					b.Fatal(err)
				}
			}
			old("before/page1", 0)
			old("before/page500", 20*(page-1))
		})
	}
}
