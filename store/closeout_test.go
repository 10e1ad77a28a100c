package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// Persistence of the closed loop: the rows a case action writes, stored
// signatures read back (and checked against data changed behind the
// program's back), delegations. The use cases are tested in app/.

// loopFixture is newCaseFixture with the application layer over it and
// 新中社区's village head.
type loopFixture struct {
	*caseFixture
	app *app.App
}

func newLoopFixture(t *testing.T, dialect store.Dialect) *loopFixture {
	t.Helper()
	f := &loopFixture{caseFixture: newCaseFixture(t, dialect)}
	f.app = app.New(f.db)
	if _, err := f.app.CreateUser(context.Background(), f.as["admin"], app.UserInput{Username: "wx_vhead", Password: "password-wx_vhead",
		DisplayName: "wx_vhead", Role: domain.RoleVillageHead, OrgID: f.orgs["新中社区"].ID}); err != nil {
		t.Fatal(err)
	}
	f.as["wx_vhead"] = f.login(t, "wx_vhead", "password-wx_vhead")
	return f
}

// readyCase opens a case in 新中社区 with 现场整治已完成 and its 整改完成照片
// (the evidence a request needs), so 销号 may be requested.
func (f *loopFixture) readyCase(t *testing.T, name string) *domain.Case {
	t.Helper()
	ctx := context.Background()
	c, err := f.app.CreateCase(ctx, f.as["wx_officer"], app.CaseInput{OrgID: f.orgs["五星街道"].ID, VillageID: f.orgs["新中社区"].ID,
		CaseFields: domain.CaseFields{UnitName: name, Category: domain.CatSpraying, Address: name + "所在地", Description: "无证从事喷涂作业"}})
	if err != nil {
		t.Fatal(err)
	}
	done := domain.OnsiteDone
	date := domain.Date("2020-10-13")
	if c, err = f.app.UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("onsite_status", &done).With("onsite_done_date", &date)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.SaveAttachment(ctx, f.as["wx_officer"], c.ID, app.AttachmentInput{Kind: domain.AttachDonePhoto,
		Filename: "finished.jpg", Reader: strings.NewReader("\xff\xd8\xff\xe0 finished")}); err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *loopFixture) caseAct(t *testing.T, user string, id int64, action domain.CaseAction) {
	t.Helper()
	if _, err := f.app.ApplyCaseAction(context.Background(), f.as[user], id, app.CaseActionInput{Action: action}); err != nil {
		t.Fatalf("%s %s case %d: %v", user, action, id, err)
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

func TestSignOffs_CatchContentAlteredBehindTheProgramsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		c := f.readyCase(t, "篡改测试")
		f.caseAct(t, "wx_grid", c.ID, domain.CaseRequestCloseout)
		f.caseAct(t, "wx_vhead", c.ID, domain.CaseApprove)
		// Evidence a reviewer asked for, added in a review state, does not
		// void the signature given before it.
		f.clock.T = campaignNow.Add(time.Hour)
		if _, err := f.app.SaveAttachment(ctx, f.as["wx_grid"], c.ID, app.AttachmentInput{Kind: domain.AttachDonePhoto,
			Filename: "done.jpg", Reader: strings.NewReader("\xff\xd8\xff\xe0 done photo")}); err != nil {
			t.Fatal(err)
		}
		f.clock.T = campaignNow.Add(2 * time.Hour)
		f.caseAct(t, "wx_head", c.ID, domain.CaseApprove)
		f.caseAct(t, "district", c.ID, domain.CaseApprove)
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
		// Swapping the bytes of the photo added after the village's signature, behind the program's back.
		if _, err := raw.Exec(`UPDATE attachments SET sha256 = $1 WHERE case_id = $2 AND filename = 'done.jpg'`, strings.Repeat("ab", 32), c.ID); err != nil {
			t.Fatal(err)
		}
		sigs = f.signoffs(t, c.ID)
		if !sigs[0].Valid || sigs[1].Valid || sigs[2].Valid {
			t.Fatalf("swapped photo: validity %v %v %v", sigs[0].Valid, sigs[1].Valid, sigs[2].Valid)
		}
	})
}

// TestCloseoutRows_RoundTrip: what a case action writes reads back as
// written, a stale version writes nothing, and stored signatures keep
// every field.
func TestCloseoutRows_RoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		c := f.readyCase(t, "行存取")
		yh, dongfang := f.orgs["永红街道"], f.orgs["东方社区"]
		closed := campaignNow.Add(time.Hour).UTC()
		head := f.as["wx_head"].User.ID
		err := f.db.Write(ctx, f.as["district"], func(tx *store.Tx) error {
			before, _, err := tx.Case(c.ID)
			if err != nil {
				return err
			}
			after := before.Clone()
			after.Status, after.Published, after.ClosedAt = domain.StatusClosedOut, true, &closed
			after.OrgID, after.VillageID = yh.ID, &dongfang.ID
			if err := tx.UpdateCaseStatus(after.Clone(), before.Version-1); !errors.Is(err, store.ErrStale) {
				t.Fatalf("stale version: %v", err)
			}
			if err := tx.UpdateCaseStatus(after, before.Version); err != nil {
				return err
			}
			if after.Version != before.Version+1 || !after.UpdatedAt.Equal(tx.Now()) {
				t.Fatalf("version %d updated %v", after.Version, after.UpdatedAt)
			}
			got, place, err := tx.Case(c.ID)
			if err != nil {
				return err
			}
			if got.Status != domain.StatusClosedOut || !got.Published || got.ClosedAt == nil || !got.ClosedAt.Equal(closed) ||
				got.OrgID != yh.ID || got.VillageID == nil || *got.VillageID != dongfang.ID || place.ID != dongfang.ID ||
				got.Version != after.Version || got.Description != before.Description {
				t.Fatalf("read back %+v at %+v", got, place)
			}

			site, _, err := tx.Site(c.SiteID)
			if err != nil {
				return err
			}
			moved := *site
			moved.OrgID, moved.VillageID = yh.ID, &dongfang.ID
			if err := tx.UpdateSitePlace(&moved, site.Version+1); !errors.Is(err, store.ErrStale) {
				t.Fatalf("stale site version: %v", err)
			}
			if err := tx.UpdateSitePlace(&moved, site.Version); err != nil {
				return err
			}
			if gotSite, place, err := tx.Site(c.SiteID); err != nil || gotSite.OrgID != yh.ID || place.ID != dongfang.ID || gotSite.Version != site.Version+1 {
				t.Fatalf("site read back %+v at %+v: %v", gotSite, place, err)
			}

			s := domain.SignOff{CaseID: c.ID, UserID: f.as["wx_officer"].User.ID, UserName: "wx_officer", Role: domain.RoleTownHead,
				OrgID: f.orgs["五星街道"].ID, OnBehalfOfUserID: &head, OnBehalfOfName: "wx_head", Decision: domain.DecisionReturn,
				Reason: "补材料", FromStatus: domain.StatusVillageApproved, ToStatus: domain.StatusRectifying, At: tx.Now(),
				ContentHash: strings.Repeat("0f", 32)}
			if err := tx.InsertSignOff(&s); err != nil || s.ID == 0 {
				t.Fatalf("insert signature %d: %v", s.ID, err)
			}
			rows, err := tx.SignOffs(c.ID)
			if err != nil || len(rows) != 1 || !reflect.DeepEqual(rows[0].SignOff, s) || rows[0].SupersededAt != nil {
				t.Fatalf("signatures read back %+v %v, want %+v", rows, err, s)
			}
			if err := tx.SupersedeSignOffs(c.ID); err != nil {
				return err
			}
			if rows, err = tx.SignOffs(c.ID); err != nil || rows[0].SupersededAt == nil || !rows[0].SupersededAt.Equal(tx.Now()) {
				t.Fatalf("superseded %+v %v", rows, err)
			}
			files, err := tx.CaseFiles(c.ID)
			if err != nil || len(files) != 1 { // readyCase's 整改完成照片
				t.Fatalf("files %+v %v", files, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestDelegationRows_RoundTripAndFilters: a stored delegation reads back
// as written; each filter criterion narrows; the one in force is found.
func TestDelegationRows_RoundTripAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		head, officer, yhOfficer := f.as["wx_head"].User, f.as["wx_officer"].User, f.as["yh_officer"].User
		from := campaignNow.UTC()
		x := &domain.Delegation{HeadUserID: head.ID, HeadName: "wx_head", DelegateUserID: officer.ID, DelegateName: "wx_officer",
			OrgID: f.orgs["五星街道"].ID, Role: domain.RoleTownHead, From: from, Until: from.Add(48 * time.Hour), Reason: "出差"}
		err := f.db.Write(ctx, f.as["wx_head"], func(tx *store.Tx) error {
			if err := tx.InsertDelegation(x); err != nil {
				return err
			}
			got, err := tx.Delegation(x.ID)
			if err != nil || *got != *x {
				t.Fatalf("read back %+v %v, want %+v", got, err, x)
			}
			if _, err := tx.Delegation(x.ID + 100); !store.IsNotFound(err) {
				t.Fatalf("missing delegation: %v", err)
			}
			for _, tc := range []struct {
				name string
				f    store.DelegationFilter
				want int
			}{
				{"all", store.DelegationFilter{}, 1},
				{"held by the officer", store.DelegationFilter{DelegateUserID: officer.ID}, 1},
				{"held by the head", store.DelegationFilter{DelegateUserID: head.ID}, 0},
				{"given by the head", store.DelegationFilter{PartyUserID: head.ID}, 1},
				{"another officer's", store.DelegationFilter{PartyUserID: yhOfficer.ID}, 0},
				{"in the town", store.DelegationFilter{ScopePath: f.orgs["五星街道"].Path}, 1},
				{"in another town", store.DelegationFilter{ScopePath: f.orgs["永红街道"].Path}, 0},
				{"ending later", store.DelegationFilter{EndsAfter: from.Add(47 * time.Hour)}, 1},
				{"ended by then", store.DelegationFilter{EndsAfter: from.Add(48 * time.Hour)}, 0},
			} {
				if got, err := tx.Delegations(tc.f); err != nil || len(got) != tc.want {
					t.Fatalf("%s: %d delegations (%v), want %d", tc.name, len(got), err, tc.want)
				}
			}
			if held, err := tx.HeldDelegations(officer.ID, from.Add(time.Hour)); err != nil || len(held) != 1 || held[0].ID != x.ID {
				t.Fatalf("held: %+v %v", held, err)
			}
			revoked := from.Add(2 * time.Hour)
			if err := tx.UpdateDelegationRevokedAt(x.ID, revoked); err != nil {
				return err
			}
			if got, err := tx.Delegation(x.ID); err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(revoked) {
				t.Fatalf("revoked %+v %v", got, err)
			}
			if held, err := tx.HeldDelegations(officer.ID, revoked); err != nil || domain.DelegationInForce(held, revoked) != nil {
				t.Fatalf("in force after its revocation: %+v %v", held, err)
			}
			users, err := tx.DelegationUsers(store.DelegationUserFilter{Role: domain.RoleTownOfficer, ScopePath: f.orgs["五星街道"].Path,
				ExceptID: head.ID, ActiveOnly: true})
			if err != nil || len(users) != 1 || *users[0] != officer {
				t.Fatalf("town officers %+v %v", users, err)
			}
			if users, err = tx.DelegationUsers(store.DelegationUserFilter{ID: head.ID}); err != nil || len(users) != 1 || *users[0] != head {
				t.Fatalf("by id %+v %v", users, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
