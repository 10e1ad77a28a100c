package app_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// caseFixture is a seeded store on a fixed clock with the application layer
// over it, one user per interesting role (logged in) and one campaign (the
// notice's: 2020-09-27 to 2020-11-30) running. raw reaches the same
// database behind the program's back, for tests that need a state the use
// cases would not produce.
type caseFixture struct {
	app   *app.App
	db    *store.DB
	raw   *sql.DB
	clock *domain.FixedClock
	camp  *domain.Campaign
	orgs  map[string]*domain.OrgUnit // by name
	as    map[string]*domain.Actor   // by username
}

// campaignNow is a Wednesday morning in the middle of the campaign.
var campaignNow = time.Date(2020, 10, 14, 9, 30, 0, 0, domain.Shanghai())

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

// openStore opens a fresh, migrated store of the dialect on clock, with a
// second plain handle on the same database.
func openStore(t *testing.T, dialect store.Dialect, clock domain.Clock) (*store.DB, *sql.DB) {
	t.Helper()
	dir := t.TempDir()
	opts := store.Options{DataDir: dir, Clock: clock, AuditKey: []byte("test-audit-key-0123456789abcdef")}
	driver, dsn := "sqlite", "file:"+filepath.Join(dir, "zhengzhi.db")+"?_pragma=busy_timeout(10000)"
	if dialect == store.Postgres {
		opts.URL = storetest.CreatePostgresDB(t)
		driver, dsn = "pgx", opts.URL
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open %s store: %v", dialect, err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw
}

func newCaseFixture(t *testing.T, dialect store.Dialect) *caseFixture {
	t.Helper()
	return newCaseFixtureWith(t, dialect, nil)
}

// newCaseFixtureWith is newCaseFixture with clearItems as the campaign's
// 两断三清 checklist (nil: the notice's five items).
func newCaseFixtureWith(t *testing.T, dialect store.Dialect, clearItems []string) *caseFixture {
	t.Helper()
	ctx := context.Background()
	clock := &domain.FixedClock{T: campaignNow}
	db, raw := openStore(t, dialect, clock)
	s := app.New(db)
	if _, err := seed.Bootstrap(ctx, s, "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	f := &caseFixture{app: s, db: db, raw: raw, clock: clock, orgs: map[string]*domain.OrgUnit{}, as: map[string]*domain.Actor{}}
	root, err := s.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Subtree(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		f.orgs[o.Name] = o
	}
	f.as["admin"] = f.login(t, "admin", "admin-password-1")
	for _, u := range fixtureUsers {
		if _, err := s.CreateUser(ctx, f.as["admin"], app.UserInput{Username: u.name, Password: "password-" + u.name,
			DisplayName: u.name, Role: u.role, OrgID: f.orgs[u.org].ID}); err != nil {
			t.Fatalf("create %s: %v", u.name, err)
		}
		f.as[u.name] = f.login(t, u.name, "password-"+u.name)
	}
	f.camp = f.campaign(t, clearItems)
	return f
}

// campaign sets up the notice's campaign, with clearItems as its 两断三清
// checklist (nil: the default one).
func (f *caseFixture) campaign(t *testing.T, clearItems []string) *domain.Campaign {
	t.Helper()
	camp, err := f.app.CreateCampaign(context.Background(), f.as["district"], domain.Campaign{Name: "违法违规“小字头”及“停产停业”企业专项整治",
		DocNo: "钟安发〔2020〕4号", StartDate: "2020-09-27", EndDate: "2020-11-30", DeadlineWeekday: 3, SummaryDueDate: "2020-11-15",
		ClearItems: clearItems})
	if err != nil {
		t.Fatal(err)
	}
	return camp
}

func (f *caseFixture) login(t *testing.T, user, pw string) *domain.Actor {
	t.Helper()
	a, err := f.app.Authenticate(context.Background(), user, pw)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return a
}

// newCase is a minimal valid case form for a new site.
func newCase(name string) app.CaseInput {
	return app.CaseInput{CaseFields: domain.CaseFields{UnitName: name, Category: domain.CatSpraying, Address: name + "所在地", Description: "无证从事喷涂作业"}}
}

func (f *caseFixture) mustCase(t *testing.T, actor string, in app.CaseInput) *domain.Case {
	t.Helper()
	c, err := f.app.CreateCase(context.Background(), f.as[actor], in)
	if err != nil {
		t.Fatalf("create case %q: %v", in.UnitName, err)
	}
	return c
}

// patch is a case patch at version setting name/value pairs.
func patch(version int64, pairs ...any) app.CasePatch {
	p := app.CasePatch{Version: version}
	for i := 0; i+1 < len(pairs); i += 2 {
		p = p.With(pairs[i].(string), pairs[i+1])
	}
	return p
}

// caseEvents counts a case's audit events with action ("" for all).
func (f *caseFixture) caseEvents(t *testing.T, id int64, action string) int {
	t.Helper()
	evs, err := f.app.CaseTimeline(context.Background(), f.as["admin"], id)
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

// verifyAudit fails the test unless the audit chain is intact.
func (f *caseFixture) verifyAudit(t *testing.T) {
	t.Helper()
	res, err := f.app.VerifyAudit(context.Background())
	if err != nil || res.Broken != "" {
		t.Fatalf("audit verify: %v %s", err, res.Broken)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func warningCodes(ws []domain.Warning) string {
	var codes []string
	for _, w := range ws {
		codes = append(codes, w.Code)
	}
	return strings.Join(codes, ",")
}
