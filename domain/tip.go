package domain

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Public tips (群众举报, 12350 有奖举报): the notice asks that tips from the
// public be entered into the city's 12350 platform, dispatched, verified,
// turned into cases and rewarded on time — "群众举报发现的问题，要录入全市12350
// 有奖举报平台，符合条件的要及时兑现奖励". This file holds the tip, its life
// cycle and the rules around it; rewards are in reward.go, the reporter's
// sealing in secret.go.

// TipChannel says how a tip came in (举报渠道).
type TipChannel string

// Tip channels.
const (
	ChannelHotline TipChannel = "hotline" // 12350热线
	ChannelWeb     TipChannel = "web"     // 网站（/tip）
	ChannelLetter  TipChannel = "letter"  // 信件
	ChannelVisit   TipChannel = "visit"   // 来访
	ChannelOpen311 TipChannel = "open311" // 合作应用（Open311）
)

// TipChannels lists the channels in the order figures show them.
var TipChannels = []TipChannel{ChannelHotline, ChannelWeb, ChannelOpen311, ChannelLetter, ChannelVisit}

// TipChannelNames gives each channel's Chinese name.
var TipChannelNames = map[TipChannel]string{
	ChannelHotline: "12350热线", ChannelWeb: "网站", ChannelLetter: "信件", ChannelVisit: "来访", ChannelOpen311: "合作应用",
}

// Manual reports whether staff enter tips of this channel by hand (hotline,
// letter, visit); web and Open311 tips come from the public themselves.
func (c TipChannel) Manual() bool {
	return c == ChannelHotline || c == ChannelLetter || c == ChannelVisit
}

// TipStatus is where a tip stands in its handling.
type TipStatus string

// Tip statuses.
const (
	TipReceived   TipStatus = "received"   // 已受理，待分办 (district office)
	TipDispatched TipStatus = "dispatched" // 已交办镇（街道）核查
	TipVerified   TipStatus = "verified"   // 查证属实，待立案或关联问题
	TipUnfounded  TipStatus = "unfounded"  // 查证不属实
	TipDuplicate  TipStatus = "duplicate"  // 重复举报（并入首次举报）
	TipLinked     TipStatus = "linked"     // 已立案（关联问题）
)

// TipStatuses lists the statuses in handling order.
var TipStatuses = []TipStatus{TipReceived, TipDispatched, TipVerified, TipLinked, TipUnfounded, TipDuplicate}

// TipStatusNames gives each status's Chinese name (staff pages).
var TipStatusNames = map[TipStatus]string{
	TipReceived: "待分办", TipDispatched: "待核查", TipVerified: "属实待立案",
	TipUnfounded: "不属实", TipDuplicate: "重复举报", TipLinked: "已立案",
}

// Closed reports whether the tip's handling is over: false, duplicate, or a
// case opened (the case carries on in the closed loop). Open311's status.
func (s TipStatus) Closed() bool {
	return s == TipUnfounded || s == TipDuplicate || s == TipLinked
}

// VerifiedTrue reports whether the tip was found true (属实).
func (s TipStatus) VerifiedTrue() bool { return s == TipVerified || s == TipLinked }

// Reporter (举报人) is who sent a tip. Every field is Sensitive: the audit
// trail holds a keyed hash of it, logs a placeholder, and the store keeps it
// sealed (SecretBox). Only the district office reveals it, with a reason.
type Reporter struct {
	Name     Sensitive `json:"name"`
	Phone    Sensitive `json:"phone"`
	IDNumber Sensitive `json:"id_number"` // 身份证号, for paying a reward
	Contact  Sensitive `json:"contact"`   // email or any other way to reach them
}

// Anonymous reports whether the reporter left no name (匿名举报).
func (r Reporter) Anonymous() bool { return r.Name == "" && r.IDNumber == "" }

// Contactable reports whether the reporter can be reached — without it an
// anonymous tip's reward cannot be paid.
func (r Reporter) Contactable() bool { return r.Phone != "" || r.Contact != "" }

// Normalize trims the reporter's fields and checks their shape.
func (r *Reporter) Normalize() error {
	trim := func(s Sensitive) Sensitive { return Sensitive(strings.TrimSpace(halfWidthNumber(string(s)))) }
	r.Name, r.Phone, r.IDNumber, r.Contact = Sensitive(strings.TrimSpace(string(r.Name))), trim(r.Phone), trim(r.IDNumber), Sensitive(strings.TrimSpace(string(r.Contact)))
	if utf8.RuneCountInString(string(r.Name)) > 50 {
		return Invalid("name", "姓名过长")
	}
	if p := string(r.Phone); p != "" {
		digits := 0
		for _, c := range p {
			switch {
			case c >= '0' && c <= '9':
				digits++
			case c == '+' || c == '-' || c == ' ':
			default:
				return Invalid("phone", "电话号码只能包含数字")
			}
		}
		if digits < 5 || len(p) > 24 {
			return Invalid("phone", "电话号码位数不对")
		}
	}
	if id := strings.ToUpper(string(r.IDNumber)); id != "" {
		r.IDNumber = Sensitive(id)
		if len(id) != 18 || !allDigits(id[:17]) || !(id[17] == 'X' || id[17] >= '0' && id[17] <= '9') {
			return Invalid("id_number", "身份证号应为 18 位")
		}
	}
	if utf8.RuneCountInString(string(r.Contact)) > 200 {
		return Invalid("contact", "联系方式过长")
	}
	return nil
}

// Reward is a tip's reward (举报奖励) as approved and paid.
type Reward struct {
	Status     RewardStatus `json:"status"`
	AmountFen  int64        `json:"amount_fen"` // approved amount
	ApprovedAt *time.Time   `json:"approved_at"`
	PayDue     Date         `json:"pay_due"` // the campaign's payment deadline for it
	PaidDate   Date         `json:"paid_date"`
	Method     PayMethod    `json:"method"`
	PaidRef    string       `json:"paid_ref"` // voucher or transfer number
	Note       string       `json:"note"`     // why the amount differs from the suggestion
}

// RewardStatus is how far a reward has gone.
type RewardStatus string

// Reward statuses.
const (
	RewardNone     RewardStatus = "none"     // not approved (yet)
	RewardApproved RewardStatus = "approved" // 已核定, to be paid by PayDue
	RewardPaid     RewardStatus = "paid"     // 已兑现
)

// RewardStatusNames gives each reward status's Chinese name.
var RewardStatusNames = map[RewardStatus]string{RewardNone: "未核定", RewardApproved: "已核定待兑现", RewardPaid: "已兑现"}

// PayMethod is how a reward was paid.
type PayMethod string

// Payment methods.
const (
	PayBank  PayMethod = "bank"  // 银行转账
	PayCash  PayMethod = "cash"  // 现金
	PayOther PayMethod = "other" // 其它
)

// PayMethodNames gives each payment method's Chinese name.
var PayMethodNames = map[PayMethod]string{PayBank: "银行转账", PayCash: "现金", PayOther: "其它"}

// Tip (举报) is one report from the public: what and where, how it came in,
// and its handling. The reporter is not part of it: the store keeps the
// identity sealed beside it, and no page below the district office, no
// export and no public answer ever carries it.
type Tip struct {
	ID          int64      `json:"id"`
	CampaignID  int64      `json:"campaign_id"`
	Channel     TipChannel `json:"channel"`
	RefNo       string     `json:"ref_no"` // 12350 platform number (录入编号)
	Category    Category   `json:"category"`
	UnitName    string     `json:"unit_name"` // 被举报单位（对象）
	Address     string     `json:"address"`
	Lat         *float64   `json:"lat"`
	Lng         *float64   `json:"lng"`
	Description string     `json:"description"`
	MediaURL    string     `json:"media_url"`
	Anonymous   bool       `json:"anonymous"`
	Contactable bool       `json:"contactable"`
	Partner     string     `json:"partner,omitempty"` // the Open311 key's name

	Status       TipStatus  `json:"status"`
	OrgID        *int64     `json:"org_id"` // the town it is dispatched to
	VillageID    *int64     `json:"village_id"`
	DispatchedAt *time.Time `json:"dispatched_at"`
	VerifyNote   string     `json:"verify_note"` // internal: never public
	VerifiedAt   *time.Time `json:"verified_at"`
	DuplicateOf  *int64     `json:"duplicate_of"`
	CaseID       *int64     `json:"case_id"`
	Feedback     string     `json:"feedback"` // what the reporter is told
	FeedbackAt   *time.Time `json:"feedback_at"`
	FeedbackDue  Date       `json:"feedback_due"`
	Reward       Reward     `json:"reward"`

	ReceivedAt time.Time `json:"received_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int64     `json:"version"`

	// Filled on reads for display.
	TownName string `json:"town_name,omitempty"`
}

// Tip field limits. Open311 limits a description to 4,000 characters.
const (
	MaxTipDescription = 4000
	maxTipText        = 200
	maxTipNote        = 2000
)

// Normalize checks a new tip against its campaign and fills what follows
// from its reporter.
func (t *Tip) Normalize(camp *Campaign, r Reporter) error {
	t.UnitName, t.Address = strings.TrimSpace(t.UnitName), strings.TrimSpace(t.Address)
	t.Description, t.RefNo = strings.TrimSpace(t.Description), strings.TrimSpace(t.RefNo)
	t.MediaURL = strings.TrimSpace(t.MediaURL)
	if _, ok := TipChannelNames[t.Channel]; !ok {
		return Invalid("channel", "未知的举报渠道“%s”", t.Channel)
	}
	if t.Category == "" {
		return Invalid("category", "请选择问题类别")
	}
	if !camp.HasCategory(t.Category) {
		return Invalid("category", "未知的问题类别“%s”", t.Category)
	}
	if t.Description == "" {
		return Invalid("description", "请描述举报的问题")
	}
	if utf8.RuneCountInString(t.Description) > MaxTipDescription {
		return Invalid("description", "问题描述最多 %d 字", MaxTipDescription)
	}
	if utf8.RuneCountInString(t.UnitName) > maxTipText {
		return Invalid("unit_name", "被举报单位名称过长")
	}
	if utf8.RuneCountInString(t.Address) > maxTipText {
		return Invalid("address", "地址过长")
	}
	if (t.Lat == nil) != (t.Lng == nil) {
		return Invalid("lat", "经纬度须同时填写")
	}
	if t.Lat != nil && (math.IsNaN(*t.Lat) || math.IsNaN(*t.Lng) || *t.Lat < -90 || *t.Lat > 90 || *t.Lng < -180 || *t.Lng > 180) {
		return Invalid("lat", "经纬度超出范围")
	}
	if t.Address == "" && t.Lat == nil {
		return Invalid("address", "请填写地址或位置")
	}
	if len(t.RefNo) > 40 {
		return Invalid("ref_no", "12350 编号过长")
	}
	if t.MediaURL != "" {
		u, err := url.Parse(t.MediaURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(t.MediaURL) > 1000 {
			return Invalid("media_url", "media_url 应为 http(s) 网址")
		}
	}
	t.Anonymous, t.Contactable = r.Anonymous(), r.Contactable()
	t.Status = TipReceived
	t.Reward = Reward{Status: RewardNone}
	return nil
}

// PlaceID is the unit a tip lies at for scope: its village, else the town it
// was dispatched to, else root (only district-level roles see it).
func (t *Tip) PlaceID(rootID int64) int64 {
	switch {
	case t.VillageID != nil:
		return *t.VillageID
	case t.OrgID != nil:
		return *t.OrgID
	}
	return rootID
}

// TipAction is one step of a tip's handling (POST /api/v1/tips/{id}/actions).
type TipAction string

// Tip actions (DESIGN.md §7).
const (
	TipDispatch      TipAction = "dispatch"       // 分办到镇（街道）
	TipVerifyTrue    TipAction = "verify_true"    // 核查属实
	TipVerifyFalse   TipAction = "verify_false"   // 核查不属实
	TipMarkDuplicate TipAction = "mark_duplicate" // 重复举报
	TipLinkCase      TipAction = "link_case"      // 立案或关联已有问题
	TipApproveReward TipAction = "approve_reward" // 核定奖励
	TipPayReward     TipAction = "pay_reward"     // 兑现奖励
	TipFeedback      TipAction = "feedback"       // 答复举报人
)

// TipActionNames gives each action's Chinese name.
var TipActionNames = map[TipAction]string{
	TipDispatch: "分办", TipVerifyTrue: "核查属实", TipVerifyFalse: "核查不属实", TipMarkDuplicate: "标记重复",
	TipLinkCase: "立案/关联问题", TipApproveReward: "核定奖励", TipPayReward: "兑现奖励", TipFeedback: "答复举报人",
}

// tipRule is one row of the tips' transition table: action from any status
// in from, when the reward is in reward (if set), by a role in who, moving
// the tip to to (Unchanged keeps it).
type tipRule struct {
	action TipAction
	from   []TipStatus
	reward RewardStatus
	who    []Role
	to     TipStatus
}

var (
	tipDistrict = []Role{RoleDistrictOffice, RoleAdmin}
	tipHandlers = []Role{RoleTownOfficer, RoleDistrictOffice, RoleAdmin}
	anyTip      = TipStatuses
)

// tipTransitions is the handling of a tip, read row by row:
//
//	待分办 received ──dispatch (district office)──► 待核查 dispatched ──verify_true──► 属实 verified ──link_case──► 已立案 linked
//	     │                    (re-dispatch while dispatched)   │ verify_false ► 不属实 unfounded          │ approve_reward, pay_reward
//	     └──────────────── mark_duplicate ─────────────────────┴──────────────► 重复 duplicate          (district office)
//
// Feedback to the reporter may be given at any point.
var tipTransitions = []tipRule{
	{TipDispatch, []TipStatus{TipReceived, TipDispatched}, "", tipDistrict, TipDispatched},
	{TipVerifyTrue, []TipStatus{TipDispatched}, "", tipHandlers, TipVerified},
	{TipVerifyFalse, []TipStatus{TipDispatched}, "", tipHandlers, TipUnfounded},
	{TipMarkDuplicate, []TipStatus{TipReceived, TipDispatched}, "", tipHandlers, TipDuplicate},
	{TipLinkCase, []TipStatus{TipVerified}, "", tipHandlers, TipLinked},
	{TipApproveReward, []TipStatus{TipLinked}, RewardNone, tipDistrict, ""},
	{TipPayReward, []TipStatus{TipLinked}, RewardApproved, tipDistrict, ""},
	{TipFeedback, anyTip, "", tipHandlers, ""},
}

// TipTransition decides whether role may take act on t and the status that
// follows. A role that never takes the action is refused with 403; a role
// that may, but not at the tip's present step, gets 409 (DESIGN.md §7).
func TipTransition(t *Tip, act TipAction, role Role) (TipStatus, error) {
	known, roleMay := false, false
	for _, r := range tipTransitions {
		if r.action != act {
			continue
		}
		known = true
		if !hasRole(r.who, role) {
			continue
		}
		roleMay = true
		if !hasTipStatus(r.from, t.Status) || (r.reward != "" && t.Reward.Status != r.reward) {
			continue
		}
		if r.to == "" {
			return t.Status, nil
		}
		return r.to, nil
	}
	switch {
	case !known:
		return "", Invalid("action", "未知的操作“%s”", act)
	case !roleMay:
		return "", Forbidden()
	}
	why := "举报处于“" + TipStatusNames[t.Status] + "”状态，不能" + TipActionNames[act]
	if act == TipApproveReward || act == TipPayReward {
		if t.Status == TipLinked {
			why = "奖励" + RewardStatusNames[t.Reward.Status] + "，不能" + TipActionNames[act]
		}
	}
	return "", &Error{Code: ECONFLICT, Field: "status", Message: why}
}

func hasRole(rs []Role, r Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func hasTipStatus(ss []TipStatus, s TipStatus) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TipNote checks the note a verification, a duplicate mark or a feedback
// must carry.
func TipNote(field, note string, required bool) (string, error) {
	note = strings.TrimSpace(note)
	if required && note == "" {
		return "", Invalid(field, "请填写说明")
	}
	if utf8.RuneCountInString(note) > maxTipNote {
		return "", Invalid(field, "说明最多 %d 字", maxTipNote)
	}
	return note, nil
}

// CheckDispatch checks the unit a tip is dispatched to: a town-level unit,
// and when a village is named, one under that town.
func CheckDispatch(town, village *OrgUnit) error {
	if town == nil || !town.IsTown() {
		return Invalid("org_id", "请选择镇（街道）")
	}
	if village != nil && (village.Kind.Tier() != TierVillage || !town.Contains(village)) {
		return Invalid("village_id", "村（社区）不在所选镇（街道）之内")
	}
	return nil
}

// CheckLinkCase checks that a tip may be linked to case c: the same campaign,
// the town the tip was dispatched to, and a case that counts (not voided).
func CheckLinkCase(t *Tip, c *Case) error {
	switch {
	case c.CampaignID != t.CampaignID:
		return Invalid("case_id", "问题不属于本专项行动")
	case t.OrgID == nil || c.OrgID != *t.OrgID:
		return Invalid("case_id", "问题不在举报交办的镇（街道）")
	case c.Status == StatusVoided:
		return &Error{Code: ECONFLICT, Field: "case_id", Message: "问题已作废，不能关联"}
	}
	return nil
}

// CaseFieldsFromTip prefills the case a true tip becomes (source 群众举报).
func CaseFieldsFromTip(t *Tip) CaseFields {
	src := t.RefNo
	if src == "" {
		src = "举报" + strconv.FormatInt(t.ID, 10)
	}
	return CaseFields{UnitName: t.UnitName, Category: t.Category, Address: t.Address,
		Description: t.Description, Source: SourceTip, SourceNo: src}
}

// Duplicates (重复举报): two tips may report the same matter when they name
// the same category and reported unit, or lie within DuplicateRadius of each
// other, and came in within DuplicateWindow of each other.
const (
	DuplicateWindow = 30 * 24 * time.Hour
	DuplicateRadius = 200.0 // metres
)

// PossibleDuplicate reports whether a and b may report the same matter.
func PossibleDuplicate(a, b *Tip) bool {
	if a.ID == b.ID || a.CampaignID != b.CampaignID {
		return false
	}
	if d := a.ReceivedAt.Sub(b.ReceivedAt); d > DuplicateWindow || d < -DuplicateWindow {
		return false
	}
	if a.Category == b.Category {
		if na := NormalizeName(a.UnitName); na != "" && na == NormalizeName(b.UnitName) {
			return true
		}
	}
	if a.Lat != nil && b.Lat != nil && a.Lng != nil && b.Lng != nil {
		return DistanceMeters(*a.Lat, *a.Lng, *b.Lat, *b.Lng) <= DuplicateRadius
	}
	return false
}

// Earlier reports whether a came in before b (by id on the same instant):
// the first report of a matter is the earliest.
func Earlier(a, b *Tip) bool {
	if !a.ReceivedAt.Equal(b.ReceivedAt) {
		return a.ReceivedAt.Before(b.ReceivedAt)
	}
	return a.ID < b.ID
}

// FirstReport returns the earliest of tips that is not itself marked a
// duplicate (nil for none): the first report of the matter.
func FirstReport(tips []*Tip) *Tip {
	var first *Tip
	for _, x := range tips {
		if x.Status == TipDuplicate {
			continue
		}
		if first == nil || Earlier(x, first) {
			first = x
		}
	}
	return first
}

// CheckDuplicateOf checks that t may be marked a duplicate of first: another,
// earlier tip of the same campaign that is not a duplicate itself (the app
// follows a duplicate to its first report before asking).
func CheckDuplicateOf(t, first *Tip) error {
	switch {
	case first.ID == t.ID:
		return Invalid("duplicate_of", "不能标记为与自己重复")
	case first.CampaignID != t.CampaignID:
		return Invalid("duplicate_of", "两条举报不属于同一专项行动")
	case first.Status == TipDuplicate:
		return Invalid("duplicate_of", "所选举报本身是重复举报")
	case !Earlier(first, t):
		return Invalid("duplicate_of", "重复举报应并入更早的首次举报")
	}
	return nil
}

// DistanceMeters is the great-circle distance between two WGS-84 points.
func DistanceMeters(lat1, lng1, lat2, lng2 float64) float64 {
	const earth = 6371008.8 // mean radius, metres
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earth * math.Asin(math.Min(1, math.Sqrt(h)))
}

// PublicStatus says, in plain words for the reporter and the public, where
// a tip stands. It never names people, internal notes or enforcement.
func (t *Tip) PublicStatus() string {
	switch t.Status {
	case TipReceived:
		return "已受理，正在分办"
	case TipDispatched:
		return "已交属地镇（街道）核查"
	case TipVerified:
		return "经核查属实，正在依法处理"
	case TipLinked:
		return "经核查属实，已立案整治"
	case TipUnfounded:
		return "经核查，反映的问题不属实"
	case TipDuplicate:
		return "与此前的举报反映同一问题，已合并处理"
	}
	return ""
}

// PublicReward says, in plain words, how the reward stands (no amounts).
func (t *Tip) PublicReward() string {
	switch t.Reward.Status {
	case RewardApproved:
		return "符合奖励条件，奖励已核定，将尽快兑现"
	case RewardPaid:
		return "奖励已兑现"
	}
	return ""
}

// Follow codes (查询码) let a reporter follow a tip without an account. The
// store keeps only their hash.
var followEncoding = base32.NewEncoding("ABCDEFGHJKLMNPQRSTUVWXYZ23456789").WithPadding(base32.NoPadding)

// FollowCode turns 10 random bytes into a 16-character code.
func FollowCode(random []byte) string { return followEncoding.EncodeToString(random[:10]) }

// FollowCodeHash is the stored form of a follow code, as typed (spaces,
// dashes and case ignored).
func FollowCodeHash(code string) string {
	c := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(code)))
	h := sha256.Sum256([]byte("zhengzhi tip follow code\x00" + c))
	return hex.EncodeToString(h[:])
}

// TipAlert is a reminder about a tip that is late (GET /api/v1/tips/alerts).
type TipAlert struct {
	TipID   int64  `json:"tip_id"`
	Kind    string `json:"kind"` // reward_unpaid | feedback_overdue
	Due     Date   `json:"due"`
	Message string `json:"message"`
}

// TipAlerts lists what is overdue on t on day today: an approved reward
// unpaid past its payment deadline, feedback to the reporter past its due
// date (feedback is due for every tip, true or not).
func TipAlerts(t *Tip, today Date) []TipAlert {
	var out []TipAlert
	if t.Reward.Status == RewardApproved && t.Reward.PayDue != "" && today > t.Reward.PayDue {
		out = append(out, TipAlert{TipID: t.ID, Kind: "reward_unpaid", Due: t.Reward.PayDue,
			Message: "举报奖励已核定，超过兑现期限仍未兑现"})
	}
	if t.FeedbackAt == nil && t.FeedbackDue != "" && today > t.FeedbackDue {
		out = append(out, TipAlert{TipID: t.ID, Kind: "feedback_overdue", Due: t.FeedbackDue,
			Message: "超过答复期限仍未答复举报人"})
	}
	return out
}
