package domain

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// Dates the campaign watches over a case's life (DESIGN.md §2): 整改期限
// (overdue flag), 挂牌督办 with its own deadline, and periodic re-checks of
// shut sites, whose finding of a site running again (死灰复燃) prompts the
// town officer or district office to reopen its case.

// DefaultRecheckDays and DefaultSupervisedDays apply when a campaign leaves
// them unset; Campaign.Normalize fills them in.
const (
	DefaultRecheckDays    = 30
	DefaultSupervisedDays = 60
)

// liveCase reports whether a case still runs its course: not closed out and not
// voided (a voided case counts nowhere), i.e. not in FinishedStatuses.
func liveCase(c *Case) bool {
	return !slices.Contains(FinishedStatuses, c.Status)
}

// Overdue reports whether a case is 超期未整改: past its 整改期限 (the
// deadline lies before today) and not rectified — its 现场整治 is not 已完成 —
// and neither closed out nor voided. A case rectified on site has met its
// 整改期限 even while its 销号 is pending: it is AwaitingCloseout instead.
// It is the rule of ValidateCase's RuleOverdue warning, of the dashboard's
// 超期未整改 figure and of the case list's overdue filter.
func Overdue(c *Case, today Date) bool {
	return liveCase(c) && c.OnsiteStatus != OnsiteDone && c.RectifyDeadline != "" && c.RectifyDeadline < today
}

// AwaitingCloseout reports whether a case is 已整改待销号: rectified on site
// (现场整治 已完成) but neither closed out nor voided — its 销号 is still to
// be requested or signed. The dashboard's figure and the case list's
// awaiting_closeout filter count by it.
func AwaitingCloseout(c *Case) bool {
	return liveCase(c) && c.OnsiteStatus == OnsiteDone
}

// UnderSupervision reports whether a case is 挂牌督办 and still runs its
// course (neither closed out nor voided): the dashboard's 挂牌督办 figure and
// the case list's supervised filter.
func UnderSupervision(c *Case) bool {
	return liveCase(c) && c.Supervised
}

// Stagnant reports whether a live case has gone StaleAfter (14 days)
// without any change: the notice wants weekly progress, so two silent weeks
// stand out on every case list and, in [10], on the accountability view.
func Stagnant(c *Case, now time.Time) bool {
	return liveCase(c) && !c.UpdatedAt.IsZero() && now.Sub(c.UpdatedAt) >= StaleAfter
}

// SupervisedOverdue reports whether a 挂牌督办 case is past its own
// deadline and still neither closed out nor voided.
func SupervisedOverdue(c *Case, today Date) bool {
	return liveCase(c) && c.Supervised && c.SupervisedDeadline != "" && c.SupervisedDeadline < today
}

// campaignLoc is where a campaign's dates are read (Asia/Shanghai).
func campaignLoc(camp *Campaign) *time.Location {
	if camp == nil {
		return Shanghai()
	}
	return camp.deadlineLoc()
}

// DefaultSupervisedDeadline is the 挂牌督办 deadline a case gets when it is
// flagged at from without one: the campaign's SupervisedDays (default 60)
// calendar days after from's date.
func DefaultSupervisedDeadline(camp *Campaign, from time.Time) Date {
	days := DefaultSupervisedDays
	if camp != nil && camp.SupervisedDays > 0 {
		days = camp.SupervisedDays
	}
	return DateOf(from.In(campaignLoc(camp)).AddDate(0, 0, days), campaignLoc(camp))
}

// recheckStates are the site states that call for periodic re-checks:
// 停产, 关闭, 取缔. A case's 停产或关闭 uses the same codes.
var recheckStates = []string{SiteSuspended, SiteClosed, SiteBanned}

// needsRecheck reports whether a site state (or a case's 停产或关闭, which
// uses the same codes) calls for periodic re-checks.
func needsRecheck(state string) bool { return slices.Contains(recheckStates, state) }

// RecheckSiteStates lists the site states that put a site on the re-check
// schedule (the due list's query narrows by them; RecheckDue decides).
func RecheckSiteStates() []string { return slices.Clone(recheckStates) }

// RecheckShutdowns lists the case 停产或关闭 decisions that put the case's
// site on the re-check schedule: those whose code is a re-check state.
func RecheckShutdowns() []Shutdown {
	var out []Shutdown
	for _, s := range recheckStates {
		if _, ok := ShutdownNames[Shutdown(s)]; ok {
			out = append(out, Shutdown(s))
		}
	}
	return out
}

// RecheckState is the state a site is re-checked by: its case's 停产或关闭
// in the campaign (caseShutdown, "" for no live case) when the case has
// one, being the more recent word on the site; else the register's state.
func RecheckState(siteState string, caseShutdown Shutdown) string {
	if caseShutdown != "" && caseShutdown != ShutdownNone {
		return string(caseShutdown)
	}
	return siteState
}

// RecheckDue returns when a site in state, last checked at lastCheck, is
// due for its next re-check — the campaign's RecheckDays (default 30)
// calendar days after the check's date — and whether that is today or
// earlier. A site never checked (zero lastCheck) is due today. A producing
// site has no re-check: ("", false).
func RecheckDue(state string, lastCheck time.Time, camp *Campaign, today Date) (due Date, isDue bool) {
	if !needsRecheck(state) {
		return "", false
	}
	if lastCheck.IsZero() {
		return today, true
	}
	days := DefaultRecheckDays
	if camp != nil && camp.RecheckDays > 0 {
		days = camp.RecheckDays
	}
	loc := campaignLoc(camp)
	due = DateOf(lastCheck.In(loc).AddDate(0, 0, days), loc)
	return due, due <= today
}

// RecheckItem is one shut site on the re-check schedule, with its case in
// the campaign if it has one.
type RecheckItem struct {
	SiteID    int64     `json:"site_id"`
	SiteName  string    `json:"site_name"`
	State     string    `json:"state"`
	CaseID    *int64    `json:"case_id"`
	LastCheck time.Time `json:"last_check"` // zero: never checked
	Due       Date      `json:"due"`
}

// DueRechecks is the due list: the items whose re-check falls today or
// earlier, each with its Due date set, most overdue first (then by site).
func DueRechecks(items []RecheckItem, camp *Campaign, today Date) []RecheckItem {
	var due []RecheckItem
	for _, it := range items {
		d, ok := RecheckDue(it.State, it.LastCheck, camp, today)
		if !ok {
			continue
		}
		it.Due = d
		due = append(due, it)
	}
	sort.SliceStable(due, func(i, j int) bool {
		if due[i].Due != due[j].Due {
			return due[i].Due < due[j].Due
		}
		return due[i].SiteID < due[j].SiteID
	})
	return due
}

// Re-check outcomes.
const (
	RecheckStillShut = "still_shut" // 仍停产/关闭，无异常
	RecheckRunning   = "running"    // 死灰复燃: the site produces again
)

// RecheckInspection is the inspection a re-check with outcome is recorded
// as: still_shut as 无问题, running (死灰复燃) as 发现问题, with a note that
// says so followed by the inspector's own.
func RecheckInspection(outcome, note string) (inspectionOutcome, inspectionNote string, err error) {
	switch strings.TrimSpace(outcome) {
	case RecheckStillShut:
		inspectionOutcome, inspectionNote = OutcomeNoProblem, "复查：仍停产（关闭），无异常"
	case RecheckRunning:
		inspectionOutcome, inspectionNote = OutcomeProblem, "复查："+ReopenReasonRecheck
	default:
		return "", "", Invalid("outcome", "复查结果应为 still_shut（仍停产/关闭）或 running（死灰复燃）")
	}
	if n := strings.TrimSpace(note); n != "" {
		inspectionNote += "。" + n
	}
	return inspectionOutcome, inspectionNote, nil
}

// RecheckFindsRunning reports whether a re-check outcome means the site is
// running again: RecheckRunning, or an inspection of the shut site that
// found a problem (OutcomeProblem).
func RecheckFindsRunning(outcome string) bool {
	return outcome == RecheckRunning || outcome == OutcomeProblem
}

// RecheckPromptsReopen reports whether a re-check of c's site with outcome
// should prompt the town officer or district office to reopen c: the site
// runs again and the case is closed out. Reopening itself goes through
// Transition (CaseReopen) with ReopenReasonRecheck; a case still open is
// simply worked on.
func RecheckPromptsReopen(c *Case, outcome string) bool {
	return c != nil && c.Status == StatusClosedOut && RecheckFindsRunning(outcome)
}

// AwaitsRecheckReopen reports whether c is a closed-out case whose site an
// inspection found running again (发现问题) after its 销号: lastFinding is
// the latest such finding on the site (zero: none). The case waits for the
// town officer or district office to reopen it (CaseReopen with
// ReopenReasonRecheck).
func AwaitsRecheckReopen(c *Case, lastFinding time.Time) bool {
	return c != nil && c.Status == StatusClosedOut && c.ClosedAt != nil && lastFinding.After(*c.ClosedAt)
}
