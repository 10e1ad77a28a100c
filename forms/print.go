package forms

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"

	"zhengzhi/domain"
)

// PrintHTML writes a self-contained printable page (A4 landscape) showing
// 附件1 for rows, when there are any, and 附件2 for s, when not nil, with
// the same headers and cell contents as the XLSX forms, for the browser's
// print button. title names the page; filled is 附件2's 填报日期.
func PrintHTML(w io.Writer, title string, s *domain.Summary, rows []*domain.Case, filled time.Time) error {
	page := printPage{Title: title}
	if len(rows) > 0 {
		f := newHTMLForm(&att1, "")
		for i, c := range rows {
			f.Rows = append(f.Rows, htmlRow(&att1, c, i+1, false))
		}
		page.Forms = append(page.Forms, f)
	}
	if s != nil {
		f := newHTMLForm(&att2, filledText(filled))
		for i := range s.Rows {
			f.Rows = append(f.Rows, htmlRow(&att2, &s.Rows[i], 0, false))
		}
		total := s.Total
		total.Region = totalLabel
		f.Rows = append(f.Rows, htmlRow(&att2, &total, 0, true))
		page.Forms = append(page.Forms, f)
	}
	if err := printTemplate.Execute(w, page); err != nil {
		return fmt.Errorf("forms: print page: %w", err)
	}
	return nil
}

type printPage struct {
	Title string
	Forms []printForm
}

type printForm struct {
	Label, Title, Filled string
	Cols                 []template.CSS // one width per column
	Head                 [2][]printHead
	Rows                 []printRow
}

type printHead struct {
	Text             string
	Colspan, Rowspan int
}

type printRow struct {
	Total bool
	Cells []printCell
}

type printCell struct {
	Text  string
	Class string // t: text, c: centred, n: number
}

func newHTMLForm[T any](fm *form[T], filled string) printForm {
	f := printForm{Label: fm.label, Title: fm.title, Filled: filled}
	sum := 0.0
	for _, c := range fm.cols {
		sum += c.width
	}
	for _, c := range fm.cols {
		f.Cols = append(f.Cols, template.CSS(fmt.Sprintf("width:%.2f%%", 100*c.width/sum)))
	}
	for _, h := range header(fm.cols) {
		f.Head[h.row] = append(f.Head[h.row], printHead{Text: h.text, Colspan: h.colspan, Rowspan: h.rows})
	}
	return f
}

func htmlRow[T any](fm *form[T], r T, serial int, total bool) printRow {
	row := printRow{Total: total, Cells: make([]printCell, len(fm.cols))}
	for i, c := range fm.cols {
		var pc printCell
		switch c.kind {
		case kindSerial:
			if serial > 0 {
				pc = printCell{Text: strconv.Itoa(serial), Class: "n"}
			} else {
				pc = printCell{Class: "n"}
			}
		case kindText:
			pc = printCell{Text: c.text(r), Class: "t"}
		case kindCentre:
			pc = printCell{Text: c.text(r), Class: "c"}
		case kindCount:
			pc = printCell{Text: strconv.FormatInt(c.num(r), 10), Class: "n"}
		case kindWan:
			pc = printCell{Text: domain.FenToWan(c.num(r)), Class: "n"}
		}
		row.Cells[i] = pc
	}
	return row
}

var printTemplate = template.Must(template.New("print").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
@page { size: A4 landscape; margin: 12mm 10mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #000; background: #fff;
  font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif;
  font-size: 10pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.form + .form { break-before: page; page-break-before: always; }
.label { font-family: "SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", sans-serif; font-size: 12pt; }
.form h1 { margin: 3mm 0 4mm; text-align: center; font-size: 18pt; font-weight: bold; }
.filled { margin: 0 0 2mm; font-size: 11pt; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 1px solid #000; padding: 2px 3px; vertical-align: middle;
  overflow-wrap: anywhere; word-break: break-all; }
th { font-weight: bold; text-align: center; }
td.c, td.n { text-align: center; }
td.t { text-align: left; }
tr.total td { font-weight: bold; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.empty { margin: 2em 0; text-align: center; }
@media screen {
  body { padding: 16px; }
  .form { margin-bottom: 40px; }
  .screen-only { margin: 0 0 16px; color: #555; }
  /* On a phone the form keeps its columns readable and scrolls inside
     its own box; the page itself never scrolls sideways. */
  .wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
  .wrap table { min-width: 60em; }
}
@media screen and (max-width: 600px) {
  body { padding: 10px; }
  .form h1 { font-size: 14pt; }
}
@media print { .screen-only { display: none; } }
</style>
</head>
<body>
<p class="screen-only">{{.Title}}（使用浏览器的“打印”按A4横向打印）</p>
{{range .Forms}}<section class="form">
<div class="label">{{.Label}}</div>
<h1>{{.Title}}</h1>
{{if .Filled}}<p class="filled">{{.Filled}}</p>
{{end}}<div class="wrap"><table>
<colgroup>{{range .Cols}}<col style="{{.}}">{{end}}</colgroup>
<thead>
{{range .Head}}<tr>{{range .}}<th{{if gt .Colspan 1}} colspan="{{.Colspan}}"{{end}}{{if gt .Rowspan 1}} rowspan="{{.Rowspan}}"{{end}}>{{.Text}}</th>{{end}}</tr>
{{end}}</thead>
<tbody>
{{range .Rows}}<tr{{if .Total}} class="total"{{end}}>{{range .Cells}}<td class="{{.Class}}">{{.Text}}</td>{{end}}</tr>
{{end}}</tbody>
</table></div>
</section>
{{else}}<p class="empty">无数据</p>
{{end}}</body>
</html>
`))
