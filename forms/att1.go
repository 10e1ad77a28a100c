package forms

import (
	"fmt"
	"io"
	"iter"

	"zhengzhi/domain"
)

// WriteProblems writes 附件1 违法违规“小字头”及“停产停业”企业排查问题清单 as an
// XLSX workbook with one worksheet, one row per case in the order given.
// Rows are streamed, so a district's or a province's 100k cases stay in
// bounded memory. An error from rows stops the export and is returned;
// nothing is written to w then.
func WriteProblems(w io.Writer, rows iter.Seq2[*domain.Case, error]) error {
	sw, err := newSheetWriter(&att1, "")
	if err != nil {
		return err
	}
	defer sw.Close()
	n := 0
	for c, err := range rows {
		if err != nil {
			return fmt.Errorf("forms: 附件1 row %d: %w", n+1, err)
		}
		n++
		if err := sw.writeRow(c, n, false); err != nil {
			return err
		}
	}
	return sw.finish(w)
}
