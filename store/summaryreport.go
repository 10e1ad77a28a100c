package store

import (
	"context"
	"fmt"
	"io"
	"time"

	"zhengzhi/domain"
)

// The final campaign summary (专项整治行动总结, DESIGN.md §4): each town
// uploads the sealed scan of its written summary and the town head signs it
// off, by the campaign's summary due date (11月15日 in the notice). It is
// tracked like a weekly report: on time, late, or missing.

// Final summary statuses.
const (
	FinalPending  = "pending"  // nothing yet, due date not passed
	FinalMissing  = "missing"  // nothing signed and the due date has passed
	FinalUploaded = "uploaded" // scan uploaded, awaiting the head's sign-off
	FinalSigned   = "signed"   // scan uploaded and signed off
)

// FinalStatusNames gives each status's Chinese name.
var FinalStatusNames = map[string]string{
	FinalPending: "待报送", FinalMissing: "未报送", FinalUploaded: "待签字", FinalSigned: "已签字",
}

// FinalSummary is one town's final summary, or the lack of it (ID 0).
type FinalSummary struct {
	ID           int64       `json:"id"`
	CampaignID   int64       `json:"campaign_id"`
	OrgID        int64       `json:"org_id"`
	OrgName      string      `json:"org_name"`
	Status       string      `json:"status"`
	DueDate      domain.Date `json:"due_date"`
	OnTime       *bool       `json:"on_time"` // set once signed off
	SHA256       string      `json:"sha256,omitempty"`
	Size         int64       `json:"size,omitempty"`
	ContentType  string      `json:"content_type,omitempty"`
	Filename     string      `json:"filename,omitempty"`
	UploadedName string      `json:"uploaded_by_name,omitempty"`
	UploadedAt   *time.Time  `json:"uploaded_at"`
	SignedName   string      `json:"signed_by_name,omitempty"`
	SignedFor    string      `json:"signed_for,omitempty"`
	SignedAt     *time.Time  `json:"signed_at"`
	Version      int64       `json:"version"`
}

const finalCols = `f.id, f.campaign_id, f.org_id, o.name, f.sha256, f.size, f.content_type, f.filename, f.uploaded_name,
	f.uploaded_at, f.signed_name, f.signed_for, f.signed_at, f.version`

const finalFrom = ` FROM final_summaries f JOIN org_units o ON o.id = f.org_id`

func scanFinal(r scanner) (*FinalSummary, error) {
	var x FinalSummary
	var up time.Time
	err := r.Scan(&x.ID, &x.CampaignID, &x.OrgID, &x.OrgName, &x.SHA256, &x.Size, &x.ContentType, &x.Filename,
		&x.UploadedName, timeScan{&up}, &x.SignedName, &x.SignedFor, nullTimeScan{&x.SignedAt}, &x.Version)
	if err != nil {
		return nil, err
	}
	x.UploadedAt = &up
	return &x, nil
}

// summaryDue is the instant the final summary is late from: the end of the
// due date in Asia/Shanghai (zero when the campaign sets no due date).
func (d *DB) summaryDue(camp *domain.Campaign) time.Time {
	if camp.SummaryDueDate == "" {
		return time.Time{}
	}
	return camp.SummaryDueDate.Time(d.zone).AddDate(0, 0, 1)
}

// finalStatus fills Status and OnTime from the record and the clock.
func (d *DB) finalStatus(x *FinalSummary, camp *domain.Campaign, now time.Time) {
	x.DueDate = camp.SummaryDueDate
	due := d.summaryDue(camp)
	switch {
	case x.SignedAt != nil:
		x.Status = FinalSigned
		onTime := due.IsZero() || x.SignedAt.Before(due)
		x.OnTime = &onTime
	case x.ID != 0:
		x.Status = FinalUploaded
	case !due.IsZero() && !now.Before(due):
		x.Status = FinalMissing
	default:
		x.Status = FinalPending
	}
}

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
// attachments are. A new scan replaces an unsigned one; a signed summary is
// final (ECONFLICT).
func (d *DB) UploadFinalSummary(ctx context.Context, a *domain.Actor, in FinalSummaryInput) (*FinalSummary, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	camp, err := d.ResolveCampaign(ctx, in.CampaignID)
	if err != nil {
		return nil, err
	}
	town, err := d.reportTown(ctx, d.db, a, in.OrgID, domain.ActPrepareReport)
	if err != nil {
		return nil, err
	}
	if in.Reader == nil {
		return nil, domain.Invalid("file", "请选择盖章扫描件")
	}
	if in.MaxBytes <= 0 {
		in.MaxBytes = DefaultMaxAttachment
	}
	sum, size, ct, err := d.putBlob(in.Reader, in.MaxBytes)
	if err != nil {
		return nil, err
	}
	var id int64
	err = d.write(ctx, a, func(tx *Tx) error {
		before, err := scanFinal(tx.queryRow(`SELECT `+finalCols+finalFrom+` WHERE f.campaign_id = $1 AND f.org_id = $2`, camp.ID, town.ID))
		if err != nil && !isNoRows(err) {
			return fmt.Errorf("final summary: %w", err)
		}
		name := cleanFilename(in.Filename)
		if before == nil {
			id, err = tx.insert(`INSERT INTO final_summaries (campaign_id, org_id, sha256, size, content_type, filename,
				uploaded_by, uploaded_name, uploaded_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1) RETURNING id`,
				camp.ID, town.ID, sum, size, ct, name, tx.actorRef(), tx.actor.User.DisplayName, ts(tx.now))
			if err != nil {
				return fmt.Errorf("insert final summary: %w", err)
			}
		} else {
			if before.SignedAt != nil {
				return &domain.Error{Code: domain.ECONFLICT, Field: "status", Message: "总结已由主要负责人签字，不能再更换"}
			}
			id = before.ID
			if _, err := tx.exec(`UPDATE final_summaries SET sha256 = $1, size = $2, content_type = $3, filename = $4,
				uploaded_by = $5, uploaded_name = $6, uploaded_at = $7, version = version + 1 WHERE id = $8`,
				sum, size, ct, name, tx.actorRef(), tx.actor.User.DisplayName, ts(tx.now), id); err != nil {
				return fmt.Errorf("update final summary: %w", err)
			}
		}
		after, err := scanFinal(tx.queryRow(`SELECT `+finalCols+finalFrom+` WHERE f.id = $1`, id))
		if err != nil {
			return err
		}
		return tx.audit("upload", "final_summary", id, before, after)
	})
	if err != nil {
		return nil, err
	}
	return d.FinalSummary(ctx, a, id)
}

// SignFinalSummary records the town head's sign-off of the uploaded scan
// (or a delegate's, naming the head); the signature covers the scan's SHA-256.
func (d *DB) SignFinalSummary(ctx context.Context, a *domain.Actor, id int64) (*FinalSummary, error) {
	x, err := d.FinalSummary(ctx, a, id)
	if err != nil {
		return nil, err
	}
	town, err := d.Org(ctx, x.OrgID)
	if err != nil {
		return nil, err
	}
	signFor, err := d.authorizeSubmit(ctx, a, town, d.clock.Now())
	if err != nil {
		return nil, err
	}
	if signFor == domain.ProxySubmission {
		// The sign-off is the town head's own: nobody signs it for the town.
		return nil, domain.Forbidden()
	}
	err = d.write(ctx, a, func(tx *Tx) error {
		before, err := scanFinal(tx.queryRow(`SELECT `+finalCols+finalFrom+` WHERE f.id = $1`, id))
		if err != nil {
			return notFound(err, "总结")
		}
		if before.SignedAt != nil {
			return &domain.Error{Code: domain.ECONFLICT, Field: "status", Message: "总结已签字"}
		}
		if _, err := tx.exec(`UPDATE final_summaries SET signed_by = $1, signed_name = $2, signed_for = $3, signed_at = $4,
			signed_sha256 = sha256, version = version + 1 WHERE id = $5`,
			tx.actorRef(), tx.actor.User.DisplayName, signFor, ts(tx.now), id); err != nil {
			return fmt.Errorf("sign final summary: %w", err)
		}
		after := *before
		after.SignedName, after.SignedFor, after.SignedAt, after.Version = tx.actor.User.DisplayName, signFor, &tx.now, before.Version+1
		return tx.audit("sign", "final_summary", id, before, after)
	})
	if err != nil {
		return nil, err
	}
	return d.FinalSummary(ctx, a, id)
}

// FinalSummary loads one final summary in the actor's scope.
func (d *DB) FinalSummary(ctx context.Context, a *domain.Actor, id int64) (*FinalSummary, error) {
	x, err := scanFinal(d.db.QueryRowContext(ctx, `SELECT `+finalCols+finalFrom+` WHERE f.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "总结")
	}
	town, err := d.Org(ctx, x.OrgID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, town, "总结"); err != nil {
		return nil, err
	}
	camp, err := d.Campaign(ctx, x.CampaignID)
	if err != nil {
		return nil, err
	}
	d.finalStatus(x, camp, d.clock.Now())
	return x, nil
}

// FinalSummaries lists the final summary of every town under a unit in the
// actor's scope, towns in official order, those without one included.
func (d *DB) FinalSummaries(ctx context.Context, a *domain.Actor, campaignID, orgID int64) (*domain.Campaign, []*FinalSummary, error) {
	camp, org, err := d.summaryTarget(ctx, a, campaignID, orgID)
	if err != nil {
		return nil, nil, err
	}
	towns, err := d.townsUnder(ctx, d.db, org)
	if err != nil {
		return nil, nil, err
	}
	byTown := map[int64]*FinalSummary{}
	rows, err := d.db.QueryContext(ctx, `SELECT `+finalCols+finalFrom+` WHERE f.campaign_id = $1 AND o.path LIKE $2`, camp.ID, org.Path+"%")
	if err != nil {
		return nil, nil, fmt.Errorf("final summaries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		x, err := scanFinal(rows)
		if err != nil {
			return nil, nil, err
		}
		byTown[x.OrgID] = x
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	now := d.clock.Now()
	out := make([]*FinalSummary, 0, len(towns))
	for _, t := range towns {
		x := byTown[t.ID]
		if x == nil {
			x = &FinalSummary{CampaignID: camp.ID, OrgID: t.ID, OrgName: t.Name}
		}
		d.finalStatus(x, camp, now)
		out = append(out, x)
	}
	return camp, out, nil
}

// OpenFinalSummary returns a final summary and its scan; the caller closes
// the file and serves it with the stored content type and nosniff.
func (d *DB) OpenFinalSummary(ctx context.Context, a *domain.Actor, id int64) (*FinalSummary, io.ReadSeekCloser, error) {
	x, err := d.FinalSummary(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	f, err := d.OpenBlob(ctx, x.SHA256)
	if err != nil {
		return nil, nil, fmt.Errorf("open final summary %d (%s): %w", id, x.SHA256, err)
	}
	return x, f, nil
}
