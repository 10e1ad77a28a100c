package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"zhengzhi/app"
	"zhengzhi/domain"
)

const open311Usage = `usage:
  zhengzhi open311 key add NAME [--data DIR | --db URL]     print a new API key for partner app NAME
  zhengzhi open311 key list [--data DIR | --db URL]         list the keys (never the keys themselves)
  zhengzhi open311 key revoke NAME [--data DIR | --db URL]  revoke NAME's key`

// runOpen311 manages the API keys partner apps post Open311 requests with,
// acting as the system (admin rights); every change is audited.
func runOpen311(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 || args[0] != "key" {
		return &exitError{code: 2, msg: open311Usage}
	}
	verb := args[1]
	fs := flag.NewFlagSet("open311 key "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var dbf dbFlags
	dbf.register(fs)
	// NAME may come before or after the flags.
	var names []string
	rest := args[2:]
	for {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		names, rest = append(names, fs.Arg(0)), fs.Args()[1:]
	}
	needName := verb == "add" || verb == "revoke"
	if (needName && len(names) != 1) || (!needName && len(names) != 0) || (verb != "add" && verb != "revoke" && verb != "list") {
		return &exitError{code: 2, msg: open311Usage}
	}
	db, err := dbf.open(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), domain.SystemClock{})
	if err != nil {
		return err
	}
	defer db.Close()
	svc := app.New(db)
	sys, err := svc.SystemActor(ctx)
	if err != nil {
		return err
	}
	switch verb {
	case "add":
		secret, k, err := svc.CreateOpen311Key(ctx, sys, names[0])
		if err != nil {
			return cliError("open311 key add", err)
		}
		fmt.Fprintf(stdout, "API key for %s (shown once; only its hash is stored):\n%s\n", k.Name, secret)
	case "list":
		keys, err := svc.Open311Keys(ctx, sys)
		if err != nil {
			return cliError("open311 key list", err)
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tCREATED\tSTATUS")
		for _, k := range keys {
			status := "active"
			if k.RevokedAt != nil {
				status = "revoked " + k.RevokedAt.In(domain.Shanghai()).Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", k.Name, k.CreatedAt.In(domain.Shanghai()).Format("2006-01-02 15:04"), status)
		}
		return tw.Flush()
	case "revoke":
		if err := svc.RevokeOpen311Key(ctx, sys, names[0]); err != nil {
			return cliError("open311 key revoke", err)
		}
		fmt.Fprintf(stdout, "key %s revoked\n", names[0])
	}
	return nil
}

// appOptions are the application layer's settings from the environment:
// the key sealing reporters' identities (ZHENGZHI_SECRET_KEY, 64 hex digits
// or base64 of 32 bytes; default the 0600 file DATA/secret.key) and the
// city 12350 platform's endpoint (ZHENGZHI_12350_URL).
func appOptions() ([]app.Option, error) {
	var opts []app.Option
	if v := os.Getenv("ZHENGZHI_SECRET_KEY"); v != "" {
		key, err := app.ParseSecretKey(v)
		if err != nil {
			return nil, &exitError{code: 2, msg: "ZHENGZHI_SECRET_KEY: " + err.Error()}
		}
		opts = append(opts, app.WithSecretKey(key))
	}
	if u := os.Getenv("ZHENGZHI_12350_URL"); u != "" {
		opts = append(opts, app.With12350(u, nil))
	}
	return opts, nil
}
