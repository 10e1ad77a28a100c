package store

import (
	"fmt"

	"zhengzhi/domain"
)

// Attachments (档案材料): one row per file added to a case or an inspection;
// the bytes themselves are in the blob store (blob.go), by SHA-256.

const attachmentCols = `id, sha256, size, content_type, kind, item, filename, case_id, inspection_id, COALESCE(uploaded_by, 0), uploaded_at, lat, lng`

func scanAttachment(r scanner) (*domain.Attachment, error) {
	var x domain.Attachment
	err := r.Scan(&x.ID, &x.SHA256, &x.Size, &x.ContentType, &x.Kind, &x.Item, &x.Filename, &x.CaseID, &x.InspectionID,
		&x.UploadedBy, timeScan{&x.UploadedAt}, &x.Lat, &x.Lng)
	return &x, err
}

// InsertAttachment stores an attachment's record as given (its bytes are in
// the blob store already), uploaded now by the acting user, and sets x.ID,
// x.UploadedAt and x.UploadedBy.
func (tx *Tx) InsertAttachment(x *domain.Attachment) error {
	x.UploadedAt, x.UploadedBy = tx.now, tx.actor.User.ID
	id, err := tx.insert(`INSERT INTO attachments (sha256, size, content_type, kind, item, filename, case_id, inspection_id, uploaded_by, uploaded_at, lat, lng)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		x.SHA256, x.Size, x.ContentType, x.Kind, x.Item, x.Filename, x.CaseID, x.InspectionID, tx.actorRef(), ts(tx.now), x.Lat, x.Lng)
	if err != nil {
		return fmt.Errorf("insert attachment: %w", err)
	}
	x.ID = id
	return nil
}

// Attachment loads one attachment's record.
func (r Reader) Attachment(id int64) (*domain.Attachment, error) {
	x, err := scanAttachment(r.q.QueryRowContext(r.ctx, `SELECT `+attachmentCols+` FROM attachments WHERE id = $1`, id))
	if err != nil {
		return nil, noRows(err, "attachment", id)
	}
	return x, nil
}

// CaseAttachments lists a case's attachments in upload order.
func (r Reader) CaseAttachments(caseID int64) ([]*domain.Attachment, error) {
	return r.attachments(`case_id = $1`, caseID)
}

// InspectionAttachments lists an inspection's attachments in upload order.
func (r Reader) InspectionAttachments(inspectionID int64) ([]*domain.Attachment, error) {
	return r.attachments(`inspection_id = $1`, inspectionID)
}

func (r Reader) attachments(cond string, arg any) ([]*domain.Attachment, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+attachmentCols+` FROM attachments WHERE `+cond+` ORDER BY id`, arg)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	defer rows.Close()
	out := []*domain.Attachment{}
	for rows.Next() {
		x, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
