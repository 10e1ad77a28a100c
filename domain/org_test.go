package domain

import (
	"strings"
	"testing"
)

func TestTownOf(t *testing.T) {
	tree := testTree()
	up := func(names ...string) []*OrgUnit {
		var out []*OrgUnit
		for _, n := range names {
			out = append(out, tree[n])
		}
		return out
	}
	cases := []struct {
		unit      string
		ancestors []*OrgUnit
		want      string // "" : invalid
	}{
		{"town", up("district"), "town"},
		{"village", up("town", "district"), "town"},
		{"grid", up("village", "town", "district"), "town"},
		{"district", nil, ""},
		{"dept", up("district"), ""},
	}
	for _, c := range cases {
		got, err := TownOf(tree[c.unit], c.ancestors)
		switch {
		case c.want == "" && ErrorCode(err) != EINVALID:
			t.Errorf("%s: got %v, %v; want invalid", c.unit, got, err)
		case c.want != "" && (err != nil || got != tree[c.want]):
			t.Errorf("%s: got %v, %v; want %s", c.unit, got, err, c.want)
		}
	}
}

func TestOrgUnitNormalize(t *testing.T) {
	town := &OrgUnit{Name: "五星街道", Kind: KindStreet, Code: "320404001000"}
	if err := town.Normalize(); err != nil || town.Prefix != "320404001" {
		t.Fatalf("town prefix = %q, %v", town.Prefix, err)
	}
	given := &OrgUnit{Name: "开发区", Kind: KindDevZone, Prefix: "320404K01"}
	if err := given.Normalize(); err != nil || given.Prefix != "320404K01" {
		t.Fatalf("given prefix = %q, %v", given.Prefix, err)
	}
	village := &OrgUnit{Name: "新中社区", Kind: KindCommunity, Code: "320404001001"}
	if err := village.Normalize(); err != nil || village.Prefix != "" {
		t.Fatalf("a village numbers no cases: %q, %v", village.Prefix, err)
	}
	for _, bad := range []OrgUnit{{Kind: KindTown}, {Name: "x", Kind: "乡镇"}, {Name: "x", Kind: KindTown, Code: "3204"}} {
		if ErrorCode(bad.Normalize()) != EINVALID {
			t.Errorf("%+v must be invalid", bad)
		}
	}
}

func TestOrgUnitSetPrefix(t *testing.T) {
	tree := testTree()
	if err := tree["town"].SetPrefix("320404X01"); err != nil || tree["town"].Prefix != "320404X01" {
		t.Fatalf("town: %v", err)
	}
	if ErrorField(tree["village"].SetPrefix("x")) != "prefix" || ErrorField(tree["town"].SetPrefix("")) != "prefix" {
		t.Fatal("only a town gets a prefix, and not an empty one")
	}
}

func TestSortOfficial(t *testing.T) {
	units := []*OrgUnit{
		{Name: "西林街道", Kind: KindStreet, Code: "320404004000"},
		{Name: "邹区镇", Kind: KindTown, Code: "320404100000"},
		{Name: "五星街道", Kind: KindStreet, Code: "320404001000"},
		{Name: "钟楼经济开发区", Kind: KindDevZone},
	}
	SortOfficial(units)
	var got []string
	for _, o := range units {
		got = append(got, o.Name)
	}
	if want := "钟楼经济开发区 邹区镇 五星街道 西林街道"; strings.Join(got, " ") != want {
		t.Fatalf("order = %s, want %s", strings.Join(got, " "), want)
	}
}

func TestScopeUnitID(t *testing.T) {
	tree := testTree()
	if ScopeUnitID(tree["grid"]) != tree["village"].ID {
		t.Fatal("a grid worker's scope is their village")
	}
	for _, n := range []string{"village", "town", "district"} {
		if ScopeUnitID(tree[n]) != tree[n].ID {
			t.Fatalf("%s: scope is the unit itself", n)
		}
	}
}
