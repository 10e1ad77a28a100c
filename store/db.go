// Package store keeps zhengzhi's records in SQLite (modernc.org/sqlite, the
// default) or PostgreSQL (pgx). Queries are written once with numbered
// placeholders ($1, $2…), which both drivers accept; the real dialect
// differences live in dialect.go. Every change runs in one transaction that
// also appends its audit event (audit.go).
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"zhengzhi/domain"
)

//go:embed migrations
var migrationFS embed.FS

// Dialect names the database in use.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Options configure Open.
type Options struct {
	// DataDir holds the SQLite file (unless URL is a postgres:// URL), the
	// audit key and checkpoint, and, with SQLite, uploaded files (files/;
	// with PostgreSQL they are kept in the database, see blob.go).
	DataDir string
	// URL is a postgres:// URL; empty means SQLite in DataDir.
	URL string
	// ReplicaURL is a postgres:// URL of a streaming hot standby of URL that
	// ReadReplica reads from (replica.go); empty means none.
	ReplicaURL string
	// ReplicaMaxLag is how far behind the primary the replica may be and
	// still be read from (default 5 s).
	ReplicaMaxLag time.Duration
	// AuditKey overrides the key file (ZHENGZHI_AUDIT_KEY).
	AuditKey []byte
	Clock    domain.Clock
	Logger   *slog.Logger
}

// DB is the store: one handle, its dialect and the audit chain's key.
type DB struct {
	db      *sql.DB
	dialect Dialect
	clock   domain.Clock
	log     *slog.Logger
	dataDir string

	auditKey   []byte
	checkpoint string // path of the audit checkpoint file

	// writeMu serialises write transactions in this process: SQLite allows one
	// writer, and the audit chain needs each event to see its predecessor.
	// PostgreSQL additionally takes an advisory lock (dialect.go) so several
	// processes sharing one database also append in order.
	writeMu sync.Mutex
	held    writeLockStats // how long writeMu has been held (WriteLockStats)

	zone *time.Location

	blobs Blobs // uploaded files (blob.go)

	replica *replica // the read replica, or nil (replica.go)
}

// Open opens (creating if needed) the store and applies pending migrations.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Clock == nil {
		o.Clock = domain.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.DataDir == "" {
		o.DataDir = "data"
	}
	if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	d := &DB{clock: o.Clock, log: o.Logger, dataDir: o.DataDir, zone: domain.Shanghai(),
		checkpoint: filepath.Join(o.DataDir, "audit.checkpoint")}
	var err error
	if strings.HasPrefix(o.URL, "postgres://") || strings.HasPrefix(o.URL, "postgresql://") {
		d.dialect = Postgres
		d.db, err = sql.Open("pgx", o.URL)
		if err == nil {
			d.db.SetMaxOpenConns(20)
			d.db.SetConnMaxIdleTime(5 * time.Minute)
		}
	} else if o.URL != "" {
		return nil, fmt.Errorf("unsupported database URL %q: want postgres://…", redactURL(o.URL))
	} else {
		d.dialect = SQLite
		d.db, err = sql.Open("sqlite", sqliteDSN(filepath.Join(o.DataDir, "zhengzhi.db")))
		if err == nil {
			// Readers run in parallel under WAL; writers are serialised by writeMu.
			d.db.SetMaxOpenConns(8)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := d.db.PingContext(ctx); err != nil {
		d.db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if d.auditKey, err = loadAuditKey(o.DataDir, o.AuditKey); err != nil {
		d.db.Close()
		return nil, err
	}
	if err := d.migrate(ctx); err != nil {
		d.db.Close()
		return nil, err
	}
	if d.blobs, err = d.openBlobs(ctx); err != nil {
		d.db.Close()
		return nil, err
	}
	if err := d.openReplica(ctx, o); err != nil {
		d.db.Close()
		return nil, err
	}
	return d, nil
}

// sqliteDSN spells out the pragmas every connection gets:
//   - WAL lets readers run while one writer writes;
//   - synchronous=FULL: a committed change survives power loss ("nothing is ever lost");
//   - foreign_keys: SQLite leaves them off by default;
//   - busy_timeout: another process (a CLI run next to the server) waits instead of failing;
//   - _txlock=immediate: a write transaction takes the write lock at BEGIN, so
//     it never fails half-way with "database is locked".
func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "?"
	}
	return u.Redacted()
}

// Dialect reports which database is in use.
func (d *DB) Dialect() Dialect { return d.dialect }

// Clock returns the store's clock.
func (d *DB) Clock() domain.Clock { return d.clock }

// DataDir returns the directory of key, checkpoint and (with SQLite) files.
func (d *DB) DataDir() string { return d.dataDir }

// Close writes the audit checkpoint and closes the database.
func (d *DB) Close() error {
	cerr := d.Checkpoint(context.Background())
	d.closeReplica()
	err := d.db.Close()
	if cerr != nil {
		return cerr
	}
	return err
}

// migrate applies embedded migrations for the dialect in name order, each in
// its own transaction, recording them in schema_migrations.
func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	dir := "migrations/" + string(d.dialect)
	names, err := fs.Glob(migrationFS, dir+"/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	for _, name := range names {
		base := filepath.Base(name)
		var n int
		if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = $1`, base).Scan(&n); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if n > 0 {
			continue
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := d.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if d.dialect == Postgres {
			// Two processes starting at once must not both migrate.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7242000)`); err != nil {
				tx.Rollback()
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = $1`, base).Scan(&n); err != nil || n > 0 {
				tx.Rollback()
				if err != nil {
					return err
				}
				continue
			}
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if err := migrateData(ctx, tx, base); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`,
			base, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return fmt.Errorf("record migration %s: %w", base, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit migration %s: %w", base, err)
		}
	}
	return nil
}

// CloseWithoutCheckpoint closes the database without touching the audit
// checkpoint: for read-only commands such as audit verify.
func (d *DB) CloseWithoutCheckpoint() error {
	d.closeReplica()
	return d.db.Close()
}
