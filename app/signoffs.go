package app

import (
	"context"
	"slices"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// Signatures (签字) bound to a case's content, the "待我审核" inboxes and
// batch approval.

// SignOffCheck is a signature with the outcome of checking it against the
// case as stored now (domain.SignOff.Holds). Superseded signatures (the
// case was returned or reopened after them, so its content could change
// legitimately) are not checked: Valid is true and Superseded says why.
type SignOffCheck struct {
	domain.SignOff
	Valid      bool       `json:"valid"`
	Superseded *time.Time `json:"superseded_at,omitempty"`
}

// CaseSignOffs lists a case's signatures in order, each checked against
// the case's current content and the attachments it covered (those
// uploaded by its time: evidence added later in a review state does not
// void an earlier signature). Valid false can only come from data changed
// behind the program's back.
func (s *App) CaseSignOffs(ctx context.Context, a *domain.Actor, caseID int64) ([]SignOffCheck, error) {
	r := s.db.Reader(ctx)
	c, place, err := r.Case(caseID)
	if err != nil {
		return nil, found(err, "问题")
	}
	if err := domain.Authorize(a, domain.ActRead, place, "问题"); err != nil {
		return nil, err
	}
	rows, err := r.SignOffs(caseID)
	if err != nil {
		return nil, err
	}
	files, err := r.CaseFiles(caseID)
	if err != nil {
		return nil, err
	}
	out := make([]SignOffCheck, len(rows))
	for i, x := range rows {
		out[i] = SignOffCheck{SignOff: x.SignOff, Superseded: x.SupersededAt,
			Valid: x.Holds(x.SupersededAt != nil, c, files)}
	}
	return out, nil
}

// CaseContent is exactly what a signature on the case would cover now: the
// case, its attachments and the content hash (the sign page shows all
// three). It is the case's read and its attachments' read together.
func (s *App) CaseContent(ctx context.Context, a *domain.Actor, caseID int64) (*domain.Case, []*domain.Attachment, string, error) {
	c, err := s.Case(ctx, a, caseID)
	if err != nil {
		return nil, nil, "", err
	}
	atts, err := s.CaseAttachments(ctx, a, caseID)
	if err != nil {
		return nil, nil, "", err
	}
	shas := make([]string, len(atts))
	for i, x := range atts {
		shas[i] = x.SHA256
	}
	return c, atts, domain.ContentHash(c, shas), nil
}

// InboxItem is a case awaiting the actor's signature, with the content hash
// a signature would cover and its number of attachments.
type InboxItem struct {
	*domain.Case
	ContentHash string `json:"content_hash"`
	Attachments int    `json:"attachments"`
}

// Inbox lists the cases in the actor's scope that await their signature
// ("待我审核"): those in a review state (domain.ReviewStatuses) that the
// transition table lets them approve now (the village head at
// closeout_requested in their village, the town head or their delegate at
// village_approved or at closeout_requested without a village, the district
// office at town_approved), least recently changed first.
func (s *App) Inbox(ctx context.Context, a *domain.Actor) ([]InboxItem, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	r := s.db.Reader(ctx)
	del, err := activeDelegation(r, a.User.ID, now)
	if err != nil {
		return nil, err
	}
	// A delegate signs in the head's unit, which is their own unit already.
	scope, err := scopeOf(r, &a.Scope)
	if err != nil {
		return nil, err
	}
	ids, err := r.ReviewQueue(store.ReviewQueueFilter{Scope: scope, Statuses: domain.ReviewStatuses()})
	if err != nil {
		return nil, err
	}
	out := []InboxItem{}
	camps := map[int64]*domain.Campaign{}
	for _, id := range ids {
		c, _, err := r.Case(id)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(domain.AllowedActionsAs(a, del, now, c), domain.CaseApprove) {
			continue
		}
		files, err := r.CaseFiles(id)
		if err != nil {
			return nil, err
		}
		camp, ok := camps[c.CampaignID]
		if !ok {
			if camp, err = r.Campaign(c.CampaignID); err != nil {
				return nil, err
			}
			camps[c.CampaignID] = camp
		}
		s.withWarnings(c, camp, now)
		out = append(out, InboxItem{Case: c, ContentHash: domain.ContentHash(c, domain.Digests(files, time.Time{})), Attachments: len(files)})
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
// transaction (ApplyCaseAction), and reports each outcome: one refusal (a
// stale version, a case changed since it was viewed, another signer first)
// leaves the others approved. The batch's size and each case's version are
// domain.CheckBatchApproval's and domain.CheckBatchItem's.
func (s *App) ApproveMany(ctx context.Context, a *domain.Actor, items []ApproveItem) ([]ApproveResult, error) {
	if err := domain.CheckBatchApproval(len(items)); err != nil {
		return nil, err
	}
	out := make([]ApproveResult, 0, len(items))
	for _, it := range items {
		r := ApproveResult{ID: it.ID}
		err := domain.CheckBatchItem(it.Version)
		if err == nil {
			r.Case, err = s.ApplyCaseAction(ctx, a, it.ID, CaseActionInput{Action: domain.CaseApprove, Version: it.Version, ContentHash: it.ContentHash})
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
