package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// siteEditData is the site register's edit page: the form (the site as
// stored, or as the user typed it when a save was refused) and, after a
// stale save, the latest stored version beside it.
type siteEditData struct {
	Site     *domain.Site // the form's values
	Latest   *domain.Site // set when the save met a newer version
	Villages []*domain.OrgUnit
	States   []string
	Targets  []string
	Error    *formError
}

func (s *Server) siteEditPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	site, err := s.app.Site(r.Context(), a, id)
	if err != nil {
		return err
	}
	if err := domain.Authorize(a, domain.ActWriteSite, nil, ""); err != nil {
		return err
	}
	return s.renderSiteEdit(w, r, a, http.StatusOK, siteEditData{Site: site})
}

func (s *Server) renderSiteEdit(w http.ResponseWriter, r *http.Request, a *domain.Actor, status int, d siteEditData) error {
	_, villages, err := s.villages(r, a)
	if err != nil {
		return err
	}
	for _, v := range villages {
		if v.ParentID != nil && *v.ParentID == d.Site.OrgID {
			d.Villages = append(d.Villages, v) // a site moves between villages of its town only
		}
	}
	d.States, d.Targets = domain.SiteStates, domain.TargetTypes
	s.render(w, r, status, "site_edit.html", "sites.edit", d, "")
	return nil
}

// sitePatchFromForm reads the edit form: every field is sent, so every
// field is set (an emptied coordinate keeps the stored one).
func sitePatchFromForm(r *http.Request) (app.SitePatch, error) {
	var p app.SitePatch
	var err error
	if p.Version, err = formInt(r, "version"); err != nil {
		return p, err
	}
	str := func(name string) *string { v := strings.TrimSpace(r.FormValue(name)); return &v }
	p.Name, p.CreditCode, p.TargetType = str("name"), str("credit_code"), str("target_type")
	p.Address, p.PersonInCharge, p.State = str("address"), str("person_in_charge"), str("state")
	phone := domain.Sensitive(strings.TrimSpace(r.FormValue("phone")))
	p.Phone = &phone
	vid, err := formInt(r, "village_id")
	if err != nil {
		return p, err
	}
	p.VillageID = &vid
	if p.Lat, err = optFloat(strings.TrimSpace(r.FormValue("lat")), "lat"); err != nil {
		return p, err
	}
	if p.Lng, err = optFloat(strings.TrimSpace(r.FormValue("lng")), "lng"); err != nil {
		return p, err
	}
	return p, nil
}

func (s *Server) siteEditSubmit(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	stored, err := s.app.Site(r.Context(), a, id)
	if err != nil {
		return err
	}
	p, err := sitePatchFromForm(r)
	if err == nil {
		_, err = s.app.UpdateSite(r.Context(), a, id, p)
	}
	if err != nil {
		if !userError(err) {
			return err
		}
		// Show what the user typed, never the stored values over it.
		typed := *stored
		typed.Warnings = nil
		applyTyped(&typed, p)
		d := siteEditData{Site: &typed, Error: asFormError(err)}
		if domain.ErrorCode(err) == domain.ECONFLICT && d.Error.Field == "version" {
			d.Error.Message = translate(langOf(r), "sites.stale")
			d.Latest = stored
		} else if v, _ := strconv.ParseInt(r.FormValue("version"), 10, 64); v > 0 {
			typed.Version = v
		}
		return s.renderSiteEdit(w, r, a, statusOf(domain.ErrorCode(err)), d)
	}
	s.redirectFlash(w, r, fmt.Sprintf("/sites/%d", id), translate(langOf(r), "case.saved"))
	return nil
}

// applyTyped copies the form's values onto site, for showing them again.
func applyTyped(site *domain.Site, p app.SitePatch) {
	for _, f := range []struct {
		dst *string
		src *string
	}{{&site.Name, p.Name}, {&site.CreditCode, p.CreditCode}, {&site.TargetType, p.TargetType},
		{&site.Address, p.Address}, {&site.PersonInCharge, p.PersonInCharge}, {&site.State, p.State}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if p.Phone != nil {
		site.Phone = *p.Phone
	}
	if p.VillageID != nil {
		v := *p.VillageID
		site.VillageID = &v
		if v == 0 {
			site.VillageID = nil
		}
	}
	if p.Lat != nil {
		site.Lat = p.Lat
	}
	if p.Lng != nil {
		site.Lng = p.Lng
	}
}
