package domain

import (
	"strings"
	"time"
)

// Target types (整治对象类型) of a site.
const (
	TargetXiaozitou = "xiaozitou" // 小字头
	TargetStopped   = "stopped"   // 停产停业
)

// Site states.
const (
	SiteProducing = "producing" // 生产
	SiteSuspended = "suspended" // 停产
	SiteClosed    = "closed"    // 关闭
	SiteBanned    = "banned"    // 取缔
)

// Site (场所/企业) is a workshop or firm on the register.
type Site struct {
	ID             int64     `json:"id"`
	OrgID          int64     `json:"org_id"` // town-level unit
	VillageID      *int64    `json:"village_id"`
	Name           string    `json:"name"`
	CreditCode     string    `json:"credit_code"` // 统一社会信用代码; empty for 无证无照
	TargetType     string    `json:"target_type"`
	Address        string    `json:"address"`
	PersonInCharge string    `json:"person_in_charge"`
	Phone          string    `json:"phone"`
	Lat            *float64  `json:"lat"` // WGS-84
	Lng            *float64  `json:"lng"`
	State          string    `json:"state"`
	Lists          []string  `json:"lists"` // list memberships, e.g. 取缔关闭退出名单
	Version        int64     `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Warnings       []Warning `json:"warnings,omitempty"`
}

// Inspection outcomes.
const (
	OutcomeNoProblem = "no_problem" // 无问题
	OutcomeProblem   = "problem"    // 发现问题
)

// Inspection (排查记录) is one visit to a site in a campaign.
type Inspection struct {
	ID          int64     `json:"id"`
	CampaignID  int64     `json:"campaign_id"`
	SiteID      int64     `json:"site_id"`
	InspectedAt time.Time `json:"inspected_at"`
	Inspectors  string    `json:"inspectors"`
	Lat         *float64  `json:"lat"`
	Lng         *float64  `json:"lng"`
	Outcome     string    `json:"outcome"`
	Note        string    `json:"note"`
	CreatedBy   int64     `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// Warning is a validation finding that is shown but never blocks.
type Warning struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// NormalizeName folds a unit name or address for duplicate detection:
// spaces and common punctuation removed, full-width to half-width, lower case.
func NormalizeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0x3000:
			continue
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		}
		if r == ' ' || r == '\t' || r == '(' || r == ')' || r == '-' || r == '·' || r == '.' || r == ',' || r == '，' || r == '、' {
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}
