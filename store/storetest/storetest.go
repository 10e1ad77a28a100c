// Package storetest opens throw-away stores for tests: a temp SQLite file, or
// a PostgreSQL database created for the test and dropped after it, so that
// packages testing in parallel never share state.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// DefaultPostgresURL is where CI's PostgreSQL listens.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Env: ZHENGZHI_TEST_POSTGRES overrides the admin URL ("off" skips);
// ZHENGZHI_REQUIRE_POSTGRES=1 turns a missing PostgreSQL into a failure (CI).
func adminURL() string {
	if u := os.Getenv("ZHENGZHI_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

var (
	pgOnce sync.Once
	pgErr  error
)

func postgresReachable() error {
	pgOnce.Do(func() {
		if adminURL() == "off" {
			pgErr = fmt.Errorf("ZHENGZHI_TEST_POSTGRES=off")
			return
		}
		db, err := sql.Open("pgx", adminURL())
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		pgErr = db.Ping()
	})
	return pgErr
}

// Dialects lists the dialects to run store tests against.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// Options tweak Open.
type Options struct {
	Clock   domain.Clock
	DataDir string // defaults to a fresh temp dir
}

// Open gives the test a fresh, migrated store of the dialect. On PostgreSQL
// it creates a database zz_test_<random> and drops it when the test ends; if
// PostgreSQL is unreachable the test is skipped with a clear message (or
// fails when ZHENGZHI_REQUIRE_POSTGRES=1).
func Open(tb testing.TB, dialect store.Dialect, o Options) *store.DB {
	tb.Helper()
	if o.DataDir == "" {
		o.DataDir = tb.TempDir()
	}
	opts := store.Options{DataDir: o.DataDir, Clock: o.Clock, AuditKey: []byte("test-audit-key-0123456789abcdef")}
	if dialect == store.Postgres {
		opts.URL = CreatePostgresDB(tb)
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		tb.Fatalf("open %s store: %v", dialect, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// CreatePostgresDB creates a throw-away database and returns its URL.
func CreatePostgresDB(tb testing.TB) string {
	tb.Helper()
	if err := postgresReachable(); err != nil {
		if os.Getenv("ZHENGZHI_REQUIRE_POSTGRES") == "1" {
			tb.Fatalf("PostgreSQL required but unreachable at %s: %v", adminURL(), err)
		}
		tb.Skipf("skipping PostgreSQL test: no PostgreSQL at %s (%v); set ZHENGZHI_TEST_POSTGRES to a reachable admin URL", adminURL(), err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "zz_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", adminURL())
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		admin.Close()
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			tb.Logf("drop test database %s: %v", name, err)
		}
	})
	u, _ := url.Parse(adminURL())
	u.Path = "/" + name
	return u.String()
}

// Each runs body once per dialect as a subtest.
func Each(t *testing.T, body func(t *testing.T, dialect store.Dialect)) {
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) { body(t, d) })
	}
}
