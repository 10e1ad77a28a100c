package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// Demo sites are made from these parts: realistic, clearly fictitious.
var (
	demoSurnames = []string{"张", "王", "李", "赵", "陈", "刘", "周", "吴", "徐", "孙", "朱", "马"}
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

// demoRecords adds sites, inspections and cases for every town and village:
// enough to make the lists, the forms and the reports look like a working
// campaign. Then each later part adds its own records (reviews, reports).
func demoRecords(ctx context.Context, db *app.App, camp *domain.Campaign, users *demoUserSet) error {
	rng := rand.New(rand.NewPCG(2020, 927))
	root, err := db.Root(ctx)
	if err != nil {
		return err
	}
	units, err := db.Subtree(ctx, root)
	if err != nil {
		return err
	}
	for _, town := range units {
		if !town.IsTown() {
			continue
		}
		slug := townSlugs[town.Name]
		officer := users.byName[slug+"_officer"]
		if officer == nil {
			continue
		}
		var villages []*domain.OrgUnit
		for _, v := range units {
			if v.ParentID != nil && *v.ParentID == town.ID && v.Kind.Tier() == domain.TierVillage {
				villages = append(villages, v)
			}
		}
		n := 6 + rng.IntN(5)
		for i := 0; i < n; i++ {
			if err := demoSite(ctx, db, camp, rng, town, villages, officer, users, i); err != nil {
				return fmt.Errorf("demo records for %s: %w", town.Name, err)
			}
		}
	}
	return nil
}

// demoSite registers one site, inspects it and, for most, opens a case at
// some stage of rectification.
func demoSite(ctx context.Context, db *app.App, camp *domain.Campaign, rng *rand.Rand, town *domain.OrgUnit,
	villages []*domain.OrgUnit, officer *domain.Actor, users *demoUserSet, i int) error {
	kind := demoKinds[rng.IntN(len(demoKinds))]
	surname := demoSurnames[rng.IntN(len(demoSurnames))]
	actor := officer
	var villageID int64
	place := town.Name
	if len(villages) > 0 && rng.IntN(4) > 0 {
		v := villages[rng.IntN(len(villages))]
		villageID, place = v.ID, v.Name
		suffix := v.Code[len(v.Code)-3:]
		if g := users.byName[townSlugs[town.Name]+"_"+suffix+"_grid"]; g != nil {
			actor = g
		}
	}
	target := domain.TargetXiaozitou
	name := strings.TrimSuffix(place, "社区") + surname + "某" + kind.shop
	if kind.cat == domain.CatStopped {
		target = domain.TargetStopped
		name = "常州市" + strings.TrimSuffix(town.Name, "街道") + surname + "氏" + kind.shop
	}
	lat, lng := 31.75+rng.Float64()*0.08, 119.88+rng.Float64()*0.1
	site, err := db.CreateSite(ctx, actor, app.SiteInput{OrgID: town.ID, VillageID: villageID, Name: name, TargetType: target,
		Address:        fmt.Sprintf("%s%s%d号", place, demoRoads[rng.IntN(len(demoRoads))], 1+rng.IntN(200)),
		PersonInCharge: surname + []string{"建国", "志强", "秀英", "卫东", "海峰", "小红"}[rng.IntN(6)],
		Phone:          domain.Sensitive(fmt.Sprintf("139%08d", rng.IntN(100000000))), Lat: &lat, Lng: &lng})
	if err != nil {
		return err
	}
	problem := i%5 != 4 // most inspected sites have a problem
	if !problem {
		_, err = db.CreateInspection(ctx, actor, app.InspectionInput{CampaignID: camp.ID, SiteID: site.ID, Outcome: domain.OutcomeNoProblem,
			Note: "现场核查，未发现违法违规生产行为", Lat: &lat, Lng: &lng})
		return err
	}
	c, err := db.CreateCase(ctx, actor, app.CaseInput{CampaignID: camp.ID, SiteID: site.ID,
		Lat: &lat, Lng: &lng, CaseFields: domain.CaseFields{Category: kind.cat,
			Description: kind.desc, Source: []domain.Source{domain.SourceGrid, domain.SourceGrid, domain.SourceTip, domain.SourceSpotCheck}[rng.IntN(4)]},
	})
	if err != nil {
		return err
	}
	// Rectification and penalties by the town officer, at varying stages.
	stage := rng.IntN(4)
	if stage == 0 {
		return nil // registered, nothing done yet
	}
	deadline := domain.DateOf(time.Now().AddDate(0, 0, 20-rng.IntN(40)), domain.Shanghai())
	shutdown := []domain.Shutdown{domain.ShutdownSuspended, domain.ShutdownClosed, domain.ShutdownBanned}[rng.IntN(3)]
	today := domain.DateOf(time.Now(), domain.Shanghai())
	p := app.CasePatch{Version: c.Version}.With("rectify_deadline", deadline).With("onsite_status", domain.OnsiteInProgress).
		With("shutdown", shutdown).With("shutdown_date", today)
	clears, clearDates := map[string]bool{}, map[string]domain.Date{}
	if stage >= 2 {
		for _, it := range camp.ClearItems {
			clears[it] = stage == 3 || rng.IntN(2) == 0
			if clears[it] {
				clearDates[it] = today
			}
		}
		if rng.IntN(2) == 0 {
			fine := int64(rng.IntN(50)+1) * 100000 // 1,000 – 50,000 元
			p = p.With("case_filed", true).With("fine_fen", fine).
				With("case_no", fmt.Sprintf("钟应急罚〔2020〕%d号", 100+rng.IntN(800)))
		}
	}
	if stage == 3 {
		p = p.With("onsite_status", domain.OnsiteDone).With("onsite_done_date", today)
		for _, it := range camp.ClearItems {
			clears[it] = true
			clearDates[it] = today
		}
	}
	if stage >= 2 {
		p = p.With("two_cuts_three_clears", clears).With("two_cuts_three_clears_dates", clearDates)
	}
	_, err = db.UpdateCase(ctx, officer, c.ID, p)
	return err
}
