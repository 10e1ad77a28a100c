package store

import (
	"context"
	"fmt"
	"time"

	"zhengzhi/domain"
)

// DelegationInput is a head's delegation of signing (授权签字) to a named
// officer of the same unit for a period.
type DelegationInput struct {
	DelegateUserID int64     `json:"delegate_user_id"`
	From           time.Time `json:"from"`  // zero: now
	Until          time.Time `json:"until"` // required
	Reason         string    `json:"reason"`
}

const delegationCols = `id, head_user_id, head_name, delegate_user_id, delegate_name, org_id, role, from_at, until_at, reason, revoked_at`

func scanDelegation(r scanner) (*domain.Delegation, error) {
	var x domain.Delegation
	var role string
	err := r.Scan(&x.ID, &x.HeadUserID, &x.HeadName, &x.DelegateUserID, &x.DelegateName, &x.OrgID, &role,
		timeScan{&x.From}, timeScan{&x.Until}, &x.Reason, nullTimeScan{&x.RevokedAt})
	x.Role = domain.Role(role)
	return &x, err
}

// CreateDelegation records a head's delegation (domain.Delegation.Validate
// says who may delegate to whom and for how long). A delegate holds at most
// one delegation at a time: one overlapping an unrevoked one of theirs is
// refused (409), so a signature names exactly one head.
func (d *DB) CreateDelegation(ctx context.Context, head *domain.Actor, in DelegationInput) (*domain.Delegation, error) {
	if err := domain.Authorize(head, domain.ActDelegate, nil, ""); err != nil {
		return nil, err
	}
	var delegate *domain.Actor
	if in.DelegateUserID != 0 {
		var err error
		if delegate, err = d.actor(ctx, in.DelegateUserID); err != nil && domain.ErrorCode(err) == domain.EINTERNAL {
			return nil, err
		}
	}
	x := &domain.Delegation{From: in.From.UTC().Truncate(time.Microsecond), Until: in.Until.UTC().Truncate(time.Microsecond), Reason: in.Reason}
	err := d.write(ctx, head, func(tx *Tx) error {
		if x.From.IsZero() {
			x.From = tx.now
		}
		if err := x.Validate(head, delegate, tx.now); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM delegations WHERE delegate_user_id = $1 AND revoked_at IS NULL
			AND from_at < $2 AND until_at > $3`, x.DelegateUserID, ts(x.Until), ts(x.From)).Scan(&n); err != nil {
			return fmt.Errorf("overlapping delegations: %w", err)
		}
		if n > 0 {
			return &domain.Error{Code: domain.ECONFLICT, Field: "delegate_user_id",
				Message: fmt.Sprintf("%s 在这段时间已有授权，请先撤销原授权", x.DelegateName)}
		}
		id, err := tx.insert(`INSERT INTO delegations (head_user_id, head_name, delegate_user_id, delegate_name, org_id, role,
			from_at, until_at, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			x.HeadUserID, x.HeadName, x.DelegateUserID, x.DelegateName, x.OrgID, string(x.Role),
			ts(x.From), ts(x.Until), x.Reason, ts(tx.now))
		if err != nil {
			return fmt.Errorf("insert delegation: %w", err)
		}
		x.ID = id
		return tx.audit("create", "delegation", id, nil, x)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// RevokeDelegation ends a delegation now: by its head, or by an admin.
// Revoking one that has ended already changes nothing.
func (d *DB) RevokeDelegation(ctx context.Context, a *domain.Actor, id int64) (*domain.Delegation, error) {
	if a == nil {
		return nil, &domain.Error{Code: domain.EUNAUTHORIZED, Message: "请先登录"}
	}
	var out *domain.Delegation
	err := d.write(ctx, a, func(tx *Tx) error {
		x, err := scanDelegation(tx.queryRow(`SELECT `+delegationCols+` FROM delegations WHERE id = $1`, id))
		if err != nil {
			return notFound(err, "授权")
		}
		if x.HeadUserID != a.User.ID && x.DelegateUserID != a.User.ID && a.User.Role != domain.RoleAdmin {
			return domain.NotFound("授权")
		}
		if x.HeadUserID != a.User.ID && a.User.Role != domain.RoleAdmin {
			return domain.Forbidden()
		}
		out = x
		if x.RevokedAt != nil || !tx.now.Before(x.Until) {
			return nil
		}
		after := *x
		now := tx.now
		after.RevokedAt = &now
		if _, err := tx.exec(`UPDATE delegations SET revoked_at = $1 WHERE id = $2`, ts(now), id); err != nil {
			return fmt.Errorf("revoke delegation %d: %w", id, err)
		}
		out = &after
		return tx.audit("revoke", "delegation", id, x, after)
	})
	return out, err
}

// ActiveDelegation returns the delegation userID holds as a delegate in
// force at now (domain.Delegation.ActiveAt), or nil. ApplyCaseAction and
// the weekly report's submission use it to let a delegate act with the
// head's role (domain.EffectiveRole).
func (d *DB) ActiveDelegation(ctx context.Context, userID int64, now time.Time) (*domain.Delegation, error) {
	return activeDelegation(ctx, d.db, userID, now)
}

func activeDelegation(ctx context.Context, q querier, userID int64, now time.Time) (*domain.Delegation, error) {
	if userID == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT `+delegationCols+` FROM delegations
		WHERE delegate_user_id = $1 AND until_at > $2 ORDER BY id DESC`, userID, ts(now))
	if err != nil {
		return nil, fmt.Errorf("delegations of user %d: %w", userID, err)
	}
	defer rows.Close()
	for rows.Next() {
		x, err := scanDelegation(rows)
		if err != nil {
			return nil, err
		}
		if x.ActiveAt(now) {
			return x, nil
		}
	}
	return nil, rows.Err()
}

// Delegations lists the delegations the actor gave or holds, newest first;
// the district office, the discipline commission and the admin see every
// delegation in their scope.
func (d *DB) Delegations(ctx context.Context, a *domain.Actor) ([]*domain.Delegation, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	q := `SELECT ` + delegationCols + ` FROM delegations WHERE head_user_id = $1 OR delegate_user_id = $1 ORDER BY id DESC`
	args := []any{a.User.ID}
	switch a.User.Role {
	case domain.RoleDistrictOffice, domain.RoleDiscipline, domain.RoleAdmin:
		q = `SELECT x.id, x.head_user_id, x.head_name, x.delegate_user_id, x.delegate_name, x.org_id, x.role, x.from_at, x.until_at,
			x.reason, x.revoked_at FROM delegations x JOIN org_units o ON o.id = x.org_id WHERE o.path LIKE $1 ORDER BY x.id DESC`
		args = []any{a.Scope.Path + "%"}
	}
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list delegations: %w", err)
	}
	defer rows.Close()
	out := []*domain.Delegation{}
	for rows.Next() {
		x, err := scanDelegation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// DelegateCandidates lists the users a head may delegate to: the active
// officers of the head's unit with the delegate role (domain.Delegation.Validate
// has the final word).
func (d *DB) DelegateCandidates(ctx context.Context, head *domain.Actor) ([]*domain.User, error) {
	if err := domain.Authorize(head, domain.ActDelegate, nil, ""); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT u.id FROM users u JOIN org_units o ON o.id = u.org_id
		WHERE u.active AND u.role IN ($1, $2) AND o.path LIKE $3 AND u.id <> $4 ORDER BY u.id`,
		string(domain.RoleTownOfficer), string(domain.RoleGrid), head.Org.Path+"%", head.User.ID)
	if err != nil {
		return nil, fmt.Errorf("delegate candidates: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []*domain.User{}
	probe := domain.Delegation{From: d.clock.Now(), Until: d.clock.Now().Add(time.Hour)}
	for _, id := range ids {
		cand, err := d.actor(ctx, id)
		if err != nil {
			continue // deactivated meanwhile
		}
		p := probe
		if p.Validate(head, cand, d.clock.Now()) == nil {
			u := cand.User
			out = append(out, &u)
		}
	}
	return out, nil
}
