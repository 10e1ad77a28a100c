package store

import (
	"errors"
	"fmt"
	"time"

	"zhengzhi/domain"
)

// The loads every area of the application layer shares. Each returns an
// error wrapping ErrNotFound for a missing row and checks no scope: the use
// case decides who may see what it loaded.

// Case loads a case with the place it lies at (its village, else its town)
// and the names shown with it.
func (r Reader) Case(id int64) (*domain.Case, *domain.OrgUnit, error) {
	c, place, err := scanCase(r.q.QueryRowContext(r.ctx, `SELECT `+caseCols+caseFrom+` WHERE c.id = $1`, id))
	if err != nil {
		return nil, nil, noRows(err, "case", id)
	}
	return c, place, nil
}

// Site loads a site with its place (village, else town).
func (r Reader) Site(id int64) (*domain.Site, *domain.OrgUnit, error) {
	var place domain.OrgUnit
	s, err := scanSite(r.q.QueryRowContext(r.ctx, `SELECT `+siteCols+`, p.id, p.name, p.kind, p.path`+siteFrom+` WHERE s.id = $1`, id),
		&place.ID, &place.Name, &place.Kind, &place.Path)
	if err != nil {
		return nil, nil, noRows(err, "site", id)
	}
	return s, &place, nil
}

// Campaign loads one campaign.
func (r Reader) Campaign(id int64) (*domain.Campaign, error) {
	c, err := scanCampaign(r.q.QueryRowContext(r.ctx, `SELECT `+campaignCols+` FROM campaigns WHERE id = $1`, id))
	if err != nil {
		return nil, noRows(err, "campaign", id)
	}
	return c, nil
}

// Campaigns lists every campaign, newest first.
func (r Reader) Campaigns() ([]*domain.Campaign, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+campaignCols+` FROM campaigns ORDER BY start_date DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	defer rows.Close()
	out := []*domain.Campaign{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Org loads one org unit.
func (r Reader) Org(id int64) (*domain.OrgUnit, error) {
	o, err := scanOrg(r.q.QueryRowContext(r.ctx, `SELECT `+orgCols+` FROM org_units WHERE id = $1`, id))
	if err != nil {
		return nil, noRows(err, "org unit", id)
	}
	return o, nil
}

// OrgByCode loads one org unit by its 12-digit code.
func (r Reader) OrgByCode(code string) (*domain.OrgUnit, error) {
	o, err := scanOrg(r.q.QueryRowContext(r.ctx, `SELECT `+orgCols+` FROM org_units WHERE code = $1`, code))
	if err != nil {
		return nil, noRows(err, "org unit", code)
	}
	return o, nil
}

// Root loads the deployment's root unit.
func (r Reader) Root() (*domain.OrgUnit, error) {
	o, err := scanOrg(r.q.QueryRowContext(r.ctx, `SELECT `+orgCols+` FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1`))
	if err != nil {
		return nil, noRows(err, "root unit", "")
	}
	return o, nil
}

// Children lists a unit's children in official order.
func (r Reader) Children(id int64) ([]*domain.OrgUnit, error) {
	out, err := r.orgs(`SELECT `+orgCols+` FROM org_units WHERE parent_id = $1`, id)
	if err != nil {
		return nil, err
	}
	domain.SortOfficial(out)
	return out, nil
}

// Subtree lists root and every unit below it, depth first in official order.
func (r Reader) Subtree(root *domain.OrgUnit) ([]*domain.OrgUnit, error) {
	lo, hi := subtreeBounds(root.Path)
	all, err := r.orgs(`SELECT `+orgCols+` FROM org_units WHERE `+r.db.pathRange("path", "$1", "$2")+` ORDER BY level, id`, lo, hi)
	if err != nil {
		return nil, err
	}
	return treeOrder(all, root.ID), nil
}

// Ancestors lists o's ancestors from its parent up to the root.
func (r Reader) Ancestors(o *domain.OrgUnit) ([]*domain.OrgUnit, error) {
	var out []*domain.OrgUnit
	for cur := o; cur.ParentID != nil; {
		p, err := r.Org(*cur.ParentID)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
		cur = p
	}
	return out, nil
}

func (r Reader) orgs(query string, args ...any) ([]*domain.OrgUnit, error) {
	rows, err := r.q.QueryContext(r.ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("org units: %w", err)
	}
	defer rows.Close()
	var out []*domain.OrgUnit
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// HeldDelegations lists the delegations userID holds that end after now
// (the use case picks the one in force: domain.DelegationInForce).
func (r Reader) HeldDelegations(userID int64, now time.Time) ([]*domain.Delegation, error) {
	if userID == 0 {
		return nil, nil
	}
	return r.Delegations(DelegationFilter{DelegateUserID: userID, EndsAfter: now})
}

// IsNotFound reports whether err says a row was missing.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
