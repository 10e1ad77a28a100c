package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhengzhi/domain"
)

// SiteInput is the form for a new site (场所/企业). OrgID is the town-level
// unit and VillageID the village or community under it; either may be given
// alone (a village implies its town; an OrgID that is a village is taken as
// the village). With neither, the site is placed at the actor's own unit.
type SiteInput struct {
	OrgID          int64    `json:"org_id"`
	VillageID      int64    `json:"village_id"`
	Name           string   `json:"name"`
	CreditCode     string   `json:"credit_code"`
	TargetType     string   `json:"target_type"` // xiaozitou (default) | stopped
	Address        string   `json:"address"`
	PersonInCharge string   `json:"person_in_charge"`
	Phone          string   `json:"phone"`
	Lat            *float64 `json:"lat"`
	Lng            *float64 `json:"lng"`
	State          string   `json:"state"` // producing (default) | suspended | closed | banned
	Lists          []string `json:"lists"`
	// IdempotencyKey, when set, makes a retry by the same user return the
	// site created first instead of a second one.
	IdempotencyKey string `json:"-"`
}

// SitePatch changes a site: nil fields stay as they are. Version is the one
// read; a stale version is refused with nothing written.
type SitePatch struct {
	Version        int64     `json:"version"`
	VillageID      *int64    `json:"village_id"` // 0 removes the village
	Name           *string   `json:"name"`
	CreditCode     *string   `json:"credit_code"`
	TargetType     *string   `json:"target_type"`
	Address        *string   `json:"address"`
	PersonInCharge *string   `json:"person_in_charge"`
	Phone          *string   `json:"phone"`
	Lat            *float64  `json:"lat"`
	Lng            *float64  `json:"lng"`
	State          *string   `json:"state"`
	Lists          *[]string `json:"lists"`
}

// SiteFilter selects sites for a list; zero values are no criterion.
type SiteFilter struct {
	OrgID      int64  // any unit: its subtree
	VillageID  int64  // exactly this village
	Q          string // name, address or credit code contains
	State      string
	TargetType string
	Limit      int // 0: all
	Offset     int
}

// WarnPossibleDuplicate flags a site (or a new one) that looks like one
// already on the register (DESIGN.md §3 Validation).
const WarnPossibleDuplicate = "possible_duplicate"

const siteCols = `s.id, s.org_id, s.village_id, s.name, s.credit_code, s.target_type, s.address, s.person_in_charge,
	s.phone, s.lat, s.lng, s.state, s.lists, s.version, s.created_at, s.updated_at`

// siteFrom joins each site with its place (village, else town) for scope checks.
const siteFrom = ` FROM sites s JOIN org_units p ON p.id = COALESCE(s.village_id, s.org_id)`

func scanSite(r scanner, extra ...any) (*domain.Site, error) {
	var s domain.Site
	dest := append([]any{&s.ID, &s.OrgID, &s.VillageID, &s.Name, &s.CreditCode, &s.TargetType, &s.Address,
		&s.PersonInCharge, &s.Phone, &s.Lat, &s.Lng, &s.State, jsonScan{&s.Lists}, &s.Version,
		timeScan{&s.CreatedAt}, timeScan{&s.UpdatedAt}}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	if s.Lists == nil {
		s.Lists = []string{}
	}
	return &s, nil
}

// loadSite reads a site and its place, without a scope check.
func loadSite(ctx context.Context, q querier, id int64) (*domain.Site, *domain.OrgUnit, error) {
	var place domain.OrgUnit
	s, err := scanSite(q.QueryRowContext(ctx, `SELECT `+siteCols+`, p.id, p.name, p.kind, p.path`+siteFrom+` WHERE s.id = $1`, id),
		&place.ID, &place.Name, &place.Kind, &place.Path)
	if err != nil {
		return nil, nil, notFound(err, "场所")
	}
	return s, &place, nil
}

// loadOrg reads one org unit through q (a transaction or the database).
func loadOrg(ctx context.Context, q querier, id int64) (*domain.OrgUnit, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgCols+` FROM org_units WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "单位")
	}
	return o, nil
}

// resolvePlace turns an (org_id, village_id) pair from a form into the
// record's town and village (nil when none): a village must lie under the
// town; a village alone implies its town; an org_id that is a village (or a
// grid, meaning its village) is taken as the village. With neither given the
// actor's own scope is used. Scope is not checked here.
func (d *DB) resolvePlace(ctx context.Context, q querier, a *domain.Actor, orgID, villageID int64) (town, village *domain.OrgUnit, err error) {
	if orgID == 0 && villageID == 0 && a != nil {
		orgID = a.Scope.ID
	}
	if orgID == 0 && villageID == 0 {
		return nil, nil, domain.Invalid("org_id", "请选择所属镇（街道）")
	}
	if orgID != 0 {
		o, err := loadOrg(ctx, q, orgID)
		if err != nil {
			return nil, nil, err
		}
		if o.Kind.Tier() == domain.TierGrid && o.ParentID != nil {
			if o, err = loadOrg(ctx, q, *o.ParentID); err != nil {
				return nil, nil, err
			}
		}
		switch o.Kind.Tier() {
		case domain.TierTown:
			town = o
		case domain.TierVillage:
			if villageID != 0 && villageID != o.ID {
				return nil, nil, domain.Invalid("village_id", "所属村（社区）与所属单位不一致")
			}
			village, villageID = o, 0
		default:
			return nil, nil, domain.Invalid("org_id", "所属单位应为镇（街道）或村（社区），不是%s（%s）", o.Name, o.Kind)
		}
	}
	if villageID != 0 {
		v, err := loadOrg(ctx, q, villageID)
		if err != nil {
			return nil, nil, err
		}
		if v.Kind.Tier() != domain.TierVillage {
			return nil, nil, domain.Invalid("village_id", "%s 不是村（社区）", v.Name)
		}
		if town != nil && !town.Contains(v) {
			return nil, nil, domain.Invalid("village_id", "%s 不在 %s 之下", v.Name, town.Name)
		}
		village = v
	}
	if town == nil {
		if town, err = d.townOf(ctx, q, village); err != nil {
			return nil, nil, err
		}
	}
	return town, village, nil
}

// townOf walks up from o to its town-level unit.
func (d *DB) townOf(ctx context.Context, q querier, o *domain.OrgUnit) (*domain.OrgUnit, error) {
	for cur := o; ; {
		if cur.IsTown() {
			return cur, nil
		}
		if cur.ParentID == nil {
			return nil, domain.Invalid("org_id", "%s 不在任何镇（街道）之下", o.Name)
		}
		p, err := loadOrg(ctx, q, *cur.ParentID)
		if err != nil {
			return nil, err
		}
		cur = p
	}
}

// placeOf is where a record lives: its village when it has one, else its town.
func placeOf(town, village *domain.OrgUnit) *domain.OrgUnit {
	if village != nil {
		return village
	}
	return town
}

var siteStates = map[string]bool{domain.SiteProducing: true, domain.SiteSuspended: true, domain.SiteClosed: true, domain.SiteBanned: true}

// normalizeSite trims and checks a site before it is stored.
func normalizeSite(s *domain.Site) error {
	for _, p := range []*string{&s.Name, &s.Address, &s.PersonInCharge, &s.Phone, &s.TargetType, &s.State} {
		*p = strings.TrimSpace(*p)
	}
	s.CreditCode = domain.NormalizeCreditCode(s.CreditCode)
	switch {
	case s.Name == "":
		return domain.Invalid("name", "请填写场所（企业）名称")
	case utf8.RuneCountInString(s.Name) > 200:
		return domain.Invalid("name", "名称过长")
	case utf8.RuneCountInString(s.Address) > 500:
		return domain.Invalid("address", "地址过长")
	case utf8.RuneCountInString(s.CreditCode) > 64:
		return domain.Invalid("credit_code", "统一社会信用代码过长")
	}
	if s.TargetType == "" {
		s.TargetType = domain.TargetXiaozitou
	}
	if s.TargetType != domain.TargetXiaozitou && s.TargetType != domain.TargetStopped {
		return domain.Invalid("target_type", "整治对象类型应为 xiaozitou（小字头）或 stopped（停产停业）")
	}
	if s.State == "" {
		s.State = domain.SiteProducing
	}
	if !siteStates[s.State] {
		return domain.Invalid("state", "场所状态应为 producing、suspended、closed 或 banned")
	}
	if err := checkLatLng(s.Lat, s.Lng); err != nil {
		return err
	}
	seen := map[string]bool{}
	lists := []string{}
	for _, l := range s.Lists {
		if l = strings.TrimSpace(l); l != "" && !seen[l] {
			seen[l] = true
			lists = append(lists, l)
		}
	}
	s.Lists = lists
	return nil
}

// checkLatLng accepts both coordinates or neither, within WGS-84 ranges.
func checkLatLng(lat, lng *float64) error {
	if (lat == nil) != (lng == nil) {
		return domain.Invalid("lat", "经纬度应同时填写")
	}
	if lat != nil && (*lat < -90 || *lat > 90) {
		return domain.Invalid("lat", "纬度应在 -90 到 90 之间")
	}
	if lng != nil && (*lng < -180 || *lng > 180) {
		return domain.Invalid("lng", "经度应在 -180 到 180 之间")
	}
	return nil
}

// actorRef is the actor's user id for created_by columns, NULL for the system.
func (tx *Tx) actorRef() any {
	if tx.actor.User.ID == 0 {
		return nil
	}
	return tx.actor.User.ID
}

// insertSite stores a normalised site and audits it.
func (tx *Tx) insertSite(s *domain.Site) error {
	s.Version, s.CreatedAt, s.UpdatedAt = 1, tx.now, tx.now
	id, err := tx.insert(`INSERT INTO sites (org_id, village_id, name, credit_code, target_type, address, person_in_charge, phone,
		lat, lng, state, lists, name_norm, address_norm, version, created_at, created_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16, $15) RETURNING id`,
		s.OrgID, s.VillageID, s.Name, s.CreditCode, s.TargetType, s.Address, s.PersonInCharge, s.Phone,
		s.Lat, s.Lng, s.State, mustJSON(s.Lists), domain.NormalizeName(s.Name), domain.NormalizeName(s.Address),
		ts(tx.now), tx.actorRef())
	if err != nil {
		return fmt.Errorf("insert site: %w", err)
	}
	s.ID = id
	return tx.audit("create", "site", id, nil, auditSite(s))
}

// auditSite is the site as the audit trail records it (no display fields).
func auditSite(s *domain.Site) domain.Site {
	c := *s
	c.Warnings = nil
	return c
}

// siteWarnings are shown with a site, never blocking: a credit code failing
// its check character, and possible duplicates — the same credit code
// anywhere, or the same normalised name and address in the same town.
func siteWarnings(ctx context.Context, q querier, s *domain.Site) ([]domain.Warning, error) {
	var ws []domain.Warning
	if w := domain.CreditCodeWarning(s.CreditCode); w != nil {
		ws = append(ws, *w)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name, credit_code FROM sites
		WHERE id <> $1 AND (($2 <> '' AND credit_code = $2) OR (org_id = $3 AND name_norm = $4 AND address_norm = $5))
		ORDER BY id LIMIT 5`,
		s.ID, s.CreditCode, s.OrgID, domain.NormalizeName(s.Name), domain.NormalizeName(s.Address))
	if err != nil {
		return nil, fmt.Errorf("duplicate check: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, code string
		if err := rows.Scan(&id, &name, &code); err != nil {
			return nil, err
		}
		w := domain.Warning{Code: WarnPossibleDuplicate, Field: "name",
			Message: fmt.Sprintf("可能与已登记的场所 #%d（%s）重复：名称和地址相同", id, name)}
		if s.CreditCode != "" && code == s.CreditCode {
			w.Field = "credit_code"
			w.Message = fmt.Sprintf("可能与已登记的场所 #%d（%s）重复：统一社会信用代码相同", id, name)
		}
		ws = append(ws, w)
	}
	return ws, rows.Err()
}

// CreateSite registers a site (场所/企业) in the actor's scope. A bad credit
// code and possible duplicates come back as warnings, never as errors.
func (d *DB) CreateSite(ctx context.Context, a *domain.Actor, in SiteInput) (*domain.Site, error) {
	town, village, err := d.resolvePlace(ctx, d.db, a, in.OrgID, in.VillageID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActWriteSite, placeOf(town, village), "单位"); err != nil {
		return nil, err
	}
	s := &domain.Site{OrgID: town.ID, Name: in.Name, CreditCode: in.CreditCode, TargetType: in.TargetType,
		Address: in.Address, PersonInCharge: in.PersonInCharge, Phone: in.Phone, Lat: in.Lat, Lng: in.Lng,
		State: in.State, Lists: in.Lists}
	if village != nil {
		s.VillageID = &village.ID
	}
	if err := normalizeSite(s); err != nil {
		return nil, err
	}
	err = d.write(ctx, a, func(tx *Tx) error {
		if id, ok, err := tx.replay(in.IdempotencyKey, "site"); err != nil {
			return err
		} else if ok {
			first, _, err := loadSite(ctx, tx.tx, id)
			s = first
			return err
		}
		if err := tx.insertSite(s); err != nil {
			return err
		}
		return tx.remember(in.IdempotencyKey, "site", s.ID)
	})
	if err != nil {
		return nil, err
	}
	if s.Warnings, err = siteWarnings(ctx, d.db, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Site loads a site in the actor's scope, with its warnings.
func (d *DB) Site(ctx context.Context, a *domain.Actor, id int64) (*domain.Site, error) {
	s, place, err := loadSite(ctx, d.db, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, place, "场所"); err != nil {
		return nil, err
	}
	if s.Warnings, err = siteWarnings(ctx, d.db, s); err != nil {
		return nil, err
	}
	return s, nil
}

// errStale is the answer to an edit based on an old version.
func errStale(what string, current int64) error {
	return &domain.Error{Code: domain.ECONFLICT, Field: "version",
		Message: fmt.Sprintf("%s已被他人修改（当前版本 %d），请刷新后重试", what, current)}
}

// UpdateSite changes a site the actor may write. A stale version is
// refused (ECONFLICT) and nothing is written.
func (d *DB) UpdateSite(ctx context.Context, a *domain.Actor, id int64, p SitePatch) (*domain.Site, error) {
	if p.Version <= 0 {
		return nil, domain.Invalid("version", "请提供读取时的版本号")
	}
	var out *domain.Site
	err := d.write(ctx, a, func(tx *Tx) error {
		before, place, err := loadSite(ctx, tx.tx, id)
		if err != nil {
			return err
		}
		if err := domain.Authorize(a, domain.ActWriteSite, place, "场所"); err != nil {
			return err
		}
		if before.Version != p.Version {
			return errStale("场所", before.Version)
		}
		after := *before
		after.Lists = append([]string(nil), before.Lists...)
		if p.VillageID != nil {
			town, err := loadOrg(ctx, tx.tx, before.OrgID)
			if err != nil {
				return err
			}
			newTown, village, err := d.resolvePlace(ctx, tx.tx, a, town.ID, *p.VillageID)
			if err != nil {
				return err
			}
			if err := domain.Authorize(a, domain.ActWriteSite, placeOf(newTown, village), "单位"); err != nil {
				return err
			}
			after.VillageID = nil
			if village != nil {
				after.VillageID = &village.ID
			}
		}
		for _, f := range []struct {
			dst *string
			src *string
		}{{&after.Name, p.Name}, {&after.CreditCode, p.CreditCode}, {&after.TargetType, p.TargetType},
			{&after.Address, p.Address}, {&after.PersonInCharge, p.PersonInCharge}, {&after.Phone, p.Phone}, {&after.State, p.State}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if p.Lat != nil {
			after.Lat = p.Lat
		}
		if p.Lng != nil {
			after.Lng = p.Lng
		}
		if p.Lists != nil {
			after.Lists = *p.Lists
		}
		if err := normalizeSite(&after); err != nil {
			return err
		}
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		res, err := tx.exec(`UPDATE sites SET village_id = $1, name = $2, credit_code = $3, target_type = $4, address = $5,
			person_in_charge = $6, phone = $7, lat = $8, lng = $9, state = $10, lists = $11, name_norm = $12, address_norm = $13,
			version = version + 1, updated_at = $14 WHERE id = $15 AND version = $16`,
			after.VillageID, after.Name, after.CreditCode, after.TargetType, after.Address, after.PersonInCharge, after.Phone,
			after.Lat, after.Lng, after.State, mustJSON(after.Lists), domain.NormalizeName(after.Name), domain.NormalizeName(after.Address),
			ts(tx.now), id, before.Version)
		if err != nil {
			return fmt.Errorf("update site %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errStale("场所", before.Version)
		}
		out = &after
		return tx.audit("update", "site", id, auditSite(before), auditSite(&after))
	})
	if err != nil {
		return nil, err
	}
	if out.Warnings, err = siteWarnings(ctx, d.db, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Sites lists the sites in the actor's scope matching f, newest first, with
// the total count for paging.
func (d *DB) Sites(ctx context.Context, a *domain.Actor, f SiteFilter) ([]*domain.Site, int, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, 0, err
	}
	path, err := d.filterPath(ctx, a, f.OrgID)
	if err != nil {
		return nil, 0, err
	}
	var w sqlWhere
	w.add(`p.path LIKE $?`, path+"%")
	if f.VillageID != 0 {
		w.add(`s.village_id = $?`, f.VillageID)
	}
	if f.State != "" {
		w.add(`s.state = $?`, f.State)
	}
	if f.TargetType != "" {
		w.add(`s.target_type = $?`, f.TargetType)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		pat := likePattern(q)
		op := d.likeOp()
		w.add(`(s.name `+op+` $? ESCAPE '\' OR s.address `+op+` $? ESCAPE '\' OR s.credit_code `+op+` $? ESCAPE '\')`, pat, pat, pat)
	}
	var total int
	if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*)`+siteFrom+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count sites: %w", err)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+siteCols+siteFrom+w.sql()+` ORDER BY s.id DESC`+d.limitSQL(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list sites: %w", err)
	}
	defer rows.Close()
	out := []*domain.Site{}
	for rows.Next() {
		s, err := scanSite(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, s)
	}
	return out, total, rows.Err()
}

// filterPath returns the org path a list is restricted to: the actor's scope,
// narrowed to the subtree of orgID when one is asked for. A unit above the
// scope (a grid worker asking for their town) gives the scope itself; a unit
// outside it is not found.
func (d *DB) filterPath(ctx context.Context, a *domain.Actor, orgID int64) (string, error) {
	if orgID == 0 {
		return a.Scope.Path, nil
	}
	o, err := d.Org(ctx, orgID)
	if err != nil {
		return "", err
	}
	switch {
	case a.Scope.Contains(o):
		return o.Path, nil
	case o.Contains(&a.Scope):
		return a.Scope.Path, nil
	}
	return "", domain.NotFound("单位")
}

// sqlWhere builds a WHERE clause; each $? in a condition takes the next
// numbered placeholder, so conditions can be added in any order.
type sqlWhere struct {
	conds []string
	args  []any
}

func (w *sqlWhere) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "$?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *sqlWhere) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// likePattern makes a contains-pattern of user text, escaping LIKE's wildcards.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// limitSQL renders LIMIT/OFFSET; limit 0 means all rows.
func (d *DB) limitSQL(limit, offset int) string {
	s := ""
	if limit > 0 {
		s = " LIMIT " + strconv.Itoa(limit)
	} else if offset > 0 && d.dialect == SQLite {
		s = " LIMIT -1" // SQLite takes OFFSET only after a LIMIT
	}
	if offset > 0 {
		s += " OFFSET " + strconv.Itoa(offset)
	}
	return s
}
