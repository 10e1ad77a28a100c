package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/web"
)

// runServe starts the web server. On an empty store it creates the org tree
// and the admin user; --demo also loads the demo campaign and users.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var dbf dbFlags
	dbf.register(fs)
	fs.StringVar(&dbf.replica, "db-replica", "", "PostgreSQL URL of a streaming hot standby of --db that the live reports read from (default $ZHENGZHI_DB_REPLICA)")
	fs.DurationVar(&dbf.replicaMaxLag, "db-replica-max-lag", 5*time.Second, "read the primary instead while the replica lags by more than this")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	demo := fs.Bool("demo", false, "load the demo campaign, users and records (once)")
	tlsCert := fs.String("tls-cert", "", "TLS certificate file (phones give pages GPS and the camera only over HTTPS or on localhost)")
	tlsKey := fs.String("tls-key", "", "TLS key file")
	trustProxy := fs.Bool("trust-proxy", false, "trust X-Forwarded-Proto from a reverse proxy")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if dbf.replica == "" {
		dbf.replica = os.Getenv("ZHENGZHI_DB_REPLICA")
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return &exitError{code: 2, msg: "serve: --tls-cert and --tls-key go together"}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	// The demo replays its campaign's weeks on a clock it sets while it
	// loads (seed.Demo), then releases to the real time.
	var clock domain.Clock = domain.SystemClock{}
	replay := &domain.ReplayClock{}
	demoNow := time.Now()
	if *demo {
		clock = replay
	}
	db, err := dbf.open(ctx, log, clock)
	if err != nil {
		return err
	}
	defer db.Close()
	opts, err := appOptions()
	if err != nil {
		return err
	}
	svc := app.New(db, opts...)

	pw := os.Getenv("ZHENGZHI_ADMIN_PASSWORD")
	generated := pw == ""
	if generated {
		pw = randomPassword()
	}
	if *demo {
		replay.Set(seed.DemoSetUp(demoNow)) // set up the morning the demo's campaign starts
	}
	created, err := seed.Bootstrap(ctx, svc, pw)
	if err != nil {
		replay.Release()
		return fmt.Errorf("bootstrap: %w", err)
	}
	if created && generated {
		fmt.Fprintf(stdout, "created user admin with password %s (shown once; set ZHENGZHI_ADMIN_PASSWORD to choose it)\n", pw)
	} else if created {
		fmt.Fprintln(stdout, "created user admin with the password from ZHENGZHI_ADMIN_PASSWORD")
	}
	if *demo {
		err := seed.DemoAt(ctx, svc, stdout, demoNow)
		replay.Release()
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}

	srv, err := web.New(web.Options{App: svc, Logger: log, TrustProxy: *trustProxy})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "zhengzhi serving on %s://%s\n", scheme, ln.Addr())
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}

	// Checkpoint the audit chain outside the database every minute.
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := db.Checkpoint(context.Background()); err != nil {
					log.Error("audit checkpoint", "err", err)
				}
			}
		}
	}()

	// Enter every new tip into the city's 12350 platform (the outbox).
	if svc.Configured12350() {
		go svc.Run12350(ctx, log, 30*time.Second)
	}

	errc := make(chan error, 1)
	go func() {
		if *tlsCert != "" {
			errc <- hs.ServeTLS(ln, *tlsCert, *tlsKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown on SIGTERM/SIGINT: finish requests in flight, then
	// checkpoint the audit chain (db.Close).
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func randomPassword() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
