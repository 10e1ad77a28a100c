package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"
	"time"

	"zhengzhi/domain"
)

// UserInput is the form for a new user.
type UserInput struct {
	Username    string      `json:"username"`
	Password    string      `json:"password"`
	DisplayName string      `json:"display_name"`
	Role        domain.Role `json:"role"`
	OrgID       int64       `json:"org_id"`
}

var usernameRe = regexp.MustCompile(`^[a-zA-Z0-9_.\-]{2,64}$`)

const userCols = `id, username, display_name, role, org_id, active, version`

func scanUser(r scanner) (*domain.User, error) {
	var u domain.User
	var role string
	if err := r.Scan(&u.ID, &u.Username, &u.DisplayName, &role, &u.OrgID, &u.Active, &u.Version); err != nil {
		return nil, err
	}
	u.Role = domain.Role(role)
	return &u, nil
}

// CreateUser adds a user; who may create whom is domain.ManageUser, and the
// role must fit the unit's level.
func (d *DB) CreateUser(ctx context.Context, a *domain.Actor, in UserInput) (*domain.User, error) {
	in.Username = strings.TrimSpace(in.Username)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	switch {
	case !usernameRe.MatchString(in.Username):
		return nil, domain.Invalid("username", "用户名应为 2–64 位字母、数字、下划线、点或横线")
	case in.DisplayName == "":
		return nil, domain.Invalid("display_name", "请填写姓名")
	case !in.Role.Valid():
		return nil, domain.Invalid("role", "未知的角色 %q", in.Role)
	case in.OrgID == 0:
		return nil, domain.Invalid("org_id", "请选择所属单位")
	}
	if err := domain.CheckPasswordPolicy(in.Password); err != nil {
		return nil, err
	}
	org, err := d.Org(ctx, in.OrgID)
	if err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, domain.NotFound("单位")
		}
		return nil, err
	}
	if err := domain.ManageUser(a, in.Role, org); err != nil {
		return nil, err
	}
	if !in.Role.Fits(org) {
		return nil, domain.Invalid("role", "角色“%s”不能设在%s（%s）", domain.RoleNames[in.Role], org.Name, org.Kind)
	}
	hash, err := domain.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u := &domain.User{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, OrgID: in.OrgID, Active: true, Version: 1}
	err = d.write(ctx, a, func(tx *Tx) error {
		id, err := tx.insert(`INSERT INTO users (username, display_name, role, org_id, password_hash, active, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, TRUE, 1, $6, $6) RETURNING id`,
			u.Username, u.DisplayName, string(u.Role), u.OrgID, hash, ts(tx.now))
		if err != nil {
			if isUniqueViolation(err) {
				return &domain.Error{Code: domain.ECONFLICT, Field: "username", Message: "用户名已存在"}
			}
			return err
		}
		u.ID = id
		return tx.audit("create", "user", id, nil, u)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// User loads a user the actor may see (scope by the user's org unit).
func (d *DB) User(ctx context.Context, a *domain.Actor, id int64) (*domain.User, error) {
	u, err := scanUser(d.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "用户")
	}
	org, err := d.Org(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	if !a.Sees(org) {
		return nil, domain.NotFound("用户")
	}
	return u, nil
}

// UserOrg pairs a user with the name of their unit, for lists.
type UserOrg struct {
	domain.User
	OrgName string `json:"org_name"`
}

// Users lists the users placed in the actor's scope.
func (d *DB) Users(ctx context.Context, a *domain.Actor) ([]UserOrg, error) {
	if err := domain.Authorize(a, domain.ActManageUsers, nil, ""); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.org_id, u.active, u.version, o.name
		FROM users u JOIN org_units o ON o.id = u.org_id WHERE o.path LIKE $1 ORDER BY o.path, u.username`, a.Scope.Path+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UserOrg
	for rows.Next() {
		var x UserOrg
		var role string
		if err := rows.Scan(&x.ID, &x.Username, &x.DisplayName, &role, &x.OrgID, &x.Active, &x.Version, &x.OrgName); err != nil {
			return nil, err
		}
		x.Role = domain.Role(role)
		out = append(out, x)
	}
	return out, rows.Err()
}

// managedUser loads a user and checks the actor may manage them.
func (d *DB) managedUser(ctx context.Context, a *domain.Actor, id int64) (*domain.User, error) {
	u, err := d.User(ctx, a, id)
	if err != nil {
		return nil, err
	}
	org, err := d.Org(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	if err := domain.ManageUser(a, u.Role, org); err != nil {
		return nil, err
	}
	return u, nil
}

// ResetPassword sets a new password and ends the user's sessions and tokens.
func (d *DB) ResetPassword(ctx context.Context, a *domain.Actor, id int64, password string) error {
	u, err := d.managedUser(ctx, a, id)
	if err != nil {
		return err
	}
	if err := domain.CheckPasswordPolicy(password); err != nil {
		return err
	}
	hash, err := domain.HashPassword(password)
	if err != nil {
		return err
	}
	return d.write(ctx, a, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE users SET password_hash = $1, version = version + 1, updated_at = $2 WHERE id = $3`, hash, ts(tx.now), id); err != nil {
			return err
		}
		if err := tx.revokeUserTokens(id); err != nil {
			return err
		}
		return tx.audit("reset_password", "user", id, nil, map[string]any{"username": u.Username})
	})
}

// SetUserActive activates or deactivates a user; a deactivated user's tokens
// and sessions stop working at once.
func (d *DB) SetUserActive(ctx context.Context, a *domain.Actor, id int64, active bool) error {
	u, err := d.managedUser(ctx, a, id)
	if err != nil {
		return err
	}
	if a.User.ID == id && !active {
		return domain.Invalid("active", "不能停用自己的账号")
	}
	return d.write(ctx, a, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE users SET active = $1, version = version + 1, updated_at = $2 WHERE id = $3`, active, ts(tx.now), id); err != nil {
			return err
		}
		if !active {
			if err := tx.revokeUserTokens(id); err != nil {
				return err
			}
		}
		after := *u
		after.Active = active
		action := "activate"
		if !active {
			action = "deactivate"
		}
		return tx.audit(action, "user", id, u, after)
	})
}

func (tx *Tx) revokeUserTokens(userID int64) error {
	_, err := tx.exec(`UPDATE tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, ts(tx.now), userID)
	return err
}

// errBadCredentials never says whether the user or the password was wrong.
var errBadCredentials = &domain.Error{Code: domain.EUNAUTHORIZED, Message: "用户名或密码错误"}

// Authenticate checks a username and password and returns the user's actor.
func (d *DB) Authenticate(ctx context.Context, username, password string) (*domain.Actor, error) {
	var id int64
	var hash string
	var active bool
	err := d.db.QueryRowContext(ctx, `SELECT id, password_hash, active FROM users WHERE username = $1`, strings.TrimSpace(username)).Scan(&id, &hash, &active)
	if isNoRows(err) {
		domain.VerifyPassword(dummyHash, password) // same work whether or not the user exists
		return nil, errBadCredentials
	} else if err != nil {
		return nil, err
	}
	if !domain.VerifyPassword(hash, password) || !active {
		return nil, errBadCredentials
	}
	return d.actor(ctx, id)
}

// dummyHash is verified against when the username is unknown, so response
// time does not reveal which usernames exist.
var dummyHash, _ = domain.HashPassword("not-a-real-password")

// actor loads a user with the units that bound what they see.
func (d *DB) actor(ctx context.Context, userID int64) (*domain.Actor, error) {
	u, err := scanUser(d.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, userID))
	if err != nil {
		return nil, notFound(err, "用户")
	}
	if !u.Active {
		return nil, errBadCredentials
	}
	org, err := d.Org(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	a := &domain.Actor{User: *u, Org: *org, Scope: *org}
	// A grid worker's scope is the village their grid belongs to.
	if org.Kind == domain.KindGrid && org.ParentID != nil {
		v, err := d.Org(ctx, *org.ParentID)
		if err != nil {
			return nil, err
		}
		a.Scope = *v
	}
	return a, nil
}

// Token kinds and lifetimes.
const (
	TokenAPI     = "api"
	TokenSession = "session"
)

var tokenTTL = map[string]time.Duration{TokenAPI: 30 * 24 * time.Hour, TokenSession: 12 * time.Hour}

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken issues a bearer token or session for an authenticated actor;
// only its SHA-256 is stored.
func (d *DB) CreateToken(ctx context.Context, a *domain.Actor, kind string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	err := d.write(ctx, a, func(tx *Tx) error {
		id, err := tx.insert(`INSERT INTO tokens (user_id, kind, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			a.User.ID, kind, hashToken(secret), ts(tx.now), ts(tx.now.Add(tokenTTL[kind])))
		if err != nil {
			return err
		}
		return tx.audit("login", "token", id, nil, map[string]any{"user_id": a.User.ID, "kind": kind})
	})
	return secret, err
}

// ActorForToken resolves a bearer token or session secret to its actor;
// revoked, expired and deactivated ones answer unauthorized.
func (d *DB) ActorForToken(ctx context.Context, secret, kind string) (*domain.Actor, error) {
	if secret == "" {
		return nil, &domain.Error{Code: domain.EUNAUTHORIZED, Message: "请先登录"}
	}
	var userID int64
	var expires time.Time
	var revoked *time.Time
	err := d.db.QueryRowContext(ctx, `SELECT user_id, expires_at, revoked_at FROM tokens WHERE token_hash = $1 AND kind = $2`,
		hashToken(secret), kind).Scan(&userID, timeScan{&expires}, nullTimeScan{&revoked})
	if isNoRows(err) {
		return nil, &domain.Error{Code: domain.EUNAUTHORIZED, Message: "登录已失效，请重新登录"}
	} else if err != nil {
		return nil, err
	}
	if revoked != nil || !d.clock.Now().Before(expires) {
		return nil, &domain.Error{Code: domain.EUNAUTHORIZED, Message: "登录已失效，请重新登录"}
	}
	a, err := d.actor(ctx, userID)
	if err != nil {
		return nil, &domain.Error{Code: domain.EUNAUTHORIZED, Message: "登录已失效，请重新登录"}
	}
	return a, nil
}

// RevokeToken ends a token or session (logout).
func (d *DB) RevokeToken(ctx context.Context, a *domain.Actor, secret string) error {
	return d.write(ctx, a, func(tx *Tx) error {
		var id int64
		err := tx.queryRow(`SELECT id FROM tokens WHERE token_hash = $1 AND user_id = $2`, hashToken(secret), a.User.ID).Scan(&id)
		if isNoRows(err) {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE tokens SET revoked_at = $1 WHERE id = $2`, ts(tx.now), id); err != nil {
			return err
		}
		return tx.audit("logout", "token", id, nil, nil)
	})
}

// EnsureAdmin creates the admin user at the root when no user exists yet. It
// returns true when it created one.
func (d *DB) EnsureAdmin(ctx context.Context, password string) (bool, error) {
	var n int
	if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	sys, err := d.SystemActor(ctx)
	if err != nil {
		return false, err
	}
	_, err = d.CreateUser(ctx, sys, UserInput{Username: "admin", Password: password, DisplayName: "系统管理员", Role: domain.RoleAdmin, OrgID: sys.Org.ID})
	return err == nil, err
}

// SystemActor returns the actor for the program's own changes (seed, demo,
// CLI): an admin whose scope is the whole tree.
func (d *DB) SystemActor(ctx context.Context) (*domain.Actor, error) {
	root, err := d.Root(ctx)
	if err != nil {
		return nil, err
	}
	a := *systemActor
	a.Org, a.Scope = *root, *root
	return &a, nil
}

// UserIDByName looks a user up by username (for the CLI).
func (d *DB) UserIDByName(ctx context.Context, username string) (int64, error) {
	var id int64
	err := d.db.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&id)
	return id, notFound(err, "用户")
}
