package store

import (
	"context"
	"io"
	"os"
)

// PutBlob stores the bytes of an uploaded file by their SHA-256 (at most max
// bytes; more is ETOOLARGE) and returns the hex digest, the size and the
// content type sniffed from the first bytes (never one a browser renders as
// a page). The same content stored twice is kept once. It runs outside any
// transaction: the record that refers to the blob is written afterwards.
func (d *DB) PutBlob(ctx context.Context, r io.Reader, max int64) (sum string, size int64, contentType string, err error) {
	return d.putBlob(r, max)
}

// OpenBlob opens the stored bytes of sum.
func (d *DB) OpenBlob(ctx context.Context, sum string) (io.ReadSeekCloser, error) {
	f, err := os.Open(d.blobPath(sum))
	if err != nil {
		return nil, err
	}
	return f, nil
}
