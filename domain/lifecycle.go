package domain

import (
	"fmt"
	"slices"
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

// NeedsReason reports whether action asks for a reason (return, reopen,
// void, transfer): the transition table's rows for it say so.
func NeedsReason(action CaseAction) bool {
	for i := range transitions {
		if transitions[i].action == action && transitions[i].reason {
			return true
		}
	}
	return false
}

// ReviewStatuses are the statuses a case waits for a signature in: those
// some approve row of the transition table starts from, in table order.
func ReviewStatuses() []CaseStatus {
	var out []CaseStatus
	for i := range transitions {
		if transitions[i].action != CaseApprove {
			continue
		}
		for _, s := range transitions[i].from {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

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

// EvidenceNeed is one piece of evidence a 销号 request needs, and how much
// of it the case has.
type EvidenceNeed struct {
	Kind string // AttachDonePhoto or AttachClearsPhoto
	Item string // for AttachClearsPhoto: the 两断三清 item
	Want int
	Have int
}

// Met reports whether the case has enough of it.
func (n EvidenceNeed) Met() bool { return n.Have >= n.Want }

// Label names the evidence in Chinese: “整改完成照片”, “两断三清照片（断水）”.
func (n EvidenceNeed) Label() string {
	if n.Item != "" {
		return fmt.Sprintf("%s（%s）", AttachmentKindNames[n.Kind], ClearItemNames[n.Item])
	}
	return AttachmentKindNames[n.Kind]
}

// EvidenceNeeds lists the evidence the campaign's rule (Campaign.Evidence)
// asks of a 销号 request for case c — at least DonePhotos 整改完成照片 and,
// when c is 关闭 or 取缔 and the rule says so, one 两断三清照片 showing each
// item of the checklist, in the campaign's order — with what files hold.
// Files that are not the case's own evidence (an inspection's photos) do
// not count.
func EvidenceNeeds(c *Case, camp *Campaign, files []*Attachment) []EvidenceNeed {
	rule := camp.Evidence()
	var needs []EvidenceNeed
	count := func(kind, item string) int {
		n := 0
		for _, f := range files {
			if f.CaseID != nil && *f.CaseID == c.ID && f.Kind == kind && (item == "" || f.Item == item) {
				n++
			}
		}
		return n
	}
	if rule.DonePhotos > 0 {
		needs = append(needs, EvidenceNeed{Kind: AttachDonePhoto, Want: rule.DonePhotos, Have: count(AttachDonePhoto, "")})
	}
	if rule.ClearsPhotos && (c.Shutdown == ShutdownClosed || c.Shutdown == ShutdownBanned) {
		for _, it := range campaignClearItems(camp) {
			needs = append(needs, EvidenceNeed{Kind: AttachClearsPhoto, Item: it, Want: 1, Have: count(AttachClearsPhoto, it)})
		}
	}
	return needs
}

// CheckCloseoutEvidence is request_closeout's evidence check, run with the
// case's files after Transition allowed the request (its content checks,
// readyForCloseout, come first): every EvidenceNeeds item met, else
// ECONFLICT on "attachments" naming each piece missing.
func CheckCloseoutEvidence(c *Case, camp *Campaign, files []*Attachment) error {
	var missing []string
	for _, n := range EvidenceNeeds(c, camp, files) {
		if n.Met() {
			continue
		}
		if n.Want > 1 {
			missing = append(missing, fmt.Sprintf("%s（至少 %d 张，现有 %d 张）", n.Label(), n.Want, n.Have))
		} else {
			missing = append(missing, n.Label())
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &Error{Code: ECONFLICT, Field: "attachments",
		Message: "申请销号还缺少材料：" + strings.Join(missing, "、") + "，请先上传"}
}

// LastReturn is the return that sent c back, while c waits to be worked on
// after it: c is 整治中 and its latest signature (signoffs in order) is a
// return. The case page shows its reason as a banner; the grid worker's
// home lists such cases.
func LastReturn(c *Case, signoffs []SignOff) (SignOff, bool) {
	if c.Status != StatusRectifying || len(signoffs) == 0 {
		return SignOff{}, false
	}
	last := signoffs[len(signoffs)-1]
	if last.Decision != CaseReturn {
		return SignOff{}, false
	}
	return last, true
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
//  1. unknown action                                   → EINVALID "action"
//  2. no actor                                         → EUNAUTHORIZED
//  3. the case lies outside the actor's scope          → ENOTFOUND (as for a missing case)
//  4. the actor read an older version (TransitionAsOf) → ECONFLICT "version"
//  5. the role never takes this action                 → EFORBIDDEN
//  6. nobody may take it from the case's status        → ECONFLICT "status"
//  7. the role may take it, but not in this state      → ECONFLICT "status" (the case waits
//     for someone else's step: for this user it is the wrong state, DESIGN.md §7's 409)
//  8. a reason is required and blank                   → EINVALID "reason"
//  9. the row's check fails                            → ECONFLICT naming the field
func Transition(a *Actor, c *Case, camp *Campaign, action CaseAction, reason string, place *OrgUnit) (newStatus CaseStatus, err error) {
	return TransitionAs(a, nil, time.Time{}, c, camp, action, reason, place)
}

// TransitionAs is Transition for an actor who may hold a head's delegation
// (del, nil for none): while it is active at now, the delegate approves and
// returns with the head's role. Every other action keeps the actor's own role.
func TransitionAs(a *Actor, del *Delegation, now time.Time, c *Case, camp *Campaign, action CaseAction, reason string, place *OrgUnit) (newStatus CaseStatus, err error) {
	return TransitionAsOf(a, del, now, c, 0, camp, action, reason, place)
}

// TransitionAsOf is TransitionAs for an actor who acted on version
// readVersion of the case (0: not given). A stale read is the first answer
// once the case is in the actor's scope (step 4): the actor acted on a view
// that another signer has overtaken, whatever the new state would let them
// do — of two signers at the same moment exactly one wins, the other gets 409.
func TransitionAsOf(a *Actor, del *Delegation, now time.Time, c *Case, readVersion int64, camp *Campaign, action CaseAction, reason string, place *OrgUnit) (newStatus CaseStatus, err error) {
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
	if readVersion > 0 && readVersion != c.Version {
		return "", Stale("问题", c.Version)
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
		return "", &Error{Code: EFORBIDDEN, Message: fmt.Sprintf("您的角色（%s）不能%s", RoleNames[role], CaseActionNames[action])}
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
// Transfer's new place is set by ApplyTransfer.
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

// ApplyTransfer moves a case (checked by CheckTransfer) and its site to
// the destination town and village (nil: none): the site is where the case
// is, so the new town sees both and the old town neither. The 问题编号
// stays: numbers are never reused.
func ApplyTransfer(c *Case, site *Site, town, village *OrgUnit) {
	c.OrgID, c.VillageID = town.ID, nil
	if village != nil {
		id := village.ID
		c.VillageID = &id
	}
	site.OrgID, site.VillageID = c.OrgID, nil
	if c.VillageID != nil {
		id := *c.VillageID
		site.VillageID = &id
	}
}
