package domain

import (
	"slices"
	"testing"
	"time"
)

func TestOverdue_PastRectifyDeadlineNotRectifiedAndLive(t *testing.T) {
	today := Date("2020-07-01")
	for _, tc := range []struct {
		deadline Date
		status   CaseStatus
		onsite   Onsite
		want     bool
	}{
		{"2020-06-30", StatusRectifying, OnsiteInProgress, true},
		{"2020-06-30", StatusRegistered, OnsiteNotStarted, true},
		{"2020-06-30", StatusRectifying, OnsiteDone, false},       // rectified: awaiting closeout, not overdue
		{"2020-06-30", StatusTownApproved, OnsiteDone, false},     // under review: rectified
		{"2020-07-01", StatusRectifying, OnsiteInProgress, false}, // the deadline day itself is in time
		{"2020-07-02", StatusRectifying, OnsiteInProgress, false},
		{"", StatusRectifying, OnsiteInProgress, false},
		{"2020-06-30", StatusClosedOut, OnsiteInProgress, false},
		{"2020-06-30", StatusVoided, OnsiteInProgress, false},
	} {
		c := &Case{Status: tc.status, CaseFields: CaseFields{RectifyDeadline: tc.deadline, OnsiteStatus: tc.onsite}}
		if got := Overdue(c, today); got != tc.want {
			t.Errorf("deadline %q status %s onsite %s: %v, want %v", tc.deadline, tc.status, tc.onsite, got, tc.want)
		}
	}
}

// The two halves of what was one "超期未整改" figure never overlap: a live
// case past its 整改期限 is either not rectified (Overdue) or rectified and
// waiting for its 销号 (AwaitingCloseout).
func TestOverdueAndAwaitingCloseout_SplitTheLiveCases(t *testing.T) {
	today := Date("2020-07-01")
	for _, status := range allStatuses {
		for _, onsite := range []Onsite{OnsiteNotStarted, OnsiteInProgress, OnsiteDone} {
			c := &Case{Status: status, CaseFields: CaseFields{RectifyDeadline: "2020-06-01", OnsiteStatus: onsite}}
			over, waiting := Overdue(c, today), AwaitingCloseout(c)
			live := status != StatusClosedOut && status != StatusVoided
			if over && waiting || (over || waiting) != live {
				t.Errorf("%s %s: Overdue %v, AwaitingCloseout %v", status, onsite, over, waiting)
			}
			if waiting != (live && onsite == OnsiteDone) {
				t.Errorf("%s %s: AwaitingCloseout %v", status, onsite, waiting)
			}
		}
	}
}

func TestUnderSupervision_LiveAndFlagged(t *testing.T) {
	for _, status := range allStatuses {
		for _, flag := range []bool{false, true} {
			c := &Case{Status: status, CaseFields: CaseFields{Supervised: flag}}
			want := flag && status != StatusClosedOut && status != StatusVoided
			if got := UnderSupervision(c); got != want {
				t.Errorf("%s supervised %v: %v, want %v", status, flag, got, want)
			}
		}
	}
}

func TestCounts_AllButVoided(t *testing.T) {
	for _, status := range allStatuses {
		if got := Counts(&Case{Status: status}); got != (status != StatusVoided) {
			t.Errorf("%s: Counts %v", status, got)
		}
	}
}

// TestOverdue_AgreesWithValidateCase: the overdue flag and the 整改期限
// warning of every case list never disagree.
func TestOverdue_AgreesWithValidateCase(t *testing.T) {
	now := time.Date(2020, 7, 1, 0, 30, 0, 0, Shanghai()) // still 06-30 in UTC
	for _, status := range allStatuses {
		for _, d := range []Date{"", "2020-06-30", "2020-07-01"} {
			c := readyCase(status, true)
			c.RectifyDeadline = d
			_, warns := ValidateCase(c, nil, now, nil)
			warned := slices.ContainsFunc(warns, func(w Warning) bool { return w.Code == RuleOverdue })
			if flag := Overdue(c, DateOf(now, Shanghai())); flag != warned {
				t.Errorf("%s deadline %q: Overdue %v, ValidateCase warns %v", status, d, flag, warned)
			}
		}
	}
}

func TestSupervisedOverdue(t *testing.T) {
	today := Date("2020-09-01")
	for _, tc := range []struct {
		supervised bool
		deadline   Date
		status     CaseStatus
		want       bool
	}{
		{true, "2020-08-31", StatusRectifying, true},
		{true, "2020-09-01", StatusRectifying, false},
		{false, "2020-08-31", StatusRectifying, false}, // flag lifted
		{true, "", StatusRectifying, false},
		{true, "2020-08-31", StatusClosedOut, false},
		{true, "2020-08-31", StatusVoided, false},
	} {
		c := &Case{Status: tc.status, CaseFields: CaseFields{Supervised: tc.supervised, SupervisedDeadline: tc.deadline}}
		if got := SupervisedOverdue(c, today); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc, got, tc.want)
		}
	}
}

func TestDefaultSupervisedDeadline(t *testing.T) {
	loc := Shanghai()
	from := time.Date(2020, 6, 1, 9, 0, 0, 0, loc)
	if got := DefaultSupervisedDeadline(nil, from); got != "2020-07-31" {
		t.Errorf("no campaign: %s, want 60 days on, 2020-07-31", got)
	}
	if got := DefaultSupervisedDeadline(&Campaign{}, from); got != "2020-07-31" {
		t.Errorf("campaign without a setting: %s", got)
	}
	if got := DefaultSupervisedDeadline(&Campaign{SupervisedDays: 30}, from); got != "2020-07-01" {
		t.Errorf("30 days: %s", got)
	}
	// 2020-05-31 20:00 UTC is already 06-01 in Shanghai.
	if got := DefaultSupervisedDeadline(nil, time.Date(2020, 5, 31, 20, 0, 0, 0, time.UTC)); got != "2020-07-31" {
		t.Errorf("from a UTC instant: %s, want the Shanghai date + 60", got)
	}
}

func TestRecheckDue(t *testing.T) {
	loc := Shanghai()
	last := time.Date(2020, 6, 1, 15, 0, 0, 0, loc)
	for _, tc := range []struct {
		name  string
		state string
		last  time.Time
		camp  *Campaign
		today Date
		due   Date
		isDue bool
	}{
		{"suspended, 30 days later is due", SiteSuspended, last, nil, "2020-07-01", "2020-07-01", true},
		{"closed, a day early is not due", SiteClosed, last, nil, "2020-06-30", "2020-07-01", false},
		{"banned, overdue", SiteBanned, last, nil, "2020-08-15", "2020-07-01", true},
		{"campaign's own period", SiteClosed, last, &Campaign{RecheckDays: 14}, "2020-06-15", "2020-06-15", true},
		{"never checked is due today", SiteClosed, time.Time{}, nil, "2020-06-02", "2020-06-02", true},
		{"a producing site is not re-checked", SiteProducing, last, nil, "2020-09-01", "", false},
		{"no state, no re-check", "", last, nil, "2020-09-01", "", false},
	} {
		due, isDue := RecheckDue(tc.state, tc.last, tc.camp, tc.today)
		if due != tc.due || isDue != tc.isDue {
			t.Errorf("%s: (%q, %v), want (%q, %v)", tc.name, due, isDue, tc.due, tc.isDue)
		}
	}
	// A case's 停产或关闭 uses the same codes as a site's state.
	for _, s := range []Shutdown{ShutdownSuspended, ShutdownClosed, ShutdownBanned} {
		if _, ok := RecheckDue(string(s), time.Time{}, nil, "2020-06-01"); !ok {
			t.Errorf("shutdown %s needs re-checks", s)
		}
	}
}

func TestDueRechecks_TheDueListMostOverdueFirst(t *testing.T) {
	loc := Shanghai()
	day := func(m, d int) time.Time { return time.Date(2020, time.Month(m), d, 10, 0, 0, 0, loc) }
	items := []RecheckItem{
		{SiteID: 1, State: SiteClosed, LastCheck: day(6, 10)},   // due 07-10: not yet
		{SiteID: 2, State: SiteBanned, LastCheck: day(5, 20)},   // due 06-19
		{SiteID: 3, State: SiteProducing, LastCheck: day(1, 1)}, // not on the schedule
		{SiteID: 4, State: SiteSuspended},                       // never checked: due today
		{SiteID: 5, State: SiteClosed, LastCheck: day(5, 20)},   // due 06-19
	}
	got := DueRechecks(items, nil, "2020-07-01")
	var ids []int64
	for _, it := range got {
		ids = append(ids, it.SiteID)
	}
	if !slices.Equal(ids, []int64{2, 5, 4}) {
		t.Fatalf("due list %v, want [2 5 4]", ids)
	}
	if got[0].Due != "2020-06-19" || got[2].Due != "2020-07-01" {
		t.Fatalf("due dates %q %q", got[0].Due, got[2].Due)
	}
}

func TestRecheck_RunningAgainPromptsReopen(t *testing.T) {
	for _, tc := range []struct {
		outcome string
		running bool
	}{
		{RecheckRunning, true},
		{OutcomeProblem, true},
		{RecheckStillShut, false},
		{OutcomeNoProblem, false},
		{"", false},
	} {
		if RecheckFindsRunning(tc.outcome) != tc.running {
			t.Errorf("%q: running %v, want %v", tc.outcome, !tc.running, tc.running)
		}
	}
	closed := readyCase(StatusClosedOut, true)
	if !RecheckPromptsReopen(closed, RecheckRunning) {
		t.Error("a closed-out case whose site runs again prompts a reopen")
	}
	if RecheckPromptsReopen(closed, RecheckStillShut) || RecheckPromptsReopen(readyCase(StatusRectifying, true), RecheckRunning) ||
		RecheckPromptsReopen(nil, RecheckRunning) {
		t.Error("only a closed-out case whose site runs again prompts a reopen")
	}
	// The reopen itself goes through the table, with the re-check's reason.
	tree := testTree()
	to, err := Transition(actorAt(RoleTownOfficer, tree), closed, nil, CaseReopen, ReopenReasonRecheck, tree["village"])
	if err != nil || to != StatusRectifying {
		t.Fatalf("reopen after re-check: %q %v", to, err)
	}
}

func TestRecheckState_CaseShutdownIsTheLaterWord(t *testing.T) {
	for _, tc := range []struct {
		site     string
		shutdown Shutdown
		want     string
	}{
		{SiteProducing, "", SiteProducing},
		{SiteProducing, ShutdownNone, SiteProducing},
		{SiteClosed, ShutdownNone, SiteClosed},
		{SiteProducing, ShutdownBanned, SiteBanned},
		{SiteClosed, ShutdownSuspended, SiteSuspended},
	} {
		if got := RecheckState(tc.site, tc.shutdown); got != tc.want {
			t.Errorf("site %s, case %q: %s, want %s", tc.site, tc.shutdown, got, tc.want)
		}
	}
}

// TestRecheckStatesAndShutdowns: the lists the due list's query narrows by
// are exactly the states and shutdowns RecheckDue schedules.
func TestRecheckStatesAndShutdowns(t *testing.T) {
	for _, s := range []string{SiteProducing, SiteSuspended, SiteClosed, SiteBanned} {
		_, due := RecheckDue(s, time.Time{}, nil, "2020-06-01")
		if slices.Contains(RecheckSiteStates(), s) != due {
			t.Errorf("site state %s: listed %v, scheduled %v", s, !due, due)
		}
	}
	for s := range ShutdownNames {
		_, due := RecheckDue(RecheckState(SiteProducing, s), time.Time{}, nil, "2020-06-01")
		if slices.Contains(RecheckShutdowns(), s) != due {
			t.Errorf("shutdown %s: listed %v, scheduled %v", s, !due, due)
		}
	}
}

func TestRecheckInspection(t *testing.T) {
	for _, tc := range []struct {
		outcome, note     string
		wantOutcome, want string
		code              string
	}{
		{RecheckStillShut, " 大门紧锁 ", OutcomeNoProblem, "复查：仍停产（关闭），无异常。大门紧锁", ""},
		{" " + RecheckRunning, "", OutcomeProblem, "复查：" + ReopenReasonRecheck, ""},
		{"maybe", "", "", "", EINVALID},
	} {
		o, n, err := RecheckInspection(tc.outcome, tc.note)
		if o != tc.wantOutcome || n != tc.want || ErrorCode(err) != tc.code {
			t.Errorf("%q %q: %q %q %v", tc.outcome, tc.note, o, n, err)
		}
	}
}

func TestAwaitsRecheckReopen_FindingAfterCloseout(t *testing.T) {
	closedAt := time.Date(2020, 10, 14, 9, 0, 0, 0, Shanghai())
	closed := readyCase(StatusClosedOut, true)
	closed.ClosedAt = &closedAt
	reopened := readyCase(StatusRectifying, true)
	for _, tc := range []struct {
		name    string
		c       *Case
		finding time.Time
		want    bool
	}{
		{"found running after 销号", closed, closedAt.Add(time.Second), true},
		{"found before 销号", closed, closedAt.Add(-time.Hour), false},
		{"at the 销号 itself", closed, closedAt, false},
		{"never found", closed, time.Time{}, false},
		{"not closed out", reopened, closedAt.Add(time.Hour), false},
		{"no case", nil, closedAt.Add(time.Hour), false},
	} {
		if AwaitsRecheckReopen(tc.c, tc.finding) != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, !tc.want, tc.want)
		}
	}
}
