package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// TokenKind says what a token opens: the JSON API (a bearer token) or the
// browser pages (a session cookie). One kind never works as the other.
type TokenKind string

const (
	TokenAPI     TokenKind = "api"
	TokenSession TokenKind = "session"
)

// TTL is how long a token of the kind lives after it is issued.
func (k TokenKind) TTL() time.Duration {
	if k == TokenSession {
		return 12 * time.Hour
	}
	return 30 * 24 * time.Hour
}

// Token is an issued bearer token or session. Only the SHA-256 of its
// secret is kept; the secret itself is shown once, to its holder.
type Token struct {
	ID        int64
	UserID    int64
	Kind      TokenKind
	Hash      string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

// NewToken issues a token of kind for user userID at now and returns it with
// its secret.
func NewToken(userID int64, kind TokenKind, now time.Time) (*Token, string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, "", err
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	return &Token{UserID: userID, Kind: kind, Hash: TokenHash(secret), CreatedAt: now, ExpiresAt: now.Add(kind.TTL())}, secret, nil
}

// TokenHash is what is stored of a token's secret, and what it is looked up by.
func TokenHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Opens reports whether t still opens kind at now: the right kind, not
// revoked (logout, password reset, deactivation) and not expired.
func (t *Token) Opens(kind TokenKind, now time.Time) bool {
	return t.Kind == kind && t.RevokedAt == nil && now.Before(t.ExpiresAt)
}
