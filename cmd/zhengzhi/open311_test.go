package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// zhengzhi open311 key add|list|revoke: a key is printed once, listed by
// name only, and revoked by name; bad usage exits 2, a known error 1.
func TestOpen311Key_AddListRevoke(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"demo", "--data", dir}, &out, &errb); err != nil {
		t.Fatalf("demo: %v %s", err, errb.String())
	}
	out.Reset()
	if err := run(ctx, []string{"open311", "key", "add", "city-app", "--data", dir}, &out, &errb); err != nil {
		t.Fatalf("add: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	key := lines[len(lines)-1]
	if !strings.HasPrefix(key, "o311_") || len(key) < 40 {
		t.Fatalf("add printed %q", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"open311", "key", "list", "--data", dir}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "city-app") || !strings.Contains(out.String(), "active") || strings.Contains(out.String(), key) {
		t.Fatalf("list printed %q", out.String())
	}
	var ee *exitError
	if err := run(ctx, []string{"open311", "key", "add", "--data", dir, "city-app"}, &out, &errb); !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("a second key of the same name: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"open311", "key", "revoke", "city-app", "--data", dir}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	run(ctx, []string{"open311", "key", "list", "--data", dir}, &out, &errb)
	if !strings.Contains(out.String(), "revoked") {
		t.Fatalf("list after revoke %q", out.String())
	}
	if err := run(ctx, []string{"open311", "key", "revoke", "city-app", "--data", dir}, &out, &errb); !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("revoking twice: %v", err)
	}
	if err := run(ctx, []string{"open311", "key", "add", "--data", dir}, &out, &errb); !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("add without a name: %v", err)
	}
	if err := run(ctx, []string{"open311", "nonsense"}, &out, &errb); !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("bad usage: %v", err)
	}
}

func TestAppOptions_SecretKeyFromEnvironment(t *testing.T) {
	t.Setenv("ZHENGZHI_SECRET_KEY", "not-a-key")
	if _, err := appOptions(); err == nil {
		t.Fatal("a malformed ZHENGZHI_SECRET_KEY must stop the program")
	}
	t.Setenv("ZHENGZHI_SECRET_KEY", strings.Repeat("0f", 32))
	t.Setenv("ZHENGZHI_12350_URL", "http://127.0.0.1:1/12350")
	if opts, err := appOptions(); err != nil || len(opts) != 2 {
		t.Fatalf("options %d %v", len(opts), err)
	}
}
