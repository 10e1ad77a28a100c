// Command zhengzhi runs the rectification campaign system: the web server and
// the administrative commands. This file dispatches subcommands; each lives
// in its own file with its own flag set. Wiring happens only here.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// exitError carries an exit code out of a subcommand.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

const usage = `zhengzhi — 违法违规“小字头”“停产停业”企业专项整治

Usage:
  zhengzhi serve [--addr 127.0.0.1:8080] [--data ./data | --db postgres://… [--db-replica postgres://…]] [--demo]
  zhengzhi audit verify [--data DIR | --db URL]
  zhengzhi user add|passwd|disable …   (see zhengzhi user -h)
  zhengzhi demo [--data DIR | --db URL]
  zhengzhi open311 key add|list|revoke [NAME]   (see zhengzhi open311 -h)

Every command takes --data DIR (SQLite and files in DIR, default ./data) or
--db URL (PostgreSQL, which also keeps uploaded files; the audit key and its
checkpoint stay in --data). serve --db-replica (or ZHENGZHI_DB_REPLICA) names
a streaming hot standby of --db that the live reports read from while it
lags by at most --db-replica-max-lag (README: How a deployment grows).
Reporters' identities are sealed with ZHENGZHI_SECRET_KEY (else DATA/secret.key);
tips are entered into the city 12350 platform at ZHENGZHI_12350_URL when set.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var ee *exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintln(os.Stderr, ee.msg)
		}
		os.Exit(ee.code)
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "zhengzhi:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: 2}
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "audit":
		return runAudit(ctx, args[1:], stdout, stderr)
	case "user":
		return runUser(ctx, args[1:], stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], stdout, stderr)
	case "open311":
		return runOpen311(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &exitError{code: 2, msg: fmt.Sprintf("unknown command %q", args[0])}
}

// dbFlags are the storage flags every command shares.
type dbFlags struct {
	data string
	url  string

	replica       string        // serve only: the read replica's URL
	replicaMaxLag time.Duration // serve only
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "./data", "data directory: SQLite database and files, audit key and checkpoint")
	fs.StringVar(&f.url, "db", "", "PostgreSQL URL (postgres://…); default SQLite in --data")
}

// open opens the store the flags name, with the environment's audit key.
func (f *dbFlags) open(ctx context.Context, log *slog.Logger, clock domain.Clock) (*store.DB, error) {
	url := f.url
	if url == "" {
		url = os.Getenv("ZHENGZHI_DB")
	}
	return store.Open(ctx, store.Options{DataDir: f.data, URL: url, AuditKey: []byte(os.Getenv("ZHENGZHI_AUDIT_KEY")),
		ReplicaURL: f.replica, ReplicaMaxLag: f.replicaMaxLag, Clock: clock, Logger: log})
}
