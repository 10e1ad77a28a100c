package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// newLoopFixture is newCaseFixture plus the signers of the closed loop:
// 新中社区's village head and a second grid worker, 永红街道's head.
func newLoopFixture(t *testing.T, dialect store.Dialect) *caseFixture {
	t.Helper()
	f := newCaseFixture(t, dialect)
	ctx := context.Background()
	for _, u := range []struct {
		name string
		role domain.Role
		org  string
	}{
		{"wx_vhead", domain.RoleVillageHead, "新中社区"},
		{"yh_head", domain.RoleTownHead, "永红街道"},
		{"yh_grid", domain.RoleGrid, "东方社区"},
	} {
		if _, err := f.db.CreateUser(ctx, f.as["admin"], store.UserInput{Username: u.name, Password: "password-" + u.name,
			DisplayName: u.name, Role: u.role, OrgID: f.orgs[u.org].ID}); err != nil {
			t.Fatalf("create %s: %v", u.name, err)
		}
		f.as[u.name] = f.login(t, u.name, "password-"+u.name)
	}
	return f
}

// readyCase opens a case in 新中社区 (or, with village false, at 五星街道
// itself) and records 现场整治已完成, so 销号 may be requested.
func (f *caseFixture) readyCase(t *testing.T, name string, village bool) *domain.Case {
	t.Helper()
	in := newCase(name)
	in.OrgID = f.orgs["五星街道"].ID
	if village {
		in.VillageID = f.orgs["新中社区"].ID
	}
	c := f.mustCase(t, "wx_officer", in)
	c, err := f.cases().UpdateCase(context.Background(), f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.
		With("onsite_status", domain.OnsiteDone).With("onsite_done_date", "2020-10-13"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != domain.StatusRectifying {
		t.Fatalf("ready case status %s", c.Status)
	}
	return c
}

// caseAct takes an action and fails the test on an error.
func (f *caseFixture) caseAct(t *testing.T, user string, id int64, action domain.CaseAction, reason string) *domain.Case {
	t.Helper()
	c, err := f.db.ApplyCaseAction(context.Background(), f.as[user], id, store.CaseActionInput{Action: action, Reason: reason})
	if err != nil {
		t.Fatalf("%s %s case %d: %v", user, action, id, err)
	}
	return c
}

func (f *caseFixture) refused(t *testing.T, user string, id int64, in store.CaseActionInput, code, field string) {
	t.Helper()
	_, err := f.db.ApplyCaseAction(context.Background(), f.as[user], id, in)
	if domain.ErrorCode(err) != code || domain.ErrorField(err) != field {
		t.Fatalf("%s %s: error %v (code %q field %q), want %s %q", user, in.Action, err, domain.ErrorCode(err), domain.ErrorField(err), code, field)
	}
}

func (f *caseFixture) signoffs(t *testing.T, id int64) []store.SignOffCheck {
	t.Helper()
	s, err := f.db.CaseSignOffs(context.Background(), f.as["discipline"], id)
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
		if c.ClosedAt == nil || !c.ClosedAt.Equal(campaignNow) {
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
		_, err := f.cases().UpdateCase(context.Background(), f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("description", "改"))
		wantCode(t, err, domain.ECONFLICT)
		verifyAudit(t, f.db)
	})
}

func TestCaseAction_NoVillageSkipsVillageStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		c := f.readyCase(t, "镇直属喷涂", false)
		f.caseAct(t, "wx_officer", c.ID, domain.CaseRequestCloseout, "")
		// The village head does not even see a case without a village.
		f.refused(t, "wx_vhead", c.ID, store.CaseActionInput{Action: domain.CaseApprove}, domain.ENOTFOUND, "")
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
			f.refused(t, lv.returner, c.ID, store.CaseActionInput{Action: domain.CaseReturn, Reason: "  "}, domain.EINVALID, "reason")
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
			if _, err := f.cases().UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("description", "补充说明")); err != nil {
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
		closed, err := f.cases().UpdateCase(ctx, f.as["wx_officer"], closed.ID, app.CasePatch{Version: closed.Version}.
			With("shutdown", domain.ShutdownClosed).With("shutdown_date", "2020-10-01").
			With("two_cuts_three_clears", map[string]bool{domain.ItemWater: true, domain.ItemPower: true}))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, user string
			id         int64
			in         store.CaseActionInput
			code       string
			field      string
		}{
			{"unknown action", "wx_grid", c.ID, store.CaseActionInput{Action: "close"}, domain.EINVALID, "action"},
			{"wrong role", "wx_vhead", c.ID, store.CaseActionInput{Action: domain.CaseRequestCloseout}, domain.EFORBIDDEN, ""},
			{"other town", "yh_officer", c.ID, store.CaseActionInput{Action: domain.CaseRequestCloseout}, domain.ENOTFOUND, ""},
			{"other town head", "yh_head", c.ID, store.CaseActionInput{Action: domain.CaseApprove}, domain.ENOTFOUND, ""},
			{"wrong state", "wx_officer", c.ID, store.CaseActionInput{Action: domain.CaseReopen, Reason: "复燃"}, domain.ECONFLICT, "status"},
			{"publish before closeout", "district", c.ID, store.CaseActionInput{Action: domain.CasePublish}, domain.ECONFLICT, "status"},
			{"void without reason", "wx_officer", c.ID, store.CaseActionInput{Action: domain.CaseVoid}, domain.EINVALID, "reason"},
			{"onsite not done", "wx_grid", notReady.ID, store.CaseActionInput{Action: domain.CaseRequestCloseout}, domain.ECONFLICT, "onsite_status"},
			{"closed without clears", "wx_officer", closed.ID, store.CaseActionInput{Action: domain.CaseRequestCloseout}, domain.ECONFLICT, "two_cuts_three_clears"},
			{"stale version", "wx_grid", c.ID, store.CaseActionInput{Action: domain.CaseRequestCloseout, Version: c.Version - 1}, domain.ECONFLICT, "version"},
			{"changed since viewed", "wx_grid", c.ID, store.CaseActionInput{Action: domain.CaseRequestCloseout, ContentHash: strings.Repeat("0", 64)}, domain.ECONFLICT, "content_hash"},
		} {
			t.Run(tc.name, func(t *testing.T) { f.refused(t, tc.user, tc.id, tc.in, tc.code, tc.field) })
		}
		// Nothing refused was written.
		got, err := f.cases().Case(ctx, f.as["wx_officer"], c.ID)
		if err != nil || got.Version != c.Version || got.Status != domain.StatusRectifying {
			t.Fatalf("after refusals: %+v %v", got, err)
		}
		// The same village head may not approve before the grid worker requests.
		f.refused(t, "wx_vhead", c.ID, store.CaseActionInput{Action: domain.CaseApprove}, domain.ECONFLICT, "status")
		// The district office may not sign in the village's place: not its step yet (409).
		f.caseAct(t, "wx_grid", c.ID, domain.CaseRequestCloseout, "")
		f.refused(t, "district", c.ID, store.CaseActionInput{Action: domain.CaseApprove}, domain.ECONFLICT, "status")
		// In a review state edits are refused: return first.
		_, err = f.cases().UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version + 1}.With("description", "改"))
		wantCode(t, err, domain.ECONFLICT)
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
		f.refused(t, "district", dup.ID, store.CaseActionInput{Action: domain.CaseReopen, Reason: "x"}, domain.ECONFLICT, "status")

		c := f.readyCase(t, "销号后复燃", true)
		for _, s := range []struct {
			u string
			a domain.CaseAction
		}{{"wx_grid", domain.CaseRequestCloseout}, {"wx_vhead", domain.CaseApprove}, {"wx_head", domain.CaseApprove}, {"district", domain.CaseApprove}} {
			c = f.caseAct(t, s.u, c.ID, s.a, "")
		}
		f.refused(t, "wx_officer", c.ID, store.CaseActionInput{Action: domain.CasePublish}, domain.EFORBIDDEN, "")
		c = f.caseAct(t, "district", c.ID, domain.CasePublish, "")
		if !c.Published || c.Status != domain.StatusClosedOut {
			t.Fatalf("publish: %+v", c)
		}
		f.refused(t, "district", c.ID, store.CaseActionInput{Action: domain.CasePublish}, domain.ECONFLICT, "status")
		c = f.caseAct(t, "district", c.ID, domain.CaseUnpublish, "")
		c = f.caseAct(t, "district", c.ID, domain.CasePublish, "")
		f.refused(t, "wx_grid", c.ID, store.CaseActionInput{Action: domain.CaseReopen, Reason: "复燃"}, domain.EFORBIDDEN, "")
		f.refused(t, "wx_officer", c.ID, store.CaseActionInput{Action: domain.CaseReopen}, domain.EINVALID, "reason")
		c = f.caseAct(t, "wx_officer", c.ID, domain.CaseReopen, domain.ReopenReasonRecheck)
		if c.Status != domain.StatusRectifying || c.ClosedAt != nil || c.Published {
			t.Fatalf("reopen: %+v", c)
		}
		evs, err := f.cases().CaseTimeline(context.Background(), f.as["wx_officer"], c.ID)
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
		f.refused(t, "wx_officer", c.ID, store.CaseActionInput{Action: domain.CaseTransfer, Reason: "属永红", OrgID: yh.ID}, domain.EFORBIDDEN, "")
		f.refused(t, "district", c.ID, store.CaseActionInput{Action: domain.CaseTransfer, OrgID: yh.ID}, domain.EINVALID, "reason")
		f.refused(t, "district", c.ID, store.CaseActionInput{Action: domain.CaseTransfer, Reason: "属永红"}, domain.EINVALID, "org_id")
		f.refused(t, "district", c.ID, store.CaseActionInput{Action: domain.CaseTransfer, Reason: "原地", OrgID: f.orgs["五星街道"].ID, VillageID: f.orgs["新中社区"].ID}, domain.EINVALID, "org_id")
		got, err := f.db.ApplyCaseAction(ctx, f.as["district"], c.ID, store.CaseActionInput{Action: domain.CaseTransfer, Reason: "实际位于永红街道东方社区", OrgID: yh.ID, VillageID: dongfang.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.OrgID != yh.ID || got.VillageID == nil || *got.VillageID != dongfang.ID || got.Status != domain.StatusRectifying || got.ProblemNo != c.ProblemNo {
			t.Fatalf("transferred %+v", got)
		}
		_, err = f.cases().Case(ctx, f.as["wx_officer"], c.ID)
		wantCode(t, err, domain.ENOTFOUND)
		if _, err := f.cases().Case(ctx, f.as["yh_officer"], c.ID); err != nil {
			t.Fatalf("new town cannot see it: %v", err)
		}
		site, err := f.db.Site(ctx, f.as["yh_grid"], c.SiteID)
		if err != nil || site.OrgID != yh.ID {
			t.Fatalf("site did not move: %+v %v", site, err)
		}
		_, err = f.db.Site(ctx, f.as["wx_grid"], c.SiteID)
		wantCode(t, err, domain.ENOTFOUND)
		// The new town carries on: its grid worker requests 销号.
		if got = f.caseAct(t, "yh_grid", c.ID, domain.CaseRequestCloseout, ""); got.Status != domain.StatusCloseoutRequested {
			t.Fatalf("after transfer: %s", got.Status)
		}
		verifyAudit(t, f.db)
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
				_, errs[i] = f.db.ApplyCaseAction(ctx, f.as[s.user], c.ID, store.CaseActionInput{Action: s.action, Reason: s.reason, Version: c.Version})
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
		verifyAudit(t, f.db)
	})
}

func TestSignOffs_CatchContentAlteredBehindTheProgramsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		c := f.readyCase(t, "篡改测试", true)
		f.caseAct(t, "wx_grid", c.ID, domain.CaseRequestCloseout, "")
		f.caseAct(t, "wx_vhead", c.ID, domain.CaseApprove, "")
		// Evidence a reviewer asked for, added in a review state, does not
		// void the signature given before it.
		f.clock.T = campaignNow.Add(time.Hour)
		if _, err := f.db.SaveAttachment(ctx, f.as["wx_grid"], c.ID, store.AttachmentInput{Kind: store.AttachDonePhoto,
			Filename: "done.jpg", Reader: strings.NewReader("\xff\xd8\xff\xe0 done photo")}); err != nil {
			t.Fatal(err)
		}
		f.clock.T = campaignNow.Add(2 * time.Hour)
		f.caseAct(t, "wx_head", c.ID, domain.CaseApprove, "")
		f.caseAct(t, "district", c.ID, domain.CaseApprove, "")
		sigs := f.signoffs(t, c.ID)
		if sigs[0].ContentHash == sigs[1].ContentHash {
			t.Fatal("the town's signature does not cover the photo added after the village's")
		}
		for _, s := range sigs {
			if !s.Valid {
				t.Fatalf("untouched case: signature %+v invalid", s)
			}
		}
		raw, _ := f.db.RawForTests()
		if _, err := raw.Exec(`UPDATE cases SET fine_fen = 100 WHERE id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		for _, s := range f.signoffs(t, c.ID) {
			if s.Valid {
				t.Fatalf("altered fine: signature %d still valid", s.ID)
			}
		}
		if _, err := raw.Exec(`UPDATE cases SET fine_fen = 0 WHERE id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		// Swapping a photo's bytes behind the program's back.
		if _, err := raw.Exec(`UPDATE attachments SET sha256 = $1 WHERE case_id = $2`, strings.Repeat("ab", 32), c.ID); err != nil {
			t.Fatal(err)
		}
		sigs = f.signoffs(t, c.ID)
		if !sigs[0].Valid || sigs[1].Valid || sigs[2].Valid {
			t.Fatalf("swapped photo: validity %v %v %v", sigs[0].Valid, sigs[1].Valid, sigs[2].Valid)
		}
	})
}

func TestDelegation_OfficerSignsForHead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		// Only a head delegates, and only to an officer of their own unit.
		_, err := f.db.CreateDelegation(ctx, f.as["wx_officer"], store.DelegationInput{DelegateUserID: f.as["wx_head"].User.ID, Until: campaignNow.Add(time.Hour)})
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.db.CreateDelegation(ctx, f.as["wx_head"], store.DelegationInput{DelegateUserID: f.as["yh_officer"].User.ID, Until: campaignNow.Add(time.Hour)})
		wantCode(t, err, domain.EINVALID)
		del, err := f.db.CreateDelegation(ctx, f.as["wx_head"], store.DelegationInput{DelegateUserID: f.as["wx_officer"].User.ID,
			Until: campaignNow.Add(3 * 24 * time.Hour), Reason: "外出学习"})
		if err != nil {
			t.Fatal(err)
		}
		if del.HeadName != "wx_head" || del.DelegateName != "wx_officer" || del.Role != domain.RoleTownHead {
			t.Fatalf("delegation %+v", del)
		}
		_, err = f.db.CreateDelegation(ctx, f.as["wx_head"], store.DelegationInput{DelegateUserID: f.as["wx_officer"].User.ID, Until: campaignNow.Add(time.Hour)})
		wantCode(t, err, domain.ECONFLICT)
		if got, err := f.db.ActiveDelegation(ctx, f.as["wx_officer"].User.ID, campaignNow); err != nil || got == nil || got.ID != del.ID {
			t.Fatalf("active delegation %+v %v", got, err)
		}

		c := f.readyCase(t, "授权签字", false)
		f.caseAct(t, "wx_officer", c.ID, domain.CaseRequestCloseout, "")
		inbox, err := f.db.Inbox(ctx, f.as["wx_officer"])
		if err != nil || len(inbox) != 1 || inbox[0].ID != c.ID {
			t.Fatalf("delegate's inbox %+v %v", inbox, err)
		}
		c = f.caseAct(t, "wx_officer", c.ID, domain.CaseApprove, "")
		if c.Status != domain.StatusTownApproved {
			t.Fatalf("status %s", c.Status)
		}
		s := f.signoffs(t, c.ID)[0]
		if s.UserName != "wx_officer" || s.OnBehalfOfName != "wx_head" || s.OnBehalfOfUserID == nil ||
			*s.OnBehalfOfUserID != f.as["wx_head"].User.ID || s.Role != domain.RoleTownHead {
			t.Fatalf("delegated signature %+v", s)
		}

		// Expired: the officer is an officer again.
		c2 := f.readyCase(t, "授权过期", false)
		f.caseAct(t, "wx_officer", c2.ID, domain.CaseRequestCloseout, "")
		f.clock.T = campaignNow.Add(4 * 24 * time.Hour)
		f.refused(t, "wx_officer", c2.ID, store.CaseActionInput{Action: domain.CaseApprove}, domain.EFORBIDDEN, "")

		// Revoked early: likewise.
		f.clock.T = campaignNow.Add(5 * 24 * time.Hour)
		del2, err := f.db.CreateDelegation(ctx, f.as["wx_head"], store.DelegationInput{DelegateUserID: f.as["wx_officer"].User.ID, Until: f.clock.T.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.db.RevokeDelegation(ctx, f.as["wx_officer"], del2.ID)
		wantCode(t, err, domain.EFORBIDDEN)
		if _, err := f.db.RevokeDelegation(ctx, f.as["wx_head"], del2.ID); err != nil {
			t.Fatal(err)
		}
		f.refused(t, "wx_officer", c2.ID, store.CaseActionInput{Action: domain.CaseReturn, Reason: "x"}, domain.EFORBIDDEN, "")
		list, err := f.db.Delegations(ctx, f.as["wx_head"])
		if err != nil || len(list) != 2 || list[0].RevokedAt == nil {
			t.Fatalf("delegations %+v %v", list, err)
		}
		if n := f.auditCount(t, "delegation", del2.ID, ""); n != 2 {
			t.Fatalf("%d audit events for a created and revoked delegation", n)
		}
	})
}

func TestInbox_AndBatchApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		a := f.readyCase(t, "批量一", true)
		b := f.readyCase(t, "批量二", true)
		townOnly := f.readyCase(t, "镇直属", false)
		f.caseAct(t, "wx_grid", a.ID, domain.CaseRequestCloseout, "")
		f.caseAct(t, "wx_grid", b.ID, domain.CaseRequestCloseout, "")
		f.caseAct(t, "wx_officer", townOnly.ID, domain.CaseRequestCloseout, "")
		ids := func(user string) []int64 {
			items, err := f.db.Inbox(ctx, f.as[user])
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, it := range items {
				if len(it.ContentHash) != 64 {
					t.Fatalf("inbox item without content hash: %+v", it)
				}
				out = append(out, it.ID)
			}
			return out
		}
		if got := ids("wx_vhead"); len(got) != 2 {
			t.Fatalf("village head's inbox %v", got)
		}
		if got := ids("wx_head"); len(got) != 1 || got[0] != townOnly.ID {
			t.Fatalf("town head's inbox %v", got)
		}
		if got := ids("yh_head"); len(got) != 0 {
			t.Fatalf("other town head's inbox %v", got)
		}
		items, _ := f.db.Inbox(ctx, f.as["wx_vhead"])
		// b was viewed at a version that is stale by the time of the batch.
		res, err := f.db.ApproveMany(ctx, f.as["wx_vhead"], []store.ApproveItem{
			{ID: items[0].ID, Version: items[0].Version, ContentHash: items[0].ContentHash},
			{ID: items[1].ID, Version: items[1].Version - 1},
			{ID: townOnly.ID, Version: 99},
		})
		if err != nil {
			t.Fatal(err)
		}
		if !res[0].OK || res[0].Case.Status != domain.StatusVillageApproved ||
			res[1].OK || res[1].Code != domain.ECONFLICT || res[2].OK || res[2].Code != domain.ENOTFOUND {
			t.Fatalf("batch results %+v", res)
		}
		if got := ids("wx_head"); len(got) != 2 {
			t.Fatalf("town head's inbox after the village approved: %v", got)
		}
		res, err = f.db.ApproveMany(ctx, f.as["wx_head"], []store.ApproveItem{{ID: a.ID, Version: res[0].Case.Version}, {ID: townOnly.ID, Version: townOnly.Version + 1}})
		if err != nil || !res[0].OK || !res[1].OK {
			t.Fatalf("town batch %+v %v", res, err)
		}
		if got := ids("district"); len(got) != 2 {
			t.Fatalf("district inbox %v", got)
		}
	})
}

func TestRecheck_DueListAndRunningSitePromptsReopen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		c := f.readyCase(t, "关闭复查", true)
		all := map[string]bool{}
		for _, it := range f.camp.ClearItems {
			all[it] = true
		}
		c, err := f.cases().UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.
			With("shutdown", domain.ShutdownClosed).With("shutdown_date", "2020-10-10").With("two_cuts_three_clears", all))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []struct {
			u string
			a domain.CaseAction
		}{{"wx_grid", domain.CaseRequestCloseout}, {"wx_vhead", domain.CaseApprove}, {"wx_head", domain.CaseApprove}, {"district", domain.CaseApprove}} {
			c = f.caseAct(t, s.u, c.ID, s.a, "")
		}
		due, err := f.db.DueRechecks(ctx, f.as["wx_officer"], 0)
		if err != nil || len(due) != 0 {
			t.Fatalf("due right after the inspection: %+v %v", due, err)
		}
		f.clock.T = campaignNow.AddDate(0, 0, 30)
		due, err = f.db.DueRechecks(ctx, f.as["wx_officer"], 0)
		if err != nil || len(due) != 1 || due[0].SiteID != c.SiteID || due[0].CaseID == nil || *due[0].CaseID != c.ID ||
			due[0].State != domain.SiteClosed || due[0].ProblemNo != c.ProblemNo || domain.CaseStatus(due[0].CaseStatus) != domain.StatusClosedOut {
			t.Fatalf("due after 30 days: %+v %v", due, err)
		}
		if other, _ := f.db.DueRechecks(ctx, f.as["yh_officer"], 0); len(other) != 0 {
			t.Fatalf("other town's due list %+v", other)
		}
		_, err = f.db.RecordRecheck(ctx, f.as["wx_grid"], c.SiteID, "maybe", "")
		wantCode(t, err, domain.EINVALID)
		res, err := f.db.RecordRecheck(ctx, f.as["wx_grid"], c.SiteID, domain.RecheckStillShut, "大门紧锁")
		if err != nil || res.PromptReopen || res.Inspection.Outcome != domain.OutcomeNoProblem {
			t.Fatalf("still shut: %+v %v", res, err)
		}
		if due, _ = f.db.DueRechecks(ctx, f.as["wx_officer"], 0); len(due) != 0 {
			t.Fatalf("still due after the re-check: %+v", due)
		}
		f.clock.T = campaignNow.AddDate(0, 0, 61)
		res, err = f.db.RecordRecheck(ctx, f.as["wx_grid"], c.SiteID, domain.RecheckRunning, "夜间偷偷生产")
		if err != nil || !res.PromptReopen || res.Case == nil || res.Case.ID != c.ID || res.Inspection.Outcome != domain.OutcomeProblem {
			t.Fatalf("running: %+v %v", res, err)
		}
		if prompts, err := f.db.RecheckPrompts(ctx, f.as["wx_officer"], 0); err != nil || len(prompts) != 1 || prompts[0].ID != c.ID {
			t.Fatalf("reopen prompts %+v %v", prompts, err)
		}
		// The grid worker may not reopen; the town officer does, with the re-check's reason.
		f.refused(t, "wx_grid", c.ID, store.CaseActionInput{Action: domain.CaseReopen, Reason: domain.ReopenReasonRecheck}, domain.EFORBIDDEN, "")
		c = f.caseAct(t, "wx_officer", c.ID, domain.CaseReopen, domain.ReopenReasonRecheck)
		if c.Status != domain.StatusRectifying {
			t.Fatalf("reopened: %s", c.Status)
		}
		if prompts, _ := f.db.RecheckPrompts(ctx, f.as["wx_officer"], 0); len(prompts) != 0 {
			t.Fatalf("still prompted after the reopen: %+v", prompts)
		}
	})
}
