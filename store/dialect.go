package store

import (
	"fmt"
	"strings"
)

// The few places where SQLite and PostgreSQL differ.

// lockWriters makes write transactions of every process append to the audit
// chain in turn. SQLite's BEGIN IMMEDIATE (see sqliteDSN) already holds the
// database's single write lock; PostgreSQL takes a transaction-scoped
// advisory lock.
func (d *DB) lockWriters(tx *Tx) error {
	if d.dialect == Postgres {
		_, err := tx.exec(`SELECT pg_advisory_xact_lock(7242001)`)
		return err
	}
	return nil
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || // SQLite
		strings.Contains(s, "SQLSTATE 23505") // PostgreSQL unique_violation
}

// duplicate wraps a failed write with what was written, as ErrDuplicate
// when a unique constraint refused it.
func duplicate(err error, what string) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("%s: %w", what, ErrDuplicate)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// likeOp is the case-insensitive LIKE of the dialect.
func (d *DB) likeOp() string {
	if d.dialect == Postgres {
		return "ILIKE"
	}
	return "LIKE" // SQLite's LIKE is case-insensitive for ASCII
}

// pathRange is the condition lo <= col < hi on an org path, compared byte
// by byte as the path index orders it (SQLite's BINARY collation;
// text_pattern_ops on PostgreSQL, whatever the database's collation).
// lo and hi are placeholders.
func (d *DB) pathRange(col, lo, hi string) string {
	if d.dialect == Postgres {
		return col + ` ~>=~ ` + lo + ` AND ` + col + ` ~<~ ` + hi
	}
	return col + ` >= ` + lo + ` AND ` + col + ` < ` + hi
}

// subtreeBounds are the bounds of pathRange holding the paths of a
// unit's subtree: every path that starts with path (paths are digits and
// '/', all below '~').
func subtreeBounds(path string) (lo, hi string) { return path, path + "~" }
