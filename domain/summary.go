package domain

// SummaryRow is one row of 附件2 (DESIGN.md §3), in the JSON shape of
// GET /api/v1/reports/summary. Amounts are kept in fen; *_wan are the exact
// 万元 decimal strings the form shows.
type SummaryRow struct {
	OrgID              int64  `json:"org_id,omitempty"`
	Region             string `json:"region"`
	InspectedXiaozitou int    `json:"inspected_xiaozitou"`   // col 2 小字头（家）
	InspectedStopped   int    `json:"inspected_stopped"`     // col 3 停产停业（家）
	Problems           int    `json:"problems"`              // col 4 问题总数（家）
	Smelting           int    `json:"smelting"`              // col 5 小冶炼（家）
	Electroplating     int    `json:"electroplating"`        // col 6 小电镀（家）
	Spraying           int    `json:"spraying"`              // col 7 小喷涂（家）
	Dyeing             int    `json:"dyeing"`                // col 8 小印染（家）
	Dust               int    `json:"dust"`                  // col 9 小涉爆粉尘（家）
	Other              int    `json:"other"`                 // col 10 其它（家）
	Stopped            int    `json:"stopped"`               // col 11 “停产停业”企业（家）
	Rectified          int    `json:"rectified"`             // col 12 整治完成数（家）
	TwoCutsThreeClears int    `json:"two_cuts_three_clears"` // col 13 “两断三清”（家）
	CaseFiled          int    `json:"case_filed"`            // col 14 立案查处（家）
	FineFen            int64  `json:"fine_fen"`              // col 15 行政处罚（万元）
	FineWan            string `json:"fine_wan"`
	ConfiscatedFen     int64  `json:"confiscated_fen"` // col 16 没收违法所得（万元）
	ConfiscatedWan     string `json:"confiscated_wan"`
	JudicialTransfers  int    `json:"judicial_transfers"`  // col 17 移送司法机关数（家）
	DetainedPersons    int    `json:"detained_persons"`    // col 18 行政、刑事拘留人数
	DisciplinedPersons int    `json:"disciplined_persons"` // col 19 党纪政纪处理人数
}

// Summary is a 附件2 table: one row per region and the 合计 row.
type Summary struct {
	Rows  []SummaryRow `json:"rows"`
	Total SummaryRow   `json:"total"`
}

// SummaryRegion names one row of a breakdown, in the order rows are shown.
type SummaryRegion struct {
	ID   int64
	Name string
}

// CaseFacts is what 附件2 needs of one case; RegionID is the breakdown row
// the case falls in (the child of the chosen unit that contains its town).
type CaseFacts struct {
	RegionID           int64
	Status             CaseStatus // voided cases count nowhere
	Category           Category
	OnsiteDone         bool
	ClearsComplete     bool
	CaseFiled          bool
	FineFen            int64
	ConfiscatedFen     int64
	JudicialTransfer   bool
	DetainedPersons    int
	DisciplinedPersons int
}

// InspectedSite is one site inspected in the campaign (counted once however
// often it was inspected), with the breakdown row it falls in.
type InspectedSite struct {
	RegionID   int64
	SiteID     int64
	TargetType string
}
