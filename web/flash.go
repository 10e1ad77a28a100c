package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A flash is the one-time notice a page shows after a change (“已保存”):
// the server sets it with the redirect (POST → 303 → GET) in a signed,
// short-lived cookie, and the next page takes it. It never comes from the
// URL, so a link cannot make the site say anything in its official voice.

const (
	flashCookie = "zz_flash"
	flashTTL    = time.Minute
)

// redirectFlash redirects to path (303) with msg for the page it leads to.
func (s *Server) redirectFlash(w http.ResponseWriter, r *http.Request, path, msg string) {
	exp := strconv.FormatInt(s.clock.Now().Add(flashTTL).Unix(), 10)
	body := base64.RawURLEncoding.EncodeToString([]byte(msg))
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: body + "." + exp + "." + s.flashMAC(body, exp), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r), MaxAge: int(flashTTL.Seconds())})
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// takeFlash returns the flash set for this page ("" when none, forged or
// expired) and clears it, so a reload does not show it again.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(r), MaxAge: -1})
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 || !hmac.Equal([]byte(parts[2]), []byte(s.flashMAC(parts[0], parts[1]))) {
		return ""
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || s.clock.Now().Unix() > exp {
		return ""
	}
	msg, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return ""
	}
	return string(msg)
}

func (s *Server) flashMAC(body, exp string) string {
	m := hmac.New(sha256.New, s.flashKey)
	m.Write([]byte(body))
	m.Write([]byte{0})
	m.Write([]byte(exp))
	return hex.EncodeToString(m.Sum(nil))
}
