package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"zhengzhi/domain"
)

// Reader runs the store's queries: over the database (DB.Reader) or inside
// a write transaction (every Tx is a Reader too), so a use case loads what
// it decides on in the transaction that acts on it.
type Reader struct {
	ctx context.Context
	q   querier
	db  *DB
}

// Reader reads outside any transaction.
func (d *DB) Reader(ctx context.Context) Reader { return Reader{ctx: ctx, q: d.db, db: d} }

// Tx is one write transaction. It carries a fixed now from the injected
// clock and the acting user, so every timestamp and the audit event written
// in one change agree.
type Tx struct {
	Reader
	tx    *sql.Tx
	now   time.Time
	actor *domain.Actor
}

// Now is the transaction's fixed time: every timestamp and decision of the
// change uses it.
func (tx *Tx) Now() time.Time { return tx.now }

// Actor is the user the transaction acts for.
func (tx *Tx) Actor() *domain.Actor { return tx.actor }

// Write runs fn in one write transaction for actor a (nil: the system) and
// commits it, or rolls everything back when fn fails: nothing is ever
// half-written. Writers are serialised (dialect.go) so the audit chain
// appends in order.
func (d *DB) Write(ctx context.Context, a *domain.Actor, fn func(tx *Tx) error) error {
	return d.write(ctx, a, fn)
}

// systemActor acts for the program itself: seeding, migrations of data, the CLI
// when no user is named.
var systemActor = domain.SystemActor(nil)

// write runs fn in one transaction and commits it, or rolls everything back
// when fn fails: nothing is ever half-written.
func (d *DB) write(ctx context.Context, a *domain.Actor, fn func(tx *Tx) error) error {
	if a == nil {
		a = systemActor
	}
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	defer d.held.since(time.Now())
	stx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Reader: Reader{ctx: ctx, q: stx, db: d}, tx: stx, actor: a}
	if err := d.lockWriters(tx); err != nil {
		stx.Rollback()
		return err
	}
	// Microseconds: what PostgreSQL keeps, so values read back equal those written.
	tx.now = d.clock.Now().UTC().Truncate(time.Microsecond)
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// WriteLockStats is how many write transactions this process has run and
// how long they held the writer lock, in total and at most: what a use case
// costs every other writer (BENCHMARKS.md: the weekly submit).
type WriteLockStats struct {
	Writes int64
	Held   time.Duration
	Max    time.Duration
}

// writeLockStats accumulates WriteLockStats.
type writeLockStats struct {
	writes, held, max atomic.Int64
}

// since records one write transaction that took the lock at start.
func (w *writeLockStats) since(start time.Time) {
	d := int64(time.Since(start))
	w.writes.Add(1)
	w.held.Add(d)
	for m := w.max.Load(); d > m && !w.max.CompareAndSwap(m, d); m = w.max.Load() {
	}
}

// WriteLockStats reports the write transactions so far and how long they
// held the writer lock.
func (d *DB) WriteLockStats() WriteLockStats {
	return WriteLockStats{Writes: d.held.writes.Load(), Held: time.Duration(d.held.held.Load()), Max: time.Duration(d.held.max.Load())}
}

func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(tx.ctx, query, args...)
}

func (tx *Tx) queryRow(query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(tx.ctx, query, args...)
}

func (tx *Tx) query(query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(tx.ctx, query, args...)
}

// insert runs an INSERT … RETURNING id (both dialects support RETURNING).
func (tx *Tx) insert(query string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(query, args...).Scan(&id)
	return id, err
}

// querier is what read helpers need: a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Timestamps are kept as fixed-width UTC text on SQLite (so text order is
// time order) and as timestamptz on PostgreSQL; ts formats a parameter for both.
const tsLayout = "2006-01-02T15:04:05.000000Z"

func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

func tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

// timeScan scans a timestamp column of either dialect.
type timeScan struct{ t *time.Time }

func (s timeScan) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = x.UTC()
	case string:
		return s.parse(x)
	case []byte:
		return s.parse(string(x))
	default:
		return fmt.Errorf("timestamp: unexpected %T", v)
	}
	return nil
}

func (s timeScan) parse(x string) error {
	t, err := time.Parse(time.RFC3339Nano, x)
	if err != nil {
		return fmt.Errorf("timestamp %q: %w", x, err)
	}
	*s.t = t.UTC()
	return nil
}

// nullTimeScan scans a nullable timestamp into a *time.Time.
type nullTimeScan struct{ t **time.Time }

func (s nullTimeScan) Scan(v any) error {
	if v == nil {
		*s.t = nil
		return nil
	}
	var t time.Time
	if err := (timeScan{&t}).Scan(v); err != nil {
		return err
	}
	*s.t = &t
	return nil
}

// jsonScan scans a JSON text column into v.
type jsonScan struct{ v any }

func (s jsonScan) Scan(src any) error {
	var b []byte
	switch x := src.(type) {
	case nil:
		return nil
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		return fmt.Errorf("json column: unexpected %T", src)
	}
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, s.v)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain structs are marshalled
	}
	return string(b)
}

// nullStr maps "" to NULL, for optional unique columns.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// The store's own answers; the application layer turns them into the
// domain's errors with a message for the user.
var (
	// ErrNotFound: no row with that key.
	ErrNotFound = errors.New("store: not found")
	// ErrStale: an UPDATE … WHERE version = read version matched no row.
	ErrStale = errors.New("store: stale version")
	// ErrDuplicate: a unique constraint refused the row.
	ErrDuplicate = errors.New("store: duplicate")
)

// noRows maps sql.ErrNoRows to ErrNotFound, wrapping what was looked up.
func noRows(err error, what string, key any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %v: %w", what, key, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s %v: %w", what, key, err)
	}
	return nil
}

// Audit appends the change's audit event inside the transaction. before and
// after are the record as it was and as it is (nil for none); sensitive
// values are redacted by their type (audit.go).
func (tx *Tx) Audit(action, entity string, id int64, before, after any) error {
	return tx.audit(action, entity, id, before, after)
}

// Replay returns the record the acting user created first with idempotency
// key — its kind and id — and true, when there is one.
func (tx *Tx) Replay(key string) (entity string, id int64, ok bool, err error) {
	return tx.replay(key)
}

// Remember records that key created entity id for the acting user.
func (tx *Tx) Remember(key, entity string, id int64) error { return tx.remember(key, entity, id) }
