package domain

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// wantLoop is DESIGN.md §2/§7 written out independently of the transition
// table: for each action, starting status and kind of case (v = with a
// village, n = without), the roles that may act (initials as in
// policy_test.go) and the status after ("=" unchanged). A combination not
// listed is one nobody may take (409).
var wantLoop = map[string]string{
	"request_closeout registered v": "go closeout_requested",
	"request_closeout registered n": "go closeout_requested",
	"request_closeout rectifying v": "go closeout_requested",
	"request_closeout rectifying n": "go closeout_requested",

	"approve closeout_requested v": "v village_approved",
	"approve closeout_requested n": "h town_approved",
	"approve village_approved v":   "h town_approved",
	"approve village_approved n":   "h town_approved",
	"approve town_approved v":      "da closed_out",
	"approve town_approved n":      "da closed_out",

	"return closeout_requested v": "v rectifying",
	"return closeout_requested n": "h rectifying",
	"return village_approved v":   "h rectifying",
	"return village_approved n":   "h rectifying",
	"return town_approved v":      "da rectifying",
	"return town_approved n":      "da rectifying",

	"reopen closed_out v": "oda rectifying",
	"reopen closed_out n": "oda rectifying",

	"void registered v": "oda voided",
	"void registered n": "oda voided",
	"void rectifying v": "oda voided",
	"void rectifying n": "oda voided",

	"transfer registered v": "da =",
	"transfer registered n": "da =",
	"transfer rectifying v": "da =",
	"transfer rectifying n": "da =",

	"publish closed_out v":   "da =",
	"publish closed_out n":   "da =",
	"unpublish closed_out v": "da =",
	"unpublish closed_out n": "da =",
}

// wantEver: the roles that take each action in some state.
var wantEver = map[CaseAction]string{
	CaseRequestCloseout: "go", CaseApprove: "vhda", CaseReturn: "vhda", CaseReopen: "oda",
	CaseVoid: "oda", CaseTransfer: "da", CasePublish: "da", CaseUnpublish: "da",
}

var allStatuses = []CaseStatus{StatusRegistered, StatusRectifying, StatusCloseoutRequested,
	StatusVillageApproved, StatusTownApproved, StatusClosedOut, StatusVoided}

func ptr[T any](v T) *T { return &v }

// readyCase is a case in 五星街道, in 新中社区 when withVillage, whose
// content passes every check, in status.
func readyCase(status CaseStatus, withVillage bool) *Case {
	c := &Case{ID: 17, CampaignID: 1, OrgID: 2, SiteID: 5, Status: status,
		CaseFields: CaseFields{UnitName: "某喷涂作坊", Category: CatSpraying,
			Address: "新中路1号", Description: "无证喷涂", Source: SourceGrid, Shutdown: ShutdownNone,
			OnsiteStatus: OnsiteDone, OnsiteDoneDate: "2020-06-01"}}
	if withVillage {
		c.VillageID = ptr(int64(4))
	}
	return c
}

// placeOf is the unit a case lies at: its village, else its town.
func placeOf(c *Case, tree map[string]*OrgUnit) *OrgUnit {
	for _, o := range tree {
		if (c.VillageID != nil && o.ID == *c.VillageID) || (c.VillageID == nil && o.ID == c.OrgID) {
			return o
		}
	}
	return nil
}

func actorIn(r Role, o *OrgUnit) *Actor {
	return &Actor{User: User{ID: 9, DisplayName: "某人", Role: r, Active: true}, Org: *o, Scope: *o}
}

func codeOf(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	return ErrorCode(err)
}

// TestTransition_EveryRoleActionStateAndPlace runs every action from every
// status, for a case with and without a village and one in another town,
// by every role, against wantLoop: 404 outside scope, 403 for a role that
// never takes the action, 409 where the role takes it but not from this
// status (whether nobody may or the step is someone else's), else the status after. The buttons (AllowedActions)
// must offer exactly what succeeds.
func TestTransition_EveryRoleActionStateAndPlace(t *testing.T) {
	tree := testTree()
	for _, action := range CaseActions {
		for _, status := range allStatuses {
			for _, where := range []string{"v", "n", "other"} {
				c := readyCase(status, where != "n")
				if where == "other" {
					c.OrgID, c.VillageID = 3, ptr(int64(5))
				}
				c.Published = action == CaseUnpublish
				place := placeOf(c, tree)
				key := string(action) + " " + string(status) + " " + map[string]string{"v": "v", "n": "n", "other": "v"}[where]
				spec, listed := wantLoop[key]
				may, to, _ := strings.Cut(spec, " ")
				if to == "=" {
					to = string(status)
				}
				for _, r := range Roles {
					a := actorAt(r, tree)
					got, err := Transition(a, c, nil, action, "理由", place)
					var want string
					switch {
					case !a.Scope.Contains(place):
						want = ENOTFOUND
					case listed && strings.Contains(may, roleInitial[r]):
						want = ""
					case !strings.Contains(wantEver[action], roleInitial[r]):
						want = EFORBIDDEN
					default:
						// The role takes this action, but not from this
						// state (nobody may, or the step is someone else's).
						want = ECONFLICT
					}
					if codeOf(t, err) != want {
						t.Errorf("%s by %s (case at %s): %v, want %q", key, r, where, err, want)
						continue
					}
					if want == "" && string(got) != to {
						t.Errorf("%s by %s: status %s, want %s", key, r, got, to)
					}
					if want == ECONFLICT && ErrorField(err) != "status" {
						t.Errorf("%s by %s: conflict names %q, want status", key, r, ErrorField(err))
					}
					if want == ENOTFOUND {
						continue
					}
					offered := slices.Contains(AllowedActions(a, c), action)
					if offered != (want == "") {
						t.Errorf("%s by %s: offered=%v but Transition says %v", key, r, offered, err)
					}
				}
			}
		}
	}
}

// step takes one action on c as a and applies it.
func step(t *testing.T, a *Actor, c *Case, action CaseAction, reason string, want CaseStatus) {
	t.Helper()
	tree := testTree()
	got, err := Transition(a, c, nil, action, reason, placeOf(c, tree))
	if err != nil {
		t.Fatalf("%s by %s from %s: %v", action, a.Role(), c.Status, err)
	}
	if got != want {
		t.Fatalf("%s by %s: status %s, want %s", action, a.Role(), got, want)
	}
	ApplyTransition(c, action, got, time.Date(2020, 7, 1, 9, 0, 0, 0, Shanghai()))
}

func TestTransition_ClosedLoop_VillageTownDistrict(t *testing.T) {
	tree := testTree()
	c := readyCase(StatusRectifying, true)
	grid, vhead := actorAt(RoleGrid, tree), actorAt(RoleVillageHead, tree)
	officer, thead := actorAt(RoleTownOfficer, tree), actorAt(RoleTownHead, tree)
	office := actorAt(RoleDistrictOffice, tree)

	step(t, grid, c, CaseRequestCloseout, "", StatusCloseoutRequested)
	if Reviewer(c) != RoleVillageHead {
		t.Fatalf("reviewer at closeout_requested = %q, want village_head", Reviewer(c))
	}
	step(t, vhead, c, CaseApprove, "", StatusVillageApproved)
	if Reviewer(c) != RoleTownHead {
		t.Fatalf("reviewer at village_approved = %q", Reviewer(c))
	}
	step(t, thead, c, CaseReturn, "两断三清照片不全", StatusRectifying)
	step(t, officer, c, CaseRequestCloseout, "", StatusCloseoutRequested)
	step(t, vhead, c, CaseApprove, "", StatusVillageApproved)
	step(t, thead, c, CaseApprove, "", StatusTownApproved)
	if Reviewer(c) != RoleDistrictOffice {
		t.Fatalf("reviewer at town_approved = %q", Reviewer(c))
	}
	step(t, office, c, CaseApprove, "", StatusClosedOut)
	if c.ClosedAt == nil || Reviewer(c) != "" {
		t.Fatalf("closed out: closed_at %v, reviewer %q", c.ClosedAt, Reviewer(c))
	}
	step(t, office, c, CasePublish, "", StatusClosedOut)
	if !c.Published {
		t.Fatal("publish did not set published")
	}
	step(t, officer, c, CaseReopen, ReopenReasonRecheck, StatusRectifying)
	if c.ClosedAt != nil || c.Published {
		t.Fatal("a reopened case keeps no 销号 time and leaves the 曝光台")
	}
	step(t, officer, c, CaseVoid, "重复录入", StatusVoided)
	if got := AllowedActions(actorAt(RoleAdmin, tree), c); len(got) != 0 {
		t.Fatalf("a voided case offers %v, want nothing", got)
	}
}

func TestTransition_NoVillage_TownHeadApprovesAtCloseoutRequested(t *testing.T) {
	tree := testTree()
	c := readyCase(StatusRegistered, false)
	step(t, actorAt(RoleTownOfficer, tree), c, CaseRequestCloseout, "", StatusCloseoutRequested)
	if Reviewer(c) != RoleTownHead {
		t.Fatalf("reviewer of a case without village = %q, want town_head", Reviewer(c))
	}
	step(t, actorAt(RoleTownHead, tree), c, CaseApprove, "", StatusTownApproved)
	step(t, actorAt(RoleAdmin, tree), c, CaseApprove, "", StatusClosedOut)
}

func TestTransition_Refusals(t *testing.T) {
	tree := testTree()
	otherTownHead := actorIn(RoleTownHead, tree["other"])
	otherVillageHead := actorIn(RoleVillageHead, tree["ovillage"])
	premises := &Campaign{ClearItems: []string{ItemWater, ItemPower, ItemMaterials, ItemEquipment, ItemProducts, ItemPremises}}
	allDone := func(c *Case) {
		c.Clears = map[string]bool{ItemWater: true, ItemPower: true, ItemMaterials: true, ItemEquipment: true, ItemProducts: true}
	}
	cases := []struct {
		name    string
		actor   *Actor
		status  CaseStatus
		village bool
		edit    func(*Case)
		camp    *Campaign
		action  CaseAction
		reason  string
		code    string
		field   string
		msg     string // part of the message
	}{
		{name: "unknown action is 400 naming action, before scope", actor: otherTownHead, status: StatusRectifying, village: true,
			action: "close", code: EINVALID, field: "action"},
		{name: "no actor is 401", status: StatusRectifying, village: true, action: CaseVoid, reason: "x", code: EUNAUTHORIZED},
		{name: "grid approves: 403", actor: actorAt(RoleGrid, tree), status: StatusCloseoutRequested, village: true,
			action: CaseApprove, code: EFORBIDDEN},
		{name: "supervisor voids: 403", actor: actorAt(RoleSupervisor, tree), status: StatusRectifying, village: true,
			action: CaseVoid, reason: "x", code: EFORBIDDEN},
		{name: "town head of another town: 404", actor: otherTownHead, status: StatusVillageApproved, village: true,
			action: CaseApprove, code: ENOTFOUND},
		{name: "village head of another village: 404", actor: otherVillageHead, status: StatusCloseoutRequested, village: true,
			action: CaseApprove, code: ENOTFOUND},
		{name: "village head, case without village: 404", actor: actorAt(RoleVillageHead, tree), status: StatusCloseoutRequested,
			action: CaseApprove, code: ENOTFOUND},
		{name: "scope before role: another town's grid worker approves: 404", actor: actorIn(RoleGrid, tree["ovillage"]),
			status: StatusCloseoutRequested, village: true, action: CaseApprove, code: ENOTFOUND},
		{name: "role before state: grid approves a closed-out case: 403", actor: actorAt(RoleGrid, tree), status: StatusClosedOut,
			village: true, action: CaseApprove, code: EFORBIDDEN},
		{name: "wrong state: district approves a rectifying case: 409 naming the status", actor: actorAt(RoleDistrictOffice, tree),
			status: StatusRectifying, village: true, action: CaseApprove, code: ECONFLICT, field: "status", msg: "“整治中”"},
		{name: "wrong state: village head approves a closed-out case: 409", actor: actorAt(RoleVillageHead, tree),
			status: StatusClosedOut, village: true, action: CaseApprove, code: ECONFLICT, field: "status", msg: "“已销号”"},
		{name: "village head at village_approved: 409, the town's step", actor: actorAt(RoleVillageHead, tree), status: StatusVillageApproved,
			village: true, action: CaseApprove, code: ECONFLICT, field: "status", msg: "镇（街道）主要负责人"},
		{name: "town head may not skip the village: 409", actor: actorAt(RoleTownHead, tree), status: StatusCloseoutRequested,
			village: true, action: CaseApprove, code: ECONFLICT, field: "status", msg: "村（社区）负责人"},
		{name: "district approves before the town: 409", actor: actorAt(RoleDistrictOffice, tree), status: StatusVillageApproved,
			village: true, action: CaseApprove, code: ECONFLICT, field: "status"},
		{name: "grid worker approves: 403, never the role's", actor: actorAt(RoleGrid, tree), status: StatusCloseoutRequested,
			village: true, action: CaseApprove, code: EFORBIDDEN},
		{name: "void a case under review: 409", actor: actorAt(RoleTownOfficer, tree), status: StatusCloseoutRequested,
			village: true, action: CaseVoid, reason: "重复", code: ECONFLICT, field: "status", msg: "申请销号"},
		{name: "void a voided case: 409", actor: actorAt(RoleTownOfficer, tree), status: StatusVoided,
			village: true, action: CaseVoid, reason: "重复", code: ECONFLICT, field: "status"},
		{name: "transfer a closed-out case: 409", actor: actorAt(RoleDistrictOffice, tree), status: StatusClosedOut,
			village: true, action: CaseTransfer, reason: "属地调整", code: ECONFLICT, field: "status"},
		{name: "request closeout twice: 409", actor: actorAt(RoleGrid, tree), status: StatusCloseoutRequested,
			village: true, action: CaseRequestCloseout, code: ECONFLICT, field: "status"},
		{name: "publish a published case: 409", actor: actorAt(RoleDistrictOffice, tree), status: StatusClosedOut, village: true,
			edit: func(c *Case) { c.Published = true }, action: CasePublish, code: ECONFLICT, field: "status", msg: "已在曝光台公开"},
		{name: "unpublish an unpublished case: 409", actor: actorAt(RoleDistrictOffice, tree), status: StatusClosedOut, village: true,
			action: CaseUnpublish, code: ECONFLICT, field: "status", msg: "未在曝光台公开"},
		{name: "return without reason: 400 naming reason", actor: actorAt(RoleVillageHead, tree), status: StatusCloseoutRequested,
			village: true, action: CaseReturn, reason: " \t", code: EINVALID, field: "reason"},
		{name: "reopen without reason: 400", actor: actorAt(RoleTownOfficer, tree), status: StatusClosedOut,
			village: true, action: CaseReopen, code: EINVALID, field: "reason"},
		{name: "void without reason: 400", actor: actorAt(RoleDistrictOffice, tree), status: StatusRegistered,
			village: true, action: CaseVoid, code: EINVALID, field: "reason"},
		{name: "transfer without reason: 400", actor: actorAt(RoleDistrictOffice, tree), status: StatusRegistered,
			village: true, action: CaseTransfer, code: EINVALID, field: "reason"},
		{name: "state before reason: village head returns at village_approved without reason: 409", actor: actorAt(RoleVillageHead, tree),
			status: StatusVillageApproved, village: true, action: CaseReturn, code: ECONFLICT},
		{name: "approve needs no reason", actor: actorAt(RoleVillageHead, tree), status: StatusCloseoutRequested,
			village: true, action: CaseApprove},
		{name: "closeout before onsite done: 409 naming onsite_status", actor: actorAt(RoleGrid, tree), status: StatusRectifying,
			village: true, edit: func(c *Case) { c.OnsiteStatus = OnsiteInProgress }, action: CaseRequestCloseout,
			code: ECONFLICT, field: "onsite_status"},
		{name: "closed without 两断三清: 409 naming two_cuts_three_clears", actor: actorAt(RoleGrid, tree), status: StatusRectifying,
			village: true, edit: func(c *Case) { c.Shutdown = ShutdownClosed; c.Clears = map[string]bool{ItemWater: true} },
			action: CaseRequestCloseout, code: ECONFLICT, field: "two_cuts_three_clears", msg: "断电、清原料、清设备、清产品"},
		{name: "banned without 两断三清: 409", actor: actorAt(RoleTownOfficer, tree), status: StatusRegistered,
			edit: func(c *Case) { c.Shutdown = ShutdownBanned }, action: CaseRequestCloseout,
			code: ECONFLICT, field: "two_cuts_three_clears", msg: "取缔"},
		{name: "closed with the notice's 两断三清 done", actor: actorAt(RoleGrid, tree), status: StatusRectifying, village: true,
			edit: func(c *Case) { c.Shutdown = ShutdownClosed; allDone(c) }, action: CaseRequestCloseout},
		{name: "the campaign's 清厂房 counts too: 409", actor: actorAt(RoleGrid, tree), status: StatusRectifying, village: true,
			edit: func(c *Case) { c.Shutdown = ShutdownClosed; allDone(c) }, camp: premises, action: CaseRequestCloseout,
			code: ECONFLICT, field: "two_cuts_three_clears", msg: "清厂房"},
		{name: "suspended needs no 两断三清", actor: actorAt(RoleGrid, tree), status: StatusRectifying, village: true,
			edit: func(c *Case) { c.Shutdown = ShutdownSuspended }, action: CaseRequestCloseout},
		{name: "onsite checked before 两断三清", actor: actorAt(RoleGrid, tree), status: StatusRectifying, village: true,
			edit: func(c *Case) { c.Shutdown = ShutdownClosed; c.OnsiteStatus = OnsiteNotStarted }, action: CaseRequestCloseout,
			code: ECONFLICT, field: "onsite_status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := readyCase(tc.status, tc.village)
			if tc.edit != nil {
				tc.edit(c)
			}
			_, err := Transition(tc.actor, c, tc.camp, tc.action, tc.reason, placeOf(c, tree))
			if codeOf(t, err) != tc.code {
				t.Fatalf("got %v, want code %q", err, tc.code)
			}
			if tc.field != "" && ErrorField(err) != tc.field {
				t.Errorf("field %q, want %q", ErrorField(err), tc.field)
			}
			if tc.msg != "" && !strings.Contains(ErrorMessage(err), tc.msg) {
				t.Errorf("message %q does not mention %q", ErrorMessage(err), tc.msg)
			}
		})
	}
}

func TestTransition_WrongPlaceIsAnInternalError(t *testing.T) {
	tree := testTree()
	c := readyCase(StatusCloseoutRequested, true)
	// The town is not the place of a case with a village: a caller bug.
	_, err := Transition(actorAt(RoleTownHead, tree), c, nil, CaseApprove, "", tree["town"])
	if ErrorCode(err) != EINTERNAL {
		t.Fatalf("got %v, want internal", err)
	}
}

// TestTransitionTable_AgreesWithPolicy: the case actions that policy.go also
// names are given to the same roles by both tables.
func TestTransitionTable_AgreesWithPolicy(t *testing.T) {
	pairs := map[CaseAction]Action{CaseRequestCloseout: ActRequestCloseout, CaseVoid: ActVoid,
		CaseReopen: ActReopen, CaseTransfer: ActTransfer, CasePublish: ActPublish, CaseUnpublish: ActPublish}
	for action, act := range pairs {
		for _, r := range Roles {
			inTable := false
			for _, row := range transitions {
				if row.action == action && row.allows(r) {
					inTable = true
				}
			}
			if inTable != RoleMay(r, act) {
				t.Errorf("%s by %s: transition table %v, policy %v", action, r, inTable, RoleMay(r, act))
			}
		}
	}
}

// TestTransitionTable_ReturnMirrorsApprove: whoever may approve at a state
// may return from it, to rectifying, with a reason.
func TestTransitionTable_ReturnMirrorsApprove(t *testing.T) {
	var approves, returns []rule
	for _, r := range transitions {
		switch r.action {
		case CaseApprove:
			approves = append(approves, r)
		case CaseReturn:
			returns = append(returns, r)
		}
	}
	if len(approves) != len(returns) {
		t.Fatalf("%d approve rows, %d return rows", len(approves), len(returns))
	}
	for i, a := range approves {
		r := returns[i]
		if !slices.Equal(a.from, r.from) || a.cond != r.cond || !slices.Equal(a.who, r.who) {
			t.Errorf("return row %d does not mirror approve row %d", i, i)
		}
		if r.to != StatusRectifying || !r.reason || a.reason {
			t.Errorf("return row %d: to %s reason %v; approve reason %v", i, r.to, r.reason, a.reason)
		}
	}
}

func TestReviewer_WhoSignsNext(t *testing.T) {
	for _, tc := range []struct {
		status  CaseStatus
		village bool
		want    Role
	}{
		{StatusRegistered, true, ""},
		{StatusRectifying, true, ""},
		{StatusCloseoutRequested, true, RoleVillageHead},
		{StatusCloseoutRequested, false, RoleTownHead},
		{StatusVillageApproved, true, RoleTownHead},
		{StatusTownApproved, true, RoleDistrictOffice},
		{StatusTownApproved, false, RoleDistrictOffice},
		{StatusClosedOut, true, ""},
		{StatusVoided, true, ""},
	} {
		if got := Reviewer(readyCase(tc.status, tc.village)); got != tc.want {
			t.Errorf("%s (village %v): %q, want %q", tc.status, tc.village, got, tc.want)
		}
	}
}

func TestAllowedActions_Buttons(t *testing.T) {
	tree := testTree()
	for _, tc := range []struct {
		role    Role
		status  CaseStatus
		village bool
		edit    func(*Case)
		want    []CaseAction
	}{
		{RoleGrid, StatusRectifying, true, nil, []CaseAction{CaseRequestCloseout}},
		{RoleTownOfficer, StatusRegistered, true, nil, []CaseAction{CaseRequestCloseout, CaseVoid}},
		{RoleDistrictOffice, StatusRectifying, true, nil, []CaseAction{CaseVoid, CaseTransfer}},
		{RoleVillageHead, StatusCloseoutRequested, true, nil, []CaseAction{CaseApprove, CaseReturn}},
		{RoleTownHead, StatusCloseoutRequested, true, nil, nil},
		{RoleTownHead, StatusCloseoutRequested, false, nil, []CaseAction{CaseApprove, CaseReturn}},
		{RoleDistrictOffice, StatusClosedOut, true, nil, []CaseAction{CaseReopen, CasePublish}},
		{RoleDistrictOffice, StatusClosedOut, true, func(c *Case) { c.Published = true }, []CaseAction{CaseReopen, CaseUnpublish}},
		{RoleTownOfficer, StatusClosedOut, true, nil, []CaseAction{CaseReopen}},
		{RoleSupervisor, StatusRectifying, true, nil, nil},
		{RoleDiscipline, StatusTownApproved, true, nil, nil},
		// The content checks are left to the press: the button shows.
		{RoleGrid, StatusRectifying, true, func(c *Case) { c.OnsiteStatus = OnsiteInProgress }, []CaseAction{CaseRequestCloseout}},
	} {
		c := readyCase(tc.status, tc.village)
		if tc.edit != nil {
			tc.edit(c)
		}
		if got := AllowedActions(actorAt(tc.role, tree), c); !slices.Equal(got, tc.want) {
			t.Errorf("%s at %s (village %v): %v, want %v", tc.role, tc.status, tc.village, got, tc.want)
		}
	}
	if AllowedActions(nil, readyCase(StatusRectifying, true)) != nil {
		t.Error("no actor, no buttons")
	}
}

func TestApplyTransition_SetsStatusTimesAndExposure(t *testing.T) {
	now := time.Date(2020, 7, 1, 9, 0, 0, 0, Shanghai())
	c := readyCase(StatusTownApproved, true)
	ApplyTransition(c, CaseApprove, StatusClosedOut, now)
	if c.Status != StatusClosedOut || c.ClosedAt == nil || !c.ClosedAt.Equal(now) {
		t.Fatalf("closing out: status %s closed_at %v", c.Status, c.ClosedAt)
	}
	ApplyTransition(c, CasePublish, StatusClosedOut, now)
	if !c.Published {
		t.Fatal("publish")
	}
	ApplyTransition(c, CaseUnpublish, StatusClosedOut, now)
	if c.Published {
		t.Fatal("unpublish")
	}
	c.Published = true
	ApplyTransition(c, CaseReopen, StatusRectifying, now)
	if c.Status != StatusRectifying || c.ClosedAt != nil || c.Published {
		t.Fatalf("reopen: status %s closed_at %v published %v", c.Status, c.ClosedAt, c.Published)
	}
	ApplyTransition(c, CaseApprove, StatusVillageApproved, now)
	if c.ClosedAt != nil {
		t.Fatal("a village approval is no 销号")
	}
}

func TestCheckTransfer(t *testing.T) {
	tree := testTree()
	office := actorAt(RoleDistrictOffice, tree)
	c := readyCase(StatusRectifying, true) // 五星街道 / 新中社区
	for _, tc := range []struct {
		name          string
		actor         *Actor
		town, village string
		code, field   string
	}{
		{"to another town and its village", office, "other", "ovillage", "", ""},
		{"to another town, no village", office, "other", "", "", ""},
		{"within the town, off the village", office, "town", "", "", ""},
		{"to where it is", office, "town", "village", EINVALID, "org_id"},
		{"to a village of another town", office, "other", "village", EINVALID, "village_id"},
		{"to a unit that is not a town", office, "village", "", EINVALID, "org_id"},
		{"to a grid as village", office, "town", "grid", EINVALID, "village_id"},
		{"outside scope", actorAt(RoleTownOfficer, tree), "other", "", ENOTFOUND, ""},
	} {
		var v *OrgUnit
		if tc.village != "" {
			v = tree[tc.village]
		}
		err := CheckTransfer(tc.actor, c, tree[tc.town], v)
		if codeOf(t, err) != tc.code || (tc.field != "" && ErrorField(err) != tc.field) {
			t.Errorf("%s: %v, want %q %q", tc.name, err, tc.code, tc.field)
		}
	}
}

// delegationTo is the 五星街道 head's delegation to officer 9, active in June 2020.
func delegationTo(userID int64) *Delegation {
	loc := Shanghai()
	return &Delegation{ID: 1, HeadUserID: 3, HeadName: "王镇长", DelegateUserID: userID, DelegateName: "李经办",
		OrgID: 2, Role: RoleTownHead,
		From: time.Date(2020, 6, 1, 0, 0, 0, 0, loc), Until: time.Date(2020, 7, 1, 0, 0, 0, 0, loc)}
}

func TestTransitionAs_Delegation(t *testing.T) {
	tree := testTree()
	loc := Shanghai()
	june := time.Date(2020, 6, 15, 10, 0, 0, 0, loc)
	officer := actorAt(RoleTownOfficer, tree) // user 9 at 五星街道
	grid := actorAt(RoleGrid, tree)           // user 9 at 新中社区
	villageDel := &Delegation{HeadUserID: 4, HeadName: "赵书记", DelegateUserID: 9, OrgID: 4, Role: RoleVillageHead,
		From: june.Add(-time.Hour), Until: june.Add(time.Hour)}
	for _, tc := range []struct {
		name    string
		actor   *Actor
		del     func() *Delegation
		now     time.Time
		status  CaseStatus
		village bool
		action  CaseAction
		reason  string
		code    string
		to      CaseStatus
	}{
		{"active: officer approves for the town head", officer, func() *Delegation { return delegationTo(9) }, june,
			StatusVillageApproved, true, CaseApprove, "", "", StatusTownApproved},
		{"active: officer returns for the town head", officer, func() *Delegation { return delegationTo(9) }, june,
			StatusVillageApproved, true, CaseReturn, "材料不全", "", StatusRectifying},
		{"active: officer approves a case without village", officer, func() *Delegation { return delegationTo(9) }, june,
			StatusCloseoutRequested, false, CaseApprove, "", "", StatusTownApproved},
		{"without delegation the officer may not approve", officer, func() *Delegation { return nil }, june,
			StatusVillageApproved, true, CaseApprove, "", EFORBIDDEN, ""},
		{"expired at Until", officer, func() *Delegation { return delegationTo(9) }, time.Date(2020, 7, 1, 0, 0, 0, 0, loc),
			StatusVillageApproved, true, CaseApprove, "", EFORBIDDEN, ""},
		{"not yet in force", officer, func() *Delegation { return delegationTo(9) }, time.Date(2020, 5, 31, 23, 59, 0, 0, loc),
			StatusVillageApproved, true, CaseApprove, "", EFORBIDDEN, ""},
		{"revoked", officer, func() *Delegation { d := delegationTo(9); d.RevokedAt = ptr(june.Add(-time.Minute)); return d }, june,
			StatusVillageApproved, true, CaseApprove, "", EFORBIDDEN, ""},
		{"another town's delegation", officer, func() *Delegation { d := delegationTo(9); d.OrgID = 3; return d }, june,
			StatusVillageApproved, true, CaseApprove, "", EFORBIDDEN, ""},
		{"delegation names another officer", officer, func() *Delegation { return delegationTo(10) }, june,
			StatusVillageApproved, true, CaseApprove, "", EFORBIDDEN, ""},
		{"a town head's delegation held by a grid worker", grid, func() *Delegation { d := delegationTo(9); d.OrgID = 4; return d }, june,
			StatusVillageApproved, true, CaseApprove, "", EFORBIDDEN, ""},
		{"a delegate signs only at the head's level", officer, func() *Delegation { return delegationTo(9) }, june,
			StatusTownApproved, true, CaseApprove, "", ECONFLICT, ""},
		{"a delegate does the officer's own work as an officer", officer, func() *Delegation { return delegationTo(9) }, june,
			StatusRectifying, true, CaseVoid, "重复", "", StatusVoided},
		{"grid approves for the village head", grid, func() *Delegation { return villageDel }, june,
			StatusCloseoutRequested, true, CaseApprove, "", "", StatusVillageApproved},
		{"grid delegate gains no void", grid, func() *Delegation { return villageDel }, june,
			StatusRectifying, true, CaseVoid, "重复", EFORBIDDEN, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := readyCase(tc.status, tc.village)
			got, err := TransitionAs(tc.actor, tc.del(), tc.now, c, nil, tc.action, tc.reason, placeOf(c, tree))
			if codeOf(t, err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
			if got != tc.to {
				t.Fatalf("status %q, want %q", got, tc.to)
			}
			offered := slices.Contains(AllowedActionsAs(tc.actor, tc.del(), tc.now, c), tc.action)
			if offered != (tc.code == "") {
				t.Errorf("offered=%v, want %v", offered, tc.code == "")
			}
		})
	}
}

// TestTransitionTable_OneRowDecides: for any case, action and role at most
// one row applies, so the order of rows never matters.
func TestTransitionTable_OneRowDecides(t *testing.T) {
	for _, status := range allStatuses {
		for _, village := range []bool{true, false} {
			for _, pub := range []bool{true, false} {
				c := readyCase(status, village)
				c.Published = pub
				for _, action := range CaseActions {
					for _, r := range Roles {
						n := 0
						for _, row := range transitions {
							if row.action == action && row.appliesTo(c) && row.allows(r) {
								n++
							}
						}
						if n > 1 {
							t.Errorf("%s by %s at %s (village %v): %d rows apply", action, r, status, village, n)
						}
					}
				}
			}
		}
	}
}

// TestNeedsReason_FromTheTable: the actions whose every row asks for a
// reason, and no action whose rows disagree.
func TestNeedsReason_FromTheTable(t *testing.T) {
	want := map[CaseAction]bool{CaseReturn: true, CaseReopen: true, CaseVoid: true, CaseTransfer: true}
	for _, action := range CaseActions {
		if NeedsReason(action) != want[action] {
			t.Errorf("%s: needs reason %v, want %v", action, !want[action], want[action])
		}
		for _, r := range transitions {
			if r.action == action && r.reason != want[action] {
				t.Errorf("a row of %s disagrees on the reason", action)
			}
		}
	}
	if NeedsReason("close") {
		t.Error("an unknown action needs no reason")
	}
}

func TestReviewStatuses_WhereApprovalsStart(t *testing.T) {
	got := ReviewStatuses()
	want := []CaseStatus{StatusCloseoutRequested, StatusVillageApproved, StatusTownApproved}
	if !slices.Equal(got, want) {
		t.Fatalf("review statuses %v, want %v", got, want)
	}
	for _, s := range allStatuses {
		c := readyCase(s, true)
		if slices.Contains(got, s) != (Reviewer(c) != "") {
			t.Errorf("%s: review status %v but reviewer %q", s, slices.Contains(got, s), Reviewer(c))
		}
	}
}

// TestTransitionAsOf_StaleVersion: once the case is in scope a stale read
// is the answer, whatever the state would let the actor do; outside scope
// it stays not found, and an unknown action stays invalid.
func TestTransitionAsOf_StaleVersion(t *testing.T) {
	tree := testTree()
	c := readyCase(StatusVillageApproved, true)
	c.Version = 4
	place := placeOf(c, tree)
	head := actorAt(RoleTownHead, tree)
	for _, tc := range []struct {
		name   string
		a      *Actor
		read   int64
		action CaseAction
		code   string
		field  string
	}{
		{"current version", head, 4, CaseApprove, "", ""},
		{"no version given", head, 0, CaseApprove, "", ""},
		{"stale", head, 3, CaseApprove, ECONFLICT, "version"},
		{"stale, and not this role's step", actorAt(RoleDistrictOffice, tree), 3, CaseApprove, ECONFLICT, "version"},
		{"stale, and a role that never approves", actorAt(RoleGrid, tree), 3, CaseApprove, ECONFLICT, "version"},
		{"stale but outside scope", actorIn(RoleTownHead, tree["other"]), 3, CaseApprove, ENOTFOUND, ""},
		{"stale with an unknown action", head, 3, "close", EINVALID, "action"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := TransitionAsOf(tc.a, nil, time.Time{}, c, tc.read, nil, tc.action, "", place)
			if codeOf(t, err) != tc.code || ErrorField(err) != tc.field {
				t.Fatalf("got %v, want %q %q", err, tc.code, tc.field)
			}
		})
	}
}

func TestApplyTransfer_MovesCaseAndSite(t *testing.T) {
	tree := testTree()
	c := readyCase(StatusRectifying, true)
	site := &Site{ID: c.SiteID, OrgID: c.OrgID, VillageID: ptr(int64(4))}
	ApplyTransfer(c, site, tree["other"], tree["ovillage"])
	if c.OrgID != 3 || c.VillageID == nil || *c.VillageID != 5 || site.OrgID != 3 || site.VillageID == nil || *site.VillageID != 5 {
		t.Fatalf("moved to 东方社区: case %d/%v site %d/%v", c.OrgID, c.VillageID, site.OrgID, site.VillageID)
	}
	*site.VillageID = 99
	if *c.VillageID != 5 {
		t.Fatal("the site shares the case's village pointer")
	}
	ApplyTransfer(c, site, tree["town"], nil)
	if c.OrgID != 2 || c.VillageID != nil || site.OrgID != 2 || site.VillageID != nil {
		t.Fatalf("moved to 五星街道 itself: case %d/%v site %d/%v", c.OrgID, c.VillageID, site.OrgID, site.VillageID)
	}
}
