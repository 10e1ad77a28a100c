package app_test

import (
	"context"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// 待我审核's count (the badge and the heads' home) is the inbox's length, for
// every role and a delegate, and its oldest case the inbox's first; the SQL
// of the review slots is held to the transition table this way on both
// databases.
func TestPendingReviews_CountsTheInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		// Cases waiting at each level, with and without a village.
		requested := f.readyCase(t, "申请作坊", true)
		f.caseAct(t, "wx_grid", requested.ID, domain.CaseRequestCloseout, "")
		townOnly := f.readyCase(t, "镇直作坊", false)
		f.caseAct(t, "wx_officer", townOnly.ID, domain.CaseRequestCloseout, "")
		village := f.readyCase(t, "村审作坊", true)
		f.caseAct(t, "wx_grid", village.ID, domain.CaseRequestCloseout, "")
		f.caseAct(t, "wx_vhead", village.ID, domain.CaseApprove, "")
		town := f.readyCase(t, "镇审作坊", true)
		for _, s := range []struct {
			u string
			a domain.CaseAction
		}{{"wx_grid", domain.CaseRequestCloseout}, {"wx_vhead", domain.CaseApprove}, {"wx_head", domain.CaseApprove}} {
			f.caseAct(t, s.u, town.ID, s.a, "")
		}
		f.readyCase(t, "整治作坊", true) // not waiting for anyone
		check := func(user string) int {
			t.Helper()
			inbox, err := f.app.Inbox(ctx, f.as[user])
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.app.PendingReviews(ctx, f.as[user])
			if err != nil {
				t.Fatal(err)
			}
			if got.Count != len(inbox) || (got.Oldest == nil) != (len(inbox) == 0) ||
				got.Oldest != nil && got.Oldest.ID != inbox[0].ID {
				t.Fatalf("%s: pending %d (oldest %v), inbox %d", user, got.Count, got.Oldest, len(inbox))
			}
			nav, err := f.app.Navigation(ctx, f.as[user])
			if err != nil || nav.Pending != got.Count {
				t.Fatalf("%s: navigation badge %+v %v", user, nav, err)
			}
			return got.Count
		}
		want := map[string]int{"wx_vhead": 1, "wx_head": 2, "district": 1, "admin": 1, "wx_officer": 0, "wx_grid": 0, "yh_head": 0, "supervisor": 0}
		for user, n := range want {
			if got := check(user); got != n {
				t.Errorf("%s: %d waiting, want %d", user, got, n)
			}
		}
		// The town head delegates: the officer's count is the head's.
		if _, err := f.app.CreateDelegation(ctx, f.as["wx_head"], app.DelegationInput{DelegateUserID: f.as["wx_officer"].User.ID,
			Until: loopNow.Add(48 * time.Hour), Reason: "外出学习"}); err != nil {
			t.Fatal(err)
		}
		if got := check("wx_officer"); got != 2 {
			t.Errorf("delegate officer: %d waiting, want the head's 2", got)
		}
	})
}

// A grid worker's day: the sites to visit (re-checks due, then the sites not
// inspected), the open cases and, apart, those returned with the reason;
// each figure is its list's total.
func TestToday_GridWorkersDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		grid := f.as["wx_grid"]
		site, err := f.app.CreateSite(ctx, grid, app.SiteInput{Name: "未排查作坊", Address: "新中社区3号"})
		if err != nil {
			t.Fatal(err)
		}
		returned := f.readyCase(t, "退回作坊", true)
		f.caseAct(t, "wx_grid", returned.ID, domain.CaseRequestCloseout, "")
		f.caseAct(t, "wx_vhead", returned.ID, domain.CaseReturn, "整改完成照片看不清，请补拍")
		open := f.readyCase(t, "整治作坊", true)
		closed := f.readyCase(t, "关闭作坊", true)
		all := map[string]bool{}
		for _, it := range f.camp.ClearItems {
			all[it] = true
		}
		closed, err = f.app.UpdateCase(ctx, f.as["wx_officer"], closed.ID, app.CasePatch{Version: closed.Version}.
			With("shutdown", loopPtr(domain.ShutdownClosed)).With("shutdown_date", loopPtr(domain.Date("2020-10-10"))).With("two_cuts_three_clears", all))
		if err != nil {
			t.Fatal(err)
		}
		f.closeOut(t, closed)
		f.clock.T = loopNow.AddDate(0, 0, 31) // the closed site's re-check falls due

		day, err := f.app.Today(ctx, grid)
		if err != nil {
			t.Fatal(err)
		}
		if len(day.Returned) != 1 || day.Returned[0].ID != returned.ID || day.Returned[0].Return.Reason != "整改完成照片看不清，请补拍" {
			t.Fatalf("returned %+v", day.Returned)
		}
		if len(day.ToFinish) != 1 || day.ToFinish[0].ID != open.ID {
			t.Fatalf("to finish %+v", day.ToFinish)
		}
		if len(day.ToInspect) != 2 || !day.ToInspect[0].Recheck || day.ToInspect[0].SiteID != closed.SiteID || day.ToInspect[1].SiteID != site.ID {
			t.Fatalf("to inspect %+v", day.ToInspect)
		}
		_, notInspected, err := f.app.Sites(ctx, grid, app.SiteFilter{NotInspected: true})
		if err != nil {
			t.Fatal(err)
		}
		_, openTotal, err := f.app.Cases(ctx, grid, app.CaseFilter{Status: domain.StatusOpen})
		if err != nil {
			t.Fatal(err)
		}
		due, err := f.app.DueRechecks(ctx, grid, 0)
		if err != nil {
			t.Fatal(err)
		}
		if day.NotInspected != notInspected || day.NotInspected != 1 || day.Open != openTotal || day.Open != 2 || day.RechecksDue != len(due) || day.RechecksDue != 1 {
			t.Fatalf("figures %d/%d open %d/%d rechecks %d/%d", day.NotInspected, notInspected, day.Open, openTotal, day.RechecksDue, len(due))
		}
	})
}

// A town's week: the next deadline and its report (none until drafted), the
// failing checks, and last week's report while it is still missing.
func TestWeek_TownsReportState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		officer := f.as["wx_officer"]
		w, err := f.app.Week(ctx, officer, 0)
		if err != nil {
			t.Fatal(err)
		}
		wed := time.Date(2020, 10, 14, 17, 0, 0, 0, domain.Shanghai())
		if !w.Deadline.Equal(wed) || w.Report != nil || w.Previous == nil || w.Previous.Status != domain.ReportMissing {
			t.Fatalf("week before drafting: deadline %v report %+v previous %+v", w.Deadline, w.Report, w.Previous)
		}
		if _, _, err := f.app.PrepareReport(ctx, officer, app.ReportInput{}); err != nil {
			t.Fatal(err)
		}
		// A case missing a required field is an error that blocks the report.
		c := f.mustCase(t, "wx_grid", newCase("缺描述作坊"))
		if _, err := f.raw.Exec(`UPDATE cases SET description = '' WHERE id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		if w, err = f.app.Week(ctx, officer, 0); err != nil {
			t.Fatal(err)
		}
		if w.Report == nil || w.Report.Status != domain.ReportDraft || len(w.Validation.Errors) == 0 {
			t.Fatalf("after drafting: report %+v, %d errors", w.Report, len(w.Validation.Errors))
		}
		if w.Validation.Errors[0].CaseID != c.ID {
			t.Fatalf("error %+v does not name the case", w.Validation.Errors[0])
		}
		// The grid worker's unit is no town: no week.
		if _, err := f.app.Week(ctx, f.as["wx_grid"], 0); err == nil {
			t.Fatal("a village has a week")
		}
	})
}

// The district's table: a row per town in official order, each figure the
// total of the case list with the same filter.
func TestTowns_RowsAreTheListsTotals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		f.readyCase(t, "镇表作坊甲", true)
		b := f.readyCase(t, "镇表作坊乙", true)
		f.closeOut(t, b)
		tab, err := f.app.Towns(ctx, f.as["district"])
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.Rows) != 9 || tab.Rows[0].Town.Name != "钟楼经济开发区" {
			t.Fatalf("%d rows, first %s", len(tab.Rows), tab.Rows[0].Town.Name)
		}
		for _, row := range tab.Rows {
			for _, x := range []struct {
				got int
				f   app.CaseFilter
			}{
				{row.Cases, app.CaseFilter{Status: domain.StatusLive}},
				{row.Overdue, app.CaseFilter{Overdue: true}},
				{row.AwaitingCloseout, app.CaseFilter{AwaitingCloseout: true}},
				{row.ClosedOut, app.CaseFilter{Status: domain.StatusClosedOut}},
			} {
				x.f.OrgID, x.f.CampaignID = row.Town.ID, f.camp.ID
				_, n, err := f.app.Cases(ctx, f.as["district"], x.f)
				if err != nil || n != x.got {
					t.Fatalf("%s %+v: table %d, list %d (%v)", row.Town.Name, x.f, x.got, n, err)
				}
			}
			if row.Town.Name == "五星街道" && (row.Cases != 2 || row.ClosedOut != 1 || row.AwaitingCloseout != 1) {
				t.Fatalf("五星 row %+v", row)
			}
			if row.Last == nil || row.Last.Status != domain.ReportMissing {
				t.Fatalf("%s: last week's report %+v, want missing", row.Town.Name, row.Last)
			}
		}
		if _, err := f.app.Towns(ctx, nil); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Fatalf("anonymous: %v", err)
		}
	})
}
