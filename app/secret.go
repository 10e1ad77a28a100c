package app

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"zhengzhi/domain"
)

// secrets holds the key that seals personal data at rest (a reporter's
// identity): given by the wiring (ZHENGZHI_SECRET_KEY), else read from the
// 0600 file DATA/secret.key, created with 32 random bytes on first use. The
// key never goes into the database.
type secrets struct {
	mu      sync.Mutex
	key     []byte
	dataDir string
	box     *domain.SecretBox
}

// Box returns the sealing box, loading or creating the key on first use.
func (s *secrets) Box() (*domain.SecretBox, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.box != nil {
		return s.box, nil
	}
	key := s.key
	if len(key) == 0 {
		var err error
		if key, err = loadSecretKeyFile(filepath.Join(s.dataDir, "secret.key")); err != nil {
			return nil, err
		}
	}
	box, err := domain.NewSecretBox(key)
	if err != nil {
		return nil, err
	}
	s.box = box
	return box, nil
}

func loadSecretKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, perr := ParseSecretKey(strings.TrimSpace(string(b)))
		if perr != nil {
			return nil, fmt.Errorf("secret key file %s: %w", path, perr)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read secret key: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return loadSecretKeyFile(path) // another process created it first
	} else if err != nil {
		return nil, fmt.Errorf("create secret key: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}

// ParseSecretKey reads a 32-byte key written as 64 hex digits or as base64
// (the forms ZHENGZHI_SECRET_KEY accepts).
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if k, err := hex.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == 32 {
			return k, nil
		}
	}
	return nil, errors.New("want 32 bytes as 64 hex digits or base64")
}
