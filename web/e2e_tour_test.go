package web

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"zhengzhi/seed"
)

// The tour of [7]'s "what must hold": every demo role, on a phone and on a
// desk, visits every page of its navigation and the pages its home links
// to, in a real browser; a page fails on an unresolved catalog key, an
// English word of the deny-list in the Chinese UI, a sideways scroll on the
// phone, a console error, or an answer of 400 or more. The failing pages'
// screenshots stay in a folder the output names (ZHENGZHI_SCREENSHOTS keeps
// every page's instead).

// englishDenyList are words that must not show in the Chinese UI: the
// English of our own catalog, the Go and browser defaults that leak when a
// text is not translated, and JavaScript's empty values.
var englishDenyList = regexp.MustCompile(`\b(Dashboard|Home|Cases|Sites|Reports|Inbox|Users|Campaigns|Log out|Log in|Save|Filter|Export|Previous|Next|Error|None|Status|Submit|Approve|Return|Delete|Edit|Cancel|Search|Loading|Columns|Total|Overdue|Not Found|page not found|Internal Server Error|Bad Request|Forbidden|User denied|Geolocation|undefined|null|NaN|true|false|Invalid Date)\b`)

// tourUser is a demo account and its password.
type tourUser struct{ name, password string }

// tourViewport is a screen the tour looks at.
type tourViewport struct {
	name          string
	width, height int64
	phone         bool
}

var tourViewports = []tourViewport{{"phone", 390, 844, true}, {"desk", 1366, 900, false}}

// tourProblem is one failure, on one page.
type tourProblem struct {
	who, page, what string
}

// pageChecks is the script run on every page: its visible text, and on a
// phone whether it scrolls sideways (and which elements stick out, outside
// any scroller of their own).
//
// The width is the screen's when that is less than innerWidth: a mobile
// browser widens its layout viewport to a page that is too wide (and zooms
// out), so innerWidth alone would hide the very overflow it is to show.
const pageChecks = `(() => {
  const se = document.scrollingElement, w = Math.min(window.innerWidth, screen.width);
  const out = {text: document.body ? document.body.innerText : "", scroll: se.scrollWidth, width: w, wide: []};
  if (se.scrollWidth > w) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= w + 1) { continue; }
      let p = el.parentElement, inner = false;
      for (; p; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === "auto" || ox === "scroll" || ox === "hidden") { inner = true; break; }
      }
      if (!inner) { out.wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "") + " (" + Math.round(r.right) + "px)"); }
      if (out.wide.length >= 5) { break; }
    }
  }
  return out;
})()`

type pageFacts struct {
	Text   string   `json:"text"`
	Scroll int64    `json:"scroll"`
	Width  int64    `json:"width"`
	Wide   []string `json:"wide"`
}

// homeLinks are the same-site page links of the home page's main part, one
// per kind of link (a path with its numbers taken out).
const homeLinks = `Array.from(document.querySelectorAll("main a[href]")).map(a => a.getAttribute("href"))`
const navLinksJS = `Array.from(document.querySelectorAll("nav.nav a[href]")).map(a => a.getAttribute("href"))`

func tourPages(nav, home []string) []string {
	seen := map[string]bool{}
	kinds := map[string]bool{}
	var out []string
	add := func(u string, perKind bool) {
		if i := strings.IndexByte(u, '#'); i >= 0 {
			u = u[:i]
		}
		if u == "" || !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || !isPageLink(u) || seen[u] {
			return
		}
		kind := digits.ReplaceAllString(u, "N")
		if perKind && kinds[kind] {
			return
		}
		seen[u], kinds[kind] = true, true
		out = append(out, u)
	}
	for _, u := range nav {
		add(u, false)
	}
	for _, u := range home {
		add(u, true)
	}
	return out
}

func TestBrowser_EveryRoleEveryPage(t *testing.T) {
	start := time.Now()
	base := newDemoServer(t).URL
	misses := recordMisses(t)
	root := newBrowserFor(t, 170*time.Second)

	shotsDir := os.Getenv("ZHENGZHI_SCREENSHOTS")
	keepAll := shotsDir != ""
	if !keepAll {
		var err error
		if shotsDir, err = os.MkdirTemp("", "zhengzhi-tour-"); err != nil {
			t.Fatal(err)
		}
	}
	var problems []tourProblem
	users := []tourUser{{"admin", "admin-password"}}
	for _, u := range demoRoles {
		users = append(users, tourUser{u, seed.DemoPassword})
	}
	pagesSeen := 0
	for _, u := range users {
		// Each user in a browser context of its own: its own cookies.
		var mu sync.Mutex
		var console []string
		ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext(), chromedp.WithListener(func(ev any) {
			var msg string
			switch ev := ev.(type) {
			case *runtime.EventConsoleAPICalled:
				if ev.Type == runtime.ConsoleAPICalledTypeError {
					var parts []string
					for _, a := range ev.Args {
						parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
					}
					msg = "console.error: " + strings.Join(parts, " ")
				}
			case *runtime.EventExceptionThrown:
				d := ev.ExceptionDetails
				msg = "exception: " + d.Text
				if d.Exception != nil {
					msg += " " + d.Exception.Description
				}
			case *log.EventEntryAdded:
				if ev.Entry.Level == log.EntryLevelError {
					msg = fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
				}
			}
			if msg != "" {
				mu.Lock()
				console = append(console, msg)
				mu.Unlock()
			}
		}))
		takeConsole := func() []string {
			mu.Lock()
			defer mu.Unlock()
			c := console
			console = nil
			return c
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
			cancel()
			t.Fatalf("%s: open a tab: %v", u.name, err)
		}
		browserLogin(t, ctx, base, u.name, u.password)
		misses.take()
		takeConsole()

		var pages []string
		for _, vp := range tourViewports {
			who := u.name + " " + vp.name
			opts := []chromedp.EmulateViewportOption{}
			if vp.phone {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height, opts...)); err != nil {
				t.Fatalf("%s: viewport: %v", who, err)
			}
			if pages == nil {
				// The pages: the navigation's, and those the home page links to.
				if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/")); err != nil {
					t.Fatalf("%s: home: %v", who, err)
				}
				nav, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](navLinksJS))
				if err != nil {
					t.Fatal(err)
				}
				home, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](homeLinks))
				if err != nil {
					t.Fatal(err)
				}
				pages = tourPages(append([]string{"/"}, nav...), home)
				if len(nav) < 3 {
					t.Errorf("%s: a navigation of %d links: %v", who, len(nav), nav)
				}
			}
			for _, p := range pages {
				pagesSeen++
				var found []string
				resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+p))
				switch {
				case err != nil:
					found = append(found, "navigation: "+err.Error())
				case resp.Status >= 400:
					found = append(found, fmt.Sprintf("answers %d", resp.Status))
				}
				facts, err := chromedp.Run(ctx, chromedp.Evaluate[pageFacts](pageChecks))
				if err != nil {
					found = append(found, "checks: "+err.Error())
				}
				for _, k := range misses.take() {
					found = append(found, "unresolved catalog key "+k)
				}
				if words := englishDenyList.FindAllString(facts.Text, 5); len(words) > 0 {
					found = append(found, fmt.Sprintf("English in the Chinese UI: %q", words))
				}
				if vp.phone && facts.Scroll > facts.Width {
					found = append(found, fmt.Sprintf("scrolls sideways: %d px wide in %d px, sticking out: %v", facts.Scroll, facts.Width, facts.Wide))
				}
				// Let late console messages (a chart's script) arrive.
				time.Sleep(30 * time.Millisecond)
				for _, m := range takeConsole() {
					found = append(found, m)
				}
				if len(found) > 0 || keepAll {
					name := strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "-").Replace(strings.TrimPrefix(p, "/"))
					if name == "" {
						name = "home"
					}
					if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
						os.WriteFile(filepath.Join(shotsDir, fmt.Sprintf("%s-%s-%s.png", u.name, vp.name, name)), png, 0o644)
					}
				}
				for _, f := range found {
					problems = append(problems, tourProblem{who, p, f})
				}
			}
		}
		cancel()
	}
	// One line per problem, with the pages (and users) it was seen on.
	var order []string
	where := map[string][]string{}
	for _, p := range problems {
		if _, ok := where[p.what]; !ok {
			order = append(order, p.what)
		}
		where[p.what] = append(where[p.what], p.who+" "+p.page)
	}
	for _, what := range order {
		at := where[what]
		more := ""
		if len(at) > 6 {
			at, more = at[:6], fmt.Sprintf(" and %d more", len(where[what])-6)
		}
		t.Errorf("%s\n\ton %s%s", what, strings.Join(at, "; "), more)
	}
	switch {
	case len(problems) > 0:
		t.Errorf("screenshots of the failing pages are in %s", shotsDir)
	case keepAll:
		t.Logf("screenshots of every page are in %s", shotsDir)
	default:
		os.RemoveAll(shotsDir)
	}
	t.Logf("%d users, %d page views in %s", len(users), pagesSeen, time.Since(start).Round(time.Second))
	if pagesSeen < 100 {
		t.Errorf("only %d page views: the tour does not reach the pages", pagesSeen)
	}
}

// The tour's checks themselves: a page wider than the phone is caught, one
// whose wide table scrolls in its own box is not, and the deny-list finds
// the English of a page.
func TestTourChecks_SidewaysScrollAndEnglish(t *testing.T) {
	ctx := newBrowser(t)
	page := func(body string) pageFacts {
		t.Helper()
		u := "data:text/html;charset=utf-8," + strings.NewReplacer("%", "%25", "#", "%23").Replace(
			`<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1"><body style="margin:0">`+body)
		if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
			t.Fatal(err)
		}
		f, err := chromedp.Run(ctx, chromedp.Evaluate[pageFacts](pageChecks))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := page(`<div id="wide" style="width:600px">宽</div>`); f.Scroll <= f.Width || len(f.Wide) == 0 || !strings.Contains(f.Wide[0], "div#wide") {
		t.Fatalf("a 600 px div on a 390 px phone: %+v", f)
	}
	if f := page(`<div style="overflow-x:auto"><table style="width:900px"><tr><td>表</td></tr></table></div>`); f.Scroll > f.Width {
		t.Fatalf("a table scrolling in its own box: %+v", f)
	}
	if w := englishDenyList.FindAllString(page(`<p>保存 Save，English 切换</p>`).Text, -1); len(w) != 1 || w[0] != "Save" {
		t.Fatalf("deny-list found %q", w)
	}
}
