package app

import (
	"zhengzhi/domain"
	"zhengzhi/store"
)

// listScope is the place filter of a list for the unit orgID (0: none)
// asked for: the actor's scope narrowed to it (domain.(*Actor).ListUnit; a
// unit outside the scope is not found), as equality on the records' place
// columns (domain.ScopeOf).
func listScope(r store.Reader, a *domain.Actor, orgID int64) (domain.ScopeFilter, error) {
	var o *domain.OrgUnit
	if orgID != 0 {
		var err error
		if o, err = r.Org(orgID); err != nil {
			return domain.ScopeFilter{}, found(err, "单位")
		}
	}
	u, err := a.ListUnit(o)
	if err != nil {
		return domain.ScopeFilter{}, err
	}
	return scopeOf(r, u)
}

// scopeOf is the place filter of the records in u's subtree
// (domain.ScopeOf), a grid standing for its village (domain.ScopeUnitID),
// with the town-level units under u loaded when the domain needs them.
func scopeOf(r store.Reader, u *domain.OrgUnit) (domain.ScopeFilter, error) {
	if id := domain.ScopeUnitID(u); id != u.ID {
		v, err := r.Org(id)
		if err != nil {
			return domain.ScopeFilter{}, found(err, "单位")
		}
		u = v
	}
	var towns []*domain.OrgUnit
	if domain.ScopeNeedsTowns(u) {
		var err error
		if towns, err = r.UnitsUnder(u, domain.KindsOf(domain.TierTown)); err != nil {
			return domain.ScopeFilter{}, err
		}
	}
	return domain.ScopeOf(u, towns), nil
}
