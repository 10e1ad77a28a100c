package domain

import (
	"math"
	"math/rand/v2"
	"testing"
)

var counterStatuses = []CaseStatus{StatusRegistered, StatusRectifying, StatusCloseoutRequested, StatusVillageApproved,
	StatusTownApproved, StatusClosedOut, StatusVoided}

// randomCase is a case with every 附件2-relevant field drawn at random, at
// one of a few places of two campaigns.
func randomCase(r *rand.Rand, keys []CounterKey) *Case {
	cats := append(append([]Category(nil), DefaultCategories...), Category("chemical"))
	onsite := []Onsite{OnsiteNotStarted, OnsiteInProgress, OnsiteDone}
	k := keys[r.IntN(len(keys))]
	c := &Case{CampaignID: k.CampaignID, OrgID: k.OrgID, Status: counterStatuses[r.IntN(len(counterStatuses))]}
	if k.VillageID != 0 {
		v := k.VillageID
		c.VillageID = &v
	}
	c.Category = cats[r.IntN(len(cats))]
	c.OnsiteStatus = onsite[r.IntN(3)]
	c.ClearsDone = r.IntN(3) == 0
	c.CaseFiled = r.IntN(2) == 0
	c.FineFen = r.Int64N(3) * r.Int64N(1<<40)
	c.ConfiscatedFen = r.Int64N(5_000_001)
	c.JudicialTransfer = r.IntN(4) == 0
	c.DetainedPersons, c.DisciplinedPersons = r.IntN(3), r.IntN(2)
	c.Supervised = r.IntN(3) == 0
	return c
}

var counterKeys = []CounterKey{
	{CampaignID: 1, OrgID: 10}, {CampaignID: 1, OrgID: 10, VillageID: 101}, {CampaignID: 1, OrgID: 10, VillageID: 102},
	{CampaignID: 1, OrgID: 20}, {CampaignID: 2, OrgID: 10}, {CampaignID: 2, OrgID: 20, VillageID: 201},
}

// Σ of each record's contribution, place by place, equals Summarize over
// the same rows with the places as its regions (Recount), and the status
// and 挂牌督办 counts equal a plain count.
func TestCounters_SumOfContributionsEqualsSummarize(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 2020))
	for iter := 0; iter < 300; iter++ {
		cases := make([]*Case, r.IntN(80))
		for i := range cases {
			cases[i] = randomCase(r, counterKeys)
		}
		var sites []PlacedSite
		for id := int64(1); id <= int64(r.IntN(60)); id++ {
			tt := TargetXiaozitou
			if r.IntN(3) == 0 {
				tt = TargetStopped
			}
			for _, camp := range []int64{1, 2} {
				if r.IntN(2) == 0 {
					k := counterKeys[r.IntN(len(counterKeys))]
					k.CampaignID = camp
					sites = append(sites, PlacedSite{Key: k, SiteID: id, TargetType: tt})
				}
			}
		}

		sum := map[CounterKey]Counters{}
		for _, c := range cases {
			var err error
			if sum[CaseKey(c)], err = sum[CaseKey(c)].Add(CaseCounters(c)); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range sites {
			var err error
			if sum[s.Key], err = sum[s.Key].Add(SiteCounters(s.TargetType)); err != nil {
				t.Fatal(err)
			}
		}

		rc := NewRecount()
		// In batches, as counters verify reads them.
		for from := 0; from < len(cases); from += 7 {
			if err := rc.Cases(cases[from:min(from+7, len(cases))]); err != nil {
				t.Fatal(err)
			}
		}
		for from := 0; from < len(sites); from += 5 {
			if err := rc.Sites(sites[from:min(from+5, len(sites))]); err != nil {
				t.Fatal(err)
			}
		}
		got := rc.Counters()
		for _, k := range counterKeys {
			if got[k] != sum[k] {
				d := FirstCounterDiff([]CounterKey{k}, sum, got)
				t.Fatalf("iter %d %+v: %s Σ contributions %d, recount %d", iter, k, CounterNames[d.Column], d.Stored, d.Recount)
			}
		}

		// The 附件2 part against one Summarize with every place a region.
		regions := make([]SummaryRegion, len(counterKeys))
		region := map[CounterKey]int64{}
		for i, k := range counterKeys {
			regions[i] = SummaryRegion{ID: int64(i + 1), Name: "地"}
			region[k] = int64(i + 1)
		}
		facts := make([]CaseFacts, len(cases))
		status := map[CounterKey]map[CaseStatus]int64{}
		supervised := map[CounterKey]int64{}
		for i, c := range cases {
			facts[i] = FactsOf(c, region[CaseKey(c)])
			if status[CaseKey(c)] == nil {
				status[CaseKey(c)] = map[CaseStatus]int64{}
			}
			status[CaseKey(c)][c.Status]++
			if c.Supervised && c.Status != StatusClosedOut && c.Status != StatusVoided {
				supervised[CaseKey(c)]++
			}
		}
		in := make([]InspectedSite, len(sites))
		for i, s := range sites {
			in[i] = InspectedSite{RegionID: region[s.Key], SiteID: s.SiteID, TargetType: s.TargetType}
		}
		whole := Summarize(regions, facts, in)
		for i, k := range counterKeys {
			if row := sum[k].SummaryRow(regions[i]); row != whole.Rows[i] {
				t.Fatalf("iter %d %+v:\n Σ %+v\nSummarize %+v", iter, k, row, whole.Rows[i])
			}
			for _, st := range counterStatuses {
				if sum[k].Status(st) != status[k][st] {
					t.Fatalf("iter %d %+v: %s %d, want %d", iter, k, st, sum[k].Status(st), status[k][st])
				}
			}
			if sum[k][CountSupervised] != supervised[k] {
				t.Fatalf("iter %d %+v: supervised %d, want %d", iter, k, sum[k][CountSupervised], supervised[k])
			}
		}
	}
}

// Applying the deltas of a case's random life — edits, status changes,
// moves between places — leaves exactly its final contribution.
func TestCaseChange_DeltasTrackTheCase(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for iter := 0; iter < 200; iter++ {
		got := map[CounterKey]Counters{}
		apply := func(ds []CounterDelta, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if got[d.Key], err = got[d.Key].Add(d.Delta); err != nil {
					t.Fatal(err)
				}
			}
		}
		c := randomCase(r, counterKeys[:4]) // one campaign
		apply(CaseChange(nil, c))
		for range r.IntN(12) {
			next := randomCase(r, counterKeys[:4])
			if r.IntN(3) > 0 { // often the same place
				next.OrgID, next.VillageID = c.OrgID, c.VillageID
			}
			apply(CaseChange(c, next))
			c = next
		}
		for _, k := range counterKeys {
			want := Counters{}
			if k == CaseKey(c) {
				want = CaseCounters(c)
			}
			if got[k] != want {
				t.Fatalf("iter %d %+v: %v, want %v", iter, k, got[k], want)
			}
		}
	}
	// A change names its place even when no figure moves.
	c := &Case{CampaignID: 1, OrgID: 10, Status: StatusRegistered}
	if ds, err := CaseChange(c, c); err != nil || len(ds) != 1 || ds[0].Key != CaseKey(c) || !ds[0].Delta.IsZero() {
		t.Fatalf("no-op change %+v %v", ds, err)
	}
}

func TestCaseCounters_VoidedCountsOnlyInItsStatus(t *testing.T) {
	c := &Case{Status: StatusVoided, CaseFields: CaseFields{Category: CatSmelting, FineFen: 5, CaseFiled: true, Supervised: true,
		OnsiteStatus: OnsiteDone}}
	want := Counters{}
	want[CountVoided] = 1
	if got := CaseCounters(c); got != want {
		t.Fatalf("voided case counters %v", got)
	}
	c.Status = StatusRectifying
	got := CaseCounters(c)
	if got[CountProblems] != 1 || got[CountSmelting] != 1 || got[CountFineFen] != 5 || got[CountRectifying] != 1 ||
		got[CountSupervised] != 1 || got[CountRectified] != 1 || got[CountCaseFiled] != 1 || got.Counted() != true {
		t.Fatalf("live case counters %v", got)
	}
	if s := SiteCounters(TargetStopped); s[CountInspectedStopped] != 1 || s[CountInspected] != 1 || s[CountInspectedXiaozitou] != 0 {
		t.Fatalf("site counters %v", s)
	}
}

func TestSiteChange_MovesAndRetypes(t *testing.T) {
	v := int64(101)
	before := &Site{OrgID: 10, TargetType: TargetXiaozitou}
	after := &Site{OrgID: 10, VillageID: &v, TargetType: TargetStopped}
	ds, err := SiteChange(1, before, after)
	if err != nil || len(ds) != 2 || ds[0].Key != (CounterKey{1, 10, 0}) || ds[1].Key != (CounterKey{1, 10, 101}) ||
		ds[0].Delta[CountInspectedXiaozitou] != -1 || ds[1].Delta[CountInspectedStopped] != 1 {
		t.Fatalf("move and retype %+v %v", ds, err)
	}
	retyped := &Site{OrgID: 10, TargetType: TargetStopped}
	ds, err = SiteChange(1, before, retyped)
	if err != nil || len(ds) != 1 || ds[0].Delta[CountInspectedXiaozitou] != -1 || ds[0].Delta[CountInspectedStopped] != 1 ||
		ds[0].Delta[CountInspected] != 0 {
		t.Fatalf("retype %+v %v", ds, err)
	}
	if ds, err := SiteChange(1, before, &Site{OrgID: 10, TargetType: TargetXiaozitou, Name: "改名"}); ds != nil || err != nil {
		t.Fatalf("rename counts %+v %v", ds, err)
	}
}

// An amount whose sum would not fit in int64 fen is refused, naming the
// column; nothing wraps.
func TestCounters_OverflowIsRefusedNotWrapped(t *testing.T) {
	var big Counters
	big[CountFineFen] = math.MaxInt64 - 10
	one := CaseCounters(&Case{Status: StatusRegistered, CaseFields: CaseFields{Category: CatOther, FineFen: 11}})
	got, err := big.Add(one)
	if ErrorCode(err) != EINVALID || ErrorField(err) != "fine_fen" || got != big {
		t.Fatalf("overflowing add = %v, %v", got[CountFineFen], err)
	}
	if _, err := big.Add(CaseCounters(&Case{Status: StatusRegistered, CaseFields: CaseFields{FineFen: 10}})); err != nil {
		t.Fatalf("add up to the bound: %v", err)
	}
	var low Counters
	low[CountConfiscatedFen] = math.MinInt64 + 1
	var two Counters
	two[CountConfiscatedFen] = 2
	if _, err := low.Sub(two); ErrorField(err) != "confiscated_fen" {
		t.Fatalf("overflowing sub: %v", err)
	}
	var minus Counters
	minus[CountProblems] = math.MinInt64
	if _, err := (Counters{}).Sub(minus); ErrorField(err) != "problems" {
		t.Fatalf("0 − MinInt64: %v", err)
	}
	// The recount refuses the same sum.
	rc := NewRecount()
	err = rc.Cases([]*Case{
		{Status: StatusRegistered, CaseFields: CaseFields{FineFen: math.MaxInt64}},
		{Status: StatusRegistered, CaseFields: CaseFields{FineFen: 1}},
	})
	if err == nil {
		// Summarize of the batch wraps; the recount must not accept it.
		if c := rc.Counters()[CounterKey{}]; c[CountFineFen] < 0 {
			t.Fatalf("recount wrapped to %d", c[CountFineFen])
		}
		t.Fatal("recount accepted an overflowing sum")
	}
}

func TestFirstCounterDiff_NamesPlaceAndColumn(t *testing.T) {
	a, b := CounterKey{1, 10, 0}, CounterKey{1, 10, 101}
	stored := map[CounterKey]Counters{a: {}, b: {}}
	s := stored[b]
	s[CountSpraying] = 3
	stored[b] = s
	recount := map[CounterKey]Counters{b: {}}
	r := recount[b]
	r[CountSpraying] = 2
	recount[b] = r
	d := FirstCounterDiff([]CounterKey{a, b}, stored, recount)
	if !d.Differed || d.Key != b || d.Column != CountSpraying || d.Stored != 3 || d.Recount != 2 {
		t.Fatalf("diff %+v", d)
	}
	if d := FirstCounterDiff([]CounterKey{a, b}, recount, recount); d.Differed {
		t.Fatalf("equal counters differ: %+v", d)
	}
}
