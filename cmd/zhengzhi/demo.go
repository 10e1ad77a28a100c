package main

import (
	"context"
	"flag"
	"io"
	"log/slog"

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
	db, err := dbf.open(ctx, slog.New(slog.NewTextHandler(stderr, nil)), domain.SystemClock{})
	if err != nil {
		return err
	}
	defer db.Close()
	opts, err := appOptions()
	if err != nil {
		return err
	}
	svc := app.New(db, opts...)
	if _, err := seed.Bootstrap(ctx, svc, randomPassword()); err != nil {
		return err
	}
	return seed.Demo(ctx, svc, stdout)
}
