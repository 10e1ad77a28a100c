package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestRecheck_DueListAndRunningSitePromptsReopen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		c := f.readyCase(t, "关闭复查", true)
		all := map[string]bool{}
		for _, it := range f.camp.ClearItems {
			all[it] = true
		}
		c, err := f.app.UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("shutdown", loopPtr(domain.ShutdownClosed)).With("shutdown_date", loopPtr(domain.Date("2020-10-10"))).With("two_cuts_three_clears", all))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []struct {
			u string
			a domain.CaseAction
		}{{"wx_grid", domain.CaseRequestCloseout}, {"wx_vhead", domain.CaseApprove}, {"wx_head", domain.CaseApprove}, {"district", domain.CaseApprove}} {
			c = f.caseAct(t, s.u, c.ID, s.a, "")
		}
		due, err := f.app.DueRechecks(ctx, f.as["wx_officer"], 0)
		if err != nil || len(due) != 0 {
			t.Fatalf("due right after the inspection: %+v %v", due, err)
		}
		f.clock.T = loopNow.AddDate(0, 0, 30)
		due, err = f.app.DueRechecks(ctx, f.as["wx_officer"], 0)
		if err != nil || len(due) != 1 || due[0].SiteID != c.SiteID || due[0].CaseID == nil || *due[0].CaseID != c.ID ||
			due[0].State != domain.SiteClosed || due[0].ProblemNo != c.ProblemNo || domain.CaseStatus(due[0].CaseStatus) != domain.StatusClosedOut {
			t.Fatalf("due after 30 days: %+v %v", due, err)
		}
		if other, _ := f.app.DueRechecks(ctx, f.as["yh_officer"], 0); len(other) != 0 {
			t.Fatalf("other town's due list %+v", other)
		}
		_, err = f.app.RecordRecheck(ctx, f.as["wx_grid"], c.SiteID, "maybe", "")
		wantLoopCode(t, err, domain.EINVALID)
		res, err := f.app.RecordRecheck(ctx, f.as["wx_grid"], c.SiteID, domain.RecheckStillShut, "大门紧锁")
		if err != nil || res.PromptReopen || res.Inspection.Outcome != domain.OutcomeNoProblem {
			t.Fatalf("still shut: %+v %v", res, err)
		}
		if due, _ = f.app.DueRechecks(ctx, f.as["wx_officer"], 0); len(due) != 0 {
			t.Fatalf("still due after the re-check: %+v", due)
		}
		f.clock.T = loopNow.AddDate(0, 0, 61)
		res, err = f.app.RecordRecheck(ctx, f.as["wx_grid"], c.SiteID, domain.RecheckRunning, "夜间偷偷生产")
		if err != nil || !res.PromptReopen || res.Case == nil || res.Case.ID != c.ID || res.Inspection.Outcome != domain.OutcomeProblem {
			t.Fatalf("running: %+v %v", res, err)
		}
		if prompts, err := f.app.RecheckPrompts(ctx, f.as["wx_officer"], 0); err != nil || len(prompts) != 1 || prompts[0].ID != c.ID {
			t.Fatalf("reopen prompts %+v %v", prompts, err)
		}
		// The grid worker may not reopen; the town officer does, with the re-check's reason.
		f.refused(t, "wx_grid", c.ID, app.CaseActionInput{Action: domain.CaseReopen, Reason: domain.ReopenReasonRecheck}, domain.EFORBIDDEN, "")
		c = f.caseAct(t, "wx_officer", c.ID, domain.CaseReopen, domain.ReopenReasonRecheck)
		if c.Status != domain.StatusRectifying {
			t.Fatalf("reopened: %s", c.Status)
		}
		if prompts, _ := f.app.RecheckPrompts(ctx, f.as["wx_officer"], 0); len(prompts) != 0 {
			t.Fatalf("still prompted after the reopen: %+v", prompts)
		}
	})
}

// lastInspection is the latest inspection of a site (in any campaign) with
// one of outcomes, read without the rule under test: zero when none.
func (f *loopFixture) lastInspection(t *testing.T, siteID int64, outcomes ...string) time.Time {
	t.Helper()
	xs, err := f.app.SiteInspections(context.Background(), f.as["district"], siteID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var last time.Time
	for _, x := range xs {
		if (len(outcomes) == 0 || slices.Contains(outcomes, x.Outcome)) && x.InspectedAt.After(last) {
			last = x.InspectedAt
		}
	}
	return last
}

func (f *loopFixture) inspect(t *testing.T, siteID int64, at time.Time, outcome string) {
	t.Helper()
	if _, err := f.app.CreateInspection(context.Background(), f.as["district"], app.InspectionInput{SiteID: siteID, InspectedAt: at, Outcome: outcome}); err != nil {
		t.Fatal(err)
	}
}

// TestDueRechecks_SQLAgreesWithDomain: the due list's query narrows by
// the re-check states and shutdowns (domain.RecheckSiteStates,
// RecheckShutdowns); over every site state × case shutdown (none, a live
// case, a voided one), some re-checked lately, it gives exactly what
// domain.DueRechecks gives over all the sites read back.
func TestDueRechecks_SQLAgreesWithDomain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		officer := f.as["wx_officer"]
		type gen struct {
			site   int64
			cases  []int64
			recent bool // re-checked 20 days on
		}
		var sites []gen
		newSite := func(name, state string, org, village int64) int64 {
			s, err := f.app.CreateSite(ctx, f.as["district"], app.SiteInput{OrgID: org, VillageID: village, Name: name, Address: name + "所在地", State: state})
			if err != nil {
				t.Fatalf("site %s: %v", name, err)
			}
			return s.ID
		}
		caseOn := func(siteID int64, name string, shutdown domain.Shutdown) *domain.Case {
			c := f.mustCase(t, "wx_officer", app.CaseInput{SiteID: siteID, CaseFields: domain.CaseFields{UnitName: name,
				Category: domain.CatSpraying, Address: name + "所在地", Description: "无证从事喷涂作业"}})
			if shutdown != domain.ShutdownNone {
				var err error
				if c, err = f.app.UpdateCase(ctx, officer, c.ID, app.CasePatch{Version: c.Version}.With("shutdown", loopPtr(shutdown)).With("shutdown_date", loopPtr(domain.Date("2020-10-10")))); err != nil {
					t.Fatalf("shutdown %s: %v", name, err)
				}
			}
			return c
		}
		wx, xinzhong := f.orgs["五星街道"].ID, f.orgs["新中社区"].ID
		for _, state := range []string{domain.SiteProducing, domain.SiteSuspended, domain.SiteClosed, domain.SiteBanned} {
			sites = append(sites, gen{site: newSite(state+"无问题", state, wx, xinzhong)})
			for _, sd := range []domain.Shutdown{domain.ShutdownNone, domain.ShutdownSuspended, domain.ShutdownClosed, domain.ShutdownBanned} {
				id := newSite(state+string(sd), state, wx, xinzhong)
				c := caseOn(id, state+string(sd), sd)
				sites = append(sites, gen{site: id, cases: []int64{c.ID}, recent: sd == domain.ShutdownClosed})
			}
			id := newSite(state+"作废", state, wx, xinzhong)
			v := caseOn(id, state+"作废", domain.ShutdownBanned)
			if _, err := f.app.ApplyCaseAction(ctx, officer, v.ID, app.CaseActionInput{Action: domain.CaseVoid, Reason: "重复"}); err != nil {
				t.Fatal(err)
			}
			sites = append(sites, gen{site: id, cases: []int64{v.ID}})
		}
		// Outside the officer's scope: never on their list.
		newSite("永红关闭", domain.SiteClosed, f.orgs["永红街道"].ID, 0)
		f.clock.T = loopNow.AddDate(0, 0, 20)
		for _, g := range sites {
			if g.recent {
				f.inspect(t, g.site, f.clock.T, domain.OutcomeNoProblem)
			}
		}
		f.clock.T = loopNow.AddDate(0, 0, 31)

		// The domain over every site, read back.
		var items []domain.RecheckItem
		for _, g := range sites {
			s, err := f.app.Site(ctx, officer, g.site)
			if err != nil {
				t.Fatal(err)
			}
			it := domain.RecheckItem{SiteID: s.ID, SiteName: s.Name, LastCheck: f.lastInspection(t, s.ID)}
			var shutdown domain.Shutdown
			for _, id := range g.cases {
				c, err := f.app.Case(ctx, officer, id)
				if err != nil {
					t.Fatal(err)
				}
				if c.Status != domain.StatusVoided {
					shutdown, it.CaseID = c.Shutdown, &c.ID
				}
			}
			it.State = domain.RecheckState(s.State, shutdown)
			items = append(items, it)
		}
		want := domain.DueRechecks(items, f.camp, domain.DateOf(f.clock.T, domain.Shanghai()))
		got, err := f.app.DueRechecks(ctx, officer, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 10 || len(want) == len(items) {
			t.Fatalf("the generated sites do not exercise the rule: %d of %d due", len(want), len(items))
		}
		if len(got) != len(want) {
			t.Fatalf("due list has %d sites, the domain %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
		}
		for i := range want {
			g, w := got[i].RecheckItem, want[i]
			if g.SiteID != w.SiteID || g.State != w.State || g.Due != w.Due || !g.LastCheck.Equal(w.LastCheck) ||
				(g.CaseID == nil) != (w.CaseID == nil) || (g.CaseID != nil && *g.CaseID != *w.CaseID) {
				t.Fatalf("row %d: got %+v, want %+v", i, g, w)
			}
		}
	})
}

// TestRecheckPrompts_SQLAgreesWithDomain: the reopen prompts' query (a
// finding after the 销号) gives exactly the cases domain.AwaitsRecheckReopen
// picks over every generated case, in each scope.
func TestRecheckPrompts_SQLAgreesWithDomain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		names := []string{"发现复燃", "销号前发现", "复查无异常", "复燃已重开", "销号同时", "整治中发现"}
		var cases []*domain.Case
		for _, n := range names {
			cases = append(cases, f.readyCase(t, n, true))
		}
		// A case of another town, at the town itself.
		yh := f.mustCase(t, "yh_officer", app.CaseInput{OrgID: f.orgs["永红街道"].ID, CaseFields: domain.CaseFields{UnitName: "永红复燃",
			Category: domain.CatSpraying, Address: "永红", Description: "无证从事喷涂作业"}})
		yh, err := f.app.UpdateCase(ctx, f.as["yh_officer"], yh.ID, app.CasePatch{Version: yh.Version}.With("onsite_status", loopPtr(domain.OnsiteDone)).With("onsite_done_date", loopPtr(domain.Date("2020-10-13"))))
		if err != nil {
			t.Fatal(err)
		}
		closedAt := loopNow.Add(time.Hour)
		f.clock.T = closedAt
		for _, c := range cases[:5] {
			f.closeOut(t, c)
		}
		f.caseAct(t, "yh_officer", yh.ID, domain.CaseRequestCloseout, "")
		f.caseAct(t, "yh_head", yh.ID, domain.CaseApprove, "")
		f.caseAct(t, "district", yh.ID, domain.CaseApprove, "")
		f.clock.T = loopNow.Add(2 * time.Hour)
		f.inspect(t, cases[0].SiteID, f.clock.T, domain.OutcomeProblem)
		f.inspect(t, cases[1].SiteID, loopNow.Add(30*time.Minute), domain.OutcomeProblem)
		f.inspect(t, cases[2].SiteID, f.clock.T, domain.OutcomeNoProblem)
		f.inspect(t, cases[3].SiteID, f.clock.T, domain.OutcomeProblem)
		f.caseAct(t, "wx_officer", cases[3].ID, domain.CaseReopen, domain.ReopenReasonRecheck)
		f.inspect(t, cases[4].SiteID, closedAt, domain.OutcomeProblem)
		f.inspect(t, cases[5].SiteID, f.clock.T, domain.OutcomeProblem)
		f.inspect(t, yh.SiteID, f.clock.T, domain.OutcomeProblem)

		all := append(cases, yh)
		for _, user := range []string{"district", "wx_officer", "yh_officer"} {
			a := f.as[user]
			var want []int64
			for _, c := range all {
				got, err := f.app.Case(ctx, a, c.ID)
				if domain.ErrorCode(err) == domain.ENOTFOUND {
					continue // outside the scope
				}
				if err != nil {
					t.Fatal(err)
				}
				if domain.AwaitsRecheckReopen(got, f.lastInspection(t, got.SiteID, domain.OutcomeProblem)) {
					want = append(want, got.ID)
				}
			}
			towns, err := f.db.Reader(ctx).UnitsUnder(&a.Scope, domain.KindsOf(domain.TierTown))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := f.db.Reader(ctx).ReopenPrompts(store.ReopenPromptFilter{Scope: domain.ScopeOf(&a.Scope, towns), CampaignID: f.camp.ID,
				Status: domain.StatusClosedOut, FindingOutcome: domain.OutcomeProblem})
			if err != nil {
				t.Fatal(err)
			}
			var sqlIDs []int64
			for _, r := range rows {
				sqlIDs = append(sqlIDs, r.CaseID)
			}
			prompts, err := f.app.RecheckPrompts(ctx, a, 0)
			if err != nil {
				t.Fatal(err)
			}
			var appIDs []int64
			for _, c := range prompts {
				appIDs = append(appIDs, c.ID)
			}
			slices.Sort(want)
			slices.Sort(sqlIDs)
			slices.Sort(appIDs)
			if !slices.Equal(sqlIDs, want) || !slices.Equal(appIDs, want) {
				t.Fatalf("%s: SQL %v, use case %v, domain %v", user, sqlIDs, appIDs, want)
			}
			if wantN := map[string]int{"district": 2, "wx_officer": 1, "yh_officer": 1}[user]; len(want) != wantN {
				t.Fatalf("%s: the generated cases do not exercise the rule: %v", user, want)
			}
		}
	})
}
