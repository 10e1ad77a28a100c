package app_test

import (
	"context"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestCreateUser_Policy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		in := func(name string, role domain.Role, org string) app.UserInput {
			return app.UserInput{Username: name, Password: "long-enough", DisplayName: name, Role: role, OrgID: f.orgs[org].ID}
		}
		cases := []struct {
			name  string
			actor string
			in    app.UserInput
			code  string
		}{
			{"town officer adds grid worker in own town", "wx_officer", in("g1", domain.RoleGrid, "新中社区"), ""},
			{"town officer adds village head in own town", "wx_officer", in("v1", domain.RoleVillageHead, "新农社区"), ""},
			{"town officer may not add a town head", "wx_officer", in("h1", domain.RoleTownHead, "五星街道"), domain.EFORBIDDEN},
			{"town officer, other town's village is not found", "wx_officer", in("g2", domain.RoleGrid, "东方社区"), domain.ENOTFOUND},
			{"district adds town head", "district", in("h2", domain.RoleTownHead, "永红街道"), ""},
			{"district may not add admin", "district", in("a2", domain.RoleAdmin, "钟楼区"), domain.EFORBIDDEN},
			{"role must fit level: village head at a town", "admin", in("v2", domain.RoleVillageHead, "五星街道"), domain.EINVALID},
			{"role must fit level: town officer at district", "admin", in("t2", domain.RoleTownOfficer, "钟楼区"), domain.EINVALID},
			{"grid worker may not manage users", "wx_grid", in("g3", domain.RoleGrid, "新中社区"), domain.EFORBIDDEN},
			{"discipline may not manage users", "discipline", in("g4", domain.RoleGrid, "新中社区"), domain.EFORBIDDEN},
			{"duplicate username", "admin", in("wx_head", domain.RoleGrid, "新中社区"), domain.ECONFLICT},
			{"short password", "admin", app.UserInput{Username: "x1", Password: "short", DisplayName: "x", Role: domain.RoleGrid, OrgID: f.orgs["新中社区"].ID}, domain.EINVALID},
			{"bad username", "admin", in("x y", domain.RoleGrid, "新中社区"), domain.EINVALID},
			{"unknown unit", "admin", app.UserInput{Username: "x2", Password: "long-enough", DisplayName: "x", Role: domain.RoleGrid, OrgID: 999999}, domain.ENOTFOUND},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.app.CreateUser(ctx, f.as[c.actor], c.in)
				wantCode(t, err, c.code)
			})
		}
	})
}

func TestAuth_BadCredentialsAndDeactivation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		_, err := f.app.Authenticate(ctx, "wx_head", "wrong")
		wantCode(t, err, domain.EUNAUTHORIZED)
		_, err2 := f.app.Authenticate(ctx, "nobody", "wrong")
		if domain.ErrorMessage(err) != domain.ErrorMessage(err2) {
			t.Fatal("wrong user and wrong password must answer alike")
		}
		tok, err := f.app.CreateToken(ctx, f.as["wx_head"], domain.TokenAPI)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.ActorForToken(ctx, tok, domain.TokenAPI); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.ActorForToken(ctx, tok, domain.TokenSession); err == nil {
			t.Fatal("an API token must not work as a session")
		}
		if err := f.app.SetUserActive(ctx, f.as["admin"], f.as["wx_head"].User.ID, false); err != nil {
			t.Fatal(err)
		}
		_, err = f.app.ActorForToken(ctx, tok, domain.TokenAPI)
		wantCode(t, err, domain.EUNAUTHORIZED)
		_, err = f.app.Authenticate(ctx, "wx_head", "password-wx_head")
		wantCode(t, err, domain.EUNAUTHORIZED)
		// revocation
		tok2, _ := f.app.CreateToken(ctx, f.as["district"], domain.TokenAPI)
		if err := f.app.RevokeToken(ctx, f.as["district"], tok2); err != nil {
			t.Fatal(err)
		}
		_, err = f.app.ActorForToken(ctx, tok2, domain.TokenAPI)
		wantCode(t, err, domain.EUNAUTHORIZED)
	})
}

func TestActorForToken_GridWorkerSeesTheirVillage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		grid, err := f.app.CreateOrg(ctx, f.as["admin"], app.OrgInput{Name: "新中一网格", Kind: domain.KindGrid, ParentID: f.orgs["新中社区"].ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.CreateUser(ctx, f.as["wx_officer"], app.UserInput{Username: "g_grid", Password: "password-g", DisplayName: "g",
			Role: domain.RoleGrid, OrgID: grid.ID}); err != nil {
			t.Fatal(err)
		}
		a := f.login(t, "g_grid", "password-g")
		if a.Org.ID != grid.ID || a.Scope.ID != f.orgs["新中社区"].ID {
			t.Fatalf("placed at %s, scope %s; want the grid, scope its village", a.Org.Name, a.Scope.Name)
		}
		tok, _ := f.app.CreateToken(ctx, a, domain.TokenSession)
		b, err := f.app.ActorForToken(ctx, tok, domain.TokenSession)
		if err != nil || b.Scope.ID != a.Scope.ID {
			t.Fatalf("session actor: %+v %v", b, err)
		}
		_, err = f.app.ActorForToken(ctx, "", domain.TokenSession)
		wantCode(t, err, domain.EUNAUTHORIZED)
		_, err = f.app.ActorForToken(ctx, "no-such-secret", domain.TokenSession)
		wantCode(t, err, domain.EUNAUTHORIZED)
	})
}

func TestResetPassword_EndsSessionsAndChecksWho(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		grid := f.as["wx_grid"].User.ID
		tok, _ := f.app.CreateToken(ctx, f.as["wx_grid"], domain.TokenSession)
		// Who may: 404 outside scope, 403 for a role that manages no one, then the password rule.
		wantCode(t, f.app.ResetPassword(ctx, f.as["yh_officer"], grid, "short"), domain.ENOTFOUND)
		wantCode(t, f.app.ResetPassword(ctx, f.as["wx_head"], grid, "short"), domain.EFORBIDDEN)
		wantCode(t, f.app.ResetPassword(ctx, f.as["wx_officer"], grid, "short"), domain.EINVALID)
		wantCode(t, f.app.ResetPassword(ctx, f.as["wx_officer"], f.as["wx_head"].User.ID, "new-password-1"), domain.EFORBIDDEN)
		wantCode(t, f.app.ResetPassword(ctx, f.as["admin"], 999999, "new-password-1"), domain.ENOTFOUND)
		if err := f.app.ResetPassword(ctx, f.as["wx_officer"], grid, "new-password-1"); err != nil {
			t.Fatal(err)
		}
		_, err := f.app.ActorForToken(ctx, tok, domain.TokenSession)
		wantCode(t, err, domain.EUNAUTHORIZED)
		_, err = f.app.Authenticate(ctx, "wx_grid", "password-wx_grid")
		wantCode(t, err, domain.EUNAUTHORIZED)
		f.login(t, "wx_grid", "new-password-1")
	})
}

func TestSetUserActive_NotYourselfAndBackAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		wantCode(t, f.app.SetUserActive(ctx, f.as["district"], f.as["district"].User.ID, false), domain.EINVALID)
		wantCode(t, f.app.SetUserActive(ctx, f.as["yh_officer"], f.as["wx_grid"].User.ID, false), domain.ENOTFOUND)
		if err := f.app.SetUserActive(ctx, f.as["wx_officer"], f.as["wx_grid"].User.ID, false); err != nil {
			t.Fatal(err)
		}
		u, err := f.app.User(ctx, f.as["wx_officer"], f.as["wx_grid"].User.ID)
		if err != nil || u.Active || u.Version != 2 {
			t.Fatalf("after deactivation: %+v %v", u, err)
		}
		if err := f.app.SetUserActive(ctx, f.as["wx_officer"], f.as["wx_grid"].User.ID, true); err != nil {
			t.Fatal(err)
		}
		f.login(t, "wx_grid", "password-wx_grid")
	})
}

func TestUser_OutsideScopeIsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		if _, err := f.app.User(ctx, f.as["wx_officer"], f.as["wx_grid"].User.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.app.User(ctx, f.as["yh_officer"], f.as["wx_grid"].User.ID)
		wantCode(t, err, domain.ENOTFOUND)
		if domain.ErrorMessage(err) != "用户不存在" {
			t.Fatalf("message = %q", domain.ErrorMessage(err))
		}
		_, err = f.app.Users(ctx, f.as["wx_grid"])
		wantCode(t, err, domain.EFORBIDDEN)
		id, err := f.app.UserIDByName(ctx, "wx_grid")
		if err != nil || id != f.as["wx_grid"].User.ID {
			t.Fatalf("UserIDByName = %d, %v", id, err)
		}
		_, err = f.app.UserIDByName(ctx, "nobody")
		wantCode(t, err, domain.ENOTFOUND)
	})
}

func TestEnsureAdmin_OnlyOnAnEmptyStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		created, err := f.app.EnsureAdmin(context.Background(), "another-password")
		if err != nil || created {
			t.Fatalf("EnsureAdmin on a store with users: %v %v", created, err)
		}
		f.login(t, "admin", "admin-password-1")
		if f.as["admin"].Org.ParentID != nil || f.as["admin"].User.Role != domain.RoleAdmin {
			t.Fatal("the admin sits at the root")
		}
	})
}
