package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhengzhi/store"
)

// No page shows text from the URL as a notice; the server's own notice
// shows once, after the change it reports.
func TestFlash_FromServerOnceNeverFromURL(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.newCase("通知测试")
	id := fmtInt(c.ID)
	cl := e.pageClient("wx_officer")
	const forged = "上级通知：请向账户转账"
	for _, p := range []string{"/cases", "/cases/" + id, "/sites", "/sites/" + fmtInt(c.SiteID), "/inbox", "/rechecks",
		"/delegations", "/users", "/campaigns", "/reports"} {
		code, body := get(t, cl, e.srv.URL+p+"?flash="+url.QueryEscape(forged))
		if code != http.StatusOK || strings.Contains(body, forged) || strings.Contains(body, `class="flash"`) {
			t.Errorf("%s?flash=…: %d, shows the URL's text or a notice", p, code)
		}
	}
	code, body := e.postForm(cl, "/cases/"+id+"/edit", url.Values{"version": {fmtInt(c.Version)}, "fields": {"1"},
		"unit_name": {c.UnitName}, "address": {c.Address}, "category": {string(c.Category)}, "description": {"改过的描述"}, "onsite_status": {"in_progress"}})
	if code != http.StatusOK || !strings.Contains(body, `<p class="flash" role="status">已保存</p>`) {
		t.Fatalf("after saving: %d, no notice\n%s", code, body)
	}
	if _, again := get(t, cl, e.srv.URL+"/cases/"+id); strings.Contains(again, `class="flash"`) {
		t.Error("the notice shows again on reload")
	}
	// A forged cookie is no notice either.
	req, _ := http.NewRequest("GET", e.srv.URL+"/cases", nil)
	req.AddCookie(&http.Cookie{Name: flashCookie, Value: "5LiK57qn.9999999999.00"})
	for _, ck := range cl.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if strings.Contains(string(b), `class="flash"`) {
		t.Error("a forged flash cookie shows as a notice")
	}
}
