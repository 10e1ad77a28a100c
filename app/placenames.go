package app

import (
	"context"

	"zhengzhi/domain"
)

// SitePlace names where a site lies: its town and its village ("" when it
// has none), for whoever may read the site — a grid worker, whose scope is
// the village, is told the town too.
func (s *App) SitePlace(ctx context.Context, a *domain.Actor, siteID int64) (town, village string, err error) {
	r := s.db.Reader(ctx)
	site, place, err := r.Site(siteID)
	if err != nil {
		return "", "", found(err, "场所")
	}
	if err := domain.Authorize(a, domain.ActRead, place, "场所"); err != nil {
		return "", "", err
	}
	t, err := r.Org(site.OrgID)
	if err != nil {
		return "", "", found(err, "单位")
	}
	if site.VillageID != nil {
		v, err := r.Org(*site.VillageID)
		if err != nil {
			return "", "", found(err, "单位")
		}
		village = v.Name
	}
	return t.Name, village, nil
}
