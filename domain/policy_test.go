package domain

import (
	"strings"
	"testing"
)

// The expected matrix, written out independently of the policy table:
// for each action, the roles (by initial) that may do it. Reading it is
// reading DESIGN.md §5.
//
//	g grid, v village_head, o town_officer, h town_head, d district_office,
//	s supervisor, k discipline, p department, a admin
var wantMatrix = map[Action]string{
	ActRead:            "gvohdskpa",
	ActReadAudit:       "ka",
	ActManageOrgs:      "a",
	ActManageUsers:     "oda",
	ActManageCampaign:  "da",
	ActWriteSite:       "goda",
	ActCreateCase:      "goda",
	ActEditCase:        "goda",
	ActEnforce:         "oda",
	ActSupervise:       "sda",
	ActRequestCloseout: "go",
	ActVoid:            "oda",
	ActReopen:          "oda",
	ActTransfer:        "da",
	ActPublish:         "da",
	ActPrepareReport:   "ohda",
	ActSubmitReport:    "hda",
	ActReviewReport:    "da",
	ActDelegate:        "vh",
	ActSpotCheck:       "sa",
	ActHandleTips:      "oda",
	ActRevealReporter:  "d",
	ActReadTips:        "ohdska",
	ActEnterTips:       "da",
	ActRewardTips:      "da",
	ActManageAPIKeys:   "a",
}

var roleInitial = map[Role]string{
	RoleGrid: "g", RoleVillageHead: "v", RoleTownOfficer: "o", RoleTownHead: "h", RoleDistrictOffice: "d",
	RoleSupervisor: "s", RoleDiscipline: "k", RoleDepartment: "p", RoleAdmin: "a",
}

// testTree: district 1 → towns 2 (五星), 3 (永红) → villages 4 (under 2), 5 (under 3); grid 6 under 4.
func testTree() map[string]*OrgUnit {
	id := func(i int64) *int64 { return &i }
	return map[string]*OrgUnit{
		"district": {ID: 1, Name: "钟楼区", Kind: KindDistrict, Path: "/1/"},
		"town":     {ID: 2, Name: "五星街道", Kind: KindStreet, ParentID: id(1), Path: "/1/2/"},
		"other":    {ID: 3, Name: "永红街道", Kind: KindStreet, ParentID: id(1), Path: "/1/3/"},
		"village":  {ID: 4, Name: "新中社区", Kind: KindCommunity, ParentID: id(2), Path: "/1/2/4/"},
		"ovillage": {ID: 5, Name: "东方社区", Kind: KindCommunity, ParentID: id(3), Path: "/1/3/5/"},
		"grid":     {ID: 6, Name: "网格一", Kind: KindGrid, ParentID: id(4), Path: "/1/2/4/6/"},
		"dept":     {ID: 7, Name: "供电公司", Kind: KindDept, ParentID: id(1), Path: "/1/7/"},
	}
}

// actorAt places a role where DESIGN.md §5 puts it, in 五星街道 for town and village roles.
func actorAt(r Role, tree map[string]*OrgUnit) *Actor {
	var o *OrgUnit
	switch r {
	case RoleGrid, RoleVillageHead:
		o = tree["village"]
	case RoleTownOfficer, RoleTownHead:
		o = tree["town"]
	case RoleDepartment:
		o = tree["dept"]
	default:
		o = tree["district"]
	}
	return &Actor{User: User{ID: 9, Role: r, Active: true}, Org: *o, Scope: *o}
}

func TestAuthorize_EveryRoleActionAndScope(t *testing.T) {
	tree := testTree()
	if len(wantMatrix) != len(policy) {
		t.Fatalf("matrix covers %d actions, policy has %d", len(wantMatrix), len(policy))
	}
	for act, allowed := range wantMatrix {
		for _, r := range Roles {
			a := actorAt(r, tree)
			may := strings.Contains(allowed, roleInitial[r])
			// Own scope: the record sits in the actor's own unit.
			own := &a.Scope
			err := Authorize(a, act, own, "记录")
			if may && err != nil {
				t.Errorf("%s %s own scope: %v, want allowed", r, act, err)
			}
			if !may && ErrorCode(err) != EFORBIDDEN {
				t.Errorf("%s %s own scope: %v, want forbidden", r, act, err)
			}
			// Other scope: a record in 永红's community is invisible to 五星's
			// people (404 whatever the role); district roles see it.
			other := tree["ovillage"]
			err = Authorize(a, act, other, "记录")
			switch {
			case a.Scope.Contains(other) && may:
				if err != nil {
					t.Errorf("%s %s other town: %v, want allowed", r, act, err)
				}
			case a.Scope.Contains(other):
				if ErrorCode(err) != EFORBIDDEN {
					t.Errorf("%s %s other town: %v, want forbidden", r, act, err)
				}
			default:
				if ErrorCode(err) != ENOTFOUND {
					t.Errorf("%s %s other town: %v, want not found", r, act, err)
				}
			}
		}
	}
}

func TestAuthorize_NoActorIsUnauthorized(t *testing.T) {
	if ErrorCode(Authorize(nil, ActRead, nil, "")) != EUNAUTHORIZED {
		t.Fatal("nil actor must be unauthorized")
	}
}

func TestRoleFits(t *testing.T) {
	tree := testTree()
	want := map[Role]string{ // units where each role fits
		RoleGrid: "village grid", RoleVillageHead: "village", RoleTownOfficer: "town other",
		RoleTownHead: "town other", RoleDistrictOffice: "district", RoleSupervisor: "district",
		RoleDiscipline: "district", RoleDepartment: "dept", RoleAdmin: "district",
	}
	for _, r := range Roles {
		for name, o := range tree {
			if name == "ovillage" {
				continue
			}
			fits := strings.Contains(" "+want[r]+" ", " "+name+" ")
			if r.Fits(o) != fits {
				t.Errorf("%s at %s: fits=%v, want %v", r, name, r.Fits(o), fits)
			}
		}
	}
}

func TestManageUser(t *testing.T) {
	tree := testTree()
	cases := []struct {
		actor  Role
		target Role
		at     string
		code   string
	}{
		{RoleAdmin, RoleAdmin, "district", ""},
		{RoleDistrictOffice, RoleTownHead, "town", ""},
		{RoleDistrictOffice, RoleAdmin, "district", EFORBIDDEN},
		{RoleTownOfficer, RoleGrid, "village", ""},
		{RoleTownOfficer, RoleVillageHead, "village", ""},
		{RoleTownOfficer, RoleTownOfficer, "town", EFORBIDDEN},
		{RoleTownOfficer, RoleGrid, "ovillage", ENOTFOUND},
		{RoleTownHead, RoleGrid, "village", EFORBIDDEN},
		{RoleGrid, RoleGrid, "village", EFORBIDDEN},
	}
	for _, c := range cases {
		err := ManageUser(actorAt(c.actor, tree), c.target, tree[c.at])
		if got := ErrorCode(err); got != c.code {
			t.Errorf("%s makes %s at %s: %q, want %q", c.actor, c.target, c.at, got, c.code)
		}
	}
}

func TestGridWorkerScopeIsVillage(t *testing.T) {
	tree := testTree()
	a := &Actor{User: User{Role: RoleGrid}, Org: *tree["grid"], Scope: *tree["village"]}
	if !a.Sees(tree["village"]) || a.Sees(tree["town"]) || a.Sees(tree["ovillage"]) {
		t.Fatal("a grid worker sees their village, not the town or another village")
	}
}
