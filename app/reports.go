package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// Weekly reports (周报, DESIGN.md §4): every town-level unit reports the
// campaign's progress before each deadline (每周三17:00前). A report carries
// one 附件2 row (the town, computed by summarize) and the town's 附件1 rows;
// submitting freezes both, so a report never changes when cases change
// later. The rules — on time, the life cycle, which row a town shows — are
// domain/deadline.go's and domain/report.go's.

// ReportDetail is a report with its forms: the frozen 附件2 (the town row and
// 合计) and 附件1 of its latest submission, or — before the first submission
// (Live) — the forms and validation as they would be submitted now.
type ReportDetail struct {
	*domain.WeeklyReport
	Live       bool                    `json:"live"`
	Summary    domain.Summary          `json:"summary"`
	Problems   []*domain.Case          `json:"problems"`
	Validation domain.ReportValidation `json:"validation"`
	Events     []domain.ReportEvent    `json:"events"`
}

// DeadlineInfo is one of a campaign's deadlines, as the district sees them.
type DeadlineInfo struct {
	Week     domain.Date `json:"week"`     // the regular deadline's date: the week's key
	Deadline time.Time   `json:"deadline"` // the instant in force
	Moved    bool        `json:"moved"`
	Reason   string      `json:"reason,omitempty"`
	Passed   bool        `json:"passed"`
}

// ReportInput asks for a town's report for one deadline: zero Deadline
// means the next one, 0 OrgID the actor's own unit, 0 CampaignID the active campaign.
type ReportInput struct {
	CampaignID int64     `json:"campaign_id"`
	OrgID      int64     `json:"org_id"`
	Deadline   time.Time `json:"deadline"`
}

// ReportActionInput is a step on a report: submit (reason required when the
// first submission is late), accept, or return (reason required). Version,
// when given, must be the one read.
type ReportActionInput struct {
	Action  domain.ReportAction `json:"action"`
	Reason  string              `json:"reason"`
	Version int64               `json:"version"`
}

// ReportFilter selects reports: the campaign (0 = active), the unit whose
// towns are listed (0 = the actor's scope), and optionally one deadline.
type ReportFilter struct {
	CampaignID int64
	OrgID      int64
	Deadline   time.Time
}

// ReportList is the answer of Reports: the rows and the deadlines they span.
type ReportList struct {
	Campaign  *domain.Campaign
	Org       *domain.OrgUnit
	Towns     []*domain.OrgUnit
	Deadlines []time.Time // the campaign's deadlines (overrides applied)
	Items     []*domain.WeeklyReport
}

// MergedReport is the district's roll-up of one deadline's submitted
// snapshots: the frozen 附件2 row of every town whose submission stands
// (domain.ReportStatus.InRollUp), in official order, with 合计 = Σ rows, and
// their frozen 附件1 rows one town after another.
type MergedReport struct {
	Campaign *domain.Campaign
	Org      *domain.OrgUnit
	Deadline time.Time
	Summary  domain.Summary
	Problems []*domain.Case
	Reports  []*domain.WeeklyReport // the reports merged, in the same order
}

// ExemptionInput excuses a town from one deadline's report.
type ExemptionInput struct {
	CampaignID int64     `json:"campaign_id"`
	OrgID      int64     `json:"org_id"`
	Deadline   time.Time `json:"deadline"`
	Reason     string    `json:"reason"`
}

// TownWeek is one town's case activity in a week: cases registered and
// cases closed out (销号) in (From, To].
type TownWeek struct {
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	New       int    `json:"new"`
	ClosedOut int    `json:"closed_out"`
}

// CampaignDeadlines lists a campaign's deadlines with the overrides applied,
// in order, for any logged-in user.
func (s *App) CampaignDeadlines(ctx context.Context, a *domain.Actor, campaignID int64) (*domain.Campaign, []DeadlineInfo, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, nil, err
	}
	camp, err := s.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, nil, err
	}
	ovs, err := s.db.Reader(ctx).DeadlineOverrides(camp.ID)
	if err != nil {
		return nil, nil, err
	}
	now := s.clock.Now()
	reason := map[domain.Date]string{}
	for _, o := range ovs {
		reason[o.Week] = o.Reason
	}
	var out []DeadlineInfo
	for _, dl := range camp.Deadlines(ovs) {
		week, _ := camp.WeekOf(dl, ovs)
		r, moved := reason[week]
		out = append(out, DeadlineInfo{Week: week, Deadline: dl, Moved: moved, Reason: r, Passed: !domain.OnTime(now, dl)})
	}
	return camp, out, nil
}

// reportTown loads the unit a report is for (0: the actor's own unit) and
// authorizes act on it: outside the actor's scope it is not found, a role
// that may not act is forbidden, and a unit that is not town level is
// invalid (domain.CheckReportTown).
func reportTown(r store.Reader, a *domain.Actor, orgID int64, act domain.Action) (*domain.OrgUnit, error) {
	if orgID == 0 && a != nil {
		orgID = a.Org.ID
	}
	town, err := r.Org(orgID)
	if err != nil {
		return nil, found(err, "单位")
	}
	if err := domain.Authorize(a, act, town, "单位"); err != nil {
		return nil, err
	}
	if err := domain.CheckReportTown(town); err != nil {
		return nil, err
	}
	return town, nil
}

// PrepareReport opens (or returns) a town's report for a deadline: the town
// officer, the head or the district office prepares it. created is false
// when the town already had a report for that deadline; it is returned as is.
func (s *App) PrepareReport(ctx context.Context, a *domain.Actor, in ReportInput) (*domain.WeeklyReport, bool, error) {
	camp, err := s.ResolveCampaign(ctx, in.CampaignID)
	if err != nil {
		return nil, false, err
	}
	var out *domain.WeeklyReport
	created := false
	err = s.db.Write(ctx, a, func(tx *store.Tx) error {
		town, err := reportTown(tx.Reader, a, in.OrgID, domain.ActPrepareReport)
		if err != nil {
			return err
		}
		ovs, err := tx.DeadlineOverrides(camp.ID)
		if err != nil {
			return err
		}
		deadline, err := camp.ReportDeadline(in.Deadline, tx.Now(), ovs)
		if err != nil {
			return err
		}
		x, err := tx.ReportAt(camp.ID, town.ID, deadline)
		if err == nil {
			out = x
			return nil
		} else if !store.IsNotFound(err) {
			return err
		}
		out = &domain.WeeklyReport{CampaignID: camp.ID, OrgID: town.ID, OrgName: town.Name, Deadline: deadline,
			Status: domain.ReportDraft, Version: 1}
		if out.ID, err = tx.InsertReport(out); err != nil {
			return err
		}
		created = true
		if err := tx.InsertReportEvent(out.ID, "prepare", "", out.Version); err != nil {
			return err
		}
		return tx.Audit("prepare", "weekly_report", out.ID, nil, out)
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// liveForms computes what a town would submit at now: its 附件2 row
// (through summarize) and its 附件1 rows, with the validation results.
func (s *App) liveForms(r store.Reader, camp *domain.Campaign, town *domain.OrgUnit, now time.Time) (domain.Summary, []*domain.Case, domain.ReportValidation, error) {
	sum, err := summarize(r, camp, town, false)
	if err != nil {
		return domain.Summary{}, nil, domain.ReportValidation{}, err
	}
	problems, err := townProblems(r, camp.ID, town)
	if err != nil {
		return domain.Summary{}, nil, domain.ReportValidation{}, err
	}
	return sum, problems, domain.ValidateReport(sum.Rows[0], problems, camp, now, s.zone), nil
}

// TownPreview computes a town's forms and their validation as they would be
// submitted now, for the town's report page.
func (s *App) TownPreview(ctx context.Context, a *domain.Actor, campaignID, townID int64) (*ReportDetail, error) {
	camp, err := s.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	r := s.db.Reader(ctx)
	town, err := reportTown(r, a, townID, domain.ActRead)
	if err != nil {
		return nil, err
	}
	out := &ReportDetail{WeeklyReport: &domain.WeeklyReport{CampaignID: camp.ID, OrgID: town.ID, OrgName: town.Name}, Live: true}
	out.Summary, out.Problems, out.Validation, err = s.liveForms(r, camp, town, s.clock.Now())
	if err != nil {
		return nil, err
	}
	return out, nil
}

// loadReport loads a report and its town and authorizes the actor to read
// it: a report outside the actor's scope is not found.
func loadReport(r store.Reader, a *domain.Actor, id int64) (*domain.WeeklyReport, *domain.OrgUnit, error) {
	x, err := r.Report(id)
	if err != nil {
		return nil, nil, found(err, "周报")
	}
	town, err := r.Org(x.OrgID)
	if err != nil {
		return nil, nil, found(err, "单位")
	}
	if err := domain.Authorize(a, domain.ActRead, town, "周报"); err != nil {
		return nil, nil, err
	}
	return x, town, nil
}

// Report loads a report in the actor's scope with its forms and history.
func (s *App) Report(ctx context.Context, a *domain.Actor, id int64) (*ReportDetail, error) {
	r := s.db.Reader(ctx)
	x, town, err := loadReport(r, a, id)
	if err != nil {
		return nil, err
	}
	out := &ReportDetail{WeeklyReport: x, Problems: []*domain.Case{}}
	if x.SubmittedAt == nil {
		camp, err := r.Campaign(x.CampaignID)
		if err != nil {
			return nil, found(err, "专项行动")
		}
		out.Live = true
		if out.Summary, out.Problems, out.Validation, err = s.liveForms(r, camp, town, s.clock.Now()); err != nil {
			return nil, err
		}
	} else {
		row, problems, v, err := r.ReportForms(id)
		if err != nil {
			return nil, err
		}
		if problems != nil {
			out.Problems = problems
		}
		out.Validation = v
		out.Summary = domain.Summary{Rows: []domain.SummaryRow{row}, Total: domain.TotalOf([]domain.SummaryRow{row})}
	}
	if out.Validation.Errors == nil {
		out.Validation.Errors = []domain.ReportFinding{}
	}
	if out.Validation.Warnings == nil {
		out.Validation.Warnings = []domain.ReportFinding{}
	}
	if out.Events, err = r.ReportEvents(id); err != nil {
		return nil, err
	}
	return out, nil
}

// submitter works out, in r at now, whether a may submit town's report (or
// sign its final summary) and for whom (domain.AuthorizeSubmit), with the
// delegation a holds.
func submitter(r store.Reader, a *domain.Actor, town *domain.OrgUnit, now time.Time, what string) (string, error) {
	var del *domain.Delegation
	if a != nil {
		var err error
		if del, err = activeDelegation(r, a.User.ID, now); err != nil {
			return "", err
		}
	}
	return domain.AuthorizeSubmit(a, town, del, now, what)
}

// MaySubmitReport reports whether the actor may submit the town's weekly
// report now: its head, an officer the head delegated to, or the district office.
func (s *App) MaySubmitReport(ctx context.Context, a *domain.Actor, townID int64) bool {
	r := s.db.Reader(ctx)
	town, err := r.Org(townID)
	if err != nil {
		return false
	}
	_, err = submitter(r, a, town, s.clock.Now(), "周报")
	return err == nil
}

// ReportAction submits, accepts or returns a report, in one transaction at
// its now: the actor is authorized there (a delegate's delegation is read
// there too), the step is the domain's (domain.ApplyReportAction).
//
// Submit (town head, delegate, or district office 代报) on a draft or a
// returned report: the town's live 附件2 row and 附件1 rows are computed and
// validated; any error blocks (ECONFLICT, field "validation"); a first
// submission at or after the deadline needs a reason. The forms are frozen
// into the report; the first submission time and on_time are set once and
// kept through returns and resubmissions. Accept (district office) takes a
// submitted report; return (district office, reason required) takes a
// submitted or accepted one back to the town.
func (s *App) ReportAction(ctx context.Context, a *domain.Actor, id int64, in ReportActionInput) (*domain.WeeklyReport, error) {
	in.Action, in.Reason = domain.ReportAction(strings.TrimSpace(string(in.Action))), strings.TrimSpace(in.Reason)
	var out *domain.WeeklyReport
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		now := tx.Now()
		before, town, err := loadReport(tx.Reader, a, id)
		if err != nil {
			return err
		}
		submitFor := ""
		switch in.Action {
		case domain.ReportSubmit:
			if submitFor, err = submitter(tx.Reader, a, town, now, "周报"); err != nil {
				return err
			}
		case domain.ReportAccept, domain.ReportReturn:
			if err := domain.Authorize(a, domain.ActReviewReport, town, "周报"); err != nil {
				return err
			}
		default:
			return domain.Invalid("action", "操作应为 submit、accept 或 return")
		}
		if in.Version != 0 && in.Version != before.Version {
			return domain.Stale("周报", before.Version)
		}
		after := *before
		if err := domain.ApplyReportAction(&after, in.Action, in.Reason, tx.Actor().User.DisplayName, submitFor, now, s.zone); err != nil {
			return err
		}
		if in.Action == domain.ReportSubmit {
			camp, err := tx.Campaign(before.CampaignID)
			if err != nil {
				return found(err, "专项行动")
			}
			sum, problems, v, err := s.liveForms(tx.Reader, camp, town, now)
			if err != nil {
				return err
			}
			if err := v.Blocks(); err != nil {
				return err
			}
			err = tx.UpdateReportSubmission(&after, before.Version, sum.Rows[0], domain.FrozenProblems(problems), v)
		} else {
			err = tx.UpdateReportReview(&after, before.Version)
		}
		if errors.Is(err, store.ErrStale) {
			return domain.Stale("周报", before.Version)
		} else if err != nil {
			return fmt.Errorf("%s report %d: %w", in.Action, id, err)
		}
		if err := tx.InsertReportEvent(id, string(in.Action), in.Reason, after.Version); err != nil {
			return err
		}
		out = &after
		return tx.Audit(string(in.Action), "weekly_report", id, before, after)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Reports lists the weekly reports of the towns under a unit in the actor's
// scope: for every deadline that has passed (or the one asked for), each
// town's row as domain.ReportRows decides it, latest deadline first, then
// the towns in official order.
func (s *App) Reports(ctx context.Context, a *domain.Actor, f ReportFilter) (*ReportList, error) {
	r := s.db.Reader(ctx)
	camp, org, err := s.summaryTarget(ctx, r, a, f.CampaignID, f.OrgID)
	if err != nil {
		return nil, err
	}
	towns, err := townsUnder(r, org)
	if err != nil {
		return nil, err
	}
	ovs, err := r.DeadlineOverrides(camp.ID)
	if err != nil {
		return nil, err
	}
	deadlines := camp.Deadlines(ovs)
	want := deadlines
	if !f.Deadline.IsZero() {
		if err := camp.CheckDeadline(f.Deadline, ovs); err != nil {
			return nil, err
		}
		want = []time.Time{f.Deadline}
	}
	scope, err := scopeOf(r, org)
	if err != nil {
		return nil, err
	}
	stored, err := r.Reports(store.ReportQuery{CampaignID: camp.ID, Scope: scope, Deadline: f.Deadline})
	if err != nil {
		return nil, err
	}
	exempt, err := r.Exemptions(store.ExemptionQuery{CampaignID: camp.ID, Scope: scope})
	if err != nil {
		return nil, err
	}
	return &ReportList{Campaign: camp, Org: org, Towns: towns, Deadlines: deadlines,
		Items: domain.ReportRows(camp.ID, towns, want, stored, exempt, s.clock.Now())}, nil
}

// MergedReports rolls up the submitted snapshots of the towns under a unit
// for one deadline (zero: the latest one passed, else the next).
func (s *App) MergedReports(ctx context.Context, a *domain.Actor, campaignID, orgID int64, deadline time.Time) (*MergedReport, error) {
	r := s.db.Reader(ctx)
	camp, org, err := s.summaryTarget(ctx, r, a, campaignID, orgID)
	if err != nil {
		return nil, err
	}
	ovs, err := r.DeadlineOverrides(camp.ID)
	if err != nil {
		return nil, err
	}
	if deadline.IsZero() {
		deadline = camp.RollUpDeadline(s.clock.Now(), ovs)
	} else if err := camp.CheckDeadline(deadline, ovs); err != nil {
		return nil, err
	}
	towns, err := townsUnder(r, org)
	if err != nil {
		return nil, err
	}
	scope, err := scopeOf(r, org)
	if err != nil {
		return nil, err
	}
	snaps, err := r.ReportSnapshots(store.ReportQuery{CampaignID: camp.ID, Scope: scope, Deadline: deadline,
		Statuses: domain.RollUpStatuses()})
	if err != nil {
		return nil, err
	}
	byTown := make(map[int64]*store.ReportSnapshot, len(snaps))
	for i := range snaps {
		byTown[snaps[i].Report.OrgID] = &snaps[i]
	}
	out := &MergedReport{Campaign: camp, Org: org, Deadline: deadline.UTC(), Problems: []*domain.Case{}, Reports: []*domain.WeeklyReport{}}
	rows := []domain.SummaryRow{}
	for _, t := range towns {
		x := byTown[t.ID]
		if x == nil {
			continue
		}
		x.Summary.Region = x.Report.OrgName
		rows = append(rows, x.Summary)
		out.Problems = append(out.Problems, x.Problems...)
		out.Reports = append(out.Reports, x.Report)
	}
	out.Summary = domain.Summary{Rows: rows, Total: domain.TotalOf(rows)}
	return out, nil
}

// ExemptReport excuses a town from one deadline's report (district office,
// reason required, audited). A town that has already submitted for it, or
// is already excused, is refused (ECONFLICT).
func (s *App) ExemptReport(ctx context.Context, a *domain.Actor, in ExemptionInput) (*domain.Exemption, error) {
	camp, err := s.ResolveCampaign(ctx, in.CampaignID)
	if err != nil {
		return nil, err
	}
	out := &domain.Exemption{CampaignID: camp.ID, Deadline: in.Deadline, Reason: in.Reason}
	err = s.db.Write(ctx, a, func(tx *store.Tx) error {
		town, err := reportTown(tx.Reader, a, in.OrgID, domain.ActManageCampaign)
		if err != nil {
			return err
		}
		out.OrgID = town.ID
		if err := out.Normalize(); err != nil {
			return err
		}
		ovs, err := tx.DeadlineOverrides(camp.ID)
		if err != nil {
			return err
		}
		if out.Deadline, err = camp.ReportDeadline(out.Deadline, tx.Now(), ovs); err != nil {
			return err
		}
		existing, err := tx.ReportAt(camp.ID, town.ID, out.Deadline)
		if err != nil && !store.IsNotFound(err) {
			return err
		}
		if err := domain.CheckExemption(town, existing); err != nil {
			return err
		}
		if out.ID, err = tx.InsertExemption(out); errors.Is(err, store.ErrDuplicate) {
			return domain.DuplicateExemption(town)
		} else if err != nil {
			return err
		}
		return tx.Audit("exempt", "weekly_report_exemption", out.ID, nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MoveDeadline moves one week's deadline (国庆 and other holidays) with a
// reason (district office, audited). The week's reports and exemptions move
// with it, and a submitted report's on time is judged against the new
// deadline (domain.MoveReports). A move onto another week's deadline is
// refused (ECONFLICT) when a town already has a report for both weeks.
func (s *App) MoveDeadline(ctx context.Context, a *domain.Actor, campaignID int64, o domain.DeadlineOverride) (*DeadlineInfo, error) {
	var now time.Time
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		now = tx.Now()
		if err := domain.Authorize(a, domain.ActManageCampaign, nil, ""); err != nil {
			return err
		}
		camp, err := tx.Campaign(campaignID)
		if err != nil {
			return found(err, "专项行动")
		}
		o.Reason = strings.TrimSpace(o.Reason)
		if err := camp.CheckOverride(o); err != nil {
			return err
		}
		o.Deadline = o.Deadline.UTC().Truncate(time.Microsecond)
		ovs, err := tx.DeadlineOverrides(camp.ID)
		if err != nil {
			return err
		}
		var before *domain.DeadlineOverride
		for i := range ovs {
			if ovs[i].Week == o.Week {
				before = &ovs[i]
			}
		}
		old, _ := camp.DeadlineOfWeek(o.Week, ovs)
		if err := tx.PutDeadlineOverride(camp.ID, o); err != nil {
			return err
		}
		if !old.Equal(o.Deadline) {
			if err := moveWeek(tx, camp.ID, old, o.Deadline); err != nil {
				return err
			}
		}
		return tx.Audit("move_deadline", "campaign", camp.ID, before, o)
	})
	if err != nil {
		return nil, err
	}
	return &DeadlineInfo{Week: o.Week, Deadline: o.Deadline, Moved: true, Reason: o.Reason, Passed: !domain.OnTime(now, o.Deadline)}, nil
}

// moveWeek moves the reports and exemptions at deadline old onto deadline
// to, as domain.MoveReports and domain.MoveExemptions decide.
func moveWeek(tx *store.Tx, campaignID int64, old, to time.Time) error {
	every := domain.ScopeFilter{All: true}
	moving, err := tx.Reports(store.ReportQuery{CampaignID: campaignID, Scope: every, Deadline: old})
	if err != nil {
		return err
	}
	atNew, err := tx.Reports(store.ReportQuery{CampaignID: campaignID, Scope: every, Deadline: to})
	if err != nil {
		return err
	}
	if err := domain.MoveReports(moving, atNew, to); err != nil {
		return err
	}
	for _, x := range moving {
		if err := tx.UpdateReportDeadline(x); err != nil {
			return err
		}
	}
	exMoving, err := tx.Exemptions(store.ExemptionQuery{CampaignID: campaignID, Scope: every, Deadline: old})
	if err != nil {
		return err
	}
	exAtNew, err := tx.Exemptions(store.ExemptionQuery{CampaignID: campaignID, Scope: every, Deadline: to})
	if err != nil {
		return err
	}
	move, drop := domain.MoveExemptions(exMoving, exAtNew)
	for _, e := range move {
		if err := tx.UpdateExemptionDeadline(e.ID, to); err != nil {
			return err
		}
	}
	for _, e := range drop {
		if err := tx.DeleteExemption(e.ID); err != nil {
			return err
		}
	}
	return nil
}

// WeekActivity counts, per town under a unit in the actor's scope, the
// campaign's cases registered (voided ones left out) and closed out in
// (from, to], towns in official order, zeros included.
func (s *App) WeekActivity(ctx context.Context, a *domain.Actor, campaignID, orgID int64, from, to time.Time) ([]TownWeek, error) {
	r := s.db.Reader(ctx)
	camp, org, err := s.summaryTarget(ctx, r, a, campaignID, orgID)
	if err != nil {
		return nil, err
	}
	towns, err := townsUnder(r, org)
	if err != nil {
		return nil, err
	}
	scope, err := scopeOf(r, org)
	if err != nil {
		return nil, err
	}
	q := store.CaseCountQuery{CampaignID: camp.ID, Scope: scope, From: from, To: to, NotStatus: domain.StatusVoided}
	created, err := r.CaseCountsByTown(q)
	if err != nil {
		return nil, fmt.Errorf("week activity: %w", err)
	}
	q.Closed, q.Status, q.NotStatus = true, domain.StatusClosedOut, ""
	closed, err := r.CaseCountsByTown(q)
	if err != nil {
		return nil, fmt.Errorf("week activity: %w", err)
	}
	out := make([]TownWeek, len(towns))
	for i, t := range towns {
		out[i] = TownWeek{OrgID: t.ID, OrgName: t.Name, New: created[t.ID], ClosedOut: closed[t.ID]}
	}
	return out, nil
}
