package store_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// fixture is a seeded store with one user per interesting role.
type fixture struct {
	db   *store.DB
	orgs map[string]*domain.OrgUnit // by name
	as   map[string]*domain.Actor   // by username
}

func newFixture(t *testing.T, dialect store.Dialect) *fixture {
	return newFixtureOn(t, dialect, nil)
}

// fixtureUsers are the users every fixture has, by name, role and unit.
var fixtureUsers = []struct {
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
// the admin and fixtureUsers, each logged in.
func newFixtureOn(t *testing.T, dialect store.Dialect, clock domain.Clock) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, dialect, storetest.Options{Clock: clock})
	if _, err := seed.Bootstrap(ctx, app.New(db), "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, orgs: map[string]*domain.OrgUnit{}, as: map[string]*domain.Actor{}}
	root, _ := db.Root(ctx)
	all, err := db.Subtree(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		f.orgs[o.Name] = o
	}
	f.as["admin"] = f.login(t, "admin", "admin-password-1")
	for _, u := range fixtureUsers {
		if _, err := db.CreateUser(ctx, f.as["admin"], store.UserInput{Username: u.name, Password: "password-" + u.name,
			DisplayName: u.name, Role: u.role, OrgID: f.orgs[u.org].ID}); err != nil {
			t.Fatalf("create %s: %v", u.name, err)
		}
		f.as[u.name] = f.login(t, u.name, "password-"+u.name)
	}
	return f
}

func (f *fixture) login(t *testing.T, user, pw string) *domain.Actor {
	t.Helper()
	a, err := f.db.Authenticate(context.Background(), user, pw)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return a
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestSeed_OrgTreeInOfficialOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		kids, err := f.db.Children(context.Background(), f.orgs["钟楼区"].ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, k := range kids {
			names = append(names, k.Name)
		}
		want := "钟楼经济开发区 邹区镇 五星街道 永红街道 北港街道 西林街道 南大街街道 荷花池街道 新闸街道"
		if got := strings.Join(names, " "); got != want {
			t.Fatalf("children = %s\nwant %s", got, want)
		}
		if p := f.orgs["钟楼经济开发区"].Prefix; p != "320404K01" {
			t.Fatalf("dev zone prefix = %q", p)
		}
		if p := f.orgs["西林街道"].Prefix; p != "320404004" {
			t.Fatalf("西林 prefix = %q", p)
		}
	})
}

func TestCreateUser_Policy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		in := func(name string, role domain.Role, org string) store.UserInput {
			return store.UserInput{Username: name, Password: "long-enough", DisplayName: name, Role: role, OrgID: f.orgs[org].ID}
		}
		cases := []struct {
			name  string
			actor string
			in    store.UserInput
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
			{"short password", "admin", store.UserInput{Username: "x1", Password: "short", DisplayName: "x", Role: domain.RoleGrid, OrgID: f.orgs["新中社区"].ID}, domain.EINVALID},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.db.CreateUser(ctx, f.as[c.actor], c.in)
				wantCode(t, err, c.code)
			})
		}
	})
}

func TestScope_OtherTownIsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		_, err := f.db.VisibleOrg(ctx, f.as["wx_officer"], f.orgs["永红街道"].ID)
		wantCode(t, err, domain.ENOTFOUND)
		orgs, err := f.db.VisibleOrgs(ctx, f.as["wx_officer"])
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 6 || orgs[0].Name != "五星街道" {
			t.Fatalf("五星 officer sees %d units starting %s", len(orgs), orgs[0].Name)
		}
		users, err := f.db.Users(ctx, f.as["wx_officer"])
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			if u.Username == "yh_officer" {
				t.Fatal("五星 officer sees 永红's officer")
			}
		}
	})
}

func TestAuth_BadCredentialsAndDeactivation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		_, err := f.db.Authenticate(ctx, "wx_head", "wrong")
		wantCode(t, err, domain.EUNAUTHORIZED)
		_, err2 := f.db.Authenticate(ctx, "nobody", "wrong")
		if domain.ErrorMessage(err) != domain.ErrorMessage(err2) {
			t.Fatal("wrong user and wrong password must answer alike")
		}
		tok, err := f.db.CreateToken(ctx, f.as["wx_head"], store.TokenAPI)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.ActorForToken(ctx, tok, store.TokenAPI); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.ActorForToken(ctx, tok, store.TokenSession); err == nil {
			t.Fatal("an API token must not work as a session")
		}
		if err := f.db.SetUserActive(ctx, f.as["admin"], f.as["wx_head"].User.ID, false); err != nil {
			t.Fatal(err)
		}
		_, err = f.db.ActorForToken(ctx, tok, store.TokenAPI)
		wantCode(t, err, domain.EUNAUTHORIZED)
		_, err = f.db.Authenticate(ctx, "wx_head", "password-wx_head")
		wantCode(t, err, domain.EUNAUTHORIZED)
		// revocation
		tok2, _ := f.db.CreateToken(ctx, f.as["district"], store.TokenAPI)
		if err := f.db.RevokeToken(ctx, f.as["district"], tok2); err != nil {
			t.Fatal(err)
		}
		_, err = f.db.ActorForToken(ctx, tok2, store.TokenAPI)
		wantCode(t, err, domain.EUNAUTHORIZED)
	})
}

func TestCreateUser_ConcurrentWritesAllSucceed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := f.db.CreateCampaign(context.Background(), f.as["district"], domain.Campaign{Name: "c", StartDate: "2020-09-27", EndDate: "2020-11-30"})
				errs <- err
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		res, err := f.db.VerifyAudit(context.Background())
		if err != nil || res.Broken != "" {
			t.Fatalf("verify: %v %s", err, res.Broken)
		}
	})
}

// rawDB opens a second handle on the same database, to tamper behind the program's back.
func rawDB(t *testing.T, f *fixture, dialect store.Dialect) *sql.DB {
	t.Helper()
	raw, err := f.db.RawForTests()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestAuditVerify_DetectsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		tamper := []struct {
			name string
			sql  string
			want string
		}{
			{"altered row", `UPDATE audit_events SET after_json = '{"username":"evil"}' WHERE seq = 3`, "audit event 3"},
			{"deleted row", `DELETE FROM audit_events WHERE seq = 4`, "audit event 5"},
			{"inserted row", `INSERT INTO audit_events (seq, at, actor_name, role, action, entity, entity_id, before_json, after_json, prev_hash, hash)
				SELECT MAX(seq) + 1, '2020-01-01T00:00:00.000000Z', 'x', 'admin', 'create', 'user', 1, 'null', 'null', (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1), 'forged' FROM audit_events`, "audit event"},
			{"cut off the end", `DELETE FROM audit_events WHERE seq >= 6`, "cut off the end"},
		}
		for _, tc := range tamper {
			t.Run(tc.name, func(t *testing.T) {
				f := newFixture(t, dialect)
				ctx := context.Background()
				if err := f.db.Checkpoint(ctx); err != nil {
					t.Fatal(err)
				}
				res, err := f.db.VerifyAudit(ctx)
				if err != nil || res.Broken != "" || res.Events < 8 {
					t.Fatalf("fresh chain: %+v %v", res, err)
				}
				if _, err := rawDB(t, f, dialect).Exec(tc.sql); err != nil {
					t.Fatal(err)
				}
				res, err = f.db.VerifyAudit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(res.Broken, tc.want) {
					t.Fatalf("broken = %q, want it to name %q", res.Broken, tc.want)
				}
			})
		}
	})
}
