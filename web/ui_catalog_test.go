package web

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// demoRoles are the demo users of every role (seed.Demo), one each.
var demoRoles = []string{"district", "supervisor", "discipline", "wuxing_officer", "wuxing_head", "wuxing_001_head", "wuxing_001_grid"}

// newDemoServer runs the server on a fresh SQLite store loaded with the demo
// campaign: cases in every state, reports in every status, so that pages show
// the texts that only some states have.
func newDemoServer(t *testing.T) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	clock := &domain.FixedClock{T: mustTime("2020-10-28T10:00:00+08:00")}
	a := app.New(storetest.Open(t, store.SQLite, storetest.Options{Clock: clock}))
	if _, err := seed.Bootstrap(ctx, a, "admin-password"); err != nil {
		t.Fatal(err)
	}
	if err := seed.Demo(ctx, a, io.Discard); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{App: a, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// keyMisses collects what translate could not resolve while a test runs.
type keyMisses struct {
	mu   sync.Mutex
	keys []string // "lang key"
}

// recordMisses installs the translate hook for the rest of the test.
func recordMisses(t *testing.T) *keyMisses {
	m := &keyMisses{}
	f := func(lang, key string) {
		m.mu.Lock()
		m.keys = append(m.keys, lang+" "+key)
		m.mu.Unlock()
	}
	missedKey.Store(&f)
	t.Cleanup(func() { missedKey.Store(nil) })
	return m
}

// take returns the misses since the last call, each once.
func (m *keyMisses) take() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, k := range m.keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	m.keys = nil
	sort.Strings(out)
	return out
}

// catalogPrefixes are the first segments of the catalog's keys ("camp",
// "case", "rpt", …): a word of the page's text that starts with one of them
// and a dot is a key that reached the page without going through translate.
func catalogPrefixes() map[string]bool {
	p := map[string]bool{}
	for _, c := range catalogs {
		for k := range c {
			if i := strings.IndexByte(k, '.'); i > 0 {
				p[k[:i]] = true
			}
		}
	}
	return p
}

var (
	keyLike   = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:\.[a-z0-9_]+)+\b`)
	scriptTag = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>`)
	anyTag    = regexp.MustCompile(`(?s)<[^>]*>`)
	hrefAttr  = regexp.MustCompile(`\shref="([^"]*)"`)
	digits    = regexp.MustCompile(`[0-9]+`)
)

// rawKeysInText lists the catalog-key-like words of a page's visible text,
// and the traces of a format string given the wrong arguments.
func rawKeysInText(body string, prefixes map[string]bool) []string {
	text := html.UnescapeString(anyTag.ReplaceAllString(scriptTag.ReplaceAllString(body, " "), " "))
	var out []string
	for _, w := range keyLike.FindAllString(text, -1) {
		if prefixes[w[:strings.IndexByte(w, '.')]] {
			out = append(out, w)
		}
	}
	if strings.Contains(text, "%!") {
		out = append(out, "%!(bad format arguments)")
	}
	return out
}

// pageLinks returns the same-site page links of a page, at most three per
// kind of link (a path with its numbers taken out), so that a list of a
// hundred cases costs three case pages, yet every kind of page is reached.
func pageLinks(body string) []string {
	perKind := map[string]int{}
	var out []string
	for _, m := range hrefAttr.FindAllStringSubmatch(body, -1) {
		u := html.UnescapeString(m[1])
		if i := strings.IndexByte(u, '#'); i >= 0 {
			u = u[:i]
		}
		if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || !isPageLink(u) {
			continue
		}
		kind := digits.ReplaceAllString(u, "N")
		if perKind[kind] < 3 {
			perKind[kind]++
			out = append(out, u)
		}
	}
	return out
}

// isPageLink leaves out what is not an HTML page of ours (static files, the
// API's JSON and downloads), links that change the session, and a list's
// other orders (?sort=: the same page's texts, in another order).
func isPageLink(u string) bool {
	path, query, _ := strings.Cut(u, "?")
	if q, _ := url.ParseQuery(query); q.Has("sort") {
		return false
	}
	for _, p := range []string{"/static/", "/api/", "/lang", "/logout", "/healthz"} {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	for _, ext := range []string{".xlsx", ".zip", ".csv", ".pdf", ".jpg", ".png"} {
		if strings.HasSuffix(path, ext) {
			return false
		}
	}
	return true
}

// demoClient logs a demo user in through the login form and picks the
// language the way a user does, through /lang.
func demoClient(t *testing.T, base, user, lang string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {seed.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/" {
		t.Fatalf("login %s ended at %s", user, res.Request.URL)
	}
	to := "zh"
	if lang == LangEN {
		to = "en"
	}
	if code, _ := get(t, c, base+"/lang?to="+to); code != http.StatusOK {
		t.Fatalf("%s /lang?to=%s: %d", user, to, code)
	}
	return c
}

// crawl visits every page reachable from start by links, checking each for
// raw catalog keys; it returns how many pages it saw.
func crawl(t *testing.T, c *http.Client, base, who string, start []string, misses *keyMisses, prefixes map[string]bool) int {
	t.Helper()
	const maxPages = 400
	seen := map[string]bool{}
	queue := append([]string(nil), start...)
	for _, u := range start {
		seen[u] = true
	}
	for n := 0; len(queue) > 0; n++ {
		if n == maxPages {
			t.Fatalf("%s: more than %d pages; is a link generating new addresses?", who, maxPages)
		}
		u := queue[0]
		queue = queue[1:]
		res, err := c.Get(base + u)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body := string(b)
		if res.StatusCode >= 500 || strings.Contains(body, "内部错误") {
			t.Errorf("%s %s: status %d", who, u, res.StatusCode)
		}
		for _, k := range misses.take() {
			t.Errorf("%s %s: unresolved catalog key (lang, key) %s", who, u, k)
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, k := range rawKeysInText(body, prefixes) {
			t.Errorf("%s %s: catalog key %q shown as is", who, u, k)
		}
		for _, l := range pageLinks(body) {
			if !seen[l] {
				seen[l] = true
				queue = append(queue, l)
			}
		}
	}
	return len(seen)
}

// Every page a demo user of any role can reach from the navigation — and the
// pages those link to — shows no catalog key as is, in Chinese and in English:
// translate reports each key it cannot resolve (or, in English, resolves only
// to the Chinese fallback), and the visible text is scanned for keys that
// reached the page without going through translate.
func TestPages_NoUnresolvedCatalogKey(t *testing.T) {
	base := newDemoServer(t).URL
	misses := recordMisses(t)
	prefixes := catalogPrefixes()
	// The case lists by state reach a case of every state and the texts only
	// that state has (its actions, their confirmations).
	start := []string{"/", "/cases?status=bogus", "/no-such-page"}
	for _, st := range []domain.CaseStatus{domain.StatusRegistered, domain.StatusRectifying, domain.StatusCloseoutRequested,
		domain.StatusVillageApproved, domain.StatusTownApproved, domain.StatusClosedOut, domain.StatusVoided} {
		start = append(start, "/cases?status="+string(st))
	}
	for _, lang := range []string{LangZH, LangEN} {
		for _, user := range demoRoles {
			c := demoClient(t, base, user, lang)
			misses.take() // the login and the language switch
			n := crawl(t, c, base, user+" ("+lang+")", start, misses, prefixes)
			t.Logf("%s (%s): %d pages", user, lang, n)
			if n < 10 {
				t.Errorf("%s (%s): only %d pages reached", user, lang, n)
			}
		}
		// Anonymous: the login page, and a page that needs a login sends there.
		jar, _ := cookiejar.New(nil)
		anon := &http.Client{Jar: jar}
		if lang == LangEN {
			get(t, anon, base+"/lang?to=en")
		}
		misses.take()
		crawl(t, anon, base, "anonymous ("+lang+")", []string{"/login", "/cases", "/no-such-page"}, misses, prefixes)
	}
}

// The detector itself: a raw key in the text is found, the same word inside a
// tag or a script is not, and neither is a file name.
func TestRawKeysInText(t *testing.T) {
	prefixes := map[string]bool{"camp": true, "app": true}
	for body, want := range map[string]int{
		`<label>camp.new<input name="x"></label>`:                          1,
		`<p>专项行动camp.start_date：</p>`:                                      1,
		`<link href="/static/app.css"><script>var k = "camp.new"</script>`: 0,
		`<p>见 photo.jpg 与 v1.2</p>`:                                        0,
		`<p>%!s(MISSING)</p>`:                                              1,
	} {
		if got := rawKeysInText(body, prefixes); len(got) != want {
			t.Errorf("%s: found %q, want %d", body, got, want)
		}
	}
}
