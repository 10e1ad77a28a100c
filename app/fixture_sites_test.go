package app_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// sitesFixture is a seeded store on a fixed clock with one user per
// interesting role, logged in, and one campaign (the notice's: 2020-09-27
// to 2020-11-30) running: the world of the sites, inspections and
// attachments tests.
type sitesFixture struct {
	db    *store.DB
	raw   *sql.DB // the same database behind the program's back
	app   *app.App
	clock *domain.FixedClock
	camp  *domain.Campaign
	orgs  map[string]*domain.OrgUnit // by name
	as    map[string]*domain.Actor   // by username
}

// sitesNow is a Wednesday morning in the middle of the campaign.
var sitesNow = time.Date(2020, 10, 14, 9, 30, 0, 0, domain.Shanghai())

// sitesUsers are the fixture's users, by name, role and unit.
var sitesUsers = []struct {
	name string
	role domain.Role
	org  string
}{
	{"district", domain.RoleDistrictOffice, "钟楼区"},
	{"wx_officer", domain.RoleTownOfficer, "五星街道"},
	{"wx_head", domain.RoleTownHead, "五星街道"},
	{"yh_officer", domain.RoleTownOfficer, "永红街道"},
	{"wx_grid", domain.RoleGrid, "新中社区"},
}

// testAuditKey is the audit key of every store the tests open.
var testAuditKey = []byte("test-audit-key-0123456789abcdef")

func newSitesFixture(t *testing.T, dialect store.Dialect) *sitesFixture {
	t.Helper()
	url := ""
	if dialect == store.Postgres {
		url = storetest.CreatePostgresDB(t)
	}
	f := newSitesFixtureAt(t, url, t.TempDir())
	f.seed(t)
	return f
}

// newSitesFixtureAt opens a store on a fixed clock at url (empty: SQLite)
// with its data in dataDir, unseeded; raw opens the same database.
func newSitesFixtureAt(t *testing.T, url, dataDir string) *sitesFixture {
	t.Helper()
	clock := &domain.FixedClock{T: sitesNow}
	db, err := store.Open(context.Background(), store.Options{DataDir: dataDir, URL: url, Clock: clock, AuditKey: testAuditKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var raw *sql.DB
	if url != "" {
		raw, err = sql.Open("pgx", url)
	} else {
		raw, err = sql.Open("sqlite", "file:"+filepath.Join(dataDir, "zhengzhi.db")+"?_pragma=busy_timeout(10000)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return &sitesFixture{db: db, raw: raw, app: app.New(db), clock: clock,
		orgs: map[string]*domain.OrgUnit{}, as: map[string]*domain.Actor{}}
}

// seed bootstraps the org tree and the admin, creates the users and the
// campaign, and logs everyone in.
func (f *sitesFixture) seed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if _, err := seed.Bootstrap(ctx, f.app, "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	f.loadOrgs(t)
	f.as["admin"] = f.login(t, "admin", "admin-password-1")
	for _, u := range sitesUsers {
		if _, err := f.app.CreateUser(ctx, f.as["admin"], app.UserInput{Username: u.name, Password: "password-" + u.name,
			DisplayName: u.name, Role: u.role, OrgID: f.orgs[u.org].ID}); err != nil {
			t.Fatalf("create %s: %v", u.name, err)
		}
		f.as[u.name] = f.login(t, u.name, "password-"+u.name)
	}
	var err error
	if f.camp, err = f.app.CreateCampaign(ctx, f.as["district"], domain.Campaign{Name: "违法违规“小字头”及“停产停业”企业专项整治",
		DocNo: "钟安发〔2020〕4号", StartDate: "2020-09-27", EndDate: "2020-11-30", DeadlineWeekday: 3, SummaryDueDate: "2020-11-15"}); err != nil {
		t.Fatal(err)
	}
}

// join logs in, on f, the users and the campaign another fixture on the
// same database seeded.
func (f *sitesFixture) join(t *testing.T, seeded *sitesFixture) {
	t.Helper()
	f.loadOrgs(t)
	for name := range seeded.as {
		pw := "password-" + name
		if name == "admin" {
			pw = "admin-password-1"
		}
		f.as[name] = f.login(t, name, pw)
	}
	f.camp = seeded.camp
}

func (f *sitesFixture) loadOrgs(t *testing.T) {
	t.Helper()
	ctx := context.Background()
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
}

func (f *sitesFixture) login(t *testing.T, user, pw string) *domain.Actor {
	t.Helper()
	a, err := f.app.Authenticate(context.Background(), user, pw)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return a
}

// mustCase opens a minimal valid case for a new site named name.
func (f *sitesFixture) mustCase(t *testing.T, actor, name string) *domain.Case {
	t.Helper()
	c, err := f.app.CreateCase(context.Background(), f.as[actor], app.CaseInput{CaseFields: domain.CaseFields{
		UnitName: name, Category: domain.CatSpraying, Address: name + "所在地", Description: "无证从事喷涂作业"}})
	if err != nil {
		t.Fatalf("create case %q: %v", name, err)
	}
	return c
}

// verifyAudit fails the test unless the audit chain is intact.
func (f *sitesFixture) verifyAudit(t *testing.T) {
	t.Helper()
	res, err := f.app.VerifyAudit(context.Background())
	if err != nil || res.Broken != "" {
		t.Fatalf("audit verify: %v %s", err, res.Broken)
	}
}

func wantErrCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
