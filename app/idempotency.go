package app

import (
	"zhengzhi/domain"
	"zhengzhi/store"
)

// replay returns the id of the record of kind entity that the acting user
// created first with key, and true, when a retry brings the same key again.
func replay(tx *store.Tx, key, entity string) (int64, bool, error) {
	if key == "" {
		return 0, false, nil
	}
	if err := domain.CheckIdempotencyKey(key); err != nil {
		return 0, false, err
	}
	usedFor, id, ok, err := tx.Replay(key)
	if err != nil || !ok {
		return 0, false, err
	}
	id, err = domain.ReplayOf(usedFor, entity, id)
	return id, err == nil, err
}
