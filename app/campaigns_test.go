package app_test

import (
	"context"
	"testing"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestCreateCampaign_WhoAndDefaults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		c := domain.Campaign{Name: "专项整治", StartDate: "2020-09-27", EndDate: "2020-11-30"}
		_, err := f.app.CreateCampaign(ctx, f.as["wx_officer"], c)
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.CreateCampaign(ctx, f.as["district"], domain.Campaign{Name: "x", StartDate: "2020-11-30", EndDate: "2020-09-27"})
		wantCode(t, err, domain.EINVALID)
		got, err := f.app.CreateCampaign(ctx, f.as["district"], c)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == 0 || got.Version != 1 || got.RecheckDays != domain.DefaultRecheckDays || got.SupervisedDays != domain.DefaultSupervisedDays {
			t.Fatalf("created: %+v", got)
		}
		read, err := f.app.Campaign(ctx, f.as["admin"], got.ID)
		if err != nil || read.Name != c.Name || read.DeadlineTime != domain.DefaultDeadlineTime || len(read.Categories) != len(domain.DefaultCategories) {
			t.Fatalf("read back: %+v %v", read, err)
		}
		_, err = f.app.Campaign(ctx, f.as["admin"], 999999)
		wantCode(t, err, domain.ENOTFOUND)
		all, err := f.app.Campaigns(ctx, f.as["wx_grid"])
		if err != nil || len(all) != 1 {
			t.Fatalf("campaigns: %d %v", len(all), err)
		}
	})
}

// ResolveCampaign(0) is domain.ActiveCampaign over the stored campaigns, at
// the clock's date in Shanghai.
func TestResolveCampaign_TheActiveOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		clock := &domain.FixedClock{T: time.Date(2020, 10, 13, 23, 30, 0, 0, time.UTC)} // 2020-10-14 07:30 in Shanghai
		f := newFixtureOn(t, dialect, clock)
		ctx := context.Background()
		_, err := f.app.ResolveCampaign(ctx, 0)
		wantCode(t, err, domain.EINVALID)
		add := func(name string, start, end domain.Date) *domain.Campaign {
			c, err := f.app.CreateCampaign(ctx, f.as["district"], domain.Campaign{Name: name, StartDate: start, EndDate: end})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		future := add("future", "2021-01-01", "2021-06-30")
		if c, err := f.app.ResolveCampaign(ctx, 0); err != nil || c.ID != future.ID {
			t.Fatalf("none started: %v %v", c, err)
		}
		ended := add("ended", "2020-03-01", "2020-10-13")
		if c, _ := f.app.ResolveCampaign(ctx, 0); c.ID != ended.ID {
			t.Fatalf("none running: got %s, want the latest started", c.Name)
		}
		running := add("running", "2020-01-01", "2020-10-14")
		if c, _ := f.app.ResolveCampaign(ctx, 0); c.ID != running.ID {
			t.Fatalf("got %s, want the one whose dates contain today (Shanghai)", c.Name)
		}
		if c, err := f.app.ResolveCampaign(ctx, ended.ID); err != nil || c.ID != ended.ID {
			t.Fatalf("by id: %v %v", c, err)
		}
		_, err = f.app.ResolveCampaign(ctx, 999999)
		wantCode(t, err, domain.ENOTFOUND)
	})
}
