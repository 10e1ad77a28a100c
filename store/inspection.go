package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"zhengzhi/domain"
)

// InspectionInput records one visit to a site (排查记录). CampaignID 0 means
// the active campaign; a zero InspectedAt means now; empty Inspectors means
// the acting user.
type InspectionInput struct {
	CampaignID  int64     `json:"campaign_id"`
	SiteID      int64     `json:"site_id"`
	InspectedAt time.Time `json:"inspected_at"`
	Inspectors  string    `json:"inspectors"`
	Lat         *float64  `json:"lat"`
	Lng         *float64  `json:"lng"`
	Outcome     string    `json:"outcome"` // no_problem | problem
	Note        string    `json:"note"`
	// IdempotencyKey, when set, makes a retry by the same user return the
	// inspection recorded first.
	IdempotencyKey string `json:"-"`
}

// clockSkew is how far ahead of the server's clock a phone's timestamp may be.
const clockSkew = 10 * time.Minute

const inspectionCols = `i.id, i.campaign_id, i.site_id, i.inspected_at, i.inspectors, i.lat, i.lng, i.outcome, i.note,
	COALESCE(i.created_by, 0), i.created_at`

func scanInspection(r scanner) (*domain.Inspection, error) {
	var x domain.Inspection
	err := r.Scan(&x.ID, &x.CampaignID, &x.SiteID, timeScan{&x.InspectedAt}, &x.Inspectors, &x.Lat, &x.Lng,
		&x.Outcome, &x.Note, &x.CreatedBy, timeScan{&x.CreatedAt})
	return &x, err
}

// CreateInspection records an inspection of a site in the actor's scope. It
// never opens a case: the UI offers that, prefilled, when the outcome is a problem.
func (d *DB) CreateInspection(ctx context.Context, a *domain.Actor, in InspectionInput) (*domain.Inspection, error) {
	site, place, err := loadSite(ctx, d.db, in.SiteID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActWriteSite, place, "场所"); err != nil {
		return nil, err
	}
	camp, err := d.ResolveCampaign(ctx, in.CampaignID)
	if err != nil {
		return nil, err
	}
	x := &domain.Inspection{CampaignID: camp.ID, SiteID: site.ID, InspectedAt: in.InspectedAt,
		Inspectors: strings.TrimSpace(in.Inspectors), Lat: in.Lat, Lng: in.Lng,
		Outcome: strings.TrimSpace(in.Outcome), Note: strings.TrimSpace(in.Note)}
	if x.Outcome != domain.OutcomeNoProblem && x.Outcome != domain.OutcomeProblem {
		return nil, domain.Invalid("outcome", "排查结果应为 no_problem（无问题）或 problem（发现问题）")
	}
	if err := checkLatLng(x.Lat, x.Lng); err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(x.Note) > 2000 {
		return nil, domain.Invalid("note", "备注过长")
	}
	if x.Inspectors == "" {
		x.Inspectors = a.User.DisplayName
	}
	err = d.write(ctx, a, func(tx *Tx) error {
		if id, ok, err := tx.replay(in.IdempotencyKey, "inspection"); err != nil {
			return err
		} else if ok {
			first, err := scanInspection(tx.queryRow(`SELECT `+inspectionCols+` FROM inspections i WHERE i.id = $1`, id))
			x = first
			return err
		}
		if x.InspectedAt.IsZero() {
			x.InspectedAt = tx.now
		}
		x.InspectedAt = x.InspectedAt.UTC().Truncate(time.Microsecond)
		if x.InspectedAt.After(tx.now.Add(clockSkew)) {
			return domain.Invalid("inspected_at", "排查时间不能晚于现在")
		}
		if err := tx.insertInspection(x); err != nil {
			return err
		}
		return tx.remember(in.IdempotencyKey, "inspection", x.ID)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// insertInspection stores an inspection and audits it.
func (tx *Tx) insertInspection(x *domain.Inspection) error {
	x.CreatedAt, x.CreatedBy = tx.now, tx.actor.User.ID
	id, err := tx.insert(`INSERT INTO inspections (campaign_id, site_id, inspected_at, inspectors, lat, lng, outcome, note, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		x.CampaignID, x.SiteID, ts(x.InspectedAt), x.Inspectors, x.Lat, x.Lng, x.Outcome, x.Note, tx.actorRef(), ts(tx.now))
	if err != nil {
		return fmt.Errorf("insert inspection: %w", err)
	}
	x.ID = id
	return tx.audit("create", "inspection", id, nil, x)
}

// Inspection loads one inspection whose site is in the actor's scope.
func (d *DB) Inspection(ctx context.Context, a *domain.Actor, id int64) (*domain.Inspection, error) {
	x, err := scanInspection(d.db.QueryRowContext(ctx, `SELECT `+inspectionCols+` FROM inspections i WHERE i.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "排查记录")
	}
	_, place, err := loadSite(ctx, d.db, x.SiteID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, place, "排查记录"); err != nil {
		return nil, err
	}
	return x, nil
}

// SiteInspections lists a site's inspections, latest first; campaignID 0
// means every campaign.
func (d *DB) SiteInspections(ctx context.Context, a *domain.Actor, siteID, campaignID int64) ([]*domain.Inspection, error) {
	_, place, err := loadSite(ctx, d.db, siteID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, place, "场所"); err != nil {
		return nil, err
	}
	var w sqlWhere
	w.add(`i.site_id = $?`, siteID)
	if campaignID != 0 {
		w.add(`i.campaign_id = $?`, campaignID)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+inspectionCols+` FROM inspections i`+w.sql()+` ORDER BY i.inspected_at DESC, i.id DESC`, w.args...)
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
