package web

// evidenceMessages are the texts of 销号's evidence, the return banner and
// the campaign's evidence setting.
var evidenceMessages = map[string][2]string{
	"case.item":            {"两断三清项目（两断三清照片须选）", "Item shown (two-cuts-three-clears photos)"},
	"case.returned":        {"本问题已被%s退回，请按退回理由整改后重新申请销号", "Returned by %s: rectify as the reason says, then request closeout again"},
	"co.evidence":          {"申请销号所需材料", "Evidence a closeout request needs"},
	"co.evidence.count":    {"已有 %d 张，需 %d 张", "%d of %d"},
	"co.evidence.upload":   {"上传材料", "Upload evidence"},
	"camp.evidence":        {"申请销号所需材料", "Evidence for closeout"},
	"camp.evidence.done":   {"整改完成照片至少 %d 张", "at least %d photo(s) of the finished rectification"},
	"camp.evidence.done_n": {"整改完成照片至少（张）", "Photos of the finished rectification, at least"},
	"camp.evidence.clears": {"关闭、取缔的须有每项两断三清照片", "closed or banned sites: a photo of each two-cuts-three-clears item"},
	"camp.evidence.none":   {"不要求", "none required"},
}
