package storetest

import (
	"context"
	"database/sql"
	"io"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"
)

// DefaultReplicaURL is where scripts/pg-replica.sh starts the hot standby of
// the PostgreSQL at DefaultPostgresURL.
const DefaultReplicaURL = "postgres://postgres@127.0.0.1:5433/postgres?sslmode=disable"

// ReplicaURL returns the URL of primaryURL's database (one CreatePostgresDB
// made) on the streaming standby, once the standby has replayed its
// creation. Env: ZHENGZHI_TEST_REPLICA overrides where the standby is (its
// database name is replaced; "off" skips); without a standby there the test
// is skipped with a clear message, or fails when ZHENGZHI_REQUIRE_REPLICA=1 (CI).
func ReplicaURL(tb testing.TB, primaryURL string) string {
	tb.Helper()
	base := os.Getenv("ZHENGZHI_TEST_REPLICA")
	if base == "" {
		base = DefaultReplicaURL
	}
	unavailable := func(format string, args ...any) {
		tb.Helper()
		if os.Getenv("ZHENGZHI_REQUIRE_REPLICA") == "1" {
			tb.Fatalf("read replica required (ZHENGZHI_REQUIRE_REPLICA=1) but "+format, args...)
		}
		tb.Skipf("skipping read-replica test: "+format+"; start one with scripts/pg-replica.sh (as root) or set ZHENGZHI_TEST_REPLICA", args...)
	}
	if base == "off" {
		unavailable("ZHENGZHI_TEST_REPLICA=off")
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("ZHENGZHI_TEST_REPLICA: %v", err)
	}
	if recovering, err := inRecovery(u.String()); err != nil {
		unavailable("no PostgreSQL standby at %s (%v)", u.Redacted(), err)
	} else if !recovering {
		unavailable("%s is not a standby (pg_is_in_recovery() is false)", u.Redacted())
	}
	p, err := url.Parse(primaryURL)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = p.Path
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := inRecovery(u.String())
		if err == nil {
			return u.String()
		}
		if time.Now().After(deadline) {
			tb.Fatalf("database %s did not appear on the standby %s: %v", p.Path, u.Redacted(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func inRecovery(u string) (bool, error) {
	db, err := sql.Open("pgx", u)
	if err != nil {
		return false, err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var r bool
	err = db.QueryRowContext(ctx, `SELECT pg_is_in_recovery()`).Scan(&r)
	return r, err
}

// Proxy forwards TCP connections to a database, so that a test can take the
// database "down" (Stop: refuse new connections, cut open ones) and bring
// it back (Start) without touching the server other tests share.
type Proxy struct {
	tb     testing.TB
	addr   string // where the proxy listens
	target string // host:port it forwards to

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

// NewProxy starts a proxy in front of the database at dbURL and returns it
// with dbURL rewritten to go through it. It is stopped when the test ends.
func NewProxy(tb testing.TB, dbURL string) (*Proxy, string) {
	tb.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	p := &Proxy{tb: tb, addr: "127.0.0.1:0", target: u.Host}
	p.Start()
	p.addr = p.ln.Addr().String() // restarts listen on the same port
	tb.Cleanup(p.Stop)
	u.Host = p.addr
	return p, u.String()
}

// Start listens (again) and forwards every connection to the target.
func (p *Proxy) Start() {
	p.tb.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.tb.Fatalf("proxy listen %s: %v", p.addr, err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

// Stop closes the listener and every forwarded connection: to a client the
// database is down.
func (p *Proxy) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
