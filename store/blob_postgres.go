package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// pgBlobs keeps blobs in the PostgreSQL table blobs (migration
// 0005_blobs.sql), one row per SHA-256, so every app instance on the
// database serves every file. An upload is spooled to a temporary file
// while it is hashed and inserted in one statement once complete; a
// download reads the value in slices (the column is stored uncompressed out
// of line, so substring() fetches only the slice).
type pgBlobs struct{ db *sql.DB }

// pgBlobChunk is how much of a blob one read fetches.
const pgBlobChunk = 1 << 20

// Put spools r to a temporary file while hashing it, then inserts it unless
// the same bytes are stored already.
func (b pgBlobs) Put(ctx context.Context, r io.Reader, max int64) (string, int64, string, error) {
	sp, err := spool("", r, max, false)
	if err != nil {
		return "", 0, "", err
	}
	defer os.Remove(sp.path)
	var stored bool
	if err := b.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = $1)`, sp.sum).Scan(&stored); err != nil {
		return "", 0, "", fmt.Errorf("look up blob: %w", err)
	}
	if !stored {
		data, err := os.ReadFile(sp.path)
		if err != nil {
			return "", 0, "", fmt.Errorf("store blob: %w", err)
		}
		if err := b.insert(ctx, sp.sum, data); err != nil {
			return "", 0, "", err
		}
	}
	return sp.sum, sp.size, sp.contentType, nil
}

func (b pgBlobs) insert(ctx context.Context, sum string, data []byte) error {
	if _, err := b.db.ExecContext(ctx, `INSERT INTO blobs (sha256, size, data) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`,
		sum, len(data), data); err != nil {
		return fmt.Errorf("store blob %s: %w", sum, err)
	}
	return nil
}

// Open finds the blob of sum; its bytes are read as they are asked for.
func (b pgBlobs) Open(ctx context.Context, sum string) (io.ReadSeekCloser, error) {
	var size int64
	err := b.db.QueryRowContext(ctx, `SELECT size FROM blobs WHERE sha256 = $1`, sum).Scan(&size)
	if err != nil {
		return nil, noRows(err, "blob", sum)
	}
	return &pgBlobReader{ctx: ctx, db: b.db, sum: sum, size: size}, nil
}

// pgBlobReader reads a stored blob a chunk at a time.
type pgBlobReader struct {
	ctx    context.Context
	db     *sql.DB
	sum    string
	size   int64
	off    int64  // the next byte Read returns
	buf    []byte // the chunk fetched last, starting at bufOff
	bufOff int64
}

func (b *pgBlobReader) Read(p []byte) (int, error) {
	if b.off >= b.size {
		return 0, io.EOF
	}
	if b.off < b.bufOff || b.off >= b.bufOff+int64(len(b.buf)) {
		n := min(int64(pgBlobChunk), b.size-b.off)
		var chunk []byte
		// substring counts bytes from 1.
		if err := b.db.QueryRowContext(b.ctx, `SELECT substring(data FROM $2 FOR $3) FROM blobs WHERE sha256 = $1`,
			b.sum, b.off+1, n).Scan(&chunk); err != nil {
			return 0, fmt.Errorf("read blob %s: %w", b.sum, err)
		}
		if len(chunk) == 0 {
			return 0, io.ErrUnexpectedEOF
		}
		b.buf, b.bufOff = chunk, b.off
	}
	n := copy(p, b.buf[b.off-b.bufOff:])
	b.off += int64(n)
	return n, nil
}

func (b *pgBlobReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += b.off
	case io.SeekEnd:
		offset += b.size
	default:
		return 0, errors.New("blob seek: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("blob seek: negative position")
	}
	b.off = offset
	return offset, nil
}

func (b *pgBlobReader) Close() error {
	b.buf = nil
	return nil
}

// importDir copies the files a local blob store keeps in dir (an earlier
// deployment's DataDir/files) into the table, each checked against its
// name: a file whose bytes do not match it is logged and left out. Files
// the table has already are not read again, so this is safe on every start
// and by several instances at once; dir itself is left as it was.
func (b pgBlobs) importDir(ctx context.Context, dir string, log *slog.Logger) error {
	sums, err := localBlobSums(dir)
	if err != nil || len(sums) == 0 {
		return err
	}
	imported := 0
	for start := 0; start < len(sums); start += 500 {
		batch := sums[start:min(start+500, len(sums))]
		have, err := b.stored(ctx, batch)
		if err != nil {
			return err
		}
		for _, sum := range batch {
			if have[sum] {
				continue
			}
			data, err := os.ReadFile(dirBlobs{dir: dir}.path(sum))
			if err != nil {
				return fmt.Errorf("read %s: %w", sum, err)
			}
			if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != sum {
				log.Warn("blob file does not match its name; not moved into the database", "dir", dir, "sha256", sum)
				continue
			}
			if err := b.insert(ctx, sum, data); err != nil {
				return err
			}
			imported++
		}
	}
	if imported > 0 {
		log.Info("moved stored files into the database", "dir", dir, "files", imported)
	}
	return nil
}

// stored answers which of sums the table holds.
func (b pgBlobs) stored(ctx context.Context, sums []string) (map[string]bool, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT sha256 FROM blobs WHERE sha256 = ANY($1)`, sums)
	if err != nil {
		return nil, fmt.Errorf("stored blobs: %w", err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		have[s] = true
	}
	return have, rows.Err()
}

// localBlobSums lists the sums of the blob files in dir (ab/cdef…), leaving
// out uploads that never completed (tmp/) and anything not named like a blob.
func localBlobSums(dir string) ([]string, error) {
	subs, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	var sums []string
	for _, sub := range subs {
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, sub.Name()))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", dir, err)
		}
		for _, f := range files {
			if sum := sub.Name() + f.Name(); f.Type().IsRegular() && validSum(sum) {
				sums = append(sums, sum)
			}
		}
	}
	return sums, nil
}
