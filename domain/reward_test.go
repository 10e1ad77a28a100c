package domain

import (
	"math"
	"testing"
)

func linkedTip(contactable bool) *Tip {
	c := int64(7)
	return &Tip{ID: 1, Status: TipLinked, CaseID: &c, Contactable: contactable}
}

// The default rule (《安全生产领域举报奖励办法》) at its edges, in fen.
func TestSuggestReward_DefaultRuleEdges(t *testing.T) {
	rule := DefaultRewardRule(1)
	yuan := func(y int64) int64 { return y * 100 }
	cases := []struct {
		name     string
		tip      *Tip
		fine     int64
		first    bool
		eligible bool
		want     int64
	}{
		{"fine ¥20,000 → 15% is ¥3,000, the floor", linkedTip(true), yuan(20_000), true, true, yuan(3_000)},
		{"fine ¥10,000 → 15% is ¥1,500, raised to ¥3,000", linkedTip(true), yuan(10_000), true, true, yuan(3_000)},
		{"fine ¥100,000 → ¥15,000", linkedTip(true), yuan(100_000), true, true, yuan(15_000)},
		{"fine ¥2,000,000 → ¥300,000 exactly at the ceiling", linkedTip(true), yuan(2_000_000), true, true, yuan(300_000)},
		{"fine ¥5,000,000 → capped at ¥300,000", linkedTip(true), yuan(5_000_000), true, true, yuan(300_000)},
		{"15% of ¥1,234.57 rounds down to the fen", linkedTip(true), 123_457, true, true, yuan(3_000)},
		{"no fine → no reward", linkedTip(true), 0, true, false, 0},
		{"second reporter of the same matter → none", linkedTip(true), yuan(100_000), false, false, 0},
		{"anonymous without any contact → cannot be paid", linkedTip(false), yuan(100_000), true, false, 0},
		{"largest fine does not overflow", linkedTip(true), math.MaxInt64, true, true, yuan(300_000)},
		{"a tip not turned into a case → none", &Tip{Status: TipVerified, Contactable: true}, yuan(100_000), true, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := SuggestReward(rule, c.tip, c.fine, c.first)
			if got.Eligible != c.eligible || got.AmountFen != c.want {
				t.Fatalf("got %+v, want eligible=%v amount=%d", got, c.eligible, c.want)
			}
			if !got.Eligible && got.Reason == "" {
				t.Fatal("a refusal must say why")
			}
		})
	}
}

func TestRewardAmount_ExactShareWithoutFloat(t *testing.T) {
	rule := RewardRule{RateBP: 1500, MinFen: 0, MaxFen: math.MaxInt64}
	if got := RewardAmount(rule, 333); got != 49 { // 49.95 fen → 49
		t.Fatalf("15%% of 333 fen = %d", got)
	}
	// 9223372036854775807 × 0.15 = 1383505805528216371.05 → 1383505805528216371
	if got := RewardAmount(rule, math.MaxInt64); got != 1383505805528216371 {
		t.Fatalf("max fine share = %d", got)
	}
}

func TestRewardRule_Normalize(t *testing.T) {
	for name, r := range map[string]RewardRule{
		"zero rate":         {RateBP: 0, MinFen: 0, MaxFen: 1, PayDays: 1, FeedbackDays: 1},
		"rate over 100%":    {RateBP: 10001, MinFen: 0, MaxFen: 1, PayDays: 1, FeedbackDays: 1},
		"max below min":     {RateBP: 1500, MinFen: 10, MaxFen: 5, PayDays: 1, FeedbackDays: 1},
		"no pay deadline":   {RateBP: 1500, MinFen: 0, MaxFen: 5, PayDays: 0, FeedbackDays: 1},
		"negative floor":    {RateBP: 1500, MinFen: -1, MaxFen: 5, PayDays: 1, FeedbackDays: 1},
		"no feedback limit": {RateBP: 1500, MinFen: 0, MaxFen: 5, PayDays: 1, FeedbackDays: 0},
	} {
		if err := r.Normalize(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	d := DefaultRewardRule(1)
	if err := d.Normalize(); err != nil {
		t.Fatal(err)
	}
}

func TestCheckApprovedAmount(t *testing.T) {
	rule := DefaultRewardRule(1)
	if err := CheckApprovedAmount(rule, 1_500_000, 1_500_000, ""); err != nil {
		t.Fatal(err)
	}
	if err := CheckApprovedAmount(rule, 1_500_000, 1_000_000, ""); ErrorField(err) != "note" {
		t.Fatalf("differing amount without a reason: %v", err)
	}
	if err := CheckApprovedAmount(rule, 1_500_000, rule.MaxFen+1, "特别重大"); ErrorField(err) != "amount_fen" {
		t.Fatalf("over the ceiling: %v", err)
	}
}
