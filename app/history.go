package app

import (
	"context"
	"encoding/json"
	"fmt"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// CaseHistory is a case's history (办理记录) as a clerk reads it, oldest
// first: each audit event of the case described by the domain
// (domain.CaseEvent.Describe), its actor named from the users table
// (display name, the role they acted in, their unit), for whoever may read
// the case.
func (s *App) CaseHistory(ctx context.Context, a *domain.Actor, caseID int64) ([]domain.HistoryEntry, error) {
	evs, err := s.CaseTimeline(ctx, a, caseID)
	if err != nil {
		return nil, err
	}
	r := s.db.Reader(ctx)
	c, _, err := r.Case(caseID)
	if err != nil {
		return nil, found(err, "问题")
	}
	camp, err := r.Campaign(c.CampaignID)
	if err != nil {
		return nil, found(err, "专项行动")
	}
	names := newNamer(r)
	out := make([]domain.HistoryEntry, 0, len(evs))
	for _, ev := range evs {
		ce, err := decodeCaseEvent(ev)
		if err != nil {
			return nil, fmt.Errorf("case %d history, event %d: %w", caseID, ev.Seq, err)
		}
		what, lines := ce.Describe(camp, names.unitName)
		actor, unit, err := names.user(ev.ActorID, ev.ActorName)
		if err != nil {
			return nil, err
		}
		out = append(out, domain.HistoryEntry{Seq: ev.Seq, At: ev.At, Actor: actor, Role: domain.RoleNames[ev.Role],
			Unit: unit, What: what, Lines: lines})
	}
	return out, names.err
}

// decodeCaseEvent reads an audit event of a case: the case before and
// after (an action's after also carries its reason), or the attachment
// added.
func decodeCaseEvent(ev domain.AuditEvent) (domain.CaseEvent, error) {
	ce := domain.CaseEvent{Action: ev.Action}
	if ev.Action == "attach" {
		var x domain.Attachment
		if err := json.Unmarshal(ev.After, &x); err != nil {
			return ce, err
		}
		ce.Attachment = &x
		return ce, nil
	}
	if len(ev.Before) > 0 && string(ev.Before) != "null" {
		var b domain.Case
		if err := json.Unmarshal(ev.Before, &b); err != nil {
			return ce, err
		}
		ce.Before = &b
	}
	if len(ev.After) > 0 && string(ev.After) != "null" {
		var rec caseActionRecord
		if err := json.Unmarshal(ev.After, &rec); err != nil {
			return ce, err
		}
		ce.After, ce.Reason = &rec.Case, rec.ActionReason
	}
	return ce, nil
}

// namer names users and units for a history, each looked up once. A
// user or unit no longer found is no error; any other is kept in err.
type namer struct {
	r     store.Reader
	users map[int64]*domain.User
	units map[int64]string
	err   error
}

func newNamer(r store.Reader) *namer {
	return &namer{r: r, users: map[int64]*domain.User{}, units: map[int64]string{}}
}

// user gives an actor's display name and unit; the program itself (id 0)
// is 系统, and a user no longer found keeps the name the event recorded.
func (n *namer) user(id int64, recorded string) (name, unit string, err error) {
	if id == 0 {
		return "系统", "", nil
	}
	u, ok := n.users[id]
	if !ok {
		if u, err = n.r.User(id); err != nil && !store.IsNotFound(err) {
			return "", "", err
		}
		n.users[id] = u
	}
	if u == nil {
		return recorded, "", nil
	}
	return u.DisplayName, n.unitName(u.OrgID), n.err
}

// unitName gives a unit's name ("" when not found).
func (n *namer) unitName(id int64) string {
	name, ok := n.units[id]
	if !ok {
		o, err := n.r.Org(id)
		switch {
		case err == nil:
			name = o.Name
		case !store.IsNotFound(err) && n.err == nil:
			n.err = err
		}
		n.units[id] = name
	}
	return name
}
