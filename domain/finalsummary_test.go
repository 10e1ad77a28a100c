package domain

import (
	"testing"
	"time"
)

func TestFinalSummary_TrackDueDate(t *testing.T) {
	loc := Shanghai()
	camp := &Campaign{SummaryDueDate: "2020-11-15"}
	due := time.Date(2020, 11, 16, 0, 0, 0, 0, loc) // the end of the due date
	if got := camp.SummaryDue(loc); !got.Equal(due) {
		t.Fatalf("due = %v", got)
	}
	at := func(t time.Time) *time.Time { return &t }
	cases := []struct {
		name   string
		x      FinalSummary
		now    time.Time
		want   FinalStatus
		onTime *bool
	}{
		{"nothing before the due date", FinalSummary{}, due.Add(-time.Minute), FinalPending, nil},
		{"nothing at the due instant", FinalSummary{}, due, FinalMissing, nil},
		{"uploaded, unsigned after the due date", FinalSummary{ID: 1}, due.Add(time.Hour), FinalUploaded, nil},
		{"signed at 23:59 of the due date", FinalSummary{ID: 1, SignedAt: at(due.Add(-time.Minute))}, due.Add(time.Hour), FinalSigned, valueOf(true)},
		{"signed at the due instant", FinalSummary{ID: 1, SignedAt: at(due)}, due, FinalSigned, valueOf(false)},
	}
	for _, c := range cases {
		x := c.x
		x.Track(camp, c.now, loc)
		if x.Status != c.want || x.DueDate != camp.SummaryDueDate || (x.OnTime == nil) != (c.onTime == nil) ||
			x.OnTime != nil && *x.OnTime != *c.onTime {
			t.Errorf("%s: %+v", c.name, x)
		}
	}
	// Without a due date nothing is ever missing, and a sign-off is on time.
	none := &Campaign{}
	x := FinalSummary{}
	x.Track(none, due.AddDate(1, 0, 0), loc)
	y := FinalSummary{ID: 1, SignedAt: at(due.AddDate(1, 0, 0))}
	y.Track(none, due.AddDate(1, 0, 0), loc)
	if x.Status != FinalPending || y.Status != FinalSigned || !*y.OnTime {
		t.Fatalf("no due date: %+v %+v", x, y)
	}
}

func TestFinalSummary_UploadAndSignRules(t *testing.T) {
	var none *FinalSummary
	if err := none.CheckUpload(); err != nil {
		t.Fatalf("first upload: %v", err)
	}
	x := &FinalSummary{ID: 1, Version: 1}
	if err := x.CheckSign(ProxySubmission); ErrorCode(err) != EFORBIDDEN {
		t.Fatalf("代报 sign-off: %v", err)
	}
	if err := x.CheckSign(""); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2020, 11, 15, 10, 0, 0, 0, Shanghai())
	x.Sign("wx_officer", "wx_head", now)
	if !x.SignedAt.Equal(now) || x.SignedName != "wx_officer" || x.SignedFor != "wx_head" || x.Version != 2 {
		t.Fatalf("signed: %+v", x)
	}
	if err := x.CheckSign(""); ErrorCode(err) != ECONFLICT {
		t.Fatalf("second sign-off: %v", err)
	}
	if err := x.CheckUpload(); ErrorCode(err) != ECONFLICT {
		t.Fatalf("upload after sign-off: %v", err)
	}
}

func valueOf[T any](v T) *T { return &v }
