package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// tipFixture is a seeded store with a campaign and the users tips involve.
type tipFixture struct {
	app   *app.App
	db    *store.DB
	clock *domain.FixedClock
	orgs  map[string]*domain.OrgUnit
	as    map[string]*domain.Actor
	camp  *domain.Campaign
}

var tipUsers = []struct {
	name string
	role domain.Role
	org  string
}{
	{"district", domain.RoleDistrictOffice, "钟楼区"},
	{"supervisor", domain.RoleSupervisor, "钟楼区"},
	{"wx_officer", domain.RoleTownOfficer, "五星街道"},
	{"wx_head", domain.RoleTownHead, "五星街道"},
	{"wx_grid", domain.RoleGrid, "新中社区"},
	{"yh_officer", domain.RoleTownOfficer, "永红街道"},
}

func newTipFixture(t *testing.T, dialect store.Dialect, opts ...app.Option) *tipFixture {
	t.Helper()
	db := storetest.Open(t, dialect, storetest.Options{Clock: &domain.FixedClock{T: mustTime("2020-10-12T10:00:00+08:00")}})
	return tipFixtureOn(t, db, opts...)
}

func tipFixtureOn(t *testing.T, db *store.DB, opts ...app.Option) *tipFixture {
	t.Helper()
	ctx := context.Background()
	a := app.New(db, opts...)
	if _, err := seed.Bootstrap(ctx, a, "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	f := &tipFixture{app: a, db: db, clock: db.Clock().(*domain.FixedClock), orgs: map[string]*domain.OrgUnit{}, as: map[string]*domain.Actor{}}
	root, _ := a.Root(ctx)
	units, _ := a.Subtree(ctx, root)
	for _, o := range units {
		f.orgs[o.Name] = o
	}
	admin, err := a.Authenticate(ctx, "admin", "admin-password-1")
	if err != nil {
		t.Fatal(err)
	}
	f.as["admin"] = admin
	for _, u := range tipUsers {
		if _, err := a.CreateUser(ctx, admin, app.UserInput{Username: u.name, Password: "password-" + u.name, DisplayName: u.name,
			Role: u.role, OrgID: f.orgs[u.org].ID}); err != nil {
			t.Fatal(err)
		}
		if f.as[u.name], err = a.Authenticate(ctx, u.name, "password-"+u.name); err != nil {
			t.Fatal(err)
		}
	}
	if f.camp, err = a.CreateCampaign(ctx, admin, domain.Campaign{Name: "专项整治", StartDate: "2020-09-27", EndDate: "2020-11-30",
		DeadlineWeekday: 3, DeadlineTime: "17:00", SummaryDueDate: "2020-11-15"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// jpeg is the start of a JPEG file: enough for the type sniffer.
var jpeg = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}, bytes.Repeat([]byte{1}, 100)...)

func webTip(unit string, rep domain.Reporter) app.TipInput {
	return app.TipInput{Channel: domain.ChannelWeb, Category: domain.CatSpraying, UnitName: unit,
		Address: "五星街道新中路 18 号后院", Lat: ptr(31.7801), Lng: ptr(119.9302),
		Description: "夜间偷偷喷漆，气味刺鼻，无任何废气处理设施", Reporter: rep}
}

func (f *tipFixture) act(t *testing.T, who string, id int64, in app.TipActionInput) *domain.Tip {
	t.Helper()
	tip, err := f.app.TipAction(context.Background(), f.as[who], id, in)
	if err != nil {
		t.Fatalf("%s %s: %v", who, in.Action, err)
	}
	return tip
}

// The whole way of a tip from the phone page: received, dispatched to a
// town, verified true, a new case opened from it, the fine recorded, the
// reward approved at 15% and paid; the reporter follows it by its code and
// never sees internal notes; only the district office reveals who it was.
func TestTips_FromPhoneToPaidReward(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newTipFixture(t, dialect)
		ctx := context.Background()
		rep := domain.Reporter{Name: "李四", Phone: "13900001111"}
		in := webTip("红星喷涂点", rep)
		in.Files = []app.FileInput{{Filename: "现场.jpg", Reader: bytes.NewReader(jpeg)}}
		in.IdempotencyKey = "form-1"
		rc, err := f.app.SubmitTip(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		id := rc.Tip.ID
		if rc.FollowCode == "" || rc.Tip.Status != domain.TipReceived || rc.Tip.FeedbackDue != "2020-12-11" {
			t.Fatalf("receipt %+v", rc.Tip)
		}
		// A double tap gives the same tip and the same code, nothing new.
		again, err := f.app.SubmitTip(ctx, in)
		if err != nil || !again.Replayed || again.Tip.ID != id || again.FollowCode != rc.FollowCode {
			t.Fatalf("retry: %+v %v", again, err)
		}

		// Before dispatch only the district level sees it.
		_, err = f.app.Tip(ctx, f.as["wx_officer"], id)
		wantCode(t, err, domain.ENOTFOUND)
		_, err = f.app.Tip(ctx, f.as["wx_grid"], id)
		wantCode(t, err, domain.ENOTFOUND) // a village is not in scope of an undispatched tip
		if _, _, err = f.app.Tips(ctx, f.as["wx_grid"], app.TipQuery{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("grid worker lists tips: %v", err)
		}
		_, err = f.app.TipAction(ctx, f.as["wx_officer"], id, app.TipActionInput{Action: domain.TipVerifyTrue, Note: "x"})
		wantCode(t, err, domain.ENOTFOUND)

		f.act(t, "district", id, app.TipActionInput{Action: domain.TipDispatch, OrgID: f.orgs["五星街道"].ID, VillageID: f.orgs["新中社区"].ID})
		// Now the town sees it, the other town does not.
		if _, err := f.app.Tip(ctx, f.as["wx_officer"], id); err != nil {
			t.Fatal(err)
		}
		_, err = f.app.Tip(ctx, f.as["yh_officer"], id)
		wantCode(t, err, domain.ENOTFOUND)
		if items, total, err := f.app.Tips(ctx, f.as["yh_officer"], app.TipQuery{}); err != nil || total != 0 || len(items) != 0 {
			t.Fatalf("永红 lists 五星's tip: %d %v", total, err)
		}
		_, _, err = f.app.Tips(ctx, f.as["yh_officer"], app.TipQuery{OrgID: f.orgs["五星街道"].ID})
		wantCode(t, err, domain.ENOTFOUND)
		if _, total, _ := f.app.Tips(ctx, f.as["wx_officer"], app.TipQuery{}); total != 1 {
			t.Fatalf("五星 lists %d tips", total)
		}
		// A town officer may not dispatch, nor reveal the reporter.
		_, err = f.app.TipAction(ctx, f.as["wx_officer"], id, app.TipActionInput{Action: domain.TipDispatch, OrgID: f.orgs["永红街道"].ID})
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.RevealReporter(ctx, f.as["wx_officer"], id, "想知道")
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.RevealReporter(ctx, f.as["admin"], id, "想知道")
		wantCode(t, err, domain.EFORBIDDEN)

		// Verification needs a note; evidence is kept with the tip.
		_, err = f.app.TipAction(ctx, f.as["wx_officer"], id, app.TipActionInput{Action: domain.TipVerifyTrue})
		wantCode(t, err, domain.EINVALID)
		f.act(t, "wx_officer", id, app.TipActionInput{Action: domain.TipVerifyTrue, Note: "现场核实：张某某夜间喷漆属实",
			Files: []app.FileInput{{Filename: "核查.jpg", Reader: bytes.NewReader(jpeg)}}})
		tip := f.act(t, "wx_officer", id, app.TipActionInput{Action: domain.TipLinkCase, NewCase: &app.CaseInput{}})
		if tip.Status != domain.TipLinked || tip.CaseID == nil {
			t.Fatalf("linked %+v", tip)
		}
		c, err := f.app.Case(ctx, f.as["wx_officer"], *tip.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Source != domain.SourceTip || c.UnitName != "红星喷涂点" || c.Category != domain.CatSpraying || c.OrgID != f.orgs["五星街道"].ID ||
			c.VillageID == nil || *c.VillageID != f.orgs["新中社区"].ID {
			t.Fatalf("case from tip %+v", c)
		}
		// Linking again (a retry) changes nothing.
		if again := f.act(t, "wx_officer", id, app.TipActionInput{Action: domain.TipLinkCase, CaseID: c.ID}); again.Version != tip.Version {
			t.Fatalf("relink moved the version %d → %d", tip.Version, again.Version)
		}

		// No fine yet: no reward.
		_, err = f.app.TipAction(ctx, f.as["district"], id, app.TipActionInput{Action: domain.TipApproveReward})
		wantCode(t, err, domain.ECONFLICT)
		if _, err := f.app.UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("case_filed", ptr(true)).With("case_no", ptr("钟安罚〔2020〕12号")).With("fine_fen", ptr(int64(100_000_00)))); err != nil {
			t.Fatal(err)
		}
		v, err := f.app.Tip(ctx, f.as["district"], id)
		if err != nil {
			t.Fatal(err)
		}
		if v.Suggestion == nil || !v.Suggestion.Eligible || v.Suggestion.AmountFen != 15_000_00 || v.FirstID != id {
			t.Fatalf("suggestion %+v first %d", v.Suggestion, v.FirstID)
		}
		// The town may not approve; the district office does.
		_, err = f.app.TipAction(ctx, f.as["wx_officer"], id, app.TipActionInput{Action: domain.TipApproveReward})
		wantCode(t, err, domain.EFORBIDDEN)
		tip = f.act(t, "district", id, app.TipActionInput{Action: domain.TipApproveReward})
		if tip.Reward.Status != domain.RewardApproved || tip.Reward.AmountFen != 15_000_00 || tip.Reward.PayDue != "2020-10-27" {
			t.Fatalf("approved %+v", tip.Reward)
		}
		// Unpaid past the deadline: an alert.
		f.clock.T = mustTime("2020-10-28T09:00:00+08:00")
		alerts, err := f.app.TipAlerts(ctx, f.as["district"], 0)
		if err != nil || len(alerts) != 1 || alerts[0].Kind != "reward_unpaid" {
			t.Fatalf("alerts %+v %v", alerts, err)
		}
		_, err = f.app.TipAction(ctx, f.as["district"], id, app.TipActionInput{Action: domain.TipPayReward, PaidDate: "2020-10-28"})
		wantCode(t, err, domain.EINVALID) // no method
		tip = f.act(t, "district", id, app.TipActionInput{Action: domain.TipPayReward, PaidDate: "2020-10-28", Method: "bank", PaidRef: "转账 0001"})
		if tip.Reward.Status != domain.RewardPaid {
			t.Fatalf("paid %+v", tip.Reward)
		}
		f.act(t, "wx_officer", id, app.TipActionInput{Action: domain.TipFeedback, Text: "您反映的问题属实，已依法查处并责令关闭。"})

		// The reporter follows it: plain words, no internal note, no names.
		p, err := f.app.FollowTip(ctx, strings.ToLower(rc.FollowCode))
		if err != nil {
			t.Fatal(err)
		}
		if p.StatusText != "经核查属实，已立案整治" || !p.Closed || p.Agency != "五星街道" || p.RewardText != "奖励已兑现" ||
			!strings.Contains(p.Feedback, "依法查处") {
			t.Fatalf("public view %+v", p)
		}
		pub, _ := json.Marshal(p)
		for _, secret := range []string{"张某某", "李四", "13900001111", "钟安罚", "1500000"} {
			if strings.Contains(string(pub), secret) {
				t.Fatalf("public view shows %q: %s", secret, pub)
			}
		}
		_, err = f.app.FollowTip(ctx, "NOSUCHCODE")
		wantCode(t, err, domain.ENOTFOUND)

		// The district office reveals, with a reason; the reveal is audited.
		_, err = f.app.RevealReporter(ctx, f.as["district"], id, " ")
		wantCode(t, err, domain.EINVALID)
		got, err := f.app.RevealReporter(ctx, f.as["district"], id, "兑现奖励需核对身份")
		if err != nil || got != rep {
			t.Fatalf("reveal %v %v", got, err)
		}
		events, err := f.app.AuditEvents(ctx, f.as["admin"], app.AuditFilter{Entity: "tip", EntityID: id})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
			for _, s := range []string{"李四", "13900001111"} {
				if strings.Contains(string(e.Before)+string(e.After), s) {
					t.Fatalf("audit event %d (%s) holds %q in clear", e.Seq, e.Action, s)
				}
			}
		}
		want := "create dispatch verify_true link_case approve_reward pay_reward feedback reveal"
		if strings.Join(actions, " ") != want {
			t.Fatalf("audit actions %v, want %s", actions, want)
		}
		if res, err := f.app.VerifyAudit(ctx); err != nil || res.Broken != "" {
			t.Fatalf("audit chain: %+v %v", res, err)
		}
		if v, _ := f.app.Tip(ctx, f.as["district"], id); len(v.Files) != 2 || v.Files[0].Kind != "report" || v.Files[1].Kind != "evidence" {
			t.Fatalf("files %+v", v.Files)
		}
	})
}

// Duplicates: same category and reported unit within 30 days (or within
// 200 m); the first report is marked; a duplicate links to it; a second
// reporter of the same matter gets no reward.
func TestTips_DuplicatesAndFirstReporter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newTipFixture(t, dialect)
		ctx := context.Background()
		first, err := f.app.SubmitTip(ctx, webTip("宏达喷涂厂", domain.Reporter{Phone: "13800000001"}))
		if err != nil {
			t.Fatal(err)
		}
		f.clock.T = f.clock.T.Add(48 * time.Hour)
		in := webTip("宏达 喷涂厂", domain.Reporter{Phone: "13800000002"})
		in.Lat, in.Lng = nil, nil
		second, err := f.app.SubmitTip(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		in = webTip("别的厂", domain.Reporter{Phone: "13800000003"})
		in.Lat, in.Lng = ptr(31.7801+150.0/111195), ptr(119.9302) // 150 m north of the first
		near, err := f.app.SubmitTip(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		in = webTip("远处的厂", domain.Reporter{})
		in.Lat, in.Lng, in.Category = ptr(31.9), ptr(119.9302), domain.CatDust
		far, err := f.app.SubmitTip(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.app.Tip(ctx, f.as["district"], second.Tip.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Duplicates) != 1 || v.Duplicates[0].ID != first.Tip.ID || v.FirstID != first.Tip.ID {
			t.Fatalf("duplicates of the second: %d, first %d", len(v.Duplicates), v.FirstID)
		}
		v, _ = f.app.Tip(ctx, f.as["district"], first.Tip.ID)
		if len(v.Duplicates) != 2 || v.FirstID != first.Tip.ID { // the second (same unit) and the near one
			t.Fatalf("duplicates of the first: %+v", v.Duplicates)
		}
		v, _ = f.app.Tip(ctx, f.as["district"], far.Tip.ID)
		if len(v.Duplicates) != 0 {
			t.Fatalf("a far tip of another category has duplicates: %+v", v.Duplicates)
		}
		// The first cannot be a duplicate of a later one; the second links to the first.
		_, err = f.app.TipAction(ctx, f.as["district"], first.Tip.ID, app.TipActionInput{Action: domain.TipMarkDuplicate, DuplicateOf: second.Tip.ID})
		wantCode(t, err, domain.EINVALID)
		dup := f.act(t, "district", second.Tip.ID, app.TipActionInput{Action: domain.TipMarkDuplicate, DuplicateOf: first.Tip.ID})
		if dup.Status != domain.TipDuplicate || *dup.DuplicateOf != first.Tip.ID {
			t.Fatalf("duplicate %+v", dup)
		}
		// Marking the near one a duplicate of the duplicate links it to the first.
		dup = f.act(t, "district", near.Tip.ID, app.TipActionInput{Action: domain.TipMarkDuplicate, DuplicateOf: second.Tip.ID})
		if *dup.DuplicateOf != first.Tip.ID {
			t.Fatalf("duplicate of a duplicate links to %d, want the first %d", *dup.DuplicateOf, first.Tip.ID)
		}
		if p, _ := f.app.PublicTips(ctx, app.PublicTipQuery{IDs: []int64{second.Tip.ID}}); len(p) != 1 || !p[0].Closed {
			t.Fatalf("a duplicate is closed for Open311: %+v", p)
		}

		// Two true tips on one matter, both linked to its case: only the first reporter is rewarded.
		a, _ := f.app.SubmitTip(ctx, webTip("甲厂", domain.Reporter{Phone: "13800000004"}))
		f.clock.T = f.clock.T.Add(time.Hour)
		b, _ := f.app.SubmitTip(ctx, webTip("乙厂", domain.Reporter{Phone: "13800000005"}))
		var caseID int64
		for i, id := range []int64{a.Tip.ID, b.Tip.ID} {
			f.act(t, "district", id, app.TipActionInput{Action: domain.TipDispatch, OrgID: f.orgs["五星街道"].ID})
			f.act(t, "wx_officer", id, app.TipActionInput{Action: domain.TipVerifyTrue, Note: "属实"})
			if i == 0 {
				caseID = *f.act(t, "wx_officer", id, app.TipActionInput{Action: domain.TipLinkCase, NewCase: &app.CaseInput{}}).CaseID
			} else {
				f.act(t, "wx_officer", id, app.TipActionInput{Action: domain.TipLinkCase, CaseID: caseID})
			}
		}
		c, _ := f.app.Case(ctx, f.as["wx_officer"], caseID)
		if _, err := f.app.UpdateCase(ctx, f.as["wx_officer"], caseID, app.CasePatch{Version: c.Version}.With("case_filed", ptr(true)).With("fine_fen", ptr(int64(2_000_000)))); err != nil {
			t.Fatal(err)
		}
		_, err = f.app.TipAction(ctx, f.as["district"], b.Tip.ID, app.TipActionInput{Action: domain.TipApproveReward})
		wantCode(t, err, domain.ECONFLICT)
		if !strings.Contains(domain.ErrorMessage(err), "首次举报人") {
			t.Fatalf("second reporter refusal: %v", err)
		}
		if got := f.act(t, "district", a.Tip.ID, app.TipActionInput{Action: domain.TipApproveReward}); got.Reward.AmountFen != 300_000 {
			t.Fatalf("fine ¥20,000 → reward %d fen, want ¥3,000", got.Reward.AmountFen)
		}
	})
}

// An anonymous tip without any contact cannot be paid; the district office
// may set another rule for the campaign, and its own amount with a reason.
func TestTips_AnonymousWithoutContactAndCampaignRule(t *testing.T) {
	f := newTipFixture(t, store.SQLite)
	ctx := context.Background()
	_, err := f.app.SetRewardRule(ctx, f.as["wx_officer"], domain.DefaultRewardRule(0))
	wantCode(t, err, domain.EFORBIDDEN)
	rule := domain.RewardRule{RateBP: 2000, MinFen: 100_000, MaxFen: 10_000_000, PayDays: 10, FeedbackDays: 30}
	if _, err := f.app.SetRewardRule(ctx, f.as["district"], rule); err != nil {
		t.Fatal(err)
	}
	mk := func(rep domain.Reporter) int64 {
		rc, err := f.app.SubmitTip(ctx, webTip("某厂", rep))
		if err != nil {
			t.Fatal(err)
		}
		if rc.Tip.FeedbackDue != "2020-11-11" {
			t.Fatalf("feedback due by the campaign's rule: %s", rc.Tip.FeedbackDue)
		}
		id := rc.Tip.ID
		f.act(t, "district", id, app.TipActionInput{Action: domain.TipDispatch, OrgID: f.orgs["五星街道"].ID})
		f.act(t, "wx_officer", id, app.TipActionInput{Action: domain.TipVerifyTrue, Note: "属实"})
		tip := f.act(t, "wx_officer", id, app.TipActionInput{Action: domain.TipLinkCase, NewCase: &app.CaseInput{CaseFields: domain.CaseFields{UnitName: "某厂" + rep.Phone.Reveal()}}})
		c, _ := f.app.Case(ctx, f.as["wx_officer"], *tip.CaseID)
		if _, err := f.app.UpdateCase(ctx, f.as["wx_officer"], c.ID, app.CasePatch{Version: c.Version}.With("case_filed", ptr(true)).With("fine_fen", ptr(int64(10_000_000)))); err != nil {
			t.Fatal(err)
		}
		return id
	}
	anon := mk(domain.Reporter{})
	_, err = f.app.TipAction(ctx, f.as["district"], anon, app.TipActionInput{Action: domain.TipApproveReward})
	wantCode(t, err, domain.ECONFLICT)
	if !strings.Contains(domain.ErrorMessage(err), "联系方式") {
		t.Fatalf("anonymous refusal: %v", err)
	}
	id := mk(domain.Reporter{Phone: "13700000000"})
	_, err = f.app.TipAction(ctx, f.as["district"], id, app.TipActionInput{Action: domain.TipApproveReward, AmountFen: ptr(int64(1_000_000))})
	wantCode(t, err, domain.EINVALID) // differs without a reason
	tip := f.act(t, "district", id, app.TipActionInput{Action: domain.TipApproveReward, AmountFen: ptr(int64(1_000_000)), Note: "情节特别重大"})
	if tip.Reward.AmountFen != 1_000_000 || tip.Reward.PayDue != "2020-10-22" {
		t.Fatalf("reward %+v", tip.Reward)
	}
	v, _ := f.app.Tip(ctx, f.as["district"], id)
	if v.Rule.RateBP != 2000 {
		t.Fatalf("rule %+v", v.Rule)
	}
}

// Manual entry: hotline tips with their 12350 number need no delivery;
// letters without one wait in the outbox; only the district office enters.
func TestTips_ManualEntryAndBatch(t *testing.T) {
	f := newTipFixture(t, store.SQLite)
	ctx := context.Background()
	in := webTip("某厂", domain.Reporter{Name: "王五", Phone: "13600000000"})
	in.Channel, in.RefNo = domain.ChannelHotline, "12350-2020-001234"
	_, err := f.app.EnterTip(ctx, f.as["wx_officer"], in)
	wantCode(t, err, domain.EFORBIDDEN)
	rc, err := f.app.EnterTip(ctx, f.as["district"], in)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Tip.Channel != domain.ChannelHotline || rc.Tip.RefNo != "12350-2020-001234" {
		t.Fatalf("hotline tip %+v", rc.Tip)
	}
	in.Channel, in.RefNo = domain.ChannelWeb, ""
	_, err = f.app.EnterTip(ctx, f.as["district"], in)
	wantCode(t, err, domain.EINVALID)
	in.Channel = domain.ChannelLetter
	letter, err := f.app.EnterTip(ctx, f.as["district"], in)
	if err != nil {
		t.Fatal(err)
	}
	und, err := f.app.Undelivered12350(ctx, f.as["district"])
	if err != nil || len(und) != 1 || und[0].Tip.ID != letter.Tip.ID {
		t.Fatalf("undelivered %+v %v", und, err)
	}
	batch, err := f.app.Export12350(ctx, f.as["district"])
	if err != nil || len(batch) != 1 {
		t.Fatalf("batch %+v %v", batch, err)
	}
	b, _ := json.Marshal(batch)
	if strings.Contains(string(b), "王五") || strings.Contains(string(b), "13600000000") {
		t.Fatalf("the batch carries the reporter: %s", b)
	}
	if _, err := f.app.RecordTipRef(ctx, f.as["district"], letter.Tip.ID, "12350-2020-009999"); err != nil {
		t.Fatal(err)
	}
	if und, _ := f.app.Undelivered12350(ctx, f.as["district"]); len(und) != 0 {
		t.Fatalf("still undelivered: %+v", und)
	}
}

// fake12350 is a flaky local 12350 platform: it fails the first attempts,
// and once takes a tip but loses its answer; it keeps each tip once by its
// Idempotency-Key, as a well-behaved platform does.
type fake12350 struct {
	mu       sync.Mutex
	failLeft int
	loseOnce bool
	keys     map[int64][]string // tip id → the key of every request
	stored   map[string]int64   // key → tip id, once
	requests int
}

func (p *fake12350) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	var body app.Tip12350
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || r.Header.Get("Content-Type") == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	p.keys[body.TipID] = append(p.keys[body.TipID], key)
	if p.failLeft > 0 {
		p.failLeft--
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	if _, ok := p.stored[key]; !ok {
		p.stored[key] = body.TipID
		if p.loseOnce {
			p.loseOnce = false
			http.Error(w, "gateway timeout", http.StatusGatewayTimeout)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"ref_no": "12350-" + body.ReceivedAt[:4] + "-" + strings.Repeat("0", 5) + string(rune('0'+body.TipID%10))})
}

// Every tip reaches a flaky 12350 endpoint exactly once, with one
// Idempotency-Key across all its retries, and keeps the number it answers.
func TestTips_12350OutboxAgainstFlakyPlatform(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		plat := &fake12350{failLeft: 3, loseOnce: true, keys: map[int64][]string{}, stored: map[string]int64{}}
		srv := httptest.NewServer(plat)
		defer srv.Close()
		f := newTipFixture(t, dialect, app.With12350(srv.URL, srv.Client()))
		ctx := context.Background()
		var ids []int64
		for i := 0; i < 3; i++ {
			rc, err := f.app.SubmitTip(ctx, webTip("厂"+string(rune('A'+i)), domain.Reporter{Name: "赵六", Phone: "13500000000"}))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, rc.Tip.ID)
		}
		in := webTip("热线", domain.Reporter{})
		in.Channel, in.RefNo = domain.ChannelHotline, "12350-2020-777777"
		if _, err := f.app.EnterTip(ctx, f.as["district"], in); err != nil {
			t.Fatal(err)
		}
		total := 0
		for pass := 0; pass < 20 && total < len(ids); pass++ {
			n, err := f.app.DeliverDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			total += n
			f.clock.T = f.clock.T.Add(time.Hour) // past any backoff
		}
		if total != len(ids) {
			t.Fatalf("delivered %d of %d", total, len(ids))
		}
		before := plat.requests
		if n, _ := f.app.DeliverDue(ctx); n != 0 || plat.requests != before {
			t.Fatalf("a delivered tip was posted again (%d new requests)", plat.requests-before)
		}
		if len(plat.stored) != len(ids) {
			t.Fatalf("platform holds %d tips, want %d: %v", len(plat.stored), len(ids), plat.stored)
		}
		for _, id := range ids {
			keys := plat.keys[id]
			if len(keys) == 0 {
				t.Fatalf("tip %d never posted", id)
			}
			for _, k := range keys {
				if k == "" || k != keys[0] {
					t.Fatalf("tip %d: keys %v differ across retries", id, keys)
				}
			}
			tip, _ := f.app.Tip(ctx, f.as["district"], id)
			if !strings.HasPrefix(tip.Tip.RefNo, "12350-2020-") || tip.Outbox == nil || tip.Outbox.DeliveredAt == nil {
				t.Fatalf("tip %d: ref %q outbox %+v", id, tip.Tip.RefNo, tip.Outbox)
			}
		}
		if plat.requests <= len(ids) {
			t.Fatalf("the platform never failed (%d requests)", plat.requests)
		}
	})
}

// The reporter's phone number and name appear in no file of the data
// directory (database, WAL, audit files, keys, blobs) and — on PostgreSQL —
// nowhere in a dump of the database, after a tip went through its whole
// handling, a reveal included.
func TestTips_ReporterNeverStoredInClear(t *testing.T) {
	const phone, name = "13987654321", "欧阳明月"
	for _, dialect := range storetest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			dir := t.TempDir()
			opts := store.Options{DataDir: dir, Clock: &domain.FixedClock{T: mustTime("2020-10-12T10:00:00+08:00")},
				AuditKey: []byte("test-audit-key-0123456789abcdef")}
			if dialect == store.Postgres {
				opts.URL = storetest.CreatePostgresDB(t)
			}
			db, err := store.Open(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			f := tipFixtureOn(t, db)
			ctx := context.Background()
			in := webTip("某喷涂点", domain.Reporter{Name: name, Phone: phone, IDNumber: "320404198001011234", Contact: "ouyang@example.com"})
			in.Files = []app.FileInput{{Filename: name + ".jpg", Reader: bytes.NewReader(jpeg)}}
			rc, err := f.app.SubmitTip(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			id := rc.Tip.ID
			f.act(t, "district", id, app.TipActionInput{Action: domain.TipDispatch, OrgID: f.orgs["五星街道"].ID})
			f.act(t, "wx_officer", id, app.TipActionInput{Action: domain.TipVerifyTrue, Note: "属实"})
			f.act(t, "wx_officer", id, app.TipActionInput{Action: domain.TipLinkCase, NewCase: &app.CaseInput{}})
			if got, err := f.app.RevealReporter(ctx, f.as["district"], id, "核对身份"); err != nil || got.Phone.Reveal() != phone {
				t.Fatalf("reveal: %v %v", got, err)
			}
			if _, err := f.app.Export12350(ctx, f.as["district"]); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			needles := [][]byte{[]byte(phone), []byte(name), []byte("ouyang@example.com"), []byte("320404198001011234")}
			files, control := 0, false
			err = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
				if err != nil || info.IsDir() {
					return err
				}
				files++
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				for _, n := range needles {
					if bytes.Contains(b, n) {
						t.Errorf("%s holds %q in clear", path, n)
					}
				}
				control = control || bytes.Contains(b, []byte("某喷涂点"))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if files < 3 {
				t.Fatalf("scanned only %d files", files)
			}
			if dialect == store.SQLite && !control {
				t.Fatal("no file holds the tip's unit name in clear: the scan reads nothing")
			}
			if dialect == store.Postgres {
				dump, err := exec.Command("pg_dump", "--no-owner", "--dbname="+opts.URL).Output()
				if err != nil {
					t.Fatalf("pg_dump: %v", err)
				}
				if !bytes.Contains(dump, []byte("某喷涂点")) {
					t.Fatal("the dump does not hold the tip: is it the test's database?")
				}
				for _, n := range needles {
					if bytes.Contains(dump, n) {
						t.Errorf("pg_dump holds %q in clear", n)
					}
				}
			}
		})
	}
}

// The key: from the option when given; otherwise a 0600 file in the data
// directory, created once and reused; another key does not open old tips.
func TestTips_SecretKeyFile(t *testing.T) {
	f := newTipFixture(t, store.SQLite)
	ctx := context.Background()
	rc, err := f.app.SubmitTip(ctx, webTip("某厂", domain.Reporter{Phone: "13000000000"}))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(f.db.DataDir(), "secret.key")
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v %v", st, err)
	}
	// A second app over the same data reads the same key.
	other := app.New(f.db)
	if got, err := other.RevealReporter(ctx, f.as["district"], rc.Tip.ID, "核对"); err != nil || got.Phone != "13000000000" {
		t.Fatalf("reveal with the key file: %v %v", got, err)
	}
	wrong := app.New(f.db, app.WithSecretKey(bytes.Repeat([]byte{9}, 32)))
	if _, err := wrong.RevealReporter(ctx, f.as["district"], rc.Tip.ID, "核对"); domain.ErrorCode(err) != domain.EINTERNAL {
		t.Fatalf("another key opened the identity: %v", err)
	}
	if k, err := app.ParseSecretKey(strings.Repeat("ab", 32)); err != nil || len(k) != 32 {
		t.Fatalf("hex key: %v", err)
	}
	if _, err := app.ParseSecretKey("short"); err == nil {
		t.Fatal("a short key is accepted")
	}
}

// Open311 keys: shown once, stored hashed, revoked by name; only the admin.
func TestOpen311Keys(t *testing.T) {
	f := newTipFixture(t, store.SQLite)
	ctx := context.Background()
	_, _, err := f.app.CreateOpen311Key(ctx, f.as["district"], "partner")
	wantCode(t, err, domain.EFORBIDDEN)
	secret, k, err := f.app.CreateOpen311Key(ctx, f.as["admin"], "city-app")
	if err != nil || k.Name != "city-app" || len(secret) < 40 {
		t.Fatalf("create: %v %v", k, err)
	}
	_, _, err = f.app.CreateOpen311Key(ctx, f.as["admin"], "city-app")
	wantCode(t, err, domain.ECONFLICT)
	_, _, err = f.app.CreateOpen311Key(ctx, f.as["admin"], "bad name")
	wantCode(t, err, domain.EINVALID)
	if got, err := f.app.Open311KeyFor(ctx, secret); err != nil || got.Name != "city-app" {
		t.Fatalf("lookup: %v %v", got, err)
	}
	_, err = f.app.Open311KeyFor(ctx, "o311_wrong")
	wantCode(t, err, domain.EUNAUTHORIZED)
	if err := f.app.RevokeOpen311Key(ctx, f.as["admin"], "city-app"); err != nil {
		t.Fatal(err)
	}
	_, err = f.app.Open311KeyFor(ctx, secret)
	wantCode(t, err, domain.EUNAUTHORIZED)
	wantCode(t, f.app.RevokeOpen311Key(ctx, f.as["admin"], "city-app"), domain.ENOTFOUND)
	keys, _ := f.app.Open311Keys(ctx, f.as["admin"])
	if len(keys) != 1 || keys[0].RevokedAt == nil {
		t.Fatalf("keys %+v", keys)
	}
}

// Figures by town and channel, in the actor's scope.
func TestTips_Figures(t *testing.T) {
	f := newTipFixture(t, store.SQLite)
	ctx := context.Background()
	a, _ := f.app.SubmitTip(ctx, webTip("甲", domain.Reporter{Phone: "13100000000"}))
	in := webTip("乙", domain.Reporter{})
	in.Channel, in.RefNo = domain.ChannelHotline, "12350-1"
	b, _ := f.app.EnterTip(ctx, f.as["district"], in)
	f.app.SubmitTip(ctx, webTip("丙", domain.Reporter{}))
	f.act(t, "district", a.Tip.ID, app.TipActionInput{Action: domain.TipDispatch, OrgID: f.orgs["五星街道"].ID})
	f.act(t, "wx_officer", a.Tip.ID, app.TipActionInput{Action: domain.TipVerifyTrue, Note: "属实"})
	f.act(t, "wx_officer", a.Tip.ID, app.TipActionInput{Action: domain.TipLinkCase, NewCase: &app.CaseInput{}})
	f.act(t, "district", b.Tip.ID, app.TipActionInput{Action: domain.TipDispatch, OrgID: f.orgs["永红街道"].ID})

	fig, err := f.app.TipFigures(ctx, f.as["district"], 0)
	if err != nil {
		t.Fatal(err)
	}
	if fig.Total.Received != 3 || fig.Total.VerifiedTrue != 1 || fig.Total.Cases != 1 {
		t.Fatalf("total %+v", fig.Total)
	}
	byTown := map[string]domain.TipCounts{}
	for _, l := range fig.ByTown {
		byTown[l.Name] = l.TipCounts
	}
	if byTown["未分办"].Received != 1 || byTown["五星街道"].Cases != 1 || byTown["永红街道"].Received != 1 || len(fig.ByTown) != 10 {
		t.Fatalf("by town %+v", fig.ByTown)
	}
	byCh := map[domain.TipChannel]int{}
	for _, l := range fig.ByChannel {
		byCh[l.Channel] = l.Received
	}
	if byCh[domain.ChannelWeb] != 2 || byCh[domain.ChannelHotline] != 1 {
		t.Fatalf("by channel %+v", fig.ByChannel)
	}
	fig, err = f.app.TipFigures(ctx, f.as["wx_officer"], 0)
	if err != nil || len(fig.ByTown) != 1 || fig.Total.Received != 1 || fig.ByTown[0].Name != "五星街道" {
		t.Fatalf("town figures %+v %v", fig, err)
	}
}
