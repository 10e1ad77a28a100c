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
	Accuracy       *float64         `json:"accuracy"` // metres, from the GPS; nil when typed in
	State          string           `json:"state"`    // producing (default) | suspended | closed | banned
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
	Accuracy       *float64          `json:"accuracy"` // with new coordinates; none given: unknown
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
	// Sort is -created (default, newest first), created, name, -name,
	// updated or -updated; a leading "-" sorts descending.
	Sort string
	// After is the Next of a previous page (keyset paging, for deep
	// pages, in the default order); Offset then counts from there.
	After  string
	Limit  int // 0: all
	Offset int
}

// siteSorts are SiteFilter.Sort's keys, and siteSortDesc the direction
// each runs in by itself (store.SiteSort).
var (
	siteSorts    = map[string]store.SiteSort{"created": store.SortSiteCreated, "name": store.SortSiteName, "updated": store.SortSiteUpdated}
	siteSortDesc = map[store.SiteSort]bool{store.SortSiteCreated: true, store.SortSiteName: false, store.SortSiteUpdated: true}
)

// siteDefaultSort is the site list's default order: newest first.
const siteDefaultSort = "-created"

// SiteList is a page of the site list.
type SiteList struct {
	Items []*domain.Site
	Total int    // the sites matching the filter
	Start int    // how many come before this page (approximate after a cursor)
	Next  string // the After of the page that follows; "" on the last page
}

// siteOrder names the site list's one order (newest first) in its cursors.
const siteOrder = "-id"

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
			Accuracy: in.Accuracy, State: in.State, Lists: in.Lists}
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
		if err := countSite(tx, before, &after); err != nil {
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
		site.Lat, site.Accuracy = p.Lat, p.Accuracy
	}
	if p.Lng != nil {
		site.Lng = p.Lng
	}
	if p.Lists != nil {
		site.Lists = *p.Lists
	}
}

// Sites lists the sites in the actor's scope matching f, newest first, with
// the total count for paging (SiteList's page).
func (s *App) Sites(ctx context.Context, a *domain.Actor, f SiteFilter) ([]*domain.Site, int, error) {
	l, err := s.SiteList(ctx, a, f)
	if err != nil {
		return nil, 0, err
	}
	return l.Items, l.Total, nil
}

// SiteList lists a page of the sites in the actor's scope matching f,
// newest first, with the total count and the position of the next page.
func (s *App) SiteList(ctx context.Context, a *domain.Actor, f SiteFilter) (*SiteList, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	r := s.db.Reader(ctx)
	scope, err := listScope(r, a, f.OrgID)
	if err != nil {
		return nil, err
	}
	q := store.SiteQuery{Scope: scope, VillageID: f.VillageID, Q: strings.TrimSpace(f.Q), State: f.State,
		TargetType: f.TargetType, Inspected: f.Inspected, NotInspected: f.NotInspected, Limit: f.Limit, Offset: f.Offset}
	if err := domain.CheckSiteFilter(f.State, f.TargetType); err != nil {
		return nil, err
	}
	sort := f.Sort
	if sort == "" {
		sort = siteDefaultSort
	}
	var ok bool
	if q.Sort, ok = siteSorts[strings.TrimPrefix(sort, "-")]; !ok {
		return nil, domain.Invalid("sort", "排序应为 created、name 或 updated（前加 - 为倒序）")
	}
	// Each order has its own direction (store.SiteSort); ask for the other one.
	q.Reverse = strings.HasPrefix(sort, "-") != siteSortDesc[q.Sort]
	if f.Inspected || f.NotInspected {
		camp, err := s.ResolveCampaign(ctx, f.CampaignID)
		if err != nil {
			return nil, err
		}
		q.CampaignID = camp.ID
	}
	keyset := sort == siteDefaultSort // the cursor pages the newest-first order only
	out := &SiteList{Start: f.Offset}
	if f.After != "" {
		if !keyset {
			return nil, domain.Invalid("after", "after 只用于按登记时间倒序的列表")
		}
		c, err := parseCursor(f.After, siteOrder)
		if err != nil {
			return nil, err
		}
		q.BeforeID, out.Start = c.ID, c.Pos+f.Offset
	}
	items, more, err := r.Sites(q)
	if err != nil {
		return nil, err
	}
	out.Items, out.Total = items, q.Offset+len(items)
	if q.BeforeID != 0 || more || len(items) == 0 && q.Offset > 0 {
		if out.Total, err = r.CountSites(q); err != nil {
			return nil, err
		}
	}
	if more && keyset {
		out.Next = cursor{Sort: siteOrder, ID: items[len(items)-1].ID, Pos: out.Start + len(items)}.String()
	}
	return out, nil
}

// siteWarnings are domain.SiteWarnings over the register's look-alikes.
func siteWarnings(r store.Reader, site *domain.Site) ([]domain.Warning, error) {
	like, err := r.SiteLookalikes(site)
	if err != nil {
		return nil, err
	}
	return domain.SiteWarnings(site, like), nil
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
