package app_test

import (
	"context"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestDelegation_OfficerSignsForHead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		// Only a head delegates, and only to an officer of their own unit.
		_, err := f.app.CreateDelegation(ctx, f.as["wx_officer"], app.DelegationInput{DelegateUserID: f.as["wx_head"].User.ID, Until: loopNow.Add(time.Hour)})
		wantLoopCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.CreateDelegation(ctx, f.as["wx_head"], app.DelegationInput{DelegateUserID: f.as["yh_officer"].User.ID, Until: loopNow.Add(time.Hour)})
		wantLoopCode(t, err, domain.EINVALID)
		del, err := f.app.CreateDelegation(ctx, f.as["wx_head"], app.DelegationInput{DelegateUserID: f.as["wx_officer"].User.ID,
			Until: loopNow.Add(3 * 24 * time.Hour), Reason: "外出学习"})
		if err != nil {
			t.Fatal(err)
		}
		if del.HeadName != "wx_head" || del.DelegateName != "wx_officer" || del.Role != domain.RoleTownHead {
			t.Fatalf("delegation %+v", del)
		}
		_, err = f.app.CreateDelegation(ctx, f.as["wx_head"], app.DelegationInput{DelegateUserID: f.as["wx_officer"].User.ID, Until: loopNow.Add(time.Hour)})
		wantLoopCode(t, err, domain.ECONFLICT)
		if got, err := f.app.Delegations(ctx, f.as["wx_officer"]); err != nil || len(got) != 1 || got[0].ID != del.ID || !got[0].ActiveAt(loopNow) {
			t.Fatalf("active delegation %+v %v", got, err)
		}

		c := f.readyCase(t, "授权签字", false)
		f.caseAct(t, "wx_officer", c.ID, domain.CaseRequestCloseout, "")
		inbox, err := f.app.Inbox(ctx, f.as["wx_officer"])
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
		f.clock.T = loopNow.Add(4 * 24 * time.Hour)
		f.refused(t, "wx_officer", c2.ID, app.CaseActionInput{Action: domain.CaseApprove}, domain.EFORBIDDEN, "")

		// Revoked early: likewise.
		f.clock.T = loopNow.Add(5 * 24 * time.Hour)
		del2, err := f.app.CreateDelegation(ctx, f.as["wx_head"], app.DelegationInput{DelegateUserID: f.as["wx_officer"].User.ID, Until: f.clock.T.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.app.RevokeDelegation(ctx, f.as["wx_officer"], del2.ID)
		wantLoopCode(t, err, domain.EFORBIDDEN)
		if _, err := f.app.RevokeDelegation(ctx, f.as["wx_head"], del2.ID); err != nil {
			t.Fatal(err)
		}
		f.refused(t, "wx_officer", c2.ID, app.CaseActionInput{Action: domain.CaseReturn, Reason: "x"}, domain.EFORBIDDEN, "")
		list, err := f.app.Delegations(ctx, f.as["wx_head"])
		if err != nil || len(list) != 2 || list[0].RevokedAt == nil {
			t.Fatalf("delegations %+v %v", list, err)
		}
		if n := f.auditCount(t, "delegation", del2.ID, ""); n != 2 {
			t.Fatalf("%d audit events for a created and revoked delegation", n)
		}
	})
}
