package seed

import (
	"context"
	"fmt"
	"io"
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
// and (from later issues) sites, inspections, cases and reports. It prints
// the users and their password.
func Demo(ctx context.Context, db *app.App, out io.Writer) error {
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
	camp, err := db.CreateCampaign(ctx, sys, DemoCampaign(db.Clock().Now()))
	if err != nil {
		return fmt.Errorf("demo campaign: %w", err)
	}
	users, err := demoUsers(ctx, db, sys, pw)
	if err != nil {
		return err
	}
	if err := demoRecords(ctx, db, camp, users); err != nil {
		return err
	}
	if err := DemoCloseout(ctx, db, camp, users); err != nil {
		return err
	}
	if err := DemoReports(ctx, db, camp, users); err != nil {
		return err
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
	add := func(username, name string, role domain.Role, o *domain.OrgUnit) error {
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
				u, n string
				role domain.Role
			}{{"district", "区联席办 王主任", domain.RoleDistrictOffice}, {"supervisor", "区督导组 李组长", domain.RoleSupervisor}, {"discipline", "区纪委监委 赵主任", domain.RoleDiscipline}} {
				if err := add(r.u, r.n, r.role, o); err != nil {
					return nil, err
				}
			}
		case domain.TierTown:
			slug := townSlugs[o.Name]
			if slug == "" {
				slug = fmt.Sprintf("town%d", o.ID)
			}
			townOf[o.ID] = slug
			if err := add(slug+"_officer", o.Name+" 经办", domain.RoleTownOfficer, o); err != nil {
				return nil, err
			}
			if err := add(slug+"_head", o.Name+" 主要负责人", domain.RoleTownHead, o); err != nil {
				return nil, err
			}
		case domain.TierVillage:
			slug := townOf[*o.ParentID]
			suffix := o.Code
			if len(suffix) >= 3 {
				suffix = suffix[len(suffix)-3:]
			}
			base := strings.TrimSuffix(slug, "_") + "_" + suffix
			if err := add(base+"_head", o.Name+" 负责人", domain.RoleVillageHead, o); err != nil {
				return nil, err
			}
			if err := add(base+"_grid", o.Name+" 网格员", domain.RoleGrid, o); err != nil {
				return nil, err
			}
		}
	}
	return set, nil
}
