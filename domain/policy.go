package domain

import (
	"fmt"
	"strings"
)

// Action names something a user may try to do. The policy below is the one
// place that says which roles may do it; scope is checked separately (Sees).
type Action string

const (
	ActRead            Action = "read"             // see records in scope
	ActReadAudit       Action = "read_audit"       // browse the whole audit trail
	ActManageOrgs      Action = "manage_orgs"      // org units, numbering prefixes
	ActManageUsers     Action = "manage_users"     // see ManageUser for who may make whom
	ActManageCampaign  Action = "manage_campaign"  // campaign setup, deadlines, exemptions
	ActWriteSite       Action = "write_site"       // register and edit sites, inspections
	ActCreateCase      Action = "create_case"      // open a case
	ActEditCase        Action = "edit_case"        // descriptive + rectification fields, evidence
	ActEnforce         Action = "enforce"          // penalty and shutdown fields
	ActSupervise       Action = "supervise"        // 挂牌督办 flag and deadline
	ActRequestCloseout Action = "request_closeout" // 申请销号
	ActVoid            Action = "void"             // 作废
	ActReopen          Action = "reopen"           // 重新打开 a closed-out case
	ActTransfer        Action = "transfer"         // move a case to another town
	ActPublish         Action = "publish"          // 曝光台
	ActPrepareReport   Action = "prepare_report"   // draft a weekly report
	ActSubmitReport    Action = "submit_report"    // submit as the town (head or delegate)
	ActReviewReport    Action = "review_report"    // accept / return, 代报
	ActDelegate        Action = "delegate"         // a head delegates signing
	ActSpotCheck       Action = "spot_check"       // 督导检查
	ActHandleTips      Action = "handle_tips"      // dispatch, verify, link tips
	ActRevealReporter  Action = "reveal_reporter"  // see a tipster's identity
	ActReadTips        Action = "read_tips"        // see tips in scope (never the reporter)
	ActEnterTips       Action = "enter_tips"       // enter hotline/letter/visit tips, 12350 numbers and batches
	ActRewardTips      Action = "reward_tips"      // reward rules of the campaign
	ActManageAPIKeys   Action = "manage_api_keys"  // Open311 partner keys
)

// policy says which roles may perform each action. Approvals are not here:
// who may approve depends on the case's state (see lifecycle.go).
var policy = map[Action][]Role{
	ActRead: {RoleGrid, RoleVillageHead, RoleTownOfficer, RoleTownHead, RoleDistrictOffice,
		RoleSupervisor, RoleDiscipline, RoleDepartment, RoleAdmin},
	ActReadAudit:       {RoleDiscipline, RoleAdmin},
	ActManageOrgs:      {RoleAdmin},
	ActManageUsers:     {RoleTownOfficer, RoleDistrictOffice, RoleAdmin},
	ActManageCampaign:  {RoleDistrictOffice, RoleAdmin},
	ActWriteSite:       {RoleGrid, RoleTownOfficer, RoleDistrictOffice, RoleAdmin},
	ActCreateCase:      {RoleGrid, RoleTownOfficer, RoleDistrictOffice, RoleAdmin},
	ActEditCase:        {RoleGrid, RoleTownOfficer, RoleDistrictOffice, RoleAdmin},
	ActEnforce:         {RoleTownOfficer, RoleDistrictOffice, RoleAdmin},
	ActSupervise:       {RoleSupervisor, RoleDistrictOffice, RoleAdmin},
	ActRequestCloseout: {RoleGrid, RoleTownOfficer},
	ActVoid:            {RoleTownOfficer, RoleDistrictOffice, RoleAdmin},
	ActReopen:          {RoleTownOfficer, RoleDistrictOffice, RoleAdmin},
	ActTransfer:        {RoleDistrictOffice, RoleAdmin},
	ActPublish:         {RoleDistrictOffice, RoleAdmin},
	ActPrepareReport:   {RoleTownOfficer, RoleTownHead, RoleDistrictOffice, RoleAdmin},
	ActSubmitReport:    {RoleTownHead, RoleDistrictOffice, RoleAdmin},
	ActReviewReport:    {RoleDistrictOffice, RoleAdmin},
	ActDelegate:        {RoleTownHead, RoleVillageHead},
	ActSpotCheck:       {RoleSupervisor, RoleAdmin},
	ActHandleTips:      {RoleTownOfficer, RoleDistrictOffice, RoleAdmin},
	ActRevealReporter:  {RoleDistrictOffice},
	ActReadTips:        {RoleTownOfficer, RoleTownHead, RoleDistrictOffice, RoleSupervisor, RoleDiscipline, RoleAdmin},
	ActEnterTips:       {RoleDistrictOffice, RoleAdmin},
	ActRewardTips:      {RoleDistrictOffice, RoleAdmin},
	ActManageAPIKeys:   {RoleAdmin},
}

// actionWords says what each action does, in a refusal's words.
var actionWords = map[Action]string{
	ActRead: "查看该记录", ActReadAudit: "查阅审计记录", ActManageOrgs: "管理组织机构", ActManageUsers: "管理用户",
	ActManageCampaign: "设置专项行动", ActWriteSite: "登记场所或记录排查", ActCreateCase: "登记问题",
	ActEditCase: "修改问题内容或上传材料", ActEnforce: "填写停产或关闭、行政刑事处罚和党纪政纪处理",
	ActSupervise: "设置挂牌督办", ActRequestCloseout: "申请销号", ActVoid: "作废问题", ActReopen: "重新打开问题",
	ActTransfer: "移交问题", ActPublish: "在曝光台公开问题", ActPrepareReport: "编制周报", ActSubmitReport: "报送周报",
	ActReviewReport: "审核周报", ActDelegate: "授权他人签字", ActSpotCheck: "督导检查", ActHandleTips: "办理举报",
	ActRevealReporter: "查看举报人身份",
}

// RoleRefusal is the refusal (403) of act to role r, naming the real
// reason — the role — and the roles that may (the admin aside), e.g.
// “您的角色（区督导组）无权登记问题；可由网格员、镇（街道）经办、区联席会议办公室办理”.
func RoleRefusal(r Role, act Action) *Error {
	what := actionWords[act]
	if what == "" {
		what = "执行此操作"
	}
	msg := "无权" + what
	if name := RoleNames[r]; name != "" {
		msg = fmt.Sprintf("您的角色（%s）无权%s", name, what)
	}
	var who []string
	for _, x := range policy[act] {
		if x != RoleAdmin {
			who = append(who, RoleNames[x])
		}
	}
	if len(who) > 0 {
		msg += "；可由" + strings.Join(who, "、") + "办理"
	}
	return &Error{Code: EFORBIDDEN, Message: msg}
}

// RoleMay reports whether role r may perform act anywhere in its scope.
func RoleMay(r Role, act Action) bool {
	for _, x := range policy[act] {
		if x == r {
			return true
		}
	}
	return false
}

// Authorize checks an actor against an action on a record placed at place
// (nil for actions not bound to a record). Scope is checked first so that a
// record outside scope is indistinguishable from a missing one (404), and
// only then the role (403). what names the record kind for the 404 message.
func Authorize(a *Actor, act Action, place *OrgUnit, what string) error {
	if a == nil {
		return &Error{Code: EUNAUTHORIZED, Message: "请先登录"}
	}
	if place != nil && !a.Sees(place) {
		return NotFound(what)
	}
	if !RoleMay(a.User.Role, act) {
		return RoleRefusal(a.User.Role, act)
	}
	return nil
}

// ManageUser checks whether a may create or change a user with role r placed
// at unit o: the admin anyone; the district office anyone below admin in its
// subtree; a town officer the grid workers and village heads of its town.
func ManageUser(a *Actor, r Role, o *OrgUnit) error {
	return manageUser(a, r, o, "单位")
}

// ManageExistingUser is ManageUser for changing user u, placed at o: a user
// outside the actor's scope is not found.
func ManageExistingUser(a *Actor, u *User, o *OrgUnit) error {
	return manageUser(a, u.Role, o, "用户")
}

// CheckPlacement checks moving user u, now placed at from, to role at to:
// the actor must be allowed to manage u where u is (ManageExistingUser) and
// to place that role there (ManageUser), the role must fit the unit's level
// (Role.Fits, 400), and nobody changes their own role or unit (asked
// first: the plainest answer to it).
func CheckPlacement(a *Actor, u *User, from *OrgUnit, role Role, to *OrgUnit) error {
	if a != nil && a.User.ID == u.ID {
		return Invalid("role", "不能修改自己的角色或单位")
	}
	if err := ManageExistingUser(a, u, from); err != nil {
		return err
	}
	if !role.Valid() {
		return Invalid("role", "未知的角色 %q", role)
	}
	if err := ManageUser(a, role, to); err != nil {
		return err
	}
	if !role.Fits(to) {
		return Invalid("role", "角色“%s”不能设在%s（%s）", RoleNames[role], to.Name, to.Kind)
	}
	return nil
}

func manageUser(a *Actor, r Role, o *OrgUnit, what string) error {
	if err := Authorize(a, ActManageUsers, o, what); err != nil {
		return err
	}
	switch a.User.Role {
	case RoleAdmin:
		return nil
	case RoleDistrictOffice:
		if r == RoleAdmin {
			return Forbidden()
		}
		return nil
	case RoleTownOfficer:
		if r == RoleGrid || r == RoleVillageHead {
			return nil
		}
	}
	return Forbidden()
}
