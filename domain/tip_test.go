package domain

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestTipTransition_Table(t *testing.T) {
	at := func(s TipStatus, r RewardStatus) *Tip { return &Tip{Status: s, Reward: Reward{Status: r}} }
	cases := []struct {
		name string
		tip  *Tip
		act  TipAction
		role Role
		want TipStatus
		code string
	}{
		{"district dispatches", at(TipReceived, RewardNone), TipDispatch, RoleDistrictOffice, TipDispatched, ""},
		{"district re-dispatches before verification", at(TipDispatched, RewardNone), TipDispatch, RoleDistrictOffice, TipDispatched, ""},
		{"a town officer never dispatches", at(TipReceived, RewardNone), TipDispatch, RoleTownOfficer, "", EFORBIDDEN},
		{"town verifies true", at(TipDispatched, RewardNone), TipVerifyTrue, RoleTownOfficer, TipVerified, ""},
		{"town verifies false", at(TipDispatched, RewardNone), TipVerifyFalse, RoleTownOfficer, TipUnfounded, ""},
		{"verify before dispatch is the wrong step", at(TipReceived, RewardNone), TipVerifyTrue, RoleTownOfficer, "", ECONFLICT},
		{"grid worker never verifies", at(TipDispatched, RewardNone), TipVerifyTrue, RoleGrid, "", EFORBIDDEN},
		{"duplicate at triage", at(TipReceived, RewardNone), TipMarkDuplicate, RoleDistrictOffice, TipDuplicate, ""},
		{"duplicate by the town", at(TipDispatched, RewardNone), TipMarkDuplicate, RoleTownOfficer, TipDuplicate, ""},
		{"link a true tip", at(TipVerified, RewardNone), TipLinkCase, RoleTownOfficer, TipLinked, ""},
		{"link an unfounded tip", at(TipUnfounded, RewardNone), TipLinkCase, RoleTownOfficer, "", ECONFLICT},
		{"district approves the reward", at(TipLinked, RewardNone), TipApproveReward, RoleDistrictOffice, TipLinked, ""},
		{"town may not approve rewards", at(TipLinked, RewardNone), TipApproveReward, RoleTownOfficer, "", EFORBIDDEN},
		{"approve twice", at(TipLinked, RewardApproved), TipApproveReward, RoleDistrictOffice, "", ECONFLICT},
		{"pay an approved reward", at(TipLinked, RewardApproved), TipPayReward, RoleDistrictOffice, TipLinked, ""},
		{"pay before approval", at(TipLinked, RewardNone), TipPayReward, RoleDistrictOffice, "", ECONFLICT},
		{"feedback at any step", at(TipUnfounded, RewardNone), TipFeedback, RoleTownOfficer, TipUnfounded, ""},
		{"supervisor only reads", at(TipReceived, RewardNone), TipFeedback, RoleSupervisor, "", EFORBIDDEN},
		{"unknown action", at(TipReceived, RewardNone), "bogus", RoleDistrictOffice, "", EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := TipTransition(c.tip, c.act, c.role)
			if ErrorCode(err) != c.code || got != c.want {
				t.Fatalf("got %q, %v; want %q, code %q", got, err, c.want, c.code)
			}
		})
	}
}

func TestPossibleDuplicate(t *testing.T) {
	t0 := time.Date(2020, 10, 1, 9, 0, 0, 0, time.UTC)
	f := func(v float64) *float64 { return &v }
	base := &Tip{ID: 1, CampaignID: 1, Category: CatSpraying, UnitName: "宏达 喷涂厂", ReceivedAt: t0, Lat: f(31.7800), Lng: f(119.9300)}
	cases := []struct {
		name string
		b    Tip
		want bool
	}{
		{"same category and unit (normalised)", Tip{ID: 2, CampaignID: 1, Category: CatSpraying, UnitName: "宏达喷涂厂", ReceivedAt: t0.Add(24 * time.Hour)}, true},
		{"same unit, other category, far away", Tip{ID: 2, CampaignID: 1, Category: CatDust, UnitName: "宏达喷涂厂", ReceivedAt: t0, Lat: f(31.9), Lng: f(119.9300)}, false},
		{"150 m away, other unit", Tip{ID: 2, CampaignID: 1, Category: CatDust, UnitName: "别家", ReceivedAt: t0, Lat: f(31.7800 + 150.0/111195), Lng: f(119.9300)}, true},
		{"250 m away, other unit", Tip{ID: 2, CampaignID: 1, Category: CatDust, UnitName: "别家", ReceivedAt: t0, Lat: f(31.7800 + 250.0/111195), Lng: f(119.9300)}, false},
		{"same unit but 31 days later", Tip{ID: 2, CampaignID: 1, Category: CatSpraying, UnitName: "宏达喷涂厂", ReceivedAt: t0.Add(31 * 24 * time.Hour)}, false},
		{"same unit 30 days earlier", Tip{ID: 2, CampaignID: 1, Category: CatSpraying, UnitName: "宏达喷涂厂", ReceivedAt: t0.Add(-30 * 24 * time.Hour)}, true},
		{"itself", *base, false},
		{"other campaign", Tip{ID: 2, CampaignID: 2, Category: CatSpraying, UnitName: "宏达喷涂厂", ReceivedAt: t0}, false},
		{"both without unit or place", Tip{ID: 2, CampaignID: 1, Category: CatSpraying, ReceivedAt: t0}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := PossibleDuplicate(base, &c.b); got != c.want {
				t.Fatalf("got %v", got)
			}
		})
	}
}

func TestFirstReportAndDuplicateOf(t *testing.T) {
	t0 := time.Date(2020, 10, 1, 9, 0, 0, 0, time.UTC)
	a := &Tip{ID: 5, CampaignID: 1, ReceivedAt: t0, Status: TipReceived}
	b := &Tip{ID: 3, CampaignID: 1, ReceivedAt: t0.Add(time.Hour), Status: TipReceived}
	c := &Tip{ID: 9, CampaignID: 1, ReceivedAt: t0.Add(-time.Hour), Status: TipDuplicate}
	if f := FirstReport([]*Tip{b, a, c}); f != a {
		t.Fatalf("first = %+v, want the earliest that is not a duplicate", f)
	}
	if err := CheckDuplicateOf(b, a); err != nil {
		t.Fatal(err)
	}
	if err := CheckDuplicateOf(a, b); ErrorCode(err) != EINVALID {
		t.Fatalf("a later tip cannot be the first: %v", err)
	}
	if err := CheckDuplicateOf(b, c); ErrorCode(err) != EINVALID {
		t.Fatalf("a duplicate cannot be the first: %v", err)
	}
}

func TestTipNormalize(t *testing.T) {
	camp := &Campaign{Categories: DefaultCategories}
	ok := func() *Tip {
		return &Tip{Channel: ChannelWeb, Category: CatSpraying, Address: "五星街道某路 1 号", Description: "夜间喷漆，气味刺鼻"}
	}
	tip := ok()
	if err := tip.Normalize(camp, Reporter{Phone: "13800000000"}); err != nil {
		t.Fatal(err)
	}
	if !tip.Anonymous || !tip.Contactable || tip.Status != TipReceived {
		t.Fatalf("derived flags: %+v", tip)
	}
	bad := map[string]func(*Tip){
		"category":    func(t *Tip) { t.Category = "bogus" },
		"description": func(t *Tip) { t.Description = strings.Repeat("字", MaxTipDescription+1) },
		"address":     func(t *Tip) { t.Address = "" },
		"channel":     func(t *Tip) { t.Channel = "fax" },
		"media_url":   func(t *Tip) { t.MediaURL = "javascript:alert(1)" },
	}
	for field, mut := range bad {
		tip := ok()
		mut(tip)
		if err := tip.Normalize(camp, Reporter{}); ErrorField(err) != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	r := Reporter{Phone: "１３８ ０000 0000", IDNumber: "32040419800101123x"}
	if err := r.Normalize(); err != nil || r.Phone != "138 0000 0000" || r.IDNumber != "32040419800101123X" {
		t.Fatalf("normalised reporter %v %v", r, err)
	}
	if err := (&Reporter{Phone: "call me"}).Normalize(); ErrorField(err) != "phone" {
		t.Fatalf("bad phone: %v", err)
	}
}

func TestSecretBox_SealsAndBinds(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	box, err := NewSecretBox(key)
	if err != nil {
		t.Fatal(err)
	}
	r := Reporter{Name: "张三", Phone: "13800001111"}
	sealed, err := box.SealReporter(r, "tip-a")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "13800001111") || strings.Contains(sealed, "张三") {
		t.Fatal("sealed value shows the clear text")
	}
	got, err := box.OpenReporter(sealed, "tip-a")
	if err != nil || got != r {
		t.Fatalf("open: %v %v", got, err)
	}
	if _, err := box.OpenReporter(sealed, "tip-b"); err == nil {
		t.Fatal("a sealed identity moved to another tip must not open")
	}
	other, _ := NewSecretBox(bytes.Repeat([]byte{8}, 32))
	if _, err := other.OpenReporter(sealed, "tip-a"); err == nil {
		t.Fatal("another key must not open it")
	}
	if box.DerivedFollowCode("k1") != box.DerivedFollowCode("k1") || box.DerivedFollowCode("k1") == box.DerivedFollowCode("k2") {
		t.Fatal("derived follow codes")
	}
	if FollowCodeHash("abcd-efgh") != FollowCodeHash(" ABCDEFGH ") {
		t.Fatal("follow code hash ignores case, dashes and spaces")
	}
}

func TestTipAlerts(t *testing.T) {
	now := time.Date(2020, 10, 1, 9, 0, 0, 0, time.UTC)
	tip := &Tip{ID: 1, FeedbackDue: "2020-10-10", Reward: Reward{Status: RewardApproved, PayDue: "2020-10-05"}}
	if a := TipAlerts(tip, "2020-10-05"); len(a) != 0 {
		t.Fatalf("on the due day nothing is late: %v", a)
	}
	if a := TipAlerts(tip, "2020-10-06"); len(a) != 1 || a[0].Kind != "reward_unpaid" {
		t.Fatalf("unpaid: %v", a)
	}
	tip.FeedbackAt = &now
	tip.Reward.Status = RewardPaid
	if a := TipAlerts(tip, "2020-12-01"); len(a) != 0 {
		t.Fatalf("paid and answered: %v", a)
	}
	tip.FeedbackAt = nil
	if a := TipAlerts(tip, "2020-10-11"); len(a) != 1 || a[0].Kind != "feedback_overdue" {
		t.Fatalf("feedback: %v", a)
	}
}
