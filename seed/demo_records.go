package seed

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// Demo sites are made from these parts: realistic, clearly fictitious.
var (
	demoSurnames = []string{"张", "王", "李", "赵", "陈", "刘", "周", "吴", "徐", "孙", "朱", "马"}
	demoGiven    = []string{"建国", "志强", "秀英", "卫东", "海峰", "小红", "国平", "美华", "春生", "玉兰"}
	demoRoads    = []string{"东街", "西路", "工业路", "河滨路", "新村", "老厂区", "南巷", "北环路"}
	demoKinds    = []struct {
		cat        domain.Category
		shop, desc string
	}{
		{domain.CatSmelting, "金属熔炼点", "无证无照熔炼废旧金属，无除尘设施，现场堆放大量炉渣"},
		{domain.CatElectroplating, "电镀作坊", "无环评手续从事镀锌作业，含铬废水直排雨水管网"},
		{domain.CatSpraying, "喷涂加工点", "无证无照喷漆作业，无废气处理设施，油漆桶露天堆放"},
		{domain.CatDyeing, "印染小作坊", "私设印染生产线，无排污许可，废水未经处理排放"},
		{domain.CatDust, "打磨车间", "铝镁打磨作业未配备除尘及防爆设施，粉尘积聚严重"},
		{domain.CatOther, "塑料再生点", "废塑料清洗造粒，无任何审批手续，散乱污特征明显"},
		{domain.CatStopped, "化工有限公司", "已列入关闭退出名单，厂区仍存放原料和生产设备"},
	}
)

// demoSite is one site of the demo as planned: where, who registers it,
// and what becomes of its case.
type demoSite struct {
	town     *domain.OrgUnit
	village  *domain.OrgUnit // nil: at the town itself
	slug     string
	kind     int
	name     string
	address  string
	person   string
	lat, lng float64
	acc      float64
	reg      time.Time     // registered and inspected
	problem  bool          // a case is opened
	stage    int           // 0 registered … 3 rectified on site
	target   string        // a closeoutPlan entry ("": none)
	actor    *domain.Actor // who registers it: the village's grid worker, else the officer
	officer  *domain.Actor

	loop           loopPlan
	siteID, caseID int64
}

// planRecords plans, for every town: its register of sites (the listed
// 停产停业 firms handed down on the first day, the others found over the
// first two weeks), an inspection of each, a case for most, and the
// rectification, penalties and closed loop of each case.
func (d *demo) planRecords(ctx context.Context) error {
	root, err := d.db.Root(ctx)
	if err != nil {
		return err
	}
	units, err := d.db.Subtree(ctx, root)
	if err != nil {
		return err
	}
	delegated := false
	for _, town := range units {
		if !town.IsTown() {
			continue
		}
		slug := townSlugs[town.Name]
		officer := d.users.byName[slug+"_officer"]
		if officer == nil {
			continue
		}
		var villages []*domain.OrgUnit
		for _, v := range units {
			if v.ParentID != nil && *v.ParentID == town.ID && v.Kind.Tier() == domain.TierVillage {
				villages = append(villages, v)
			}
		}
		d.planListed(town, slug, officer)
		n := 10 + d.rng.IntN(6)
		var sites []*demoSite
		for i := range n {
			sites = append(sites, d.planSite(town, villages, slug, officer, i, n))
		}
		d.assignCloseout(sites)
		for _, s := range sites {
			d.planCase(s)
		}
		if !delegated {
			if d.planDelegation(slug, sites) {
				delegated = true
			}
		}
	}
	return nil
}

// planListed registers the town's firm on the “停产停业” list on the first
// day (停产 on the register) and inspects it at once; the re-check plan
// takes it from there.
func (d *demo) planListed(town *domain.OrgUnit, slug string, officer *domain.Actor) {
	surname := demoSurnames[d.rng.IntN(len(demoSurnames))]
	name := "常州市" + strings.TrimSuffix(strings.TrimSuffix(town.Name, "街道"), "镇") + surname + "氏精细化工有限公司"
	lat, lng := 31.75+d.rng.Float64()*0.08, 119.88+d.rng.Float64()*0.1
	at := d.start.Add(time.Duration(9*60+d.rng.IntN(300)) * time.Minute) // the campaign's first day
	in := app.SiteInput{OrgID: town.ID, Name: name, TargetType: domain.TargetStopped, State: domain.SiteSuspended,
		Address: fmt.Sprintf("%s工业集中区%d号", town.Name, 1+d.rng.IntN(60)), PersonInCharge: surname + demoGiven[d.rng.IntN(len(demoGiven))],
		Lat: &lat, Lng: &lng, Lists: []string{"“停产停业”企业名单"}}
	var siteID int64
	d.tl.add(at, "listed site "+name, func(ctx context.Context) error {
		s, err := d.db.CreateSite(ctx, officer, in)
		if err != nil {
			return err
		}
		siteID = s.ID
		return nil
	})
	d.tl.add(at.Add(40*time.Minute), "inspect "+name, func(ctx context.Context) error {
		_, err := d.db.CreateInspection(ctx, officer, app.InspectionInput{CampaignID: d.camp.ID, SiteID: siteID, Outcome: domain.OutcomeNoProblem,
			Note: "停产状态，厂区断电，无生产迹象", Lat: &lat, Lng: &lng})
		return err
	})
}

// planSite plans site i of n of a town: found on a working day of the
// first two weeks by the village's grid worker (or the town officer).
func (d *demo) planSite(town *domain.OrgUnit, villages []*domain.OrgUnit, slug string, officer *domain.Actor, i, n int) *demoSite {
	s := &demoSite{town: town, slug: slug, officer: officer, actor: officer, kind: d.rng.IntN(len(demoKinds))}
	kind := demoKinds[s.kind]
	surname := demoSurnames[d.rng.IntN(len(demoSurnames))]
	place := town.Name
	if len(villages) > 0 && d.rng.IntN(4) > 0 {
		s.village = villages[d.rng.IntN(len(villages))]
		place = s.village.Name
		if g := d.users.byName[slug+"_"+s.village.Code[len(s.village.Code)-3:]+"_grid"]; g != nil {
			s.actor = g
		}
	}
	s.name = strings.TrimSuffix(place, "社区") + surname + "某" + kind.shop
	if kind.cat == domain.CatStopped {
		s.name = "常州市" + strings.TrimSuffix(town.Name, "街道") + surname + "氏" + kind.shop
	}
	s.address = fmt.Sprintf("%s%s%d号", place, demoRoads[d.rng.IntN(len(demoRoads))], 1+d.rng.IntN(200))
	s.person = surname + demoGiven[d.rng.IntN(len(demoGiven))]
	s.lat, s.lng, s.acc = 31.75+d.rng.Float64()*0.08, 119.88+d.rng.Float64()*0.1, float64(5+d.rng.IntN(26))
	s.reg = d.at(1+i*10/n, 9+d.rng.IntN(7), d.rng.IntN(60))
	s.problem = i%5 != 4 // most inspected sites have a problem
	// Cases outside the closed loop at every stage, most of them under way.
	s.stage = []int{0, 0, 1, 1, 1, 2, 2, 2, 3, 3}[d.rng.IntN(10)]
	return s
}

// assignCloseout gives the town's first problem sites the closed loop's
// outcomes (closeoutPlan), in turn: 村审核通过 needs a case with a village.
func (d *demo) assignCloseout(sites []*demoSite) {
	for _, target := range closeoutPlan {
		for _, s := range sites {
			if s.problem && s.target == "" && (target != string(domain.StatusVillageApproved) || s.village != nil) {
				s.target = target
				break
			}
		}
	}
}

// planCase plans a site's registration, its inspection and case, then the
// town officer's rectification and penalties over the following days, and
// its closed loop.
func (d *demo) planCase(s *demoSite) {
	kind := demoKinds[s.kind]
	target := domain.TargetXiaozitou
	if kind.cat == domain.CatStopped {
		target = domain.TargetStopped
	}
	lat, lng, acc := s.lat, s.lng, s.acc
	d.tl.add(s.reg, "site "+s.name, func(ctx context.Context) error {
		in := app.SiteInput{OrgID: s.town.ID, Name: s.name, TargetType: target, Address: s.address, PersonInCharge: s.person,
			Phone: domain.Sensitive(fmt.Sprintf("139%08d", d.rng.IntN(100000000))), Lat: &lat, Lng: &lng, Accuracy: &acc}
		if s.village != nil {
			in.VillageID = s.village.ID
		}
		site, err := d.db.CreateSite(ctx, s.actor, in)
		if err != nil {
			return err
		}
		s.siteID = site.ID
		return nil
	})
	found := s.reg.Add(time.Duration(20+d.rng.IntN(30)) * time.Minute)
	if !s.problem {
		d.tl.add(found, "inspect "+s.name, func(ctx context.Context) error {
			_, err := d.db.CreateInspection(ctx, s.actor, app.InspectionInput{CampaignID: d.camp.ID, SiteID: s.siteID,
				Outcome: domain.OutcomeNoProblem, Note: "现场核查，未发现违法违规生产行为", Lat: &lat, Lng: &lng})
			return err
		})
		return
	}
	source := []domain.Source{domain.SourceGrid, domain.SourceGrid, domain.SourceTip, domain.SourceSpotCheck}[d.rng.IntN(4)]
	d.tl.add(found, "case "+s.name, func(ctx context.Context) error {
		c, err := d.db.CreateCase(ctx, s.actor, app.CaseInput{CampaignID: d.camp.ID, SiteID: s.siteID, Lat: &lat, Lng: &lng,
			CaseFields: domain.CaseFields{Category: kind.cat, Description: kind.desc, Source: source}})
		if err != nil {
			return err
		}
		s.caseID = c.ID
		return nil
	})
	stage := s.stage
	switch s.target {
	case "":
	case string(domain.StatusVoided):
		d.tl.add(d.later(found, 1), "void "+s.name, func(ctx context.Context) error {
			return d.act(ctx, s.officer, s.caseID, domain.CaseVoid, "录入错误：与同一场所的问题重复登记")
		})
		return
	default:
		stage = 3 // the closed loop starts from a case rectified on site
	}
	if stage == 0 {
		return // registered, nothing done yet
	}
	t := d.later(found, 1+d.rng.IntN(2))
	shutdown := []domain.Shutdown{domain.ShutdownSuspended, domain.ShutdownClosed, domain.ShutdownBanned}[d.rng.IntN(3)]
	d.tl.add(t, "rectify "+s.name, func(ctx context.Context) error {
		today := d.today()
		deadline := domain.DateOf(d.db.Clock().Now().AddDate(0, 0, 15+d.rng.IntN(20)), demoLoc)
		return d.patch(ctx, s.officer, s.caseID, func(p app.CasePatch) app.CasePatch {
			return p.With("rectify_deadline", deadline).With("onsite_status", domain.OnsiteInProgress).
				With("shutdown", shutdown).With("shutdown_date", today)
		})
	})
	if stage >= 2 {
		t = d.later(t, 2+d.rng.IntN(3))
		penalty := d.penalty()
		d.tl.add(t, "clears and penalties "+s.name, func(ctx context.Context) error {
			today := d.today()
			return d.patch(ctx, s.officer, s.caseID, func(p app.CasePatch) app.CasePatch {
				clears, dates := map[string]bool{}, map[string]domain.Date{}
				for _, it := range d.camp.ClearItems[:2] { // 断水, 断电 first
					clears[it], dates[it] = true, today
				}
				p = p.With("two_cuts_three_clears", clears).With("two_cuts_three_clears_dates", dates)
				return penalty(p, today)
			})
		})
	}
	if stage == 3 {
		t = d.later(t, 2+d.rng.IntN(3))
		d.tl.add(t, "rectified "+s.name, func(ctx context.Context) error {
			return d.complete(ctx, s)
		})
	}
	if s.target != "" {
		d.planLoop(s, t)
	}
}

// penalty picks what the officer records when the case is penalised (half
// of them): 立案查处 with a fine of 2,000–50,000 元, some confiscations,
// some 移送司法机关 with persons, some detained.
func (d *demo) penalty() func(app.CasePatch, domain.Date) app.CasePatch {
	if d.rng.IntN(2) == 0 {
		return func(p app.CasePatch, _ domain.Date) app.CasePatch { return p }
	}
	fine := int64(2000+500*d.rng.IntN(97)) * 100
	var confiscated int64
	if d.rng.IntN(3) == 0 {
		confiscated = int64(1000+100*d.rng.IntN(190)) * 100
	}
	transfer, persons, detained := false, 0, 0
	if d.rng.IntN(5) == 0 {
		transfer, persons = true, 1+d.rng.IntN(2)
		if d.rng.IntN(2) == 0 {
			detained = persons
		}
	}
	disciplined := 0
	if d.rng.IntN(12) == 0 {
		disciplined = 1
	}
	no := 100 + d.rng.IntN(800)
	return func(p app.CasePatch, today domain.Date) app.CasePatch {
		p = p.With("case_filed", true).With("fine_fen", fine).With("case_no", fmt.Sprintf("钟应急罚〔%s〕%d号", string(today)[:4], no))
		if confiscated > 0 {
			p = p.With("confiscated_fen", confiscated)
		}
		if transfer {
			p = p.With("judicial_transfer", true).With("judicial_persons", persons).With("detained_persons", detained)
		}
		if disciplined > 0 {
			p = p.With("disciplined_persons", disciplined)
		}
		return p
	}
}

// complete records 现场整治已完成 (and the whole 两断三清 for 关闭/取缔) with
// the photos that show it.
func (d *demo) complete(ctx context.Context, s *demoSite) error {
	c, err := d.db.Case(ctx, s.officer, s.caseID)
	if err != nil {
		return err
	}
	if c.Status != domain.StatusRegistered && c.Status != domain.StatusRectifying {
		return nil
	}
	today := d.today()
	shut := c.Shutdown == domain.ShutdownClosed || c.Shutdown == domain.ShutdownBanned
	err = d.patch(ctx, s.officer, s.caseID, func(p app.CasePatch) app.CasePatch {
		p = p.With("onsite_status", domain.OnsiteDone).With("onsite_done_date", today)
		if shut {
			clears, dates := map[string]bool{}, map[string]domain.Date{}
			for _, it := range d.camp.ClearItems {
				clears[it] = true
				if c.ClearDates[it] == "" {
					dates[it] = today
				}
			}
			p = p.With("two_cuts_three_clears", clears).With("two_cuts_three_clears_dates", dates)
		}
		return p
	})
	if err != nil {
		return err
	}
	// The evidence a 销号 request needs (domain.EvidenceNeeds): 整改完成照片
	// and, for 关闭/取缔, a 两断三清照片 of each item, naming it.
	if err := d.photo(ctx, s, domain.AttachDonePhoto, "", "整改完成"); err != nil {
		return err
	}
	if shut {
		for _, it := range d.camp.ClearItems {
			if err := d.photo(ctx, s, domain.AttachClearsPhoto, it, domain.ClearItemNames[it]); err != nil {
				return err
			}
		}
	}
	return nil
}

// photo uploads a small picture as the case's evidence of kind (showing
// the 两断三清 item, for a clears_photo).
func (d *demo) photo(ctx context.Context, s *demoSite, kind, item, what string) error {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	shade := color.RGBA{uint8(90 + d.rng.IntN(120)), uint8(110 + d.rng.IntN(100)), uint8(80 + d.rng.IntN(80)), 255}
	for x := range 32 {
		for y := range 24 {
			img.Set(x, y, shade)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	lat, lng := s.lat, s.lng
	_, err := d.db.SaveAttachment(ctx, s.officer, s.caseID, app.AttachmentInput{Kind: kind, Item: item,
		Filename: fmt.Sprintf("%s-%s.png", what, d.today()), Lat: &lat, Lng: &lng, Reader: &buf})
	return err
}

// patch changes a case as read now (its latest version).
func (d *demo) patch(ctx context.Context, a *domain.Actor, id int64, f func(app.CasePatch) app.CasePatch) error {
	c, err := d.db.Case(ctx, a, id)
	if err != nil {
		return err
	}
	_, err = d.db.UpdateCase(ctx, a, id, f(app.CasePatch{Version: c.Version}))
	return err
}

// act takes a case action on the case as read now.
func (d *demo) act(ctx context.Context, a *domain.Actor, id int64, action domain.CaseAction, reason string) error {
	c, err := d.db.Case(ctx, a, id)
	if err != nil {
		return err
	}
	if _, err := d.db.ApplyCaseAction(ctx, a, id, app.CaseActionInput{Action: action, Reason: reason, Version: c.Version}); err != nil {
		return fmt.Errorf("%s by %s: %w", action, a.User.Username, err)
	}
	return nil
}
