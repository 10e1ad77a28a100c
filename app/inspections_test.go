package app_test

import (
	"context"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestCreateInspection_NeverCreatesCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		grid := f.as["wx_grid"]
		s, err := f.app.CreateSite(ctx, grid, app.SiteInput{Name: "新中喷涂", Address: "新中路2号"})
		if err != nil {
			t.Fatal(err)
		}
		at := sitesNow.Add(-2 * time.Hour)
		x, err := f.app.CreateInspection(ctx, grid, app.InspectionInput{SiteID: s.ID, InspectedAt: at, Outcome: domain.OutcomeProblem, Note: "发现喷涂作业"})
		if err != nil {
			t.Fatal(err)
		}
		if x.CampaignID != f.camp.ID || !x.InspectedAt.Equal(at) || x.Inspectors != "wx_grid" {
			t.Fatalf("inspection = %+v", x)
		}
		_, total, err := f.app.Cases(ctx, f.as["district"], app.CaseFilter{})
		if err != nil || total != 0 {
			t.Fatalf("an inspection must not open a case: %d %v", total, err)
		}
		list, err := f.app.SiteInspections(ctx, grid, s.ID, 0)
		if err != nil || len(list) != 1 || list[0].ID != x.ID {
			t.Fatalf("site inspections: %+v %v", list, err)
		}
		_, err = f.app.CreateInspection(ctx, grid, app.InspectionInput{SiteID: s.ID, Outcome: "maybe"})
		wantErrCode(t, err, domain.EINVALID)
		_, err = f.app.CreateInspection(ctx, grid, app.InspectionInput{SiteID: s.ID, Outcome: domain.OutcomeNoProblem, InspectedAt: sitesNow.Add(24 * time.Hour)})
		wantErrCode(t, err, domain.EINVALID)
		_, err = f.app.CreateInspection(ctx, f.as["yh_officer"], app.InspectionInput{SiteID: s.ID, Outcome: domain.OutcomeNoProblem})
		wantErrCode(t, err, domain.ENOTFOUND)

		// Idempotent: the same key twice gives one inspection.
		in := app.InspectionInput{SiteID: s.ID, Outcome: domain.OutcomeNoProblem, IdempotencyKey: "insp-1"}
		a1, err := f.app.CreateInspection(ctx, grid, in)
		if err != nil {
			t.Fatal(err)
		}
		a2, err := f.app.CreateInspection(ctx, grid, in)
		if err != nil || a2.ID != a1.ID {
			t.Fatalf("retry gave %+v %v, want inspection %d", a2, err, a1.ID)
		}
		if list, _ := f.app.SiteInspections(ctx, grid, s.ID, f.camp.ID); len(list) != 2 {
			t.Fatalf("%d inspections, want 2", len(list))
		}
		f.verifyAudit(t)
	})
}
