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

const countersUsage = "usage: zhengzhi counters verify|rebuild [--data DIR | --db URL]"

// runCounters: `zhengzhi counters verify` recounts the maintained 附件2
// counters from the rows (DESIGN.md §7): exit 0 and "counters OK: …", or
// exit 1 naming the first place that differs — campaign, unit, figure,
// stored and recount. `zhengzhi counters rebuild` replaces them by the
// recount in one transaction, audited as one event.
func runCounters(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "rebuild") {
		return &exitError{code: 2, msg: countersUsage}
	}
	fs := flag.NewFlagSet("counters "+args[0], flag.ContinueOnError)
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
	s := app.New(db)
	if args[0] == "rebuild" {
		res, err := s.RebuildCounters(ctx)
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "counters rebuilt: %d campaigns, %d places, %d corrected\n", res.Campaigns, res.Places, res.Changed)
		return nil
	}
	res, err := s.VerifyCounters(ctx)
	// Verification only reads: do not move the audit checkpoint on close.
	db.CloseWithoutCheckpoint()
	if err != nil {
		return err
	}
	if d := res.Diff; d != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("counters DIFFER: campaign %d %s, %s: %s (%s) stored %d, recount %d — run zhengzhi counters rebuild",
			d.CampaignID, d.CampaignName, d.UnitName, d.Column, d.ColumnTitle, d.Stored, d.Recount)}
	}
	fmt.Fprintf(stdout, "counters OK: %d campaigns, %d places\n", res.Campaigns, res.Places)
	return nil
}
