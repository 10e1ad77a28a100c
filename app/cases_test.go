package app_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhengzhi/app"
	"zhengzhi/domain"
	formspkg "zhengzhi/forms"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestCreateCase_WithoutSite_RegistersSiteAndInspection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		in := app.CaseInput{VillageID: f.orgs["新中社区"].ID, CaseFields: domain.CaseFields{UnitName: "新中化工仓库", Category: domain.CatStopped,
			Address: "新中路9号", PersonInCharge: "张三", Description: "列入关闭名单仍在生产"}}
		c := f.mustCase(t, "wx_grid", in)
		if c.ProblemNo != "320404001-2020-0001" {
			t.Fatalf("problem_no = %q", c.ProblemNo)
		}
		if c.Status != domain.StatusRegistered || c.Version != 1 || c.CampaignID != f.camp.ID || c.Source != domain.SourceGrid {
			t.Fatalf("case = %+v", c)
		}
		if c.OrgID != f.orgs["五星街道"].ID || c.VillageID == nil || *c.VillageID != f.orgs["新中社区"].ID ||
			c.TownName != "五星街道" || c.VillageName != "新中社区" {
			t.Fatalf("placement: org %d village %v %s/%s", c.OrgID, c.VillageID, c.TownName, c.VillageName)
		}
		if len(c.Clears) != 5 || c.Clears[domain.ItemWater] {
			t.Fatalf("clears = %v", c.Clears)
		}
		site, err := f.app.Site(ctx, f.as["wx_grid"], c.SiteID)
		if err != nil {
			t.Fatal(err)
		}
		if site.Name != "新中化工仓库" || site.Address != "新中路9号" || site.PersonInCharge != "张三" ||
			site.TargetType != domain.TargetStopped || site.VillageID == nil || *site.VillageID != *c.VillageID {
			t.Fatalf("site = %+v", site)
		}
		xs, err := f.app.SiteInspections(ctx, f.as["wx_grid"], c.SiteID, f.camp.ID)
		if err != nil || len(xs) != 1 || xs[0].Outcome != domain.OutcomeProblem || !xs[0].InspectedAt.Equal(campaignNow) {
			t.Fatalf("inspections = %+v %v", xs, err)
		}
		// A 小字头 category registers a 小字头 site.
		c2 := f.mustCase(t, "wx_officer", newCase("五星喷漆点"))
		s2, _ := f.app.Site(ctx, f.as["wx_officer"], c2.SiteID)
		if s2.TargetType != domain.TargetXiaozitou || s2.VillageID != nil || c2.ProblemNo != "320404001-2020-0002" {
			t.Fatalf("second: site %+v, no %s", s2, c2.ProblemNo)
		}
		// Required fields are checked.
		bad := newCase("缺描述")
		bad.Description = " "
		_, err = f.app.CreateCase(ctx, f.as["wx_officer"], bad)
		wantCode(t, err, domain.EINVALID)
		if domain.ErrorField(err) != "description" {
			t.Fatalf("field = %q", domain.ErrorField(err))
		}
		f.verifyAudit(t)
	})
}

func TestCreateCase_WithSite_DefaultsAndOneCasePerSite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		s, err := f.app.CreateSite(ctx, wx, app.SiteInput{VillageID: f.orgs["新农社区"].ID, Name: "新农电镀", Address: "新农路1号", PersonInCharge: "李四"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.CreateInspection(ctx, wx, app.InspectionInput{SiteID: s.ID, Outcome: domain.OutcomeProblem}); err != nil {
			t.Fatal(err)
		}
		c, err := f.app.CreateCase(ctx, wx, app.CaseInput{SiteID: s.ID, CaseFields: domain.CaseFields{Category: domain.CatElectroplating, Description: "无环评电镀"}})
		if err != nil {
			t.Fatal(err)
		}
		if c.UnitName != "新农电镀" || c.Address != "新农路1号" || c.PersonInCharge != "李四" || c.SiteID != s.ID ||
			c.VillageID == nil || *c.VillageID != f.orgs["新农社区"].ID {
			t.Fatalf("case = %+v", c)
		}
		if xs, _ := f.app.SiteInspections(ctx, wx, s.ID, 0); len(xs) != 1 {
			t.Fatalf("the site had an inspection already; now %d", len(xs))
		}
		_, err = f.app.CreateCase(ctx, f.as["wx_grid"], app.CaseInput{SiteID: s.ID, CaseFields: domain.CaseFields{Category: domain.CatOther, Description: "x"}})
		wantCode(t, err, domain.ENOTFOUND) // 新农 is not the grid worker's 新中
		_, err = f.app.CreateCase(ctx, f.as["district"], app.CaseInput{SiteID: s.ID, CaseFields: domain.CaseFields{Category: domain.CatOther, Description: "再次发现"}})
		wantCode(t, err, domain.ECONFLICT)
		if !strings.Contains(domain.ErrorMessage(err), c.ProblemNo) {
			t.Fatalf("conflict %q does not name %s", domain.ErrorMessage(err), c.ProblemNo)
		}
		_, total, _ := f.app.Cases(ctx, f.as["district"], app.CaseFilter{})
		if total != 1 {
			t.Fatalf("%d cases after refused second case", total)
		}
		f.verifyAudit(t)
	})
}

func TestCreateCase_ProblemNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		if c := f.mustCase(t, "kfq_officer", newCase("开发区喷涂")); c.ProblemNo != "320404K01-2020-0001" {
			t.Fatalf("开发区 problem_no = %q", c.ProblemNo)
		}
		if c := f.mustCase(t, "wx_officer", newCase("五星一")); c.ProblemNo != "320404001-2020-0001" {
			t.Fatalf("五星 problem_no = %q", c.ProblemNo)
		}
		if c := f.mustCase(t, "yh_officer", newCase("永红一")); c.ProblemNo != "320404002-2020-0001" {
			t.Fatalf("永红 problem_no = %q", c.ProblemNo)
		}
		if c := f.mustCase(t, "wx_officer", newCase("五星二")); c.ProblemNo != "320404001-2020-0002" {
			t.Fatalf("五星 second problem_no = %q", c.ProblemNo)
		}
		// 2020-12-31 16:30 UTC is already 2021 in Asia/Shanghai: a new year, a new sequence.
		f.clock.T = time.Date(2020, 12, 31, 16, 30, 0, 0, time.UTC)
		if c := f.mustCase(t, "wx_officer", app.CaseInput{CampaignID: f.camp.ID, CaseFields: domain.CaseFields{UnitName: "跨年", Category: domain.CatDust,
			Address: "五星路", Description: "粉尘"}}); c.ProblemNo != "320404001-2021-0001" {
			t.Fatalf("new year problem_no = %q", c.ProblemNo)
		}
		// A town without a prefix cannot number its cases.
		if _, err := f.raw.Exec(`UPDATE org_units SET prefix = '' WHERE id = $1`, f.orgs["北港街道"].ID); err != nil {
			t.Fatal(err)
		}
		in := newCase("北港")
		in.OrgID = f.orgs["北港街道"].ID
		_, err := f.app.CreateCase(ctx, f.as["district"], in)
		wantCode(t, err, domain.EINVALID)
		if domain.ErrorField(err) != "org_id" {
			t.Fatalf("field = %q", domain.ErrorField(err))
		}
	})
}

func TestCase_OtherTownIsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", newCase("五星喷涂"))
		yh := f.as["yh_officer"]
		_, err := f.app.Case(ctx, yh, c.ID)
		wantCode(t, err, domain.ENOTFOUND)
		_, missing := f.app.Case(ctx, yh, c.ID+1000)
		if domain.ErrorMessage(err) != domain.ErrorMessage(missing) {
			t.Fatalf("outside scope %q must read like missing %q", domain.ErrorMessage(err), domain.ErrorMessage(missing))
		}
		_, err = f.app.UpdateCase(ctx, yh, c.ID, patch(1, "description", "改"))
		wantCode(t, err, domain.ENOTFOUND)
		_, err = f.app.CaseTimeline(ctx, yh, c.ID)
		wantCode(t, err, domain.ENOTFOUND)
		_, err = f.app.CaseAttachments(ctx, yh, c.ID)
		wantCode(t, err, domain.ENOTFOUND)
		// A grid worker sees the cases of their village only.
		_, err = f.app.Case(ctx, f.as["wx_grid"], c.ID)
		wantCode(t, err, domain.ENOTFOUND)
		items, total, err := f.app.Cases(ctx, yh, app.CaseFilter{})
		if err != nil || total != 0 || len(items) != 0 {
			t.Fatalf("永红 lists %d cases (%v)", total, err)
		}
		for _, who := range []string{"wx_officer", "wx_head", "district", "discipline", "supervisor"} {
			got, err := f.app.Case(ctx, f.as[who], c.ID)
			if err != nil || got.ProblemNo != c.ProblemNo {
				t.Fatalf("%s reads: %v", who, err)
			}
		}
	})
}

func TestUpdateCase_Rights(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		in := newCase("新中喷涂")
		in.VillageID = f.orgs["新中社区"].ID
		c := f.mustCase(t, "wx_grid", in)

		_, err := f.app.UpdateCase(ctx, f.as["wx_grid"], c.ID, patch(1, "fine_fen", 300000))
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.UpdateCase(ctx, f.as["wx_grid"], c.ID, patch(1, "shutdown", domain.ShutdownClosed))
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.UpdateCase(ctx, f.as["wx_grid"], c.ID, patch(1, "supervised", true))
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.UpdateCase(ctx, f.as["wx_head"], c.ID, patch(1, "description", "x"))
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.UpdateCase(ctx, f.as["discipline"], c.ID, patch(1))
		wantCode(t, err, domain.EFORBIDDEN)

		// Sending back an unchanged penalty field needs no enforcement right.
		got, err := f.app.UpdateCase(ctx, f.as["wx_grid"], c.ID, patch(1, "fine_fen", 0, "description", "无证喷涂，已责令停止"))
		if err != nil || got.Version != 2 || got.Description != "无证喷涂，已责令停止" {
			t.Fatalf("grid edit: %+v %v", got, err)
		}
		got, err = f.app.UpdateCase(ctx, f.as["wx_officer"], c.ID, patch(2, "case_filed", true, "case_no", "钟应急罚〔2020〕12号", "fine_fen", 300000))
		if err != nil || got.FineFen != 300000 || !got.CaseFiled || got.Version != 3 {
			t.Fatalf("officer enforcement: %+v %v", got, err)
		}
		if got.Status != domain.StatusRectifying {
			t.Fatalf("a penalty recorded must move the case to rectifying, status %s", got.Status)
		}
		got, err = f.app.UpdateCase(ctx, f.as["supervisor"], c.ID, patch(3, "supervised", true))
		if err != nil || !got.Supervised || got.SupervisedDeadline != "2020-12-13" {
			t.Fatalf("supervisor: %+v %v", got, err)
		}
		_, err = f.app.UpdateCase(ctx, f.as["supervisor"], c.ID, patch(4, "description", "督导改描述"))
		wantCode(t, err, domain.EFORBIDDEN)
		f.verifyAudit(t)
	})
}

func TestUpdateCase_StaleVersionWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		c := f.mustCase(t, "wx_officer", newCase("五星喷涂"))
		if _, err := f.app.UpdateCase(ctx, wx, c.ID, patch(1, "description", "第一次修改")); err != nil {
			t.Fatal(err)
		}
		events := f.caseEvents(t, c.ID, "")
		_, err := f.app.UpdateCase(ctx, wx, c.ID, patch(1, "description", "基于旧版本的修改", "fine_fen", 100))
		wantCode(t, err, domain.ECONFLICT)
		got, err := f.app.Case(ctx, wx, c.ID)
		if err != nil || got.Description != "第一次修改" || got.FineFen != 0 || got.Version != 2 {
			t.Fatalf("after stale update: %+v %v", got, err)
		}
		if n := f.caseEvents(t, c.ID, ""); n != events {
			t.Fatalf("stale update wrote audit events: %d → %d", events, n)
		}
		_, err = f.app.UpdateCase(ctx, wx, c.ID, patch(0, "description", "没有版本"))
		wantCode(t, err, domain.EINVALID)
	})
}

func TestUpdateCase_ClearItemsMergeAndStartRectifying(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		grid := f.as["wx_grid"]
		in := newCase("新中喷涂")
		in.VillageID = f.orgs["新中社区"].ID
		c := f.mustCase(t, "wx_grid", in)
		if c.Status != domain.StatusRegistered {
			t.Fatalf("status %s", c.Status)
		}
		got, err := f.app.UpdateCase(ctx, grid, c.ID, patch(1, "two_cuts_three_clears", map[string]bool{domain.ItemPower: true}, "two_cuts_three_clears_dates", map[string]domain.Date{domain.ItemPower: "2020-10-13"}))
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != domain.StatusRectifying {
			t.Fatalf("first rectification: status %s, want rectifying", got.Status)
		}
		got, err = f.app.UpdateCase(ctx, grid, c.ID, patch(2, "two_cuts_three_clears", map[string]bool{domain.ItemWater: true}, "two_cuts_three_clears_dates", map[string]domain.Date{domain.ItemWater: "2020-10-14"}))
		if err != nil {
			t.Fatal(err)
		}
		read, err := f.app.Case(ctx, grid, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []*domain.Case{got, read} {
			if !x.Clears[domain.ItemPower] || !x.Clears[domain.ItemWater] || x.Clears[domain.ItemMaterials] || len(x.Clears) != 5 {
				t.Fatalf("clears = %v", x.Clears)
			}
			if x.ClearDates[domain.ItemPower] != "2020-10-13" || x.ClearDates[domain.ItemWater] != "2020-10-14" || len(x.ClearDates) != 2 {
				t.Fatalf("clear dates = %v", x.ClearDates)
			}
		}
		_, err = f.app.UpdateCase(ctx, grid, c.ID, patch(3, "two_cuts_three_clears", map[string]bool{domain.ItemPremises: true}))
		wantCode(t, err, domain.EINVALID) // 清厂房 is not on this campaign's checklist
		_, err = f.app.UpdateCase(ctx, grid, c.ID, patch(3, "category", domain.Category("big")))
		wantCode(t, err, domain.EINVALID)

		// Onsite work started also counts as rectification.
		c2 := f.mustCase(t, "wx_officer", newCase("五星喷涂"))
		got, err = f.app.UpdateCase(ctx, f.as["wx_officer"], c2.ID, patch(1, "onsite_status", domain.OnsiteInProgress))
		if err != nil || got.Status != domain.StatusRectifying {
			t.Fatalf("onsite in progress: %+v %v", got, err)
		}
		// A description edit alone does not.
		c3 := f.mustCase(t, "wx_officer", newCase("五星喷涂三"))
		got, err = f.app.UpdateCase(ctx, f.as["wx_officer"], c3.ID, patch(1, "description", "补充描述"))
		if err != nil || got.Status != domain.StatusRegistered {
			t.Fatalf("description edit: %+v %v", got, err)
		}
		f.verifyAudit(t)
	})
}

func TestUpdateCase_ReviewStatesRefuseEdits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", newCase("五星喷涂"))
		// Each says what the user can do: return it first, reopen it, nothing.
		for st, want := range map[domain.CaseStatus]string{domain.StatusCloseoutRequested: "请先退回", domain.StatusTownApproved: "请先退回",
			domain.StatusClosedOut: "请先重新打开", domain.StatusVoided: "不能再修改"} {
			if _, err := f.raw.Exec(`UPDATE cases SET status = $1 WHERE id = $2`, st, c.ID); err != nil {
				t.Fatal(err)
			}
			_, err := f.app.UpdateCase(ctx, f.as["wx_officer"], c.ID, patch(1, "description", "改"))
			wantCode(t, err, domain.ECONFLICT)
			if !strings.Contains(domain.ErrorMessage(err), want) {
				t.Fatalf("%s: message %q, want %q", st, domain.ErrorMessage(err), want)
			}
		}
	})
}

func TestCreateCase_Idempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		in := newCase("网络不好时提交的作坊")
		in.IdempotencyKey = "0b6e8c8e-5a1f-4e0e-9d1c-2d9b1b3f6a77"
		c1, err := f.app.CreateCase(ctx, f.as["wx_officer"], in)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := f.app.CreateCase(ctx, f.as["wx_officer"], in)
		if err != nil {
			t.Fatalf("retry: %v", err)
		}
		if c2.ID != c1.ID || c2.ProblemNo != c1.ProblemNo || c2.TownName != "五星街道" {
			t.Fatalf("retry gave %+v, want case %d", c2, c1.ID)
		}
		_, total, _ := f.app.Cases(ctx, f.as["district"], app.CaseFilter{})
		if total != 1 {
			t.Fatalf("%d cases, want 1", total)
		}
		if _, sites, _ := f.app.Sites(ctx, f.as["district"], app.SiteFilter{}); sites != 1 {
			t.Fatalf("%d sites, want 1", sites)
		}
		if n := f.caseEvents(t, c1.ID, "create"); n != 1 {
			t.Fatalf("%d create events, want 1", n)
		}
		// The same key for another kind of record is refused.
		_, err = f.app.CreateSite(ctx, f.as["wx_officer"], app.SiteInput{Name: "x", IdempotencyKey: in.IdempotencyKey})
		wantCode(t, err, domain.ECONFLICT)
		f.verifyAudit(t)
	})
}

func TestCases_FiltersAndWarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		a := newCase("甲喷涂")
		a.RectifyDeadline = "2020-10-01" // past on 2020-10-14
		ca := f.mustCase(t, "wx_officer", a)
		b := newCase("乙冶炼")
		b.Category, b.VillageID, b.Source = domain.CatSmelting, f.orgs["新中社区"].ID, domain.SourceTip
		b.RectifyDeadline = "2020-12-01"
		cb := f.mustCase(t, "wx_officer", b)
		cc := f.mustCase(t, "yh_officer", newCase("丙喷涂"))
		f.clock.T = campaignNow.Add(time.Hour)
		if _, err := f.app.UpdateCase(ctx, wx, ca.ID, patch(1, "fine_fen", 100000)); err != nil {
			t.Fatal(err)
		}

		list := func(actor string, flt app.CaseFilter) []string {
			t.Helper()
			items, total, err := f.app.Cases(ctx, f.as[actor], flt)
			if err != nil {
				t.Fatal(err)
			}
			if flt.Limit == 0 && total != len(items) {
				t.Fatalf("total %d, %d items", total, len(items))
			}
			var names []string
			for _, c := range items {
				names = append(names, c.UnitName)
			}
			return names
		}
		tests := []struct {
			name  string
			actor string
			flt   app.CaseFilter
			want  string
		}{
			{"scope", "wx_officer", app.CaseFilter{}, "甲喷涂 乙冶炼"},
			{"district sees all", "district", app.CaseFilter{}, "甲喷涂 乙冶炼 丙喷涂"}, // problem_no order: 320404001 < 320404002
			{"org subtree", "district", app.CaseFilter{OrgID: f.orgs["五星街道"].ID}, "甲喷涂 乙冶炼"},
			{"village subtree via org", "district", app.CaseFilter{OrgID: f.orgs["新中社区"].ID}, "乙冶炼"},
			{"village", "wx_officer", app.CaseFilter{VillageID: f.orgs["新中社区"].ID}, "乙冶炼"},
			{"grid worker", "wx_grid", app.CaseFilter{}, "乙冶炼"},
			{"category", "district", app.CaseFilter{Category: domain.CatSpraying}, "甲喷涂 丙喷涂"},
			{"status", "district", app.CaseFilter{Status: domain.StatusRectifying}, "甲喷涂"},
			{"source", "district", app.CaseFilter{Source: domain.SourceTip}, "乙冶炼"},
			{"overdue", "district", app.CaseFilter{Overdue: true}, "甲喷涂"},
			{"q by name", "district", app.CaseFilter{Q: "冶炼"}, "乙冶炼"},
			{"q by problem_no", "district", app.CaseFilter{Q: cc.ProblemNo}, "丙喷涂"},
			{"q with wildcard is literal", "district", app.CaseFilter{Q: "%"}, ""},
			{"campaign", "district", app.CaseFilter{CampaignID: f.camp.ID + 1}, ""},
			{"sort desc", "wx_officer", app.CaseFilter{Sort: "-problem_no"}, "乙冶炼 甲喷涂"},
			{"sort updated desc", "district", app.CaseFilter{Sort: "-updated", Limit: 1}, "甲喷涂"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if got := strings.Join(list(tc.actor, tc.flt), " "); got != tc.want {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
			})
		}
		_, _, err := f.app.Cases(ctx, wx, app.CaseFilter{Sort: "name"})
		wantCode(t, err, domain.EINVALID)
		_, _, err = f.app.Cases(ctx, wx, app.CaseFilter{OrgID: f.orgs["永红街道"].ID})
		wantCode(t, err, domain.ENOTFOUND)

		// Warnings come with every case: fine without filing, past the deadline.
		got, err := f.app.Case(ctx, wx, ca.ID)
		if err != nil {
			t.Fatal(err)
		}
		if w := warningCodes(got.Warnings); w != domain.RuleFineWithoutFiling+","+domain.RuleOverdue {
			t.Fatalf("warnings = %q", w)
		}
		if got, _ := f.app.Case(ctx, wx, cb.ID); len(got.Warnings) != 0 {
			t.Fatalf("clean case warned: %+v", got.Warnings)
		}
		// Untouched for 14 days.
		f.clock.T = campaignNow.Add(15 * 24 * time.Hour)
		if got, _ := f.app.Case(ctx, wx, cb.ID); !strings.Contains(warningCodes(got.Warnings), domain.RuleStale) {
			t.Fatalf("stale case: %+v", got.Warnings)
		}
	})
}

func TestCaseTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		c := f.mustCase(t, "wx_officer", newCase("五星喷涂"))
		if _, err := f.app.UpdateCase(ctx, wx, c.ID, patch(1, "shutdown", domain.ShutdownSuspended, "shutdown_date", "2020-10-14")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.SaveAttachment(ctx, wx, c.ID, app.AttachmentInput{Kind: domain.AttachSitePhoto, Reader: strings.NewReader("photo")}); err != nil {
			t.Fatal(err)
		}
		evs, err := f.app.CaseTimeline(ctx, f.as["wx_head"], c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range evs {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, " "); got != "create update attach" {
			t.Fatalf("timeline = %q", got)
		}
		if !strings.Contains(string(evs[1].Before), `"status":"registered"`) || !strings.Contains(string(evs[1].After), `"status":"rectifying"`) {
			t.Fatalf("update event before/after: %s → %s", evs[1].Before, evs[1].After)
		}
		if strings.Contains(string(evs[0].After), "town_name") {
			t.Fatalf("display fields leaked into the audit trail: %s", evs[0].After)
		}
	})
}

// TestCase_ClearsDoneAgreesInAtt1AndAtt2: in a campaign that adds 清厂房, a
// case with the five default items done is ticked neither in 附件1 col 16
// nor counted in 附件2 col 13; with 清厂房 done, in both.
func TestCase_ClearsDoneAgreesInAtt1AndAtt2(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixtureWith(t, dialect, append(slices.Clone(domain.DefaultClearItems), domain.ItemPremises))
		ctx := context.Background()
		wx, district := f.as["wx_officer"], f.as["district"]
		c := f.mustCase(t, "wx_officer", newCase("五星喷涂"))
		forms := func() (tick string, count int) {
			t.Helper()
			_, rows, err := f.app.ProblemRows(ctx, district, 0, f.orgs["五星街道"].ID)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := formspkg.WriteProblems(&buf, rows); err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if tick, err = x.GetCellValue("附件1", "P5"); err != nil {
				t.Fatal(err)
			}
			s, err := f.app.Summary(ctx, district, app.SummaryQuery{OrgID: f.orgs["五星街道"].ID})
			if err != nil {
				t.Fatal(err)
			}
			return tick, s.Total.TwoCutsThreeClears
		}
		five := map[string]bool{}
		for _, it := range domain.DefaultClearItems {
			five[it] = true
		}
		got, err := f.app.UpdateCase(ctx, wx, c.ID, patch(1, "two_cuts_three_clears", five))
		if err != nil {
			t.Fatal(err)
		}
		if got.ClearsDone {
			t.Fatal("ClearsDone with 清厂房 not done")
		}
		if tick, n := forms(); tick != "" || n != 0 {
			t.Fatalf("five of six done: 附件1 col 16 %q, 附件2 col 13 %d; want blank and 0", tick, n)
		}
		if _, err := f.app.UpdateCase(ctx, wx, c.ID, patch(2, "two_cuts_three_clears", map[string]bool{domain.ItemPremises: true})); err != nil {
			t.Fatal(err)
		}
		if tick, n := forms(); tick != "√" || n != 1 {
			t.Fatalf("all six done: 附件1 col 16 %q, 附件2 col 13 %d; want √ and 1", tick, n)
		}
	})
}

func TestDashboard_Figures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		a := newCase("甲")
		a.RectifyDeadline = "2020-10-01" // past on 2020-10-14
		f.mustCase(t, "wx_officer", a)
		b := newCase("乙")
		b.Category = domain.CatSmelting
		cb := f.mustCase(t, "wx_officer", b)
		f.mustCase(t, "yh_officer", newCase("丙"))
		if _, err := f.app.UpdateCase(ctx, f.as["supervisor"], cb.ID, patch(1, "supervised", true)); err != nil {
			t.Fatal(err)
		}
		v := f.mustCase(t, "wx_officer", newCase("丁作废"))
		if _, err := f.raw.Exec(`UPDATE cases SET status = $1, rectify_deadline = $2, supervised = $3 WHERE id = $4`,
			string(domain.StatusVoided), "2020-10-01", true, v.ID); err != nil {
			t.Fatal(err)
		}
		d, err := f.app.Dashboard(ctx, wx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if d.OrgID != f.orgs["五星街道"].ID || d.CampaignID != f.camp.ID || d.Cases != 2 || d.Sites != 3 || d.Inspected != 3 ||
			d.Overdue != 1 || d.Supervised != 1 || d.ClosedOut != 0 || d.ByStatus["registered"] != 2 || d.ByStatus["voided"] != 1 ||
			d.ByCategory["spraying"] != 1 || d.ByCategory["smelting"] != 1 {
			t.Fatalf("五星 dashboard %+v", d)
		}
		if d, err := f.app.Dashboard(ctx, f.as["district"], 0, 0); err != nil || d.Cases != 3 || d.Overdue != 1 {
			t.Fatalf("district dashboard %+v %v", d, err)
		}
		_, err = f.app.Dashboard(ctx, f.as["yh_officer"], f.orgs["五星街道"].ID, 0)
		wantCode(t, err, domain.ENOTFOUND)
	})
}
