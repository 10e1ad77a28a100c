package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func (f *loopFixture) upload(t *testing.T, user string, id int64, kind, item string) {
	t.Helper()
	if _, err := f.app.SaveAttachment(context.Background(), f.as[user], id, app.AttachmentInput{Kind: kind, Item: item,
		Filename: kind + ".png", Reader: bytes.NewReader(photo)}); err != nil {
		t.Fatalf("upload %s %s: %v", kind, item, err)
	}
}

// requestCloseout asks for 销号 without supplying anything (caseAct would).
func (f *loopFixture) requestCloseout(user string, id int64) (*domain.Case, error) {
	return f.app.ApplyCaseAction(context.Background(), f.as[user], id, app.CaseActionInput{Action: domain.CaseRequestCloseout})
}

// A 销号 request needs the evidence the campaign requires — by default one
// 整改完成照片, and for 关闭/取缔 a 两断三清照片 of each item — else 409 on
// "attachments" naming what is missing, and nothing changes.
func TestRequestCloseout_NeedsTheCampaignsEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		c := f.readyCase(t, "证据测试作坊", true)
		events := f.auditCount(t, "case", c.ID, "")
		_, err := f.requestCloseout("wx_grid", c.ID)
		wantLoopCode(t, err, domain.ECONFLICT)
		if domain.ErrorField(err) != "attachments" || !strings.Contains(domain.ErrorMessage(err), "整改完成照片") {
			t.Fatalf("no photo: %v (field %q)", err, domain.ErrorField(err))
		}
		if got, _ := f.app.Case(ctx, f.as["wx_grid"], c.ID); got.Status != domain.StatusRectifying || f.auditCount(t, "case", c.ID, "") != events {
			t.Fatalf("a refused request changed the case: %s", got.Status)
		}
		// A site photo is not a photo of the finished rectification.
		f.upload(t, "wx_grid", c.ID, domain.AttachSitePhoto, "")
		if _, err := f.requestCloseout("wx_grid", c.ID); domain.ErrorField(err) != "attachments" {
			t.Fatalf("site photo only: %v", err)
		}
		f.upload(t, "wx_grid", c.ID, domain.AttachDonePhoto, "")
		if got, err := f.requestCloseout("wx_grid", c.ID); err != nil || got.Status != domain.StatusCloseoutRequested {
			t.Fatalf("with a done photo: %v", err)
		}

		// 关闭: a 两断三清照片 of each item too; the message names the missing ones in the campaign's order.
		closed := f.readyCase(t, "关闭证据作坊", true)
		all := map[string]bool{}
		for _, it := range f.camp.ClearItems {
			all[it] = true
		}
		closed, err = f.app.UpdateCase(ctx, f.as["wx_officer"], closed.ID, app.CasePatch{Version: closed.Version}.
			With("shutdown", loopPtr(domain.ShutdownClosed)).With("shutdown_date", loopPtr(domain.Date("2020-10-10"))).With("two_cuts_three_clears", all))
		if err != nil {
			t.Fatal(err)
		}
		f.upload(t, "wx_grid", closed.ID, domain.AttachDonePhoto, "")
		for _, it := range []string{domain.ItemPower, domain.ItemEquipment, domain.ItemProducts} {
			f.upload(t, "wx_grid", closed.ID, domain.AttachClearsPhoto, it)
		}
		f.upload(t, "wx_grid", closed.ID, domain.AttachClearsPhoto, "") // a photo that names no item counts for none
		_, err = f.requestCloseout("wx_grid", closed.ID)
		msg := domain.ErrorMessage(err)
		if domain.ErrorField(err) != "attachments" || !strings.Contains(msg, "两断三清照片（断水）、两断三清照片（清原料）") ||
			strings.Contains(msg, "断电") || strings.Contains(msg, "整改完成照片、") {
			t.Fatalf("closed case missing 断水, 清原料: %q", msg)
		}
		f.upload(t, "wx_grid", closed.ID, domain.AttachClearsPhoto, domain.ItemWater)
		f.upload(t, "wx_grid", closed.ID, domain.AttachClearsPhoto, domain.ItemMaterials)
		if _, err := f.requestCloseout("wx_grid", closed.ID); err != nil {
			t.Fatalf("closed case with every photo: %v", err)
		}

		// An item that is not on the campaign's checklist is refused at upload.
		_, err = f.app.SaveAttachment(ctx, f.as["wx_grid"], closed.ID, app.AttachmentInput{Kind: domain.AttachClearsPhoto,
			Item: domain.ItemPremises, Filename: "x.png", Reader: bytes.NewReader(photo)})
		wantLoopCode(t, err, domain.EINVALID)
		f.verifyAudit(t)
	})
}

// The campaign sets the rule: here two 整改完成照片 and no 两断三清照片; a
// campaign that asks for nothing lets a request through bare.
func TestRequestCloseout_CampaignSetsTheRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		stored, err := f.app.Campaign(ctx, f.as["district"], f.camp.ID)
		if err != nil || stored.Evidence() != domain.DefaultEvidenceRule {
			t.Fatalf("default campaign's rule: %+v %v", stored.Evidence(), err)
		}
		camp, err := f.app.CreateCampaign(ctx, f.as["district"], domain.Campaign{Name: "第二次专项整治", StartDate: "2020-10-01",
			EndDate: "2020-12-31", DeadlineWeekday: 3, CloseoutEvidence: &domain.EvidenceRule{DonePhotos: 2}})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := f.app.Campaign(ctx, f.as["district"], camp.ID); got.Evidence() != (domain.EvidenceRule{DonePhotos: 2}) {
			t.Fatalf("stored rule %+v", got.Evidence())
		}
		in := app.CaseInput{CampaignID: camp.ID, VillageID: f.orgs["新中社区"].ID,
			CaseFields: domain.CaseFields{UnitName: "二次作坊", Category: domain.CatOther, Address: "新中社区", Description: "无证经营",
				Shutdown: domain.ShutdownBanned, ShutdownDate: "2020-10-12", OnsiteStatus: domain.OnsiteDone, OnsiteDoneDate: "2020-10-13"}}
		in.Clears = map[string]bool{}
		for _, it := range camp.ClearItems {
			in.Clears[it] = true
		}
		c := f.mustCase(t, "wx_officer", in)
		f.upload(t, "wx_grid", c.ID, domain.AttachDonePhoto, "")
		_, err = f.requestCloseout("wx_grid", c.ID)
		if !strings.Contains(domain.ErrorMessage(err), "至少 2 张，现有 1 张") || strings.Contains(domain.ErrorMessage(err), "两断三清照片") {
			t.Fatalf("one of two photos: %v", err)
		}
		f.upload(t, "wx_grid", c.ID, domain.AttachDonePhoto, "")
		if _, err := f.requestCloseout("wx_grid", c.ID); err != nil {
			t.Fatalf("two photos, 取缔 without 两断三清照片 under this rule: %v", err)
		}
		_, err = f.app.CreateCampaign(ctx, f.as["district"], domain.Campaign{Name: "错误", StartDate: "2020-10-01",
			EndDate: "2020-12-31", CloseoutEvidence: &domain.EvidenceRule{DonePhotos: -1}})
		wantLoopCode(t, err, domain.EINVALID)
	})
}
