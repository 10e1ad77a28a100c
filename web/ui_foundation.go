package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// uiFoundation registers login, the dashboard, users, org tree and campaigns pages.
func (s *Server) uiFoundation(mux *http.ServeMux) {
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginSubmit)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /lang", s.switchLang)
	mux.HandleFunc("GET /{$}", s.page(s.homePage))
	mux.HandleFunc("GET /dashboard", s.page(s.dashboardPage))
	mux.HandleFunc("GET /users", s.page(s.usersPage))
	mux.HandleFunc("POST /users", s.page(s.usersCreate))
	mux.HandleFunc("POST /users/{id}", s.page(s.usersUpdate))
	mux.HandleFunc("GET /orgs", s.page(s.orgsPage))
	mux.HandleFunc("GET /campaigns", s.page(s.campaignsPage))
	mux.HandleFunc("POST /campaigns", s.page(s.campaignsCreate))
}

// page wraps a page handler that needs a logged-in user: no user → login page.
func (s *Server) page(h func(w http.ResponseWriter, r *http.Request, a *domain.Actor) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := actorOf(r)
		if a == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if err := h(w, r, a); err != nil {
			s.renderError(w, r, err)
		}
	}
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login.html", "login.title", map[string]string{"Next": safeNext(r.URL.Query().Get("next"))}, "")
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.FormValue("next"))
	a, err := s.app.Authenticate(r.Context(), r.FormValue("username"), r.FormValue("password"))
	if err != nil {
		if domain.ErrorCode(err) == domain.EINTERNAL {
			s.renderError(w, r, err)
			return
		}
		data := map[string]string{"Next": next, "Username": r.FormValue("username"), "Error": translate(langOf(r), "login.failed")}
		s.render(w, r, http.StatusUnauthorized, "login.html", "login.title", data, "")
		return
	}
	secret, err := s.app.CreateToken(r.Context(), a, domain.TokenSession)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.setSession(w, r, secret)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if a := actorOf(r); a != nil {
		if c, err := r.Cookie(sessionCookie); err == nil {
			if err := s.app.RevokeToken(r.Context(), a, c.Value); err != nil {
				s.log.Error("logout", "err", err)
			}
		}
	}
	s.clearSession(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	l := LangZH
	if strings.HasPrefix(r.URL.Query().Get("to"), "en") {
		l = LangEN
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	back := r.Referer()
	if u, err := url.Parse(back); err == nil && u.Host == r.Host {
		http.Redirect(w, r, safeNext(u.RequestURI()), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// dashboardData is the first screen. Later issues add their figures.
type dashboardData struct {
	Campaign *domain.Campaign
	Figures  *app.Dashboard
	Chart    string // ECharts option (JSON) for cases by status
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var d dashboardData
	c, err := s.app.ResolveCampaign(r.Context(), 0)
	if err == nil {
		d.Campaign = c
		if d.Figures, err = s.app.Dashboard(r.Context(), a, 0, c.ID); err != nil {
			return err
		}
		d.Chart = statusChart(d.Figures, langOf(r))
	} else if domain.ErrorCode(err) != domain.EINVALID {
		return err
	}
	s.render(w, r, http.StatusOK, "dashboard.html", "nav.dashboard", d, "")
	return nil
}

// usersData backs the users page: the list and the choices for a new user.
type usersData struct {
	Users []app.UserOrg
	// Manage marks the users this actor may reset or deactivate.
	Manage map[int64]bool
	Orgs   []*domain.OrgUnit
	Roles  []domain.Role
	Form   app.UserInput
	Error  string
	Field  string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	return s.renderUsers(w, r, a, http.StatusOK, usersData{}, s.takeFlash(w, r))
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, a *domain.Actor, status int, d usersData, flash string) error {
	var err error
	if d.Users, err = s.app.Users(r.Context(), a); err != nil {
		return err
	}
	if d.Orgs, err = s.app.VisibleOrgs(r.Context(), a); err != nil {
		return err
	}
	byID := map[int64]*domain.OrgUnit{}
	for _, o := range d.Orgs {
		byID[o.ID] = o
	}
	d.Manage = map[int64]bool{}
	for _, u := range d.Users {
		if o := byID[u.OrgID]; o != nil && u.ID != a.User.ID && domain.ManageUser(a, u.Role, o) == nil {
			d.Manage[u.ID] = true
		}
	}
	for _, role := range domain.Roles {
		// Offer only the roles this actor may create somewhere.
		for _, o := range d.Orgs {
			if role.Fits(o) && domain.ManageUser(a, role, o) == nil {
				d.Roles = append(d.Roles, role)
				break
			}
		}
	}
	s.render(w, r, status, "users.html", "users.title", d, flash)
	return nil
}

func (s *Server) usersCreate(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	orgID, _ := strconv.ParseInt(r.FormValue("org_id"), 10, 64)
	in := app.UserInput{Username: r.FormValue("username"), Password: r.FormValue("password"),
		DisplayName: r.FormValue("display_name"), Role: domain.Role(r.FormValue("role")), OrgID: orgID}
	u, err := s.app.CreateUser(r.Context(), a, in)
	if err != nil {
		if c := domain.ErrorCode(err); c == domain.EINTERNAL || c == domain.EFORBIDDEN {
			return err
		}
		in.Password = ""
		return s.renderUsers(w, r, a, statusOf(domain.ErrorCode(err)), usersData{Form: in, Error: domain.ErrorMessage(err), Field: domain.ErrorField(err)}, "")
	}
	s.redirectFlash(w, r, "/users", translate(langOf(r), "users.created", u.Username))
	return nil
}

func (s *Server) usersUpdate(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	switch r.FormValue("op") {
	case "deactivate":
		err = s.app.SetUserActive(r.Context(), a, id, false)
	case "activate":
		err = s.app.SetUserActive(r.Context(), a, id, true)
	case "reset":
		err = s.app.ResetPassword(r.Context(), a, id, r.FormValue("password"))
	case "place":
		var org int64
		if org, err = formInt(r, "org_id"); err == nil {
			_, err = s.app.PlaceUser(r.Context(), a, id, domain.Role(r.FormValue("role")), org)
		}
	default:
		err = domain.Invalid("op", "未知操作")
	}
	if err != nil {
		if domain.ErrorCode(err) == domain.EINVALID {
			return s.renderUsers(w, r, a, http.StatusBadRequest, usersData{Error: domain.ErrorMessage(err), Field: domain.ErrorField(err)}, "")
		}
		return err
	}
	s.redirectFlash(w, r, "/users", translate(langOf(r), "users.updated"))
	return nil
}

func (s *Server) orgsPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	orgs, err := s.app.VisibleOrgs(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "orgs.html", "orgs.title", orgs, "")
	return nil
}

type campaignsData struct {
	Campaigns []*domain.Campaign
	Error     string
	Field     string
}

func (s *Server) campaignsPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	cs, err := s.app.Campaigns(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "campaigns.html", "camp.title", campaignsData{Campaigns: cs}, s.takeFlash(w, r))
	return nil
}

func (s *Server) campaignsCreate(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	wd, _ := strconv.Atoi(r.FormValue("deadline_weekday"))
	in := campaignInput{Name: r.FormValue("name"), DocNo: r.FormValue("doc_no"), StartDate: r.FormValue("start_date"),
		EndDate: r.FormValue("end_date"), DeadlineWeekday: &wd, DeadlineTime: r.FormValue("deadline_time"),
		SummaryDueDate: r.FormValue("summary_due_date")}
	var err error
	if r.Form.Has("done_photos") {
		in.CloseoutEvidence = &domain.EvidenceRule{ClearsPhotos: r.FormValue("clears_photos") == "1"}
		if in.CloseoutEvidence.DonePhotos, err = strconv.Atoi(strings.TrimSpace(r.FormValue("done_photos"))); err != nil {
			err = domain.Invalid("closeout_evidence.done_photos", "整改完成照片张数应为数字")
		}
	}
	var c domain.Campaign
	if err == nil {
		c, err = in.campaign()
	}
	if err == nil {
		_, err = s.app.CreateCampaign(r.Context(), a, c)
	}
	if err != nil {
		if domain.ErrorCode(err) != domain.EINVALID {
			return err
		}
		cs, lerr := s.app.Campaigns(r.Context(), a)
		if lerr != nil {
			return lerr
		}
		s.render(w, r, http.StatusBadRequest, "campaigns.html", "camp.title", campaignsData{Campaigns: cs, Error: domain.ErrorMessage(err), Field: domain.ErrorField(err)}, "")
		return nil
	}
	http.Redirect(w, r, "/campaigns", http.StatusSeeOther)
	return nil
}

// statusChart is the ECharts option of the dashboard's bar chart: cases by
// status, in life-cycle order.
func statusChart(f *app.Dashboard, lang string) string {
	var names []string
	var values []int
	for _, st := range []domain.CaseStatus{domain.StatusRegistered, domain.StatusRectifying, domain.StatusCloseoutRequested,
		domain.StatusVillageApproved, domain.StatusTownApproved, domain.StatusClosedOut} {
		names = append(names, domain.StatusNames[st])
		values = append(values, f.ByStatus[string(st)])
	}
	opt := map[string]any{
		"grid":      map[string]any{"left": 40, "right": 10, "top": 20, "bottom": 60},
		"xAxis":     map[string]any{"type": "category", "data": names, "axisLabel": map[string]any{"rotate": 30}},
		"yAxis":     map[string]any{"type": "value", "minInterval": 1},
		"tooltip":   map[string]any{},
		"animation": false,
		"series":    []any{map[string]any{"type": "bar", "data": values, "itemStyle": map[string]any{"color": "#b4232a"}}},
	}
	b, _ := json.Marshal(opt)
	return string(b)
}
