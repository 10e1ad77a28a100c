package domain

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkSummarize measures the one 附件2 aggregation over a district-sized
// campaign (100,000 cases, 9 regions): what every report and export pays.
func BenchmarkSummarize(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	regions := make([]SummaryRegion, 9)
	for i := range regions {
		regions[i] = SummaryRegion{ID: int64(i + 1), Name: "镇"}
	}
	cases := make([]CaseFacts, 100_000)
	for i := range cases {
		cases[i] = CaseFacts{RegionID: int64(rng.IntN(9) + 1), Status: StatusRectifying, Category: DefaultCategories[rng.IntN(7)],
			OnsiteDone: rng.IntN(2) == 0, ClearsComplete: rng.IntN(3) == 0, CaseFiled: rng.IntN(4) == 0,
			FineFen: rng.Int64N(10_000_000), ConfiscatedFen: rng.Int64N(1_000_000)}
	}
	sites := make([]InspectedSite, 150_000)
	for i := range sites {
		sites[i] = InspectedSite{RegionID: int64(rng.IntN(9) + 1), SiteID: int64(i), TargetType: TargetXiaozitou}
	}
	b.ReportAllocs()
	for b.Loop() {
		Summarize(regions, cases, sites)
	}
}
