package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func TestAuditVerify_OKThenBrokenAfterTamper(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	t.Setenv("ZHENGZHI_AUDIT_KEY", "cli-test-key-0123456789")
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"user", "add", "--data", dir, "--username", "u1", "--password", "password-1", "--name", "U1", "--role", "district_office", "--org", "320404000000"}, &out, &errb); err == nil {
		t.Fatal("user add on an empty store must fail: no org tree yet")
	}
	if err := run(ctx, []string{"demo", "--data", dir}, &out, &errb); err != nil {
		t.Fatalf("demo: %v %s", err, errb.String())
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify", "--data", dir}, &out, &errb); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !strings.HasPrefix(out.String(), "audit chain OK: ") {
		t.Fatalf("verify printed %q", out.String())
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "zhengzhi.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit_events SET actor_name = 'someone-else' WHERE seq = 7`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	err = run(ctx, []string{"audit", "verify", "--data", dir}, &out, &errb)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(ee.msg, "audit event 7") {
		t.Fatalf("tampered verify: %v", err)
	}
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"demo", "--data", dir}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"user", "add", "--data", dir, "--username", "cli_user", "--password", "password-1", "--name", "命令行", "--role", "town_officer", "--org", "320404004000"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	err := run(ctx, []string{"user", "add", "--data", dir, "--username", "cli_bad", "--password", "password-1", "--name", "x", "--role", "village_head", "--org", "320404004000"}, &out, &errb)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(ee.msg, "role") {
		t.Fatalf("role that does not fit: %v", err)
	}
	if err := run(ctx, []string{"user", "disable", "--data", dir, "--username", "cli_user"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
}

// serve starts on a free port, answers /healthz and stops cleanly when its
// context ends (as on SIGTERM).
func TestServe_StartsAndShutsDown(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ZHENGZHI_ADMIN_PASSWORD", "admin-password-x")
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	addr := ""
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "zhengzhi serving on "); ok {
			addr = a
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if addr == "" {
		t.Fatal("serve printed no address")
	}
	res, err := http.Get(addr + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
