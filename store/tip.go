package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhengzhi/domain"
)

// Tips (举报): rows given fully decided by the application layer (app/tips.go).
// The reporter's identity arrives here already sealed and leaves sealed.

const tipCols = `t.id, t.campaign_id, t.channel, t.ref_no, t.category, t.unit_name, t.address, t.lat, t.lng,
	t.description, t.media_url, t.anonymous, t.contactable, t.partner, t.status, t.org_id, t.village_id,
	t.dispatched_at, t.verify_note, t.verified_at, t.duplicate_of, t.case_id, t.feedback, t.feedback_at, t.feedback_due,
	t.reward_status, t.reward_fen, t.reward_approved_at, t.reward_pay_due, t.reward_paid_date, t.reward_method,
	t.reward_paid_ref, t.reward_note, t.received_at, t.updated_at, t.version, COALESCE(o.name, '')`

const tipFrom = ` FROM tips t LEFT JOIN org_units o ON o.id = t.org_id`

func scanTip(r scanner) (*domain.Tip, error) {
	var t domain.Tip
	err := r.Scan(&t.ID, &t.CampaignID, &t.Channel, &t.RefNo, &t.Category, &t.UnitName, &t.Address, &t.Lat, &t.Lng,
		&t.Description, &t.MediaURL, &t.Anonymous, &t.Contactable, &t.Partner, &t.Status, &t.OrgID, &t.VillageID,
		nullTimeScan{&t.DispatchedAt}, &t.VerifyNote, nullTimeScan{&t.VerifiedAt}, &t.DuplicateOf, &t.CaseID, &t.Feedback,
		nullTimeScan{&t.FeedbackAt}, &t.FeedbackDue, &t.Reward.Status, &t.Reward.AmountFen, nullTimeScan{&t.Reward.ApprovedAt},
		&t.Reward.PayDue, &t.Reward.PaidDate, &t.Reward.Method, &t.Reward.PaidRef, &t.Reward.Note,
		timeScan{&t.ReceivedAt}, timeScan{&t.UpdatedAt}, &t.Version, &t.TownName)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// InsertTip stores a new tip with its sealed reporter and the hash of its
// follow code, and sets its id, version and timestamps.
func (tx *Tx) InsertTip(t *domain.Tip, sealedReporter, followHash string) error {
	t.ReceivedAt, t.UpdatedAt, t.Version = tx.now, tx.now, 1
	id, err := tx.insert(`INSERT INTO tips (campaign_id, channel, ref_no, category, unit_name, address, lat, lng,
		description, media_url, reporter_sealed, anonymous, contactable, partner, follow_hash, status, feedback_due,
		reward_status, received_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, 1) RETURNING id`,
		t.CampaignID, string(t.Channel), t.RefNo, string(t.Category), t.UnitName, t.Address,
		t.Lat, t.Lng, t.Description, t.MediaURL, sealedReporter, t.Anonymous, t.Contactable, t.Partner, followHash,
		string(t.Status), string(t.FeedbackDue), string(t.Reward.Status), ts(tx.now))
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("insert tip: %w", ErrDuplicate)
		}
		return fmt.Errorf("insert tip: %w", err)
	}
	t.ID = id
	return nil
}

// UpdateTip writes a tip's handling fields if it is still at readVersion
// (ErrStale otherwise), and moves it to the next version.
func (tx *Tx) UpdateTip(t *domain.Tip, readVersion int64) error {
	res, err := tx.exec(`UPDATE tips SET ref_no = $1, status = $2, org_id = $3, village_id = $4, dispatched_at = $5,
		verify_note = $6, verified_at = $7, duplicate_of = $8, case_id = $9, feedback = $10, feedback_at = $11,
		reward_status = $12, reward_fen = $13, reward_approved_at = $14, reward_pay_due = $15, reward_paid_date = $16,
		reward_method = $17, reward_paid_ref = $18, reward_note = $19, updated_at = $20, version = version + 1
		WHERE id = $21 AND version = $22`,
		t.RefNo, string(t.Status), t.OrgID, t.VillageID, tsPtr(t.DispatchedAt), t.VerifyNote, tsPtr(t.VerifiedAt),
		t.DuplicateOf, t.CaseID, t.Feedback, tsPtr(t.FeedbackAt), string(t.Reward.Status), t.Reward.AmountFen,
		tsPtr(t.Reward.ApprovedAt), string(t.Reward.PayDue), string(t.Reward.PaidDate), string(t.Reward.Method),
		t.Reward.PaidRef, t.Reward.Note, ts(tx.now), t.ID, readVersion)
	if err != nil {
		return fmt.Errorf("update tip %d: %w", t.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update tip %d: %w", t.ID, ErrStale)
	}
	t.Version, t.UpdatedAt = readVersion+1, tx.now
	return nil
}

// Tip loads one tip.
func (r Reader) Tip(id int64) (*domain.Tip, error) {
	t, err := scanTip(r.q.QueryRowContext(r.ctx, `SELECT `+tipCols+tipFrom+` WHERE t.id = $1`, id))
	if err != nil {
		return nil, noRows(err, "tip", id)
	}
	return t, nil
}

// TipByFollowHash loads the tip whose follow code hashes to hash.
func (r Reader) TipByFollowHash(hash string) (*domain.Tip, error) {
	t, err := scanTip(r.q.QueryRowContext(r.ctx, `SELECT `+tipCols+tipFrom+` WHERE t.follow_hash = $1`, hash))
	if err != nil {
		return nil, noRows(err, "tip by follow code", "")
	}
	return t, nil
}

// TipSealed returns a tip's sealed reporter and the follow-code hash it is
// bound to.
func (r Reader) TipSealed(id int64) (sealed, followHash string, err error) {
	err = r.q.QueryRowContext(r.ctx, `SELECT reporter_sealed, follow_hash FROM tips WHERE id = $1`, id).Scan(&sealed, &followHash)
	return sealed, followHash, noRows(err, "tip", id)
}

// TipFilter selects tips. Every criterion is optional; the app computes the
// scope criteria (OrgID for a town) from the actor.
type TipFilter struct {
	CampaignID   int64
	OrgID        *int64 // dispatched to this town (equality)
	Undispatched bool   // not dispatched yet
	Statuses     []domain.TipStatus
	Channel      domain.TipChannel
	IDs          []int64
	CaseID       int64
	Categories   []domain.Category
	From, To     *time.Time // received_at within [From, To]
	Limit        int
	Offset       int
	Oldest       bool // oldest first (default newest first)
}

func (f TipFilter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, vals ...any) {
		for _, v := range vals {
			args = append(args, v)
			cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(args)), 1)
		}
		conds = append(conds, cond)
	}
	if f.CampaignID != 0 {
		add("t.campaign_id = ?", f.CampaignID)
	}
	if f.OrgID != nil {
		add("t.org_id = ?", *f.OrgID)
	}
	if f.Undispatched {
		add("t.org_id IS NULL")
	}
	if len(f.Statuses) > 0 {
		ph := make([]string, len(f.Statuses))
		vals := make([]any, len(f.Statuses))
		for i, s := range f.Statuses {
			ph[i], vals[i] = "?", string(s)
		}
		add("t.status IN ("+strings.Join(ph, ", ")+")", vals...)
	}
	if f.Channel != "" {
		add("t.channel = ?", string(f.Channel))
	}
	if len(f.IDs) > 0 {
		ph := make([]string, len(f.IDs))
		vals := make([]any, len(f.IDs))
		for i, id := range f.IDs {
			ph[i], vals[i] = "?", id
		}
		add("t.id IN ("+strings.Join(ph, ", ")+")", vals...)
	}
	if f.CaseID != 0 {
		add("t.case_id = ?", f.CaseID)
	}
	if len(f.Categories) > 0 {
		ph := make([]string, len(f.Categories))
		vals := make([]any, len(f.Categories))
		for i, c := range f.Categories {
			ph[i], vals[i] = "?", string(c)
		}
		add("t.category IN ("+strings.Join(ph, ", ")+")", vals...)
	}
	if f.From != nil {
		add("t.received_at >= ?", ts(*f.From))
	}
	if f.To != nil {
		add("t.received_at <= ?", ts(*f.To))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Tips lists the tips f selects with their total count (ignoring limit).
func (r Reader) Tips(f TipFilter) ([]*domain.Tip, int, error) {
	where, args := f.where()
	var total int
	if err := r.q.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM tips t`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count tips: %w", err)
	}
	order := ` ORDER BY t.received_at DESC, t.id DESC`
	if f.Oldest {
		order = ` ORDER BY t.received_at, t.id`
	}
	q := `SELECT ` + tipCols + tipFrom + where + order
	if f.Limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(f.Limit) + ` OFFSET ` + strconv.Itoa(f.Offset)
	}
	rows, err := r.q.QueryContext(r.ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list tips: %w", err)
	}
	defer rows.Close()
	out := []*domain.Tip{}
	for rows.Next() {
		t, err := scanTip(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, t)
	}
	return out, total, rows.Err()
}

// TipFile is a photo sent with a tip or evidence added to it.
type TipFile struct {
	ID          int64     `json:"id"`
	TipID       int64     `json:"tip_id"`
	Kind        string    `json:"kind"` // report | evidence
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	Filename    string    `json:"filename"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// InsertTipFile records a stored blob as a file of a tip.
func (tx *Tx) InsertTipFile(f *TipFile) error {
	f.UploadedAt = tx.now
	id, err := tx.insert(`INSERT INTO tip_files (tip_id, kind, sha256, size, content_type, filename, uploaded_by, uploaded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		f.TipID, f.Kind, f.SHA256, f.Size, f.ContentType, f.Filename, tx.actorRef(), ts(tx.now))
	if err != nil {
		return fmt.Errorf("insert tip file: %w", err)
	}
	f.ID = id
	return nil
}

// TipFiles lists a tip's files in upload order.
func (r Reader) TipFiles(tipID int64) ([]*TipFile, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT id, tip_id, kind, sha256, size, content_type, filename, uploaded_at
		FROM tip_files WHERE tip_id = $1 ORDER BY id`, tipID)
	if err != nil {
		return nil, fmt.Errorf("tip files: %w", err)
	}
	defer rows.Close()
	out := []*TipFile{}
	for rows.Next() {
		var f TipFile
		if err := rows.Scan(&f.ID, &f.TipID, &f.Kind, &f.SHA256, &f.Size, &f.ContentType, &f.Filename, timeScan{&f.UploadedAt}); err != nil {
			return nil, err
		}
		out = append(out, &f)
	}
	return out, rows.Err()
}

// OutboxItem is one pending (or done) delivery of a tip to 12350.
type OutboxItem struct {
	ID             int64      `json:"id"`
	TipID          int64      `json:"tip_id"`
	IdempotencyKey string     `json:"idempotency_key"`
	Attempts       int        `json:"attempts"`
	NextAttemptAt  time.Time  `json:"next_attempt_at"`
	LastError      string     `json:"last_error"`
	DeliveredAt    *time.Time `json:"delivered_at"`
	ExportedAt     *time.Time `json:"exported_at"`
}

const outboxCols = `id, tip_id, idempotency_key, attempts, next_attempt_at, last_error, delivered_at, exported_at`

func scanOutbox(r scanner) (*OutboxItem, error) {
	var o OutboxItem
	err := r.Scan(&o.ID, &o.TipID, &o.IdempotencyKey, &o.Attempts, timeScan{&o.NextAttemptAt}, &o.LastError,
		nullTimeScan{&o.DeliveredAt}, nullTimeScan{&o.ExportedAt})
	return &o, err
}

// InsertOutbox queues a tip for delivery, due at once.
func (tx *Tx) InsertOutbox(tipID int64, key string) error {
	_, err := tx.exec(`INSERT INTO tip_outbox (tip_id, idempotency_key, created_at, next_attempt_at) VALUES ($1, $2, $3, $3)`,
		tipID, key, ts(tx.now))
	if err != nil {
		return fmt.Errorf("queue tip %d for 12350: %w", tipID, err)
	}
	return nil
}

// ClaimOutbox takes up to limit undelivered items due at the transaction's
// now and leases them until leaseUntil (their next attempt), so that another
// worker — writers are serialised — skips them while this one posts.
func (tx *Tx) ClaimOutbox(limit int, leaseUntil time.Time) ([]*OutboxItem, error) {
	rows, err := tx.query(`SELECT `+outboxCols+` FROM tip_outbox WHERE delivered_at IS NULL AND next_attempt_at <= $1
		ORDER BY next_attempt_at, id LIMIT `+strconv.Itoa(limit), ts(tx.now))
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	var out []*OutboxItem
	for rows.Next() {
		o, err := scanOutbox(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, o := range out {
		o.Attempts++
		if _, err := tx.exec(`UPDATE tip_outbox SET attempts = $1, next_attempt_at = $2 WHERE id = $3`, o.Attempts, ts(leaseUntil), o.ID); err != nil {
			return nil, fmt.Errorf("lease outbox %d: %w", o.ID, err)
		}
	}
	return out, nil
}

// OutboxRetry records a failed attempt and when to try again.
func (tx *Tx) OutboxRetry(id int64, next time.Time, lastErr string) error {
	if len(lastErr) > 500 {
		lastErr = lastErr[:500]
	}
	_, err := tx.exec(`UPDATE tip_outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3 AND delivered_at IS NULL`,
		ts(next), lastErr, id)
	return err
}

// OutboxDelivered marks a tip's delivery done (by the worker, or by the
// district office recording the number of a batch-entered tip).
func (tx *Tx) OutboxDelivered(tipID int64) error {
	_, err := tx.exec(`UPDATE tip_outbox SET delivered_at = $1, last_error = '' WHERE tip_id = $2 AND delivered_at IS NULL`, ts(tx.now), tipID)
	return err
}

// OutboxExported marks items as handed over in a batch file.
func (tx *Tx) OutboxExported(tipIDs []int64) error {
	for _, id := range tipIDs {
		if _, err := tx.exec(`UPDATE tip_outbox SET exported_at = $1 WHERE tip_id = $2 AND delivered_at IS NULL`, ts(tx.now), id); err != nil {
			return err
		}
	}
	return nil
}

// OutboxItemFor loads the outbox item of a tip.
func (r Reader) OutboxItemFor(tipID int64) (*OutboxItem, error) {
	o, err := scanOutbox(r.q.QueryRowContext(r.ctx, `SELECT `+outboxCols+` FROM tip_outbox WHERE tip_id = $1`, tipID))
	if err != nil {
		return nil, noRows(err, "outbox of tip", tipID)
	}
	return o, nil
}

// Undelivered lists the outbox items not delivered yet, oldest first.
func (r Reader) Undelivered() ([]*OutboxItem, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+outboxCols+` FROM tip_outbox WHERE delivered_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("undelivered: %w", err)
	}
	defer rows.Close()
	var out []*OutboxItem
	for rows.Next() {
		o, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// RewardRule loads a campaign's reward rule (ErrNotFound: none set).
func (r Reader) RewardRule(campaignID int64) (*domain.RewardRule, error) {
	var x domain.RewardRule
	err := r.q.QueryRowContext(r.ctx, `SELECT campaign_id, rate_bp, min_fen, max_fen, pay_days, feedback_days
		FROM tip_reward_rules WHERE campaign_id = $1`, campaignID).Scan(&x.CampaignID, &x.RateBP, &x.MinFen, &x.MaxFen, &x.PayDays, &x.FeedbackDays)
	if err != nil {
		return nil, noRows(err, "reward rule of campaign", campaignID)
	}
	return &x, nil
}

// PutRewardRule stores a campaign's reward rule.
func (tx *Tx) PutRewardRule(x domain.RewardRule) error {
	res, err := tx.exec(`UPDATE tip_reward_rules SET rate_bp = $1, min_fen = $2, max_fen = $3, pay_days = $4, feedback_days = $5,
		updated_at = $6 WHERE campaign_id = $7`, x.RateBP, x.MinFen, x.MaxFen, x.PayDays, x.FeedbackDays, ts(tx.now), x.CampaignID)
	if err != nil {
		return fmt.Errorf("reward rule: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.exec(`INSERT INTO tip_reward_rules (campaign_id, rate_bp, min_fen, max_fen, pay_days, feedback_days, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, x.CampaignID, x.RateBP, x.MinFen, x.MaxFen, x.PayDays, x.FeedbackDays, ts(tx.now))
	if err != nil {
		return fmt.Errorf("reward rule: %w", err)
	}
	return nil
}

// Open311Key is a partner app's API key (only its hash is kept).
type Open311Key struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// InsertOpen311Key stores a new key's hash under name (ErrDuplicate: the
// name is taken).
func (tx *Tx) InsertOpen311Key(name, hash string) (*Open311Key, error) {
	id, err := tx.insert(`INSERT INTO open311_keys (name, key_hash, created_at) VALUES ($1, $2, $3) RETURNING id`, name, hash, ts(tx.now))
	if err != nil {
		if isUniqueViolation(err) {
			return nil, fmt.Errorf("open311 key %s: %w", name, ErrDuplicate)
		}
		return nil, fmt.Errorf("open311 key %s: %w", name, err)
	}
	return &Open311Key{ID: id, Name: name, CreatedAt: tx.now}, nil
}

// RevokeOpen311Key revokes the live key called name (ErrNotFound: none).
func (tx *Tx) RevokeOpen311Key(name string) (*Open311Key, error) {
	k, err := scanKey(tx.queryRow(`SELECT id, name, created_at, revoked_at FROM open311_keys WHERE name = $1`, name))
	if err != nil || k.RevokedAt != nil {
		if err == nil {
			err = ErrNotFound
		}
		return nil, noRows(err, "open311 key", name)
	}
	if _, err := tx.exec(`UPDATE open311_keys SET revoked_at = $1 WHERE id = $2`, ts(tx.now), k.ID); err != nil {
		return nil, err
	}
	now := tx.now
	k.RevokedAt = &now
	return k, nil
}

func scanKey(r scanner) (*Open311Key, error) {
	var k Open311Key
	err := r.Scan(&k.ID, &k.Name, timeScan{&k.CreatedAt}, nullTimeScan{&k.RevokedAt})
	return &k, err
}

// Open311KeyByHash loads the live key with this hash.
func (r Reader) Open311KeyByHash(hash string) (*Open311Key, error) {
	k, err := scanKey(r.q.QueryRowContext(r.ctx, `SELECT id, name, created_at, revoked_at FROM open311_keys
		WHERE key_hash = $1 AND revoked_at IS NULL`, hash))
	if err != nil {
		return nil, noRows(err, "open311 key", "")
	}
	return k, nil
}

// Open311Keys lists every key, live and revoked, by name.
func (r Reader) Open311Keys() ([]*Open311Key, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT id, name, created_at, revoked_at FROM open311_keys ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Open311Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
