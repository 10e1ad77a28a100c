package domain

import "unicode/utf8"

// Idempotency keys let a client (a phone on a flaky connection, a form's
// double click) retry a create safely: the same user sending the same key
// gets the record created first, with no new row and no new audit event.

// MaxIdempotencyKey bounds a key's length (UUIDs and the like fit easily).
const MaxIdempotencyKey = 200

// CheckIdempotencyKey refuses a key too long to be one.
func CheckIdempotencyKey(key string) error {
	if utf8.RuneCountInString(key) > MaxIdempotencyKey {
		return Invalid("idempotency_key", "幂等键过长（最多 %d 个字符）", MaxIdempotencyKey)
	}
	return nil
}

// ReplayOf decides what a key already used means for a create of kind
// entity: the first record's id when it was the same kind of record, a
// conflict when the key created another kind.
func ReplayOf(usedFor, entity string, id int64) (int64, error) {
	if usedFor != entity {
		return 0, &Error{Code: ECONFLICT, Field: "idempotency_key", Message: "该幂等键已用于创建其他类型的记录"}
	}
	return id, nil
}
