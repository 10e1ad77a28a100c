package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// The demo leaves counters that verify; a counter changed behind the
// program's back makes verify exit 1 naming the campaign, the unit and the
// figure; rebuild puts it right and verify passes again.
func TestCounters_VerifyAndRebuild(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	t.Setenv("ZHENGZHI_AUDIT_KEY", "cli-test-key-0123456789")
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"demo", "--data", dir}, &out, &errb); err != nil {
		t.Fatalf("demo: %v %s", err, errb.String())
	}
	out.Reset()
	if err := run(ctx, []string{"counters", "verify", "--data", dir}, &out, &errb); err != nil {
		t.Fatalf("verify after demo: %v", err)
	}
	if !strings.HasPrefix(out.String(), "counters OK: 1 campaigns, ") {
		t.Fatalf("verify printed %q", out.String())
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, "zhengzhi.db"))
	if err != nil {
		t.Fatal(err)
	}
	var town string
	if err := db.QueryRow(`SELECT o.name FROM summary_counters sc JOIN org_units o ON o.id = sc.org_id
		WHERE sc.village_id = 0 AND sc.problems > 0 ORDER BY sc.org_id LIMIT 1`).Scan(&town); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE summary_counters SET fine_fen = fine_fen + 1
		WHERE org_id = (SELECT id FROM org_units WHERE name = $1) AND village_id = 0`, town); err != nil {
		t.Fatal(err)
	}
	db.Close()

	err = run(ctx, []string{"counters", "verify", "--data", dir}, &out, &errb)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(ee.msg, town) || !strings.Contains(ee.msg, "fine_fen") ||
		!strings.Contains(ee.msg, "违法违规") {
		t.Fatalf("verify after tampering: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"counters", "rebuild", "--data", dir}, &out, &errb); err != nil {
		t.Fatalf("rebuild: %v", err)
	}
	if !strings.Contains(out.String(), "1 corrected") {
		t.Fatalf("rebuild printed %q", out.String())
	}
	if err := run(ctx, []string{"counters", "verify", "--data", dir}, &out, &errb); err != nil {
		t.Fatalf("verify after rebuild: %v", err)
	}
	// The rebuild is one audited event; the chain still verifies.
	if err := run(ctx, []string{"audit", "verify", "--data", dir}, &out, &errb); err != nil {
		t.Fatalf("audit verify after rebuild: %v", err)
	}
	err = run(ctx, []string{"counters", "count", "--data", dir}, &out, &errb)
	if !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("unknown subcommand: %v", err)
	}
}
