package store

// Transitional (issue [5]): the foundation's use cases live in app/ now
// (app/users.go, app/orgs.go, app/campaigns.go). These few loads stay only
// because store code of other areas still calls them — case.go, site.go,
// report.go, summary.go, summaryreport.go, dashboard.go, recheck.go,
// inspection.go, closeout.go, delegation.go. They decide nothing of their
// own (the rules are domain's); delete this file when those callers have
// moved to app and nothing calls it.

import (
	"context"

	"zhengzhi/domain"
)

// Org loads one unit, not found as the domain's error.
func (d *DB) Org(ctx context.Context, id int64) (*domain.OrgUnit, error) {
	o, err := d.Reader(ctx).Org(id)
	return o, notFoundAs(err, "单位")
}

// VisibleOrg loads a unit the actor may see; outside scope is not found.
func (d *DB) VisibleOrg(ctx context.Context, a *domain.Actor, id int64) (*domain.OrgUnit, error) {
	o, err := d.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, o, "单位"); err != nil {
		return nil, err
	}
	return o, nil
}

// Subtree lists root and the units below it in tree order.
func (d *DB) Subtree(ctx context.Context, root *domain.OrgUnit) ([]*domain.OrgUnit, error) {
	return d.Reader(ctx).Subtree(root)
}

// Campaign loads one campaign, not found as the domain's error.
func (d *DB) Campaign(ctx context.Context, id int64) (*domain.Campaign, error) {
	c, err := d.Reader(ctx).Campaign(id)
	return c, notFoundAs(err, "专项行动")
}

// ResolveCampaign returns campaign id, or with id 0 the active one
// (domain.ActiveCampaign).
func (d *DB) ResolveCampaign(ctx context.Context, id int64) (*domain.Campaign, error) {
	if id != 0 {
		return d.Campaign(ctx, id)
	}
	camps, err := d.Reader(ctx).Campaigns()
	if err != nil {
		return nil, err
	}
	c := domain.ActiveCampaign(camps, domain.DateOf(d.clock.Now(), d.zone))
	if c == nil {
		return nil, domain.Invalid("campaign_id", "尚未设立专项行动")
	}
	return c, nil
}

// actor loads an active user as an actor (domain.ScopeUnitID bounds what
// they see); a deactivated one is unauthorized.
func (d *DB) actor(ctx context.Context, userID int64) (*domain.Actor, error) {
	r := d.Reader(ctx)
	u, err := r.User(userID)
	if err != nil {
		return nil, notFoundAs(err, "用户")
	}
	if !u.Active {
		return nil, &domain.Error{Code: domain.EUNAUTHORIZED, Message: "用户名或密码错误"}
	}
	org, err := d.Org(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	scope := org
	if id := domain.ScopeUnitID(org); id != org.ID {
		if scope, err = d.Org(ctx, id); err != nil {
			return nil, err
		}
	}
	return &domain.Actor{User: *u, Org: *org, Scope: *scope}, nil
}

// notFoundAs turns ErrNotFound into the domain's not-found naming what.
func notFoundAs(err error, what string) error {
	if IsNotFound(err) {
		return domain.NotFound(what)
	}
	return err
}
