package forms

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"zhengzhi/domain"
)

// List is the layout of a flat list export — the filtered case list, sites,
// tips — written by WriteListXLSX and WriteListCSV: an optional title, one
// header row and one row per record, each cell computed from the record by
// its column. Records come from an iterator and are written as they come,
// in flat memory, like the two forms.
type List[T any] struct {
	Sheet   string // worksheet name (at most 31 characters, none of : \ / ? * [ ])
	Title   string // a title line above the header, "" for none
	Columns []ListColumn[T]
}

// ListColumn is one column of a List. Exactly one of Text, Count and Wan is
// set; it says what kind of cell the column has.
type ListColumn[T any] struct {
	Head  string
	Width float64 // in characters; 0 means 10
	// Wrap left-aligns and wraps Text cells (long free text); otherwise
	// they are centred.
	Wrap  bool
	Text  func(T) string // a text cell, never a formula whatever it starts with
	Count func(T) int64  // a whole-number cell
	Wan   func(T) int64  // an amount kept in fen, shown in 万元 (numeric, exact)
}

// form turns l into the layout the sheet writer uses.
func (l *List[T]) form() (*form[T], error) {
	if len(l.Columns) == 0 {
		return nil, fmt.Errorf("forms: list %q has no columns", l.Sheet)
	}
	fm := &form[T]{title: l.Title, sheet: l.Sheet, headRow: 1}
	if l.Title != "" {
		fm.headRow = 2
	}
	for _, lc := range l.Columns {
		c := column[T]{head: lc.Head, width: lc.Width}
		if c.width <= 0 {
			c.width = 10
		}
		set := 0
		if lc.Text != nil {
			set++
			c.kind, c.text = kindCentre, lc.Text
			if lc.Wrap {
				c.kind = kindText
			}
		}
		if lc.Count != nil {
			set++
			c.kind, c.num = kindCount, lc.Count
		}
		if lc.Wan != nil {
			set++
			c.kind, c.num = kindWan, lc.Wan
		}
		if set != 1 {
			return nil, fmt.Errorf("forms: list %q column %q: want exactly one of Text, Count, Wan", l.Sheet, lc.Head)
		}
		fm.cols = append(fm.cols, c)
	}
	return fm, nil
}

// WriteListXLSX writes l as an XLSX workbook with one worksheet, one row per
// record in the order given, streamed as WriteProblems streams 附件1. An
// error from rows stops the export and is returned; if it comes before the
// first bytes went out, nothing has been written to w.
func WriteListXLSX[T any](w io.Writer, l *List[T], rows iter.Seq2[T, error]) error {
	fm, err := l.form()
	if err != nil {
		return err
	}
	return writeRows(w, fm, rows)
}

// WriteListCSV writes l as CSV (RFC 4180, UTF-8 with a byte order mark so
// that Excel reads the Chinese text right): the header row, then one row per
// record; amounts in 万元 as exact decimals. A text cell starting with
// = + - @ or a tab or CR gets a leading ' so that a spreadsheet opening the
// file shows it instead of running it as a formula. Rows are written as
// they come, and pushed through to w (and flushed, if w can be) when bytes
// have waited flushEvery; an error from rows stops the export and is
// returned, and nothing has been written to w if it came before the first
// 64 KiB.
func WriteListCSV[T any](w io.Writer, l *List[T], rows iter.Seq2[T, error]) error {
	fm, err := l.form()
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, holdBack)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	rec := make([]string, len(fm.cols))
	for i, c := range fm.cols {
		rec[i] = c.head
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	n, flushed := 0, time.Now()
	for r, err := range rows {
		if err != nil {
			return fmt.Errorf("forms: %s row %d: %w", l.Sheet, n+1, err)
		}
		n++
		for i, c := range fm.cols {
			switch c.kind {
			case kindText, kindCentre:
				rec[i] = csvText(c.text(r))
			case kindCount:
				rec[i] = strconv.FormatInt(c.num(r), 10)
			case kindWan:
				rec[i] = domain.FenToWan(c.num(r))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
		if time.Since(flushed) >= flushEvery {
			flushed = time.Now()
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
			if err := bw.Flush(); err != nil {
				return err
			}
			if err := flushOut(w); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return flushOut(w)
}

// csvText defuses a text a spreadsheet would read as a formula.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
