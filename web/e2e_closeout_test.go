package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// acceptConfirms answers every data-confirm dialog on the current page with OK.
var acceptConfirms = chromedp.Evaluate[chromedp.Void](`window.confirm = function () { return true; }`)

// closeoutSwitchUser logs out and in again as user.
func closeoutSwitchUser(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`))); err != nil {
		t.Fatalf("log out: %v", err)
	}
	browserLogin(t, ctx, base, user, "password-"+user)
}

// signFromInbox opens the inbox, the case's sign page from it, checks that
// the page shows the hash the API reports, and signs (with a reason for a return).
func signFromInbox(t *testing.T, ctx context.Context, e *testEnv, user string, id int64, action, reason string) {
	t.Helper()
	sid := fmtInt(id)
	err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/inbox"), chromedp.WaitVisible(chromedp.CSS(`#inbox-`+sid)))
	if err != nil {
		t.Fatalf("%s: inbox: %v", user, err)
	}
	// Follow the row's "查看并签字" (or "退回") link.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#inbox-`+sid+` a[href*='action=`+action+`']").getAttribute("href")`))
	if err == nil {
		err = chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+href), chromedp.WaitVisible(chromedp.CSS(`#sign-form`)))
	}
	if err != nil {
		html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`main`)))
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("%s: open the sign page from the inbox: %v\nat %s:\n%s", user, err, loc, html)
	}
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#content-hash`)))
	if err != nil {
		t.Fatal(err)
	}
	if want := e.signoffs(user, id).ContentHash; strings.TrimSpace(shown) != want {
		t.Fatalf("%s: sign page shows hash %q, the case's is %q", user, shown, want)
	}
	screenshot(t, ctx, "sign-"+user+"-"+action)
	steps := []chromedp.Action[chromedp.Void]{acceptConfirms}
	if reason != "" {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS(`#sign-form textarea[name=reason]`), reason))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(`#sign-form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: sign %s: %v", user, action, err)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "/inbox") {
		t.Fatalf("%s: after signing at %s, want back in the inbox", user, loc)
	}
}

func (e *testEnv) status(id int64) domain.CaseStatus {
	e.t.Helper()
	var c domain.Case
	e.do("district", "GET", "/api/v1/cases/"+fmtInt(id), nil).want(http.StatusOK).decode(&c)
	return c.Status
}

// The "done when" of the closed loop: in the browser, a grid worker
// requests 销号 on a fully rectified case; the village head, town head and
// district office each sign it from their inbox; a town head's return with
// a reason sends it back; and a reopen works.
func TestBrowser_CloseoutSignedVillageTownDistrict(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.readyCase("新中某喷涂点", true)
	id, sid := c.ID, fmtInt(c.ID)
	e.supplyEvidence(id) // the 整改完成照片 a 销号 request needs
	ctx := newBrowser(t)
	base := e.srv.URL

	requestCloseout := func() {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/cases/"+sid),
			chromedp.WaitVisible(chromedp.CSS(`#act-request_closeout`)),
			acceptConfirms,
			chromedp.Click(chromedp.CSS(`#act-request_closeout button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		)
		if err != nil {
			t.Fatalf("request 销号: %v", err)
		}
		if s := e.status(id); s != domain.StatusCloseoutRequested {
			t.Fatalf("after the request: %s", s)
		}
	}

	// 1. The grid worker requests 销号 from the case page.
	browserLogin(t, ctx, base, "wx_grid", "password-wx_grid")
	requestCloseout()
	screenshot(t, ctx, "closeout-requested")

	// 2. The village head signs from the inbox; the town head returns it with a reason.
	closeoutSwitchUser(t, ctx, base, "wx_vhead")
	signFromInbox(t, ctx, e, "wx_vhead", id, "approve", "")
	if s := e.status(id); s != domain.StatusVillageApproved {
		t.Fatalf("after the village head: %s", s)
	}
	closeoutSwitchUser(t, ctx, base, "wx_head")
	signFromInbox(t, ctx, e, "wx_head", id, "return", "整改完成照片不清晰，请补拍")
	if s := e.status(id); s != domain.StatusRectifying {
		t.Fatalf("after the town head's return: %s", s)
	}

	// 3. Requested again; the village head approves in a batch from the
	// inbox, the town head and the district office sign from theirs.
	closeoutSwitchUser(t, ctx, base, "wx_grid")
	requestCloseout()
	closeoutSwitchUser(t, ctx, base, "wx_vhead")
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/inbox"),
		chromedp.WaitVisible(chromedp.CSS(`#inbox-`+sid)),
		chromedp.Click(chromedp.CSS(`#inbox-`+sid+` input[type=checkbox]`)),
		acceptConfirms,
		chromedp.Click(chromedp.CSS(`#batch > button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#batch-results`)),
	)
	if err != nil {
		t.Fatalf("batch approval: %v", err)
	}
	if res, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#batch-results`))); !strings.Contains(res, "✓") {
		t.Fatalf("batch results: %q", res)
	}
	closeoutSwitchUser(t, ctx, base, "wx_head")
	signFromInbox(t, ctx, e, "wx_head", id, "approve", "")
	closeoutSwitchUser(t, ctx, base, "district")
	signFromInbox(t, ctx, e, "district", id, "approve", "同意销号")
	if s := e.status(id); s != domain.StatusClosedOut {
		t.Fatalf("after the district office: %s", s)
	}

	// 4. The case page lists the signatures, each checked against the content.
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/cases/"+sid), chromedp.WaitVisible(chromedp.CSS(`#signoffs`)))
	if err != nil {
		t.Fatal(err)
	}
	sigs, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#signoffs`)))
	if n := strings.Count(sigs, "✓"); n != 3 || strings.Contains(sigs, "篡改") {
		t.Fatalf("signature list shows %d checked (want the 3 current ones):\n%s", n, sigs)
	}
	screenshot(t, ctx, "closed-out")

	// 5. The town officer reopens it with a reason.
	closeoutSwitchUser(t, ctx, base, "wx_officer")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/cases/"+sid+"?reopen=recheck"),
		chromedp.WaitVisible(chromedp.CSS(`#act-reopen`)),
		acceptConfirms,
		chromedp.Click(chromedp.CSS(`#act-reopen button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if s := e.status(id); s != domain.StatusRectifying {
		t.Fatalf("after the reopen: %s", s)
	}
	var tl listResult[domain.AuditEvent]
	e.do("district", "GET", "/api/v1/cases/"+sid+"/timeline", nil).want(http.StatusOK).decode(&tl)
	if last := tl.Items[len(tl.Items)-1]; last.Action != "reopen" || !strings.Contains(string(last.After), domain.ReopenReasonRecheck) {
		t.Fatalf("last event %s %s", last.Action, last.After)
	}
}
