package app_test

import (
	"context"
	"strings"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestCreateSite_CreditCodeWarning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		good, err := f.app.CreateSite(ctx, f.as["wx_officer"], app.SiteInput{Name: "华为五金", CreditCode: " 914403001922038216 ", Address: "五星路1号"})
		if err != nil {
			t.Fatal(err)
		}
		if len(good.Warnings) != 0 {
			t.Fatalf("valid code warned: %+v", good.Warnings)
		}
		bad, err := f.app.CreateSite(ctx, f.as["wx_officer"], app.SiteInput{Name: "某喷涂作坊", CreditCode: "914403001922038217", Address: "五星路2号"})
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
		again, err := f.app.Site(ctx, f.as["wx_grid"], bad.ID)
		if err == nil {
			t.Fatalf("site at the town is outside the grid worker's village, got %+v", again)
		}
		wantErrCode(t, err, domain.ENOTFOUND)
		again, err = f.app.Site(ctx, f.as["wx_officer"], bad.ID)
		if err != nil || warningCodes(again.Warnings) != domain.RuleCreditCodeCheck {
			t.Fatalf("read back: %+v %v", again, err)
		}
		f.verifyAudit(t)
	})
}

func TestCreateSite_DuplicateWarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		first, err := f.app.CreateSite(ctx, wx, app.SiteInput{Name: "钟楼 五金厂（新中）", Address: "新中路 8 号", CreditCode: "91350100M000100Y43"})
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Warnings) != 0 {
			t.Fatalf("first site warned: %+v", first.Warnings)
		}
		tests := []struct {
			name  string
			actor string
			in    app.SiteInput
			field string // "" = no warning
		}{
			{"same name and address, spaces and brackets differ", "wx_officer",
				app.SiteInput{Name: "钟楼五金厂(新中)", Address: "新中路8号"}, "name"},
			{"same credit code, other town", "yh_officer",
				app.SiteInput{Name: "别的名字", Address: "别处", CreditCode: "91350100m000100y43"}, "credit_code"},
			{"same name and address in another town", "yh_officer",
				app.SiteInput{Name: "钟楼五金厂(新中)", Address: "新中路8号"}, ""},
			{"same name, other address", "wx_officer",
				app.SiteInput{Name: "钟楼五金厂(新中)", Address: "五星路8号"}, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				s, err := f.app.CreateSite(ctx, f.as[tc.actor], tc.in)
				if err != nil {
					t.Fatal(err)
				}
				var dup []domain.Warning
				for _, w := range s.Warnings {
					if w.Code == domain.WarnPossibleDuplicate {
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
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		xz, wx, yh := f.orgs["新中社区"], f.orgs["五星街道"], f.orgs["永红街道"]

		s, err := f.app.CreateSite(ctx, f.as["wx_officer"], app.SiteInput{VillageID: xz.ID, Name: "甲"})
		if err != nil || s.OrgID != wx.ID || s.VillageID == nil || *s.VillageID != xz.ID {
			t.Fatalf("village alone should imply its town: %+v %v", s, err)
		}
		s, err = f.app.CreateSite(ctx, f.as["wx_officer"], app.SiteInput{OrgID: xz.ID, Name: "乙"})
		if err != nil || s.OrgID != wx.ID || s.VillageID == nil || *s.VillageID != xz.ID {
			t.Fatalf("an org_id that is a village is the village: %+v %v", s, err)
		}
		s, err = f.app.CreateSite(ctx, f.as["wx_grid"], app.SiteInput{Name: "丙", TargetType: domain.TargetStopped})
		if err != nil || s.OrgID != wx.ID || s.VillageID == nil || *s.VillageID != xz.ID || s.TargetType != domain.TargetStopped {
			t.Fatalf("grid worker's site defaults to their village: %+v %v", s, err)
		}
		if s.State != domain.SiteProducing || s.Version != 1 || !s.CreatedAt.Equal(sitesNow) {
			t.Fatalf("defaults: %+v", s)
		}

		_, err = f.app.CreateSite(ctx, f.as["district"], app.SiteInput{OrgID: yh.ID, VillageID: xz.ID, Name: "丁"})
		wantErrCode(t, err, domain.EINVALID)
		if domain.ErrorField(err) != "village_id" {
			t.Fatalf("field = %q", domain.ErrorField(err))
		}
		_, err = f.app.CreateSite(ctx, f.as["wx_grid"], app.SiteInput{VillageID: f.orgs["新农社区"].ID, Name: "戊"})
		wantErrCode(t, err, domain.ENOTFOUND)
		_, err = f.app.CreateSite(ctx, f.as["yh_officer"], app.SiteInput{OrgID: wx.ID, Name: "己"})
		wantErrCode(t, err, domain.ENOTFOUND)
		_, err = f.app.CreateSite(ctx, f.as["wx_head"], app.SiteInput{Name: "庚"})
		wantErrCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.CreateSite(ctx, f.as["wx_officer"], app.SiteInput{Name: "  "})
		wantErrCode(t, err, domain.EINVALID)
		_, err = f.app.CreateSite(ctx, f.as["wx_officer"], app.SiteInput{Name: "辛", TargetType: "big"})
		wantErrCode(t, err, domain.EINVALID)
	})
}

func TestUpdateSite_StaleVersionWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		s, err := f.app.CreateSite(ctx, wx, app.SiteInput{Name: "甲厂", Address: "一路"})
		if err != nil {
			t.Fatal(err)
		}
		name, state := "甲厂（更名）", domain.SiteSuspended
		up, err := f.app.UpdateSite(ctx, wx, s.ID, app.SitePatch{Version: 1, Name: &name, State: &state})
		if err != nil {
			t.Fatal(err)
		}
		if up.Name != name || up.State != state || up.Version != 2 || up.Address != "一路" {
			t.Fatalf("updated = %+v", up)
		}
		other := "不该写入"
		_, err = f.app.UpdateSite(ctx, wx, s.ID, app.SitePatch{Version: 1, Name: &other})
		wantErrCode(t, err, domain.ECONFLICT)
		got, err := f.app.Site(ctx, wx, s.ID)
		if err != nil || got.Name != name || got.Version != 2 {
			t.Fatalf("after stale update: %+v %v", got, err)
		}
		_, err = f.app.UpdateSite(ctx, f.as["yh_officer"], s.ID, app.SitePatch{Version: 2, Name: &other})
		wantErrCode(t, err, domain.ENOTFOUND)
		// Moving into a village of another town is refused.
		v := f.orgs["东方社区"].ID
		_, err = f.app.UpdateSite(ctx, wx, s.ID, app.SitePatch{Version: 2, VillageID: &v})
		wantErrCode(t, err, domain.EINVALID)
		f.verifyAudit(t)
	})
}

func TestSites_ScopeAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		for _, in := range []struct {
			actor string
			in    app.SiteInput
		}{
			{"wx_officer", app.SiteInput{Name: "五星电镀厂", Address: "五星路1号"}},
			{"wx_grid", app.SiteInput{Name: "新中喷涂", Address: "新中路2号", TargetType: domain.TargetStopped}},
			{"yh_officer", app.SiteInput{Name: "永红印染", Address: "永红路3号"}},
		} {
			if _, err := f.app.CreateSite(ctx, f.as[in.actor], in.in); err != nil {
				t.Fatal(err)
			}
		}
		count := func(actor string, flt app.SiteFilter) int {
			t.Helper()
			items, total, err := f.app.Sites(ctx, f.as[actor], flt)
			if err != nil {
				t.Fatal(err)
			}
			if flt.Limit == 0 && len(items) != total {
				t.Fatalf("%d items, total %d", len(items), total)
			}
			return total
		}
		if n := count("wx_officer", app.SiteFilter{}); n != 2 {
			t.Fatalf("五星 officer sees %d sites, want 2", n)
		}
		if n := count("wx_grid", app.SiteFilter{}); n != 1 {
			t.Fatalf("grid worker sees %d sites, want 1", n)
		}
		if n := count("district", app.SiteFilter{}); n != 3 {
			t.Fatalf("district sees %d sites, want 3", n)
		}
		if n := count("district", app.SiteFilter{Q: "喷涂"}); n != 1 {
			t.Fatalf("q=喷涂: %d", n)
		}
		if n := count("district", app.SiteFilter{TargetType: domain.TargetStopped}); n != 1 {
			t.Fatalf("stopped: %d", n)
		}
		if n := count("district", app.SiteFilter{OrgID: f.orgs["五星街道"].ID}); n != 2 {
			t.Fatalf("org 五星: %d", n)
		}
		if n := count("wx_grid", app.SiteFilter{OrgID: f.orgs["五星街道"].ID}); n != 1 {
			t.Fatalf("grid worker asking for the town gets their village: %d", n)
		}
		items, total, err := f.app.Sites(ctx, f.as["district"], app.SiteFilter{Limit: 1, Offset: 1})
		if err != nil || len(items) != 1 || total != 3 {
			t.Fatalf("paging: %d items, total %d, %v", len(items), total, err)
		}
		_, _, err = f.app.Sites(ctx, f.as["wx_officer"], app.SiteFilter{OrgID: f.orgs["永红街道"].ID})
		wantErrCode(t, err, domain.ENOTFOUND)
	})
}

func TestCreateSite_Idempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		in := app.SiteInput{Name: "重复提交的厂", IdempotencyKey: "k-1"}
		s1, err := f.app.CreateSite(ctx, f.as["wx_officer"], in)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := f.app.CreateSite(ctx, f.as["wx_officer"], in)
		if err != nil || s2.ID != s1.ID {
			t.Fatalf("retry: %+v %v", s2, err)
		}
		// Another user's same key is their own.
		s3, err := f.app.CreateSite(ctx, f.as["wx_grid"], in)
		if err != nil || s3.ID == s1.ID {
			t.Fatalf("other user: %+v %v", s3, err)
		}
		if _, total, _ := f.app.Sites(ctx, f.as["district"], app.SiteFilter{}); total != 2 {
			t.Fatalf("%d sites, want 2", total)
		}
	})
}
