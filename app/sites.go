package app

import (
	"context"
	"errors"
	"strings"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// SiteInput is the form for a new site (场所/企业). OrgID is the town-level
// unit and VillageID the village or community under it; either may be given
// alone (a village implies its town; an OrgID that is a village is taken as
// the village). With neither, the site is placed at the actor's own unit.
type SiteInput struct {
	OrgID          int64            `json:"org_id"`
	VillageID      int64            `json:"village_id"`
	Name           string           `json:"name"`
	CreditCode     string           `json:"credit_code"`
	TargetType     string           `json:"target_type"` // xiaozitou (default) | stopped
	Address        string           `json:"address"`
	PersonInCharge string           `json:"person_in_charge"`
	Phone          domain.Sensitive `json:"phone"`
	Lat            *float64         `json:"lat"`
	Lng            *float64         `json:"lng"`
	State          string           `json:"state"` // producing (default) | suspended | closed | banned
	Lists          []string         `json:"lists"`
	// IdempotencyKey, when set, makes a retry by the same user return the
	// site created first instead of a second one.
	IdempotencyKey string `json:"-"`
}

// SitePatch changes a site: nil fields stay as they are. Version is the one
// read; a stale version is refused with nothing written.
type SitePatch struct {
	Version        int64             `json:"version"`
	VillageID      *int64            `json:"village_id"` // 0 removes the village
	Name           *string           `json:"name"`
	CreditCode     *string           `json:"credit_code"`
	TargetType     *string           `json:"target_type"`
	Address        *string           `json:"address"`
	PersonInCharge *string           `json:"person_in_charge"`
	Phone          *domain.Sensitive `json:"phone"`
	Lat            *float64          `json:"lat"`
	Lng            *float64          `json:"lng"`
	State          *string           `json:"state"`
	Lists          *[]string         `json:"lists"`
}

// SiteFilter selects sites for a list; zero values are no criterion.
type SiteFilter struct {
	OrgID      int64  // any unit: its subtree
	VillageID  int64  // exactly this village
	Q          string // name, address or credit code contains
	State      string
	TargetType string
	// CampaignID (0: the active one) is the campaign Inspected and
	// NotInspected look at: 已排查 / 未排查 in it.
	CampaignID   int64
	Inspected    bool
	NotInspected bool
	// Sort is created (default, newest first), name or updated; a leading
	// "-" sorts descending.
	Sort   string
	Limit  int // 0: all
	Offset int
}

// siteSorts are SiteFilter.Sort's keys.
var siteSorts = map[string]store.SiteSort{"created": store.SortSiteCreated, "name": store.SortSiteName, "updated": store.SortSiteUpdated}

// CreateSite registers a site (场所/企业) in the actor's scope. A bad credit
// code and possible duplicates come back as warnings, never as errors.
func (s *App) CreateSite(ctx context.Context, a *domain.Actor, in SiteInput) (*domain.Site, error) {
	var site *domain.Site
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		town, village, err := resolvePlace(tx.Reader, a, in.OrgID, in.VillageID)
		if err != nil {
			return err
		}
		if err := domain.Authorize(a, domain.ActWriteSite, placeOf(town, village), "单位"); err != nil {
			return err
		}
		site = &domain.Site{OrgID: town.ID, Name: in.Name, CreditCode: in.CreditCode, TargetType: in.TargetType,
			Address: in.Address, PersonInCharge: in.PersonInCharge, Phone: in.Phone, Lat: in.Lat, Lng: in.Lng,
			State: in.State, Lists: in.Lists}
		if village != nil {
			site.VillageID = &village.ID
		}
		if err := site.Normalize(); err != nil {
			return err
		}
		if id, ok, err := replay(tx, in.IdempotencyKey, "site"); err != nil {
			return err
		} else if ok {
			if site, _, err = tx.Site(id); err != nil {
				return found(err, "场所")
			}
		} else {
			if err := tx.InsertSite(site); err != nil {
				return err
			}
			if err := tx.Audit("create", "site", site.ID, nil, site); err != nil {
				return err
			}
			if err := tx.Remember(in.IdempotencyKey, "site", site.ID); err != nil {
				return err
			}
		}
		site.Warnings, err = siteWarnings(tx.Reader, site)
		return err
	})
	if err != nil {
		return nil, err
	}
	return site, nil
}

// Site loads a site in the actor's scope, with its warnings.
func (s *App) Site(ctx context.Context, a *domain.Actor, id int64) (*domain.Site, error) {
	r := s.db.Reader(ctx)
	site, place, err := r.Site(id)
	if err != nil {
		return nil, found(err, "场所")
	}
	if err := domain.Authorize(a, domain.ActRead, place, "场所"); err != nil {
		return nil, err
	}
	if site.Warnings, err = siteWarnings(r, site); err != nil {
		return nil, err
	}
	return site, nil
}

// UpdateSite changes a site the actor may write. A stale version is
// refused (ECONFLICT) and nothing is written.
func (s *App) UpdateSite(ctx context.Context, a *domain.Actor, id int64, p SitePatch) (*domain.Site, error) {
	if p.Version <= 0 {
		return nil, domain.Invalid("version", "请提供读取时的版本号")
	}
	var after domain.Site
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		before, place, err := tx.Site(id)
		if err != nil {
			return found(err, "场所")
		}
		if err := domain.Authorize(a, domain.ActWriteSite, place, "场所"); err != nil {
			return err
		}
		if before.Version != p.Version {
			return domain.Stale("场所", before.Version)
		}
		after = *before
		after.Lists = append([]string(nil), before.Lists...)
		if p.VillageID != nil {
			town, village, err := resolvePlace(tx.Reader, a, before.OrgID, *p.VillageID)
			if err != nil {
				return err
			}
			if err := domain.Authorize(a, domain.ActWriteSite, placeOf(town, village), "单位"); err != nil {
				return err
			}
			after.VillageID = nil
			if village != nil {
				after.VillageID = &village.ID
			}
		}
		p.apply(&after)
		if err := after.Normalize(); err != nil {
			return err
		}
		if err := tx.UpdateSite(&after, before.Version); errors.Is(err, store.ErrStale) {
			return domain.Stale("场所", before.Version)
		} else if err != nil {
			return err
		}
		if err := tx.Audit("update", "site", id, before, &after); err != nil {
			return err
		}
		after.Warnings, err = siteWarnings(tx.Reader, &after)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// apply copies the patch's given fields onto site.
func (p SitePatch) apply(site *domain.Site) {
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
	if p.Lat != nil {
		site.Lat = p.Lat
	}
	if p.Lng != nil {
		site.Lng = p.Lng
	}
	if p.Lists != nil {
		site.Lists = *p.Lists
	}
}

// Sites lists the sites in the actor's scope matching f, newest first, with
// the total count for paging.
func (s *App) Sites(ctx context.Context, a *domain.Actor, f SiteFilter) ([]*domain.Site, int, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, 0, err
	}
	r := s.db.Reader(ctx)
	path, err := listPath(r, a, f.OrgID)
	if err != nil {
		return nil, 0, err
	}
	q := store.SiteQuery{Path: path, VillageID: f.VillageID, Q: strings.TrimSpace(f.Q), State: f.State,
		TargetType: f.TargetType, Inspected: f.Inspected, NotInspected: f.NotInspected, Limit: f.Limit, Offset: f.Offset}
	if err := domain.CheckSiteFilter(f.State, f.TargetType); err != nil {
		return nil, 0, err
	}
	sort := f.Sort
	if sort == "" {
		sort = "-created"
	}
	var ok bool
	if q.Sort, ok = siteSorts[strings.TrimPrefix(sort, "-")]; !ok {
		return nil, 0, domain.Invalid("sort", "排序应为 created、name 或 updated（前加 - 为倒序）")
	}
	q.Desc = strings.HasPrefix(sort, "-")
	if f.Inspected || f.NotInspected {
		camp, err := s.ResolveCampaign(ctx, f.CampaignID)
		if err != nil {
			return nil, 0, err
		}
		q.CampaignID = camp.ID
	}
	return r.Sites(q)
}

// siteWarnings are domain.SiteWarnings over the register's look-alikes.
func siteWarnings(r store.Reader, site *domain.Site) ([]domain.Warning, error) {
	like, err := r.SiteLookalikes(site)
	if err != nil {
		return nil, err
	}
	return domain.SiteWarnings(site, like), nil
}

// listPath is the org path a list is restricted to (domain.(*Actor).ListPath),
// for the unit orgID (0: none) asked for.
func listPath(r store.Reader, a *domain.Actor, orgID int64) (string, error) {
	if orgID == 0 {
		return a.ListPath(nil)
	}
	o, err := r.Org(orgID)
	if err != nil {
		return "", found(err, "单位")
	}
	return a.ListPath(o)
}

// resolvePlace places a record by domain.ResolvePlace; with neither id
// given, at the actor's own scope (a nil actor: the caller's ids only).
func resolvePlace(r store.Reader, a *domain.Actor, orgID, villageID int64) (town, village *domain.OrgUnit, err error) {
	if orgID == 0 && villageID == 0 && a != nil {
		orgID = a.Scope.ID
	}
	return domain.ResolvePlace(func(id int64) (*domain.OrgUnit, error) {
		o, err := r.Org(id)
		return o, found(err, "单位")
	}, orgID, villageID)
}

// placeOf is where a record lives: its village when it has one, else its town.
func placeOf(town, village *domain.OrgUnit) *domain.OrgUnit {
	if village != nil {
		return village
	}
	return town
}
