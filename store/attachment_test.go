package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// storedFiles lists the content-addressed files under DataDir/files (not temp files).
func storedFiles(t *testing.T, db *store.DB) []string {
	t.Helper()
	var out []string
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
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pngBytes is the start of a real PNG file.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 100)...)

func TestSaveAttachment_ContentAddressedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		c1 := f.mustCase(t, "wx_officer", newCase("甲"))
		c2 := f.mustCase(t, "wx_officer", newCase("乙"))
		lat, lng := 31.78, 119.91
		a1, err := f.db.SaveAttachment(ctx, wx, c1.ID, store.AttachmentInput{Kind: store.AttachSitePhoto, Filename: `C:\照片\现场 1.png`,
			Lat: &lat, Lng: &lng, Reader: bytes.NewReader(pngBytes)})
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(pngBytes)
		if a1.SHA256 != hex.EncodeToString(sum[:]) || a1.Size != int64(len(pngBytes)) || a1.ContentType != "image/png" ||
			a1.Filename != "现场 1.png" || a1.Kind != store.AttachSitePhoto || a1.CaseID == nil || *a1.CaseID != c1.ID {
			t.Fatalf("attachment = %+v", a1)
		}
		a2, err := f.db.SaveAttachment(ctx, wx, c2.ID, store.AttachmentInput{Kind: store.AttachClearsPhoto, Reader: bytes.NewReader(pngBytes)})
		if err != nil {
			t.Fatal(err)
		}
		if a2.ID == a1.ID || a2.SHA256 != a1.SHA256 {
			t.Fatalf("second upload: %+v", a2)
		}
		files := storedFiles(t, f.db)
		want := filepath.Join(a1.SHA256[:2], a1.SHA256[2:])
		if len(files) != 1 || files[0] != want {
			t.Fatalf("files on disk = %v, want just %s", files, want)
		}
		x, file, err := f.db.OpenAttachment(ctx, f.as["wx_head"], a2.ID)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(file)
		file.Close()
		if !bytes.Equal(body, pngBytes) || x.Kind != store.AttachClearsPhoto {
			t.Fatalf("read back %d bytes, kind %s", len(body), x.Kind)
		}
		list, err := f.db.CaseAttachments(ctx, wx, c1.ID)
		if err != nil || len(list) != 1 || list[0].ID != a1.ID || list[0].Lat == nil || *list[0].Lat != lat {
			t.Fatalf("case attachments = %+v %v", list, err)
		}
		verifyAudit(t, f.db)
	})
}

func TestSaveAttachment_OverLimitTooLarge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", newCase("甲"))
		_, err := f.db.SaveAttachment(ctx, f.as["wx_officer"], c.ID, store.AttachmentInput{Kind: store.AttachOther,
			Reader: bytes.NewReader(make([]byte, 1025)), MaxBytes: 1024})
		wantCode(t, err, domain.ETOOLARGE)
		// Exactly at the limit is fine.
		if _, err := f.db.SaveAttachment(ctx, f.as["wx_officer"], c.ID, store.AttachmentInput{Kind: store.AttachOther,
			Reader: bytes.NewReader(make([]byte, 1024)), MaxBytes: 1024}); err != nil {
			t.Fatal(err)
		}
		// The default limit is 20 MiB.
		_, err = f.db.SaveAttachment(ctx, f.as["wx_officer"], c.ID, store.AttachmentInput{Kind: store.AttachOther,
			Reader: io.LimitReader(zeros{}, store.DefaultMaxAttachment+1)})
		wantCode(t, err, domain.ETOOLARGE)
		if files := storedFiles(t, f.db); len(files) != 1 {
			t.Fatalf("refused uploads left files behind: %v", files)
		}
		list, _ := f.db.CaseAttachments(ctx, f.as["wx_officer"], c.ID)
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
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", newCase("甲"))
		for _, body := range []string{
			"<!DOCTYPE html><html><script>alert(1)</script></html>",
			"<html><body onload=alert(1)>",
			`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
		} {
			x, err := f.db.SaveAttachment(ctx, f.as["wx_officer"], c.ID, store.AttachmentInput{Kind: store.AttachOther,
				Filename: "report.html", Reader: strings.NewReader(body)})
			if err != nil {
				t.Fatal(err)
			}
			if x.ContentType != "application/octet-stream" {
				t.Fatalf("%q stored as %s", body, x.ContentType)
			}
		}
		x, err := f.db.SaveAttachment(ctx, f.as["wx_officer"], c.ID, store.AttachmentInput{Kind: store.AttachOther, Reader: strings.NewReader("%PDF-1.4\n...")})
		if err != nil || x.ContentType != "application/pdf" {
			t.Fatalf("pdf: %+v %v", x, err)
		}
	})
}

func TestSaveAttachment_RightsScopeAndState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", newCase("甲"))
		photo := func() store.AttachmentInput {
			return store.AttachmentInput{Kind: store.AttachDonePhoto, Reader: bytes.NewReader(pngBytes)}
		}
		_, err := f.db.SaveAttachment(ctx, f.as["yh_officer"], c.ID, photo())
		wantCode(t, err, domain.ENOTFOUND)
		_, err = f.db.SaveAttachment(ctx, f.as["wx_head"], c.ID, photo())
		wantCode(t, err, domain.EFORBIDDEN)
		_, err = f.db.SaveAttachment(ctx, f.as["wx_officer"], c.ID, store.AttachmentInput{Kind: "selfie", Reader: bytes.NewReader(pngBytes)})
		wantCode(t, err, domain.EINVALID)

		a, err := f.db.SaveAttachment(ctx, f.as["wx_officer"], c.ID, photo())
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.db.Attachment(ctx, f.as["yh_officer"], a.ID)
		wantCode(t, err, domain.ENOTFOUND)
		_, _, err = f.db.OpenAttachment(ctx, f.as["wx_grid"], a.ID)
		wantCode(t, err, domain.ENOTFOUND)

		raw, _ := f.db.RawForTests()
		// Review states still take evidence; closed-out and voided cases do not.
		for _, tc := range []struct {
			status domain.CaseStatus
			code   string
		}{{domain.StatusCloseoutRequested, ""}, {domain.StatusClosedOut, domain.ECONFLICT}, {domain.StatusVoided, domain.ECONFLICT}} {
			if _, err := raw.Exec(`UPDATE cases SET status = $1 WHERE id = $2`, tc.status, c.ID); err != nil {
				t.Fatal(err)
			}
			_, err := f.db.SaveAttachment(ctx, f.as["wx_officer"], c.ID, photo())
			wantCode(t, err, tc.code)
		}
		verifyAudit(t, f.db)
	})
}

func TestSaveInspectionPhoto(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		grid := f.as["wx_grid"]
		s, err := f.db.CreateSite(ctx, grid, store.SiteInput{Name: "新中喷涂"})
		if err != nil {
			t.Fatal(err)
		}
		x, err := f.db.CreateInspection(ctx, grid, store.InspectionInput{SiteID: s.ID, Outcome: domain.OutcomeNoProblem})
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.db.SaveInspectionPhoto(ctx, grid, x.ID, store.AttachmentInput{Kind: store.AttachSitePhoto, Reader: bytes.NewReader(pngBytes)})
		if err != nil || a.InspectionID == nil || *a.InspectionID != x.ID || a.CaseID != nil {
			t.Fatalf("inspection photo: %+v %v", a, err)
		}
		list, err := f.db.InspectionAttachments(ctx, f.as["wx_officer"], x.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("inspection attachments: %+v %v", list, err)
		}
		_, err = f.db.Attachment(ctx, f.as["yh_officer"], a.ID)
		wantCode(t, err, domain.ENOTFOUND)
		verifyAudit(t, f.db)
	})
}
