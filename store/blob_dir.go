package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// dirBlobs keeps blobs as files in a local directory (DataDir/files), each
// at ab/cdef… after its SHA-256, with uploads arriving in tmp/.
type dirBlobs struct{ dir string }

func (b dirBlobs) path(sum string) string { return filepath.Join(b.dir, sum[:2], sum[2:]) }

// Put streams r to a temporary file while hashing it, then moves it to its
// content address; bytes already stored are not stored again.
func (b dirBlobs) Put(ctx context.Context, r io.Reader, max int64) (string, int64, string, error) {
	tmpDir := filepath.Join(b.dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return "", 0, "", fmt.Errorf("blob dir: %w", err)
	}
	sp, err := spool(tmpDir, r, max, true)
	if err != nil {
		return "", 0, "", err
	}
	defer os.Remove(sp.path) // gone already once moved into place
	final := b.path(sp.sum)
	if _, err := os.Stat(final); err == nil {
		return sp.sum, sp.size, sp.contentType, nil // the same bytes are stored already
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", 0, "", fmt.Errorf("store blob: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return "", 0, "", fmt.Errorf("store blob: %w", err)
	}
	if err := os.Rename(sp.path, final); err != nil {
		return "", 0, "", fmt.Errorf("store blob: %w", err)
	}
	syncDir(filepath.Dir(final))
	return sp.sum, sp.size, sp.contentType, nil
}

// Open opens the file of sum.
func (b dirBlobs) Open(ctx context.Context, sum string) (io.ReadSeekCloser, error) {
	if !validSum(sum) {
		return nil, fmt.Errorf("blob %q: %w", sum, ErrNotFound)
	}
	f, err := os.Open(b.path(sum))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", sum, ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", sum, err)
	}
	return f, nil
}

// syncDir makes a rename durable; failure only weakens durability, so it is ignored.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
