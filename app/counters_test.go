package app_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// counterWorld is the property test's state: the fixture, the places it
// draws from, and the records the use cases have made.
type counterWorld struct {
	f      *reportFixture
	rng    *rand.Rand
	camps  []*domain.Campaign
	towns  []*domain.OrgUnit
	vills  map[int64][]*domain.OrgUnit // villages by town
	sites  []int64
	cases  []int64
	actors []string
}

func newCounterWorld(t *testing.T, dialect store.Dialect, seed uint64) *counterWorld {
	t.Helper()
	f := newReportFixture(t, dialect)
	ctx := context.Background()
	w := &counterWorld{f: f, rng: rand.New(rand.NewPCG(seed, 6)), camps: []*domain.Campaign{f.camp}, vills: map[int64][]*domain.OrgUnit{},
		actors: []string{"district", "district", "wx_head", "yh_head", "kfq_head", "wx_officer", "supervisor", "xz_head"}}
	for _, name := range []string{"五星街道", "永红街道", "钟楼经济开发区", "邹区镇"} {
		town := f.orgs[name]
		w.towns = append(w.towns, town)
		kids, err := f.app.Children(ctx, town.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range kids {
			if k.Kind.Tier() == domain.TierVillage && len(w.vills[town.ID]) < 3 {
				w.vills[town.ID] = append(w.vills[town.ID], k)
			}
		}
	}
	// A village head, so that cases placed at a village can pass 村审核,
	// and 邹区镇's officer and head.
	for _, u := range []struct {
		name string
		role domain.Role
		org  string
	}{{"xz_head", domain.RoleVillageHead, "新中社区"}, {"zq_officer", domain.RoleTownOfficer, "邹区镇"}, {"zq_head", domain.RoleTownHead, "邹区镇"}} {
		if _, err := f.app.CreateUser(ctx, f.as["admin"], app.UserInput{Username: u.name, Password: "password-" + u.name,
			DisplayName: u.name, Role: u.role, OrgID: f.orgs[u.org].ID}); err != nil {
			t.Fatal(err)
		}
		f.as[u.name] = f.login(t, u.name, "password-"+u.name)
	}
	// A second campaign running at the same time: counters are per campaign.
	second, err := f.app.CreateCampaign(ctx, f.as["district"], domain.Campaign{Name: "第二专项", StartDate: "2020-10-01", EndDate: "2020-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	w.camps = append(w.camps, second)
	return w
}

// create opens a case that registers its site, in a random campaign and place.
func (w *counterWorld) create(t *testing.T) (string, error) {
	in := app.CaseInput{CampaignID: w.camps[w.rng.IntN(len(w.camps))].ID, CaseFields: w.fields()}
	in.OrgID, in.VillageID = w.place()
	c, err := w.f.app.CreateCase(context.Background(), w.f.as["district"], in)
	if err == nil {
		w.cases, w.sites = append(w.cases, c.ID), append(w.sites, c.SiteID)
	}
	return "create case with site", err
}

// place draws a town and, half the time, one of its villages.
func (w *counterWorld) place() (orgID, villageID int64) {
	town := w.towns[w.rng.IntN(len(w.towns))]
	if vs := w.vills[town.ID]; len(vs) > 0 && w.rng.IntN(2) == 0 {
		return 0, vs[w.rng.IntN(len(vs))].ID
	}
	return town.ID, 0
}

func (w *counterWorld) fields() domain.CaseFields {
	r := w.rng
	cats := domain.DefaultCategories
	in := domain.CaseFields{UnitName: "随机" + strconv.Itoa(r.IntN(1e6)), Category: cats[r.IntN(len(cats))],
		Address: "某路" + strconv.Itoa(r.IntN(100)) + "号", Description: "无证生产"}
	if r.IntN(2) == 0 {
		in.OnsiteStatus = []domain.Onsite{domain.OnsiteNotStarted, domain.OnsiteInProgress, domain.OnsiteDone}[r.IntN(3)]
		in.CaseFiled = r.IntN(2) == 0
		in.FineFen = r.Int64N(3) * r.Int64N(10_000_000)
		in.ConfiscatedFen = r.Int64N(20_000)
		in.JudicialTransfer = r.IntN(4) == 0
		if in.JudicialTransfer {
			in.JudicialPersons = 1
		}
		in.DetainedPersons, in.DisciplinedPersons = r.IntN(3), r.IntN(2)
		in.Supervised = r.IntN(4) == 0
		in.Clears = map[string]bool{}
		for _, it := range domain.DefaultClearItems {
			in.Clears[it] = r.IntN(3) > 0
		}
	}
	return in
}

// step runs one random use case; refusals are part of the property (a
// refused change must leave the counters as they were).
func (w *counterWorld) step(t *testing.T) (string, error) {
	t.Helper()
	ctx := context.Background()
	r, f := w.rng, w.f
	actor := f.as["district"]
	if r.IntN(4) == 0 {
		actor = f.as[w.actors[r.IntN(len(w.actors))]]
	}
	camp := w.camps[r.IntN(len(w.camps))]
	pick := func(ids []int64) int64 {
		if len(ids) == 0 {
			return 0
		}
		return ids[r.IntN(len(ids))]
	}
	if len(w.cases) == 0 {
		return w.create(t)
	}
	switch op := r.IntN(14); op {
	case 0, 1: // a case registering its site
		return w.create(t)
	case 2: // a site alone, inspected or not yet
		in := app.SiteInput{Name: "场所" + strconv.Itoa(r.IntN(1e6)), Address: "某地", TargetType: []string{domain.TargetXiaozitou, domain.TargetStopped}[r.IntN(2)]}
		in.OrgID, in.VillageID = w.place()
		s, err := f.app.CreateSite(ctx, f.as["district"], in)
		if err == nil {
			w.sites = append(w.sites, s.ID)
		}
		return "create site", err
	case 3: // a case for an existing site (refused when it has one in the campaign)
		c, err := f.app.CreateCase(ctx, actor, app.CaseInput{CampaignID: camp.ID, SiteID: pick(w.sites), CaseFields: w.fields()})
		if err == nil {
			w.cases = append(w.cases, c.ID)
		}
		return "create case for site", err
	case 4: // an inspection, the first or another
		_, err := f.app.CreateInspection(ctx, actor, app.InspectionInput{CampaignID: camp.ID, SiteID: pick(w.sites),
			Outcome: []string{domain.OutcomeNoProblem, domain.OutcomeProblem}[r.IntN(2)]})
		return "inspection", err
	case 5: // a re-check (an inspection in the active campaign)
		_, err := f.app.RecordRecheck(ctx, actor, pick(w.sites), []string{domain.RecheckStillShut, domain.RecheckRunning}[r.IntN(2)], "复查")
		return "recheck", err
	case 6: // a site's target type or village changes
		id := pick(w.sites)
		s, err := f.app.Site(ctx, f.as["district"], id)
		if err != nil {
			return "site change", err
		}
		p := app.SitePatch{Version: s.Version}
		if r.IntN(2) == 0 {
			tt := domain.TargetStopped
			if s.TargetType == tt {
				tt = domain.TargetXiaozitou
			}
			p.TargetType = &tt
		} else {
			var v int64
			if vs := w.vills[s.OrgID]; len(vs) > 0 && r.IntN(3) > 0 {
				v = vs[r.IntN(len(vs))].ID
			}
			p.VillageID = &v
		}
		_, err = f.app.UpdateSite(ctx, actor, id, p)
		return "site change", err
	case 7, 8: // a patch of 附件2-relevant fields
		id := pick(w.cases)
		c, err := f.app.Case(ctx, f.as["district"], id)
		if err != nil {
			return "patch", err
		}
		p := app.CasePatch{Version: c.Version}
		nf := w.fields()
		for range 1 + r.IntN(4) {
			switch r.IntN(11) {
			case 0:
				p = p.With("category", nf.Category)
			case 1:
				p = p.With("onsite_status", []domain.Onsite{domain.OnsiteNotStarted, domain.OnsiteInProgress, domain.OnsiteDone}[r.IntN(3)])
			case 2:
				p = p.With("case_filed", r.IntN(2) == 0)
			case 3:
				p = p.With("fine_fen", r.Int64N(10_000_000))
			case 4:
				p = p.With("confiscated_fen", r.Int64N(20_000))
			case 5:
				p = p.With("judicial_transfer", r.IntN(2) == 0).With("judicial_persons", 1)
			case 6:
				p = p.With("detained_persons", r.IntN(4))
			case 7:
				p = p.With("disciplined_persons", r.IntN(3))
			case 8:
				p = p.With("supervised", r.IntN(2) == 0)
			case 9:
				items := map[string]bool{}
				for _, it := range domain.DefaultClearItems {
					items[it] = r.IntN(4) > 0
				}
				p = p.With("two_cuts_three_clears", items)
			case 10:
				p = p.With("shutdown", []domain.Shutdown{domain.ShutdownNone, domain.ShutdownClosed}[r.IntN(2)])
			}
		}
		_, err = f.app.UpdateCase(ctx, actor, id, p)
		return "patch", err
	default: // an action: the closed loop, void, transfer, reopen
		id := pick(w.cases)
		c, err := f.app.Case(ctx, f.as["district"], id)
		if err != nil {
			return "action", err
		}
		in := app.CaseActionInput{Reason: "随机测试"}
		by := "district"
		switch c.Status {
		case domain.StatusRegistered, domain.StatusRectifying:
			switch r.IntN(10) {
			case 0:
				in.Action = domain.CaseVoid
			case 1, 2:
				in.Action = domain.CaseTransfer
				in.OrgID, in.VillageID = w.place()
			default:
				// 现场整治 done (and 两断三清 for a closure) first, then the request.
				p := app.CasePatch{Version: c.Version}.With("onsite_status", domain.OnsiteDone)
				items := map[string]bool{}
				for _, it := range domain.DefaultClearItems {
					items[it] = true
				}
				p = p.With("two_cuts_three_clears", items)
				if _, err := f.app.UpdateCase(ctx, f.as["district"], id, p); err != nil {
					return "prepare closeout", err
				}
				in.Action, by = domain.CaseRequestCloseout, w.townUser(c, "officer")
			}
		case domain.StatusCloseoutRequested, domain.StatusVillageApproved, domain.StatusTownApproved:
			in.Action = domain.CaseApprove
			if r.IntN(4) == 0 {
				in.Action = domain.CaseReturn
			}
			by = w.approver(c)
		default:
			in.Action = domain.CaseReopen
		}
		if r.IntN(8) == 0 { // now and then someone who may not
			by = w.actors[r.IntN(len(w.actors))]
		}
		_, err = f.app.ApplyCaseAction(ctx, f.as[by], id, in)
		return "action " + string(in.Action), err
	}
}

// approver is who signs the next approval of c: the village head at 村审核,
// the town's head at 镇审核, the district office after.
func (w *counterWorld) approver(c *domain.Case) string {
	switch {
	case c.Status == domain.StatusCloseoutRequested && c.VillageID != nil:
		if *c.VillageID == w.f.orgs["新中社区"].ID {
			return "xz_head"
		}
		return "district" // no head for this village in the fixture: refused
	case c.Status == domain.StatusTownApproved:
		return "district"
	}
	return w.townUser(c, "head")
}

// townUser is the fixture's town officer or head of c's town.
func (w *counterWorld) townUser(c *domain.Case, role string) string {
	for prefix, town := range map[string]string{"wx_": "五星街道", "yh_": "永红街道", "kfq_": "钟楼经济开发区", "zq_": "邹区镇"} {
		if c.OrgID == w.f.orgs[town].ID {
			return prefix + role
		}
	}
	return "district"
}

// checkCounters asserts the maintained counters equal the domain.Summarize
// recount for every place, and that the district's 附件2 read from them
// adds up.
func (w *counterWorld) checkCounters(t *testing.T, after string) {
	t.Helper()
	ctx := context.Background()
	res, err := w.f.app.VerifyCounters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Diff != nil {
		t.Fatalf("after %s: %s", after, res.Diff)
	}
}

// TestCounters_RandomUseCasesKeepCountersEqualToRecount drives random
// sequences of use cases — cases with and without sites, patches of every
// 附件2 field, the closed loop, void, transfer, reopen, inspections and
// re-checks, a site's target type and village — and after each step holds
// the counters to the recount, on both databases.
func TestCounters_RandomUseCasesKeepCountersEqualToRecount(t *testing.T) {
	steps := 120
	if s, err := strconv.Atoi(os.Getenv("ZHENGZHI_COUNTER_STEPS")); err == nil {
		steps = s
	}
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		seed := uint64(time.Now().UnixNano())
		t.Logf("seed %d (ZHENGZHI_COUNTER_STEPS=%d)", seed, steps)
		w := newCounterWorld(t, dialect, seed)
		ops := map[string]int{}
		for i := range steps {
			what, err := w.step(t)
			if domain.ErrorCode(err) == domain.EINTERNAL {
				t.Fatalf("step %d %s: %v", i, what, err)
			}
			if err == nil {
				ops[what+" ok"]++
			} else {
				ops[what+" refused"]++
				if os.Getenv("ZHENGZHI_COUNTER_DEBUG") != "" {
					t.Logf("%s: %v", what, err)
				}
			}
			w.checkCounters(t, strconv.Itoa(i)+": "+what)
		}
		t.Logf("steps: %v", ops)
		// The district's 附件2 from the counters equals one Summarize over
		// the recount's places: Σ rows = 合计, every town present.
		res, err := w.f.app.Summary(context.Background(), w.f.as["district"], app.SummaryQuery{Breakdown: true})
		if err != nil {
			t.Fatal(err)
		}
		checkTotal(t, res.Summary)
	})
}

// A fine that would take a place's sum past int64 fen is refused with the
// field named, and nothing of the change is written (the counters and the
// case stay as they were); nothing wraps.
func TestCounters_OverflowingFineIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newReportFixture(t, dialect)
		ctx := context.Background()
		wx := f.orgs["五星街道"].ID
		big := caseForm("巨额罚款甲")
		big.OrgID, big.FineFen = wx, math.MaxInt64-5
		f.mustCase(t, "district", big)
		second := caseForm("巨额罚款乙")
		second.OrgID, second.FineFen = wx, 6
		_, err := f.app.CreateCase(ctx, f.as["district"], second)
		wantErrCode(t, err, domain.EINVALID)
		if domain.ErrorField(err) != "fine_fen" {
			t.Fatalf("field %q: %v", domain.ErrorField(err), err)
		}
		// Up to the bound is fine, and an edit past it is refused too.
		third := caseForm("巨额罚款丙")
		third.OrgID, third.FineFen = wx, 5
		c := f.mustCase(t, "district", third)
		_, err = f.app.UpdateCase(ctx, f.as["district"], c.ID, patch(c.Version, "fine_fen", 6))
		wantErrCode(t, err, domain.EINVALID)
		res, err := f.app.Summary(ctx, f.as["district"], app.SummaryQuery{OrgID: f.orgs["五星街道"].ID})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Rows[0]; got.FineFen != math.MaxInt64 || got.Problems != 2 {
			t.Fatalf("五星街道 after refusals: fine %d, problems %d", got.FineFen, got.Problems)
		}
		cases, _, err := f.app.Cases(ctx, f.as["district"], app.CaseFilter{})
		if err != nil || len(cases) != 2 {
			t.Fatalf("cases after refusal: %d %v", len(cases), err)
		}
		if chk, err := f.app.VerifyCounters(ctx); err != nil || chk.Diff != nil {
			t.Fatalf("verify %+v %v", chk, err)
		}
	})
}

// Counters changed behind the program's back are named by verify — the
// campaign, the unit, the figure, stored and recount — and rebuild puts
// them right in one audited event.
func TestCounters_VerifyNamesThePlaceAndRebuildRepairs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newReportFixture(t, dialect)
		ctx := context.Background()
		in := caseForm("新中喷涂")
		in.VillageID = f.orgs["新中社区"].ID
		f.mustCase(t, "wx_officer", in)
		f.mustCase(t, "wx_officer", caseForm("五星喷涂"))
		if chk, err := f.app.VerifyCounters(ctx); err != nil || chk.Diff != nil || chk.Places != 2 || chk.Campaigns != 1 {
			t.Fatalf("verify %+v %v", chk, err)
		}
		if _, err := f.raw.Exec(`UPDATE summary_counters SET spraying = spraying + 2 WHERE village_id = $1`, f.orgs["新中社区"].ID); err != nil {
			t.Fatal(err)
		}
		chk, err := f.app.VerifyCounters(ctx)
		if err != nil || chk.Diff == nil {
			t.Fatalf("verify after tampering %+v %v", chk, err)
		}
		d := chk.Diff
		if d.CampaignID != f.camp.ID || d.CampaignName != f.camp.Name || d.UnitName != "新中社区" || d.Column != "spraying" ||
			d.Stored != 3 || d.Recount != 1 {
			t.Fatalf("diff %+v", d)
		}
		auditEvents := func() []domain.AuditEvent {
			t.Helper()
			evs, err := f.app.AuditEvents(ctx, f.as["admin"], app.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return evs
		}
		events := len(auditEvents())
		rb, err := f.app.RebuildCounters(ctx)
		if err != nil || rb.Changed != 1 || rb.Places != 2 {
			t.Fatalf("rebuild %+v %v", rb, err)
		}
		if got := auditEvents(); len(got) != events+1 || got[len(got)-1].Action != "rebuild" || got[len(got)-1].Entity != "summary_counters" {
			t.Fatalf("rebuild audit: %d → %d events", events, len(got))
		}
		if chk, err := f.app.VerifyCounters(ctx); err != nil || chk.Diff != nil {
			t.Fatalf("verify after rebuild %+v %v", chk, err)
		}
		// A town's own row (what roll-ups above the towns read) is held to
		// the sum of its places too.
		if _, err := f.raw.Exec(`UPDATE summary_counters_town SET status_registered = 7 WHERE org_id = $1`, f.orgs["五星街道"].ID); err != nil {
			t.Fatal(err)
		}
		chk, err = f.app.VerifyCounters(ctx)
		if err != nil || chk.Diff == nil || chk.Diff.UnitName != "五星街道（全镇合计）" || chk.Diff.Column != "status_registered" ||
			chk.Diff.Stored != 7 || chk.Diff.Recount != 2 {
			t.Fatalf("verify after tampering with the town row %+v %v", chk.Diff, err)
		}
		if _, err := f.app.RebuildCounters(ctx); err != nil {
			t.Fatal(err)
		}
		if chk, err := f.app.VerifyCounters(ctx); err != nil || chk.Diff != nil {
			t.Fatalf("verify after the second rebuild %+v %v", chk, err)
		}
	})
}
