package app

import (
	"context"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// The home pages' figures (domain/home.go says which role sees which):
// each is one read, authorized, for the actor's scope and the active
// campaign. Every number here is the count of a list filter, so that the
// page can link it to exactly its rows.

// ReviewWaiting is 待我审核 on a home page and the count on the
// navigation's badge: how many cases wait for the actor's signature (their
// role's, or the head's while a delegation is in force), and the one
// waiting longest.
type ReviewWaiting struct {
	Count  int          `json:"count"`
	Oldest *domain.Case `json:"oldest,omitempty"`
}

// PendingReviews counts the cases waiting for the actor's signature: those
// in the actor's scope sitting in a slot its acting role approves in
// (domain.ReviewSlots) — the inbox's cases, counted in SQL.
func (s *App) PendingReviews(ctx context.Context, a *domain.Actor) (*ReviewWaiting, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	r := s.db.Reader(ctx)
	del, err := activeDelegation(r, a.User.ID, now)
	if err != nil {
		return nil, err
	}
	out := &ReviewWaiting{}
	f, err := reviewFilter(r, a, del, now)
	if err != nil {
		return nil, err
	}
	if out.Count, err = r.CountReviewQueue(f); err != nil || out.Count == 0 {
		return out, err
	}
	f.Limit = 1
	ids, err := r.ReviewQueue(f)
	if err != nil || len(ids) == 0 {
		return out, err
	}
	if out.Oldest, _, err = r.Case(ids[0]); err != nil {
		return nil, found(err, "问题")
	}
	return out, nil
}

// reviewFilter selects the cases waiting for a's signature, a holding del
// at now: in a's scope (a delegate's is the head's unit already), in a slot
// of the acting role.
func reviewFilter(r store.Reader, a *domain.Actor, del *domain.Delegation, now time.Time) (store.ReviewQueueFilter, error) {
	slots := domain.ReviewSlots(domain.EffectiveRole(a, del, now))
	if len(slots) == 0 {
		return store.ReviewQueueFilter{}, nil // selects nothing
	}
	scope, err := scopeOf(r, &a.Scope)
	return store.ReviewQueueFilter{Scope: scope, Slots: slots}, err
}

// Navigation is what the navigation shows the actor: the areas it uses
// (domain.Uses) and the count on the 待我审核 badge.
type Navigation struct {
	Areas   []domain.Area `json:"areas"`
	Pending int           `json:"pending"`
}

// Navigation reads the actor's navigation: its delegation in force decides
// whether it signs, and so whether the inbox is its.
func (s *App) Navigation(ctx context.Context, a *domain.Actor) (*Navigation, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	r := s.db.Reader(ctx)
	del, err := activeDelegation(r, a.User.ID, now)
	if err != nil {
		return nil, err
	}
	out := &Navigation{}
	for _, area := range domain.Areas {
		if domain.Uses(a, del, now, area) {
			out.Areas = append(out.Areas, area)
		}
	}
	if domain.Uses(a, del, now, domain.AreaInbox) {
		f, err := reviewFilter(r, a, del, now)
		if err != nil {
			return nil, err
		}
		if out.Pending, err = r.CountReviewQueue(f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReturnedCase is a case sent back by a reviewer, with the return.
type ReturnedCase struct {
	*domain.Case
	Return domain.SignOff `json:"return"`
}

// GridToday is a grid worker's day: the sites to visit (domain.SitesToInspect:
// re-checks due, then the sites not inspected in the campaign), the cases
// still to be worked on (登记, 整治中: domain.OpenStatuses) and, among them,
// those returned with the reviewer's reason.
type GridToday struct {
	Campaign     *domain.Campaign     `json:"campaign"`
	ToInspect    []domain.InspectTask `json:"to_inspect"`
	NotInspected int                  `json:"not_inspected"` // the sites?inspected=no list's total
	RechecksDue  int                  `json:"rechecks_due"`  // the re-check list's total
	Open         int                  `json:"open"`          // the cases?status=open list's total
	ToFinish     []*domain.Case       `json:"to_finish"`     // open and not returned, least recently touched first
	Returned     []ReturnedCase       `json:"returned"`
}

// homeListLimit bounds the rows a home page lists (the figures count all).
const homeListLimit = 20

// Today reads a grid worker's (or anyone's) day in their scope for the
// active campaign.
func (s *App) Today(ctx context.Context, a *domain.Actor) (*GridToday, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	camp, err := s.ResolveCampaign(ctx, 0)
	if err != nil {
		return nil, err
	}
	r := s.db.Reader(ctx)
	scope, err := listScope(r, a, 0)
	if err != nil {
		return nil, err
	}
	out := &GridToday{Campaign: camp}
	sq := store.SiteQuery{Scope: scope, CampaignID: camp.ID, NotInspected: true, Limit: homeListLimit}
	notInspected, _, err := r.Sites(sq)
	if err != nil {
		return nil, err
	}
	if out.NotInspected, err = r.CountSites(sq); err != nil {
		return nil, err
	}
	due, err := dueRechecks(r, a, camp, domain.DateOf(s.clock.Now(), s.zone))
	if err != nil {
		return nil, err
	}
	out.RechecksDue = len(due)
	items := make([]domain.RecheckItem, len(due))
	for i, d := range due {
		items[i] = d.RecheckItem
	}
	out.ToInspect = domain.SitesToInspect(notInspected, items)
	open, _, err := r.Cases(store.CaseFilter{Scope: scope, CampaignID: camp.ID, Statuses: domain.OpenStatuses, Sort: store.SortUpdated})
	if err != nil {
		return nil, err
	}
	out.Open = len(open)
	for _, c := range open {
		rows, err := r.SignOffs(c.ID)
		if err != nil {
			return nil, err
		}
		signed := make([]domain.SignOff, len(rows))
		for i, x := range rows {
			signed[i] = x.SignOff
		}
		if ret, ok := domain.LastReturn(c, signed); ok {
			out.Returned = append(out.Returned, ReturnedCase{Case: s.withWarnings(c, camp, s.clock.Now()), Return: ret})
		} else if len(out.ToFinish) < homeListLimit {
			out.ToFinish = append(out.ToFinish, s.withWarnings(c, camp, s.clock.Now()))
		}
	}
	return out, nil
}

// ThisWeek is a town's weekly report as its officer and head see it on
// their home page: the next deadline and the report for it (nil: not yet
// drafted), the one before when it still awaits submission (missing or
// returned), and the checks a submission now would show — errors block it.
type ThisWeek struct {
	Campaign   *domain.Campaign        `json:"campaign"`
	Town       *domain.OrgUnit         `json:"town"`
	Deadline   time.Time               `json:"deadline"` // zero: the campaign has no deadline left
	Report     *domain.WeeklyReport    `json:"report,omitempty"`
	Previous   *domain.WeeklyReport    `json:"previous,omitempty"`
	Validation domain.ReportValidation `json:"validation"`
	Now        time.Time               `json:"now"`
}

// Week reads the actor's town's week (townID 0: the actor's own unit).
func (s *App) Week(ctx context.Context, a *domain.Actor, townID int64) (*ThisWeek, error) {
	camp, err := s.ResolveCampaign(ctx, 0)
	if err != nil {
		return nil, err
	}
	r := s.db.Reader(ctx)
	town, err := reportTown(r, a, townID, domain.ActRead)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := &ThisWeek{Campaign: camp, Town: town, Now: now}
	ovs, err := r.DeadlineOverrides(camp.ID)
	if err != nil {
		return nil, err
	}
	var want []time.Time
	var previous time.Time
	for _, d := range camp.Deadlines(ovs) {
		if d.After(now) {
			out.Deadline = d
			want = append(want, d)
			break
		}
		previous = d
	}
	if !previous.IsZero() {
		want = append(want, previous)
	}
	townScope, err := scopeOf(r, town)
	if err != nil {
		return nil, err
	}
	stored, err := r.Reports(store.ReportQuery{CampaignID: camp.ID, Scope: townScope})
	if err != nil {
		return nil, err
	}
	exempt, err := r.Exemptions(store.ExemptionQuery{CampaignID: camp.ID, Scope: townScope})
	if err != nil {
		return nil, err
	}
	for _, row := range domain.ReportRows(camp.ID, []*domain.OrgUnit{town}, want, stored, exempt, now) {
		switch {
		case row.Deadline.Equal(out.Deadline):
			out.Report = row
		case row.Deadline.Equal(previous) && row.Status.AwaitsSubmission():
			out.Previous = row
		}
	}
	if _, _, out.Validation, err = s.liveForms(r, camp, town, now); err != nil {
		return nil, err
	}
	return out, nil
}

// TownFigures is one town's row of the district's table.
type TownFigures struct {
	Town             *domain.OrgUnit      `json:"town"`
	Cases            int                  `json:"cases"`             // status=live
	Overdue          int                  `json:"overdue"`           // 超期未整改
	AwaitingCloseout int                  `json:"awaiting_closeout"` // 已整改待销号
	ClosedOut        int                  `json:"closed_out"`
	Last             *domain.WeeklyReport `json:"last,omitempty"` // the last passed deadline's report row
	Next             *domain.WeeklyReport `json:"next,omitempty"` // the next deadline's, once drafted
}

// TownsTable is the district's home: its towns side by side.
type TownsTable struct {
	Campaign *domain.Campaign `json:"campaign"`
	Last     time.Time        `json:"last"` // the last passed deadline (zero: none yet)
	Next     time.Time        `json:"next"` // the next one (zero: none left)
	Rows     []TownFigures    `json:"rows"`
}

// Towns reads the table of the towns in the actor's scope, in official order.
func (s *App) Towns(ctx context.Context, a *domain.Actor) (*TownsTable, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	camp, err := s.ResolveCampaign(ctx, 0)
	if err != nil {
		return nil, err
	}
	r := s.db.Reader(ctx)
	towns, err := townsUnder(r, &a.Scope)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := &TownsTable{Campaign: camp}
	ovs, err := r.DeadlineOverrides(camp.ID)
	if err != nil {
		return nil, err
	}
	var want []time.Time
	for _, d := range camp.Deadlines(ovs) {
		if d.After(now) {
			out.Next = d
			want = append(want, d)
			break
		}
		out.Last = d
	}
	if !out.Last.IsZero() {
		want = append(want, out.Last)
	}
	scope, err := scopeOf(r, &a.Scope)
	if err != nil {
		return nil, err
	}
	stored, err := r.Reports(store.ReportQuery{CampaignID: camp.ID, Scope: scope})
	if err != nil {
		return nil, err
	}
	exempt, err := r.Exemptions(store.ExemptionQuery{CampaignID: camp.ID, Scope: scope})
	if err != nil {
		return nil, err
	}
	rows := domain.ReportRows(camp.ID, towns, want, stored, exempt, now)
	today := domain.DateOf(now, s.zone)
	for _, t := range towns {
		row := TownFigures{Town: t}
		ts, err := scopeOf(r, t)
		if err != nil {
			return nil, err
		}
		for _, x := range []struct {
			dst *int
			f   store.CaseFilter
		}{
			{&row.Cases, store.CaseFilter{Live: true}},
			{&row.Overdue, store.CaseFilter{OverdueOn: today}},
			{&row.AwaitingCloseout, store.CaseFilter{AwaitingCloseout: true}},
			{&row.ClosedOut, store.CaseFilter{Status: domain.StatusClosedOut}},
		} {
			x.f.Scope, x.f.CampaignID = ts, camp.ID
			if *x.dst, err = r.CountCases(x.f); err != nil {
				return nil, err
			}
		}
		for _, rep := range rows {
			if rep.OrgID != t.ID {
				continue
			}
			switch {
			case rep.Deadline.Equal(out.Next):
				row.Next = rep
			case rep.Deadline.Equal(out.Last):
				row.Last = rep
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}
