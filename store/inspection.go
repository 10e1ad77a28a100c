package store

import (
	"fmt"

	"zhengzhi/domain"
)

// Inspections (排查记录): one row per visit to a site in a campaign.

const inspectionCols = `i.id, i.campaign_id, i.site_id, i.inspected_at, i.inspectors, i.lat, i.lng, i.outcome, i.note,
	COALESCE(i.created_by, 0), i.created_at`

func scanInspection(r scanner) (*domain.Inspection, error) {
	var x domain.Inspection
	err := r.Scan(&x.ID, &x.CampaignID, &x.SiteID, timeScan{&x.InspectedAt}, &x.Inspectors, &x.Lat, &x.Lng,
		&x.Outcome, &x.Note, &x.CreatedBy, timeScan{&x.CreatedAt})
	return &x, err
}

// InsertInspection stores an inspection as given (checked by the caller),
// created now by the acting user, and sets x.ID, x.CreatedAt and x.CreatedBy.
func (tx *Tx) InsertInspection(x *domain.Inspection) error {
	x.CreatedAt, x.CreatedBy = tx.now, tx.actor.User.ID
	id, err := tx.insert(`INSERT INTO inspections (campaign_id, site_id, inspected_at, inspectors, lat, lng, outcome, note, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		x.CampaignID, x.SiteID, ts(x.InspectedAt), x.Inspectors, x.Lat, x.Lng, x.Outcome, x.Note, tx.actorRef(), ts(tx.now))
	if err != nil {
		return fmt.Errorf("insert inspection: %w", err)
	}
	x.ID = id
	return nil
}

// Inspection loads one inspection.
func (r Reader) Inspection(id int64) (*domain.Inspection, error) {
	x, err := scanInspection(r.q.QueryRowContext(r.ctx, `SELECT `+inspectionCols+` FROM inspections i WHERE i.id = $1`, id))
	if err != nil {
		return nil, noRows(err, "inspection", id)
	}
	return x, nil
}

// SiteInspections lists a site's inspections, latest first; campaignID 0
// means every campaign.
func (r Reader) SiteInspections(siteID, campaignID int64) ([]*domain.Inspection, error) {
	var w sqlWhere
	w.add(`i.site_id = $?`, siteID)
	if campaignID != 0 {
		w.add(`i.campaign_id = $?`, campaignID)
	}
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+inspectionCols+` FROM inspections i`+w.sql()+` ORDER BY i.inspected_at DESC, i.id DESC`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list inspections: %w", err)
	}
	defer rows.Close()
	out := []*domain.Inspection{}
	for rows.Next() {
		x, err := scanInspection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
