package domain

import "time"

// The final campaign summary (专项整治行动总结, DESIGN.md §4): each town
// uploads the sealed scan of its written summary and the town head signs it
// off, by the campaign's summary due date (11月15日 in the notice). It is
// tracked like a weekly report: on time, late, or missing.

// FinalStatus is where a town's final summary stands.
type FinalStatus string

// Final summary statuses.
const (
	FinalPending  FinalStatus = "pending"  // nothing yet, due date not passed
	FinalMissing  FinalStatus = "missing"  // nothing uploaded and the due date has passed
	FinalUploaded FinalStatus = "uploaded" // scan uploaded, awaiting the head's sign-off
	FinalSigned   FinalStatus = "signed"   // scan uploaded and signed off
)

// FinalStatusNames gives each status's Chinese name.
var FinalStatusNames = map[FinalStatus]string{
	FinalPending: "待报送", FinalMissing: "未报送", FinalUploaded: "待签字", FinalSigned: "已签字",
}

// FinalSummary is one town's final summary, or the lack of it (ID 0).
// Status, DueDate and OnTime are derived (Track), never stored.
type FinalSummary struct {
	ID           int64       `json:"id"`
	CampaignID   int64       `json:"campaign_id"`
	OrgID        int64       `json:"org_id"`
	OrgName      string      `json:"org_name"`
	Status       FinalStatus `json:"status"`
	DueDate      Date        `json:"due_date"`
	OnTime       *bool       `json:"on_time"` // set once signed off
	SHA256       string      `json:"sha256,omitempty"`
	Size         int64       `json:"size,omitempty"`
	ContentType  string      `json:"content_type,omitempty"`
	Filename     string      `json:"filename,omitempty"`
	UploadedName string      `json:"uploaded_by_name,omitempty"`
	UploadedAt   *time.Time  `json:"uploaded_at"`
	SignedName   string      `json:"signed_by_name,omitempty"`
	SignedFor    string      `json:"signed_for,omitempty"`
	SignedAt     *time.Time  `json:"signed_at"`
	Version      int64       `json:"version"`
}

// SummaryDue is the instant the campaign's final summary is late from: the
// end of its due date in loc (zero when the campaign sets no due date).
func (c *Campaign) SummaryDue(loc *time.Location) time.Time {
	if c.SummaryDueDate == "" {
		return time.Time{}
	}
	return c.SummaryDueDate.Time(loc).AddDate(0, 0, 1)
}

// Track fills the summary's due date, status and on time at now: signed
// (on time when signed before the due instant, OnTime), uploaded, missing
// once the due date has passed without a scan, else pending.
func (x *FinalSummary) Track(camp *Campaign, now time.Time, loc *time.Location) {
	x.DueDate = camp.SummaryDueDate
	due := camp.SummaryDue(loc)
	switch {
	case x.SignedAt != nil:
		x.Status = FinalSigned
		onTime := due.IsZero() || OnTime(*x.SignedAt, due)
		x.OnTime = &onTime
	case x.ID != 0:
		x.Status = FinalUploaded
	case !due.IsZero() && !OnTime(now, due):
		x.Status = FinalMissing
	default:
		x.Status = FinalPending
	}
}

// SignedOff reports whether the summary is signed off, and so final: no
// new scan replaces it and nobody signs it again (nil: no summary yet).
func (x *FinalSummary) SignedOff() bool { return x != nil && x.SignedAt != nil }

// CheckUpload refuses a new scan for a summary already signed off: the
// signature is final. x is the town's summary so far (nil for none).
func (x *FinalSummary) CheckUpload() error {
	if x.SignedOff() {
		return &Error{Code: ECONFLICT, Field: "status", Message: "总结已由主要负责人签字，不能再更换"}
	}
	return nil
}

// CheckSign says whether the summary may be signed off for submitFor (from
// AuthorizeSubmit): the sign-off is the town head's own (or their
// delegate's), so nobody signs it for the town (代报 is forbidden), and a
// summary is signed once.
func (x *FinalSummary) CheckSign(submitFor string) error {
	if submitFor == ProxySubmission {
		return Forbidden()
	}
	if x.SignedOff() {
		return &Error{Code: ECONFLICT, Field: "status", Message: "总结已签字"}
	}
	return nil
}

// Sign records the sign-off by byName (for submitFor) at now.
func (x *FinalSummary) Sign(byName, submitFor string, now time.Time) {
	at := now
	x.SignedName, x.SignedFor, x.SignedAt, x.Version = byName, submitFor, &at, x.Version+1
}
