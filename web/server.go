// Package web serves zhengzhi's HTML pages and its JSON API (/api/v1). The
// handlers are thin: decode, call one use case of the application layer
// (package app), encode. Rules and authorization live below this package.
package web

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

//go:embed templates static
var assets embed.FS

// Options configure a Server.
type Options struct {
	App    *app.App
	Logger *slog.Logger
	// TrustProxy trusts X-Forwarded-Proto from a reverse proxy (cookies get
	// the Secure flag when the original request was HTTPS).
	TrustProxy bool
	// MaxUpload bounds attachment uploads (default 20 MiB).
	MaxUpload int64
}

// Server is the HTTP front end.
type Server struct {
	app        *app.App
	log        *slog.Logger
	clock      domain.Clock
	trustProxy bool
	maxUpload  int64
	pages      *pages
	static     *staticFiles
	handler    http.Handler
	// flashKey signs the flash cookie (flash.go); a new one per process, as
	// a flash lives for one redirect.
	flashKey []byte
	// caseExtras adds the closed loop's part (signatures, actions) to the case page.
	caseExtras func(r *http.Request, a *domain.Actor, c *domain.Case) (any, error)
}

// New builds the server and its routes.
func New(o Options) (*Server, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxUpload <= 0 {
		o.MaxUpload = 20 << 20
	}
	s := &Server{app: o.App, log: o.Logger, clock: o.App.Clock(), trustProxy: o.TrustProxy, maxUpload: o.MaxUpload}
	s.caseExtras = s.closeoutExtras
	s.flashKey = make([]byte, 32)
	if _, err := rand.Read(s.flashKey); err != nil {
		return nil, err
	}
	sub, _ := fs.Sub(assets, "static")
	s.static = newStaticFiles(sub)
	var err error
	if s.pages, err = loadPages(s.static); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	s.routes(mux)
	cop := http.NewCrossOriginProtection()
	s.handler = s.recoverer(s.logRequests(securityHeaders(cop.Handler(readYourWrites(s.authenticate(mux))))))
	return s, nil
}

// Handler returns the root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// routes registers every endpoint. Each area keeps its routes in its own file.
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /static/", http.StripPrefix("/static/", s.static))
	s.apiFoundation(mux)
	s.apiCases(mux)
	s.apiReports(mux)
	s.apiActions(mux)
	s.uiFoundation(mux)
	s.uiCases(mux)
	s.uiReports(mux)
	s.uiCloseout(mux)
	s.tipRoutes(mux)
	s.uiOrgs(mux)
	mux.HandleFunc(catchAll, s.notFound(mux))
}

// catchAll is the pattern of the route that answers paths no other serves.
const catchAll = "/"

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		next.ServeHTTP(rec, r)
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			s.log.Info("http", "method", r.Method, "path", r.URL.Path, "status", rec.status, "ms", time.Since(start).Milliseconds())
		}
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, "内部错误", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type ctxKey int

const actorKey ctxKey = 1

// actorOf returns the authenticated actor, or nil.
func actorOf(r *http.Request) *domain.Actor {
	a, _ := r.Context().Value(actorKey).(*domain.Actor)
	return a
}

func withActor(ctx context.Context, a *domain.Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

// newFormKey gives each rendered form an idempotency key, so a double tap or a
// retried post on a flaky network creates one record.
func newFormKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
