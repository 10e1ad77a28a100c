package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A successful change marks the browser to read the primary for a while; a
// refused change and a plain read do not.
func TestReadYourWrites_MarksOnlySuccessfulChanges(t *testing.T) {
	h := readYourWrites(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bad":
			http.Error(w, "bad", http.StatusBadRequest)
		case "/redirect":
			http.Redirect(w, r, "/cases/1", http.StatusSeeOther)
		default:
			w.Write([]byte("ok"))
		}
	}))
	for _, tc := range []struct {
		method, path string
		marked       bool
	}{
		{"POST", "/redirect", true},
		{"PATCH", "/ok", true},
		{"POST", "/bad", false},
		{"GET", "/ok", false},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		got := strings.Contains(rec.Header().Get("Set-Cookie"), readPrimaryCookie+"=1")
		if got != tc.marked {
			t.Errorf("%s %s: marked %v, want %v (%q)", tc.method, tc.path, got, tc.marked, rec.Header().Get("Set-Cookie"))
		}
	}
}
