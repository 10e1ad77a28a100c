package web

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
)

// Languages the UI speaks; zh-CN is the default.
const (
	LangZH = "zh-CN"
	LangEN = "en"
)

// catalog holds every UI string: key → translations. Keys are short English
// phrases so templates stay readable; a missing English text falls back to Chinese.
var catalog = map[string][2]string{ // [zh-CN, en]
	"app.name":         {"整治", "zhengzhi"},
	"app.title":        {"违法违规“小字头”“停产停业”企业专项整治", "Special rectification campaign"},
	"nav.dashboard":    {"数据总览", "Dashboard"},
	"nav.cases":        {"问题清单", "Cases"},
	"nav.sites":        {"场所", "Sites"},
	"nav.reports":      {"周报", "Reports"},
	"nav.inbox":        {"待我审核", "My inbox"},
	"nav.tips":         {"举报", "Tips"},
	"nav.users":        {"用户", "Users"},
	"nav.orgs":         {"组织机构", "Org units"},
	"nav.campaigns":    {"专项行动", "Campaigns"},
	"nav.audit":        {"审计", "Audit"},
	"nav.logout":       {"退出", "Log out"},
	"nav.lang":         {"English", "中文"},
	"login.title":      {"登录", "Log in"},
	"login.username":   {"用户名", "Username"},
	"login.password":   {"密码", "Password"},
	"login.submit":     {"登录", "Log in"},
	"login.failed":     {"用户名或密码错误", "Wrong username or password"},
	"dash.welcome":     {"您好，%s（%s，%s）", "Hello, %s (%s, %s)"},
	"dash.campaign":    {"当前专项行动", "Active campaign"},
	"dash.none":        {"尚未设立专项行动", "No campaign yet"},
	"dash.sites":       {"登记场所", "Sites"},
	"dash.inspected":   {"已排查场所", "Sites inspected"},
	"dash.cases":       {"问题（家）", "Cases"},
	"dash.closed":      {"已销号", "Closed out"},
	"dash.overdue":     {"超期未整改", "Overdue, not rectified"},
	"dash.by_status":   {"问题办理进度", "Cases by status"},
	"dash.deadline":    {"每周%s %s 前报送", "Due every %s before %s"},
	"users.title":      {"用户管理", "Users"},
	"users.new":        {"新建用户", "New user"},
	"users.username":   {"用户名", "Username"},
	"users.display":    {"姓名", "Name"},
	"users.role":       {"角色", "Role"},
	"users.org":        {"所属单位", "Org unit"},
	"users.password":   {"初始密码（至少 8 位）", "Initial password (8+ characters)"},
	"users.create":     {"创建", "Create"},
	"users.active":     {"状态", "Status"},
	"users.is_active":  {"启用", "Active"},
	"users.inactive":   {"已停用", "Deactivated"},
	"users.deactivate": {"停用", "Deactivate"},
	"users.activate":   {"启用", "Activate"},
	"users.reset":      {"重置密码", "Reset password"},
	"users.new_pw":     {"新密码", "New password"},
	"users.created":    {"已创建用户 %s", "User %s created"},
	"users.updated":    {"已更新", "Saved"},
	"orgs.title":       {"组织机构", "Org units"},
	"orgs.code":        {"区划代码", "Code"},
	"orgs.kind":        {"类型", "Kind"},
	"orgs.prefix":      {"编号前缀", "Number prefix"},
	"camp.title":       {"专项行动", "Campaigns"},
	"camp.doc":         {"文号", "Document no."},
	"camp.period":      {"时间", "Period"},
	"camp.summary_due": {"总结报送截止", "Summary due"},
	"camp.new":         {"新建专项行动", "New campaign"},
	"camp.name":        {"名称", "Name"},
	"camp.start":       {"开始日期", "Start date"},
	"camp.end":         {"结束日期", "End date"},
	"camp.weekday":     {"每周报送日", "Weekly report day"},
	"camp.on_weekday":  {"周%s", "%s"},
	"camp.time":        {"报送截止时间", "Report due time"},
	"common.save":      {"保存", "Save"},
	"common.none":      {"暂无", "None"},
	"common.error":     {"出错了", "Error"},
	"common.back":      {"返回", "Back"},
	"err.notfound":     {"页面不存在，或不在您的管辖范围内", "Not found, or outside your scope"},
	"err.nopage":       {"页面不存在", "Page not found"},
	"err.nopage.text":  {"您访问的页面不存在，请检查网址是否正确。", "The page you asked for does not exist; check the address."},
	"err.forbidden":    {"您的角色无权执行此操作", "Your role may not do this"},
	"weekday.0":        {"日", "Sunday"},
	"weekday.1":        {"一", "Monday"},
	"weekday.2":        {"二", "Tuesday"},
	"weekday.3":        {"三", "Wednesday"},
	"weekday.4":        {"四", "Thursday"},
	"weekday.5":        {"五", "Friday"},
	"weekday.6":        {"六", "Saturday"},
}

// catalogs lists every area's message catalog; each area keeps its strings
// in its own file (msgs_*.go) so areas can grow without touching each other.
var catalogs = []map[string][2]string{catalog, caseMessages, closeoutMessages, reportMessages, tipMessages, homeMessages, listMessages, evidenceMessages, helpMessages, adminMessages}

// missedKey, when set, hears of every key translate cannot resolve: a key in
// no catalog, or (in English) one without an English text, which then falls
// back to Chinese. It is a test seam — ui_catalog_test.go sets it so that a
// raw key on any page fails where it happens — and nil in a running server.
var missedKey atomic.Pointer[func(lang, key string)]

// translate looks a key up; extra args are formatted into the text. An
// unknown key is shown as is, so a page never breaks over a missing text.
func translate(lang, key string, args ...any) string {
	var m [2]string
	ok := false
	for _, c := range catalogs {
		if m, ok = c[key]; ok {
			break
		}
	}
	if !ok {
		reportMiss(lang, key)
		return key
	}
	s := m[0]
	if lang == LangEN {
		if m[1] != "" {
			s = m[1]
		} else {
			reportMiss(lang, key)
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

func reportMiss(lang, key string) {
	if f := missedKey.Load(); f != nil {
		(*f)(lang, key)
	}
}

// langOf picks the language: ?lang=, then the lang cookie, then zh-CN.
func langOf(r *http.Request) string {
	l := r.URL.Query().Get("lang")
	if l == "" {
		if c, err := r.Cookie("lang"); err == nil {
			l = c.Value
		}
	}
	if strings.HasPrefix(l, "en") {
		return LangEN
	}
	return LangZH
}
