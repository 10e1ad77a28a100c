package web

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"zhengzhi/domain"
	"zhengzhi/store"
)

func (e *testEnv) adminClient() *http.Client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	res, err := cl.PostForm(e.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {"admin-password"}})
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return cl
}

// The admin edits a unit's name and prefix and adds a grid under a
// community from the org pages; a refused save shows its reason; other
// roles get no edit page.
func TestOrgPages_EditAndAddUnits(t *testing.T) {
	e := newEnv(t, store.SQLite)
	cl := e.adminClient()
	kfq := e.orgs["钟楼经济开发区"]
	page := e.pageAs(cl, "admin", "/orgs")
	if !strings.Contains(page, `href="/orgs/`+fmtInt(kfq.ID)+`"`) {
		t.Fatal("the org list has no edit links for the admin")
	}
	page = e.pageAs(cl, "admin", "/orgs/"+fmtInt(kfq.ID))
	if !strings.Contains(page, `value="320404K01"`) || !strings.Contains(page, `value="村"`) {
		t.Fatal("edit page lacks the prefix or the kinds of units to add")
	}
	code, _ := e.postForm(cl, "/orgs/"+fmtInt(kfq.ID), url.Values{"name": {"常州钟楼经济开发区"}, "code": {""}, "prefix": {"320404K09"}})
	if code != http.StatusOK {
		t.Fatalf("save: %d", code)
	}
	var orgs []domain.OrgUnit
	e.do("admin", "GET", "/api/v1/orgs", nil).want(http.StatusOK).decode(&orgs)
	for _, o := range orgs {
		if o.ID == kfq.ID && (o.Name != "常州钟楼经济开发区" || o.Prefix != "320404K09") {
			t.Fatalf("stored %+v", o)
		}
	}
	code, body := e.postForm(cl, "/orgs/"+fmtInt(e.orgs["五星街道"].ID), url.Values{"name": {"五星街道"}, "code": {"12"}, "prefix": {"320404001"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "12 位") || !strings.Contains(body, `value="12"`) {
		t.Fatalf("bad code: %d", code)
	}
	community := e.orgs["新中社区"]
	code, body = e.postForm(cl, "/orgs/"+fmtInt(community.ID)+"/children", url.Values{"kind": {"网格"}, "name": {"新中一网格"}})
	if code != http.StatusOK || !strings.Contains(body, "新中一网格") {
		t.Fatalf("add grid: %d", code)
	}
	code, _ = e.postForm(cl, "/orgs/"+fmtInt(community.ID)+"/children", url.Values{"kind": {"镇"}, "name": {"错位镇"}})
	if code != http.StatusBadRequest {
		t.Fatalf("a town under a community: %d", code)
	}
	if code, _ := get(t, e.pageClient("district"), e.srv.URL+"/orgs/"+fmtInt(kfq.ID)); code != http.StatusForbidden {
		t.Fatalf("district edit page: %d, want 403", code)
	}
}

// The users page moves a user to another role and unit; one that breaks the
// level rule is refused with its reason.
func TestUsersPage_ChangesRoleAndUnit(t *testing.T) {
	e := newEnv(t, store.SQLite)
	cl := e.pageClient("wx_officer")
	page := e.pageAs(cl, "wx_officer", "/users")
	grid := e.userID("wx_grid")
	if !strings.Contains(page, `action="/users/`+fmtInt(grid)+`" class="inline place"`) {
		t.Fatal("no placement form for the officer's grid worker")
	}
	code, body := e.postForm(cl, "/users/"+fmtInt(grid), url.Values{"op": {"place"}, "role": {"village_head"}, "org_id": {fmtInt(e.orgs["五星街道"].ID)}})
	if code != http.StatusBadRequest || !strings.Contains(body, "不能设在") {
		t.Fatalf("village head at a town: %d", code)
	}
	code, _ = e.postForm(cl, "/users/"+fmtInt(grid), url.Values{"op": {"place"}, "role": {"village_head"}, "org_id": {fmtInt(e.orgs["新农社区"].ID)}})
	if code != http.StatusOK {
		t.Fatalf("place: %d", code)
	}
	var u domain.User
	e.do("wx_officer", "GET", "/api/v1/users/"+fmtInt(grid), nil).want(http.StatusOK).decode(&u)
	if u.Role != domain.RoleVillageHead || u.OrgID != e.orgs["新农社区"].ID {
		t.Fatalf("user %+v", u)
	}
	// The same through the API.
	e.do("wx_officer", "PATCH", "/api/v1/users/"+fmtInt(grid), map[string]any{"role": "grid"}).want(http.StatusOK).decode(&u)
	if u.Role != domain.RoleGrid || u.OrgID != e.orgs["新农社区"].ID {
		t.Fatalf("API placement %+v", u)
	}
	e.do("wx_officer", "PATCH", "/api/v1/users/"+fmtInt(grid), map[string]any{"role": "town_head"}).want(http.StatusForbidden)
}
