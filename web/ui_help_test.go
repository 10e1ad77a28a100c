package web

import (
	"strings"
	"testing"

	"zhengzhi/store"
)

// The forms carry, under the fields the notice defines, the notice's own
// words: a page test, so that a template losing its help fails here.
func TestForms_HelpTextInTheNoticesWords(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.newCase("帮助文字作坊")
	notice := map[string]string{
		"help.category":    "无证无照违法违规生产的小冶炼、小电镀、小喷涂、小印染、小涉爆粉尘",
		"help.source":      "全市12350有奖举报平台",
		"help.penalty":     "纳入社会综合信用体系",
		"help.disciplined": "依法依规依纪追究有关部门、人员责任",
		"help.site":        "底数清、情况明、数据准、无遗漏",
		"help.weekly":      "每周三17：00前报送问题清单（附件1）",
		"help.summary":     "于11月15日前报送",
		"help.closeout":    "签字确认、层层上报销号",
	}
	for key, words := range notice {
		if !strings.Contains(translate(LangZH, key), words) {
			t.Errorf("%s does not quote the notice (%q)", key, words)
		}
	}
	for page, keys := range map[string][]string{
		"/cases/new":                           {"help.category", "help.source"},
		"/cases/" + fmtInt(c.ID):               {"help.category", "help.penalty", "help.disciplined"},
		"/sites/new":                           {"help.site", "help.category"},
		"/sites/" + fmtInt(c.SiteID) + "/edit": {"help.category"},
	} {
		body := e.page("wx_officer", page)
		for _, k := range keys {
			if !strings.Contains(body, translate(LangZH, k)) {
				t.Errorf("%s lacks %s", page, k)
			}
		}
	}
	body := e.page("district", "/campaigns")
	for _, k := range []string{"help.weekly", "help.summary", "help.closeout"} {
		if !strings.Contains(body, translate(LangZH, k)) {
			t.Errorf("/campaigns lacks %s", k)
		}
	}
}
