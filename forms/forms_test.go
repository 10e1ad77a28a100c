package forms

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhengzhi/domain"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// injection is a unit name that a spreadsheet would run if it became a formula.
const injection = "=cmd|' /C calc'!A0"

func sampleCases() []*domain.Case {
	all := func(v bool) map[string]bool {
		m := map[string]bool{}
		for _, it := range domain.DefaultClearItems {
			m[it] = v
		}
		return m
	}
	partial := all(true)
	partial[domain.ItemPower] = false
	return derived([]*domain.Case{
		{ProblemNo: "320404004-2020-0001", TownName: "邹区镇", CaseFields: domain.CaseFields{
			UnitName: "常州市某某电镀加工厂", Category: domain.CatElectroplating, Address: "邹区镇卜弋村委前村12号",
			PersonInCharge: "张三", Description: "无证无照从事电镀加工，废水直排", Shutdown: domain.ShutdownClosed,
			Clears: all(true), CaseFiled: true, FineFen: 123450, ConfiscatedFen: 30_000_000,
			JudicialTransfer: true, JudicialPersons: 2, DisciplinedPersons: 1, OnsiteStatus: domain.OnsiteDone}},
		{ProblemNo: "320404K01-2020-0002", TownName: "钟楼经济开发区", CaseFields: domain.CaseFields{
			UnitName: injection, Category: domain.CatStopped, Address: "+86 星港路8号", PersonInCharge: "-李四",
			Description: "@取缔名单企业擅自恢复生产", Shutdown: domain.ShutdownBanned,
			Clears: partial, OnsiteStatus: domain.OnsiteInProgress}},
		{ProblemNo: "320404003-2020-0003", TownName: "五星街道", CaseFields: domain.CaseFields{
			UnitName: "某喷涂作坊", Category: domain.CatSpraying, Address: "五星街道某路1号", PersonInCharge: "王五",
			Description: "露天喷涂，无废气收集设施", Shutdown: domain.ShutdownSuspended,
			CaseFiled: true, FineFen: 1, OnsiteStatus: domain.OnsiteNotStarted}},
		{ProblemNo: "320404005-2020-0004", TownName: "北港街道", CaseFields: domain.CaseFields{
			UnitName: "某冶炼点", Category: domain.CatSmelting, Address: "北港街道", Description: "小冶炼",
			Shutdown: domain.ShutdownNone, OnsiteStatus: domain.OnsiteDone}},
		{ProblemNo: "320404006-2020-0005", TownName: "西林街道", CaseFields: domain.CaseFields{
			UnitName: "某印染坊", Category: domain.CatDyeing, Address: "西林街道", Description: "小印染",
			Clears: map[string]bool{}, FineFen: 100_000_000_000}},
		{ProblemNo: "320404007-2020-0006", TownName: "南大街街道", CaseFields: domain.CaseFields{
			UnitName: "某木器加工", Category: domain.CatDust, Address: "南大街街道", Description: "木粉尘",
			Clears: all(false)}},
		{ProblemNo: "320404008-2020-0007", TownName: "荷花池街道", CaseFields: domain.CaseFields{
			UnitName: "某小化工", Category: domain.CatOther, Address: "荷花池街道", Description: "其它小散乱污"}},
	}, nil)
}

// derived gives the cases the flags the domain derives on every write, for
// a campaign with clearItems as its 两断三清 checklist (nil: the default).
func derived(cases []*domain.Case, clearItems []string) []*domain.Case {
	camp := &domain.Campaign{ClearItems: clearItems}
	for _, c := range cases {
		c.Derive(camp, time.Time{})
	}
	return cases
}

func sampleSummary() domain.Summary {
	rows := []domain.SummaryRow{
		{Region: "钟楼经济开发区", InspectedXiaozitou: 40, InspectedStopped: 3, Problems: 5, Smelting: 1,
			Electroplating: 1, Spraying: 1, Dyeing: 0, Dust: 1, Other: 0, Stopped: 1, Rectified: 2,
			TwoCutsThreeClears: 1, CaseFiled: 2, FineFen: 123450, ConfiscatedFen: 0,
			JudicialTransfers: 1, DetainedPersons: 2, DisciplinedPersons: 0},
		{Region: "邹区镇", InspectedXiaozitou: 120, InspectedStopped: 10, Problems: 7, Smelting: 2,
			Electroplating: 2, Spraying: 1, Dyeing: 1, Dust: 0, Other: 1, Stopped: 0, Rectified: 7,
			TwoCutsThreeClears: 3, CaseFiled: 4, FineFen: 30_000_000, ConfiscatedFen: 123_400,
			JudicialTransfers: 0, DetainedPersons: 0, DisciplinedPersons: 3},
		{Region: "新闸街道"}, // every child appears, zeros included
	}
	var t domain.SummaryRow
	for _, r := range rows {
		t.InspectedXiaozitou += r.InspectedXiaozitou
		t.InspectedStopped += r.InspectedStopped
		t.Problems += r.Problems
		t.Smelting += r.Smelting
		t.Electroplating += r.Electroplating
		t.Spraying += r.Spraying
		t.Dyeing += r.Dyeing
		t.Dust += r.Dust
		t.Other += r.Other
		t.Stopped += r.Stopped
		t.Rectified += r.Rectified
		t.TwoCutsThreeClears += r.TwoCutsThreeClears
		t.CaseFiled += r.CaseFiled
		t.FineFen += r.FineFen
		t.ConfiscatedFen += r.ConfiscatedFen
		t.JudicialTransfers += r.JudicialTransfers
		t.DetainedPersons += r.DetainedPersons
		t.DisciplinedPersons += r.DisciplinedPersons
	}
	return domain.Summary{Rows: rows, Total: t}
}

// filledAt is 2020-10-14 00:30 in Shanghai, still the 13th in UTC.
var filledAt = time.Date(2020, 10, 13, 16, 30, 0, 0, time.UTC)

func seqOf(cases []*domain.Case) iter.Seq2[*domain.Case, error] {
	return func(yield func(*domain.Case, error) bool) {
		for _, c := range cases {
			if !yield(c, nil) {
				return
			}
		}
	}
}

func writeAtt1(t testing.TB, cases []*domain.Case) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteProblems(&buf, seqOf(cases)); err != nil {
		t.Fatalf("WriteProblems: %v", err)
	}
	return buf.Bytes()
}

func writeAtt2(t testing.TB, s domain.Summary) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSummary(&buf, s, filledAt); err != nil {
		t.Fatalf("WriteSummary: %v", err)
	}
	return buf.Bytes()
}

func open(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open written workbook: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// att1Head and att2Head are the notice's header cells, as the reference
// templates (reference/form-att*-template.xlsx) hold them.
var att1Head = map[string]string{
	"A1": "附件1", "A2": "违法违规“小字头”及“停产停业”企业排查问题清单",
	"A3": "序号", "B3": "问题编号", "C3": "地区", "D3": "问题单位名称", "E3": "问题类别",
	"L3": "详细地址", "M3": "负责人", "N3": "违法违规问题具体描述", "O3": "违法违规问题整治处理",
	"Q3": "行政刑事处罚", "U3": "党纪政纪处理人数", "V3": "现场整治完成情况",
	"E4": "停产停业企业", "F4": "小冶炼", "G4": "小电镀", "H4": "小喷涂", "I4": "小印染",
	"J4": "小涉爆粉尘", "K4": "其它", "O4": "停产或关闭", "P4": "两断三清", "Q4": "立案查处",
	"R4": "行政处罚（万元）", "S4": "没收违法所得（万元）", "T4": "移送司法机关人数",
}

var att1Merges = []string{"A2:V2", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:K3", "L3:L4",
	"M3:M4", "N3:N4", "O3:P3", "Q3:T3", "U3:U4", "V3:V4"}

var att2Head = map[string]string{
	"A1": "附件2", "A2": "违法违规“小字头”及“停产停业”企业排查整治问题汇总表",
	"A3": "填报日期：2020年10月14日",
	"A4": "地区", "B4": "排查总数", "D4": "问题总数（家）", "E4": "问题类别",
	"L4": "整治完成数（家）", "M4": "“两断三清”（家）", "N4": "立案查处（家）",
	"O4": "行政处罚（万元）", "P4": "没收违法所得（万元）", "Q4": "移送司法机关数（家）",
	"R4": "行政、刑事拘留人数", "S4": "党纪政纪处理人数",
	"B5": "小字头（家）", "C5": "停产停业（家）", "E5": "小冶炼（家）", "F5": "小电镀（家）",
	"G5": "小喷涂（家）", "H5": "小印染（家）", "I5": "小涉爆粉尘（家）", "J5": "其它（家）",
	"K5": "“停产停业”企业（家）",
}

var att2Merges = []string{"A2:S2", "A3:S3", "A4:A5", "B4:C4", "D4:D5", "E4:K4", "L4:L5",
	"M4:M5", "N4:N5", "O4:O5", "P4:P5", "Q4:Q5", "R4:R5", "S4:S5"}

// checkHead compares every cell of the rows above the data with want: the
// texts given and nothing anywhere else.
func checkHead(t *testing.T, f *excelize.File, sheet string, lastHeadRow, cols int, want map[string]string) {
	t.Helper()
	// GetRows, unlike GetCellValue, does not copy a merged cell's value
	// into the cells it covers.
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for row := 1; row <= lastHeadRow; row++ {
		for col := 1; col <= cols; col++ {
			ref, _ := excelize.CoordinatesToCellName(col, row)
			got := ""
			if row <= len(rows) && col <= len(rows[row-1]) {
				got = rows[row-1][col-1]
			}
			if got != want[ref] {
				t.Errorf("%s %s = %q, want %q", sheet, ref, got, want[ref])
			}
		}
	}
}

func checkMerges(t *testing.T, f *excelize.File, sheet string, want []string) {
	t.Helper()
	mcs, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range mcs {
		got = append(got, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s merges\n got %v\nwant %v", sheet, got, want)
	}
}

func checkPrint(t *testing.T, f *excelize.File, sheet, titles string, dataRow int) {
	t.Helper()
	if got := f.GetSheetList(); !slices.Equal(got, []string{sheet}) {
		t.Errorf("sheets = %v, want only %q", got, sheet)
	}
	pl, err := f.GetPageLayout(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Orientation == nil || *pl.Orientation != "landscape" {
		t.Errorf("orientation = %v, want landscape", deref(pl.Orientation))
	}
	if pl.Size == nil || *pl.Size != 9 {
		t.Errorf("paper size = %v, want 9 (A4)", deref(pl.Size))
	}
	if pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
		t.Errorf("fit to %v wide × %v tall, want 1 × 0", deref(pl.FitToWidth), deref(pl.FitToHeight))
	}
	props, err := f.GetSheetProps(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if props.FitToPage == nil || !*props.FitToPage {
		t.Error("sheetPr fitToPage not set: fit-to-width would be ignored")
	}
	var found bool
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			found = true
			if dn.Scope != sheet || dn.RefersTo != titles {
				t.Errorf("Print_Titles = %q scope %q, want %q scope %q", dn.RefersTo, dn.Scope, titles, sheet)
			}
		}
	}
	if !found {
		t.Error("no _xlnm.Print_Titles defined name")
	}
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != dataRow-1 || panes.XSplit != 0 {
		t.Errorf("panes = %+v, want frozen above row %d", panes, dataRow)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// cellIs checks one cell's value and whether it is a number.
func cellIs(t *testing.T, f *excelize.File, sheet, ref, want string, numeric bool) {
	t.Helper()
	got, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	isNum := typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && got != ""
	if got != want || isNum != numeric {
		t.Errorf("%s %s = %q (type %v), want %q numeric=%v", sheet, ref, got, typ, want, numeric)
	}
	if fm, _ := f.GetCellFormula(sheet, ref); fm != "" {
		t.Errorf("%s %s has formula %q", sheet, ref, fm)
	}
}

func TestWriteProblems_HeaderMergesAndPrintSetup(t *testing.T) {
	f := open(t, writeAtt1(t, sampleCases()))
	checkHead(t, f, "附件1", 4, 22, att1Head)
	checkMerges(t, f, "附件1", att1Merges)
	checkPrint(t, f, "附件1", "'附件1'!$3:$4", 5)
}

func TestWriteProblems_RowCells(t *testing.T) {
	f := open(t, writeAtt1(t, sampleCases()))
	const s = "附件1"
	// Row 5 is the first case: every column.
	for _, c := range []struct {
		ref, want string
		num       bool
	}{
		{"A5", "1", true}, {"B5", "320404004-2020-0001", false}, {"C5", "邹区镇", false},
		{"D5", "常州市某某电镀加工厂", false}, {"E5", "", false}, {"F5", "", false},
		{"G5", mark, false}, {"H5", "", false}, {"K5", "", false},
		{"L5", "邹区镇卜弋村委前村12号", false}, {"M5", "张三", false},
		{"N5", "无证无照从事电镀加工，废水直排", false}, {"O5", "关闭", false}, {"P5", mark, false},
		{"Q5", mark, false}, {"R5", "0.12345", true}, {"S5", "30", true}, {"T5", "2", true},
		{"U5", "1", true}, {"V5", "已完成", false},
		// Second case: 停产停业, 取缔, 两断三清 incomplete, nothing filed.
		{"A6", "2", true}, {"E6", mark, false}, {"G6", "", false}, {"O6", "取缔", false},
		{"P6", "", false}, {"Q6", "", false}, {"R6", "0", true}, {"S6", "0", true}, {"V6", "整治中", false},
		// Third: 停产, no checklist at all, 1 fen.
		{"H7", mark, false}, {"O7", "停产", false}, {"P7", "", false}, {"R7", "0.000001", true},
		{"V7", "未启动", false},
		{"F8", mark, false}, {"O8", "", false},
		{"I9", mark, false}, {"P9", "", false}, {"R9", "100000", true}, // empty checklist is not complete
		{"J10", mark, false}, {"P10", "", false}, // all items false
		{"K11", mark, false}, {"V11", "", false},
	} {
		cellIs(t, f, s, c.ref, c.want, c.num)
	}
	rows, err := f.GetRows(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4+len(sampleCases()) {
		t.Errorf("%d rows, want %d", len(rows), 4+len(sampleCases()))
	}
}

// A text starting with = + - @ stays text: a spreadsheet must never run it.
func TestWriteProblems_FormulaLikeTextStaysPlainString(t *testing.T) {
	b := writeAtt1(t, sampleCases())
	f := open(t, b)
	for ref, want := range map[string]string{"D6": injection, "L6": "+86 星港路8号", "M6": "-李四",
		"N6": "@取缔名单企业擅自恢复生产"} {
		cellIs(t, f, "附件1", ref, want, false)
		typ, _ := f.GetCellType("附件1", ref)
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s type %v, want a string", ref, typ)
		}
	}
	// And at the XML level: no <f> element anywhere in the sheet.
	if bytes.Contains(unzipSheet(t, b), []byte("<f>")) {
		t.Error("sheet XML contains a formula")
	}
}

func TestWriteProblems_IteratorErrorWritesNothing(t *testing.T) {
	boom := errors.New("db gone")
	var buf bytes.Buffer
	err := WriteProblems(&buf, func(yield func(*domain.Case, error) bool) {
		if !yield(sampleCases()[0], nil) {
			return
		}
		yield(nil, boom)
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want wrapping %v", err, boom)
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written on error", buf.Len())
	}
}

func TestWriteProblems_NoRowsStillAForm(t *testing.T) {
	f := open(t, writeAtt1(t, nil))
	checkHead(t, f, "附件1", 4, 22, att1Head)
	checkMerges(t, f, "附件1", att1Merges)
}

func TestWriteSummary_HeaderMergesAndPrintSetup(t *testing.T) {
	f := open(t, writeAtt2(t, sampleSummary()))
	checkHead(t, f, "附件2", 5, 19, att2Head)
	checkMerges(t, f, "附件2", att2Merges)
	checkPrint(t, f, "附件2", "'附件2'!$4:$5", 6)
}

func TestWriteSummary_RowsAndTotal(t *testing.T) {
	s := sampleSummary()
	s.Total.Region = "" // the writer labels the last row itself
	f := open(t, writeAtt2(t, s))
	const sh = "附件2"
	rows, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5+3+1 {
		t.Fatalf("%d rows, want 9", len(rows))
	}
	want := [][]string{
		{"钟楼经济开发区", "40", "3", "5", "1", "1", "1", "0", "1", "0", "1", "2", "1", "2", "0.12345", "0", "1", "2", "0"},
		{"邹区镇", "120", "10", "7", "2", "2", "1", "1", "0", "1", "0", "7", "3", "4", "30", "0.1234", "0", "0", "3"},
		{"新闸街道", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"},
		{"合计", "160", "13", "12", "3", "3", "2", "1", "1", "1", "1", "9", "4", "6", "30.12345", "0.1234", "1", "2", "3"},
	}
	for i, w := range want {
		for j, v := range w {
			ref, _ := excelize.CoordinatesToCellName(j+1, 6+i)
			cellIs(t, f, sh, ref, v, j > 0)
		}
	}
}

func TestFilledText_IsShanghaiDate(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{filledAt, "填报日期：2020年10月14日"},
		{time.Date(2020, 9, 30, 15, 59, 0, 0, time.UTC), "填报日期：2020年9月30日"},
		{time.Date(2021, 1, 1, 0, 0, 0, 0, domain.Shanghai()), "填报日期：2021年1月1日"},
	} {
		if got := filledText(c.at); got != c.want {
			t.Errorf("filledText(%v) = %q, want %q", c.at, got, c.want)
		}
	}
}

// The shared layout yields exactly the templates' merges for both forms,
// so the HTML page (which uses the same cells) has the same header.
func TestHeader_MatchesTemplates(t *testing.T) {
	check := func(name string, cells []headCell, headRow int, want []string) {
		var got []string
		for _, h := range cells {
			if h.colspan > 1 || h.rows > 1 {
				got = append(got, cellName(h.col, headRow+h.row)+":"+cellName(h.col+h.colspan-1, headRow+h.row+h.rows-1))
			}
		}
		var wantHead []string
		for _, m := range want {
			if !strings.HasPrefix(m, "A2:") && !strings.HasPrefix(m, "A3:S") {
				wantHead = append(wantHead, m)
			}
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(wantHead))) {
			t.Errorf("%s header merges %v, want %v", name, got, wantHead)
		}
	}
	check("附件1", header(att1.cols), att1.headRow, att1Merges)
	check("附件2", header(att2.cols), att2.headRow, att2Merges)
}

// The golden files show both forms cell by cell (value, type), with merges,
// column widths and print setup, so a layout change shows up in review.
// Run `go test ./forms -update` to rewrite them after an intended change.
func TestGolden(t *testing.T) {
	var html bytes.Buffer
	s := sampleSummary()
	if err := PrintHTML(&html, "第3周 报表", &s, sampleCases(), filledAt); err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{
		"att1.golden":  dump(t, open(t, writeAtt1(t, sampleCases())), "附件1"),
		"att2.golden":  dump(t, open(t, writeAtt2(t, sampleSummary())), "附件2"),
		"print.golden": html.Bytes(),
	} {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./forms -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file; got:\n%s", name, got)
		}
	}
}

// dump renders a sheet as text: settings, merges, widths, then every
// non-empty cell as ref, type and raw value.
func dump(t *testing.T, f *excelize.File, sheet string) []byte {
	t.Helper()
	var b bytes.Buffer
	pl, _ := f.GetPageLayout(sheet)
	fmt.Fprintf(&b, "sheet %s: paper %v %v, fit %v wide × %v tall\n", sheet,
		deref(pl.Size), deref(pl.Orientation), deref(pl.FitToWidth), deref(pl.FitToHeight))
	for _, dn := range f.GetDefinedName() {
		fmt.Fprintf(&b, "name %s [%s] = %s\n", dn.Name, dn.Scope, dn.RefersTo)
	}
	panes, _ := f.GetPanes(sheet)
	fmt.Fprintf(&b, "panes freeze=%v ySplit=%d topLeft=%s\n", panes.Freeze, panes.YSplit, panes.TopLeftCell)
	mcs, _ := f.GetMergeCells(sheet)
	for _, m := range mcs {
		fmt.Fprintf(&b, "merge %s:%s %q\n", m.GetStartAxis(), m.GetEndAxis(), m.GetCellValue())
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	for c := 1; c <= cols; c++ {
		name, _ := excelize.ColumnNumberToName(c)
		w, _ := f.GetColWidth(sheet, name)
		fmt.Fprintf(&b, "col %s width %g\n", name, w)
	}
	for i, r := range rows {
		h, _ := f.GetRowHeight(sheet, i+1)
		fmt.Fprintf(&b, "row %d height %g\n", i+1, h)
		for j, v := range r {
			if v == "" {
				continue
			}
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			typ, _ := f.GetCellType(sheet, ref)
			kind := "str"
			if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
				kind = "num"
			}
			fmt.Fprintf(&b, "  %s %s %q\n", ref, kind, v)
		}
	}
	return b.Bytes()
}

func TestPrintHTML_SameCellsAsForms(t *testing.T) {
	cases := sampleCases()
	cases[2].Description = `<script>alert("x")</script>`
	s := sampleSummary()
	var buf bytes.Buffer
	if err := PrintHTML(&buf, "钟楼区 周报", &s, cases, filledAt); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		"<title>钟楼区 周报</title>", "size: A4 landscape",
		`<th rowspan="2">序号</th>`, `<th colspan="7">问题类别</th>`, `<th colspan="2">违法违规问题整治处理</th>`,
		`<th colspan="4">行政刑事处罚</th>`, "<th>行政处罚（万元）</th>", "<th>停产停业企业</th>",
		`<th colspan="2">排查总数</th>`, "<th>“停产停业”企业（家）</th>", `<th rowspan="2">“两断三清”（家）</th>`,
		"填报日期：2020年10月14日", "违法违规“小字头”及“停产停业”企业排查问题清单",
		"违法违规“小字头”及“停产停业”企业排查整治问题汇总表",
		`<td class="n">0.12345</td>`, `<td class="n">30.12345</td>`, `<td class="c">合计</td>`,
		"&lt;script&gt;", "=cmd|&#39; /C calc&#39;!A0",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>") {
		t.Error("page contains an unescaped script")
	}
	// 22 data cells per 附件1 row, 19 per 附件2 row.
	if n := strings.Count(page, "<tr><td"); n != len(cases)+len(s.Rows) {
		t.Errorf("%d data rows, want %d", n, len(cases)+len(s.Rows))
	}
	if n := strings.Count(page, "<td "); n != 22*len(cases)+19*(len(s.Rows)+1) {
		t.Errorf("%d data cells, want %d", n, 22*len(cases)+19*(len(s.Rows)+1))
	}
}

func TestPrintHTML_OnlyWhatIsGiven(t *testing.T) {
	var buf bytes.Buffer
	if err := PrintHTML(&buf, "t", nil, sampleCases(), filledAt); err != nil {
		t.Fatal(err)
	}
	if p := buf.String(); !strings.Contains(p, "附件1") || strings.Contains(p, "附件2") {
		t.Error("附件1-only page wrong")
	}
	buf.Reset()
	s := sampleSummary()
	if err := PrintHTML(&buf, "t", &s, nil, filledAt); err != nil {
		t.Fatal(err)
	}
	if p := buf.String(); strings.Contains(p, "附件1") || !strings.Contains(p, "附件2") {
		t.Error("附件2-only page wrong")
	}
}

// manyCases yields n distinct cases without holding them.
func manyCases(n int) iter.Seq2[*domain.Case, error] {
	base := sampleCases()
	return func(yield func(*domain.Case, error) bool) {
		for i := range n {
			c := *base[i%len(base)]
			c.ProblemNo = fmt.Sprintf("320404004-2020-%05d", i+1)
			c.Description = strings.Repeat("违法违规问题具体描述", 1+i%5)
			if !yield(&c, nil) {
				return
			}
		}
	}
}

// 20,000 rows stream through in bounded memory and all arrive.
func TestWriteProblems_20000RowsStream(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	const n = 20_000
	var heapAt1k, heapAtEnd uint64
	seq := func(yield func(*domain.Case, error) bool) {
		i := 0
		for c, err := range manyCases(n) {
			i++
			if i == 1000 || i == n {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if i == 1000 {
					heapAt1k = ms.HeapAlloc
				} else {
					heapAtEnd = ms.HeapAlloc
				}
			}
			if !yield(c, err) {
				return
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteProblems(&buf, seq); err != nil {
		t.Fatal(err)
	}
	// The writer holds a few 32 KiB chunks of sheet XML; the heap grows by
	// buf, the file itself, not by the rows.
	grow := int64(heapAtEnd) - int64(heapAt1k)
	t.Logf("heap after 1,000 rows %d KiB, after %d rows %d KiB", heapAt1k>>10, n, heapAtEnd>>10)
	if grow > 40<<20 {
		t.Errorf("heap grew %d MiB over 19,000 rows", grow>>20)
	}
	f := open(t, buf.Bytes())
	last := fmt.Sprint(4 + n)
	cellIs(t, f, "附件1", "A"+last, fmt.Sprint(n), true)
	cellIs(t, f, "附件1", "B"+last, fmt.Sprintf("320404004-2020-%05d", n), false)
	rows, err := f.Rows("附件1")
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for rows.Next() {
		count++
	}
	_ = rows.Close()
	if count != 4+n {
		t.Errorf("%d rows, want %d", count, 4+n)
	}
}

func BenchmarkWriteProblems(b *testing.B) {
	const n = 10_000
	b.ReportAllocs()
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := WriteProblems(&buf, manyCases(n)); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/file")
}

// unzipSheet returns the XML of the workbook's only worksheet.
func unzipSheet(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	x, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestAtt1AndAtt2_AgreeOnClearsForPremisesCampaign: in a campaign that adds
// 清厂房, a case with the five default items done but not 清厂房 is ticked in
// neither form (附件1 col 16 blank, 附件2 col 13 0) — even when its own
// checklist, as an older or imported record carries it, lacks 清厂房 — and
// with 清厂房 done it counts in both.
func TestAtt1AndAtt2_AgreeOnClearsForPremisesCampaign(t *testing.T) {
	premises := append(slices.Clone(domain.DefaultClearItems), domain.ItemPremises)
	region := []domain.SummaryRegion{{ID: 1, Name: "五星街道"}}
	for _, tc := range []struct {
		name   string
		clears map[string]bool
		want   bool
	}{
		{"five done, 清厂房 not carried", map[string]bool{domain.ItemWater: true, domain.ItemPower: true,
			domain.ItemMaterials: true, domain.ItemEquipment: true, domain.ItemProducts: true}, false},
		{"five done, 清厂房 not done", map[string]bool{domain.ItemWater: true, domain.ItemPower: true,
			domain.ItemMaterials: true, domain.ItemEquipment: true, domain.ItemProducts: true, domain.ItemPremises: false}, false},
		{"all six done", map[string]bool{domain.ItemWater: true, domain.ItemPower: true,
			domain.ItemMaterials: true, domain.ItemEquipment: true, domain.ItemProducts: true, domain.ItemPremises: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &domain.Case{ProblemNo: "320404001-2020-0001", TownName: "五星街道", Status: domain.StatusRectifying,
				CaseFields: domain.CaseFields{UnitName: "某喷涂作坊", Category: domain.CatSpraying, Address: "五星街道",
					Description: "露天喷涂", Shutdown: domain.ShutdownClosed, Clears: tc.clears}}
			derived([]*domain.Case{c}, premises)
			tick, count := "", "0"
			if tc.want {
				tick, count = mark, "1"
			}
			cellIs(t, open(t, writeAtt1(t, []*domain.Case{c})), "附件1", "P5", tick, false)
			s := domain.Summarize(region, []domain.CaseFacts{domain.FactsOf(c, 1)}, nil)
			rows, err := open(t, writeAtt2(t, s)).GetRows("附件2")
			if err != nil {
				t.Fatal(err)
			}
			if got := rows[5][12]; got != count {
				t.Errorf("附件2 col 13 “两断三清” = %s, want %s", got, count)
			}
		})
	}
}
