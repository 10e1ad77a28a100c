package seed

import (
	"context"
	"fmt"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// DemoReports adds the demo's weekly reports after its cases: the district
// sees every colour of the matrix at once. The store's clock cannot be
// turned back, so reports for weeks already past are submitted now and show
// as late (with a reason saying they were filed on paper first); this week's
// are on time. One town is excused for a past week, one report is returned,
// one accepted, and a future week's deadline is moved for a holiday.
func DemoReports(ctx context.Context, db *app.App, camp *domain.Campaign, users *demoUserSet) error {
	district := users.byName["district"]
	if district == nil {
		return fmt.Errorf("demo reports: no district user")
	}
	_, dls, err := db.CampaignDeadlines(ctx, district, camp.ID)
	if err != nil {
		return err
	}
	var passed []app.DeadlineInfo
	var next *app.DeadlineInfo
	for i := range dls {
		if dls[i].Passed {
			passed = append(passed, dls[i])
		} else if next == nil {
			next = &dls[i]
		}
	}
	head := func(slug string) *domain.Actor { return users.byName[slug+"_head"] }
	officer := func(slug string) *domain.Actor { return users.byName[slug+"_officer"] }
	town := func(slug string) int64 {
		if a := officer(slug); a != nil {
			return a.Org.ID
		}
		return 0
	}
	// submit prepares and submits a town's report; a validation conflict in
	// the demo's own data leaves the report as a draft rather than failing.
	submit := func(slug string, deadline time.Time, reason string) (*domain.WeeklyReport, error) {
		o, h := officer(slug), head(slug)
		if o == nil || h == nil {
			return nil, nil
		}
		r, _, err := db.PrepareReport(ctx, o, app.ReportInput{CampaignID: camp.ID, Deadline: deadline})
		if err != nil {
			return nil, fmt.Errorf("demo report %s: %w", slug, err)
		}
		r2, err := db.ReportAction(ctx, h, r.ID, app.ReportActionInput{Action: domain.ReportSubmit, Reason: reason})
		if domain.ErrorCode(err) == domain.ECONFLICT {
			return r, nil
		}
		if err != nil {
			return nil, fmt.Errorf("demo report %s: %w", slug, err)
		}
		return r2, nil
	}
	const paper = "系统启用前已按纸质报表报送，现补录"

	// The latest week passed: most towns filed (late, on paper first), 新闸 missing.
	if n := len(passed); n > 0 {
		last := passed[n-1].Deadline
		for _, slug := range []string{"kfq", "zouqu", "wuxing", "yonghong", "beigang", "xilin", "nandajie"} {
			if _, err := submit(slug, last, paper); err != nil {
				return err
			}
		}
		lists, err := db.Reports(ctx, district, app.ReportFilter{CampaignID: camp.ID, Deadline: last})
		if err != nil {
			return err
		}
		for _, x := range lists.Items {
			var act app.ReportActionInput
			switch x.OrgID {
			case town("zouqu"):
				act = app.ReportActionInput{Action: domain.ReportAccept}
			case town("xilin"):
				act = app.ReportActionInput{Action: domain.ReportReturn, Reason: "罚没金额与处罚决定书不符，请核对后重报"}
			default:
				continue
			}
			if x.Status != domain.ReportSubmitted {
				continue
			}
			if _, err := db.ReportAction(ctx, district, x.ID, act); err != nil {
				return fmt.Errorf("demo review: %w", err)
			}
		}
		if id := town("hehuachi"); id != 0 {
			if _, err := db.ExemptReport(ctx, district, app.ExemptionInput{CampaignID: camp.ID, OrgID: id, Deadline: last,
				Reason: "辖区整体拆迁，本周无在营场所"}); err != nil {
				return fmt.Errorf("demo exemption: %w", err)
			}
		}
	}
	// This week: two towns have submitted already (on time), one is preparing.
	if next != nil {
		for _, slug := range []string{"wuxing", "kfq"} {
			if _, err := submit(slug, next.Deadline, ""); err != nil {
				return err
			}
		}
		if o := officer("yonghong"); o != nil {
			if _, _, err := db.PrepareReport(ctx, o, app.ReportInput{CampaignID: camp.ID, Deadline: next.Deadline}); err != nil {
				return fmt.Errorf("demo draft: %w", err)
			}
		}
	}
	// A later week's deadline moves two days for a holiday.
	for i := range dls {
		if dls[i].Passed || next == nil || dls[i].Deadline.Equal(next.Deadline) {
			continue
		}
		moved := dls[i].Deadline.AddDate(0, 0, 2)
		if _, err := db.MoveDeadline(ctx, district, camp.ID, domain.DeadlineOverride{Week: dls[i].Week, Deadline: moved,
			Reason: "国庆、中秋假期顺延"}); err != nil {
			return fmt.Errorf("demo deadline move: %w", err)
		}
		break
	}
	return nil
}
