package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestReport_DeadlineBoundaryOnTimeLateMissing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newReportFixture(t, dialect)
		ctx := context.Background()
		f.mustCase(t, "wx_officer", caseForm("五星喷漆点"))

		// 16:59:59: the default deadline is this Wednesday's; submitted now it is on time.
		f.clock.T = week1014.Add(-time.Second)
		r, created, err := f.app.PrepareReport(ctx, f.as["wx_officer"], app.ReportInput{})
		if err != nil || !created || !r.Deadline.Equal(week1014) || r.Status != domain.ReportDraft {
			t.Fatalf("prepare: %+v %v %v", r, created, err)
		}
		again, created, err := f.app.PrepareReport(ctx, f.as["wx_head"], app.ReportInput{Deadline: week1014})
		if err != nil || created || again.ID != r.ID {
			t.Fatalf("second prepare: %+v %v %v", again, created, err)
		}
		got := f.act(t, "wx_head", r.ID, domain.ReportSubmit, "")
		if got.Status != domain.ReportSubmitted || got.OnTime == nil || !*got.OnTime || !got.FirstSubmittedAt.Equal(f.clock.T) {
			t.Fatalf("submitted at 16:59:59: %+v", got)
		}

		// 17:00:00 sharp: the next deadline is next week's, and this week's is late.
		f.clock.T = week1014
		next, _, err := f.app.PrepareReport(ctx, f.as["yh_officer"], app.ReportInput{})
		if err != nil || !next.Deadline.Equal(week1021) {
			t.Fatalf("default deadline at 17:00:00 = %v (%v)", next.Deadline, err)
		}
		// The deadline passed: every town without a submitted report is missing at once.
		st := f.listStatus(t, "district", week1014)
		if len(st) != 9 || st["五星街道"].Status != domain.ReportSubmitted || st["永红街道"].Status != domain.ReportMissing ||
			st["永红街道"].ID != 0 || st["新闸街道"].Status != domain.ReportMissing {
			t.Fatalf("statuses at 17:00:00: %v", st)
		}
		late := f.prepare(t, "yh_officer", "永红街道", week1014)
		if st := f.listStatus(t, "district", week1014); st["永红街道"].Status != domain.ReportMissing || st["永红街道"].ID != late.ID {
			t.Fatalf("an unsubmitted draft is still missing: %+v", st["永红街道"])
		}
		_, err = f.app.ReportAction(ctx, f.as["yh_head"], late.ID, app.ReportActionInput{Action: domain.ReportSubmit})
		wantErrCode(t, err, domain.EINVALID)
		if domain.ErrorField(err) != "reason" {
			t.Fatalf("field = %q", domain.ErrorField(err))
		}
		got = f.act(t, "yh_head", late.ID, domain.ReportSubmit, "系统故障")
		if got.OnTime == nil || *got.OnTime || got.LateReason != "系统故障" {
			t.Fatalf("late submission: %+v", got)
		}
		st = f.listStatus(t, "district", week1014)
		if st["永红街道"].Status != domain.ReportSubmitted || *st["永红街道"].OnTime || !*st["五星街道"].OnTime {
			t.Fatalf("after late submission: %+v", st["永红街道"])
		}
		// A town officer sees only their own town.
		if st := f.listStatus(t, "wx_officer", week1014); len(st) != 1 || st["五星街道"] == nil {
			t.Fatalf("town officer's list: %v", st)
		}
		// Next week's deadline has not passed: no missing rows yet, only the draft.
		if st := f.listStatus(t, "district", week1021); len(st) != 1 || st["永红街道"].Status != domain.ReportDraft {
			t.Fatalf("next week: %v", st)
		}
		f.verifyAudit(t)
	})
}

func TestReport_SubmittedSnapshotNeverChanges_ResubmissionKeepsFirstTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newReportFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", caseForm("五星喷漆点"))
		f.clock.T = time.Date(2020, 10, 14, 10, 0, 0, 0, sh)
		r := f.prepare(t, "wx_officer", "五星街道", week1014)
		detail, err := f.app.Report(ctx, f.as["wx_officer"], r.ID)
		if err != nil || !detail.Live || len(detail.Problems) != 1 || detail.Summary.Rows[0].Problems != 1 {
			t.Fatalf("draft detail: %+v %v", detail, err)
		}
		first := f.act(t, "wx_head", r.ID, domain.ReportSubmit, "")

		// The case changes after submission: the snapshot does not.
		f.clock.T = f.clock.T.Add(time.Hour)
		if _, err := f.app.UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("fine_fen", valueRef(int64(123450))).With("case_filed", valueRef(true))); err != nil {
			t.Fatal(err)
		}
		f.mustCase(t, "wx_officer", caseForm("五星新问题"))
		detail, err = f.app.Report(ctx, f.as["district"], r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if detail.Live || detail.Summary.Rows[0].Problems != 1 || detail.Summary.Rows[0].FineFen != 0 ||
			len(detail.Problems) != 1 || detail.Problems[0].FineFen != 0 || detail.Summary.Total.Problems != 1 {
			t.Fatalf("frozen snapshot changed: %+v problems %d", detail.Summary, len(detail.Problems))
		}

		// Duplicate submit: 409. Wrong roles: 403; another town's officer: 404.
		_, err = f.app.ReportAction(ctx, f.as["wx_head"], r.ID, app.ReportActionInput{Action: domain.ReportSubmit})
		wantErrCode(t, err, domain.ECONFLICT)
		_, err = f.app.ReportAction(ctx, f.as["wx_officer"], r.ID, app.ReportActionInput{Action: domain.ReportSubmit})
		wantErrCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.ReportAction(ctx, f.as["wx_head"], r.ID, app.ReportActionInput{Action: domain.ReportAccept})
		wantErrCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.ReportAction(ctx, f.as["yh_officer"], r.ID, app.ReportActionInput{Action: domain.ReportSubmit})
		wantErrCode(t, err, domain.ENOTFOUND)
		_, err = f.app.Report(ctx, f.as["yh_officer"], r.ID)
		wantErrCode(t, err, domain.ENOTFOUND)

		// Accept, then return (reason required), then resubmit after the deadline: no late reason
		// needed, a new snapshot, the first submission time and on_time kept.
		f.act(t, "district", r.ID, domain.ReportAccept, "")
		_, err = f.app.ReportAction(ctx, f.as["district"], r.ID, app.ReportActionInput{Action: domain.ReportReturn})
		wantErrCode(t, err, domain.EINVALID)
		ret := f.act(t, "district", r.ID, domain.ReportReturn, "罚款数据有误")
		if ret.Status != domain.ReportReturned || ret.ReturnReason != "罚款数据有误" {
			t.Fatalf("returned: %+v", ret)
		}
		f.clock.T = week1014.Add(2 * time.Hour)
		again := f.act(t, "wx_head", r.ID, domain.ReportSubmit, "")
		if !again.FirstSubmittedAt.Equal(*first.FirstSubmittedAt) || !*again.OnTime || !again.SubmittedAt.Equal(f.clock.T) {
			t.Fatalf("resubmitted: %+v (first %v)", again, first.FirstSubmittedAt)
		}
		detail, _ = f.app.Report(ctx, f.as["district"], r.ID)
		if detail.Summary.Rows[0].Problems != 2 || detail.Summary.Rows[0].FineWan != "0.12345" || len(detail.Problems) != 2 {
			t.Fatalf("new snapshot: %+v", detail.Summary.Rows[0])
		}
		var actions []string
		for _, e := range detail.Events {
			actions = append(actions, e.Action)
		}
		if strings.Join(actions, ",") != "prepare,submit,accept,return,submit" {
			t.Fatalf("history %v", actions)
		}
		// An officer the head delegated to submits for the head; both names are recorded.
		if _, err := f.app.CreateDelegation(ctx, f.as["wx_head"], app.DelegationInput{DelegateUserID: f.as["wx_officer"].User.ID,
			Until: f.clock.T.Add(72 * time.Hour), Reason: "出差"}); err != nil {
			t.Fatal(err)
		}
		wx2 := f.prepare(t, "wx_officer", "五星街道", week1021)
		if got := f.act(t, "wx_officer", wx2.ID, domain.ReportSubmit, ""); got.SubmittedFor != "wx_head" || got.SubmittedByName != "wx_officer" {
			t.Fatalf("delegated submission: %+v", got)
		}
		// 代报 by the district office is recorded as such.
		yh := f.prepare(t, "district", "永红街道", week1021)
		if got := f.act(t, "district", yh.ID, domain.ReportSubmit, ""); got.SubmittedFor != domain.ProxySubmission {
			t.Fatalf("代报: %+v", got)
		}
		f.verifyAudit(t)
	})
}

func TestReport_ValidationErrorBlocksSubmission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newReportFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", caseForm("五星喷漆点"))
		f.tamper(t, `UPDATE cases SET description = '' WHERE id = $1`, c.ID)
		r := f.prepare(t, "wx_officer", "五星街道", week1014)
		d, err := f.app.Report(ctx, f.as["wx_officer"], r.ID)
		if err != nil || len(d.Validation.Errors) != 1 || d.Validation.Errors[0].ProblemNo != c.ProblemNo {
			t.Fatalf("live validation: %+v %v", d.Validation, err)
		}
		_, err = f.app.ReportAction(ctx, f.as["wx_head"], r.ID, app.ReportActionInput{Action: domain.ReportSubmit})
		wantErrCode(t, err, domain.ECONFLICT)
		if domain.ErrorField(err) != "validation" || !strings.Contains(domain.ErrorMessage(err), c.ProblemNo) {
			t.Fatalf("error %v", err)
		}
		// A report for a town-level unit only, and for one of the campaign's deadlines only.
		_, _, err = f.app.PrepareReport(ctx, f.as["district"], app.ReportInput{OrgID: f.orgs["钟楼区"].ID})
		wantErrCode(t, err, domain.EINVALID)
		_, _, err = f.app.PrepareReport(ctx, f.as["wx_officer"], app.ReportInput{Deadline: week1014.Add(time.Hour)})
		wantErrCode(t, err, domain.EINVALID)
		_, _, err = f.app.PrepareReport(ctx, f.as["wx_officer"], app.ReportInput{OrgID: f.orgs["永红街道"].ID})
		wantErrCode(t, err, domain.ENOTFOUND)
		_, _, err = f.app.PrepareReport(ctx, f.as["wx_grid"], app.ReportInput{})
		if domain.ErrorCode(err) == "" {
			t.Fatal("a grid worker prepared a report")
		}
	})
}

func TestReport_ExemptionAndMovedDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newReportFixture(t, dialect)
		ctx := context.Background()
		f.clock.T = time.Date(2020, 10, 6, 12, 0, 0, 0, sh)
		early := f.prepare(t, "wx_officer", "五星街道", week1007)

		// 国庆: the week of 10-07 is reported by 10-09 17:00 instead.
		moved := time.Date(2020, 10, 9, 17, 0, 0, 0, sh)
		_, err := f.app.MoveDeadline(ctx, f.as["district"], f.camp.ID, domain.DeadlineOverride{Week: "2020-10-07", Deadline: moved})
		wantErrCode(t, err, domain.EINVALID)
		_, err = f.app.MoveDeadline(ctx, f.as["wx_head"], f.camp.ID, domain.DeadlineOverride{Week: "2020-10-07", Deadline: moved, Reason: "国庆"})
		wantErrCode(t, err, domain.EFORBIDDEN)
		if _, err := f.app.MoveDeadline(ctx, f.as["district"], f.camp.ID, domain.DeadlineOverride{Week: "2020-10-07", Deadline: moved, Reason: "国庆、中秋假期"}); err != nil {
			t.Fatal(err)
		}
		_, dls, err := f.app.CampaignDeadlines(ctx, f.as["wx_officer"], 0)
		if err != nil || !dls[1].Deadline.Equal(moved) || !dls[1].Moved || dls[1].Week != "2020-10-07" || dls[0].Moved {
			t.Fatalf("deadlines: %+v %v", dls[:3], err)
		}
		// The draft moved with its week; the old instant is no longer a deadline.
		d, err := f.app.Report(ctx, f.as["wx_officer"], early.ID)
		if err != nil || !d.Deadline.Equal(moved) {
			t.Fatalf("moved draft: %+v %v", d, err)
		}
		_, _, err = f.app.PrepareReport(ctx, f.as["wx_officer"], app.ReportInput{Deadline: week1007})
		wantErrCode(t, err, domain.EINVALID)
		// At 10-08, after the regular deadline but before the moved one: on time, nothing missing.
		f.clock.T = time.Date(2020, 10, 8, 9, 0, 0, 0, sh)
		if next, _, _ := f.app.PrepareReport(ctx, f.as["yh_officer"], app.ReportInput{}); !next.Deadline.Equal(moved) {
			t.Fatalf("next deadline = %v", next.Deadline)
		}
		if got := f.act(t, "wx_head", early.ID, domain.ReportSubmit, ""); !*got.OnTime {
			t.Fatalf("on time under the moved deadline: %+v", got)
		}

		// 北港街道 is excused for the moved week; reason required; district only; once.
		in := app.ExemptionInput{OrgID: f.orgs["北港街道"].ID, Deadline: moved}
		_, err = f.app.ExemptReport(ctx, f.as["district"], in)
		wantErrCode(t, err, domain.EINVALID)
		in.Reason = "辖区拆迁，无企业"
		_, err = f.app.ExemptReport(ctx, f.as["wx_head"], app.ExemptionInput{OrgID: f.orgs["五星街道"].ID, Deadline: moved, Reason: "x"})
		wantErrCode(t, err, domain.EFORBIDDEN)
		if _, err := f.app.ExemptReport(ctx, f.as["district"], in); err != nil {
			t.Fatal(err)
		}
		_, err = f.app.ExemptReport(ctx, f.as["district"], in)
		wantErrCode(t, err, domain.ECONFLICT)
		_, err = f.app.ExemptReport(ctx, f.as["district"], app.ExemptionInput{OrgID: f.orgs["五星街道"].ID, Deadline: moved, Reason: "x"})
		wantErrCode(t, err, domain.ECONFLICT) // already submitted

		f.clock.T = moved
		st := f.listStatus(t, "district", moved)
		if st["北港街道"].Status != domain.ReportExempt || st["五星街道"].Status != domain.ReportSubmitted ||
			st["永红街道"].Status != domain.ReportMissing || st["北港街道"].ExemptReason != in.Reason {
			t.Fatalf("statuses: 北港 %+v 五星 %+v 永红 %+v", st["北港街道"], st["五星街道"], st["永红街道"])
		}
		f.verifyAudit(t)
	})
}

func TestMergedReports_RollUpOfSubmittedSnapshots(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newReportFixture(t, dialect)
		ctx := context.Background()
		a := caseForm("五星甲")
		a.FineFen = 1
		f.mustCase(t, "wx_officer", a)
		b := caseForm("永红甲")
		b.OrgID, b.FineFen = f.orgs["永红街道"].ID, 123450
		f.mustCase(t, "district", b)
		k := caseForm("开发区甲")
		k.OrgID, k.ConfiscatedFen = f.orgs["钟楼经济开发区"].ID, 300000
		f.mustCase(t, "district", k)
		for _, x := range []struct{ head, town string }{{"yh_head", "永红街道"}, {"wx_head", "五星街道"}, {"kfq_head", "钟楼经济开发区"}} {
			r := f.prepare(t, x.head, x.town, week1014)
			f.act(t, x.head, r.ID, domain.ReportSubmit, "")
		}
		// A returned report is not part of the roll-up.
		kfq := f.listStatus(t, "district", week1014)["钟楼经济开发区"]
		f.act(t, "district", kfq.ID, domain.ReportReturn, "重新核对")
		m, err := f.app.MergedReports(ctx, f.as["district"], 0, 0, week1014)
		if err != nil {
			t.Fatal(err)
		}
		if got := regionNames(m.Summary); strings.Join(got, ",") != "五星街道,永红街道" {
			t.Fatalf("merged rows %v", got)
		}
		checkTotal(t, m.Summary)
		if m.Summary.Total.FineWan != "0.123451" || m.Summary.Total.Problems != 2 || len(m.Problems) != 2 ||
			m.Problems[0].UnitName != "五星甲" {
			t.Fatalf("merged total %+v", m.Summary.Total)
		}
		// A town head's roll-up is their own town only.
		m, err = f.app.MergedReports(ctx, f.as["wx_head"], 0, 0, week1014)
		if err != nil || len(m.Summary.Rows) != 1 {
			t.Fatalf("town roll-up: %+v %v", m, err)
		}
	})
}

// The deadline is an instant in Asia/Shanghai whatever the process's zone.
func TestReport_DeadlineIndependentOfProcessZone(t *testing.T) {
	f := newReportFixture(t, store.SQLite)
	ctx := context.Background()
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	for _, zone := range []string{"UTC", "America/New_York", "Pacific/Kiritimati"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		time.Local = loc
		f.clock.T = week1014.Add(-time.Second).In(loc)
		_, dls, err := f.app.CampaignDeadlines(ctx, f.as["wx_officer"], 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dls {
			if d.Deadline.Equal(week1014) && d.Passed {
				t.Fatalf("%s: 16:59:59 Shanghai counts as past the deadline", zone)
			}
		}
		f.clock.T = week1014.In(loc)
		_, dls, _ = f.app.CampaignDeadlines(ctx, f.as["wx_officer"], 0)
		for _, d := range dls {
			if d.Deadline.Equal(week1014) && !d.Passed {
				t.Fatalf("%s: 17:00:00 Shanghai is not past the deadline", zone)
			}
			if h := d.Deadline.In(sh).Hour(); h != 17 {
				t.Fatalf("%s: deadline %v", zone, d.Deadline)
			}
		}
	}
}
