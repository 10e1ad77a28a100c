package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"zhengzhi/domain"
)

// fieldColumn pairs a column of the cases table with the field of
// domain.CaseFields it stores (a pointer into one case's fields).
type fieldColumn struct {
	name  string
	field any
}

// caseFieldColumns is the one table of a case's user-written fields and
// their columns: the select list, the scan, the INSERT and the UPDATE are
// all derived from it, so a new field of domain.CaseFields is stored by one
// line here and a migration. Maps are kept as JSON text.
func caseFieldColumns(f *domain.CaseFields) []fieldColumn {
	return []fieldColumn{
		{"source_no", &f.SourceNo},
		{"unit_name", &f.UnitName},
		{"category", &f.Category},
		{"address", &f.Address},
		{"person_in_charge", &f.PersonInCharge},
		{"description", &f.Description},
		{"source", &f.Source},
		{"shutdown", &f.Shutdown},
		{"shutdown_date", &f.ShutdownDate},
		{"clears", &f.Clears},
		{"clear_dates", &f.ClearDates},
		{"case_filed", &f.CaseFiled},
		{"case_no", &f.CaseNo},
		{"fine_fen", &f.FineFen},
		{"confiscated_fen", &f.ConfiscatedFen},
		{"judicial_transfer", &f.JudicialTransfer},
		{"judicial_persons", &f.JudicialPersons},
		{"detained_persons", &f.DetainedPersons},
		{"disciplined_persons", &f.DisciplinedPersons},
		{"onsite_status", &f.OnsiteStatus},
		{"onsite_done_date", &f.OnsiteDoneDate},
		{"rectify_deadline", &f.RectifyDeadline},
		{"supervised", &f.Supervised},
		{"supervised_deadline", &f.SupervisedDeadline},
	}
}

// dest is where a scan puts the column: the field, or for a map its JSON.
func (c fieldColumn) dest() any {
	if reflect.TypeOf(c.field).Elem().Kind() == reflect.Map {
		return jsonScan{c.field}
	}
	return c.field
}

// value is the field as a parameter of either driver: a map as JSON text,
// the domain's string, bool and integer types as their plain kinds.
func (c fieldColumn) value() any {
	v := reflect.ValueOf(c.field).Elem()
	switch v.Kind() {
	case reflect.Map:
		return mustJSON(v.Interface())
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int64:
		return v.Int()
	}
	panic(fmt.Sprintf("store: case column %s: no parameter for a %s", c.name, v.Type()))
}

// caseCols is the select list scanCase reads, over caseFrom.
var caseCols = func() string {
	var b strings.Builder
	b.WriteString(`c.id, c.problem_no, c.campaign_id, c.org_id, c.village_id, c.site_id`)
	for _, fc := range caseFieldColumns(&domain.CaseFields{}) {
		b.WriteString(", c." + fc.name)
	}
	b.WriteString(`, c.status, c.published, c.version, COALESCE(c.created_by, 0), c.created_at, c.updated_at, c.closed_at,
	c.clears_done, t.name, COALESCE(v.name, ''), p.id, p.name, p.kind, p.path`)
	return b.String()
}()

// caseFrom joins each case with its place (village, else town: the scope
// check) and the names shown with it.
const caseFrom = ` FROM cases c
	JOIN org_units p ON p.id = COALESCE(c.village_id, c.org_id)
	JOIN org_units t ON t.id = c.org_id
	LEFT JOIN org_units v ON v.id = c.village_id`

func scanCase(r scanner) (*domain.Case, *domain.OrgUnit, error) {
	var c domain.Case
	var place domain.OrgUnit
	dest := []any{&c.ID, &c.ProblemNo, &c.CampaignID, &c.OrgID, &c.VillageID, &c.SiteID}
	for _, fc := range caseFieldColumns(&c.CaseFields) {
		dest = append(dest, fc.dest())
	}
	dest = append(dest, &c.Status, &c.Published, &c.Version, &c.CreatedBy, timeScan{&c.CreatedAt}, timeScan{&c.UpdatedAt},
		nullTimeScan{&c.ClosedAt}, &c.ClearsDone, &c.TownName, &c.VillageName, &place.ID, &place.Name, &place.Kind, &place.Path)
	if err := r.Scan(dest...); err != nil {
		return nil, nil, err
	}
	if c.Clears == nil {
		c.Clears = map[string]bool{}
	}
	if c.ClearDates == nil {
		c.ClearDates = map[string]domain.Date{}
	}
	return &c, &place, nil
}

// placeholders is "$from, $from+1, …" for n parameters.
func placeholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ph, ", ")
}

// InsertCase stores a new case as the use case decided it, setting its ID.
// A second case for the same site and campaign is ErrDuplicate (the UNIQUE
// (campaign_id, site_id) constraint).
func (tx *Tx) InsertCase(c *domain.Case) error {
	var createdBy any
	if c.CreatedBy != 0 {
		createdBy = c.CreatedBy
	}
	cols := []string{"problem_no", "campaign_id", "org_id", "village_id", "site_id"}
	args := []any{c.ProblemNo, c.CampaignID, c.OrgID, c.VillageID, c.SiteID}
	for _, fc := range caseFieldColumns(&c.CaseFields) {
		cols, args = append(cols, fc.name), append(args, fc.value())
	}
	cols = append(cols, "status", "published", "version", "created_by", "created_at", "updated_at", "clears_done")
	args = append(args, string(c.Status), c.Published, c.Version, createdBy, ts(c.CreatedAt), ts(c.UpdatedAt), c.ClearsDone)
	id, err := tx.insert(`INSERT INTO cases (`+strings.Join(cols, ", ")+`) VALUES (`+placeholders(1, len(args))+`) RETURNING id`, args...)
	if err != nil {
		if isUniqueViolation(err) && !strings.Contains(err.Error(), "problem_no") {
			return fmt.Errorf("insert case for site %d: %w", c.SiteID, ErrDuplicate)
		}
		return fmt.Errorf("insert case: %w", err)
	}
	c.ID = id
	return nil
}

// UpdateCase writes a case's fields, status, version, update time and
// derived flags, if the stored version is still readVersion; otherwise
// nothing is written and the answer is ErrStale.
func (tx *Tx) UpdateCase(c *domain.Case, readVersion int64) error {
	var set []string
	var args []any
	for _, fc := range caseFieldColumns(&c.CaseFields) {
		args = append(args, fc.value())
		set = append(set, fc.name+" = $"+strconv.Itoa(len(args)))
	}
	for _, x := range []struct {
		col string
		v   any
	}{{"status", string(c.Status)}, {"version", c.Version}, {"updated_at", ts(c.UpdatedAt)}, {"clears_done", c.ClearsDone}} {
		args = append(args, x.v)
		set = append(set, x.col+" = $"+strconv.Itoa(len(args)))
	}
	args = append(args, c.ID, readVersion)
	res, err := tx.exec(`UPDATE cases SET `+strings.Join(set, ", ")+
		` WHERE id = $`+strconv.Itoa(len(args)-1)+` AND version = $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return fmt.Errorf("update case %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("update case %d at version %d: %w", c.ID, readVersion, ErrStale)
	}
	return nil
}

// CaseForSite loads the case of a site in a campaign (there is at most one).
func (r Reader) CaseForSite(campaignID, siteID int64) (*domain.Case, error) {
	c, _, err := scanCase(r.q.QueryRowContext(r.ctx, `SELECT `+caseCols+caseFrom+` WHERE c.campaign_id = $1 AND c.site_id = $2`,
		campaignID, siteID))
	if err != nil {
		return nil, noRows(err, "case of site", siteID)
	}
	return c, nil
}

// SiteInspectionCount counts a site's inspections in a campaign.
func (r Reader) SiteInspectionCount(campaignID, siteID int64) (int, error) {
	var n int
	err := r.q.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM inspections WHERE campaign_id = $1 AND site_id = $2`,
		campaignID, siteID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("inspections of site %d: %w", siteID, err)
	}
	return n, nil
}

// NextProblemNo gives the next sequence number of 问题编号 for a town's
// prefix and year. The counter row is created or bumped in one statement
// inside the write transaction, so numbers are distinct under concurrency
// and never reused (a rolled-back case rolls its number back unused).
func (tx *Tx) NextProblemNo(prefix string, year int) (int, error) {
	var n int
	err := tx.queryRow(`INSERT INTO problem_no_counters (prefix, year, next_no) VALUES ($1, $2, 2)
		ON CONFLICT (prefix, year) DO UPDATE SET next_no = problem_no_counters.next_no + 1
		RETURNING next_no - 1`, prefix, year).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("problem number: %w", err)
	}
	return n, nil
}

// CaseSort orders a case list.
type CaseSort int

// Case list orders; each breaks ties by id in the same direction.
const (
	SortProblemNo CaseSort = iota // 问题编号
	SortUpdated                   // last change
	SortCreated                   // registration
	SortUnitName                  // 问题单位名称
	SortDeadline                  // 整改期限
)

var caseSortCols = map[CaseSort]string{SortProblemNo: "c.problem_no", SortUpdated: "c.updated_at", SortCreated: "c.created_at",
	SortUnitName: "c.unit_name", SortDeadline: "c.rectify_deadline"}

// CaseKey is a case's position in a list order: the stored value of the
// order's column and the case's id (the tie-break).
type CaseKey struct {
	Value string
	ID    int64
}

// CaseKeyOf is c's position in the order s, as the column stores it.
func CaseKeyOf(c *domain.Case, s CaseSort) CaseKey {
	switch s {
	case SortUpdated:
		return CaseKey{ts(c.UpdatedAt), c.ID}
	case SortCreated:
		return CaseKey{ts(c.CreatedAt), c.ID}
	case SortUnitName:
		return CaseKey{c.UnitName, c.ID}
	case SortDeadline:
		return CaseKey{string(c.RectifyDeadline), c.ID}
	}
	return CaseKey{c.ProblemNo, c.ID}
}

// CaseFilter selects cases by plain criteria; zero values are no criterion,
// except Scope, whose zero value selects nothing.
type CaseFilter struct {
	Scope      domain.ScopeFilter // the cases placed in a unit's subtree
	CampaignID int64              // 0: every campaign
	VillageID  int64
	SiteID     int64
	Status     domain.CaseStatus
	Statuses   []domain.CaseStatus // any of these (with Status: both hold)
	Category   domain.Category
	Source     domain.Source
	// Live keeps only the cases that count (domain.Counts): not voided.
	Live bool
	// OverdueOn keeps only the cases overdue on that day (overdueCond).
	OverdueOn domain.Date
	// AwaitingCloseout keeps only the cases rectified but not closed out
	// (domain.AwaitingCloseout, awaitingCloseoutCond).
	AwaitingCloseout bool
	// UnderSupervision keeps only the live 挂牌督办 cases
	// (domain.UnderSupervision, underSupervisionCond).
	UnderSupervision bool
	// Q: unit name, address, problem_no or source_no contains it.
	Q    string
	Sort CaseSort
	Desc bool
	// After (keyset paging) keeps only the cases after this position in the
	// order; Offset then counts from there.
	After  *CaseKey
	Limit  int // 0: all
	Offset int
}

// overdueCond is domain.Overdue in SQL, for the day today: a 整改期限 set and
// before today, 现场整治 not 已完成, in a status that is not one of
// domain.FinishedStatuses. It is the only SQL form of the rule (the case
// list's filter and the dashboard's count both go through
// CaseFilter.OverdueOn); TestOverdueSQL_MatchesDomain holds it to
// domain.Overdue on both databases.
func overdueCond(w *sqlWhere, today domain.Date) {
	w.add(`c.rectify_deadline <> '' AND c.rectify_deadline < $? AND c.onsite_status <> $?`, string(today), string(domain.OnsiteDone))
	liveCond(w)
}

// awaitingCloseoutCond is domain.AwaitingCloseout in SQL: 现场整治 已完成 in a
// status that is not one of domain.FinishedStatuses
// (TestCaseSetsSQL_MatchDomain).
func awaitingCloseoutCond(w *sqlWhere) {
	w.add(`c.onsite_status = $?`, string(domain.OnsiteDone))
	liveCond(w)
}

// underSupervisionCond is domain.UnderSupervision in SQL: 挂牌督办 in a status
// that is not one of domain.FinishedStatuses (TestCaseSetsSQL_MatchDomain).
func underSupervisionCond(w *sqlWhere) {
	w.add(`c.supervised`)
	liveCond(w)
}

// liveCond keeps the cases still running their course: not in
// domain.FinishedStatuses.
func liveCond(w *sqlWhere) {
	args := make([]any, len(domain.FinishedStatuses))
	for i, s := range domain.FinishedStatuses {
		args[i] = string(s)
	}
	w.add(`c.status NOT IN (`+strings.TrimPrefix(strings.Repeat(", $?", len(args)), ", ")+`)`, args...)
}

// caseWhere is f's WHERE clause over cases c: equality on the columns the
// list indexes of 0009_list_indexes.sql lead with (campaign_id, then org_id
// or village_id, then status), so a page is read in order from an index.
// No campaign named is every campaign, written as an IN list of their ids
// (a handful) so that those indexes still apply.
func (r Reader) caseWhere(f CaseFilter) (sqlWhere, error) {
	var w sqlWhere
	if f.CampaignID != 0 {
		w.add(`c.campaign_id = $?`, f.CampaignID)
	} else {
		ids, err := r.idColumn(`SELECT id FROM campaigns ORDER BY id`)
		if err != nil {
			return w, fmt.Errorf("campaigns: %w", err)
		}
		if len(ids) == 0 {
			ids = []int64{0}
		}
		w.add(`c.campaign_id IN (`+strings.TrimPrefix(strings.Repeat(", $?", len(ids)), ", ")+`)`, anys(ids)...)
	}
	if !f.Scope.All {
		w.addScope(f.Scope, "c.org_id", "c.village_id")
	}
	if f.SiteID != 0 {
		w.add(`c.site_id = $?`, f.SiteID)
	}
	if f.VillageID != 0 {
		w.add(`c.village_id = $?`, f.VillageID)
	}
	if f.Status != "" {
		w.add(`c.status = $?`, string(f.Status))
	}
	if f.Category != "" {
		w.add(`c.category = $?`, string(f.Category))
	}
	if f.Source != "" {
		w.add(`c.source = $?`, string(f.Source))
	}
	if len(f.Statuses) > 0 {
		args := make([]any, len(f.Statuses))
		for i, s := range f.Statuses {
			args[i] = string(s)
		}
		w.add(`c.status IN (`+strings.TrimPrefix(strings.Repeat(", $?", len(args)), ", ")+`)`, args...)
	}
	if f.Live {
		w.add(`c.status <> $?`, string(domain.StatusVoided)) // domain.Counts
	}
	if f.OverdueOn != "" {
		overdueCond(&w, f.OverdueOn)
	}
	if f.AwaitingCloseout {
		awaitingCloseoutCond(&w)
	}
	if f.UnderSupervision {
		underSupervisionCond(&w)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		pat, op := likePattern(q), r.db.likeOp()
		w.add(`(c.unit_name `+op+` $? ESCAPE '\' OR c.address `+op+` $? ESCAPE '\' OR c.problem_no `+op+` $? ESCAPE '\' OR c.source_no `+op+` $? ESCAPE '\')`,
			pat, pat, pat, pat)
	}
	return w, nil
}

func anys(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// CountCases counts the cases matching f (its order, position and paging
// aside): an exact COUNT(*), read from the list indexes.
func (r Reader) CountCases(f CaseFilter) (int, error) {
	w, err := r.caseWhere(f)
	if err != nil {
		return 0, err
	}
	var n int
	if err := r.q.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM cases c`+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count cases: %w", err)
	}
	return n, nil
}

// Cases lists the cases matching f in its order, from its position and in
// its page; more reports whether a case follows the page.
func (r Reader) Cases(f CaseFilter) (out []*domain.Case, more bool, err error) {
	query, args, err := r.casesQuery(f)
	if err != nil {
		return nil, false, err
	}
	rows, err := r.q.QueryContext(r.ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	out = []*domain.Case{}
	for rows.Next() {
		c, _, err := scanCase(rows)
		if err != nil {
			return nil, false, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out, more = out[:f.Limit], true
	}
	return out, more, nil
}

// casesQuery is the SELECT of Cases (one row beyond the page, to tell
// whether more follow).
func (r Reader) casesQuery(f CaseFilter) (string, []any, error) {
	col, ok := caseSortCols[f.Sort]
	if !ok {
		return "", nil, fmt.Errorf("cases: unknown sort %d", f.Sort)
	}
	dir, after := " ASC", ">"
	if f.Desc {
		dir, after = " DESC", "<"
	}
	w, err := r.caseWhere(f)
	if err != nil {
		return "", nil, err
	}
	if f.After != nil {
		w.add(`(`+col+`, c.id) `+after+` ($?, $?)`, f.After.Value, f.After.ID)
	}
	limit := f.Limit
	if limit > 0 {
		limit++
	}
	return `SELECT ` + caseCols + caseFrom + w.sql() + ` ORDER BY ` + col + dir + `, c.id` + dir + r.db.limitSQL(limit, f.Offset), w.args, nil
}

// migrateData runs the Go step of a migration, in its transaction, after
// its SQL: what SQL cannot say because the domain decides it.
func migrateData(ctx context.Context, tx *sql.Tx, migration string) error {
	switch migration {
	case "0006_cases_clears_done.sql":
		if err := backfillClearsDone(ctx, tx); err != nil {
			return err
		}
		return backfillSnapshotClearsDone(ctx, tx)
	case "0007_counters.sql":
		return buildCounters(ctx, tx)
	}
	return nil
}

// backfillClearsDone derives clears_done for the cases stored before the
// column existed (added false), with the domain's rule: the case's checklist
// against its campaign's items. Running it again changes nothing.
func backfillClearsDone(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.clears, k.clear_items FROM cases c JOIN campaigns k ON k.id = c.campaign_id`)
	if err != nil {
		return fmt.Errorf("backfill clears_done: %w", err)
	}
	var done []int64
	for rows.Next() {
		var id int64
		var c domain.Case
		var camp domain.Campaign
		if err := rows.Scan(&id, jsonScan{&c.Clears}, jsonScan{&camp.ClearItems}); err != nil {
			rows.Close()
			return fmt.Errorf("backfill clears_done: %w", err)
		}
		if c.ClearsComplete(&camp) {
			done = append(done, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("backfill clears_done: %w", err)
	}
	for _, id := range done {
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET clears_done = $1 WHERE id = $2`, true, id); err != nil {
			return fmt.Errorf("backfill clears_done of case %d: %w", id, err)
		}
	}
	return nil
}

// backfillSnapshotClearsDone gives the 附件1 rows frozen in weekly reports
// before clears_done existed the flag their 附件1 col 16 is now drawn from,
// derived as for the live cases; rows that have it are left alone.
func backfillSnapshotClearsDone(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.problems, k.clear_items FROM weekly_reports r JOIN campaigns k ON k.id = r.campaign_id`)
	if err != nil {
		return fmt.Errorf("backfill snapshot clears_done: %w", err)
	}
	updated := map[int64]string{}
	for rows.Next() {
		var id int64
		var problems []map[string]json.RawMessage
		var camp domain.Campaign
		if err := rows.Scan(&id, jsonScan{&problems}, jsonScan{&camp.ClearItems}); err != nil {
			rows.Close()
			return fmt.Errorf("backfill snapshot clears_done: %w", err)
		}
		changed := false
		for _, p := range problems {
			if _, ok := p["two_cuts_three_clears_done"]; ok {
				continue
			}
			var c domain.Case
			if raw, ok := p["two_cuts_three_clears"]; ok {
				if err := json.Unmarshal(raw, &c.Clears); err != nil {
					rows.Close()
					return fmt.Errorf("backfill snapshot clears_done of report %d: %w", id, err)
				}
			}
			p["two_cuts_three_clears_done"] = json.RawMessage(strconv.FormatBool(c.ClearsComplete(&camp)))
			changed = true
		}
		if changed {
			updated[id] = mustJSON(problems)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("backfill snapshot clears_done: %w", err)
	}
	for id, problems := range updated {
		if _, err := tx.ExecContext(ctx, `UPDATE weekly_reports SET problems = $1 WHERE id = $2`, problems, id); err != nil {
			return fmt.Errorf("backfill snapshot clears_done of report %d: %w", id, err)
		}
	}
	return nil
}
