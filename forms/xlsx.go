package forms

import (
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"
)

// The XLSX writer is our own, not excelize's: excelize's WriteTo builds the
// whole zipped workbook in memory before its first byte goes out, and its
// stream writer's per-cell work and default deflate level cost several times
// encoding/csv (BENCHMARKS.md, "附件1 XLSX"). This one writes SpreadsheetML
// straight into archive/zip as rows come: the fixed parts first (content
// types, workbook with its Print_Titles, a fixed styles.xml), then the one
// worksheet, row by row, with inline strings (no shared-string table to hold)
// and the fastest deflate level. Memory stays flat whatever the row count.

// flushEvery bounds how long produced bytes wait in the writer's buffers
// (and the compressor's) when rows come slowly: they are then pushed
// through to the caller's writer, and to the client if that writer has a
// Flush method (an http.ResponseWriter wrapper).
const flushEvery = 500 * time.Millisecond

// sheetWriter streams one form into a one-worksheet workbook on out, row by
// row; nothing is held but the current buffers.
type sheetWriter[T any] struct {
	fm       *form[T]
	a        *archive
	b        []byte // worksheet XML not yet handed to a
	row      int    // the spreadsheet row last written
	rowNum   []byte // row in decimal
	merges   []string
	cellOpen []string // ` s="0"`, ` s="1"`, …, by style
	col      int      // the cells written in the current row
	texts    []string // the current row's texts, by column
	flushed  time.Time
	every    time.Duration // flushEvery; tests shorten it
}

// writeRows writes fm as a workbook on w with one row per record of rows,
// numbered from 1 (the 序号), as they come.
func writeRows[T any](w io.Writer, fm *form[T], rows iter.Seq2[T, error]) error {
	sw, err := newSheetWriter(w, fm, "")
	if err != nil {
		return err
	}
	defer sw.stop()
	n := 0
	for r, err := range rows {
		if err != nil {
			return fmt.Errorf("forms: %s row %d: %w", fm.sheet, n+1, err)
		}
		n++
		if err := sw.writeRow(r, n, false); err != nil {
			return err
		}
	}
	return sw.finish()
}

// newSheetWriter writes the workbook's fixed parts and the sheet's start —
// frozen panes, column widths, the label, the title, the optional 填报日期
// line and the header — into its buffers; rows follow with writeRow, and
// finish ends the file.
func newSheetWriter[T any](out io.Writer, fm *form[T], filled string) (_ *sheetWriter[T], err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("forms: %s: %w", fm.sheet, err)
		}
	}()
	if err := checkSheetName(fm.sheet); err != nil {
		return nil, err
	}
	if above := countNonEmpty(fm.label, fm.title, filled); fm.headRow != above+1 {
		return nil, fmt.Errorf("header at row %d below %d lines", fm.headRow, above)
	}
	w := &sheetWriter[T]{fm: fm, b: newChunk(), texts: make([]string, len(fm.cols)), flushed: time.Now(), every: flushEvery}
	for i := range styleTotal + int(numKinds) {
		w.cellOpen = append(w.cellOpen, ` s="`+strconv.Itoa(i)+`"`)
	}
	headRows := fm.headRows()
	w.a, err = newArchive(out, []part{
		{"[Content_Types].xml", contentTypesXML},
		{"_rels/.rels", rootRelsXML},
		{"xl/workbook.xml", workbookXML(fm.sheet, fm.headRow, headRows)},
		{"xl/_rels/workbook.xml.rels", workbookRelsXML},
		{"xl/styles.xml", stylesXML()},
	}, "xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = w.a.abort()
		}
	}()

	dataRow := fm.headRow + headRows
	top := cellName(0, dataRow)
	w.str(xmlHeader + `<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">` +
		`<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>` +
		`<sheetViews><sheetView tabSelected="1" workbookViewId="0">` +
		`<pane ySplit="` + strconv.Itoa(dataRow-1) + `" topLeftCell="` + top + `" activePane="bottomLeft" state="frozen"/>` +
		`<selection pane="bottomLeft" activeCell="` + top + `" sqref="` + top + `"/></sheetView></sheetViews>` +
		`<sheetFormatPr defaultRowHeight="15"/><cols>`)
	for i, c := range fm.cols {
		n := strconv.Itoa(i + 1)
		w.str(`<col min="` + n + `" max="` + n + `" width="` + strconv.FormatFloat(c.width, 'f', -1, 64) + `" customWidth="1"/>`)
	}
	w.str(`</cols><sheetData>`)

	last := len(fm.cols) - 1
	line := func(text string, style int, height float64) {
		w.startRow(height)
		w.textCell(style, text)
		w.str(`</row>`)
		if last > 0 && style != styleLabel {
			w.merges = append(w.merges, cellName(0, w.row)+":"+cellName(last, w.row))
		}
	}
	if fm.label != "" {
		line(fm.label, styleLabel, 22)
	}
	if fm.title != "" {
		line(fm.title, styleTitle, 40)
	}
	if filled != "" {
		line(filled, styleFilled, 22)
	}
	// Every cell of the header is written with the bordered style, covered
	// ones too, so merged ranges keep their borders.
	heads := make([][]string, headRows)
	for r := range heads {
		heads[r] = make([]string, len(fm.cols))
	}
	for _, h := range header(fm.cols) {
		heads[h.row][h.col] = h.text
		if h.colspan > 1 || h.rows > 1 {
			w.merges = append(w.merges, cellName(h.col, fm.headRow+h.row)+":"+
				cellName(h.col+h.colspan-1, fm.headRow+h.row+h.rows-1))
		}
	}
	heights := headHeights(fm.cols)
	for r := range heads {
		w.startRow(heights[r])
		for _, text := range heads[r] {
			w.textCell(styleHead, text)
		}
		w.str(`</row>`)
	}
	return w, nil
}

// writeRow writes one data row; serial is the 序号 (0 leaves it empty, as
// on a 合计 row), total makes the row bold.
func (w *sheetWriter[T]) writeRow(r T, serial int, total bool) error {
	style := styleData
	if total {
		style = styleTotal
	}
	// The row's height comes before its cells and depends on their texts.
	lines := 1
	for i, c := range w.fm.cols {
		if c.kind == kindText || c.kind == kindCentre {
			w.texts[i] = c.text(r)
			lines = max(lines, textLines(w.texts[i], c.width))
		}
	}
	w.startRow(rowHeight(lines))
	var num [24]byte
	for i, c := range w.fm.cols {
		s := style + int(c.kind)
		switch c.kind {
		case kindSerial:
			if serial > 0 {
				w.numCell(s, strconv.AppendInt(num[:0], int64(serial), 10))
			} else {
				w.textCell(s, "")
			}
		case kindText, kindCentre:
			// A string is written as an inline string, never a formula,
			// whatever it starts with (= + - @).
			w.textCell(s, w.texts[i])
		case kindCount:
			w.numCell(s, strconv.AppendInt(num[:0], c.num(r), 10))
		case kindWan:
			w.numCell(s, appendWan(num[:0], c.num(r)))
		}
	}
	w.str(`</row>`)
	return w.endRow()
}

// startRow opens the next row with the given height in points.
func (w *sheetWriter[T]) startRow(height float64) {
	w.row++
	w.col = 0
	w.rowNum = strconv.AppendInt(w.rowNum[:0], int64(w.row), 10)
	w.b = append(w.b, `<row r="`...)
	w.b = append(w.b, w.rowNum...)
	w.b = append(w.b, `" ht="`...)
	w.b = strconv.AppendFloat(w.b, height, 'f', -1, 64)
	w.b = append(w.b, `" customHeight="1">`...)
}

func (w *sheetWriter[T]) str(s string) { w.b = append(w.b, s...) }

// cellStart opens the next cell of the current row with its style and its
// reference (r="B5"). Every row has all its cells, in column order. ECMA-376
// makes the reference optional, but some readers (WPS, which many towns use,
// and older import libraries) are not known to accept cells without one, so
// it is written: the forms must open wherever a town sends them.
func (w *sheetWriter[T]) cellStart(style int) {
	w.b = append(w.b, `<c r="`...)
	w.b = appendColumn(w.b, w.col)
	w.b = append(w.b, w.rowNum...)
	w.b = append(w.b, '"')
	w.b = append(w.b, w.cellOpen[style]...)
	w.col++
}

// appendColumn appends the letters of the 0-based column i (A … Z, AA …).
func appendColumn(b []byte, i int) []byte {
	if i >= 26 {
		b = appendColumn(b, i/26-1)
	}
	return append(b, byte('A'+i%26))
}

// numCell writes a numeric cell; v is its formatted value.
func (w *sheetWriter[T]) numCell(style int, v []byte) {
	w.cellStart(style)
	w.b = append(w.b, `><v>`...)
	w.b = append(w.b, v...)
	w.b = append(w.b, `</v></c>`...)
}

// textCell writes an inline-string cell, or an empty styled cell for "".
func (w *sheetWriter[T]) textCell(style int, s string) {
	w.cellStart(style)
	if s == "" {
		w.b = append(w.b, `/>`...)
		return
	}
	s = cutCell(s)
	if first, last := s[0], s[len(s)-1]; isSpace(first) || isSpace(last) {
		w.b = append(w.b, ` t="inlineStr"><is><t xml:space="preserve">`...)
	} else {
		w.b = append(w.b, ` t="inlineStr"><is><t>`...)
	}
	w.b = appendXMLText(w.b, s)
	w.b = append(w.b, `</t></is></c>`...)
}

func countNonEmpty(s ...string) int {
	n := 0
	for _, v := range s {
		if v != "" {
			n++
		}
	}
	return n
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// endRow hands a full chunk of XML to the archive, and has everything
// pushed through to out when bytes have waited flushEvery.
func (w *sheetWriter[T]) endRow() error {
	flush := time.Since(w.flushed) >= w.every
	if !flush && len(w.b) < chunkSize {
		return nil
	}
	if flush {
		w.flushed = time.Now()
	}
	var err error
	if w.b, err = w.a.next(w.b, flush); err != nil {
		return fmt.Errorf("forms: write %s: %w", w.fm.sheet, err)
	}
	return nil
}

// finish ends the sheet — merges, print setup — and the archive, and
// flushes everything to out.
func (w *sheetWriter[T]) finish() error {
	w.str(`</sheetData>`)
	if len(w.merges) > 0 {
		w.str(`<mergeCells count="` + strconv.Itoa(len(w.merges)) + `">`)
		for _, m := range w.merges {
			w.str(`<mergeCell ref="` + m + `"/>`)
		}
		w.str(`</mergeCells>`)
	}
	w.str(sheetEnd)
	if err := w.a.close(w.b); err != nil {
		return fmt.Errorf("forms: write %s: %w", w.fm.sheet, err)
	}
	return nil
}

// stop ends the writer without finishing the file (after an error): what
// has not gone out yet never does. It is harmless after finish.
func (w *sheetWriter[T]) stop() { _ = w.a.abort() }

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
	// No character is wider than 7.5 px per byte of UTF-8 (a CJK one is
	// 14 px in 3 bytes): most cells are found to fit on one line unread.
	if float64(len(text))*7.5 <= avail && strings.IndexByte(text, '\n') < 0 {
		return 1
	}
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

// headHeights sizes the header rows so that every header text fits
// wrapped: a head spanning both rows may use their sum. With a one-row
// header only the first is used.
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
