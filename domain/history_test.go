package domain

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestCaseFieldLabels_EveryField(t *testing.T) {
	for _, f := range caseFieldList {
		if caseFieldLabels[f.name] == "" {
			t.Errorf("case field %s has no label", f.name)
		}
	}
}

func TestDescribeChange_ReadsAsChinese(t *testing.T) {
	camp := &Campaign{ClearItems: DefaultClearItems}
	before := &Case{CaseFields: CaseFields{UnitName: "某作坊", Category: CatSpraying, Shutdown: ShutdownNone,
		OnsiteStatus: OnsiteNotStarted, Clears: map[string]bool{}, ClearDates: map[string]Date{}}}
	after := before.Clone()
	after.FineFen = 15_000_00 // 1.5万元
	after.CaseFiled = true
	after.Shutdown, after.ShutdownDate = ShutdownSuspended, "2026-11-20"
	after.OnsiteStatus, after.OnsiteDoneDate = OnsiteDone, "2026-12-02"
	after.RectifyDeadline = "2026-12-18"
	// Set in the alphabetical order of the codes, which must not show.
	for _, it := range []string{ItemEquipment, ItemMaterials, ItemPower, ItemProducts, ItemWater} {
		after.Clears[it], after.ClearDates[it] = true, "2026-12-01"
	}
	got := DescribeChange(before, after, camp)
	want := []string{
		"停产或关闭 无 → 停产（2026-11-20）",
		"断水 已完成（2026-12-01）", "断电 已完成（2026-12-01）", "清原料 已完成（2026-12-01）",
		"清设备 已完成（2026-12-01）", "清产品 已完成（2026-12-01）",
		"立案查处 否 → 是",
		"行政处罚 0 → 1.5万元",
		"现场整治完成情况 未启动 → 已完成（2026-12-02）",
		"整改期限 未填 → 2026-12-18",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	undone := after.Clone()
	undone.Clears[ItemPower] = false
	undone.ClearDates[ItemPower] = ""
	if got := DescribeChange(after, undone, camp); !reflect.DeepEqual(got, []string{"断电 改为未完成"}) {
		t.Fatalf("undone: %q", got)
	}
	for _, line := range DescribeChange(nil, after, camp) {
		if strings.Contains(line, "_") || strings.Contains(line, "{") {
			t.Errorf("new case line %q shows a code", line)
		}
	}
}

func TestDescribeChange_NewCaseListsWhatWasGiven(t *testing.T) {
	c := &Case{ProblemNo: "P-1", CaseFields: CaseFields{UnitName: "某作坊", Category: CatDust, Source: SourceTip,
		Shutdown: ShutdownNone, OnsiteStatus: OnsiteNotStarted}}
	got := DescribeChange(nil, c, nil)
	want := []string{"问题单位名称：某作坊", "问题类别：小涉爆粉尘", "问题来源：群众举报"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
}

func TestCaseEvent_Describe(t *testing.T) {
	v := int64(7)
	before := &Case{OrgID: 2, VillageID: &v, Status: StatusRectifying, CaseFields: CaseFields{UnitName: "x"}}
	names := map[int64]string{2: "五星街道", 7: "新中社区", 3: "永红街道"}
	place := func(id int64) string { return names[id] }
	for _, tc := range []struct {
		ev        CaseEvent
		what      string
		wantLines []string
	}{
		{CaseEvent{Action: "request_closeout", Before: before, After: withStatus(before, StatusCloseoutRequested)}, "申请销号", nil},
		{CaseEvent{Action: "return", Reason: "照片不全", Before: before, After: before}, "退回：照片不全", nil},
		{CaseEvent{Action: "approve", Reason: "同意", Before: before, After: withStatus(before, StatusTownApproved)}, "审核通过（镇（街道）审核）", []string{"意见：同意"}},
		{CaseEvent{Action: "transfer", Reason: "属地调整", Before: before, After: moved(before, 3)}, "移交：属地调整", []string{"移交 五星街道 · 新中社区 → 永红街道"}},
		{CaseEvent{Action: "update", Before: withStatus(before, StatusRegistered), After: before}, "修改问题", []string{"状态 登记 → 整治中"}},
		{CaseEvent{Action: "attach", Attachment: &Attachment{Kind: AttachDonePhoto, Filename: "a.jpg"}}, "上传材料：整改完成照片（a.jpg）", nil},
		{CaseEvent{Action: "attach", Attachment: &Attachment{Kind: AttachClearsPhoto, Item: ItemWater, Filename: "b.jpg"}}, "上传材料：两断三清照片·断水（b.jpg）", nil},
	} {
		what, lines := tc.ev.Describe(nil, place)
		if what != tc.what || !slices.Equal(lines, tc.wantLines) {
			t.Errorf("%s: %q %q, want %q %q", tc.ev.Action, what, lines, tc.what, tc.wantLines)
		}
	}
}

func withStatus(c *Case, s CaseStatus) *Case {
	x := c.Clone()
	x.Status = s
	return x
}

func moved(c *Case, town int64) *Case {
	x := c.Clone()
	x.OrgID, x.VillageID = town, nil
	return x
}

func TestOrderedClears_CampaignOrder(t *testing.T) {
	c := &Case{CaseFields: CaseFields{Clears: map[string]bool{ItemPremises: true, ItemWater: true}}}
	var names []string
	for _, x := range OrderedClears(&Campaign{ClearItems: DefaultClearItems}, c) {
		names = append(names, x.Name)
	}
	if want := []string{"断水", "断电", "清原料", "清设备", "清产品", "清厂房"}; !slices.Equal(names, want) {
		t.Fatalf("order %q, want %q", names, want)
	}
}
