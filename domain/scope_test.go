package domain

import (
	"slices"
	"strconv"
	"testing"
)

func TestListUnit(t *testing.T) {
	district := OrgUnit{ID: 1, Path: "/1/"}
	town := OrgUnit{ID: 2, Path: "/1/2/"}
	village := OrgUnit{ID: 3, Path: "/1/2/3/"}
	other := OrgUnit{ID: 4, Path: "/1/4/"}
	grid := &Actor{Scope: village}
	officer := &Actor{Scope: town}
	for _, tc := range []struct {
		a    *Actor
		o    *OrgUnit
		want int64
	}{
		{officer, nil, town.ID}, {officer, &village, village.ID}, {grid, &town, village.ID}, {grid, &district, village.ID},
	} {
		if got, err := tc.a.ListUnit(tc.o); err != nil || got.ID != tc.want {
			t.Errorf("%s asking %v: %v %v, want %d", tc.a.Scope.Path, tc.o, got, err, tc.want)
		}
	}
	if _, err := officer.ListUnit(&other); ErrorCode(err) != ENOTFOUND {
		t.Fatalf("a unit outside the scope: %v", err)
	}
}

// scopeTree is a small province-shaped tree: a root with a city, under it
// two districts; towns (one 开发区 holding a 街道), villages, grids and a 部门.
type scopeTree struct {
	units []*OrgUnit
	byID  map[int64]*OrgUnit
}

func (tr *scopeTree) add(kind OrgKind, parent *OrgUnit) *OrgUnit {
	id := int64(len(tr.units) + 1)
	o := &OrgUnit{ID: id, Kind: kind, Name: string(kind) + strconv.FormatInt(id, 10), Path: "/" + strconv.FormatInt(id, 10) + "/"}
	if parent != nil {
		o.ParentID, o.Path = &parent.ID, parent.Path+strconv.FormatInt(id, 10)+"/"
	}
	tr.units = append(tr.units, o)
	tr.byID[id] = o
	return o
}

func newScopeTree() *scopeTree {
	tr := &scopeTree{byID: map[int64]*OrgUnit{}}
	root := tr.add(KindProvince, nil)
	city := tr.add(KindCity, root)
	tr.add(KindDept, root)
	for range 2 {
		d := tr.add(KindDistrict, city)
		for _, k := range []OrgKind{KindTown, KindStreet, KindDevZone} {
			town := tr.add(k, d)
			for range 2 {
				v := tr.add(KindVillage, town)
				tr.add(KindGrid, v)
			}
			if k == KindDevZone {
				inner := tr.add(KindStreet, town)
				tr.add(KindCommunity, inner)
			}
		}
	}
	return tr
}

// places lists every place a record may have: (town, village or nil).
func (tr *scopeTree) places() [][2]*OrgUnit {
	var out [][2]*OrgUnit
	for _, o := range tr.units {
		if o.IsTown() {
			out = append(out, [2]*OrgUnit{o, nil})
			for _, v := range tr.units {
				if v.Kind.Tier() == TierVillage && v.ParentID != nil && *v.ParentID == o.ID {
					out = append(out, [2]*OrgUnit{o, v})
				}
			}
		}
	}
	return out
}

// admits is the filter's meaning over a record's place columns, as the
// SQL of store/scope.go writes it.
func admits(f ScopeFilter, town, village *OrgUnit) bool {
	switch {
	case f.All:
		return true
	case f.VillageID != 0:
		return village != nil && village.ID == f.VillageID
	case f.TownID != 0:
		return town.ID == f.TownID
	}
	return slices.Contains(f.TownIDs, town.ID)
}

func TestScopeOf_SelectsWhatSeesAccepts(t *testing.T) {
	tr := newScopeTree()
	var towns []*OrgUnit
	for _, o := range tr.units {
		if o.IsTown() {
			towns = append(towns, o)
		}
	}
	kinds := map[string]bool{}
	for _, u := range tr.units {
		scope := tr.byID[ScopeUnitID(u)] // a grid's list is its village's
		f := ScopeOf(scope, towns)
		switch {
		case f.All:
			kinds["all"] = true
		case f.VillageID != 0:
			kinds["village"] = true
		case f.TownID != 0:
			kinds["town"] = true
		case len(f.TownIDs) > 0:
			kinds["towns"] = true
		default:
			kinds["none"] = true
		}
		a := &Actor{Scope: *scope}
		for _, p := range tr.places() {
			place := p[0]
			if p[1] != nil {
				place = p[1]
			}
			if got, want := admits(f, p[0], p[1]), a.Sees(place); got != want {
				t.Errorf("unit %s (%s): filter %+v admits %s/%v = %v, Sees = %v", u.Name, u.Path, f, p[0].Name, p[1], got, want)
			}
		}
	}
	for _, k := range []string{"all", "village", "town", "towns", "none"} {
		if !kinds[k] {
			t.Errorf("no unit gave a %q filter", k)
		}
	}
}

func TestScopeOf_Shapes(t *testing.T) {
	tr := newScopeTree()
	var towns []*OrgUnit
	for _, o := range tr.units {
		if o.IsTown() {
			towns = append(towns, o)
		}
	}
	for _, u := range tr.units {
		f := ScopeOf(u, towns)
		switch {
		case u.ParentID == nil:
			if !f.All || ScopeNeedsTowns(u) {
				t.Errorf("root: %+v", f)
			}
		case u.Kind.Tier() == TierVillage:
			if f.VillageID != u.ID || ScopeNeedsTowns(u) {
				t.Errorf("village %s: %+v", u.Name, f)
			}
		case u.Kind == KindTown || u.Kind == KindStreet && !tr.byID[*u.ParentID].IsTown():
			if f.TownID != u.ID {
				t.Errorf("town %s: %+v", u.Name, f)
			}
		case u.Kind == KindDevZone:
			if len(f.TownIDs) != 2 || f.TownIDs[0] != u.ID {
				t.Errorf("开发区 holding a 街道 %s: %+v", u.Name, f)
			}
		case u.Kind == KindDept || u.Kind == KindGrid:
			if !f.None() {
				t.Errorf("%s: %+v", u.Name, f)
			}
		}
	}
}

func TestKindsOf(t *testing.T) {
	if got := KindsOf(TierTown); !slices.Equal(got, []OrgKind{KindDevZone, KindTown, KindStreet, KindXiang}) {
		t.Fatalf("town kinds %v", got)
	}
	n := 0
	for tier := TierRegion; tier <= TierDept; tier++ {
		n += len(KindsOf(tier))
	}
	if n != len(OrgKinds) {
		t.Fatalf("every kind has a tier: %d of %d", n, len(OrgKinds))
	}
}
