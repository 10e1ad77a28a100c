package app

import (
	"context"
	"fmt"
	"io"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// The final campaign summary (专项整治行动总结, DESIGN.md §4): each town
// uploads the sealed scan of its written summary and the town head signs it
// off by the campaign's summary due date. Its life cycle (pending, missing,
// uploaded, signed, on time) is domain/finalsummary.go's.

// FinalSummaryInput is an upload of a town's sealed summary scan.
type FinalSummaryInput struct {
	CampaignID int64
	OrgID      int64
	Filename   string
	Reader     io.Reader
	MaxBytes   int64
}

// UploadFinalSummary stores the sealed scan of a town's final summary (town
// officer, head or district office). The bytes are kept by SHA-256 as
// attachments are (db.PutBlob). A new scan replaces an unsigned one; a
// signed summary is final (ECONFLICT).
//
// The blob is written before the transaction (PutBlob runs outside any), so
// the actor is checked once before any byte is stored, and the decision is
// taken again in the transaction at its now.
func (s *App) UploadFinalSummary(ctx context.Context, a *domain.Actor, in FinalSummaryInput) (*domain.FinalSummary, error) {
	camp, err := s.ResolveCampaign(ctx, in.CampaignID)
	if err != nil {
		return nil, err
	}
	if _, err := reportTown(s.db.Reader(ctx), a, in.OrgID, domain.ActPrepareReport); err != nil {
		return nil, err
	}
	if in.Reader == nil {
		return nil, domain.Invalid("file", "请选择盖章扫描件")
	}
	if in.MaxBytes <= 0 {
		in.MaxBytes = domain.DefaultMaxAttachment
	}
	sum, size, ct, err := s.putBlob(ctx, in.Reader, in.MaxBytes)
	if err != nil {
		return nil, err
	}
	var out *domain.FinalSummary
	err = s.db.Write(ctx, a, func(tx *store.Tx) error {
		town, err := reportTown(tx.Reader, a, in.OrgID, domain.ActPrepareReport)
		if err != nil {
			return err
		}
		before, err := tx.FinalSummaryOf(camp.ID, town.ID)
		if err != nil && !store.IsNotFound(err) {
			return err
		}
		if err := before.CheckUpload(); err != nil {
			return err
		}
		x := &domain.FinalSummary{CampaignID: camp.ID, OrgID: town.ID, SHA256: sum, Size: size, ContentType: ct, Filename: domain.CleanFilename(in.Filename)}
		if before == nil {
			if x.ID, err = tx.InsertFinalSummary(x); err != nil {
				return err
			}
		} else {
			x.ID = before.ID
			if err := tx.UpdateFinalSummaryScan(x); err != nil {
				return err
			}
		}
		if out, err = tx.FinalSummary(x.ID); err != nil {
			return err
		}
		if err := tx.Audit("upload", "final_summary", x.ID, before, out); err != nil {
			return err
		}
		out.Track(camp, tx.Now(), s.zone)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SignFinalSummary records the town head's sign-off of the uploaded scan
// (or a delegate's, naming the head), in one transaction at its now; the
// signature covers the scan's SHA-256. Nobody signs for the town (代报).
func (s *App) SignFinalSummary(ctx context.Context, a *domain.Actor, id int64) (*domain.FinalSummary, error) {
	var out *domain.FinalSummary
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		now := tx.Now()
		before, town, err := loadFinal(tx.Reader, a, id)
		if err != nil {
			return err
		}
		signFor, err := submitter(tx.Reader, a, town, now, "总结")
		if err != nil {
			return err
		}
		if err := before.CheckSign(signFor); err != nil {
			return err
		}
		after := *before
		after.Sign(tx.Actor().User.DisplayName, signFor, now)
		if err := tx.UpdateFinalSummarySignature(&after); err != nil {
			return err
		}
		if err := tx.Audit("sign", "final_summary", id, before, after); err != nil {
			return err
		}
		camp, err := tx.Campaign(after.CampaignID)
		if err != nil {
			return found(err, "专项行动")
		}
		after.Track(camp, now, s.zone)
		out = &after
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// loadFinal loads a final summary and its town and authorizes the actor to
// read it: outside the actor's scope it is not found.
func loadFinal(r store.Reader, a *domain.Actor, id int64) (*domain.FinalSummary, *domain.OrgUnit, error) {
	x, err := r.FinalSummary(id)
	if err != nil {
		return nil, nil, found(err, "总结")
	}
	town, err := r.Org(x.OrgID)
	if err != nil {
		return nil, nil, found(err, "单位")
	}
	if err := domain.Authorize(a, domain.ActRead, town, "总结"); err != nil {
		return nil, nil, err
	}
	return x, town, nil
}

// FinalSummary loads one final summary in the actor's scope, tracked at now.
func (s *App) FinalSummary(ctx context.Context, a *domain.Actor, id int64) (*domain.FinalSummary, error) {
	r := s.db.Reader(ctx)
	x, _, err := loadFinal(r, a, id)
	if err != nil {
		return nil, err
	}
	camp, err := r.Campaign(x.CampaignID)
	if err != nil {
		return nil, found(err, "专项行动")
	}
	x.Track(camp, s.clock.Now(), s.zone)
	return x, nil
}

// FinalSummaries lists the final summary of every town under a unit in the
// actor's scope, towns in official order, those without one included.
func (s *App) FinalSummaries(ctx context.Context, a *domain.Actor, campaignID, orgID int64) (*domain.Campaign, []*domain.FinalSummary, error) {
	r := s.db.Reader(ctx)
	camp, org, err := s.summaryTarget(ctx, r, a, campaignID, orgID)
	if err != nil {
		return nil, nil, err
	}
	towns, err := townsUnder(r, org)
	if err != nil {
		return nil, nil, err
	}
	scope, err := scopeOf(r, org)
	if err != nil {
		return nil, nil, err
	}
	stored, err := r.FinalSummaries(camp.ID, scope)
	if err != nil {
		return nil, nil, err
	}
	byTown := make(map[int64]*domain.FinalSummary, len(stored))
	for _, x := range stored {
		byTown[x.OrgID] = x
	}
	now := s.clock.Now()
	out := make([]*domain.FinalSummary, 0, len(towns))
	for _, t := range towns {
		x := byTown[t.ID]
		if x == nil {
			x = &domain.FinalSummary{CampaignID: camp.ID, OrgID: t.ID, OrgName: t.Name}
		}
		x.Track(camp, now, s.zone)
		out = append(out, x)
	}
	return camp, out, nil
}

// OpenFinalSummary returns a final summary in the actor's scope and its
// scan (db.OpenBlob); the caller closes the reader and serves it with the
// stored content type and nosniff.
func (s *App) OpenFinalSummary(ctx context.Context, a *domain.Actor, id int64) (*domain.FinalSummary, io.ReadSeekCloser, error) {
	x, err := s.FinalSummary(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	f, err := s.db.OpenBlob(ctx, x.SHA256)
	if err != nil {
		return nil, nil, fmt.Errorf("open final summary %d (%s): %w", id, x.SHA256, err)
	}
	return x, f, nil
}
