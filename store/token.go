package store

import (
	"fmt"

	"zhengzhi/domain"
)

// InsertToken stores an issued token (its hash, never its secret) and sets t.ID.
func (tx *Tx) InsertToken(t *domain.Token) error {
	id, err := tx.insert(`INSERT INTO tokens (user_id, kind, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		t.UserID, string(t.Kind), t.Hash, ts(t.CreatedAt), ts(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	t.ID = id
	return nil
}

// TokenByHash loads the token whose secret hashes to hash.
func (r Reader) TokenByHash(hash string) (*domain.Token, error) {
	t := domain.Token{Hash: hash}
	var kind string
	err := r.q.QueryRowContext(r.ctx, `SELECT id, user_id, kind, created_at, expires_at, revoked_at FROM tokens WHERE token_hash = $1`, hash).
		Scan(&t.ID, &t.UserID, &kind, timeScan{&t.CreatedAt}, timeScan{&t.ExpiresAt}, nullTimeScan{&t.RevokedAt})
	if err != nil {
		return nil, noRows(err, "token", "")
	}
	t.Kind = domain.TokenKind(kind)
	return &t, nil
}

// RevokeToken marks one token revoked at the transaction's now.
func (tx *Tx) RevokeToken(id int64) error {
	if _, err := tx.exec(`UPDATE tokens SET revoked_at = $1 WHERE id = $2`, ts(tx.now), id); err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	return nil
}

// RevokeUserTokens marks every unrevoked token of a user revoked.
func (tx *Tx) RevokeUserTokens(userID int64) error {
	if _, err := tx.exec(`UPDATE tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, ts(tx.now), userID); err != nil {
		return fmt.Errorf("revoke tokens of user %d: %w", userID, err)
	}
	return nil
}
