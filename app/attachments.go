package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// AttachmentInput is one upload. Reader is read to the end (or to the
// limit); MaxBytes 0 means domain.DefaultMaxAttachment.
type AttachmentInput struct {
	Kind     string
	Item     string // clears_photo: the 两断三清 item it shows
	Filename string
	Lat      *float64
	Lng      *float64
	Reader   io.Reader
	MaxBytes int64
}

// SaveAttachment adds evidence to a case in the actor's scope (edit right
// needed). Evidence is accepted in every live status, not on a closed-out or
// voided case (domain.AcceptsEvidence). Over the limit the answer is
// ETOOLARGE and nothing is kept.
func (s *App) SaveAttachment(ctx context.Context, a *domain.Actor, caseID int64, in AttachmentInput) (*domain.Attachment, error) {
	return s.saveAttachment(ctx, a, &domain.Attachment{CaseID: &caseID}, in, func(tx *store.Tx) error {
		c, place, err := tx.Case(caseID)
		if err != nil {
			return found(err, "问题")
		}
		if err := domain.Authorize(a, domain.ActEditCase, place, "问题"); err != nil {
			return err
		}
		if !domain.AcceptsEvidence(c.Status) {
			return domain.EvidenceRefused(c.Status)
		}
		camp, err := tx.Campaign(c.CampaignID)
		if err != nil {
			return found(err, "专项行动")
		}
		return domain.CheckEvidenceItem(&domain.Attachment{Kind: in.Kind, Item: in.Item}, camp)
	})
}

// SaveInspectionPhoto adds a photo (or other file) to an inspection of a
// site in the actor's scope.
func (s *App) SaveInspectionPhoto(ctx context.Context, a *domain.Actor, inspectionID int64, in AttachmentInput) (*domain.Attachment, error) {
	return s.saveAttachment(ctx, a, &domain.Attachment{InspectionID: &inspectionID}, in, func(tx *store.Tx) error {
		_, err := readInspection(tx.Reader, a, domain.ActWriteSite, inspectionID)
		return err
	})
}

// saveAttachment checks the upload's description, stores its bytes, then in
// one transaction runs allow (loading the record attached to and deciding
// whether the actor may add to it, at the transaction's now) and records the
// attachment, audited on its case or inspection so that it shows in the
// timeline. The bytes go to the blob store before the transaction, which
// holds the writers' lock, so that a slow upload never holds it; bytes of a
// refused upload stay unreferenced in the content-addressed store.
func (s *App) saveAttachment(ctx context.Context, a *domain.Actor, x *domain.Attachment, in AttachmentInput, allow func(tx *store.Tx) error) (*domain.Attachment, error) {
	x.Kind, x.Item, x.Filename, x.Lat, x.Lng = in.Kind, in.Item, in.Filename, in.Lat, in.Lng
	if err := x.Normalize(); err != nil {
		return nil, err
	}
	if in.Reader == nil {
		return nil, domain.Invalid("file", "请选择文件")
	}
	var err error
	if x.SHA256, x.Size, x.ContentType, err = s.putBlob(ctx, in.Reader, in.MaxBytes); err != nil {
		return nil, err
	}
	err = s.db.Write(ctx, a, func(tx *store.Tx) error {
		if err := allow(tx); err != nil {
			return err
		}
		if err := tx.InsertAttachment(x); err != nil {
			return err
		}
		if x.CaseID != nil {
			return tx.Audit("attach", "case", *x.CaseID, nil, x)
		}
		return tx.Audit("attach", "inspection", *x.InspectionID, nil, x)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// putBlob stores an uploaded file of at most max bytes (0:
// domain.DefaultMaxAttachment) in the store's blob store; over the limit
// the answer is the domain's ETOOLARGE.
func (s *App) putBlob(ctx context.Context, r io.Reader, max int64) (sum string, size int64, contentType string, err error) {
	if max <= 0 {
		max = domain.DefaultMaxAttachment
	}
	sum, size, contentType, err = s.db.PutBlob(ctx, r, max)
	if errors.Is(err, store.ErrTooLarge) {
		err = domain.TooLarge(max)
	}
	return sum, size, contentType, err
}

// Attachment loads an attachment's record for an actor who may read its
// case (or inspection).
func (s *App) Attachment(ctx context.Context, a *domain.Actor, id int64) (*domain.Attachment, error) {
	r := s.db.Reader(ctx)
	x, err := r.Attachment(id)
	if err != nil {
		return nil, found(err, "材料")
	}
	var place *domain.OrgUnit
	switch {
	case x.CaseID != nil:
		_, place, err = r.Case(*x.CaseID)
	case x.InspectionID != nil:
		var insp *domain.Inspection
		if insp, err = r.Inspection(*x.InspectionID); err == nil {
			_, place, err = r.Site(insp.SiteID)
		}
	default:
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, found(err, "材料")
	}
	if err := domain.Authorize(a, domain.ActRead, place, "材料"); err != nil {
		return nil, err
	}
	return x, nil
}

// OpenAttachment returns an attachment's record and its bytes; the caller
// closes them. Serve them with the stored ContentType (never sniffed
// again) and X-Content-Type-Options: nosniff.
func (s *App) OpenAttachment(ctx context.Context, a *domain.Actor, id int64) (*domain.Attachment, io.ReadSeekCloser, error) {
	x, err := s.Attachment(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	f, err := s.db.OpenBlob(ctx, x.SHA256)
	if err != nil {
		// A record without its bytes is the program's fault, not the user's.
		return nil, nil, fmt.Errorf("open attachment %d (%s): %w", id, x.SHA256, err)
	}
	return x, f, nil
}

// CaseAttachments lists a case's attachments in upload order.
func (s *App) CaseAttachments(ctx context.Context, a *domain.Actor, caseID int64) ([]*domain.Attachment, error) {
	r := s.db.Reader(ctx)
	_, place, err := r.Case(caseID)
	if err != nil {
		return nil, found(err, "问题")
	}
	if err := domain.Authorize(a, domain.ActRead, place, "问题"); err != nil {
		return nil, err
	}
	return r.CaseAttachments(caseID)
}

// InspectionAttachments lists an inspection's photos in upload order.
func (s *App) InspectionAttachments(ctx context.Context, a *domain.Actor, inspectionID int64) ([]*domain.Attachment, error) {
	r := s.db.Reader(ctx)
	if _, err := readInspection(r, a, domain.ActRead, inspectionID); err != nil {
		return nil, err
	}
	return r.InspectionAttachments(inspectionID)
}
