package web

import (
	"fmt"
	"net/http"
	"strings"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// The admin's pages for the org tree: a unit's names, code and 问题编号
// prefix, and its new villages, communities and grids; and, on the users
// page, moving a user to another role or unit. All through app's use
// cases, each audited.

func (s *Server) uiOrgs(mux *http.ServeMux) {
	mux.HandleFunc("GET /orgs/{id}", s.page(s.orgPage))
	mux.HandleFunc("POST /orgs/{id}", s.page(s.orgUpdate))
	mux.HandleFunc("POST /orgs/{id}/children", s.page(s.orgAddChild))
}

// orgData is a unit's edit page.
type orgData struct {
	Org        *domain.OrgUnit
	Children   []*domain.OrgUnit
	ChildKinds []domain.OrgKind
	Form       app.OrgPatch // the values typed, when a save was refused
	Child      app.OrgInput
	Error      *formError
	ChildError *formError
}

func (s *Server) orgPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	return s.renderOrg(w, r, a, http.StatusOK, orgData{})
}

func (s *Server) renderOrg(w http.ResponseWriter, r *http.Request, a *domain.Actor, status int, d orgData) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if d.Org, err = s.app.VisibleOrg(r.Context(), a, id); err != nil {
		return err
	}
	if err := domain.Authorize(a, domain.ActManageOrgs, d.Org, "单位"); err != nil {
		return err
	}
	if d.Children, err = s.app.Children(r.Context(), id); err != nil {
		return err
	}
	d.ChildKinds = domain.ChildKinds(d.Org)
	if d.Form.Name == nil {
		d.Form = app.OrgPatch{Name: &d.Org.Name, Code: &d.Org.Code, Prefix: &d.Org.Prefix}
	}
	s.render(w, r, status, "org.html", "orgs.edit", d, s.takeFlash(w, r))
	return nil
}

func formStr(r *http.Request, name string) *string {
	v := strings.TrimSpace(r.FormValue(name))
	return &v
}

func (s *Server) orgUpdate(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := app.OrgPatch{Name: formStr(r, "name"), Code: formStr(r, "code")}
	if r.Form.Has("prefix") {
		p.Prefix = formStr(r, "prefix")
	}
	if _, err := s.app.UpdateOrg(r.Context(), a, id, p); err != nil {
		if !userError(err) {
			return err
		}
		if p.Prefix == nil {
			p.Prefix = new(string)
		}
		return s.renderOrg(w, r, a, statusOf(domain.ErrorCode(err)), orgData{Form: p, Error: asFormError(err)})
	}
	s.redirectFlash(w, r, fmt.Sprintf("/orgs/%d", id), translate(langOf(r), "users.updated"))
	return nil
}

func (s *Server) orgAddChild(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := app.OrgInput{ParentID: id, Name: strings.TrimSpace(r.FormValue("name")), Code: strings.TrimSpace(r.FormValue("code")),
		Kind: domain.OrgKind(r.FormValue("kind")), Prefix: strings.TrimSpace(r.FormValue("prefix"))}
	o, err := s.app.CreateOrg(r.Context(), a, in)
	if err != nil {
		if !userError(err) {
			return err
		}
		return s.renderOrg(w, r, a, statusOf(domain.ErrorCode(err)), orgData{Child: in, ChildError: asFormError(err)})
	}
	s.redirectFlash(w, r, fmt.Sprintf("/orgs/%d", id), translate(langOf(r), "orgs.added", o.Name))
	return nil
}
