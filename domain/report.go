package domain

import (
	"fmt"
	"time"
)

// Weekly reports (周报, DESIGN.md §4): every town-level unit reports the
// campaign's progress before each deadline (每周三17:00前). A report carries
// one 附件2 row (the town) and the town's 附件1 rows; submitting freezes
// both, so a report never changes when cases change later. On time means
// first submitted strictly before the deadline (OnTime in deadline.go).

// Weekly report statuses. draft, submitted, returned and accepted are
// stored; missing and exempt are what a list shows for a town without a
// submitted report once the deadline has passed, or excused from it.
// ReportStatus is a weekly report's state.
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
		if r.Status != ReportDraft && r.Status != ReportReturned {
			return "", WrongReportState(r.Status, "再次报送")
		}
		if r.FirstSubmittedAt == nil && !OnTime(now, r.Deadline) && reason == "" {
			return "", Invalid("reason", "已超过报送截止时间（%s），请说明迟报原因", r.Deadline.In(loc).Format("2006-01-02 15:04"))
		}
		return ReportSubmitted, nil
	case ReportAccept:
		if r.Status != ReportSubmitted {
			return "", WrongReportState(r.Status, "接收")
		}
		return ReportAccepted, nil
	case ReportReturn:
		if r.Status != ReportSubmitted && r.Status != ReportAccepted {
			return "", WrongReportState(r.Status, "退回")
		}
		if reason == "" {
			return "", Invalid("reason", "退回周报须说明原因")
		}
		return ReportReturned, nil
	}
	return "", Invalid("action", "操作应为 submit、accept 或 return")
}
