package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// staticFiles serves embedded assets under content-hashed names
// (app.css → app.1a2b3c4d.css) so browsers may cache them forever.
type staticFiles struct {
	files  map[string][]byte // hashed name → content
	hashed map[string]string // plain name → hashed name
}

func newStaticFiles(fsys fs.FS) *staticFiles {
	sf := &staticFiles{files: map[string][]byte{}, hashed: map[string]string{}}
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		// Keep ".min.js" style double extensions intact.
		base := strings.TrimSuffix(p, ext)
		name := base + "." + hex.EncodeToString(sum[:4]) + ext
		sf.files[name] = b
		sf.hashed[p] = name
		return nil
	})
	return sf
}

// URL returns the cache-forever URL of a plain asset name.
func (sf *staticFiles) URL(name string) string {
	if h, ok := sf.hashed[name]; ok {
		return "/static/" + h
	}
	return "/static/" + name
}

func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, ok := sf.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(r.URL.Path))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}
