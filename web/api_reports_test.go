package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// reportCampaign sets up the notice's campaign (Wednesdays 17:00) through the API.
func (e *testEnv) reportCampaign() int64 {
	e.t.Helper()
	var c struct{ ID int64 }
	e.do("district", "POST", "/api/v1/campaigns", map[string]any{"name": "专项整治", "doc_no": "钟安发〔2020〕4号",
		"start_date": "2020-09-27", "end_date": "2020-11-30", "deadline_weekday": 3, "deadline_time": "17:00",
		"summary_due_date": "2020-11-15"}).want(http.StatusCreated).decode(&c)
	return c.ID
}

func (e *testEnv) reportCase(user string, body map[string]any) {
	e.t.Helper()
	base := map[string]any{"category": "spraying", "address": "某路1号", "description": "无证喷涂"}
	for k, v := range body {
		base[k] = v
	}
	e.do(user, "POST", "/api/v1/cases", base).want(http.StatusCreated)
}

// openXLSX reads a downloaded workbook back with excelize.
func openXLSX(t *testing.T, r *response) *excelize.File {
	t.Helper()
	r.want(http.StatusOK)
	if ct := r.hdr.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("%s: content type %q", r.desc, ct)
	}
	if cd := r.hdr.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename*=UTF-8''") {
		t.Fatalf("%s: disposition %q", r.desc, cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("%s: open workbook: %v", r.desc, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// att2Rows returns 附件2's data rows (below the two header rows), 合计 last.
func att2Rows(t *testing.T, f *excelize.File) [][]string {
	t.Helper()
	rows, err := f.GetRows("附件2", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 6 || rows[3][0] != "地区" || rows[1][0] != "违法违规“小字头”及“停产停业”企业排查整治问题汇总表" {
		t.Fatalf("not 附件2: %v", rows[:min(len(rows), 5)])
	}
	return rows[5:]
}

func TestAPIReports_LiveSummaryJSONAndXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		e := newEnv(t, dialect)
		e.reportCampaign()
		e.reportCase("wx_officer", map[string]any{"unit_name": "甲", "fine_fen": 123450, "case_filed": true})
		e.reportCase("wx_officer", map[string]any{"unit_name": "=HYPERLINK(\"x\")", "category": "dust", "confiscated_fen": 1})
		e.reportCase("yh_officer", map[string]any{"unit_name": "丙", "category": "stopped", "fine_fen": 300000, "case_filed": true})

		var s domain.Summary
		e.do("district", "GET", "/api/v1/reports/summary?breakdown=children", nil).want(http.StatusOK).decode(&s)
		if len(s.Rows) != 9 || s.Rows[0].Region != "钟楼经济开发区" || s.Rows[1].Region != "邹区镇" || s.Rows[2].Region != "五星街道" {
			t.Fatalf("rows %+v", s.Rows)
		}
		if s.Rows[2].Problems != 2 || s.Rows[2].FineWan != "0.12345" || s.Rows[2].ConfiscatedWan != "0.000001" ||
			s.Total.FineWan != "0.42345" || s.Total.Problems != 3 || s.Total.Region != "合计" {
			t.Fatalf("figures: 五星 %+v total %+v", s.Rows[2], s.Total)
		}
		e.do("wx_officer", "GET", "/api/v1/reports/summary?org_id="+fmtInt(e.orgs["永红街道"].ID), nil).want(http.StatusNotFound)
		e.do("wx_officer", "GET", "/api/v1/reports/summary?breakdown=bad", nil).wantError(http.StatusBadRequest, "breakdown")
		e.do("", "GET", "/api/v1/reports/summary", nil).want(http.StatusUnauthorized)

		f := openXLSX(t, e.do("district", "GET", "/api/v1/reports/summary.xlsx?breakdown=children", nil))
		rows := att2Rows(t, f)
		if len(rows) != 10 || rows[9][0] != "合计" || rows[9][3] != "3" || rows[9][14] != "0.42345" || rows[9][15] != "0.000001" ||
			rows[2][0] != "五星街道" || rows[2][14] != "0.12345" {
			t.Fatalf("附件2 rows: %v", rows)
		}
		f = openXLSX(t, e.do("district", "GET", "/api/v1/reports/problems.xlsx", nil))
		p, _ := f.GetRows("附件1")
		if len(p) != 4+3 || p[4][2] != "五星街道" || p[6][2] != "永红街道" {
			t.Fatalf("附件1 rows: %v", p)
		}
		// Formula-like text stays text.
		formula, _ := f.GetCellFormula("附件1", "D6")
		if v, _ := f.GetCellValue("附件1", "D6"); formula != "" || v != "=HYPERLINK(\"x\")" {
			t.Fatalf("D6 = %q formula %q", v, formula)
		}
	})
}

func TestAPIWeeklyReports_SubmitReviewListAndMergedExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		e := newEnv(t, dialect)
		campID := e.reportCampaign()
		e.reportCase("wx_officer", map[string]any{"unit_name": "甲", "fine_fen": 123450, "case_filed": true})
		e.reportCase("yh_officer", map[string]any{"unit_name": "乙", "fine_fen": 1, "case_filed": true})

		// Monday 10:00: the default deadline is Wednesday 2020-10-14 17:00.
		var rep domain.WeeklyReport
		e.do("wx_officer", "POST", "/api/v1/weekly-reports", map[string]any{}).want(http.StatusCreated).decode(&rep)
		if rep.Status != "draft" || !rep.Deadline.Equal(mustTime("2020-10-14T17:00:00+08:00")) {
			t.Fatalf("draft %+v", rep)
		}
		e.do("wx_head", "POST", "/api/v1/weekly-reports", map[string]any{"deadline": "2020-10-14T09:00:00Z"}).want(http.StatusOK)
		e.do("wx_officer", "POST", "/api/v1/weekly-reports", map[string]any{"deadline": "2020-10-14T17:00:01+08:00"}).wantError(http.StatusBadRequest, "deadline")
		e.do("wx_officer", "POST", "/api/v1/weekly-reports", map[string]any{"org_id": e.orgs["永红街道"].ID}).want(http.StatusNotFound)
		e.do("wx_officer", "POST", "/api/v1/weekly-reports", map[string]any{"org_id": e.orgs["新中社区"].ID}).wantError(http.StatusBadRequest, "org_id")
		e.do("district", "POST", "/api/v1/weekly-reports", map[string]any{"org_id": e.orgs["钟楼区"].ID}).wantError(http.StatusBadRequest, "org_id")
		e.do("wx_grid", "POST", "/api/v1/weekly-reports", map[string]any{}).want(http.StatusForbidden)
		id := fmtInt(rep.ID)
		var detail struct {
			Live     bool
			Summary  domain.Summary
			Problems []domain.Case
		}
		e.do("wx_officer", "GET", "/api/v1/weekly-reports/"+id, nil).want(http.StatusOK).decode(&detail)
		if !detail.Live || len(detail.Summary.Rows) != 1 || detail.Summary.Total.FineWan != "0.12345" || len(detail.Problems) != 1 {
			t.Fatalf("draft detail %+v", detail)
		}
		e.do("wx_officer", "POST", "/api/v1/weekly-reports/"+id+"/actions", map[string]any{"action": "submit"}).want(http.StatusForbidden)
		e.do("yh_head", "POST", "/api/v1/weekly-reports/"+id+"/actions", map[string]any{"action": "submit"}).want(http.StatusNotFound)
		e.do("wx_head", "POST", "/api/v1/weekly-reports/"+id+"/actions", map[string]any{"action": "fly"}).wantError(http.StatusBadRequest, "action")
		e.do("wx_head", "POST", "/api/v1/weekly-reports/"+id+"/actions", map[string]any{"action": "submit"}).want(http.StatusOK).decode(&rep)
		if rep.Status != "submitted" || rep.OnTime == nil || !*rep.OnTime {
			t.Fatalf("submitted %+v", rep)
		}
		e.do("wx_head", "POST", "/api/v1/weekly-reports/"+id+"/actions", map[string]any{"action": "submit"}).want(http.StatusConflict)
		// A change after submission leaves the frozen forms alone.
		e.reportCase("wx_officer", map[string]any{"unit_name": "丁", "fine_fen": 5})

		// Wednesday 17:00:00: 永红 is missing at once; a late submission needs a reason.
		e.clock.T = mustTime("2020-10-14T17:00:00+08:00")
		dl := url.QueryEscape("2020-10-14T17:00:00+08:00")
		var l struct {
			Items []domain.WeeklyReport
			Total int
		}
		e.do("district", "GET", "/api/v1/weekly-reports?deadline="+dl, nil).want(http.StatusOK).decode(&l)
		byName := map[string]domain.WeeklyReport{}
		for _, x := range l.Items {
			byName[x.OrgName] = x
		}
		if l.Total != 9 || byName["五星街道"].Status != "submitted" || byName["永红街道"].Status != "missing" || byName["永红街道"].ID != 0 {
			t.Fatalf("list %+v", l)
		}
		var yh domain.WeeklyReport
		e.do("yh_officer", "POST", "/api/v1/weekly-reports", map[string]any{"deadline": "2020-10-14T09:00:00Z"}).want(http.StatusCreated).decode(&yh)
		yid := fmtInt(yh.ID)
		e.do("yh_head", "POST", "/api/v1/weekly-reports/"+yid+"/actions", map[string]any{"action": "submit"}).wantError(http.StatusBadRequest, "reason")
		e.do("yh_head", "POST", "/api/v1/weekly-reports/"+yid+"/actions", map[string]any{"action": "submit", "reason": "网络故障"}).want(http.StatusOK).decode(&yh)
		if yh.OnTime == nil || *yh.OnTime || yh.LateReason != "网络故障" {
			t.Fatalf("late %+v", yh)
		}
		// Review: only the district; return needs a reason.
		e.do("wx_head", "POST", "/api/v1/weekly-reports/"+id+"/actions", map[string]any{"action": "accept"}).want(http.StatusForbidden)
		e.do("wx_head", "POST", "/api/v1/weekly-reports/"+yid+"/actions", map[string]any{"action": "accept"}).want(http.StatusNotFound)
		e.do("district", "POST", "/api/v1/weekly-reports/"+id+"/actions", map[string]any{"action": "return"}).wantError(http.StatusBadRequest, "reason")
		e.do("district", "POST", "/api/v1/weekly-reports/"+yid+"/actions", map[string]any{"action": "accept"}).want(http.StatusOK)

		// The merged 附件2 of the week: the frozen rows in official order and 合计 = Σ rows to the fen.
		f := openXLSX(t, e.do("district", "GET", "/api/v1/weekly-reports/merged/summary.xlsx?deadline="+dl, nil))
		rows := att2Rows(t, f)
		if len(rows) != 3 || rows[0][0] != "五星街道" || rows[1][0] != "永红街道" || rows[2][0] != "合计" ||
			rows[0][14] != "0.12345" || rows[1][14] != "0.000001" || rows[2][14] != "0.123451" || rows[2][3] != "2" {
			t.Fatalf("merged 附件2: %v", rows)
		}
		if v, _ := f.GetCellValue("附件2", "A3"); v != "填报日期：2020年10月14日" {
			t.Fatalf("填报日期 %q", v)
		}
		f = openXLSX(t, e.do("district", "GET", "/api/v1/weekly-reports/merged/problems.xlsx?deadline=2020-10-14", nil))
		if p, _ := f.GetRows("附件1"); len(p) != 6 || p[4][3] != "甲" || p[5][3] != "乙" {
			t.Fatalf("merged 附件1: %v", p)
		}
		f = openXLSX(t, e.do("wx_officer", "GET", "/api/v1/weekly-reports/"+id+"/summary.xlsx", nil))
		if rows := att2Rows(t, f); len(rows) != 2 || rows[1][14] != "0.12345" {
			t.Fatalf("frozen 附件2: %v", rows)
		}
		e.do("yh_officer", "GET", "/api/v1/weekly-reports/"+id+"/problems.xlsx", nil).want(http.StatusNotFound)

		// Exemption and a moved deadline.
		e.do("district", "POST", "/api/v1/weekly-reports/exemptions", map[string]any{"org_id": e.orgs["北港街道"].ID,
			"deadline": "2020-10-14T17:00:00+08:00"}).wantError(http.StatusBadRequest, "reason")
		e.do("wx_head", "POST", "/api/v1/weekly-reports/exemptions", map[string]any{"org_id": e.orgs["五星街道"].ID,
			"deadline": "2020-10-14T17:00:00+08:00", "reason": "x"}).want(http.StatusForbidden)
		e.do("district", "POST", "/api/v1/weekly-reports/exemptions", map[string]any{"org_id": e.orgs["北港街道"].ID,
			"deadline": "2020-10-14T17:00:00+08:00", "reason": "无企业"}).want(http.StatusCreated)
		e.do("district", "GET", "/api/v1/weekly-reports?deadline=2020-10-14", nil).want(http.StatusOK).decode(&l)
		for _, x := range l.Items {
			if x.OrgName == "北港街道" && x.Status != "exempt" {
				t.Fatalf("北港 %+v", x)
			}
		}
		path := "/api/v1/campaigns/" + fmtInt(campID) + "/deadline-overrides"
		e.do("district", "POST", path, map[string]any{"week": "2020-10-21", "deadline": "2020-10-23T17:00:00+08:00"}).wantError(http.StatusBadRequest, "reason")
		e.do("wx_head", "POST", path, map[string]any{"week": "2020-10-21", "deadline": "2020-10-23T17:00:00+08:00", "reason": "x"}).want(http.StatusForbidden)
		e.do("district", "POST", path, map[string]any{"week": "2020-10-22", "deadline": "2020-10-23T17:00:00+08:00", "reason": "x"}).wantError(http.StatusBadRequest, "week")
		e.do("district", "POST", path, map[string]any{"week": "2020-10-21", "deadline": "2020-10-23T17:00:00+08:00", "reason": "区里统一安排"}).want(http.StatusCreated)
		e.do("wx_officer", "POST", "/api/v1/weekly-reports", map[string]any{}).want(http.StatusCreated).decode(&rep)
		if !rep.Deadline.Equal(mustTime("2020-10-23T17:00:00+08:00")) {
			t.Fatalf("next deadline after the move: %v", rep.Deadline)
		}
	})
}

func TestAPIFinalSummaries_UploadAndSign(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.reportCampaign()
	var body bytes.Buffer
	body.WriteString("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"总结.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 x\r\n--B--\r\n")
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/final-summaries", &body)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
	req.Header.Set("Authorization", "Bearer "+e.tokens["wx_officer"])
	var x domain.FinalSummary
	e.send(req, "upload final summary").want(http.StatusCreated).decode(&x)
	if x.Status != domain.FinalUploaded || x.OrgName != "五星街道" {
		t.Fatalf("uploaded %+v", x)
	}
	e.do("wx_officer", "POST", "/api/v1/final-summaries/"+fmtInt(x.ID)+"/sign", nil).want(http.StatusForbidden)
	e.do("yh_head", "POST", "/api/v1/final-summaries/"+fmtInt(x.ID)+"/sign", nil).want(http.StatusNotFound)
	e.do("wx_head", "POST", "/api/v1/final-summaries/"+fmtInt(x.ID)+"/sign", nil).want(http.StatusOK).decode(&x)
	if x.Status != domain.FinalSigned || x.OnTime == nil || !*x.OnTime {
		t.Fatalf("signed %+v", x)
	}
	r := e.do("discipline", "GET", "/api/v1/final-summaries/"+fmtInt(x.ID)+"/file", nil).want(http.StatusOK)
	if string(r.body) != "%PDF-1.4 x" || r.hdr.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("file %q %v", r.body, r.hdr)
	}
	var l struct{ Items []domain.FinalSummary }
	e.do("district", "GET", "/api/v1/final-summaries", nil).want(http.StatusOK).decode(&l)
	if len(l.Items) != 9 || l.Items[2].Status != domain.FinalSigned || l.Items[0].Status != domain.FinalPending {
		t.Fatalf("list %+v", l.Items)
	}
}

// The report pages render for every kind of user, in Chinese and English,
// with a campaign and submitted, missing and draft reports in it.
func TestReportPages_RenderForEachRoleAndLanguage(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.reportCampaign()
	e.reportCase("wx_officer", map[string]any{"unit_name": "甲", "fine_fen": 123450, "case_filed": true})
	var rep domain.WeeklyReport
	e.do("wx_officer", "POST", "/api/v1/weekly-reports", map[string]any{}).want(http.StatusCreated).decode(&rep)
	e.do("wx_head", "POST", "/api/v1/weekly-reports/"+fmtInt(rep.ID)+"/actions", map[string]any{"action": "submit"}).want(http.StatusOK)
	e.do("yh_officer", "POST", "/api/v1/weekly-reports", map[string]any{}).want(http.StatusCreated)
	e.clock.T = mustTime("2020-10-15T09:00:00+08:00")
	for _, user := range []string{"district", "wx_officer", "wx_head", "yh_officer", "wx_vhead", "wx_grid", "supervisor", "discipline"} {
		cl := e.browserClient(user)
		pages := map[string]int{"/reports": 200, "/reports?deadline=2020-10-07": 200, "/reports/summary": 200,
			"/reports/summary?breakdown=children": 200, "/reports/print": 200, "/reports/print?what=merged&deadline=2020-10-14": 200}
		if user == "yh_officer" {
			pages["/reports/print?what=report&id="+fmtInt(rep.ID)] = 404
		} else if user != "wx_grid" && user != "wx_vhead" {
			pages["/reports/print?what=report&id="+fmtInt(rep.ID)] = 200
		}
		for _, lang := range []string{"zh", "en"} {
			for p, want := range pages {
				sep := "?"
				if strings.Contains(p, "?") {
					sep = "&"
				}
				code, body := get(t, cl, e.srv.URL+p+sep+"lang="+lang)
				if code != want || strings.Contains(body, "内部错误") || (code == 200 && strings.Contains(body, "rpt.")) {
					t.Errorf("%s %s (%s): status %d, want %d\n%s", user, p, lang, code, want, body)
				}
			}
		}
	}
	cl := e.browserClient("district")
	_, body := get(t, cl, e.srv.URL+"/reports?deadline=2020-10-14")
	for _, want := range []string{"按时", "未报", "钟楼经济开发区", "0.12345", "合计"} {
		if !strings.Contains(body, want) {
			t.Errorf("district page lacks %q", want)
		}
	}
}
