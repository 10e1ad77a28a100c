package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// These tests need the streaming standby scripts/pg-replica.sh starts (see
// storetest.ReplicaURL); each test database made on the primary streams to
// it by itself.

// openWithReplica opens a store on a fresh PostgreSQL database with
// replicaURL (a function of the database's own URL) as its read replica.
func openWithReplica(t *testing.T, url, replicaURL string, maxLag time.Duration) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{DataDir: t.TempDir(), URL: url, ReplicaURL: replicaURL,
		ReplicaMaxLag: maxLag, AuditKey: []byte("test-audit-key-0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func addCampaign(t *testing.T, db *store.DB, name string) {
	t.Helper()
	err := db.Write(context.Background(), nil, func(tx *store.Tx) error {
		return tx.InsertCampaign(&domain.Campaign{Name: name, StartDate: "2020-09-27", EndDate: "2020-11-30", Version: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func campaignNames(t *testing.T, r store.Reader) string {
	t.Helper()
	cs, err := r.Campaigns()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return strings.Join(names, ",")
}

// waitReplica polls until the lag guard puts the replica in use and a read
// through ReadReplica gives want.
func waitReplica(t *testing.T, db *store.DB, want string) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := db.CheckReplica(ctx)
		got := campaignNames(t, db.ReadReplica(ctx))
		if st.InUse && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica not in use with %q after 10 s: status %+v, read %q", want, st, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pauseReplay stops the standby replaying WAL until the returned function
// (also run when the test ends) resumes it: the replica falls behind.
func pauseReplay(t *testing.T, replicaURL string) (resume func()) {
	t.Helper()
	raw, err := sql.Open("pgx", replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
		raw.Close()
		t.Fatal(err)
	}
	done := false
	resume = func() {
		if done {
			return
		}
		done = true
		if _, err := raw.Exec(`SELECT pg_wal_replay_resume()`); err != nil {
			t.Errorf("resume replay: %v", err)
		}
		raw.Close()
	}
	t.Cleanup(resume)
	return resume
}

// A write committed on the primary reaches ReadReplica once the standby has
// replayed it; while the standby lags, a reader with a loose bound still
// reads it (and misses the write: the lag a replica reader may see), one
// with a tight bound is switched to the primary by the lag guard, and
// Reader, a Tx and ReadPrimary always read the primary.
func TestReadReplica_LagWithinBoundThenPrimary(t *testing.T) {
	ctx := context.Background()
	url := storetest.CreatePostgresDB(t)
	replicaURL := storetest.ReplicaURL(t, url)
	loose := openWithReplica(t, url, replicaURL, time.Hour)
	tight := openWithReplica(t, url, replicaURL, 300*time.Millisecond)

	addCampaign(t, loose, "甲")
	waitReplica(t, loose, "甲")
	waitReplica(t, tight, "甲")

	resume := pauseReplay(t, replicaURL)
	addCampaign(t, loose, "乙") // newest first
	if got := campaignNames(t, loose.ReadReplica(ctx)); got != "甲" {
		t.Fatalf("replica read during paused replay = %q, want the replica's %q", got, "甲")
	}
	for name, r := range map[string]store.Reader{
		"Reader":                   loose.Reader(ctx),
		"ReadReplica(ReadPrimary)": loose.ReadReplica(store.ReadPrimary(ctx)),
	} {
		if got := campaignNames(t, r); got != "乙,甲" {
			t.Fatalf("%s = %q, want the primary's 乙,甲", name, got)
		}
	}
	err := loose.Write(ctx, nil, func(tx *store.Tx) error {
		if got := campaignNames(t, tx.Reader); got != "乙,甲" {
			return fmt.Errorf("inside a write: %q, want 乙,甲", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The tight guard notices the lag within its bound and reads the primary.
	deadline := time.Now().Add(5 * time.Second)
	for st := tight.CheckReplica(ctx); st.InUse; st = tight.CheckReplica(ctx) {
		if time.Now().After(deadline) {
			t.Fatalf("replica still in use 5 s after replay stopped: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st := tight.ReplicaStatus(); !strings.Contains(st.Reason, "lags") && !strings.Contains(st.Reason, "behind") {
		t.Fatalf("status %+v, want a reason naming the lag", st)
	}
	if got := campaignNames(t, tight.ReadReplica(ctx)); got != "乙,甲" {
		t.Fatalf("tight ReadReplica while lagging = %q, want the primary's 乙,甲", got)
	}

	resume()
	waitReplica(t, tight, "乙,甲")
	waitReplica(t, loose, "乙,甲")
}

// When the replica goes down, ReadReplica reads the primary at once (the
// failed query is retried there) and the replica comes back into use when
// it is up again.
func TestReadReplica_DownFallsBackToPrimary(t *testing.T) {
	ctx := context.Background()
	url := storetest.CreatePostgresDB(t)
	proxy, replicaURL := storetest.NewProxy(t, storetest.ReplicaURL(t, url))
	db := openWithReplica(t, url, replicaURL, 0)

	addCampaign(t, db, "甲")
	waitReplica(t, db, "甲")

	proxy.Stop()
	addCampaign(t, db, "乙")
	if got := campaignNames(t, db.ReadReplica(ctx)); got != "乙,甲" {
		t.Fatalf("ReadReplica with the replica down = %q, want the primary's 乙,甲", got)
	}
	if st := db.ReplicaStatus(); st.InUse {
		t.Fatalf("status after a failed replica query: %+v, want not in use", st)
	}
	if st := db.CheckReplica(ctx); st.InUse || !strings.Contains(st.Reason, "unreachable") {
		t.Fatalf("status with the replica down: %+v", st)
	}

	proxy.Start()
	waitReplica(t, db, "乙,甲")
}

// A replica needs a PostgreSQL primary; a store without one reads the
// primary and says so.
func TestReadReplica_Options(t *testing.T) {
	ctx := context.Background()
	_, err := store.Open(ctx, store.Options{DataDir: t.TempDir(), ReplicaURL: storetest.DefaultReplicaURL})
	if err == nil || !strings.Contains(err.Error(), "needs PostgreSQL") {
		t.Fatalf("SQLite with a replica: %v, want an error", err)
	}
	db := storetest.Open(t, store.SQLite, storetest.Options{})
	addCampaign(t, db, "甲")
	if got := campaignNames(t, db.ReadReplica(ctx)); got != "甲" {
		t.Fatalf("ReadReplica without a replica = %q", got)
	}
	if st := db.ReplicaStatus(); st.Configured || st.InUse {
		t.Fatalf("status without a replica: %+v", st)
	}
}
