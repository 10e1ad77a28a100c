package store

import (
	"fmt"
	"strconv"
	"strings"

	"zhengzhi/domain"
)

// The site register (场所/企业): rows of sites, each placed at its town
// (org_id) and optionally a village under it. What a site may hold and who
// may write it are decided by the application layer and the domain.

const siteCols = `s.id, s.org_id, s.village_id, s.name, s.credit_code, s.target_type, s.address, s.person_in_charge,
	s.phone, s.lat, s.lng, s.accuracy_m, s.state, s.lists, s.version, s.created_at, s.updated_at`

// siteFrom joins each site with its place (village, else town) for scope checks.
const siteFrom = ` FROM sites s JOIN org_units p ON p.id = COALESCE(s.village_id, s.org_id)`

func scanSite(r scanner, extra ...any) (*domain.Site, error) {
	var s domain.Site
	dest := append([]any{&s.ID, &s.OrgID, &s.VillageID, &s.Name, &s.CreditCode, &s.TargetType, &s.Address,
		&s.PersonInCharge, &s.Phone, &s.Lat, &s.Lng, &s.Accuracy, &s.State, jsonScan{&s.Lists}, &s.Version,
		timeScan{&s.CreatedAt}, timeScan{&s.UpdatedAt}}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	if s.Lists == nil {
		s.Lists = []string{}
	}
	return &s, nil
}

// actorRef is the actor's user id for created_by columns, NULL for the system.
func (tx *Tx) actorRef() any {
	if tx.actor.User.ID == 0 {
		return nil
	}
	return tx.actor.User.ID
}

// InsertSite stores a new site as given (normalised by the caller) as
// version 1, created now by the acting user, and sets s.ID, s.Version,
// s.CreatedAt and s.UpdatedAt. The folded name and address kept for the
// look-alike search are domain.NormalizeName's.
func (tx *Tx) InsertSite(s *domain.Site) error {
	s.Version, s.CreatedAt, s.UpdatedAt = 1, tx.now, tx.now
	id, err := tx.insert(`INSERT INTO sites (org_id, village_id, name, credit_code, target_type, address, person_in_charge, phone,
		lat, lng, state, lists, name_norm, address_norm, version, created_at, created_by, updated_at, accuracy_m)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16, $15, $17) RETURNING id`,
		s.OrgID, s.VillageID, s.Name, s.CreditCode, s.TargetType, s.Address, s.PersonInCharge, s.Phone,
		s.Lat, s.Lng, s.State, mustJSON(s.Lists), domain.NormalizeName(s.Name), domain.NormalizeName(s.Address),
		ts(tx.now), tx.actorRef(), s.Accuracy)
	if err != nil {
		return fmt.Errorf("insert site: %w", err)
	}
	s.ID = id
	return nil
}

// UpdateSite writes s over the stored site when that is still at
// readVersion, as version readVersion+1 updated now (set in s); otherwise it
// writes nothing and answers ErrStale. The town (org_id) is not changed here.
func (tx *Tx) UpdateSite(s *domain.Site, readVersion int64) error {
	res, err := tx.exec(`UPDATE sites SET village_id = $1, name = $2, credit_code = $3, target_type = $4, address = $5,
		person_in_charge = $6, phone = $7, lat = $8, lng = $9, state = $10, lists = $11, name_norm = $12, address_norm = $13,
		version = $14, updated_at = $15, accuracy_m = $18 WHERE id = $16 AND version = $17`,
		s.VillageID, s.Name, s.CreditCode, s.TargetType, s.Address, s.PersonInCharge, s.Phone,
		s.Lat, s.Lng, s.State, mustJSON(s.Lists), domain.NormalizeName(s.Name), domain.NormalizeName(s.Address),
		readVersion+1, ts(tx.now), s.ID, readVersion, s.Accuracy)
	if err != nil {
		return fmt.Errorf("update site %d: %w", s.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("update site %d at version %d: %w", s.ID, readVersion, ErrStale)
	}
	s.Version, s.UpdatedAt = readVersion+1, tx.now
	return nil
}

// SiteQuery selects sites for a list; zero values are no criterion,
// except Scope, whose zero value selects nothing.
type SiteQuery struct {
	Scope      domain.ScopeFilter // the sites placed in a unit's subtree
	VillageID  int64              // exactly this village
	Q          string             // name, address or credit code contains (case-insensitive)
	State      string
	TargetType string
	// CampaignID with Inspected (or NotInspected) keeps the sites with (or
	// without) an inspection in that campaign — 已排查 / 未排查.
	CampaignID   int64
	Inspected    bool
	NotInspected bool
	Sort         SiteSort
	Reverse      bool  // the other way round from the order's own direction
	BeforeID     int64 // keyset paging of the default order (newest first): only the sites with a smaller id; Offset counts from there
	Limit        int   // 0: all
	Offset       int
}

// SiteSort orders a site list; each breaks ties by id in the same direction.
type SiteSort int

// Site list orders, each in its own direction unless Reverse.
const (
	SortSiteCreated SiteSort = iota // registration (id), newest first: the default
	SortSiteName                    // 名称, A to Z
	SortSiteUpdated                 // last change, latest first
)

// siteSortCols are the orders' columns and whether they run descending.
var siteSortCols = map[SiteSort]struct {
	col  string
	desc bool
}{SortSiteCreated: {"s.id", true}, SortSiteName: {"s.name", false}, SortSiteUpdated: {"s.updated_at", true}}

func (r Reader) siteWhere(q SiteQuery) sqlWhere {
	var w sqlWhere
	if !q.Scope.All {
		w.addScope(q.Scope, "s.org_id", "s.village_id")
	}
	if q.VillageID != 0 {
		w.add(`s.village_id = $?`, q.VillageID)
	}
	if q.State != "" {
		w.add(`s.state = $?`, q.State)
	}
	if q.TargetType != "" {
		w.add(`s.target_type = $?`, q.TargetType)
	}
	if q.Q != "" {
		pat, op := likePattern(q.Q), r.db.likeOp()
		w.add(`(s.name `+op+` $? ESCAPE '\' OR s.address `+op+` $? ESCAPE '\' OR s.credit_code `+op+` $? ESCAPE '\')`, pat, pat, pat)
	}
	const inspected = `EXISTS (SELECT 1 FROM inspections i WHERE i.site_id = s.id AND i.campaign_id = $?)`
	if q.Inspected {
		w.add(inspected, q.CampaignID)
	}
	if q.NotInspected {
		w.add(`NOT `+inspected, q.CampaignID)
	}
	return w
}

// CountSites counts the sites matching q (its position and paging aside).
func (r Reader) CountSites(q SiteQuery) (int, error) {
	w := r.siteWhere(q)
	var n int
	if err := r.q.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM sites s`+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count sites: %w", err)
	}
	return n, nil
}

// Sites lists the sites matching q in its order (default newest first, by
// id), from its position and in its page; more reports whether a site
// follows the page.
func (r Reader) Sites(q SiteQuery) (out []*domain.Site, more bool, err error) {
	order, ok := siteSortCols[q.Sort]
	if !ok {
		return nil, false, fmt.Errorf("sites: unknown sort %d", q.Sort)
	}
	col, dir := order.col, " ASC"
	if order.desc != q.Reverse {
		dir = " DESC"
	}
	w := r.siteWhere(q)
	if q.BeforeID != 0 {
		if q.Sort != SortSiteCreated || q.Reverse {
			return nil, false, fmt.Errorf("sites: keyset paging is of the newest-first order only")
		}
		w.add(`s.id < $?`, q.BeforeID)
	}
	limit := q.Limit
	if limit > 0 {
		limit++
	}
	out, err = r.sites(`SELECT `+siteCols+` FROM sites s`+w.sql()+` ORDER BY `+col+dir+`, s.id`+dir+r.db.limitSQL(limit, q.Offset), w.args...)
	if err != nil {
		return nil, false, err
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out, more = out[:q.Limit], true
	}
	return out, more, nil
}

// SiteLookalikes lists, by id, up to five other sites with s's credit code
// anywhere or with its folded name and address in its town: the candidates
// domain.SiteWarnings judges (a parity test holds this query to
// domain.(*Site).DuplicateOf).
func (r Reader) SiteLookalikes(s *domain.Site) ([]*domain.Site, error) {
	return r.sites(`SELECT `+siteCols+siteFrom+`
		WHERE s.id <> $1 AND (($2 <> '' AND s.credit_code = $2) OR (s.org_id = $3 AND s.name_norm = $4 AND s.address_norm = $5))
		ORDER BY s.id LIMIT 5`,
		s.ID, s.CreditCode, s.OrgID, domain.NormalizeName(s.Name), domain.NormalizeName(s.Address))
}

func (r Reader) sites(query string, args ...any) ([]*domain.Site, error) {
	rows, err := r.q.QueryContext(r.ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	defer rows.Close()
	out := []*domain.Site{}
	for rows.Next() {
		s, err := scanSite(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
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
