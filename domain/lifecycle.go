package domain

import (
	"fmt"
	"strings"
	"time"
)

// The closed loop (闭环) of a case, DESIGN.md §2 “Case life cycle” and the
// actions of §7. Every move of a case's status after its creation goes
// through Transition, so the web UI, the JSON API and the CLI obey one table.
// Editing (登记 → 整治中 on the first rectification or penalty, and which
// statuses accept edits) lives in lifecycle_edit.go.
//
//	登记 registered ──(first rectification or penalty: StatusAfterEdit)──► 整治中 rectifying
//	     │                                                                    │
//	     └──────────────────────── request_closeout ◄─────────────────────────┘
//	                                      ▼                 grid, town_officer; 现场整治已完成,
//	                                                        关闭/取缔 also 两断三清 complete
//	                          申请销号 closeout_requested
//	                           │                     │
//	      approve: village_head│                     │approve: town_head
//	      (case has a village) ▼                     │(case has no village)
//	              村审核通过 village_approved        │
//	                           │ approve: town_head  │
//	                           ▼                     ▼
//	                          镇审核通过 town_approved
//	                                      │ approve: district_office, admin
//	                                      ▼
//	                          已销号 closed_out ── publish / unpublish (曝光台)
//	                                      │
//	     reopen + reason (复查发现死灰复燃): town_officer, district_office, admin
//	                                      ▼
//	                                整治中 rectifying
//
//	return + reason: from closeout_requested, village_approved or town_approved
//	  back to rectifying, by whoever may approve at that state.
//	void + reason (录入错误/重复): registered or rectifying → 已作废 voided (final);
//	  town_officer, district_office, admin.
//	transfer + reason: registered or rectifying, status unchanged; district_office, admin.

// CaseAction is one of the closed loop's actions (POST /api/v1/cases/{id}/actions "action").
type CaseAction string

// Case actions.
const (
	CaseRequestCloseout CaseAction = "request_closeout" // 申请销号
	CaseApprove         CaseAction = "approve"          // 审核通过（签字）
	CaseReturn          CaseAction = "return"           // 退回（签字）
	CaseReopen          CaseAction = "reopen"           // 重新打开
	CaseVoid            CaseAction = "void"             // 作废
	CaseTransfer        CaseAction = "transfer"         // 移交他镇（街道）
	CasePublish         CaseAction = "publish"          // 曝光台公开
	CaseUnpublish       CaseAction = "unpublish"        // 曝光台撤下
)

// CaseActions lists the case actions in the order the UI offers them.
var CaseActions = []CaseAction{CaseRequestCloseout, CaseApprove, CaseReturn, CaseReopen,
	CaseVoid, CaseTransfer, CasePublish, CaseUnpublish}

// CaseActionNames gives each case action's Chinese name.
var CaseActionNames = map[CaseAction]string{
	CaseRequestCloseout: "申请销号", CaseApprove: "审核通过", CaseReturn: "退回",
	CaseReopen: "重新打开", CaseVoid: "作废", CaseTransfer: "移交",
	CasePublish: "曝光台公开", CaseUnpublish: "曝光台撤下",
}

// ReopenReasonRecheck is the reason a re-check that finds a shut site
// running again gives for reopening its case.
const ReopenReasonRecheck = "复查发现死灰复燃"

// Unchanged in a rule's To keeps the case's status.
const Unchanged CaseStatus = ""

// condition limits a rule to some cases. why says, in Chinese, what is
// wrong with a case that fails it when no other rule applies (409).
type condition struct {
	holds func(*Case) bool
	why   string
}

var (
	// A case with a village is signed by the village head first; one
	// without skips the village step (DESIGN.md §2).
	withVillage    = &condition{func(c *Case) bool { return c.VillageID != nil }, "问题未归属村（社区）"}
	withoutVillage = &condition{func(c *Case) bool { return c.VillageID == nil }, "问题归属村（社区），须先经村（社区）审核"}
	offExposure    = &condition{func(c *Case) bool { return !c.Published }, "问题已在曝光台公开"}
	onExposure     = &condition{func(c *Case) bool { return c.Published }, "问题未在曝光台公开"}
)

// guard checks a case's content before a transition; it answers ECONFLICT
// naming the field that is missing.
type guard func(c *Case, camp *Campaign) error

// rule is one row of the transition table: action may be taken from any
// status in from, on a case meeting cond (if any), by a role in who; it
// moves the case to to, needs a reason when reason is set, and passes
// check first (if any).
type rule struct {
	action CaseAction
	from   []CaseStatus
	cond   *condition
	who    []Role
	to     CaseStatus
	reason bool
	check  guard
}

func fromStates(statuses ...CaseStatus) []CaseStatus { return statuses }
func byRoles(roles ...Role) []Role                   { return roles }

const needsReason = true

// transitions is the closed loop, read row by row. Returns mirror approvals:
// whoever may approve at a review state may return from it. Transfer is
// limited to registered and rectifying because a case under review carries
// the old town's signatures, which the new town's heads did not give: like
// an edit, a transfer waits until the case is returned; closed_out is read
// only until reopened, voided for good.
var transitions = []rule{
	// action, from statuses, limited to cases, who may, to status, reason, check
	{CaseRequestCloseout, fromStates(StatusRegistered, StatusRectifying), nil, byRoles(RoleGrid, RoleTownOfficer), StatusCloseoutRequested, false, readyForCloseout},

	{CaseApprove, fromStates(StatusCloseoutRequested), withVillage, byRoles(RoleVillageHead), StatusVillageApproved, false, nil},
	{CaseApprove, fromStates(StatusCloseoutRequested), withoutVillage, byRoles(RoleTownHead), StatusTownApproved, false, nil},
	{CaseApprove, fromStates(StatusVillageApproved), nil, byRoles(RoleTownHead), StatusTownApproved, false, nil},
	{CaseApprove, fromStates(StatusTownApproved), nil, byRoles(RoleDistrictOffice, RoleAdmin), StatusClosedOut, false, nil},

	{CaseReturn, fromStates(StatusCloseoutRequested), withVillage, byRoles(RoleVillageHead), StatusRectifying, needsReason, nil},
	{CaseReturn, fromStates(StatusCloseoutRequested), withoutVillage, byRoles(RoleTownHead), StatusRectifying, needsReason, nil},
	{CaseReturn, fromStates(StatusVillageApproved), nil, byRoles(RoleTownHead), StatusRectifying, needsReason, nil},
	{CaseReturn, fromStates(StatusTownApproved), nil, byRoles(RoleDistrictOffice, RoleAdmin), StatusRectifying, needsReason, nil},

	{CaseReopen, fromStates(StatusClosedOut), nil, byRoles(RoleTownOfficer, RoleDistrictOffice, RoleAdmin), StatusRectifying, needsReason, nil},
	{CaseVoid, fromStates(StatusRegistered, StatusRectifying), nil, byRoles(RoleTownOfficer, RoleDistrictOffice, RoleAdmin), StatusVoided, needsReason, nil},
	{CaseTransfer, fromStates(StatusRegistered, StatusRectifying), nil, byRoles(RoleDistrictOffice, RoleAdmin), Unchanged, needsReason, nil},
	{CasePublish, fromStates(StatusClosedOut), offExposure, byRoles(RoleDistrictOffice, RoleAdmin), Unchanged, false, nil},
	{CaseUnpublish, fromStates(StatusClosedOut), onExposure, byRoles(RoleDistrictOffice, RoleAdmin), Unchanged, false, nil},
}

// readyForCloseout is request_closeout's check: 现场整治 已完成 and, for a
// site that is 关闭 or 取缔, the campaign's whole 两断三清 checklist.
func readyForCloseout(c *Case, camp *Campaign) error {
	if c.OnsiteStatus != OnsiteDone {
		return &Error{Code: ECONFLICT, Field: "onsite_status",
			Message: "现场整治尚未完成，不能申请销号"}
	}
	if c.Shutdown == ShutdownClosed || c.Shutdown == ShutdownBanned {
		if missing := missingClears(c, campaignClearItems(camp)); len(missing) > 0 {
			return &Error{Code: ECONFLICT, Field: "two_cuts_three_clears",
				Message: fmt.Sprintf("已%s，“两断三清”尚未完成（%s），不能申请销号",
					ShutdownNames[c.Shutdown], strings.Join(missing, "、"))}
		}
	}
	return nil
}

func (r *rule) startsFrom(status CaseStatus) bool {
	for _, s := range r.from {
		if s == status {
			return true
		}
	}
	return false
}

// appliesTo reports whether the row covers the case in its present state.
func (r *rule) appliesTo(c *Case) bool {
	return r.startsFrom(c.Status) && (r.cond == nil || r.cond.holds(c))
}

func (r *rule) allows(role Role) bool {
	for _, x := range r.who {
		if x == role {
			return true
		}
	}
	return false
}

func knownCaseAction(action CaseAction) bool {
	_, ok := CaseActionNames[action]
	return ok
}

// isSignature reports whether an action is a signature (签字) that a head may
// delegate: approve and return.
func isSignature(action CaseAction) bool { return action == CaseApprove || action == CaseReturn }

// Transition checks whether a may take action on case c, placed at place
// (its village, else its town), and returns the status the case moves to.
// It changes nothing; ApplyTransition does. The checks run in this order,
// so each refusal has one answer:
//
//  1. unknown action                                → EINVALID "action"
//  2. no actor                                      → EUNAUTHORIZED
//  3. the case lies outside the actor's scope       → ENOTFOUND (as for a missing case)
//  4. the role never takes this action              → EFORBIDDEN
//  5. nobody may take it from the case's status     → ECONFLICT "status"
//  6. the role may take it, but not in this state   → EFORBIDDEN
//  7. a reason is required and blank                → EINVALID "reason"
//  8. the row's check fails                         → ECONFLICT naming the field
func Transition(a *Actor, c *Case, camp *Campaign, action CaseAction, reason string, place *OrgUnit) (newStatus CaseStatus, err error) {
	return TransitionAs(a, nil, time.Time{}, c, camp, action, reason, place)
}

// TransitionAs is Transition for an actor who may hold a head's delegation
// (del, nil for none): while it is active at now, the delegate approves and
// returns with the head's role. Every other action keeps the actor's own role.
func TransitionAs(a *Actor, del *Delegation, now time.Time, c *Case, camp *Campaign, action CaseAction, reason string, place *OrgUnit) (newStatus CaseStatus, err error) {
	if !knownCaseAction(action) {
		return "", Invalid("action", "未知的操作“%s”", action)
	}
	if a == nil {
		return "", &Error{Code: EUNAUTHORIZED, Message: "请先登录"}
	}
	if err := checkPlace(c, place); err != nil {
		return "", err
	}
	if !a.Sees(place) {
		return "", NotFound("问题")
	}
	role := ActingRole(a, del, now, action)

	var ever, inState bool // some row lets this role act; some row fits this state
	var unmet *condition   // a row that fits the status but not the case
	for i := range transitions {
		r := &transitions[i]
		if r.action != action {
			continue
		}
		ever = ever || r.allows(role)
		if !r.startsFrom(c.Status) {
			continue
		}
		if r.cond != nil && !r.cond.holds(c) {
			unmet = r.cond
			continue
		}
		inState = true
		if !r.allows(role) {
			continue
		}
		// This row decides: a role appears at most once per action and state.
		if r.reason && strings.TrimSpace(reason) == "" {
			return "", Invalid("reason", "请填写%s的理由", CaseActionNames[action])
		}
		if r.check != nil {
			if err := r.check(c, camp); err != nil {
				return "", err
			}
		}
		if r.to == Unchanged {
			return c.Status, nil
		}
		return r.to, nil
	}
	switch {
	case !ever:
		// 403 means the role may never do this: not the case's state.
		return "", Forbidden()
	case inState:
		// The action fits this state, but for another role: the case waits
		// for someone else's step, so for this user it is the wrong state.
		return "", &Error{Code: ECONFLICT, Field: "status",
			Message: fmt.Sprintf("问题当前状态为“%s”，应由%s%s", statusName(c.Status), RoleNames[Reviewer(c)], CaseActionNames[action])}
	case unmet != nil:
		return "", &Error{Code: ECONFLICT, Field: "status",
			Message: fmt.Sprintf("%s，不能%s", unmet.why, CaseActionNames[action])}
	}
	return "", &Error{Code: ECONFLICT, Field: "status",
		Message: fmt.Sprintf("问题当前状态为“%s”，不能%s", statusName(c.Status), CaseActionNames[action])}
}

// checkPlace guards against a caller passing the wrong unit as the case's
// place: that would check scope against the wrong subtree.
func checkPlace(c *Case, place *OrgUnit) error {
	want := c.OrgID
	if c.VillageID != nil {
		want = *c.VillageID
	}
	if place == nil || place.ID != want {
		return Errorf(EINTERNAL, "case %d: place is not the case's village or town", c.ID)
	}
	return nil
}

func statusName(s CaseStatus) string {
	if n, ok := StatusNames[s]; ok {
		return n
	}
	return string(s)
}

// AllowedActions lists, in CaseActions order, the actions a may take on c
// in its present state: what the case page offers as buttons. It does not
// check scope (the caller has already shown the case), reasons, or the
// content checks of request_closeout: a press of that button explains what
// is missing (409 naming the field).
func AllowedActions(a *Actor, c *Case) []CaseAction {
	return AllowedActionsAs(a, nil, time.Time{}, c)
}

// AllowedActionsAs is AllowedActions for an actor who may hold a delegation.
func AllowedActionsAs(a *Actor, del *Delegation, now time.Time, c *Case) []CaseAction {
	if a == nil {
		return nil
	}
	var acts []CaseAction
	for _, action := range CaseActions {
		role := ActingRole(a, del, now, action)
		for i := range transitions {
			r := &transitions[i]
			if r.action == action && r.appliesTo(c) && r.allows(role) {
				acts = append(acts, action)
				break
			}
		}
	}
	return acts
}

// Reviewer returns the role whose signature the case waits for (村/镇/区),
// or "" when it is not under review.
func Reviewer(c *Case) Role {
	for i := range transitions {
		r := &transitions[i]
		if r.action == CaseApprove && r.appliesTo(c) {
			return r.who[0]
		}
	}
	return ""
}

// ApplyTransition records on c the outcome of an action that Transition
// allowed with newStatus, at now: the status; 销号 time on closing out; on
// reopening the 销号 time cleared and the case taken off the 曝光台 (only
// closed-out cases are shown there); the 曝光台 flag on publish/unpublish.
// Transfer's new org and village are set by the caller.
func ApplyTransition(c *Case, action CaseAction, newStatus CaseStatus, now time.Time) {
	c.Status = newStatus
	switch action {
	case CaseApprove:
		if newStatus == StatusClosedOut {
			t := now
			c.ClosedAt = &t
		}
	case CaseReopen:
		c.ClosedAt = nil
		c.Published = false
	case CasePublish:
		c.Published = true
	case CaseUnpublish:
		c.Published = false
	}
}

// CheckTransfer checks the destination of a transfer: a town-level unit in
// the actor's scope (else 404, as for a missing one), and a village, when
// given, that lies under that town. Moving a case to where it already is
// is refused.
func CheckTransfer(a *Actor, c *Case, town, village *OrgUnit) error {
	if town == nil || !a.Sees(town) {
		return NotFound("单位")
	}
	if !town.IsTown() {
		return Invalid("org_id", "问题只能移交到开发区、镇、街道或乡")
	}
	if village != nil {
		if !a.Sees(village) {
			return NotFound("村（社区）")
		}
		if t := village.Kind.Tier(); t != TierVillage || !town.Contains(village) {
			return Invalid("village_id", "村（社区）须属于%s", town.Name)
		}
	}
	sameVillage := (village == nil && c.VillageID == nil) ||
		(village != nil && c.VillageID != nil && village.ID == *c.VillageID)
	if town.ID == c.OrgID && sameVillage {
		return Invalid("org_id", "问题已属于%s", town.Name)
	}
	return nil
}

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

// ActiveAt reports whether the delegation is in force at t: From ≤ t < Until,
// and not revoked by then.
func (d Delegation) ActiveAt(t time.Time) bool {
	if d.RevokedAt != nil && !t.Before(*d.RevokedAt) {
		return false
	}
	return !t.Before(d.From) && t.Before(d.Until)
}

// Validate checks a new delegation from head to delegate at now and fills
// in the names, the unit and the role from them. The head must be a town or
// village head; the delegate an active officer of the same unit (a town
// officer of the town, or a grid worker of the village); the period must
// end after it starts and after now, and last at most MaxDelegation.
func (d *Delegation) Validate(head, delegate *Actor, now time.Time) error {
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
