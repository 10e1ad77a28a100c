package domain

import "time"

// Case statuses (DESIGN.md §2 life cycle).
const (
	StatusRegistered        = "registered"         // 登记
	StatusRectifying        = "rectifying"         // 整治中
	StatusCloseoutRequested = "closeout_requested" // 申请销号
	StatusVillageApproved   = "village_approved"   // 村审核通过
	StatusTownApproved      = "town_approved"      // 镇审核通过
	StatusClosedOut         = "closed_out"         // 已销号
	StatusVoided            = "voided"             // 已作废
)

// StatusNames gives each status's Chinese name.
var StatusNames = map[string]string{
	StatusRegistered: "登记", StatusRectifying: "整治中", StatusCloseoutRequested: "申请销号",
	StatusVillageApproved: "村审核通过", StatusTownApproved: "镇审核通过",
	StatusClosedOut: "已销号", StatusVoided: "已作废",
}

// Shutdown values (停产或关闭).
const (
	ShutdownNone      = "none"      // 无
	ShutdownSuspended = "suspended" // 停产
	ShutdownClosed    = "closed"    // 关闭
	ShutdownBanned    = "banned"    // 取缔
)

// ShutdownNames gives the 附件1 cell text; none is an empty cell.
var ShutdownNames = map[string]string{
	ShutdownNone: "", ShutdownSuspended: "停产", ShutdownClosed: "关闭", ShutdownBanned: "取缔",
}

// Onsite (现场整治完成情况) values.
const (
	OnsiteNotStarted = "not_started" // 未启动
	OnsiteInProgress = "in_progress" // 整治中
	OnsiteDone       = "done"        // 已完成
)

// OnsiteNames gives the 附件1 cell text.
var OnsiteNames = map[string]string{
	OnsiteNotStarted: "未启动", OnsiteInProgress: "整治中", OnsiteDone: "已完成",
}

// Case sources.
const (
	SourceGrid       = "grid"       // 网格排查
	SourceTip        = "tip"        // 群众举报
	SourceSpotCheck  = "spot_check" // 督导检查
	SourceDepartment = "department" // 部门移交
	SourcePrior      = "prior"      // 前期"小化工"排查
)

// SourceNames gives each source's Chinese name.
var SourceNames = map[string]string{
	SourceGrid: "网格排查", SourceTip: "群众举报", SourceSpotCheck: "督导检查",
	SourceDepartment: "部门移交", SourcePrior: "前期“小化工”排查",
}

// Case (问题) is one row of 附件1: one site's problem in one campaign, with
// its rectification, penalties and review state (一案一档).
type Case struct {
	ID             int64  `json:"id"`
	ProblemNo      string `json:"problem_no"`
	SourceNo       string `json:"source_no"`
	CampaignID     int64  `json:"campaign_id"`
	OrgID          int64  `json:"org_id"` // always town level
	VillageID      *int64 `json:"village_id"`
	SiteID         int64  `json:"site_id"`
	UnitName       string `json:"unit_name"`
	Category       string `json:"category"`
	Address        string `json:"address"`
	PersonInCharge string `json:"person_in_charge"`
	Description    string `json:"description"`
	Source         string `json:"source"`

	// 违法违规问题整治处理
	Shutdown     string          `json:"shutdown"`
	ShutdownDate Date            `json:"shutdown_date"`
	Clears       map[string]bool `json:"two_cuts_three_clears"`
	ClearDates   map[string]Date `json:"two_cuts_three_clears_dates"`

	// 行政刑事处罚
	CaseFiled          bool   `json:"case_filed"`
	CaseNo             string `json:"case_no"`
	FineFen            int64  `json:"fine_fen"`
	ConfiscatedFen     int64  `json:"confiscated_fen"`
	JudicialTransfer   bool   `json:"judicial_transfer"`
	JudicialPersons    int    `json:"judicial_persons"`
	DetainedPersons    int    `json:"detained_persons"`
	DisciplinedPersons int    `json:"disciplined_persons"`

	OnsiteStatus       string `json:"onsite_status"`
	OnsiteDoneDate     Date   `json:"onsite_done_date"`
	RectifyDeadline    Date   `json:"rectify_deadline"`
	Supervised         bool   `json:"supervised"`
	SupervisedDeadline Date   `json:"supervised_deadline"`

	Status    string     `json:"status"`
	Published bool       `json:"published"`
	Version   int64      `json:"version"`
	CreatedBy int64      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	ClosedAt  *time.Time `json:"closed_out_at"`

	// Filled on reads for display; not stored with the case.
	TownName    string    `json:"town_name,omitempty"`
	VillageName string    `json:"village_name,omitempty"`
	Warnings    []Warning `json:"warnings,omitempty"`
}

// ClearsComplete reports whether every item of the campaign's 两断三清
// checklist is done: the checklist counts only when complete.
func (c *Case) ClearsComplete(items []string) bool {
	if len(items) == 0 {
		return false
	}
	for _, it := range items {
		if !c.Clears[it] {
			return false
		}
	}
	return true
}
