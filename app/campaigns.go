package app

import (
	"context"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// CreateCampaign sets up a campaign (district office, admin); the notice's
// defaults fill what the form leaves out (domain.Campaign.Normalize).
func (s *App) CreateCampaign(ctx context.Context, a *domain.Actor, c domain.Campaign) (*domain.Campaign, error) {
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		if err := domain.Authorize(a, domain.ActManageCampaign, nil, ""); err != nil {
			return err
		}
		if err := c.Normalize(); err != nil {
			return err
		}
		c.Version = 1
		if err := tx.InsertCampaign(&c); err != nil {
			return err
		}
		return tx.Audit("create", "campaign", c.ID, nil, c)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Campaigns lists all campaigns, newest first. Every logged-in role may read them.
func (s *App) Campaigns(ctx context.Context, a *domain.Actor) ([]*domain.Campaign, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	return s.db.Reader(ctx).Campaigns()
}

// Campaign loads one campaign for any logged-in user.
func (s *App) Campaign(ctx context.Context, a *domain.Actor, id int64) (*domain.Campaign, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	return campaign(s.db.Reader(ctx), id)
}

// ResolveCampaign returns campaign id, or with id 0 the active one
// (domain.ActiveCampaign) at today's date.
func (s *App) ResolveCampaign(ctx context.Context, id int64) (*domain.Campaign, error) {
	return resolveCampaign(s.db.Reader(ctx), id, domain.DateOf(s.clock.Now(), s.zone))
}

func campaign(r store.Reader, id int64) (*domain.Campaign, error) {
	c, err := r.Campaign(id)
	if err != nil {
		return nil, found(err, "专项行动")
	}
	return c, nil
}

// resolveCampaign is ResolveCampaign over a reader, for use cases that pick
// the campaign inside their transaction (today from tx.Now()).
func resolveCampaign(r store.Reader, id int64, today domain.Date) (*domain.Campaign, error) {
	if id != 0 {
		return campaign(r, id)
	}
	camps, err := r.Campaigns()
	if err != nil {
		return nil, err
	}
	c := domain.ActiveCampaign(camps, today)
	if c == nil {
		return nil, domain.Invalid("campaign_id", "尚未设立专项行动")
	}
	return c, nil
}
