package seed

import (
	"context"
	"fmt"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// The demo's weekly reports, week by week since the start: the town
// officer prepares the report the day before the deadline and the town
// head submits it before 17:00 on the day; each week one town is late
// (with its reason) and a few weeks have a town that never reported; the
// district office accepts them the next morning, returns one with a reason
// (resubmitted the day after), and excuses one town for a week. In the
// current week two towns have submitted, one is preparing. A later week's
// deadline moves for a holiday that falls near it.

// demoLate is, week by week in turn, the town late that week and its reason.
var demoLate = []struct{ slug, reason string }{
	{"yonghong", "周三全天迎接市级专项督查，次日上午补报"},
	{"beigang", "主要负责人外出参加会议，次日返回后签发"},
	{"zouqu", "村（社区）数据核对未完成，推迟一天报送"},
	{"xilin", "系统账号交接，次日补报"},
}

// demoMissing is, by week (counted from the first), the town that did not
// report that week.
var demoMissing = map[int]string{0: "nandajie", -1: "xinzha"} // -1: the latest week passed

// planReports plans every passed week's reports and reviews, the current
// week's first submissions and a holiday move of a later deadline.
func (d *demo) planReports(ctx context.Context) error {
	var passed []time.Time
	var next time.Time
	var future []time.Time
	for _, dl := range d.camp.RegularDeadlines() {
		switch {
		case dl.Before(d.now):
			passed = append(passed, dl)
		case next.IsZero():
			next = dl
		default:
			future = append(future, dl)
		}
	}
	for k, dl := range passed {
		missing := demoMissing[k]
		if k == len(passed)-1 && demoMissing[-1] != "" {
			missing = demoMissing[-1]
		}
		late := demoLate[k%len(demoLate)]
		for _, slug := range demoTownOrder {
			switch {
			case slug == missing:
				continue
			case slug == "hehuachi" && k == 1:
				d.planExemption(slug, dl, "辖区开展整体拆迁清场，本周无在营场所")
				continue
			}
			var r planReport
			r.slug, r.deadline = slug, dl
			r.prepare = dl.Add(-26*time.Hour + time.Duration(d.rng.IntN(120))*time.Minute) // Tuesday afternoon
			r.submit = dl.Add(-time.Duration(30+d.rng.IntN(7*60)) * time.Minute)           // Wednesday, before 17:00
			if slug == late.slug {
				r.submit, r.reason = dl.Add(17*time.Hour+time.Duration(d.rng.IntN(90))*time.Minute), late.reason // Thursday morning
			}
			review := dl.Add(41*time.Hour + time.Duration(d.rng.IntN(120))*time.Minute) // Friday morning
			// A return comes the morning after the deadline, or an hour
			// after a late report; the resubmission a day later.
			returnAt := dl.Add(18 * time.Hour)
			if r.submit.Add(time.Hour).After(returnAt) {
				returnAt = r.submit.Add(time.Hour)
			}
			switch {
			case k == len(passed)-1 && slug == "xilin":
				r.returned, r.review = "罚没金额与处罚决定书不符，请核对后重报", returnAt
			case k == len(passed)-2 && slug == "zouqu":
				r.returned, r.review = "整治完成数与附件1不一致，请核对", returnAt
				r.resubmit, r.accept = returnAt.Add(24*time.Hour), returnAt.Add(48*time.Hour)
			case k < len(passed)-1 || d.rng.IntN(3) > 0:
				r.accept = review
			}
			d.planReport(r)
		}
	}
	if !next.IsZero() {
		for i, slug := range []string{"wuxing", "kfq"} {
			d.planReport(planReport{slug: slug, deadline: next, prepare: d.now.Add(-time.Duration(30-i) * time.Hour),
				submit: d.now.Add(-time.Duration(3-i) * time.Hour)})
		}
		d.planReport(planReport{slug: "yonghong", deadline: next, prepare: d.now.Add(-time.Hour)})
	}
	d.planHolidayMove(future)
	return nil
}

// demoTownOrder lists the towns' slugs in the notice's order.
var demoTownOrder = []string{"kfq", "zouqu", "wuxing", "yonghong", "beigang", "xilin", "nandajie", "hehuachi", "xinzha"}

// planReport is one town's report for one deadline: when it is prepared,
// submitted (zero: left a draft), with what reason, and how it is reviewed.
type planReport struct {
	slug                    string
	deadline                time.Time
	prepare, submit, review time.Time
	reason                  string
	returned                string    // the district's reason for returning it
	resubmit, accept        time.Time // zero: not resubmitted, not accepted
}

// paperReason is a late submission's reason when the clock cannot be set
// and a past week's report is filed now.
const paperReason = "系统启用前已按纸质报表报送，现补录"

func (d *demo) planReport(p planReport) {
	officer, head := d.users.byName[p.slug+"_officer"], d.users.byName[p.slug+"_head"]
	if officer == nil || head == nil {
		return
	}
	var id int64
	submitted := false
	d.tl.add(p.prepare, "prepare report "+p.slug, func(ctx context.Context) error {
		r, _, err := d.db.PrepareReport(ctx, officer, app.ReportInput{CampaignID: d.camp.ID, Deadline: p.deadline})
		if err != nil {
			return fmt.Errorf("demo report %s: %w", p.slug, err)
		}
		id = r.ID
		return nil
	})
	if p.submit.IsZero() {
		return
	}
	submit := func(reason string) func(context.Context) error {
		return func(ctx context.Context) error {
			if !d.db.Clock().Now().Before(p.deadline) && reason == "" {
				reason = paperReason
			}
			_, err := d.db.ReportAction(ctx, head, id, app.ReportActionInput{Action: domain.ReportSubmit, Reason: reason})
			if domain.ErrorCode(err) == domain.ECONFLICT {
				return nil // the demo's own data fails a check: the report stays a draft
			}
			submitted = err == nil
			return err
		}
	}
	d.tl.add(p.submit, "submit report "+p.slug, submit(p.reason))
	review := func(act domain.ReportAction, reason string) func(context.Context) error {
		return func(ctx context.Context) error {
			if !submitted {
				return nil
			}
			_, err := d.db.ReportAction(ctx, d.district, id, app.ReportActionInput{Action: act, Reason: reason})
			return err
		}
	}
	if p.returned != "" {
		d.tl.add(p.review, "return report "+p.slug, review(domain.ReportReturn, p.returned))
		if !p.resubmit.IsZero() {
			d.tl.add(p.resubmit, "resubmit report "+p.slug, submit("已按要求核对更正"))
		}
	}
	if !p.accept.IsZero() {
		d.tl.add(p.accept, "accept report "+p.slug, review(domain.ReportAccept, ""))
	}
}

// planExemption has the district office excuse a town for a week, two
// days before its deadline.
func (d *demo) planExemption(slug string, deadline time.Time, reason string) {
	officer := d.users.byName[slug+"_officer"]
	if officer == nil {
		return
	}
	d.tl.add(deadline.Add(-50*time.Hour), "exempt "+slug, func(ctx context.Context) error {
		_, err := d.db.ExemptReport(ctx, d.district, app.ExemptionInput{CampaignID: d.camp.ID, OrgID: officer.Org.ID, Deadline: deadline, Reason: reason})
		if err != nil {
			return fmt.Errorf("demo exemption: %w", err)
		}
		return nil
	})
}

// demoHolidays are the fixed-date public holidays a weekly deadline may
// meet (the lunar ones move from year to year).
var demoHolidays = []struct {
	month time.Month
	day   int
	name  string
}{{time.January, 1, "元旦"}, {time.May, 1, "劳动节"}, {time.October, 1, "国庆"}}

// planHolidayMove moves one of the later deadlines (future, after this
// week's) for a holiday close to it, as the district office announces it
// now: a holiday in the days before a deadline moves it two days later
// ("…假期顺延"); one in the two days after it brings it a day earlier
// ("…放假前提前报送"). With no holiday near any of them, the week of a
// district-wide inspection is moved two days later instead.
func (d *demo) planHolidayMove(future []time.Time) {
	if len(future) == 0 {
		return
	}
	week, moved, reason := future[0], future[0].AddDate(0, 0, 2), "全区安全生产大检查集中开展，本周报送顺延两天"
search:
	for _, dl := range future {
		for _, h := range demoHolidays {
			for _, y := range []int{dl.Year() - 1, dl.Year(), dl.Year() + 1} {
				hd := time.Date(y, h.month, h.day, 0, 0, 0, 0, demoLoc)
				days := dl.In(demoLoc).Sub(hd).Hours() / 24
				switch {
				case days >= 0 && days < 6:
					week, moved, reason = dl, dl.AddDate(0, 0, 2), h.name+"假期顺延"
					break search
				case days < 0 && days >= -3:
					week, moved, reason = dl, dl.AddDate(0, 0, -1), h.name+"放假前提前报送"
					break search
				}
			}
		}
	}
	d.tl.add(d.now.Add(-26*time.Hour), "move deadline", func(ctx context.Context) error {
		_, err := d.db.MoveDeadline(ctx, d.district, d.camp.ID, domain.DeadlineOverride{Week: domain.DateOf(week, demoLoc), Deadline: moved, Reason: reason})
		if err != nil {
			return fmt.Errorf("demo deadline move: %w", err)
		}
		return nil
	})
}
