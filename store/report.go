package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"zhengzhi/domain"
)

// Weekly reports (周报, DESIGN.md §4): every town-level unit reports the
// campaign's progress before each deadline (每周三17:00前). A report carries
// one 附件2 row (the town, computed by Summary) and the town's 附件1 rows;
// submitting freezes both, so a report never changes when cases change
// later. On time means first submitted strictly before the deadline.

// ReportEvent is one step of a report's history.
type ReportEvent struct {
	Action    string    `json:"action"`
	ActorName string    `json:"actor_name"`
	Role      string    `json:"role"`
	Reason    string    `json:"reason,omitempty"`
	At        time.Time `json:"at"`
	Version   int64     `json:"version"`
}

// ReportDetail is a report with its forms: the frozen 附件2 (the town row and
// 合计) and 附件1 of its latest submission, or — before the first submission
// (Live) — the forms and validation as they would be submitted now.
type ReportDetail struct {
	*domain.WeeklyReport
	Live       bool                    `json:"live"`
	Summary    domain.Summary          `json:"summary"`
	Problems   []*domain.Case          `json:"problems"`
	Validation domain.ReportValidation `json:"validation"`
	Events     []ReportEvent           `json:"events"`
}

const reportCols = `r.id, r.campaign_id, r.org_id, o.name, r.deadline, r.status, r.first_submitted_at, r.submitted_at, r.on_time,
	r.late_reason, r.submitted_by_name, r.submitted_for, r.return_reason, r.reviewed_by_name, r.reviewed_at, r.version`

const reportFrom = ` FROM weekly_reports r JOIN org_units o ON o.id = r.org_id`

func scanReport(r scanner, extra ...any) (*domain.WeeklyReport, error) {
	var x domain.WeeklyReport
	var onTime sql.NullBool
	dest := append([]any{&x.ID, &x.CampaignID, &x.OrgID, &x.OrgName, timeScan{&x.Deadline}, &x.Status,
		nullTimeScan{&x.FirstSubmittedAt}, nullTimeScan{&x.SubmittedAt}, &onTime, &x.LateReason, &x.SubmittedByName,
		&x.SubmittedFor, &x.ReturnReason, &x.ReviewedByName, nullTimeScan{&x.ReviewedAt}, &x.Version}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	if onTime.Valid {
		x.OnTime = &onTime.Bool
	}
	return &x, nil
}

// loadReport reads a report and its town, without a scope check.
func loadReport(ctx context.Context, q querier, id int64) (*domain.WeeklyReport, *domain.OrgUnit, error) {
	x, err := scanReport(q.QueryRowContext(ctx, `SELECT `+reportCols+reportFrom+` WHERE r.id = $1`, id))
	if err != nil {
		return nil, nil, notFound(err, "周报")
	}
	town, err := loadOrg(ctx, q, x.OrgID)
	if err != nil {
		return nil, nil, err
	}
	return x, town, nil
}

// DeadlineOverrides lists a campaign's moved deadlines.
func (d *DB) DeadlineOverrides(ctx context.Context, campaignID int64) ([]domain.DeadlineOverride, error) {
	return deadlineOverrides(ctx, d.db, campaignID)
}

func deadlineOverrides(ctx context.Context, q querier, campaignID int64) ([]domain.DeadlineOverride, error) {
	rows, err := q.QueryContext(ctx, `SELECT week, deadline, reason FROM deadline_overrides WHERE campaign_id = $1 ORDER BY week`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("deadline overrides: %w", err)
	}
	defer rows.Close()
	var out []domain.DeadlineOverride
	for rows.Next() {
		var o domain.DeadlineOverride
		var week string
		if err := rows.Scan(&week, timeScan{&o.Deadline}, &o.Reason); err != nil {
			return nil, err
		}
		o.Week = domain.Date(week)
		out = append(out, o)
	}
	return out, rows.Err()
}

// DeadlineInfo is one of a campaign's deadlines, as the district sees them.
type DeadlineInfo struct {
	Week     domain.Date `json:"week"`     // the regular deadline's date: the week's key
	Deadline time.Time   `json:"deadline"` // the instant in force
	Moved    bool        `json:"moved"`
	Reason   string      `json:"reason,omitempty"`
	Passed   bool        `json:"passed"`
}

// CampaignDeadlines lists a campaign's deadlines with the overrides applied,
// in order, for any logged-in user.
func (d *DB) CampaignDeadlines(ctx context.Context, a *domain.Actor, campaignID int64) (*domain.Campaign, []DeadlineInfo, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, nil, err
	}
	camp, err := d.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, nil, err
	}
	ovs, err := d.DeadlineOverrides(ctx, camp.ID)
	if err != nil {
		return nil, nil, err
	}
	now := d.clock.Now()
	reason := map[domain.Date]string{}
	for _, o := range ovs {
		reason[o.Week] = o.Reason
	}
	var out []DeadlineInfo
	for _, dl := range camp.Deadlines(ovs) {
		week, _ := camp.WeekOf(dl, ovs)
		r, moved := reason[week]
		out = append(out, DeadlineInfo{Week: week, Deadline: dl, Moved: moved, Reason: r, Passed: !now.Before(dl)})
	}
	return camp, out, nil
}

// ReportInput asks for a town's report for one deadline: zero Deadline
// means the next one, 0 OrgID the actor's own unit, 0 CampaignID the active campaign.
type ReportInput struct {
	CampaignID int64     `json:"campaign_id"`
	OrgID      int64     `json:"org_id"`
	Deadline   time.Time `json:"deadline"`
}

// reportTown checks that org (0: the actor's own unit) is in the actor's
// scope (else not found), that the actor's role may act (else forbidden),
// and that it is a town-level unit (else invalid).
func (d *DB) reportTown(ctx context.Context, q querier, a *domain.Actor, orgID int64, act domain.Action) (*domain.OrgUnit, error) {
	if orgID == 0 {
		orgID = a.Org.ID
	}
	town, err := loadOrg(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, act, town, "单位"); err != nil {
		return nil, err
	}
	if !town.IsTown() {
		return nil, domain.Invalid("org_id", "周报由镇（街道）级单位报送，%s 不是", town.Name)
	}
	return town, nil
}

// resolveDeadline checks that t is one of the campaign's deadlines; zero t
// means the next one after now.
func (d *DB) resolveDeadline(ctx context.Context, q querier, camp *domain.Campaign, t time.Time) (time.Time, error) {
	ovs, err := deadlineOverrides(ctx, q, camp.ID)
	if err != nil {
		return time.Time{}, err
	}
	if t.IsZero() {
		next, ok := camp.NextDeadline(d.clock.Now(), ovs)
		if !ok {
			return time.Time{}, domain.Invalid("deadline", "本专项行动的报送截止时间均已过去，请指定截止时间")
		}
		return next.UTC(), nil
	}
	if !camp.IsDeadline(t, ovs) {
		return time.Time{}, domain.Invalid("deadline", "%s 不是本专项行动的报送截止时间",
			t.In(d.zone).Format("2006-01-02 15:04"))
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

// PrepareReport opens (or returns) a town's report for a deadline: the town
// officer, the head or the district office prepares it. created is false
// when the town already had a report for that deadline; it is returned as is.
func (d *DB) PrepareReport(ctx context.Context, a *domain.Actor, in ReportInput) (*domain.WeeklyReport, bool, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, false, err
	}
	camp, err := d.ResolveCampaign(ctx, in.CampaignID)
	if err != nil {
		return nil, false, err
	}
	town, err := d.reportTown(ctx, d.db, a, in.OrgID, domain.ActPrepareReport)
	if err != nil {
		return nil, false, err
	}
	var out *domain.WeeklyReport
	created := false
	err = d.write(ctx, a, func(tx *Tx) error {
		deadline, err := d.resolveDeadline(ctx, tx.tx, camp, in.Deadline)
		if err != nil {
			return err
		}
		x, err := scanReport(tx.queryRow(`SELECT `+reportCols+reportFrom+` WHERE r.campaign_id = $1 AND r.org_id = $2 AND r.deadline = $3`,
			camp.ID, town.ID, ts(deadline)))
		if err == nil {
			out = x
			return nil
		} else if !isNoRows(err) {
			return fmt.Errorf("existing report: %w", err)
		}
		id, err := tx.insert(`INSERT INTO weekly_reports (campaign_id, org_id, deadline, status, version, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $6, $6) RETURNING id`, camp.ID, town.ID, ts(deadline), domain.ReportDraft, tx.actorRef(), ts(tx.now))
		if err != nil {
			return fmt.Errorf("insert report: %w", err)
		}
		out = &domain.WeeklyReport{ID: id, CampaignID: camp.ID, OrgID: town.ID, OrgName: town.Name, Deadline: deadline,
			Status: domain.ReportDraft, Version: 1}
		created = true
		if err := tx.reportEvent(id, "prepare", "", 1); err != nil {
			return err
		}
		return tx.audit("prepare", "weekly_report", id, nil, out)
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

func (tx *Tx) reportEvent(reportID int64, action, reason string, version int64) error {
	_, err := tx.exec(`INSERT INTO report_events (report_id, action, actor_id, actor_name, role, reason, at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, reportID, action, tx.actorRef(), tx.actor.User.DisplayName,
		string(tx.actor.User.Role), reason, ts(tx.now), version)
	if err != nil {
		return fmt.Errorf("report event: %w", err)
	}
	return nil
}

// liveForms computes what a town would submit now: its 附件2 row (through
// Summary's aggregation) and its 附件1 rows, with the validation results.
func (d *DB) liveForms(ctx context.Context, q querier, camp *domain.Campaign, town *domain.OrgUnit, now time.Time) (domain.Summary, []*domain.Case, domain.ReportValidation, error) {
	s, err := d.summarize(ctx, q, camp, town, false)
	if err != nil {
		return domain.Summary{}, nil, domain.ReportValidation{}, err
	}
	problems := []*domain.Case{}
	var iterErr error
	d.townProblems(ctx, q, camp.ID, town.ID, town.Path, func(c *domain.Case, err error) bool {
		if err != nil {
			iterErr = err
			return false
		}
		problems = append(problems, c)
		return true
	})
	if iterErr != nil {
		return domain.Summary{}, nil, domain.ReportValidation{}, iterErr
	}
	return s, problems, domain.ValidateReport(s.Rows[0], problems, camp, now, d.zone), nil
}

// TownPreview computes a town's forms and their validation as they would be
// submitted now, for the town's report page.
func (d *DB) TownPreview(ctx context.Context, a *domain.Actor, campaignID, townID int64) (*ReportDetail, error) {
	camp, err := d.ResolveCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	town, err := d.reportTown(ctx, d.db, a, townID, domain.ActRead)
	if err != nil {
		return nil, err
	}
	out := &ReportDetail{WeeklyReport: &domain.WeeklyReport{CampaignID: camp.ID, OrgID: town.ID, OrgName: town.Name}, Live: true}
	out.Summary, out.Problems, out.Validation, err = d.liveForms(ctx, d.db, camp, town, d.clock.Now())
	if err != nil {
		return nil, err
	}
	return out, nil
}

// frozenCase is a 附件1 row as a snapshot keeps it: the case's fields and
// names, without the live warnings (the snapshot's validation has them).
func frozenCase(c *domain.Case) *domain.Case {
	x := c.Clone()
	x.Warnings = nil
	return x
}

// Report loads a report in the actor's scope with its forms and history.
func (d *DB) Report(ctx context.Context, a *domain.Actor, id int64) (*ReportDetail, error) {
	x, town, err := loadReport(ctx, d.db, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, town, "周报"); err != nil {
		return nil, err
	}
	out := &ReportDetail{WeeklyReport: x, Problems: []*domain.Case{}}
	if x.SubmittedAt == nil {
		camp, err := d.Campaign(ctx, x.CampaignID)
		if err != nil {
			return nil, err
		}
		out.Live = true
		if out.Summary, out.Problems, out.Validation, err = d.liveForms(ctx, d.db, camp, town, d.clock.Now()); err != nil {
			return nil, err
		}
	} else {
		var row domain.SummaryRow
		err := d.db.QueryRowContext(ctx, `SELECT summary, problems, validation FROM weekly_reports WHERE id = $1`, id).
			Scan(jsonScan{&row}, jsonScan{&out.Problems}, jsonScan{&out.Validation})
		if err != nil {
			return nil, fmt.Errorf("report %d snapshot: %w", id, err)
		}
		out.Summary = domain.Summary{Rows: []domain.SummaryRow{row}, Total: domain.TotalOf([]domain.SummaryRow{row})}
	}
	if out.Validation.Errors == nil {
		out.Validation.Errors = []domain.ReportFinding{}
	}
	if out.Validation.Warnings == nil {
		out.Validation.Warnings = []domain.ReportFinding{}
	}
	if out.Events, err = d.reportEvents(ctx, id); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *DB) reportEvents(ctx context.Context, id int64) ([]ReportEvent, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT action, actor_name, role, reason, at, version FROM report_events
		WHERE report_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("report events: %w", err)
	}
	defer rows.Close()
	out := []ReportEvent{}
	for rows.Next() {
		var e ReportEvent
		if err := rows.Scan(&e.Action, &e.ActorName, &e.Role, &e.Reason, timeScan{&e.At}, &e.Version); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ReportActionInput is a step on a report: submit (reason required when the
// first submission is late), accept, or return (reason required). Version,
// when given, must be the one read.
type ReportActionInput struct {
	Action  domain.ReportAction `json:"action"`
	Reason  string              `json:"reason"`
	Version int64               `json:"version"`
}

// reportDelegation finds the delegation in force at now that names a as
// delegate (kept by the case life-cycle store), or nil.
func (d *DB) reportDelegation(ctx context.Context, a *domain.Actor, townID int64, now time.Time) (*domain.Delegation, error) {
	del, err := d.ActiveDelegation(ctx, a.User.ID, now)
	if err != nil || del == nil || del.OrgID != townID {
		return nil, err
	}
	return del, nil
}

// MaySubmitReport reports whether the actor may submit the town's weekly
// report now: its head, an officer the head delegated to, or the district office.
func (d *DB) MaySubmitReport(ctx context.Context, a *domain.Actor, townID int64) bool {
	town, err := d.Org(ctx, townID)
	if err != nil {
		return false
	}
	_, err = d.authorizeSubmit(ctx, a, town, d.clock.Now())
	return err == nil
}

// authorizeSubmit checks who may submit a town's report and says for whom:
// the town head (for = ""), an officer the head delegated to (for = the
// head's name), or the district office (for = 代报).
func (d *DB) authorizeSubmit(ctx context.Context, a *domain.Actor, town *domain.OrgUnit, now time.Time) (string, error) {
	if !a.Sees(town) {
		return "", domain.NotFound("周报")
	}
	if a.Role() == domain.RoleTownOfficer {
		del, err := d.reportDelegation(ctx, a, town.ID, now)
		if err != nil {
			return "", err
		}
		if del != nil && del.OrgID == town.ID && domain.EffectiveRole(a, del, now) == domain.RoleTownHead {
			return del.HeadName, nil
		}
	}
	if err := domain.Authorize(a, domain.ActSubmitReport, town, "周报"); err != nil {
		return "", err
	}
	if a.Role() != domain.RoleTownHead {
		return domain.ProxySubmission, nil
	}
	return "", nil
}

// ReportAction submits, accepts or returns a report.
//
// Submit (town head, delegate, or district office 代报) on a draft or a
// returned report: the town's live 附件2 row and 附件1 rows are computed and
// validated; any error blocks (ECONFLICT, field "validation"); a first
// submission at or after the deadline needs a reason. The forms are frozen
// into the report; the first submission time and on_time are set once and
// kept through returns and resubmissions. Accept (district office) takes a
// submitted report; return (district office, reason required) takes a
// submitted or accepted one back to the town.
func (d *DB) ReportAction(ctx context.Context, a *domain.Actor, id int64, in ReportActionInput) (*domain.WeeklyReport, error) {
	in.Action, in.Reason = domain.ReportAction(strings.TrimSpace(string(in.Action))), strings.TrimSpace(in.Reason)
	x, town, err := loadReport(ctx, d.db, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, town, "周报"); err != nil {
		return nil, err
	}
	camp, err := d.Campaign(ctx, x.CampaignID)
	if err != nil {
		return nil, err
	}
	submitFor := ""
	switch in.Action {
	case domain.ReportSubmit:
		if submitFor, err = d.authorizeSubmit(ctx, a, town, d.clock.Now()); err != nil {
			return nil, err
		}
	case domain.ReportAccept, domain.ReportReturn:
		if err := domain.Authorize(a, domain.ActReviewReport, town, "周报"); err != nil {
			return nil, err
		}
	default:
		return nil, domain.Invalid("action", "操作应为 submit、accept 或 return")
	}
	var out *domain.WeeklyReport
	err = d.write(ctx, a, func(tx *Tx) error {
		before, _, err := loadReport(ctx, tx.tx, id)
		if err != nil {
			return err
		}
		if in.Version != 0 && in.Version != before.Version {
			return errStale("周报", before.Version)
		}
		// What the report's state allows is the domain's rule (domain/report.go).
		if _, err := domain.CheckReportAction(before, in.Action, in.Reason, tx.now, d.zone); err != nil {
			return err
		}
		after := *before
		after.Version = before.Version + 1
		switch in.Action {
		case domain.ReportSubmit:
			if err := d.submit(ctx, tx, camp, town, &after, in.Reason, submitFor); err != nil {
				return err
			}
		case domain.ReportAccept:
			after.Status, after.ReviewedByName, after.ReviewedAt = domain.ReportAccepted, tx.actor.User.DisplayName, &tx.now
			_, err = tx.exec(`UPDATE weekly_reports SET status = $1, reviewed_by_name = $2, reviewed_at = $3, version = $4, updated_at = $3
				WHERE id = $5`, after.Status, after.ReviewedByName, ts(tx.now), after.Version, id)
		case domain.ReportReturn:
			after.Status, after.ReturnReason = domain.ReportReturned, in.Reason
			after.ReviewedByName, after.ReviewedAt = tx.actor.User.DisplayName, &tx.now
			_, err = tx.exec(`UPDATE weekly_reports SET status = $1, return_reason = $2, reviewed_by_name = $3, reviewed_at = $4,
				version = $5, updated_at = $4 WHERE id = $6`, after.Status, in.Reason, after.ReviewedByName, ts(tx.now), after.Version, id)
		}
		if err != nil {
			return fmt.Errorf("%s report %d: %w", in.Action, id, err)
		}
		if err := tx.reportEvent(id, string(in.Action), in.Reason, after.Version); err != nil {
			return err
		}
		out = &after
		return tx.audit(string(in.Action), "weekly_report", id, before, after)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// submit freezes the town's forms into r inside tx.
func (d *DB) submit(ctx context.Context, tx *Tx, camp *domain.Campaign, town *domain.OrgUnit, r *domain.WeeklyReport, reason, submitFor string) error {
	first := r.FirstSubmittedAt == nil
	s, problems, v, err := d.liveForms(ctx, tx.tx, camp, town, tx.now)
	if err != nil {
		return err
	}
	if len(v.Errors) > 0 {
		msg := v.Errors[0].Message
		if len(v.Errors) > 1 {
			msg = fmt.Sprintf("%s（共%d个错误，须先改正）", msg, len(v.Errors))
		}
		return &domain.Error{Code: domain.ECONFLICT, Field: "validation", Message: msg}
	}
	frozen := make([]*domain.Case, len(problems))
	for i, c := range problems {
		frozen[i] = frozenCase(c)
	}
	if first {
		onTime := domain.OnTime(tx.now, r.Deadline)
		r.FirstSubmittedAt, r.OnTime = &tx.now, &onTime
		if !onTime {
			r.LateReason = reason
		}
	}
	r.Status, r.SubmittedAt = domain.ReportSubmitted, &tx.now
	r.SubmittedByName, r.SubmittedFor = tx.actor.User.DisplayName, submitFor
	_, err = tx.exec(`UPDATE weekly_reports SET status = $1, first_submitted_at = $2, submitted_at = $3, on_time = $4,
		late_reason = $5, submitted_by = $6, submitted_by_name = $7, submitted_for = $8, summary = $9, problems = $10,
		validation = $11, version = $12, updated_at = $3 WHERE id = $13`,
		r.Status, ts(*r.FirstSubmittedAt), ts(tx.now), *r.OnTime, r.LateReason, tx.actorRef(), r.SubmittedByName,
		r.SubmittedFor, mustJSON(s.Rows[0]), mustJSON(frozen), mustJSON(v), r.Version, r.ID)
	return err
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

// Reports lists the weekly reports of the towns under a unit in the actor's
// scope. For every deadline that has passed (or the one asked for), each
// town appears: with its report's status once submitted, exempt when
// excused, else missing (ID 0, or the unsubmitted draft's ID); a draft
// for a deadline still ahead shows as a draft. Items are ordered by
// deadline, latest first, then the towns in official order.
func (d *DB) Reports(ctx context.Context, a *domain.Actor, f ReportFilter) (*ReportList, error) {
	camp, org, err := d.summaryTarget(ctx, a, f.CampaignID, f.OrgID)
	if err != nil {
		return nil, err
	}
	towns, err := d.townsUnder(ctx, d.db, org)
	if err != nil {
		return nil, err
	}
	ovs, err := d.DeadlineOverrides(ctx, camp.ID)
	if err != nil {
		return nil, err
	}
	deadlines := camp.Deadlines(ovs)
	var want []time.Time
	if !f.Deadline.IsZero() {
		if !camp.IsDeadline(f.Deadline, ovs) {
			return nil, domain.Invalid("deadline", "%s 不是本专项行动的报送截止时间", f.Deadline.In(d.zone).Format("2006-01-02 15:04"))
		}
		want = []time.Time{f.Deadline}
	} else {
		want = deadlines
	}
	// Stored reports and exemptions of these towns, by town and deadline.
	type key struct {
		org int64
		dl  string
	}
	stored := map[key]*domain.WeeklyReport{}
	var w sqlWhere
	w.add(`r.campaign_id = $?`, camp.ID)
	w.add(`o.path LIKE $?`, org.Path+"%")
	if !f.Deadline.IsZero() {
		w.add(`r.deadline = $?`, ts(f.Deadline))
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+reportCols+reportFrom+w.sql(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	for rows.Next() {
		x, err := scanReport(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		stored[key{x.OrgID, ts(x.Deadline)}] = x
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	exempt := map[key]string{}
	rows, err = d.db.QueryContext(ctx, `SELECT e.org_id, e.deadline, e.reason FROM report_exemptions e
		JOIN org_units o ON o.id = e.org_id WHERE e.campaign_id = $1 AND o.path LIKE $2`, camp.ID, org.Path+"%")
	if err != nil {
		return nil, fmt.Errorf("list exemptions: %w", err)
	}
	for rows.Next() {
		var orgID int64
		var dl time.Time
		var reason string
		if err := rows.Scan(&orgID, timeScan{&dl}, &reason); err != nil {
			rows.Close()
			return nil, err
		}
		exempt[key{orgID, ts(dl)}] = reason
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	now := d.clock.Now()
	out := &ReportList{Campaign: camp, Org: org, Towns: towns, Deadlines: deadlines, Items: []*domain.WeeklyReport{}}
	for i := len(want) - 1; i >= 0; i-- {
		dl := want[i].UTC()
		passed := !now.Before(dl)
		for _, t := range towns {
			k := key{t.ID, ts(dl)}
			x := stored[k]
			reason, isExempt := exempt[k]
			switch {
			case x != nil && x.FirstSubmittedAt != nil:
				if isExempt {
					x.ExemptReason = reason
				}
			case isExempt:
				id := int64(0)
				if x != nil {
					id = x.ID
				}
				x = &domain.WeeklyReport{ID: id, CampaignID: camp.ID, OrgID: t.ID, OrgName: t.Name, Deadline: dl,
					Status: domain.ReportExempt, ExemptReason: reason}
			case passed:
				id := int64(0)
				if x != nil {
					id = x.ID
				}
				x = &domain.WeeklyReport{ID: id, CampaignID: camp.ID, OrgID: t.ID, OrgName: t.Name, Deadline: dl, Status: domain.ReportMissing}
			}
			if x != nil {
				out.Items = append(out.Items, x)
			}
		}
	}
	return out, nil
}

// MergedReport is the district's roll-up of one deadline's submitted
// snapshots: the frozen 附件2 row of every town that submitted (submitted
// or accepted), in official order, with 合计 = Σ rows, and their frozen
// 附件1 rows one town after another.
type MergedReport struct {
	Campaign *domain.Campaign
	Org      *domain.OrgUnit
	Deadline time.Time
	Summary  domain.Summary
	Problems []*domain.Case
	Reports  []*domain.WeeklyReport // the reports merged, in the same order
}

// MergedReports rolls up the submitted snapshots of the towns under a unit
// for one deadline (zero: the latest one passed, else the next).
func (d *DB) MergedReports(ctx context.Context, a *domain.Actor, campaignID, orgID int64, deadline time.Time) (*MergedReport, error) {
	camp, org, err := d.summaryTarget(ctx, a, campaignID, orgID)
	if err != nil {
		return nil, err
	}
	ovs, err := d.DeadlineOverrides(ctx, camp.ID)
	if err != nil {
		return nil, err
	}
	if deadline.IsZero() {
		var ok bool
		if deadline, ok = camp.LastDeadline(d.clock.Now(), ovs); !ok {
			deadline, _ = camp.NextDeadline(d.clock.Now(), ovs)
		}
	} else if !camp.IsDeadline(deadline, ovs) {
		return nil, domain.Invalid("deadline", "%s 不是本专项行动的报送截止时间", deadline.In(d.zone).Format("2006-01-02 15:04"))
	}
	towns, err := d.townsUnder(ctx, d.db, org)
	if err != nil {
		return nil, err
	}
	out := &MergedReport{Campaign: camp, Org: org, Deadline: deadline.UTC(), Problems: []*domain.Case{}, Reports: []*domain.WeeklyReport{}}
	byTown := map[int64]int{}
	for i, t := range towns {
		byTown[t.ID] = i
	}
	type snap struct {
		r        *domain.WeeklyReport
		row      domain.SummaryRow
		problems []*domain.Case
	}
	snaps := make([]*snap, len(towns))
	rows, err := d.db.QueryContext(ctx, `SELECT `+reportCols+`, r.summary, r.problems`+reportFrom+`
		WHERE r.campaign_id = $1 AND r.deadline = $2 AND r.status IN ('submitted', 'accepted') AND o.path LIKE $3`,
		camp.ID, ts(deadline), org.Path+"%")
	if err != nil {
		return nil, fmt.Errorf("merged reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		s := &snap{}
		x, err := scanReport(rows, jsonScan{&s.row}, jsonScan{&s.problems})
		if err != nil {
			return nil, err
		}
		s.r = x
		if i, ok := byTown[x.OrgID]; ok {
			snaps[i] = s
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var summaryRows []domain.SummaryRow
	for _, s := range snaps {
		if s == nil {
			continue
		}
		s.row.Region = s.r.OrgName
		summaryRows = append(summaryRows, s.row)
		out.Problems = append(out.Problems, s.problems...)
		out.Reports = append(out.Reports, s.r)
	}
	if summaryRows == nil {
		summaryRows = []domain.SummaryRow{}
	}
	out.Summary = domain.Summary{Rows: summaryRows, Total: domain.TotalOf(summaryRows)}
	return out, nil
}

// ExemptionInput excuses a town from one deadline's report.
type ExemptionInput struct {
	CampaignID int64     `json:"campaign_id"`
	OrgID      int64     `json:"org_id"`
	Deadline   time.Time `json:"deadline"`
	Reason     string    `json:"reason"`
}

// Exemption is a town excused from one deadline's report.
type Exemption struct {
	ID         int64     `json:"id"`
	CampaignID int64     `json:"campaign_id"`
	OrgID      int64     `json:"org_id"`
	Deadline   time.Time `json:"deadline"`
	Reason     string    `json:"reason"`
}

// ExemptReport excuses a town from one deadline's report (district office,
// reason required, audited). A town that has already submitted for it, or
// is already excused, is refused (ECONFLICT).
func (d *DB) ExemptReport(ctx context.Context, a *domain.Actor, in ExemptionInput) (*Exemption, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	camp, err := d.ResolveCampaign(ctx, in.CampaignID)
	if err != nil {
		return nil, err
	}
	town, err := d.reportTown(ctx, d.db, a, in.OrgID, domain.ActManageCampaign)
	if err != nil {
		return nil, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return nil, domain.Invalid("reason", "免报须说明原因")
	}
	if in.Deadline.IsZero() {
		return nil, domain.Invalid("deadline", "请选择免报的截止时间")
	}
	out := &Exemption{CampaignID: camp.ID, OrgID: town.ID, Reason: in.Reason}
	err = d.write(ctx, a, func(tx *Tx) error {
		dl, err := d.resolveDeadline(ctx, tx.tx, camp, in.Deadline)
		if err != nil {
			return err
		}
		out.Deadline = dl
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM weekly_reports WHERE campaign_id = $1 AND org_id = $2 AND deadline = $3
			AND first_submitted_at IS NOT NULL`, camp.ID, town.ID, ts(dl)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &domain.Error{Code: domain.ECONFLICT, Field: "org_id", Message: town.Name + "本周已报送，无需免报"}
		}
		id, err := tx.insert(`INSERT INTO report_exemptions (campaign_id, org_id, deadline, reason, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, camp.ID, town.ID, ts(dl), in.Reason, tx.actorRef(), ts(tx.now))
		if err != nil {
			if isUniqueViolation(err) {
				return &domain.Error{Code: domain.ECONFLICT, Field: "org_id", Message: town.Name + "本周已免报"}
			}
			return fmt.Errorf("insert exemption: %w", err)
		}
		out.ID = id
		return tx.audit("exempt", "weekly_report_exemption", id, nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MoveDeadline moves one week's deadline (国庆 and other holidays) with a
// reason (district office, audited). The week's reports and exemptions move
// with it, and a submitted report's on_time is judged against the new
// deadline. A move onto another week's deadline is refused (ECONFLICT) when
// a town already has a report for both weeks.
func (d *DB) MoveDeadline(ctx context.Context, a *domain.Actor, campaignID int64, o domain.DeadlineOverride) (*DeadlineInfo, error) {
	if err := domain.Authorize(a, domain.ActManageCampaign, nil, ""); err != nil {
		return nil, err
	}
	camp, err := d.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	o.Reason = strings.TrimSpace(o.Reason)
	if err := camp.CheckOverride(o); err != nil {
		return nil, err
	}
	o.Deadline = o.Deadline.UTC().Truncate(time.Microsecond)
	err = d.write(ctx, a, func(tx *Tx) error {
		ovs, err := deadlineOverrides(ctx, tx.tx, camp.ID)
		if err != nil {
			return err
		}
		old := time.Time{}
		var before *domain.DeadlineOverride
		for _, x := range ovs {
			if x.Week == o.Week {
				old, before = x.Deadline, &x
			}
		}
		if old.IsZero() {
			for _, dl := range camp.RegularDeadlines() {
				if domain.DateOf(dl, d.zone) == o.Week {
					old = dl
				}
			}
		}
		if _, err := tx.exec(`INSERT INTO deadline_overrides (campaign_id, week, deadline, reason, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id, week) DO UPDATE SET deadline = excluded.deadline,
			reason = excluded.reason, created_by = excluded.created_by, created_at = excluded.created_at`,
			camp.ID, string(o.Week), ts(o.Deadline), o.Reason, tx.actorRef(), ts(tx.now)); err != nil {
			return fmt.Errorf("save deadline override: %w", err)
		}
		if !old.Equal(o.Deadline) {
			if _, err := tx.exec(`UPDATE weekly_reports SET deadline = $1,
				on_time = CASE WHEN first_submitted_at IS NULL THEN NULL ELSE first_submitted_at < $1 END, updated_at = $4
				WHERE campaign_id = $2 AND deadline = $3 AND org_id NOT IN
				(SELECT org_id FROM weekly_reports WHERE campaign_id = $2 AND deadline = $1)`,
				ts(o.Deadline), camp.ID, ts(old), ts(tx.now)); err != nil {
				return fmt.Errorf("move reports: %w", err)
			}
			var left int
			if err := tx.queryRow(`SELECT COUNT(*) FROM weekly_reports WHERE campaign_id = $1 AND deadline = $2`, camp.ID, ts(old)).Scan(&left); err != nil {
				return err
			}
			if left > 0 {
				return &domain.Error{Code: domain.ECONFLICT, Field: "deadline",
					Message: "调整后的截止时间与另一周重合，且有单位两周都已建立周报，不能合并"}
			}
			if _, err := tx.exec(`UPDATE report_exemptions SET deadline = $1 WHERE campaign_id = $2 AND deadline = $3 AND org_id NOT IN
				(SELECT org_id FROM report_exemptions WHERE campaign_id = $2 AND deadline = $1)`, ts(o.Deadline), camp.ID, ts(old)); err != nil {
				return fmt.Errorf("move exemptions: %w", err)
			}
			if _, err := tx.exec(`DELETE FROM report_exemptions WHERE campaign_id = $1 AND deadline = $2`, camp.ID, ts(old)); err != nil {
				return err
			}
		}
		return tx.audit("move_deadline", "campaign", camp.ID, before, o)
	})
	if err != nil {
		return nil, err
	}
	return &DeadlineInfo{Week: o.Week, Deadline: o.Deadline, Moved: true, Reason: o.Reason, Passed: !d.clock.Now().Before(o.Deadline)}, nil
}

// TownWeek is one town's case activity in a week: cases registered and
// cases closed out (销号) in (From, To].
type TownWeek struct {
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	New       int    `json:"new"`
	ClosedOut int    `json:"closed_out"`
}

// WeekActivity counts, per town under a unit in the actor's scope, the
// campaign's cases registered and closed out in (from, to], towns in
// official order, zeros included.
func (d *DB) WeekActivity(ctx context.Context, a *domain.Actor, campaignID, orgID int64, from, to time.Time) ([]TownWeek, error) {
	camp, org, err := d.summaryTarget(ctx, a, campaignID, orgID)
	if err != nil {
		return nil, err
	}
	towns, err := d.townsUnder(ctx, d.db, org)
	if err != nil {
		return nil, err
	}
	out := make([]TownWeek, len(towns))
	idx := map[int64]int{}
	for i, t := range towns {
		out[i] = TownWeek{OrgID: t.ID, OrgName: t.Name}
		idx[t.ID] = i
	}
	for _, q := range []struct {
		col string
		add func(*TownWeek, int)
	}{
		{"c.created_at", func(t *TownWeek, n int) { t.New += n }},
		{"c.closed_at", func(t *TownWeek, n int) { t.ClosedOut += n }},
	} {
		cond := ""
		if q.col == "c.closed_at" {
			cond = ` AND c.status = 'closed_out'`
		} else {
			cond = ` AND c.status <> 'voided'`
		}
		rows, err := d.db.QueryContext(ctx, `SELECT c.org_id, COUNT(*)`+caseFrom+`
			WHERE c.campaign_id = $1 AND p.path LIKE $2 AND `+q.col+` > $3 AND `+q.col+` <= $4`+cond+` GROUP BY c.org_id`,
			camp.ID, org.Path+"%", ts(from), ts(to))
		if err != nil {
			return nil, fmt.Errorf("week activity: %w", err)
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			if i, ok := idx[id]; ok {
				q.add(&out[i], n)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
