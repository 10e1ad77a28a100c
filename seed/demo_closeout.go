package seed

import (
	"context"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// closeoutPlan is what the demo makes of a town's first cases, in turn:
// each ends in the state named, reached through the real transitions.
var closeoutPlan = []string{
	string(domain.StatusCloseoutRequested), // waits in the village head's (or town head's) inbox
	string(domain.StatusVillageApproved),   // waits in the town head's inbox
	string(domain.StatusTownApproved),      // waits in the district office's inbox
	string(domain.StatusClosedOut),         // 已销号, and on the 曝光台
	"returned",                             // sent back by the town head with a reason
	"reopened",                             // closed out; a re-check finds it running again; reopened
	string(domain.StatusVoided),            // 录入错误
}

// loopPlan is the closed loop of one demo case: who signs, and when the
// town approves (the first town's head delegates that signature).
type loopPlan struct {
	townApproval time.Time
	delegated    bool
}

// planLoop plans a case's closed loop after it was rectified on site at
// done: 申请销号 by the village's grid worker (or the officer), then the
// village head's, the town head's and the district office's signatures a
// working day or two apart, as far as the case's target.
func (d *demo) planLoop(s *demoSite, done time.Time) {
	grid, vhead := d.villagers(s)
	head := d.users.byName[s.slug+"_head"]
	requester := s.officer
	if grid != nil {
		requester = grid
	}
	t := d.later(done, 1)
	d.tl.add(t, "request closeout "+s.name, func(ctx context.Context) error {
		return d.act(ctx, requester, s.caseID, domain.CaseRequestCloseout, "")
	})
	if s.target == string(domain.StatusCloseoutRequested) {
		return
	}
	if vhead != nil {
		t = d.later(t, 1)
		d.tl.add(t, "village approval "+s.name, func(ctx context.Context) error {
			return d.act(ctx, vhead, s.caseID, domain.CaseApprove, "")
		})
	}
	if s.target == string(domain.StatusVillageApproved) {
		return
	}
	t = d.later(t, 1+d.rng.IntN(2))
	if s.target == "returned" {
		d.tl.add(t, "return "+s.name, func(ctx context.Context) error {
			return d.act(ctx, head, s.caseID, domain.CaseReturn, "整改完成照片不全，请补充两断三清现场照片后重新申请")
		})
		return
	}
	s.loop.townApproval = t
	d.tl.add(t, "town approval "+s.name, func(ctx context.Context) error {
		signer := head
		if s.loop.delegated {
			signer = s.officer
		}
		return d.act(ctx, signer, s.caseID, domain.CaseApprove, "")
	})
	if s.target == string(domain.StatusTownApproved) {
		return
	}
	t = d.later(t, 1+d.rng.IntN(2))
	d.tl.add(t, "district approval "+s.name, func(ctx context.Context) error {
		return d.act(ctx, d.district, s.caseID, domain.CaseApprove, "同意销号")
	})
	if s.target == string(domain.StatusClosedOut) {
		d.tl.add(d.later(t, 1), "publish "+s.name, func(ctx context.Context) error {
			return d.act(ctx, d.district, s.caseID, domain.CasePublish, "")
		})
		return
	}
	// reopened: a re-check finds the site running again (死灰复燃).
	checker := s.officer
	if grid != nil {
		checker = grid
	}
	t = d.later(t, 3+d.rng.IntN(3))
	d.tl.add(t, "re-check "+s.name, func(ctx context.Context) error {
		_, err := d.db.RecordRecheck(ctx, checker, s.siteID, domain.RecheckRunning, "夜间发现设备重新通电生产")
		return err
	})
	d.tl.add(d.later(t, 1), "reopen "+s.name, func(ctx context.Context) error {
		return d.act(ctx, s.officer, s.caseID, domain.CaseReopen, domain.ReopenReasonRecheck)
	})
}

// planDelegation has the town head delegate signing to the town officer
// the day before the town approval of the town's 镇审核通过 case, which the
// officer then signs for them; the delegation runs to a few days from now.
// It reports whether the town had such a case.
func (d *demo) planDelegation(slug string, sites []*demoSite) bool {
	head, officer := d.users.byName[slug+"_head"], d.users.byName[slug+"_officer"]
	for _, s := range sites {
		if s.target != string(domain.StatusTownApproved) || s.loop.townApproval.IsZero() || head == nil || officer == nil {
			continue
		}
		s.loop.delegated = true
		today := d.now.In(demoLoc)
		until := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, demoLoc).AddDate(0, 0, 6)
		d.tl.add(s.loop.townApproval.Add(-20*time.Hour), "delegation "+slug, func(ctx context.Context) error {
			_, err := d.db.CreateDelegation(ctx, head, app.DelegationInput{DelegateUserID: officer.User.ID, Until: until,
				Reason: "外出参加市安全生产培训，期间由经办代签"})
			return err
		})
		return true
	}
	return false
}

// villagers returns the case's village grid worker and head (nil without a village).
func (d *demo) villagers(s *demoSite) (grid, head *domain.Actor) {
	if s.village == nil || len(s.village.Code) < 3 {
		return nil, nil
	}
	base := s.slug + "_" + s.village.Code[len(s.village.Code)-3:]
	return d.users.byName[base+"_grid"], d.users.byName[base+"_head"]
}
