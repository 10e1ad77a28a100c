package store

import (
	"fmt"

	"zhengzhi/domain"
)

const userCols = `id, username, display_name, role, org_id, active, version`

func scanUser(r scanner, extra ...any) (*domain.User, error) {
	var u domain.User
	var role string
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &role, &u.OrgID, &u.Active, &u.Version}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	u.Role = domain.Role(role)
	return &u, nil
}

// User loads one user.
func (r Reader) User(id int64) (*domain.User, error) {
	u, err := scanUser(r.q.QueryRowContext(r.ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, noRows(err, "user", id)
	}
	return u, nil
}

// UserByName loads one user by username.
func (r Reader) UserByName(username string) (*domain.User, error) {
	u, err := scanUser(r.q.QueryRowContext(r.ctx, `SELECT `+userCols+` FROM users WHERE username = $1`, username))
	if err != nil {
		return nil, noRows(err, "user", username)
	}
	return u, nil
}

// Credentials loads a user by username together with their password hash,
// in one query, for logging in.
func (r Reader) Credentials(username string) (*domain.User, string, error) {
	var hash string
	u, err := scanUser(r.q.QueryRowContext(r.ctx, `SELECT `+userCols+`, password_hash FROM users WHERE username = $1`, username), &hash)
	if err != nil {
		return nil, "", noRows(err, "user", username)
	}
	return u, hash, nil
}

// UserCount returns how many users exist (0 on a fresh store).
func (r Reader) UserCount() (int, error) {
	var n int
	if err := r.q.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// UserRow is a user with the name of their unit, as lists show them.
type UserRow struct {
	domain.User
	OrgName string
}

// UsersUnder lists the users placed in the subtree whose path is path, by
// unit path, then username.
func (r Reader) UsersUnder(path string) ([]UserRow, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT u.id, u.username, u.display_name, u.role, u.org_id, u.active, u.version, o.name
		FROM users u JOIN org_units o ON o.id = u.org_id WHERE o.path LIKE $1 ORDER BY o.path, u.username`, path+"%")
	if err != nil {
		return nil, fmt.Errorf("users under %s: %w", path, err)
	}
	defer rows.Close()
	var out []UserRow
	for rows.Next() {
		var x UserRow
		u, err := scanUser(rows, &x.OrgName)
		if err != nil {
			return nil, err
		}
		x.User = *u
		out = append(out, x)
	}
	return out, rows.Err()
}

// InsertUser adds u with its password hash and sets u.ID. A taken username
// is ErrDuplicate.
func (tx *Tx) InsertUser(u *domain.User, passwordHash string) error {
	id, err := tx.insert(`INSERT INTO users (username, display_name, role, org_id, password_hash, active, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
		u.Username, u.DisplayName, string(u.Role), u.OrgID, passwordHash, u.Active, u.Version, ts(tx.now))
	if err != nil {
		return duplicate(err, "insert user "+u.Username)
	}
	u.ID = id
	return nil
}

// UpdatePassword stores a user's new password hash.
func (tx *Tx) UpdatePassword(id int64, passwordHash string) error {
	if _, err := tx.exec(`UPDATE users SET password_hash = $1, version = version + 1, updated_at = $2 WHERE id = $3`,
		passwordHash, ts(tx.now), id); err != nil {
		return fmt.Errorf("update password of user %d: %w", id, err)
	}
	return nil
}

// UpdateUserActive stores whether a user is active.
func (tx *Tx) UpdateUserActive(id int64, active bool) error {
	if _, err := tx.exec(`UPDATE users SET active = $1, version = version + 1, updated_at = $2 WHERE id = $3`,
		active, ts(tx.now), id); err != nil {
		return fmt.Errorf("update user %d: %w", id, err)
	}
	return nil
}

// UpdateUserPlacement stores a user's role and unit.
func (tx *Tx) UpdateUserPlacement(id int64, role domain.Role, orgID int64) error {
	if _, err := tx.exec(`UPDATE users SET role = $1, org_id = $2, version = version + 1, updated_at = $3 WHERE id = $4`,
		string(role), orgID, ts(tx.now), id); err != nil {
		return fmt.Errorf("update placement of user %d: %w", id, err)
	}
	return nil
}
