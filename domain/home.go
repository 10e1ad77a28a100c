package domain

import (
	"slices"
	"sort"
	"time"
)

// What each role's first screen is about and which parts of the product its
// navigation shows: a grid worker's day is the sites to inspect and the
// cases to finish; a head's is what waits for their signature; a town
// officer's is this week's report; the district's is the towns side by
// side. Every answer here is read off the policy (RoleMay) and the
// transition table, so the navigation can never offer what the role may
// not do, nor hide what it may.

// HomeParts says which parts a role's first screen has.
type HomeParts struct {
	Today  bool // a grid worker's today: sites to inspect, cases to finish, cases returned
	Review bool // 待我审核: how many cases wait for the role's signature, the oldest first
	Week   bool // the town's report for this week: its state, the time left, the checks that fail
	Towns  bool // the towns side by side: reports, overdue, closed out
}

// HomeOf is the first screen of a role: who signs 销号 (an approve row of
// the transition table) sees what waits for their signature; who prepares
// or submits a town's report, the town's week; the roles placed above the
// towns, the towns side by side; who opens cases below the town, today's
// sites and cases.
func HomeOf(r Role) HomeParts {
	above := r.AboveTowns()
	reports := RoleMay(r, ActPrepareReport) || RoleMay(r, ActSubmitReport)
	return HomeParts{
		Today:  !above && !reports && RoleMay(r, ActCreateCase),
		Review: len(ReviewSlots(r)) > 0,
		Week:   !above && reports,
		Towns:  above,
	}
}

// AboveTowns reports whether the role is placed above the towns (区 and up:
// the district office, supervisors, the discipline commission, the admin).
func (r Role) AboveTowns() bool {
	return r.Fits(&OrgUnit{Kind: KindDistrict})
}

// Area is a part of the product the navigation links to.
type Area string

// Areas, in the navigation's order.
const (
	AreaHome        Area = "home"        // 首页
	AreaDashboard   Area = "dashboard"   // 数据总览
	AreaCases       Area = "cases"       // 问题清单
	AreaSites       Area = "sites"       // 场所
	AreaInbox       Area = "inbox"       // 待我审核
	AreaRechecks    Area = "rechecks"    // 复查
	AreaReports     Area = "reports"     // 周报
	AreaTips        Area = "tips"        // 举报
	AreaDelegations Area = "delegations" // 授权代签
	AreaUsers       Area = "users"       // 用户
	AreaOrgs        Area = "orgs"        // 组织机构
	AreaCampaigns   Area = "campaigns"   // 专项行动
)

// Areas lists every area in the navigation's order.
var Areas = []Area{AreaHome, AreaDashboard, AreaCases, AreaSites, AreaInbox, AreaRechecks, AreaReports, AreaTips,
	AreaDelegations, AreaUsers, AreaOrgs, AreaCampaigns}

// Uses reports whether actor a, holding delegation del (nil: none) at now,
// works in area — whether the navigation shows it. The inbox is for whoever
// signs (their own role's, or a head's while a delegation is in force) and
// for whoever reopens cases a re-check found running again; the reports for
// the town and district roles; the rest follow the action they are for.
func Uses(a *Actor, del *Delegation, now time.Time, area Area) bool {
	if a == nil {
		return false
	}
	r := a.Role()
	switch area {
	case AreaHome, AreaCases, AreaSites:
		return RoleMay(r, ActRead)
	case AreaDashboard:
		return r.AboveTowns()
	case AreaInbox:
		return len(ReviewSlots(EffectiveRole(a, del, now))) > 0 || RoleMay(r, ActReopen)
	case AreaRechecks:
		return RoleMay(r, ActWriteSite)
	case AreaReports:
		return RoleMay(r, ActPrepareReport) || RoleMay(r, ActSubmitReport) || RoleMay(r, ActReviewReport) ||
			r.AboveTowns() && RoleMay(r, ActRead)
	case AreaTips:
		return RoleMay(r, ActReadTips)
	case AreaDelegations:
		return RoleMay(r, ActDelegate)
	case AreaUsers:
		return RoleMay(r, ActManageUsers)
	case AreaOrgs:
		return RoleMay(r, ActManageOrgs)
	case AreaCampaigns:
		return RoleMay(r, ActManageCampaign)
	}
	return false
}

// ReviewSlot is one state in which a role signs (approves) a case: the
// status, and whether the case must have a village (true), must not
// (false), or either (nil) — one approve row of the transition table.
type ReviewSlot struct {
	Status  CaseStatus
	Village *bool
}

// Holds reports whether case c sits in the slot.
func (s ReviewSlot) Holds(c *Case) bool {
	return c.Status == s.Status && (s.Village == nil || *s.Village == (c.VillageID != nil))
}

// ReviewSlots lists the slots in which role r approves, in table order: a
// case waits for r's signature exactly when it sits in one (and lies in
// r's scope). The 待我审核 count and its SQL read them.
func ReviewSlots(r Role) []ReviewSlot {
	var out []ReviewSlot
	for i := range transitions {
		t := &transitions[i]
		if t.action != CaseApprove || !t.allows(r) {
			continue
		}
		var village *bool
		switch t.cond {
		case withVillage:
			village = new(bool)
			*village = true
		case withoutVillage:
			village = new(bool)
		}
		for _, st := range t.from {
			out = append(out, ReviewSlot{Status: st, Village: village})
		}
	}
	return out
}

// InspectTask is a site on a grid worker's list for today: never inspected
// in the campaign, or due for its re-check (Due set).
type InspectTask struct {
	SiteID   int64
	SiteName string
	Address  string
	Recheck  bool // a re-check of a shut site, due since Due
	Due      Date
}

// SitesToInspect is the grid worker's list of sites to visit: the re-checks
// due (most overdue first, as DueRechecks orders them), then the sites not
// yet inspected in the campaign, the longest registered first (lower id). A
// site on both lists is listed once, as a first inspection.
func SitesToInspect(notInspected []*Site, due []RecheckItem) []InspectTask {
	var out []InspectTask
	seen := map[int64]bool{}
	sites := slices.Clone(notInspected)
	sort.SliceStable(sites, func(i, j int) bool { return sites[i].ID < sites[j].ID })
	for _, s := range sites {
		seen[s.ID] = true
	}
	for _, it := range due {
		if !seen[it.SiteID] {
			out = append(out, InspectTask{SiteID: it.SiteID, SiteName: it.SiteName, Recheck: true, Due: it.Due})
		}
	}
	for _, s := range sites {
		out = append(out, InspectTask{SiteID: s.ID, SiteName: s.Name, Address: s.Address})
	}
	return out
}
