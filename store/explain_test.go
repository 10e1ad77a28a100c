package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// fullScan is a plan step of SQLite's EXPLAIN QUERY PLAN that reads a whole
// table of records (or a whole index of one): what no scoped request may do.
var fullScan = regexp.MustCompile(`^SCAN (c|cases|s|sites|i|inspections)\b`)

// recordSearch is a plan step reading cases or sites through an index; on
// a town's or a village's request its constraint must hold the place
// column — not the campaign's every case with a status, as the path LIKE
// filter read them.
var recordSearch = regexp.MustCompile(`^SEARCH (c|s) USING .*INDEX`)
var placeConstraint = regexp.MustCompile(`\b(org_id|village_id)=\?`)

// TestExplain prints the query plans of the case and site lists and of the
// 附件2 fact loads — a town with a status, the same at page 500 by cursor
// and by offset, a town, a village, a district (its towns by IN), the root,
// no campaign named — over a generated city (100 towns, ZHENGZHI_EXPLAIN_CASES
// cases, default 10,000, an eighth of them in one town), and fails if
// SQLite's plan of any of them scans cases, sites or inspections whole, or
// if a town's or a village's reads cases or sites by an index constraint
// that does not hold their place column.
// PostgreSQL's plans (EXPLAIN ANALYZE, after ANALYZE) are printed beside them.
//
//	ZHENGZHI_EXPLAIN_CASES=200000 go test ./store -run TestExplain -v
func TestExplain(t *testing.T) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("ZHENGZHI_EXPLAIN_CASES")); err == nil && v > 0 {
		n = v
	}
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		w := genListWorld(t, dialect, 100, n, n/8)
		ctx := context.Background()
		raw, _ := w.db.RawForTests()
		r := w.db.Reader(ctx)
		scope := func(u *domain.OrgUnit) domain.ScopeFilter {
			var towns []*domain.OrgUnit
			if domain.ScopeNeedsTowns(u) {
				var err error
				if towns, err = r.UnitsUnder(u, domain.KindsOf(domain.TierTown)); err != nil {
					t.Fatal(err)
				}
			}
			return domain.ScopeOf(u, towns)
		}
		town, village, district := scope(w.big), scope(w.villages[w.big.ID][0]), scope(w.districts[1])
		if town.TownID == 0 || village.VillageID == 0 || len(district.TownIDs) != 50 || !scope(w.root).All {
			t.Fatalf("scope shapes: %+v %+v %d", town, village, len(district.TownIDs))
		}
		rect := domain.StatusRectifying
		// Page 500 of the big town's 整治中 cases, or its last page on a smaller set.
		total, err := r.CountCases(store.CaseFilter{Scope: town, CampaignID: w.camp.ID, Status: rect})
		if err != nil {
			t.Fatal(err)
		}
		page := min(500, (total-1)/20+1)
		deep, _, err := r.Cases(store.CaseFilter{Scope: town, CampaignID: w.camp.ID, Status: rect, Offset: 20*(page-1) - 1, Limit: 1})
		if err != nil || len(deep) != 1 {
			t.Fatalf("page %d of %s's 整治中 cases: %v %v", page, w.big.Name, deep, err)
		}
		key := store.CaseKeyOf(deep[0], store.SortProblemNo)
		pageName := fmt.Sprintf("page %d", page)
		list := func(f store.CaseFilter) func(r store.Reader) error {
			return func(r store.Reader) error {
				if _, _, err := r.Cases(f); err != nil {
					return err
				}
				_, err := r.CountCases(f)
				return err
			}
		}
		sites := func(q store.SiteQuery) func(r store.Reader) error {
			return func(r store.Reader) error {
				if _, _, err := r.Sites(q); err != nil {
					return err
				}
				_, err := r.CountSites(q)
				return err
			}
		}
		facts := func(s domain.ScopeFilter) func(r store.Reader) error {
			return func(r store.Reader) error {
				for _, err := range r.SummaryCases(w.camp.ID, s, domain.StatusVoided) {
					if err != nil {
						return err
					}
				}
				_, err := r.InspectedSites(w.camp.ID, s)
				return err
			}
		}
		c := w.camp.ID
		for _, req := range []struct {
			name string
			run  func(r store.Reader) error
		}{ // a name with "town" or "village" is a request placed at one
			{"case list: town + status, first page of 20 (+ total)", list(store.CaseFilter{Scope: town, CampaignID: c, Status: rect, Limit: 20})},
			{"case list: town + status, " + pageName + " by cursor", list(store.CaseFilter{Scope: town, CampaignID: c, Status: rect, Limit: 20, After: &key})},
			{"case list: town + status, " + pageName + " by offset", list(store.CaseFilter{Scope: town, CampaignID: c, Status: rect, Limit: 20, Offset: 20 * (page - 1)})},
			{"case list: town, first page", list(store.CaseFilter{Scope: town, CampaignID: c, Limit: 20})},
			{"case list: town + status, no campaign named", list(store.CaseFilter{Scope: town, Status: rect, Limit: 20})},
			{"case list: town + status, newest change first", list(store.CaseFilter{Scope: town, CampaignID: c, Status: rect, Sort: store.SortUpdated, Desc: true, Limit: 20})},
			{"case list: village, first page", list(store.CaseFilter{Scope: village, CampaignID: c, Limit: 20})},
			{"case list: village + status", list(store.CaseFilter{Scope: village, CampaignID: c, Status: rect, Limit: 20})},
			{"case list: district (50 towns) + status", list(store.CaseFilter{Scope: district, CampaignID: c, Status: rect, Limit: 20})},
			{"case list: root + status", list(store.CaseFilter{Scope: domain.ScopeFilter{All: true}, CampaignID: c, Status: rect, Limit: 20})},
			{"case list: root", list(store.CaseFilter{Scope: domain.ScopeFilter{All: true}, CampaignID: c, Limit: 20})},
			{"site list: town", sites(store.SiteQuery{Scope: town, Limit: 20})},
			{"site list: village", sites(store.SiteQuery{Scope: village, Limit: 20})},
			{"附件2 facts: town", facts(town)},
			{"附件2 facts: village", facts(village)},
			{"附件2 facts: district", facts(district)},
			{"附件1 rows: town", func(r store.Reader) error {
				for _, err := range r.TownProblems(c, w.big.ID, town, domain.StatusVoided) {
					if err != nil {
						return err
					}
				}
				return nil
			}},
			{"org tree: the towns of a district", func(r store.Reader) error {
				_, err := r.UnitsUnder(w.districts[1], domain.KindsOf(domain.TierTown))
				return err
			}},
		} {
			var queries []string
			var args [][]any
			rec := w.db.RecordingReader(ctx, func(q string, a []any) {
				if !strings.HasPrefix(q, "SELECT id FROM campaigns") {
					queries, args = append(queries, q), append(args, a)
				}
			})
			if err := req.run(rec); err != nil {
				t.Fatalf("%s: %v", req.name, err)
			}
			var out strings.Builder
			fmt.Fprintf(&out, "### %s (%s)\n", req.name, dialect)
			for i, q := range queries {
				fmt.Fprintf(&out, "%s\n", oneLine(q))
				plan := explain(t, raw, dialect, q, args[i])
				for _, line := range plan {
					fmt.Fprintf(&out, "    %s\n", line)
					step := strings.TrimLeft(line, " |-`")
					if dialect != store.SQLite {
						continue
					}
					if fullScan.MatchString(step) {
						t.Errorf("%s: SQLite scans a whole table: %s\n%s", req.name, line, q)
					}
					if placed := strings.Contains(req.name, "town") || strings.Contains(req.name, "village"); placed &&
						!strings.Contains(req.name, "towns") && recordSearch.MatchString(step) && !placeConstraint.MatchString(step) {
						t.Errorf("%s: SQLite reads records by an index without their place: %s\n%s", req.name, line, q)
					}
				}
			}
			t.Log("\n" + out.String())
		}
	})
}

// oneLine shortens a query for the log: one line, the select list elided.
func oneLine(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if i, j := strings.Index(q, "SELECT "), strings.Index(q, " FROM "); i == 0 && j > 60 {
		q = "SELECT … " + q[j+1:]
	}
	return q
}

// explain is the plan of q: SQLite's EXPLAIN QUERY PLAN as a tree,
// PostgreSQL's EXPLAIN (ANALYZE, COSTS OFF).
func explain(t *testing.T, raw *sql.DB, dialect store.Dialect, q string, args []any) []string {
	t.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if dialect == store.Postgres {
		prefix = "EXPLAIN (ANALYZE, COSTS OFF) "
	}
	rows, err := raw.Query(prefix+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	depth := map[int]int{}
	for rows.Next() {
		if dialect == store.Postgres {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			out = append(out, line)
			continue
		}
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		depth[id] = depth[parent] + 1
		out = append(out, strings.Repeat("  ", depth[id]-1)+"|--"+detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
