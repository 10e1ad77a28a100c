package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// The persistence of weekly reports, exemptions, moved deadlines and final
// summaries: rows written through a transaction read back as written, and
// the constraints answer ErrDuplicate / ErrStale. The use cases over them
// are tested in app/reports_test.go.

// reportStore is a seeded store with the notice's campaign, its admin
// (to register cases through app) and its units by name.
type reportStore struct {
	db    *store.DB
	app   *app.App
	admin *domain.Actor
	camp  *domain.Campaign
	orgs  map[string]*domain.OrgUnit
}

var (
	rsZone     = domain.Shanghai()
	rsDeadline = time.Date(2020, 10, 14, 17, 0, 0, 0, rsZone)
	rsNext     = time.Date(2020, 10, 21, 17, 0, 0, 0, rsZone)
)

func newReportStore(t *testing.T, dialect store.Dialect) *reportStore {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, dialect, storetest.Options{Clock: &domain.FixedClock{T: time.Date(2020, 10, 14, 9, 30, 0, 0, rsZone)}})
	s := app.New(db)
	if _, err := seed.Bootstrap(ctx, s, "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	admin, err := s.Authenticate(ctx, "admin", "admin-password-1")
	if err != nil {
		t.Fatal(err)
	}
	camp, err := s.CreateCampaign(ctx, admin, domain.Campaign{Name: "专项整治", StartDate: "2020-09-27", EndDate: "2020-11-30",
		DeadlineWeekday: 3, SummaryDueDate: "2020-11-15"})
	if err != nil {
		t.Fatal(err)
	}
	rs := &reportStore{db: db, app: s, admin: admin, camp: camp, orgs: map[string]*domain.OrgUnit{}}
	r := db.Reader(ctx)
	root, err := r.Root()
	if err != nil {
		t.Fatal(err)
	}
	all, err := r.Subtree(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		rs.orgs[o.Name] = o
	}
	return rs
}

func (rs *reportStore) write(t *testing.T, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := rs.db.Write(context.Background(), rs.admin, fn); err != nil {
		t.Fatal(err)
	}
}

func TestWeeklyReportRows_RoundTripAndConstraints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		rs := newReportStore(t, dialect)
		ctx := context.Background()
		wx, yh := rs.orgs["五星街道"], rs.orgs["永红街道"]
		draft := &domain.WeeklyReport{CampaignID: rs.camp.ID, OrgID: wx.ID, Deadline: rsDeadline.UTC(), Status: domain.ReportDraft, Version: 1}
		rs.write(t, func(tx *store.Tx) error {
			var err error
			if draft.ID, err = tx.InsertReport(draft); err != nil {
				return err
			}
			return tx.InsertReportEvent(draft.ID, "prepare", "", 1)
		})
		if err := rs.db.Write(ctx, rs.admin, func(tx *store.Tx) error {
			_, err := tx.InsertReport(draft)
			return err
		}); !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("second report of a town for one deadline: %v", err)
		}
		r := rs.db.Reader(ctx)
		got, err := r.ReportAt(rs.camp.ID, wx.ID, rsDeadline)
		if err != nil || got.ID != draft.ID || got.OrgName != "五星街道" || got.Status != domain.ReportDraft ||
			!got.Deadline.Equal(rsDeadline) || got.OnTime != nil || got.FirstSubmittedAt != nil {
			t.Fatalf("report at: %+v %v", got, err)
		}
		if _, err := r.ReportAt(rs.camp.ID, yh.ID, rsDeadline); !store.IsNotFound(err) {
			t.Fatalf("no report: %v", err)
		}
		if _, err := r.Report(draft.ID + 100); !store.IsNotFound(err) {
			t.Fatalf("unknown id: %v", err)
		}

		// A submission freezes the forms; an UPDATE on an old version writes nothing.
		sub := *got
		at := rsDeadline.Add(-time.Minute).UTC()
		onTime := true
		sub.Status, sub.FirstSubmittedAt, sub.SubmittedAt, sub.OnTime, sub.Version = domain.ReportSubmitted, &at, &at, &onTime, 2
		sub.SubmittedByName, sub.SubmittedFor = "wx_officer", "wx_head"
		row := domain.SummaryRow{OrgID: wx.ID, Region: "五星街道", Problems: 1, Spraying: 1, FineFen: 123450, FineWan: "0.12345"}
		problems := []*domain.Case{{ID: 7, ProblemNo: "320404004-2020-0001", CaseFields: domain.CaseFields{UnitName: "甲", Category: domain.CatSpraying,
			Clears: map[string]bool{"water": true}, ClearDates: map[string]domain.Date{}}}}
		v := domain.ReportValidation{Errors: []domain.ReportFinding{}, Warnings: []domain.ReportFinding{{Warning: domain.Warning{Code: "w", Message: "提示"}, CaseID: 7}}}
		if err := rs.db.Write(ctx, rs.admin, func(tx *store.Tx) error {
			return tx.UpdateReportSubmission(&sub, 7, row, problems, v)
		}); !errors.Is(err, store.ErrStale) {
			t.Fatalf("stale submission: %v", err)
		}
		rs.write(t, func(tx *store.Tx) error { return tx.UpdateReportSubmission(&sub, 1, row, problems, v) })
		got, _ = r.Report(draft.ID)
		if got.Status != domain.ReportSubmitted || !got.FirstSubmittedAt.Equal(at) || got.OnTime == nil || !*got.OnTime ||
			got.SubmittedFor != "wx_head" || got.Version != 2 {
			t.Fatalf("submitted: %+v", got)
		}
		gotRow, gotProblems, gotV, err := r.ReportForms(draft.ID)
		if err != nil || gotRow != row || !reflect.DeepEqual(gotProblems, problems) || !reflect.DeepEqual(gotV, v) {
			t.Fatalf("frozen forms: %+v %+v %+v %v", gotRow, gotProblems, gotV, err)
		}
		// The status filter takes the statuses given as parameters.
		all := domain.ScopeFilter{All: true}
		for _, c := range []struct {
			q    store.ReportQuery
			want int
		}{
			{store.ReportQuery{CampaignID: rs.camp.ID, Scope: all, Statuses: domain.RollUpStatuses()}, 1},
			{store.ReportQuery{CampaignID: rs.camp.ID, Scope: all, Statuses: []domain.ReportStatus{domain.ReportDraft}}, 0},
			{store.ReportQuery{CampaignID: rs.camp.ID, Scope: domain.ScopeFilter{TownID: wx.ID}, Deadline: rsDeadline}, 1},
			{store.ReportQuery{CampaignID: rs.camp.ID, Scope: domain.ScopeFilter{TownIDs: []int64{yh.ID, wx.ID}}}, 1},
			{store.ReportQuery{CampaignID: rs.camp.ID, Scope: domain.ScopeFilter{}}, 0},
			{store.ReportQuery{CampaignID: rs.camp.ID, Scope: domain.ScopeFilter{TownID: yh.ID}}, 0},
			{store.ReportQuery{CampaignID: rs.camp.ID, Scope: all, Deadline: rsNext}, 0},
		} {
			xs, err := r.Reports(c.q)
			snaps, err2 := r.ReportSnapshots(c.q)
			if err != nil || err2 != nil || len(xs) != c.want || len(snaps) != c.want {
				t.Fatalf("%+v: %d reports %d snapshots (%v %v), want %d", c.q, len(xs), len(snaps), err, err2, c.want)
			}
			if c.want == 1 && (snaps[0].Summary != row || len(snaps[0].Problems) != 1) {
				t.Fatalf("snapshot %+v", snaps[0])
			}
		}

		// A review and a moved deadline store what they are given, on time included.
		rev := *got
		now := rsDeadline.Add(time.Hour).UTC()
		rev.Status, rev.ReturnReason, rev.ReviewedByName, rev.ReviewedAt, rev.Version = domain.ReportReturned, "有误", "district", &now, 3
		rs.write(t, func(tx *store.Tx) error { return tx.UpdateReportReview(&rev, 2) })
		late := false
		rev.Deadline, rev.OnTime = rsNext.UTC(), &late
		rs.write(t, func(tx *store.Tx) error { return tx.UpdateReportDeadline(&rev) })
		got, _ = r.Report(draft.ID)
		if got.Status != domain.ReportReturned || got.ReturnReason != "有误" || !got.ReviewedAt.Equal(now) ||
			!got.Deadline.Equal(rsNext) || got.OnTime == nil || *got.OnTime {
			t.Fatalf("reviewed and moved: %+v", got)
		}
		rev.OnTime = nil
		rs.write(t, func(tx *store.Tx) error { return tx.UpdateReportDeadline(&rev) })
		if got, _ = r.Report(draft.ID); got.OnTime != nil {
			t.Fatalf("on time NULL: %+v", got)
		}
		evs, err := r.ReportEvents(draft.ID)
		if err != nil || len(evs) != 1 || evs[0].Action != "prepare" || evs[0].Role != string(domain.RoleAdmin) || evs[0].Version != 1 {
			t.Fatalf("events %+v %v", evs, err)
		}
	})
}

func TestExemptionsAndOverrides_RoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		rs := newReportStore(t, dialect)
		r := rs.db.Reader(context.Background())
		wx, yh := rs.orgs["五星街道"], rs.orgs["永红街道"]
		e := &domain.Exemption{CampaignID: rs.camp.ID, OrgID: wx.ID, Deadline: rsDeadline.UTC(), Reason: "拆迁"}
		rs.write(t, func(tx *store.Tx) error {
			var err error
			if e.ID, err = tx.InsertExemption(e); err != nil {
				return err
			}
			_, err = tx.InsertExemption(&domain.Exemption{CampaignID: rs.camp.ID, OrgID: yh.ID, Deadline: rsNext.UTC(), Reason: "x"})
			return err
		})
		if err := rs.db.Write(context.Background(), rs.admin, func(tx *store.Tx) error {
			_, err := tx.InsertExemption(e)
			return err
		}); !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("second exemption: %v", err)
		}
		all, err := r.Exemptions(store.ExemptionQuery{CampaignID: rs.camp.ID, Scope: domain.ScopeFilter{All: true}})
		if err != nil || len(all) != 2 || all[0] != *e {
			t.Fatalf("exemptions %+v %v", all, err)
		}
		if one, _ := r.Exemptions(store.ExemptionQuery{CampaignID: rs.camp.ID, Scope: domain.ScopeFilter{TownID: yh.ID}, Deadline: rsNext}); len(one) != 1 || one[0].OrgID != yh.ID {
			t.Fatalf("by path and deadline: %+v", one)
		}
		rs.write(t, func(tx *store.Tx) error {
			if err := tx.UpdateExemptionDeadline(e.ID, rsNext.UTC()); err != nil {
				return err
			}
			return tx.DeleteExemption(all[1].ID)
		})
		if all, _ = r.Exemptions(store.ExemptionQuery{CampaignID: rs.camp.ID, Scope: domain.ScopeFilter{All: true}}); len(all) != 1 || !all[0].Deadline.Equal(rsNext) {
			t.Fatalf("after move and delete: %+v", all)
		}

		// Moving a week twice keeps one override, the latest.
		moved := time.Date(2020, 10, 9, 17, 0, 0, 0, rsZone).UTC()
		rs.write(t, func(tx *store.Tx) error {
			if err := tx.PutDeadlineOverride(rs.camp.ID, domain.DeadlineOverride{Week: "2020-10-07", Deadline: moved.Add(-time.Hour), Reason: "国庆"}); err != nil {
				return err
			}
			return tx.PutDeadlineOverride(rs.camp.ID, domain.DeadlineOverride{Week: "2020-10-07", Deadline: moved, Reason: "国庆、中秋"})
		})
		ovs, err := r.DeadlineOverrides(rs.camp.ID)
		if err != nil || len(ovs) != 1 || !ovs[0].Deadline.Equal(moved) || ovs[0].Reason != "国庆、中秋" || ovs[0].Week != "2020-10-07" {
			t.Fatalf("overrides %+v %v", ovs, err)
		}
	})
}

func TestFinalSummaryRows_RoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		rs := newReportStore(t, dialect)
		r := rs.db.Reader(context.Background())
		wx := rs.orgs["五星街道"]
		x := &domain.FinalSummary{CampaignID: rs.camp.ID, OrgID: wx.ID, SHA256: "aa", Size: 3, ContentType: "application/pdf", Filename: "总结.pdf"}
		rs.write(t, func(tx *store.Tx) error {
			var err error
			x.ID, err = tx.InsertFinalSummary(x)
			return err
		})
		if err := rs.db.Write(context.Background(), rs.admin, func(tx *store.Tx) error {
			_, err := tx.InsertFinalSummary(x)
			return err
		}); !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("second summary of a town: %v", err)
		}
		got, err := r.FinalSummaryOf(rs.camp.ID, wx.ID)
		if err != nil || got.ID != x.ID || got.OrgName != "五星街道" || got.Filename != "总结.pdf" || got.UploadedName != rs.admin.User.DisplayName ||
			got.UploadedAt == nil || got.SignedAt != nil || got.Version != 1 || got.Status != "" {
			t.Fatalf("stored summary: %+v %v", got, err)
		}
		x.SHA256, x.Size = "bb", 5
		rs.write(t, func(tx *store.Tx) error { return tx.UpdateFinalSummaryScan(x) })
		got, _ = r.FinalSummary(x.ID)
		if got.SHA256 != "bb" || got.Size != 5 || got.Version != 2 {
			t.Fatalf("new scan: %+v", got)
		}
		signed := *got
		signed.Sign("wx_head", "", time.Date(2020, 11, 15, 10, 0, 0, 0, rsZone).UTC())
		rs.write(t, func(tx *store.Tx) error { return tx.UpdateFinalSummarySignature(&signed) })
		got, _ = r.FinalSummary(x.ID)
		if got.SignedName != "wx_head" || got.SignedAt == nil || !got.SignedAt.Equal(*signed.SignedAt) || got.Version != 3 {
			t.Fatalf("signed: %+v", got)
		}
		if list, err := r.FinalSummaries(rs.camp.ID, domain.ScopeFilter{TownID: rs.orgs["永红街道"].ID}); err != nil || len(list) != 0 {
			t.Fatalf("another town's summaries: %v %v", list, err)
		}
		if _, err := r.FinalSummary(x.ID + 1); !store.IsNotFound(err) {
			t.Fatalf("unknown summary: %v", err)
		}
	})
}

// The roll-up's SQL filter takes its statuses from domain.RollUpStatuses:
// over reports in every stored status, the rows the query returns are
// exactly those domain.ReportStatus.InRollUp accepts, on both databases.
func TestReportSnapshots_RollUpFilterMatchesDomain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		rs := newReportStore(t, dialect)
		stored := []domain.ReportStatus{domain.ReportDraft, domain.ReportSubmitted, domain.ReportReturned, domain.ReportAccepted}
		towns := []string{"五星街道", "永红街道", "北港街道", "西林街道", "南大街街道", "荷花池街道", "新闸街道", "邹区镇"}
		want := map[int64]bool{}
		rs.write(t, func(tx *store.Tx) error {
			for i, name := range towns {
				x := &domain.WeeklyReport{CampaignID: rs.camp.ID, OrgID: rs.orgs[name].ID, Deadline: rsDeadline.UTC(),
					Status: stored[i%len(stored)], Version: 1}
				id, err := tx.InsertReport(x)
				if err != nil {
					return err
				}
				want[id] = x.Status.InRollUp()
			}
			return nil
		})
		snaps, err := rs.db.Reader(context.Background()).ReportSnapshots(store.ReportQuery{CampaignID: rs.camp.ID,
			Scope: domain.ScopeFilter{All: true}, Deadline: rsDeadline, Statuses: domain.RollUpStatuses()})
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]bool{}
		for _, s := range snaps {
			got[s.Report.ID] = true
		}
		for id, in := range want {
			if got[id] != in {
				t.Errorf("report %d: in the roll-up query %v, domain says %v", id, got[id], in)
			}
		}
	})
}
