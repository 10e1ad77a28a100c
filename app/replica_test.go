package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// Scale-out on PostgreSQL (DESIGN.md §6): several app instances on one
// database, and a read replica for the reports. Files shared by two
// instances are covered by TestAttachments_SecondInstanceOnPostgres.

// Two instances on one PostgreSQL, each with its own data dir, writing at
// the same time: every case and site written through one is read through
// the other, problem numbers never collide, both compute the same 附件2,
// and the audit chain the two appended to stays intact.
func TestTwoInstances_WriteConcurrentlyReadEachOthers(t *testing.T) {
	ctx := context.Background()
	url := storetest.CreatePostgresDB(t)
	one := newSitesFixtureAt(t, url, t.TempDir())
	one.seed(t)
	two := newSitesFixtureAt(t, url, t.TempDir())
	two.join(t, one)

	const each = 5
	var (
		mu      sync.Mutex
		written = map[*sitesFixture][]*domain.Case{}
		wg      sync.WaitGroup
		errs    = make(chan error, 2*each)
	)
	for i, f := range []*sitesFixture{one, two} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				c, err := f.app.CreateCase(ctx, f.as["wx_officer"], app.CaseInput{CaseFields: domain.CaseFields{
					UnitName: fmt.Sprintf("实例%d-%d", i+1, j), Category: domain.CatSpraying, Address: "某路", Description: "无证从事喷涂作业"}})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				written[f] = append(written[f], c)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	numbers := map[string]bool{}
	for by, reader := range map[*sitesFixture]*sitesFixture{one: two, two: one} {
		for _, c := range written[by] {
			got, err := reader.app.Case(ctx, reader.as["wx_officer"], c.ID)
			if err != nil || got.UnitName != c.UnitName || got.ProblemNo != c.ProblemNo {
				t.Fatalf("case %d through the other instance: %+v, %v; want %s %s", c.ID, got, err, c.UnitName, c.ProblemNo)
			}
			site, err := reader.app.Site(ctx, reader.as["wx_officer"], c.SiteID)
			if err != nil || site.Name != c.UnitName {
				t.Fatalf("site %d through the other instance: %+v, %v; want %s", c.SiteID, site, err, c.UnitName)
			}
			if numbers[c.ProblemNo] {
				t.Fatalf("problem number %s given twice", c.ProblemNo)
			}
			numbers[c.ProblemNo] = true
		}
	}
	q := app.SummaryQuery{Breakdown: true}
	s1, err := one.app.Summary(ctx, one.as["district"], q)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := two.app.Summary(ctx, two.as["district"], q)
	if err != nil {
		t.Fatal(err)
	}
	if s1.Total.Problems != 2*each || !reflect.DeepEqual(s1.Summary, s2.Summary) {
		t.Fatalf("附件2: one %+v\ntwo %+v\nwant %d problems in both", s1.Total, s2.Total, 2*each)
	}
	one.verifyAudit(t)
	two.verifyAudit(t)
}

// newReplicaFixture opens, on seeded's database, an instance that reads its
// reports from the standby at replicaURL, with the replica used while it
// lags by at most maxLag.
func newReplicaFixture(t *testing.T, seeded *sitesFixture, url, replicaURL string, maxLag time.Duration) *sitesFixture {
	t.Helper()
	clock := &domain.FixedClock{T: sitesNow}
	db, err := store.Open(context.Background(), store.Options{DataDir: t.TempDir(), URL: url, ReplicaURL: replicaURL,
		ReplicaMaxLag: maxLag, Clock: clock, AuditKey: testAuditKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &sitesFixture{db: db, raw: seeded.raw, app: app.New(db), clock: clock,
		orgs: map[string]*domain.OrgUnit{}, as: map[string]*domain.Actor{}}
	f.join(t, seeded)
	return f
}

// liveReports are the replica-backed use cases as a comparable value: the
// district's 附件2 by town and its 附件1 problem numbers.
func liveReports(t *testing.T, f *sitesFixture) (domain.Summary, []string) {
	t.Helper()
	ctx := context.Background()
	res, err := f.app.Summary(ctx, f.as["district"], app.SummaryQuery{Breakdown: true})
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := f.app.ProblemRows(ctx, f.as["district"], 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	nos := []string{}
	for c, err := range rows {
		if err != nil {
			t.Fatal(err)
		}
		nos = append(nos, c.ProblemNo)
	}
	return res.Summary, nos
}

// waitSameReports polls until the replica is in use and rep's reports equal
// primary's (the standby has replayed the writes).
func waitSameReports(t *testing.T, rep, primary *sitesFixture) {
	t.Helper()
	wantSum, wantNos := liveReports(t, primary)
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := rep.db.CheckReplica(context.Background())
		sum, nos := liveReports(t, rep)
		if st.InUse && reflect.DeepEqual(sum, wantSum) && reflect.DeepEqual(nos, wantNos) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: replica %+v\n附件2 %+v %v\nwant  %+v %v", st, sum.Total, nos, wantSum.Total, wantNos)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The live 附件2 and 附件1 of an instance with a read replica equal the
// primary's once the standby has replayed the writes; while it lags they
// are the replica's older figures; with the replica down they are the
// primary's at once.
func TestSummary_ReadReplicaEqualsPrimaryAfterReplay(t *testing.T) {
	url := storetest.CreatePostgresDB(t)
	proxy, replicaURL := storetest.NewProxy(t, storetest.ReplicaURL(t, url))
	primary := newSitesFixtureAt(t, url, t.TempDir())
	primary.seed(t)
	// A loose lag bound, so that the replica stays in use while replay is paused below.
	rep := newReplicaFixture(t, primary, url, replicaURL, time.Hour)

	primary.mustCase(t, "wx_officer", "甲")
	primary.mustCase(t, "yh_officer", "乙")
	waitSameReports(t, rep, primary)

	// Replay paused: the replica-backed reports miss the newest case.
	raw, err := sql.Open("pgx", storetest.ReplicaURL(t, url))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			if _, err := raw.Exec(`SELECT pg_wal_replay_resume()`); err != nil {
				t.Errorf("resume replay: %v", err)
			}
		}
	}
	defer resume()
	primary.mustCase(t, "wx_officer", "丙")
	stale, staleNos := liveReports(t, rep)
	fresh, freshNos := liveReports(t, primary)
	if stale.Total.Problems != 2 || fresh.Total.Problems != 3 || len(staleNos) != 2 || len(freshNos) != 3 {
		t.Fatalf("during paused replay: replica %d problems %v, primary %d %v; want 2 and 3",
			stale.Total.Problems, staleNos, fresh.Total.Problems, freshNos)
	}
	resume()
	waitSameReports(t, rep, primary)

	// Replica down: the next reports come from the primary, without waiting for the lag guard.
	proxy.Stop()
	primary.mustCase(t, "yh_officer", "丁")
	got, gotNos := liveReports(t, rep)
	want, wantNos := liveReports(t, primary)
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotNos, wantNos) || want.Total.Problems != 4 {
		t.Fatalf("with the replica down: %+v %v\nwant the primary's %+v %v", got.Total, gotNos, want.Total, wantNos)
	}
	if st := rep.db.ReplicaStatus(); st.InUse {
		t.Fatalf("replica status with it down: %+v", st)
	}
}
