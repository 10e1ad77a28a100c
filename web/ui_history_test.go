package web

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// addUser creates a user with a display name of its own (the test users'
// display names are their usernames) and logs them in.
func (e *testEnv) addUser(username, display string, role domain.Role, org string) {
	e.t.Helper()
	e.do("admin", "POST", "/api/v1/users", map[string]any{"username": username, "password": "password-" + username,
		"display_name": display, "role": role, "org_id": e.orgs[org].ID}).want(http.StatusCreated)
	e.tokens[username] = e.login(username, "password-"+username)
}

// historyCase opens a case as 张网格, lets 李经办 record penalties, 两断三清
// and the rectification, and 张网格 request 销号, which 王村长 returns.
func (e *testEnv) historyCase() domain.Case {
	e.t.Helper()
	e.addUser("zhang_grid", "张网格", domain.RoleGrid, "新中社区")
	e.addUser("li_officer", "李经办", domain.RoleTownOfficer, "五星街道")
	e.addUser("wang_vhead", "王村长", domain.RoleVillageHead, "新中社区")
	var c domain.Case
	e.do("zhang_grid", "POST", "/api/v1/cases", map[string]any{"unit_name": "新中某喷涂点", "category": "spraying",
		"address": "新中社区东街1号", "description": "无证喷涂", "village_id": e.orgs["新中社区"].ID}).want(http.StatusCreated).decode(&c)
	e.do("li_officer", "PATCH", "/api/v1/cases/"+fmtInt(c.ID), map[string]any{"version": c.Version,
		"fine_fen": 1_500_000, "case_filed": true, "shutdown": "closed", "shutdown_date": "2020-10-10",
		"two_cuts_three_clears":       map[string]bool{"equipment": true, "materials": true, "power": true, "products": true, "water": true},
		"two_cuts_three_clears_dates": map[string]string{"equipment": "2020-10-11", "materials": "2020-10-11", "power": "2020-10-11", "products": "2020-10-11", "water": "2020-10-11"},
		"onsite_status":               "done", "onsite_done_date": "2020-10-11"}).want(http.StatusOK).decode(&c)
	e.mustAct("zhang_grid", c.ID, "request_closeout", "")
	e.mustAct("wang_vhead", c.ID, "return", "整改完成照片不全")
	return c
}

// rawCode matches what a clerk must never read in a history: a code with
// an underscore, a JSON brace, or an English action name.
var rawCode = regexp.MustCompile(`[a-z]+_[a-z_]+|[{}]|\b(update|create|attach|return|approve)\b`)

func TestCasePage_HistoryReadsAsChineseSentences(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.historyCase()
	page := e.page("district", "/cases/"+fmtInt(c.ID))
	i := strings.Index(page, `id="history"`)
	if i < 0 {
		t.Fatalf("no history on the case page:\n%s", page)
	}
	hist := page[i:]
	hist = hist[:strings.Index(hist, "</ol>")]
	for _, want := range []string{
		"李经办（镇（街道）经办，五星街道）", "张网格（网格员，新中社区）", "王村长（村（社区）负责人，新中社区）",
		"登记问题 " + c.ProblemNo, "修改问题", "申请销号", "退回：整改完成照片不全",
		"行政处罚 0 → 1.5万元", "立案查处 否 → 是", "停产或关闭 无 → 关闭（2020-10-10）",
		"断电 已完成（2020-10-11）", "现场整治完成情况 未启动 → 已完成（2020-10-11）", "状态 登记 → 整治中",
		"2020-10-12 10:00", // Shanghai time
	} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q:\n%s", want, hist)
		}
	}
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(hist, " ")
	if m := rawCode.FindString(strings.TrimPrefix(text, `id="history"`)); m != "" {
		t.Errorf("history shows the raw %q:\n%s", m, text)
	}
	for _, u := range []string{"zhang_grid", "li_officer", "wang_vhead"} {
		if strings.Contains(hist, u) {
			t.Errorf("history shows the username %s", u)
		}
	}
	// 两断三清 in the campaign's order, not the codes' alphabetical one.
	wantInOrder(t, "history", hist, "断水 已完成", "断电 已完成", "清原料 已完成", "清设备 已完成", "清产品 已完成")
}

func TestCaseFileZip_SheetHistoryAndClearsInWords(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.historyCase()
	z := e.do("discipline", "GET", "/api/v1/cases/"+fmtInt(c.ID)+"/file.zip", nil).want(http.StatusOK)
	zr, err := zip.NewReader(bytes.NewReader(z.body), int64(len(z.body)))
	if err != nil {
		t.Fatal(err)
	}
	var sheet string
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "案卷-") {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			sheet = string(b)
		}
	}
	i := strings.Index(sheet, "<h2>办理记录</h2>")
	if i < 0 {
		t.Fatalf("sheet has no 办理记录:\n%s", sheet)
	}
	for _, want := range []string{"退回：整改完成照片不全", "行政处罚 0 → 1.5万元", "李经办（镇（街道）经办，五星街道）"} {
		if !strings.Contains(sheet[i:], want) {
			t.Errorf("sheet's 办理记录 lacks %q", want)
		}
	}
	if strings.Contains(sheet[i:], "two_cuts") || strings.Contains(sheet[i:], "li_officer") {
		t.Errorf("sheet's 办理记录 shows codes or usernames:\n%s", sheet[i:])
	}
	wantInOrder(t, "sheet", sheet[:i], "断水：✔", "断电：✔", "清原料：✔", "清设备：✔", "清产品：✔")
}

func TestInbox_ClearsInCampaignOrder(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.readyCase("顺序", true)
	e.do("wx_officer", "PATCH", "/api/v1/cases/"+fmtInt(c.ID), map[string]any{"version": c.Version,
		"two_cuts_three_clears": map[string]bool{"equipment": true, "materials": true, "power": true, "products": true, "water": true}}).want(http.StatusOK)
	e.mustAct("wx_grid", c.ID, "request_closeout", "")
	page := e.page("wx_vhead", "/inbox")
	wantInOrder(t, "inbox", page, "断水 ✓", "断电 ✓", "清原料 ✓", "清设备 ✓", "清产品 ✓")
	sign := e.page("wx_vhead", "/cases/"+fmtInt(c.ID)+"/sign?action=approve")
	wantInOrder(t, "sign page", sign, "断水", "断电", "清原料", "清设备", "清产品")
}

// wantInOrder checks that each of parts appears in s after the one before.
func wantInOrder(t *testing.T, what, s string, parts ...string) {
	t.Helper()
	at := 0
	for _, p := range parts {
		i := strings.Index(s[at:], p)
		if i < 0 {
			t.Fatalf("%s: %q missing or out of order (after %d) in\n%s", what, p, at, s)
		}
		at += i + len(p)
	}
}
