package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"zhengzhi/domain"
)

// loadAuditKey returns the audit chain key: from the option (the
// ZHENGZHI_AUDIT_KEY variable), else from DataDir/audit.key, created 0600 with
// 32 random bytes on first use. The key never goes into the database, so
// rewriting the database alone cannot forge the chain.
func loadAuditKey(dataDir string, override []byte) ([]byte, error) {
	if len(override) > 0 {
		return override, nil
	}
	path := filepath.Join(dataDir, "audit.key")
	b, err := os.ReadFile(path)
	if err == nil {
		key, derr := hex.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(key) < 16 {
			return nil, fmt.Errorf("audit key %s is malformed", path)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read audit key: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create audit key: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}

// audit appends one event to the chain inside the current transaction.
// before and after are rendered by domain.AuditPayload: sensitive values by
// their type as keyed hashes, and a payload it cannot see into refused, so
// the whole change rolls back rather than leak into the chain.
func (tx *Tx) audit(action, entity string, id int64, before, after any) error {
	b, err := domain.AuditPayload(tx.db.auditKey, before)
	if err != nil {
		return fmt.Errorf("audit %s %s %d: %w", action, entity, id, err)
	}
	af, err := domain.AuditPayload(tx.db.auditKey, after)
	if err != nil {
		return fmt.Errorf("audit %s %s %d: %w", action, entity, id, err)
	}
	e := domain.AuditEvent{
		At: tx.now, ActorID: tx.actor.User.ID, ActorName: tx.actor.User.Username,
		Role: tx.actor.User.Role, Action: action, Entity: entity, EntityID: id,
		Before: b, After: af,
	}
	err = tx.queryRow(`SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &e.PrevHash)
	if err != nil && !isNoRows(err) {
		return fmt.Errorf("audit head: %w", err)
	}
	e.Seq++
	e.Hash = domain.ChainHash(tx.db.auditKey, &e)
	var actorID any
	if e.ActorID != 0 {
		actorID = e.ActorID
	}
	_, err = tx.exec(`INSERT INTO audit_events (seq, at, actor_id, actor_name, role, action, entity, entity_id, before_json, after_json, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.Seq, e.At.Format(domain.AuditTimeLayout), actorID, e.ActorName, string(e.Role), e.Action, e.Entity, e.EntityID,
		string(e.Before), string(e.After), e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	return nil
}

// AuditFilter selects events for listing.
type AuditFilter struct {
	Entity   string
	EntityID int64
	AfterSeq int64
	Limit    int
}

// AuditEvents lists events in seq order, checking no rights: the use case
// (app.AuditEvents, app.CaseTimeline) authorizes first.
func (r Reader) AuditEvents(f AuditFilter) ([]domain.AuditEvent, error) {
	q := `SELECT seq, at, COALESCE(actor_id, 0), actor_name, role, action, entity, entity_id, before_json, after_json, prev_hash, hash
		FROM audit_events WHERE seq > $1`
	args := []any{f.AfterSeq}
	if f.Entity != "" {
		q += ` AND entity = $2 AND entity_id = $3`
		args = append(args, f.Entity, f.EntityID)
	}
	q += ` ORDER BY seq`
	if f.Limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(f.Limit)
	}
	rows, err := r.q.QueryContext(r.ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.AuditEvent
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanAudit(r scanner) (domain.AuditEvent, error) {
	var e domain.AuditEvent
	var at, before, after, role string
	err := r.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &role, &e.Action, &e.Entity, &e.EntityID, &before, &after, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, err
	}
	e.Role = domain.Role(role)
	e.Before, e.After = json.RawMessage(before), json.RawMessage(after)
	if e.At, err = parseAuditTime(at); err != nil {
		return e, fmt.Errorf("audit event %d: %w", e.Seq, err)
	}
	return e, nil
}

func parseAuditTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// VerifyResult is what audit verify reports.
type VerifyResult struct {
	Events int64
	Broken string // empty when the chain and checkpoint hold
}

// VerifyAudit recomputes the whole chain in seq order and compares its end
// with the checkpoint kept outside the database. It names the first event that
// does not match (altered, deleted or inserted rows) and reports events cut
// off the end.
func (d *DB) VerifyAudit(ctx context.Context) (VerifyResult, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT seq, at, COALESCE(actor_id, 0), actor_name, role, action, entity, entity_id, before_json, after_json, prev_hash, hash
		FROM audit_events ORDER BY seq`)
	if err != nil {
		return VerifyResult{}, err
	}
	defer rows.Close()
	cp, cpErr := d.readCheckpoint()
	check := domain.ChainCheck{Key: d.auditKey}
	var res VerifyResult
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return res, err
		}
		if err := check.Next(&e); err != nil {
			res.Events = check.Count()
			res.Broken = domain.ErrorMessage(err)
			return res, nil
		}
		if cpErr == nil && e.Seq == cp.seq && e.Hash != cp.hash {
			res.Events = check.Count()
			res.Broken = fmt.Sprintf("audit event %d: does not match the checkpoint kept outside the database", e.Seq)
			return res, nil
		}
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	res.Events = check.Count()
	last, _ := check.Head()
	if cpErr == nil && cp.seq > last {
		res.Broken = fmt.Sprintf("audit event %d: missing — the chain ends at %d but the checkpoint records %d events (events were cut off the end)", last+1, last, cp.seq)
	}
	return res, nil
}

type checkpoint struct {
	seq  int64
	hash string
}

func (d *DB) readCheckpoint() (checkpoint, error) {
	b, err := os.ReadFile(d.checkpoint)
	if err != nil {
		return checkpoint{}, err
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return checkpoint{}, fmt.Errorf("malformed audit checkpoint %s", d.checkpoint)
	}
	seq, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return checkpoint{}, fmt.Errorf("malformed audit checkpoint %s", d.checkpoint)
	}
	return checkpoint{seq, f[1]}, nil
}

// Checkpoint records the chain's head (seq and hash) in a file outside the
// database, atomically. It never moves backwards: a head lower than the
// recorded one is left for verify to report.
func (d *DB) Checkpoint(ctx context.Context) error {
	var head checkpoint
	err := d.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&head.seq, &head.hash)
	if isNoRows(err) {
		return nil
	} else if err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	if old, err := d.readCheckpoint(); err == nil && old.seq >= head.seq {
		return nil
	}
	tmp := d.checkpoint + ".tmp"
	if err := os.WriteFile(tmp, []byte(fmt.Sprintf("%d %s\n", head.seq, head.hash)), 0o600); err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	return os.Rename(tmp, d.checkpoint)
}
