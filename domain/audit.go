package domain

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// AuditEvent (审计) is one link of the tamper-evident trail: every change
// writes one in the same transaction.
type AuditEvent struct {
	Seq       int64           `json:"seq"`
	At        time.Time       `json:"at"`
	ActorID   int64           `json:"actor_id"` // 0 for the system
	ActorName string          `json:"actor_name"`
	Role      Role            `json:"role"`
	Action    string          `json:"action"`
	Entity    string          `json:"entity"`
	EntityID  int64           `json:"entity_id"`
	Before    json.RawMessage `json:"before"`
	After     json.RawMessage `json:"after"`
	PrevHash  string          `json:"prev_hash"`
	Hash      string          `json:"hash"`
}

// AuditTimeLayout is the fixed-width form of an event's time inside the hash:
// the same bytes on every database.
const AuditTimeLayout = "2006-01-02T15:04:05.000000Z"

// ChainHash computes an event's hash: HMAC-SHA-256, keyed with a key kept
// outside the database, over the previous hash and the event's content.
// Without the key, rewriting rows cannot produce matching hashes.
func ChainHash(key []byte, e *AuditEvent) string {
	body, _ := json.Marshal(struct {
		Seq       int64  `json:"seq"`
		At        string `json:"at"`
		ActorID   int64  `json:"actor_id"`
		ActorName string `json:"actor_name"`
		Role      Role   `json:"role"`
		Action    string `json:"action"`
		Entity    string `json:"entity"`
		EntityID  int64  `json:"entity_id"`
		Before    string `json:"before"`
		After     string `json:"after"`
	}{e.Seq, e.At.UTC().Format(AuditTimeLayout), e.ActorID, e.ActorName, e.Role, e.Action,
		e.Entity, e.EntityID, string(e.Before), string(e.After)})
	m := hmac.New(sha256.New, key)
	m.Write([]byte(e.PrevHash))
	m.Write([]byte{0})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// SensitiveHash stands in for a sensitive value (a reporter's identity, an ID
// number) in the audit trail: equal values give equal hashes, so changes show,
// but the value cannot be read back without the key.
func SensitiveHash(key []byte, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("zhengzhi-redact\x00"))
	m.Write([]byte(value))
	return "hmac:" + hex.EncodeToString(m.Sum(nil))[:32]
}

// ChainCheck verifies events one by one in seq order.
type ChainCheck struct {
	Key      []byte
	n        int64
	lastSeq  int64
	lastHash string
}

// Next checks e against its predecessor; the error names e's seq.
func (c *ChainCheck) Next(e *AuditEvent) error {
	switch {
	case e.Seq != c.lastSeq+1:
		return Errorf(ECONFLICT, "audit event %d: expected seq %d (an event was deleted or inserted)", e.Seq, c.lastSeq+1)
	case e.PrevHash != c.lastHash:
		return Errorf(ECONFLICT, "audit event %d: prev_hash does not match event %d", e.Seq, c.lastSeq)
	case !hmac.Equal([]byte(ChainHash(c.Key, e)), []byte(e.Hash)):
		return Errorf(ECONFLICT, "audit event %d: hash mismatch (the event was altered)", e.Seq)
	}
	c.n++
	c.lastSeq, c.lastHash = e.Seq, e.Hash
	return nil
}

// Count returns how many events have been checked.
func (c *ChainCheck) Count() int64 { return c.n }

// Head returns the last checked seq and hash.
func (c *ChainCheck) Head() (int64, string) { return c.lastSeq, c.lastHash }
