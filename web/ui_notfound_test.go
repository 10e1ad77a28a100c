package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"zhengzhi/store"
)

// An unknown page path answers 404 with the error page in the layout — in
// Chinese, or in English when the user chose English — for a logged-in user
// and for an anonymous visitor alike (no detour through the login page).
func TestNotFound_UnknownPage_ErrorPageInLayout(t *testing.T) {
	e := newEnv(t, store.SQLite)
	jar, _ := cookiejar.New(nil)
	clients := map[string]*http.Client{"district": e.browserClient("district"), "anonymous": {Jar: jar}}
	for who, c := range clients {
		for _, lang := range []string{"zh", "en"} {
			get(t, c, e.srv.URL+"/lang?to="+lang)
			for _, p := range []string{"/no-such-page", "/cases/17/no-such-tab", "/reports/nothing/here"} {
				res, err := c.Get(e.srv.URL + p)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				body := string(b)
				if res.StatusCode != http.StatusNotFound || res.Request.URL.Path != p {
					t.Errorf("%s %s (%s): status %d at %s, want 404 there", who, p, lang, res.StatusCode, res.Request.URL.Path)
					continue
				}
				want := []string{`<html lang="zh-CN">`, "<title>页面不存在 · 整治</title>", "您访问的页面不存在", `class="brand"`}
				if lang == "en" {
					want = []string{`<html lang="en">`, "<title>Page not found · zhengzhi</title>", "The page you asked for does not exist", `class="brand"`}
				}
				for _, w := range want {
					if !strings.Contains(body, w) {
						t.Errorf("%s %s (%s): page lacks %q", who, p, lang, w)
					}
				}
				if strings.Contains(body, "404 page not found") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
					t.Errorf("%s %s (%s): Go's plain 404, not our page", who, p, lang)
				}
				if got := strings.Contains(body, `aria-label="main"`); got != (who == "district") {
					t.Errorf("%s %s (%s): navigation shown = %v", who, p, lang, got)
				}
			}
		}
	}
}

// Unknown API paths keep the API's JSON error with 404, with or without a
// token; the routes around the catch-all keep answering as before.
func TestNotFound_UnknownAPIPath_JSON(t *testing.T) {
	e := newEnv(t, store.SQLite)
	for _, user := range []string{"district", ""} {
		for _, c := range []struct{ method, path string }{
			{"GET", "/api/v1/no-such-thing"}, {"POST", "/api/v1/cases/1/nothing"}, {"GET", "/api/v2/cases"}, {"GET", "/open311/v2/nothing.json"},
		} {
			r := e.do(user, c.method, c.path, nil).want(http.StatusNotFound)
			var body map[string]any
			r.decode(&body)
			if msg, _ := body["error"].(string); !strings.Contains(msg, "接口不存在") || len(body) != 1 {
				t.Errorf("%q %s %s: body %s", user, c.method, c.path, r.body)
			}
			if !strings.HasPrefix(r.hdr.Get("Content-Type"), "application/json") {
				t.Errorf("%q %s %s: content type %s", user, c.method, c.path, r.hdr.Get("Content-Type"))
			}
		}
	}
	// A known record that does not exist is still the handler's own 404.
	var nf struct{ Error string }
	e.do("district", "GET", "/api/v1/cases/999999", nil).want(http.StatusNotFound).decode(&nf)
	if nf.Error == "" || strings.Contains(nf.Error, "接口") {
		t.Errorf("missing case: %q", nf.Error)
	}
	// A known path under another method is still 405 with Allow.
	r := e.do("district", "DELETE", "/api/v1/cases", nil).want(http.StatusMethodNotAllowed)
	if allow := r.hdr.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
		t.Errorf("405 Allow %q", allow)
	}
	// /healthz and static files are as they were: a missing static file is
	// the file server's plain 404, not a page.
	if r := e.do("", "GET", "/healthz", nil).want(http.StatusOK); string(r.body) != "ok\n" {
		t.Errorf("healthz body %q", r.body)
	}
	r = e.do("", "GET", "/static/no-such-file.css", nil).want(http.StatusNotFound)
	if strings.Contains(string(r.body), "<html") || json.Valid(r.body) {
		t.Errorf("missing static file: %s", r.body)
	}
}
