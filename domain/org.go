package domain

import (
	"sort"
	"strings"
)

// OrgKind is the kind of an org unit (区划/单位).
type OrgKind string

const (
	KindProvince  OrgKind = "省"
	KindCity      OrgKind = "市"
	KindDistrict  OrgKind = "区"
	KindCounty    OrgKind = "县"
	KindDevZone   OrgKind = "开发区"
	KindTown      OrgKind = "镇"
	KindStreet    OrgKind = "街道"
	KindXiang     OrgKind = "乡"
	KindVillage   OrgKind = "村"
	KindCommunity OrgKind = "社区"
	KindGrid      OrgKind = "网格"
	KindDept      OrgKind = "部门"
)

// Tier groups kinds by the level roles are placed at.
type Tier int

const (
	TierOther   Tier = iota
	TierRegion       // 省/市/区/县: above the towns; a district office sits here
	TierTown         // 开发区/镇/街道/乡: "town level", the reporting units
	TierVillage      // 村/社区
	TierGrid         // 网格
	TierDept         // 部门 (成员单位)
)

// Tier returns the level class of a kind.
func (k OrgKind) Tier() Tier {
	switch k {
	case KindProvince, KindCity, KindDistrict, KindCounty:
		return TierRegion
	case KindDevZone, KindTown, KindStreet, KindXiang:
		return TierTown
	case KindVillage, KindCommunity:
		return TierVillage
	case KindGrid:
		return TierGrid
	case KindDept:
		return TierDept
	}
	return TierOther
}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool { return k.Tier() != TierOther }

// OrgUnit (区划/单位) is a node of the administrative tree.
type OrgUnit struct {
	ID       int64   `json:"id"`
	Code     string  `json:"code"` // 12-digit 统计用区划代码; empty when the unit has none
	Name     string  `json:"name"`
	Kind     OrgKind `json:"kind"`
	Level    int     `json:"level"` // depth in the tree, root = 1
	ParentID *int64  `json:"parent_id"`
	// Prefix numbers the unit's cases (问题编号): the 9-digit code prefix of a
	// town, or one the admin sets for a town without an official code.
	Prefix string `json:"prefix,omitempty"`
	// Path is the materialised ancestry "/1/4/17/" used for scope checks.
	Path string `json:"-"`
}

// IsTown reports whether the unit is town level (开发区/镇/街道/乡).
func (o *OrgUnit) IsTown() bool { return o.Kind.Tier() == TierTown }

// Contains reports whether other lies in o's subtree (o itself included).
func (o *OrgUnit) Contains(other *OrgUnit) bool {
	return o.Path != "" && strings.HasPrefix(other.Path, o.Path)
}

// OfficialOrderKey sorts the children of a unit as the forms list regions:
// 开发区 first, then 镇/乡, then 街道, each group by code, then name.
func (o *OrgUnit) OfficialOrderKey() string {
	group := "9"
	switch o.Kind {
	case KindDevZone:
		group = "1"
	case KindTown, KindXiang:
		group = "2"
	case KindStreet:
		group = "3"
	case KindVillage, KindCommunity:
		group = "4"
	}
	code := o.Code
	if code == "" {
		code = "~" // units without a code after coded ones in the same group
	}
	return group + "|" + code + "|" + o.Name
}

// Normalize validates a new unit and fills its default 问题编号 prefix: a
// town without one numbers its cases by the first 9 digits of its code.
func (o *OrgUnit) Normalize() error {
	switch {
	case o.Name == "":
		return Invalid("name", "请填写单位名称")
	case !o.Kind.Valid():
		return Invalid("kind", "未知的单位类型")
	case o.Code != "" && len(o.Code) != 12:
		return Invalid("code", "区划代码应为 12 位数字")
	}
	if o.Prefix == "" && o.IsTown() {
		o.Prefix = DefaultPrefix(o.Code)
	}
	return nil
}

// SetPrefix sets the 问题编号 prefix of a town (for towns without an
// official code); other units number no cases.
func (o *OrgUnit) SetPrefix(prefix string) error {
	if !o.IsTown() {
		return Invalid("prefix", "只有镇（街道）级单位有问题编号前缀")
	}
	if prefix == "" {
		return Invalid("prefix", "请填写编号前缀")
	}
	o.Prefix = prefix
	return nil
}

// TownOf returns the town-level unit that contains o — o itself when it is
// a town — given o's ancestors from its parent up (store.Reader.Ancestors).
func TownOf(o *OrgUnit, ancestors []*OrgUnit) (*OrgUnit, error) {
	if o.IsTown() {
		return o, nil
	}
	for _, p := range ancestors {
		if p.IsTown() {
			return p, nil
		}
	}
	return nil, Invalid("org_id", "%s 不在任何镇（街道）之下", o.Name)
}

// SortOfficial puts sibling units in official order (OfficialOrderKey).
func SortOfficial(units []*OrgUnit) {
	sort.SliceStable(units, func(i, j int) bool { return units[i].OfficialOrderKey() < units[j].OfficialOrderKey() })
}

// DefaultPrefix derives a town's numbering prefix from its 12-digit code.
func DefaultPrefix(code string) string {
	if len(code) >= 9 {
		return code[:9]
	}
	return ""
}

// ChildKinds lists the kinds of unit that may be added under parent: below
// a region the next regions down (省 → 市 → 区/县), the town-level units and
// the member departments (部门); below a town its villages and communities;
// below a village or community its grids; nothing below a grid or a
// department.
func ChildKinds(parent *OrgUnit) []OrgKind {
	switch parent.Kind {
	case KindProvince:
		return []OrgKind{KindCity, KindDept}
	case KindCity:
		return []OrgKind{KindDistrict, KindCounty, KindDept}
	case KindDistrict, KindCounty:
		return []OrgKind{KindDevZone, KindTown, KindStreet, KindXiang, KindDept}
	case KindDevZone, KindTown, KindStreet, KindXiang:
		return []OrgKind{KindVillage, KindCommunity}
	case KindVillage, KindCommunity:
		return []OrgKind{KindGrid}
	}
	return nil
}

// CheckChild checks that a unit of kind may be added under parent (ChildKinds).
func CheckChild(parent *OrgUnit, kind OrgKind) error {
	for _, k := range ChildKinds(parent) {
		if k == kind {
			return nil
		}
	}
	if len(ChildKinds(parent)) == 0 {
		return Invalid("kind", "%s（%s）下不能再设下级单位", parent.Name, parent.Kind)
	}
	return Invalid("kind", "%s（%s）下不能设%s", parent.Name, parent.Kind, kind)
}

// OrgChange is an edit of a unit: nil fields stay as they are.
type OrgChange struct {
	Name   *string
	Code   *string // "" removes the code
	Prefix *string // towns only (SetPrefix)
}

// Apply changes o as c says, checked as a new unit is (Normalize): a name,
// a 12-digit code or none, a prefix on a town only. Whether a code or a
// prefix is taken is the store's to say.
func (c OrgChange) Apply(o *OrgUnit) error {
	if c.Name != nil {
		o.Name = strings.TrimSpace(*c.Name)
	}
	if c.Code != nil {
		o.Code = strings.TrimSpace(*c.Code)
	}
	if c.Prefix != nil && strings.TrimSpace(*c.Prefix) != o.Prefix {
		if err := o.SetPrefix(strings.TrimSpace(*c.Prefix)); err != nil {
			return err
		}
	}
	for _, r := range o.Code {
		if r < '0' || r > '9' {
			return Invalid("code", "区划代码应为 12 位数字")
		}
	}
	return o.Normalize()
}
