package app_test

import (
	"context"
	"strings"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func sp(s string) *string { return &s }

// The admin edits a unit's name, code and prefix, audited; a taken code or
// prefix, a prefix on a village or a bad code are refused; only the admin.
func TestUpdateOrg_NamesCodesPrefixAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		kfq := f.orgs["钟楼经济开发区"]
		_, err := f.app.UpdateOrg(ctx, f.as["district"], kfq.ID, app.OrgPatch{Name: sp("改名")})
		wantCode(t, err, domain.EFORBIDDEN)
		o, err := f.app.UpdateOrg(ctx, f.as["admin"], kfq.ID, app.OrgPatch{Name: sp("常州钟楼经济开发区"), Prefix: sp("320404K02")})
		if err != nil || o.Name != "常州钟楼经济开发区" || o.Prefix != "320404K02" {
			t.Fatalf("update: %+v %v", o, err)
		}
		if got, _ := f.app.VisibleOrg(ctx, f.as["admin"], kfq.ID); got.Name != "常州钟楼经济开发区" || got.Prefix != "320404K02" {
			t.Fatalf("stored %+v", got)
		}
		evs, err := f.app.AuditEvents(ctx, f.as["admin"], app.AuditFilter{Entity: "org_unit", EntityID: kfq.ID})
		if err != nil || len(evs) != 1 || evs[0].Action != "update" || !strings.Contains(string(evs[0].Before), "钟楼经济开发区") {
			t.Fatalf("audit %+v %v", evs, err)
		}
		// Saving the same values again writes nothing.
		if _, err := f.app.UpdateOrg(ctx, f.as["admin"], kfq.ID, app.OrgPatch{Name: sp("常州钟楼经济开发区")}); err != nil {
			t.Fatal(err)
		}
		if evs, _ := f.app.AuditEvents(ctx, f.as["admin"], app.AuditFilter{Entity: "org_unit", EntityID: kfq.ID}); len(evs) != 1 {
			t.Fatalf("a no-op save audited: %d events", len(evs))
		}
		wx := f.orgs["五星街道"]
		for _, p := range []app.OrgPatch{
			{Prefix: sp("320404K02")},       // 开发区's
			{Code: sp(f.orgs["永红街道"].Code)}, // 永红's
			{Code: sp("32040400100A")},      // not digits
			{Name: sp(" ")},                 // no name
		} {
			_, err := f.app.UpdateOrg(ctx, f.as["admin"], wx.ID, p)
			wantCode(t, err, domain.EINVALID)
		}
		_, err = f.app.UpdateOrg(ctx, f.as["admin"], f.orgs["新中社区"].ID, app.OrgPatch{Prefix: sp("X")})
		wantCode(t, err, domain.EINVALID)
		f.verifyAudit(t)
	})
}

// Units are added where they belong: villages under a town, grids under a
// village; a town under a village or anything under a grid is refused.
func TestCreateOrg_ChildKindFitsParent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		add := func(name string, kind domain.OrgKind, parent int64) (*domain.OrgUnit, error) {
			return f.app.CreateOrg(ctx, f.as["admin"], app.OrgInput{Name: name, Kind: kind, ParentID: parent})
		}
		c, err := add("新设社区", domain.KindCommunity, f.orgs["五星街道"].ID)
		if err != nil {
			t.Fatal(err)
		}
		g, err := add("一网格", domain.KindGrid, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			kind   domain.OrgKind
			parent int64
		}{{domain.KindTown, c.ID}, {domain.KindGrid, g.ID}, {domain.KindVillage, f.orgs["钟楼区"].ID}, {domain.KindGrid, f.orgs["五星街道"].ID}} {
			_, err := add("错位单位", x.kind, x.parent)
			wantCode(t, err, domain.EINVALID)
		}
	})
}

// A user's role and unit change together, under the level rule and who may
// manage whom, audited; nobody moves themselves.
func TestPlaceUser_LevelRuleAndWhoManagesWhom(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		grid := f.as["wx_grid"].User.ID
		// The town officer moves its grid worker to another village of the town and makes them its head.
		u, err := f.app.PlaceUser(ctx, f.as["wx_officer"], grid, domain.RoleVillageHead, f.orgs["新农社区"].ID)
		if err != nil || u.Role != domain.RoleVillageHead || u.OrgID != f.orgs["新农社区"].ID {
			t.Fatalf("place: %+v %v", u, err)
		}
		a := f.login(t, "wx_grid", "password-wx_grid")
		if a.User.Role != domain.RoleVillageHead || a.Scope.ID != f.orgs["新农社区"].ID {
			t.Fatalf("the moved user acts as %s in %s", a.User.Role, a.Scope.Name)
		}
		evs, err := f.app.AuditEvents(ctx, f.as["admin"], app.AuditFilter{Entity: "user", EntityID: grid})
		if err != nil || len(evs) == 0 || evs[len(evs)-1].Action != "place" {
			t.Fatalf("audit: %+v %v", evs, err)
		}
		for _, x := range []struct {
			actor, code string
			role        domain.Role
			org         string
			id          int64
		}{
			{"wx_officer", domain.EINVALID, domain.RoleVillageHead, "五星街道", grid},                       // a village head at a town
			{"wx_officer", domain.EFORBIDDEN, domain.RoleTownHead, "五星街道", grid},                        // an officer makes no town heads
			{"wx_officer", domain.ENOTFOUND, domain.RoleGrid, "东方社区", grid},                             // 永红's village: outside its scope
			{"yh_officer", domain.ENOTFOUND, domain.RoleGrid, "东方社区", grid},                             // 五星's user: outside its scope
			{"wx_officer", domain.EINVALID, domain.RoleTownOfficer, "五星街道", f.as["wx_officer"].User.ID}, // itself
			{"district", domain.EFORBIDDEN, domain.RoleAdmin, "钟楼区", grid},                              // nobody below admin makes an admin
		} {
			_, err := f.app.PlaceUser(ctx, f.as[x.actor], x.id, x.role, f.orgs[x.org].ID)
			if domain.ErrorCode(err) != x.code {
				t.Errorf("%s places %d as %s at %s: %v, want %s", x.actor, x.id, x.role, x.org, err, x.code)
			}
		}
		f.verifyAudit(t)
	})
}

func (f *fixture) verifyAudit(t *testing.T) {
	t.Helper()
	res, err := f.app.VerifyAudit(context.Background())
	if err != nil || res.Broken != "" {
		t.Fatalf("audit verify: %v %s", err, res.Broken)
	}
}
