package app_test

import (
	"context"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// A site's state follows its case: 停产/关闭/取缔 recorded on the case set the
// site's state in the same change (audited), and a re-check sets it to
// what was found.
func TestSiteState_FollowsCaseAndRecheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		c := f.readyCase(t, "停产跟随", true)
		state := func() string {
			t.Helper()
			s, err := f.app.Site(ctx, f.as["district"], c.SiteID)
			if err != nil {
				t.Fatal(err)
			}
			return s.State
		}
		if got := state(); got != domain.SiteProducing {
			t.Fatalf("new site: %s", got)
		}
		for _, sd := range []domain.Shutdown{domain.ShutdownSuspended, domain.ShutdownBanned} {
			var err error
			c, err = f.app.UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("shutdown", sd))
			if err != nil {
				t.Fatal(err)
			}
			if got := state(); got != string(sd) {
				t.Fatalf("after the case records %s the site is %s", sd, got)
			}
		}
		// A change elsewhere on the case leaves the site alone.
		c, err := f.app.UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("description", "另行描述"))
		if err != nil || state() != domain.SiteBanned {
			t.Fatalf("unrelated edit: %v, site %s", err, state())
		}
		f.clock.T = loopNow.AddDate(0, 0, 31)
		if _, err := f.app.RecordRecheck(ctx, f.as["wx_grid"], c.SiteID, domain.RecheckRunning, "夜间生产"); err != nil {
			t.Fatal(err)
		}
		if got := state(); got != domain.SiteProducing {
			t.Fatalf("re-check found it running, site %s", got)
		}
		if _, err := f.app.RecordRecheck(ctx, f.as["wx_grid"], c.SiteID, domain.RecheckStillShut, "已停"); err != nil {
			t.Fatal(err)
		}
		if got := state(); got != domain.SiteBanned {
			t.Fatalf("re-check found it shut (取缔 on its case), site %s", got)
		}
	})
}

// A case opened with 停产 already recorded sets its new site's state.
func TestSiteState_CaseOpenedShutSetsSite(t *testing.T) {
	f := newLoopFixture(t, store.SQLite)
	ctx := context.Background()
	c, err := f.app.CreateCase(ctx, f.as["wx_officer"], app.CaseInput{OrgID: f.orgs["五星街道"].ID,
		CaseFields: domain.CaseFields{UnitName: "开即停产", Category: domain.CatSpraying, Address: "五星街道1号",
			Description: "无证喷涂", Shutdown: domain.ShutdownSuspended}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.app.Site(ctx, f.as["district"], c.SiteID)
	if err != nil || s.State != domain.SiteSuspended {
		t.Fatalf("site %+v %v", s, err)
	}
}
