package seed

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// loadReplayed loads the demo on a clock it can set, at now.
func loadReplayed(t *testing.T, now time.Time) (*app.App, *domain.FixedClock) {
	t.Helper()
	ctx := context.Background()
	clock := &domain.FixedClock{T: DemoSetUp(now)} // set up as serve --demo is
	db := app.New(storetest.Open(t, store.SQLite, storetest.Options{Clock: clock}))
	if _, err := Bootstrap(ctx, db, "admin-password"); err != nil {
		t.Fatal(err)
	}
	if err := DemoAt(ctx, db, io.Discard, now); err != nil {
		t.Fatal(err)
	}
	return db, clock
}

// The demo tells a believable campaign: its events spread over the weeks
// since the start, most towns report on time with a few late or missing,
// penalties look real, the re-check plan has sites due, and a holiday
// moves a deadline for a holiday near it.
func TestDemo_ReplaysTheCampaignsWeeks(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, demoLoc)
	db, clock := loadReplayed(t, now)
	if !clock.T.Equal(now) {
		t.Fatalf("the clock is left at %s, not %s", clock.T, now)
	}
	sys, _ := db.SystemActor(ctx)
	district, err := db.Authenticate(ctx, "district", DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := db.AuditEvents(ctx, sys, app.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	days := map[domain.Date]bool{}
	var last time.Time
	for _, e := range evs {
		days[domain.DateOf(e.At, demoLoc)] = true
		if e.At.Before(last) {
			t.Fatalf("event %d at %s comes before the one before it (%s)", e.Seq, e.At, last)
		}
		last = e.At
		if e.At.After(now) {
			t.Fatalf("event %d at %s is after now", e.Seq, e.At)
		}
	}
	if len(days) < 18 {
		t.Errorf("events fall on %d days only", len(days))
	}

	// Weekly reports: per passed week most on time, some late, a few missing.
	list, err := db.Reports(ctx, district, app.ReportFilter{CampaignID: 1})
	if err != nil {
		t.Fatal(err)
	}
	onTime, late, missing := 0, 0, 0
	for _, r := range list.Items {
		if !r.Deadline.Before(now) {
			continue
		}
		switch {
		case r.Status == domain.ReportMissing:
			missing++
		case r.OnTime != nil && *r.OnTime:
			onTime++
		case r.OnTime != nil:
			late++
			if r.LateReason == "" || r.LateReason == paperReason {
				t.Errorf("late report without a reason of its own: %+v", r)
			}
		}
	}
	if onTime < 4*late || late == 0 || missing == 0 || missing > late {
		t.Errorf("passed weeks: %d on time, %d late, %d missing", onTime, late, missing)
	}

	// Real-looking amounts and persons.
	cases, _, err := db.Cases(ctx, sys, app.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	fines, confiscated, transferred, detained := 0, 0, 0, 0
	for _, c := range cases {
		if c.FineFen > 0 {
			fines++
			if c.FineFen < 2000_00 || c.FineFen > 200000_00 || !c.CaseFiled { // 2,000–200,000 元 (a tip's electroplating case: 100,000)
				t.Errorf("%s: fine %d fen", c.ProblemNo, c.FineFen)
			}
		}
		if c.ConfiscatedFen > 0 {
			confiscated++
		}
		if c.JudicialTransfer && c.JudicialPersons > 0 {
			transferred++
		}
		if c.DetainedPersons > 0 {
			detained++
		}
	}
	if fines < 5 || confiscated == 0 || transferred == 0 || detained == 0 {
		t.Errorf("%d fines, %d confiscations, %d transfers with persons, %d with detentions", fines, confiscated, transferred, detained)
	}

	// The re-check plan has sites due.
	due, err := db.DueRechecks(ctx, district, 0)
	if err != nil || len(due) == 0 {
		t.Fatalf("re-check plan: %d due, %v", len(due), err)
	}

	// A holiday move says a holiday that fits the week moved.
	_, dls, err := db.CampaignDeadlines(ctx, district, 0)
	if err != nil {
		t.Fatal(err)
	}
	moves := 0
	for _, dl := range dls {
		if !dl.Moved {
			continue
		}
		moves++
		october := dl.Deadline.In(demoLoc).Month() == time.October
		if strings.Contains(dl.Reason, "国庆") != october || strings.Contains(dl.Reason, "中秋") && !october {
			t.Errorf("week %s moved for %q", dl.Week, dl.Reason)
		}
		if dl.Week == "2026-12-30" && !strings.Contains(dl.Reason, "元旦") {
			t.Errorf("the week of 元旦 moved for %q", dl.Reason)
		}
	}
	if moves != 1 {
		t.Errorf("%d deadline moves", moves)
	}
	if res, err := db.VerifyAudit(ctx); err != nil || res.Broken != "" {
		t.Fatalf("audit after the demo: %+v %v", res, err)
	}
}

// In October the holiday is 国庆.
func TestDemo_HolidayMoveInOctoberIsNationalDay(t *testing.T) {
	ctx := context.Background()
	db, _ := loadReplayed(t, time.Date(2025, 9, 24, 10, 0, 0, 0, demoLoc))
	district, err := db.Authenticate(ctx, "district", DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	_, dls, err := db.CampaignDeadlines(ctx, district, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, dl := range dls {
		if dl.Moved && (!strings.Contains(dl.Reason, "国庆") || dl.Week != "2025-10-01") {
			t.Errorf("week %s moved for %q", dl.Week, dl.Reason)
		}
	}
}
