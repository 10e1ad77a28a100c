package domain

import (
	"testing"
	"time"
)

func TestToken_Opens(t *testing.T) {
	now := time.Date(2020, 10, 14, 9, 0, 0, 0, time.UTC)
	tok, secret, err := NewToken(7, TokenSession, now)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Hash != TokenHash(secret) || tok.Hash == secret || len(secret) < 40 {
		t.Fatal("only the secret's hash is kept, and the secret is long")
	}
	if !tok.Opens(TokenSession, now.Add(12*time.Hour-time.Second)) {
		t.Fatal("a fresh session opens the pages")
	}
	if tok.Opens(TokenSession, now.Add(12*time.Hour)) {
		t.Fatal("a session lives 12 hours")
	}
	if tok.Opens(TokenAPI, now) {
		t.Fatal("a session is no API token")
	}
	api, _, _ := NewToken(7, TokenAPI, now)
	if !api.Opens(TokenAPI, now.Add(29*24*time.Hour)) || api.Opens(TokenAPI, now.Add(30*24*time.Hour)) {
		t.Fatal("an API token lives 30 days")
	}
	api.RevokedAt = &now
	if api.Opens(TokenAPI, now) {
		t.Fatal("a revoked token opens nothing")
	}
}

func TestCheckLogin(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckLogin(true, h, "correct horse") || CheckLogin(true, h, "wrong horse") || CheckLogin(false, "", "correct horse") {
		t.Fatal("CheckLogin")
	}
}
