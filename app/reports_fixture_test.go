package app_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// reportFixture is a seeded store on a fixed clock with one user per
// interesting role, each logged in, and one campaign (the notice's:
// 2020-09-27 to 2020-11-30, Wednesdays 17:00, summary due 2020-11-15)
// running — the use cases under test reached through app.New only.
type reportFixture struct {
	app   *app.App
	db    *store.DB
	raw   *sql.DB // a second handle, to change rows behind the program's back
	clock *domain.FixedClock
	camp  *domain.Campaign
	orgs  map[string]*domain.OrgUnit // by name
	as    map[string]*domain.Actor   // by username
}

// The weekly deadlines of the fixture's campaign (Wednesdays 17:00 Shanghai).
var (
	sh       = domain.Shanghai()
	week1014 = time.Date(2020, 10, 14, 17, 0, 0, 0, sh)
	week1021 = time.Date(2020, 10, 21, 17, 0, 0, 0, sh)
	week1007 = time.Date(2020, 10, 7, 17, 0, 0, 0, sh)
)

// reportUsers are the fixture's users by name, role and unit.
var reportUsers = []struct {
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
	{"yh_head", domain.RoleTownHead, "永红街道"},
	{"kfq_head", domain.RoleTownHead, "钟楼经济开发区"},
}

// openRaw opens a store of dialect on clock and a second, raw handle on
// the same database.
func openRaw(t *testing.T, dialect store.Dialect, clock domain.Clock) (*store.DB, *sql.DB) {
	t.Helper()
	opts := store.Options{DataDir: t.TempDir(), Clock: clock, AuditKey: []byte("test-audit-key-0123456789abcdef")}
	driver, dsn := "sqlite", filepath.Join(opts.DataDir, "zhengzhi.db")
	if dialect == store.Postgres {
		opts.URL = storetest.CreatePostgresDB(t)
		driver, dsn = "pgx", opts.URL
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open %s store: %v", dialect, err)
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		raw.Close()
		db.Close()
	})
	return db, raw
}

func newReportFixture(t *testing.T, dialect store.Dialect) *reportFixture {
	t.Helper()
	ctx := context.Background()
	clock := &domain.FixedClock{T: campaignNow}
	db, raw := openRaw(t, dialect, clock)
	s := app.New(db)
	if _, err := seed.Bootstrap(ctx, s, "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	f := &reportFixture{app: s, db: db, raw: raw, clock: clock, orgs: map[string]*domain.OrgUnit{}, as: map[string]*domain.Actor{}}
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
	for _, u := range reportUsers {
		if _, err := s.CreateUser(ctx, f.as["admin"], app.UserInput{Username: u.name, Password: "password-" + u.name,
			DisplayName: u.name, Role: u.role, OrgID: f.orgs[u.org].ID}); err != nil {
			t.Fatalf("create %s: %v", u.name, err)
		}
		f.as[u.name] = f.login(t, u.name, "password-"+u.name)
	}
	f.camp, err = s.CreateCampaign(ctx, f.as["district"], domain.Campaign{Name: "违法违规“小字头”及“停产停业”企业专项整治",
		DocNo: "钟安发〔2020〕4号", StartDate: "2020-09-27", EndDate: "2020-11-30", DeadlineWeekday: 3, SummaryDueDate: "2020-11-15"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *reportFixture) login(t *testing.T, user, pw string) *domain.Actor {
	t.Helper()
	a, err := f.app.Authenticate(context.Background(), user, pw)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return a
}

// caseForm is a minimal valid case form for a new site.
func caseForm(name string) app.CaseInput {
	return app.CaseInput{CaseFields: domain.CaseFields{UnitName: name, Category: domain.CatSpraying, Address: name + "所在地", Description: "无证从事喷涂作业"}}
}

func (f *reportFixture) mustCase(t *testing.T, actor string, in app.CaseInput) *domain.Case {
	t.Helper()
	c, err := f.app.CreateCase(context.Background(), f.as[actor], in)
	if err != nil {
		t.Fatalf("create case %q: %v", in.UnitName, err)
	}
	return c
}

// tamper changes rows behind the program's back, then rebuilds the
// maintained counters as an operator would after such a change
// (zhengzhi counters rebuild): they follow the use cases only.
func (f *reportFixture) tamper(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := f.raw.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.RebuildCounters(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (f *reportFixture) prepare(t *testing.T, user, town string, deadline time.Time) *domain.WeeklyReport {
	t.Helper()
	r, _, err := f.app.PrepareReport(context.Background(), f.as[user], app.ReportInput{OrgID: f.orgs[town].ID, Deadline: deadline})
	if err != nil {
		t.Fatalf("prepare %s %s: %v", town, deadline, err)
	}
	return r
}

func (f *reportFixture) act(t *testing.T, user string, id int64, action domain.ReportAction, reason string) *domain.WeeklyReport {
	t.Helper()
	r, err := f.app.ReportAction(context.Background(), f.as[user], id, app.ReportActionInput{Action: action, Reason: reason})
	if err != nil {
		t.Fatalf("%s %s report %d: %v", user, action, id, err)
	}
	return r
}

// listStatus lists the reports of one deadline the user sees, by town.
func (f *reportFixture) listStatus(t *testing.T, user string, deadline time.Time) map[string]*domain.WeeklyReport {
	t.Helper()
	l, err := f.app.Reports(context.Background(), f.as[user], app.ReportFilter{Deadline: deadline})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*domain.WeeklyReport{}
	for _, x := range l.Items {
		out[x.OrgName] = x
	}
	return out
}

// verifyAudit fails the test unless the audit chain is intact.
func (f *reportFixture) verifyAudit(t *testing.T) {
	t.Helper()
	res, err := f.app.VerifyAudit(context.Background())
	if err != nil || res.Broken != "" {
		t.Fatalf("audit verify: %v %s", err, res.Broken)
	}
}

// officialTowns is the district's breakdown as the forms list it: 开发区,
// then 镇, then 街道 by code.
var officialTowns = []string{"钟楼经济开发区", "邹区镇", "五星街道", "永红街道", "北港街道", "西林街道", "南大街街道", "荷花池街道", "新闸街道"}

func regionNames(s domain.Summary) []string {
	var out []string
	for _, r := range s.Rows {
		out = append(out, r.Region)
	}
	return out
}

// checkTotal fails unless 合计 is exactly the sum of the rows, field by field.
func checkTotal(t *testing.T, s domain.Summary) {
	t.Helper()
	want := domain.TotalOf(s.Rows)
	if !reflect.DeepEqual(want, s.Total) {
		t.Fatalf("合计 %+v\n≠ Σ rows %+v", s.Total, want)
	}
}

func valueRef[T any](v T) *T { return &v }

func decimal(n int64) string { return strconv.FormatInt(n, 10) }
