package domain

import (
	"testing"
	"time"
)

func TestEffectiveRole(t *testing.T) {
	tree := testTree()
	officer := actorAt(RoleTownOfficer, tree)
	june := time.Date(2020, 6, 15, 10, 0, 0, 0, Shanghai())
	if r := EffectiveRole(officer, delegationTo(9), june); r != RoleTownHead {
		t.Errorf("active delegation: %s, want town_head", r)
	}
	if r := EffectiveRole(officer, nil, june); r != RoleTownOfficer {
		t.Errorf("no delegation: %s", r)
	}
	if r := ActingRole(officer, delegationTo(9), june, CaseReopen); r != RoleTownOfficer {
		t.Errorf("reopen is not delegable: %s", r)
	}
	if EffectiveRole(nil, delegationTo(9), june) != "" {
		t.Error("nil actor has no role")
	}
}

func TestDelegation_ActiveAt(t *testing.T) {
	d := delegationTo(9)
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{d.From.Add(-time.Nanosecond), false},
		{d.From, true},
		{d.Until.Add(-time.Nanosecond), true},
		{d.Until, false},
	} {
		if d.ActiveAt(tc.at) != tc.want {
			t.Errorf("at %v: %v, want %v", tc.at, !tc.want, tc.want)
		}
	}
	d.RevokedAt = ptr(d.From.Add(24 * time.Hour))
	if !d.ActiveAt(d.From) || d.ActiveAt(*d.RevokedAt) {
		t.Error("a revoked delegation ends at its revocation")
	}
}

func TestDelegation_Validate(t *testing.T) {
	tree := testTree()
	loc := Shanghai()
	now := time.Date(2020, 6, 1, 9, 0, 0, 0, loc)
	person := func(id int64, r Role, org, scope string) *Actor {
		return &Actor{User: User{ID: id, DisplayName: "用户" + string(rune('0'+id)), Role: r, Active: true},
			Org: *tree[org], Scope: *tree[scope]}
	}
	townHead := person(1, RoleTownHead, "town", "town")
	villageHead := person(2, RoleVillageHead, "village", "village")
	officer := person(3, RoleTownOfficer, "town", "town")
	otherOfficer := person(4, RoleTownOfficer, "other", "other")
	gridWorker := person(5, RoleGrid, "grid", "village") // placed at a grid of 新中社区
	otherGrid := person(6, RoleGrid, "ovillage", "ovillage")
	inactive := person(7, RoleTownOfficer, "town", "town")
	inactive.User.Active = false
	secondHead := person(8, RoleTownHead, "town", "town")

	month := func(d *Delegation) { d.From, d.Until = now, now.AddDate(0, 1, 0) }
	for _, tc := range []struct {
		name     string
		head     *Actor
		delegate *Actor
		period   func(*Delegation)
		code     string
		field    string
	}{
		{"town head to an officer of the town", townHead, officer, month, "", ""},
		{"village head to a grid worker of the village", villageHead, gridWorker, month, "", ""},
		{"town head to another town's officer", townHead, otherOfficer, month, EINVALID, "delegate_user_id"},
		{"town head to a grid worker", townHead, gridWorker, month, EINVALID, "delegate_user_id"},
		{"town head to another head", townHead, secondHead, month, EINVALID, "delegate_user_id"},
		{"village head to another village's grid worker", villageHead, otherGrid, month, EINVALID, "delegate_user_id"},
		{"village head to a town officer", villageHead, officer, month, EINVALID, "delegate_user_id"},
		{"to an inactive officer", townHead, inactive, month, EINVALID, "delegate_user_id"},
		{"to oneself", townHead, townHead, month, EINVALID, "delegate_user_id"},
		{"an officer cannot delegate", officer, officer, month, EFORBIDDEN, ""},
		{"the district office cannot delegate", actorAt(RoleDistrictOffice, tree), officer, month, EFORBIDDEN, ""},
		{"no start", townHead, officer, func(d *Delegation) { d.Until = now.Add(time.Hour) }, EINVALID, "from"},
		{"ends before it starts", townHead, officer, func(d *Delegation) { d.From, d.Until = now, now }, EINVALID, "until"},
		{"already over", townHead, officer, func(d *Delegation) { d.From, d.Until = now.AddDate(0, -1, 0), now }, EINVALID, "until"},
		{"exactly 90 days", townHead, officer, func(d *Delegation) { d.From, d.Until = now, now.Add(MaxDelegation) }, "", ""},
		{"over 90 days", townHead, officer, func(d *Delegation) { d.From, d.Until = now, now.Add(MaxDelegation+time.Second) }, EINVALID, "until"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &Delegation{Reason: "  出差学习 "}
			tc.period(d)
			err := d.Validate(tc.head, tc.delegate, now)
			if codeOf(t, err) != tc.code || ErrorField(err) != tc.field {
				t.Fatalf("got %v, want %q %q", err, tc.code, tc.field)
			}
			if err != nil {
				return
			}
			if d.HeadUserID != tc.head.User.ID || d.DelegateUserID != tc.delegate.User.ID || d.HeadName == "" ||
				d.DelegateName == "" || d.OrgID != tc.head.Org.ID || d.Role != tc.head.User.Role || d.Reason != "出差学习" {
				t.Fatalf("not filled in: %+v", d)
			}
			// A valid delegation makes the delegate act as the head.
			if r := EffectiveRole(tc.delegate, d, now.Add(time.Minute)); r != tc.head.User.Role {
				t.Errorf("delegate acts as %s, want %s", r, tc.head.User.Role)
			}
		})
	}
}

func TestDelegateRole(t *testing.T) {
	for head, want := range map[Role]Role{RoleTownHead: RoleTownOfficer, RoleVillageHead: RoleGrid, RoleTownOfficer: "", RoleDistrictOffice: ""} {
		if got := DelegateRole(head); got != want {
			t.Errorf("%s delegates to %q, want %q", head, got, want)
		}
	}
}

// TestMayDelegateTo: who may delegate to whom, whatever the period (what
// the candidates list asks).
func TestMayDelegateTo(t *testing.T) {
	tree := testTree()
	head := &Actor{User: User{ID: 1, Role: RoleTownHead, Active: true}, Org: *tree["town"], Scope: *tree["town"]}
	officer := &Actor{User: User{ID: 3, Role: RoleTownOfficer, Active: true}, Org: *tree["town"], Scope: *tree["town"]}
	if err := MayDelegateTo(head, officer); err != nil {
		t.Fatalf("town head to its officer: %v", err)
	}
	if err := MayDelegateTo(officer, head); ErrorCode(err) != EFORBIDDEN {
		t.Fatalf("an officer delegates: %v", err)
	}
	if err := MayDelegateTo(head, nil); ErrorCode(err) != EINVALID || ErrorField(err) != "delegate_user_id" {
		t.Fatalf("to nobody: %v", err)
	}
	if err := MayDelegateTo(nil, officer); ErrorCode(err) != EUNAUTHORIZED {
		t.Fatalf("no head: %v", err)
	}
}

func TestDelegationInForce_TheOneActiveNow(t *testing.T) {
	june := time.Date(2020, 6, 15, 10, 0, 0, 0, Shanghai())
	expired := delegationTo(9)
	expired.ID, expired.From, expired.Until = 1, june.AddDate(0, -1, 0), june.AddDate(0, 0, -1)
	revoked := delegationTo(9)
	revoked.ID, revoked.RevokedAt = 2, ptr(june.Add(-time.Hour))
	future := delegationTo(9)
	future.ID, future.From, future.Until = 3, june.Add(time.Hour), june.Add(48*time.Hour)
	active := delegationTo(9)
	active.ID = 4
	if got := DelegationInForce([]*Delegation{future, active, revoked, expired}, june); got != active {
		t.Fatalf("in force: %+v", got)
	}
	if got := DelegationInForce([]*Delegation{future, revoked, expired}, june); got != nil {
		t.Fatalf("none in force, got %+v", got)
	}
	if got := DelegationInForce(nil, june); got != nil {
		t.Fatalf("no delegations, got %+v", got)
	}
}

func TestDelegation_Overlapping(t *testing.T) {
	held := delegationTo(9) // June 2020
	revoked := delegationTo(9)
	revoked.RevokedAt = ptr(revoked.From)
	other := delegationTo(10)
	for _, tc := range []struct {
		name        string
		from, until time.Time
		held        []*Delegation
		conflict    bool
	}{
		{"inside", held.From.Add(time.Hour), held.Until.Add(-time.Hour), []*Delegation{held}, true},
		{"around", held.From.Add(-time.Hour), held.Until.Add(time.Hour), []*Delegation{held}, true},
		{"ends as it starts", held.From.Add(-time.Hour), held.From, []*Delegation{held}, false},
		{"starts as it ends", held.Until, held.Until.Add(time.Hour), []*Delegation{held}, false},
		{"the overlapping one is revoked", held.From, held.Until, []*Delegation{revoked}, false},
		{"another delegate's", held.From, held.Until, []*Delegation{other}, false},
		{"none held", held.From, held.Until, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &Delegation{DelegateUserID: 9, DelegateName: "李经办", From: tc.from, Until: tc.until}
			err := d.Overlapping(tc.held)
			if tc.conflict != (err != nil) || (err != nil && (ErrorCode(err) != ECONFLICT || ErrorField(err) != "delegate_user_id")) {
				t.Fatalf("got %v, want conflict %v", err, tc.conflict)
			}
		})
	}
}

func TestMayRevokeDelegation(t *testing.T) {
	x := delegationTo(9) // head 3, delegate 9
	person := func(id int64, r Role) *Actor { return &Actor{User: User{ID: id, Role: r, Active: true}} }
	for _, tc := range []struct {
		name string
		a    *Actor
		x    *Delegation
		code string
	}{
		{"its head", person(3, RoleTownHead), x, ""},
		{"an admin", person(1, RoleAdmin), x, ""},
		{"its delegate sees it but may not", person(9, RoleTownOfficer), x, EFORBIDDEN},
		{"anyone else", person(5, RoleTownHead), x, ENOTFOUND},
		{"the district office", person(6, RoleDistrictOffice), x, ENOTFOUND},
		{"no such delegation", person(3, RoleTownHead), nil, ENOTFOUND},
		{"nobody logged in", nil, x, EUNAUTHORIZED},
	} {
		if got := MayRevokeDelegation(tc.a, tc.x); ErrorCode(got) != tc.code {
			t.Errorf("%s: %v, want %q", tc.name, got, tc.code)
		}
	}
}

func TestDelegation_Revoke(t *testing.T) {
	x := delegationTo(9)
	now := x.From.Add(24 * time.Hour)
	if !x.Revoke(now) || x.RevokedAt == nil || !x.RevokedAt.Equal(now) || x.ActiveAt(now) {
		t.Fatalf("revoke: %+v", x)
	}
	if x.Revoke(now.Add(time.Hour)) || !x.RevokedAt.Equal(now) {
		t.Fatal("revoking twice changed the delegation")
	}
	over := delegationTo(9)
	if over.Revoke(over.Until) || over.RevokedAt != nil {
		t.Fatal("revoking one already over changed it")
	}
}

func TestOverseesDelegations(t *testing.T) {
	for _, r := range Roles {
		want := r == RoleDistrictOffice || r == RoleDiscipline || r == RoleAdmin
		if OverseesDelegations(r) != want {
			t.Errorf("%s: %v, want %v", r, !want, want)
		}
	}
}

func TestDelegation_SpanInWholeDays(t *testing.T) {
	loc := Shanghai()
	d := &Delegation{From: time.Date(2026, 12, 1, 9, 30, 0, 0, loc), Until: time.Date(2026, 12, 8, 0, 0, 0, 0, loc).UTC()}
	if from, until := d.Span(loc); from != "2026-12-01 09:30" || until != "2026-12-07" {
		t.Fatalf("span %s — %s", from, until)
	}
	d.From = time.Date(2026, 12, 2, 0, 0, 0, 0, loc)
	d.Until = time.Date(2026, 12, 5, 17, 0, 0, 0, loc)
	if from, until := d.Span(loc); from != "2026-12-02" || until != "2026-12-05 17:00" {
		t.Fatalf("span %s — %s", from, until)
	}
}

func TestSignOff_SignerRole_DelegateNamed(t *testing.T) {
	head := int64(9)
	s := SignOff{Role: RoleTownHead, OnBehalfOfUserID: &head, OnBehalfOfName: "王镇长"}
	if got := s.SignerRole(); got != "经办（受主要负责人授权）" {
		t.Fatalf("delegate: %q", got)
	}
	if got := (SignOff{Role: RoleTownHead}).SignerRole(); got != "镇（街道）主要负责人" {
		t.Fatalf("head: %q", got)
	}
}
