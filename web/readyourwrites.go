package web

import (
	"net/http"

	"zhengzhi/app"
)

// Lists and reports may read a lagging replica (app.listReader). A browser
// that has just changed something must still see its change on the page it
// is sent to next, so a successful change sets a short-lived cookie, and
// requests carrying it read the primary.
const readPrimaryCookie = "zz_rp"

// readPrimarySeconds is longer than the replica's lag bound (5 s by default).
const readPrimarySeconds = 15

func readYourWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie(readPrimaryCookie); err == nil {
			r = r.WithContext(app.ReadPrimary(r.Context()))
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(&markWrites{ResponseWriter: w}, r)
	})
}

// markWrites adds the cookie to a change's answer when it succeeded.
type markWrites struct {
	http.ResponseWriter
	wrote bool
}

func (m *markWrites) WriteHeader(status int) {
	if !m.wrote && status < 400 {
		http.SetCookie(m.ResponseWriter, &http.Cookie{Name: readPrimaryCookie, Value: "1", Path: "/",
			MaxAge: readPrimarySeconds, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	m.wrote = true
	m.ResponseWriter.WriteHeader(status)
}

func (m *markWrites) Write(p []byte) (int, error) {
	if !m.wrote {
		m.WriteHeader(http.StatusOK)
	}
	return m.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (flushes of
// streamed exports, deadlines).
func (m *markWrites) Unwrap() http.ResponseWriter { return m.ResponseWriter }
