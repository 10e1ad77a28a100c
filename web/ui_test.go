package web

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"zhengzhi/store"
)

// browserClient logs in through the login form and keeps the session cookie.
func (e *testEnv) browserClient(user string) *http.Client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(e.srv.URL+"/login", url.Values{"username": {user}, "password": {"password-" + user}})
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/" {
		e.t.Fatalf("login %s ended at %s", user, res.Request.URL)
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// Every page renders for every kind of user, in Chinese and in English.
func TestPages_RenderForEachRoleAndLanguage(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.newCase("页面测试作坊")
	for _, user := range []string{"district", "wx_officer", "wx_head", "wx_vhead", "wx_grid", "supervisor", "discipline"} {
		cl := e.browserClient(user)
		pages := map[string]int{"/": 200, "/orgs": 200, "/campaigns": 200, "/cases": 200, "/sites": 200,
			"/cases/" + fmtInt(c.ID): 200, "/sites/" + fmtInt(c.SiteID): 200, "/sites/new": 200, "/cases/new": 200,
			"/cases?status=bogus": 200, "/cases/999999": 404}
		if user == "district" || user == "wx_officer" {
			pages["/users"] = 200
		} else {
			pages["/users"] = 403
		}
		// Read-only roles (and the heads, who review) get no create forms.
		if user != "district" && user != "wx_officer" && user != "wx_grid" {
			pages["/sites/new"], pages["/cases/new"] = 403, 403
		}
		for _, lang := range []string{"zh", "en"} {
			for p, want := range pages {
				u := e.srv.URL + p
				if strings.Contains(u, "?") {
					u += "&lang=" + lang
				} else {
					u += "?lang=" + lang
				}
				code, body := get(t, cl, u)
				if code != want || strings.Contains(body, "内部错误") {
					t.Errorf("%s %s (%s): status %d, want %d", user, p, lang, code, want)
				}
				if lang == "en" && code == 200 && p == "/cases" && !strings.Contains(body, "Cases") {
					t.Errorf("%s /cases in English lacks its title", user)
				}
			}
		}
	}
	// 永红's officer cannot open 五星's case page: 404, as if it did not exist.
	cl := e.browserClient("yh_officer")
	if code, _ := get(t, cl, e.srv.URL+"/cases/"+fmtInt(c.ID)); code != 404 {
		t.Fatalf("other town's case page: %d", code)
	}
	// Anonymous visitors are sent to the login page.
	code, body := get(t, http.DefaultClient, e.srv.URL+"/cases")
	if code != 200 || !strings.Contains(body, `name="password"`) {
		t.Fatalf("anonymous /cases: %d", code)
	}
}
