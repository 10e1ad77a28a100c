package domain

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// SecretBox seals personal data at rest with AES-256-GCM (a reporter's
// identity). Its key lives outside the database (ZHENGZHI_SECRET_KEY or a
// 0600 key file), so a copy of the database alone reveals nothing. Each
// sealed value is bound to what it belongs to (aad), so a sealed identity
// moved to another record does not open.
type SecretBox struct {
	aead cipher.AEAD
	mac  []byte // derived key for follow codes
}

// sealPrefix versions the sealed format: "v1." + base64(nonce ‖ ciphertext).
const sealPrefix = "v1."

// NewSecretBox builds a box over a 32-byte key.
func NewSecretBox(key []byte) (*SecretBox, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret key: want 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("zhengzhi follow codes"))
	return &SecretBox{aead: aead, mac: m.Sum(nil)}, nil
}

// Seal encrypts plain for the record named by aad.
func (b *SecretBox) Seal(plain, aad []byte) (string, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	out := b.aead.Seal(nonce, nonce, plain, aad)
	return sealPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// ErrSealed is returned when a sealed value does not open: another key, or
// data changed or moved behind the program's back.
var ErrSealed = errors.New("sealed value does not open with this key")

// Open decrypts a value sealed for aad.
func (b *SecretBox) Open(sealed string, aad []byte) ([]byte, error) {
	body, ok := strings.CutPrefix(sealed, sealPrefix)
	if !ok {
		return nil, ErrSealed
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return nil, ErrSealed
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], aad)
	if err != nil {
		return nil, ErrSealed
	}
	return plain, nil
}

// SealReporter seals a reporter's identity for the tip whose follow-code
// hash is aad ("" for an empty identity).
func (b *SecretBox) SealReporter(r Reporter, aad string) (string, error) {
	if r == (Reporter{}) {
		return "", nil
	}
	plain, err := json.Marshal(r) // Sensitive marshals as its clear value: sealed right away
	if err != nil {
		return "", err
	}
	return b.Seal(plain, []byte("tip reporter\x00"+aad))
}

// OpenReporter opens what SealReporter sealed.
func (b *SecretBox) OpenReporter(sealed, aad string) (Reporter, error) {
	var r Reporter
	if sealed == "" {
		return r, nil
	}
	plain, err := b.Open(sealed, []byte("tip reporter\x00"+aad))
	if err != nil {
		return r, err
	}
	err = json.Unmarshal(plain, &r)
	return r, err
}

// DerivedFollowCode gives the follow code of a submission retried with the
// same idempotency key: the same code each time, so a double tap on a flaky
// network shows the reporter one code, and nobody without the key can
// compute it.
func (b *SecretBox) DerivedFollowCode(key string) string {
	m := hmac.New(sha256.New, b.mac)
	m.Write([]byte(key))
	return FollowCode(m.Sum(nil))
}
