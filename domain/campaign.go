package domain

import (
	"regexp"
	"strings"
)

// Category is a case's 问题类别.
type Category string

// Category codes, in 附件1 column order.
const (
	CatStopped        Category = "stopped"        // 停产停业企业
	CatSmelting       Category = "smelting"       // 小冶炼
	CatElectroplating Category = "electroplating" // 小电镀
	CatSpraying       Category = "spraying"       // 小喷涂
	CatDyeing         Category = "dyeing"         // 小印染
	CatDust           Category = "dust"           // 小涉爆粉尘
	CatOther          Category = "other"          // 其它
)

// DefaultCategories is the notice's category set in 附件1 order.
var DefaultCategories = []Category{CatStopped, CatSmelting, CatElectroplating, CatSpraying, CatDyeing, CatDust, CatOther}

// CategoryNames gives each category's 附件1 header text.
var CategoryNames = map[Category]string{
	CatStopped: "停产停业企业", CatSmelting: "小冶炼", CatElectroplating: "小电镀",
	CatSpraying: "小喷涂", CatDyeing: "小印染", CatDust: "小涉爆粉尘", CatOther: "其它",
}

// 两断三清 item codes.
const (
	ItemWater     = "water"     // 断水
	ItemPower     = "power"     // 断电
	ItemMaterials = "materials" // 清原料
	ItemEquipment = "equipment" // 清设备
	ItemProducts  = "products"  // 清产品
	ItemPremises  = "premises"  // 清厂房 (some localities add it)
)

// DefaultClearItems is the notice's 两断三清 checklist.
var DefaultClearItems = []string{ItemWater, ItemPower, ItemMaterials, ItemEquipment, ItemProducts}

// ClearItemNames gives each 两断三清 item's Chinese name.
var ClearItemNames = map[string]string{
	ItemWater: "断水", ItemPower: "断电", ItemMaterials: "清原料",
	ItemEquipment: "清设备", ItemProducts: "清产品", ItemPremises: "清厂房",
}

// Campaign (专项行动) is one rectification campaign as its notice defines it.
type Campaign struct {
	ID              int64      `json:"id"`
	Name            string     `json:"name"`
	DocNo           string     `json:"doc_no"`
	StartDate       Date       `json:"start_date"`
	EndDate         Date       `json:"end_date"`
	DeadlineWeekday int        `json:"deadline_weekday"` // 0 = Sunday … 3 = Wednesday
	DeadlineTime    string     `json:"deadline_time"`    // "HH:MM" in TimeZone
	TimeZone        string     `json:"time_zone"`
	SummaryDueDate  Date       `json:"summary_due_date"`
	Categories      []Category `json:"categories"`
	ClearItems      []string   `json:"clear_items"`
	RecheckDays     int        `json:"recheck_days"`    // re-check 停产/关闭/取缔 sites this often
	SupervisedDays  int        `json:"supervised_days"` // default 挂牌督办 deadline
	RewardRule      string     `json:"reward_rule"`     // text of the 12350 reward rule
	// CloseoutEvidence is what a 销号 request must carry; nil means
	// DefaultEvidenceRule (Evidence).
	CloseoutEvidence *EvidenceRule `json:"closeout_evidence"`
	Version          int64         `json:"version"`
}

// EvidenceRule is the evidence a campaign requires of a 销号 request
// (DESIGN.md §7: request_closeout needs the evidence the campaign requires).
type EvidenceRule struct {
	// DonePhotos is how many 整改完成照片 (done_photo) a request needs at least.
	DonePhotos int `json:"done_photos"`
	// ClearsPhotos asks, of a 关闭 or 取缔 case, one 两断三清照片
	// (clears_photo) for each item of the campaign's checklist.
	ClearsPhotos bool `json:"clears_photos"`
}

// DefaultEvidenceRule is §7's default: at least one 整改完成照片, and for a
// 关闭/取缔 case a photo for each 两断三清 item.
var DefaultEvidenceRule = EvidenceRule{DonePhotos: 1, ClearsPhotos: true}

// Evidence is the campaign's evidence rule for 销号 requests (the default
// when the campaign sets none).
func (c *Campaign) Evidence() EvidenceRule {
	if c == nil || c.CloseoutEvidence == nil {
		return DefaultEvidenceRule
	}
	return *c.CloseoutEvidence
}

// DefaultDeadlineTime is the weekly report deadline's time of day when a
// campaign leaves it unset (the notice: 每周三17:00前).
const DefaultDeadlineTime = "17:00"

var hhmm = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Normalize fills defaults and validates a campaign before it is stored.
func (c *Campaign) Normalize() error {
	c.Name = strings.TrimSpace(c.Name)
	c.DocNo = strings.TrimSpace(c.DocNo)
	if c.Name == "" {
		return Invalid("name", "请填写专项行动名称")
	}
	if c.StartDate == "" {
		return Invalid("start_date", "请填写开始日期")
	}
	if c.EndDate == "" {
		return Invalid("end_date", "请填写结束日期")
	}
	for _, f := range []struct {
		name string
		d    Date
	}{{"start_date", c.StartDate}, {"end_date", c.EndDate}, {"summary_due_date", c.SummaryDueDate}} {
		if _, err := ParseDate(f.name, string(f.d)); err != nil {
			return err
		}
	}
	if c.EndDate < c.StartDate {
		return Invalid("end_date", "结束日期不能早于开始日期")
	}
	if c.DeadlineWeekday < 0 || c.DeadlineWeekday > 6 {
		return Invalid("deadline_weekday", "报送日应为 0（周日）到 6（周六）")
	}
	if c.DeadlineTime == "" {
		c.DeadlineTime = DefaultDeadlineTime
	}
	if !hhmm.MatchString(c.DeadlineTime) {
		return Invalid("deadline_time", "报送时间格式应为 HH:MM")
	}
	if c.TimeZone == "" {
		c.TimeZone = ZoneName
	}
	if c.TimeZone != ZoneName {
		return Invalid("time_zone", "时区只支持 Asia/Shanghai")
	}
	if len(c.Categories) == 0 {
		c.Categories = append([]Category(nil), DefaultCategories...)
	}
	for _, cat := range c.Categories {
		if _, ok := CategoryNames[cat]; !ok {
			return Invalid("categories", "未知的问题类别 %q", cat)
		}
	}
	if len(c.ClearItems) == 0 {
		c.ClearItems = append([]string(nil), DefaultClearItems...)
	}
	for _, it := range c.ClearItems {
		if _, ok := ClearItemNames[it]; !ok {
			return Invalid("clear_items", "未知的两断三清项目 %q", it)
		}
	}
	if c.RecheckDays <= 0 {
		c.RecheckDays = DefaultRecheckDays
	}
	if c.SupervisedDays <= 0 {
		c.SupervisedDays = DefaultSupervisedDays
	}
	if c.CloseoutEvidence == nil {
		r := DefaultEvidenceRule
		c.CloseoutEvidence = &r
	}
	if c.CloseoutEvidence.DonePhotos < 0 || c.CloseoutEvidence.DonePhotos > 20 {
		return Invalid("closeout_evidence.done_photos", "整改完成照片张数应为 0–20")
	}
	return nil
}

// HasCategory reports whether cat is one of the campaign's categories.
func (c *Campaign) HasCategory(cat Category) bool {
	for _, x := range c.Categories {
		if x == cat {
			return true
		}
	}
	return false
}

// HasClearItem reports whether item is on the campaign's 两断三清 checklist.
func (c *Campaign) HasClearItem(item string) bool {
	for _, x := range c.ClearItems {
		if x == item {
			return true
		}
	}
	return false
}

// ActiveCampaign picks the campaign the application works in when none is
// named: the one whose dates contain today (the latest started, if several
// do), else the latest started, else — before any has started — the first to
// start. camps may come in any order; nil when there are none.
func ActiveCampaign(camps []*Campaign, today Date) *Campaign {
	var running, started, first *Campaign
	later := func(a, b *Campaign) bool { // a started after b (ties: the newer record)
		return a.StartDate > b.StartDate || a.StartDate == b.StartDate && a.ID > b.ID
	}
	for _, c := range camps {
		switch {
		case c.StartDate > today:
			if first == nil || later(first, c) {
				first = c
			}
		case c.EndDate >= today:
			if running == nil || later(c, running) {
				running = c
			}
		default:
			if started == nil || later(c, started) {
				started = c
			}
		}
	}
	switch {
	case running != nil:
		return running
	case started != nil:
		return started
	}
	return first
}
