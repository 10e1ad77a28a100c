package web

import (
	"net/http"
	"strings"

	"zhengzhi/domain"
)

const sessionCookie = "zz_session"

// authenticate resolves a bearer token (API) or a session cookie (pages) to
// the acting user and puts it in the request context. A request without
// credentials goes on anonymously; handlers that need a user ask for one.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get("Authorization"); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				s.writeError(w, r, &domain.Error{Code: domain.EUNAUTHORIZED, Message: "Authorization 头应为 Bearer 令牌"})
				return
			}
			a, err := s.app.ActorForToken(r.Context(), strings.TrimSpace(tok), domain.TokenAPI)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			r = r.WithContext(withActor(r.Context(), a))
		} else if c, err := r.Cookie(sessionCookie); err == nil {
			if a, err := s.app.ActorForToken(r.Context(), c.Value, domain.TokenSession); err == nil {
				r = r.WithContext(withActor(r.Context(), a))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// api wraps a JSON handler that needs a logged-in user: no user → 401.
func (s *Server) api(h func(w http.ResponseWriter, r *http.Request, a *domain.Actor) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := actorOf(r)
		if a == nil {
			s.writeError(w, r, &domain.Error{Code: domain.EUNAUTHORIZED, Message: "请先登录"})
			return
		}
		if err := h(w, r, a); err != nil {
			s.writeError(w, r, err)
		}
	}
}

// secure reports whether the original request came over HTTPS.
func (s *Server) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (s *Server) setSession(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(r), MaxAge: int(domain.TokenSession.TTL().Seconds())})
}

func (s *Server) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(r), MaxAge: -1})
}
