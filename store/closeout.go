package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhengzhi/domain"
)

// The closed loop of a case (DESIGN.md §2): actions through the one
// transition table (domain.TransitionAs), signatures (签字) bound to the
// case's content, the "待我审核" inboxes and batch approval.

// CaseActionInput is one action on a case (POST /api/v1/cases/{id}/actions).
// Version, when > 0, is the version the actor read: a stale one is refused
// (409). ContentHash, when set, is the content hash the sign page showed: a
// case whose content changed since is refused (409), so nobody signs what
// they did not see. OrgID and VillageID are a transfer's destination.
type CaseActionInput struct {
	Action      domain.CaseAction `json:"action"`
	Reason      string            `json:"reason"`
	Version     int64             `json:"version"`
	ContentHash string            `json:"content_hash"`
	OrgID       int64             `json:"org_id"`
	VillageID   int64             `json:"village_id"`
}

// caseActionRecord is what the audit trail keeps after an action: the case
// and the reason given (return, reopen, void, transfer).
type caseActionRecord struct {
	domain.Case
	ActionReason string `json:"action_reason,omitempty"`
}

// ApplyCaseAction takes an action on a case in one transaction: it loads
// the case, its place and campaign and the actor's delegation in force,
// asks domain.TransitionAs, applies the outcome with a version check
// (UPDATE … WHERE version = read version, so of two signers at the same
// moment exactly one wins and the other gets 409), records a signature for
// approve and return, and appends the audit event with before and after.
//
// A transfer moves the case and its site to the destination town (and
// village): the site is where the case is, so the new town sees both and
// the old town neither. The 问题编号 stays: numbers are never reused.
// Returning or reopening a case supersedes its signatures so far: its
// content may change from then on, and they are no longer checked.
func (d *DB) ApplyCaseAction(ctx context.Context, a *domain.Actor, caseID int64, in CaseActionInput) (*domain.Case, error) {
	in.Action = domain.CaseAction(strings.TrimSpace(string(in.Action)))
	var out *domain.Case
	var camp *domain.Campaign
	err := d.write(ctx, a, func(tx *Tx) error {
		before, place, err := loadCase(ctx, tx.tx, caseID)
		if err != nil {
			return err
		}
		if camp, err = loadCampaign(ctx, tx.tx, before.CampaignID); err != nil {
			return err
		}
		var del *domain.Delegation
		if a != nil {
			if del, err = activeDelegation(ctx, tx.tx, a.User.ID, tx.now); err != nil {
				return err
			}
		}
		// A stale version is the first answer once the case is in scope: the
		// actor acted on a view that another signer has overtaken, whatever
		// the new state would let them do (two signers: one wins, one 409).
		if in.Version > 0 && in.Version != before.Version && a != nil && a.Sees(place) {
			return errStale("问题", before.Version)
		}
		to, err := domain.TransitionAs(a, del, tx.now, before, camp, in.Action, in.Reason, place)
		if err != nil {
			return err
		}
		shas, err := caseAttachmentSHAs(ctx, tx.tx, caseID, time.Time{})
		if err != nil {
			return err
		}
		if in.ContentHash != "" && !strings.EqualFold(strings.TrimSpace(in.ContentHash), domain.ContentHash(before, shas)) {
			return &domain.Error{Code: domain.ECONFLICT, Field: "content_hash",
				Message: "问题内容或材料在您核对之后已有变化，请重新核对后再签字"}
		}
		after := before.Clone()
		domain.ApplyTransition(after, in.Action, to, tx.now)
		if in.Action == domain.CaseTransfer {
			if err := d.transferTo(tx, a, before, after, in); err != nil {
				return err
			}
		}
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		res, err := tx.exec(`UPDATE cases SET org_id = $1, village_id = $2, status = $3, published = $4, closed_at = $5,
			version = $6, updated_at = $7 WHERE id = $8 AND version = $9`,
			after.OrgID, after.VillageID, after.Status, after.Published, tsPtr(after.ClosedAt),
			after.Version, ts(tx.now), caseID, before.Version)
		if err != nil {
			return fmt.Errorf("%s case %d: %w", in.Action, caseID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errStale("问题", before.Version)
		}
		if s, ok := domain.NewSignOff(a, del, after, in.Action, in.Reason, before.Status, to, tx.now, shas); ok {
			if err := tx.insertSignOff(&s); err != nil {
				return err
			}
		}
		if in.Action == domain.CaseReturn || in.Action == domain.CaseReopen {
			if _, err := tx.exec(`UPDATE signoffs SET superseded_at = $1 WHERE case_id = $2 AND superseded_at IS NULL`, ts(tx.now), caseID); err != nil {
				return fmt.Errorf("supersede signatures of case %d: %w", caseID, err)
			}
		}
		rec := caseActionRecord{Case: after.Stored(), ActionReason: strings.TrimSpace(in.Reason)}
		if err := tx.audit(string(in.Action), "case", caseID, before.Stored(), rec); err != nil {
			return err
		}
		full, _, err := loadCase(ctx, tx.tx, caseID)
		out = full
		return err
	})
	if err != nil {
		return nil, err
	}
	d.fillCaseWarnings(out, camp)
	return out, nil
}

// transferTo checks a transfer's destination and moves the case (after) and
// its site there.
func (d *DB) transferTo(tx *Tx, a *domain.Actor, before, after *domain.Case, in CaseActionInput) error {
	if in.OrgID == 0 && in.VillageID == 0 {
		return domain.Invalid("org_id", "请选择移交到的镇（街道）")
	}
	town, village, err := d.resolvePlace(tx.ctx, tx.tx, a, in.OrgID, in.VillageID)
	if err != nil {
		return err
	}
	if err := domain.CheckTransfer(a, before, town, village); err != nil {
		return err
	}
	after.OrgID, after.VillageID = town.ID, nil
	if village != nil {
		id := village.ID
		after.VillageID = &id
	}
	site, _, err := loadSite(tx.ctx, tx.tx, before.SiteID)
	if err != nil {
		return err
	}
	moved := *site
	moved.OrgID, moved.VillageID, moved.Version, moved.UpdatedAt = after.OrgID, after.VillageID, site.Version+1, tx.now
	if _, err := tx.exec(`UPDATE sites SET org_id = $1, village_id = $2, version = $3, updated_at = $4 WHERE id = $5`,
		moved.OrgID, moved.VillageID, moved.Version, ts(tx.now), site.ID); err != nil {
		return fmt.Errorf("transfer site %d: %w", site.ID, err)
	}
	return tx.audit("transfer", "site", site.ID, auditSite(site), auditSite(&moved))
}

// caseAttachmentSHAs lists the SHA-256s of a case's attachments; with a
// non-zero upTo, only those uploaded at or before it (what a signature
// given then covered).
func caseAttachmentSHAs(ctx context.Context, q querier, caseID int64, upTo time.Time) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT sha256, uploaded_at FROM attachments WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("attachments of case %d: %w", caseID, err)
	}
	defer rows.Close()
	shas := []string{}
	for rows.Next() {
		var sha string
		var at time.Time
		if err := rows.Scan(&sha, timeScan{&at}); err != nil {
			return nil, err
		}
		if upTo.IsZero() || !at.After(upTo) {
			shas = append(shas, sha)
		}
	}
	return shas, rows.Err()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (tx *Tx) insertSignOff(s *domain.SignOff) error {
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
	return tx.audit("sign", "signoff", id, nil, s)
}

// SignOffCheck is a signature with the outcome of checking it against the
// case as stored now. Superseded signatures (the case was returned or
// reopened after them, so its content could change legitimately) are not
// checked: Valid is true and Superseded says why.
type SignOffCheck struct {
	domain.SignOff
	Valid      bool       `json:"valid"`
	Superseded *time.Time `json:"superseded_at,omitempty"`
}

const signOffCols = `id, case_id, COALESCE(user_id, 0), user_name, role, COALESCE(org_id, 0), on_behalf_of_user_id, on_behalf_of_name,
	decision, reason, from_status, to_status, at, content_hash, superseded_at`

// CaseSignOffs lists a case's signatures in order, each checked against
// the case's current content and the attachments it covered (those
// uploaded by its time: evidence added later in a review state does not
// void an earlier signature). Valid false can only come from data changed
// behind the program's back.
func (d *DB) CaseSignOffs(ctx context.Context, a *domain.Actor, caseID int64) ([]SignOffCheck, error) {
	c, place, err := loadCase(ctx, d.db, caseID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, place, "问题"); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+signOffCols+` FROM signoffs WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("signatures of case %d: %w", caseID, err)
	}
	defer rows.Close()
	out := []SignOffCheck{}
	for rows.Next() {
		var s SignOffCheck
		var role string
		if err := rows.Scan(&s.ID, &s.CaseID, &s.UserID, &s.UserName, &role, &s.OrgID, &s.OnBehalfOfUserID, &s.OnBehalfOfName,
			&s.Decision, &s.Reason, &s.FromStatus, &s.ToStatus, timeScan{&s.At}, &s.ContentHash, nullTimeScan{&s.Superseded}); err != nil {
			return nil, err
		}
		s.Role = domain.Role(role)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		if out[i].Superseded != nil {
			out[i].Valid = true
			continue
		}
		shas, err := caseAttachmentSHAs(ctx, d.db, caseID, out[i].At)
		if err != nil {
			return nil, err
		}
		out[i].Valid = out[i].Verify(c, shas)
	}
	return out, nil
}

// CaseContent is exactly what a signature on the case would cover now: the
// case, its attachments and the content hash (the sign page shows all three).
func (d *DB) CaseContent(ctx context.Context, a *domain.Actor, caseID int64) (*domain.Case, []*Attachment, string, error) {
	c, err := d.readCase(ctx, a, caseID)
	if err != nil {
		return nil, nil, "", err
	}
	atts, err := d.attachmentsWhere(ctx, `case_id = $1`, caseID)
	if err != nil {
		return nil, nil, "", err
	}
	shas := make([]string, len(atts))
	for i, x := range atts {
		shas[i] = x.SHA256
	}
	return c, atts, domain.ContentHash(c, shas), nil
}

// AllowedCaseActions lists the actions the actor may take on the case now,
// with the delegation in force (if any): what the case page offers.
func (d *DB) AllowedCaseActions(ctx context.Context, a *domain.Actor, c *domain.Case) ([]domain.CaseAction, *domain.Delegation, error) {
	now := d.clock.Now()
	del, err := d.ActiveDelegation(ctx, a.User.ID, now)
	if err != nil {
		return nil, nil, err
	}
	return domain.AllowedActionsAs(a, del, now, c), del, nil
}

// InboxItem is a case awaiting the actor's signature, with the content hash
// a signature would cover and its number of attachments.
type InboxItem struct {
	*domain.Case
	ContentHash string `json:"content_hash"`
	Attachments int    `json:"attachments"`
}

// reviewStatuses are the statuses a case waits for a signature in.
var reviewStatuses = []domain.CaseStatus{domain.StatusCloseoutRequested, domain.StatusVillageApproved, domain.StatusTownApproved}

// Inbox lists the cases in the actor's scope that await their signature
// ("待我审核"): those the transition table lets them approve now (the
// village head at closeout_requested in their village, the town head or
// their delegate at village_approved or at closeout_requested without a
// village, the district office at town_approved), oldest request first.
func (d *DB) Inbox(ctx context.Context, a *domain.Actor) ([]InboxItem, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	now := d.clock.Now()
	del, err := d.ActiveDelegation(ctx, a.User.ID, now)
	if err != nil {
		return nil, err
	}
	// A delegate sees the head's unit; it is their own unit already.
	rows, err := d.db.QueryContext(ctx, `SELECT `+caseCols+caseFrom+` WHERE p.path LIKE $1 AND c.status IN ($2, $3, $4)
		ORDER BY c.updated_at, c.id`, a.Scope.Path+"%", reviewStatuses[0], reviewStatuses[1], reviewStatuses[2])
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	defer rows.Close()
	var cases []*domain.Case
	for rows.Next() {
		c, _, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		for _, act := range domain.AllowedActionsAs(a, del, now, c) {
			if act == domain.CaseApprove {
				cases = append(cases, c)
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := []InboxItem{}
	camps := map[int64]*domain.Campaign{}
	for _, c := range cases {
		shas, err := caseAttachmentSHAs(ctx, d.db, c.ID, time.Time{})
		if err != nil {
			return nil, err
		}
		camp, ok := camps[c.CampaignID]
		if !ok {
			if camp, err = d.Campaign(ctx, c.CampaignID); err != nil {
				return nil, err
			}
			camps[c.CampaignID] = camp
		}
		d.fillCaseWarnings(c, camp)
		out = append(out, InboxItem{Case: c, ContentHash: domain.ContentHash(c, shas), Attachments: len(shas)})
	}
	return out, nil
}

// ApproveItem is one case of a batch approval: the version and, when given,
// the content hash the actor viewed.
type ApproveItem struct {
	ID          int64  `json:"id"`
	Version     int64  `json:"version"`
	ContentHash string `json:"content_hash"`
}

// ApproveResult is one case's outcome in a batch approval.
type ApproveResult struct {
	ID    int64        `json:"id"`
	OK    bool         `json:"ok"`
	Case  *domain.Case `json:"case,omitempty"`
	Code  string       `json:"code,omitempty"` // domain error code when refused
	Error string       `json:"error,omitempty"`
	Field string       `json:"field,omitempty"`
}

// ApproveMany approves each case the actor viewed, each in its own
// transaction, and reports each outcome: one refusal (a stale version, a
// case changed since it was viewed, another signer first) leaves the others
// approved. The version is required, so only a case as it was viewed is
// signed.
func (d *DB) ApproveMany(ctx context.Context, a *domain.Actor, items []ApproveItem) ([]ApproveResult, error) {
	if len(items) == 0 {
		return nil, domain.Invalid("cases", "请选择要审核通过的问题")
	}
	if len(items) > 200 {
		return nil, domain.Invalid("cases", "一次最多审核 200 个问题")
	}
	out := make([]ApproveResult, 0, len(items))
	for _, it := range items {
		r := ApproveResult{ID: it.ID}
		var err error
		if it.Version <= 0 {
			err = domain.Invalid("version", "请提供查看时的版本号")
		} else {
			r.Case, err = d.ApplyCaseAction(ctx, a, it.ID, CaseActionInput{Action: domain.CaseApprove, Version: it.Version, ContentHash: it.ContentHash})
		}
		if err != nil {
			code := domain.ErrorCode(err)
			if code == domain.EINTERNAL || code == domain.EUNAUTHORIZED {
				return nil, err
			}
			r.Code, r.Error, r.Field = code, domain.ErrorMessage(err), domain.ErrorField(err)
		} else {
			r.OK = true
		}
		out = append(out, r)
	}
	return out, nil
}
