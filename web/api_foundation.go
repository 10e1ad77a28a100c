package web

import (
	"net/http"
	"strconv"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// apiFoundation registers tokens, org units, users and campaigns.
func (s *Server) apiFoundation(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/tokens", s.createToken)
	mux.HandleFunc("DELETE /api/v1/tokens/current", s.api(s.revokeToken))
	mux.HandleFunc("GET /api/v1/me", s.api(s.me))
	mux.HandleFunc("GET /api/v1/orgs", s.api(s.listOrgs))
	mux.HandleFunc("POST /api/v1/orgs", s.api(s.createOrg))
	mux.HandleFunc("PATCH /api/v1/orgs/{id}", s.api(s.patchOrg))
	mux.HandleFunc("GET /api/v1/users", s.api(s.listUsers))
	mux.HandleFunc("POST /api/v1/users", s.api(s.createUser))
	mux.HandleFunc("GET /api/v1/users/{id}", s.api(s.getUser))
	mux.HandleFunc("PATCH /api/v1/users/{id}", s.api(s.patchUser))
	mux.HandleFunc("GET /api/v1/campaigns", s.api(s.listCampaigns))
	mux.HandleFunc("POST /api/v1/campaigns", s.api(s.createCampaign))
	mux.HandleFunc("GET /api/v1/campaigns/{id}", s.api(s.getCampaign))
	mux.HandleFunc("GET /api/v1/dashboard", s.api(s.dashboard))
}

// pathID parses the {id} path value; a malformed id is simply not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.NotFound("记录")
	}
	return id, nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.Username == "" {
		s.writeError(w, r, domain.Invalid("username", "请填写用户名"))
		return
	}
	if in.Password == "" {
		s.writeError(w, r, domain.Invalid("password", "请填写密码"))
		return
	}
	a, err := s.app.Authenticate(r.Context(), in.Username, in.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	tok, err := s.app.CreateToken(r.Context(), a, domain.TokenAPI)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"token": tok})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	tok := r.Header.Get("Authorization")
	if len(tok) > 7 {
		tok = tok[7:]
	}
	if err := s.app.RevokeToken(r.Context(), a, tok); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	writeJSON(w, http.StatusOK, map[string]any{"user": a.User, "org": a.Org})
	return nil
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	orgs, err := s.app.VisibleOrgs(r.Context(), a)
	if err != nil {
		return err
	}
	if orgs == nil {
		orgs = []*domain.OrgUnit{}
	}
	writeJSON(w, http.StatusOK, orgs)
	return nil
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var in app.OrgInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := s.app.CreateOrg(r.Context(), a, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) patchOrg(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in app.OrgPatch
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := s.app.UpdateOrg(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	users, err := s.app.Users(r.Context(), a)
	if err != nil {
		return err
	}
	if users == nil {
		users = []app.UserOrg{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": users, "total": len(users)})
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var in app.UserInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	u, err := s.app.CreateUser(r.Context(), a, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.app.User(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// patchUser resets a password, (de)activates a user and/or changes their
// role and unit (role and org_id together).
func (s *Server) patchUser(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Password *string      `json:"password"`
		Active   *bool        `json:"active"`
		Role     *domain.Role `json:"role"`
		OrgID    *int64       `json:"org_id"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Password == nil && in.Active == nil && in.Role == nil && in.OrgID == nil {
		return domain.Invalid("", "请提供 password、active 或 role 与 org_id")
	}
	if in.Role != nil || in.OrgID != nil {
		u, err := s.app.User(r.Context(), a, id)
		if err != nil {
			return err
		}
		role, org := u.Role, u.OrgID
		if in.Role != nil {
			role = *in.Role
		}
		if in.OrgID != nil {
			org = *in.OrgID
		}
		if _, err := s.app.PlaceUser(r.Context(), a, id, role, org); err != nil {
			return err
		}
	}
	if in.Password != nil {
		if err := s.app.ResetPassword(r.Context(), a, id, *in.Password); err != nil {
			return err
		}
	}
	if in.Active != nil {
		if err := s.app.SetUserActive(r.Context(), a, id, *in.Active); err != nil {
			return err
		}
	}
	return s.getUser(w, r, a)
}

func (s *Server) listCampaigns(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	cs, err := s.app.Campaigns(r.Context(), a)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []*domain.Campaign{}
	}
	writeJSON(w, http.StatusOK, cs)
	return nil
}

// campaignInput is the POST body; dates arrive as strings so a bad one names its field.
type campaignInput struct {
	Name            string            `json:"name"`
	DocNo           string            `json:"doc_no"`
	StartDate       string            `json:"start_date"`
	EndDate         string            `json:"end_date"`
	DeadlineWeekday *int              `json:"deadline_weekday"`
	DeadlineTime    string            `json:"deadline_time"`
	SummaryDueDate  string            `json:"summary_due_date"`
	Categories      []domain.Category `json:"categories"`
	ClearItems      []string          `json:"clear_items"`
	RecheckDays     int               `json:"recheck_days"`
	SupervisedDays  int               `json:"supervised_days"`
	RewardRule      string            `json:"reward_rule"`
	// CloseoutEvidence is the evidence a 销号 request needs (omitted: the default rule).
	CloseoutEvidence *domain.EvidenceRule `json:"closeout_evidence"`
}

func (in campaignInput) campaign() (domain.Campaign, error) {
	c := domain.Campaign{Name: in.Name, DocNo: in.DocNo, DeadlineWeekday: 3, DeadlineTime: in.DeadlineTime,
		Categories: in.Categories, ClearItems: in.ClearItems, RecheckDays: in.RecheckDays,
		SupervisedDays: in.SupervisedDays, RewardRule: in.RewardRule, CloseoutEvidence: in.CloseoutEvidence}
	if in.DeadlineWeekday != nil {
		c.DeadlineWeekday = *in.DeadlineWeekday
	}
	var err error
	if c.StartDate, err = domain.ParseDate("start_date", in.StartDate); err != nil {
		return c, err
	}
	if c.EndDate, err = domain.ParseDate("end_date", in.EndDate); err != nil {
		return c, err
	}
	if c.SummaryDueDate, err = domain.ParseDate("summary_due_date", in.SummaryDueDate); err != nil {
		return c, err
	}
	return c, nil
}

func (s *Server) createCampaign(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	var in campaignInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := in.campaign()
	if err != nil {
		return err
	}
	created, err := s.app.CreateCampaign(r.Context(), a, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, created)
	return nil
}

func (s *Server) getCampaign(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.app.Campaign(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	orgID, err := queryID(r, "org_id")
	if err != nil {
		return err
	}
	campaignID, err := queryID(r, "campaign_id")
	if err != nil {
		return err
	}
	d, err := s.app.Dashboard(r.Context(), a, orgID, campaignID)
	if err != nil {
		return err
	}
	out, err := s.withTipFigures(r, a, d) // tips.go
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
