package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// pngBytes is the start of a real PNG file.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 100)...)

// localBlobFiles lists the files under DataDir/files, temporary ones
// included, as paths relative to it.
func localBlobFiles(t *testing.T, db *store.DB) []string {
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

// blobRows counts the rows of the PostgreSQL blob table.
func blobRows(t *testing.T, db *store.DB) int {
	t.Helper()
	raw, _ := db.RawForTests()
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM blobs`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func sumOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func readBlob(t *testing.T, db *store.DB, sum string) []byte {
	t.Helper()
	f, err := db.OpenBlob(context.Background(), sum)
	if err != nil {
		t.Fatalf("open blob %s: %v", sum, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The same bytes are stored once, in the directory with SQLite and in the
// database (nothing on disk) with PostgreSQL, and read back as stored.
func TestBlobs_PutOpenOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		db := storetest.Open(t, dialect, storetest.Options{})
		ctx := context.Background()
		sum, size, ct, err := db.PutBlob(ctx, bytes.NewReader(pngBytes), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if sum != sumOf(pngBytes) || size != int64(len(pngBytes)) || ct != "image/png" {
			t.Fatalf("put = %s %d %s", sum, size, ct)
		}
		again, _, _, err := db.PutBlob(ctx, bytes.NewReader(pngBytes), 1<<20)
		if err != nil || again != sum {
			t.Fatalf("second put = %s %v", again, err)
		}
		html, _, ct, err := db.PutBlob(ctx, strings.NewReader("<!DOCTYPE html><script>alert(1)</script>"), 1<<20)
		if err != nil || ct != "application/octet-stream" {
			t.Fatalf("html stored as %q (%v)", ct, err)
		}
		files := localBlobFiles(t, db)
		if dialect == store.Postgres {
			if len(files) != 0 || blobRows(t, db) != 2 {
				t.Fatalf("PostgreSQL: files on disk %v, %d rows; want none and 2", files, blobRows(t, db))
			}
		} else if len(files) != 2 || !contains(files, filepath.Join(sum[:2], sum[2:])) || !contains(files, filepath.Join(html[:2], html[2:])) {
			t.Fatalf("SQLite: files on disk %v, want just %s and %s", files, sum, html)
		}
		if b := readBlob(t, db, sum); !bytes.Equal(b, pngBytes) {
			t.Fatalf("read back %q", b)
		}
		if _, err := db.OpenBlob(ctx, sumOf([]byte("never stored"))); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown blob: %v", err)
		}
		if _, err := db.OpenBlob(ctx, "../../zhengzhi.db"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a path for a sum: %v", err)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Over the limit is ErrTooLarge and leaves nothing behind, not even a
// temporary file; exactly at the limit is fine.
func TestBlobs_OverLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		db := storetest.Open(t, dialect, storetest.Options{})
		ctx := context.Background()
		if _, _, _, err := db.PutBlob(ctx, bytes.NewReader(make([]byte, 1025)), 1024); !errors.Is(err, store.ErrTooLarge) {
			t.Fatalf("over the limit: %v", err)
		}
		stored := func() int {
			if dialect == store.Postgres {
				return blobRows(t, db)
			}
			return len(localBlobFiles(t, db))
		}
		if n := stored(); n != 0 {
			t.Fatalf("a refused upload left %d blobs (%v)", n, localBlobFiles(t, db))
		}
		if _, _, _, err := db.PutBlob(ctx, bytes.NewReader(make([]byte, 1024)), 1024); err != nil {
			t.Fatal(err)
		}
		if n := stored(); n != 1 {
			t.Fatalf("%d blobs, want 1", n)
		}
	})
}

// A blob larger than one read of the database is read whole and by slices
// from any position (http.ServeContent seeks).
func TestBlobs_ReadAndSeekAcrossChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		db := storetest.Open(t, dialect, storetest.Options{})
		ctx := context.Background()
		data := make([]byte, 5<<19+77) // 2.5 MiB and a bit
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		sum, _, _, err := db.PutBlob(ctx, bytes.NewReader(data), 4<<20)
		if err != nil {
			t.Fatal(err)
		}
		if b := readBlob(t, db, sum); !bytes.Equal(b, data) {
			t.Fatalf("read %d bytes back, not the %d stored", len(b), len(data))
		}
		f, err := db.OpenBlob(ctx, sum)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		end, err := f.Seek(0, io.SeekEnd)
		if err != nil || end != int64(len(data)) {
			t.Fatalf("seek end = %d %v", end, err)
		}
		for _, at := range []int64{1<<20 - 3, 10, 2<<20 - 1, int64(len(data)) - 5} {
			if _, err := f.Seek(at, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 10)
			n, err := io.ReadFull(f, buf)
			want := data[at:min(at+10, int64(len(data)))]
			if !bytes.Equal(buf[:n], want) || (err != nil && n != len(want)) {
				t.Fatalf("at %d: %x (%v), want %x", at, buf[:n], err, want)
			}
		}
	})
}

// The files of a deployment that kept them in DataDir/files move into the
// database when the store is first opened on PostgreSQL; a file whose bytes
// do not match its name stays out; opening again imports nothing twice, and
// the files are served from the database once the directory is gone.
func TestBlobs_PostgresImportsLocalFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	lite := storetest.Open(t, store.SQLite, storetest.Options{DataDir: dir})
	var sums []string
	for _, b := range [][]byte{pngBytes, []byte("%PDF-1.4\n处罚决定书")} {
		sum, _, _, err := lite.PutBlob(ctx, bytes.NewReader(b), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum)
	}
	lite.Close()
	bad := writeLocalBlob(t, dir, []byte("what the name says"))
	if err := os.WriteFile(filepath.Join(dir, "files", bad[:2], bad[2:]), []byte("something else"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "files", "tmp", "upload-123"), []byte("half an upload"), 0o640); err != nil {
		t.Fatal(err)
	}

	url := storetest.CreatePostgresDB(t)
	open := func(dataDir string) *store.DB {
		t.Helper()
		db, err := store.Open(ctx, store.Options{DataDir: dataDir, URL: url, AuditKey: []byte("test-audit-key-0123456789abcdef")})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	pg := open(dir)
	if n := blobRows(t, pg); n != 2 {
		t.Fatalf("%d blobs imported, want 2", n)
	}
	if _, err := pg.OpenBlob(ctx, bad); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a file not matching its name was imported: %v", err)
	}
	pg.Close()

	// Again, with one file already there and one new: only the new one comes.
	extra := writeLocalBlob(t, dir, []byte("added later"))
	pg = open(dir)
	if n := blobRows(t, pg); n != 3 {
		t.Fatalf("%d blobs after the second start, want 3", n)
	}
	pg.Close()

	if err := os.RemoveAll(filepath.Join(dir, "files")); err != nil {
		t.Fatal(err)
	}
	pg = open(t.TempDir())
	defer pg.Close()
	for i, b := range [][]byte{pngBytes, []byte("%PDF-1.4\n处罚决定书"), []byte("added later")} {
		sum := append(sums, extra)[i]
		if got := readBlob(t, pg, sum); !bytes.Equal(got, b) {
			t.Fatalf("blob %s = %q, want %q", sum, got, b)
		}
	}
}

// writeLocalBlob puts b where the SQLite store keeps it in dir, and
// answers its sum.
func writeLocalBlob(t *testing.T, dir string, b []byte) string {
	t.Helper()
	sum := sumOf(b)
	if err := os.MkdirAll(filepath.Join(dir, "files", sum[:2]), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "files", sum[:2], sum[2:]), b, 0o640); err != nil {
		t.Fatal(err)
	}
	return sum
}
