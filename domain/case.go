package domain

import (
	"fmt"
	"time"
)

// CaseStatus is a case's place in the closed loop (DESIGN.md §2 life cycle).
type CaseStatus string

// Case statuses.
const (
	StatusRegistered        CaseStatus = "registered"         // 登记
	StatusRectifying        CaseStatus = "rectifying"         // 整治中
	StatusCloseoutRequested CaseStatus = "closeout_requested" // 申请销号
	StatusVillageApproved   CaseStatus = "village_approved"   // 村审核通过
	StatusTownApproved      CaseStatus = "town_approved"      // 镇审核通过
	StatusClosedOut         CaseStatus = "closed_out"         // 已销号
	StatusVoided            CaseStatus = "voided"             // 已作废
)

// StatusNames gives each status's Chinese name.
var StatusNames = map[CaseStatus]string{
	StatusRegistered: "登记", StatusRectifying: "整治中", StatusCloseoutRequested: "申请销号",
	StatusVillageApproved: "村审核通过", StatusTownApproved: "镇审核通过",
	StatusClosedOut: "已销号", StatusVoided: "已作废",
}

// Shutdown is the 停产或关闭 decision on a case.
type Shutdown string

// Shutdown values (停产或关闭).
const (
	ShutdownNone      Shutdown = "none"      // 无
	ShutdownSuspended Shutdown = "suspended" // 停产
	ShutdownClosed    Shutdown = "closed"    // 关闭
	ShutdownBanned    Shutdown = "banned"    // 取缔
)

// ShutdownNames gives the 附件1 cell text; none is an empty cell.
var ShutdownNames = map[Shutdown]string{
	ShutdownNone: "", ShutdownSuspended: "停产", ShutdownClosed: "关闭", ShutdownBanned: "取缔",
}

// Onsite is a case's 现场整治完成情况.
type Onsite string

// Onsite values.
const (
	OnsiteNotStarted Onsite = "not_started" // 未启动
	OnsiteInProgress Onsite = "in_progress" // 整治中
	OnsiteDone       Onsite = "done"        // 已完成
)

// OnsiteNames gives the 附件1 cell text.
var OnsiteNames = map[Onsite]string{
	OnsiteNotStarted: "未启动", OnsiteInProgress: "整治中", OnsiteDone: "已完成",
}

// Source says how a case was found (问题来源).
type Source string

// Case sources.
const (
	SourceGrid       Source = "grid"       // 网格排查
	SourceTip        Source = "tip"        // 群众举报
	SourceSpotCheck  Source = "spot_check" // 督导检查
	SourceDepartment Source = "department" // 部门移交
	SourcePrior      Source = "prior"      // 前期"小化工"排查
)

// SourceNames gives each source's Chinese name.
var SourceNames = map[Source]string{
	SourceGrid: "网格排查", SourceTip: "群众举报", SourceSpotCheck: "督导检查",
	SourceDepartment: "部门移交", SourcePrior: "前期“小化工”排查",
}

// Case (问题) is one row of 附件1: one site's problem in one campaign, with
// its rectification, penalties and review state (一案一档). Its place and
// identity come first; the fields a user fills in are CaseFields, defined
// once and shared by create, patch, storage, the forms and the case ZIP.
type Case struct {
	ID         int64  `json:"id"`
	ProblemNo  string `json:"problem_no"`
	CampaignID int64  `json:"campaign_id"`
	OrgID      int64  `json:"org_id"` // always town level
	VillageID  *int64 `json:"village_id"`
	SiteID     int64  `json:"site_id"`

	CaseFields

	Status    CaseStatus `json:"status"`
	Published bool       `json:"published"`
	Version   int64      `json:"version"`
	CreatedBy int64      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	ClosedAt  *time.Time `json:"closed_out_at"`

	// ClearsDone is derived on every write (Derive): the campaign's whole
	// 两断三清 checklist is done (ClearsComplete). Stored so that SQL can
	// count it, and carried in JSON so that the weekly snapshots' frozen
	// 附件1 rows keep it; it is never written by a user.
	ClearsDone bool `json:"two_cuts_three_clears_done"`

	// Filled on reads for display; not stored with the case.
	TownName    string    `json:"town_name,omitempty"`
	VillageName string    `json:"village_name,omitempty"`
	Warnings    []Warning `json:"warnings,omitempty"`
}

// CaseFields are the fields of a case that its users write (§7 case JSON):
// the unit, the problem, its rectification, penalties and deadlines. A new
// field is added here, to the store's column table (store/case.go
// caseFieldColumns) and to the forms that show it, and nowhere else; the
// round-trip test (app/casefields_test.go) fails until it is carried through.
//
// The right tag says which right a change of the field needs beyond opening
// or editing the case (FieldRight): "enforce" for 停产或关闭 and 行政刑事处罚,
// 党纪政纪处理 (ActEnforce), "supervise" for 挂牌督办 (ActSupervise); an
// untagged field needs ActEditCase.
type CaseFields struct {
	SourceNo       string   `json:"source_no"`
	UnitName       string   `json:"unit_name"`
	Category       Category `json:"category"`
	Address        string   `json:"address"`
	PersonInCharge string   `json:"person_in_charge"`
	Description    string   `json:"description"`
	Source         Source   `json:"source"`

	// 违法违规问题整治处理
	Shutdown     Shutdown        `json:"shutdown" right:"enforce"`
	ShutdownDate Date            `json:"shutdown_date" right:"enforce"`
	Clears       map[string]bool `json:"two_cuts_three_clears"`
	ClearDates   map[string]Date `json:"two_cuts_three_clears_dates"`

	// 行政刑事处罚
	CaseFiled          bool   `json:"case_filed" right:"enforce"`
	CaseNo             string `json:"case_no" right:"enforce"`
	FineFen            int64  `json:"fine_fen" right:"enforce"`
	ConfiscatedFen     int64  `json:"confiscated_fen" right:"enforce"`
	JudicialTransfer   bool   `json:"judicial_transfer" right:"enforce"`
	JudicialPersons    int    `json:"judicial_persons" right:"enforce"`
	DetainedPersons    int    `json:"detained_persons" right:"enforce"`
	DisciplinedPersons int    `json:"disciplined_persons" right:"enforce"`

	OnsiteStatus       Onsite `json:"onsite_status"`
	OnsiteDoneDate     Date   `json:"onsite_done_date"`
	RectifyDeadline    Date   `json:"rectify_deadline"`
	Supervised         bool   `json:"supervised" right:"supervise"`
	SupervisedDeadline Date   `json:"supervised_deadline" right:"supervise"`
}

// Clone copies the fields deeply enough to edit the copy.
func (f CaseFields) Clone() CaseFields {
	x := f
	x.Clears = make(map[string]bool, len(f.Clears))
	for k, v := range f.Clears {
		x.Clears[k] = v
	}
	x.ClearDates = make(map[string]Date, len(f.ClearDates))
	for k, v := range f.ClearDates {
		x.ClearDates[k] = v
	}
	return x
}

// Clone copies a case deeply enough to edit the copy.
func (c *Case) Clone() *Case {
	x := *c
	x.CaseFields = c.CaseFields.Clone()
	if c.VillageID != nil {
		v := *c.VillageID
		x.VillageID = &v
	}
	x.Warnings = append([]Warning(nil), c.Warnings...)
	return &x
}

// ClearsComplete reports whether 两断三清 is done: every item of the
// campaign's checklist (DefaultClearItems when it has none) is done — an
// item the case does not carry is not done (DESIGN.md §2). It is the one
// rule of “两断三清 done”: Derive stores it as ClearsDone on every write,
// and 附件1 col 16 and 附件2 col 13 both read that flag.
func (c *Case) ClearsComplete(camp *Campaign) bool {
	items := campaignClearItems(camp)
	return len(items) > 0 && len(missingClears(c, items)) == 0
}

// Derive sets what a case's stored state follows from its fields, on every
// write, at now: a 挂牌督办 case without a deadline gets the campaign's
// default one (DefaultSupervisedDeadline), and ClearsDone is recomputed.
func (c *Case) Derive(camp *Campaign, now time.Time) {
	if c.Supervised && c.SupervisedDeadline == "" {
		c.SupervisedDeadline = DefaultSupervisedDeadline(camp, now)
	}
	c.ClearsDone = c.ClearsComplete(camp)
}

// Stored is the case as it is stored and as the audit trail records it:
// without the names and warnings filled in for display.
func (c *Case) Stored() Case {
	x := *c
	x.TownName, x.VillageName, x.Warnings = "", "", nil
	return x
}

// ProblemNo formats 问题编号 {prefix}-{YYYY}-{NNNN}: the town's prefix, the
// year of registration and the town's sequence number n in that year.
func ProblemNo(prefix string, year, n int) string {
	return fmt.Sprintf("%s-%04d-%04d", prefix, year, n)
}

// StatusLive is not a status but the case list's filter value (status=live)
// for every case that counts (Counts): all but the voided ones.
const StatusLive CaseStatus = "live"

// StatusOpen is the case list's filter value (status=open) for the cases
// still to be worked on: OpenStatuses.
const StatusOpen CaseStatus = "open"

// OpenStatuses are the statuses of a case still to be worked on — 登记 and
// 整治中, the ones that accept edits (Editable) and a 销号 request: a grid
// worker's cases to finish.
var OpenStatuses = []CaseStatus{StatusRegistered, StatusRectifying}

// Counts reports whether a case counts in the figures and forms: a voided
// case (录入错误/重复) counts nowhere (DESIGN.md §2).
func Counts(c *Case) bool { return c.Status != StatusVoided }

// FinishedStatuses are the statuses in which a case has run its course:
// closed out or voided. A deadline passed in one of them is not overdue.
var FinishedStatuses = []CaseStatus{StatusClosedOut, StatusVoided}

// SiteTargetType is the 整治对象 type of the site a case registers when it
// is opened without one (DESIGN.md §2): 停产停业 for the category stopped,
// else 小字头.
func SiteTargetType(cat Category) string {
	if cat == CatStopped {
		return TargetStopped
	}
	return TargetXiaozitou
}
