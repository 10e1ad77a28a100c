package store

import (
	"fmt"
)

// Idempotency keys let a client (a phone on a flaky connection, the web
// form's double click) retry a create safely: the same user sending the same
// key gets the record created first, with no new row and no new audit event.
// Both the check and the record of the key happen inside the create's own
// transaction, so a retry racing the original cannot create a second record.

// replay looks up key for the acting user: the kind and id of the record
// created first with it.
func (tx *Tx) replay(key string) (entity string, id int64, ok bool, err error) {
	if key == "" {
		return "", 0, false, nil
	}
	err = tx.queryRow(`SELECT entity, entity_id FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
		tx.actor.User.ID, key).Scan(&entity, &id)
	if isNoRows(err) {
		return "", 0, false, nil
	} else if err != nil {
		return "", 0, false, fmt.Errorf("idempotency key: %w", err)
	}
	return entity, id, true, nil
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
