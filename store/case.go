package store

import (
	"context"
	"fmt"
	"strings"

	"zhengzhi/domain"
)

// CaseInput is the form for a new case (问题). With SiteID the case is
// opened for that site (unit name, address and person in charge default
// from it); without it, the site is registered from the case's fields in the
// same transaction, placed by OrgID/VillageID as in SiteInput. CampaignID 0
// means the active campaign.
type CaseInput struct {
	CampaignID int64 `json:"campaign_id"`
	SiteID     int64 `json:"site_id"`
	OrgID      int64 `json:"org_id"`
	VillageID  int64 `json:"village_id"`

	domain.CaseFields

	// For the site registered with the case (no SiteID) and its inspection.
	CreditCode string   `json:"credit_code"`
	Phone      string   `json:"phone"`
	Lat        *float64 `json:"lat"`
	Lng        *float64 `json:"lng"`

	// IdempotencyKey, when set, makes a retry by the same user return the
	// case created first, with no new row and no new audit event.
	IdempotencyKey string `json:"-"`
}

// CasePatch changes a case (PATCH): nil fields stay as they are; Clears and
// ClearDates change only the items sent (a date "" removes it). Version is
// the one read: a stale version is refused and nothing is written.
type CasePatch struct {
	Version int64 `json:"version"`

	UnitName       *string          `json:"unit_name"`
	Category       *domain.Category `json:"category"`
	Address        *string          `json:"address"`
	PersonInCharge *string          `json:"person_in_charge"`
	Description    *string          `json:"description"`
	Source         *domain.Source   `json:"source"`
	SourceNo       *string          `json:"source_no"`

	Shutdown     *domain.Shutdown       `json:"shutdown"`
	ShutdownDate *domain.Date           `json:"shutdown_date"`
	Clears       map[string]bool        `json:"two_cuts_three_clears"`
	ClearDates   map[string]domain.Date `json:"two_cuts_three_clears_dates"`

	CaseFiled          *bool   `json:"case_filed"`
	CaseNo             *string `json:"case_no"`
	FineFen            *int64  `json:"fine_fen"`
	ConfiscatedFen     *int64  `json:"confiscated_fen"`
	JudicialTransfer   *bool   `json:"judicial_transfer"`
	JudicialPersons    *int    `json:"judicial_persons"`
	DetainedPersons    *int    `json:"detained_persons"`
	DisciplinedPersons *int    `json:"disciplined_persons"`

	OnsiteStatus       *domain.Onsite `json:"onsite_status"`
	OnsiteDoneDate     *domain.Date   `json:"onsite_done_date"`
	RectifyDeadline    *domain.Date   `json:"rectify_deadline"`
	Supervised         *bool          `json:"supervised"`
	SupervisedDeadline *domain.Date   `json:"supervised_deadline"`
}

// CaseFilter selects cases for a list; zero values are no criterion. The
// list is always limited to the actor's scope.
type CaseFilter struct {
	CampaignID int64
	OrgID      int64 // any unit: its subtree
	VillageID  int64
	SiteID     int64
	Status     domain.CaseStatus
	Category   domain.Category
	Source     domain.Source
	Overdue    bool   // past 整改期限 and not closed out
	Q          string // unit name, address, problem_no or source_no contains
	// Sort is problem_no (default), updated or created; a leading "-" sorts descending.
	Sort   string
	Limit  int // 0: all
	Offset int
}

const caseCols = `c.id, c.problem_no, c.source_no, c.campaign_id, c.org_id, c.village_id, c.site_id, c.unit_name, c.category,
	c.address, c.person_in_charge, c.description, c.source, c.shutdown, c.shutdown_date, c.clears, c.clear_dates,
	c.case_filed, c.case_no, c.fine_fen, c.confiscated_fen, c.judicial_transfer, c.judicial_persons, c.detained_persons,
	c.disciplined_persons, c.onsite_status, c.onsite_done_date, c.rectify_deadline, c.supervised, c.supervised_deadline,
	c.status, c.published, c.version, COALESCE(c.created_by, 0), c.created_at, c.updated_at, c.closed_at,
	t.name, COALESCE(v.name, ''), p.id, p.name, p.kind, p.path`

// caseFrom joins each case with its place (village, else town: the scope
// check) and the names shown with it.
const caseFrom = ` FROM cases c
	JOIN org_units p ON p.id = COALESCE(c.village_id, c.org_id)
	JOIN org_units t ON t.id = c.org_id
	LEFT JOIN org_units v ON v.id = c.village_id`

func scanCase(r scanner) (*domain.Case, *domain.OrgUnit, error) {
	var c domain.Case
	var place domain.OrgUnit
	err := r.Scan(&c.ID, &c.ProblemNo, &c.SourceNo, &c.CampaignID, &c.OrgID, &c.VillageID, &c.SiteID, &c.UnitName, &c.Category,
		&c.Address, &c.PersonInCharge, &c.Description, &c.Source, &c.Shutdown, &c.ShutdownDate, jsonScan{&c.Clears}, jsonScan{&c.ClearDates},
		&c.CaseFiled, &c.CaseNo, &c.FineFen, &c.ConfiscatedFen, &c.JudicialTransfer, &c.JudicialPersons, &c.DetainedPersons,
		&c.DisciplinedPersons, &c.OnsiteStatus, &c.OnsiteDoneDate, &c.RectifyDeadline, &c.Supervised, &c.SupervisedDeadline,
		&c.Status, &c.Published, &c.Version, &c.CreatedBy, timeScan{&c.CreatedAt}, timeScan{&c.UpdatedAt}, nullTimeScan{&c.ClosedAt},
		&c.TownName, &c.VillageName, &place.ID, &place.Name, &place.Kind, &place.Path)
	if err != nil {
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

// loadCase reads a case and its place, without a scope check.
func loadCase(ctx context.Context, q querier, id int64) (*domain.Case, *domain.OrgUnit, error) {
	c, place, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.id = $1`, id))
	if err != nil {
		return nil, nil, notFound(err, "问题")
	}
	return c, place, nil
}

// loadCampaign reads a campaign through q.
func loadCampaign(ctx context.Context, q querier, id int64) (*domain.Campaign, error) {
	c, err := scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "专项行动")
	}
	return c, nil
}

// auditCase is the case as the audit trail records it: its stored fields
// only, without the names and warnings filled for display.
func auditCase(c *domain.Case) domain.Case {
	x := *c
	x.TownName, x.VillageName, x.Warnings = "", "", nil
	return x
}

// cloneCase copies a case deeply enough to edit the copy.
func cloneCase(c *domain.Case) *domain.Case {
	x := *c
	x.Clears = make(map[string]bool, len(c.Clears))
	for k, v := range c.Clears {
		x.Clears[k] = v
	}
	x.ClearDates = make(map[string]domain.Date, len(c.ClearDates))
	for k, v := range c.ClearDates {
		x.ClearDates[k] = v
	}
	if c.VillageID != nil {
		v := *c.VillageID
		x.VillageID = &v
	}
	return &x
}

// authorizeFieldActions checks the extra rights a case's content needs
// beyond opening or editing it: penalty and shutdown fields (ActEnforce),
// 挂牌督办 (ActSupervise). base is the case without them.
func authorizeFieldActions(a *domain.Actor, base, c *domain.Case, place *domain.OrgUnit, skip domain.Action) error {
	for _, act := range domain.EditActions(base, c) {
		if act == skip {
			continue
		}
		if err := domain.Authorize(a, act, place, "问题"); err != nil {
			return err
		}
	}
	return nil
}

// defaultSupervisedDeadline gives a newly supervised case the campaign's
// default 挂牌督办 period when no deadline is set.
func (d *DB) defaultSupervisedDeadline(tx *Tx, c *domain.Case, camp *domain.Campaign) {
	if c.Supervised && c.SupervisedDeadline == "" && camp.SupervisedDays > 0 {
		c.SupervisedDeadline = domain.DateOf(tx.now.AddDate(0, 0, camp.SupervisedDays), d.zone)
	}
}

// CreateCase opens a case (问题) for a site in the actor's scope. A site
// already having a case in the campaign is refused (ECONFLICT naming that
// case's 问题编号): one case per site per campaign, so counting cases counts
// enterprises. Without SiteID the site is registered first; the site gets an
// inspection (outcome problem) in the campaign when it has none yet; the case
// gets the next 问题编号 of its town and year. All in one transaction.
func (d *DB) CreateCase(ctx context.Context, a *domain.Actor, in CaseInput) (*domain.Case, error) {
	camp, err := d.ResolveCampaign(ctx, in.CampaignID)
	if err != nil {
		return nil, err
	}
	c := &domain.Case{CampaignID: camp.ID, SiteID: in.SiteID, CaseFields: domain.CaseFields{UnitName: in.UnitName, Category: in.Category,
		Address: in.Address, PersonInCharge: in.PersonInCharge, Description: in.Description, Source: in.Source,
		SourceNo: in.SourceNo, Shutdown: in.Shutdown, ShutdownDate: in.ShutdownDate, Clears: in.Clears, ClearDates: in.ClearDates,
		CaseFiled: in.CaseFiled, CaseNo: in.CaseNo, FineFen: in.FineFen, ConfiscatedFen: in.ConfiscatedFen,
		JudicialTransfer: in.JudicialTransfer, JudicialPersons: in.JudicialPersons, DetainedPersons: in.DetainedPersons,
		DisciplinedPersons: in.DisciplinedPersons, OnsiteStatus: in.OnsiteStatus, OnsiteDoneDate: in.OnsiteDoneDate,
		RectifyDeadline: in.RectifyDeadline, Supervised: in.Supervised, SupervisedDeadline: in.SupervisedDeadline}}

	var town, village *domain.OrgUnit
	var newSite *domain.Site
	if in.SiteID != 0 {
		site, place, err := loadSite(ctx, d.db, in.SiteID)
		if err != nil {
			return nil, err
		}
		if err := domain.Authorize(a, domain.ActCreateCase, place, "场所"); err != nil {
			return nil, err
		}
		if town, err = d.Org(ctx, site.OrgID); err != nil {
			return nil, err
		}
		if site.VillageID != nil {
			village = place
		}
		c.OrgID, c.VillageID = site.OrgID, site.VillageID
		if strings.TrimSpace(c.UnitName) == "" {
			c.UnitName = site.Name
		}
		if strings.TrimSpace(c.Address) == "" {
			c.Address = site.Address
		}
		if strings.TrimSpace(c.PersonInCharge) == "" {
			c.PersonInCharge = site.PersonInCharge
		}
	} else {
		if town, village, err = d.resolvePlace(ctx, d.db, a, in.OrgID, in.VillageID); err != nil {
			return nil, err
		}
		if err := domain.Authorize(a, domain.ActCreateCase, placeOf(town, village), "单位"); err != nil {
			return nil, err
		}
		c.OrgID = town.ID
		if village != nil {
			c.VillageID = &village.ID
		}
	}
	place := placeOf(town, village)
	if err := c.Normalize(camp); err != nil {
		return nil, err
	}
	// Opening a case needs ActCreateCase; penalty, shutdown and 挂牌督办
	// values given at once need their own rights.
	base := cloneCase(c)
	base.Shutdown, base.ShutdownDate, base.CaseFiled, base.CaseNo = domain.ShutdownNone, "", false, ""
	base.FineFen, base.ConfiscatedFen, base.JudicialTransfer = 0, 0, false
	base.JudicialPersons, base.DetainedPersons, base.DisciplinedPersons = 0, 0, 0
	base.Supervised, base.SupervisedDeadline = false, ""
	if err := authorizeFieldActions(a, base, c, place, domain.ActEditCase); err != nil {
		return nil, err
	}
	if town.Prefix == "" {
		return nil, domain.Invalid("org_id", "%s 尚未设置问题编号前缀，请联系系统管理员", town.Name)
	}
	if in.SiteID == 0 {
		newSite = &domain.Site{OrgID: c.OrgID, VillageID: c.VillageID, Name: c.UnitName, CreditCode: in.CreditCode,
			TargetType: domain.TargetXiaozitou, Address: c.Address, PersonInCharge: c.PersonInCharge, Phone: in.Phone,
			Lat: in.Lat, Lng: in.Lng}
		if c.Category == domain.CatStopped {
			newSite.TargetType = domain.TargetStopped
		}
		if err := normalizeSite(newSite); err != nil {
			return nil, err
		}
	} else if err := checkLatLng(in.Lat, in.Lng); err != nil {
		return nil, err
	}

	err = d.write(ctx, a, func(tx *Tx) error {
		if id, ok, err := tx.replay(in.IdempotencyKey, "case"); err != nil {
			return err
		} else if ok {
			first, _, err := loadCase(ctx, tx.tx, id)
			c = first
			return err
		}
		if newSite != nil {
			if err := tx.insertSite(newSite); err != nil {
				return err
			}
			c.SiteID = newSite.ID
		} else if err := tx.refuseSecondCase(c.CampaignID, c.SiteID); err != nil {
			return err
		}
		if err := tx.ensureProblemInspection(c, in.Lat, in.Lng); err != nil {
			return err
		}
		no, err := tx.nextProblemNo(town.Prefix, tx.now.In(d.zone).Year())
		if err != nil {
			return err
		}
		c.ProblemNo = no
		c.Status = domain.StatusRegistered
		c.Status = domain.StatusAfterEdit(c)
		d.defaultSupervisedDeadline(tx, c, camp)
		c.Version, c.CreatedBy, c.CreatedAt, c.UpdatedAt = 1, tx.actor.User.ID, tx.now, tx.now
		if err := tx.insertCase(c); err != nil {
			return err
		}
		if err := tx.audit("create", "case", c.ID, nil, auditCase(c)); err != nil {
			return err
		}
		if err := tx.remember(in.IdempotencyKey, "case", c.ID); err != nil {
			return err
		}
		// Read back with the display names.
		full, _, err := loadCase(ctx, tx.tx, c.ID)
		c = full
		return err
	})
	if err != nil {
		return nil, err
	}
	d.fillCaseWarnings(c, camp)
	return c, nil
}

// refuseSecondCase enforces one case per site per campaign, naming the
// existing case. The UNIQUE (campaign_id, site_id) constraint backs it up.
func (tx *Tx) refuseSecondCase(campaignID, siteID int64) error {
	var no string
	err := tx.queryRow(`SELECT problem_no FROM cases WHERE campaign_id = $1 AND site_id = $2`, campaignID, siteID).Scan(&no)
	if isNoRows(err) {
		return nil
	} else if err != nil {
		return fmt.Errorf("existing case: %w", err)
	}
	return &domain.Error{Code: domain.ECONFLICT, Field: "site_id",
		Message: fmt.Sprintf("该场所在本专项行动中已有问题 %s，请在原问题上继续处理（复燃的请重新打开原问题）", no)}
}

// ensureProblemInspection records an inspection (outcome problem) of the
// case's site in its campaign when the site has none there yet: a problem is
// always found at an inspected site (附件2 排查总数 ≥ 问题总数).
func (tx *Tx) ensureProblemInspection(c *domain.Case, lat, lng *float64) error {
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM inspections WHERE campaign_id = $1 AND site_id = $2`, c.CampaignID, c.SiteID).Scan(&n); err != nil {
		return fmt.Errorf("inspections of site %d: %w", c.SiteID, err)
	}
	if n > 0 {
		return nil
	}
	x := &domain.Inspection{CampaignID: c.CampaignID, SiteID: c.SiteID, InspectedAt: tx.now,
		Inspectors: tx.actor.User.DisplayName, Lat: lat, Lng: lng, Outcome: domain.OutcomeProblem, Note: "登记问题时记录"}
	return tx.insertInspection(x)
}

// nextProblemNo gives the next 问题编号 {prefix}-{YYYY}-{NNNN} of a town and
// year. The counter row is created or bumped in one statement inside the
// write transaction, so numbers are distinct under concurrency and never
// reused (a rolled-back case rolls its number back unused).
func (tx *Tx) nextProblemNo(prefix string, year int) (string, error) {
	var n int
	err := tx.queryRow(`INSERT INTO problem_no_counters (prefix, year, next_no) VALUES ($1, $2, 2)
		ON CONFLICT (prefix, year) DO UPDATE SET next_no = problem_no_counters.next_no + 1
		RETURNING next_no - 1`, prefix, year).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("problem number: %w", err)
	}
	return fmt.Sprintf("%s-%04d-%04d", prefix, year, n), nil
}

func (tx *Tx) insertCase(c *domain.Case) error {
	id, err := tx.insert(`INSERT INTO cases (problem_no, source_no, campaign_id, org_id, village_id, site_id, unit_name, category,
		address, person_in_charge, description, source, shutdown, shutdown_date, clears, clear_dates,
		case_filed, case_no, fine_fen, confiscated_fen, judicial_transfer, judicial_persons, detained_persons,
		disciplined_persons, onsite_status, onsite_done_date, rectify_deadline, supervised, supervised_deadline,
		status, published, version, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $34) RETURNING id`,
		c.ProblemNo, c.SourceNo, c.CampaignID, c.OrgID, c.VillageID, c.SiteID, c.UnitName, c.Category,
		c.Address, c.PersonInCharge, c.Description, c.Source, c.Shutdown, string(c.ShutdownDate), mustJSON(c.Clears), mustJSON(c.ClearDates),
		c.CaseFiled, c.CaseNo, c.FineFen, c.ConfiscatedFen, c.JudicialTransfer, c.JudicialPersons, c.DetainedPersons,
		c.DisciplinedPersons, c.OnsiteStatus, string(c.OnsiteDoneDate), string(c.RectifyDeadline), c.Supervised, string(c.SupervisedDeadline),
		c.Status, c.Published, c.Version, tx.actorRef(), ts(tx.now))
	if err != nil {
		if isUniqueViolation(err) && !strings.Contains(err.Error(), "problem_no") {
			// Writers are serialised (dialect.go), so this is a backstop: the
			// transaction may be aborted already, so the message cannot name
			// the existing case here.
			return &domain.Error{Code: domain.ECONFLICT, Field: "site_id", Message: "该场所在本专项行动中已有问题"}
		}
		return fmt.Errorf("insert case: %w", err)
	}
	c.ID = id
	return nil
}

// fillCaseWarnings attaches the validation results every case view shows:
// blocking errors first, then warnings.
func (d *DB) fillCaseWarnings(c *domain.Case, camp *domain.Campaign) {
	errs, warns := domain.ValidateCase(c, camp, d.clock.Now(), d.zone)
	c.Warnings = append(errs, warns...)
}

// Case loads a case in the actor's scope, with its town and village names
// and its validation results. Outside scope is not found, as for a missing id.
func (d *DB) Case(ctx context.Context, a *domain.Actor, id int64) (*domain.Case, error) {
	c, place, err := loadCase(ctx, d.db, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, place, "问题"); err != nil {
		return nil, err
	}
	camp, err := d.Campaign(ctx, c.CampaignID)
	if err != nil {
		return nil, err
	}
	d.fillCaseWarnings(c, camp)
	return c, nil
}

var caseSorts = map[string]string{"problem_no": "c.problem_no", "updated": "c.updated_at", "created": "c.created_at"}

// Cases lists the cases in the actor's scope matching f, with the total
// count for paging and each case's validation results.
func (d *DB) Cases(ctx context.Context, a *domain.Actor, f CaseFilter) ([]*domain.Case, int, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, 0, err
	}
	path, err := d.filterPath(ctx, a, f.OrgID)
	if err != nil {
		return nil, 0, err
	}
	sortKey, dir := strings.TrimPrefix(f.Sort, "-"), " ASC"
	if strings.HasPrefix(f.Sort, "-") {
		dir = " DESC"
	}
	if sortKey == "" {
		sortKey = "problem_no"
	}
	col, ok := caseSorts[sortKey]
	if !ok {
		return nil, 0, domain.Invalid("sort", "排序应为 problem_no、updated 或 created（前加 - 为倒序）")
	}
	if f.Status != "" {
		if _, ok := domain.StatusNames[f.Status]; !ok {
			return nil, 0, domain.Invalid("status", "未知的问题状态“%s”", f.Status)
		}
	}
	var w sqlWhere
	w.add(`p.path LIKE $?`, path+"%")
	if f.CampaignID != 0 {
		w.add(`c.campaign_id = $?`, f.CampaignID)
	}
	if f.SiteID != 0 {
		w.add(`c.site_id = $?`, f.SiteID)
	}
	if f.VillageID != 0 {
		w.add(`c.village_id = $?`, f.VillageID)
	}
	if f.Status != "" {
		w.add(`c.status = $?`, f.Status)
	}
	if f.Category != "" {
		w.add(`c.category = $?`, f.Category)
	}
	if f.Source != "" {
		w.add(`c.source = $?`, f.Source)
	}
	if f.Overdue {
		// Same rule as domain.ValidateCase's RuleOverdue.
		today := string(domain.DateOf(d.clock.Now(), d.zone))
		w.add(`c.rectify_deadline <> '' AND c.rectify_deadline < $? AND c.status NOT IN ('closed_out', 'voided')`, today)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		pat, op := likePattern(q), d.likeOp()
		w.add(`(c.unit_name `+op+` $? ESCAPE '\' OR c.address `+op+` $? ESCAPE '\' OR c.problem_no `+op+` $? ESCAPE '\' OR c.source_no `+op+` $? ESCAPE '\')`,
			pat, pat, pat, pat)
	}
	var total int
	if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*)`+caseFrom+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count cases: %w", err)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+caseCols+caseFrom+w.sql()+` ORDER BY `+col+dir+`, c.id`+dir+d.limitSQL(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	out := []*domain.Case{}
	for rows.Next() {
		c, _, err := scanCase(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	camps := map[int64]*domain.Campaign{}
	for _, c := range out {
		camp, ok := camps[c.CampaignID]
		if !ok {
			if camp, err = d.Campaign(ctx, c.CampaignID); err != nil {
				return nil, 0, err
			}
			camps[c.CampaignID] = camp
		}
		d.fillCaseWarnings(c, camp)
	}
	return out, total, nil
}

// apply copies the patch's fields onto c; Clears and ClearDates merge.
func (p *CasePatch) apply(c *domain.Case) {
	for _, f := range []struct {
		dst *string
		src *string
	}{{&c.UnitName, p.UnitName}, {&c.Address, p.Address}, {&c.PersonInCharge, p.PersonInCharge},
		{&c.Description, p.Description}, {&c.SourceNo, p.SourceNo}, {&c.CaseNo, p.CaseNo}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		dst *domain.Date
		src *domain.Date
	}{{&c.ShutdownDate, p.ShutdownDate}, {&c.OnsiteDoneDate, p.OnsiteDoneDate}, {&c.RectifyDeadline, p.RectifyDeadline},
		{&c.SupervisedDeadline, p.SupervisedDeadline}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		dst *bool
		src *bool
	}{{&c.CaseFiled, p.CaseFiled}, {&c.JudicialTransfer, p.JudicialTransfer}, {&c.Supervised, p.Supervised}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		dst *int
		src *int
	}{{&c.JudicialPersons, p.JudicialPersons}, {&c.DetainedPersons, p.DetainedPersons}, {&c.DisciplinedPersons, p.DisciplinedPersons}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if p.Category != nil {
		c.Category = *p.Category
	}
	if p.Source != nil {
		c.Source = *p.Source
	}
	if p.Shutdown != nil {
		c.Shutdown = *p.Shutdown
	}
	if p.OnsiteStatus != nil {
		c.OnsiteStatus = *p.OnsiteStatus
	}
	if p.FineFen != nil {
		c.FineFen = *p.FineFen
	}
	if p.ConfiscatedFen != nil {
		c.ConfiscatedFen = *p.ConfiscatedFen
	}
	for k, v := range p.Clears {
		c.Clears[k] = v
	}
	for k, v := range p.ClearDates {
		c.ClearDates[k] = v // "" is dropped by Normalize
	}
}

// UpdateCase applies a PATCH to a case in the actor's scope. Only fields sent
// change (two_cuts_three_clears item by item); penalty and shutdown fields
// need the enforcement right and 挂牌督办 the supervision right, others the
// edit right. Edits are possible in 登记 and 整治中 only; the first
// rectification or penalty recorded moves 登记 to 整治中. A stale version is
// refused (ECONFLICT) and nothing is written.
func (d *DB) UpdateCase(ctx context.Context, a *domain.Actor, id int64, p CasePatch) (*domain.Case, error) {
	if p.Version <= 0 {
		return nil, domain.Invalid("version", "请提供读取时的版本号")
	}
	var out *domain.Case
	var camp *domain.Campaign
	err := d.write(ctx, a, func(tx *Tx) error {
		before, place, err := loadCase(ctx, tx.tx, id)
		if err != nil {
			return err
		}
		if err := domain.Authorize(a, domain.ActRead, place, "问题"); err != nil {
			return err
		}
		if camp, err = loadCampaign(ctx, tx.tx, before.CampaignID); err != nil {
			return err
		}
		after := cloneCase(before)
		p.apply(after)
		if err := after.Normalize(camp); err != nil {
			return err
		}
		d.defaultSupervisedDeadline(tx, after, camp)
		acts := domain.EditActions(before, after)
		if len(acts) == 0 && !domain.RoleMay(a.Role(), domain.ActEditCase) &&
			!domain.RoleMay(a.Role(), domain.ActEnforce) && !domain.RoleMay(a.Role(), domain.ActSupervise) {
			return domain.Forbidden()
		}
		if err := authorizeFieldActions(a, before, after, place, ""); err != nil {
			return err
		}
		if before.Version != p.Version {
			return errStale("问题", before.Version)
		}
		if !domain.Editable(before.Status) {
			return &domain.Error{Code: domain.ECONFLICT, Field: "status",
				Message: fmt.Sprintf("问题处于“%s”状态，不能修改：请先退回", domain.StatusNames[before.Status])}
		}
		if len(acts) == 0 {
			out = before // nothing changes: no new version, no audit event
			return nil
		}
		after.Status = domain.StatusAfterEdit(after)
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		res, err := tx.exec(`UPDATE cases SET unit_name = $1, category = $2, address = $3, person_in_charge = $4, description = $5,
			source = $6, source_no = $7, shutdown = $8, shutdown_date = $9, clears = $10, clear_dates = $11, case_filed = $12,
			case_no = $13, fine_fen = $14, confiscated_fen = $15, judicial_transfer = $16, judicial_persons = $17,
			detained_persons = $18, disciplined_persons = $19, onsite_status = $20, onsite_done_date = $21, rectify_deadline = $22,
			supervised = $23, supervised_deadline = $24, status = $25, version = $26, updated_at = $27
			WHERE id = $28 AND version = $29`,
			after.UnitName, after.Category, after.Address, after.PersonInCharge, after.Description,
			after.Source, after.SourceNo, after.Shutdown, string(after.ShutdownDate), mustJSON(after.Clears), mustJSON(after.ClearDates), after.CaseFiled,
			after.CaseNo, after.FineFen, after.ConfiscatedFen, after.JudicialTransfer, after.JudicialPersons,
			after.DetainedPersons, after.DisciplinedPersons, after.OnsiteStatus, string(after.OnsiteDoneDate), string(after.RectifyDeadline),
			after.Supervised, string(after.SupervisedDeadline), after.Status, after.Version, ts(tx.now),
			id, before.Version)
		if err != nil {
			return fmt.Errorf("update case %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errStale("问题", before.Version)
		}
		out = after
		return tx.audit("update", "case", id, auditCase(before), auditCase(after))
	})
	if err != nil {
		return nil, err
	}
	d.fillCaseWarnings(out, camp)
	return out, nil
}

// CaseTimeline lists a case's audit events (creation, edits, evidence,
// reviews) in order, for whoever may read the case.
func (d *DB) CaseTimeline(ctx context.Context, a *domain.Actor, caseID int64) ([]domain.AuditEvent, error) {
	_, place, err := loadCase(ctx, d.db, caseID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, place, "问题"); err != nil {
		return nil, err
	}
	return d.AuditEvents(ctx, a, AuditFilter{Entity: "case", EntityID: caseID}, true)
}
