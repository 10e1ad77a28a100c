package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"zhengzhi/domain"
)

// Attachment kinds (档案材料类别).
const (
	AttachSitePhoto       = "site_photo"       // 现场照片
	AttachPenaltyDecision = "penalty_decision" // 处罚决定书
	AttachClearsPhoto     = "clears_photo"     // 两断三清照片
	AttachDonePhoto       = "done_photo"       // 整改完成照片
	AttachOther           = "other"            // 其它
)

// AttachmentKindNames gives each attachment kind's Chinese name.
var AttachmentKindNames = map[string]string{
	AttachSitePhoto: "现场照片", AttachPenaltyDecision: "处罚决定书", AttachClearsPhoto: "两断三清照片",
	AttachDonePhoto: "整改完成照片", AttachOther: "其它",
}

// DefaultMaxAttachment is the upload limit when none is given (DESIGN.md §7).
const DefaultMaxAttachment = 20 << 20

// Attachment (档案材料) is one file of a case's (or an inspection's) record.
// The bytes are stored once per SHA-256 under DataDir/files, outside the
// database; the row says who added them where and when.
type Attachment struct {
	ID           int64     `json:"id"`
	SHA256       string    `json:"sha256"`
	Size         int64     `json:"size"`
	ContentType  string    `json:"content_type"`
	Kind         string    `json:"kind"`
	Filename     string    `json:"filename"`
	CaseID       *int64    `json:"case_id"`
	InspectionID *int64    `json:"inspection_id"`
	UploadedBy   int64     `json:"uploaded_by"`
	UploadedAt   time.Time `json:"uploaded_at"`
	Lat          *float64  `json:"lat"`
	Lng          *float64  `json:"lng"`
}

// AttachmentInput is one upload. Reader is read to the end (or to the
// limit); MaxBytes 0 means DefaultMaxAttachment.
type AttachmentInput struct {
	Kind     string
	Filename string
	Lat      *float64
	Lng      *float64
	Reader   io.Reader
	MaxBytes int64
}

const attachmentCols = `id, sha256, size, content_type, kind, filename, case_id, inspection_id, COALESCE(uploaded_by, 0), uploaded_at, lat, lng`

func scanAttachment(r scanner) (*Attachment, error) {
	var x Attachment
	err := r.Scan(&x.ID, &x.SHA256, &x.Size, &x.ContentType, &x.Kind, &x.Filename, &x.CaseID, &x.InspectionID,
		&x.UploadedBy, timeScan{&x.UploadedAt}, &x.Lat, &x.Lng)
	return &x, err
}

// attachTarget is what an upload is attached to, resolved and authorized.
type attachTarget struct {
	caseID, inspectionID *int64
}

// SaveAttachment adds evidence to a case in the actor's scope (edit right
// needed). Evidence is accepted in every live status, not on a closed-out or
// voided case. Over the limit the answer is ETOOLARGE and nothing is kept.
func (d *DB) SaveAttachment(ctx context.Context, a *domain.Actor, caseID int64, in AttachmentInput) (*Attachment, error) {
	c, place, err := loadCase(ctx, d.db, caseID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActEditCase, place, "问题"); err != nil {
		return nil, err
	}
	if !domain.AcceptsEvidence(c.Status) {
		return nil, errNoEvidence(c.Status)
	}
	return d.saveAttachment(ctx, a, attachTarget{caseID: &caseID}, in)
}

// SaveInspectionPhoto adds a photo (or other file) to an inspection of a
// site in the actor's scope.
func (d *DB) SaveInspectionPhoto(ctx context.Context, a *domain.Actor, inspectionID int64, in AttachmentInput) (*Attachment, error) {
	x, err := d.Inspection(ctx, a, inspectionID)
	if err != nil {
		return nil, err
	}
	_, place, err := loadSite(ctx, d.db, x.SiteID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActWriteSite, place, "排查记录"); err != nil {
		return nil, err
	}
	return d.saveAttachment(ctx, a, attachTarget{inspectionID: &inspectionID}, in)
}

func errNoEvidence(status domain.CaseStatus) error {
	return &domain.Error{Code: domain.ECONFLICT, Field: "status",
		Message: fmt.Sprintf("问题处于“%s”状态，不能再添加材料", domain.StatusNames[status])}
}

func (d *DB) saveAttachment(ctx context.Context, a *domain.Actor, target attachTarget, in AttachmentInput) (*Attachment, error) {
	if in.Kind == "" {
		in.Kind = AttachOther
	}
	if _, ok := AttachmentKindNames[in.Kind]; !ok {
		return nil, domain.Invalid("kind", "未知的材料类别“%s”", in.Kind)
	}
	if err := checkLatLng(in.Lat, in.Lng); err != nil {
		return nil, err
	}
	if in.Reader == nil {
		return nil, domain.Invalid("file", "请选择文件")
	}
	if in.MaxBytes <= 0 {
		in.MaxBytes = DefaultMaxAttachment
	}
	sum, size, contentType, err := d.putBlob(in.Reader, in.MaxBytes)
	if err != nil {
		return nil, err
	}
	x := &Attachment{SHA256: sum, Size: size, ContentType: contentType, Kind: in.Kind, Filename: cleanFilename(in.Filename),
		CaseID: target.caseID, InspectionID: target.inspectionID, UploadedBy: a.User.ID, Lat: in.Lat, Lng: in.Lng}
	err = d.write(ctx, a, func(tx *Tx) error {
		entity, entityID := "inspection", int64(0)
		if target.caseID != nil {
			// The case may have moved on while the file was uploading.
			var status domain.CaseStatus
			if err := tx.queryRow(`SELECT status FROM cases WHERE id = $1`, *target.caseID).Scan(&status); err != nil {
				return notFound(err, "问题")
			}
			if !domain.AcceptsEvidence(status) {
				return errNoEvidence(status)
			}
			entity, entityID = "case", *target.caseID
		} else {
			entityID = *target.inspectionID
		}
		x.UploadedAt = tx.now
		id, err := tx.insert(`INSERT INTO attachments (sha256, size, content_type, kind, filename, case_id, inspection_id, uploaded_by, uploaded_at, lat, lng)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			x.SHA256, x.Size, x.ContentType, x.Kind, x.Filename, x.CaseID, x.InspectionID, tx.actorRef(), ts(tx.now), x.Lat, x.Lng)
		if err != nil {
			return fmt.Errorf("insert attachment: %w", err)
		}
		x.ID = id
		// Logged on the case (or inspection) so that it shows in its timeline.
		return tx.audit("attach", entity, entityID, nil, x)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// cleanFilename keeps the base name a browser sent, without path or control
// characters, for display and downloads only (storage is by hash).
func cleanFilename(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = filepath.Base(strings.TrimSpace(name))
	if name == "." || name == "/" {
		return ""
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	for utf8.RuneCountInString(name) > 200 {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	return name
}

// servableTypes are the sniffed types an attachment keeps. Anything else —
// above all HTML, XML and SVG, which a browser could run as a page — is
// stored as application/octet-stream, so it is only ever downloaded.
var servableTypes = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true, "image/bmp": true, "image/avif": true,
	"application/pdf": true, "application/zip": true, "video/mp4": true, "video/webm": true,
	"audio/mpeg": true, "audio/wave": true, "audio/aac": true, "text/plain": true,
}

// safeContentType sniffs the first bytes of a file (http.DetectContentType)
// and answers a type that is safe to serve.
func safeContentType(head []byte) string {
	ct := http.DetectContentType(head)
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !servableTypes[mt] {
		return "application/octet-stream"
	}
	if mt == "text/plain" {
		// Text that looks like markup is downloaded, never shown.
		lower := bytes.ToLower(head)
		for _, tag := range []string{"<svg", "<html", "<script", "<?xml", "<!doctype", "<body", "<iframe"} {
			if bytes.Contains(lower, []byte(tag)) {
				return "application/octet-stream"
			}
		}
	}
	return ct
}

// headWriter keeps the first n bytes written through it, for sniffing.
type headWriter struct {
	buf []byte
	n   int
}

func (h *headWriter) Write(p []byte) (int, error) {
	if room := h.n - len(h.buf); room > 0 {
		if len(p) < room {
			room = len(p)
		}
		h.buf = append(h.buf, p[:room]...)
	}
	return len(p), nil
}

func (d *DB) filesDir() string { return filepath.Join(d.dataDir, "files") }

// blobPath is where the bytes of a SHA-256 live: files/ab/cdef…
func (d *DB) blobPath(sum string) string {
	return filepath.Join(d.filesDir(), sum[:2], sum[2:])
}

// putBlob streams r to a temporary file while hashing it, then moves it to
// its content address; bytes already stored are not stored again. Over max
// bytes it answers ETOOLARGE and keeps nothing.
func (d *DB) putBlob(r io.Reader, max int64) (sum string, size int64, contentType string, err error) {
	tmpDir := filepath.Join(d.filesDir(), "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return "", 0, "", fmt.Errorf("attachment dir: %w", err)
	}
	f, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return "", 0, "", fmt.Errorf("attachment temp file: %w", err)
	}
	tmp := f.Name()
	keep := false
	defer func() {
		if !keep {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	head := &headWriter{n: 512}
	size, err = io.Copy(io.MultiWriter(f, h, head), io.LimitReader(r, max+1))
	if err != nil {
		return "", 0, "", fmt.Errorf("receive attachment: %w", err)
	}
	if size > max {
		return "", 0, "", &domain.Error{Code: domain.ETOOLARGE, Field: "file",
			Message: fmt.Sprintf("文件超过 %d MB 的上限", max>>20)}
	}
	if err := f.Sync(); err != nil {
		return "", 0, "", fmt.Errorf("store attachment: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", 0, "", fmt.Errorf("store attachment: %w", err)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	final := d.blobPath(sum)
	if _, err := os.Stat(final); err == nil {
		return sum, size, safeContentType(head.buf), nil // the same bytes are stored already
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", 0, "", fmt.Errorf("store attachment: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return "", 0, "", fmt.Errorf("store attachment: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", 0, "", fmt.Errorf("store attachment: %w", err)
	}
	keep = true
	syncDir(filepath.Dir(final))
	return sum, size, safeContentType(head.buf), nil
}

// syncDir makes a rename durable; failure only weakens durability, so it is ignored.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// attachmentPlace finds where an attachment lives: its case's place, or its
// inspection's site's place.
func (d *DB) attachmentPlace(ctx context.Context, x *Attachment) (*domain.OrgUnit, error) {
	if x.CaseID != nil {
		_, place, err := loadCase(ctx, d.db, *x.CaseID)
		return place, err
	}
	if x.InspectionID != nil {
		var siteID int64
		if err := d.db.QueryRowContext(ctx, `SELECT site_id FROM inspections WHERE id = $1`, *x.InspectionID).Scan(&siteID); err != nil {
			return nil, notFound(err, "材料")
		}
		_, place, err := loadSite(ctx, d.db, siteID)
		return place, err
	}
	return nil, domain.NotFound("材料")
}

// Attachment loads an attachment's record for an actor who may read its
// case (or inspection).
func (d *DB) Attachment(ctx context.Context, a *domain.Actor, id int64) (*Attachment, error) {
	x, err := scanAttachment(d.db.QueryRowContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "材料")
	}
	place, err := d.attachmentPlace(ctx, x)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, place, "材料"); err != nil {
		return nil, err
	}
	return x, nil
}

// OpenAttachment returns an attachment's record and its bytes; the caller
// closes the file. Serve it with the stored ContentType (never sniffed
// again) and X-Content-Type-Options: nosniff.
func (d *DB) OpenAttachment(ctx context.Context, a *domain.Actor, id int64) (*Attachment, *os.File, error) {
	x, err := d.Attachment(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(d.blobPath(x.SHA256))
	if err != nil {
		return nil, nil, fmt.Errorf("open attachment %d (%s): %w", id, x.SHA256, err)
	}
	return x, f, nil
}

// CaseAttachments lists a case's attachments in upload order.
func (d *DB) CaseAttachments(ctx context.Context, a *domain.Actor, caseID int64) ([]*Attachment, error) {
	_, place, err := loadCase(ctx, d.db, caseID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, place, "问题"); err != nil {
		return nil, err
	}
	return d.attachmentsWhere(ctx, `case_id = $1`, caseID)
}

// InspectionAttachments lists an inspection's photos in upload order.
func (d *DB) InspectionAttachments(ctx context.Context, a *domain.Actor, inspectionID int64) ([]*Attachment, error) {
	if _, err := d.Inspection(ctx, a, inspectionID); err != nil {
		return nil, err
	}
	return d.attachmentsWhere(ctx, `inspection_id = $1`, inspectionID)
}

func (d *DB) attachmentsWhere(ctx context.Context, cond string, arg any) ([]*Attachment, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE `+cond+` ORDER BY id`, arg)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	defer rows.Close()
	out := []*Attachment{}
	for rows.Next() {
		x, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
