package store

import (
	"fmt"
	"unicode/utf8"

	"zhengzhi/domain"
)

// Idempotency keys let a client (a phone on a flaky connection, the web
// form's double click) retry a create safely: the same user sending the same
// key gets the record created first, with no new row and no new audit event.
// Both the check and the record of the key happen inside the create's own
// transaction, so a retry racing the original cannot create a second record.

// maxIdempotencyKey bounds a key's length (UUIDs and the like fit easily).
const maxIdempotencyKey = 200

// replay looks up key for the acting user. It returns the id of the entity
// created first with this key, and true, when there is one; a key already
// used for a different kind of record is a conflict.
func (tx *Tx) replay(key, entity string) (int64, bool, error) {
	if key == "" {
		return 0, false, nil
	}
	if utf8.RuneCountInString(key) > maxIdempotencyKey {
		return 0, false, domain.Invalid("idempotency_key", "幂等键过长（最多 %d 个字符）", maxIdempotencyKey)
	}
	var got string
	var id int64
	err := tx.queryRow(`SELECT entity, entity_id FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
		tx.actor.User.ID, key).Scan(&got, &id)
	if isNoRows(err) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, fmt.Errorf("idempotency key: %w", err)
	}
	if got != entity {
		return 0, false, &domain.Error{Code: domain.ECONFLICT, Field: "idempotency_key", Message: "该幂等键已用于创建其他类型的记录"}
	}
	return id, true, nil
}

// remember records that key created entity id for the acting user.
func (tx *Tx) remember(key, entity string, id int64) error {
	if key == "" {
		return nil
	}
	_, err := tx.exec(`INSERT INTO idempotency_keys (key, user_id, entity, entity_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
		key, tx.actor.User.ID, entity, id, ts(tx.now))
	if err != nil {
		return fmt.Errorf("record idempotency key: %w", err)
	}
	return nil
}
