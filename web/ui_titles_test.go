package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"zhengzhi/store"
)

var titleTag = regexp.MustCompile(`<title>([^<]*)</title>`)

// Each page has its own <title>: a case's names its number and unit, a
// site's its name, every other page its own name.
func TestPages_EachHasItsOwnTitle(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.readyCase("标题作坊", true)
	e.mustAct("wx_grid", c.ID, "request_closeout", "")
	id := fmtInt(c.ID)
	seen := map[string]string{}
	check := func(user, path string) string {
		t.Helper()
		code, body := get(t, e.pageClient(user), e.srv.URL+path)
		if code != http.StatusOK {
			t.Fatalf("%s %s: %d", user, path, code)
		}
		m := titleTag.FindStringSubmatch(body)
		if m == nil || m[1] == "整治" {
			t.Errorf("%s: title %q is the app's name only", path, m)
			return ""
		}
		if other, dup := seen[m[1]]; dup {
			t.Errorf("%s and %s share the title %q", path, other, m[1])
		}
		seen[m[1]] = path
		return m[1]
	}
	if got := check("wx_officer", "/cases/"+id); !strings.Contains(got, c.ProblemNo) || !strings.Contains(got, "标题作坊") {
		t.Errorf("case title %q lacks the number and unit", got)
	}
	if got := check("wx_officer", "/sites/"+fmtInt(c.SiteID)); !strings.Contains(got, "标题作坊") {
		t.Errorf("site title %q lacks its name", got)
	}
	if got := check("wx_vhead", "/cases/"+id+"/sign?action=approve"); !strings.Contains(got, c.ProblemNo) {
		t.Errorf("sign page title %q lacks the case", got)
	}
	for _, p := range []string{"/", "/cases", "/sites", "/cases/new", "/sites/new", "/inbox", "/rechecks", "/delegations",
		"/reports", "/campaigns", "/orgs", "/users"} {
		check("wx_officer", p)
	}
}
