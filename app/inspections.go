package app

import (
	"context"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// InspectionInput records one visit to a site (排查记录). CampaignID 0 means
// the active campaign; a zero InspectedAt means now; empty Inspectors means
// the acting user.
type InspectionInput struct {
	CampaignID  int64     `json:"campaign_id"`
	SiteID      int64     `json:"site_id"`
	InspectedAt time.Time `json:"inspected_at"`
	Inspectors  string    `json:"inspectors"`
	Lat         *float64  `json:"lat"`
	Lng         *float64  `json:"lng"`
	Outcome     string    `json:"outcome"` // no_problem | problem
	Note        string    `json:"note"`
	// Recheck, for a re-check of a shut site (RecordRecheck), is its outcome
	// (domain.RecheckStillShut, domain.RecheckRunning): the site's state is
	// set to what was found in the same transaction.
	Recheck string `json:"-"`
	// IdempotencyKey, when set, makes a retry by the same user return the
	// inspection recorded first.
	IdempotencyKey string `json:"-"`
}

// CreateInspection records an inspection of a site in the actor's scope. It
// never opens a case: the UI offers that, prefilled, when the outcome is a problem.
func (s *App) CreateInspection(ctx context.Context, a *domain.Actor, in InspectionInput) (*domain.Inspection, error) {
	// The campaign is resolved before the transaction and its error reported
	// after the authorization, as a missing site or a refusal comes first.
	camp, campErr := s.ResolveCampaign(ctx, in.CampaignID)
	var x *domain.Inspection
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		site, place, err := tx.Site(in.SiteID)
		if err != nil {
			return found(err, "场所")
		}
		if err := domain.Authorize(a, domain.ActWriteSite, place, "场所"); err != nil {
			return err
		}
		if campErr != nil {
			return campErr
		}
		// Times are kept to the microsecond, as tx.Now() is.
		x = &domain.Inspection{CampaignID: camp.ID, SiteID: site.ID, InspectedAt: in.InspectedAt.UTC().Truncate(time.Microsecond),
			Inspectors: in.Inspectors, Lat: in.Lat, Lng: in.Lng, Outcome: in.Outcome, Note: in.Note}
		if err := x.Normalize(tx.Now(), a.User.DisplayName); err != nil {
			return err
		}
		if id, ok, err := replay(tx, in.IdempotencyKey, "inspection"); err != nil {
			return err
		} else if ok {
			x, err = tx.Inspection(id)
			return found(err, "排查记录")
		}
		if err := tx.InsertInspection(x); err != nil {
			return err
		}
		if err := tx.Audit("create", "inspection", x.ID, nil, x); err != nil {
			return err
		}
		if in.Recheck != "" {
			if err := siteFoundAt(tx, site, camp.ID, in.Recheck); err != nil {
				return err
			}
		}
		return tx.Remember(in.IdempotencyKey, "inspection", x.ID)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// Inspection loads one inspection whose site is in the actor's scope.
func (s *App) Inspection(ctx context.Context, a *domain.Actor, id int64) (*domain.Inspection, error) {
	return readInspection(s.db.Reader(ctx), a, domain.ActRead, id)
}

// readInspection loads an inspection and authorizes act on it at its
// site's place.
func readInspection(r store.Reader, a *domain.Actor, act domain.Action, id int64) (*domain.Inspection, error) {
	x, err := r.Inspection(id)
	if err != nil {
		return nil, found(err, "排查记录")
	}
	_, place, err := r.Site(x.SiteID)
	if err != nil {
		return nil, found(err, "场所")
	}
	if err := domain.Authorize(a, act, place, "排查记录"); err != nil {
		return nil, err
	}
	return x, nil
}

// SiteInspections lists a site's inspections, latest first; campaignID 0
// means every campaign.
func (s *App) SiteInspections(ctx context.Context, a *domain.Actor, siteID, campaignID int64) ([]*domain.Inspection, error) {
	r := s.db.Reader(ctx)
	_, place, err := r.Site(siteID)
	if err != nil {
		return nil, found(err, "场所")
	}
	if err := domain.Authorize(a, domain.ActRead, place, "场所"); err != nil {
		return nil, err
	}
	return r.SiteInspections(siteID, campaignID)
}
