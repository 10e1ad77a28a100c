package store

import (
	"context"
	"database/sql"
)

// RawForTests exposes the handle so tests can tamper behind the program's back.
func (d *DB) RawForTests() (*sql.DB, error) { return d.db, nil }

// RecordingReader is a Reader over the database that hands every query it
// runs, with its arguments, to record first (the EXPLAIN test's window on
// the SQL the store builds).
func (d *DB) RecordingReader(ctx context.Context, record func(query string, args []any)) Reader {
	return Reader{ctx: ctx, q: recorder{d.db, record}, db: d}
}

type recorder struct {
	q      querier
	record func(query string, args []any)
}

func (r recorder) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	r.record(query, args)
	return r.q.QueryContext(ctx, query, args...)
}

func (r recorder) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	r.record(query, args)
	return r.q.QueryRowContext(ctx, query, args...)
}

// CaseColsForTests is the case list's select list, for the benchmark's
// copy of the list query as it was before the equality scope.
var CaseColsForTests = caseCols
