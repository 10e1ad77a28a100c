package domain

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// A record's history (办理记录) as a clerk reads it: who did what, when,
// and what changed, in Chinese sentences — never codes, usernames or JSON.
// The case page, the case file's sheet and the discipline commission's
// audit browser all describe an event through these functions.

// HistoryEntry is one audit event described: the actor as the users table
// names them (display name, the role they acted in, their unit), the time,
// what they did ("申请销号", "退回：照片不全") and the changes, one per line.
type HistoryEntry struct {
	Seq   int64     `json:"seq"`
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	Role  string    `json:"role"`
	Unit  string    `json:"unit"`
	What  string    `json:"what"`
	Lines []string  `json:"lines"`
}

// FieldChange is one case field changed: its label and both values as a
// clerk reads them (Before is "" for a new case).
type FieldChange struct {
	Field  string `json:"field"`
	Label  string `json:"label"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// caseFieldLabels gives each case field's label, in 附件1's words where it
// has one. Every CaseFields field has one (TestCaseFieldLabels_EveryField).
var caseFieldLabels = map[string]string{
	"source_no": "原编号", "unit_name": "问题单位名称", "category": "问题类别", "address": "详细地址",
	"person_in_charge": "负责人", "description": "违法违规问题具体描述", "source": "问题来源",
	"shutdown": "停产或关闭", "shutdown_date": "停产或关闭日期",
	"two_cuts_three_clears": "两断三清", "two_cuts_three_clears_dates": "两断三清完成日期",
	"case_filed": "立案查处", "case_no": "案号", "fine_fen": "行政处罚", "confiscated_fen": "没收违法所得",
	"judicial_transfer": "移送司法机关", "judicial_persons": "移送司法机关人数", "detained_persons": "行政、刑事拘留人数",
	"disciplined_persons": "党纪政纪处理人数", "onsite_status": "现场整治完成情况", "onsite_done_date": "现场整治完成日期",
	"rectify_deadline": "整改期限", "supervised": "挂牌督办", "supervised_deadline": "督办期限",
}

// CaseFieldLabel is a case field's Chinese label (JSON name in, "" for a
// name that is no case field).
func CaseFieldLabel(name string) string { return caseFieldLabels[name] }

// ClearState is one 两断三清 item of a case: done, and on which date.
type ClearState struct {
	Item string `json:"item"`
	Name string `json:"name"`
	Done bool   `json:"done"`
	Date Date   `json:"date"`
}

// OrderedClears lists a case's 两断三清 in the campaign's order (断水 断电
// 清原料 清设备 清产品 for the notice's checklist), then any other item the
// case carries in DefaultClearItems' order — never a map's order.
func OrderedClears(camp *Campaign, c *Case) []ClearState {
	var out []ClearState
	for _, it := range clearOrder(camp, &c.CaseFields, nil) {
		out = append(out, ClearState{Item: it, Name: ClearItemNames[it], Done: c.Clears[it], Date: c.ClearDates[it]})
	}
	return out
}

// clearOrder is the campaign's checklist followed by the items of the
// given fields that it lacks, in the order of every known item.
func clearOrder(camp *Campaign, fs ...*CaseFields) []string {
	items := slices.Clone(campaignClearItems(camp))
	all := append(slices.Clone(DefaultClearItems), ItemPremises)
	for _, it := range all {
		if slices.Contains(items, it) {
			continue
		}
		for _, f := range fs {
			if f != nil && (f.Clears[it] || f.ClearDates[it] != "") {
				items = append(items, it)
				break
			}
		}
	}
	return items
}

// CaseFieldChanges lists what turning before into after changed, field by
// field in the form's order, 两断三清 item by item in the campaign's order
// (Field "two_cuts_three_clears.<item>"), values as a clerk reads them:
// names for codes, 万元 for money, dates, 是/否. A date that belongs to a
// value (停产或关闭, 现场整治 已完成, a 两断三清 item, 挂牌督办) is shown with it.
// before nil describes a new case: every field given a value.
func CaseFieldChanges(before, after *Case, camp *Campaign) []FieldChange {
	created := before == nil
	if created {
		before = &Case{}
	}
	b, a := &before.CaseFields, &after.CaseFields
	var out []FieldChange
	add := func(field, bv, av string) {
		if bv == av || (created && av == "") {
			return
		}
		if created {
			bv = ""
		} else {
			bv, av = cmp.Or(bv, unset), cmp.Or(av, unset)
		}
		out = append(out, FieldChange{Field: field, Label: caseFieldLabels[field], Before: bv, After: av})
	}
	text := strings.TrimSpace
	add("source_no", text(b.SourceNo), text(a.SourceNo))
	add("unit_name", text(b.UnitName), text(a.UnitName))
	add("category", CategoryNames[b.Category], CategoryNames[a.Category])
	add("address", text(b.Address), text(a.Address))
	add("person_in_charge", text(b.PersonInCharge), text(a.PersonInCharge))
	add("description", text(b.Description), text(a.Description))
	add("source", SourceNames[b.Source], SourceNames[a.Source])
	add("shutdown", withDate(shutdownText(b.Shutdown), b.ShutdownDate), withDate(shutdownText(a.Shutdown), a.ShutdownDate))
	for _, it := range clearOrder(camp, b, a) {
		bv, av := clearText(b, it), clearText(a, it)
		if created && !a.Clears[it] {
			continue
		}
		if bv != av {
			out = append(out, FieldChange{Field: "two_cuts_three_clears." + it, Label: ClearItemNames[it], Before: bv, After: av})
		}
	}
	add("case_filed", yesNo(b.CaseFiled, created), yesNo(a.CaseFiled, created))
	add("case_no", text(b.CaseNo), text(a.CaseNo))
	add("fine_fen", moneyText(b.FineFen, created), moneyText(a.FineFen, created))
	add("confiscated_fen", moneyText(b.ConfiscatedFen, created), moneyText(a.ConfiscatedFen, created))
	add("judicial_transfer", yesNo(b.JudicialTransfer, created), yesNo(a.JudicialTransfer, created))
	add("judicial_persons", persons(b.JudicialPersons, created), persons(a.JudicialPersons, created))
	add("detained_persons", persons(b.DetainedPersons, created), persons(a.DetainedPersons, created))
	add("disciplined_persons", persons(b.DisciplinedPersons, created), persons(a.DisciplinedPersons, created))
	add("onsite_status", onsiteText(b, created), onsiteText(a, created))
	add("rectify_deadline", string(b.RectifyDeadline), string(a.RectifyDeadline))
	add("supervised", supervisedText(b, created), supervisedText(a, created))
	return out
}

// DescribeChange renders CaseFieldChanges as lines: "行政处罚 0 → 1.5万元",
// "断电 已完成（2026-12-01）", "断电 改为未完成", "整改期限 未填 → 2026-12-18";
// for a new case (before nil) "问题类别：小电镀"; a long description as
// "违法违规问题具体描述 改为：…".
func DescribeChange(before, after *Case, camp *Campaign) []string {
	var lines []string
	for _, ch := range CaseFieldChanges(before, after, camp) {
		lines = append(lines, ch.Line())
	}
	return lines
}

// Line is the change as one readable line: "label before → after", a
// 两断三清 item as "断电 已完成（2026-12-01）" or "断电 改为未完成", a
// description as "label 改为：…", and for a new case "label：value".
func (ch FieldChange) Line() string {
	switch {
	case strings.HasPrefix(ch.Field, "two_cuts_three_clears.") && ch.After == clearUndone:
		return ch.Label + " 改为" + clearUndone
	case strings.HasPrefix(ch.Field, "two_cuts_three_clears."):
		return ch.Label + " " + ch.After
	case ch.Before == "":
		return ch.Label + "：" + ch.After
	case ch.Field == "description":
		return ch.Label + " 改为：" + ch.After
	}
	return ch.Label + " " + ch.Before + " → " + ch.After
}

// unset stands for an empty value in a change.
const unset = "未填"

const clearUndone = "未完成"

func clearText(f *CaseFields, item string) string {
	switch {
	case f.Clears[item]:
		return withDate("已完成", f.ClearDates[item])
	case f.ClearDates[item] != "":
		return clearUndone + "（日期 " + string(f.ClearDates[item]) + "）"
	}
	return clearUndone
}

func withDate(v string, d Date) string {
	if d == "" || v == "" || v == "无" {
		return v
	}
	return v + "（" + string(d) + "）"
}

func shutdownText(s Shutdown) string {
	if s == "" || s == ShutdownNone {
		return "无"
	}
	return ShutdownNames[s]
}

func onsiteText(f *CaseFields, created bool) string {
	if created && (f.OnsiteStatus == "" || f.OnsiteStatus == OnsiteNotStarted) {
		return ""
	}
	if f.OnsiteStatus == OnsiteDone {
		return withDate(OnsiteNames[OnsiteDone], f.OnsiteDoneDate)
	}
	return OnsiteNames[f.OnsiteStatus]
}

func supervisedText(f *CaseFields, created bool) string {
	if !f.Supervised {
		if created {
			return ""
		}
		return "否"
	}
	if f.SupervisedDeadline != "" {
		return "是（期限 " + string(f.SupervisedDeadline) + "）"
	}
	return "是"
}

func yesNo(v, created bool) string {
	switch {
	case v:
		return "是"
	case created:
		return ""
	}
	return "否"
}

// moneyText shows an amount in 万元 exactly (FenToWan), none as 0.
func moneyText(fen int64, created bool) string {
	switch {
	case fen == 0 && created:
		return ""
	case fen == 0:
		return "0"
	}
	return FenToWan(fen) + "万元"
}

func persons(n int, created bool) string {
	switch {
	case n == 0 && created:
		return ""
	case n == 0:
		return "0"
	}
	return fmt.Sprintf("%d人", n)
}

// CaseEvent is one audit event of a case decoded: the action, the case
// before and after it (Before nil for the creation), the reason given, and
// for evidence the attachment.
type CaseEvent struct {
	Action     string
	Before     *Case
	After      *Case
	Reason     string
	Attachment *Attachment
}

// Describe says what the event did and what it changed: a headline
// ("登记问题", "修改问题", "申请销号", "审核通过（镇（街道）审核通过）",
// "退回：<reason>", "上传材料：整改完成照片（photo.jpg）") and the lines
// of DescribeChange, with a status change and a transfer's move in words.
// place names a unit by id for a transfer.
func (e CaseEvent) Describe(camp *Campaign, place func(id int64) string) (what string, lines []string) {
	act := CaseAction(e.Action)
	reason := strings.TrimSpace(e.Reason)
	switch {
	case e.Action == "create":
		what = "登记问题"
		if e.After != nil && e.After.ProblemNo != "" {
			what += " " + e.After.ProblemNo
		}
	case e.Action == "update":
		what = "修改问题"
	case e.Action == "attach":
		what = "上传材料"
		if x := e.Attachment; x != nil {
			what += "：" + AttachmentKindNames[x.Kind]
			if x.Item != "" {
				what += "·" + ClearItemNames[x.Item]
			}
			if x.Filename != "" {
				what += "（" + x.Filename + "）"
			}
		}
		return what, nil
	case act == CaseApprove && e.After != nil:
		what = "审核通过"
		if lvl, ok := approvedAs[e.After.Status]; ok {
			what += "（" + lvl + "）"
		}
	case CaseActionNames[act] != "":
		what = CaseActionNames[act]
	default:
		what = "操作记录"
	}
	if reason != "" {
		if act == CaseApprove {
			lines = append(lines, "意见："+reason)
		} else {
			what += "：" + reason
		}
	}
	if e.After == nil {
		return what, lines
	}
	if e.Before != nil {
		if e.Before.OrgID != e.After.OrgID || !sameID(e.Before.VillageID, e.After.VillageID) {
			lines = append(lines, "移交 "+placeText(e.Before, place)+" → "+placeText(e.After, place))
		}
		if e.Before.Status != e.After.Status && (e.Action == "update" || e.Action == "create") {
			lines = append(lines, "状态 "+StatusNames[e.Before.Status]+" → "+StatusNames[e.After.Status])
		}
	}
	return what, append(lines, DescribeChange(e.Before, e.After, camp)...)
}

// approvedAs names the level an approval signed for by the status it led to.
var approvedAs = map[CaseStatus]string{
	StatusVillageApproved: "村（社区）审核", StatusTownApproved: "镇（街道）审核", StatusClosedOut: "区审核，予以销号",
}

func sameID(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func placeText(c *Case, place func(id int64) string) string {
	if place == nil {
		return ""
	}
	s := place(c.OrgID)
	if c.VillageID != nil {
		s += " · " + place(*c.VillageID)
	}
	return s
}
