package domain

import (
	"math/big"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

var summaryRegions = []SummaryRegion{
	{ID: 11, Name: "钟楼经济开发区"}, {ID: 12, Name: "邹区镇"}, {ID: 13, Name: "五星街道"}, {ID: 14, Name: "永红街道"},
}

func TestFactsOf_CopiesWhatTheSummaryNeeds(t *testing.T) {
	c := &Case{
		Status: StatusRectifying, CaseFields: CaseFields{Category: CatSpraying, OnsiteStatus: OnsiteDone,
			Clears:    map[string]bool{ItemWater: true, ItemPower: true, ItemMaterials: true, ItemEquipment: true, ItemProducts: true},
			CaseFiled: true, FineFen: 123450, ConfiscatedFen: 7, JudicialTransfer: true, JudicialPersons: 2,
			DetainedPersons: 3, DisciplinedPersons: 4},
	}
	want := CaseFacts{
		RegionID: 12, Status: StatusRectifying, Category: CatSpraying, OnsiteDone: true, ClearsComplete: true,
		CaseFiled: true, FineFen: 123450, ConfiscatedFen: 7, JudicialTransfer: true, DetainedPersons: 3, DisciplinedPersons: 4,
	}
	c.Derive(&Campaign{ClearItems: DefaultClearItems}, time.Time{})
	if got := FactsOf(c, 12); got != want {
		t.Errorf("FactsOf = %+v\nwant %+v", got, want)
	}
	// A campaign that adds 清厂房 needs that item too.
	withPremises := append(append([]string(nil), DefaultClearItems...), ItemPremises)
	c.Derive(&Campaign{ClearItems: withPremises}, time.Time{})
	if FactsOf(c, 12).ClearsComplete {
		t.Error("ClearsComplete without 清厂房 on a campaign that requires it")
	}
	// Col 13 reads the stored flag, not the checklist.
	c.ClearsDone = true
	if !FactsOf(c, 12).ClearsComplete {
		t.Error("FactsOf ignores the case's ClearsDone flag")
	}
	c.OnsiteStatus = OnsiteInProgress
	if FactsOf(c, 12).OnsiteDone {
		t.Error("OnsiteDone for an onsite status of in_progress")
	}
}

func TestSummarize_DefinitionsOfEachColumn(t *testing.T) {
	cases := []CaseFacts{
		{RegionID: 12, Status: StatusRegistered, Category: CatSmelting, CaseFiled: true, FineFen: 300000},                      // 3,000 元
		{RegionID: 12, Status: StatusClosedOut, Category: CatStopped, OnsiteDone: true, ClearsComplete: true, FineFen: 123450}, // 1,234.50 元
		{RegionID: 12, Status: StatusRectifying, Category: CatDust, JudicialTransfer: true, DetainedPersons: 2, DisciplinedPersons: 1, ConfiscatedFen: 1},
		{RegionID: 12, Status: StatusVoided, Category: CatSmelting, CaseFiled: true, FineFen: 999999, OnsiteDone: true}, // counts nowhere
		{RegionID: 13, Status: StatusTownApproved, Category: CatOther, OnsiteDone: true},
		{RegionID: 99, Status: StatusRegistered, Category: CatOther, FineFen: 5}, // outside the breakdown
	}
	sites := []InspectedSite{
		{RegionID: 12, SiteID: 1, TargetType: TargetXiaozitou},
		{RegionID: 12, SiteID: 1, TargetType: TargetXiaozitou}, // inspected twice: one site
		{RegionID: 12, SiteID: 2, TargetType: TargetStopped},
		{RegionID: 12, SiteID: 3, TargetType: TargetXiaozitou},
		{RegionID: 13, SiteID: 4, TargetType: TargetXiaozitou},
		{RegionID: 99, SiteID: 5, TargetType: TargetXiaozitou},
	}
	got := Summarize(summaryRegions, cases, sites)

	zero := func(id int64, name string) SummaryRow {
		return SummaryRow{OrgID: id, Region: name, FineWan: "0", ConfiscatedWan: "0"}
	}
	zou := SummaryRow{
		OrgID: 12, Region: "邹区镇", InspectedXiaozitou: 2, InspectedStopped: 1, Problems: 3,
		Smelting: 1, Dust: 1, Stopped: 1, Rectified: 1, TwoCutsThreeClears: 1, CaseFiled: 1,
		FineFen: 423450, FineWan: "0.42345", ConfiscatedFen: 1, ConfiscatedWan: "0.000001",
		JudicialTransfers: 1, DetainedPersons: 2, DisciplinedPersons: 1,
	}
	wx := zero(13, "五星街道")
	wx.InspectedXiaozitou, wx.Problems, wx.Other, wx.Rectified = 1, 1, 1, 1
	want := Summary{
		Rows: []SummaryRow{zero(11, "钟楼经济开发区"), zou, wx, zero(14, "永红街道")},
		Total: SummaryRow{
			Region: "合计", InspectedXiaozitou: 3, InspectedStopped: 1, Problems: 4,
			Smelting: 1, Dust: 1, Other: 1, Stopped: 1, Rectified: 2, TwoCutsThreeClears: 1, CaseFiled: 1,
			FineFen: 423450, FineWan: "0.42345", ConfiscatedFen: 1, ConfiscatedWan: "0.000001",
			JudicialTransfers: 1, DetainedPersons: 2, DisciplinedPersons: 1,
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Summarize =\n%+v\nwant\n%+v", got, want)
	}
}

func TestSummarize_EmptyKeepsEveryRegionInOrder(t *testing.T) {
	got := Summarize(summaryRegions, nil, nil)
	if len(got.Rows) != len(summaryRegions) {
		t.Fatalf("%d rows, want %d", len(got.Rows), len(summaryRegions))
	}
	for i, r := range got.Rows {
		if r.Region != summaryRegions[i].Name || r.OrgID != summaryRegions[i].ID || r.Problems != 0 || r.FineWan != "0" {
			t.Errorf("row %d = %+v", i, r)
		}
	}
	if got.Total.Region != "合计" || got.Total.FineWan != "0" || got.Total.ConfiscatedWan != "0" {
		t.Errorf("total = %+v", got.Total)
	}
	if none := Summarize(nil, []CaseFacts{{RegionID: 1, Category: CatOther}}, nil); len(none.Rows) != 0 || none.Total.Problems != 0 {
		t.Errorf("Summarize with no regions = %+v", none)
	}
}

func TestSummarize_UnknownCategoryCountsAsProblemOnly(t *testing.T) {
	got := Summarize(summaryRegions[:1], []CaseFacts{{RegionID: 11, Status: StatusRegistered, Category: Category("chemical")}}, nil)
	if r := got.Rows[0]; r.Problems != 1 || categorySum(r) != 0 {
		t.Errorf("row = %+v; want 1 problem in no category, so validation can flag it", r)
	}
}

func categorySum(r SummaryRow) int {
	return r.Smelting + r.Electroplating + r.Spraying + r.Dyeing + r.Dust + r.Other + r.Stopped
}

// refSummaryRow is the straightforward reference: for one region, scan every
// case and site again, count with its own switch on the 附件2 column, and
// format 万元 with math/big. It shares no code with Summarize.
func refSummaryRow(region SummaryRegion, cases []CaseFacts, sites []InspectedSite) SummaryRow {
	r := SummaryRow{OrgID: region.ID, Region: region.Name}
	xiao, stop := map[int64]struct{}{}, map[int64]struct{}{}
	for _, s := range sites {
		if s.RegionID != region.ID {
			continue
		}
		if s.TargetType == "xiaozitou" {
			xiao[s.SiteID] = struct{}{}
		} else if s.TargetType == "stopped" {
			stop[s.SiteID] = struct{}{}
		}
	}
	r.InspectedXiaozitou, r.InspectedStopped = len(xiao), len(stop)
	counts := map[string]int{}
	var fine, conf big.Int
	for _, c := range cases {
		if c.RegionID != region.ID || c.Status == "voided" {
			continue
		}
		counts["problems"]++
		counts["cat:"+string(c.Category)]++
		for name, yes := range map[string]bool{"done": c.OnsiteDone, "clears": c.ClearsComplete, "filed": c.CaseFiled, "transfer": c.JudicialTransfer} {
			if yes {
				counts[name]++
			}
		}
		counts["detained"] += c.DetainedPersons
		counts["disciplined"] += c.DisciplinedPersons
		fine.Add(&fine, big.NewInt(c.FineFen))
		conf.Add(&conf, big.NewInt(c.ConfiscatedFen))
	}
	r.Problems = counts["problems"]
	r.Smelting, r.Electroplating, r.Spraying = counts["cat:smelting"], counts["cat:electroplating"], counts["cat:spraying"]
	r.Dyeing, r.Dust, r.Other, r.Stopped = counts["cat:dyeing"], counts["cat:dust"], counts["cat:other"], counts["cat:stopped"]
	r.Rectified, r.TwoCutsThreeClears, r.CaseFiled = counts["done"], counts["clears"], counts["filed"]
	r.JudicialTransfers, r.DetainedPersons, r.DisciplinedPersons = counts["transfer"], counts["detained"], counts["disciplined"]
	r.FineFen, r.ConfiscatedFen = fine.Int64(), conf.Int64()
	r.FineWan, r.ConfiscatedWan = refWan(&fine), refWan(&conf)
	return r
}

func refWan(fen *big.Int) string {
	s := new(big.Rat).SetFrac(fen, big.NewInt(1_000_000)).FloatString(6)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func TestSummarize_MatchesReferenceOnRandomData(t *testing.T) {
	r := rand.New(rand.NewPCG(2020, 4))
	cats := append(append([]Category(nil), DefaultCategories...), Category("chemical"))
	statuses := []CaseStatus{StatusRegistered, StatusRectifying, StatusCloseoutRequested, StatusVillageApproved,
		StatusTownApproved, StatusClosedOut, StatusVoided}
	for iter := 0; iter < 500; iter++ {
		regions := make([]SummaryRegion, 1+r.IntN(8))
		for i := range regions {
			regions[i] = SummaryRegion{ID: int64(100 + i*7), Name: "区域" + string(rune('甲'+i))}
		}
		r.Shuffle(len(regions), func(i, j int) { regions[i], regions[j] = regions[j], regions[i] })
		regionID := func() int64 {
			if r.IntN(20) == 0 {
				return 999 // outside the breakdown: ignored
			}
			return regions[r.IntN(len(regions))].ID
		}
		cases := make([]CaseFacts, r.IntN(200))
		for i := range cases {
			var fine int64
			switch r.IntN(4) {
			case 0: // whole 元, hundreds to tens of thousands
				fine = r.Int64N(100_000) * 100
			case 1: // any fen: 5–6 decimals of 万元
				fine = r.Int64N(10_000_000)
			case 2: // large
				fine = r.Int64N(1 << 40)
			}
			cases[i] = CaseFacts{
				RegionID: regionID(), Status: statuses[r.IntN(len(statuses))], Category: cats[r.IntN(len(cats))],
				OnsiteDone: r.IntN(2) == 0, ClearsComplete: r.IntN(3) == 0, CaseFiled: r.IntN(2) == 0,
				FineFen: fine, ConfiscatedFen: r.Int64N(3) * r.Int64N(5_000_001),
				JudicialTransfer: r.IntN(5) == 0, DetainedPersons: r.IntN(3), DisciplinedPersons: r.IntN(2),
			}
		}
		sites := make([]InspectedSite, r.IntN(300))
		for i := range sites {
			tt := TargetXiaozitou
			if r.IntN(3) == 0 {
				tt = TargetStopped
			}
			id := r.Int64N(150) // repeats: a site inspected more than once
			sites[i] = InspectedSite{RegionID: regionID(), SiteID: id, TargetType: tt}
		}
		// One site keeps one region and type however often it is inspected.
		first := map[int64]InspectedSite{}
		for i, s := range sites {
			if f, ok := first[s.SiteID]; ok {
				sites[i] = f
			} else {
				first[s.SiteID] = s
			}
		}

		got := Summarize(regions, cases, sites)
		if len(got.Rows) != len(regions) {
			t.Fatalf("iter %d: %d rows, want %d", iter, len(got.Rows), len(regions))
		}
		for i, reg := range regions {
			if want := refSummaryRow(reg, cases, sites); got.Rows[i] != want {
				t.Fatalf("iter %d row %d:\n got %+v\nwant %+v", iter, i, got.Rows[i], want)
			}
		}
		checkTotalIsSumOfRows(t, got)
		for _, row := range append(got.Rows, got.Total) {
			unknown := 0
			for _, c := range cases {
				if c.Category == Category("chemical") && c.Status != StatusVoided && (row.Region == "合计" && c.RegionID != 999 || c.RegionID == row.OrgID) {
					unknown++
				}
			}
			if row.Problems != categorySum(row)+unknown {
				t.Fatalf("iter %d %s: problems %d != Σ categories %d + unknown %d", iter, row.Region, row.Problems, categorySum(row), unknown)
			}
		}
	}
}

// checkTotalIsSumOfRows compares 合计 with Σ rows field by field via
// reflection, so a field added to SummaryRow later is covered too.
func checkTotalIsSumOfRows(t *testing.T, s Summary) {
	t.Helper()
	tv := reflect.ValueOf(s.Total)
	typ := tv.Type()
	for f := 0; f < typ.NumField(); f++ {
		name := typ.Field(f).Name
		switch tv.Field(f).Kind() {
		case reflect.Int, reflect.Int64:
			if name == "OrgID" {
				continue
			}
			var sum int64
			for _, row := range s.Rows {
				sum += reflect.ValueOf(row).Field(f).Int()
			}
			if tv.Field(f).Int() != sum {
				t.Fatalf("合计.%s = %d, Σ rows = %d", name, tv.Field(f).Int(), sum)
			}
		}
	}
	if s.Total.Region != "合计" {
		t.Fatalf("total region %q", s.Total.Region)
	}
	if s.Total.FineWan != FenToWan(s.Total.FineFen) || s.Total.ConfiscatedWan != FenToWan(s.Total.ConfiscatedFen) {
		t.Fatalf("total wan %q/%q do not match fen %d/%d", s.Total.FineWan, s.Total.ConfiscatedWan, s.Total.FineFen, s.Total.ConfiscatedFen)
	}
	// The exact decimals add up too: Σ rows' 万元 = 合计's 万元.
	sum := new(big.Rat)
	for _, row := range s.Rows {
		v, ok := new(big.Rat).SetString(row.FineWan)
		if !ok {
			t.Fatalf("row fine_wan %q does not parse", row.FineWan)
		}
		sum.Add(sum, v)
	}
	if tot, _ := new(big.Rat).SetString(s.Total.FineWan); tot.Cmp(sum) != 0 {
		t.Fatalf("合计 fine_wan %s != Σ rows %s", s.Total.FineWan, sum.FloatString(6))
	}
}

func TestTotalOf_SumsFrozenRows(t *testing.T) {
	rows := []SummaryRow{
		{Region: "邹区镇", Problems: 2, Smelting: 2, FineFen: 123450, ConfiscatedFen: 1},
		{Region: "五星街道", Problems: 1, Other: 1, FineFen: 300000, InspectedStopped: 4},
	}
	got := TotalOf(rows)
	want := SummaryRow{Region: "合计", Problems: 3, Smelting: 2, Other: 1, InspectedStopped: 4,
		FineFen: 423450, FineWan: "0.42345", ConfiscatedFen: 1, ConfiscatedWan: "0.000001"}
	if got != want {
		t.Errorf("TotalOf = %+v\nwant %+v", got, want)
	}
}

func TestRegionOf_BreakdownRowOfAPlace(t *testing.T) {
	town := &OrgUnit{ID: 4, Name: "五星街道", Path: "/1/4/"}
	cases := []struct {
		path      string
		breakdown bool
		want      int64
	}{
		{"/1/4/17/", true, 17}, // a village's record: the village's row
		{"/1/4/", true, 4},     // placed at the town itself: the 本级 row
		{"/1/4/17/", false, 4}, // no breakdown: the unit's one row
		{"/1/5/", true, 4},     // outside the unit: nowhere but the unit (the caller never asks)
	}
	for _, c := range cases {
		if got := RegionOf(town, c.breakdown, c.path); got != c.want {
			t.Errorf("RegionOf(%q, %v) = %d, want %d", c.path, c.breakdown, got, c.want)
		}
	}
	if r := UnitRegion(town); r.ID != 4 || r.Name != "五星街道本级" {
		t.Fatalf("unit region %+v", r)
	}
}
