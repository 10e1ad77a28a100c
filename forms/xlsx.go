package forms

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"zhengzhi/domain"
)

// Fonts: 宋体 for the table, 黑体 for the 附件 label, as the notice prints
// them; a client without them substitutes its own CJK font.
const (
	fontBody  = "宋体"
	fontLabel = "黑体"
)

// styles are the cell style IDs one workbook uses.
type styles struct {
	label, title, filled, head int
	data, total                [numKinds]int // by cellKind
}

func newStyles(f *excelize.File) (*styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1},
		{Type: "right", Color: "000000", Style: 1},
		{Type: "bottom", Color: "000000", Style: 1},
	}
	centre := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}
	var st styles
	var err error
	add := func(dst *int, s *excelize.Style) {
		if err != nil {
			return
		}
		*dst, err = f.NewStyle(s)
	}
	add(&st.label, &excelize.Style{Font: &excelize.Font{Family: fontLabel, Size: 12},
		Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}})
	add(&st.title, &excelize.Style{Font: &excelize.Font{Family: fontBody, Size: 18, Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	add(&st.filled, &excelize.Style{Font: &excelize.Font{Family: fontBody, Size: 11},
		Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}})
	add(&st.head, &excelize.Style{Font: &excelize.Font{Family: fontBody, Size: 10, Bold: true},
		Alignment: centre, Border: border})
	for _, total := range []bool{false, true} {
		font := &excelize.Font{Family: fontBody, Size: 10, Bold: total}
		dst := &st.data
		if total {
			dst = &st.total
		}
		add(&dst[kindSerial], &excelize.Style{Font: font, Alignment: centre, Border: border, NumFmt: 1}) // 0
		add(&dst[kindText], &excelize.Style{Font: font, Alignment: left, Border: border})
		add(&dst[kindCentre], &excelize.Style{Font: font, Alignment: centre, Border: border})
		add(&dst[kindCount], &excelize.Style{Font: font, Alignment: centre, Border: border, NumFmt: 1})
		// General shows the exact decimal without trailing zeros (0.3, 0.12345).
		add(&dst[kindWan], &excelize.Style{Font: font, Alignment: centre, Border: border, NumFmt: 0})
	}
	if err != nil {
		return nil, fmt.Errorf("forms: styles: %w", err)
	}
	return &st, nil
}

// sheetWriter streams one form into a one-worksheet workbook, so that a
// long 附件1 stays in bounded memory (excelize spills rows to a temp file).
type sheetWriter[T any] struct {
	f    *excelize.File
	sw   *excelize.StreamWriter
	st   *styles
	fm   *form[T]
	row  int             // the spreadsheet row last written
	vals []any           // reused per row: pointers into cells
	cell []excelize.Cell // reused per row
}

// newSheetWriter sets up the workbook for fm — page layout, print titles,
// column widths, frozen header — and writes the label, the title, the
// optional 填报日期 line and the two header rows. Close it when done.
func newSheetWriter[T any](fm *form[T], filled string) (_ *sheetWriter[T], err error) {
	f := excelize.NewFile()
	defer func() {
		if err != nil {
			_ = f.Close()
			err = fmt.Errorf("forms: %s: %w", fm.label, err)
		}
	}()
	if err := f.SetSheetName("Sheet1", fm.sheet); err != nil {
		return nil, err
	}
	if err := pageSetup(f, fm.sheet, fm.headRow, fm.headRow+1); err != nil {
		return nil, err
	}
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(fm.sheet)
	if err != nil {
		return nil, err
	}
	w := &sheetWriter[T]{f: f, sw: sw, st: st, fm: fm,
		vals: make([]any, len(fm.cols)), cell: make([]excelize.Cell, len(fm.cols))}
	for i := range w.cell {
		w.vals[i] = &w.cell[i]
	}
	// excelize prepends each column it is given, so set them last to first
	// for the <col> elements to come out in ascending order, as Excel wants.
	for i := len(fm.cols) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, fm.cols[i].width); err != nil {
			return nil, err
		}
	}
	dataRow := fm.headRow + 2
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: dataRow - 1,
		TopLeftCell: cellName(0, dataRow), ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	last := len(fm.cols) - 1
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.label, Value: fm.label}},
		excelize.RowOpts{Height: 22}); err != nil {
		return nil, err
	}
	if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: st.title, Value: fm.title}},
		excelize.RowOpts{Height: 40}); err != nil {
		return nil, err
	}
	if err := sw.MergeCell("A2", cellName(last, 2)); err != nil {
		return nil, err
	}
	if filled != "" {
		if err := sw.SetRow("A3", []any{excelize.Cell{StyleID: st.filled, Value: filled}},
			excelize.RowOpts{Height: 22}); err != nil {
			return nil, err
		}
		if err := sw.MergeCell("A3", cellName(last, 3)); err != nil {
			return nil, err
		}
	}
	// Every cell of the header gets the bordered style, covered ones too,
	// so merged ranges keep their borders.
	heads := [2][]any{make([]any, len(fm.cols)), make([]any, len(fm.cols))}
	for r := range heads {
		for i := range heads[r] {
			heads[r][i] = excelize.Cell{StyleID: st.head}
		}
	}
	for _, h := range header(fm.cols) {
		heads[h.row][h.col] = excelize.Cell{StyleID: st.head, Value: h.text}
		if h.colspan > 1 || h.rows > 1 {
			if err := sw.MergeCell(cellName(h.col, fm.headRow+h.row),
				cellName(h.col+h.colspan-1, fm.headRow+h.row+h.rows-1)); err != nil {
				return nil, err
			}
		}
	}
	for r, height := range headHeights(fm.cols) {
		if err := sw.SetRow(cellName(0, fm.headRow+r), heads[r], excelize.RowOpts{Height: height}); err != nil {
			return nil, err
		}
	}
	w.row = dataRow - 1
	return w, nil
}

// Row heights are computed here, not left to the client: LibreOffice does
// not fit imported rows to wrapped text, and Excel only sometimes does. The
// estimate errs on the generous side (10 pt 宋体: a CJK character ≈ 14 px,
// other characters ≈ 7.5 px; a column of width w ≈ 7w+5 px).
const (
	lineHeight = 13.5 // points per line of 10 pt text
	rowPadding = 5    // points above and below the lines
	maxRowHt   = 409  // the most a spreadsheet row may be
)

// textLines estimates how many lines text takes wrapped in a column of the
// given width (columns covering a merged cell add up their widths).
func textLines(text string, width float64) int {
	avail := width*7 + 5 - 6 // pixels, less the cell's inner margins
	lines, px := 1, 0.0
	for _, r := range text {
		if r == '\n' {
			lines, px = lines+1, 0
			continue
		}
		w := 7.5
		if wide(r) {
			w = 14
		}
		if px+w > avail && px > 0 {
			lines, px = lines+1, 0
		}
		px += w
	}
	return lines
}

// wide reports whether r prints full width: CJK, full-width forms and the
// curly quotes a Chinese font draws full width.
func wide(r rune) bool {
	return r >= 0x2E80 || r == '“' || r == '”' || r == '‘' || r == '’' || r == '—' || r == '…'
}

func rowHeight(lines int) float64 {
	return min(float64(lines)*lineHeight+rowPadding, maxRowHt)
}

// headHeights sizes the two header rows so that every header text fits
// wrapped: a head spanning both rows may use their sum.
func headHeights[T any](cols []column[T]) [2]float64 {
	var one, two, both = 1, 1, 2
	for _, h := range header(cols) {
		w := 0.0
		for _, c := range cols[h.col : h.col+h.colspan] {
			w += c.width
		}
		n := textLines(h.text, w)
		switch {
		case h.rows == 2:
			both = max(both, n)
		case h.row == 0:
			one = max(one, n)
		default:
			two = max(two, n)
		}
	}
	if one+two < both {
		two = both - one
	}
	return [2]float64{rowHeight(one), rowHeight(two)}
}

// writeRow writes one data row; serial is the 序号 (0 on the 合计 row).
func (w *sheetWriter[T]) writeRow(r T, serial int, total bool) error {
	w.row++
	styles := &w.st.data
	if total {
		styles = &w.st.total
	}
	lines := 1
	for i, c := range w.fm.cols {
		cell := &w.cell[i]
		cell.StyleID = styles[c.kind]
		switch c.kind {
		case kindSerial:
			cell.Value = serial
		case kindText, kindCentre:
			// A string is written as an inline string, never a formula,
			// whatever it starts with (= + - @).
			if s := c.text(r); s != "" {
				cell.Value = s
				lines = max(lines, textLines(s, c.width))
			} else {
				cell.Value = nil
			}
		case kindCount:
			cell.Value = c.num(r)
		case kindWan:
			cell.Value = domain.WanFloat(c.num(r))
		}
	}
	if err := w.sw.SetRow(cellName(0, w.row), w.vals, excelize.RowOpts{Height: rowHeight(lines)}); err != nil {
		return fmt.Errorf("forms: %s row %d: %w", w.fm.label, w.row, err)
	}
	return nil
}

// finish flushes the sheet and writes the workbook to out.
func (w *sheetWriter[T]) finish(out io.Writer) error {
	if err := w.sw.Flush(); err != nil {
		return fmt.Errorf("forms: %s: %w", w.fm.label, err)
	}
	if _, err := w.f.WriteTo(out); err != nil {
		return fmt.Errorf("forms: write %s: %w", w.fm.label, err)
	}
	return nil
}

// Close removes the writer's temporary files.
func (w *sheetWriter[T]) Close() error { return w.f.Close() }

// pageSetup prints the sheet on A4 landscape, one page wide and as many
// pages long as needed, with the header rows (headRow to lastHeadRow)
// repeated on every page. It must run before the stream writer starts
// (sheetPr is written first).
func pageSetup(f *excelize.File, sheet string, headRow, lastHeadRow int) error {
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size:        ptr(9), // A4
		Orientation: ptr("landscape"),
		FitToWidth:  ptr(1),
		FitToHeight: ptr(0), // as many pages as the rows need
	}); err != nil {
		return err
	}
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: ptr(0.4), Right: ptr(0.4), Top: ptr(0.6), Bottom: ptr(0.6),
		Header: ptr(0.3), Footer: ptr(0.3), Horizontally: ptr(true),
	}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: "&C第 &P 页，共 &N 页",
	}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: printTitles(sheet, headRow, lastHeadRow),
		Scope:    sheet,
	})
}

// printTitles is the Print_Titles reference of a sheet's header rows.
func printTitles(sheet string, headRow, lastHeadRow int) string {
	return fmt.Sprintf("'%s'!$%d:$%d", sheet, headRow, lastHeadRow)
}

func cellName(col0, row int) string {
	name, err := excelize.CoordinatesToCellName(col0+1, row)
	if err != nil {
		panic(err) // the forms' fixed layout is always in range
	}
	return name
}

func ptr[T any](v T) *T { return &v }
