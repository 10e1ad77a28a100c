package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// runAudit: `zhengzhi audit verify` recomputes the keyed chain; exit 0 and
// "audit chain OK: N events", or exit 1 naming the first broken event.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return &exitError{code: 2, msg: "usage: zhengzhi audit verify [--data DIR | --db URL]"}
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var dbf dbFlags
	dbf.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := dbf.open(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), domain.SystemClock{})
	if err != nil {
		return err
	}
	res, err := app.New(db).VerifyAudit(ctx)
	// Verification only reads: do not move the checkpoint forward on close.
	db.CloseWithoutCheckpoint()
	if err != nil {
		return err
	}
	if res.Broken != "" {
		return &exitError{code: 1, msg: fmt.Sprintf("audit chain BROKEN after %d good events: %s", res.Events, res.Broken)}
	}
	fmt.Fprintf(stdout, "audit chain OK: %d events\n", res.Events)
	return nil
}
