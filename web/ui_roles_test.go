package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// The 区督导组 sets 挂牌督办 from the case page; its form shows that part
// only, and saving it changes nothing else.
func TestCasePage_SupervisorSetsSupervised(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.newCase("督办作坊")
	id := fmtInt(c.ID)
	page := e.page("supervisor", "/cases/"+id)
	for _, want := range []string{`id="supervise"`, `name="supervised"`, `type="submit" class="primary"`} {
		if !strings.Contains(page, want) {
			t.Errorf("supervisor's case page lacks %s", want)
		}
	}
	if strings.Contains(page, "请先退回") || strings.Contains(page, `name="fields"`) || strings.Contains(page, `name="enforce"`) {
		t.Errorf("supervisor's case page blames the state or offers other parts:\n%s", page)
	}
	cl := e.pageClient("supervisor")
	code, body := e.postForm(cl, "/cases/"+id+"/edit", url.Values{"version": {fmtInt(c.Version)}, "supervise": {"1"}, "supervised": {"on"}})
	if code != http.StatusOK || strings.Contains(body, `id="form-error"`) {
		t.Fatalf("supervisor's save: %d\n%s", code, body)
	}
	var got domain.Case
	e.do("district", "GET", "/api/v1/cases/"+id, nil).want(http.StatusOK).decode(&got)
	if !got.Supervised || got.SupervisedDeadline == "" || got.UnitName != c.UnitName || got.Description != c.Description {
		t.Fatalf("after the supervisor's save: %+v", got)
	}
}

// Each refusal names its real reason: the role, or the state.
func TestCasePage_RefusalsNameTheRealReason(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.readyCase("拒绝理由", true)
	id := fmtInt(c.ID)
	// The discipline commission reads only: told so by role, no form to save, no upload.
	page := e.page("discipline", "/cases/"+id)
	if !strings.Contains(page, `id="readonly"`) || !strings.Contains(page, "您的角色（纪委监委）无权修改问题") {
		t.Errorf("discipline's case page does not say the role is why:\n%s", page)
	}
	if strings.Contains(page, `type="submit" class="primary"`) || strings.Contains(page, `/attachments" enctype`) || strings.Contains(page, "请先退回") {
		t.Errorf("discipline's case page offers a save or an upload, or blames the state")
	}
	// A grid worker forging the penalty part is refused by role.
	cl := e.pageClient("wx_grid")
	code, body := e.postForm(cl, "/cases/"+id+"/edit", url.Values{"version": {fmtInt(c.Version)}, "enforce": {"1"}, "fine": {"5000"}})
	if code != http.StatusForbidden || !strings.Contains(body, "您的角色（网格员）无权填写停产或关闭") {
		t.Errorf("grid worker's penalty: %d, want 403 naming the role:\n%s", code, body)
	}
	// A closed-out case can only be reopened: said so, not "return first".
	for _, s := range []struct{ u, a string }{{"wx_grid", "request_closeout"}, {"wx_vhead", "approve"}, {"wx_head", "approve"}, {"district", "approve"}} {
		e.mustAct(s.u, c.ID, s.a, "")
	}
	page = e.page("wx_officer", "/cases/"+id)
	if !strings.Contains(page, "如需修改请先重新打开") || strings.Contains(page, "请先退回") {
		t.Errorf("closed-out case page does not say it can only be reopened")
	}
	// Under review: the state is the reason, for a role that may edit.
	r := e.readyCase("审核中", true)
	e.mustAct("wx_grid", r.ID, "request_closeout", "")
	if page := e.page("wx_grid", "/cases/"+fmtInt(r.ID)); !strings.Contains(page, "正在审核，如需修改请先退回") {
		t.Errorf("case under review does not name the state")
	}
}

// Read-only roles get no create forms: no button, and the form's page
// refuses naming the role.
func TestPages_ReadOnlyRolesGetNoCreateForms(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	for _, u := range []struct{ user, role string }{{"supervisor", "区督导组"}, {"discipline", "纪委监委"}, {"wx_vhead", "村（社区）负责人"}} {
		cl := e.pageClient(u.user)
		for _, p := range []string{"/cases", "/sites"} {
			if page := e.pageAs(cl, u.user, p); strings.Contains(page, `href="`+p+`/new"`) {
				t.Errorf("%s sees a create button on %s", u.user, p)
			}
		}
		for _, p := range []string{"/cases/new", "/sites/new"} {
			code, body := get(t, cl, e.srv.URL+p)
			if code != http.StatusForbidden || strings.Contains(body, `<form method="post" action="/cases"`) ||
				strings.Contains(body, `<form method="post" action="/sites"`) || !strings.Contains(body, "您的角色（"+u.role+"）无权") {
				t.Errorf("%s %s: %d, want 403 naming the role and no form", u.user, p, code)
			}
		}
	}
	// The grid worker does get them.
	if page := e.page("wx_grid", "/cases"); !strings.Contains(page, `href="/cases/new"`) {
		t.Error("grid worker has no 登记问题 button")
	}
}
