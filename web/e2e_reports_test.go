package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhengzhi/store"
)

// switchUser logs out and logs in as user.
func switchUser(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=username]`))); err != nil {
		t.Fatalf("log out: %v", err)
	}
	browserLogin(t, ctx, base, user, "password-"+user)
}

// A town officer prepares and the town head submits a week's report in the
// browser before the deadline, and another week's after it with a reason;
// the district's matrix then shows on time, late and missing.
func TestBrowser_WeeklyReportOnTimeLateAndMissing(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.reportCampaign()
	e.reportCase("wx_officer", map[string]any{"unit_name": "五星喷漆点", "fine_fen": 123450, "case_filed": true})
	ctx := newBrowser(t)
	base := e.srv.URL

	// Wednesday 2020-10-14, 16:59: the officer prepares, the head submits.
	e.clock.T = mustTime("2020-10-14T16:59:00+08:00")
	browserLogin(t, ctx, base, "wx_officer", "password-wx_officer")
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/reports"),
		chromedp.Click(chromedp.CSS(`form[action="/reports/prepare"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		chromedp.WaitVisible(chromedp.CSS(`#validation`)),
	)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	screenshot(t, ctx, "report-prepared")
	if txt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#this-week"))); !strings.Contains(txt, "草稿") {
		t.Fatalf("after prepare: %q", txt)
	}
	switchUser(t, ctx, base, "wx_head")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/reports"),
		chromedp.Click(chromedp.CSS(`form.submit-report button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if err != nil {
		t.Fatalf("submit on time: %v", err)
	}
	if txt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#this-week"))); !strings.Contains(txt, "按时") {
		t.Fatalf("after submit: %q", txt)
	}

	// Wednesday 2020-10-21, 17:30: that week's report is late and needs a reason.
	e.clock.T = mustTime("2020-10-21T17:30:00+08:00")
	switchUser(t, ctx, base, "wx_officer")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/reports?deadline=2020-10-21"),
		chromedp.Click(chromedp.CSS(`form[action="/reports/prepare"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if err != nil {
		t.Fatalf("prepare late week: %v", err)
	}
	switchUser(t, ctx, base, "wx_head")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/reports?deadline=2020-10-21"),
		chromedp.WaitVisible(chromedp.CSS(`form.submit-report textarea[name=reason]`)),
		chromedp.SendKeys(chromedp.CSS(`form.submit-report textarea[name=reason]`), "防汛值班，延误报送"),
		chromedp.Click(chromedp.CSS(`form.submit-report button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if err != nil {
		t.Fatalf("submit late: %v", err)
	}
	screenshot(t, ctx, "report-late")
	if txt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#this-week"))); !strings.Contains(txt, "迟报") || !strings.Contains(txt, "防汛值班") {
		t.Fatalf("after late submit: %q", txt)
	}

	// The district's matrix: columns latest first (10-28 ahead, 10-21, 10-14, 10-07, 09-30).
	switchUser(t, ctx, base, "district")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/reports"), chromedp.WaitVisible(chromedp.CSS(`#matrix`))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "report-matrix")
	row := func(n string) []string {
		t.Helper()
		txt, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#matrix tbody tr:nth-child(`+n+`)`)))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Fields(txt)
	}
	if got := row("3"); strings.Join(got, " ") != "五星街道 — 迟报 按时 未报 未报" {
		t.Fatalf("五星街道 row: %q", got)
	}
	if got := row("4"); strings.Join(got, " ") != "永红街道 — 未报 未报 未报 未报" {
		t.Fatalf("永红街道 row: %q", got)
	}
	week, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#week tr[data-town="五星街道"]`)))
	if err != nil || !strings.Contains(week, "迟报") {
		t.Fatalf("this week's line for 五星街道: %q %v", week, err)
	}
	rollup, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#rollup`)))
	if !strings.Contains(rollup, "0.12345") || !strings.Contains(rollup, "合计") {
		t.Fatalf("roll-up: %q", rollup)
	}
}
