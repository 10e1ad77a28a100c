package web

import (
	"database/sql"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// readyCase opens a case ready for 销号 (现场整治已完成): in 新中社区 by the
// grid worker, or, with village false, at 五星街道 itself by the officer.
func (e *testEnv) readyCase(unit string, village bool) domain.Case {
	e.t.Helper()
	var c domain.Case
	if village {
		c = e.newCase(unit)
	} else {
		e.do("wx_officer", "POST", "/api/v1/cases", map[string]any{"unit_name": unit, "category": "spraying",
			"address": "五星街道" + unit, "description": "无证喷涂", "org_id": e.orgs["五星街道"].ID}).want(http.StatusCreated).decode(&c)
	}
	e.do("wx_officer", "PATCH", "/api/v1/cases/"+fmtInt(c.ID), map[string]any{"version": c.Version,
		"onsite_status": "done", "onsite_done_date": "2020-10-11"}).want(http.StatusOK).decode(&c)
	return c
}

// action posts a case action and returns the response.
func (e *testEnv) action(user string, id int64, body map[string]any) *response {
	e.t.Helper()
	return e.do(user, "POST", "/api/v1/cases/"+fmtInt(id)+"/actions", body)
}

// mustAct takes an action, which must succeed. Before a 销号 request it
// supplies the evidence the campaign asks for (supplyEvidence); the tests
// of that rule post the action themselves.
func (e *testEnv) mustAct(user string, id int64, action, reason string) domain.Case {
	e.t.Helper()
	if action == "request_closeout" {
		e.supplyEvidence(id)
	}
	var c domain.Case
	e.action(user, id, map[string]any{"action": action, "reason": reason}).want(http.StatusOK).decode(&c)
	return c
}

func (e *testEnv) inboxIDs(user string) []int64 {
	e.t.Helper()
	var l listResult[app.InboxItem]
	e.do(user, "GET", "/api/v1/inbox", nil).want(http.StatusOK).decode(&l)
	var ids []int64
	for _, it := range l.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

func (e *testEnv) signoffs(user string, id int64) signOffsResult {
	e.t.Helper()
	var r signOffsResult
	e.do(user, "GET", "/api/v1/cases/"+fmtInt(id)+"/signoffs", nil).want(http.StatusOK).decode(&r)
	return r
}

func TestAPI_CaseActions_WholeLoopPerRoleAndRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		c := e.readyCase("闭环电镀", true)
		id := c.ID

		// Refusals before anything moves, exactly as DESIGN.md §7.
		e.action("wx_vhead", id, map[string]any{"action": "request_closeout"}).want(http.StatusForbidden)
		e.action("yh_officer", id, map[string]any{"action": "request_closeout"}).want(http.StatusNotFound)
		e.action("wx_officer", id, map[string]any{"action": "reopen", "reason": "复燃"}).wantError(http.StatusConflict, "status")
		e.action("wx_officer", id, map[string]any{"action": "void"}).wantError(http.StatusBadRequest, "reason")
		e.action("wx_grid", id, map[string]any{"action": "bogus"}).wantError(http.StatusBadRequest, "action")
		e.action("wx_grid", id, map[string]any{"action": "request_closeout", "version": c.Version + 5}).wantError(http.StatusConflict, "version")
		e.action("district", id, map[string]any{"action": "publish"}).wantError(http.StatusConflict, "status")
		notDone := e.newCase("未完成整治")
		e.action("wx_grid", notDone.ID, map[string]any{"action": "request_closeout"}).wantError(http.StatusConflict, "onsite_status")
		closed := e.readyCase("关闭未清", true)
		e.do("wx_officer", "PATCH", "/api/v1/cases/"+fmtInt(closed.ID), map[string]any{"version": closed.Version, "shutdown": "banned",
			"shutdown_date": "2020-10-01", "two_cuts_three_clears": map[string]bool{"water": true, "power": true, "materials": true, "equipment": true}}).want(http.StatusOK)
		e.action("wx_officer", closed.ID, map[string]any{"action": "request_closeout"}).wantError(http.StatusConflict, "two_cuts_three_clears")

		// grid requests → village head → town head → district office.
		c = e.mustAct("wx_grid", id, "request_closeout", "")
		if c.Status != "closeout_requested" {
			t.Fatalf("requested: %s", c.Status)
		}
		e.do("wx_officer", "PATCH", "/api/v1/cases/"+fmtInt(id), map[string]any{"version": c.Version, "address": "改"}).wantError(http.StatusConflict, "status")
		e.action("wx_head", id, map[string]any{"action": "approve"}).wantError(http.StatusConflict, "status") // the village head signs at this state
		e.action("yh_head", id, map[string]any{"action": "approve"}).want(http.StatusNotFound)
		e.action("wx_grid", id, map[string]any{"action": "approve"}).want(http.StatusForbidden)
		if ids := e.inboxIDs("wx_vhead"); len(ids) != 1 || ids[0] != id {
			t.Fatalf("village head's inbox %v", ids)
		}
		e.action("wx_vhead", id, map[string]any{"action": "return"}).wantError(http.StatusBadRequest, "reason")
		c = e.mustAct("wx_vhead", id, "approve", "")
		if ids := e.inboxIDs("wx_head"); len(ids) != 1 || ids[0] != id {
			t.Fatalf("town head's inbox %v", ids)
		}
		if ids := e.inboxIDs("wx_vhead"); len(ids) != 0 {
			t.Fatalf("village head's inbox after signing %v", ids)
		}
		e.action("wx_head", id, map[string]any{"action": "return"}).wantError(http.StatusBadRequest, "reason")
		c = e.mustAct("wx_head", id, "approve", "")
		e.action("district", id, map[string]any{"action": "return", "reason": ""}).wantError(http.StatusBadRequest, "reason")
		if ids := e.inboxIDs("district"); len(ids) != 1 || ids[0] != id {
			t.Fatalf("district inbox %v", ids)
		}
		c = e.mustAct("district", id, "approve", "")
		if c.Status != "closed_out" {
			t.Fatalf("closed: %s", c.Status)
		}
		so := e.signoffs("discipline", id)
		if so.Total != 3 || len(so.ContentHash) != 64 {
			t.Fatalf("signoffs %+v", so)
		}
		for _, s := range so.Items {
			if !s.Valid || s.ContentHash != so.ContentHash {
				t.Fatalf("signature %+v against %s", s, so.ContentHash)
			}
		}
		e.do("yh_officer", "GET", "/api/v1/cases/"+fmtInt(id)+"/signoffs", nil).want(http.StatusNotFound)

		// 曝光台 only on closed_out; then a reopen (复查发现死灰复燃) takes it off.
		e.action("wx_officer", id, map[string]any{"action": "publish"}).want(http.StatusForbidden)
		c = e.mustAct("district", id, "publish", "")
		if !c.Published {
			t.Fatal("not published")
		}
		e.action("wx_officer", id, map[string]any{"action": "reopen"}).wantError(http.StatusBadRequest, "reason")
		c = e.mustAct("wx_officer", id, "reopen", domain.ReopenReasonRecheck)
		if c.Status != "rectifying" || c.Published {
			t.Fatalf("reopened %+v", c)
		}
		e.action("district", id, map[string]any{"action": "unpublish"}).wantError(http.StatusConflict, "status")
		// Void with a reason; voided is final.
		v := e.mustAct("wx_officer", notDone.ID, "void", "重复")
		if v.Status != "voided" {
			t.Fatalf("void: %s", v.Status)
		}
		e.action("district", notDone.ID, map[string]any{"action": "reopen", "reason": "x"}).wantError(http.StatusConflict, "status")
	})
}

func TestAPI_CaseActions_NoVillageReturnsAndTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		c := e.readyCase("镇直属", false)
		e.mustAct("wx_officer", c.ID, "request_closeout", "")
		e.action("wx_vhead", c.ID, map[string]any{"action": "approve"}).want(http.StatusNotFound)
		// Returns at the town and the district level send it back to rectifying.
		r := e.mustAct("wx_head", c.ID, "return", "缺少整改完成照片")
		if r.Status != "rectifying" {
			t.Fatalf("town return: %s", r.Status)
		}
		e.mustAct("wx_officer", c.ID, "request_closeout", "")
		e.mustAct("wx_head", c.ID, "approve", "")
		r = e.mustAct("district", c.ID, "return", "处罚决定书未上传")
		if r.Status != "rectifying" {
			t.Fatalf("district return: %s", r.Status)
		}
		so := e.signoffs("wx_officer", c.ID)
		if so.Total != 3 || so.Items[0].Reason != "缺少整改完成照片" || so.Items[2].Decision != "return" {
			t.Fatalf("signoffs %+v", so.Items)
		}
		// Transfer to another town: district office only, with a reason; the old town gets 404, the new town sees it.
		body := map[string]any{"action": "transfer", "reason": "实际位于永红街道", "org_id": e.orgs["永红街道"].ID, "village_id": e.orgs["东方社区"].ID}
		e.action("wx_officer", c.ID, body).want(http.StatusForbidden)
		e.action("district", c.ID, map[string]any{"action": "transfer", "org_id": e.orgs["永红街道"].ID}).wantError(http.StatusBadRequest, "reason")
		var moved domain.Case
		e.action("district", c.ID, body).want(http.StatusOK).decode(&moved)
		if moved.OrgID != e.orgs["永红街道"].ID || moved.VillageID == nil || *moved.VillageID != e.orgs["东方社区"].ID {
			t.Fatalf("moved %+v", moved)
		}
		e.do("wx_officer", "GET", "/api/v1/cases/"+fmtInt(c.ID), nil).want(http.StatusNotFound)
		e.do("wx_head", "GET", "/api/v1/cases/"+fmtInt(c.ID), nil).want(http.StatusNotFound)
		e.do("yh_officer", "GET", "/api/v1/cases/"+fmtInt(c.ID), nil).want(http.StatusOK)
		e.do("yh_grid", "GET", "/api/v1/sites/"+fmtInt(c.SiteID), nil).want(http.StatusOK)
	})
}

func TestAPI_CaseActions_TwoSignersAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		c := e.readyCase("并发", false)
		c = e.mustAct("wx_officer", c.ID, "request_closeout", "")
		// The town head and their delegate press at the same moment.
		e.do("wx_head", "POST", "/api/v1/delegations", map[string]any{"delegate_user_id": e.userID("wx_officer"),
			"until": "2020-10-20T00:00:00+08:00", "reason": "出差"}).want(http.StatusCreated)
		codes := make([]int, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, u := range []string{"wx_head", "wx_officer"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes[i] = e.action(u, c.ID, map[string]any{"action": "approve", "version": c.Version}).code
			}()
		}
		close(start)
		wg.Wait()
		ok, conflict := 0, 0
		for _, code := range codes {
			switch code {
			case http.StatusOK:
				ok++
			case http.StatusConflict:
				conflict++
			}
		}
		if ok != 1 || conflict != 1 {
			t.Fatalf("codes %v, want one 200 and one 409", codes)
		}
		if so := e.signoffs("wx_head", c.ID); so.Total != 1 {
			t.Fatalf("%d signatures", so.Total)
		}
	})
}

// userID looks a test user's id up through the API.
func (e *testEnv) userID(name string) int64 {
	e.t.Helper()
	var me struct {
		User struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	e.do(name, "GET", "/api/v1/me", nil).want(http.StatusOK).decode(&me)
	if me.User.ID == 0 {
		e.t.Fatalf("no id for %s", name)
	}
	return me.User.ID
}

func TestAPI_Delegation_SignatureRecordsBothNames_ExpiredIsForbidden(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		officer := e.userID("wx_officer")
		e.do("wx_officer", "POST", "/api/v1/delegations", map[string]any{"delegate_user_id": officer, "until": "2020-10-13T00:00:00+08:00"}).want(http.StatusForbidden)
		e.do("wx_head", "POST", "/api/v1/delegations", map[string]any{"delegate_user_id": e.userID("yh_officer"), "until": "2020-10-13T00:00:00+08:00"}).wantError(http.StatusBadRequest, "delegate_user_id")
		var del domain.Delegation
		e.do("wx_head", "POST", "/api/v1/delegations", map[string]any{"delegate_user_id": officer, "until": "2020-10-13T00:00:00+08:00", "reason": "外出学习"}).want(http.StatusCreated).decode(&del)
		var l listResult[domain.Delegation]
		e.do("wx_officer", "GET", "/api/v1/delegations", nil).want(http.StatusOK).decode(&l)
		if l.Total != 1 || l.Items[0].HeadName != "wx_head" {
			t.Fatalf("delegations %+v", l)
		}
		c := e.readyCase("代签", false)
		e.mustAct("wx_officer", c.ID, "request_closeout", "")
		if ids := e.inboxIDs("wx_officer"); len(ids) != 1 {
			t.Fatalf("delegate's inbox %v", ids)
		}
		e.mustAct("wx_officer", c.ID, "approve", "")
		s := e.signoffs("discipline", c.ID).Items[0]
		if s.UserName != "wx_officer" || s.OnBehalfOfName != "wx_head" || s.Role != domain.RoleTownHead {
			t.Fatalf("delegated signature %+v", s)
		}
		// After the period the officer is an officer again.
		c2 := e.readyCase("过期代签", false)
		e.mustAct("wx_officer", c2.ID, "request_closeout", "")
		e.clock.T = mustTime("2020-10-13T08:00:00+08:00")
		e.action("wx_officer", c2.ID, map[string]any{"action": "approve"}).want(http.StatusForbidden)
		e.do("wx_officer", "DELETE", "/api/v1/delegations/"+fmtInt(del.ID), nil).want(http.StatusForbidden)
		e.do("wx_head", "DELETE", "/api/v1/delegations/"+fmtInt(del.ID), nil).want(http.StatusOK)
	})
}

func TestAPI_SignOffs_TamperAndBatchApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		a, b := e.readyCase("批量甲", true), e.readyCase("批量乙", true)
		e.mustAct("wx_grid", a.ID, "request_closeout", "")
		e.mustAct("wx_grid", b.ID, "request_closeout", "")
		var l listResult[app.InboxItem]
		e.do("wx_vhead", "GET", "/api/v1/inbox", nil).want(http.StatusOK).decode(&l)
		if l.Total != 2 {
			t.Fatalf("inbox %+v", l)
		}
		var items []map[string]any
		for _, it := range l.Items {
			items = append(items, map[string]any{"id": it.ID, "version": it.Version, "content_hash": it.ContentHash})
		}
		items[1]["content_hash"] = strings.Repeat("0", 64) // not what the case holds now
		var res struct {
			Results []app.ApproveResult `json:"results"`
		}
		e.do("wx_vhead", "POST", "/api/v1/inbox/approve", map[string]any{"cases": items}).want(http.StatusOK).decode(&res)
		if len(res.Results) != 2 || !res.Results[0].OK || res.Results[1].OK || res.Results[1].Field != "content_hash" {
			t.Fatalf("batch %+v", res.Results)
		}
		e.do("wx_vhead", "POST", "/api/v1/inbox/approve", map[string]any{"cases": []any{}}).wantError(http.StatusBadRequest, "cases")

		// A signature catches content altered behind the program's back
		// (the store's tests do this on both databases).
		if d != store.SQLite {
			return
		}
		id := res.Results[0].ID
		e.tamper(`UPDATE cases SET description = '已整改（事后篡改）' WHERE id = $1`, id)
		so := e.signoffs("discipline", id)
		if so.Total != 1 || so.Items[0].Valid {
			t.Fatalf("tampered case: %+v", so.Items)
		}
		// The case page shows the mismatch loudly.
		page := e.page("discipline", "/cases/"+fmtInt(id))
		if !strings.Contains(page, `class="alarm"`) || !strings.Contains(page, "签字后内容被篡改！") {
			t.Fatalf("case page does not raise the alarm:\n%s", page)
		}
	})
}

// tamper changes the SQLite database behind the program's back, through a
// second connection to its file.
func (e *testEnv) tamper(query string, args ...any) {
	e.t.Helper()
	raw, err := sql.Open("sqlite", filepath.Join(e.db.DataDir(), "zhengzhi.db"))
	if err != nil {
		e.t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(query, args...); err != nil {
		e.t.Fatal(err)
	}
}

// page fetches an HTML page as user (session from the API token is not
// accepted by pages, so it logs in through the form).
func (e *testEnv) page(user, path string) string {
	e.t.Helper()
	return e.pageAs(e.pageClient(user), user, path)
}

// pageClient logs user in through the login form and keeps the session cookie.
func (e *testEnv) pageClient(user string) *http.Client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	res, err := cl.PostForm(e.srv.URL+"/login", url.Values{"username": {user}, "password": {"password-" + user}})
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return cl
}

// postForm posts a page form and returns the page it leads to.
func (e *testEnv) postForm(cl *http.Client, path string, form url.Values) (int, string) {
	e.t.Helper()
	res, err := cl.PostForm(e.srv.URL+path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (e *testEnv) pageAs(cl *http.Client, user, path string) string {
	e.t.Helper()
	res, err := cl.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s as %s: %d %s", path, user, res.StatusCode, b)
	}
	return string(b)
}

func TestAPI_Recheck_ReopensCase(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.readyCase("关闭复查", true)
	e.do("wx_officer", "PATCH", "/api/v1/cases/"+fmtInt(c.ID), map[string]any{"version": c.Version, "shutdown": "closed", "shutdown_date": "2020-10-05",
		"two_cuts_three_clears": map[string]bool{"water": true, "power": true, "materials": true, "equipment": true, "products": true}}).want(http.StatusOK)
	for _, s := range []struct{ u, a string }{{"wx_grid", "request_closeout"}, {"wx_vhead", "approve"}, {"wx_head", "approve"}, {"district", "approve"}} {
		e.mustAct(s.u, c.ID, s.a, "")
	}
	// Due 30 days after the last check (the inspection at registration);
	// still within the API tokens' 30 days.
	e.clock.T = mustTime("2020-11-11T09:00:00+08:00")
	var due listResult[app.RecheckRow]
	e.do("wx_grid", "GET", "/api/v1/rechecks", nil).want(http.StatusOK).decode(&due)
	if due.Total != 1 || due.Items[0].SiteID != c.SiteID {
		t.Fatalf("due %+v", due)
	}
	e.do("wx_grid", "POST", "/api/v1/sites/"+fmtInt(c.SiteID)+"/rechecks", map[string]any{"outcome": "nope"}).wantError(http.StatusBadRequest, "outcome")
	e.do("yh_grid", "POST", "/api/v1/sites/"+fmtInt(c.SiteID)+"/rechecks", map[string]any{"outcome": "running"}).want(http.StatusNotFound)
	var res app.RecheckResult
	e.do("wx_grid", "POST", "/api/v1/sites/"+fmtInt(c.SiteID)+"/rechecks", map[string]any{"outcome": "running", "note": "夜间生产"}).want(http.StatusCreated).decode(&res)
	if !res.PromptReopen || res.Case == nil || res.Case.ID != c.ID {
		t.Fatalf("recheck %+v", res)
	}
	e.action("wx_grid", c.ID, map[string]any{"action": "reopen", "reason": domain.ReopenReasonRecheck}).want(http.StatusForbidden)
	if r := e.mustAct("district", c.ID, "reopen", domain.ReopenReasonRecheck); r.Status != "rectifying" {
		t.Fatalf("reopen: %s", r.Status)
	}
}

// The closed loop's pages render for the roles that use them.
func TestUI_CloseoutPagesRender(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.readyCase("页面", true)
	e.mustAct("wx_grid", c.ID, "request_closeout", "")
	sid := fmtInt(c.ID)
	for _, p := range []struct{ user, path, want string }{
		{"wx_vhead", "/inbox", `id="inbox-` + sid + `"`},
		{"wx_vhead", "/cases/" + sid, `id="sign-approve"`},
		{"wx_vhead", "/cases/" + sid + "/sign?action=approve", `id="sign-form"`},
		{"wx_head", "/cases/" + sid + "/sign?action=approve", `id="not-allowed"`},
		{"wx_head", "/inbox", `id="inbox-empty"`},
		{"wx_head", "/delegations", `id="delegate"`},
		{"wx_officer", "/rechecks", `id="recheck-empty"`},
		{"district", "/cases/" + fmtInt(e.readyCase("移交", true).ID), `id="act-transfer"`},
	} {
		if page := e.page(p.user, p.path); !strings.Contains(page, p.want) {
			t.Errorf("%s %s lacks %s:\n%s", p.user, p.path, p.want, page)
		}
	}
}

// Delegations and re-checks work through the pages' forms too.
func TestUI_DelegationAndRecheckForms(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	head := e.pageClient("wx_head")
	code, body := e.postForm(head, "/delegations", url.Values{"delegate_user_id": {fmtInt(e.userID("wx_officer"))}, "from": {"2020-10-12"}, "until": {"2020-10-01"}})
	if code != http.StatusBadRequest || !strings.Contains(body, `id="form-error"`) {
		t.Fatalf("until before from: %d", code)
	}
	code, body = e.postForm(head, "/delegations", url.Values{"delegate_user_id": {fmtInt(e.userID("wx_officer"))}, "from": {"2020-10-12"}, "until": {"2020-10-14"}, "reason": {"出差"}})
	if code != http.StatusOK || !strings.Contains(body, "生效中") {
		t.Fatalf("delegate: %d %s", code, body)
	}
	var l listResult[domain.Delegation]
	e.do("wx_head", "GET", "/api/v1/delegations", nil).want(http.StatusOK).decode(&l)
	if l.Total != 1 || !l.Items[0].Until.Equal(mustTime("2020-10-15T00:00:00+08:00")) {
		t.Fatalf("delegations %+v", l.Items)
	}
	code, _ = e.postForm(head, "/delegations/"+fmtInt(l.Items[0].ID)+"/revoke", nil)
	e.do("wx_head", "GET", "/api/v1/delegations", nil).want(http.StatusOK).decode(&l)
	if code != http.StatusOK || l.Items[0].RevokedAt == nil {
		t.Fatalf("revoke: %d %+v", code, l.Items[0])
	}

	// A shut site never re-checked is due; the grid worker records it.
	c := e.readyCase("停产点", true)
	e.do("wx_officer", "PATCH", "/api/v1/cases/"+fmtInt(c.ID), map[string]any{"version": c.Version, "shutdown": "suspended", "shutdown_date": "2020-10-01"}).want(http.StatusOK)
	e.clock.T = mustTime("2020-11-11T09:00:00+08:00")
	grid := e.pageClient("wx_grid")
	if page := e.pageAs(grid, "wx_grid", "/rechecks"); !strings.Contains(page, `id="recheck-`+fmtInt(c.SiteID)+`"`) {
		t.Fatalf("due list lacks the site:\n%s", page)
	}
	code, body = e.postForm(grid, "/sites/"+fmtInt(c.SiteID)+"/rechecks", url.Values{"outcome": {"still_shut"}, "note": {"大门紧锁"}})
	if code != http.StatusOK || !strings.Contains(body, "复查结果已记录") || strings.Contains(body, `id="recheck-`+fmtInt(c.SiteID)+`"`) {
		t.Fatalf("recheck: %d\n%s", code, body)
	}
}
