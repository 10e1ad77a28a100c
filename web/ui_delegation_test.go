package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhengzhi/store"
)

// A delegation given in days reads in days (“至 2020-10-19”, the last day),
// and a delegate's signature says in what capacity, with both names.
func TestUI_DelegatedSignatureAndPeriodRead(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	e.addUser("wang_head", "王镇长", "town_head", "五星街道")
	e.addUser("li_officer", "李经办", "town_officer", "五星街道")
	head := e.pageClient("wang_head")
	code, body := e.postForm(head, "/delegations", url.Values{"delegate_user_id": {fmtInt(e.userID("li_officer"))},
		"from": {"2020-10-12"}, "until": {"2020-10-19"}, "reason": {"外出培训"}})
	if code != http.StatusOK || !strings.Contains(body, "至 2020-10-19") || strings.Contains(body, "2020-10-20 00:00") {
		t.Fatalf("delegations page: %d, period not in days\n%s", code, body)
	}
	c := e.readyCase("代签", true)
	e.mustAct("wx_grid", c.ID, "request_closeout", "")
	e.mustAct("wx_vhead", c.ID, "approve", "")
	page := e.page("li_officer", "/cases/"+fmtInt(c.ID))
	if !strings.Contains(page, "（至 2020-10-19）") {
		t.Errorf("delegate's case page does not say until when in days:\n%s", page)
	}
	e.mustAct("li_officer", c.ID, "approve", "")
	page = e.page("district", "/cases/"+fmtInt(c.ID))
	if !strings.Contains(page, "李经办（经办（受主要负责人授权））代 王镇长 签字") {
		t.Errorf("delegated signature not labelled with both names:\n%s", page)
	}
	if strings.Contains(page, "李经办（镇（街道）主要负责人）") {
		t.Error("the delegate is labelled as the head")
	}
}
