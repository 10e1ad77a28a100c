package domain

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func testCampaign(t *testing.T) *Campaign {
	t.Helper()
	camp := &Campaign{Name: "违法违规“小字头”及“停产停业”企业专项整治", StartDate: "2020-09-27", EndDate: "2020-11-13", DeadlineWeekday: 3}
	if err := camp.Normalize(); err != nil {
		t.Fatal(err)
	}
	return camp
}

// validTestCase is a complete, consistent case; each test changes one thing.
func validTestCase(now time.Time) *Case {
	return &Case{
		CaseFields: CaseFields{
			UnitName: "常州市某某金属制品厂", Category: CatSmelting, Address: "邹区镇某村88号",
			PersonInCharge: "张三", Description: "无证无照从事熔炼", Source: SourceGrid,
			Shutdown: ShutdownNone, OnsiteStatus: OnsiteInProgress,
			Clears:          map[string]bool{ItemWater: false, ItemPower: false, ItemMaterials: false, ItemEquipment: false, ItemProducts: false},
			ClearDates:      map[string]Date{},
			RectifyDeadline: "2020-10-31",
		},
		Status:    StatusRectifying,
		UpdatedAt: now.Add(-24 * time.Hour),
	}
}

func allClears() map[string]bool {
	return map[string]bool{ItemWater: true, ItemPower: true, ItemMaterials: true, ItemEquipment: true, ItemProducts: true}
}

type ruleAt struct{ code, field string }

func rulesOf(ws []Warning) []ruleAt {
	var out []ruleAt
	for _, w := range ws {
		out = append(out, ruleAt{w.Code, w.Field})
	}
	return out
}

func TestValidateCase(t *testing.T) {
	camp := testCampaign(t)
	now := utc8(2020, 10, 14, 10, 0, 0) // a Wednesday morning in Shanghai
	tests := []struct {
		name      string
		edit      func(c *Case)
		camp      *Campaign
		wantErrs  []ruleAt
		wantWarns []ruleAt
		wantMsg   string
	}{
		{name: "complete case is clean", edit: func(c *Case) {}},
		{
			name: "missing unit name", edit: func(c *Case) { c.UnitName = "" },
			wantErrs: []ruleAt{{RuleRequired, "unit_name"}}, wantMsg: "请填写问题单位名称",
		},
		{
			name: "blank description", edit: func(c *Case) { c.Description = " \t" },
			wantErrs: []ruleAt{{RuleRequired, "description"}},
		},
		{
			name:     "every required column missing, in form order",
			edit:     func(c *Case) { c.UnitName, c.Category, c.Address, c.Description = "", "", "", "" },
			wantErrs: []ruleAt{{RuleRequired, "unit_name"}, {RuleRequired, "category"}, {RuleRequired, "address"}, {RuleRequired, "description"}},
		},
		{
			name: "category outside the seven", edit: func(c *Case) { c.Category = Category("chemical") },
			wantErrs: []ruleAt{{RuleUnknownCategory, "category"}}, wantMsg: "chemical",
		},
		{
			name:     "category the campaign does not use",
			camp:     &Campaign{Categories: []Category{CatStopped, CatSmelting}, ClearItems: DefaultClearItems},
			edit:     func(c *Case) { c.Category = CatDyeing },
			wantErrs: []ruleAt{{RuleUnknownCategory, "category"}},
		},
		{
			name: "negative amounts and counts",
			edit: func(c *Case) {
				c.CaseFiled = true
				c.FineFen, c.ConfiscatedFen, c.JudicialPersons, c.DetainedPersons, c.DisciplinedPersons = -1, -2, -1, -1, -1
			},
			wantErrs: []ruleAt{{RuleNegative, "fine_fen"}, {RuleNegative, "confiscated_fen"}, {RuleNegative, "judicial_persons"},
				{RuleNegative, "detained_persons"}, {RuleNegative, "disciplined_persons"}},
		},
		{
			name: "fine without filing", edit: func(c *Case) { c.FineFen = 300000 },
			wantWarns: []ruleAt{{RuleFineWithoutFiling, "case_filed"}},
		},
		{
			name: "confiscation without filing", edit: func(c *Case) { c.ConfiscatedFen = 1 },
			wantWarns: []ruleAt{{RuleFineWithoutFiling, "case_filed"}},
		},
		{name: "fine with filing is fine", edit: func(c *Case) { c.FineFen, c.CaseFiled, c.CaseNo = 300000, true, "钟应急罚〔2020〕1号" }},
		{
			name: "closed without clears names the missing items",
			edit: func(c *Case) {
				c.Shutdown = ShutdownClosed
				c.Clears = allClears()
				c.Clears[ItemPower], c.Clears[ItemProducts] = false, false
			},
			wantWarns: []ruleAt{{RuleClosedWithoutClears, "two_cuts_three_clears"}}, wantMsg: "已关闭，但“两断三清”未完成：断电、清产品",
		},
		{
			name: "banned with empty checklist", edit: func(c *Case) { c.Shutdown, c.Clears = ShutdownBanned, nil },
			wantWarns: []ruleAt{{RuleClosedWithoutClears, "two_cuts_three_clears"}}, wantMsg: "已取缔",
		},
		{name: "closed with clears complete", edit: func(c *Case) { c.Shutdown, c.Clears = ShutdownClosed, allClears() }},
		{name: "suspended needs no clears", edit: func(c *Case) { c.Shutdown = ShutdownSuspended }},
		{
			name:      "campaign adding 清厂房 requires it",
			camp:      &Campaign{Categories: DefaultCategories, ClearItems: append(append([]string(nil), DefaultClearItems...), ItemPremises)},
			edit:      func(c *Case) { c.Shutdown, c.Clears = ShutdownClosed, allClears() },
			wantWarns: []ruleAt{{RuleClosedWithoutClears, "two_cuts_three_clears"}}, wantMsg: "清厂房",
		},
		{
			name: "transfer with no persons", edit: func(c *Case) { c.JudicialTransfer = true },
			wantWarns: []ruleAt{{RuleTransferWithoutPersons, "judicial_persons"}},
		},
		{name: "transfer with persons", edit: func(c *Case) { c.JudicialTransfer, c.JudicialPersons = true, 2 }},
		{
			name: "past 整改期限", edit: func(c *Case) { c.RectifyDeadline = "2020-10-13" },
			wantWarns: []ruleAt{{RuleOverdue, "rectify_deadline"}}, wantMsg: "2020-10-13",
		},
		{name: "整改期限 today is not yet overdue", edit: func(c *Case) { c.RectifyDeadline = "2020-10-14" }},
		{name: "past 整改期限 but closed out", edit: func(c *Case) { c.RectifyDeadline, c.Status = "2020-10-01", StatusClosedOut }},
		{
			name: "past 整改期限 while awaiting 销号 still shows", edit: func(c *Case) { c.RectifyDeadline, c.Status = "2020-10-01", StatusTownApproved },
			wantWarns: []ruleAt{{RuleOverdue, "rectify_deadline"}},
		},
		{
			name: "untouched for exactly 14 days", edit: func(c *Case) { c.UpdatedAt = now.Add(-14 * 24 * time.Hour) },
			wantWarns: []ruleAt{{RuleStale, "updated_at"}}, wantMsg: "14天",
		},
		{name: "untouched for a second less than 14 days", edit: func(c *Case) { c.UpdatedAt = now.Add(-14*24*time.Hour + time.Second) }},
		{name: "stale but closed out", edit: func(c *Case) { c.UpdatedAt, c.Status = now.AddDate(0, -2, 0), StatusClosedOut }},
		{
			name: "voided counts nowhere, not even its errors",
			edit: func(c *Case) {
				c.Status, c.UnitName, c.FineFen, c.RectifyDeadline, c.UpdatedAt = StatusVoided, "", -5, "2020-01-01", now.AddDate(-1, 0, 0)
			},
		},
		{
			name: "errors and several warnings together",
			edit: func(c *Case) {
				c.Address, c.FineFen, c.Shutdown, c.JudicialTransfer = "", 100, ShutdownBanned, true
				c.RectifyDeadline, c.UpdatedAt = "2020-09-30", now.AddDate(0, 0, -20)
			},
			wantErrs: []ruleAt{{RuleRequired, "address"}},
			wantWarns: []ruleAt{{RuleFineWithoutFiling, "case_filed"}, {RuleClosedWithoutClears, "two_cuts_three_clears"},
				{RuleTransferWithoutPersons, "judicial_persons"}, {RuleOverdue, "rectify_deadline"}, {RuleStale, "updated_at"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := validTestCase(now)
			tc.edit(c)
			cp := camp
			if tc.camp != nil {
				cp = tc.camp
			}
			errs, warns := ValidateCase(c, cp, now, Shanghai())
			if got := rulesOf(errs); !reflect.DeepEqual(got, tc.wantErrs) {
				t.Errorf("errors = %v, want %v", got, tc.wantErrs)
			}
			if got := rulesOf(warns); !reflect.DeepEqual(got, tc.wantWarns) {
				t.Errorf("warnings = %v, want %v", got, tc.wantWarns)
			}
			for _, w := range append(errs, warns...) {
				if w.Message == "" {
					t.Errorf("%s has no message", w.Code)
				}
			}
			if tc.wantMsg != "" {
				var all []string
				for _, w := range append(errs, warns...) {
					all = append(all, w.Message)
				}
				if !strings.Contains(strings.Join(all, "|"), tc.wantMsg) {
					t.Errorf("messages %q do not contain %q", all, tc.wantMsg)
				}
			}
		})
	}
}

func TestValidateCase_TodayIsTheShanghaiDate(t *testing.T) {
	camp := testCampaign(t)
	// 2020-10-09 16:30 UTC is already 10-10 00:30 in Shanghai.
	now := time.Date(2020, 10, 9, 16, 30, 0, 0, time.UTC)
	c := validTestCase(now)
	c.RectifyDeadline = "2020-10-09"
	if _, warns := ValidateCase(c, camp, now, Shanghai()); !reflect.DeepEqual(rulesOf(warns), []ruleAt{{RuleOverdue, "rectify_deadline"}}) {
		t.Errorf("Shanghai: warnings = %v, want overdue", rulesOf(warns))
	}
	if _, warns := ValidateCase(c, camp, now, time.UTC); len(warns) != 0 {
		t.Errorf("UTC: warnings = %v, want none (still 10-09 there)", rulesOf(warns))
	}
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	time.Local = time.UTC
	if _, warns := ValidateCase(c, camp, now, nil); len(warns) != 1 {
		t.Errorf("nil loc must mean Shanghai whatever time.Local is: warnings = %v", rulesOf(warns))
	}
}

func TestValidateSummary(t *testing.T) {
	ok := SummaryRow{Region: "邹区镇", InspectedXiaozitou: 10, InspectedStopped: 2, Problems: 5, Smelting: 2, Dust: 1, Stopped: 2,
		Rectified: 3, TwoCutsThreeClears: 2, CaseFiled: 1, FineFen: 300000, JudicialTransfers: 1}
	tests := []struct {
		name      string
		edit      func(r *SummaryRow)
		wantErrs  []ruleAt
		wantWarns []ruleAt
		wantMsg   string
	}{
		{name: "consistent row is clean", edit: func(r *SummaryRow) {}},
		{
			name: "categories do not add up", edit: func(r *SummaryRow) { r.Problems = 6 },
			wantErrs: []ruleAt{{RuleCategorySum, "problems"}}, wantMsg: "邹区镇：问题类别合计（5）与问题总数（6）不符",
		},
		{
			name: "negative amounts", edit: func(r *SummaryRow) { r.FineFen, r.ConfiscatedFen = -1, -1 },
			wantErrs: []ruleAt{{RuleNegative, "fine_fen"}, {RuleNegative, "confiscated_fen"}},
		},
		{
			name:     "negative count also breaks the category sum",
			edit:     func(r *SummaryRow) { r.Other = -1 },
			wantErrs: []ruleAt{{RuleNegative, "other"}, {RuleCategorySum, "problems"}},
		},
		{
			name:      "more problems than inspected sites",
			edit:      func(r *SummaryRow) { r.InspectedXiaozitou, r.InspectedStopped = 3, 1 },
			wantWarns: []ruleAt{{RuleProblemsOverInspected, "problems"}}, wantMsg: "问题总数（5）大于排查总数（4）",
		},
		{
			name:      "firm counts above problems",
			edit:      func(r *SummaryRow) { r.Rectified, r.JudicialTransfers = 6, 9 },
			wantWarns: []ruleAt{{RuleCountOverProblems, "rectified"}, {RuleCountOverProblems, "judicial_transfers"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ok
			tc.edit(&r)
			errs, warns := ValidateSummary(r)
			if got := rulesOf(errs); !reflect.DeepEqual(got, tc.wantErrs) {
				t.Errorf("errors = %v, want %v", got, tc.wantErrs)
			}
			if got := rulesOf(warns); !reflect.DeepEqual(got, tc.wantWarns) {
				t.Errorf("warnings = %v, want %v", got, tc.wantWarns)
			}
			if tc.wantMsg != "" {
				var all []string
				for _, w := range append(errs, warns...) {
					all = append(all, w.Message)
				}
				if !strings.Contains(strings.Join(all, "|"), tc.wantMsg) {
					t.Errorf("messages %q do not contain %q", all, tc.wantMsg)
				}
			}
		})
	}
}

func TestValidateSummary_SummarizeOutputHasNoErrors(t *testing.T) {
	cases := []CaseFacts{
		{RegionID: 11, Category: CatSmelting, FineFen: 1}, {RegionID: 11, Category: CatStopped},
		{RegionID: 12, Category: CatOther, Status: StatusVoided}, {RegionID: 12, Category: CatDyeing, OnsiteDone: true},
	}
	s := Summarize(summaryRegions, cases, []InspectedSite{{RegionID: 11, SiteID: 1, TargetType: TargetXiaozitou}})
	for _, r := range append(s.Rows, s.Total) {
		if errs, _ := ValidateSummary(r); len(errs) != 0 {
			t.Errorf("%s: errors %v", r.Region, rulesOf(errs))
		}
	}
}

func TestCaseNormalize_TrimsAndDefaults(t *testing.T) {
	camp := testCampaign(t)
	camp.ClearItems = append(camp.ClearItems, ItemPremises)
	c := &Case{CaseFields: CaseFields{UnitName: "  某某喷涂作坊 ", Category: " spraying", Address: "五星街道\u3000某路1号 ", Description: "露天喷涂 ",
		PersonInCharge: " 李四 ", CaseNo: " 钟应急罚〔2020〕2号 ",
		Clears:     map[string]bool{ItemWater: true},
		ClearDates: map[string]Date{ItemWater: "2020-10-01", ItemPower: ""}},
	}
	if err := c.Normalize(camp); err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	if c.UnitName != "某某喷涂作坊" || c.Category != CatSpraying || c.Description != "露天喷涂" || c.PersonInCharge != "李四" || c.CaseNo != "钟应急罚〔2020〕2号" {
		t.Errorf("not trimmed: %+v", c)
	}
	if c.Address != "五星街道\u3000某路1号" {
		t.Errorf("address %q: inner spaces must stay", c.Address)
	}
	if c.Shutdown != ShutdownNone || c.OnsiteStatus != OnsiteNotStarted || c.Source != SourceGrid {
		t.Errorf("defaults: shutdown %q onsite %q source %q", c.Shutdown, c.OnsiteStatus, c.Source)
	}
	wantClears := map[string]bool{ItemWater: true, ItemPower: false, ItemMaterials: false, ItemEquipment: false, ItemProducts: false, ItemPremises: false}
	if !reflect.DeepEqual(c.Clears, wantClears) {
		t.Errorf("clears = %v, want %v", c.Clears, wantClears)
	}
	if !reflect.DeepEqual(c.ClearDates, map[string]Date{ItemWater: "2020-10-01"}) {
		t.Errorf("clear dates = %v, want only water's", c.ClearDates)
	}

	// Set values are kept.
	d := &Case{CaseFields: CaseFields{UnitName: "x", Category: CatDust, Address: "y", Description: "z",
		Shutdown: ShutdownBanned, OnsiteStatus: OnsiteDone, Source: SourceTip}}
	if err := d.Normalize(camp); err != nil {
		t.Fatal(err)
	}
	if d.Shutdown != ShutdownBanned || d.OnsiteStatus != OnsiteDone || d.Source != SourceTip || d.ClearDates == nil || len(d.Clears) != 6 {
		t.Errorf("normalized = %+v", d)
	}
}

func TestCaseNormalize_Rejects(t *testing.T) {
	camp := testCampaign(t)
	tests := []struct {
		name      string
		edit      func(c *Case)
		wantField string
		wantMsg   string
	}{
		{"first required field wins", func(c *Case) { c.UnitName, c.Address = " ", "" }, "unit_name", "请填写问题单位名称"},
		{"missing category", func(c *Case) { c.Category = "" }, "category", "请选择问题类别"},
		{"missing address", func(c *Case) { c.Address = "" }, "address", "请填写详细地址"},
		{"missing description", func(c *Case) { c.Description = "" }, "description", "请填写违法违规问题具体描述"},
		{"unknown category", func(c *Case) { c.Category = "小冶炼" }, "category", "小冶炼"},
		{"required before enums", func(c *Case) { c.Description, c.Shutdown = "", "demolished" }, "description", ""},
		{"unknown shutdown", func(c *Case) { c.Shutdown = "demolished" }, "shutdown", "demolished"},
		{"unknown onsite status", func(c *Case) { c.OnsiteStatus = "finished" }, "onsite_status", "finished"},
		{"unknown source", func(c *Case) { c.Source = "hotline" }, "source", "hotline"},
		{"unknown clear item", func(c *Case) { c.Clears = map[string]bool{"gas": true} }, "two_cuts_three_clears", "gas"},
		{"清厂房 on a campaign without it", func(c *Case) { c.Clears = map[string]bool{ItemPremises: true} }, "two_cuts_three_clears", "premises"},
		{"unknown clear date item", func(c *Case) { c.ClearDates = map[string]Date{"gas": "2020-10-01"} }, "two_cuts_three_clears_dates", "gas"},
		{"bad clear date", func(c *Case) { c.ClearDates = map[string]Date{ItemWater: "2020/10/01"} }, "two_cuts_three_clears_dates", "YYYY-MM-DD"},
		{"negative fine", func(c *Case) { c.FineFen = -1 }, "fine_fen", "不能为负数"},
		{"negative confiscation", func(c *Case) { c.ConfiscatedFen = -100 }, "confiscated_fen", "不能为负数"},
		{"negative judicial persons", func(c *Case) { c.JudicialPersons = -1 }, "judicial_persons", "不能为负数"},
		{"negative detained", func(c *Case) { c.DetainedPersons = -1 }, "detained_persons", "不能为负数"},
		{"negative disciplined", func(c *Case) { c.DisciplinedPersons = -1 }, "disciplined_persons", "不能为负数"},
		{"bad rectify deadline", func(c *Case) { c.RectifyDeadline = "2020-13-01" }, "rectify_deadline", "YYYY-MM-DD"},
		{"bad shutdown date", func(c *Case) { c.ShutdownDate = "yesterday" }, "shutdown_date", "YYYY-MM-DD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := validTestCase(utc8(2020, 10, 14, 10, 0, 0))
			tc.edit(c)
			err := c.Normalize(camp)
			if ErrorCode(err) != EINVALID || ErrorField(err) != tc.wantField {
				t.Fatalf("Normalize = %v, want invalid %s", err, tc.wantField)
			}
			if !strings.Contains(ErrorMessage(err), tc.wantMsg) {
				t.Errorf("message %q does not contain %q", ErrorMessage(err), tc.wantMsg)
			}
		})
	}
}
