package forms

import (
	"fmt"
	"time"

	"zhengzhi/domain"
)

// The layout of the notice's two forms (钟安发〔2020〕4号 附件1 and 附件2, DESIGN.md §3)
// lives in this file only: the XLSX writers and the printable HTML page both
// read it, so a header text, a merge or a cell rule is changed in one place.

// cellKind says how a column's cells are written and aligned.
type cellKind uint8

const (
	kindSerial cellKind = iota // 序号: 1, 2, … (numeric)
	kindText                   // free text, left aligned and wrapped
	kindCentre                 // short text or a "√" mark, centred
	kindCount                  // a count of firms or persons (numeric)
	kindWan                    // an amount kept in fen, shown in 万元 (numeric, exact)
	numKinds
)

// column is one column of a form: its header texts, its printed width and
// how a row of type T fills it.
type column[T any] struct {
	// group is the header on the first header row shared by a run of
	// adjacent columns (merged across them); "" means the column's own
	// header spans both header rows.
	group string
	head  string  // the column's own header (second header row under a group)
	width float64 // XLSX width in character units; HTML widths are proportional
	kind  cellKind
	text  func(T) string // kindText, kindCentre
	num   func(T) int64  // kindCount, kindWan (fen)
}

// form is one of the notice's forms.
type form[T any] struct {
	label string // "附件1"; "" for none
	title string // "" for none
	sheet string // worksheet name
	// headRow is the spreadsheet row (1-based) of the first header row,
	// below the label, the title and the 填报日期 line that the form has;
	// data starts below the header rows.
	headRow int
	cols    []column[T]
}

// mark is the notice's tick for a yes cell.
const mark = "√"

func tick(b bool) string {
	if b {
		return mark
	}
	return ""
}

// att1 is 附件1 违法违规“小字头”及“停产停业”企业排查问题清单: one row per case.
var att1 = form[*domain.Case]{
	label:   "附件1",
	title:   "违法违规“小字头”及“停产停业”企业排查问题清单",
	sheet:   "附件1",
	headRow: 3,
	cols: []column[*domain.Case]{
		{head: "序号", width: 5, kind: kindSerial},
		{head: "问题编号", width: 11, kind: kindCentre, text: func(c *domain.Case) string { return c.ProblemNo }},
		{head: "地区", width: 9, kind: kindCentre, text: func(c *domain.Case) string { return c.TownName }},
		{head: "问题单位名称", width: 18, kind: kindText, text: func(c *domain.Case) string { return c.UnitName }},
		// 问题类别: "√" in the case's one category, in 附件1's order.
		categoryCol(domain.CatStopped),
		categoryCol(domain.CatSmelting),
		categoryCol(domain.CatElectroplating),
		categoryCol(domain.CatSpraying),
		categoryCol(domain.CatDyeing),
		categoryCol(domain.CatDust),
		categoryCol(domain.CatOther),
		{head: "详细地址", width: 18, kind: kindText, text: func(c *domain.Case) string { return c.Address }},
		{head: "负责人", width: 8, kind: kindCentre, text: func(c *domain.Case) string { return c.PersonInCharge }},
		{head: "违法违规问题具体描述", width: 28, kind: kindText, text: func(c *domain.Case) string { return c.Description }},
		{group: "违法违规问题整治处理", head: "停产或关闭", width: 6, kind: kindCentre,
			text: func(c *domain.Case) string { return domain.ShutdownNames[c.Shutdown] }},
		{group: "违法违规问题整治处理", head: "两断三清", width: 6, kind: kindCentre,
			text: func(c *domain.Case) string { return tick(clearsDone(c)) }},
		{group: "行政刑事处罚", head: "立案查处", width: 5, kind: kindCentre,
			text: func(c *domain.Case) string { return tick(c.CaseFiled) }},
		{group: "行政刑事处罚", head: "行政处罚（万元）", width: 9, kind: kindWan,
			num: func(c *domain.Case) int64 { return c.FineFen }},
		{group: "行政刑事处罚", head: "没收违法所得（万元）", width: 9, kind: kindWan,
			num: func(c *domain.Case) int64 { return c.ConfiscatedFen }},
		{group: "行政刑事处罚", head: "移送司法机关人数", width: 6, kind: kindCount,
			num: func(c *domain.Case) int64 { return int64(c.JudicialPersons) }},
		{head: "党纪政纪处理人数", width: 6, kind: kindCount,
			num: func(c *domain.Case) int64 { return int64(c.DisciplinedPersons) }},
		{head: "现场整治完成情况", width: 8, kind: kindCentre,
			text: func(c *domain.Case) string { return domain.OnsiteNames[c.OnsiteStatus] }},
	},
}

// categoryCol is one 附件1 问题类别 sub-column.
func categoryCol(cat domain.Category) column[*domain.Case] {
	return column[*domain.Case]{
		group: "问题类别", head: domain.CategoryNames[cat], width: 4.5, kind: kindCentre,
		text: func(c *domain.Case) string { return tick(c.Category == cat) },
	}
}

// clearsDone is 附件1 col 16 两断三清: the case's stored ClearsDone flag,
// derived by the domain on every write (domain.Case.ClearsComplete: every
// item of the campaign's checklist done) — the flag 附件2 col 13 counts, so
// the two forms agree whatever items a campaign adds.
func clearsDone(c *domain.Case) bool { return c.ClearsDone }

// att2 is 附件2 违法违规“小字头”及“停产停业”企业排查整治问题汇总表: one row per
// region, then the 合计 row. Its category order differs from 附件1's.
var att2 = form[*domain.SummaryRow]{
	label:   "附件2",
	title:   "违法违规“小字头”及“停产停业”企业排查整治问题汇总表",
	sheet:   "附件2",
	headRow: 4,
	cols: []column[*domain.SummaryRow]{
		{head: "地区", width: 15, kind: kindCentre, text: func(r *domain.SummaryRow) string { return r.Region }},
		wideCountCol("排查总数", "小字头（家）", func(r *domain.SummaryRow) int { return r.InspectedXiaozitou }),
		wideCountCol("排查总数", "停产停业（家）", func(r *domain.SummaryRow) int { return r.InspectedStopped }),
		wideCountCol("", "问题总数（家）", func(r *domain.SummaryRow) int { return r.Problems }),
		countCol("问题类别", "小冶炼（家）", func(r *domain.SummaryRow) int { return r.Smelting }),
		countCol("问题类别", "小电镀（家）", func(r *domain.SummaryRow) int { return r.Electroplating }),
		countCol("问题类别", "小喷涂（家）", func(r *domain.SummaryRow) int { return r.Spraying }),
		countCol("问题类别", "小印染（家）", func(r *domain.SummaryRow) int { return r.Dyeing }),
		countCol("问题类别", "小涉爆粉尘（家）", func(r *domain.SummaryRow) int { return r.Dust }),
		countCol("问题类别", "其它（家）", func(r *domain.SummaryRow) int { return r.Other }),
		countCol("问题类别", "“停产停业”企业（家）", func(r *domain.SummaryRow) int { return r.Stopped }),
		countCol("", "整治完成数（家）", func(r *domain.SummaryRow) int { return r.Rectified }),
		countCol("", "“两断三清”（家）", func(r *domain.SummaryRow) int { return r.TwoCutsThreeClears }),
		countCol("", "立案查处（家）", func(r *domain.SummaryRow) int { return r.CaseFiled }),
		{head: "行政处罚（万元）", width: 9.5, kind: kindWan, num: func(r *domain.SummaryRow) int64 { return r.FineFen }},
		{head: "没收违法所得（万元）", width: 9.5, kind: kindWan, num: func(r *domain.SummaryRow) int64 { return r.ConfiscatedFen }},
		countCol("", "移送司法机关数（家）", func(r *domain.SummaryRow) int { return r.JudicialTransfers }),
		countCol("", "行政、刑事拘留人数", func(r *domain.SummaryRow) int { return r.DetainedPersons }),
		countCol("", "党纪政纪处理人数", func(r *domain.SummaryRow) int { return r.DisciplinedPersons }),
	},
}

// countCol is a 附件2 count column: narrow, the header wrapping at about
// three characters as the notice prints it.
func countCol(group, head string, f func(*domain.SummaryRow) int) column[*domain.SummaryRow] {
	return column[*domain.SummaryRow]{group: group, head: head, width: 6.5, kind: kindCount,
		num: func(r *domain.SummaryRow) int64 { return int64(f(r)) }}
}

// wideCountCol is a count column whose 合计 may reach seven digits in a
// province-wide deployment (排查总数, 问题总数): wide enough not to show ###.
func wideCountCol(group, head string, f func(*domain.SummaryRow) int) column[*domain.SummaryRow] {
	c := countCol(group, head, f)
	c.width = 8
	return c
}

// totalLabel is the 地区 cell of 附件2's last row.
const totalLabel = "合计"

// headCell is one cell of a form's two-row header: its text and the
// rectangle it covers, in 0-based column and header-row offsets.
type headCell struct {
	text          string
	col, row      int // row 0 is the first header row, 1 the second
	colspan, rows int
}

// headRows is how many header rows fm has: two when any column is in a
// group, else one.
func (fm *form[T]) headRows() int { return headRowsOf(fm.cols) }

func headRowsOf[T any](cols []column[T]) int {
	for _, c := range cols {
		if c.group != "" {
			return 2
		}
	}
	return 1
}

// header lays out a form's two header rows: a grouped run of columns gets
// one merged cell on the first row and its own heads on the second; a
// column without a group spans both rows. Without any group (a list) the
// header is one row.
func header[T any](cols []column[T]) []headCell {
	var cells []headCell
	rows := headRowsOf(cols)
	for i := 0; i < len(cols); {
		c := cols[i]
		if c.group == "" {
			cells = append(cells, headCell{text: c.head, col: i, colspan: 1, rows: rows})
			i++
			continue
		}
		j := i
		for j < len(cols) && cols[j].group == c.group {
			j++
		}
		cells = append(cells, headCell{text: c.group, col: i, colspan: j - i, rows: 1})
		for k := i; k < j; k++ {
			cells = append(cells, headCell{text: cols[k].head, col: k, row: 1, colspan: 1, rows: 1})
		}
		i = j
	}
	return cells
}

// filledText is 附件2's 填报日期 line, the date taken in Asia/Shanghai.
func filledText(t time.Time) string {
	t = t.In(domain.Shanghai())
	return fmt.Sprintf("填报日期：%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}
