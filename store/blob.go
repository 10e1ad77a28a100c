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
)

// Blobs keeps the bytes of uploaded files (attachments, sealed scans) by
// content: the key is the hex SHA-256, the same bytes are kept once and
// never change. Two implementations: a local directory (dirBlobs, the
// SQLite default) and a table of the PostgreSQL database (pgBlobs), chosen
// whenever the store is PostgreSQL so that app instances sharing the
// database serve every file and keep no state of their own on disk.
type Blobs interface {
	// Put reads r to the end, at most max bytes (more is ErrTooLarge and
	// nothing is kept), and answers the digest, the size and the content
	// type sniffed from the first bytes — never one a browser renders as a
	// page (safeContentType).
	Put(ctx context.Context, r io.Reader, max int64) (sum string, size int64, contentType string, err error)
	// Open opens the bytes of sum; a sum not stored is ErrNotFound.
	Open(ctx context.Context, sum string) (io.ReadSeekCloser, error)
}

// ErrTooLarge: an upload was over its limit; nothing was kept.
var ErrTooLarge = errors.New("store: upload too large")

// PutBlob stores an uploaded file in the store's blob store (Blobs.Put).
// It runs outside any transaction: the record that refers to the blob is
// written afterwards.
func (d *DB) PutBlob(ctx context.Context, r io.Reader, max int64) (sum string, size int64, contentType string, err error) {
	return d.blobs.Put(ctx, r, max)
}

// OpenBlob opens the stored bytes of sum (Blobs.Open); the caller closes them.
func (d *DB) OpenBlob(ctx context.Context, sum string) (io.ReadSeekCloser, error) {
	return d.blobs.Open(ctx, sum)
}

// openBlobs picks the blob store of the dialect. On PostgreSQL the files an
// earlier deployment kept in DataDir/files are copied into the table first.
func (d *DB) openBlobs(ctx context.Context) (Blobs, error) {
	dir := filepath.Join(d.dataDir, "files")
	if d.dialect != Postgres {
		return dirBlobs{dir: dir}, nil
	}
	b := pgBlobs{db: d.db}
	if err := b.importDir(ctx, dir, d.log); err != nil {
		return nil, fmt.Errorf("move files into the database: %w", err)
	}
	return b, nil
}

// validSum reports whether sum is a hex SHA-256 as Put makes them, so that a
// key never names a path outside the blob store.
func validSum(sum string) bool {
	if len(sum) != sha256.Size*2 {
		return false
	}
	for _, c := range sum {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// spooled is an upload received into a temporary file, hashed and sniffed on
// the way in, so that no blob store holds a whole upload in memory while it
// arrives.
type spooled struct {
	path        string
	sum         string
	size        int64
	contentType string
}

// spool streams r (at most max bytes; more is ErrTooLarge) into a new file
// in dir ("" for the system's temporary directory), hashing and sniffing it;
// durable syncs the file before it is closed. The caller removes path; on an
// error nothing is left behind.
func spool(dir string, r io.Reader, max int64, durable bool) (*spooled, error) {
	f, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("upload temp file: %w", err)
	}
	fail := func(err error) (*spooled, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	h := sha256.New()
	head := &headWriter{n: 512}
	size, err := io.Copy(io.MultiWriter(f, h, head), io.LimitReader(r, max+1))
	if err != nil {
		return fail(fmt.Errorf("receive upload: %w", err))
	}
	if size > max {
		return fail(fmt.Errorf("upload over %d bytes: %w", max, ErrTooLarge))
	}
	if durable {
		if err := f.Sync(); err != nil {
			return fail(fmt.Errorf("store upload: %w", err))
		}
	}
	if err := f.Close(); err != nil {
		return fail(fmt.Errorf("store upload: %w", err))
	}
	return &spooled{path: f.Name(), sum: hex.EncodeToString(h.Sum(nil)), size: size, contentType: safeContentType(head.buf)}, nil
}

// servableTypes are the sniffed types a stored file keeps. Anything else —
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
