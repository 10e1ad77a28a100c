// Package forms writes the notice's two official forms (钟安发〔2020〕4号,
// DESIGN.md §3) — 附件1 问题清单 and 附件2 汇总表 — as XLSX workbooks and as a
// printable HTML page, and flat list exports (List) as XLSX or CSV. The
// layout of both forms (header texts, merges, column order, cell rules) is
// described once, in columns.go, and used by every writer. The XLSX and CSV
// writers stream: rows come from an iterator and are written as they come,
// in flat memory.
package forms
