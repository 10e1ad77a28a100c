package store

import (
	"context"

	"zhengzhi/domain"
)

// Temporary bridge of issue [5]: the case use cases (app/cases.go) need a few
// helpers of other areas that those areas are moving out of the store (site
// placement and validation, inspections, list scope), and other areas' store
// code still calls the case loads below. Each goes when its area lands: the
// callers then use that area's app/domain/store functions, and this file is
// deleted.

// InsertSite stores a site registered with a case (and audits it).
func (tx *Tx) InsertSite(s *domain.Site) error { return tx.insertSite(s) }

// InsertInspection stores the inspection a case's site gets (and audits it).
func (tx *Tx) InsertInspection(x *domain.Inspection) error { return tx.insertInspection(x) }

// NormalizeSite checks a site registered with a case (sites area's rule).
func NormalizeSite(s *domain.Site) error { return normalizeSite(s) }

// CheckLatLng checks a case's coordinates (sites area's rule).
func CheckLatLng(lat, lng *float64) error { return checkLatLng(lat, lng) }

// ResolvePlace turns a form's (org_id, village_id) into town and village
// (sites area's rule; see resolvePlace).
func (r Reader) ResolvePlace(a *domain.Actor, orgID, villageID int64) (town, village *domain.OrgUnit, err error) {
	return r.db.resolvePlace(r.ctx, r.q, a, orgID, villageID)
}

// FilterPath is the org path a list is restricted to (see filterPath).
func (r Reader) FilterPath(a *domain.Actor, orgID int64) (string, error) {
	return r.db.filterPath(r.ctx, a, orgID)
}

// loadCase reads a case and its place, without a scope check (closeout and
// attachments still call it; the app uses Reader.Case).
func loadCase(ctx context.Context, q querier, id int64) (*domain.Case, *domain.OrgUnit, error) {
	c, place, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.id = $1`, id))
	if err != nil {
		return nil, nil, notFound(err, "问题")
	}
	return c, place, nil
}

// loadCampaign reads a campaign through q (closeout still calls it).
func loadCampaign(ctx context.Context, q querier, id int64) (*domain.Campaign, error) {
	c, err := scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "专项行动")
	}
	return c, nil
}

// fillCaseWarnings attaches the validation results every case view shows
// (closeout still calls it; the app has its own withWarnings).
func (d *DB) fillCaseWarnings(c *domain.Case, camp *domain.Campaign) {
	errs, warns := domain.ValidateCase(c, camp, d.clock.Now(), d.zone)
	c.Warnings = append(errs, warns...)
}

// readCase loads a case in the actor's scope with its warnings, as the
// app's Case does (closeout's CaseContent still calls it).
func (d *DB) readCase(ctx context.Context, a *domain.Actor, id int64) (*domain.Case, error) {
	c, place, err := loadCase(ctx, d.db, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, place, "问题"); err != nil {
		return nil, err
	}
	camp, err := loadCampaign(ctx, d.db, c.CampaignID)
	if err != nil {
		return nil, err
	}
	d.fillCaseWarnings(c, camp)
	return c, nil
}

// siteCases lists a site's cases of a campaign in the actor's scope, with
// their warnings (the re-check still calls it).
func (d *DB) siteCases(ctx context.Context, a *domain.Actor, campaignID, siteID int64) ([]*domain.Case, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	cs, _, err := d.Reader(ctx).Cases(CaseFilter{Path: a.Scope.Path, CampaignID: campaignID, SiteID: siteID})
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		camp, err := loadCampaign(ctx, d.db, c.CampaignID)
		if err != nil {
			return nil, err
		}
		d.fillCaseWarnings(c, camp)
	}
	return cs, nil
}
