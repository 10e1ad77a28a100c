package store

import (
	"fmt"
	"strings"
	"time"

	"zhengzhi/domain"
)

// Persistence of the closed loop (DESIGN.md §2): the fields a case action
// changes, the site a transfer moves, signatures (签字) and the review queue
// behind the "待我审核" inbox. What an action may do and what it changes is
// decided by app/closeout.go through domain/lifecycle.go.

// UpdateCaseStatus writes what a case action changes — status, 曝光台 flag,
// 销号 time and, for a transfer, town and village — with the next version
// and tx.Now() as its update time, if the case is still at readVersion. It
// sets c.Version and c.UpdatedAt; a case changed since (or gone) is
// ErrStale and nothing is written.
func (tx *Tx) UpdateCaseStatus(c *domain.Case, readVersion int64) error {
	res, err := tx.exec(`UPDATE cases SET org_id = $1, village_id = $2, status = $3, published = $4, closed_at = $5,
		version = $6, updated_at = $7 WHERE id = $8 AND version = $9`,
		c.OrgID, c.VillageID, c.Status, c.Published, tsPtr(c.ClosedAt), readVersion+1, ts(tx.now), c.ID, readVersion)
	if err != nil {
		return fmt.Errorf("update status of case %d: %w", c.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update status of case %d: %w", c.ID, err)
	} else if n != 1 {
		return fmt.Errorf("update status of case %d at version %d: %w", c.ID, readVersion, ErrStale)
	}
	c.Version, c.UpdatedAt = readVersion+1, tx.now
	return nil
}

// UpdateSitePlace writes a site's town and village (a transfer moves the
// site with its case) with the next version and tx.Now() as its update
// time, if the site is still at readVersion (else ErrStale). It sets
// s.Version and s.UpdatedAt.
func (tx *Tx) UpdateSitePlace(s *domain.Site, readVersion int64) error {
	res, err := tx.exec(`UPDATE sites SET org_id = $1, village_id = $2, version = $3, updated_at = $4 WHERE id = $5 AND version = $6`,
		s.OrgID, s.VillageID, readVersion+1, ts(tx.now), s.ID, readVersion)
	if err != nil {
		return fmt.Errorf("update place of site %d: %w", s.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update place of site %d: %w", s.ID, err)
	} else if n != 1 {
		return fmt.Errorf("update place of site %d at version %d: %w", s.ID, readVersion, ErrStale)
	}
	s.Version, s.UpdatedAt = readVersion+1, tx.now
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// InsertSignOff stores a signature and sets its ID.
func (tx *Tx) InsertSignOff(s *domain.SignOff) error {
	var behalf any
	if s.OnBehalfOfUserID != nil {
		behalf = *s.OnBehalfOfUserID
	}
	id, err := tx.insert(`INSERT INTO signoffs (case_id, user_id, user_name, role, org_id, on_behalf_of_user_id, on_behalf_of_name,
		decision, reason, from_status, to_status, at, content_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		s.CaseID, nullID(s.UserID), s.UserName, string(s.Role), nullID(s.OrgID), behalf, s.OnBehalfOfName,
		s.Decision, s.Reason, s.FromStatus, s.ToStatus, ts(s.At), s.ContentHash)
	if err != nil {
		return fmt.Errorf("insert signature on case %d: %w", s.CaseID, err)
	}
	s.ID = id
	return nil
}

// SupersedeSignOffs marks the case's signatures not superseded yet as
// superseded at tx.Now().
func (tx *Tx) SupersedeSignOffs(caseID int64) error {
	if _, err := tx.exec(`UPDATE signoffs SET superseded_at = $1 WHERE case_id = $2 AND superseded_at IS NULL`, ts(tx.now), caseID); err != nil {
		return fmt.Errorf("supersede signatures of case %d: %w", caseID, err)
	}
	return nil
}

// SignOffRow is a stored signature with the time it was superseded (nil: not).
type SignOffRow struct {
	domain.SignOff
	SupersededAt *time.Time
}

const signOffCols = `id, case_id, COALESCE(user_id, 0), user_name, role, COALESCE(org_id, 0), on_behalf_of_user_id, on_behalf_of_name,
	decision, reason, from_status, to_status, at, content_hash, superseded_at`

// SignOffs lists a case's signatures in the order they were given.
func (r Reader) SignOffs(caseID int64) ([]SignOffRow, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+signOffCols+` FROM signoffs WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("signatures of case %d: %w", caseID, err)
	}
	defer rows.Close()
	out := []SignOffRow{}
	for rows.Next() {
		var s SignOffRow
		var role string
		if err := rows.Scan(&s.ID, &s.CaseID, &s.UserID, &s.UserName, &role, &s.OrgID, &s.OnBehalfOfUserID, &s.OnBehalfOfName,
			&s.Decision, &s.Reason, &s.FromStatus, &s.ToStatus, timeScan{&s.At}, &s.ContentHash, nullTimeScan{&s.SupersededAt}); err != nil {
			return nil, fmt.Errorf("signatures of case %d: %w", caseID, err)
		}
		s.Role = domain.Role(role)
		out = append(out, s)
	}
	return out, rows.Err()
}

// CaseFiles lists a case's attachments as a signature sees them (SHA-256
// and upload time), in upload order.
func (r Reader) CaseFiles(caseID int64) ([]domain.SignedFile, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT sha256, uploaded_at FROM attachments WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("attachments of case %d: %w", caseID, err)
	}
	defer rows.Close()
	out := []domain.SignedFile{}
	for rows.Next() {
		var f domain.SignedFile
		if err := rows.Scan(&f.SHA256, timeScan{&f.UploadedAt}); err != nil {
			return nil, fmt.Errorf("attachments of case %d: %w", caseID, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ReviewQueueFilter selects the cases of the "待我审核" inbox's query: those
// placed in Scope in one of Statuses, or — with Slots — sitting in one of
// the slots (domain.ReviewSlot: a status, with or without a village), which
// is exactly the cases waiting for one role's signature (app's
// TestPendingReviews_CountsTheInbox holds it to the inbox). Limit 0: all.
type ReviewQueueFilter struct {
	Scope    domain.ScopeFilter
	Statuses []domain.CaseStatus
	Slots    []domain.ReviewSlot
	Limit    int
}

// where is the filter's WHERE clause; false when nothing can match.
func (f ReviewQueueFilter) where() (sqlWhere, bool) {
	var w sqlWhere
	w.addScope(f.Scope, "c.org_id", "c.village_id")
	var alts []string
	var args []any
	mark := func(v any) string {
		args = append(args, v)
		return "$?"
	}
	for _, s := range f.Statuses {
		alts = append(alts, `c.status = `+mark(string(s)))
	}
	for _, s := range f.Slots {
		cond := `c.status = ` + mark(string(s.Status))
		if s.Village != nil {
			if *s.Village {
				cond += ` AND c.village_id IS NOT NULL`
			} else {
				cond += ` AND c.village_id IS NULL`
			}
		}
		alts = append(alts, `(`+cond+`)`)
	}
	if len(alts) == 0 {
		return w, false
	}
	w.add(`(`+strings.Join(alts, " OR ")+`)`, args...)
	return w, true
}

// ReviewQueue lists the ids of the cases matching f, least recently changed
// first.
func (r Reader) ReviewQueue(f ReviewQueueFilter) ([]int64, error) {
	w, ok := f.where()
	if !ok {
		return []int64{}, nil
	}
	ids, err := r.idColumn(`SELECT c.id FROM cases c`+w.sql()+` ORDER BY c.updated_at, c.id`+r.db.limitSQL(f.Limit, 0), w.args...)
	if err != nil {
		return nil, fmt.Errorf("review queue: %w", err)
	}
	return ids, nil
}

// CountReviewQueue counts the cases matching f.
func (r Reader) CountReviewQueue(f ReviewQueueFilter) (int, error) {
	w, ok := f.where()
	if !ok {
		return 0, nil
	}
	var n int
	if err := r.q.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM cases c`+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count review queue: %w", err)
	}
	return n, nil
}

// idColumn runs a query of one id column.
func (r Reader) idColumn(query string, args ...any) ([]int64, error) {
	rows, err := r.q.QueryContext(r.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
