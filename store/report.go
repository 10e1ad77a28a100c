package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhengzhi/domain"
)

// Weekly reports (周报, DESIGN.md §4): the rows of weekly_reports with their
// history (report_events), the exemptions (report_exemptions) and the moved
// deadlines (deadline_overrides). Which row a town shows, who may act and
// what a step changes are decided in domain/report.go and app/reports.go;
// this file only reads and writes the rows it is given.

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

// Report loads one weekly report with its town's name.
func (r Reader) Report(id int64) (*domain.WeeklyReport, error) {
	x, err := scanReport(r.q.QueryRowContext(r.ctx, `SELECT `+reportCols+reportFrom+` WHERE r.id = $1`, id))
	if err != nil {
		return nil, noRows(err, "weekly report", id)
	}
	return x, nil
}

// ReportAt loads a town's report for one deadline.
func (r Reader) ReportAt(campaignID, orgID int64, deadline time.Time) (*domain.WeeklyReport, error) {
	x, err := scanReport(r.q.QueryRowContext(r.ctx, `SELECT `+reportCols+reportFrom+`
		WHERE r.campaign_id = $1 AND r.org_id = $2 AND r.deadline = $3`, campaignID, orgID, ts(deadline)))
	if err != nil {
		return nil, noRows(err, "weekly report of org", fmt.Sprintf("%d at %s", orgID, ts(deadline)))
	}
	return x, nil
}

// ReportQuery selects weekly reports: a campaign's, of the towns in Scope
// (All for every town; the zero value selects none), optionally at one
// Deadline and in one of Statuses.
type ReportQuery struct {
	CampaignID int64
	Scope      domain.ScopeFilter
	Deadline   time.Time // zero: every deadline
	Statuses   []domain.ReportStatus
}

func (q ReportQuery) where() (string, []any) {
	args := []any{q.CampaignID}
	conds := []string{`r.campaign_id = $1`, townCond(q.Scope, "r.org_id", &args)}
	if !q.Deadline.IsZero() {
		args = append(args, ts(q.Deadline))
		conds = append(conds, `r.deadline = $`+strconv.Itoa(len(args)))
	}
	if len(q.Statuses) > 0 {
		ph := make([]string, len(q.Statuses))
		for i, s := range q.Statuses {
			args = append(args, s)
			ph[i] = `$` + strconv.Itoa(len(args))
		}
		conds = append(conds, `r.status IN (`+strings.Join(ph, ", ")+`)`)
	}
	return ` WHERE ` + strings.Join(conds, " AND "), args
}

// Reports lists the weekly reports q selects, in id order.
func (r Reader) Reports(q ReportQuery) ([]*domain.WeeklyReport, error) {
	where, args := q.where()
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+reportCols+reportFrom+where+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	defer rows.Close()
	var out []*domain.WeeklyReport
	for rows.Next() {
		x, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// ReportSnapshot is a report with the forms its latest submission froze:
// the town's 附件2 row and its 附件1 rows.
type ReportSnapshot struct {
	Report   *domain.WeeklyReport
	Summary  domain.SummaryRow
	Problems []*domain.Case
}

// ReportSnapshots lists the reports q selects with their frozen forms.
func (r Reader) ReportSnapshots(q ReportQuery) ([]ReportSnapshot, error) {
	where, args := q.where()
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+reportCols+`, r.summary, r.problems`+reportFrom+where+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("report snapshots: %w", err)
	}
	defer rows.Close()
	var out []ReportSnapshot
	for rows.Next() {
		var s ReportSnapshot
		x, err := scanReport(rows, jsonScan{&s.Summary}, jsonScan{&s.Problems})
		if err != nil {
			return nil, err
		}
		s.Report = x
		out = append(out, s)
	}
	return out, rows.Err()
}

// ReportForms loads the forms and validation a report's latest submission froze.
func (r Reader) ReportForms(id int64) (domain.SummaryRow, []*domain.Case, domain.ReportValidation, error) {
	var row domain.SummaryRow
	var problems []*domain.Case
	var v domain.ReportValidation
	err := r.q.QueryRowContext(r.ctx, `SELECT summary, problems, validation FROM weekly_reports WHERE id = $1`, id).
		Scan(jsonScan{&row}, jsonScan{&problems}, jsonScan{&v})
	if err != nil {
		return row, nil, v, noRows(err, "weekly report snapshot", id)
	}
	return row, problems, v, nil
}

// ReportEvents lists a report's history, oldest first.
func (r Reader) ReportEvents(id int64) ([]domain.ReportEvent, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT action, actor_name, role, reason, at, version FROM report_events
		WHERE report_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("report events: %w", err)
	}
	defer rows.Close()
	out := []domain.ReportEvent{}
	for rows.Next() {
		var e domain.ReportEvent
		if err := rows.Scan(&e.Action, &e.ActorName, &e.Role, &e.Reason, timeScan{&e.At}, &e.Version); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// InsertReport stores a new report, created by the transaction's actor at
// its now, and returns its id.
func (tx *Tx) InsertReport(x *domain.WeeklyReport) (int64, error) {
	id, err := tx.insert(`INSERT INTO weekly_reports (campaign_id, org_id, deadline, status, version, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, x.CampaignID, x.OrgID, ts(x.Deadline), x.Status, x.Version,
		tx.actorRef(), ts(tx.now))
	if err != nil {
		if isUniqueViolation(err) {
			return 0, fmt.Errorf("insert report: %w", ErrDuplicate)
		}
		return 0, fmt.Errorf("insert report: %w", err)
	}
	return id, nil
}

// InsertReportEvent appends a step to a report's history, taken by the
// transaction's actor at its now.
func (tx *Tx) InsertReportEvent(reportID int64, action, reason string, version int64) error {
	_, err := tx.exec(`INSERT INTO report_events (report_id, action, actor_id, actor_name, role, reason, at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, reportID, action, tx.actorRef(), tx.actor.User.DisplayName,
		string(tx.actor.User.Role), reason, ts(tx.now), version)
	if err != nil {
		return fmt.Errorf("report event: %w", err)
	}
	return nil
}

// updated fails with ErrStale when an UPDATE … WHERE version matched no row.
func updated(res sql.Result, err error, what string, id int64) error {
	if err != nil {
		return fmt.Errorf("%s %d: %w", what, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s %d: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %d: %w", what, id, ErrStale)
	}
	return nil
}

// UpdateReportSubmission stores a submission: the report's new state (as
// the domain set it) and the forms it freezes, submitted by the
// transaction's actor. readVersion is the version the change was made on.
func (tx *Tx) UpdateReportSubmission(x *domain.WeeklyReport, readVersion int64, row domain.SummaryRow,
	problems []*domain.Case, v domain.ReportValidation) error {
	res, err := tx.exec(`UPDATE weekly_reports SET status = $1, first_submitted_at = $2, submitted_at = $3, on_time = $4,
		late_reason = $5, submitted_by = $6, submitted_by_name = $7, submitted_for = $8, summary = $9, problems = $10,
		validation = $11, version = $12, updated_at = $13 WHERE id = $14 AND version = $15`,
		x.Status, tsPtr(x.FirstSubmittedAt), tsPtr(x.SubmittedAt), boolPtr(x.OnTime), x.LateReason, tx.actorRef(), x.SubmittedByName,
		x.SubmittedFor, mustJSON(row), mustJSON(problems), mustJSON(v), x.Version, ts(tx.now), x.ID, readVersion)
	return updated(res, err, "submit report", x.ID)
}

// UpdateReportReview stores an accept or a return: status, return reason,
// reviewer and version as the domain set them.
func (tx *Tx) UpdateReportReview(x *domain.WeeklyReport, readVersion int64) error {
	res, err := tx.exec(`UPDATE weekly_reports SET status = $1, return_reason = $2, reviewed_by_name = $3, reviewed_at = $4,
		version = $5, updated_at = $6 WHERE id = $7 AND version = $8`,
		x.Status, x.ReturnReason, x.ReviewedByName, tsPtr(x.ReviewedAt), x.Version, ts(tx.now), x.ID, readVersion)
	return updated(res, err, "review report", x.ID)
}

// UpdateReportDeadline stores a report's moved deadline and its on time.
func (tx *Tx) UpdateReportDeadline(x *domain.WeeklyReport) error {
	_, err := tx.exec(`UPDATE weekly_reports SET deadline = $1, on_time = $2, updated_at = $3 WHERE id = $4`,
		ts(x.Deadline), boolPtr(x.OnTime), ts(tx.now), x.ID)
	if err != nil {
		return fmt.Errorf("move report %d: %w", x.ID, err)
	}
	return nil
}

// DeadlineOverrides lists a campaign's moved deadlines by week.
func (r Reader) DeadlineOverrides(campaignID int64) ([]domain.DeadlineOverride, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT week, deadline, reason FROM deadline_overrides WHERE campaign_id = $1 ORDER BY week`, campaignID)
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

// PutDeadlineOverride stores (or replaces) the move of one week's deadline.
func (tx *Tx) PutDeadlineOverride(campaignID int64, o domain.DeadlineOverride) error {
	if _, err := tx.exec(`INSERT INTO deadline_overrides (campaign_id, week, deadline, reason, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id, week) DO UPDATE SET deadline = excluded.deadline,
		reason = excluded.reason, created_by = excluded.created_by, created_at = excluded.created_at`,
		campaignID, string(o.Week), ts(o.Deadline), o.Reason, tx.actorRef(), ts(tx.now)); err != nil {
		return fmt.Errorf("save deadline override: %w", err)
	}
	return nil
}

// ExemptionQuery selects exemptions: a campaign's, of the towns in Scope
// (All for every town; the zero value selects none), optionally at one
// Deadline.
type ExemptionQuery struct {
	CampaignID int64
	Scope      domain.ScopeFilter
	Deadline   time.Time // zero: every deadline
}

// Exemptions lists the exemptions q selects, in id order.
func (r Reader) Exemptions(q ExemptionQuery) ([]domain.Exemption, error) {
	args := []any{q.CampaignID}
	query := `SELECT e.id, e.campaign_id, e.org_id, e.deadline, e.reason FROM report_exemptions e
		WHERE e.campaign_id = $1 AND ` + townCond(q.Scope, "e.org_id", &args)
	if !q.Deadline.IsZero() {
		query += ` AND e.deadline = ` + bind(&args, ts(q.Deadline))
	}
	rows, err := r.q.QueryContext(r.ctx, query+` ORDER BY e.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list exemptions: %w", err)
	}
	defer rows.Close()
	var out []domain.Exemption
	for rows.Next() {
		var e domain.Exemption
		if err := rows.Scan(&e.ID, &e.CampaignID, &e.OrgID, timeScan{&e.Deadline}, &e.Reason); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// InsertExemption stores an exemption granted by the transaction's actor;
// a second one for the same town and deadline is ErrDuplicate.
func (tx *Tx) InsertExemption(e *domain.Exemption) (int64, error) {
	id, err := tx.insert(`INSERT INTO report_exemptions (campaign_id, org_id, deadline, reason, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, e.CampaignID, e.OrgID, ts(e.Deadline), e.Reason, tx.actorRef(), ts(tx.now))
	if err != nil {
		if isUniqueViolation(err) {
			return 0, fmt.Errorf("insert exemption: %w", ErrDuplicate)
		}
		return 0, fmt.Errorf("insert exemption: %w", err)
	}
	return id, nil
}

// UpdateExemptionDeadline moves an exemption to another deadline.
func (tx *Tx) UpdateExemptionDeadline(id int64, deadline time.Time) error {
	if _, err := tx.exec(`UPDATE report_exemptions SET deadline = $1 WHERE id = $2`, ts(deadline), id); err != nil {
		return fmt.Errorf("move exemption %d: %w", id, err)
	}
	return nil
}

// DeleteExemption removes an exemption.
func (tx *Tx) DeleteExemption(id int64) error {
	if _, err := tx.exec(`DELETE FROM report_exemptions WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete exemption %d: %w", id, err)
	}
	return nil
}

// CaseCountQuery counts a campaign's cases placed in Scope per town:
// those whose created_at (with Closed, closed_at) lies in (From, To], in
// Status when set, and not in NotStatus when set.
type CaseCountQuery struct {
	CampaignID int64
	Scope      domain.ScopeFilter
	Closed     bool
	From, To   time.Time
	Status     domain.CaseStatus
	NotStatus  domain.CaseStatus
}

// CaseCountsByTown answers q: the count per town id, towns without a case left out.
func (r Reader) CaseCountsByTown(q CaseCountQuery) (map[int64]int, error) {
	col := "c.created_at"
	if q.Closed {
		col = "c.closed_at"
	}
	args := []any{q.CampaignID, ts(q.From), ts(q.To)}
	query := `SELECT c.org_id, COUNT(*) FROM cases c
		WHERE c.campaign_id = $1 AND ` + col + ` > $2 AND ` + col + ` <= $3 AND ` + placeCond(q.Scope, "c.org_id", "c.village_id", &args)
	if q.Status != "" {
		args = append(args, q.Status)
		query += ` AND c.status = $` + strconv.Itoa(len(args))
	}
	if q.NotStatus != "" {
		args = append(args, q.NotStatus)
		query += ` AND c.status <> $` + strconv.Itoa(len(args))
	}
	rows, err := r.q.QueryContext(r.ctx, query+` GROUP BY c.org_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("case counts: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] += n
	}
	return out, rows.Err()
}

// boolPtr maps nil to NULL, for a nullable boolean column.
func boolPtr(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
