package forms

import (
	"fmt"
	"io"
	"iter"

	"github.com/xuri/excelize/v2"
)

// Table is a plain list exported as it is shown (the case list, the site
// register): a title row, one header row, then one row per record. Unlike
// 附件1 and 附件2 its columns are the caller's: the list decides what it
// shows, this writer only lays it out the same way the forms are laid out
// (宋体, borders, wrapped text, A4 landscape one page wide, the header
// repeated on every printed page, frozen panes).
type Table struct {
	Title   string
	Sheet   string // worksheet name (default "Sheet1")
	Columns []TableColumn
}

// TableColumn is one column of a Table.
type TableColumn struct {
	Head  string
	Width float64 // in character units; 0: 12
	// Number writes the column's cells as numbers (an int, int64 or
	// float64 cell value), centred; other columns are text.
	Number bool
}

// WriteTable writes t as an XLSX workbook with one worksheet, one row per
// item of rows (a cell per column: a string, or a number for a Number
// column; nil is an empty cell). Rows are streamed. An error from rows
// stops the export and is returned; nothing is written to w then.
func WriteTable(w io.Writer, t Table, rows iter.Seq2[[]any, error]) (err error) {
	if t.Sheet == "" {
		t.Sheet = "Sheet1"
	}
	if len(t.Columns) == 0 {
		return fmt.Errorf("forms: table %q has no columns", t.Title)
	}
	f := excelize.NewFile()
	defer f.Close()
	defer func() {
		if err != nil {
			err = fmt.Errorf("forms: table %q: %w", t.Title, err)
		}
	}()
	if t.Sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", t.Sheet); err != nil {
			return err
		}
	}
	const titleRow, headRow = 1, 2
	if err := pageSetup(f, t.Sheet, headRow, headRow); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(t.Sheet)
	if err != nil {
		return err
	}
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = c.Width
		if widths[i] <= 0 {
			widths[i] = 12
		}
	}
	// Last to first, so that the <col> elements come out ascending (see newSheetWriter).
	for i := len(widths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headRow,
		TopLeftCell: cellName(0, headRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	last := len(t.Columns) - 1
	if err := sw.SetRow(cellName(0, titleRow), []any{excelize.Cell{StyleID: st.title, Value: t.Title}},
		excelize.RowOpts{Height: 32}); err != nil {
		return err
	}
	if last > 0 {
		if err := sw.MergeCell(cellName(0, titleRow), cellName(last, titleRow)); err != nil {
			return err
		}
	}
	head := make([]any, len(t.Columns))
	lines := 1
	for i, c := range t.Columns {
		head[i] = excelize.Cell{StyleID: st.head, Value: c.Head}
		lines = max(lines, textLines(c.Head, widths[i]))
	}
	if err := sw.SetRow(cellName(0, headRow), head, excelize.RowOpts{Height: rowHeight(lines)}); err != nil {
		return err
	}
	row := headRow
	cells := make([]any, len(t.Columns))
	for r, err := range rows {
		if err != nil {
			return fmt.Errorf("row %d: %w", row-headRow+1, err)
		}
		row++
		lines := 1
		for i, c := range t.Columns {
			var v any
			if i < len(r) {
				v = r[i]
			}
			style := st.data[kindText]
			if c.Number {
				style = st.data[kindCount]
				if _, ok := v.(float64); ok {
					style = st.data[kindWan]
				}
			} else if s, ok := v.(string); ok {
				if s == "" {
					v = nil
				} else {
					lines = max(lines, textLines(s, widths[i]))
				}
			}
			cells[i] = excelize.Cell{StyleID: style, Value: v}
		}
		if err := sw.SetRow(cellName(0, row), cells, excelize.RowOpts{Height: rowHeight(lines)}); err != nil {
			return fmt.Errorf("row %d: %w", row-headRow, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
