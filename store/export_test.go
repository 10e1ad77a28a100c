package store

import "database/sql"

// RawForTests exposes the handle so tests can tamper behind the program's back.
func (d *DB) RawForTests() (*sql.DB, error) { return d.db, nil }
