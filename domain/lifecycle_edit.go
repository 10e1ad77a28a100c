package domain

import (
	"fmt"
	"reflect"
	"strings"
)

// The editing rules of a case's life cycle (DESIGN.md §2 “Case life cycle”):
// which statuses accept edits and evidence, which edits move a case from
// 登记 to 整治中, and which role-actions a change needs. The full transition
// table (request_closeout, approve, return, …) will absorb these.

// Editable reports whether a case in status may be edited: only 登记 and
// 整治中. In the review states the case must be returned first; 已销号 is
// read-only until reopened and 已作废 for good.
func Editable(status CaseStatus) bool {
	return status == StatusRegistered || status == StatusRectifying
}

// CheckEditable refuses an edit of a case in status with the reason the
// user can act on: under review it must be returned first, closed out it
// must be reopened, voided it is final.
func CheckEditable(status CaseStatus) error {
	var msg string
	switch {
	case Editable(status):
		return nil
	case status == StatusClosedOut:
		msg = "问题已销号，如需修改请先重新打开"
	case status == StatusVoided:
		msg = "问题已作废，不能再修改"
	default:
		msg = fmt.Sprintf("问题处于“%s”状态，正在审核，如需修改请先退回", StatusNames[status])
	}
	return &Error{Code: ECONFLICT, Field: "status", Message: msg}
}

// AcceptsEvidence reports whether evidence (档案材料) may be attached to a
// case in status: any live state, so that review states can still receive
// the material a reviewer asks for, but not a closed-out or voided case.
func AcceptsEvidence(status CaseStatus) bool {
	switch status {
	case StatusClosedOut, StatusVoided, "":
		return false
	}
	_, known := StatusNames[status]
	return known
}

// HasRectification reports whether any rectification is recorded:
// 停产或关闭 set, any 两断三清 item done, or 现场整治 started.
func (c *Case) HasRectification() bool {
	if c.Shutdown != "" && c.Shutdown != ShutdownNone {
		return true
	}
	for _, done := range c.Clears {
		if done {
			return true
		}
	}
	return c.OnsiteStatus != "" && c.OnsiteStatus != OnsiteNotStarted
}

// HasPenalty reports whether any penalty is recorded: 立案查处, a fine or
// confiscation, or 移送司法机关.
func (c *Case) HasPenalty() bool {
	return c.CaseFiled || c.FineFen > 0 || c.ConfiscatedFen > 0 || c.JudicialTransfer
}

// HasRectificationOrPenalty reports whether the case shows any action taken:
// the trigger that moves it from 登记 to 整治中.
func (c *Case) HasRectificationOrPenalty() bool {
	return c.HasRectification() || c.HasPenalty()
}

// StatusAfterEdit returns the status a case takes once an edit (or its
// creation) is applied: 登记 becomes 整治中 with the first rectification or
// penalty recorded; every other status stays.
func StatusAfterEdit(c *Case) CaseStatus {
	if c.Status == StatusRegistered && c.HasRectificationOrPenalty() {
		return StatusRectifying
	}
	return c.Status
}

// caseField is one field of CaseFields: its index, JSON name and the right
// a change of it needs.
type caseField struct {
	index int
	name  string
	right Action
}

// caseFieldList is CaseFields' fields in order with their rights, read once
// from the struct's json and right tags.
var caseFieldList = func() []caseField {
	t := reflect.TypeFor[CaseFields]()
	out := make([]caseField, t.NumField())
	for i := range out {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		right := ActEditCase
		switch f.Tag.Get("right") {
		case "":
		case "enforce":
			right = ActEnforce
		case "supervise":
			right = ActSupervise
		default:
			panic("domain: unknown right tag on CaseFields." + f.Name)
		}
		out[i] = caseField{index: i, name: name, right: right}
	}
	return out
}()

// FieldRight is the action a change of the case field with JSON name needs:
// ActEnforce for 停产或关闭 and 行政刑事处罚, 党纪政纪处理, ActSupervise for 挂牌督办,
// ActEditCase for every other field (the right tags on CaseFields), and ""
// for a name that is no case field.
func FieldRight(name string) Action {
	for _, f := range caseFieldList {
		if f.name == name {
			return f.right
		}
	}
	return ""
}

// EditActions lists the actions an actor needs to turn before into after:
// each changed field's FieldRight, in the order ActEnforce, ActSupervise,
// ActEditCase. Only fields that change count, so a form that sends back
// unchanged penalty fields needs no enforcement right; in the 两断三清 maps a
// missing item counts as not done and without a date.
func EditActions(before, after *Case) []Action {
	need := map[Action]bool{}
	b, a := reflect.ValueOf(&before.CaseFields).Elem(), reflect.ValueOf(&after.CaseFields).Elem()
	for _, f := range caseFieldList {
		if fieldChanged(b.Field(f.index), a.Field(f.index)) {
			need[f.right] = true
		}
	}
	var acts []Action
	for _, act := range []Action{ActEnforce, ActSupervise, ActEditCase} {
		if need[act] {
			acts = append(acts, act)
		}
	}
	return acts
}

// CreateActions lists the actions opening c needs beyond ActCreateCase: the
// rights of the restricted fields (ActEnforce, ActSupervise) it is opened
// with a value in — a value other than the one Normalize gives a field left
// empty.
func CreateActions(c *Case) []Action {
	base := &Case{CaseFields: c.CaseFields.Clone()}
	bv, dv := reflect.ValueOf(&base.CaseFields).Elem(), reflect.ValueOf(caseDefaults)
	for _, f := range caseFieldList {
		if f.right != ActEditCase {
			bv.Field(f.index).Set(dv.Field(f.index))
		}
	}
	return EditActions(base, c)
}

// CheckEditRights checks that role r may make a change needing acts
// (EditActions); the caller has checked scope. A change of nothing still
// needs a role that edits cases in some way, so a role that never does is
// refused rather than answered with the unchanged case.
func CheckEditRights(r Role, acts []Action) error {
	if len(acts) == 0 && !RoleMay(r, ActEditCase) && !RoleMay(r, ActEnforce) && !RoleMay(r, ActSupervise) {
		return RoleRefusal(r, ActEditCase)
	}
	for _, act := range acts {
		if !RoleMay(r, act) {
			return RoleRefusal(r, act)
		}
	}
	return nil
}

// CheckCreateRights checks that role r may open c with the values it
// carries (CreateActions); ActCreateCase itself is checked with the scope.
func CheckCreateRights(r Role, c *Case) error {
	for _, act := range CreateActions(c) {
		if !RoleMay(r, act) {
			return RoleRefusal(r, act)
		}
	}
	return nil
}

// CaseEditRights says which parts of a case a role may change while the
// case is in a status — the descriptive and rectification fields and the
// evidence (ActEditCase), 停产或关闭 and the penalties (ActEnforce), 挂牌督办
// (ActSupervise) — and, when it may change none, the real reason: the role
// (RoleRefusal) or the state (CheckEditable). The case page shows the
// parts it allows and the reason, and hides what it does not allow.
type CaseEditRights struct {
	Fields    bool
	Enforce   bool
	Supervise bool
	Evidence  bool   // may attach evidence now (AcceptsEvidence)
	Refusal   string // why nothing may change; "" when something may
}

// EditRightsFor gives role r's CaseEditRights on a case in status.
func EditRightsFor(r Role, status CaseStatus) CaseEditRights {
	e := CaseEditRights{Fields: RoleMay(r, ActEditCase), Enforce: RoleMay(r, ActEnforce), Supervise: RoleMay(r, ActSupervise)}
	e.Evidence = e.Fields && AcceptsEvidence(status)
	if !e.Fields && !e.Enforce && !e.Supervise {
		e.Refusal = RoleRefusal(r, ActEditCase).Message
		return e
	}
	if err := CheckEditable(status); err != nil {
		return CaseEditRights{Evidence: e.Evidence, Refusal: ErrorMessage(err)}
	}
	return e
}

// Any reports whether some part of the case may change.
func (e CaseEditRights) Any() bool { return e.Fields || e.Enforce || e.Supervise }

// fieldChanged compares one field of two cases; maps item by item, a
// missing item counting as the zero value.
func fieldChanged(b, a reflect.Value) bool {
	if b.Kind() != reflect.Map {
		return !b.Equal(a)
	}
	zero := reflect.Zero(b.Type().Elem())
	get := func(m, k reflect.Value) reflect.Value {
		if v := m.MapIndex(k); v.IsValid() {
			return v
		}
		return zero
	}
	for _, pair := range [][2]reflect.Value{{b, a}, {a, b}} {
		it := pair[0].MapRange()
		for it.Next() {
			if !it.Value().Equal(get(pair[1], it.Key())) {
				return true
			}
		}
	}
	return false
}
