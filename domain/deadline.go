package domain

import (
	"sort"
	"strings"
	"time"
)

// The notice asks every town-level unit to report “每周三17：00前” (DESIGN.md §4).
// A campaign's rule (weekday + "HH:MM", default Wednesday 17:00) gives one
// deadline per week, an instant in Asia/Shanghai taken from the embedded zone
// database so that neither the host's zone nor time.Local matters. The district
// office may move one week's deadline (国庆 and other holidays) with a reason.

// DeadlineOverride moves one week's deadline.
type DeadlineOverride struct {
	// Week is the date of the regular deadline this one replaces; it is the
	// week's stable key even after the move.
	Week     Date      `json:"week"`
	Deadline time.Time `json:"deadline"`
	Reason   string    `json:"reason"`
}

// deadlineLoc is where the campaign's deadlines are read. Campaign.Normalize
// admits only Asia/Shanghai, which is also the answer for an unset zone.
func (c *Campaign) deadlineLoc() *time.Location {
	if c.TimeZone != "" && c.TimeZone != ZoneName {
		if loc, err := time.LoadLocation(c.TimeZone); err == nil {
			return loc
		}
	}
	return Shanghai()
}

// deadlineClock parses DeadlineTime ("HH:MM", empty meaning the notice's 17:00).
func (c *Campaign) deadlineClock() (hour, minute int, ok bool) {
	s := c.DeadlineTime
	if s == "" {
		s = "17:00"
	}
	if !hhmm.MatchString(s) {
		return 0, 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), int(s[3]-'0')*10 + int(s[4]-'0'), true
}

// RegularDeadlines returns the deadlines the campaign's rule gives, in order:
// every DeadlineWeekday at DeadlineTime whose date lies from StartDate through
// six days after EndDate. The extra six days make the last, partial week
// reported once too, at the first deadline on or after the end date. It
// returns nil for a campaign whose dates or rule do not parse.
func (c *Campaign) RegularDeadlines() []time.Time {
	loc := c.deadlineLoc()
	hour, minute, ok := c.deadlineClock()
	if !ok || c.DeadlineWeekday < 0 || c.DeadlineWeekday > 6 {
		return nil
	}
	start, err1 := time.ParseInLocation(DateLayout, string(c.StartDate), loc)
	end, err2 := time.ParseInLocation(DateLayout, string(c.EndDate), loc)
	if err1 != nil || err2 != nil || end.Before(start) {
		return nil
	}
	// Walk calendar dates, not 24-hour steps, so a zone change cannot skew
	// the wall-clock time.
	y, m, d := start.Date()
	skip := (c.DeadlineWeekday - int(start.Weekday()) + 7) % 7
	last := end.AddDate(0, 0, 6)
	var out []time.Time
	for day := d + skip; ; day += 7 {
		date := time.Date(y, m, day, 0, 0, 0, 0, loc)
		if date.After(last) {
			break
		}
		dy, dm, dd := date.Date()
		out = append(out, time.Date(dy, dm, dd, hour, minute, 0, 0, loc))
	}
	return out
}

// Deadlines returns the campaign's deadlines with the overrides applied, in
// order. An override whose Week is not a regular deadline's date changes
// nothing; two deadlines that land on the same instant count once.
func (c *Campaign) Deadlines(overrides []DeadlineOverride) []time.Time {
	loc := c.deadlineLoc()
	moved := make(map[Date]time.Time, len(overrides))
	for _, o := range overrides {
		if !o.Deadline.IsZero() {
			moved[o.Week] = o.Deadline
		}
	}
	regular := c.RegularDeadlines()
	out := make([]time.Time, 0, len(regular))
	for _, d := range regular {
		if m, ok := moved[DateOf(d, loc)]; ok {
			d = m.In(loc)
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	uniq := out[:0]
	for i, d := range out {
		if i == 0 || !d.Equal(out[i-1]) {
			uniq = append(uniq, d)
		}
	}
	return uniq
}

// NextDeadline returns the deadline a report made at now answers: the first
// one strictly after now. At 17:00:00 sharp that week's deadline has passed
// (“17:00前” — on time means strictly before), so the answer is next week's.
// ok is false once the campaign's last deadline has passed.
func (c *Campaign) NextDeadline(now time.Time, overrides []DeadlineOverride) (time.Time, bool) {
	for _, d := range c.Deadlines(overrides) {
		if d.After(now) {
			return d, true
		}
	}
	return time.Time{}, false
}

// LastDeadline returns the latest deadline at or before now: the week whose
// reports are now due, and missing if none was submitted. ok is false before
// the first deadline.
func (c *Campaign) LastDeadline(now time.Time, overrides []DeadlineOverride) (time.Time, bool) {
	var last time.Time
	found := false
	for _, d := range c.Deadlines(overrides) {
		if d.After(now) {
			break
		}
		last, found = d, true
	}
	return last, found
}

// IsDeadline reports whether t is exactly one of the campaign's deadlines, as
// a weekly report's deadline must be.
func (c *Campaign) IsDeadline(t time.Time, overrides []DeadlineOverride) bool {
	for _, d := range c.Deadlines(overrides) {
		if d.Equal(t) {
			return true
		}
	}
	return false
}

// WeekOf returns the week key of a deadline: the date of the regular deadline
// it is, or that an override moved. ok is false when deadline is not one of
// the campaign's deadlines.
func (c *Campaign) WeekOf(deadline time.Time, overrides []DeadlineOverride) (Date, bool) {
	loc := c.deadlineLoc()
	moved := make(map[Date]time.Time, len(overrides))
	for _, o := range overrides {
		if !o.Deadline.IsZero() {
			moved[o.Week] = o.Deadline
		}
	}
	for _, d := range c.RegularDeadlines() {
		week := DateOf(d, loc)
		if m, ok := moved[week]; ok {
			d = m
		}
		if d.Equal(deadline) {
			return week, true
		}
	}
	return "", false
}

// CheckOverride validates a move before it is stored: a reason is required,
// the week must be one of the rule's deadline dates and the new deadline must
// not fall before the campaign starts. A move may pass another week's
// deadline or land on it (two holiday weeks reported together): Deadlines
// keeps the instants in order and counts a shared one once.
func (c *Campaign) CheckOverride(o DeadlineOverride) error {
	if strings.TrimSpace(o.Reason) == "" {
		return Invalid("reason", "调整报送截止时间须说明原因")
	}
	if o.Deadline.IsZero() {
		return Invalid("deadline", "请填写调整后的截止时间")
	}
	loc := c.deadlineLoc()
	for _, d := range c.RegularDeadlines() {
		if DateOf(d, loc) != o.Week {
			continue
		}
		if o.Deadline.Before(c.StartDate.Time(loc)) {
			return Invalid("deadline", "调整后的截止时间不能早于专项行动开始日期（%s）", c.StartDate)
		}
		return nil
	}
	return Invalid("week", "%s 不是本专项行动的报送截止日", o.Week)
}

// OnTime reports whether a report first submitted at submittedAt meets its
// deadline: “17:00前” means strictly before, so 17:00:00 itself is late.
func OnTime(submittedAt, deadline time.Time) bool {
	return submittedAt.Before(deadline)
}

// CheckDeadline refuses an instant that is not one of the campaign's
// deadlines (overrides applied), as a report's or an exemption's must be.
func (c *Campaign) CheckDeadline(t time.Time, overrides []DeadlineOverride) error {
	if !c.IsDeadline(t, overrides) {
		return Invalid("deadline", "%s 不是本专项行动的报送截止时间", t.In(c.deadlineLoc()).Format("2006-01-02 15:04"))
	}
	return nil
}

// ReportDeadline resolves the deadline a report is asked for: t when it is
// one of the campaign's deadlines (CheckDeadline), or with zero t the one a
// report made at now answers (NextDeadline) — none once all have passed.
func (c *Campaign) ReportDeadline(t, now time.Time, overrides []DeadlineOverride) (time.Time, error) {
	if t.IsZero() {
		next, ok := c.NextDeadline(now, overrides)
		if !ok {
			return time.Time{}, Invalid("deadline", "本专项行动的报送截止时间均已过去，请指定截止时间")
		}
		return next.UTC(), nil
	}
	if err := c.CheckDeadline(t, overrides); err != nil {
		return time.Time{}, err
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

// RollUpDeadline is the deadline a roll-up shows by default: the latest one
// passed at now, else the first one ahead.
func (c *Campaign) RollUpDeadline(now time.Time, overrides []DeadlineOverride) time.Time {
	if last, ok := c.LastDeadline(now, overrides); ok {
		return last
	}
	next, _ := c.NextDeadline(now, overrides)
	return next
}

// DeadlineOfWeek returns the deadline in force for a week (its key: the
// regular deadline's date): the override's, else the regular one. ok is
// false when week is not one of the rule's deadline dates.
func (c *Campaign) DeadlineOfWeek(week Date, overrides []DeadlineOverride) (time.Time, bool) {
	for _, o := range overrides {
		if o.Week == week && !o.Deadline.IsZero() {
			return o.Deadline, true
		}
	}
	loc := c.deadlineLoc()
	for _, d := range c.RegularDeadlines() {
		if DateOf(d, loc) == week {
			return d, true
		}
	}
	return time.Time{}, false
}
