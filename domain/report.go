package domain

import (
	"fmt"
	"strings"
	"time"
)

// Weekly reports (周报, DESIGN.md §4): every town-level unit reports the
// campaign's progress before each deadline (每周三17:00前). A report carries
// one 附件2 row (the town) and the town's 附件1 rows; submitting freezes
// both, so a report never changes when cases change later. On time means
// first submitted strictly before the deadline (OnTime in deadline.go).

// ReportStatus is a weekly report's state. draft, submitted, returned and
// accepted are stored; missing and exempt are what a list shows for a town
// without a submitted report once the deadline has passed, or excused from
// it (ReportRows).
type ReportStatus string

const (
	ReportDraft     ReportStatus = "draft"     // 草稿
	ReportSubmitted ReportStatus = "submitted" // 已报送
	ReportReturned  ReportStatus = "returned"  // 已退回
	ReportAccepted  ReportStatus = "accepted"  // 已接收
	ReportMissing   ReportStatus = "missing"   // 未报送
	ReportExempt    ReportStatus = "exempt"    // 免报
)

// ReportStatusNames gives each status's Chinese name.
var ReportStatusNames = map[ReportStatus]string{
	ReportDraft: "草稿", ReportSubmitted: "已报送", ReportReturned: "已退回", ReportAccepted: "已接收",
	ReportMissing: "未报送", ReportExempt: "免报",
}

// MaySubmit reports whether a report in status s may be submitted: a draft,
// or a report the district returned.
func (s ReportStatus) MaySubmit() bool { return s == ReportDraft || s == ReportReturned }

// MayAccept reports whether the district may accept a report in status s:
// a submitted one.
func (s ReportStatus) MayAccept() bool { return s == ReportSubmitted }

// MayReturn reports whether the district may return a report in status s
// to the town: a submitted or an accepted one.
func (s ReportStatus) MayReturn() bool { return s == ReportSubmitted || s == ReportAccepted }

// InRollUp reports whether a report in status s has a submission that
// stands — submitted or accepted — so its frozen forms are merged into the
// district's roll-up (a returned report's are not).
func (s ReportStatus) InRollUp() bool { return s == ReportSubmitted || s == ReportAccepted }

// RollUpStatuses lists the statuses InRollUp accepts, for a store query.
func RollUpStatuses() []ReportStatus {
	var out []ReportStatus
	for _, s := range []ReportStatus{ReportDraft, ReportSubmitted, ReportReturned, ReportAccepted} {
		if s.InRollUp() {
			out = append(out, s)
		}
	}
	return out
}

// AwaitsSubmission reports whether a town still owes the report shown in
// status s: missing, a draft, or returned (the district may 代报 it).
func (s ReportStatus) AwaitsSubmission() bool { return s == ReportMissing || s.MaySubmit() }

// ReportAction is what a town or the district does with a weekly report.
type ReportAction string

// Report actions.
const (
	ReportSubmit ReportAction = "submit"
	ReportAccept ReportAction = "accept"
	ReportReturn ReportAction = "return"
)

// ProxySubmission is what submitted_for says when the district office
// submits for a town that cannot (代报).
const ProxySubmission = "代报"

// WeeklyReport (周报) is one town's report for one deadline. The frozen
// 附件2 row and 附件1 rows of its latest submission are loaded only by Report.
type WeeklyReport struct {
	ID               int64        `json:"id"`
	CampaignID       int64        `json:"campaign_id"`
	OrgID            int64        `json:"org_id"`
	OrgName          string       `json:"org_name"`
	Deadline         time.Time    `json:"deadline"`
	Status           ReportStatus `json:"status"`
	FirstSubmittedAt *time.Time   `json:"first_submitted_at"`
	SubmittedAt      *time.Time   `json:"submitted_at"`
	OnTime           *bool        `json:"on_time"`
	LateReason       string       `json:"late_reason,omitempty"`
	SubmittedByName  string       `json:"submitted_by_name,omitempty"`
	SubmittedFor     string       `json:"submitted_for,omitempty"`
	ReturnReason     string       `json:"return_reason,omitempty"`
	ReviewedByName   string       `json:"reviewed_by_name,omitempty"`
	ReviewedAt       *time.Time   `json:"reviewed_at,omitempty"`
	ExemptReason     string       `json:"exempt_reason,omitempty"`
	Version          int64        `json:"version"`
}

// NeverSubmitted reports whether the report has never been submitted (a
// draft); the first submission time, on time and the late reason are set
// once, at the first submission.
func (r *WeeklyReport) NeverSubmitted() bool { return r.FirstSubmittedAt == nil }

// NeedsLateReason reports whether submitting r at now needs a late reason:
// a first submission that is not on time (OnTime).
func (r *WeeklyReport) NeedsLateReason(now time.Time) bool {
	return r.NeverSubmitted() && !OnTime(now, r.Deadline)
}

// Late reports whether the report's first submission missed its deadline.
func (r *WeeklyReport) Late() bool { return r.OnTime != nil && !*r.OnTime }

// MoveTo puts the report on a moved deadline: on time is judged afresh
// against it for a report submitted already.
func (r *WeeklyReport) MoveTo(deadline time.Time) {
	r.Deadline = deadline
	if r.FirstSubmittedAt != nil {
		onTime := OnTime(*r.FirstSubmittedAt, deadline)
		r.OnTime = &onTime
	}
}

// ReportEvent is one step of a weekly report's history.
type ReportEvent struct {
	Action    string    `json:"action"`
	ActorName string    `json:"actor_name"`
	Role      string    `json:"role"`
	Reason    string    `json:"reason,omitempty"`
	At        time.Time `json:"at"`
	Version   int64     `json:"version"`
}

// Exemption (免报) excuses a town from one deadline's report.
type Exemption struct {
	ID         int64     `json:"id"`
	CampaignID int64     `json:"campaign_id"`
	OrgID      int64     `json:"org_id"`
	Deadline   time.Time `json:"deadline"`
	Reason     string    `json:"reason"`
}

// Normalize checks an exemption before it is stored: a reason and the
// deadline it excuses are required.
func (e *Exemption) Normalize() error {
	e.Reason = strings.TrimSpace(e.Reason)
	if e.Reason == "" {
		return Invalid("reason", "免报须说明原因")
	}
	if e.Deadline.IsZero() {
		return Invalid("deadline", "请选择免报的截止时间")
	}
	return nil
}

// CheckExemption refuses to excuse town from a deadline it has already
// reported for (existing: its report for that deadline, nil for none).
func CheckExemption(town *OrgUnit, existing *WeeklyReport) error {
	if existing != nil && !existing.NeverSubmitted() {
		return &Error{Code: ECONFLICT, Field: "org_id", Message: town.Name + "本周已报送，无需免报"}
	}
	return nil
}

// DuplicateExemption refuses a second exemption of town for one deadline.
func DuplicateExemption(town *OrgUnit) error {
	return &Error{Code: ECONFLICT, Field: "org_id", Message: town.Name + "本周已免报"}
}

// CheckReportTown refuses a weekly report for a unit that is not town
// level: the towns report, their villages and the district do not.
func CheckReportTown(o *OrgUnit) error {
	if !o.IsTown() {
		return Invalid("org_id", "周报由镇（街道）级单位报送，%s 不是", o.Name)
	}
	return nil
}

// AuthorizeSubmit says whether a may submit town's weekly report at now
// (or sign its final summary) and for whom: the town head (""), an officer
// the head delegated to (the head's name; del is the delegation a holds at
// now, nil for none), or the district office (ProxySubmission, 代报). A town
// outside a's scope is not found (what names the record).
func AuthorizeSubmit(a *Actor, town *OrgUnit, del *Delegation, now time.Time, what string) (submitFor string, err error) {
	if !a.Sees(town) {
		return "", NotFound(what)
	}
	if a.Role() == RoleTownOfficer && del != nil && del.OrgID == town.ID && EffectiveRole(a, del, now) == RoleTownHead {
		return del.HeadName, nil
	}
	if err := Authorize(a, ActSubmitReport, town, what); err != nil {
		return "", err
	}
	if a.Role() != RoleTownHead {
		return ProxySubmission, nil
	}
	return "", nil
}

// ReportRows decides which row each town shows in a list of weekly
// reports: for each deadline (given in order; rows come latest deadline
// first, then the towns in the order given) a town shows its report with
// its status once it submitted (and the exemption's reason, if it was also
// excused); exempt when excused; missing once the deadline has passed
// (!OnTime at now) — carrying the ID of an unsubmitted draft, else 0; and
// a draft for a deadline still ahead. A town with nothing for a deadline
// ahead shows no row.
func ReportRows(campaignID int64, towns []*OrgUnit, deadlines []time.Time, stored []*WeeklyReport, exempt []Exemption, now time.Time) []*WeeklyReport {
	type key struct {
		org int64
		dl  int64
	}
	reports := make(map[key]*WeeklyReport, len(stored))
	for _, x := range stored {
		reports[key{x.OrgID, x.Deadline.UnixMicro()}] = x
	}
	excused := make(map[key]string, len(exempt))
	for _, e := range exempt {
		excused[key{e.OrgID, e.Deadline.UnixMicro()}] = e.Reason
	}
	out := []*WeeklyReport{}
	for i := len(deadlines) - 1; i >= 0; i-- {
		dl := deadlines[i].UTC()
		passed := !OnTime(now, dl)
		for _, t := range towns {
			k := key{t.ID, dl.UnixMicro()}
			x := reports[k]
			reason, isExempt := excused[k]
			id := int64(0)
			if x != nil {
				id = x.ID
			}
			switch {
			case x != nil && !x.NeverSubmitted():
				if isExempt {
					x.ExemptReason = reason
				}
			case isExempt:
				x = &WeeklyReport{ID: id, CampaignID: campaignID, OrgID: t.ID, OrgName: t.Name, Deadline: dl,
					Status: ReportExempt, ExemptReason: reason}
			case passed:
				x = &WeeklyReport{ID: id, CampaignID: campaignID, OrgID: t.ID, OrgName: t.Name, Deadline: dl, Status: ReportMissing}
			}
			if x != nil {
				out = append(out, x)
			}
		}
	}
	return out
}

// MoveReports puts the reports of a week (moving) onto its new deadline,
// judging on time afresh (MoveTo). atNew are the reports already at the new
// deadline: when a town has one in both weeks the two cannot merge, and the
// move is refused.
func MoveReports(moving, atNew []*WeeklyReport, deadline time.Time) error {
	taken := make(map[int64]bool, len(atNew))
	for _, x := range atNew {
		taken[x.OrgID] = true
	}
	for _, x := range moving {
		if taken[x.OrgID] {
			return &Error{Code: ECONFLICT, Field: "deadline",
				Message: "调整后的截止时间与另一周重合，且有单位两周都已建立周报，不能合并"}
		}
	}
	for _, x := range moving {
		x.MoveTo(deadline)
	}
	return nil
}

// MoveExemptions splits the exemptions of a week (moving) when its deadline
// moves: those of towns already excused at the new deadline (atNew) are
// dropped as duplicates, the others move.
func MoveExemptions(moving, atNew []Exemption) (move, drop []Exemption) {
	taken := make(map[int64]bool, len(atNew))
	for _, e := range atNew {
		taken[e.OrgID] = true
	}
	for _, e := range moving {
		if taken[e.OrgID] {
			drop = append(drop, e)
		} else {
			move = append(move, e)
		}
	}
	return move, drop
}

// ReportFinding is one validation result of a report: a rule of
// ValidateSummary (on the town's 附件2 row) or ValidateCase
// (on one 附件1 row, named by CaseID and ProblemNo).
type ReportFinding struct {
	Warning
	CaseID    int64  `json:"case_id,omitempty"`
	ProblemNo string `json:"problem_no,omitempty"`
}

// ReportValidation holds a report's findings: errors block submission,
// warnings are shown and never block (DESIGN.md §3).
type ReportValidation struct {
	Errors   []ReportFinding `json:"errors"`
	Warnings []ReportFinding `json:"warnings"`
}

// ValidateReport runs DESIGN.md §3's rules over a report: the town's 附件2
// row (ValidateSummary) and every 附件1 row (ValidateCase).
func ValidateReport(row SummaryRow, problems []*Case, camp *Campaign, now time.Time, loc *time.Location) ReportValidation {
	v := ReportValidation{Errors: []ReportFinding{}, Warnings: []ReportFinding{}}
	errs, warns := ValidateSummary(row)
	for _, e := range errs {
		v.Errors = append(v.Errors, ReportFinding{Warning: e})
	}
	for _, w := range warns {
		v.Warnings = append(v.Warnings, ReportFinding{Warning: w})
	}
	for _, c := range problems {
		errs, warns := ValidateCase(c, camp, now, loc)
		for _, e := range errs {
			e.Message = c.ProblemNo + "：" + e.Message
			v.Errors = append(v.Errors, ReportFinding{Warning: e, CaseID: c.ID, ProblemNo: c.ProblemNo})
		}
		for _, w := range warns {
			w.Message = c.ProblemNo + "：" + w.Message
			v.Warnings = append(v.Warnings, ReportFinding{Warning: w, CaseID: c.ID, ProblemNo: c.ProblemNo})
		}
	}
	return v
}

// Blocks refuses a submission while the validation has errors (DESIGN.md
// §3: errors block, warnings never do), naming the first and how many.
func (v ReportValidation) Blocks() error {
	if len(v.Errors) == 0 {
		return nil
	}
	msg := v.Errors[0].Message
	if len(v.Errors) > 1 {
		msg = fmt.Sprintf("%s（共%d个错误，须先改正）", msg, len(v.Errors))
	}
	return &Error{Code: ECONFLICT, Field: "validation", Message: msg}
}

// FrozenProblems copies a town's 附件1 rows as a submission keeps them: the
// cases' fields and names, without the live warnings (the snapshot's
// validation has them).
func FrozenProblems(problems []*Case) []*Case {
	out := make([]*Case, len(problems))
	for i, c := range problems {
		x := c.Clone()
		x.Warnings = nil
		out[i] = x
	}
	return out
}

// WrongReportState refuses an action that the report's status does not allow.
func WrongReportState(status ReportStatus, verb string) error {
	return &Error{Code: ECONFLICT, Field: "status",
		Message: fmt.Sprintf("周报处于“%s”状态，不能%s", ReportStatusNames[status], verb)}
}

// CheckReportAction is the weekly report's life cycle in one place:
//
//	draft ─submit─► submitted ─accept─► accepted
//	  ▲                 │ return (reason)   │ return (reason)
//	  └── returned ◄────┴───────────────────┘   (returned ─submit─► submitted)
//
// Submit takes a draft or a returned report; a first submission at or after
// the deadline needs a late reason. Accept takes a submitted report; return
// (reason required) a submitted or accepted one. Who may act is the policy's
// (ActSubmitReport, ActReviewReport); this says only what the state allows.
func CheckReportAction(r *WeeklyReport, action ReportAction, reason string, now time.Time, loc *time.Location) (newStatus ReportStatus, err error) {
	switch action {
	case ReportSubmit:
		if !r.Status.MaySubmit() {
			return "", WrongReportState(r.Status, "再次报送")
		}
		if r.NeedsLateReason(now) && reason == "" {
			return "", Invalid("reason", "已超过报送截止时间（%s），请说明迟报原因", r.Deadline.In(loc).Format("2006-01-02 15:04"))
		}
		return ReportSubmitted, nil
	case ReportAccept:
		if !r.Status.MayAccept() {
			return "", WrongReportState(r.Status, "接收")
		}
		return ReportAccepted, nil
	case ReportReturn:
		if !r.Status.MayReturn() {
			return "", WrongReportState(r.Status, "退回")
		}
		if reason == "" {
			return "", Invalid("reason", "退回周报须说明原因")
		}
		return ReportReturned, nil
	}
	return "", Invalid("action", "操作应为 submit、accept 或 return")
}

// ApplyReportAction performs action on r at now, once CheckReportAction
// allowed it: the new status, a version more, and for a submission the
// submitter (byName, for whom: AuthorizeSubmit) with the first submission
// time, on time and the late reason set once and kept through returns and
// resubmissions; for an accept or a return the reviewer (and the reason).
func ApplyReportAction(r *WeeklyReport, action ReportAction, reason, byName, submitFor string, now time.Time, loc *time.Location) error {
	status, err := CheckReportAction(r, action, reason, now, loc)
	if err != nil {
		return err
	}
	at := now
	r.Status, r.Version = status, r.Version+1
	switch action {
	case ReportSubmit:
		if r.NeverSubmitted() {
			onTime := OnTime(now, r.Deadline)
			r.FirstSubmittedAt, r.OnTime = &at, &onTime
			if !onTime {
				r.LateReason = reason
			}
		}
		r.SubmittedAt, r.SubmittedByName, r.SubmittedFor = &at, byName, submitFor
	case ReportAccept:
		r.ReviewedByName, r.ReviewedAt = byName, &at
	case ReportReturn:
		r.ReturnReason, r.ReviewedByName, r.ReviewedAt = reason, byName, &at
	}
	return nil
}
