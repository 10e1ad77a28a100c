package app

import (
	"context"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// Delegations (授权签字): a head has a named officer sign for them for a
// period. Who may delegate to whom, for how long, and which delegation is
// in force is domain/delegation.go's.

// DelegationInput is a head's delegation of signing (授权签字) to a named
// officer of the same unit for a period.
type DelegationInput struct {
	DelegateUserID int64     `json:"delegate_user_id"`
	From           time.Time `json:"from"`  // zero: now
	Until          time.Time `json:"until"` // required
	Reason         string    `json:"reason"`
}

// delegateActor loads a user with the units that bound what they see, as
// a delegation's check needs them: nil for no such user. A grid worker's
// scope is the village their grid belongs to.
func delegateActor(r store.Reader, userID int64) (*domain.Actor, error) {
	if userID == 0 {
		return nil, nil
	}
	users, err := r.DelegationUsers(store.DelegationUserFilter{ID: userID})
	if err != nil || len(users) == 0 {
		return nil, err
	}
	return actorOfUser(r, users[0])
}

func actorOfUser(r store.Reader, u *domain.User) (*domain.Actor, error) {
	org, err := r.Org(u.OrgID)
	if err != nil {
		return nil, err
	}
	a := &domain.Actor{User: *u, Org: *org, Scope: *org}
	if org.Kind == domain.KindGrid && org.ParentID != nil {
		v, err := r.Org(*org.ParentID)
		if err != nil {
			return nil, err
		}
		a.Scope = *v
	}
	return a, nil
}

// CreateDelegation records a head's delegation in one transaction:
// domain.Delegation.Validate says who may delegate to whom and for how long,
// and Overlapping refuses one overlapping an unrevoked delegation of the
// same delegate (409), so a signature names exactly one head.
func (s *App) CreateDelegation(ctx context.Context, head *domain.Actor, in DelegationInput) (*domain.Delegation, error) {
	x := &domain.Delegation{From: in.From.UTC().Truncate(time.Microsecond), Until: in.Until.UTC().Truncate(time.Microsecond), Reason: in.Reason}
	err := s.db.Write(ctx, head, func(tx *store.Tx) error {
		if x.From.IsZero() {
			x.From = tx.Now()
		}
		delegate, err := delegateActor(tx.Reader, in.DelegateUserID)
		if err != nil {
			return err
		}
		if err := x.Validate(head, delegate, tx.Now()); err != nil {
			return err
		}
		held, err := tx.Delegations(store.DelegationFilter{DelegateUserID: x.DelegateUserID})
		if err != nil {
			return err
		}
		if err := x.Overlapping(held); err != nil {
			return err
		}
		if err := tx.InsertDelegation(x); err != nil {
			return err
		}
		return tx.Audit("create", "delegation", x.ID, nil, x)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// RevokeDelegation ends a delegation now (domain.MayRevokeDelegation says
// who may). Revoking one that has ended already changes nothing.
func (s *App) RevokeDelegation(ctx context.Context, a *domain.Actor, id int64) (*domain.Delegation, error) {
	var out *domain.Delegation
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		x, err := tx.Delegation(id)
		if err != nil && !store.IsNotFound(err) {
			return err
		}
		if err := domain.MayRevokeDelegation(a, x); err != nil {
			return err
		}
		out = x
		after := *x
		if !after.Revoke(tx.Now()) {
			return nil
		}
		if err := tx.UpdateDelegationRevokedAt(id, *after.RevokedAt); err != nil {
			return err
		}
		out = &after
		return tx.Audit("revoke", "delegation", id, x, after)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delegations lists the delegations the actor gave or holds, newest first;
// those who oversee delegations (domain.OverseesDelegations) see every
// delegation in their scope.
func (s *App) Delegations(ctx context.Context, a *domain.Actor) ([]*domain.Delegation, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	f := store.DelegationFilter{PartyUserID: a.User.ID}
	if domain.OverseesDelegations(a.User.Role) {
		f = store.DelegationFilter{ScopePath: a.Scope.Path}
	}
	return s.db.Reader(ctx).Delegations(f)
}

// DelegateCandidates lists the users a head may delegate to now: the
// active users of the delegate role in the head's unit that
// domain.MayDelegateTo accepts.
func (s *App) DelegateCandidates(ctx context.Context, head *domain.Actor) ([]*domain.User, error) {
	if err := domain.Authorize(head, domain.ActDelegate, nil, ""); err != nil {
		return nil, err
	}
	r := s.db.Reader(ctx)
	users, err := r.DelegationUsers(store.DelegationUserFilter{Role: domain.DelegateRole(head.User.Role),
		ScopePath: head.Org.Path, ExceptID: head.User.ID, ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	out := []*domain.User{}
	for _, u := range users {
		cand, err := actorOfUser(r, u)
		if err != nil {
			return nil, err
		}
		if domain.MayDelegateTo(head, cand) == nil {
			out = append(out, u)
		}
	}
	return out, nil
}
