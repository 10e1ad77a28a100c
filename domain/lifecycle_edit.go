package domain

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

// EditActions lists the actions an actor needs to turn before into after:
// penalty and shutdown fields need ActEnforce, 挂牌督办 needs ActSupervise,
// any other case field ActEditCase. Only fields that change count, so a form
// that sends back unchanged penalty fields needs no enforcement right.
func EditActions(before, after *Case) []Action {
	var acts []Action
	if enforcementChanged(before, after) {
		acts = append(acts, ActEnforce)
	}
	if before.Supervised != after.Supervised || before.SupervisedDeadline != after.SupervisedDeadline {
		acts = append(acts, ActSupervise)
	}
	if descriptiveChanged(before, after) {
		acts = append(acts, ActEditCase)
	}
	return acts
}

// enforcementChanged covers 停产或关闭 and 行政刑事处罚, 党纪政纪处理.
func enforcementChanged(b, a *Case) bool {
	return b.Shutdown != a.Shutdown || b.ShutdownDate != a.ShutdownDate ||
		b.CaseFiled != a.CaseFiled || b.CaseNo != a.CaseNo ||
		b.FineFen != a.FineFen || b.ConfiscatedFen != a.ConfiscatedFen ||
		b.JudicialTransfer != a.JudicialTransfer || b.JudicialPersons != a.JudicialPersons ||
		b.DetainedPersons != a.DetainedPersons || b.DisciplinedPersons != a.DisciplinedPersons
}

// descriptiveChanged covers the remaining editable fields: the 附件1
// description, 两断三清, 现场整治 and 整改期限.
func descriptiveChanged(b, a *Case) bool {
	if b.UnitName != a.UnitName || b.Category != a.Category || b.Address != a.Address ||
		b.PersonInCharge != a.PersonInCharge || b.Description != a.Description ||
		b.Source != a.Source || b.SourceNo != a.SourceNo ||
		b.OnsiteStatus != a.OnsiteStatus || b.OnsiteDoneDate != a.OnsiteDoneDate ||
		b.RectifyDeadline != a.RectifyDeadline {
		return true
	}
	return !sameBools(b.Clears, a.Clears) || !sameDates(b.ClearDates, a.ClearDates)
}

// sameBools compares checklists, treating a missing item as not done.
func sameBools(x, y map[string]bool) bool {
	for k, v := range x {
		if y[k] != v {
			return false
		}
	}
	for k, v := range y {
		if x[k] != v {
			return false
		}
	}
	return true
}

func sameDates(x, y map[string]Date) bool {
	for k, v := range x {
		if y[k] != v {
			return false
		}
	}
	for k, v := range y {
		if x[k] != v {
			return false
		}
	}
	return true
}
