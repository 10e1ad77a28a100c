package domain

import (
	"slices"
	"testing"
	"time"
)

func TestHomeOf_EachRolesParts(t *testing.T) {
	for r, want := range map[Role]HomeParts{
		RoleGrid:           {Today: true},
		RoleVillageHead:    {Review: true},
		RoleTownOfficer:    {Week: true},
		RoleTownHead:       {Review: true, Week: true},
		RoleDistrictOffice: {Review: true, Towns: true},
		RoleSupervisor:     {Towns: true},
		RoleDiscipline:     {Towns: true},
		RoleAdmin:          {Review: true, Towns: true},
		RoleDepartment:     {},
	} {
		if got := HomeOf(r); got != want {
			t.Errorf("%s: %+v, want %+v", r, got, want)
		}
	}
}

func actorAs(r Role) *Actor { return &Actor{User: User{ID: 1, Role: r, Active: true}} }

// The navigation per role: what the role uses and nothing it may not do.
func TestUses_NavigationPerRole(t *testing.T) {
	want := map[Role][]Area{
		RoleGrid:           {AreaHome, AreaCases, AreaSites, AreaRechecks},
		RoleVillageHead:    {AreaHome, AreaCases, AreaSites, AreaInbox, AreaDelegations},
		RoleTownOfficer:    {AreaHome, AreaCases, AreaSites, AreaInbox, AreaRechecks, AreaReports, AreaTips, AreaUsers},
		RoleTownHead:       {AreaHome, AreaCases, AreaSites, AreaInbox, AreaReports, AreaTips, AreaDelegations},
		RoleDistrictOffice: {AreaHome, AreaDashboard, AreaCases, AreaSites, AreaInbox, AreaRechecks, AreaReports, AreaTips, AreaUsers, AreaCampaigns},
		RoleSupervisor:     {AreaHome, AreaDashboard, AreaCases, AreaSites, AreaReports, AreaTips},
		RoleDiscipline:     {AreaHome, AreaDashboard, AreaCases, AreaSites, AreaReports, AreaTips},
		RoleDepartment:     {AreaHome, AreaCases, AreaSites},
		RoleAdmin:          {AreaHome, AreaDashboard, AreaCases, AreaSites, AreaInbox, AreaRechecks, AreaReports, AreaTips, AreaUsers, AreaOrgs, AreaCampaigns},
	}
	for _, r := range Roles {
		var got []Area
		for _, a := range Areas {
			if Uses(actorAs(r), nil, time.Time{}, a) {
				got = append(got, a)
			}
		}
		if !slices.Equal(got, want[r]) {
			t.Errorf("%s: %v, want %v", r, got, want[r])
		}
	}
	// A grid worker signing for the village head while the delegation is in force has the inbox.
	now := time.Date(2020, 10, 14, 9, 0, 0, 0, Shanghai())
	del := &Delegation{HeadUserID: 2, DelegateUserID: 1, Role: RoleVillageHead, From: now.Add(-time.Hour), Until: now.Add(time.Hour)}
	if !Uses(actorAs(RoleGrid), del, now, AreaInbox) {
		t.Error("a delegate grid worker has no inbox")
	}
}

// A case waits for a role's signature exactly when it sits in one of the
// role's review slots: the slots are the transition table's approve rows.
func TestReviewSlots_MatchAllowedActions(t *testing.T) {
	for _, r := range Roles {
		slots := ReviewSlots(r)
		for _, st := range allStatuses {
			for _, village := range []bool{false, true} {
				c := readyCase(st, village)
				inSlot := slices.ContainsFunc(slots, func(s ReviewSlot) bool { return s.Holds(c) })
				approves := slices.Contains(AllowedActions(actorAs(r), c), CaseApprove)
				if inSlot != approves {
					t.Errorf("%s, %s, village %v: in a slot %v, may approve %v", r, st, village, inSlot, approves)
				}
			}
		}
	}
}

func TestSitesToInspect_RechecksFirstThenNeverInspected(t *testing.T) {
	never := []*Site{{ID: 9, Name: "新"}, {ID: 3, Name: "老", Address: "某路1号"}}
	due := []RecheckItem{{SiteID: 5, SiteName: "停产厂", Due: "2020-10-01"}, {SiteID: 9, SiteName: "新", Due: "2020-10-02"}}
	got := SitesToInspect(never, due)
	var ids []int64
	for _, x := range got {
		ids = append(ids, x.SiteID)
	}
	if !slices.Equal(ids, []int64{5, 3, 9}) || !got[0].Recheck || got[1].Recheck || got[1].Address != "某路1号" {
		t.Fatalf("tasks %+v", got)
	}
}
