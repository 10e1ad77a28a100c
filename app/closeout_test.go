package app_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// The closed loop's use cases (app/closeout.go, signoffs.go,
// delegations.go, rechecks.go) on both databases.

// loopNow is a Wednesday morning in the middle of the campaign.
var loopNow = time.Date(2020, 10, 14, 9, 30, 0, 0, domain.Shanghai())

// loopFixture is a seeded store on a fixed clock with one campaign (the
// notice's: 2020-09-27 to 2020-11-30) running and one user per role of the
// closed loop, each logged in.
type loopFixture struct {
	app   *app.App
	db    *store.DB
	clock *domain.FixedClock
	camp  *domain.Campaign
	orgs  map[string]*domain.OrgUnit // by name
	as    map[string]*domain.Actor   // by username
}

// loopUsers are the fixture's users by name, role and unit.
var loopUsers = []struct {
	name string
	role domain.Role
	org  string
}{
	{"district", domain.RoleDistrictOffice, "钟楼区"},
	{"wx_officer", domain.RoleTownOfficer, "五星街道"},
	{"wx_head", domain.RoleTownHead, "五星街道"},
	{"yh_officer", domain.RoleTownOfficer, "永红街道"},
	{"wx_grid", domain.RoleGrid, "新中社区"},
	{"discipline", domain.RoleDiscipline, "钟楼区"},
	{"supervisor", domain.RoleSupervisor, "钟楼区"},
	{"wx_vhead", domain.RoleVillageHead, "新中社区"},
	{"yh_head", domain.RoleTownHead, "永红街道"},
	{"yh_grid", domain.RoleGrid, "东方社区"},
}

func newLoopFixture(t *testing.T, dialect store.Dialect) *loopFixture {
	t.Helper()
	ctx := context.Background()
	clock := &domain.FixedClock{T: loopNow}
	db := storetest.Open(t, dialect, storetest.Options{Clock: clock})
	f := &loopFixture{app: app.New(db), db: db, clock: clock, orgs: map[string]*domain.OrgUnit{}, as: map[string]*domain.Actor{}}
	if _, err := seed.Bootstrap(ctx, f.app, "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	root, err := f.app.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.app.Subtree(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		f.orgs[o.Name] = o
	}
	f.as["admin"] = f.login(t, "admin", "admin-password-1")
	for _, u := range loopUsers {
		if _, err := f.app.CreateUser(ctx, f.as["admin"], app.UserInput{Username: u.name, Password: "password-" + u.name,
			DisplayName: u.name, Role: u.role, OrgID: f.orgs[u.org].ID}); err != nil {
			t.Fatalf("create %s: %v", u.name, err)
		}
		f.as[u.name] = f.login(t, u.name, "password-"+u.name)
	}
	if f.camp, err = f.app.CreateCampaign(ctx, f.as["district"], domain.Campaign{Name: "违法违规“小字头”及“停产停业”企业专项整治",
		DocNo: "钟安发〔2020〕4号", StartDate: "2020-09-27", EndDate: "2020-11-30", DeadlineWeekday: 3, SummaryDueDate: "2020-11-15"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *loopFixture) login(t *testing.T, user, pw string) *domain.Actor {
	t.Helper()
	a, err := f.app.Authenticate(context.Background(), user, pw)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return a
}

func loopPtr[T any](v T) *T { return &v }

func wantLoopCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// verifyAudit fails the test unless the audit chain is intact.
func (f *loopFixture) verifyAudit(t *testing.T) {
	t.Helper()
	res, err := f.app.VerifyAudit(context.Background())
	if err != nil || res.Broken != "" {
		t.Fatalf("audit verify: %v %s", err, res.Broken)
	}
}

// auditCount counts the audit events of an entity (with action, unless "").
func (f *loopFixture) auditCount(t *testing.T, entity string, id int64, action string) int {
	t.Helper()
	evs, err := f.app.AuditEvents(context.Background(), f.as["admin"], app.AuditFilter{Entity: entity, EntityID: id})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if action == "" || e.Action == action {
			n++
		}
	}
	return n
}

// mustCase opens a case and fails the test on an error.
func (f *loopFixture) mustCase(t *testing.T, actor string, in app.CaseInput) *domain.Case {
	t.Helper()
	c, err := f.app.CreateCase(context.Background(), f.as[actor], in)
	if err != nil {
		t.Fatalf("create case %q: %v", in.UnitName, err)
	}
	return c
}

// readyCase opens a case in 新中社区 (or, with village false, at 五星街道
// itself) and records 现场整治已完成, so 销号 may be requested.
func (f *loopFixture) readyCase(t *testing.T, name string, village bool) *domain.Case {
	t.Helper()
	in := app.CaseInput{CaseFields: domain.CaseFields{UnitName: name, Category: domain.CatSpraying, Address: name + "所在地", Description: "无证从事喷涂作业"}}
	in.OrgID = f.orgs["五星街道"].ID
	if village {
		in.VillageID = f.orgs["新中社区"].ID
	}
	c := f.mustCase(t, "wx_officer", in)
	c, err := f.app.UpdateCase(context.Background(), f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("onsite_status", loopPtr(domain.OnsiteDone)).With("onsite_done_date", loopPtr(domain.Date("2020-10-13"))))
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != domain.StatusRectifying {
		t.Fatalf("ready case status %s", c.Status)
	}
	return c
}

// caseAct takes an action and fails the test on an error. Before a 销号
// request it supplies the evidence the campaign asks for (supplyEvidence);
// the tests of the evidence rule call ApplyCaseAction themselves.
func (f *loopFixture) caseAct(t *testing.T, user string, id int64, action domain.CaseAction, reason string) *domain.Case {
	t.Helper()
	if action == domain.CaseRequestCloseout {
		f.supplyEvidence(t, id)
	}
	c, err := f.app.ApplyCaseAction(context.Background(), f.as[user], id, app.CaseActionInput{Action: action, Reason: reason})
	if err != nil {
		t.Fatalf("%s %s case %d: %v", user, action, id, err)
	}
	return c
}

// photo is a tiny PNG for evidence uploads.
var photo = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

// supplyEvidence uploads, as the admin, each piece of evidence a 销号
// request of the case still lacks (domain.EvidenceNeeds).
func (f *loopFixture) supplyEvidence(t *testing.T, id int64) {
	t.Helper()
	ctx := context.Background()
	c, err := f.app.Case(ctx, f.as["admin"], id)
	if err != nil {
		t.Fatal(err)
	}
	camp, err := f.app.Campaign(ctx, f.as["admin"], c.CampaignID)
	if err != nil {
		t.Fatal(err)
	}
	files, err := f.app.CaseAttachments(ctx, f.as["admin"], id)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range domain.EvidenceNeeds(c, camp, files) {
		for i := n.Have; i < n.Want; i++ {
			if _, err := f.app.SaveAttachment(ctx, f.as["admin"], id, app.AttachmentInput{Kind: n.Kind, Item: n.Item,
				Filename: "照片.png", Reader: bytes.NewReader(photo)}); err != nil {
				t.Fatalf("evidence %s for case %d: %v", n.Label(), id, err)
			}
		}
	}
}

// closeOut drives a ready case with a village through the whole loop.
func (f *loopFixture) closeOut(t *testing.T, c *domain.Case) *domain.Case {
	t.Helper()
	for _, s := range []struct {
		u string
		a domain.CaseAction
	}{{"wx_grid", domain.CaseRequestCloseout}, {"wx_vhead", domain.CaseApprove}, {"wx_head", domain.CaseApprove}, {"district", domain.CaseApprove}} {
		c = f.caseAct(t, s.u, c.ID, s.a, "")
	}
	return c
}

func (f *loopFixture) refused(t *testing.T, user string, id int64, in app.CaseActionInput, code, field string) {
	t.Helper()
	_, err := f.app.ApplyCaseAction(context.Background(), f.as[user], id, in)
	if domain.ErrorCode(err) != code || domain.ErrorField(err) != field {
		t.Fatalf("%s %s: error %v (code %q field %q), want %s %q", user, in.Action, err, domain.ErrorCode(err), domain.ErrorField(err), code, field)
	}
}

func (f *loopFixture) signoffs(t *testing.T, id int64) []app.SignOffCheck {
	t.Helper()
	s, err := f.app.CaseSignOffs(context.Background(), f.as["discipline"], id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCaseAction_WholeLoopVillageTownDistrict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		c := f.readyCase(t, "新中电镀", true)
		steps := []struct {
			user   string
			action domain.CaseAction
			want   domain.CaseStatus
		}{
			{"wx_grid", domain.CaseRequestCloseout, domain.StatusCloseoutRequested},
			{"wx_vhead", domain.CaseApprove, domain.StatusVillageApproved},
			{"wx_head", domain.CaseApprove, domain.StatusTownApproved},
			{"district", domain.CaseApprove, domain.StatusClosedOut},
		}
		v := c.Version
		for _, s := range steps {
			c = f.caseAct(t, s.user, c.ID, s.action, "")
			if c.Status != s.want || c.Version != v+1 {
				t.Fatalf("%s %s: status %s version %d", s.user, s.action, c.Status, c.Version)
			}
			v = c.Version
		}
		if c.ClosedAt == nil || !c.ClosedAt.Equal(loopNow) {
			t.Fatalf("closed_at %v", c.ClosedAt)
		}
		sigs := f.signoffs(t, c.ID)
		if len(sigs) != 3 {
			t.Fatalf("%d signatures", len(sigs))
		}
		for i, want := range []struct {
			user string
			role domain.Role
		}{{"wx_vhead", domain.RoleVillageHead}, {"wx_head", domain.RoleTownHead}, {"district", domain.RoleDistrictOffice}} {
			s := sigs[i]
			if s.UserName != want.user || s.Role != want.role || s.Decision != domain.DecisionApprove || !s.Valid || s.Superseded != nil || len(s.ContentHash) != 64 {
				t.Fatalf("signature %d: %+v", i, s)
			}
		}
		// Every action is in the case's timeline.
		if n := f.auditCount(t, "case", c.ID, string(domain.CaseApprove)); n != 3 {
			t.Fatalf("%d approve events", n)
		}
		// A closed-out case is read-only.
		_, err := f.app.UpdateCase(context.Background(), f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("description", loopPtr("改")))
		wantLoopCode(t, err, domain.ECONFLICT)
		f.verifyAudit(t)
	})
}

func TestCaseAction_NoVillageSkipsVillageStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		c := f.readyCase(t, "镇直属喷涂", false)
		f.caseAct(t, "wx_officer", c.ID, domain.CaseRequestCloseout, "")
		// The village head does not even see a case without a village.
		f.refused(t, "wx_vhead", c.ID, app.CaseActionInput{Action: domain.CaseApprove}, domain.ENOTFOUND, "")
		c = f.caseAct(t, "wx_head", c.ID, domain.CaseApprove, "")
		if c.Status != domain.StatusTownApproved {
			t.Fatalf("status %s", c.Status)
		}
	})
}

func TestCaseAction_ReturnAtEachLevelNeedsReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		levels := []struct {
			returner string
			before   []string // approvers before the return
		}{
			{"wx_vhead", nil},
			{"wx_head", []string{"wx_vhead"}},
			{"district", []string{"wx_vhead", "wx_head"}},
		}
		for _, lv := range levels {
			c := f.readyCase(t, "退回"+lv.returner, true)
			f.caseAct(t, "wx_grid", c.ID, domain.CaseRequestCloseout, "")
			for _, u := range lv.before {
				f.caseAct(t, u, c.ID, domain.CaseApprove, "")
			}
			f.refused(t, lv.returner, c.ID, app.CaseActionInput{Action: domain.CaseReturn, Reason: "  "}, domain.EINVALID, "reason")
			c = f.caseAct(t, lv.returner, c.ID, domain.CaseReturn, "照片不清楚，请补充整改完成照片")
			if c.Status != domain.StatusRectifying {
				t.Fatalf("%s return: status %s", lv.returner, c.Status)
			}
			sigs := f.signoffs(t, c.ID)
			last := sigs[len(sigs)-1]
			if len(sigs) != len(lv.before)+1 || last.Decision != domain.DecisionReturn || last.Reason != "照片不清楚，请补充整改完成照片" || last.UserName != lv.returner {
				t.Fatalf("%s return: signatures %+v", lv.returner, sigs)
			}
			// Returned: editable again, and the old signatures are no longer
			// checked against the content (it may now change).
			if _, err := f.app.UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("description", loopPtr("补充说明"))); err != nil {
				t.Fatal(err)
			}
			for _, s := range f.signoffs(t, c.ID) {
				if s.Superseded == nil || !s.Valid {
					t.Fatalf("after a return and an edit: %+v", s)
				}
			}
		}
	})
}

func TestCaseAction_Refusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		c := f.readyCase(t, "拒绝测试", true)
		notReady := f.mustCase(t, "wx_grid", app.CaseInput{VillageID: f.orgs["新中社区"].ID, CaseFields: domain.CaseFields{UnitName: "未整治", Category: domain.CatDust, Address: "新中", Description: "粉尘"}})
		// 关闭 with an incomplete 两断三清.
		closed := f.readyCase(t, "关闭未清", true)
		closed, err := f.app.UpdateCase(ctx, f.as["wx_officer"], closed.ID, app.CasePatch{Version: closed.Version}.With("shutdown", loopPtr(domain.ShutdownClosed)).With("shutdown_date", loopPtr(domain.Date("2020-10-01"))).With("two_cuts_three_clears", map[string]bool{domain.ItemWater: true, domain.ItemPower: true}))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, user string
			id         int64
			in         app.CaseActionInput
			code       string
			field      string
		}{
			{"unknown action", "wx_grid", c.ID, app.CaseActionInput{Action: "close"}, domain.EINVALID, "action"},
			{"wrong role", "wx_vhead", c.ID, app.CaseActionInput{Action: domain.CaseRequestCloseout}, domain.EFORBIDDEN, ""},
			{"other town", "yh_officer", c.ID, app.CaseActionInput{Action: domain.CaseRequestCloseout}, domain.ENOTFOUND, ""},
			{"other town head", "yh_head", c.ID, app.CaseActionInput{Action: domain.CaseApprove}, domain.ENOTFOUND, ""},
			{"wrong state", "wx_officer", c.ID, app.CaseActionInput{Action: domain.CaseReopen, Reason: "复燃"}, domain.ECONFLICT, "status"},
			{"publish before closeout", "district", c.ID, app.CaseActionInput{Action: domain.CasePublish}, domain.ECONFLICT, "status"},
			{"void without reason", "wx_officer", c.ID, app.CaseActionInput{Action: domain.CaseVoid}, domain.EINVALID, "reason"},
			{"onsite not done", "wx_grid", notReady.ID, app.CaseActionInput{Action: domain.CaseRequestCloseout}, domain.ECONFLICT, "onsite_status"},
			{"closed without clears", "wx_officer", closed.ID, app.CaseActionInput{Action: domain.CaseRequestCloseout}, domain.ECONFLICT, "two_cuts_three_clears"},
			{"stale version", "wx_grid", c.ID, app.CaseActionInput{Action: domain.CaseRequestCloseout, Version: c.Version - 1}, domain.ECONFLICT, "version"},
			{"changed since viewed", "wx_grid", c.ID, app.CaseActionInput{Action: domain.CaseRequestCloseout, ContentHash: strings.Repeat("0", 64)}, domain.ECONFLICT, "content_hash"},
		} {
			t.Run(tc.name, func(t *testing.T) { f.refused(t, tc.user, tc.id, tc.in, tc.code, tc.field) })
		}
		// Nothing refused was written.
		got, err := f.app.Case(ctx, f.as["wx_officer"], c.ID)
		if err != nil || got.Version != c.Version || got.Status != domain.StatusRectifying {
			t.Fatalf("after refusals: %+v %v", got, err)
		}
		// The same village head may not approve before the grid worker requests.
		f.refused(t, "wx_vhead", c.ID, app.CaseActionInput{Action: domain.CaseApprove}, domain.ECONFLICT, "status")
		// The district office may not sign in the village's place: not its step yet (409).
		f.caseAct(t, "wx_grid", c.ID, domain.CaseRequestCloseout, "")
		f.refused(t, "district", c.ID, app.CaseActionInput{Action: domain.CaseApprove}, domain.ECONFLICT, "status")
		// In a review state edits are refused: return first.
		_, err = f.app.UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version + 1}.With("description", loopPtr("改")))
		wantLoopCode(t, err, domain.ECONFLICT)
	})
}

func TestCaseAction_VoidReopenPublish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		dup := f.readyCase(t, "重复录入", true)
		v := f.caseAct(t, "wx_officer", dup.ID, domain.CaseVoid, "重复")
		if v.Status != domain.StatusVoided {
			t.Fatalf("void: %s", v.Status)
		}
		f.refused(t, "district", dup.ID, app.CaseActionInput{Action: domain.CaseReopen, Reason: "x"}, domain.ECONFLICT, "status")

		c := f.readyCase(t, "销号后复燃", true)
		for _, s := range []struct {
			u string
			a domain.CaseAction
		}{{"wx_grid", domain.CaseRequestCloseout}, {"wx_vhead", domain.CaseApprove}, {"wx_head", domain.CaseApprove}, {"district", domain.CaseApprove}} {
			c = f.caseAct(t, s.u, c.ID, s.a, "")
		}
		f.refused(t, "wx_officer", c.ID, app.CaseActionInput{Action: domain.CasePublish}, domain.EFORBIDDEN, "")
		c = f.caseAct(t, "district", c.ID, domain.CasePublish, "")
		if !c.Published || c.Status != domain.StatusClosedOut {
			t.Fatalf("publish: %+v", c)
		}
		f.refused(t, "district", c.ID, app.CaseActionInput{Action: domain.CasePublish}, domain.ECONFLICT, "status")
		c = f.caseAct(t, "district", c.ID, domain.CaseUnpublish, "")
		c = f.caseAct(t, "district", c.ID, domain.CasePublish, "")
		f.refused(t, "wx_grid", c.ID, app.CaseActionInput{Action: domain.CaseReopen, Reason: "复燃"}, domain.EFORBIDDEN, "")
		f.refused(t, "wx_officer", c.ID, app.CaseActionInput{Action: domain.CaseReopen}, domain.EINVALID, "reason")
		c = f.caseAct(t, "wx_officer", c.ID, domain.CaseReopen, domain.ReopenReasonRecheck)
		if c.Status != domain.StatusRectifying || c.ClosedAt != nil || c.Published {
			t.Fatalf("reopen: %+v", c)
		}
		evs, err := f.app.CaseTimeline(context.Background(), f.as["wx_officer"], c.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if domain.CaseAction(last.Action) != domain.CaseReopen || !strings.Contains(string(last.After), domain.ReopenReasonRecheck) {
			t.Fatalf("reopen audit event %s %s", last.Action, last.After)
		}
	})
}

func TestCaseAction_TransferMovesScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		c := f.readyCase(t, "错报镇街", true)
		yh, dongfang := f.orgs["永红街道"], f.orgs["东方社区"]
		f.refused(t, "wx_officer", c.ID, app.CaseActionInput{Action: domain.CaseTransfer, Reason: "属永红", OrgID: yh.ID}, domain.EFORBIDDEN, "")
		f.refused(t, "district", c.ID, app.CaseActionInput{Action: domain.CaseTransfer, OrgID: yh.ID}, domain.EINVALID, "reason")
		f.refused(t, "district", c.ID, app.CaseActionInput{Action: domain.CaseTransfer, Reason: "属永红"}, domain.EINVALID, "org_id")
		f.refused(t, "district", c.ID, app.CaseActionInput{Action: domain.CaseTransfer, Reason: "原地", OrgID: f.orgs["五星街道"].ID, VillageID: f.orgs["新中社区"].ID}, domain.EINVALID, "org_id")
		got, err := f.app.ApplyCaseAction(ctx, f.as["district"], c.ID, app.CaseActionInput{Action: domain.CaseTransfer, Reason: "实际位于永红街道东方社区", OrgID: yh.ID, VillageID: dongfang.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.OrgID != yh.ID || got.VillageID == nil || *got.VillageID != dongfang.ID || got.Status != domain.StatusRectifying || got.ProblemNo != c.ProblemNo {
			t.Fatalf("transferred %+v", got)
		}
		_, err = f.app.Case(ctx, f.as["wx_officer"], c.ID)
		wantLoopCode(t, err, domain.ENOTFOUND)
		if _, err := f.app.Case(ctx, f.as["yh_officer"], c.ID); err != nil {
			t.Fatalf("new town cannot see it: %v", err)
		}
		site, err := f.app.Site(ctx, f.as["yh_grid"], c.SiteID)
		if err != nil || site.OrgID != yh.ID {
			t.Fatalf("site did not move: %+v %v", site, err)
		}
		_, err = f.app.Site(ctx, f.as["wx_grid"], c.SiteID)
		wantLoopCode(t, err, domain.ENOTFOUND)
		// The new town carries on: its grid worker requests 销号.
		if got = f.caseAct(t, "yh_grid", c.ID, domain.CaseRequestCloseout, ""); got.Status != domain.StatusCloseoutRequested {
			t.Fatalf("after transfer: %s", got.Status)
		}
		f.verifyAudit(t)
	})
}

func TestCaseAction_TwoSignersAtOnceExactlyOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		c := f.readyCase(t, "并发签字", true)
		for _, s := range []struct {
			u string
			a domain.CaseAction
		}{{"wx_grid", domain.CaseRequestCloseout}, {"wx_vhead", domain.CaseApprove}, {"wx_head", domain.CaseApprove}} {
			c = f.caseAct(t, s.u, c.ID, s.a, "")
		}
		// The district office and the admin both press 审核通过 on the
		// version they read; and two returns race them.
		signers := []struct {
			user   string
			action domain.CaseAction
			reason string
		}{{"district", domain.CaseApprove, ""}, {"admin", domain.CaseApprove, ""}, {"district", domain.CaseReturn, "补材料"}, {"admin", domain.CaseReturn, "补材料"}}
		errs := make([]error, len(signers))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, s := range signers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = f.app.ApplyCaseAction(ctx, f.as[s.user], c.ID, app.CaseActionInput{Action: s.action, Reason: s.reason, Version: c.Version})
			}()
		}
		close(start)
		wg.Wait()
		wins := 0
		for i, err := range errs {
			switch domain.ErrorCode(err) {
			case "":
				wins++
			case domain.ECONFLICT:
			default:
				t.Fatalf("signer %d: %v", i, err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d signers won: %v", wins, errs)
		}
		if n := len(f.signoffs(t, c.ID)); n != 3 {
			t.Fatalf("%d signatures after the race", n)
		}
		f.verifyAudit(t)
	})
}
