package forms

import (
	"io"
	"iter"

	"zhengzhi/domain"
)

// WriteProblems writes 附件1 违法违规“小字头”及“停产停业”企业排查问题清单 as an
// XLSX workbook with one worksheet, one row per case in the order given.
// Rows are written as they are read — a province's million cases in flat
// memory, the first bytes reaching w within a fraction of a second, and
// again whenever bytes have waited half a second (w is flushed then, if it
// has a Flush method). An error from rows stops the export and is returned;
// if it comes before the first bytes went out (the first 64 KiB of the
// file), nothing has been written to w; after, w has a truncated file that
// no spreadsheet opens.
func WriteProblems(w io.Writer, rows iter.Seq2[*domain.Case, error]) error {
	return writeRows(w, &att1, rows)
}
