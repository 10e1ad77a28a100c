package app

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// UserInput is the form for a new user.
type UserInput struct {
	Username    string      `json:"username"`
	Password    string      `json:"password"`
	DisplayName string      `json:"display_name"`
	Role        domain.Role `json:"role"`
	OrgID       int64       `json:"org_id"`
}

// UserOrg pairs a user with the name of their unit, for lists.
type UserOrg struct {
	domain.User
	OrgName string `json:"org_name"`
}

var usernameRe = regexp.MustCompile(`^[a-zA-Z0-9_.\-]{2,64}$`)

// user checks the form and returns the user it describes (not yet placed:
// whether the role fits the unit is decided against the loaded unit).
func (in UserInput) user() (*domain.User, error) {
	u := &domain.User{Username: strings.TrimSpace(in.Username), DisplayName: strings.TrimSpace(in.DisplayName),
		Role: in.Role, OrgID: in.OrgID, Active: true, Version: 1}
	switch {
	case !usernameRe.MatchString(u.Username):
		return nil, domain.Invalid("username", "用户名应为 2–64 位字母、数字、下划线、点或横线")
	case u.DisplayName == "":
		return nil, domain.Invalid("display_name", "请填写姓名")
	case !u.Role.Valid():
		return nil, domain.Invalid("role", "未知的角色 %q", u.Role)
	case u.OrgID == 0:
		return nil, domain.Invalid("org_id", "请选择所属单位")
	}
	if err := domain.CheckPasswordPolicy(in.Password); err != nil {
		return nil, err
	}
	return u, nil
}

// CreateUser adds a user. Who may create whom is domain.ManageUser, and the
// role must fit the unit's level (domain.Role.Fits).
func (s *App) CreateUser(ctx context.Context, a *domain.Actor, in UserInput) (*domain.User, error) {
	u, err := in.user()
	if err != nil {
		return nil, err
	}
	// argon2 runs before the transaction: it is slow on purpose, and the
	// writer lock is held by every open write.
	hash, err := domain.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	err = s.db.Write(ctx, a, func(tx *store.Tx) error { return insertUser(tx, a, u, hash) })
	if err != nil {
		return nil, err
	}
	return u, nil
}

// insertUser places u at its unit, if a may, and audits it.
func insertUser(tx *store.Tx, a *domain.Actor, u *domain.User, hash string) error {
	org, err := tx.Org(u.OrgID)
	if err != nil {
		return found(err, "单位")
	}
	if err := domain.ManageUser(a, u.Role, org); err != nil {
		return err
	}
	if !u.Role.Fits(org) {
		return domain.Invalid("role", "角色“%s”不能设在%s（%s）", domain.RoleNames[u.Role], org.Name, org.Kind)
	}
	if err := tx.InsertUser(u, hash); err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			return &domain.Error{Code: domain.ECONFLICT, Field: "username", Message: "用户名已存在"}
		}
		return err
	}
	return tx.Audit("create", "user", u.ID, nil, u)
}

// User loads a user the actor may see (scope by the user's unit).
func (s *App) User(ctx context.Context, a *domain.Actor, id int64) (*domain.User, error) {
	r := s.db.Reader(ctx)
	u, org, err := userAt(r, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, org, "用户"); err != nil {
		return nil, err
	}
	return u, nil
}

// userAt loads a user with their unit.
func userAt(r store.Reader, id int64) (*domain.User, *domain.OrgUnit, error) {
	u, err := r.User(id)
	if err != nil {
		return nil, nil, found(err, "用户")
	}
	org, err := r.Org(u.OrgID)
	if err != nil {
		return nil, nil, found(err, "单位")
	}
	return u, org, nil
}

// Users lists the users placed in the actor's scope.
func (s *App) Users(ctx context.Context, a *domain.Actor) ([]UserOrg, error) {
	if err := domain.Authorize(a, domain.ActManageUsers, nil, ""); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader(ctx).UsersUnder(a.Scope.Path)
	if err != nil {
		return nil, err
	}
	var out []UserOrg
	for _, x := range rows {
		out = append(out, UserOrg{User: x.User, OrgName: x.OrgName})
	}
	return out, nil
}

// ResetPassword sets a new password and ends the user's sessions and tokens.
func (s *App) ResetPassword(ctx context.Context, a *domain.Actor, id int64, password string) error {
	return s.db.Write(ctx, a, func(tx *store.Tx) error {
		u, org, err := userAt(tx.Reader, id)
		if err != nil {
			return err
		}
		if err := domain.ManageExistingUser(a, u, org); err != nil {
			return err
		}
		// Checked and hashed after the authorization, so a forbidden reset
		// answers 404/403 whatever the password; resets are rare enough to
		// hash while holding the writer lock.
		if err := domain.CheckPasswordPolicy(password); err != nil {
			return err
		}
		hash, err := domain.HashPassword(password)
		if err != nil {
			return err
		}
		if err := tx.UpdatePassword(id, hash); err != nil {
			return err
		}
		if err := tx.RevokeUserTokens(id); err != nil {
			return err
		}
		return tx.Audit("reset_password", "user", id, nil, map[string]any{"username": u.Username})
	})
}

// SetUserActive activates or deactivates a user; a deactivated user's tokens
// and sessions stop working at once. Nobody deactivates themselves.
func (s *App) SetUserActive(ctx context.Context, a *domain.Actor, id int64, active bool) error {
	return s.db.Write(ctx, a, func(tx *store.Tx) error {
		u, org, err := userAt(tx.Reader, id)
		if err != nil {
			return err
		}
		if err := domain.ManageExistingUser(a, u, org); err != nil {
			return err
		}
		if a.User.ID == id && !active {
			return domain.Invalid("active", "不能停用自己的账号")
		}
		if err := tx.UpdateUserActive(id, active); err != nil {
			return err
		}
		action := "activate"
		if !active {
			action = "deactivate"
			if err := tx.RevokeUserTokens(id); err != nil {
				return err
			}
		}
		after := *u
		after.Active = active
		return tx.Audit(action, "user", id, u, after)
	})
}

// PlaceUser changes a user's role and unit, audited with before and after:
// domain.CheckPlacement decides (who may manage whom, where; the role must
// fit the unit's level). The user's scope changes with their next request.
func (s *App) PlaceUser(ctx context.Context, a *domain.Actor, id int64, role domain.Role, orgID int64) (*domain.User, error) {
	var after domain.User
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		u, from, err := userAt(tx.Reader, id)
		if err != nil {
			return err
		}
		to, err := tx.Org(orgID)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return domain.Invalid("org_id", "请选择所属单位")
			}
			return err
		}
		if err := domain.CheckPlacement(a, u, from, role, to); err != nil {
			return err
		}
		after = *u
		after.Role, after.OrgID = role, to.ID
		if after == *u {
			return nil
		}
		if err := tx.UpdateUserPlacement(id, role, to.ID); err != nil {
			return err
		}
		after.Version++
		return tx.Audit("place", "user", id, u, after)
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// errBadCredentials never says whether the user or the password was wrong.
var errBadCredentials = &domain.Error{Code: domain.EUNAUTHORIZED, Message: "用户名或密码错误"}

// Authenticate checks a username and password and returns the user's actor.
// An unknown user, a wrong password and a deactivated user answer alike,
// after the same argon2 work (domain.CheckLogin).
func (s *App) Authenticate(ctx context.Context, username, password string) (*domain.Actor, error) {
	r := s.db.Reader(ctx)
	u, hash, err := r.Credentials(strings.TrimSpace(username))
	if err != nil && !store.IsNotFound(err) {
		return nil, err
	}
	if !domain.CheckLogin(err == nil, hash, password) || !u.Active {
		return nil, errBadCredentials
	}
	return actorOf(r, u)
}

// actorOf is an active user acting, with the unit whose subtree bounds what
// they see (domain.ScopeUnitID).
func actorOf(r store.Reader, u *domain.User) (*domain.Actor, error) {
	if !u.Active {
		return nil, errBadCredentials
	}
	org, err := r.Org(u.OrgID)
	if err != nil {
		return nil, found(err, "单位")
	}
	scope := org
	if id := domain.ScopeUnitID(org); id != org.ID {
		if scope, err = r.Org(id); err != nil {
			return nil, found(err, "单位")
		}
	}
	return &domain.Actor{User: *u, Org: *org, Scope: *scope}, nil
}

// errSessionEnded answers a revoked, expired, unknown or deactivated token.
var errSessionEnded = &domain.Error{Code: domain.EUNAUTHORIZED, Message: "登录已失效，请重新登录"}

// CreateToken issues a bearer token or session for an authenticated actor
// and returns its secret; only the secret's hash is stored.
func (s *App) CreateToken(ctx context.Context, a *domain.Actor, kind domain.TokenKind) (string, error) {
	var secret string
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		t, sec, err := domain.NewToken(a.User.ID, kind, tx.Now())
		if err != nil {
			return err
		}
		if err := tx.InsertToken(t); err != nil {
			return err
		}
		secret = sec
		return tx.Audit("login", "token", t.ID, nil, map[string]any{"user_id": a.User.ID, "kind": kind})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// ActorForToken resolves a bearer token or session secret to its actor;
// revoked, expired, wrong-kind and deactivated ones answer unauthorized.
func (s *App) ActorForToken(ctx context.Context, secret string, kind domain.TokenKind) (*domain.Actor, error) {
	if secret == "" {
		return nil, &domain.Error{Code: domain.EUNAUTHORIZED, Message: "请先登录"}
	}
	r := s.db.Reader(ctx)
	t, err := r.TokenByHash(domain.TokenHash(secret))
	if store.IsNotFound(err) {
		return nil, errSessionEnded
	} else if err != nil {
		return nil, err
	}
	if !t.Opens(kind, s.clock.Now()) {
		return nil, errSessionEnded
	}
	u, err := r.User(t.UserID)
	if err != nil {
		return nil, errSessionEnded
	}
	a, err := actorOf(r, u)
	if err != nil {
		return nil, errSessionEnded
	}
	return a, nil
}

// RevokeToken ends one of the actor's own tokens or sessions (logout); a
// secret that opens nothing of theirs is ignored.
func (s *App) RevokeToken(ctx context.Context, a *domain.Actor, secret string) error {
	return s.db.Write(ctx, a, func(tx *store.Tx) error {
		t, err := tx.TokenByHash(domain.TokenHash(secret))
		if store.IsNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
		if t.UserID != a.User.ID {
			return nil
		}
		if err := tx.RevokeToken(t.ID); err != nil {
			return err
		}
		return tx.Audit("logout", "token", t.ID, nil, nil)
	})
}

// EnsureAdmin creates the admin user at the root when no user exists yet. It
// returns true when it created one.
func (s *App) EnsureAdmin(ctx context.Context, password string) (bool, error) {
	sys, err := s.SystemActor(ctx)
	if err != nil {
		return false, err
	}
	created := false
	err = s.db.Write(ctx, sys, func(tx *store.Tx) error {
		n, err := tx.UserCount()
		if err != nil || n > 0 {
			return err
		}
		u, err := UserInput{Username: "admin", Password: password, DisplayName: "系统管理员", Role: domain.RoleAdmin, OrgID: sys.Org.ID}.user()
		if err != nil {
			return err
		}
		// Hashed inside: only the first start ever gets here.
		hash, err := domain.HashPassword(password)
		if err != nil {
			return err
		}
		if err := insertUser(tx, sys, u, hash); err != nil {
			return err
		}
		created = true
		return nil
	})
	return created, err
}

// SystemActor returns the actor for the program's own changes (seed, demo,
// CLI): an admin whose scope is the whole tree.
func (s *App) SystemActor(ctx context.Context) (*domain.Actor, error) {
	root, err := s.db.Reader(ctx).Root()
	if err != nil {
		return nil, found(err, "根单位")
	}
	return domain.SystemActor(root), nil
}

// UserIDByName looks a user up by username (for the CLI).
func (s *App) UserIDByName(ctx context.Context, username string) (int64, error) {
	u, err := s.db.Reader(ctx).UserByName(username)
	if err != nil {
		return 0, found(err, "用户")
	}
	return u.ID, nil
}
