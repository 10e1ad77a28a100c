package store_test

import (
	"context"
	"reflect"
	"sort"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// The facts 附件2 and 附件1 are computed from, as the store reads them: the
// status passed as a parameter is left out, each record comes with the path
// of its place, and inspected sites count once. The aggregation over them is
// tested in app/summary_test.go and domain/aggregate_test.go.

func TestSummaryFacts_PlacesAndExcludedStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		rs := newReportStore(t, dialect)
		ctx := context.Background()
		wx, village, yh := rs.orgs["五星街道"], rs.orgs["新中社区"], rs.orgs["永红街道"]
		mk := func(name string, org, villageID int64) *domain.Case {
			in := app.CaseInput{CaseFields: domain.CaseFields{UnitName: name, Category: domain.CatSpraying, Address: name + "所在地",
				Description: "无证从事喷涂作业", FineFen: 100}, OrgID: org, VillageID: villageID}
			c, err := rs.app.CreateCase(ctx, rs.admin, in)
			if err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
			return c
		}
		a := mk("甲", wx.ID, 0)
		mk("乙", 0, village.ID)
		v := mk("丙作废", wx.ID, 0)
		mk("丁", yh.ID, 0)
		raw, _ := rs.db.RawForTests()
		if _, err := raw.Exec(`UPDATE cases SET status = 'voided' WHERE id = $1`, v.ID); err != nil {
			t.Fatal(err)
		}
		// A second inspection of 甲's site: the site still counts once.
		if _, err := rs.app.CreateInspection(ctx, rs.admin, app.InspectionInput{SiteID: a.SiteID, Outcome: domain.OutcomeNoProblem}); err != nil {
			t.Fatal(err)
		}
		r := rs.db.Reader(ctx)

		var got []string
		for c, err := range r.SummaryCases(rs.camp.ID, domain.ScopeFilter{TownID: wx.ID}, domain.StatusVoided) {
			if err != nil {
				t.Fatal(err)
			}
			if c.Case.FineFen != 100 || c.Case.Category != domain.CatSpraying || c.Case.Status == domain.StatusVoided {
				t.Fatalf("summary case %+v", c.Case)
			}
			got = append(got, c.Path)
		}
		sort.Strings(got)
		if want := []string{wx.Path, village.Path}; !reflect.DeepEqual(got, want) {
			t.Fatalf("paths of 五星's cases %v, want %v", got, want)
		}

		sites, err := r.InspectedSites(rs.camp.ID, domain.ScopeFilter{TownID: wx.ID})
		if err != nil || len(sites) != 3 { // 甲, 乙, and the voided case's site, inspected all the same
			t.Fatalf("inspected sites %+v %v", sites, err)
		}

		var names []string
		for c, err := range r.TownProblems(rs.camp.ID, wx.ID, domain.ScopeFilter{TownID: wx.ID}, domain.StatusVoided) {
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, c.UnitName)
		}
		if want := []string{"甲", "乙"}; !reflect.DeepEqual(names, want) {
			t.Fatalf("附件1 rows %v, want %v", names, want)
		}

		// Counts per town in (from, to], by created_at or by closed_at.
		from, to := time.Date(2020, 10, 14, 0, 0, 0, 0, rsZone), time.Date(2020, 10, 15, 0, 0, 0, 0, rsZone)
		n, err := r.CaseCountsByTown(store.CaseCountQuery{CampaignID: rs.camp.ID, Scope: domain.ScopeFilter{All: true}, From: from, To: to,
			NotStatus: domain.StatusVoided})
		if err != nil || n[wx.ID] != 2 || n[yh.ID] != 1 {
			t.Fatalf("registered per town %v %v", n, err)
		}
		n, _ = r.CaseCountsByTown(store.CaseCountQuery{CampaignID: rs.camp.ID, Scope: domain.ScopeFilter{All: true}, From: from, To: to,
			Status: domain.StatusVoided})
		if n[wx.ID] != 1 || len(n) != 1 {
			t.Fatalf("voided per town %v", n)
		}
		if n, _ = r.CaseCountsByTown(store.CaseCountQuery{CampaignID: rs.camp.ID, Scope: domain.ScopeFilter{TownID: wx.ID}, From: to, To: to.Add(time.Hour)}); len(n) != 0 {
			t.Fatalf("outside the window %v", n)
		}
		n, _ = r.CaseCountsByTown(store.CaseCountQuery{CampaignID: rs.camp.ID, Scope: domain.ScopeFilter{TownID: wx.ID}, Closed: true, From: from, To: to})
		if len(n) != 0 {
			t.Fatalf("none closed out %v", n)
		}
	})
}
