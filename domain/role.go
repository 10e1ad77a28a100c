package domain

// Role is what a user may do; where they may do it is their org unit's subtree.
type Role string

const (
	RoleGrid           Role = "grid"            // 网格员
	RoleVillageHead    Role = "village_head"    // 村(社区)负责人
	RoleTownOfficer    Role = "town_officer"    // 镇(街道)经办
	RoleTownHead       Role = "town_head"       // 镇(街道)主要负责人
	RoleDistrictOffice Role = "district_office" // 区联席会议办公室
	RoleSupervisor     Role = "supervisor"      // 区督导组
	RoleDiscipline     Role = "discipline"      // 纪委监委
	RoleDepartment     Role = "department"      // 成员单位
	RoleAdmin          Role = "admin"           // 系统管理员
)

// Roles lists every role in the order the UI offers them.
var Roles = []Role{RoleGrid, RoleVillageHead, RoleTownOfficer, RoleTownHead,
	RoleDistrictOffice, RoleSupervisor, RoleDiscipline, RoleDepartment, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Fits reports whether a role may be placed at a unit (DESIGN.md §5): a
// village head at a village, town roles at a town, district roles above the
// towns, an admin at the root.
func (r Role) Fits(o *OrgUnit) bool {
	t := o.Kind.Tier()
	switch r {
	case RoleGrid:
		return t == TierVillage || t == TierGrid
	case RoleVillageHead:
		return t == TierVillage
	case RoleTownOfficer, RoleTownHead:
		return t == TierTown
	case RoleDistrictOffice, RoleSupervisor, RoleDiscipline:
		return t == TierRegion
	case RoleDepartment:
		return t == TierDept
	case RoleAdmin:
		return t == TierRegion && o.ParentID == nil
	}
	return false
}

// User (用户) is a person who logs in.
type User struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	OrgID       int64  `json:"org_id"`
	Active      bool   `json:"active"`
	Version     int64  `json:"version"`
}

// Actor is the authenticated user acting in a request, with the unit whose
// subtree bounds what they see (a grid worker's scope is their village).
type Actor struct {
	User  User
	Org   OrgUnit // where the user is placed
	Scope OrgUnit // the root of what they may see
}

// ScopeUnitID is the unit whose subtree a user placed at org sees: org
// itself, except that a grid worker's scope is the village their grid
// belongs to (the grid's parent).
func ScopeUnitID(org *OrgUnit) int64 {
	if org.Kind == KindGrid && org.ParentID != nil {
		return *org.ParentID
	}
	return org.ID
}

// SystemActor acts for the program itself (seeding, the demo, the CLI): an
// admin named "system" whose scope is the tree under root (nil: none yet).
func SystemActor(root *OrgUnit) *Actor {
	a := &Actor{User: User{Username: "system", DisplayName: "系统", Role: RoleAdmin}}
	if root != nil {
		a.Org, a.Scope = *root, *root
	}
	return a
}

// Role returns the actor's role (nil-safe).
func (a *Actor) Role() Role {
	if a == nil {
		return ""
	}
	return a.User.Role
}

// Sees reports whether a record placed at place lies in the actor's scope.
func (a *Actor) Sees(place *OrgUnit) bool {
	if a == nil || place == nil {
		return false
	}
	return a.Scope.Contains(place)
}

// RoleNames gives each role's Chinese name.
var RoleNames = map[Role]string{
	RoleGrid: "网格员", RoleVillageHead: "村（社区）负责人", RoleTownOfficer: "镇（街道）经办",
	RoleTownHead: "镇（街道）主要负责人", RoleDistrictOffice: "区联席会议办公室", RoleSupervisor: "区督导组",
	RoleDiscipline: "纪委监委", RoleDepartment: "成员单位", RoleAdmin: "系统管理员",
}
