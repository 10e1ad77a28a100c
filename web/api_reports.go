package web

import (
	"context"
	"errors"
	"io"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/forms"
)

// apiReports registers the live 附件1/附件2, the weekly reports, deadline
// moves, exemptions and the final summaries (DESIGN.md §4, §7).
func (s *Server) apiReports(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/reports/summary", s.api(s.reportSummary))
	mux.HandleFunc("GET /api/v1/reports/summary.xlsx", s.api(s.reportSummaryXLSX))
	mux.HandleFunc("GET /api/v1/reports/problems.xlsx", s.api(s.reportProblemsXLSX))
	mux.HandleFunc("POST /api/v1/weekly-reports", s.api(s.createWeeklyReport))
	mux.HandleFunc("GET /api/v1/weekly-reports", s.api(s.listWeeklyReports))
	mux.HandleFunc("GET /api/v1/weekly-reports/{id}", s.api(s.getWeeklyReport))
	mux.HandleFunc("POST /api/v1/weekly-reports/{id}/actions", s.api(s.weeklyReportAction))
	mux.HandleFunc("GET /api/v1/weekly-reports/{id}/summary.xlsx", s.api(s.weeklyReportSummaryXLSX))
	mux.HandleFunc("GET /api/v1/weekly-reports/{id}/problems.xlsx", s.api(s.weeklyReportProblemsXLSX))
	mux.HandleFunc("GET /api/v1/weekly-reports/merged/summary.xlsx", s.api(s.mergedSummaryXLSX))
	mux.HandleFunc("GET /api/v1/weekly-reports/merged/problems.xlsx", s.api(s.mergedProblemsXLSX))
	mux.HandleFunc("POST /api/v1/weekly-reports/exemptions", s.api(s.createExemption))
	mux.HandleFunc("GET /api/v1/campaigns/{id}/deadlines", s.api(s.campaignDeadlines))
	mux.HandleFunc("POST /api/v1/campaigns/{id}/deadline-overrides", s.api(s.createDeadlineOverride))
	mux.HandleFunc("GET /api/v1/final-summaries", s.api(s.listFinalSummaries))
	mux.HandleFunc("POST /api/v1/final-summaries", s.api(s.uploadFinalSummary))
	mux.HandleFunc("GET /api/v1/final-summaries/{id}", s.api(s.getFinalSummary))
	mux.HandleFunc("POST /api/v1/final-summaries/{id}/sign", s.api(s.signFinalSummary))
	mux.HandleFunc("GET /api/v1/final-summaries/{id}/file", s.api(s.serveFinalSummary))
}

// summaryQuery reads org_id, campaign_id and breakdown=children.
func summaryQuery(r *http.Request) (app.SummaryQuery, error) {
	var q app.SummaryQuery
	var err error
	if q.OrgID, err = queryID(r, "org_id"); err != nil {
		return q, err
	}
	if q.CampaignID, err = queryID(r, "campaign_id"); err != nil {
		return q, err
	}
	switch b := r.URL.Query().Get("breakdown"); b {
	case "", "none", "false", "0":
	case "children", "true", "1":
		q.Breakdown = true
	default:
		return q, domain.Invalid("breakdown", "breakdown 应为 children")
	}
	return q, nil
}

// parseInstant reads an RFC 3339 instant from a query or a JSON body. A "+"
// of an offset that a query string turned into a space is put back.
func parseInstant(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if i := strings.LastIndexByte(v, ' '); i > 0 {
		v = v[:i] + "+" + v[i+1:]
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, domain.Invalid(field, "时间格式应为 RFC 3339，如 2020-10-14T17:00:00+08:00")
	}
	return t, nil
}

// deadlineParam reads a deadline given as an RFC 3339 instant or as a date
// (YYYY-MM-DD: the deadline falling on that day in Asia/Shanghai, or the
// week a moved deadline belongs to).
func (s *Server) deadlineParam(ctx context.Context, a *domain.Actor, campaignID int64, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if len(v) != len(domain.DateLayout) {
		return parseInstant("deadline", v)
	}
	if _, err := domain.ParseDate("deadline", v); err != nil {
		return time.Time{}, err
	}
	_, dls, err := s.app.CampaignDeadlines(ctx, a, campaignID)
	if err != nil {
		return time.Time{}, err
	}
	for _, d := range dls {
		if string(domain.DateOf(d.Deadline, shanghai)) == v {
			return d.Deadline, nil
		}
	}
	for _, d := range dls {
		if string(d.Week) == v {
			return d.Deadline, nil
		}
	}
	return time.Time{}, domain.Invalid("deadline", "%s 没有报送截止时间", v)
}

func (s *Server) reportSummary(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	q, err := summaryQuery(r)
	if err != nil {
		return err
	}
	res, err := s.app.Summary(r.Context(), a, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res.Summary)
	return nil
}

// xlsxWriter sets the download headers only when the workbook's first bytes
// are written, so a failure before that is still answered as a JSON error.
// The forms writers stream: they write as rows are read and call Flush when
// bytes have waited, so the client gets them while the export runs.
type xlsxWriter struct {
	w        http.ResponseWriter
	filename string
	started  bool
}

func (x *xlsxWriter) Write(p []byte) (int, error) {
	if !x.started {
		x.started = true
		h := x.w.Header()
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+urlPathEscape(x.filename))
		h.Set("Cache-Control", "private, no-store")
	}
	return x.w.Write(p)
}

// Flush sends what has been written to the client.
func (x *xlsxWriter) Flush() error {
	if !x.started {
		return nil
	}
	err := http.NewResponseController(x.w).Flush()
	if errors.Is(err, http.ErrNotSupported) {
		return nil
	}
	return err
}

// sendXLSX runs write into the response. An error before the first byte is
// answered as usual; after it, the status line has gone out, so the error
// is logged and the connection aborted: the client sees a failed download,
// not a truncated file that looks complete.
func (s *Server) sendXLSX(w http.ResponseWriter, r *http.Request, filename string, write func(io.Writer) error) error {
	x := &xlsxWriter{w: w, filename: filename}
	if err := write(x); err != nil {
		if x.started {
			s.log.Error("xlsx export", "path", r.URL.Path, "err", err)
			panic(http.ErrAbortHandler)
		}
		return err
	}
	return nil
}

// Export file names follow the notice's attachments.
const (
	att1Name = "附件1 违法违规“小字头”及“停产停业”企业排查问题清单"
	att2Name = "附件2 违法违规“小字头”及“停产停业”企业排查整治问题汇总表"
)

func exportName(base, unit string, t time.Time) string {
	return base + "（" + unit + " " + t.In(shanghai).Format("20060102") + "）.xlsx"
}

func (s *Server) reportSummaryXLSX(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	q, err := summaryQuery(r)
	if err != nil {
		return err
	}
	res, err := s.app.Summary(r.Context(), a, q)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	return s.sendXLSX(w, r, exportName(att2Name, res.Org.Name, now), func(out io.Writer) error {
		return forms.WriteSummary(out, res.Summary, now)
	})
}

func (s *Server) reportProblemsXLSX(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	q, err := summaryQuery(r)
	if err != nil {
		return err
	}
	res, rows, err := s.app.ProblemRows(r.Context(), a, q.CampaignID, q.OrgID)
	if err != nil {
		return err
	}
	return s.sendXLSX(w, r, exportName(att1Name, res.Org.Name, s.clock.Now()), func(out io.Writer) error {
		return forms.WriteProblems(out, rows)
	})
}

// caseRows turns a slice of frozen 附件1 rows into the writer's sequence.
func caseRows(cases []*domain.Case) iter.Seq2[*domain.Case, error] {
	return func(yield func(*domain.Case, error) bool) {
		for _, c := range cases {
			if !yield(c, nil) {
				return
			}
		}
	}
}

type weeklyReportBody struct {
	CampaignID int64  `json:"campaign_id"`
	OrgID      int64  `json:"org_id"`
	Deadline   string `json:"deadline"`
}

func (s *Server) createWeeklyReport(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var body weeklyReportBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	dl, err := s.deadlineParam(r.Context(), a, body.CampaignID, body.Deadline)
	if err != nil {
		return err
	}
	rep, created, err := s.app.PrepareReport(r.Context(), a, app.ReportInput{CampaignID: body.CampaignID, OrgID: body.OrgID, Deadline: dl})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, rep)
	return nil
}

func (s *Server) reportFilter(r *http.Request, a *domain.Actor) (app.ReportFilter, error) {
	var f app.ReportFilter
	var err error
	if f.OrgID, err = queryID(r, "org_id"); err != nil {
		return f, err
	}
	if f.CampaignID, err = queryID(r, "campaign_id"); err != nil {
		return f, err
	}
	if v := r.URL.Query().Get("deadline"); v != "" {
		if f.Deadline, err = s.deadlineParam(r.Context(), a, f.CampaignID, v); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (s *Server) listWeeklyReports(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	f, err := s.reportFilter(r, a)
	if err != nil {
		return err
	}
	l, err := s.app.Reports(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(l.Items, len(l.Items)))
	return nil
}

func (s *Server) getWeeklyReport(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.app.Report(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) weeklyReportAction(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in app.ReportActionInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	rep, err := s.app.ReportAction(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// filledAt is 附件2's 填报日期 for a report: its latest submission, or now.
func (s *Server) filledAt(d *app.ReportDetail) time.Time {
	if d.SubmittedAt != nil {
		return *d.SubmittedAt
	}
	return s.clock.Now()
}

func (s *Server) weeklyReportSummaryXLSX(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.app.Report(r.Context(), a, id)
	if err != nil {
		return err
	}
	return s.sendXLSX(w, r, exportName(att2Name, d.OrgName, d.Deadline), func(out io.Writer) error {
		return forms.WriteSummary(out, d.Summary, s.filledAt(d))
	})
}

func (s *Server) weeklyReportProblemsXLSX(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.app.Report(r.Context(), a, id)
	if err != nil {
		return err
	}
	return s.sendXLSX(w, r, exportName(att1Name, d.OrgName, d.Deadline), func(out io.Writer) error {
		return forms.WriteProblems(out, caseRows(d.Problems))
	})
}

func (s *Server) merged(r *http.Request, a *domain.Actor) (*app.MergedReport, error) {
	f, err := s.reportFilter(r, a)
	if err != nil {
		return nil, err
	}
	return s.app.MergedReports(r.Context(), a, f.CampaignID, f.OrgID, f.Deadline)
}

// mergedFilled is the merged 附件2's 填报日期: the deadline's day, or today
// while the deadline is still ahead (a report now would be on time).
func (s *Server) mergedFilled(m *app.MergedReport) time.Time {
	if now := s.clock.Now(); domain.OnTime(now, m.Deadline) {
		return now
	}
	return m.Deadline
}

func (s *Server) mergedSummaryXLSX(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	m, err := s.merged(r, a)
	if err != nil {
		return err
	}
	return s.sendXLSX(w, r, exportName(att2Name, m.Org.Name, m.Deadline), func(out io.Writer) error {
		return forms.WriteSummary(out, m.Summary, s.mergedFilled(m))
	})
}

func (s *Server) mergedProblemsXLSX(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	m, err := s.merged(r, a)
	if err != nil {
		return err
	}
	return s.sendXLSX(w, r, exportName(att1Name, m.Org.Name, m.Deadline), func(out io.Writer) error {
		return forms.WriteProblems(out, caseRows(m.Problems))
	})
}

func (s *Server) createExemption(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var body struct {
		weeklyReportBody
		Reason string `json:"reason"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	dl, err := s.deadlineParam(r.Context(), a, body.CampaignID, body.Deadline)
	if err != nil {
		return err
	}
	ex, err := s.app.ExemptReport(r.Context(), a, app.ExemptionInput{CampaignID: body.CampaignID, OrgID: body.OrgID,
		Deadline: dl, Reason: body.Reason})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ex)
	return nil
}

func (s *Server) campaignDeadlines(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, dls, err := s.app.CampaignDeadlines(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(dls, len(dls)))
	return nil
}

func (s *Server) createDeadlineOverride(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct {
		Week     domain.Date `json:"week"`
		Deadline string      `json:"deadline"`
		Reason   string      `json:"reason"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	dl, err := parseInstant("deadline", body.Deadline)
	if err != nil {
		return err
	}
	info, err := s.app.MoveDeadline(r.Context(), a, id, domain.DeadlineOverride{Week: body.Week, Deadline: dl, Reason: body.Reason})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, info)
	return nil
}

func (s *Server) listFinalSummaries(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	q, err := summaryQuery(r)
	if err != nil {
		return err
	}
	_, items, err := s.app.FinalSummaries(r.Context(), a, q.CampaignID, q.OrgID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, len(items)))
	return nil
}

// receiveFinalSummary parses a multipart upload of a summary scan
// (file, org_id, campaign_id) within the size limit and stores it.
func (s *Server) receiveFinalSummary(w http.ResponseWriter, r *http.Request, a *domain.Actor) (*domain.FinalSummary, error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.maxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &domain.Error{Code: domain.ETOOLARGE, Field: "file", Message: "文件过大（上限 " + strconv.FormatInt(s.maxUpload>>20, 10) + " MiB）"}
		}
		return nil, domain.Invalid("file", "请以 multipart/form-data 上传文件")
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, domain.Invalid("file", "请选择盖章扫描件")
	}
	defer f.Close()
	in := app.FinalSummaryInput{Filename: hdr.Filename, Reader: f, MaxBytes: s.maxUpload}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"org_id", &in.OrgID}, {"campaign_id", &in.CampaignID}} {
		if v := r.FormValue(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return nil, domain.Invalid(p.name, "%s 应为数字", p.name)
			}
			*p.dst = n
		}
	}
	return s.app.UploadFinalSummary(r.Context(), a, in)
}

func (s *Server) uploadFinalSummary(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	x, err := s.receiveFinalSummary(w, r, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (s *Server) getFinalSummary(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.app.FinalSummary(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (s *Server) signFinalSummary(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.app.SignFinalSummary(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (s *Server) serveFinalSummary(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, f, err := s.app.OpenFinalSummary(r.Context(), a, id)
	if err != nil {
		return err
	}
	defer f.Close()
	serveStoredFile(w, x.ContentType, x.Filename, x.Size, f)
	return nil
}
