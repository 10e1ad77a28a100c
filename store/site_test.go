package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// caseFixture is the seeded store of newFixture on a fixed clock, with one
// campaign (the notice's: 2020-09-27 to 2020-11-30) running.
type caseFixture struct {
	*fixture
	clock *domain.FixedClock
	camp  *domain.Campaign
}

// campaignNow is a Wednesday morning in the middle of the campaign.
var campaignNow = time.Date(2020, 10, 14, 9, 30, 0, 0, domain.Shanghai())

func newCaseFixture(t *testing.T, dialect store.Dialect) *caseFixture {
	t.Helper()
	ctx := context.Background()
	clock := &domain.FixedClock{T: campaignNow}
	f := newFixtureOn(t, dialect, clock)
	camp, err := f.db.CreateCampaign(ctx, f.as["district"], domain.Campaign{Name: "违法违规“小字头”及“停产停业”企业专项整治",
		DocNo: "钟安发〔2020〕4号", StartDate: "2020-09-27", EndDate: "2020-11-30", DeadlineWeekday: 3, SummaryDueDate: "2020-11-15"})
	if err != nil {
		t.Fatal(err)
	}
	return &caseFixture{fixture: f, clock: clock, camp: camp}
}

// verifyAudit fails the test unless the audit chain is intact.
func verifyAudit(t *testing.T, db *store.DB) {
	t.Helper()
	res, err := db.VerifyAudit(context.Background())
	if err != nil || res.Broken != "" {
		t.Fatalf("audit verify: %v %s", err, res.Broken)
	}
}

func warningCodes(ws []domain.Warning) string {
	var codes []string
	for _, w := range ws {
		codes = append(codes, w.Code)
	}
	return strings.Join(codes, ",")
}

func TestCreateSite_CreditCodeWarning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		good, err := f.db.CreateSite(ctx, f.as["wx_officer"], store.SiteInput{Name: "华为五金", CreditCode: " 914403001922038216 ", Address: "五星路1号"})
		if err != nil {
			t.Fatal(err)
		}
		if len(good.Warnings) != 0 {
			t.Fatalf("valid code warned: %+v", good.Warnings)
		}
		bad, err := f.db.CreateSite(ctx, f.as["wx_officer"], store.SiteInput{Name: "某喷涂作坊", CreditCode: "914403001922038217", Address: "五星路2号"})
		if err != nil {
			t.Fatalf("a bad check character must be a warning, not an error: %v", err)
		}
		if got := warningCodes(bad.Warnings); got != domain.RuleCreditCodeCheck {
			t.Fatalf("warnings = %q, want %q", got, domain.RuleCreditCodeCheck)
		}
		if bad.Warnings[0].Field != "credit_code" || bad.CreditCode != "914403001922038217" {
			t.Fatalf("warning %+v, stored code %q", bad.Warnings[0], bad.CreditCode)
		}
		// The warning shows again when the site is read.
		again, err := f.db.Site(ctx, f.as["wx_grid"], bad.ID)
		if err == nil {
			t.Fatalf("site at the town is outside the grid worker's village, got %+v", again)
		}
		wantCode(t, err, domain.ENOTFOUND)
		again, err = f.db.Site(ctx, f.as["wx_officer"], bad.ID)
		if err != nil || warningCodes(again.Warnings) != domain.RuleCreditCodeCheck {
			t.Fatalf("read back: %+v %v", again, err)
		}
		verifyAudit(t, f.db)
	})
}

func TestCreateSite_DuplicateWarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		first, err := f.db.CreateSite(ctx, wx, store.SiteInput{Name: "钟楼 五金厂（新中）", Address: "新中路 8 号", CreditCode: "91350100M000100Y43"})
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Warnings) != 0 {
			t.Fatalf("first site warned: %+v", first.Warnings)
		}
		tests := []struct {
			name  string
			actor string
			in    store.SiteInput
			field string // "" = no warning
		}{
			{"same name and address, spaces and brackets differ", "wx_officer",
				store.SiteInput{Name: "钟楼五金厂(新中)", Address: "新中路8号"}, "name"},
			{"same credit code, other town", "yh_officer",
				store.SiteInput{Name: "别的名字", Address: "别处", CreditCode: "91350100m000100y43"}, "credit_code"},
			{"same name and address in another town", "yh_officer",
				store.SiteInput{Name: "钟楼五金厂(新中)", Address: "新中路8号"}, ""},
			{"same name, other address", "wx_officer",
				store.SiteInput{Name: "钟楼五金厂(新中)", Address: "五星路8号"}, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				s, err := f.db.CreateSite(ctx, f.as[tc.actor], tc.in)
				if err != nil {
					t.Fatal(err)
				}
				var dup []domain.Warning
				for _, w := range s.Warnings {
					if w.Code == store.WarnPossibleDuplicate {
						dup = append(dup, w)
					}
				}
				if tc.field == "" {
					if len(dup) != 0 {
						t.Fatalf("unexpected duplicate warning %+v", dup)
					}
					return
				}
				if len(dup) != 1 || dup[0].Field != tc.field || !strings.Contains(dup[0].Message, "#"+itoa(first.ID)) {
					t.Fatalf("duplicate warnings = %+v, want one on %s naming site %d", dup, tc.field, first.ID)
				}
			})
		}
	})
}

func TestCreateSite_Placement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		xz, wx, yh := f.orgs["新中社区"], f.orgs["五星街道"], f.orgs["永红街道"]

		s, err := f.db.CreateSite(ctx, f.as["wx_officer"], store.SiteInput{VillageID: xz.ID, Name: "甲"})
		if err != nil || s.OrgID != wx.ID || s.VillageID == nil || *s.VillageID != xz.ID {
			t.Fatalf("village alone should imply its town: %+v %v", s, err)
		}
		s, err = f.db.CreateSite(ctx, f.as["wx_officer"], store.SiteInput{OrgID: xz.ID, Name: "乙"})
		if err != nil || s.OrgID != wx.ID || s.VillageID == nil || *s.VillageID != xz.ID {
			t.Fatalf("an org_id that is a village is the village: %+v %v", s, err)
		}
		s, err = f.db.CreateSite(ctx, f.as["wx_grid"], store.SiteInput{Name: "丙", TargetType: domain.TargetStopped})
		if err != nil || s.OrgID != wx.ID || s.VillageID == nil || *s.VillageID != xz.ID || s.TargetType != domain.TargetStopped {
			t.Fatalf("grid worker's site defaults to their village: %+v %v", s, err)
		}
		if s.State != domain.SiteProducing || s.Version != 1 || !s.CreatedAt.Equal(campaignNow) {
			t.Fatalf("defaults: %+v", s)
		}

		_, err = f.db.CreateSite(ctx, f.as["district"], store.SiteInput{OrgID: yh.ID, VillageID: xz.ID, Name: "丁"})
		wantCode(t, err, domain.EINVALID)
		if domain.ErrorField(err) != "village_id" {
			t.Fatalf("field = %q", domain.ErrorField(err))
		}
		_, err = f.db.CreateSite(ctx, f.as["wx_grid"], store.SiteInput{VillageID: f.orgs["新农社区"].ID, Name: "戊"})
		wantCode(t, err, domain.ENOTFOUND)
		_, err = f.db.CreateSite(ctx, f.as["yh_officer"], store.SiteInput{OrgID: wx.ID, Name: "己"})
		wantCode(t, err, domain.ENOTFOUND)
		_, err = f.db.CreateSite(ctx, f.as["wx_head"], store.SiteInput{Name: "庚"})
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.db.CreateSite(ctx, f.as["wx_officer"], store.SiteInput{Name: "  "})
		wantCode(t, err, domain.EINVALID)
		_, err = f.db.CreateSite(ctx, f.as["wx_officer"], store.SiteInput{Name: "辛", TargetType: "big"})
		wantCode(t, err, domain.EINVALID)
	})
}

func TestUpdateSite_StaleVersionWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		s, err := f.db.CreateSite(ctx, wx, store.SiteInput{Name: "甲厂", Address: "一路"})
		if err != nil {
			t.Fatal(err)
		}
		name, state := "甲厂（更名）", domain.SiteSuspended
		up, err := f.db.UpdateSite(ctx, wx, s.ID, store.SitePatch{Version: 1, Name: &name, State: &state})
		if err != nil {
			t.Fatal(err)
		}
		if up.Name != name || up.State != state || up.Version != 2 || up.Address != "一路" {
			t.Fatalf("updated = %+v", up)
		}
		other := "不该写入"
		_, err = f.db.UpdateSite(ctx, wx, s.ID, store.SitePatch{Version: 1, Name: &other})
		wantCode(t, err, domain.ECONFLICT)
		got, err := f.db.Site(ctx, wx, s.ID)
		if err != nil || got.Name != name || got.Version != 2 {
			t.Fatalf("after stale update: %+v %v", got, err)
		}
		_, err = f.db.UpdateSite(ctx, f.as["yh_officer"], s.ID, store.SitePatch{Version: 2, Name: &other})
		wantCode(t, err, domain.ENOTFOUND)
		// Moving into a village of another town is refused.
		v := f.orgs["东方社区"].ID
		_, err = f.db.UpdateSite(ctx, wx, s.ID, store.SitePatch{Version: 2, VillageID: &v})
		wantCode(t, err, domain.EINVALID)
		verifyAudit(t, f.db)
	})
}

func TestSites_ScopeAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		for _, in := range []struct {
			actor string
			in    store.SiteInput
		}{
			{"wx_officer", store.SiteInput{Name: "五星电镀厂", Address: "五星路1号"}},
			{"wx_grid", store.SiteInput{Name: "新中喷涂", Address: "新中路2号", TargetType: domain.TargetStopped}},
			{"yh_officer", store.SiteInput{Name: "永红印染", Address: "永红路3号"}},
		} {
			if _, err := f.db.CreateSite(ctx, f.as[in.actor], in.in); err != nil {
				t.Fatal(err)
			}
		}
		count := func(actor string, flt store.SiteFilter) int {
			t.Helper()
			items, total, err := f.db.Sites(ctx, f.as[actor], flt)
			if err != nil {
				t.Fatal(err)
			}
			if flt.Limit == 0 && len(items) != total {
				t.Fatalf("%d items, total %d", len(items), total)
			}
			return total
		}
		if n := count("wx_officer", store.SiteFilter{}); n != 2 {
			t.Fatalf("五星 officer sees %d sites, want 2", n)
		}
		if n := count("wx_grid", store.SiteFilter{}); n != 1 {
			t.Fatalf("grid worker sees %d sites, want 1", n)
		}
		if n := count("district", store.SiteFilter{}); n != 3 {
			t.Fatalf("district sees %d sites, want 3", n)
		}
		if n := count("district", store.SiteFilter{Q: "喷涂"}); n != 1 {
			t.Fatalf("q=喷涂: %d", n)
		}
		if n := count("district", store.SiteFilter{TargetType: domain.TargetStopped}); n != 1 {
			t.Fatalf("stopped: %d", n)
		}
		if n := count("district", store.SiteFilter{OrgID: f.orgs["五星街道"].ID}); n != 2 {
			t.Fatalf("org 五星: %d", n)
		}
		if n := count("wx_grid", store.SiteFilter{OrgID: f.orgs["五星街道"].ID}); n != 1 {
			t.Fatalf("grid worker asking for the town gets their village: %d", n)
		}
		items, total, err := f.db.Sites(ctx, f.as["district"], store.SiteFilter{Limit: 1, Offset: 1})
		if err != nil || len(items) != 1 || total != 3 {
			t.Fatalf("paging: %d items, total %d, %v", len(items), total, err)
		}
		_, _, err = f.db.Sites(ctx, f.as["wx_officer"], store.SiteFilter{OrgID: f.orgs["永红街道"].ID})
		wantCode(t, err, domain.ENOTFOUND)
	})
}

func TestCreateInspection_NeverCreatesCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		grid := f.as["wx_grid"]
		s, err := f.db.CreateSite(ctx, grid, store.SiteInput{Name: "新中喷涂", Address: "新中路2号"})
		if err != nil {
			t.Fatal(err)
		}
		at := campaignNow.Add(-2 * time.Hour)
		x, err := f.db.CreateInspection(ctx, grid, store.InspectionInput{SiteID: s.ID, InspectedAt: at, Outcome: domain.OutcomeProblem, Note: "发现喷涂作业"})
		if err != nil {
			t.Fatal(err)
		}
		if x.CampaignID != f.camp.ID || !x.InspectedAt.Equal(at) || x.Inspectors != "wx_grid" {
			t.Fatalf("inspection = %+v", x)
		}
		_, total, err := f.cases().Cases(ctx, f.as["district"], app.CaseFilter{})
		if err != nil || total != 0 {
			t.Fatalf("an inspection must not open a case: %d %v", total, err)
		}
		list, err := f.db.SiteInspections(ctx, grid, s.ID, 0)
		if err != nil || len(list) != 1 || list[0].ID != x.ID {
			t.Fatalf("site inspections: %+v %v", list, err)
		}
		_, err = f.db.CreateInspection(ctx, grid, store.InspectionInput{SiteID: s.ID, Outcome: "maybe"})
		wantCode(t, err, domain.EINVALID)
		_, err = f.db.CreateInspection(ctx, grid, store.InspectionInput{SiteID: s.ID, Outcome: domain.OutcomeNoProblem, InspectedAt: campaignNow.Add(24 * time.Hour)})
		wantCode(t, err, domain.EINVALID)
		_, err = f.db.CreateInspection(ctx, f.as["yh_officer"], store.InspectionInput{SiteID: s.ID, Outcome: domain.OutcomeNoProblem})
		wantCode(t, err, domain.ENOTFOUND)

		// Idempotent: the same key twice gives one inspection.
		in := store.InspectionInput{SiteID: s.ID, Outcome: domain.OutcomeNoProblem, IdempotencyKey: "insp-1"}
		a1, err := f.db.CreateInspection(ctx, grid, in)
		if err != nil {
			t.Fatal(err)
		}
		a2, err := f.db.CreateInspection(ctx, grid, in)
		if err != nil || a2.ID != a1.ID {
			t.Fatalf("retry gave %+v %v, want inspection %d", a2, err, a1.ID)
		}
		if list, _ := f.db.SiteInspections(ctx, grid, s.ID, f.camp.ID); len(list) != 2 {
			t.Fatalf("%d inspections, want 2", len(list))
		}
		verifyAudit(t, f.db)
	})
}

func TestCreateSite_Idempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		in := store.SiteInput{Name: "重复提交的厂", IdempotencyKey: "k-1"}
		s1, err := f.db.CreateSite(ctx, f.as["wx_officer"], in)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := f.db.CreateSite(ctx, f.as["wx_officer"], in)
		if err != nil || s2.ID != s1.ID {
			t.Fatalf("retry: %+v %v", s2, err)
		}
		// Another user's same key is their own.
		s3, err := f.db.CreateSite(ctx, f.as["wx_grid"], in)
		if err != nil || s3.ID == s1.ID {
			t.Fatalf("other user: %+v %v", s3, err)
		}
		if _, total, _ := f.db.Sites(ctx, f.as["district"], store.SiteFilter{}); total != 2 {
			t.Fatalf("%d sites, want 2", total)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
