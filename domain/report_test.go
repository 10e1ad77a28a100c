package domain

import (
	"testing"
	"time"
)

func TestCheckReportAction(t *testing.T) {
	loc := Shanghai()
	deadline := time.Date(2020, 10, 14, 17, 0, 0, 0, loc)
	before := deadline.Add(-time.Second) // 16:59:59
	first := before
	cases := []struct {
		name     string
		status   ReportStatus
		first    *time.Time
		action   ReportAction
		reason   string
		now      time.Time
		want     ReportStatus
		wantCode string
		field    string
	}{
		{"submit a draft at 16:59:59", ReportDraft, nil, ReportSubmit, "", before, ReportSubmitted, "", ""},
		{"submit a draft at 17:00:00 needs a reason", ReportDraft, nil, ReportSubmit, "", deadline, "", EINVALID, "reason"},
		{"late submit with a reason", ReportDraft, nil, ReportSubmit, "系统故障", deadline, ReportSubmitted, "", ""},
		{"resubmit a returned report late: first time kept, no reason needed", ReportReturned, &first, ReportSubmit, "", deadline.Add(time.Hour), ReportSubmitted, "", ""},
		{"duplicate submit", ReportSubmitted, &first, ReportSubmit, "", before, "", ECONFLICT, "status"},
		{"accept a submitted report", ReportSubmitted, &first, ReportAccept, "", deadline, ReportAccepted, "", ""},
		{"accept a draft", ReportDraft, nil, ReportAccept, "", deadline, "", ECONFLICT, "status"},
		{"return needs a reason", ReportSubmitted, &first, ReportReturn, "", deadline, "", EINVALID, "reason"},
		{"return an accepted report", ReportAccepted, &first, ReportReturn, "合计有误", deadline, ReportReturned, "", ""},
		{"return a draft", ReportDraft, nil, ReportReturn, "x", deadline, "", ECONFLICT, "status"},
		{"unknown action", ReportDraft, nil, ReportAction("approve"), "", deadline, "", EINVALID, "action"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &WeeklyReport{Status: c.status, Deadline: deadline, FirstSubmittedAt: c.first}
			got, err := CheckReportAction(r, c.action, c.reason, c.now, loc)
			if ErrorCode(err) != c.wantCode && !(c.wantCode == "" && err == nil) {
				t.Fatalf("err = %v, want code %q", err, c.wantCode)
			}
			if got != c.want || ErrorField(err) != c.field {
				t.Fatalf("got %q field %q, want %q field %q", got, ErrorField(err), c.want, c.field)
			}
		})
	}
}
