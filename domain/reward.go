package domain

import (
	"math/bits"
	"time"
)

// RewardRule is a campaign's 12350 reward rule (举报奖励): a share of the
// fine imposed on the matter, within a floor and a ceiling, and the
// deadlines for paying an approved reward and for answering the reporter.
type RewardRule struct {
	CampaignID   int64 `json:"campaign_id"`
	RateBP       int64 `json:"rate_bp"`       // share of the fine in basis points: 1500 = 15%
	MinFen       int64 `json:"min_fen"`       // at least
	MaxFen       int64 `json:"max_fen"`       // at most
	PayDays      int   `json:"pay_days"`      // an approved reward is paid within
	FeedbackDays int   `json:"feedback_days"` // the reporter hears back within
}

// DefaultRewardRule follows 《安全生产领域举报奖励办法》: 15% of the fine, at
// least ¥3,000, at most ¥300,000; paid within 15 days of approval; the
// reporter answered within 60 days of the tip.
func DefaultRewardRule(campaignID int64) RewardRule {
	return RewardRule{CampaignID: campaignID, RateBP: 1500, MinFen: 300_000, MaxFen: 30_000_000, PayDays: 15, FeedbackDays: 60}
}

// Normalize checks a rule before it is stored.
func (r *RewardRule) Normalize() error {
	switch {
	case r.RateBP <= 0 || r.RateBP > 10000:
		return Invalid("rate_bp", "奖励比例应在 0.01%% 到 100%% 之间")
	case r.MinFen < 0:
		return Invalid("min_fen", "奖励下限不能为负数")
	case r.MaxFen <= 0 || r.MaxFen < r.MinFen:
		return Invalid("max_fen", "奖励上限应大于 0 且不低于下限")
	case r.PayDays <= 0 || r.PayDays > 365:
		return Invalid("pay_days", "兑现期限应为 1 到 365 天")
	case r.FeedbackDays <= 0 || r.FeedbackDays > 365:
		return Invalid("feedback_days", "答复期限应为 1 到 365 天")
	}
	return nil
}

// RewardSuggestion is what the rule gives a tip: an amount, or why none.
type RewardSuggestion struct {
	Eligible  bool   `json:"eligible"`
	AmountFen int64  `json:"amount_fen"`
	Reason    string `json:"reason,omitempty"` // why not, when not eligible
}

// SuggestReward applies the rule to a tip whose matter carries fineFen:
// only a true tip turned into a case, only its first reporter (first), only
// a reporter who can be reached, and only when a fine was imposed. The
// share is computed exactly in 128 bits and rounded down to the fen, so no
// fine can overflow it.
func SuggestReward(rule RewardRule, t *Tip, fineFen int64, first bool) RewardSuggestion {
	no := func(why string) RewardSuggestion { return RewardSuggestion{Reason: why} }
	switch {
	case t.Status != TipLinked || t.CaseID == nil:
		return no("举报尚未经核查属实并立案")
	case !first:
		return no("同一问题只奖励首次举报人")
	case !t.Contactable:
		return no("匿名举报且未留联系方式，无法兑现奖励")
	case fineFen <= 0:
		return no("问题未作出罚款，无奖励")
	}
	return RewardSuggestion{Eligible: true, AmountFen: RewardAmount(rule, fineFen)}
}

// RewardAmount is the rule's amount for a fine: RateBP of it, rounded down
// to the fen, raised to MinFen and capped at MaxFen; 0 for no fine.
func RewardAmount(rule RewardRule, fineFen int64) int64 {
	if fineFen <= 0 || rule.RateBP <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(fineFen), uint64(rule.RateBP))
	// fine < 2^63 and rate ≤ 10^4 < 2^14, so hi < 2^13 < 10^4: Div64 cannot panic.
	q, _ := bits.Div64(hi, lo, 10000)
	amount := rule.MaxFen
	if q < uint64(rule.MaxFen) {
		amount = int64(q)
	}
	if amount < rule.MinFen {
		amount = rule.MinFen
	}
	return amount
}

// CheckApprovedAmount checks an amount the district office approves instead
// of the suggestion: positive, within the ceiling, with a reason when it
// differs from what the rule gives.
func CheckApprovedAmount(rule RewardRule, suggested, amount int64, note string) error {
	switch {
	case amount <= 0:
		return Invalid("amount_fen", "奖励金额应大于 0")
	case amount > rule.MaxFen:
		return Invalid("amount_fen", "奖励金额超过上限 %s 元", FenToYuan(rule.MaxFen))
	case amount != suggested && note == "":
		return Invalid("note", "核定金额与建议金额不同，请说明理由")
	}
	return nil
}

// DaysAfter is the date n days after instant t's date in loc.
func DaysAfter(t time.Time, loc *time.Location, n int) Date {
	d := t.In(loc)
	return DateOf(time.Date(d.Year(), d.Month(), d.Day()+n, 12, 0, 0, 0, loc), loc)
}
