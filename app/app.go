// Package app holds zhengzhi's use cases: create a case, patch it, act on
// it, submit a weekly report, … Each opens one transaction, loads what it
// needs, asks the domain for every decision (authorization, validation, the
// next state, defaults, derived facts) at the transaction's now, persists
// through the store and writes its audit event in the same transaction.
// The web UI, the JSON API and the CLI call this package only; the store
// below it keeps records and decides nothing.
package app

import (
	"net/http"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// App is the application layer over one store.
type App struct {
	db    *store.DB
	clock domain.Clock
	zone  *time.Location

	// secrets seals personal data at rest (app/secret.go); outbox posts
	// tips to the city's 12350 platform (app/outbox12350.go).
	secrets *secrets
	outbox  outboxConfig
}

// Option configures New.
type Option func(*App)

// WithSecretKey sets the 32-byte key that seals reporters' identities
// (ZHENGZHI_SECRET_KEY); without it the key file DATA/secret.key is used.
func WithSecretKey(key []byte) Option { return func(s *App) { s.secrets.key = key } }

// With12350 sets the city 12350 platform's endpoint (ZHENGZHI_12350_URL)
// and the client that posts to it (nil: a default with a timeout).
func With12350(url string, client *http.Client) Option {
	return func(s *App) {
		s.outbox.url = url
		if client != nil {
			s.outbox.client = client
		}
	}
}

// New builds the application layer over db.
func New(db *store.DB, opts ...Option) *App {
	s := &App{db: db, clock: db.Clock(), zone: domain.Shanghai(), secrets: &secrets{dataDir: db.DataDir()},
		outbox: outboxConfig{client: &http.Client{Timeout: 15 * time.Second}}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Clock is the clock every use case reads now from.
func (s *App) Clock() domain.Clock { return s.clock }
