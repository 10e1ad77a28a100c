package app

// Delegates of the sites area to the store while its use cases move here
// (issue [5]); the area's own files replace them, and this file goes.

import (
	"context"
	"io"
	"os"

	"zhengzhi/domain"
	"zhengzhi/store"
)

func (s *App) Attachment(ctx context.Context, a *domain.Actor, id int64) (*Attachment, error) {
	return s.db.Attachment(ctx, a, id)
}

func (s *App) CaseAttachments(ctx context.Context, a *domain.Actor, caseID int64) ([]*Attachment, error) {
	return s.db.CaseAttachments(ctx, a, caseID)
}

func (s *App) CreateInspection(ctx context.Context, a *domain.Actor, in InspectionInput) (*domain.Inspection, error) {
	return s.db.CreateInspection(ctx, a, in)
}

func (s *App) CreateSite(ctx context.Context, a *domain.Actor, in SiteInput) (*domain.Site, error) {
	return s.db.CreateSite(ctx, a, in)
}

func (s *App) Inspection(ctx context.Context, a *domain.Actor, id int64) (*domain.Inspection, error) {
	return s.db.Inspection(ctx, a, id)
}

func (s *App) InspectionAttachments(ctx context.Context, a *domain.Actor, inspectionID int64) ([]*Attachment, error) {
	return s.db.InspectionAttachments(ctx, a, inspectionID)
}

func (s *App) OpenAttachment(ctx context.Context, a *domain.Actor, id int64) (*Attachment, *os.File, error) {
	return s.db.OpenAttachment(ctx, a, id)
}

func (s *App) OpenBlob(ctx context.Context, sum string) (io.ReadSeekCloser, error) {
	return s.db.OpenBlob(ctx, sum)
}

func (s *App) PutBlob(ctx context.Context, r io.Reader, max int64) (sum string, size int64, contentType string, err error) {
	return s.db.PutBlob(ctx, r, max)
}

func (s *App) SaveAttachment(ctx context.Context, a *domain.Actor, caseID int64, in AttachmentInput) (*Attachment, error) {
	return s.db.SaveAttachment(ctx, a, caseID, in)
}

func (s *App) SaveInspectionPhoto(ctx context.Context, a *domain.Actor, inspectionID int64, in AttachmentInput) (*Attachment, error) {
	return s.db.SaveInspectionPhoto(ctx, a, inspectionID, in)
}

func (s *App) Site(ctx context.Context, a *domain.Actor, id int64) (*domain.Site, error) {
	return s.db.Site(ctx, a, id)
}

func (s *App) SiteInspections(ctx context.Context, a *domain.Actor, siteID, campaignID int64) ([]*domain.Inspection, error) {
	return s.db.SiteInspections(ctx, a, siteID, campaignID)
}

func (s *App) Sites(ctx context.Context, a *domain.Actor, f SiteFilter) ([]*domain.Site, int, error) {
	return s.db.Sites(ctx, a, f)
}

func (s *App) UpdateSite(ctx context.Context, a *domain.Actor, id int64, p SitePatch) (*domain.Site, error) {
	return s.db.UpdateSite(ctx, a, id, p)
}

type (
	Attachment      = store.Attachment
	AttachmentInput = store.AttachmentInput
	InspectionInput = store.InspectionInput
	SiteInput       = store.SiteInput
	SitePatch       = store.SitePatch
	SiteFilter      = store.SiteFilter
)

// AttachmentKindNames moves to the domain with the attachment use cases.
var AttachmentKindNames = store.AttachmentKindNames

const (
	AttachSitePhoto       = store.AttachSitePhoto
	AttachPenaltyDecision = store.AttachPenaltyDecision
	AttachOther           = store.AttachOther
	AttachDonePhoto       = store.AttachDonePhoto
	AttachClearsPhoto     = store.AttachClearsPhoto
)
