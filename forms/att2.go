package forms

import (
	"io"
	"time"

	"zhengzhi/domain"
)

// WriteSummary writes 附件2 违法违规“小字头”及“停产停业”企业排查整治问题汇总表
// as an XLSX workbook with one worksheet: the 填报日期 line (filled, as a
// date in Asia/Shanghai), one row per s.Rows and the 合计 row from s.Total.
func WriteSummary(w io.Writer, s domain.Summary, filled time.Time) error {
	sw, err := newSheetWriter(w, &att2, filledText(filled))
	if err != nil {
		return err
	}
	defer sw.stop()
	for i := range s.Rows {
		if err := sw.writeRow(&s.Rows[i], 0, false); err != nil {
			return err
		}
	}
	total := s.Total
	total.Region = totalLabel
	if err := sw.writeRow(&total, 0, true); err != nil {
		return err
	}
	return sw.finish()
}
