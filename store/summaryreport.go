package store

import (
	"fmt"
	"time"

	"zhengzhi/domain"
)

// The final campaign summaries (专项整治行动总结): one row per town and
// campaign, pointing at the sealed scan's blob. Its status (missing,
// uploaded, signed, on time) is derived by domain.FinalSummary.Track.

const finalCols = `f.id, f.campaign_id, f.org_id, o.name, f.sha256, f.size, f.content_type, f.filename, f.uploaded_name,
	f.uploaded_at, f.signed_name, f.signed_for, f.signed_at, f.version`

const finalFrom = ` FROM final_summaries f JOIN org_units o ON o.id = f.org_id`

func scanFinal(r scanner) (*domain.FinalSummary, error) {
	var x domain.FinalSummary
	var up time.Time
	err := r.Scan(&x.ID, &x.CampaignID, &x.OrgID, &x.OrgName, &x.SHA256, &x.Size, &x.ContentType, &x.Filename,
		&x.UploadedName, timeScan{&up}, &x.SignedName, &x.SignedFor, nullTimeScan{&x.SignedAt}, &x.Version)
	if err != nil {
		return nil, err
	}
	x.UploadedAt = &up
	return &x, nil
}

// FinalSummary loads one final summary with its town's name.
func (r Reader) FinalSummary(id int64) (*domain.FinalSummary, error) {
	x, err := scanFinal(r.q.QueryRowContext(r.ctx, `SELECT `+finalCols+finalFrom+` WHERE f.id = $1`, id))
	if err != nil {
		return nil, noRows(err, "final summary", id)
	}
	return x, nil
}

// FinalSummaryOf loads a town's final summary of a campaign.
func (r Reader) FinalSummaryOf(campaignID, orgID int64) (*domain.FinalSummary, error) {
	x, err := scanFinal(r.q.QueryRowContext(r.ctx, `SELECT `+finalCols+finalFrom+` WHERE f.campaign_id = $1 AND f.org_id = $2`,
		campaignID, orgID))
	if err != nil {
		return nil, noRows(err, "final summary of org", orgID)
	}
	return x, nil
}

// FinalSummaries lists a campaign's final summaries of the towns in scope.
func (r Reader) FinalSummaries(campaignID int64, scope domain.ScopeFilter) ([]*domain.FinalSummary, error) {
	args := []any{campaignID}
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+finalCols+finalFrom+` WHERE f.campaign_id = $1 AND `+townCond(scope, "f.org_id", &args)+` ORDER BY f.id`,
		args...)
	if err != nil {
		return nil, fmt.Errorf("final summaries: %w", err)
	}
	defer rows.Close()
	var out []*domain.FinalSummary
	for rows.Next() {
		x, err := scanFinal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// InsertFinalSummary stores a town's first scan, uploaded by the
// transaction's actor at its now, and returns its id.
func (tx *Tx) InsertFinalSummary(x *domain.FinalSummary) (int64, error) {
	id, err := tx.insert(`INSERT INTO final_summaries (campaign_id, org_id, sha256, size, content_type, filename,
		uploaded_by, uploaded_name, uploaded_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1) RETURNING id`,
		x.CampaignID, x.OrgID, x.SHA256, x.Size, x.ContentType, x.Filename, tx.actorRef(),
		tx.actor.User.DisplayName, ts(tx.now))
	if err != nil {
		if isUniqueViolation(err) {
			return 0, fmt.Errorf("insert final summary: %w", ErrDuplicate)
		}
		return 0, fmt.Errorf("insert final summary: %w", err)
	}
	return id, nil
}

// UpdateFinalSummaryScan replaces an unsigned summary's scan with x's,
// uploaded by the transaction's actor at its now.
func (tx *Tx) UpdateFinalSummaryScan(x *domain.FinalSummary) error {
	if _, err := tx.exec(`UPDATE final_summaries SET sha256 = $1, size = $2, content_type = $3, filename = $4,
		uploaded_by = $5, uploaded_name = $6, uploaded_at = $7, version = version + 1 WHERE id = $8`,
		x.SHA256, x.Size, x.ContentType, x.Filename, tx.actorRef(), tx.actor.User.DisplayName, ts(tx.now), x.ID); err != nil {
		return fmt.Errorf("update final summary %d: %w", x.ID, err)
	}
	return nil
}

// UpdateFinalSummarySignature stores the sign-off the domain recorded on x
// (signer, for whom, when, version) by the transaction's actor; the
// signature covers the scan's SHA-256.
func (tx *Tx) UpdateFinalSummarySignature(x *domain.FinalSummary) error {
	if _, err := tx.exec(`UPDATE final_summaries SET signed_by = $1, signed_name = $2, signed_for = $3, signed_at = $4,
		signed_sha256 = $5, version = $6 WHERE id = $7`,
		tx.actorRef(), x.SignedName, x.SignedFor, tsPtr(x.SignedAt), x.SHA256, x.Version, x.ID); err != nil {
		return fmt.Errorf("sign final summary %d: %w", x.ID, err)
	}
	return nil
}
