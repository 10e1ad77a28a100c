package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// storedBlobs lists what the store's blob store holds: with SQLite every
// file under DataDir/files, temporary ones included (ab/cdef… read as
// abcdef…); with PostgreSQL the sums in the blob table, after checking that
// nothing was written to disk.
func storedBlobs(t *testing.T, db *store.DB, raw *sql.DB) []string {
	t.Helper()
	var files []string
	root := filepath.Join(db.DataDir(), "files")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			files = append(files, strings.ReplaceAll(rel, string(filepath.Separator), ""))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if db.Dialect() == store.SQLite {
		return files
	}
	if len(files) != 0 {
		t.Fatalf("PostgreSQL store wrote files to disk: %v", files)
	}
	rows, err := raw.Query(`SELECT sha256 FROM blobs ORDER BY sha256`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sums []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		sums = append(sums, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return sums
}

// pngBytes is the start of a real PNG file.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 100)...)

func TestSaveAttachment_ContentAddressedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		c1 := f.mustCase(t, "wx_officer", "甲")
		c2 := f.mustCase(t, "wx_officer", "乙")
		lat, lng := 31.78, 119.91
		a1, err := f.app.SaveAttachment(ctx, wx, c1.ID, app.AttachmentInput{Kind: domain.AttachSitePhoto, Filename: `C:\照片\现场 1.png`,
			Lat: &lat, Lng: &lng, Reader: bytes.NewReader(pngBytes)})
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(pngBytes)
		if a1.SHA256 != hex.EncodeToString(sum[:]) || a1.Size != int64(len(pngBytes)) || a1.ContentType != "image/png" ||
			a1.Filename != "现场 1.png" || a1.Kind != domain.AttachSitePhoto || a1.CaseID == nil || *a1.CaseID != c1.ID {
			t.Fatalf("attachment = %+v", a1)
		}
		a2, err := f.app.SaveAttachment(ctx, wx, c2.ID, app.AttachmentInput{Kind: domain.AttachClearsPhoto, Reader: bytes.NewReader(pngBytes)})
		if err != nil {
			t.Fatal(err)
		}
		if a2.ID == a1.ID || a2.SHA256 != a1.SHA256 {
			t.Fatalf("second upload: %+v", a2)
		}
		if blobs := storedBlobs(t, f.db, f.raw); len(blobs) != 1 || blobs[0] != a1.SHA256 {
			t.Fatalf("blobs stored = %v, want just %s", blobs, a1.SHA256)
		}
		x, file, err := f.app.OpenAttachment(ctx, f.as["wx_head"], a2.ID)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(file)
		file.Close()
		if !bytes.Equal(body, pngBytes) || x.Kind != domain.AttachClearsPhoto {
			t.Fatalf("read back %d bytes, kind %s", len(body), x.Kind)
		}
		list, err := f.app.CaseAttachments(ctx, wx, c1.ID)
		if err != nil || len(list) != 1 || list[0].ID != a1.ID || list[0].Lat == nil || *list[0].Lat != lat {
			t.Fatalf("case attachments = %+v %v", list, err)
		}
		f.verifyAudit(t)
	})
}

func TestSaveAttachment_OverLimitTooLarge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", "甲")
		_, err := f.app.SaveAttachment(ctx, f.as["wx_officer"], c.ID, app.AttachmentInput{Kind: domain.AttachOther,
			Reader: bytes.NewReader(make([]byte, 1025)), MaxBytes: 1024})
		wantErrCode(t, err, domain.ETOOLARGE)
		// Exactly at the limit is fine.
		if _, err := f.app.SaveAttachment(ctx, f.as["wx_officer"], c.ID, app.AttachmentInput{Kind: domain.AttachOther,
			Reader: bytes.NewReader(make([]byte, 1024)), MaxBytes: 1024}); err != nil {
			t.Fatal(err)
		}
		// The default limit is 20 MiB.
		_, err = f.app.SaveAttachment(ctx, f.as["wx_officer"], c.ID, app.AttachmentInput{Kind: domain.AttachOther,
			Reader: io.LimitReader(zeros{}, domain.DefaultMaxAttachment+1)})
		wantErrCode(t, err, domain.ETOOLARGE)
		if blobs := storedBlobs(t, f.db, f.raw); len(blobs) != 1 {
			t.Fatalf("refused uploads left blobs behind: %v", blobs)
		}
		list, _ := f.app.CaseAttachments(ctx, f.as["wx_officer"], c.ID)
		if len(list) != 1 {
			t.Fatalf("%d attachments, want 1", len(list))
		}
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestSaveAttachment_NeverServedAsHTML(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", "甲")
		for _, body := range []string{
			"<!DOCTYPE html><html><script>alert(1)</script></html>",
			"<html><body onload=alert(1)>",
			`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
		} {
			x, err := f.app.SaveAttachment(ctx, f.as["wx_officer"], c.ID, app.AttachmentInput{Kind: domain.AttachOther,
				Filename: "report.html", Reader: strings.NewReader(body)})
			if err != nil {
				t.Fatal(err)
			}
			if x.ContentType != "application/octet-stream" {
				t.Fatalf("%q stored as %s", body, x.ContentType)
			}
		}
		x, err := f.app.SaveAttachment(ctx, f.as["wx_officer"], c.ID, app.AttachmentInput{Kind: domain.AttachOther, Reader: strings.NewReader("%PDF-1.4\n...")})
		if err != nil || x.ContentType != "application/pdf" {
			t.Fatalf("pdf: %+v %v", x, err)
		}
	})
}

func TestSaveAttachment_RightsScopeAndState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", "甲")
		photo := func() app.AttachmentInput {
			return app.AttachmentInput{Kind: domain.AttachDonePhoto, Reader: bytes.NewReader(pngBytes)}
		}
		_, err := f.app.SaveAttachment(ctx, f.as["yh_officer"], c.ID, photo())
		wantErrCode(t, err, domain.ENOTFOUND)
		_, err = f.app.SaveAttachment(ctx, f.as["wx_head"], c.ID, photo())
		wantErrCode(t, err, domain.EFORBIDDEN)
		_, err = f.app.SaveAttachment(ctx, f.as["wx_officer"], c.ID, app.AttachmentInput{Kind: "selfie", Reader: bytes.NewReader(pngBytes)})
		wantErrCode(t, err, domain.EINVALID)

		a, err := f.app.SaveAttachment(ctx, f.as["wx_officer"], c.ID, photo())
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.app.Attachment(ctx, f.as["yh_officer"], a.ID)
		wantErrCode(t, err, domain.ENOTFOUND)
		_, _, err = f.app.OpenAttachment(ctx, f.as["wx_grid"], a.ID)
		wantErrCode(t, err, domain.ENOTFOUND)

		// Review states still take evidence; closed-out and voided cases do not.
		for _, tc := range []struct {
			status domain.CaseStatus
			code   string
		}{{domain.StatusCloseoutRequested, ""}, {domain.StatusClosedOut, domain.ECONFLICT}, {domain.StatusVoided, domain.ECONFLICT}} {
			if _, err := f.raw.Exec(`UPDATE cases SET status = $1 WHERE id = $2`, tc.status, c.ID); err != nil {
				t.Fatal(err)
			}
			_, err := f.app.SaveAttachment(ctx, f.as["wx_officer"], c.ID, photo())
			wantErrCode(t, err, tc.code)
		}
		f.verifyAudit(t)
	})
}

func TestSaveInspectionPhoto(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newSitesFixture(t, dialect)
		ctx := context.Background()
		grid := f.as["wx_grid"]
		s, err := f.app.CreateSite(ctx, grid, app.SiteInput{Name: "新中喷涂"})
		if err != nil {
			t.Fatal(err)
		}
		x, err := f.app.CreateInspection(ctx, grid, app.InspectionInput{SiteID: s.ID, Outcome: domain.OutcomeNoProblem})
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.app.SaveInspectionPhoto(ctx, grid, x.ID, app.AttachmentInput{Kind: domain.AttachSitePhoto, Reader: bytes.NewReader(pngBytes)})
		if err != nil || a.InspectionID == nil || *a.InspectionID != x.ID || a.CaseID != nil {
			t.Fatalf("inspection photo: %+v %v", a, err)
		}
		list, err := f.app.InspectionAttachments(ctx, f.as["wx_officer"], x.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("inspection attachments: %+v %v", list, err)
		}
		_, err = f.app.Attachment(ctx, f.as["yh_officer"], a.ID)
		wantErrCode(t, err, domain.ENOTFOUND)
		f.verifyAudit(t)
	})
}

// Files are served by a second instance on the same PostgreSQL: two stores
// on one database, each with its own data dir (and the same audit key). A
// case photo uploaded through one and an inspection photo uploaded through
// the other are each read, record and bytes, through the other, and
// neither instance keeps a file on disk.
func TestAttachments_SecondInstanceOnPostgres(t *testing.T) {
	ctx := context.Background()
	url := storetest.CreatePostgresDB(t)
	one := newSitesFixtureAt(t, url, t.TempDir())
	one.seed(t)
	two := newSitesFixtureAt(t, url, t.TempDir())
	two.join(t, one)

	c := one.mustCase(t, "wx_officer", "甲")
	onCase, err := one.app.SaveAttachment(ctx, one.as["wx_officer"], c.ID, app.AttachmentInput{Kind: domain.AttachSitePhoto,
		Filename: "现场.png", Reader: bytes.NewReader(pngBytes)})
	if err != nil {
		t.Fatal(err)
	}
	xs, err := two.app.SiteInspections(ctx, two.as["wx_officer"], c.SiteID, 0)
	if err != nil || len(xs) != 1 {
		t.Fatalf("inspections seen by the second instance: %v %v", xs, err)
	}
	pdf := []byte("%PDF-1.4\n排查记录")
	onInspection, err := two.app.SaveInspectionPhoto(ctx, two.as["wx_officer"], xs[0].ID, app.AttachmentInput{Kind: domain.AttachOther,
		Reader: bytes.NewReader(pdf)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		by   *sitesFixture
		want *domain.Attachment
		body []byte
	}{{two, onCase, pngBytes}, {one, onInspection, pdf}} {
		x, file, err := tc.by.app.OpenAttachment(ctx, tc.by.as["wx_officer"], tc.want.ID)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(file)
		file.Close()
		if err != nil || !bytes.Equal(body, tc.body) || !reflect.DeepEqual(x, tc.want) {
			t.Fatalf("read %+v %q (%v), want %+v %q", x, body, err, tc.want, tc.body)
		}
	}
	if got := storedBlobs(t, two.db, two.raw); len(got) != 2 {
		t.Fatalf("blobs = %v, want the two uploads", got)
	}
	storedBlobs(t, one.db, one.raw) // fails on a file on disk
	one.verifyAudit(t)
}
