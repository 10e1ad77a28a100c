package domain

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
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

// siteStates are the states a site may be in.
var siteStates = map[string]bool{SiteProducing: true, SiteSuspended: true, SiteClosed: true, SiteBanned: true}

// SiteStateNames gives each site state's Chinese name.
var SiteStateNames = map[string]string{SiteProducing: "生产", SiteSuspended: "停产", SiteClosed: "关闭", SiteBanned: "取缔"}

// TargetTypeNames gives each target type's Chinese name.
var TargetTypeNames = map[string]string{TargetXiaozitou: "小字头", TargetStopped: "停产停业"}

// SiteStates lists the site states in the order a form offers them.
var SiteStates = []string{SiteProducing, SiteSuspended, SiteClosed, SiteBanned}

// TargetTypes lists the target types in the order a form offers them.
var TargetTypes = []string{TargetXiaozitou, TargetStopped}

// CheckSiteFilter checks a site list's state and target type criteria
// ("" for none) name a known state and type.
func CheckSiteFilter(state, targetType string) error {
	if state != "" && !siteStates[state] {
		return Invalid("state", "未知的生产状态“%s”", state)
	}
	if targetType != "" && targetType != TargetXiaozitou && targetType != TargetStopped {
		return Invalid("target_type", "整治对象应为 xiaozitou（小字头）或 stopped（停产停业）")
	}
	return nil
}

// SiteStateForShutdown is the state a site takes when its case records
// 停产或关闭: 停产, 关闭 or 取缔 put the site in the same state (the codes are
// the same); none says nothing about the site, which keeps its state
// (ok false). The case's use case applies it in the same transaction, so
// the register and the re-check plan follow the case.
func SiteStateForShutdown(s Shutdown) (state string, ok bool) {
	switch s {
	case ShutdownSuspended, ShutdownClosed, ShutdownBanned:
		return string(s), true
	}
	return "", false
}

// SiteStateAfterRecheck is the state a re-check with outcome finds a site
// in, checked by the state it was re-checked by (RecheckState): running
// (死灰复燃) is 生产 again; still shut (or any other outcome) keeps it.
func SiteStateAfterRecheck(checked, outcome string) string {
	if outcome == RecheckRunning {
		return SiteProducing
	}
	return checked
}

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
	Phone          Sensitive `json:"phone"` // 联系电话: personal data (Sensitive)
	Lat            *float64  `json:"lat"`   // WGS-84
	Lng            *float64  `json:"lng"`
	Accuracy       *float64  `json:"accuracy"` // metres, as the GPS gave it; nil when unknown (typed in)
	State          string    `json:"state"`
	Lists          []string  `json:"lists"` // list memberships, e.g. 取缔关闭退出名单
	Version        int64     `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Warnings       []Warning `json:"warnings,omitempty"`
}

// Normalize trims and checks a site before it is stored (DESIGN.md §3
// Validation): a name is required, lengths are bounded, the credit code is
// folded as people type it (a bad check character is only a warning, see
// SiteWarnings), the target type defaults to 小字头 and the state to 生产,
// coordinates pass CheckLatLng, and list names are trimmed and kept once.
func (s *Site) Normalize() error {
	for _, p := range []*string{&s.Name, &s.Address, &s.PersonInCharge, &s.TargetType, &s.State} {
		*p = strings.TrimSpace(*p)
	}
	s.Phone = Sensitive(strings.TrimSpace(string(s.Phone)))
	s.CreditCode = NormalizeCreditCode(s.CreditCode)
	switch {
	case s.Name == "":
		return Invalid("name", "请填写场所（企业）名称")
	case utf8.RuneCountInString(s.Name) > 200:
		return Invalid("name", "名称过长")
	case utf8.RuneCountInString(s.Address) > 500:
		return Invalid("address", "地址过长")
	case utf8.RuneCountInString(s.CreditCode) > 64:
		return Invalid("credit_code", "统一社会信用代码过长")
	}
	if s.TargetType == "" {
		s.TargetType = TargetXiaozitou
	}
	if s.TargetType != TargetXiaozitou && s.TargetType != TargetStopped {
		return Invalid("target_type", "整治对象类型应为 xiaozitou（小字头）或 stopped（停产停业）")
	}
	if s.State == "" {
		s.State = SiteProducing
	}
	if !siteStates[s.State] {
		return Invalid("state", "场所状态应为 producing、suspended、closed 或 banned")
	}
	if err := CheckLatLng(s.Lat, s.Lng); err != nil {
		return err
	}
	if s.Lat == nil {
		s.Accuracy = nil // no position, no accuracy
	} else if s.Accuracy != nil && (*s.Accuracy < 0 || math.IsNaN(*s.Accuracy) || math.IsInf(*s.Accuracy, 0)) {
		return Invalid("accuracy", "定位精度应为不小于 0 的米数")
	}
	seen := map[string]bool{}
	lists := []string{}
	for _, l := range s.Lists {
		if l = strings.TrimSpace(l); l != "" && !seen[l] {
			seen[l] = true
			lists = append(lists, l)
		}
	}
	s.Lists = lists
	return nil
}

// CheckLatLng accepts both coordinates or neither, within WGS-84 ranges.
func CheckLatLng(lat, lng *float64) error {
	if (lat == nil) != (lng == nil) {
		return Invalid("lat", "经纬度应同时填写")
	}
	if lat != nil && (*lat < -90 || *lat > 90) {
		return Invalid("lat", "纬度应在 -90 到 90 之间")
	}
	if lng != nil && (*lng < -180 || *lng > 180) {
		return Invalid("lng", "经度应在 -180 到 180 之间")
	}
	return nil
}

// WarnPossibleDuplicate flags a site (or a new one) that looks like one
// already on the register (DESIGN.md §3 Validation).
const WarnPossibleDuplicate = "possible_duplicate"

// DuplicateOf reports whether s looks like the registered site o, and on
// which field: the same credit code anywhere ("credit_code"), or the same
// normalised name and address in the same town ("name"). A site is no
// duplicate of itself.
func (s *Site) DuplicateOf(o *Site) (field string, ok bool) {
	switch {
	case o.ID == s.ID:
		return "", false
	case s.CreditCode != "" && o.CreditCode == s.CreditCode:
		return "credit_code", true
	case o.OrgID == s.OrgID && NormalizeName(o.Name) == NormalizeName(s.Name) &&
		NormalizeName(o.Address) == NormalizeName(s.Address):
		return "name", true
	}
	return "", false
}

// SiteWarnings are shown with a site, never blocking: a credit code failing
// its check character, then one possible-duplicate warning for each of
// registered (the look-alikes the register found) that DuplicateOf accepts.
func SiteWarnings(s *Site, registered []*Site) []Warning {
	var ws []Warning
	if w := CreditCodeWarning(s.CreditCode); w != nil {
		ws = append(ws, *w)
	}
	for _, o := range registered {
		switch field, ok := s.DuplicateOf(o); {
		case !ok:
		case field == "credit_code":
			ws = append(ws, Warning{Code: WarnPossibleDuplicate, Field: field,
				Message: fmt.Sprintf("可能与已登记的场所 #%d（%s）重复：统一社会信用代码相同", o.ID, o.Name)})
		default:
			ws = append(ws, Warning{Code: WarnPossibleDuplicate, Field: field,
				Message: fmt.Sprintf("可能与已登记的场所 #%d（%s）重复：名称和地址相同", o.ID, o.Name)})
		}
	}
	return ws
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

// ClockSkew is how far ahead of the server's clock a phone's timestamp may be.
const ClockSkew = 10 * time.Minute

// Normalize trims and checks an inspection recorded at now by the user
// named by: the outcome is 无问题 or 发现问题, coordinates pass CheckLatLng,
// the note is bounded, no inspectors means by, no time means now, and a time
// later than now (beyond a phone's clock skew) is refused.
func (x *Inspection) Normalize(now time.Time, by string) error {
	x.Inspectors, x.Outcome, x.Note = strings.TrimSpace(x.Inspectors), strings.TrimSpace(x.Outcome), strings.TrimSpace(x.Note)
	if x.Outcome != OutcomeNoProblem && x.Outcome != OutcomeProblem {
		return Invalid("outcome", "排查结果应为 no_problem（无问题）或 problem（发现问题）")
	}
	if err := CheckLatLng(x.Lat, x.Lng); err != nil {
		return err
	}
	if utf8.RuneCountInString(x.Note) > 2000 {
		return Invalid("note", "备注过长")
	}
	if x.Inspectors == "" {
		x.Inspectors = by
	}
	if x.InspectedAt.IsZero() {
		x.InspectedAt = now
	}
	if x.InspectedAt.After(now.Add(ClockSkew)) {
		return Invalid("inspected_at", "排查时间不能晚于现在")
	}
	return nil
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
