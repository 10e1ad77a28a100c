package seed

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// closeoutPlan is what DemoCloseout makes of a town's cases, in turn: each
// ends in the state named, reached through the real transitions.
var closeoutPlan = []domain.CaseStatus{
	domain.StatusCloseoutRequested, // waits in the village head's (or town head's) inbox
	domain.StatusVillageApproved,   // waits in the town head's inbox
	domain.StatusTownApproved,      // waits in the district office's inbox
	domain.StatusClosedOut,         // 已销号, the first one also on the 曝光台
	"returned",                     // sent back by the town head with a reason
	"reopened",                     // closed out, then reopened: 复查发现死灰复燃
	domain.StatusVoided,            // 录入错误
}

// DemoCloseout drives some of each town's demo cases around the closed loop
// (DESIGN.md §2) so that every state has examples: requested, village and
// town approved, closed out (one published), returned with a reason,
// reopened, voided. Cases are first completed on site (and, for 关闭/取缔,
// their 两断三清) by the town officer. The first town's head delegates
// signing to its officer, who signs one town approval for them.
func DemoCloseout(ctx context.Context, db *app.App, camp *domain.Campaign, users *demoUserSet) error {
	root, err := db.Root(ctx)
	if err != nil {
		return err
	}
	units, err := db.Subtree(ctx, root)
	if err != nil {
		return err
	}
	district := users.byName["district"]
	if district == nil {
		return fmt.Errorf("demo closeout: no district user")
	}
	delegated := false
	for _, town := range units {
		if !town.IsTown() {
			continue
		}
		slug := townSlugs[town.Name]
		officer, head := users.byName[slug+"_officer"], users.byName[slug+"_head"]
		if officer == nil || head == nil {
			continue
		}
		cases, _, err := db.Cases(ctx, officer, app.CaseFilter{CampaignID: camp.ID, OrgID: town.ID})
		if err != nil {
			return err
		}
		signer := head
		if !delegated {
			if _, err := db.CreateDelegation(ctx, head, app.DelegationInput{DelegateUserID: officer.User.ID,
				Until: db.Clock().Now().Add(7 * 24 * time.Hour), Reason: "外出参加培训，期间由经办代签"}); err != nil {
				return fmt.Errorf("demo delegation: %w", err)
			}
			signer, delegated = officer, true
		}
		used := map[int64]bool{}
		for i, target := range closeoutPlan {
			// 村审核通过 needs a case with a village; any unused case does for the rest.
			var c *domain.Case
			for _, x := range cases {
				if !used[x.ID] && (target != domain.StatusVillageApproved || x.VillageID != nil) {
					c = x
					break
				}
			}
			if c == nil {
				continue
			}
			used[c.ID] = true
			d := demoLoop{db: db, camp: camp, c: c, officer: officer, head: head, townSigner: signer, district: district, users: users, slug: slug}
			if err := d.drive(ctx, target, i == 3); err != nil {
				return fmt.Errorf("demo closeout %s (%s): %w", c.ProblemNo, target, err)
			}
			if target != domain.StatusCloseoutRequested && target != domain.StatusVillageApproved {
				signer = head // the delegate signs one town approval only
			}
		}
	}
	return nil
}

// demoLoop drives one case.
type demoLoop struct {
	db                                  *app.App
	camp                                *domain.Campaign
	c                                   *domain.Case
	officer, head, townSigner, district *domain.Actor
	users                               *demoUserSet
	slug                                string
}

func (d *demoLoop) act(ctx context.Context, a *domain.Actor, action domain.CaseAction, reason string) error {
	c, err := d.db.ApplyCaseAction(ctx, a, d.c.ID, app.CaseActionInput{Action: action, Reason: reason, Version: d.c.Version})
	if err != nil {
		return fmt.Errorf("%s by %s: %w", action, a.User.Username, err)
	}
	d.c = c
	return nil
}

// villagers returns the case's village grid worker and head (nil without a village).
func (d *demoLoop) villagers(ctx context.Context) (grid, head *domain.Actor, err error) {
	if d.c.VillageID == nil {
		return nil, nil, nil
	}
	v, err := d.db.Org(ctx, *d.c.VillageID)
	if err != nil || len(v.Code) < 3 {
		return nil, nil, err
	}
	base := d.slug + "_" + v.Code[len(v.Code)-3:]
	return d.users.byName[base+"_grid"], d.users.byName[base+"_head"], nil
}

// complete records 现场整治已完成 (and the whole 两断三清 for 关闭/取缔).
func (d *demoLoop) complete(ctx context.Context) error {
	if d.c.Status != domain.StatusRegistered && d.c.Status != domain.StatusRectifying {
		return nil
	}
	today := domain.DateOf(d.db.Clock().Now(), domain.Shanghai())
	p := app.CasePatch{Version: d.c.Version}.With("onsite_status", domain.OnsiteDone).With("onsite_done_date", today)
	if d.c.Shutdown == domain.ShutdownClosed || d.c.Shutdown == domain.ShutdownBanned {
		clears, clearDates := map[string]bool{}, map[string]domain.Date{}
		for _, it := range d.camp.ClearItems {
			clears[it] = true
			if d.c.ClearDates[it] == "" {
				clearDates[it] = today
			}
		}
		p = p.With("two_cuts_three_clears", clears).With("two_cuts_three_clears_dates", clearDates)
	}
	c, err := d.db.UpdateCase(ctx, d.officer, d.c.ID, p)
	if err != nil {
		return fmt.Errorf("complete: %w", err)
	}
	d.c = c
	return nil
}

// evidence uploads, as a, the photos a 销号 request of the case needs
// (domain.EvidenceNeeds): 整改完成照片 and, for 关闭/取缔, one 两断三清照片 per
// item, each a small picture of its own.
func (d *demoLoop) evidence(ctx context.Context, a *domain.Actor) error {
	files, err := d.db.CaseAttachments(ctx, a, d.c.ID)
	if err != nil {
		return err
	}
	for i, n := range domain.EvidenceNeeds(d.c, d.camp, files) {
		for k := n.Have; k < n.Want; k++ {
			name := fmt.Sprintf("%s-%s.png", d.c.ProblemNo, n.Label())
			if _, err := d.db.SaveAttachment(ctx, a, d.c.ID, app.AttachmentInput{Kind: n.Kind, Item: n.Item, Filename: name,
				Reader: bytes.NewReader(demoPhoto(d.c.ID*31 + int64(i)*7 + int64(k)))}); err != nil {
				return fmt.Errorf("evidence %s: %w", n.Label(), err)
			}
		}
	}
	return nil // evidence does not change the case's version
}

// demoPhoto is a small PNG standing in for a photo: a sky, a building and
// the ground, in colours that vary with seed.
func demoPhoto(seed int64) []byte {
	const w, h = 160, 120
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := uint8(90 + seed*37%120)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{150, 190, 230, 255} // sky
			switch {
			case y > 85:
				c = color.RGBA{110, 100, 80, 255} // ground
			case x > 30+int(seed%20) && x < 120 && y > 35:
				c = color.RGBA{r, 120, 110, 255} // the workshop
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// drive takes the case to target; publish puts a closed-out case on the 曝光台.
func (d *demoLoop) drive(ctx context.Context, target domain.CaseStatus, publish bool) error {
	if target == domain.StatusVoided {
		if d.c.Status != domain.StatusRegistered && d.c.Status != domain.StatusRectifying {
			return nil
		}
		return d.act(ctx, d.officer, domain.CaseVoid, "录入错误：与同一场所的问题重复登记")
	}
	if err := d.complete(ctx); err != nil {
		return err
	}
	grid, vhead, err := d.villagers(ctx)
	if err != nil {
		return err
	}
	requester := d.officer
	if grid != nil {
		requester = grid
	}
	if err := d.evidence(ctx, requester); err != nil {
		return err
	}
	if err := d.act(ctx, requester, domain.CaseRequestCloseout, ""); err != nil {
		return err
	}
	if target == domain.StatusCloseoutRequested {
		return nil
	}
	if vhead != nil && d.c.VillageID != nil {
		if err := d.act(ctx, vhead, domain.CaseApprove, ""); err != nil {
			return err
		}
	}
	if target == domain.StatusVillageApproved {
		return nil
	}
	if target == "returned" {
		return d.act(ctx, d.head, domain.CaseReturn, "整改完成照片不全，请补充两断三清现场照片后重新申请")
	}
	if err := d.act(ctx, d.townSigner, domain.CaseApprove, ""); err != nil {
		return err
	}
	if target == domain.StatusTownApproved {
		return nil
	}
	if err := d.act(ctx, d.district, domain.CaseApprove, "同意销号"); err != nil {
		return err
	}
	if publish {
		if err := d.act(ctx, d.district, domain.CasePublish, ""); err != nil {
			return err
		}
	}
	if target == "reopened" {
		return d.act(ctx, d.officer, domain.CaseReopen, domain.ReopenReasonRecheck)
	}
	return nil
}
