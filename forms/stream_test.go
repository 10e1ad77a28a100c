package forms

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"testing"

	"zhengzhi/domain"
)

// syncBuffer is a bytes.Buffer safe to read while the writer's compressor
// goroutine writes to it, counting Flush calls.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	flushes int
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushes++
	return nil
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

// The file goes out while the rows are read: when the last of 5,000 rows
// is asked for, a good part of it has reached the writer.
func TestWriteProblems_BytesGoOutBeforeTheLastRow(t *testing.T) {
	const n = 5000
	var out syncBuffer
	atLast := -1
	rows := func(yield func(*domain.Case, error) bool) {
		i := 0
		for c, err := range manyCases(n) {
			if i++; i == n {
				atLast = out.Len()
			}
			if !yield(c, err) {
				return
			}
		}
	}
	if err := WriteProblems(&out, rows); err != nil {
		t.Fatal(err)
	}
	// A chunk handed to the compressor is compressed before more than a
	// few more are accepted, so all but the last few 32 KiB of XML are out.
	if atLast < out.Len()/2 {
		t.Errorf("%d of %d bytes written before the last row was read", atLast, out.Len())
	}
	f := open(t, out.buf.Bytes())
	cellIs(t, f, "附件1", fmt.Sprint("A", 4+n), fmt.Sprint(n), true)
}

// Bytes that have waited are pushed through and the writer flushed, so a
// client sees progress while slow rows come.
func TestSheetWriter_FlushesWhenBytesWait(t *testing.T) {
	var out syncBuffer
	sw, err := newSheetWriter(&out, &att1, "")
	if err != nil {
		t.Fatal(err)
	}
	defer sw.stop()
	sw.every = 0 // every row has waited long enough
	for i, c := range sampleCases()[:3] {
		if err := sw.writeRow(c, i+1, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.finish(); err != nil {
		t.Fatal(err)
	}
	if out.flushes < 4 { // one per row, and the end
		t.Errorf("%d flushes, want one per row and one at the end", out.flushes)
	}
	cellIs(t, open(t, out.buf.Bytes()), "附件1", "B7", "320404003-2020-0003", false)
}

// An error after bytes went out leaves a truncated file no client opens,
// and the compressor goroutine ends.
func TestWriteProblems_ErrorAfterBytesOut_TruncatedFile(t *testing.T) {
	boom := errors.New("db gone")
	var out syncBuffer
	rows := func(yield func(*domain.Case, error) bool) {
		for c, err := range manyCases(5000) {
			if !yield(c, err) {
				return
			}
		}
		yield(nil, boom)
	}
	err := WriteProblems(&out, rows)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want wrapping %v", err, boom)
	}
	if out.Len() == 0 {
		t.Fatal("nothing written before the error; the test needs more rows")
	}
	b := out.buf.Bytes()
	if _, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
		t.Error("the truncated file reads as a zip archive")
	}
}

// A writer that fails (the client went away) stops the export with its error.
func TestWriteProblems_WriterErrorStops(t *testing.T) {
	gone := errors.New("connection reset")
	read := 0
	rows := func(yield func(*domain.Case, error) bool) {
		for c, err := range manyCases(1_000_000) {
			read++
			if !yield(c, err) {
				return
			}
		}
	}
	err := WriteProblems(failingWriter{gone}, rows)
	if !errors.Is(err, gone) {
		t.Fatalf("err = %v, want wrapping %v", err, gone)
	}
	if read > 20_000 {
		t.Errorf("%d rows read after the writer failed", read)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// Every text comes back as it was given, but for what XML cannot carry.
func TestWriteProblems_TextsRoundTrip(t *testing.T) {
	long := strings.Repeat("长", 40_000)
	for _, c := range []struct{ in, want string }{
		{"a<b>&c\"'d", "a<b>&c\"'d"},
		{"  两端空格  ", "  两端空格  "},
		{"一行\r\n二行\t制表", "一行\r\n二行\t制表"},
		{"_x0041_ 与 _x005F_", "_x0041_ 与 _x005F_"},
		{"控制\x01字符\x1f", "控制\uFFFD字符\uFFFD"},
		{"坏\xffUTF-8", "坏\uFFFDUTF-8"},
		{"非字符\uFFFE\uFFFF（全角）", "非字符\uFFFD\uFFFD（全角）"},
		{long, long[:3*maxCellChars]},
	} {
		cs := sampleCases()[:1]
		cs[0].Description = c.in
		f := open(t, writeAtt1(t, cs))
		got, err := f.GetCellValue("附件1", "N5")
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%.40q came back as %.40q, want %.40q", c.in, got, c.want)
		}
	}
}

func TestAppendWan_MatchesFenToWan(t *testing.T) {
	for _, fen := range []int64{0, 1, 10, 123450, 1_000_000, 30_000_000, 12_345_678_901, -1, -1_500_000,
		1<<63 - 1, -1 << 63} {
		if got, want := string(appendWan(nil, fen)), domain.FenToWan(fen); got != want {
			t.Errorf("appendWan(%d) = %s, want %s", fen, got, want)
		}
	}
}

func TestColName(t *testing.T) {
	for col, want := range map[int]string{0: "A", 21: "V", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := colName(col); got != want {
			t.Errorf("colName(%d) = %s, want %s", col, got, want)
		}
	}
}

type listRow struct {
	name  string
	count int64
	fen   int64
}

func sampleList(title string) *List[listRow] {
	return &List[listRow]{Sheet: "问题清单", Title: title, Columns: []ListColumn[listRow]{
		{Head: "单位名称", Width: 20, Wrap: true, Text: func(r listRow) string { return r.name }},
		{Head: "人数", Count: func(r listRow) int64 { return r.count }},
		{Head: "行政处罚（万元）", Width: 9, Wan: func(r listRow) int64 { return r.fen }},
	}}
}

func listRows(rows ...listRow) iter.Seq2[listRow, error] {
	return func(yield func(listRow, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func TestWriteListXLSX_OneHeaderRowThenRecords(t *testing.T) {
	for _, title := range []string{"钟楼区 问题清单", ""} {
		var buf bytes.Buffer
		err := WriteListXLSX(&buf, sampleList(title), listRows(
			listRow{injection, 2, 123450}, listRow{"某厂", 0, 0}))
		if err != nil {
			t.Fatal(err)
		}
		f := open(t, buf.Bytes())
		head := 1
		want := map[string]string{"A1": "单位名称", "B1": "人数", "C1": "行政处罚（万元）"}
		var merges []string
		if title != "" {
			head = 2
			want = map[string]string{"A1": title, "A2": "单位名称", "B2": "人数", "C2": "行政处罚（万元）"}
			merges = []string{"A1:C1"}
		}
		checkHead(t, f, "问题清单", head, 3, want)
		checkMerges(t, f, "问题清单", merges)
		checkPrint(t, f, "问题清单", fmt.Sprintf("'问题清单'!$%d:$%d", head, head), head+1)
		r := fmt.Sprint(head + 1)
		cellIs(t, f, "问题清单", "A"+r, injection, false)
		cellIs(t, f, "问题清单", "B"+r, "2", true)
		cellIs(t, f, "问题清单", "C"+r, "0.12345", true)
		cellIs(t, f, "问题清单", "C"+fmt.Sprint(head+2), "0", true)
		if w, _ := f.GetColWidth("问题清单", "B"); w != 10 {
			t.Errorf("default width %g, want 10", w)
		}
	}
}

func TestWriteListCSV_BOMHeaderAndDefusedFormulas(t *testing.T) {
	var buf bytes.Buffer
	err := WriteListCSV(&buf, sampleList("ignored in CSV"), listRows(
		listRow{injection, 2, 123450}, listRow{"-李四, \"某厂\"", 0, 30_000_000}))
	if err != nil {
		t.Fatal(err)
	}
	want := "\uFEFF单位名称,人数,行政处罚（万元）\n" +
		"'=cmd|' /C calc'!A0,2,0.12345\n" +
		"\"'-李四, \"\"某厂\"\"\",0,30\n"
	if got := buf.String(); got != want {
		t.Errorf("CSV\n got %q\nwant %q", got, want)
	}
}

func TestWriteList_RejectsBadLayouts(t *testing.T) {
	for name, l := range map[string]*List[listRow]{
		"no columns":    {Sheet: "x"},
		"two kinds":     {Sheet: "x", Columns: []ListColumn[listRow]{{Head: "a", Text: func(listRow) string { return "" }, Count: func(listRow) int64 { return 0 }}}},
		"no kind":       {Sheet: "x", Columns: []ListColumn[listRow]{{Head: "a"}}},
		"bad sheet":     {Sheet: "a/b", Columns: sampleList("").Columns},
		"long sheet":    {Sheet: strings.Repeat("表", 32), Columns: sampleList("").Columns},
		"unnamed sheet": {Columns: sampleList("").Columns},
	} {
		var buf bytes.Buffer
		if err := WriteListXLSX(&buf, l, listRows()); err == nil {
			t.Errorf("%s: no error", name)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written", name, buf.Len())
		}
	}
}
