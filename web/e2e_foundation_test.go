package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhengzhi/store"
)

// A district officer logs in on a phone, creates a grid worker through the
// users page, and the new user can log in and sees only their village.
func TestBrowser_LoginAndManageUsers(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := newBrowser(t)
	browserLogin(t, ctx, e.srv.URL, "wx_officer", "password-wx_officer")
	screenshot(t, ctx, "dashboard")
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "wx_officer") || !strings.Contains(body, "五星街道") {
		t.Fatalf("dashboard shows %q", body)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/users"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/users"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "grid_new"),
		chromedp.SendKeys(chromedp.CSS(`input[name=display_name]`), "新网格员"),
		chromedp.SetValue(chromedp.CSS(`select[name=role]`), "grid"),
		chromedp.SetValue(chromedp.CSS(`select[name=org_id]`), fmtInt(e.orgs["新岗社区"].ID)),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "grid-new-password"),
		chromedp.Click(chromedp.CSS(`form[action="/users"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "users")
	list, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("section.list")))
	if !strings.Contains(list, "新网格员") || strings.Contains(list, "yh_officer") {
		t.Fatalf("user list: %q", list)
	}
	// Log out, log in as the new user: only 新岗社区 on the org page.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`))); err != nil {
		t.Fatal(err)
	}
	browserLogin(t, ctx, e.srv.URL, "grid_new", "grid-new-password")
	orgs, err := chromedp.Run(ctx, chromedp.Steps(chromedp.Navigate(e.srv.URL+"/orgs"), chromedp.WaitVisible(chromedp.CSS("table"))))
	_ = orgs
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table")))
	if !strings.Contains(txt, "新岗社区") || strings.Contains(txt, "新中社区") {
		t.Fatalf("grid worker's org page: %q", txt)
	}
	// A wrong password shows an error and no session.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "grid_new"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "wrong-password"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.error`))); err != nil {
		t.Fatal(err)
	}
}
