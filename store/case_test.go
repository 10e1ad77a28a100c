package store_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// newCase is a minimal valid case form for a new site.
func newCase(name string) store.CaseInput {
	return store.CaseInput{CaseFields: domain.CaseFields{UnitName: name, Category: domain.CatSpraying, Address: name + "所在地", Description: "无证从事喷涂作业"}}
}

func (f *caseFixture) mustCase(t *testing.T, actor string, in store.CaseInput) *domain.Case {
	t.Helper()
	c, err := f.db.CreateCase(context.Background(), f.as[actor], in)
	if err != nil {
		t.Fatalf("create case %q: %v", in.UnitName, err)
	}
	return c
}

// auditCount counts events of an entity.
func (f *caseFixture) auditCount(t *testing.T, entity string, id int64, action string) int {
	t.Helper()
	evs, err := f.db.AuditEvents(context.Background(), f.as["admin"], store.AuditFilter{Entity: entity, EntityID: id}, false)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if action == "" || e.Action == action {
			n++
		}
	}
	return n
}

func ptr[T any](v T) *T { return &v }

func TestCreateCase_WithoutSite_RegistersSiteAndInspection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		in := store.CaseInput{VillageID: f.orgs["新中社区"].ID, CaseFields: domain.CaseFields{UnitName: "新中化工仓库", Category: domain.CatStopped,
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
		_, err = f.db.CreateCase(ctx, f.as["wx_officer"], bad)
		wantCode(t, err, domain.EINVALID)
		if domain.ErrorField(err) != "description" {
			t.Fatalf("field = %q", domain.ErrorField(err))
		}
		verifyAudit(t, f.db)
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
		c, err := f.db.CreateCase(ctx, wx, store.CaseInput{SiteID: s.ID, CaseFields: domain.CaseFields{Category: domain.CatElectroplating, Description: "无环评电镀"}})
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
		_, err = f.db.CreateCase(ctx, f.as["wx_grid"], store.CaseInput{SiteID: s.ID, CaseFields: domain.CaseFields{Category: domain.CatOther, Description: "x"}})
		wantCode(t, err, domain.ENOTFOUND) // 新农 is not the grid worker's 新中
		_, err = f.db.CreateCase(ctx, f.as["district"], store.CaseInput{SiteID: s.ID, CaseFields: domain.CaseFields{Category: domain.CatOther, Description: "再次发现"}})
		wantCode(t, err, domain.ECONFLICT)
		if !strings.Contains(domain.ErrorMessage(err), c.ProblemNo) {
			t.Fatalf("conflict %q does not name %s", domain.ErrorMessage(err), c.ProblemNo)
		}
		_, total, _ := f.db.Cases(ctx, f.as["district"], store.CaseFilter{})
		if total != 1 {
			t.Fatalf("%d cases after refused second case", total)
		}
		verifyAudit(t, f.db)
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
		if c := f.mustCase(t, "wx_officer", store.CaseInput{CampaignID: f.camp.ID, CaseFields: domain.CaseFields{UnitName: "跨年", Category: domain.CatDust,
			Address: "五星路", Description: "粉尘"}}); c.ProblemNo != "320404001-2021-0001" {
			t.Fatalf("new year problem_no = %q", c.ProblemNo)
		}
		// A town without a prefix cannot number its cases.
		raw, _ := f.db.RawForTests()
		if _, err := raw.Exec(`UPDATE org_units SET prefix = '' WHERE id = $1`, f.orgs["北港街道"].ID); err != nil {
			t.Fatal(err)
		}
		in := newCase("北港")
		in.OrgID = f.orgs["北港街道"].ID
		_, err := f.db.CreateCase(ctx, f.as["district"], in)
		wantCode(t, err, domain.EINVALID)
		if domain.ErrorField(err) != "org_id" {
			t.Fatalf("field = %q", domain.ErrorField(err))
		}
	})
}

func TestCreateCase_ConcurrentNumbersDistinct(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		const n = 24
		var wg sync.WaitGroup
		nos := make(chan string, n)
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				actor := []string{"wx_officer", "wx_grid", "district"}[i%3]
				in := newCase(fmt.Sprintf("并发作坊%02d", i))
				if actor == "district" {
					in.OrgID = f.orgs["五星街道"].ID
				}
				c, err := f.db.CreateCase(context.Background(), f.as[actor], in)
				if err != nil {
					errs <- err
					return
				}
				nos <- c.ProblemNo
			}(i)
		}
		wg.Wait()
		close(nos)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		re := regexp.MustCompile(`^320404001-2020-00(0[1-9]|1[0-9]|2[0-4])$`)
		for no := range nos {
			if seen[no] || !re.MatchString(no) {
				t.Fatalf("problem_no %q duplicate or out of range", no)
			}
			seen[no] = true
		}
		if len(seen) != n {
			t.Fatalf("%d distinct numbers, want %d", len(seen), n)
		}
		verifyAudit(t, f.db)
	})
}

func TestCase_OtherTownIsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", newCase("五星喷涂"))
		yh := f.as["yh_officer"]
		_, err := f.db.Case(ctx, yh, c.ID)
		wantCode(t, err, domain.ENOTFOUND)
		_, missing := f.db.Case(ctx, yh, c.ID+1000)
		if domain.ErrorMessage(err) != domain.ErrorMessage(missing) {
			t.Fatalf("outside scope %q must read like missing %q", domain.ErrorMessage(err), domain.ErrorMessage(missing))
		}
		_, err = f.db.UpdateCase(ctx, yh, c.ID, store.CasePatch{Version: 1, Description: ptr("改")})
		wantCode(t, err, domain.ENOTFOUND)
		_, err = f.db.CaseTimeline(ctx, yh, c.ID)
		wantCode(t, err, domain.ENOTFOUND)
		_, err = f.app.CaseAttachments(ctx, yh, c.ID)
		wantCode(t, err, domain.ENOTFOUND)
		// A grid worker sees the cases of their village only.
		_, err = f.db.Case(ctx, f.as["wx_grid"], c.ID)
		wantCode(t, err, domain.ENOTFOUND)
		items, total, err := f.db.Cases(ctx, yh, store.CaseFilter{})
		if err != nil || total != 0 || len(items) != 0 {
			t.Fatalf("永红 lists %d cases (%v)", total, err)
		}
		for _, who := range []string{"wx_officer", "wx_head", "district", "discipline", "supervisor"} {
			got, err := f.db.Case(ctx, f.as[who], c.ID)
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

		_, err := f.db.UpdateCase(ctx, f.as["wx_grid"], c.ID, store.CasePatch{Version: 1, FineFen: ptr(int64(300000))})
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.db.UpdateCase(ctx, f.as["wx_grid"], c.ID, store.CasePatch{Version: 1, Shutdown: ptr(domain.ShutdownClosed)})
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.db.UpdateCase(ctx, f.as["wx_grid"], c.ID, store.CasePatch{Version: 1, Supervised: ptr(true)})
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.db.UpdateCase(ctx, f.as["wx_head"], c.ID, store.CasePatch{Version: 1, Description: ptr("x")})
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.db.UpdateCase(ctx, f.as["discipline"], c.ID, store.CasePatch{Version: 1})
		wantCode(t, err, domain.EFORBIDDEN)

		// Sending back an unchanged penalty field needs no enforcement right.
		got, err := f.db.UpdateCase(ctx, f.as["wx_grid"], c.ID, store.CasePatch{Version: 1, FineFen: ptr(int64(0)), Description: ptr("无证喷涂，已责令停止")})
		if err != nil || got.Version != 2 || got.Description != "无证喷涂，已责令停止" {
			t.Fatalf("grid edit: %+v %v", got, err)
		}
		got, err = f.db.UpdateCase(ctx, f.as["wx_officer"], c.ID, store.CasePatch{Version: 2, CaseFiled: ptr(true), CaseNo: ptr("钟应急罚〔2020〕12号"), FineFen: ptr(int64(300000))})
		if err != nil || got.FineFen != 300000 || !got.CaseFiled || got.Version != 3 {
			t.Fatalf("officer enforcement: %+v %v", got, err)
		}
		if got.Status != domain.StatusRectifying {
			t.Fatalf("a penalty recorded must move the case to rectifying, status %s", got.Status)
		}
		got, err = f.db.UpdateCase(ctx, f.as["supervisor"], c.ID, store.CasePatch{Version: 3, Supervised: ptr(true)})
		if err != nil || !got.Supervised || got.SupervisedDeadline != "2020-12-13" {
			t.Fatalf("supervisor: %+v %v", got, err)
		}
		_, err = f.db.UpdateCase(ctx, f.as["supervisor"], c.ID, store.CasePatch{Version: 4, Description: ptr("督导改描述")})
		wantCode(t, err, domain.EFORBIDDEN)
		verifyAudit(t, f.db)
	})
}

func TestUpdateCase_StaleVersionWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		c := f.mustCase(t, "wx_officer", newCase("五星喷涂"))
		if _, err := f.db.UpdateCase(ctx, wx, c.ID, store.CasePatch{Version: 1, Description: ptr("第一次修改")}); err != nil {
			t.Fatal(err)
		}
		events := f.auditCount(t, "case", c.ID, "")
		_, err := f.db.UpdateCase(ctx, wx, c.ID, store.CasePatch{Version: 1, Description: ptr("基于旧版本的修改"), FineFen: ptr(int64(100))})
		wantCode(t, err, domain.ECONFLICT)
		got, err := f.db.Case(ctx, wx, c.ID)
		if err != nil || got.Description != "第一次修改" || got.FineFen != 0 || got.Version != 2 {
			t.Fatalf("after stale update: %+v %v", got, err)
		}
		if n := f.auditCount(t, "case", c.ID, ""); n != events {
			t.Fatalf("stale update wrote audit events: %d → %d", events, n)
		}
		_, err = f.db.UpdateCase(ctx, wx, c.ID, store.CasePatch{Description: ptr("没有版本")})
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
		got, err := f.db.UpdateCase(ctx, grid, c.ID, store.CasePatch{Version: 1,
			Clears: map[string]bool{domain.ItemPower: true}, ClearDates: map[string]domain.Date{domain.ItemPower: "2020-10-13"}})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != domain.StatusRectifying {
			t.Fatalf("first rectification: status %s, want rectifying", got.Status)
		}
		got, err = f.db.UpdateCase(ctx, grid, c.ID, store.CasePatch{Version: 2,
			Clears: map[string]bool{domain.ItemWater: true}, ClearDates: map[string]domain.Date{domain.ItemWater: "2020-10-14"}})
		if err != nil {
			t.Fatal(err)
		}
		read, err := f.db.Case(ctx, grid, c.ID)
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
		_, err = f.db.UpdateCase(ctx, grid, c.ID, store.CasePatch{Version: 3, Clears: map[string]bool{domain.ItemPremises: true}})
		wantCode(t, err, domain.EINVALID) // 清厂房 is not on this campaign's checklist
		_, err = f.db.UpdateCase(ctx, grid, c.ID, store.CasePatch{Version: 3, Category: ptr(domain.Category("big"))})
		wantCode(t, err, domain.EINVALID)

		// Onsite work started also counts as rectification.
		c2 := f.mustCase(t, "wx_officer", newCase("五星喷涂"))
		got, err = f.db.UpdateCase(ctx, f.as["wx_officer"], c2.ID, store.CasePatch{Version: 1, OnsiteStatus: ptr(domain.OnsiteInProgress)})
		if err != nil || got.Status != domain.StatusRectifying {
			t.Fatalf("onsite in progress: %+v %v", got, err)
		}
		// A description edit alone does not.
		c3 := f.mustCase(t, "wx_officer", newCase("五星喷涂三"))
		got, err = f.db.UpdateCase(ctx, f.as["wx_officer"], c3.ID, store.CasePatch{Version: 1, Description: ptr("补充描述")})
		if err != nil || got.Status != domain.StatusRegistered {
			t.Fatalf("description edit: %+v %v", got, err)
		}
		verifyAudit(t, f.db)
	})
}

func TestUpdateCase_ReviewStatesRefuseEdits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", newCase("五星喷涂"))
		raw, _ := f.db.RawForTests()
		for _, st := range []domain.CaseStatus{domain.StatusCloseoutRequested, domain.StatusTownApproved, domain.StatusClosedOut, domain.StatusVoided} {
			if _, err := raw.Exec(`UPDATE cases SET status = $1 WHERE id = $2`, st, c.ID); err != nil {
				t.Fatal(err)
			}
			_, err := f.db.UpdateCase(ctx, f.as["wx_officer"], c.ID, store.CasePatch{Version: 1, Description: ptr("改")})
			wantCode(t, err, domain.ECONFLICT)
			if !strings.Contains(domain.ErrorMessage(err), "退回") {
				t.Fatalf("%s: message %q", st, domain.ErrorMessage(err))
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
		c1, err := f.db.CreateCase(ctx, f.as["wx_officer"], in)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := f.db.CreateCase(ctx, f.as["wx_officer"], in)
		if err != nil {
			t.Fatalf("retry: %v", err)
		}
		if c2.ID != c1.ID || c2.ProblemNo != c1.ProblemNo || c2.TownName != "五星街道" {
			t.Fatalf("retry gave %+v, want case %d", c2, c1.ID)
		}
		_, total, _ := f.db.Cases(ctx, f.as["district"], store.CaseFilter{})
		if total != 1 {
			t.Fatalf("%d cases, want 1", total)
		}
		if _, sites, _ := f.app.Sites(ctx, f.as["district"], app.SiteFilter{}); sites != 1 {
			t.Fatalf("%d sites, want 1", sites)
		}
		if n := f.auditCount(t, "case", c1.ID, "create"); n != 1 {
			t.Fatalf("%d create events, want 1", n)
		}
		// The same key for another kind of record is refused.
		_, err = f.app.CreateSite(ctx, f.as["wx_officer"], app.SiteInput{Name: "x", IdempotencyKey: in.IdempotencyKey})
		wantCode(t, err, domain.ECONFLICT)
		verifyAudit(t, f.db)
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
		if _, err := f.db.UpdateCase(ctx, wx, ca.ID, store.CasePatch{Version: 1, FineFen: ptr(int64(100000))}); err != nil {
			t.Fatal(err)
		}

		list := func(actor string, flt store.CaseFilter) []string {
			t.Helper()
			items, total, err := f.db.Cases(ctx, f.as[actor], flt)
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
			flt   store.CaseFilter
			want  string
		}{
			{"scope", "wx_officer", store.CaseFilter{}, "甲喷涂 乙冶炼"},
			{"district sees all", "district", store.CaseFilter{}, "甲喷涂 乙冶炼 丙喷涂"}, // problem_no order: 320404001 < 320404002
			{"org subtree", "district", store.CaseFilter{OrgID: f.orgs["五星街道"].ID}, "甲喷涂 乙冶炼"},
			{"village subtree via org", "district", store.CaseFilter{OrgID: f.orgs["新中社区"].ID}, "乙冶炼"},
			{"village", "wx_officer", store.CaseFilter{VillageID: f.orgs["新中社区"].ID}, "乙冶炼"},
			{"grid worker", "wx_grid", store.CaseFilter{}, "乙冶炼"},
			{"category", "district", store.CaseFilter{Category: domain.CatSpraying}, "甲喷涂 丙喷涂"},
			{"status", "district", store.CaseFilter{Status: domain.StatusRectifying}, "甲喷涂"},
			{"source", "district", store.CaseFilter{Source: domain.SourceTip}, "乙冶炼"},
			{"overdue", "district", store.CaseFilter{Overdue: true}, "甲喷涂"},
			{"q by name", "district", store.CaseFilter{Q: "冶炼"}, "乙冶炼"},
			{"q by problem_no", "district", store.CaseFilter{Q: cc.ProblemNo}, "丙喷涂"},
			{"q with wildcard is literal", "district", store.CaseFilter{Q: "%"}, ""},
			{"campaign", "district", store.CaseFilter{CampaignID: f.camp.ID + 1}, ""},
			{"sort desc", "wx_officer", store.CaseFilter{Sort: "-problem_no"}, "乙冶炼 甲喷涂"},
			{"sort updated desc", "district", store.CaseFilter{Sort: "-updated", Limit: 1}, "甲喷涂"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if got := strings.Join(list(tc.actor, tc.flt), " "); got != tc.want {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
			})
		}
		_, _, err := f.db.Cases(ctx, wx, store.CaseFilter{Sort: "name"})
		wantCode(t, err, domain.EINVALID)
		_, _, err = f.db.Cases(ctx, wx, store.CaseFilter{OrgID: f.orgs["永红街道"].ID})
		wantCode(t, err, domain.ENOTFOUND)

		// Warnings come with every case: fine without filing, past the deadline.
		got, err := f.db.Case(ctx, wx, ca.ID)
		if err != nil {
			t.Fatal(err)
		}
		if w := warningCodes(got.Warnings); w != domain.RuleFineWithoutFiling+","+domain.RuleOverdue {
			t.Fatalf("warnings = %q", w)
		}
		if got, _ := f.db.Case(ctx, wx, cb.ID); len(got.Warnings) != 0 {
			t.Fatalf("clean case warned: %+v", got.Warnings)
		}
		// Untouched for 14 days.
		f.clock.T = campaignNow.Add(15 * 24 * time.Hour)
		if got, _ := f.db.Case(ctx, wx, cb.ID); !strings.Contains(warningCodes(got.Warnings), domain.RuleStale) {
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
		if _, err := f.db.UpdateCase(ctx, wx, c.ID, store.CasePatch{Version: 1, Shutdown: ptr(domain.ShutdownSuspended), ShutdownDate: ptr(domain.Date("2020-10-14"))}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.SaveAttachment(ctx, wx, c.ID, app.AttachmentInput{Kind: domain.AttachSitePhoto, Reader: strings.NewReader("photo")}); err != nil {
			t.Fatal(err)
		}
		evs, err := f.db.CaseTimeline(ctx, f.as["wx_head"], c.ID)
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
