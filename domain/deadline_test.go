package domain

import (
	"strings"
	"testing"
	"time"
)

// utc8 builds the expected instant of a Shanghai wall-clock time without
// going through any zone database: Shanghai is UTC+8 with no DST since 1991.
func utc8(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh-8, mm, ss, 0, time.UTC)
}

func wednesday17(start, end Date) *Campaign {
	return &Campaign{StartDate: start, EndDate: end, DeadlineWeekday: 3, DeadlineTime: "17:00", TimeZone: ZoneName}
}

func sameInstants(t *testing.T, got, want []time.Time) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d deadlines %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("deadline %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// guoqing moves the 2020-09-30 deadline past the National Day holiday.
var guoqing = DeadlineOverride{Week: "2020-09-30", Deadline: utc8(2020, 10, 9, 17, 0, 0), Reason: "国庆、中秋假期顺延"}

func TestRegularDeadlines_WeekdaysFromStartThroughLastPartialWeek(t *testing.T) {
	tests := []struct {
		name string
		camp *Campaign
		want []time.Time
	}{
		{
			// The notice's campaign: signed Sunday 2020-09-27; the week after
			// the end date is still reported once (2020-11-18).
			name: "notice campaign, partial last week",
			camp: wednesday17("2020-09-27", "2020-11-13"),
			want: []time.Time{
				utc8(2020, 9, 30, 17, 0, 0), utc8(2020, 10, 7, 17, 0, 0), utc8(2020, 10, 14, 17, 0, 0),
				utc8(2020, 10, 21, 17, 0, 0), utc8(2020, 10, 28, 17, 0, 0), utc8(2020, 11, 4, 17, 0, 0),
				utc8(2020, 11, 11, 17, 0, 0), utc8(2020, 11, 18, 17, 0, 0),
			},
		},
		{
			name: "year end, deadline on the end date counts and nothing after",
			camp: wednesday17("2020-12-20", "2021-01-20"),
			want: []time.Time{
				utc8(2020, 12, 23, 17, 0, 0), utc8(2020, 12, 30, 17, 0, 0), utc8(2021, 1, 6, 17, 0, 0),
				utc8(2021, 1, 13, 17, 0, 0), utc8(2021, 1, 20, 17, 0, 0),
			},
		},
		{
			name: "month ends including February",
			camp: wednesday17("2021-01-25", "2021-03-03"),
			want: []time.Time{
				utc8(2021, 1, 27, 17, 0, 0), utc8(2021, 2, 3, 17, 0, 0), utc8(2021, 2, 10, 17, 0, 0),
				utc8(2021, 2, 17, 17, 0, 0), utc8(2021, 2, 24, 17, 0, 0), utc8(2021, 3, 3, 17, 0, 0),
			},
		},
		{
			name: "start date on the weekday counts",
			camp: wednesday17("2020-09-30", "2020-10-01"),
			want: []time.Time{utc8(2020, 9, 30, 17, 0, 0), utc8(2020, 10, 7, 17, 0, 0)},
		},
		{
			name: "other weekday and time, leap day",
			camp: &Campaign{StartDate: "2024-02-26", EndDate: "2024-03-01", DeadlineWeekday: 4, DeadlineTime: "09:30"},
			want: []time.Time{utc8(2024, 2, 29, 9, 30, 0), utc8(2024, 3, 7, 9, 30, 0)},
		},
		{
			name: "Sunday deadline",
			camp: &Campaign{StartDate: "2020-12-28", EndDate: "2021-01-04", DeadlineWeekday: 0, DeadlineTime: "23:59"},
			want: []time.Time{utc8(2021, 1, 3, 23, 59, 0), utc8(2021, 1, 10, 23, 59, 0)},
		},
		{
			name: "unset time means 17:00",
			camp: &Campaign{StartDate: "2020-09-27", EndDate: "2020-09-28", DeadlineWeekday: 3},
			want: []time.Time{utc8(2020, 9, 30, 17, 0, 0)},
		},
		{name: "bad time", camp: &Campaign{StartDate: "2020-09-27", EndDate: "2020-10-28", DeadlineWeekday: 3, DeadlineTime: "5pm"}},
		{name: "bad weekday", camp: &Campaign{StartDate: "2020-09-27", EndDate: "2020-10-28", DeadlineWeekday: 7}},
		{name: "end before start", camp: wednesday17("2020-10-28", "2020-09-27")},
		{name: "no dates", camp: wednesday17("", "")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.camp.RegularDeadlines()
			sameInstants(t, got, tc.want)
			for _, d := range got {
				if d.Location().String() != ZoneName {
					t.Errorf("deadline %v is in %v, want %s", d, d.Location(), ZoneName)
				}
			}
		})
	}
}

func TestDeadlines_IndependentOfProcessZone(t *testing.T) {
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	want := wednesday17("2020-12-20", "2021-01-20").RegularDeadlines()
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Kolkata"} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			time.Local = loc
			camp := wednesday17("2020-12-20", "2021-01-20")
			sameInstants(t, camp.RegularDeadlines(), want)
			sameInstants(t, camp.Deadlines(nil), want)
			// Wall clock as a Shanghai clerk sees it.
			for _, d := range camp.Deadlines(nil) {
				if got := d.In(Shanghai()).Format("Mon 15:04"); got != "Wed 17:00" {
					t.Errorf("deadline %v reads %q in Shanghai", d, got)
				}
			}
			// 2020-12-30 16:59:59 Shanghai is 03:59:59 in New York.
			now := utc8(2020, 12, 30, 16, 59, 59).In(loc)
			next, ok := camp.NextDeadline(now, nil)
			if !ok || !next.Equal(utc8(2020, 12, 30, 17, 0, 0)) {
				t.Errorf("NextDeadline(%v) = %v, %v", now, next, ok)
			}
		})
	}
}

func TestNextDeadline_InstantOfDeadlineBelongsToNextWeek(t *testing.T) {
	camp := wednesday17("2020-12-20", "2021-01-20")
	clock := &FixedClock{}
	tests := []struct {
		name   string
		now    time.Time
		want   time.Time
		wantOK bool
	}{
		{"before the campaign", utc8(2020, 12, 1, 9, 0, 0), utc8(2020, 12, 23, 17, 0, 0), true},
		{"one second before", utc8(2020, 12, 30, 16, 59, 59), utc8(2020, 12, 30, 17, 0, 0), true},
		{"one nanosecond before", utc8(2020, 12, 30, 17, 0, 0).Add(-1), utc8(2020, 12, 30, 17, 0, 0), true},
		{"exactly 17:00:00 is past", utc8(2020, 12, 30, 17, 0, 0), utc8(2021, 1, 6, 17, 0, 0), true},
		{"across the year end", utc8(2020, 12, 31, 23, 59, 59), utc8(2021, 1, 6, 17, 0, 0), true},
		{"last deadline", utc8(2021, 1, 20, 16, 59, 59), utc8(2021, 1, 20, 17, 0, 0), true},
		{"after the last deadline", utc8(2021, 1, 20, 17, 0, 0), time.Time{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock.T = tc.now
			got, ok := camp.NextDeadline(clock.Now(), nil)
			if ok != tc.wantOK || !got.Equal(tc.want) {
				t.Errorf("NextDeadline(%v) = %v, %v; want %v, %v", tc.now, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestLastDeadline_IncludesTheDeadlineInstant(t *testing.T) {
	camp := wednesday17("2020-12-20", "2021-01-20")
	if _, ok := camp.LastDeadline(utc8(2020, 12, 23, 16, 59, 59), nil); ok {
		t.Error("LastDeadline before the first deadline: ok, want none")
	}
	got, ok := camp.LastDeadline(utc8(2020, 12, 30, 17, 0, 0), nil)
	if !ok || !got.Equal(utc8(2020, 12, 30, 17, 0, 0)) {
		t.Errorf("LastDeadline at 17:00:00 = %v, %v; want that deadline", got, ok)
	}
	got, ok = camp.LastDeadline(utc8(2021, 3, 1, 0, 0, 0), nil)
	if !ok || !got.Equal(utc8(2021, 1, 20, 17, 0, 0)) {
		t.Errorf("LastDeadline after the campaign = %v, %v; want the final one", got, ok)
	}
}

func TestOnTime_StrictlyBefore(t *testing.T) {
	deadline := utc8(2020, 12, 30, 17, 0, 0)
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"16:59:59", utc8(2020, 12, 30, 16, 59, 59), true},
		{"16:59:59.999999999", deadline.Add(-1), true},
		{"17:00:00 is late", deadline, false},
		{"17:00:01", utc8(2020, 12, 30, 17, 0, 1), false},
		{"same instant written in New York", deadline.In(mustLoad(t, "America/New_York")), false},
	}
	for _, tc := range tests {
		if got := OnTime(tc.at, deadline); got != tc.want {
			t.Errorf("%s: OnTime = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestDeadlines_MovedWeek(t *testing.T) {
	camp := wednesday17("2020-09-27", "2020-11-13")
	got := camp.Deadlines([]DeadlineOverride{guoqing})
	if len(got) != 8 {
		t.Fatalf("got %d deadlines, want 8: %v", len(got), got)
	}
	if !got[0].Equal(utc8(2020, 10, 7, 17, 0, 0)) || !got[1].Equal(utc8(2020, 10, 9, 17, 0, 0)) {
		t.Errorf("first deadlines = %v, %v; want 10-07 then the moved 10-09", got[0], got[1])
	}
	if camp.IsDeadline(utc8(2020, 9, 30, 17, 0, 0), []DeadlineOverride{guoqing}) {
		t.Error("the replaced 09-30 deadline is still a deadline")
	}
	if !camp.IsDeadline(utc8(2020, 10, 9, 17, 0, 0), []DeadlineOverride{guoqing}) {
		t.Error("the moved 10-09 deadline is not a deadline")
	}
	if camp.IsDeadline(utc8(2020, 10, 9, 17, 0, 0), nil) {
		t.Error("10-09 is a deadline without the override")
	}
	// On 2020-09-30 at 17:00 with the move, the report answers the moved week.
	next, ok := camp.NextDeadline(utc8(2020, 9, 30, 17, 0, 0), []DeadlineOverride{guoqing})
	if !ok || !next.Equal(utc8(2020, 10, 7, 17, 0, 0)) {
		t.Errorf("NextDeadline = %v; the 10-07 deadline comes before the moved 10-09", next)
	}
	next, _ = camp.NextDeadline(utc8(2020, 10, 8, 9, 0, 0), []DeadlineOverride{guoqing})
	if !next.Equal(utc8(2020, 10, 9, 17, 0, 0)) {
		t.Errorf("NextDeadline on 10-08 = %v, want the moved 10-09", next)
	}
	week, ok := camp.WeekOf(utc8(2020, 10, 9, 17, 0, 0), []DeadlineOverride{guoqing})
	if !ok || week != "2020-09-30" {
		t.Errorf("WeekOf(moved) = %q, %v; want 2020-09-30", week, ok)
	}
	if _, ok := camp.WeekOf(utc8(2020, 9, 30, 17, 0, 0), []DeadlineOverride{guoqing}); ok {
		t.Error("WeekOf(replaced instant) ok, want not a deadline")
	}
	week, ok = camp.WeekOf(utc8(2020, 10, 14, 17, 0, 0), []DeadlineOverride{guoqing})
	if !ok || week != "2020-10-14" {
		t.Errorf("WeekOf(regular) = %q, %v", week, ok)
	}
}

func TestDeadlines_OverrideOfUnknownWeekChangesNothing(t *testing.T) {
	camp := wednesday17("2020-09-27", "2020-11-13")
	stray := DeadlineOverride{Week: "2020-10-01", Deadline: utc8(2020, 10, 2, 17, 0, 0), Reason: "x"}
	sameInstants(t, camp.Deadlines([]DeadlineOverride{stray}), camp.RegularDeadlines())
}

func TestDeadlines_TwoWeeksMovedOntoOneInstantCountOnce(t *testing.T) {
	// 2020: 10-01…10-08 off. Both the 09-30 and the 10-07 weeks are reported
	// together on Friday 10-09.
	camp := wednesday17("2020-09-27", "2020-11-13")
	both := []DeadlineOverride{guoqing, {Week: "2020-10-07", Deadline: utc8(2020, 10, 9, 17, 0, 0), Reason: "国庆假期"}}
	got := camp.Deadlines(both)
	if len(got) != 7 || !got[0].Equal(utc8(2020, 10, 9, 17, 0, 0)) || !got[1].Equal(utc8(2020, 10, 14, 17, 0, 0)) {
		t.Fatalf("Deadlines = %v; want 10-09 once, then 10-14…", got)
	}
	if week, _ := camp.WeekOf(got[0], both); week != "2020-09-30" {
		t.Errorf("WeekOf(shared instant) = %q, want the earlier week 2020-09-30", week)
	}
}

func TestCheckOverride(t *testing.T) {
	camp := wednesday17("2020-09-27", "2020-11-13")
	tests := []struct {
		name      string
		o         DeadlineOverride
		wantField string
		wantMsg   string
	}{
		{name: "国庆 move is fine", o: guoqing},
		{name: "reason required", o: DeadlineOverride{Week: "2020-09-30", Deadline: guoqing.Deadline, Reason: "  "}, wantField: "reason", wantMsg: "原因"},
		{name: "deadline required", o: DeadlineOverride{Week: "2020-09-30", Reason: "假期"}, wantField: "deadline", wantMsg: "截止时间"},
		{name: "week must be a deadline date", o: DeadlineOverride{Week: "2020-10-01", Deadline: guoqing.Deadline, Reason: "假期"}, wantField: "week", wantMsg: "2020-10-01"},
		{
			name: "not before the campaign starts", o: DeadlineOverride{Week: "2020-09-30", Deadline: utc8(2020, 9, 26, 23, 59, 59), Reason: "假期"},
			wantField: "deadline", wantMsg: "2020-09-27",
		},
		{name: "on the start date is fine", o: DeadlineOverride{Week: "2020-09-30", Deadline: utc8(2020, 9, 27, 0, 0, 0), Reason: "提前"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := camp.CheckOverride(tc.o)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("CheckOverride = %v, want nil", err)
				}
				return
			}
			if ErrorCode(err) != EINVALID || ErrorField(err) != tc.wantField {
				t.Fatalf("CheckOverride = %v, want invalid %s", err, tc.wantField)
			}
			if !strings.Contains(ErrorMessage(err), tc.wantMsg) {
				t.Errorf("message %q does not contain %q", ErrorMessage(err), tc.wantMsg)
			}
		})
	}
}

func TestReportDeadline_GivenNextOrNone(t *testing.T) {
	c := wednesday17("2020-09-27", "2020-11-30")
	ovs := []DeadlineOverride{guoqing}
	wed := utc8(2020, 10, 14, 17, 0, 0)
	// Zero: the next one, strictly after now; at 17:00:00 sharp next week's.
	if got, err := c.ReportDeadline(time.Time{}, wed.Add(-time.Second), ovs); err != nil || !got.Equal(wed) {
		t.Fatalf("next at 16:59:59 = %v %v", got, err)
	}
	if got, _ := c.ReportDeadline(time.Time{}, wed, ovs); !got.Equal(utc8(2020, 10, 21, 17, 0, 0)) {
		t.Fatalf("next at 17:00:00 = %v", got)
	}
	if _, err := c.ReportDeadline(time.Time{}, utc8(2021, 1, 1, 0, 0, 0), ovs); ErrorField(err) != "deadline" {
		t.Fatalf("after the last deadline: %v", err)
	}
	// Given: it must be a deadline in force; the moved week's old instant is not.
	if got, err := c.ReportDeadline(guoqing.Deadline.In(Shanghai()), wed, ovs); err != nil || !got.Equal(guoqing.Deadline) {
		t.Fatalf("moved deadline: %v %v", got, err)
	}
	if _, err := c.ReportDeadline(utc8(2020, 9, 30, 17, 0, 0), wed, ovs); ErrorField(err) != "deadline" ||
		!strings.Contains(ErrorMessage(err), "2020-09-30 17:00") {
		t.Fatalf("moved-away instant: %v", err)
	}
	if err := c.CheckDeadline(wed.Add(time.Hour), ovs); ErrorCode(err) != EINVALID {
		t.Fatalf("not a deadline: %v", err)
	}
}

func TestDeadlineOfWeek_AndRollUpDeadline(t *testing.T) {
	c := wednesday17("2020-09-27", "2020-11-30")
	ovs := []DeadlineOverride{guoqing}
	if got, ok := c.DeadlineOfWeek("2020-09-30", ovs); !ok || !got.Equal(guoqing.Deadline) {
		t.Fatalf("moved week = %v %v", got, ok)
	}
	if got, ok := c.DeadlineOfWeek("2020-10-07", ovs); !ok || !got.Equal(utc8(2020, 10, 7, 17, 0, 0)) {
		t.Fatalf("regular week = %v %v", got, ok)
	}
	if _, ok := c.DeadlineOfWeek("2020-10-08", ovs); ok {
		t.Fatal("a Thursday is no week's key")
	}
	// The roll-up shows the latest deadline passed, else the first ahead.
	if got := c.RollUpDeadline(utc8(2020, 10, 14, 17, 0, 0), ovs); !got.Equal(utc8(2020, 10, 14, 17, 0, 0)) {
		t.Fatalf("roll-up at the deadline = %v", got)
	}
	if got := c.RollUpDeadline(utc8(2020, 9, 28, 0, 0, 0), ovs); !got.Equal(utc8(2020, 10, 7, 17, 0, 0)) {
		t.Fatalf("roll-up before the first = %v", got)
	}
}
