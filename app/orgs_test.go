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

func TestSeed_OrgTreeInOfficialOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		kids, err := f.app.Children(context.Background(), f.orgs["钟楼区"].ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, k := range kids {
			names = append(names, k.Name)
		}
		want := "钟楼经济开发区 邹区镇 五星街道 永红街道 北港街道 西林街道 南大街街道 荷花池街道 新闸街道"
		if got := strings.Join(names, " "); got != want {
			t.Fatalf("children = %s\nwant %s", got, want)
		}
		if p := f.orgs["钟楼经济开发区"].Prefix; p != "320404K01" {
			t.Fatalf("dev zone prefix = %q", p)
		}
		if p := f.orgs["西林街道"].Prefix; p != "320404004" {
			t.Fatalf("西林 prefix = %q", p)
		}
		n, err := f.app.OrgCount(context.Background())
		if err != nil || n != len(f.orgs) {
			t.Fatalf("OrgCount = %d, %v; the tree has %d", n, err, len(f.orgs))
		}
		wantCode(t, f.app.SeedOrgs(context.Background(), []app.OrgSeed{{Name: "x", Kind: domain.KindDistrict}}), domain.ECONFLICT)
	})
}

func TestScope_OtherTownIsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		_, err := f.app.VisibleOrg(ctx, f.as["wx_officer"], f.orgs["永红街道"].ID)
		wantCode(t, err, domain.ENOTFOUND)
		orgs, err := f.app.VisibleOrgs(ctx, f.as["wx_officer"])
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 6 || orgs[0].Name != "五星街道" {
			t.Fatalf("五星 officer sees %d units starting %s", len(orgs), orgs[0].Name)
		}
		users, err := f.app.Users(ctx, f.as["wx_officer"])
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			if u.Username == "yh_officer" {
				t.Fatal("五星 officer sees 永红's officer")
			}
		}
	})
}

func TestCreateOrg_AndItsPrefix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		ctx := context.Background()
		district := f.orgs["钟楼区"].ID
		_, err := f.app.CreateOrg(ctx, f.as["district"], app.OrgInput{Name: "新镇", Kind: domain.KindTown, ParentID: district})
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.CreateOrg(ctx, f.as["admin"], app.OrgInput{Name: "新镇", Kind: domain.KindTown, ParentID: 999999})
		wantCode(t, err, domain.ENOTFOUND)
		_, err = f.app.CreateOrg(ctx, f.as["admin"], app.OrgInput{Name: "新镇", Kind: "乡镇", ParentID: district})
		wantCode(t, err, domain.EINVALID)
		_, err = f.app.CreateOrg(ctx, f.as["admin"], app.OrgInput{Name: "重复", Kind: domain.KindTown, Code: "320404001000", ParentID: district})
		wantCode(t, err, domain.EINVALID)

		town, err := f.app.CreateOrg(ctx, f.as["admin"], app.OrgInput{Name: "新镇", Kind: domain.KindTown, Code: "320404900000", ParentID: district})
		if err != nil {
			t.Fatal(err)
		}
		if town.Prefix != "320404900" || town.Level != 2 || !f.orgs["钟楼区"].Contains(town) {
			t.Fatalf("new town: %+v", town)
		}
		village, err := f.app.CreateOrg(ctx, f.as["admin"], app.OrgInput{Name: "新村", Kind: domain.KindVillage, ParentID: town.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.app.TownOf(ctx, village); err != nil || got.ID != town.ID {
			t.Fatalf("TownOf(new village) = %v, %v", got, err)
		}
		if _, err := f.app.TownOf(ctx, f.orgs["钟楼区"]); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("the district is in no town: %v", err)
		}

		wantCode(t, f.app.SetOrgPrefix(ctx, f.as["district"], town.ID, "X01"), domain.EFORBIDDEN)
		wantCode(t, f.app.SetOrgPrefix(ctx, f.as["admin"], village.ID, "X01"), domain.EINVALID)
		wantCode(t, f.app.SetOrgPrefix(ctx, f.as["admin"], town.ID, "320404K01"), domain.EINVALID) // the dev zone's
		if err := f.app.SetOrgPrefix(ctx, f.as["admin"], town.ID, "320404X01"); err != nil {
			t.Fatal(err)
		}
		o, err := f.app.VisibleOrg(ctx, f.as["admin"], town.ID)
		if err != nil || o.Prefix != "320404X01" {
			t.Fatalf("prefix = %+v, %v", o, err)
		}
	})
}
