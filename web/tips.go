package web

import (
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// Public tips (举报): the JSON API under /api/v1/tips, the public pages /tip
// and /tip/{code}, the staff pages under /tips (ui_tips.go) and Open311
// GeoReport v2 (open311.go). The public endpoints are rate-limited per
// client address.

// Rate limits of the public POSTs, per client address and window: the phone
// page is for people, Open311 for partner apps that post for many people.
const (
	tipPageLimit    = 10
	open311Limit    = 120
	tipLimitWindow  = 10 * time.Minute
	open311MaxBody  = 64 << 10
	tipFormMaxField = 1 << 20
)

// tipRoutes registers every route of the tips area.
func (s *Server) tipRoutes(mux *http.ServeMux) {
	pageLim := newRateLimiter(s.clock, tipPageLimit, tipLimitWindow)
	o311Lim := newRateLimiter(s.clock, open311Limit, tipLimitWindow)

	mux.HandleFunc("GET /api/v1/tips", s.api(s.apiTips))
	mux.HandleFunc("POST /api/v1/tips", s.api(s.apiEnterTip))
	mux.HandleFunc("GET /api/v1/tips/{id}", s.api(s.apiTip))
	mux.HandleFunc("POST /api/v1/tips/{id}/actions", s.api(s.apiTipAction))
	mux.HandleFunc("POST /api/v1/tips/{id}/reveal", s.api(s.apiTipReveal))
	mux.HandleFunc("POST /api/v1/tips/{id}/ref", s.api(s.apiTipRef))
	mux.HandleFunc("GET /api/v1/tips/{id}/files/{file}", s.api(s.tipFile))
	mux.HandleFunc("GET /api/v1/tips/figures", s.api(s.apiTipFigures))
	mux.HandleFunc("GET /api/v1/tips/alerts", s.api(s.apiTipAlerts))
	mux.HandleFunc("GET /api/v1/tips/rule", s.api(s.apiTipRule))
	mux.HandleFunc("PUT /api/v1/tips/rule", s.api(s.apiSetTipRule))
	mux.HandleFunc("POST /api/v1/tips/export.csv", s.api(s.tipExport))

	s.uiTips(mux, pageLim)
	s.open311(mux, o311Lim)
}

// rateLimiter counts requests per client address in fixed windows.
type rateLimiter struct {
	mu     sync.Mutex
	clock  domain.Clock
	limit  int
	window time.Duration
	seen   map[string]*rateWindow
}

type rateWindow struct {
	start time.Time
	n     int
}

func newRateLimiter(clock domain.Clock, limit int, window time.Duration) *rateLimiter {
	return &rateLimiter{clock: clock, limit: limit, window: window, seen: map[string]*rateWindow{}}
}

// allow counts one request from key; when over the limit it answers false
// and how long until the window ends.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if len(l.seen) > 10000 {
		for k, w := range l.seen {
			if now.Sub(w.start) >= l.window {
				delete(l.seen, k)
			}
		}
	}
	w := l.seen[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &rateWindow{start: now}
		l.seen[key] = w
	}
	w.n++
	if w.n > l.limit {
		return false, w.start.Add(l.window).Sub(now)
	}
	return true, 0
}

// clientAddr is who a public request counts against: the peer address, or
// behind a trusted proxy the address the proxy saw (the last hop of
// X-Forwarded-For, which the client cannot forge past the proxy).
func (s *Server) clientAddr(r *http.Request) string {
	if s.trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if last := strings.TrimSpace(parts[len(parts)-1]); last != "" {
				return last
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limited answers 429 with Retry-After when the client is over the limit;
// refuse writes the body in the endpoint's own format.
func (s *Server) limited(l *rateLimiter, refuse func(w http.ResponseWriter, r *http.Request), next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := l.allow(s.clientAddr(r)); !ok {
			secs := int(wait / time.Second)
			if wait%time.Second != 0 {
				secs++
			}
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			refuse(w, r)
			return
		}
		next(w, r)
	}
}

// tipJSON is a tip as the API shows it to staff: never the reporter.
type tipJSON struct {
	*domain.Tip
	VillageName        string                   `json:"village_name,omitempty"`
	PossibleDuplicates []int64                  `json:"possible_duplicates"`
	FirstReportID      int64                    `json:"first_report_id"`
	CaseProblemNo      string                   `json:"case_problem_no,omitempty"`
	RewardSuggestion   *domain.RewardSuggestion `json:"reward_suggestion,omitempty"`
	Files              []*app.TipFile           `json:"files"`
	Alerts             []domain.TipAlert        `json:"alerts"`
	Outbox             *app.OutboxItem          `json:"outbox_12350,omitempty"`
}

func viewJSON(v *app.TipView) tipJSON {
	out := tipJSON{Tip: v.Tip, VillageName: v.VillageName, PossibleDuplicates: []int64{}, FirstReportID: v.FirstID,
		CaseProblemNo: v.CaseNo, RewardSuggestion: v.Suggestion, Files: v.Files, Alerts: v.Alerts, Outbox: v.Outbox}
	for _, d := range v.Duplicates {
		out.PossibleDuplicates = append(out.PossibleDuplicates, d.ID)
	}
	if out.Alerts == nil {
		out.Alerts = []domain.TipAlert{}
	}
	return out
}

func (s *Server) apiTips(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	q := r.URL.Query()
	var in app.TipQuery
	var err error
	if in.CampaignID, err = queryID(r, "campaign_id"); err != nil {
		return err
	}
	if in.OrgID, err = queryID(r, "org_id"); err != nil {
		return err
	}
	in.Status, in.Channel = domain.TipStatus(q.Get("status")), domain.TipChannel(q.Get("channel"))
	in.Page, _ = strconv.Atoi(q.Get("page"))
	in.PerPage, _ = strconv.Atoi(q.Get("per_page"))
	items, total, err := s.app.Tips(r.Context(), a, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, total))
	return nil
}

func (s *Server) apiTip(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.app.Tip(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewJSON(v))
	return nil
}

// apiEnterTip records a hotline, letter or visit tip (district office).
func (s *Server) apiEnterTip(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var in app.TipInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	in.IdempotencyKey = idempotencyKey(r)
	rc, err := s.app.EnterTip(r.Context(), a, in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if rc.Replayed {
		status = http.StatusOK
	}
	writeJSON(w, status, struct {
		*domain.Tip
		FollowCode string `json:"follow_code"`
	}{rc.Tip, rc.FollowCode})
	return nil
}

// apiTipAction takes one step; JSON, or multipart with evidence files
// ("file") beside the same fields.
func (s *Server) apiTipAction(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in app.TipActionInput
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, app.MaxTipFiles*s.maxUpload+tipFormMaxField)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return &domain.Error{Code: domain.ETOOLARGE, Field: "file", Message: "文件过大"}
		}
		if in, err = tipActionForm(r); err != nil {
			return err
		}
		files, closeAll, err := formFiles(r.MultipartForm, "file")
		if err != nil {
			return err
		}
		defer closeAll()
		in.Files, in.MaxFileBytes = files, s.maxUpload
	} else if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	tip, err := s.app.TipAction(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tip)
	return nil
}

// tipActionForm reads an action's fields from a form (pages, multipart API).
func tipActionForm(r *http.Request) (app.TipActionInput, error) {
	in := app.TipActionInput{Action: domain.TipAction(r.FormValue("action")), Note: r.FormValue("note"),
		PaidDate: domain.Date(strings.TrimSpace(r.FormValue("paid_date"))), Method: r.FormValue("method"),
		PaidRef: r.FormValue("paid_ref"), Text: r.FormValue("text")}
	var err error
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"version", &in.Version}, {"org_id", &in.OrgID}, {"village_id", &in.VillageID},
		{"duplicate_of", &in.DuplicateOf}, {"case_id", &in.CaseID}} {
		if *f.dst, err = formInt(r, f.name); err != nil {
			return in, err
		}
	}
	if v := strings.TrimSpace(r.FormValue("amount_yuan")); v != "" {
		fen, err := domain.ParseYuan("amount_fen", v)
		if err != nil {
			return in, err
		}
		in.AmountFen = &fen
	}
	if in.Action == domain.TipLinkCase && r.FormValue("new_case") == "1" {
		in.NewCase = &app.CaseInput{}
	}
	return in, nil
}

// formFiles opens the non-empty files of a multipart field.
func formFiles(mf *multipart.Form, field string) ([]app.FileInput, func(), error) {
	var out []app.FileInput
	var open []multipart.File
	closeAll := func() {
		for _, f := range open {
			f.Close()
		}
	}
	if mf == nil {
		return nil, closeAll, nil
	}
	for _, fh := range mf.File[field] {
		if fh.Size == 0 {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			closeAll()
			return nil, func() {}, err
		}
		open = append(open, f)
		out = append(out, app.FileInput{Filename: fh.Filename, Reader: f})
	}
	return out, closeAll, nil
}

func (s *Server) apiTipReveal(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	rep, err := s.app.RevealReporter(r.Context(), a, id, in.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) apiTipRef(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		RefNo string `json:"ref_no"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	tip, err := s.app.RecordTipRef(r.Context(), a, id, in.RefNo)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tip)
	return nil
}

func (s *Server) tipFile(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := pathID(r, "file")
	if err != nil {
		return err
	}
	f, rc, err := s.app.TipFileContent(r.Context(), a, id, fid)
	if err != nil {
		return err
	}
	defer rc.Close()
	serveStoredFile(w, f.ContentType, f.Filename, f.Size, rc)
	return nil
}

func (s *Server) apiTipFigures(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	cid, err := queryID(r, "campaign_id")
	if err != nil {
		return err
	}
	fig, err := s.app.TipFigures(r.Context(), a, cid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fig)
	return nil
}

func (s *Server) apiTipAlerts(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	cid, err := queryID(r, "campaign_id")
	if err != nil {
		return err
	}
	al, err := s.app.TipAlerts(r.Context(), a, cid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(al, len(al)))
	return nil
}

func (s *Server) apiTipRule(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	cid, err := queryID(r, "campaign_id")
	if err != nil {
		return err
	}
	rule, err := s.app.RewardRule(r.Context(), a, cid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rule)
	return nil
}

func (s *Server) apiSetTipRule(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var rule domain.RewardRule
	if err := decodeJSON(w, r, &rule); err != nil {
		return err
	}
	out, err := s.app.SetRewardRule(r.Context(), a, rule)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// tipExport hands the tips not yet in 12350 over as a CSV batch (UTF-8 with
// a BOM, so that Excel reads it). The reporter is never in it.
func (s *Server) tipExport(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	rows, err := s.app.Export12350(r.Context(), a)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"12350-batch-%s.csv\"", s.clock.Now().In(shanghai).Format("20060102-1504")))
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Write([]string{"举报编号", "受理时间", "渠道", "问题类别", "被举报单位", "地址", "纬度", "经度", "问题描述", "属地", "匿名", "可联系"})
	yes := func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	}
	coord := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 6, 64)
	}
	for _, t := range rows {
		cw.Write([]string{strconv.FormatInt(t.TipID, 10), t.ReceivedAt, t.ChannelName, t.CategoryName, csvSafe(t.UnitName),
			csvSafe(t.Address), coord(t.Lat), coord(t.Lng), csvSafe(t.Description), t.Town, yes(t.Anonymous), yes(t.Contactable)})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from running a cell typed by the public as a
// formula.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// withTipFigures adds the tip figures to the dashboard's JSON for those who
// may see tips.
func (s *Server) withTipFigures(r *http.Request, a *domain.Actor, d *app.Dashboard) (any, error) {
	if !domain.RoleMay(a.Role(), domain.ActReadTips) {
		return d, nil
	}
	fig, err := s.app.TipFigures(r.Context(), a, d.CampaignID)
	if err != nil {
		return nil, err
	}
	return struct {
		*app.Dashboard
		Tips *domain.TipFigures `json:"tips"`
	}{d, fig}, nil
}
