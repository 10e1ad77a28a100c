package seed

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// DemoPassword is every demo user's password unless ZHENGZHI_DEMO_PASSWORD is set.
const DemoPassword = "zhengzhi-demo"

// townSlugs give demo usernames for the Zhonglou towns.
var townSlugs = map[string]string{
	"钟楼经济开发区": "kfq", "邹区镇": "zouqu", "五星街道": "wuxing", "永红街道": "yonghong",
	"北港街道": "beigang", "西林街道": "xilin", "南大街街道": "nandajie", "荷花池街道": "hehuachi", "新闸街道": "xinzha",
}

// DemoCampaign is the notice's campaign (钟安发〔2020〕4号: 2020-09-27 to
// 11-30, reports every Wednesday 17:00, summary due 11-15) shifted so that
// today lies in its fifth week: past deadlines to look back on, future ones
// to meet.
func DemoCampaign(now time.Time) domain.Campaign {
	loc := domain.Shanghai()
	orig := time.Date(2020, 9, 27, 0, 0, 0, 0, loc)
	start := now.In(loc).AddDate(0, 0, -30)
	start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
	shift := func(y int, m time.Month, d int) domain.Date {
		days := int(time.Date(y, m, d, 0, 0, 0, 0, loc).Sub(orig).Hours() / 24)
		return domain.DateOf(start.AddDate(0, 0, days), loc)
	}
	return domain.Campaign{
		Name:            "违法违规“小字头”“停产停业”企业专项整治行动",
		DocNo:           "钟安发〔2020〕4号",
		StartDate:       domain.DateOf(start, loc),
		EndDate:         shift(2020, 11, 30),
		DeadlineWeekday: 3,
		DeadlineTime:    "17:00",
		SummaryDueDate:  shift(2020, 11, 15),
		RewardRule:      "群众举报经查属实的，按全市12350有奖举报平台规定及时兑现奖励。",
	}
}

// Demo loads the demo data once: the campaign, one user per role and unit,
// and a campaign's weeks so far replayed on the store's clock (see
// demo_timeline.go): sites registered and inspected over the first two
// weeks, cases rectified and penalised, taken around the closed loop, most
// towns reporting on time with a few late or missing, and a holiday moving
// a later deadline. It prints the users and their password.
func Demo(ctx context.Context, db *app.App, out io.Writer) error {
	return DemoAt(ctx, db, out, db.Clock().Now())
}

// DemoSetUp is when the demo's campaign is set up: the morning of its
// first day, for a demo loaded at now. A server that loads the demo sets
// itself up then too (cmd/zhengzhi serve --demo), so that its audit trail
// runs forward in time.
func DemoSetUp(now time.Time) time.Time {
	return DemoCampaign(now).StartDate.Time(demoLoc).Add(8 * time.Hour)
}

// DemoAt is Demo for a demo loaded at now, whatever the clock reads when
// it starts (a server's clock may have been set to DemoSetUp already).
func DemoAt(ctx context.Context, db *app.App, out io.Writer, now time.Time) error {
	sys, err := db.SystemActor(ctx)
	if err != nil {
		return err
	}
	camps, err := db.Campaigns(ctx, sys)
	if err != nil {
		return err
	}
	if len(camps) > 0 {
		fmt.Fprintln(out, "demo data already loaded")
		return nil
	}
	pw := os.Getenv("ZHENGZHI_DEMO_PASSWORD")
	if pw == "" {
		pw = DemoPassword
	}
	clock := db.Clock()
	spec := DemoCampaign(now)
	start := spec.StartDate.Time(demoLoc)
	// However the replay ends, the clock is the real one again (or, for a
	// test's fixed clock, its own time).
	if set, ok := clock.(settable); ok {
		defer func() {
			set.Set(now)
			if r, ok := clock.(releasable); ok {
				r.Release()
			}
		}()
		set.Set(DemoSetUp(now))
	}
	camp, err := db.CreateCampaign(ctx, sys, spec)
	if err != nil {
		return fmt.Errorf("demo campaign: %w", err)
	}
	users, err := demoUsers(ctx, db, sys, pw)
	if err != nil {
		return err
	}
	d := &demo{db: db, camp: camp, users: users, rng: rand.New(rand.NewPCG(2020, 927)), start: start, now: now,
		tl: &timeline{until: now.Add(-10 * time.Minute)}, district: users.byName["district"]}
	if d.district == nil {
		return fmt.Errorf("demo: no district user")
	}
	if err := d.planRecords(ctx); err != nil {
		return err
	}
	if err := d.planReports(ctx); err != nil {
		return err
	}
	if err := d.tl.run(ctx, clock); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := DemoTips(ctx, db, camp, users); err != nil {
		return err
	}
	fmt.Fprintf(out, "demo campaign %q loaded (%s — %s); demo users, all with password %s:\n", camp.Name, camp.StartDate, camp.EndDate, pw)
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	for _, u := range users.list {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", u.Username, domain.RoleNames[u.Role], u.orgName)
	}
	return tw.Flush()
}

// demoLoc is where the demo's days begin and end.
var demoLoc = domain.Shanghai()

// demo is one load of the demo data: what it plans its steps with.
type demo struct {
	db       *app.App
	camp     *domain.Campaign
	users    *demoUserSet
	rng      *rand.Rand
	start    time.Time // the campaign's first day, 00:00
	now      time.Time // when the demo is loaded: every step is before it
	tl       *timeline
	district *domain.Actor
}

// at is day n of the campaign (0: its first) at hh:mm, moved off the
// weekend to the Monday after: the towns work weekdays.
func (d *demo) at(n, hh, mm int) time.Time {
	t := d.start.AddDate(0, 0, n).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	return workday(t)
}

// workday moves t off a weekend to the Monday after, same time of day.
func workday(t time.Time) time.Time {
	switch t.In(demoLoc).Weekday() {
	case time.Saturday:
		return t.AddDate(0, 0, 2)
	case time.Sunday:
		return t.AddDate(0, 0, 1)
	}
	return t
}

// later is a time in office hours (09:00–17:00) days after t's day,
// moved off the weekend, and never before t.
func (d *demo) later(t time.Time, days int) time.Time {
	day := t.In(demoLoc).AddDate(0, 0, days)
	at := workday(time.Date(day.Year(), day.Month(), day.Day(), 9+d.rng.IntN(8), d.rng.IntN(60), 0, 0, demoLoc))
	if !at.After(t) {
		at = t.Add(time.Duration(30+d.rng.IntN(90)) * time.Minute)
	}
	return at
}

// today is the date of the clock's now (the step's moment while replaying).
func (d *demo) today() domain.Date { return domain.DateOf(d.db.Clock().Now(), demoLoc) }

// demoPersonGiven are given names for the demo's users.
var demoPersonGiven = []string{"建华", "明", "丽娟", "志刚", "海燕", "卫国", "晓东", "春梅", "国强", "玉珍", "立新", "文静",
	"永平", "红霞", "振宇", "秀兰", "德明", "雪芳", "宏伟", "桂英", "建军", "慧敏", "海涛", "金凤"}

// demoPersonName is the n-th demo user's name: a person's, as the users
// table holds it (the role and unit are shown beside it).
func demoPersonName(n int) string {
	return demoSurnames[n%len(demoSurnames)] + demoPersonGiven[(n*7+n/len(demoSurnames))%len(demoPersonGiven)]
}

type demoUser struct {
	*domain.User
	orgName string
}

// demoUserSet indexes the demo users for the record generators.
type demoUserSet struct {
	list   []demoUser
	byName map[string]*domain.Actor
}

func demoUsers(ctx context.Context, db *app.App, sys *domain.Actor, pw string) (*demoUserSet, error) {
	set := &demoUserSet{byName: map[string]*domain.Actor{}}
	root, err := db.Root(ctx)
	if err != nil {
		return nil, err
	}
	units, err := db.Subtree(ctx, root)
	if err != nil {
		return nil, err
	}
	add := func(username string, role domain.Role, o *domain.OrgUnit) error {
		name := demoPersonName(len(set.list))
		u, err := db.CreateUser(ctx, sys, app.UserInput{Username: username, Password: pw, DisplayName: name, Role: role, OrgID: o.ID})
		if err != nil {
			return fmt.Errorf("demo user %s: %w", username, err)
		}
		set.list = append(set.list, demoUser{u, o.Name})
		a, err := db.Authenticate(ctx, username, pw)
		if err != nil {
			return err
		}
		set.byName[username] = a
		return nil
	}
	townOf := map[int64]string{}
	for _, o := range units {
		switch o.Kind.Tier() {
		case domain.TierRegion:
			if o.ParentID != nil {
				continue
			}
			for _, r := range []struct {
				u    string
				role domain.Role
			}{{"district", domain.RoleDistrictOffice}, {"supervisor", domain.RoleSupervisor}, {"discipline", domain.RoleDiscipline}} {
				if err := add(r.u, r.role, o); err != nil {
					return nil, err
				}
			}
		case domain.TierTown:
			slug := townSlugs[o.Name]
			if slug == "" {
				slug = fmt.Sprintf("town%d", o.ID)
			}
			townOf[o.ID] = slug
			if err := add(slug+"_officer", domain.RoleTownOfficer, o); err != nil {
				return nil, err
			}
			if err := add(slug+"_head", domain.RoleTownHead, o); err != nil {
				return nil, err
			}
		case domain.TierVillage:
			slug := townOf[*o.ParentID]
			suffix := o.Code
			if len(suffix) >= 3 {
				suffix = suffix[len(suffix)-3:]
			}
			base := strings.TrimSuffix(slug, "_") + "_" + suffix
			if err := add(base+"_head", domain.RoleVillageHead, o); err != nil {
				return nil, err
			}
			if err := add(base+"_grid", domain.RoleGrid, o); err != nil {
				return nil, err
			}
		}
	}
	return set, nil
}
