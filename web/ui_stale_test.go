package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhengzhi/store"
)

// On a stale save the page shows the latest content and, next to it, what
// the user typed: nothing typed is lost.
func TestCasePage_StaleSaveKeepsWhatWasTyped(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.newCase("并发作坊")
	id := fmtInt(c.ID)
	e.do("district", "PATCH", "/api/v1/cases/"+id, map[string]any{"version": c.Version, "description": "区里改过的描述"}).want(http.StatusOK)
	cl := e.pageClient("wx_officer")
	code, body := e.postForm(cl, "/cases/"+id+"/edit", url.Values{"version": {fmtInt(c.Version)}, "fields": {"1"}, "enforce": {"1"},
		"unit_name": {"并发作坊（新名）"}, "address": {c.Address}, "category": {string(c.Category)}, "description": {"经办刚写的很长的描述"},
		"onsite_status": {"not_started"}, "shutdown": {"none"}, "fine": {"2000"}, "fine_unit": {"yuan"}})
	if code != http.StatusConflict {
		t.Fatalf("stale save: %d", code)
	}
	i := strings.Index(body, `id="typed"`)
	if i < 0 {
		t.Fatalf("no typed edits shown:\n%s", body)
	}
	typed := body[i : strings.Index(body[i:], "</section>")+i]
	for _, want := range []string{"经办刚写的很长的描述", "区里改过的描述", "并发作坊（新名）", "行政处罚", "0.2万元"} {
		if !strings.Contains(typed, want) {
			t.Errorf("typed edits lack %q:\n%s", want, typed)
		}
	}
	// The form carries the latest version and content, to save again on.
	if !strings.Contains(body, `name="version" value="2"`) || !strings.Contains(body, ">区里改过的描述</textarea>") {
		t.Error("the form does not show the latest content")
	}
}
