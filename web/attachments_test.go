package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// instanceAt starts one app instance — a store with its own data dir and a
// server — on the PostgreSQL database at url, with the test audit key.
func instanceAt(t *testing.T, url string, clock *domain.FixedClock) (*store.DB, *httptest.Server) {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{DataDir: t.TempDir(), URL: url, Clock: clock,
		AuditKey: []byte("test-audit-key-0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv, err := New(Options{App: app.New(db), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return db, hs
}

// seedEnv seeds db as newEnv does and answers the environment of srv.
func seedEnv(t *testing.T, db *store.DB, srv *httptest.Server, clock *domain.FixedClock) *testEnv {
	t.Helper()
	ctx := context.Background()
	a := app.New(db)
	if _, err := seed.Bootstrap(ctx, a, "admin-password"); err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, db: db, srv: srv, orgs: map[string]*domain.OrgUnit{}, tokens: map[string]string{}, clock: clock}
	root, _ := a.Root(ctx)
	units, _ := a.Subtree(ctx, root)
	for _, o := range units {
		e.orgs[o.Name] = o
	}
	e.tokens["admin"] = e.login("admin", "admin-password")
	for _, u := range testUsers {
		e.do("admin", "POST", "/api/v1/users", map[string]any{"username": u.name, "password": "password-" + u.name,
			"display_name": u.name, "role": u.role, "org_id": e.orgs[u.org].ID}).want(http.StatusCreated)
		e.tokens[u.name] = e.login(u.name, "password-"+u.name)
	}
	return e
}

// Two instances on one PostgreSQL, each with its own data dir: a file
// uploaded through one is served by the other, alone and in the case's
// ZIP, and neither keeps it on disk.
func TestAPI_SecondInstanceServesUploadedFiles(t *testing.T) {
	url := storetest.CreatePostgresDB(t)
	clock := &domain.FixedClock{T: mustTime("2020-10-12T10:00:00+08:00")}
	db1, srv1 := instanceAt(t, url, clock)
	db2, srv2 := instanceAt(t, url, clock)
	e1 := seedEnv(t, db1, srv1, clock)
	// The second instance knows the same users: sessions are in the database.
	e2 := &testEnv{t: t, db: db2, srv: srv2, orgs: e1.orgs, tokens: e1.tokens, clock: clock}

	e1.createCampaign()
	c := e1.newCase("两个实例")
	id := fmtInt(c.ID)
	photo := []byte("\xff\xd8\xff\xe0 jpeg of the site")
	var att domain.Attachment
	upload(e1, "wx_grid", "/api/v1/cases/"+id+"/attachments", "site_photo", photo).want(http.StatusCreated).decode(&att)

	r := e2.do("wx_officer", "GET", "/api/v1/attachments/"+fmtInt(att.ID), nil).want(http.StatusOK)
	if !bytes.Equal(r.body, photo) || r.hdr.Get("Content-Type") != att.ContentType {
		t.Fatalf("second instance served %q as %q, want %q as %q", r.body, r.hdr.Get("Content-Type"), photo, att.ContentType)
	}
	e2.do("yh_officer", "GET", "/api/v1/attachments/"+fmtInt(att.ID), nil).want(http.StatusNotFound)
	z := e2.do("discipline", "GET", "/api/v1/cases/"+id+"/file.zip", nil).want(http.StatusOK)
	zr, err := zip.NewReader(bytes.NewReader(z.body), int64(len(z.body)))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range zr.File {
		if filepath.Dir(f.Name) == "材料" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			found = bytes.Equal(b, photo)
		}
	}
	if !found {
		t.Fatal("the second instance's case ZIP lacks the photo")
	}
	for _, db := range []*store.DB{db1, db2} {
		if _, err := os.Stat(filepath.Join(db.DataDir(), "files")); !os.IsNotExist(err) {
			t.Fatalf("instance with data dir %s keeps files on disk (%v)", db.DataDir(), err)
		}
	}
}
