package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// fixture is a seeded store with one user per interesting role, and the
// application layer over it that seeded it.
type fixture struct {
	db   *store.DB
	app  *app.App
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
	svc := app.New(db)
	if _, err := seed.Bootstrap(ctx, svc, "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, app: svc, orgs: map[string]*domain.OrgUnit{}, as: map[string]*domain.Actor{}}
	root, _ := svc.Root(ctx)
	all, err := svc.Subtree(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		f.orgs[o.Name] = o
	}
	f.as["admin"] = f.login(t, "admin", "admin-password-1")
	for _, u := range fixtureUsers {
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

func TestCreateUser_ConcurrentWritesAllSucceed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := f.app.CreateCampaign(context.Background(), f.as["district"], domain.Campaign{Name: "c", StartDate: "2020-09-27", EndDate: "2020-11-30"})
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

// The foundation's rows round-trip through their store methods on both
// dialects, and unique constraints answer ErrDuplicate.
func TestFoundationRows_RoundTripAndDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		write := func(fn func(tx *store.Tx) error) error { return f.db.Write(ctx, f.as["admin"], fn) }
		town := f.orgs["五星街道"]
		village := &domain.OrgUnit{Code: "320404001900", Name: "新村", Kind: domain.KindVillage, Level: town.Level + 1, ParentID: &town.ID}
		user := &domain.User{Username: "row_user", DisplayName: "行", Role: domain.RoleGrid, Active: true, Version: 1}
		var tok *domain.Token
		err := write(func(tx *store.Tx) error {
			if err := tx.InsertOrg(village, town); err != nil {
				return err
			}
			user.OrgID = village.ID
			if err := tx.InsertUser(user, "$argon2id$stored-as-given"); err != nil {
				return err
			}
			var err error
			if tok, _, err = domain.NewToken(user.ID, domain.TokenSession, tx.Now()); err != nil {
				return err
			}
			return tx.InsertToken(tok)
		})
		if err != nil {
			t.Fatal(err)
		}
		dups := map[string]func(tx *store.Tx) error{
			"same code": func(tx *store.Tx) error {
				return tx.InsertOrg(&domain.OrgUnit{Code: village.Code, Name: "重号", Kind: domain.KindVillage, Level: 3, ParentID: &town.ID}, town)
			},
			"taken prefix": func(tx *store.Tx) error { return tx.UpdateOrgPrefix(village.ID, f.orgs["西林街道"].Prefix) },
			"same username": func(tx *store.Tx) error {
				return tx.InsertUser(&domain.User{Username: user.Username, DisplayName: "x", Role: domain.RoleGrid, OrgID: village.ID, Version: 1}, "h")
			},
		}
		for name, fn := range dups {
			if err := write(fn); !errors.Is(err, store.ErrDuplicate) {
				t.Errorf("%s: %v, want ErrDuplicate", name, err)
			}
		}

		r := f.db.Reader(ctx)
		o, err := r.Org(village.ID)
		if err != nil || o.Name != village.Name || o.Code != village.Code || o.Level != village.Level || *o.ParentID != town.ID ||
			o.Path != town.Path+strconv.FormatInt(village.ID, 10)+"/" {
			t.Fatalf("org read back %+v, %v; wrote %+v", o, err, village)
		}
		u, hash, err := r.Credentials("row_user")
		if err != nil || *u != *user || hash != "$argon2id$stored-as-given" {
			t.Fatalf("credentials read back %+v %q %v", u, hash, err)
		}
		if _, _, err := r.Credentials("nobody"); !store.IsNotFound(err) {
			t.Fatalf("unknown username: %v", err)
		}
		rows, err := r.UsersUnder(village.Path)
		if err != nil || len(rows) != 1 || rows[0].User != *user || rows[0].OrgName != "新村" {
			t.Fatalf("users under the village: %+v %v", rows, err)
		}
		got, err := r.TokenByHash(tok.Hash)
		if err != nil || got.ID != tok.ID || got.UserID != user.ID || got.Kind != tok.Kind ||
			!got.CreatedAt.Equal(tok.CreatedAt) || !got.ExpiresAt.Equal(tok.ExpiresAt) || got.RevokedAt != nil {
			t.Fatalf("token read back %+v, %v; wrote %+v", got, err, tok)
		}
		err = write(func(tx *store.Tx) error {
			if err := tx.UpdateUserActive(user.ID, false); err != nil {
				return err
			}
			return tx.RevokeUserTokens(user.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		if u, err := r.User(user.ID); err != nil || u.Active || u.Version != 2 {
			t.Fatalf("after update: %+v %v", u, err)
		}
		if got, err := r.TokenByHash(tok.Hash); err != nil || got.RevokedAt == nil {
			t.Fatalf("after revoke: %+v %v", got, err)
		}
	})
}
