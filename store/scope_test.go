package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// scopeWorld is a generated province-shaped deployment written straight
// through the store: root 省 → 市 → two 区, each with a 镇, a 街道 and a 开发区
// holding a 街道 of its own; villages (村/社区) under every town with a grid
// each; a 部门 under the root. Sites and cases are placed at random towns
// with or without a village, in every status; some sites are inspected; each
// town has a weekly report.
type scopeWorld struct {
	db      *store.DB
	camp    *domain.Campaign
	units   []*domain.OrgUnit
	byID    map[int64]*domain.OrgUnit
	cases   map[int64]*domain.OrgUnit // case id → its place
	sites   map[int64]*domain.OrgUnit // site id → its place
	visited map[int64]bool            // sites inspected in the campaign
	reports map[int64]*domain.OrgUnit // weekly report id → its town
}

var scopeStatuses = []domain.CaseStatus{domain.StatusRegistered, domain.StatusRectifying, domain.StatusCloseoutRequested,
	domain.StatusVillageApproved, domain.StatusTownApproved, domain.StatusClosedOut, domain.StatusVoided}

func newScopeWorld(t *testing.T, dialect store.Dialect) *scopeWorld {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2020, 10, 14, 1, 30, 0, 0, time.UTC)
	db := storetest.Open(t, dialect, storetest.Options{Clock: &domain.FixedClock{T: now}})
	w := &scopeWorld{db: db, byID: map[int64]*domain.OrgUnit{}, cases: map[int64]*domain.OrgUnit{},
		sites: map[int64]*domain.OrgUnit{}, visited: map[int64]bool{}, reports: map[int64]*domain.OrgUnit{}}
	rng := rand.New(rand.NewPCG(6, 9))
	err := db.Write(ctx, domain.SystemActor(nil), func(tx *store.Tx) error {
		add := func(kind domain.OrgKind, parent *domain.OrgUnit) *domain.OrgUnit {
			o := &domain.OrgUnit{Name: fmt.Sprintf("%s%d", kind, len(w.units)+1), Kind: kind, Level: 1}
			if parent != nil {
				o.ParentID, o.Level = &parent.ID, parent.Level+1
			}
			if o.IsTown() {
				o.Prefix = fmt.Sprintf("P%02d", len(w.units)+1)
			}
			if err := tx.InsertOrg(o, parent); err != nil {
				t.Fatal(err)
			}
			w.units = append(w.units, o)
			w.byID[o.ID] = o
			return o
		}
		root := add(domain.KindProvince, nil)
		city := add(domain.KindCity, root)
		add(domain.KindDept, root)
		var towns []*domain.OrgUnit
		villages := map[int64][]*domain.OrgUnit{}
		for range 2 {
			d := add(domain.KindDistrict, city)
			for _, k := range []domain.OrgKind{domain.KindTown, domain.KindStreet, domain.KindDevZone} {
				town := add(k, d)
				towns = append(towns, town)
				for _, vk := range []domain.OrgKind{domain.KindVillage, domain.KindCommunity} {
					v := add(vk, town)
					villages[town.ID] = append(villages[town.ID], v)
					add(domain.KindGrid, v)
				}
				if k == domain.KindDevZone { // a 街道 run by the 开发区
					inner := add(domain.KindStreet, town)
					towns = append(towns, inner)
					v := add(domain.KindCommunity, inner)
					villages[inner.ID] = append(villages[inner.ID], v)
				}
			}
		}
		w.camp = &domain.Campaign{Name: "专项整治", StartDate: "2020-09-27", EndDate: "2020-11-30", DeadlineWeekday: 3,
			DeadlineTime: "17:00", TimeZone: "Asia/Shanghai", SummaryDueDate: "2020-11-15", Version: 1}
		if err := tx.InsertCampaign(w.camp); err != nil {
			return err
		}
		for i := range 160 {
			town := towns[rng.IntN(len(towns))]
			place := town
			site := &domain.Site{OrgID: town.ID, Name: fmt.Sprintf("场所%d", i), TargetType: domain.TargetXiaozitou, State: domain.SiteProducing}
			if vs := villages[town.ID]; rng.IntN(3) > 0 {
				v := vs[rng.IntN(len(vs))]
				site.VillageID, place = &v.ID, v
			}
			if err := tx.InsertSite(site); err != nil {
				return err
			}
			w.sites[site.ID] = place
			if rng.IntN(2) == 0 {
				x := &domain.Inspection{CampaignID: w.camp.ID, SiteID: site.ID, InspectedAt: now, Outcome: domain.OutcomeProblem}
				if err := tx.InsertInspection(x); err != nil {
					return err
				}
				w.visited[site.ID] = true
			}
			if i%4 == 3 {
				continue // a site without a case
			}
			c := &domain.Case{ProblemNo: fmt.Sprintf("%s-2020-%04d", town.Prefix, i), CampaignID: w.camp.ID, OrgID: town.ID,
				VillageID: site.VillageID, SiteID: site.ID, Status: scopeStatuses[rng.IntN(len(scopeStatuses))], Version: 1,
				CreatedAt: now, UpdatedAt: now.Add(time.Duration(rng.IntN(1000)) * time.Second)}
			c.UnitName, c.Category, c.Address, c.Description, c.Source = site.Name, domain.CatSpraying, "某路", "无证生产", domain.SourceGrid
			if err := tx.InsertCase(c); err != nil {
				return err
			}
			w.cases[c.ID] = place
		}
		for _, town := range towns {
			id, err := tx.InsertReport(&domain.WeeklyReport{CampaignID: w.camp.ID, OrgID: town.ID,
				Deadline: time.Date(2020, 10, 14, 9, 0, 0, 0, time.UTC), Status: domain.ReportDraft, Version: 1})
			if err != nil {
				return err
			}
			w.reports[id] = town
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// filterFor is the scope filter of the lists of a user placed at u, as the
// application layer builds it (app/scope.go scopeOf): a grid stands for its
// village, and the towns under the unit come from the org tree by path range.
func (w *scopeWorld) filterFor(t *testing.T, r store.Reader, u *domain.OrgUnit) (*domain.OrgUnit, domain.ScopeFilter) {
	t.Helper()
	scope := w.byID[domain.ScopeUnitID(u)]
	var towns []*domain.OrgUnit
	if domain.ScopeNeedsTowns(scope) {
		var err error
		if towns, err = r.UnitsUnder(scope, domain.KindsOf(domain.TierTown)); err != nil {
			t.Fatal(err)
		}
	}
	return scope, domain.ScopeOf(scope, towns)
}

// seen lists, sorted, the ids of the records whose place a sees.
func seen(a *domain.Actor, places map[int64]*domain.OrgUnit, keep func(id int64) bool) []int64 {
	out := []int64{}
	for id, p := range places {
		if a.Sees(p) && (keep == nil || keep(id)) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func sorted(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	if out == nil {
		out = []int64{}
	}
	return out
}

// The scope filter is the SQL of domain.(*Actor).Sees: for an actor placed at
// each unit of the tree — root, city, district, each kind of town (a 街道
// inside a 开发区 included), village, community, grid, 部门 — every scoped
// query of cases, sites, inspected sites and weekly reports selects exactly
// the records whose place Sees accepts, on both databases.
func TestScopeFilterSQL_MatchesSees(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		w := newScopeWorld(t, dialect)
		r := w.db.Reader(context.Background())
		shapes := map[string]bool{}
		nonEmpty := 0
		for _, u := range w.units {
			scope, f := w.filterFor(t, r, u)
			a := &domain.Actor{Org: *u, Scope: *scope}
			switch {
			case f.All:
				shapes["all"] = true
			case f.VillageID != 0:
				shapes["village"] = true
			case f.TownID != 0:
				shapes["town"] = true
			case len(f.TownIDs) > 0:
				shapes["towns"] = true
			default:
				shapes["none"] = true
			}
			name := fmt.Sprintf("%s (%s) %+v", u.Name, u.Path, f)

			wantCases := seen(a, w.cases, nil)
			if len(wantCases) > 0 {
				nonEmpty++
			}
			cases, _, err := r.Cases(store.CaseFilter{Scope: f, CampaignID: w.camp.ID})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, c := range cases {
				got = append(got, c.ID)
			}
			if got := sorted(got); !slices.Equal(got, wantCases) {
				t.Errorf("%s: cases %v, Sees %v", name, got, wantCases)
			}
			if n, err := r.CountCases(store.CaseFilter{Scope: f}); err != nil || n != len(wantCases) {
				t.Errorf("%s: count %d (%v), Sees %d", name, n, err, len(wantCases))
			}
			byStatus := 0
			for _, st := range scopeStatuses {
				n, err := r.CountCases(store.CaseFilter{Scope: f, CampaignID: w.camp.ID, Status: st})
				if err != nil {
					t.Fatal(err)
				}
				byStatus += n
			}
			if byStatus != len(wantCases) {
				t.Errorf("%s: by status %d, Sees %d", name, byStatus, len(wantCases))
			}

			got = nil
			for c, err := range r.SummaryCases(w.camp.ID, f, domain.StatusVoided) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, 0)
				if !a.Sees(&domain.OrgUnit{Path: c.Path}) {
					t.Errorf("%s: summary case at %s", name, c.Path)
				}
			}
			live := 0
			for _, c := range cases {
				if c.Status != domain.StatusVoided {
					live++
				}
			}
			if len(got) != live {
				t.Errorf("%s: %d summary cases, want %d", name, len(got), live)
			}
			perTown, err := r.CaseCountsByTown(store.CaseCountQuery{CampaignID: w.camp.ID, Scope: f,
				From: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, n := range perTown {
				total += n
			}
			if total != len(wantCases) {
				t.Errorf("%s: counts by town %v, Sees %d", name, perTown, len(wantCases))
			}
			queue, err := r.ReviewQueue(store.ReviewQueueFilter{Scope: f, Statuses: domain.ReviewStatuses()})
			if err != nil {
				t.Fatal(err)
			}
			review := map[domain.CaseStatus]bool{}
			for _, s := range domain.ReviewStatuses() {
				review[s] = true
			}
			var wantQueue []int64
			for _, c := range cases {
				if review[c.Status] {
					wantQueue = append(wantQueue, c.ID)
				}
			}
			if got, want := sorted(queue), sorted(wantQueue); !slices.Equal(got, want) {
				t.Errorf("%s: review queue %v, want %v", name, got, want)
			}

			wantSites := seen(a, w.sites, nil)
			sites, _, err := r.Sites(store.SiteQuery{Scope: f})
			if err != nil {
				t.Fatal(err)
			}
			got = nil
			for _, s := range sites {
				got = append(got, s.ID)
			}
			if got := sorted(got); !slices.Equal(got, wantSites) {
				t.Errorf("%s: sites %v, Sees %v", name, got, wantSites)
			}
			if n, err := r.CountSites(store.SiteQuery{Scope: f}); err != nil || n != len(wantSites) {
				t.Errorf("%s: site count %d (%v), Sees %d", name, n, err, len(wantSites))
			}
			inspected, err := r.InspectedSites(w.camp.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			got = nil
			for _, s := range inspected {
				got = append(got, s.SiteID)
			}
			if got, want := sorted(got), seen(a, w.sites, func(id int64) bool { return w.visited[id] }); !slices.Equal(got, want) {
				t.Errorf("%s: inspected sites %v, Sees %v", name, got, want)
			}

			reports, err := r.Reports(store.ReportQuery{CampaignID: w.camp.ID, Scope: f})
			if err != nil {
				t.Fatal(err)
			}
			got = nil
			for _, x := range reports {
				got = append(got, x.ID)
			}
			if got, want := sorted(got), seen(a, w.reports, nil); !slices.Equal(got, want) {
				t.Errorf("%s: reports %v, Sees %v", name, got, want)
			}
		}
		for _, k := range []string{"all", "village", "town", "towns", "none"} {
			if !shapes[k] {
				t.Errorf("no unit gave a %q filter", k)
			}
		}
		if nonEmpty < len(w.units)/2 {
			t.Errorf("the generated records exercise too few units: %d of %d", nonEmpty, len(w.units))
		}
	})
}
