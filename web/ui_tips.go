package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// uiTips registers the public pages (/tip, /tip/{code}: no login, no
// JavaScript needed) and the staff pages under /tips.
func (s *Server) uiTips(mux *http.ServeMux, lim *rateLimiter) {
	mux.HandleFunc("GET /tip", s.tipFormPage)
	mux.HandleFunc("POST /tip", s.limited(lim, s.tipTooMany, s.tipSubmit))
	mux.HandleFunc("GET /tip/{code}", s.tipFollowPage)

	mux.HandleFunc("GET /tips", s.page(s.tipsPage))
	mux.HandleFunc("GET /tips/new", s.page(s.tipNewPage))
	mux.HandleFunc("POST /tips", s.page(s.tipEnter))
	mux.HandleFunc("POST /tips/rule", s.page(s.tipRuleSubmit))
	mux.HandleFunc("POST /tips/export.csv", s.page(s.tipExport))
	mux.HandleFunc("GET /tips/{id}", s.page(s.tipPage))
	mux.HandleFunc("POST /tips/{id}/actions", s.page(s.tipActionSubmit))
	mux.HandleFunc("POST /tips/{id}/reveal", s.page(s.tipRevealSubmit))
	mux.HandleFunc("POST /tips/{id}/ref", s.page(s.tipRefSubmit))
	mux.HandleFunc("GET /tips/{id}/files/{file}", s.page(s.tipFile))
}

// tipForm is what the tip forms (public and manual entry) post.
type tipForm struct {
	Channel     domain.TipChannel
	RefNo       string
	Category    domain.Category
	UnitName    string
	Address     string
	Lat, Lng    string
	Description string
	Anonymous   bool
	Name        string
	Phone       string
	IDNumber    string
	Contact     string
}

type tipFormData struct {
	Categories []domain.Category
	Channels   []domain.TipChannel
	Form       tipForm
	Error      *formError
	Key        string
	NoCampaign bool
}

func (s *Server) tipFormData(r *http.Request) (*tipFormData, error) {
	d := &tipFormData{Key: newFormKey(), Channels: []domain.TipChannel{domain.ChannelHotline, domain.ChannelLetter, domain.ChannelVisit}}
	camp, err := s.app.ResolveCampaign(r.Context(), 0)
	if err != nil {
		if domain.ErrorCode(err) != domain.EINVALID {
			return nil, err
		}
		d.NoCampaign = true
		return d, nil
	}
	d.Categories = camp.Categories
	return d, nil
}

// tipFormPage is the public report form; ?code= looks a report up.
func (s *Server) tipFormPage(w http.ResponseWriter, r *http.Request) {
	if code := strings.TrimSpace(r.URL.Query().Get("code")); code != "" {
		http.Redirect(w, r, "/tip/"+url.PathEscape(code), http.StatusSeeOther)
		return
	}
	d, err := s.tipFormData(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tip_new.html", "tip.title", d, "")
}

// readTipForm reads a tip form; files are opened and closed by the caller.
func readTipForm(r *http.Request) (tipForm, app.TipInput, error) {
	f := tipForm{Channel: domain.TipChannel(r.FormValue("channel")), RefNo: r.FormValue("ref_no"),
		Category: domain.Category(r.FormValue("category")), UnitName: r.FormValue("unit_name"), Address: r.FormValue("address"),
		Lat: strings.TrimSpace(r.FormValue("lat")), Lng: strings.TrimSpace(r.FormValue("lng")), Description: r.FormValue("description"),
		Anonymous: r.FormValue("anonymous") == "1", Name: r.FormValue("name"), Phone: r.FormValue("phone"),
		IDNumber: r.FormValue("id_number"), Contact: r.FormValue("contact")}
	in := app.TipInput{Channel: f.Channel, RefNo: f.RefNo, Category: f.Category, UnitName: f.UnitName, Address: f.Address,
		Description: f.Description, IdempotencyKey: idempotencyKey(r),
		Reporter: domain.Reporter{Phone: domain.Sensitive(f.Phone), Contact: domain.Sensitive(f.Contact)}}
	if !f.Anonymous {
		in.Reporter.Name, in.Reporter.IDNumber = domain.Sensitive(f.Name), domain.Sensitive(f.IDNumber)
	}
	var err error
	if in.Lat, err = optFloat(f.Lat, "lat"); err != nil {
		return f, in, err
	}
	in.Lng, err = optFloat(f.Lng, "lng")
	return f, in, err
}

// tipSubmit receives a report from the public page.
func (s *Server) tipSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, app.MaxTipFiles*s.maxUpload+tipFormMaxField)
	perr := r.ParseMultipartForm(8 << 20)
	fail := func(status int, f tipForm, err error) {
		d, derr := s.tipFormData(r)
		if derr != nil {
			s.renderError(w, r, derr)
			return
		}
		d.Form, d.Error, d.Key = f, asFormError(err), idempotencyKey(r)
		s.render(w, r, status, "tip_new.html", "tip.title", d, "")
	}
	if perr != nil && perr != http.ErrNotMultipart {
		fail(http.StatusRequestEntityTooLarge, tipForm{}, &domain.Error{Code: domain.ETOOLARGE, Field: "photos", Message: translate(langOf(r), "tip.err.too_large")})
		return
	}
	f, in, err := readTipForm(r)
	in.Channel, f.Channel = domain.ChannelWeb, domain.ChannelWeb
	var rc *app.TipReceipt
	if err == nil {
		var closeAll func()
		if in.Files, closeAll, err = formFiles(r.MultipartForm, "photos"); err == nil {
			defer closeAll()
			in.MaxFileBytes = s.maxUpload
			rc, err = s.app.SubmitTip(r.Context(), in)
		}
	}
	if err != nil {
		if !userError(err) {
			s.renderError(w, r, err)
			return
		}
		fail(statusOf(domain.ErrorCode(err)), f, err)
		return
	}
	http.Redirect(w, r, "/tip/"+rc.FollowCode+"?new=1", http.StatusSeeOther)
}

// tipTooMany answers a client over the public page's rate limit.
func (s *Server) tipTooMany(w http.ResponseWriter, r *http.Request) {
	mins, _ := strconv.Atoi(w.Header().Get("Retry-After"))
	s.render(w, r, http.StatusTooManyRequests, "error.html", "tip.err.rate_title",
		translate(langOf(r), "tip.too_many", max((mins+59)/60, 1)), "")
}

type tipFollowData struct {
	Tip  *app.PublicTip
	Code string
	New  bool
}

// tipFollowPage shows a report's progress to whoever holds its code.
func (s *Server) tipFollowPage(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	w.Header().Set("Cache-Control", "no-store")
	p, err := s.app.FollowTip(r.Context(), code)
	if err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			s.render(w, r, http.StatusNotFound, "error.html", "tip.follow", translate(langOf(r), "tip.notfound"), "")
			return
		}
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tip_follow.html", "tip.follow", tipFollowData{Tip: p, Code: strings.ToUpper(code), New: r.URL.Query().Get("new") == "1"}, "")
}

// ---- staff pages ----

type tipsData struct {
	Items       []*domain.Tip
	Total       int
	Query       app.TipQuery
	Towns       []*domain.OrgUnit
	Figures     *domain.TipFigures
	Alerts      []domain.TipAlert
	Undelivered int
	Auto12350   bool
	Rule        domain.RewardRule
	Page, Pages int
	Error       *formError
	Statuses    []domain.TipStatus
	Channels    []domain.TipChannel
}

// PageURL is the list's address on page n with the same filter.
func (d *tipsData) PageURL(n int) string {
	q := url.Values{}
	if d.Query.Status != "" {
		q.Set("status", string(d.Query.Status))
	}
	if d.Query.Channel != "" {
		q.Set("channel", string(d.Query.Channel))
	}
	if d.Query.OrgID != 0 {
		q.Set("org_id", strconv.FormatInt(d.Query.OrgID, 10))
	}
	q.Set("page", strconv.Itoa(n))
	return "/tips?" + q.Encode()
}

// RulePercent shows a rate in basis points as a percentage.
func (d *tipsData) RulePercent() string { return bpPercent(d.Rule.RateBP) }

func bpPercent(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if r := bp % 100; r != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%02d", r), "0")
	}
	return s
}

func (s *Server) tipsPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	return s.renderTips(w, r, a, http.StatusOK, nil)
}

func (s *Server) renderTips(w http.ResponseWriter, r *http.Request, a *domain.Actor, status int, ferr *formError) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := &tipsData{Error: ferr, Auto12350: s.app.Configured12350(), Statuses: domain.TipStatuses, Channels: domain.TipChannels}
	d.Query.Status, d.Query.Channel = domain.TipStatus(q.Get("status")), domain.TipChannel(q.Get("channel"))
	d.Query.OrgID, _ = strconv.ParseInt(q.Get("org_id"), 10, 64)
	d.Query.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Query.Page, 1)
	d.Query.PerPage = 30
	if _, err := s.app.ResolveCampaign(ctx, 0); err != nil {
		if domain.ErrorCode(err) != domain.EINVALID {
			return err
		}
		s.render(w, r, status, "tips.html", "tips.title", d, "")
		return nil
	}
	var err error
	if d.Items, d.Total, err = s.app.Tips(ctx, a, d.Query); err != nil {
		if !userError(err) {
			return err
		}
		d.Error, d.Query = asFormError(err), app.TipQuery{PerPage: 30}
		if d.Items, d.Total, err = s.app.Tips(ctx, a, d.Query); err != nil {
			return err
		}
	}
	d.Pages = (d.Total + 29) / 30
	if d.Figures, err = s.app.TipFigures(ctx, a, 0); err != nil {
		return err
	}
	for _, l := range d.Figures.ByTown {
		if l.OrgID != 0 && len(d.Figures.ByTown) > 1 {
			d.Towns = append(d.Towns, &domain.OrgUnit{ID: l.OrgID, Name: l.Name})
		}
	}
	if d.Alerts, err = s.app.TipAlerts(ctx, a, 0); err != nil {
		return err
	}
	if d.Rule, err = s.app.RewardRule(ctx, a, 0); err != nil {
		return err
	}
	if domain.RoleMay(a.Role(), domain.ActEnterTips) {
		und, err := s.app.Undelivered12350(ctx, a)
		if err != nil {
			return err
		}
		d.Undelivered = len(und)
	}
	s.render(w, r, status, "tips.html", "tips.title", d, s.takeFlash(w, r))
	return nil
}

func (s *Server) tipNewPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	if !domain.RoleMay(a.Role(), domain.ActEnterTips) {
		return domain.Forbidden()
	}
	d, err := s.tipFormData(r)
	if err != nil {
		return err
	}
	d.Form.Channel = domain.ChannelHotline
	s.render(w, r, http.StatusOK, "tip_entry.html", "tipn.title", d, "")
	return nil
}

// tipEnter records a hotline, letter or visit tip from the staff form.
func (s *Server) tipEnter(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	r.Body = http.MaxBytesReader(w, r.Body, app.MaxTipFiles*s.maxUpload+tipFormMaxField)
	perr := r.ParseMultipartForm(8 << 20)
	f, in, err := readTipForm(r)
	if perr != nil && perr != http.ErrNotMultipart {
		err = &domain.Error{Code: domain.ETOOLARGE, Field: "photos", Message: translate(langOf(r), "tip.err.too_large")}
	}
	var rc *app.TipReceipt
	if err == nil {
		var closeAll func()
		if in.Files, closeAll, err = formFiles(r.MultipartForm, "photos"); err == nil {
			defer closeAll()
			in.MaxFileBytes = s.maxUpload
			rc, err = s.app.EnterTip(r.Context(), a, in)
		}
	}
	if err != nil {
		if !userError(err) {
			return err
		}
		d, derr := s.tipFormData(r)
		if derr != nil {
			return derr
		}
		d.Form, d.Error, d.Key = f, asFormError(err), in.IdempotencyKey
		s.render(w, r, statusOf(domain.ErrorCode(err)), "tip_entry.html", "tipn.title", d, "")
		return nil
	}
	s.redirectFlash(w, r, fmt.Sprintf("/tips/%d", rc.Tip.ID), translate(langOf(r), "tips.saved"))
	return nil
}

func (s *Server) tipRuleSubmit(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	rule := domain.RewardRule{}
	var err error
	if rule.RateBP, err = formInt(r, "rate_bp"); err == nil {
		if rule.MinFen, err = domain.ParseYuan("min_fen", r.FormValue("min_yuan")); err == nil {
			rule.MaxFen, err = domain.ParseYuan("max_fen", r.FormValue("max_yuan"))
		}
	}
	if err == nil {
		var pay, fb int64
		if pay, err = formInt(r, "pay_days"); err == nil {
			if fb, err = formInt(r, "feedback_days"); err == nil {
				rule.PayDays, rule.FeedbackDays = int(pay), int(fb)
				_, err = s.app.SetRewardRule(r.Context(), a, rule)
			}
		}
	}
	if err != nil {
		if !userError(err) {
			return err
		}
		return s.renderTips(w, r, a, statusOf(domain.ErrorCode(err)), asFormError(err))
	}
	s.redirectFlash(w, r, "/tips", translate(langOf(r), "tips.saved"))
	return nil
}

// tipData is the staff's page of one tip.
type tipData struct {
	View     *app.TipView
	Actions  []domain.TipAction
	Towns    []*domain.OrgUnit
	Villages map[int64][]*domain.OrgUnit // by town
	Cases    []*domain.Case              // the town's cases, to link
	Revealed *domain.Reporter
	Error    *formError
	Today    domain.Date
	Methods  []domain.PayMethod
	Public   string // the status the reporter sees
}

// Has reports whether the actor may take action now.
func (d *tipData) Has(action string) bool {
	for _, a := range d.Actions {
		if string(a) == action {
			return true
		}
	}
	return false
}

// IsFirst reports whether tip id is the first report of the matter.
func (d *tipData) IsFirst(id int64) bool { return d.View.FirstID == id }

func (s *Server) tipPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderTip(w, r, a, id, http.StatusOK, nil, nil)
}

func (s *Server) renderTip(w http.ResponseWriter, r *http.Request, a *domain.Actor, id int64, status int, ferr *formError, revealed *domain.Reporter) error {
	ctx := r.Context()
	v, err := s.app.Tip(ctx, a, id)
	if err != nil {
		return err
	}
	d := &tipData{View: v, Error: ferr, Revealed: revealed, Today: domain.DateOf(s.clock.Now(), shanghai),
		Methods: []domain.PayMethod{domain.PayBank, domain.PayCash, domain.PayOther}, Villages: map[int64][]*domain.OrgUnit{},
		Public: v.Tip.PublicStatus()}
	order := []domain.TipAction{domain.TipDispatch, domain.TipVerifyTrue, domain.TipVerifyFalse, domain.TipMarkDuplicate,
		domain.TipLinkCase, domain.TipApproveReward, domain.TipPayReward, domain.TipFeedback}
	for _, act := range order {
		if _, err := domain.TipTransition(v.Tip, act, a.Role()); err == nil {
			d.Actions = append(d.Actions, act)
		}
	}
	if d.Has(string(domain.TipDispatch)) {
		towns, villages, err := s.villages(r, a)
		if err != nil {
			return err
		}
		d.Towns = towns
		for _, vl := range villages {
			if vl.ParentID != nil {
				d.Villages[*vl.ParentID] = append(d.Villages[*vl.ParentID], vl)
			}
		}
	}
	if d.Has(string(domain.TipLinkCase)) && v.Tip.OrgID != nil {
		if d.Cases, _, err = s.app.Cases(ctx, a, app.CaseFilter{CampaignID: v.Tip.CampaignID, OrgID: *v.Tip.OrgID, Limit: 200}); err != nil {
			return err
		}
	}
	if revealed != nil {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, status, "tip.html", "tips.title", d, s.takeFlash(w, r))
	return nil
}

func (s *Server) tipActionSubmit(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, app.MaxTipFiles*s.maxUpload+tipFormMaxField)
	perr := r.ParseMultipartForm(8 << 20)
	in, err := tipActionForm(r)
	if perr != nil && perr != http.ErrNotMultipart {
		err = &domain.Error{Code: domain.ETOOLARGE, Field: "file", Message: translate(langOf(r), "tip.err.too_large")}
	}
	if err == nil {
		var closeAll func()
		if in.Files, closeAll, err = formFiles(r.MultipartForm, "file"); err == nil {
			defer closeAll()
			in.MaxFileBytes = s.maxUpload
			_, err = s.app.TipAction(r.Context(), a, id, in)
		}
	}
	if err != nil {
		if !userError(err) {
			return err
		}
		return s.renderTip(w, r, a, id, statusOf(domain.ErrorCode(err)), asFormError(err), nil)
	}
	s.redirectFlash(w, r, fmt.Sprintf("/tips/%d", id), translate(langOf(r), "tips.saved"))
	return nil
}

// tipRevealSubmit shows the reporter to the district office, for a reason,
// on this response only (never stored in a page cache).
func (s *Server) tipRevealSubmit(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rep, err := s.app.RevealReporter(r.Context(), a, id, r.FormValue("reason"))
	if err != nil {
		if !userError(err) {
			return err
		}
		return s.renderTip(w, r, a, id, statusOf(domain.ErrorCode(err)), asFormError(err), nil)
	}
	return s.renderTip(w, r, a, id, http.StatusOK, nil, &rep)
}

func (s *Server) tipRefSubmit(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.app.RecordTipRef(r.Context(), a, id, r.FormValue("ref_no")); err != nil {
		if !userError(err) {
			return err
		}
		return s.renderTip(w, r, a, id, statusOf(domain.ErrorCode(err)), asFormError(err), nil)
	}
	s.redirectFlash(w, r, fmt.Sprintf("/tips/%d", id), translate(langOf(r), "tips.saved"))
	return nil
}
