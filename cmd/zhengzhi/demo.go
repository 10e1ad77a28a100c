package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
)

// runDemo loads the demo campaign, users and records into a store (once).
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var dbf dbFlags
	dbf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	// The demo replays its campaign's weeks on a clock it sets (seed.Demo).
	clock := &domain.ReplayClock{}
	db, err := dbf.open(ctx, slog.New(slog.NewTextHandler(stderr, nil)), clock)
	if err != nil {
		return err
	}
	defer db.Close()
	opts, err := appOptions()
	if err != nil {
		return err
	}
	svc := app.New(db, opts...)
	now := time.Now()
	clock.Set(seed.DemoSetUp(now))
	defer clock.Release()
	if _, err := seed.Bootstrap(ctx, svc, randomPassword()); err != nil {
		return err
	}
	return seed.DemoAt(ctx, svc, stdout, now)
}
