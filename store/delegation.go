package store

import (
	"fmt"
	"strconv"
	"time"

	"zhengzhi/domain"
)

// Persistence of delegations (授权签字). Who may delegate to whom, for how
// long, and which delegation is in force is domain/delegation.go's.

const delegationCols = `x.id, x.head_user_id, x.head_name, x.delegate_user_id, x.delegate_name, x.org_id, x.role,
	x.from_at, x.until_at, x.reason, x.revoked_at`

func scanDelegation(r scanner) (*domain.Delegation, error) {
	var x domain.Delegation
	var role string
	err := r.Scan(&x.ID, &x.HeadUserID, &x.HeadName, &x.DelegateUserID, &x.DelegateName, &x.OrgID, &role,
		timeScan{&x.From}, timeScan{&x.Until}, &x.Reason, nullTimeScan{&x.RevokedAt})
	x.Role = domain.Role(role)
	return &x, err
}

// InsertDelegation stores a delegation, created at tx.Now(), and sets its ID.
func (tx *Tx) InsertDelegation(x *domain.Delegation) error {
	id, err := tx.insert(`INSERT INTO delegations (head_user_id, head_name, delegate_user_id, delegate_name, org_id, role,
		from_at, until_at, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		x.HeadUserID, x.HeadName, x.DelegateUserID, x.DelegateName, x.OrgID, string(x.Role),
		ts(x.From), ts(x.Until), x.Reason, ts(tx.now))
	if err != nil {
		return fmt.Errorf("insert delegation: %w", err)
	}
	x.ID = id
	return nil
}

// UpdateDelegationRevokedAt records that delegation id was revoked at at.
func (tx *Tx) UpdateDelegationRevokedAt(id int64, at time.Time) error {
	if _, err := tx.exec(`UPDATE delegations SET revoked_at = $1 WHERE id = $2`, ts(at), id); err != nil {
		return fmt.Errorf("revoke delegation %d: %w", id, err)
	}
	return nil
}

// Delegation loads one delegation.
func (r Reader) Delegation(id int64) (*domain.Delegation, error) {
	x, err := scanDelegation(r.q.QueryRowContext(r.ctx, `SELECT `+delegationCols+` FROM delegations x WHERE x.id = $1`, id))
	if err != nil {
		return nil, noRows(err, "delegation", id)
	}
	return x, nil
}

// DelegationFilter selects delegations; a zero field is no criterion.
type DelegationFilter struct {
	DelegateUserID int64     // held by this user
	PartyUserID    int64     // given or held by this user
	ScopePath      string    // given by a head of a unit under this path
	EndsAfter      time.Time // ending (until) later than this
}

// Delegations lists the delegations matching f, newest first.
func (r Reader) Delegations(f DelegationFilter) ([]*domain.Delegation, error) {
	q := `SELECT ` + delegationCols + ` FROM delegations x JOIN org_units o ON o.id = x.org_id WHERE 1 = 1`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.DelegateUserID != 0 {
		q += ` AND x.delegate_user_id = ` + arg(f.DelegateUserID)
	}
	if f.PartyUserID != 0 {
		p := arg(f.PartyUserID)
		q += ` AND (x.head_user_id = ` + p + ` OR x.delegate_user_id = ` + p + `)`
	}
	if f.ScopePath != "" {
		q += ` AND o.path LIKE ` + arg(f.ScopePath+"%")
	}
	if !f.EndsAfter.IsZero() {
		q += ` AND x.until_at > ` + arg(ts(f.EndsAfter))
	}
	rows, err := r.q.QueryContext(r.ctx, q+` ORDER BY x.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list delegations: %w", err)
	}
	defer rows.Close()
	out := []*domain.Delegation{}
	for rows.Next() {
		x, err := scanDelegation(rows)
		if err != nil {
			return nil, fmt.Errorf("list delegations: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// DelegationUserFilter selects users for a delegation: one by ID, or the
// active users of a role under a unit's path but one; a zero field is no
// criterion.
type DelegationUserFilter struct {
	ID         int64
	Role       domain.Role
	ScopePath  string // placed at a unit under this path
	ExceptID   int64
	ActiveOnly bool
}

// DelegationUsers lists the users matching f in id order.
func (r Reader) DelegationUsers(f DelegationUserFilter) ([]*domain.User, error) {
	q := `SELECT u.id, u.username, u.display_name, u.role, u.org_id, u.active, u.version
		FROM users u JOIN org_units o ON o.id = u.org_id WHERE 1 = 1`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.ID != 0 {
		q += ` AND u.id = ` + arg(f.ID)
	}
	if f.Role != "" {
		q += ` AND u.role = ` + arg(string(f.Role))
	}
	if f.ScopePath != "" {
		q += ` AND o.path LIKE ` + arg(f.ScopePath+"%")
	}
	if f.ExceptID != 0 {
		q += ` AND u.id <> ` + arg(f.ExceptID)
	}
	if f.ActiveOnly {
		q += ` AND u.active`
	}
	rows, err := r.q.QueryContext(r.ctx, q+` ORDER BY u.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("delegation users: %w", err)
	}
	defer rows.Close()
	out := []*domain.User{}
	for rows.Next() {
		var u domain.User
		var role string
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &role, &u.OrgID, &u.Active, &u.Version); err != nil {
			return nil, fmt.Errorf("delegation users: %w", err)
		}
		u.Role = domain.Role(role)
		out = append(out, &u)
	}
	return out, rows.Err()
}
