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

// uiCases registers the pages of the registers and the case file, built for
// grid workers on phones: register a site, inspect it, open a case, add photos.
func (s *Server) uiCases(mux *http.ServeMux) {
	mux.HandleFunc("GET /sites", s.page(s.sitesPage))
	mux.HandleFunc("GET /sites/export.xlsx", s.page(s.sitesExport))
	mux.HandleFunc("GET /sites/{id}/edit", s.page(s.siteEditPage))
	mux.HandleFunc("POST /sites/{id}/edit", s.page(s.siteEditSubmit))
	mux.HandleFunc("GET /sites/new", s.page(s.siteNewPage))
	mux.HandleFunc("POST /sites", s.page(s.siteCreate))
	mux.HandleFunc("GET /sites/{id}", s.page(s.sitePage))
	mux.HandleFunc("POST /sites/{id}/inspections", s.page(s.inspectionCreate))
	mux.HandleFunc("GET /cases", s.page(s.casesPage))
	mux.HandleFunc("GET /cases/export.xlsx", s.page(s.casesExport))
	mux.HandleFunc("GET /cases/new", s.page(s.caseNewPage))
	mux.HandleFunc("POST /cases", s.page(s.caseCreate))
	mux.HandleFunc("GET /cases/{id}", s.page(s.casePage))
	mux.HandleFunc("POST /cases/{id}/edit", s.page(s.caseEdit))
	mux.HandleFunc("POST /cases/{id}/attachments", s.page(s.caseUpload))
}

// formError is a refused form: the message and the field to mark.
type formError struct {
	Message string
	Field   string
	typed   []domain.FieldChange // a stale case save's edits (typedEdits)
}

func asFormError(err error) *formError {
	if err == nil {
		return nil
	}
	return &formError{Message: domain.ErrorMessage(err), Field: domain.ErrorField(err)}
}

// userError reports whether err is the user's to fix on the form (re-render)
// rather than a page-level failure.
func userError(err error) bool {
	switch domain.ErrorCode(err) {
	case domain.EINVALID, domain.ECONFLICT, domain.ETOOLARGE:
		return true
	}
	return false
}

// villages lists the villages and communities the actor may place records in.
func (s *Server) villages(r *http.Request, a *domain.Actor) ([]*domain.OrgUnit, []*domain.OrgUnit, error) {
	orgs, err := s.app.VisibleOrgs(r.Context(), a)
	if err != nil {
		return nil, nil, err
	}
	var towns, villages []*domain.OrgUnit
	for _, o := range orgs {
		switch o.Kind.Tier() {
		case domain.TierTown:
			towns = append(towns, o)
		case domain.TierVillage:
			villages = append(villages, o)
		}
	}
	return towns, villages, nil
}

func formInt(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, domain.Invalid(name, "应为数字")
	}
	return n, nil
}

// formPosition reads a form's position: latitude and longitude as typed
// or filled from the browser's location, and the accuracy the browser gave
// (kept only with both coordinates).
func formPosition(r *http.Request) (lat, lng, acc *float64, err error) {
	num := func(name, label string) (*float64, error) {
		v := strings.TrimSpace(r.FormValue(name))
		if v == "" {
			return nil, nil
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, domain.Invalid(name, "%s应为数字，如 %s", label, map[string]string{"lat": "31.781234", "lng": "119.912345", "accuracy": "15"}[name])
		}
		return &f, nil
	}
	if lat, err = num("lat", "纬度"); err != nil {
		return
	}
	if lng, err = num("lng", "经度"); err != nil {
		return
	}
	if lat != nil && lng != nil {
		acc, err = num("accuracy", "定位精度")
	}
	return
}

// ---- sites ----

// placeNames maps every visible unit's id to its name, for lists.
func (s *Server) placeNames(r *http.Request, a *domain.Actor) (map[int64]string, error) {
	orgs, err := s.app.VisibleOrgs(r.Context(), a)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(orgs))
	for _, o := range orgs {
		m[o.ID] = o.Name
	}
	return m, nil
}

type siteFormData struct {
	Form     app.SiteInput
	Towns    []*domain.OrgUnit
	Villages []*domain.OrgUnit
	Error    *formError
	Key      string
}

func (s *Server) siteNewPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	if err := domain.Authorize(a, domain.ActWriteSite, nil, ""); err != nil {
		return err
	}
	return s.renderSiteForm(w, r, a, http.StatusOK, siteFormData{Form: app.SiteInput{VillageID: a.Org.ID}})
}

func (s *Server) renderSiteForm(w http.ResponseWriter, r *http.Request, a *domain.Actor, status int, d siteFormData) error {
	var err error
	if d.Towns, d.Villages, err = s.villages(r, a); err != nil {
		return err
	}
	if d.Key == "" {
		d.Key = newFormKey()
	}
	s.render(w, r, status, "site_new.html", "sites.new", d, "")
	return nil
}

func (s *Server) siteCreate(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	in := app.SiteInput{Name: r.FormValue("name"), CreditCode: r.FormValue("credit_code"), TargetType: r.FormValue("target_type"),
		Address: r.FormValue("address"), PersonInCharge: r.FormValue("person_in_charge"), Phone: domain.Sensitive(r.FormValue("phone")),
		State: r.FormValue("state"), IdempotencyKey: idempotencyKey(r)}
	var err error
	if in.OrgID, err = formInt(r, "org_id"); err == nil {
		in.VillageID, err = formInt(r, "village_id")
	}
	if err == nil {
		in.Lat, in.Lng, in.Accuracy, err = formPosition(r)
	}
	var site *domain.Site
	if err == nil {
		site, err = s.app.CreateSite(r.Context(), a, in)
	}
	if err != nil {
		if !userError(err) {
			return err
		}
		return s.renderSiteForm(w, r, a, statusOf(domain.ErrorCode(err)), siteFormData{Form: in, Error: asFormError(err), Key: in.IdempotencyKey})
	}
	flash := translate(langOf(r), "case.saved")
	for _, wn := range site.Warnings {
		flash += "；" + wn.Message
	}
	s.redirectFlash(w, r, fmt.Sprintf("/sites/%d", site.ID), flash)
	return nil
}

type siteData struct {
	Site        *domain.Site
	Place       string
	Inspections []*domain.Inspection
	Case        *domain.Case
	Error       *formError
	Key         string
}

// PageTitle names the site.
func (d siteData) PageTitle(tr func(string, ...any) string) string {
	return d.Site.Name + " · " + tr("sites.title")
}

func (s *Server) sitePage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	return s.renderSite(w, r, a, http.StatusOK, nil)
}

func (s *Server) renderSite(w http.ResponseWriter, r *http.Request, a *domain.Actor, status int, ferr *formError) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	site, err := s.app.Site(r.Context(), a, id)
	if err != nil {
		return err
	}
	d := siteData{Site: site, Error: ferr, Key: newFormKey()}
	if d.Inspections, err = s.app.SiteInspections(r.Context(), a, id, 0); err != nil {
		return err
	}
	town, village, err := s.app.SitePlace(r.Context(), a, id)
	if err != nil {
		return err
	}
	d.Place = town
	if village != "" {
		d.Place += " · " + village
	}
	// The site's case in the active campaign, if one is open already.
	cs, _, err := s.app.Cases(r.Context(), a, app.CaseFilter{SiteID: site.ID, Sort: "-created"})
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Status != domain.StatusVoided {
			d.Case = c
			break
		}
	}
	s.render(w, r, status, "site.html", "", d, s.takeFlash(w, r))
	return nil
}

// inspectionCreate records an inspection with an optional photo; "发现问题"
// leads straight to a new case prefilled from the site. An inspection never
// creates a case by itself.
func (s *Server) inspectionCreate(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.maxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil && err != http.ErrNotMultipart {
		return s.renderSite(w, r, a, http.StatusRequestEntityTooLarge, &formError{Message: "照片过大", Field: "photo"})
	}
	in := app.InspectionInput{SiteID: id, Outcome: r.FormValue("outcome"), Note: r.FormValue("note"),
		Inspectors: r.FormValue("inspectors"), IdempotencyKey: idempotencyKey(r)}
	in.Lat, in.Lng, _, err = formPosition(r)
	var x *domain.Inspection
	if err == nil {
		x, err = s.app.CreateInspection(r.Context(), a, in)
	}
	if err == nil && r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["photo"] {
			f, oerr := fh.Open()
			if oerr != nil {
				return oerr
			}
			_, err = s.app.SaveInspectionPhoto(r.Context(), a, x.ID, app.AttachmentInput{Kind: domain.AttachSitePhoto,
				Filename: fh.Filename, Lat: in.Lat, Lng: in.Lng, Reader: f, MaxBytes: s.maxUpload})
			f.Close()
			if err != nil {
				break
			}
		}
	}
	if err != nil {
		if !userError(err) {
			return err
		}
		return s.renderSite(w, r, a, statusOf(domain.ErrorCode(err)), asFormError(err))
	}
	if x.Outcome == domain.OutcomeProblem {
		http.Redirect(w, r, fmt.Sprintf("/cases/new?site_id=%d", id), http.StatusSeeOther)
		return nil
	}
	s.redirectFlash(w, r, fmt.Sprintf("/sites/%d", id), translate(langOf(r), "insp.saved"))
	return nil
}

// ---- cases ----

type casesData struct {
	Cases    []*domain.Case
	Total    int
	Filter   app.CaseFilter
	Page     int
	Pages    int
	Next     string // the cursor of the following page ("" on the last)
	Query    url.Values
	Towns    []*domain.OrgUnit
	Villages []*domain.OrgUnit
	Error    *formError
	Nav      listNav
	Cols     []listCol[*domain.Case]
	Filtered bool // some criterion is set: the filters open
}

// PageURL is the list at another page, by number, with the same filters.
func (d casesData) PageURL(page int) string { return d.Nav.PageURL(page) }

// NextURL is the list's following page, by its cursor, with the same
// filters: paging forward is read from the list index at the cursor
// however deep it goes.
func (d casesData) NextURL() string { return d.Nav.NextURL() }

func (s *Server) casesPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	d := casesData{Query: r.URL.Query(), Page: 1, Cols: caseCols}
	f, err := caseFilter(r)
	if err != nil {
		if !userError(err) {
			return err
		}
		d.Error = asFormError(err)
		f = app.CaseFilter{Limit: 50}
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	d.Filter = f
	l, err := s.app.CaseList(r.Context(), a, f)
	if err != nil {
		if !userError(err) {
			return err
		}
		d.Error = asFormError(err)
		d.Filter = app.CaseFilter{Limit: 50}
		if l, err = s.app.CaseList(r.Context(), a, d.Filter); err != nil {
			return err
		}
	}
	d.Cases, d.Total, d.Next = l.Items, l.Total, l.Next
	d.Nav = newListNav(r, "/cases", "problem_no", caseListPage{l}, f.Limit)
	d.Page, d.Pages = d.Nav.Page, d.Nav.Pages
	d.Filtered = f.OrgID != 0 || f.VillageID != 0 || f.Q != "" || f.Status != "" || f.Category != "" || f.Source != "" ||
		f.Overdue || f.AwaitingCloseout || f.Supervised || f.CampaignID != 0
	if d.Towns, d.Villages, err = s.villages(r, a); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cases.html", "cases.title", d, s.takeFlash(w, r))
	return nil
}

type caseNewData struct {
	Form       app.CaseInput
	Site       *domain.Site
	Categories []domain.Category
	Towns      []*domain.OrgUnit
	Villages   []*domain.OrgUnit
	Error      *formError
	Key        string
}

func (s *Server) caseNewPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	// A role that may not open cases gets no form at all, but the reason.
	if err := domain.Authorize(a, domain.ActCreateCase, nil, ""); err != nil {
		return err
	}
	d := caseNewData{Form: app.CaseInput{VillageID: a.Org.ID}}
	if siteID, _ := strconv.ParseInt(r.URL.Query().Get("site_id"), 10, 64); siteID > 0 {
		site, err := s.app.Site(r.Context(), a, siteID)
		if err != nil {
			return err
		}
		d.Site = site
		d.Form = app.CaseInput{SiteID: site.ID, CaseFields: domain.CaseFields{UnitName: site.Name, Address: site.Address, PersonInCharge: site.PersonInCharge}}
		if site.TargetType == domain.TargetStopped {
			d.Form.Category = domain.CatStopped
		}
	}
	return s.renderCaseNew(w, r, a, http.StatusOK, d)
}

func (s *Server) renderCaseNew(w http.ResponseWriter, r *http.Request, a *domain.Actor, status int, d caseNewData) error {
	camp, err := s.app.ResolveCampaign(r.Context(), 0)
	if err != nil {
		return err
	}
	d.Categories = camp.Categories
	if d.Towns, d.Villages, err = s.villages(r, a); err != nil {
		return err
	}
	if d.Key == "" {
		d.Key = newFormKey()
	}
	s.render(w, r, status, "case_new.html", "cases.new", d, "")
	return nil
}

// caseCreate opens a case from the form, then stores its photos; a retried
// post (same idempotency key) returns the case opened first.
func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	r.Body = http.MaxBytesReader(w, r.Body, 4*s.maxUpload)
	perr := r.ParseMultipartForm(8 << 20)
	in := app.CaseInput{CreditCode: r.FormValue("credit_code"), Phone: domain.Sensitive(r.FormValue("phone")), IdempotencyKey: idempotencyKey(r),
		CaseFields: domain.CaseFields{UnitName: r.FormValue("unit_name"), Category: domain.Category(r.FormValue("category")),
			Address: r.FormValue("address"), PersonInCharge: r.FormValue("person_in_charge"), Description: r.FormValue("description"),
			Source: domain.Source(r.FormValue("source"))}}
	var err error
	if perr != nil && perr != http.ErrNotMultipart {
		err = &domain.Error{Code: domain.ETOOLARGE, Field: "photo", Message: "照片过大"}
	}
	if err == nil {
		in.SiteID, err = formInt(r, "site_id")
	}
	if err == nil {
		in.OrgID, err = formInt(r, "org_id")
	}
	if err == nil {
		in.VillageID, err = formInt(r, "village_id")
	}
	if err == nil {
		in.Lat, in.Lng, in.Accuracy, err = formPosition(r)
	}
	var c *domain.Case
	if err == nil {
		c, err = s.app.CreateCase(r.Context(), a, in)
	}
	if err != nil {
		if !userError(err) {
			return err
		}
		d := caseNewData{Form: in, Error: asFormError(err), Key: in.IdempotencyKey}
		if in.SiteID > 0 {
			d.Site, _ = s.app.Site(r.Context(), a, in.SiteID)
		}
		return s.renderCaseNew(w, r, a, statusOf(domain.ErrorCode(err)), d)
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["photo"] {
			f, err := fh.Open()
			if err != nil {
				return err
			}
			_, err = s.app.SaveAttachment(r.Context(), a, c.ID, app.AttachmentInput{Kind: domain.AttachSitePhoto, Filename: fh.Filename,
				Lat: in.Lat, Lng: in.Lng, Reader: f, MaxBytes: s.maxUpload})
			f.Close()
			if err != nil && !userError(err) {
				return err
			}
		}
	}
	s.redirectFlash(w, r, fmt.Sprintf("/cases/%d", c.ID), translate(langOf(r), "case.created", c.ProblemNo))
	return nil
}

type caseData struct {
	Case        *domain.Case
	Campaign    *domain.Campaign
	Attachments []*domain.Attachment
	History     []domain.HistoryEntry // newest first
	Edit        domain.CaseEditRights // what the actor may change now, or why not
	// Typed is, after a stale save, what the user typed that differs from
	// the latest content: shown next to it so that nothing typed is lost.
	Typed     []domain.FieldChange
	Clears    []domain.ClearState // 两断三清 in the campaign's order
	Error     *formError
	KindNames map[string]string
	Kinds     []string
	// Closeout is filled by the closed-loop pages (signatures, actions).
	Closeout any
	// Evidence is what a 销号 request needs and what the case has
	// (domain.EvidenceNeeds), while it may still be requested.
	Evidence []domain.EvidenceNeed
}

// PageTitle names the case: its number and unit name.
func (d caseData) PageTitle(func(string, ...any) string) string {
	return d.Case.ProblemNo + " " + d.Case.UnitName
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderCase(w, r, a, id, http.StatusOK, nil)
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, a *domain.Actor, id int64, status int, ferr *formError) error {
	ctx := r.Context()
	c, err := s.app.Case(ctx, a, id)
	if err != nil {
		return err
	}
	d := caseData{Case: c, Error: ferr, KindNames: domain.AttachmentKindNames,
		Kinds: domain.AttachmentKinds}
	if ferr != nil {
		d.Typed = ferr.typed
	}
	if d.Campaign, err = s.app.Campaign(ctx, a, c.CampaignID); err != nil {
		return err
	}
	if d.Attachments, err = s.app.CaseAttachments(ctx, a, id); err != nil {
		return err
	}
	hist, err := s.app.CaseHistory(ctx, a, id)
	if err != nil {
		return err
	}
	for i := len(hist) - 1; i >= 0; i-- {
		d.History = append(d.History, hist[i])
	}
	d.Edit = domain.EditRightsFor(a.User.Role, c.Status)
	d.Clears = domain.OrderedClears(d.Campaign, c)
	if domain.Editable(c.Status) {
		d.Evidence = domain.EvidenceNeeds(c, d.Campaign, d.Attachments)
	}
	if s.caseExtras != nil {
		if d.Closeout, err = s.caseExtras(r, a, c); err != nil {
			return err
		}
	}
	s.render(w, r, status, "case.html", "", d, s.takeFlash(w, r))
	return nil
}

// money reads an amount entered in 元 or 万元 (unit field name+"_unit") as fen.
func money(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return 0, nil
	}
	field := name + "_fen"
	if r.FormValue(name+"_unit") == "wan" {
		return domain.ParseWan(field, v)
	}
	return domain.ParseYuan(field, v)
}

// patchFromForm reads the case page's edit form. Each part is only sent
// when the form showed it to the actor (its marker field: fields, enforce,
// supervise), so a grid worker's save leaves the penalties alone and a
// supervisor's sets 挂牌督办 only.
func patchFromForm(r *http.Request, camp *domain.Campaign) (app.CasePatch, error) {
	var p app.CasePatch
	var err error
	if p.Version, err = formInt(r, "version"); err != nil {
		return p, err
	}
	str := func(names ...string) {
		for _, name := range names {
			p = p.With(name, r.FormValue(name))
		}
	}
	date := func(names ...string) error {
		for _, name := range names {
			d, err := domain.ParseDate(name, strings.TrimSpace(r.FormValue(name)))
			if err != nil {
				return err
			}
			p = p.With(name, d)
		}
		return nil
	}
	if r.FormValue("fields") == "1" {
		str("unit_name", "address", "category", "person_in_charge", "description", "onsite_status")
		if err := date("onsite_done_date", "rectify_deadline"); err != nil {
			return p, err
		}
		clears, clearDates := map[string]bool{}, map[string]domain.Date{}
		for _, it := range camp.ClearItems {
			clears[it] = r.FormValue("clear_"+it) == "on"
			d, err := domain.ParseDate("two_cuts_three_clears_dates."+it, strings.TrimSpace(r.FormValue("clear_date_"+it)))
			if err != nil {
				return p, err
			}
			clearDates[it] = d
		}
		p = p.With("two_cuts_three_clears", clears).With("two_cuts_three_clears_dates", clearDates)
	}
	if r.FormValue("enforce") == "1" {
		str("shutdown")
		if err := date("shutdown_date"); err != nil {
			return p, err
		}
		p = p.With("case_filed", r.FormValue("case_filed") == "on").With("judicial_transfer", r.FormValue("judicial_transfer") == "on")
		str("case_no")
		for _, name := range []string{"fine", "confiscated"} {
			fen, err := money(r, name)
			if err != nil {
				return p, err
			}
			p = p.With(name+"_fen", fen)
		}
		for _, name := range []string{"judicial_persons", "detained_persons", "disciplined_persons"} {
			n, err := formInt(r, name)
			if err != nil {
				return p, err
			}
			p = p.With(name, n)
		}
	}
	if r.FormValue("supervise") == "1" {
		p = p.With("supervised", r.FormValue("supervised") == "on")
		if err := date("supervised_deadline"); err != nil {
			return p, err
		}
	}
	return p, nil
}

// typedEdits is what a stale save asked for, against the case as it is
// now: each field where the user's form differs from the latest content.
func (s *Server) typedEdits(r *http.Request, a *domain.Actor, id int64, p app.CasePatch, camp *domain.Campaign) ([]domain.FieldChange, error) {
	latest, err := s.app.Case(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	typed, err := p.Applied(latest) // UpdateCase read the same patch before the version check
	if err != nil {
		return nil, err
	}
	return domain.CaseFieldChanges(latest, typed, camp), nil
}

// caseEdit saves the edit form with the version it was read at: a stale
// version shows the latest content and the conflict instead of overwriting.
func (s *Server) caseEdit(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.app.Case(r.Context(), a, id)
	if err != nil {
		return err
	}
	camp, err := s.app.Campaign(r.Context(), a, c.CampaignID)
	if err != nil {
		return err
	}
	p, err := patchFromForm(r, camp)
	if err == nil {
		_, err = s.app.UpdateCase(r.Context(), a, id, p)
	}
	if err != nil {
		// A refusal is shown on the case, naming its reason.
		if !userError(err) && domain.ErrorCode(err) != domain.EFORBIDDEN {
			return err
		}
		fe := asFormError(err)
		if domain.ErrorCode(err) == domain.ECONFLICT && fe.Field == "version" {
			fe.Message = translate(langOf(r), "case.stale")
			typed, terr := s.typedEdits(r, a, id, p, camp)
			if terr != nil {
				return terr
			}
			fe.typed = typed
		}
		return s.renderCase(w, r, a, id, statusOf(domain.ErrorCode(err)), fe)
	}
	s.redirectFlash(w, r, fmt.Sprintf("/cases/%d", id), translate(langOf(r), "case.saved"))
	return nil
}

func (s *Server) caseUpload(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.receiveUpload(w, r, a, id); err != nil {
		if !userError(err) {
			return err
		}
		return s.renderCase(w, r, a, id, statusOf(domain.ErrorCode(err)), asFormError(err))
	}
	s.redirectFlash(w, r, fmt.Sprintf("/cases/%d#files", id), translate(langOf(r), "case.saved"))
	return nil
}
