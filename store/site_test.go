package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

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
	camp, err := f.app.CreateCampaign(ctx, f.as["district"], domain.Campaign{Name: "违法违规“小字头”及“停产停业”企业专项整治",
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

// insertSites stores sites as given, in one transaction of the system.
func insertSites(t *testing.T, db *store.DB, sites ...*domain.Site) {
	t.Helper()
	err := db.Write(context.Background(), nil, func(tx *store.Tx) error {
		for _, s := range sites {
			if err := tx.InsertSite(s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The look-alike query is the index-friendly copy of
// domain.(*Site).DuplicateOf: over generated sites that share credit codes,
// folded names and addresses in various towns, both agree on every site.
func TestSiteLookalikes_ParityWithDuplicateOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		towns := []int64{f.orgs["五星街道"].ID, f.orgs["永红街道"].ID}
		names := []string{"钟楼五金厂(新中)", "钟楼 五金厂（新中）", "钟楼五金厂", "永红印染"}
		addrs := []string{"新中路8号", "新中路 8 号", "五星路1号"}
		codes := []string{"", "", "91350100M000100Y43", "914403001922038216"}
		rng := rand.New(rand.NewPCG(5, 8))
		var all []*domain.Site
		for i := 0; i < 60; i++ {
			s := &domain.Site{OrgID: towns[rng.IntN(len(towns))], Name: names[rng.IntN(len(names))],
				Address: addrs[rng.IntN(len(addrs))], CreditCode: codes[rng.IntN(len(codes))],
				TargetType: domain.TargetXiaozitou, State: domain.SiteProducing, Lists: []string{}}
			all = append(all, s)
		}
		insertSites(t, f.db, all...)
		r := f.db.Reader(context.Background())
		dups := 0
		for _, s := range all {
			got, err := r.SiteLookalikes(s)
			if err != nil {
				t.Fatal(err)
			}
			var want, have []int64
			for _, o := range all {
				if _, ok := s.DuplicateOf(o); ok && len(want) < 5 {
					want = append(want, o.ID)
				}
			}
			for _, o := range got {
				have = append(have, o.ID)
			}
			if fmt.Sprint(have) != fmt.Sprint(want) {
				t.Fatalf("site %+v: SQL finds %v, the domain %v", s, have, want)
			}
			dups += len(want)
		}
		if dups == 0 {
			t.Fatal("the generated sites have no duplicates: the test proves nothing")
		}
	})
}

// A site round-trips through InsertSite, UpdateSite and Reader.Site; an
// update at a version no longer stored is ErrStale and writes nothing.
func TestUpdateSite_RoundTripAndStale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		lat, lng := 31.78, 119.91
		s := &domain.Site{OrgID: f.orgs["五星街道"].ID, Name: "甲厂", CreditCode: "91350100M000100Y43", TargetType: domain.TargetStopped,
			Address: "一路", PersonInCharge: "张三", Phone: "13900000000", Lat: &lat, Lng: &lng, State: domain.SiteSuspended,
			Lists: []string{"取缔关闭退出名单"}}
		insertSites(t, f.db, s)
		if s.ID == 0 || s.Version != 1 || !s.CreatedAt.Equal(campaignNow) || !s.UpdatedAt.Equal(campaignNow) {
			t.Fatalf("inserted %+v", s)
		}
		got, place, err := f.db.Reader(ctx).Site(s.ID)
		if err != nil || place.ID != s.OrgID {
			t.Fatalf("read back: %v, place %+v", err, place)
		}
		if !reflect.DeepEqual(got, s) {
			t.Fatalf("read back\n%+v\nwant\n%+v", got, s)
		}
		moved := *got
		v := f.orgs["新中社区"].ID
		moved.VillageID, moved.Name, moved.Lat, moved.Lng, moved.Lists = &v, "甲厂（更名）", nil, nil, []string{}
		f.clock.T = campaignNow.Add(time.Hour)
		write := func(s *domain.Site, version int64) error {
			return f.db.Write(ctx, nil, func(tx *store.Tx) error { return tx.UpdateSite(s, version) })
		}
		if err := write(&moved, 1); err != nil {
			t.Fatal(err)
		}
		if moved.Version != 2 || !moved.UpdatedAt.Equal(campaignNow.Add(time.Hour)) {
			t.Fatalf("updated %+v", moved)
		}
		stale := moved
		stale.Name = "不该写入"
		if err := write(&stale, 1); !errors.Is(err, store.ErrStale) {
			t.Fatalf("stale update: %v, want ErrStale", err)
		}
		got, place, err = f.db.Reader(ctx).Site(s.ID)
		if err != nil || place.ID != v || !reflect.DeepEqual(got, &moved) {
			t.Fatalf("after the stale update: %+v %v, want %+v", got, err, moved)
		}
		if _, _, err := f.db.Reader(ctx).Site(s.ID + 100); !store.IsNotFound(err) {
			t.Fatalf("missing site: %v", err)
		}
	})
}
