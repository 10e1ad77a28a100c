package domain

// Scope by equality. A record (case, site) is placed at its town-level unit
// (org_id) and, optionally, a village under it (village_id); its place is
// the village, else the town (DESIGN.md §2 "Where a record lives"). Whether
// an actor sees a record is (*Actor).Sees over that place. A list asks the
// same question of every row, so instead of comparing paths it filters the
// two place columns by equality (ScopeOf), which an index serves. The
// parity test (store · TestScopeFilterSQL_MatchesSees) holds the SQL form of
// the filter to Sees on both databases.

// ScopeFilter selects the records placed in one unit's subtree by their
// place columns: exactly one of the fields says how. The zero value selects
// nothing (a unit with no town under it).
type ScopeFilter struct {
	All       bool    // the deployment's root: every record
	VillageID int64   // a village: village_id = VillageID
	TownID    int64   // a town: org_id = TownID
	TownIDs   []int64 // above the towns: org_id IN TownIDs (empty: nothing)
}

// None reports whether the filter selects no record at all.
func (f ScopeFilter) None() bool {
	return !f.All && f.VillageID == 0 && f.TownID == 0 && len(f.TownIDs) == 0
}

// ListUnit is the unit a list of records is restricted to: the actor's
// scope, narrowed to o when one is asked for (nil: none). A unit above the
// scope (a grid worker asking for their town) gives the scope itself; a unit
// outside it is not found. A grid stands for its village (ScopeUnitID):
// the caller loads that unit before asking ScopeOf.
func (a *Actor) ListUnit(o *OrgUnit) (*OrgUnit, error) {
	switch {
	case o == nil:
		return &a.Scope, nil
	case a.Scope.Contains(o):
		return o, nil
	case o.Contains(&a.Scope):
		return &a.Scope, nil
	}
	return nil, NotFound("单位")
}

// ScopeNeedsTowns reports whether ScopeOf(u, towns) reads towns: for a unit
// neither the root nor a village, the town-level units of its subtree (the
// org tree's small table, loaded by an indexed path range).
func ScopeNeedsTowns(u *OrgUnit) bool {
	return u.ParentID != nil && u.Kind.Tier() != TierVillage
}

// ScopeOf is the equality filter of the records whose place lies in u's
// subtree — for every record r, ScopeOf(u, towns) selects r exactly when
// (&Actor{Scope: *u}).Sees(place of r):
//
//   - the root (no parent): every record, since every place lies under the
//     deployment's one root;
//   - a village: its records carry it as village_id (a village has only
//     grids below it, and a record's village lies under its town);
//   - any other unit: the records whose town (org_id) is one of the
//     town-level units in its subtree — its own id for a town, the towns
//     below for a district or a city, none for a 部门 — since a record's
//     village lies under its town.
//
// towns are the town-level units of u's subtree (ScopeNeedsTowns); units
// outside the subtree or not town level are ignored. A grid passed here is
// a unit under which no record is placed: pass its village (ScopeUnitID).
func ScopeOf(u *OrgUnit, towns []*OrgUnit) ScopeFilter {
	switch {
	case u.ParentID == nil:
		return ScopeFilter{All: true}
	case u.Kind.Tier() == TierVillage:
		return ScopeFilter{VillageID: u.ID}
	}
	ids := []int64{}
	for _, t := range towns {
		if t.IsTown() && u.Contains(t) {
			ids = append(ids, t.ID)
		}
	}
	if len(ids) == 1 && ids[0] == u.ID {
		return ScopeFilter{TownID: u.ID}
	}
	return ScopeFilter{TownIDs: ids}
}

// OrgKinds lists every kind of unit.
var OrgKinds = []OrgKind{KindProvince, KindCity, KindDistrict, KindCounty, KindDevZone, KindTown, KindStreet, KindXiang,
	KindVillage, KindCommunity, KindGrid, KindDept}

// KindsOf lists the kinds of a tier, for a query of the org tree by kind
// (the town-level units under a unit: KindsOf(TierTown)).
func KindsOf(t Tier) []OrgKind {
	var out []OrgKind
	for _, k := range OrgKinds {
		if k.Tier() == t {
			out = append(out, k)
		}
	}
	return out
}
