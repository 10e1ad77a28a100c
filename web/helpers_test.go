package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// testEnv is a running server on a fresh store with users of several roles.
type testEnv struct {
	t      *testing.T
	db     *store.DB
	srv    *httptest.Server
	orgs   map[string]*domain.OrgUnit
	tokens map[string]string
	clock  *domain.FixedClock
}

var testUsers = []struct {
	name string
	role domain.Role
	org  string
}{
	{"district", domain.RoleDistrictOffice, "钟楼区"},
	{"supervisor", domain.RoleSupervisor, "钟楼区"},
	{"discipline", domain.RoleDiscipline, "钟楼区"},
	{"wx_officer", domain.RoleTownOfficer, "五星街道"},
	{"wx_head", domain.RoleTownHead, "五星街道"},
	{"wx_vhead", domain.RoleVillageHead, "新中社区"},
	{"wx_grid", domain.RoleGrid, "新中社区"},
	{"yh_officer", domain.RoleTownOfficer, "永红街道"},
	{"yh_head", domain.RoleTownHead, "永红街道"},
	{"yh_grid", domain.RoleGrid, "东方社区"},
}

func newEnv(t *testing.T, dialect store.Dialect) *testEnv {
	t.Helper()
	ctx := context.Background()
	clock := &domain.FixedClock{T: mustTime("2020-10-12T10:00:00+08:00")}
	db := storetest.Open(t, dialect, storetest.Options{Clock: clock})
	if _, err := seed.Bootstrap(ctx, app.New(db), "admin-password"); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{App: app.New(db), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, db: db, srv: httptest.NewServer(srv.Handler()), orgs: map[string]*domain.OrgUnit{}, tokens: map[string]string{}, clock: clock}
	t.Cleanup(e.srv.Close)
	root, _ := db.Reader(ctx).Root()
	units, _ := db.Reader(ctx).Subtree(root)
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

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func (e *testEnv) login(user, pw string) string {
	e.t.Helper()
	var out struct{ Token string }
	e.do("", "POST", "/api/v1/tokens", map[string]string{"username": user, "password": pw}).want(http.StatusCreated).decode(&out)
	if out.Token == "" {
		e.t.Fatalf("login %s: no token", user)
	}
	return out.Token
}

// response is a finished request with helpers to assert on it.
type response struct {
	t    *testing.T
	code int
	body []byte
	hdr  http.Header
	desc string
}

// do sends a JSON request as user ("" = anonymous).
func (e *testEnv) do(user, method, path string, body any) *response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	}
	return e.send(req, user+" "+method+" "+path)
}

func (e *testEnv) send(req *http.Request, desc string) *response {
	e.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{t: e.t, code: res.StatusCode, body: b, hdr: res.Header, desc: desc}
}

func (r *response) want(code int) *response {
	r.t.Helper()
	if r.code != code {
		r.t.Fatalf("%s: status %d, want %d; body %s", r.desc, r.code, code, r.body)
	}
	return r
}

func (r *response) decode(v any) *response {
	r.t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		r.t.Fatalf("%s: decode %s: %v", r.desc, r.body, err)
	}
	return r
}

// wantError checks an error body names the field.
func (r *response) wantError(code int, field string) *response {
	r.t.Helper()
	r.want(code)
	var e struct{ Error, Field string }
	r.decode(&e)
	if e.Error == "" || e.Field != field {
		r.t.Fatalf("%s: error body %s, want field %q", r.desc, r.body, field)
	}
	return r
}

func fmtInt(i int64) string { return strconv.FormatInt(i, 10) }

func mustJSONString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
