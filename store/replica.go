package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A read replica (Options.ReplicaURL): a PostgreSQL streaming hot standby of
// the primary that heavy read-only use cases — the 附件2 reports, lists —
// read from through ReadReplica, so they do not load the primary that every
// write goes through.
//
// What a reader of the replica may see: the standby replays the primary's
// WAL a little after it is committed, so a change just committed on the
// primary may be missing from the replica for a short time — normally
// milliseconds, at most ReplicaMaxLag (5 s by default), because the store
// watches the lag and stops using a replica that falls further behind (the
// lag guard below). Within that bound a replica read is a consistent, slightly
// older state: never a half-applied change. Whatever must read its own
// writes reads the primary: everything inside a Write (a Tx is a Reader over
// the write transaction), every DB.Reader, and any ReadReplica under a
// context marked with ReadPrimary — the page shown right after a POST.
//
// The lag guard: every ReplicaMaxLag/5 (at most 1 s, at least 100 ms) the
// store reads the primary's WAL position (pg_current_wal_lsn) and then the
// replica's replayed position (pg_last_wal_replay_lsn). The replica holds
// everything the primary had committed at the time of the newest sample whose
// position it has replayed, so now minus that time bounds how stale it is.
// This is used rather than now() - pg_last_xact_replay_timestamp(), which
// grows without bound while the primary is idle although the replica is
// then fully caught up. The replica is used while the bound is within
// ReplicaMaxLag and the last check and every query on it succeeded; a failed
// query is retried on the primary and takes the replica out of use until a
// check passes again. A failure in the middle of reading rows (the replica
// stopping during a long export) is returned as an error, not retried; so is
// a query the standby cancels because replay needs rows it still reads,
// which hot_standby_feedback = on on the standby prevents (the script
// scripts/pg-replica.sh sets it).

// defaultReplicaMaxLag is Options.ReplicaMaxLag's default.
const defaultReplicaMaxLag = 5 * time.Second

// replica is the standby's pool and what the lag guard last found.
type replica struct {
	db     *sql.DB
	maxLag time.Duration
	log    *slog.Logger
	stop   context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	samples []walSample // the primary's WAL positions, oldest first
	status  ReplicaStatus
}

// walSample is the primary's WAL position at a time.
type walSample struct {
	at  time.Time
	lsn uint64
}

// maxWALSamples bounds the samples kept while the replica is far behind.
const maxWALSamples = 64

// ReplicaStatus is what the lag guard last found.
type ReplicaStatus struct {
	Configured bool          // a replica URL was given
	InUse      bool          // ReadReplica reads from it
	Lag        time.Duration // bound on how far behind the primary it was at the check (with InUse)
	Checked    time.Time     // when it was last checked
	Reason     string        // why it is not in use
}

// openReplica connects to o.ReplicaURL, checks it once and starts the lag
// guard. A replica that is down does not stop the store opening: reads use
// the primary until it comes up.
func (d *DB) openReplica(ctx context.Context, o Options) error {
	if o.ReplicaURL == "" {
		return nil
	}
	if d.dialect != Postgres {
		return fmt.Errorf("a read replica needs PostgreSQL: give the primary's postgres:// URL too")
	}
	u, err := url.Parse(o.ReplicaURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("unsupported replica URL %q: want postgres://…", redactURL(o.ReplicaURL))
	}
	// A replica host that does not answer must not hold a request for long:
	// the read falls back to the primary after the connect timeout.
	if q := u.Query(); q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "2")
		u.RawQuery = q.Encode()
	}
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return fmt.Errorf("open replica: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	r := &replica{db: db, maxLag: o.ReplicaMaxLag, log: d.log, done: make(chan struct{})}
	if r.maxLag <= 0 {
		r.maxLag = defaultReplicaMaxLag
	}
	r.status = ReplicaStatus{Configured: true, Reason: "not checked yet"}
	d.replica = r
	d.CheckReplica(ctx)

	every := min(max(r.maxLag/5, 100*time.Millisecond), time.Second)
	gctx, stop := context.WithCancel(context.Background())
	r.stop = stop
	go func() {
		defer close(r.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-gctx.Done():
				return
			case <-t.C:
				d.CheckReplica(gctx)
			}
		}
	}()
	return nil
}

// closeReplica stops the lag guard and closes the replica's pool.
func (d *DB) closeReplica() {
	if d.replica == nil {
		return
	}
	d.replica.stop()
	<-d.replica.done
	d.replica.db.Close()
}

// ReadReplica reads outside any transaction from the read replica when one
// is configured and in use (see ReplicaStatus), else from the primary like
// Reader. What it reads may lag the primary by up to ReplicaMaxLag: use it
// only for read-only pages that need not show a change the same request or
// the one before it made (see ReadPrimary).
func (d *DB) ReadReplica(ctx context.Context) Reader {
	if d.replica == nil || ctx.Value(readPrimaryKey{}) != nil || !d.replica.inUse() {
		return d.Reader(ctx)
	}
	return Reader{ctx: ctx, q: replicaQuerier{d}, db: d}
}

type readPrimaryKey struct{}

// ReadPrimary marks ctx so that ReadReplica under it reads the primary: for
// a request that must see a change just made, such as the page a POST
// redirects to.
func ReadPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, readPrimaryKey{}, true)
}

// ReplicaStatus reports what the lag guard last found.
func (d *DB) ReplicaStatus() ReplicaStatus {
	if d.replica == nil {
		return ReplicaStatus{Reason: "no replica configured"}
	}
	d.replica.mu.Lock()
	defer d.replica.mu.Unlock()
	return d.replica.status
}

// CheckReplica checks the replica's lag now (the lag guard does so
// periodically) and reports the result.
func (d *DB) CheckReplica(ctx context.Context) ReplicaStatus {
	r := d.replica
	if r == nil {
		return d.ReplicaStatus()
	}
	qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var primaryLSN, replayLSN string
	var recovering bool
	// Taken before the query: everything committed on the primary by then
	// lies at or before the position the query returns.
	sampled := time.Now()
	err := d.db.QueryRowContext(qctx, `SELECT pg_current_wal_lsn()::text`).Scan(&primaryLSN)
	if err != nil {
		err = fmt.Errorf("read the primary's WAL position: %w", err)
	} else if err = r.db.QueryRowContext(qctx, `SELECT pg_is_in_recovery(), COALESCE(pg_last_wal_replay_lsn()::text, '')`).
		Scan(&recovering, &replayLSN); err != nil {
		err = fmt.Errorf("replica unreachable: %w", err)
	} else if !recovering {
		err = errors.New("replica is not a standby (not in recovery)")
	}
	var p, rp uint64
	if err == nil {
		if p, err = parseLSN(primaryLSN); err == nil {
			rp, err = parseLSN(replayLSN)
		}
	}
	if ctx.Err() != nil {
		return d.ReplicaStatus() // closing, or the caller gave up: keep the last finding
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	was := r.status
	st := ReplicaStatus{Configured: true, Checked: time.Now()}
	if err != nil {
		st.Reason = err.Error()
	} else {
		r.samples = append(r.samples, walSample{at: sampled, lsn: p})
		var lag time.Duration
		var ok bool
		r.samples, lag, ok = replayedLag(r.samples, rp, st.Checked)
		switch {
		case !ok:
			st.Reason = fmt.Sprintf("replica is behind the primary by more than %s (replayed %s)", st.Checked.Sub(r.samples[0].at).Round(time.Millisecond), replayLSN)
		case lag > r.maxLag:
			st.Reason = fmt.Sprintf("replica lags the primary by %s, more than %s", lag.Round(time.Millisecond), r.maxLag)
		default:
			st.InUse, st.Lag = true, lag
		}
		if len(r.samples) > maxWALSamples {
			r.samples = r.samples[len(r.samples)-maxWALSamples:]
		}
	}
	r.status = st
	if st.InUse != was.InUse || was.Checked.IsZero() {
		if st.InUse {
			r.log.Info("read replica in use", "lag", st.Lag)
		} else {
			r.log.Warn("read replica not used: reads go to the primary", "reason", st.Reason)
		}
	}
	return st
}

// replayedLag finds, in samples of the primary's WAL position (oldest
// first), the newest one the replica has replayed (replay ≥ its position):
// the replica then holds everything committed on the primary before that
// sample, so it is at most now minus the sample's time behind. It drops the
// samples older than that one and reports false when the replica has
// replayed none of them.
func replayedLag(samples []walSample, replay uint64, now time.Time) ([]walSample, time.Duration, bool) {
	for i := len(samples) - 1; i >= 0; i-- {
		if samples[i].lsn <= replay {
			return samples[i:], now.Sub(samples[i].at), true
		}
	}
	return samples, 0, false
}

// parseLSN reads a pg_lsn's text form, two hexadecimal halves "16/B374D848".
func parseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if ok {
		h, err1 := strconv.ParseUint(hi, 16, 32)
		l, err2 := strconv.ParseUint(lo, 16, 32)
		if err1 == nil && err2 == nil {
			return h<<32 | l, nil
		}
	}
	return 0, fmt.Errorf("WAL position %q: want X/Y in hexadecimal", s)
}

func (r *replica) inUse() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status.InUse
}

// failed takes the replica out of use after a query on it failed, until
// the next check passes.
func (r *replica) failed(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.status.InUse {
		r.log.Warn("read replica query failed: reads go to the primary", "err", err)
	}
	r.status.InUse = false
	r.status.Reason = "query failed: " + err.Error()
}

// replicaQuerier runs a query on the replica while it is in use, and on the
// primary when it is not or the query fails there.
type replicaQuerier struct{ d *DB }

func (q replicaQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if r := q.d.replica; r.inUse() {
		rows, err := r.db.QueryContext(ctx, query, args...)
		if err == nil || ctx.Err() != nil {
			return rows, err
		}
		r.failed(err)
	}
	return q.d.db.QueryContext(ctx, query, args...)
}

func (q replicaQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if r := q.d.replica; r.inUse() {
		row := r.db.QueryRowContext(ctx, query, args...)
		// Err is the query's failure, not sql.ErrNoRows (which Scan reports).
		err := row.Err()
		if err == nil || ctx.Err() != nil {
			return row
		}
		r.failed(err)
	}
	return q.d.db.QueryRowContext(ctx, query, args...)
}
