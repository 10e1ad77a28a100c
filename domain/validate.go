package domain

import (
	"fmt"
	"strings"
	"time"
)

// Validation follows DHIS2's split (DESIGN.md §3 “Validation”): errors block a
// weekly report's submission, warnings are shown and never block. Both are
// Warning values with a stable Code (for the UI, the API and tests), the JSON
// Field concerned, and a Chinese Message shown as is.
const (
	// Errors.
	RuleRequired        = "required"         // 附件1 required column empty
	RuleUnknownCategory = "unknown_category" // 问题类别 not one of the campaign's
	RuleNegative        = "negative"         // an amount or count below zero
	RuleCategorySum     = "category_sum"     // 附件2: Σ 问题类别 ≠ 问题总数

	// Warnings.
	RuleFineWithoutFiling      = "fine_without_filing"       // 罚没 without 立案查处
	RuleClosedWithoutClears    = "closed_without_clears"     // 关闭/取缔 without complete 两断三清
	RuleTransferWithoutPersons = "transfer_without_persons"  // 移送司法机关 with 0 persons
	RuleOverdue                = "overdue"                   // past 整改期限
	RuleStale                  = "stale"                     // untouched for StaleAfter
	RuleProblemsOverInspected  = "problems_exceed_inspected" // 附件2: 问题总数 > 排查总数
	RuleCountOverProblems      = "exceeds_problems"          // 附件2: a 家 count above 问题总数
	RuleCreditCodeCheck        = "credit_code_check"         // GB 32100-2015 check character
)

// StaleAfter is how long a live case may go without any change before it is
// flagged: the notice wants weekly progress, so two silent weeks stand out.
const StaleAfter = 14 * 24 * time.Hour

// requiredCaseFields are 附件1's mandatory columns in form order, with the
// JSON field that carries each.
var requiredCaseFields = []struct {
	field, label string
	value        func(*Case) string
}{
	{"unit_name", "问题单位名称", func(c *Case) string { return c.UnitName }},
	{"category", "问题类别", func(c *Case) string { return string(c.Category) }},
	{"address", "详细地址", func(c *Case) string { return c.Address }},
	{"description", "违法违规问题具体描述", func(c *Case) string { return c.Description }},
}

// caseFieldErrors lists the blocking problems of a case's own fields in form
// order: a missing required column (附件1 cols 4, 5–11, 12, 14), a category
// outside the campaign's set (so that 问题总数 = Σ categories), and negative
// amounts or person counts (附件1 cols 18–21).
func caseFieldErrors(c *Case, camp *Campaign) []Warning {
	return append(requiredErrors(c, camp), negativeErrors(c)...)
}

func requiredErrors(c *Case, camp *Campaign) []Warning {
	var errs []Warning
	for _, f := range requiredCaseFields {
		v := strings.TrimSpace(f.value(c))
		if v == "" {
			verb := "请填写"
			if f.field == "category" {
				verb = "请选择"
			}
			errs = append(errs, Warning{Code: RuleRequired, Field: f.field, Message: verb + f.label})
			continue
		}
		if f.field == "category" && !campaignCategory(camp, Category(v)) {
			errs = append(errs, Warning{Code: RuleUnknownCategory, Field: "category",
				Message: fmt.Sprintf("问题类别“%s”不在本专项行动的类别之中", v)})
		}
	}
	return errs
}

func negativeErrors(c *Case) []Warning {
	var errs []Warning
	for _, n := range []struct {
		field, label string
		v            int64
	}{
		{"fine_fen", "行政处罚金额", c.FineFen},
		{"confiscated_fen", "没收违法所得金额", c.ConfiscatedFen},
		{"judicial_persons", "移送司法机关人数", int64(c.JudicialPersons)},
		{"detained_persons", "行政、刑事拘留人数", int64(c.DetainedPersons)},
		{"disciplined_persons", "党纪政纪处理人数", int64(c.DisciplinedPersons)},
	} {
		if n.v < 0 {
			errs = append(errs, Warning{Code: RuleNegative, Field: n.field, Message: n.label + "不能为负数"})
		}
	}
	return errs
}

func campaignCategory(camp *Campaign, cat Category) bool {
	if camp == nil || len(camp.Categories) == 0 {
		_, ok := CategoryNames[cat]
		return ok
	}
	return camp.HasCategory(cat)
}

func campaignClearItems(camp *Campaign) []string {
	if camp == nil || len(camp.ClearItems) == 0 {
		return DefaultClearItems
	}
	return camp.ClearItems
}

// ValidateCase checks one case as every case list and weekly report shows it.
// now and loc give “today” for 整改期限 and the stale check (loc nil means
// Asia/Shanghai). A voided case counts nowhere (附件2), so it has nothing to
// report either: both results are empty for it.
func ValidateCase(c *Case, camp *Campaign, now time.Time, loc *time.Location) (errs, warns []Warning) {
	if c.Status == StatusVoided {
		return nil, nil
	}
	if loc == nil {
		loc = Shanghai()
	}
	errs = caseFieldErrors(c, camp)

	if (c.FineFen > 0 || c.ConfiscatedFen > 0) && !c.CaseFiled {
		// 附件1 cols 17–19: a penalty presupposes a filed case (立案查处).
		warns = append(warns, Warning{Code: RuleFineWithoutFiling, Field: "case_filed",
			Message: "已填写行政处罚或没收违法所得金额，但未标记立案查处"})
	}
	if c.Shutdown == ShutdownClosed || c.Shutdown == ShutdownBanned {
		// 附件1 cols 15–16: a 关闭/取缔 site must be cut off and cleared.
		if missing := missingClears(c, campaignClearItems(camp)); len(missing) > 0 {
			warns = append(warns, Warning{Code: RuleClosedWithoutClears, Field: "two_cuts_three_clears",
				Message: fmt.Sprintf("已%s，但“两断三清”未完成：%s", ShutdownNames[c.Shutdown], strings.Join(missing, "、"))})
		}
	}
	if c.JudicialTransfer && c.JudicialPersons == 0 {
		// 附件1 col 20 counts persons; 附件2 col 17 counts the firm.
		warns = append(warns, Warning{Code: RuleTransferWithoutPersons, Field: "judicial_persons",
			Message: "已标记移送司法机关，但移送人数为0"})
	}
	if c.Status != StatusClosedOut {
		if Overdue(c, DateOf(now, loc)) {
			warns = append(warns, Warning{Code: RuleOverdue, Field: "rectify_deadline",
				Message: fmt.Sprintf("已超过整改期限（%s）尚未整改完成", c.RectifyDeadline)})
		}
		if Stagnant(c, now) {
			days := int(now.Sub(c.UpdatedAt) / (24 * time.Hour))
			warns = append(warns, Warning{Code: RuleStale, Field: "updated_at",
				Message: fmt.Sprintf("已%d天没有更新进展", days)})
		}
	}
	return errs, warns
}

// missingClears names the 两断三清 items not yet done, in checklist order.
func missingClears(c *Case, items []string) []string {
	var missing []string
	for _, it := range items {
		if !c.Clears[it] {
			name := ClearItemNames[it]
			if name == "" {
				name = it
			}
			missing = append(missing, name)
		}
	}
	return missing
}

// ValidateSummary checks one 附件2 row (a town's, or 合计), as a submitted
// snapshot or an imported table may not have come from Summarize.
func ValidateSummary(r SummaryRow) (errs, warns []Warning) {
	where := ""
	if r.Region != "" {
		where = r.Region + "："
	}
	counts := []struct {
		field, label string
		v            int64
	}{
		{"inspected_xiaozitou", "排查总数（小字头）", int64(r.InspectedXiaozitou)},
		{"inspected_stopped", "排查总数（停产停业）", int64(r.InspectedStopped)},
		{"problems", "问题总数", int64(r.Problems)},
		{"smelting", "小冶炼", int64(r.Smelting)},
		{"electroplating", "小电镀", int64(r.Electroplating)},
		{"spraying", "小喷涂", int64(r.Spraying)},
		{"dyeing", "小印染", int64(r.Dyeing)},
		{"dust", "小涉爆粉尘", int64(r.Dust)},
		{"other", "其它", int64(r.Other)},
		{"stopped", "“停产停业”企业", int64(r.Stopped)},
		{"rectified", "整治完成数", int64(r.Rectified)},
		{"two_cuts_three_clears", "“两断三清”", int64(r.TwoCutsThreeClears)},
		{"case_filed", "立案查处", int64(r.CaseFiled)},
		{"fine_fen", "行政处罚", r.FineFen},
		{"confiscated_fen", "没收违法所得", r.ConfiscatedFen},
		{"judicial_transfers", "移送司法机关数", int64(r.JudicialTransfers)},
		{"detained_persons", "行政、刑事拘留人数", int64(r.DetainedPersons)},
		{"disciplined_persons", "党纪政纪处理人数", int64(r.DisciplinedPersons)},
	}
	for _, n := range counts {
		if n.v < 0 {
			errs = append(errs, Warning{Code: RuleNegative, Field: n.field, Message: where + n.label + "不能为负数"})
		}
	}
	// 附件2 col 4 vs cols 5–11: every problem has exactly one category.
	if sum := r.Smelting + r.Electroplating + r.Spraying + r.Dyeing + r.Dust + r.Other + r.Stopped; sum != r.Problems {
		errs = append(errs, Warning{Code: RuleCategorySum, Field: "problems",
			Message: fmt.Sprintf("%s问题类别合计（%d）与问题总数（%d）不符", where, sum, r.Problems)})
	}
	// 附件2 cols 2–3 vs col 4: a problem is found at an inspected site.
	if inspected := r.InspectedXiaozitou + r.InspectedStopped; r.Problems > inspected {
		warns = append(warns, Warning{Code: RuleProblemsOverInspected, Field: "problems",
			Message: fmt.Sprintf("%s问题总数（%d）大于排查总数（%d）", where, r.Problems, inspected)})
	}
	// Cols 12, 13, 14 and 17 count firms among the problems.
	for _, n := range []struct {
		field, label string
		v            int
	}{
		{"rectified", "整治完成数", r.Rectified},
		{"two_cuts_three_clears", "“两断三清”", r.TwoCutsThreeClears},
		{"case_filed", "立案查处", r.CaseFiled},
		{"judicial_transfers", "移送司法机关数", r.JudicialTransfers},
	} {
		if n.v > r.Problems {
			warns = append(warns, Warning{Code: RuleCountOverProblems, Field: n.field,
				Message: fmt.Sprintf("%s%s（%d家）大于问题总数（%d家）", where, n.label, n.v, r.Problems)})
		}
	}
	return errs, warns
}

// caseDefaults are the values Normalize gives the fields left empty.
var caseDefaults = CaseFields{Shutdown: ShutdownNone, OnsiteStatus: OnsiteNotStarted, Source: SourceGrid}

// Normalize cleans a case before it is stored: strings trimmed, defaults for
// 停产或关闭 (none), 现场整治 (not_started) and source (grid), the 两断三清
// checklist filled with the campaign's items (not done), and the values
// checked. It returns the first problem in form order as Invalid naming the
// JSON field, so the form can point at it.
func (c *Case) Normalize(camp *Campaign) error {
	for _, p := range []*string{&c.ProblemNo, &c.SourceNo, &c.UnitName, &c.Address,
		&c.PersonInCharge, &c.Description, &c.CaseNo} {
		*p = strings.TrimSpace(*p)
	}
	c.Category = Category(strings.TrimSpace(string(c.Category)))
	c.Source = Source(strings.TrimSpace(string(c.Source)))
	c.Shutdown = Shutdown(strings.TrimSpace(string(c.Shutdown)))
	c.OnsiteStatus = Onsite(strings.TrimSpace(string(c.OnsiteStatus)))
	if c.Shutdown == "" {
		c.Shutdown = caseDefaults.Shutdown
	}
	if c.OnsiteStatus == "" {
		c.OnsiteStatus = caseDefaults.OnsiteStatus
	}
	if c.Source == "" {
		c.Source = caseDefaults.Source
	}

	if errs := requiredErrors(c, camp); len(errs) > 0 {
		return Invalid(errs[0].Field, "%s", errs[0].Message)
	}
	if _, ok := ShutdownNames[c.Shutdown]; !ok {
		return Invalid("shutdown", "停产或关闭应为 none、suspended、closed 或 banned，不是“%s”", c.Shutdown)
	}
	if _, ok := OnsiteNames[c.OnsiteStatus]; !ok {
		return Invalid("onsite_status", "现场整治完成情况应为 not_started、in_progress 或 done，不是“%s”", c.OnsiteStatus)
	}
	if _, ok := SourceNames[c.Source]; !ok {
		return Invalid("source", "未知的问题来源“%s”", c.Source)
	}

	items := campaignClearItems(camp)
	known := make(map[string]bool, len(items))
	for _, it := range items {
		known[it] = true
	}
	for it := range c.Clears {
		if !known[it] {
			return Invalid("two_cuts_three_clears", "未知的两断三清项目“%s”", it)
		}
	}
	for it, d := range c.ClearDates {
		if !known[it] {
			return Invalid("two_cuts_three_clears_dates", "未知的两断三清项目“%s”", it)
		}
		if _, err := ParseDate("two_cuts_three_clears_dates", string(d)); err != nil {
			return err
		}
	}
	if c.Clears == nil {
		c.Clears = make(map[string]bool, len(items))
	}
	for _, it := range items {
		if _, ok := c.Clears[it]; !ok {
			c.Clears[it] = false
		}
	}
	if c.ClearDates == nil {
		c.ClearDates = make(map[string]Date, len(items))
	}
	for it, d := range c.ClearDates {
		if d == "" {
			delete(c.ClearDates, it)
		}
	}
	if errs := negativeErrors(c); len(errs) > 0 {
		return Invalid(errs[0].Field, "%s", errs[0].Message)
	}

	for _, d := range []struct {
		field string
		v     Date
	}{
		{"shutdown_date", c.ShutdownDate}, {"onsite_done_date", c.OnsiteDoneDate},
		{"rectify_deadline", c.RectifyDeadline}, {"supervised_deadline", c.SupervisedDeadline},
	} {
		if _, err := ParseDate(d.field, string(d.v)); err != nil {
			return err
		}
	}
	return nil
}
