package seed

import (
	"context"
	"fmt"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// DemoTips adds public tips (举报) in every step of their handling: waiting
// for dispatch (one of them a likely duplicate), with a town for
// verification, found false and answered, turned into a case whose reward
// is approved, and paid; from the phone page, the 12350 hotline, a letter
// (waiting for the 12350 platform) and a partner app. Reporters are
// fictitious.
func DemoTips(ctx context.Context, db *app.App, camp *domain.Campaign, users *demoUserSet) error {
	district := users.byName["district"]
	wuxing, yonghong := users.byName["wuxing_officer"], users.byName["yonghong_officer"]
	if district == nil || wuxing == nil || yonghong == nil {
		return fmt.Errorf("demo tips: demo users missing")
	}
	f := func(v float64) *float64 { return &v }
	submit := func(in app.TipInput) (*domain.Tip, error) {
		in.CampaignID = camp.ID
		var rc *app.TipReceipt
		var err error
		if in.Channel.Manual() {
			rc, err = db.EnterTip(ctx, district, in)
		} else {
			rc, err = db.SubmitTip(ctx, in)
		}
		if err != nil {
			return nil, fmt.Errorf("demo tip %q: %w", in.UnitName, err)
		}
		return rc.Tip, nil
	}
	act := func(a *domain.Actor, t *domain.Tip, in app.TipActionInput) (*domain.Tip, error) {
		x, err := db.TipAction(ctx, a, t.ID, in)
		if err != nil {
			return nil, fmt.Errorf("demo tip %d %s: %w", t.ID, in.Action, err)
		}
		return x, nil
	}
	wx, yh := wuxing.Org.ID, yonghong.Org.ID

	// Waiting for dispatch: an anonymous web tip and, two days' worth of
	// neighbours later, the same workshop reported again with a phone.
	if _, err := submit(app.TipInput{Channel: domain.ChannelWeb, Category: domain.CatSpraying, UnitName: "无名喷漆棚",
		Address: "五星街道永宁路 88 号后院", Lat: f(31.7712), Lng: f(119.9235),
		Description: "每天晚上十点以后在铁皮棚里喷漆，气味很大，窗户都不敢开。"}); err != nil {
		return err
	}
	if _, err := submit(app.TipInput{Channel: domain.ChannelWeb, Category: domain.CatSpraying, UnitName: "无名喷漆棚",
		Address: "永宁路 88 号附近", Lat: f(31.7718), Lng: f(119.9241),
		Description: "夜间喷漆作业，没有任何废气处理设施。", Reporter: domain.Reporter{Phone: "13800000101"}}); err != nil {
		return err
	}

	// A hotline tip from 12350, dispatched to 五星街道 for verification.
	hot, err := submit(app.TipInput{Channel: domain.ChannelHotline, RefNo: "12350-2020-004517", Category: domain.CatSmelting,
		UnitName: "废旧金属熔炼点", Address: "五星街道新中村三组", Description: "村口废品站后面有人熔炼铝锭，黑烟很重。",
		Reporter: domain.Reporter{Name: "张先生", Phone: "13800000102"}})
	if err != nil {
		return err
	}
	if _, err := act(district, hot, app.TipActionInput{Action: domain.TipDispatch, OrgID: wx}); err != nil {
		return err
	}

	// A partner app's tip, found false in 永红街道, and the reporter answered.
	o311, err := submit(app.TipInput{Channel: domain.ChannelOpen311, Partner: "changzhou-app", Category: domain.CatDyeing,
		UnitName: "小印染作坊", Address: "永红街道东方路 12 号", Lat: f(31.7622), Lng: f(119.9470),
		Description: "疑似私设印染生产线，排水沟有颜色。", Reporter: domain.Reporter{Contact: "reporter@example.com"}})
	if err != nil {
		return err
	}
	if _, err := act(district, o311, app.TipActionInput{Action: domain.TipDispatch, OrgID: yh}); err != nil {
		return err
	}
	if _, err := act(yonghong, o311, app.TipActionInput{Action: domain.TipVerifyFalse, Note: "现场为服装店后仓，无印染设备，排水颜色系雨水冲刷油漆地面所致。"}); err != nil {
		return err
	}
	if _, err := act(yonghong, o311, app.TipActionInput{Action: domain.TipFeedback, Text: "经现场核查，该处为服装仓库，未发现印染生产行为。感谢您的监督。"}); err != nil {
		return err
	}

	// Two true tips in 五星街道 turned into cases with fines: one reward
	// approved (to be paid), one paid.
	for i, d := range []struct {
		unit, addr, desc string
		fine             int64
		paid             bool
	}{
		{"宏达五金电镀加工点", "五星街道勤业路 16 号", "无环评手续从事镀锌，废水直接排进河里。", 100_000_00, false},
		{"鑫源铝粉打磨车间", "五星街道新闸路 203 号", "铝件打磨车间粉尘很大，没有除尘设备。", 20_000_00, true},
	} {
		cat := domain.CatElectroplating
		if i == 1 {
			cat = domain.CatDust
		}
		t, err := submit(app.TipInput{Channel: domain.ChannelWeb, Category: cat, UnitName: d.unit, Address: d.addr,
			Description: d.desc, Reporter: domain.Reporter{Name: "李女士", Phone: domain.Sensitive(fmt.Sprintf("138000002%02d", i))}})
		if err != nil {
			return err
		}
		if _, err := act(district, t, app.TipActionInput{Action: domain.TipDispatch, OrgID: wx}); err != nil {
			return err
		}
		if _, err := act(wuxing, t, app.TipActionInput{Action: domain.TipVerifyTrue, Note: "现场核查属实，已责令停产。"}); err != nil {
			return err
		}
		if t, err = act(wuxing, t, app.TipActionInput{Action: domain.TipLinkCase, NewCase: &app.CaseInput{}}); err != nil {
			return err
		}
		c, err := db.Case(ctx, wuxing, *t.CaseID)
		if err != nil {
			return err
		}
		filed, caseNo := true, fmt.Sprintf("钟安监罚〔2020〕%d号", 40+i)
		if _, err := db.UpdateCase(ctx, wuxing, c.ID, app.CasePatch{Version: c.Version}.With("case_filed", &filed).With("case_no", &caseNo).With("fine_fen", &d.fine)); err != nil {
			return fmt.Errorf("demo tip case fine: %w", err)
		}
		if t, err = act(district, t, app.TipActionInput{Action: domain.TipApproveReward}); err != nil {
			return err
		}
		if d.paid {
			today := domain.DateOf(db.Clock().Now(), domain.Shanghai())
			if t, err = act(district, t, app.TipActionInput{Action: domain.TipPayReward, PaidDate: today, Method: string(domain.PayBank), PaidRef: "财政直达 2020-118"}); err != nil {
				return err
			}
			if _, err = act(wuxing, t, app.TipActionInput{Action: domain.TipFeedback, Text: "您举报的问题经查属实，已依法立案查处，奖励已兑现。"}); err != nil {
				return err
			}
		}
	}

	// A letter without a 12350 number: it waits in the outbox.
	_, err = submit(app.TipInput{Channel: domain.ChannelLetter, Category: domain.CatStopped, UnitName: "常州某化工有限公司",
		Address: "北港街道化工园区", Description: "来信反映：已列入关闭名单的化工厂夜间仍有车辆进出拉货。"})
	return err
}
