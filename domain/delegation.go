package domain

import (
	"fmt"
	"strings"
	"time"
)

// Delegation (授权签字) lets a head (镇/村负责人) have a named officer sign
// for them for a period: the town head an officer of the same town, the
// village head a grid worker of the same village. While active, the
// delegate approves and returns cases, and for a town head submits weekly
// reports, with the head's role; every signature records both names.
type Delegation struct {
	ID             int64      `json:"id"`
	HeadUserID     int64      `json:"head_user_id"`
	HeadName       string     `json:"head_name"`
	DelegateUserID int64      `json:"delegate_user_id"`
	DelegateName   string     `json:"delegate_name"`
	OrgID          int64      `json:"org_id"` // the head's unit (town or village)
	Role           Role       `json:"role"`   // the head's role: town_head or village_head
	From           time.Time  `json:"from"`
	Until          time.Time  `json:"until"`
	Reason         string     `json:"reason"`
	RevokedAt      *time.Time `json:"revoked_at,omitempty"` // ended early by the head
}

// MaxDelegation is the longest period a delegation may cover: a head away
// longer than a quarter should be replaced, not stood in for.
const MaxDelegation = 90 * 24 * time.Hour

// delegateRole is the role a head's delegate must hold.
var delegateRole = map[Role]Role{
	RoleTownHead:    RoleTownOfficer,
	RoleVillageHead: RoleGrid,
}

// DelegateRole is the role a head of role head may delegate signing to (a
// town head's town officer, a village head's grid worker), or "" for a
// role that does not delegate.
func DelegateRole(head Role) Role { return delegateRole[head] }

// Span is how the delegation's period reads in loc: whole days
// (“2026-12-01”, “2026-12-07”: the last day it covers) when an end falls at
// midnight — as one given in days does, Until being the start of the day
// after — else the instant to the minute.
func (d *Delegation) Span(loc *time.Location) (from, until string) {
	show := func(t time.Time, last bool) string {
		t = t.In(loc)
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
			if last {
				t = t.AddDate(0, 0, -1)
			}
			return t.Format(DateLayout)
		}
		return t.Format("2006-01-02 15:04")
	}
	return show(d.From, false), show(d.Until, true)
}

// ActiveAt reports whether the delegation is in force at t: From ≤ t < Until,
// and not revoked by then.
func (d Delegation) ActiveAt(t time.Time) bool {
	if d.RevokedAt != nil && !t.Before(*d.RevokedAt) {
		return false
	}
	return !t.Before(d.From) && t.Before(d.Until)
}

// DelegationInForce picks, from the delegations a user holds as a delegate
// (newest first), the one in force at now (ActiveAt), or nil. A delegate
// holds at most one at a time (Overlapping), so a signature names exactly
// one head.
func DelegationInForce(held []*Delegation, now time.Time) *Delegation {
	for _, x := range held {
		if x.ActiveAt(now) {
			return x
		}
	}
	return nil
}

// MayDelegateTo checks who may delegate to whom: the head must be a town
// or village head; the delegate an active officer of the same unit (a
// town officer of the town, or a grid worker of the village).
func MayDelegateTo(head, delegate *Actor) error {
	if err := Authorize(head, ActDelegate, nil, ""); err != nil {
		return err
	}
	want := delegateRole[head.User.Role]
	if delegate == nil || !delegate.User.Active {
		return Invalid("delegate_user_id", "被授权人不存在或已停用")
	}
	if delegate.User.ID == head.User.ID {
		return Invalid("delegate_user_id", "不能授权给自己")
	}
	if delegate.User.Role != want || delegate.Scope.ID != head.Org.ID {
		return Invalid("delegate_user_id", "只能授权给本单位的%s", RoleNames[want])
	}
	return nil
}

// Validate checks a new delegation from head to delegate at now and fills
// in the names, the unit and the role from them: who may delegate to whom
// (MayDelegateTo); the period must end after it starts and after now, and
// last at most MaxDelegation.
func (d *Delegation) Validate(head, delegate *Actor, now time.Time) error {
	if err := MayDelegateTo(head, delegate); err != nil {
		return err
	}
	if d.From.IsZero() {
		return Invalid("from", "请填写授权开始时间")
	}
	if !d.Until.After(d.From) {
		return Invalid("until", "授权结束时间须晚于开始时间")
	}
	if !d.Until.After(now) {
		return Invalid("until", "授权结束时间已过")
	}
	if d.Until.Sub(d.From) > MaxDelegation {
		return Invalid("until", "授权期限不能超过%d天", int(MaxDelegation/(24*time.Hour)))
	}
	d.HeadUserID, d.HeadName = head.User.ID, head.User.DisplayName
	d.DelegateUserID, d.DelegateName = delegate.User.ID, delegate.User.DisplayName
	d.OrgID, d.Role = head.Org.ID, head.User.Role
	d.Reason = strings.TrimSpace(d.Reason)
	return nil
}

// Overlapping refuses a new delegation d (validated) whose period overlaps
// one its delegate already holds and that is not revoked (409): a delegate
// holds at most one delegation at a time, so a signature names exactly one
// head. held are the delegate's delegations.
func (d *Delegation) Overlapping(held []*Delegation) error {
	for _, x := range held {
		if x.DelegateUserID == d.DelegateUserID && x.RevokedAt == nil && x.From.Before(d.Until) && x.Until.After(d.From) {
			return &Error{Code: ECONFLICT, Field: "delegate_user_id",
				Message: fmt.Sprintf("%s 在这段时间已有授权，请先撤销原授权", d.DelegateName)}
		}
	}
	return nil
}

// MayRevokeDelegation checks a's revocation of x (nil: no such delegation):
// its head or an admin revokes; its delegate sees it but may not (403);
// anyone else is told it does not exist (404).
func MayRevokeDelegation(a *Actor, x *Delegation) error {
	if a == nil {
		return &Error{Code: EUNAUTHORIZED, Message: "请先登录"}
	}
	if x == nil || (x.HeadUserID != a.User.ID && x.DelegateUserID != a.User.ID && a.User.Role != RoleAdmin) {
		return NotFound("授权")
	}
	if x.HeadUserID != a.User.ID && a.User.Role != RoleAdmin {
		return Forbidden()
	}
	return nil
}

// Revoke ends the delegation at now and reports whether that changed it:
// one revoked already or over by now stays as it is.
func (d *Delegation) Revoke(now time.Time) bool {
	if d.RevokedAt != nil || !now.Before(d.Until) {
		return false
	}
	t := now
	d.RevokedAt = &t
	return true
}

// OverseesDelegations reports whether a role sees every delegation in its
// scope (the district office, the discipline commission, the admin); every
// other role sees the delegations it gave or holds.
func OverseesDelegations(r Role) bool {
	return r == RoleDistrictOffice || r == RoleDiscipline || r == RoleAdmin
}

// EffectiveRole is the role a acts with under del at now: the head's role
// when del names a as its delegate, is in force, and a holds the delegate
// role in the head's unit; else a's own role. Callers use it for the
// delegable acts only: approve and return (ActingRole) and submitting a
// weekly report.
func EffectiveRole(a *Actor, del *Delegation, now time.Time) Role {
	if a == nil {
		return ""
	}
	if del == nil || del.DelegateUserID != a.User.ID || !del.ActiveAt(now) ||
		delegateRole[del.Role] == "" || delegateRole[del.Role] != a.User.Role || del.OrgID != a.Scope.ID {
		return a.User.Role
	}
	return del.Role
}

// ActingRole is the role a takes action with: the delegated head's role for
// approve and return, a's own role for everything else.
func ActingRole(a *Actor, del *Delegation, now time.Time, action CaseAction) Role {
	if isSignature(action) {
		return EffectiveRole(a, del, now)
	}
	return a.Role()
}
