package store_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// officialTowns is the district's breakdown as the forms list it: 开发区,
// then 镇, then 街道 by code.
var officialTowns = []string{"钟楼经济开发区", "邹区镇", "五星街道", "永红街道", "北港街道", "西林街道", "南大街街道", "荷花池街道", "新闸街道"}

func regionNames(s domain.Summary) []string {
	var out []string
	for _, r := range s.Rows {
		out = append(out, r.Region)
	}
	return out
}

// checkTotal fails unless 合计 is exactly the sum of the rows, field by field.
func checkTotal(t *testing.T, s domain.Summary) {
	t.Helper()
	want := domain.TotalOf(s.Rows)
	if !reflect.DeepEqual(want, s.Total) {
		t.Fatalf("合计 %+v\n≠ Σ rows %+v", s.Total, want)
	}
}

func TestSummary_DistrictBreakdownListsEveryTownInOrderWithZeros(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		f.mustCase(t, "wx_officer", newCase("五星喷漆点"))
		res, err := f.db.Summary(ctx, f.as["district"], store.SummaryQuery{Breakdown: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := regionNames(res.Summary); !reflect.DeepEqual(got, officialTowns) {
			t.Fatalf("regions = %v\nwant %v", got, officialTowns)
		}
		for _, r := range res.Rows {
			want := 0
			if r.Region == "五星街道" {
				want = 1
			}
			if r.Problems != want || r.Spraying != want || r.InspectedXiaozitou != want || r.FineWan != "0" {
				t.Fatalf("row %s = %+v", r.Region, r)
			}
		}
		checkTotal(t, res.Summary)
		if res.Total.Region != domain.TotalRegion || res.Total.Problems != 1 {
			t.Fatalf("total = %+v", res.Total)
		}
		// Without breakdown: one row for the unit (the caller's scope by default).
		one, err := f.db.Summary(ctx, f.as["wx_officer"], store.SummaryQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(one.Rows) != 1 || one.Rows[0].Region != "五星街道" || one.Rows[0].Problems != 1 {
			t.Fatalf("town summary = %+v", one.Rows)
		}
		// Another town is outside a town officer's scope: not found.
		_, err = f.db.Summary(ctx, f.as["wx_officer"], store.SummaryQuery{OrgID: f.orgs["永红街道"].ID})
		wantCode(t, err, domain.ENOTFOUND)
	})
}

func TestSummary_HandComputedFiguresToTheFen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		all := map[string]bool{"water": true, "power": true, "materials": true, "equipment": true, "products": true}
		// 五星街道: three cases (one in 新中社区), one of them voided later.
		a := newCase("甲喷涂")
		a.VillageID = f.orgs["新中社区"].ID
		a.FineFen, a.CaseFiled, a.OnsiteStatus = 123450, true, domain.OnsiteDone // 1,234.50 元 = 0.12345 万元
		a.Shutdown, a.Clears = domain.ShutdownClosed, all
		f.mustCase(t, "wx_officer", a)
		b := newCase("乙电镀")
		b.Category, b.ConfiscatedFen, b.JudicialTransfer, b.JudicialPersons, b.DetainedPersons = domain.CatElectroplating, 1, true, 2, 3
		f.mustCase(t, "wx_officer", b)
		c := newCase("丙作废")
		c.FineFen = 99999900
		voided := f.mustCase(t, "wx_officer", c)
		raw := rawDB(t, f.fixture, dialect)
		if _, err := raw.Exec(`UPDATE cases SET status = 'voided' WHERE id = $1`, voided.ID); err != nil {
			t.Fatal(err)
		}
		// 永红街道: one 停产停业 case with a fine of 3,000 元 and one extra site inspected twice.
		d := newCase("丁化工")
		d.OrgID, d.Category, d.FineFen, d.DisciplinedPersons, d.CaseFiled = f.orgs["永红街道"].ID, domain.CatStopped, 300000, 4, true
		f.mustCase(t, "district", d)
		site, err := f.db.CreateSite(ctx, f.as["yh_officer"], store.SiteInput{Name: "永红无问题厂", TargetType: domain.TargetStopped, Address: "某路"})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := f.db.CreateInspection(ctx, f.as["yh_officer"], store.InspectionInput{SiteID: site.ID, Outcome: domain.OutcomeNoProblem}); err != nil {
				t.Fatal(err)
			}
		}

		res, err := f.db.Summary(ctx, f.as["district"], store.SummaryQuery{Breakdown: true})
		if err != nil {
			t.Fatal(err)
		}
		checkTotal(t, res.Summary)
		wx, yh := res.Rows[2], res.Rows[3]
		wantWX := domain.SummaryRow{OrgID: f.orgs["五星街道"].ID, Region: "五星街道", InspectedXiaozitou: 3, Problems: 2,
			Electroplating: 1, Spraying: 1, Rectified: 1, TwoCutsThreeClears: 1, CaseFiled: 1, FineFen: 123450, FineWan: "0.12345",
			ConfiscatedFen: 1, ConfiscatedWan: "0.000001", JudicialTransfers: 1, DetainedPersons: 3}
		if wx != wantWX {
			t.Fatalf("五星街道\n got %+v\nwant %+v", wx, wantWX)
		}
		wantYH := domain.SummaryRow{OrgID: f.orgs["永红街道"].ID, Region: "永红街道", InspectedStopped: 2, Problems: 1, Stopped: 1,
			CaseFiled: 1, FineFen: 300000, FineWan: "0.3", ConfiscatedWan: "0", DisciplinedPersons: 4}
		if yh != wantYH {
			t.Fatalf("永红街道\n got %+v\nwant %+v", yh, wantYH)
		}
		if res.Total.FineWan != "0.42345" || res.Total.ConfiscatedWan != "0.000001" || res.Total.Problems != 3 ||
			res.Total.InspectedXiaozitou != 3 || res.Total.InspectedStopped != 2 {
			t.Fatalf("total = %+v", res.Total)
		}

		// A town broken down by its villages: cases without a village get the 本级 row.
		town, err := f.db.Summary(ctx, f.as["wx_officer"], store.SummaryQuery{Breakdown: true})
		if err != nil {
			t.Fatal(err)
		}
		checkTotal(t, town.Summary)
		names := regionNames(town.Summary)
		if names[len(names)-1] != "五星街道本级" || town.Total.Problems != 2 || town.Total.FineFen != 123450 {
			t.Fatalf("town breakdown %v total %+v", names, town.Total)
		}
		for _, r := range town.Rows {
			if r.Region == "新中社区" && (r.Problems != 1 || r.FineWan != "0.12345") {
				t.Fatalf("新中社区 = %+v", r)
			}
		}
	})
}

// TestSummary_MatchesIndependentComputation checks Summary against a
// straightforward recount over randomised cases: every column, every town,
// amounts of 5–6 decimals of 万元, and 合计 = Σ rows.
func TestSummary_MatchesIndependentComputation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		seed := uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 7))
		towns := []string{"五星街道", "永红街道", "钟楼经济开发区", "邹区镇", "新闸街道"}
		cats := domain.DefaultCategories
		onsite := []domain.Onsite{domain.OnsiteNotStarted, domain.OnsiteInProgress, domain.OnsiteDone}
		var voidIDs []int64
		const n = 36
		for i := range n {
			in := newCase("随机单位" + itoa(int64(i)))
			in.OrgID = f.orgs[towns[rng.IntN(len(towns))]].ID
			if in.OrgID == f.orgs["五星街道"].ID && rng.IntN(2) == 0 {
				in.OrgID, in.VillageID = 0, f.orgs["新中社区"].ID
			}
			in.Category = cats[rng.IntN(len(cats))]
			in.OnsiteStatus = onsite[rng.IntN(3)]
			in.Clears = map[string]bool{}
			for _, it := range domain.DefaultClearItems {
				in.Clears[it] = rng.IntN(4) > 0
			}
			in.CaseFiled = rng.IntN(2) == 0
			in.FineFen = rng.Int64N(5_000_000)     // up to 5 万元, any fen
			in.ConfiscatedFen = rng.Int64N(20_000) // fen: 5–6 decimals of 万元
			in.JudicialTransfer = rng.IntN(3) == 0
			if in.JudicialTransfer {
				in.JudicialPersons = 1 + rng.IntN(3)
			}
			in.DetainedPersons, in.DisciplinedPersons = rng.IntN(3), rng.IntN(2)
			c := f.mustCase(t, "district", in)
			if rng.IntN(8) == 0 {
				voidIDs = append(voidIDs, c.ID)
			}
		}
		raw := rawDB(t, f.fixture, dialect)
		for _, id := range voidIDs {
			if _, err := raw.Exec(`UPDATE cases SET status = 'voided' WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
		}
		// Sites inspected without a problem, some twice.
		for i := range 6 {
			tt := domain.TargetXiaozitou
			if i%2 == 0 {
				tt = domain.TargetStopped
			}
			s, err := f.db.CreateSite(ctx, f.as["district"], store.SiteInput{OrgID: f.orgs[towns[i%len(towns)]].ID,
				Name: "排查场所" + itoa(int64(i)), TargetType: tt, Address: "某地"})
			if err != nil {
				t.Fatal(err)
			}
			for range 1 + i%2 {
				if _, err := f.db.CreateInspection(ctx, f.as["district"], store.InspectionInput{SiteID: s.ID, Outcome: domain.OutcomeNoProblem}); err != nil {
					t.Fatal(err)
				}
			}
		}

		// The independent recount, from the cases and sites as listed.
		want := map[string]*domain.SummaryRow{}
		for _, name := range officialTowns {
			want[name] = &domain.SummaryRow{OrgID: f.orgs[name].ID, Region: name}
		}
		cases, _, err := f.cases().Cases(ctx, f.as["district"], app.CaseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if c.Status == domain.StatusVoided {
				continue
			}
			r := want[c.TownName]
			r.Problems++
			switch c.Category {
			case domain.CatSmelting:
				r.Smelting++
			case domain.CatElectroplating:
				r.Electroplating++
			case domain.CatSpraying:
				r.Spraying++
			case domain.CatDyeing:
				r.Dyeing++
			case domain.CatDust:
				r.Dust++
			case domain.CatOther:
				r.Other++
			case domain.CatStopped:
				r.Stopped++
			}
			if c.OnsiteStatus == domain.OnsiteDone {
				r.Rectified++
			}
			done := true
			for _, it := range domain.DefaultClearItems {
				done = done && c.Clears[it]
			}
			if done {
				r.TwoCutsThreeClears++
			}
			if c.CaseFiled {
				r.CaseFiled++
			}
			r.FineFen += c.FineFen
			r.ConfiscatedFen += c.ConfiscatedFen
			if c.JudicialTransfer {
				r.JudicialTransfers++
			}
			r.DetainedPersons += c.DetainedPersons
			r.DisciplinedPersons += c.DisciplinedPersons
		}
		sites, _, err := f.db.Sites(ctx, f.as["district"], store.SiteFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sites {
			town, _ := f.db.Org(ctx, s.OrgID)
			// Every site here has at least one inspection in the campaign.
			if s.TargetType == domain.TargetStopped {
				want[town.Name].InspectedStopped++
			} else {
				want[town.Name].InspectedXiaozitou++
			}
		}
		res, err := f.db.Summary(ctx, f.as["district"], store.SummaryQuery{Breakdown: true})
		if err != nil {
			t.Fatal(err)
		}
		var total domain.SummaryRow
		for i, name := range officialTowns {
			w := want[name]
			w.FineWan, w.ConfiscatedWan = domain.FenToWan(w.FineFen), domain.FenToWan(w.ConfiscatedFen)
			if res.Rows[i] != *w {
				t.Fatalf("%s\n got %+v\nwant %+v", name, res.Rows[i], *w)
			}
			total.FineFen += w.FineFen
			total.ConfiscatedFen += w.ConfiscatedFen
			total.Problems += w.Problems
		}
		checkTotal(t, res.Summary)
		if res.Total.FineFen != total.FineFen || res.Total.ConfiscatedFen != total.ConfiscatedFen || res.Total.Problems != total.Problems ||
			res.Total.FineWan != domain.FenToWan(total.FineFen) || res.Total.ConfiscatedWan != domain.FenToWan(total.ConfiscatedFen) {
			t.Fatalf("total %+v, want fen %d/%d", res.Total, total.FineFen, total.ConfiscatedFen)
		}
	})
}

func TestProblemRows_TownsInOfficialOrderWithoutVoided(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		yh := newCase("永红甲")
		yh.OrgID = f.orgs["永红街道"].ID
		f.mustCase(t, "district", yh)
		kfq := newCase("开发区甲")
		kfq.OrgID = f.orgs["钟楼经济开发区"].ID
		f.mustCase(t, "district", kfq)
		f.mustCase(t, "wx_officer", newCase("五星甲"))
		v := f.mustCase(t, "wx_officer", newCase("五星作废"))
		raw := rawDB(t, f.fixture, dialect)
		if _, err := raw.Exec(`UPDATE cases SET status = 'voided' WHERE id = $1`, v.ID); err != nil {
			t.Fatal(err)
		}
		_, seq, err := f.db.ProblemRows(ctx, f.as["district"], 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for c, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, c.UnitName)
		}
		if want := []string{"开发区甲", "五星甲", "永红甲"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("附件1 rows %v, want %v", got, want)
		}
	})
}
