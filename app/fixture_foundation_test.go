package app_test

import (
	"context"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// fixture is a seeded store, the application layer over it, and one
// logged-in user per interesting role.
type fixture struct {
	db   *store.DB
	app  *app.App
	orgs map[string]*domain.OrgUnit // by name
	as   map[string]*domain.Actor   // by username
}

func newFixture(t *testing.T, dialect store.Dialect) *fixture {
	return newFixtureOn(t, dialect, nil)
}

// foundationUsers are the users every fixture has, by name, role and unit.
var foundationUsers = []struct {
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
	{"kfq_officer", domain.RoleTownOfficer, "钟楼经济开发区"},
}

// newFixtureOn seeds a fresh store (on clock, when given) with the org tree,
// the admin and foundationUsers, each logged in.
func newFixtureOn(t *testing.T, dialect store.Dialect, clock domain.Clock) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, dialect, storetest.Options{Clock: clock})
	svc := app.New(db)
	if _, err := seed.Bootstrap(ctx, svc, "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, app: svc, orgs: map[string]*domain.OrgUnit{}, as: map[string]*domain.Actor{}}
	root, err := svc.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := svc.Subtree(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		f.orgs[o.Name] = o
	}
	f.as["admin"] = f.login(t, "admin", "admin-password-1")
	for _, u := range foundationUsers {
		if _, err := svc.CreateUser(ctx, f.as["admin"], app.UserInput{Username: u.name, Password: "password-" + u.name,
			DisplayName: u.name, Role: u.role, OrgID: f.orgs[u.org].ID}); err != nil {
			t.Fatalf("create %s: %v", u.name, err)
		}
		f.as[u.name] = f.login(t, u.name, "password-"+u.name)
	}
	return f
}

func (f *fixture) login(t *testing.T, user, pw string) *domain.Actor {
	t.Helper()
	a, err := f.app.Authenticate(context.Background(), user, pw)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return a
}
