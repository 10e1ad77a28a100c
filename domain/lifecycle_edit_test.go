package domain

import (
	"slices"
	"strings"
	"testing"
)

func editBase() *Case {
	c := &Case{Status: StatusRegistered, CaseFields: CaseFields{UnitName: "某喷涂作坊", Category: CatSpraying, Address: "五星路",
		Description: "无证喷涂", Source: SourceGrid, Shutdown: ShutdownNone, OnsiteStatus: OnsiteNotStarted,
		Clears: map[string]bool{ItemWater: false, ItemPower: false}, ClearDates: map[string]Date{}}}
	return c
}

func TestEditActions_EachFieldItsRight(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *Case)
		want   []Action
	}{
		{"nothing", func(c *Case) {}, nil},
		{"description", func(c *Case) { c.Description = "改" }, []Action{ActEditCase}},
		{"a 两断三清 item", func(c *Case) { c.Clears[ItemWater] = true }, []Action{ActEditCase}},
		{"an item's date", func(c *Case) { c.ClearDates[ItemWater] = "2020-10-14" }, []Action{ActEditCase}},
		{"an item sent back not done", func(c *Case) { c.Clears[ItemMaterials] = false }, nil},
		{"an item dropped that was not done", func(c *Case) { delete(c.Clears, ItemWater) }, nil},
		{"现场整治", func(c *Case) { c.OnsiteStatus = OnsiteInProgress }, []Action{ActEditCase}},
		{"整改期限", func(c *Case) { c.RectifyDeadline = "2020-11-01" }, []Action{ActEditCase}},
		{"停产或关闭", func(c *Case) { c.Shutdown = ShutdownClosed }, []Action{ActEnforce}},
		{"its date", func(c *Case) { c.ShutdownDate = "2020-10-14" }, []Action{ActEnforce}},
		{"a fine", func(c *Case) { c.FineFen = 1 }, []Action{ActEnforce}},
		{"案号", func(c *Case) { c.CaseNo = "钟应急罚〔2020〕1号" }, []Action{ActEnforce}},
		{"拘留", func(c *Case) { c.DetainedPersons = 1 }, []Action{ActEnforce}},
		{"党纪政纪", func(c *Case) { c.DisciplinedPersons = 1 }, []Action{ActEnforce}},
		{"挂牌督办", func(c *Case) { c.Supervised = true }, []Action{ActSupervise}},
		{"its deadline", func(c *Case) { c.SupervisedDeadline = "2020-12-01" }, []Action{ActSupervise}},
		{"all three", func(c *Case) { c.Supervised, c.FineFen, c.Address = true, 5, "改" }, []Action{ActEnforce, ActSupervise, ActEditCase}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := editBase()
			after := before.Clone()
			tc.change(after)
			if got := EditActions(before, after); !slices.Equal(got, tc.want) {
				t.Errorf("EditActions = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFieldRight_FromTheFieldTags(t *testing.T) {
	for name, want := range map[string]Action{
		"unit_name": ActEditCase, "two_cuts_three_clears": ActEditCase, "rectify_deadline": ActEditCase,
		"shutdown": ActEnforce, "shutdown_date": ActEnforce, "case_filed": ActEnforce, "case_no": ActEnforce,
		"fine_fen": ActEnforce, "confiscated_fen": ActEnforce, "judicial_transfer": ActEnforce,
		"judicial_persons": ActEnforce, "detained_persons": ActEnforce, "disciplined_persons": ActEnforce,
		"supervised": ActSupervise, "supervised_deadline": ActSupervise,
		"status": "", "version": "",
	} {
		if got := FieldRight(name); got != want {
			t.Errorf("FieldRight(%s) = %q, want %q", name, got, want)
		}
	}
}

// TestCreateActions_TheSameFieldRightsAsEdits: opening a case with a value
// in a restricted field needs that field's right, exactly as changing it
// later would; the values Normalize gives empty fields need none.
func TestCreateActions_TheSameFieldRightsAsEdits(t *testing.T) {
	c := editBase()
	if err := c.Normalize(nil); err != nil {
		t.Fatal(err)
	}
	if got := CreateActions(c); len(got) != 0 {
		t.Fatalf("a plain new case needs %v", got)
	}
	c.RectifyDeadline, c.OnsiteStatus, c.Clears[ItemWater] = "2020-11-01", OnsiteDone, true
	if got := CreateActions(c); len(got) != 0 {
		t.Fatalf("descriptive and rectification values need %v", got)
	}
	c.FineFen = 100
	if got := CreateActions(c); !slices.Equal(got, []Action{ActEnforce}) {
		t.Fatalf("a fine at once needs %v", got)
	}
	c.SupervisedDeadline = "2020-12-01"
	if got := CreateActions(c); !slices.Equal(got, []Action{ActEnforce, ActSupervise}) {
		t.Fatalf("a fine and a 挂牌督办 deadline need %v", got)
	}
	if err := CheckCreateRights(RoleGrid, c); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("grid worker: %v", err)
	}
	if err := CheckCreateRights(RoleDistrictOffice, c); err != nil {
		t.Errorf("district office: %v", err)
	}
}

func TestCheckEditRights(t *testing.T) {
	for _, tc := range []struct {
		role Role
		acts []Action
		ok   bool
	}{
		{RoleGrid, []Action{ActEditCase}, true},
		{RoleGrid, []Action{ActEnforce}, false},
		{RoleGrid, []Action{ActSupervise}, false},
		{RoleTownOfficer, []Action{ActEnforce, ActEditCase}, true},
		{RoleSupervisor, []Action{ActSupervise}, true},
		{RoleSupervisor, []Action{ActSupervise, ActEditCase}, false},
		{RoleTownHead, []Action{ActEditCase}, false},
		{RoleSupervisor, nil, true},  // an unchanged save by a role that edits in some way
		{RoleDiscipline, nil, false}, // a role that never edits cases
	} {
		err := CheckEditRights(tc.role, tc.acts)
		if (err == nil) != tc.ok || err != nil && ErrorCode(err) != EFORBIDDEN {
			t.Errorf("%s %v: %v, want ok=%v", tc.role, tc.acts, err, tc.ok)
		}
	}
}

func TestCheckEditable_NamesWhatToDo(t *testing.T) {
	for status, want := range map[CaseStatus]string{
		StatusRegistered: "", StatusRectifying: "",
		StatusCloseoutRequested: "请先退回", StatusVillageApproved: "请先退回", StatusTownApproved: "请先退回",
		StatusClosedOut: "重新打开", StatusVoided: "已作废",
	} {
		err := CheckEditable(status)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", status, err)
			}
			continue
		}
		if ErrorCode(err) != ECONFLICT || ErrorField(err) != "status" || !strings.Contains(ErrorMessage(err), want) {
			t.Errorf("%s: %v, want 409 naming %q", status, err, want)
		}
	}
}
