package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/forms"
)

// uiReports registers the weekly report pages: the town's report of the
// week, the district's matrix and roll-up, the live 附件2 and the printable forms.
func (s *Server) uiReports(mux *http.ServeMux) {
	mux.HandleFunc("GET /reports", s.page(s.reportsPage))
	mux.HandleFunc("GET /reports/summary", s.page(s.reportsSummaryPage))
	mux.HandleFunc("GET /reports/print", s.page(s.reportsPrint))
	mux.HandleFunc("POST /reports/prepare", s.page(s.reportsPrepare))
	mux.HandleFunc("POST /reports/{id}/action", s.page(s.reportsAction))
	mux.HandleFunc("POST /reports/proxy", s.page(s.reportsProxy))
	mux.HandleFunc("POST /reports/exempt", s.page(s.reportsExempt))
	mux.HandleFunc("POST /reports/deadline", s.page(s.reportsMoveDeadline))
	mux.HandleFunc("POST /reports/final", s.page(s.reportsFinalUpload))
	mux.HandleFunc("POST /reports/final/{id}/sign", s.page(s.reportsFinalSign))
}

// reportCell is one town × week cell of the district's matrix.
type reportCell struct {
	Label string // catalog key
	Class string // tag colour: ok, warn, bad or ""
	Title string // first submission time or reason, for the tooltip
}

// cellOf says how a report's status shows in the matrix.
func cellOf(x *domain.WeeklyReport) reportCell {
	if x == nil {
		return reportCell{Label: "rpt.cell.none"}
	}
	c := reportCell{}
	if x.FirstSubmittedAt != nil {
		c.Title = x.FirstSubmittedAt.In(shanghai).Format("01-02 15:04")
	}
	late := x.Late()
	switch x.Status {
	case domain.ReportSubmitted:
		c.Label, c.Class = "rpt.cell.on_time", "ok"
		if late {
			c.Label, c.Class = "rpt.cell.late", "warn"
		}
	case domain.ReportAccepted:
		c.Label, c.Class = "rpt.cell.accepted", "ok"
		if late {
			c.Label, c.Class = "rpt.cell.accepted_late", "warn"
		}
	case domain.ReportReturned:
		c.Label, c.Class, c.Title = "rpt.cell.returned", "bad", x.ReturnReason
	case domain.ReportMissing:
		c.Label, c.Class = "rpt.cell.missing", "bad"
	case domain.ReportExempt:
		c.Label, c.Title = "rpt.cell.exempt", x.ExemptReason
	case domain.ReportDraft:
		c.Label = "rpt.cell.draft"
	}
	return c
}

// weekOption is one deadline offered in a selector.
type weekOption struct {
	Value    string // YYYY-MM-DD in Shanghai, the ?deadline= of links
	Deadline time.Time
	Passed   bool
	Moved    bool
	Reason   string
	Week     domain.Date
	Selected bool
}

type matrixRow struct {
	Town  *domain.OrgUnit
	Cells []reportCell
}

// townRow is one town's line for the selected week on the district page.
type townRow struct {
	Report   *domain.WeeklyReport
	Cell     reportCell
	Activity app.TownWeek
}

// reportsData backs /reports and /reports/summary.
type reportsData struct {
	Mode     string // town, district or summary
	Campaign *domain.Campaign
	Weeks    []weekOption
	Week     *weekOption // the selected deadline
	Now      time.Time
	Late     bool // the selected deadline has passed
	Error    string

	// town
	Town      *domain.OrgUnit
	Report    *app.ReportDetail // nil before it is prepared
	Live      *app.ReportDetail // the forms as they would be submitted now
	History   []*domain.WeeklyReport
	CanSubmit bool
	Final     *domain.FinalSummary

	// district
	Columns  []weekOption // matrix columns: passed deadlines and the next
	Matrix   []matrixRow
	Towns    []townRow
	Merged   *app.MergedReport
	Finals   []*domain.FinalSummary
	Review   bool // may accept, return, 代报, exempt, move deadlines
	TownList []*domain.OrgUnit

	// summary
	Orgs      []*domain.OrgUnit
	Org       *domain.OrgUnit
	Breakdown bool
	Summary   *domain.Summary
	Query     string // org_id=…&breakdown=… for export links
}

// isTownRole reports whether the actor works for one town (its report page).
func isTownRole(a *domain.Actor) bool {
	return a.Role() == domain.RoleTownOfficer || a.Role() == domain.RoleTownHead
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	return s.renderReports(w, r, a, http.StatusOK, s.takeFlash(w, r), "")
}

// renderReports builds the /reports page for the actor: the town view for
// town roles, the district view for everyone above the towns.
func (s *Server) renderReports(w http.ResponseWriter, r *http.Request, a *domain.Actor, status int, flash, errMsg string) error {
	ctx := r.Context()
	d := reportsData{Now: s.clock.Now(), Error: errMsg}
	camp, dls, err := s.app.CampaignDeadlines(ctx, a, 0)
	if err != nil {
		if domain.ErrorCode(err) == domain.EINVALID { // no campaign yet
			s.render(w, r, status, "reports.html", "rpt.title", d, flash)
			return nil
		}
		return err
	}
	d.Campaign = camp
	want := r.URL.Query().Get("deadline")
	if want == "" {
		want = r.FormValue("deadline")
	}
	if want != "" {
		if t, err := s.deadlineParam(ctx, a, camp.ID, want); err == nil {
			want = string(domain.DateOf(t, shanghai))
		}
	}
	town := isTownRole(a)
	lastPassed, firstAhead := -1, -1
	for i, dl := range dls {
		d.Weeks = append(d.Weeks, weekOption{Value: string(domain.DateOf(dl.Deadline, shanghai)), Deadline: dl.Deadline,
			Passed: dl.Passed, Moved: dl.Moved, Reason: dl.Reason, Week: dl.Week})
		if dl.Passed {
			lastPassed = i
		} else if firstAhead < 0 {
			firstAhead = i
		}
	}
	// Default: the town's next deadline (this week's report); the district's
	// latest passed one (the week to look at).
	if want == "" {
		pick := firstAhead
		if !town && lastPassed >= 0 || pick < 0 {
			pick = lastPassed
		}
		if pick >= 0 {
			want = d.Weeks[pick].Value
		}
	}
	for i := range d.Weeks {
		if d.Weeks[i].Value == want {
			d.Weeks[i].Selected = true
			d.Week = &d.Weeks[i]
		}
	}
	if d.Week == nil {
		s.render(w, r, status, "reports.html", "rpt.title", d, flash)
		return nil
	}
	d.Late = !domain.OnTime(d.Now, d.Week.Deadline)
	if town {
		err = s.townReports(r, a, &d)
	} else {
		err = s.districtReports(r, a, &d)
	}
	if err != nil {
		return err
	}
	s.render(w, r, status, "reports.html", "rpt.title", d, flash)
	return nil
}

func (s *Server) townReports(r *http.Request, a *domain.Actor, d *reportsData) error {
	ctx := r.Context()
	d.Mode, d.Town = "town", &a.Org
	list, err := s.app.Reports(ctx, a, app.ReportFilter{CampaignID: d.Campaign.ID, OrgID: a.Org.ID})
	if err != nil {
		return err
	}
	d.History = list.Items
	for _, x := range list.Items {
		if x.ID != 0 && x.Deadline.Equal(d.Week.Deadline) {
			if d.Report, err = s.app.Report(ctx, a, x.ID); err != nil {
				return err
			}
		}
	}
	if d.Live, err = s.app.TownPreview(ctx, a, d.Campaign.ID, a.Org.ID); err != nil {
		return err
	}
	d.CanSubmit = s.app.MaySubmitReport(ctx, a, a.Org.ID)
	_, finals, err := s.app.FinalSummaries(ctx, a, d.Campaign.ID, a.Org.ID)
	if err != nil {
		return err
	}
	if len(finals) == 1 {
		d.Final = finals[0]
	}
	return nil
}

func (s *Server) districtReports(r *http.Request, a *domain.Actor, d *reportsData) error {
	ctx := r.Context()
	d.Mode = "district"
	d.Review = domain.RoleMay(a.Role(), domain.ActReviewReport)
	list, err := s.app.Reports(ctx, a, app.ReportFilter{CampaignID: d.Campaign.ID})
	if err != nil {
		return err
	}
	d.TownList = list.Towns
	// Matrix columns: every passed deadline and the next one, latest first.
	for i := len(d.Weeks) - 1; i >= 0; i-- {
		wk := d.Weeks[i]
		if wk.Passed || wk.Selected || i == 0 || d.Weeks[i-1].Passed {
			d.Columns = append(d.Columns, wk)
		}
	}
	cells := map[int64]map[string]*domain.WeeklyReport{}
	for _, x := range list.Items {
		if cells[x.OrgID] == nil {
			cells[x.OrgID] = map[string]*domain.WeeklyReport{}
		}
		cells[x.OrgID][string(domain.DateOf(x.Deadline, shanghai))] = x
	}
	from := d.Campaign.StartDate.Time(shanghai)
	for i, wk := range d.Weeks {
		if wk.Selected && i > 0 {
			from = d.Weeks[i-1].Deadline
		}
	}
	activity, err := s.app.WeekActivity(ctx, a, d.Campaign.ID, 0, from, d.Week.Deadline)
	if err != nil {
		return err
	}
	for i, t := range list.Towns {
		row := matrixRow{Town: t}
		for _, c := range d.Columns {
			row.Cells = append(row.Cells, cellOf(cells[t.ID][c.Value]))
		}
		d.Matrix = append(d.Matrix, row)
		x := cells[t.ID][d.Week.Value]
		d.Towns = append(d.Towns, townRow{Report: x, Cell: cellOf(x), Activity: activity[i]})
	}
	if d.Merged, err = s.app.MergedReports(ctx, a, d.Campaign.ID, 0, d.Week.Deadline); err != nil {
		return err
	}
	_, d.Finals, err = s.app.FinalSummaries(ctx, a, d.Campaign.ID, 0)
	return err
}

func (s *Server) reportsSummaryPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	q, err := summaryQuery(r)
	if err != nil {
		return err
	}
	res, err := s.app.Summary(r.Context(), a, q)
	if err != nil {
		if domain.ErrorCode(err) == domain.EINVALID && domain.ErrorField(err) == "campaign_id" {
			s.render(w, r, http.StatusOK, "reports.html", "rpt.summary_title", reportsData{Mode: "summary"}, "")
			return nil
		}
		return err
	}
	d := reportsData{Mode: "summary", Campaign: res.Campaign, Org: res.Org, Breakdown: q.Breakdown, Summary: &res.Summary, Now: s.clock.Now()}
	if d.Orgs, err = s.app.VisibleOrgs(r.Context(), a); err != nil {
		return err
	}
	v := url.Values{"org_id": {strconv.FormatInt(res.Org.ID, 10)}}
	if q.Breakdown {
		v.Set("breakdown", "children")
	}
	d.Query = v.Encode()
	s.render(w, r, http.StatusOK, "reports.html", "rpt.summary_title", d, "")
	return nil
}

// reportsPrint renders the notice's forms as a printable page (A4
// landscape): what=live (a unit's live 附件1 and 附件2), report (a weekly
// report's frozen forms) or merged (a week's roll-up).
func (s *Server) reportsPrint(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	ctx := r.Context()
	var buf bytes.Buffer
	now := s.clock.Now()
	switch r.URL.Query().Get("what") {
	case "report":
		id, err := queryID(r, "id")
		if err != nil {
			return err
		}
		d, err := s.app.Report(ctx, a, id)
		if err != nil {
			return err
		}
		title := d.OrgName + " " + d.Deadline.In(shanghai).Format("2006-01-02") + " " + translate(langOf(r), "rpt.weekly")
		if err := forms.PrintHTML(&buf, title, &d.Summary, d.Problems, s.filledAt(d)); err != nil {
			return err
		}
	case "merged":
		m, err := s.merged(r, a)
		if err != nil {
			return err
		}
		title := m.Org.Name + " " + m.Deadline.In(shanghai).Format("2006-01-02") + " " + translate(langOf(r), "rpt.merged")
		if err := forms.PrintHTML(&buf, title, &m.Summary, m.Problems, s.mergedFilled(m)); err != nil {
			return err
		}
	default:
		q, err := summaryQuery(r)
		if err != nil {
			return err
		}
		res, err := s.app.Summary(ctx, a, q)
		if err != nil {
			return err
		}
		_, seq, err := s.app.ProblemRows(ctx, a, q.CampaignID, res.Org.ID)
		if err != nil {
			return err
		}
		var rows []*domain.Case
		for c, err := range seq {
			if err != nil {
				return err
			}
			rows = append(rows, c)
		}
		if err := forms.PrintHTML(&buf, res.Org.Name+" "+translate(langOf(r), "rpt.live"), &res.Summary, rows, now); err != nil {
			return err
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The print page is self-contained: its own style block and column
	// widths, and no script at all.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'")
	h.Set("Cache-Control", "private, no-store")
	_, err := buf.WriteTo(w)
	return err
}

// afterPost redirects back to the reports page with a flash message, or
// shows the page again with the error when the step was refused.
func (s *Server) afterPost(w http.ResponseWriter, r *http.Request, a *domain.Actor, err error, okKey string) error {
	if err != nil {
		code := domain.ErrorCode(err)
		if code == domain.EINTERNAL || code == domain.ENOTFOUND || code == domain.EFORBIDDEN || code == domain.EUNAUTHORIZED {
			return err
		}
		return s.renderReports(w, r, a, statusOf(code), "", domain.ErrorMessage(err))
	}
	q := url.Values{}
	if dl := r.FormValue("deadline"); dl != "" {
		if t, err := s.deadlineParam(r.Context(), a, 0, dl); err == nil {
			q.Set("deadline", string(domain.DateOf(t, shanghai)))
		}
	}
	path := "/reports"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	s.redirectFlash(w, r, path, translate(langOf(r), okKey))
	return nil
}

func formID(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(r.FormValue(name), 10, 64)
	return n
}

func (s *Server) reportsPrepare(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	dl, err := s.deadlineParam(r.Context(), a, 0, r.FormValue("deadline"))
	if err == nil {
		_, _, err = s.app.PrepareReport(r.Context(), a, app.ReportInput{OrgID: formID(r, "org_id"), Deadline: dl})
	}
	return s.afterPost(w, r, a, err, "rpt.flash.prepared")
}

func (s *Server) reportsAction(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	action := r.FormValue("action")
	_, err = s.app.ReportAction(r.Context(), a, id, app.ReportActionInput{Action: domain.ReportAction(action), Reason: r.FormValue("reason"),
		Version: formID(r, "version")})
	return s.afterPost(w, r, a, err, "rpt.flash."+action)
}

// reportsProxy is the district office's 代报: prepare and submit at once.
func (s *Server) reportsProxy(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	dl, err := s.deadlineParam(r.Context(), a, 0, r.FormValue("deadline"))
	if err == nil {
		var rep *domain.WeeklyReport
		if rep, _, err = s.app.PrepareReport(r.Context(), a, app.ReportInput{OrgID: formID(r, "org_id"), Deadline: dl}); err == nil {
			_, err = s.app.ReportAction(r.Context(), a, rep.ID, app.ReportActionInput{Action: domain.ReportSubmit, Reason: r.FormValue("reason")})
		}
	}
	return s.afterPost(w, r, a, err, "rpt.flash.submit")
}

func (s *Server) reportsExempt(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	dl, err := s.deadlineParam(r.Context(), a, 0, r.FormValue("deadline"))
	if err == nil {
		_, err = s.app.ExemptReport(r.Context(), a, app.ExemptionInput{OrgID: formID(r, "org_id"), Deadline: dl, Reason: r.FormValue("reason")})
	}
	return s.afterPost(w, r, a, err, "rpt.flash.exempted")
}

func (s *Server) reportsMoveDeadline(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	camp, err := s.app.ResolveCampaign(r.Context(), 0)
	if err != nil {
		return err
	}
	var o domain.DeadlineOverride
	o.Week, err = domain.ParseDate("week", r.FormValue("week"))
	if err == nil {
		// datetime-local gives "2020-10-09T17:00": a wall time in Asia/Shanghai.
		v := strings.TrimSpace(r.FormValue("new_deadline"))
		if o.Deadline, err = time.ParseInLocation("2006-01-02T15:04", v, shanghai); err != nil {
			err = domain.Invalid("deadline", "请填写调整后的截止时间")
		}
	}
	if err == nil {
		o.Reason = r.FormValue("reason")
		_, err = s.app.MoveDeadline(r.Context(), a, camp.ID, o)
	}
	return s.afterPost(w, r, a, err, "rpt.flash.moved")
}

func (s *Server) reportsFinalUpload(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	_, err := s.receiveFinalSummary(w, r, a)
	return s.afterPost(w, r, a, err, "rpt.flash.uploaded")
}

func (s *Server) reportsFinalSign(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.app.SignFinalSummary(r.Context(), a, id)
	return s.afterPost(w, r, a, err, "rpt.flash.signed")
}

// view hands a sub-template of reports.html the page (for T) and a value.
type view struct {
	p *pageData
	V any
}

// T translates for the page the view belongs to.
func (v view) T(key string, args ...any) string { return v.p.T(key, args...) }

// View pairs the page with a value for a sub-template.
func (reportsData) View(p *pageData, v any) view { return view{p: p, V: v} }

// Cell says how a report shows in the matrix and the lists.
func (reportsData) Cell(x *domain.WeeklyReport) reportCell { return cellOf(x) }

// Date is a deadline's date in Asia/Shanghai, as the ?deadline= of links.
func (reportsData) Date(t time.Time) string { return string(domain.DateOf(t, shanghai)) }

// FinalClass colours a final summary's status tag.
func (reportsData) FinalClass(x *domain.FinalSummary) string {
	switch {
	case x.Status == domain.FinalSigned && x.OnTime != nil && *x.OnTime:
		return "ok"
	case x.Status == domain.FinalSigned, x.Status == domain.FinalUploaded:
		return "warn"
	case x.Status == domain.FinalMissing:
		return "bad"
	}
	return ""
}
