package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhengzhi/seed"
)

// On a 390 px phone no page scrolls sideways — the reports page with its
// 总结 upload, the sign page with its hashes, the forms with coordinates —
// and the printable forms keep readable columns inside their own scroller.
func TestBrowser_PhoneNothingScrollsSideways(t *testing.T) {
	base := newDemoServer(t).URL
	ctx := newBrowser(t)
	for _, u := range []struct {
		user   string
		signer bool // has a case to sign in the inbox
		pages  []string
	}{
		{"wuxing_officer", false, []string{"/reports", "/sites/new", "/cases/new", "/cases", "/inbox", "/delegations", "/rechecks"}},
		{"wuxing_head", true, []string{"/reports", "/delegations"}},
		{"district", true, []string{"/reports", "/reports/summary", "/cases"}},
	} {
		if u.user != "wuxing_officer" {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
				chromedp.WaitVisible(chromedp.CSS(`input[name=username]`))); err != nil {
				t.Fatalf("log out: %v", err)
			}
		}
		browserLogin(t, ctx, base, u.user, seed.DemoPassword)
		// A case page and its sign page, from the inbox or the list.
		if u.signer {
			u.pages = append(u.pages, signPages(t, ctx, base, u.user)...)
		}
		for _, p := range u.pages {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+p)); err != nil {
				t.Fatalf("%s %s: %v", u.user, p, err)
			}
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
			if err != nil {
				t.Fatalf("%s %s: %v", u.user, p, err)
			}
			if wide > 0 {
				screenshot(t, ctx, "sideways-"+u.user)
				t.Errorf("%s %s scrolls sideways by %d px", u.user, p, wide)
			}
		}
	}
	// The print page: the page stays put, each form scrolls in its box with
	// columns wide enough to read.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/reports/print?what=live")); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth - document.documentElement.clientWidth,
			document.querySelector(".wrap").scrollWidth, document.querySelector(".wrap").clientWidth]`))
	if err != nil {
		t.Fatal(err)
	}
	if got[0] > 0 || got[1] < 700 || got[2] > 390 {
		t.Errorf("print page on a phone: page overflow %d, form %d px wide in a %d px box", got[0], got[1], got[2])
	}
}

// signPages finds a case in user's inbox: its sign page and its case page.
func signPages(t *testing.T, ctx context.Context, base, user string) []string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/inbox")); err != nil {
		t.Fatal(err)
	}
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () { var a = document.querySelector(".inbox-row a[href*='/sign']"); return a ? a.getAttribute("href") : ""; })()`))
	if err != nil || href == "" {
		t.Fatalf("%s: no case to sign in the inbox: %v", user, err)
	}
	id := strings.TrimPrefix(href, "/cases/")
	return []string{href, "/cases/" + id[:strings.Index(id, "/")]}
}
