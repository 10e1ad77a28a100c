package app

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// Open311 partner apps post tips with an API key (zhengzhi open311 key
// add NAME). Only the key's SHA-256 is stored: the key itself is shown once.

// Open311Key is a partner app's key as listed.
type Open311Key = store.Open311Key

var keyName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

func hashAPIKey(secret string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(h[:])
}

// CreateOpen311Key makes a new key for the partner called name and returns
// it (the only time it is shown).
func (s *App) CreateOpen311Key(ctx context.Context, a *domain.Actor, name string) (string, *Open311Key, error) {
	name = strings.TrimSpace(name)
	secret := "o311_" + base64.RawURLEncoding.EncodeToString(randomBytes(32))
	var k *Open311Key
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		if err := domain.Authorize(a, domain.ActManageAPIKeys, nil, "密钥"); err != nil {
			return err
		}
		if !keyName.MatchString(name) {
			return domain.Invalid("name", "名称只能由字母、数字和 _ . - 组成（最多 64 个字符）")
		}
		var err error
		if k, err = tx.InsertOpen311Key(name, hashAPIKey(secret)); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return &domain.Error{Code: domain.ECONFLICT, Field: "name", Message: "已有同名密钥：" + name}
			}
			return err
		}
		return tx.Audit("create", "open311_key", k.ID, nil, k)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, k, nil
}

// Open311Keys lists the partner keys, live and revoked.
func (s *App) Open311Keys(ctx context.Context, a *domain.Actor) ([]*Open311Key, error) {
	if err := domain.Authorize(a, domain.ActManageAPIKeys, nil, "密钥"); err != nil {
		return nil, err
	}
	return s.db.Reader(ctx).Open311Keys()
}

// RevokeOpen311Key revokes the live key called name.
func (s *App) RevokeOpen311Key(ctx context.Context, a *domain.Actor, name string) error {
	return s.db.Write(ctx, a, func(tx *store.Tx) error {
		if err := domain.Authorize(a, domain.ActManageAPIKeys, nil, "密钥"); err != nil {
			return err
		}
		k, err := tx.RevokeOpen311Key(strings.TrimSpace(name))
		if err != nil {
			return found(err, "密钥")
		}
		return tx.Audit("revoke", "open311_key", k.ID, nil, k)
	})
}

// Open311KeyFor finds the live key a partner sent; a missing or unknown
// key is EUNAUTHORIZED (Open311 answers it with 403).
func (s *App) Open311KeyFor(ctx context.Context, secret string) (*Open311Key, error) {
	if strings.TrimSpace(secret) == "" {
		return nil, &domain.Error{Code: domain.EUNAUTHORIZED, Field: "api_key", Message: "缺少 api_key"}
	}
	k, err := s.db.Reader(ctx).Open311KeyByHash(hashAPIKey(secret))
	if store.IsNotFound(err) {
		return nil, &domain.Error{Code: domain.EUNAUTHORIZED, Field: "api_key", Message: "api_key 无效或已吊销"}
	}
	return k, err
}
