// Package app holds zhengzhi's use cases: create a case, patch it, act on
// it, submit a weekly report, … Each opens one transaction, loads what it
// needs, asks the domain for every decision (authorization, validation, the
// next state, defaults, derived facts) at the transaction's now, persists
// through the store and writes its audit event in the same transaction.
// The web UI, the JSON API and the CLI call this package only; the store
// below it keeps records and decides nothing.
package app

import (
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// App is the application layer over one store.
type App struct {
	db    *store.DB
	clock domain.Clock
	zone  *time.Location
}

// New builds the application layer over db.
func New(db *store.DB) *App {
	return &App{db: db, clock: db.Clock(), zone: domain.Shanghai()}
}

// Clock is the clock every use case reads now from.
func (s *App) Clock() domain.Clock { return s.clock }

// Store is the store below, for wiring only (cmd: checkpoints, closing).
func (s *App) Store() *store.DB { return s.db }
