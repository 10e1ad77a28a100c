package forms

import (
	"bytes"
	"errors"
	"iter"
	"testing"

	"github.com/xuri/excelize/v2"
)

func tableRows(rows ...[]any) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

var sampleTable = Table{Title: "问题清单（筛选：已销号）", Sheet: "问题清单", Columns: []TableColumn{
	{Head: "问题编号", Width: 20}, {Head: "问题单位名称", Width: 24}, {Head: "附件数", Number: true}, {Head: "罚款（万元）", Number: true},
}}

func TestWriteTable_TitleHeadAndTypedCells(t *testing.T) {
	var buf bytes.Buffer
	err := WriteTable(&buf, sampleTable, tableRows(
		[]any{"320404004-2020-0001", "=cmd|' /C calc'!A0", 3, 0.12345},
		[]any{"320404004-2020-0002", "", int64(0), nil},
	))
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	const sheet = "问题清单"
	checkPrint(t, f, sheet, "'问题清单'!$2:$2", 3)
	for ref, want := range map[string]string{"A1": "问题清单（筛选：已销号）", "A2": "问题编号", "D2": "罚款（万元）",
		"A3": "320404004-2020-0001", "B3": "=cmd|' /C calc'!A0", "C3": "3", "D3": "0.12345", "B4": "", "C4": "0", "D4": ""} {
		if got, _ := f.GetCellValue(sheet, ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	if formula, _ := f.GetCellFormula(sheet, "B3"); formula != "" {
		t.Errorf("B3 became a formula %q", formula)
	}
	text := func(typ excelize.CellType) bool {
		return typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString
	}
	for ref, wantText := range map[string]bool{"A3": true, "B3": true, "C3": false, "D3": false} {
		if typ, _ := f.GetCellType(sheet, ref); text(typ) != wantText {
			t.Errorf("%s type %v, want text %v", ref, typ, wantText)
		}
	}
	merges, _ := f.GetMergeCells(sheet)
	if len(merges) != 1 || merges[0].GetStartAxis() != "A1" || merges[0].GetEndAxis() != "D1" {
		t.Errorf("merges %v, want the title A1:D1", merges)
	}
}

func TestWriteTable_RowErrorWritesNothing(t *testing.T) {
	var buf bytes.Buffer
	boom := errors.New("boom")
	err := WriteTable(&buf, sampleTable, func(yield func([]any, error) bool) {
		if yield([]any{"a", "b", 1, 0.1}, nil) {
			yield(nil, boom)
		}
	})
	if !errors.Is(err, boom) || buf.Len() != 0 {
		t.Fatalf("err %v, %d bytes written; want boom and nothing", err, buf.Len())
	}
}
