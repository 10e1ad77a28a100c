package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
)

// The "done when": a tip from the phone page and one posted in XML
// by a partner app reach the district office, are dispatched, verified,
// turned into cases and rewarded; the reporter follows the first by its
// code; the town officer never sees who reported; every tip reaches a
// flaky local 12350 endpoint exactly once.
func TestTips_DoneWhen(t *testing.T) {
	storetestEach(t, func(t *testing.T, dialect store.Dialect) {
		var mu sync.Mutex
		fails, keys, stored := 2, map[string]int{}, map[string]bool{}
		fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			k := r.Header.Get("Idempotency-Key")
			keys[k]++
			if fails > 0 {
				fails--
				http.Error(w, "down", http.StatusBadGateway)
				return
			}
			stored[k] = true
			json.NewEncoder(w).Encode(map[string]any{"ref_no": "12350-2020-" + k[:6]})
		}))
		defer fake.Close()

		e := newEnv(t, dialect)
		e.createCampaign()
		svc := app.New(e.db, app.With12350(fake.URL, fake.Client()))
		srv, err := New(Options{App: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		ctx := context.Background()
		sys, _ := svc.SystemActor(ctx)
		key, _, err := svc.CreateOpen311Key(ctx, sys, "partner")
		if err != nil {
			t.Fatal(err)
		}

		// 1. From the phone page.
		res := postTip(t, noRedirect(), ts.URL, goodTip, tipJPEG)
		res.Body.Close()
		follow := strings.TrimSuffix(res.Header.Get("Location"), "?new=1")
		// 2. From a partner app, in XML.
		form := url.Values{"api_key": {key}, "service_code": {"electroplating"}, "address_string": {"五星街道勤业路 16 号"},
			"description": {"镀锌废水直排"}, "first_name": {"建国"}, "last_name": {"司马"}, "phone": {"13344445555"},
			"attribute[unit_name]": {"宏达五金电镀加工点"}}
		pres, err := http.Post(ts.URL+"/open311/v2/requests.xml", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		var created struct {
			Requests []struct {
				ID int64 `xml:"service_request_id"`
			} `xml:"request"`
		}
		xml.NewDecoder(pres.Body).Decode(&created)
		pres.Body.Close()
		if pres.StatusCode != 201 || len(created.Requests) != 1 {
			t.Fatalf("open311 post %d", pres.StatusCode)
		}

		var list struct {
			Items []domain.Tip
		}
		e.do("district", "GET", "/api/v1/tips", nil).want(200).decode(&list)
		if len(list.Items) != 2 {
			t.Fatalf("district sees %d tips", len(list.Items))
		}
		for i, tip := range list.Items {
			p := "/api/v1/tips/" + fmtInt(tip.ID)
			e.do("district", "POST", p+"/actions", map[string]any{"action": "dispatch", "org_id": e.orgs["五星街道"].ID}).want(200)
			e.do("wx_officer", "POST", p+"/actions", map[string]any{"action": "verify_true", "note": "现场核查属实"}).want(200)
			var linked domain.Tip
			e.do("wx_officer", "POST", p+"/actions", map[string]any{"action": "link_case", "new_case": map[string]any{}}).want(200).decode(&linked)
			var c domain.Case
			e.do("wx_officer", "GET", "/api/v1/cases/"+fmtInt(*linked.CaseID), nil).want(200).decode(&c)
			if c.Source != domain.SourceTip {
				t.Fatalf("case source %s", c.Source)
			}
			fine := []int64{20_000_00, 100_000_00}[i]
			e.do("wx_officer", "PATCH", "/api/v1/cases/"+fmtInt(c.ID), map[string]any{"version": c.Version, "case_filed": true, "fine_fen": fine}).want(200)
			var rewarded domain.Tip
			e.do("district", "POST", p+"/actions", map[string]any{"action": "approve_reward"}).want(200).decode(&rewarded)
			if want := []int64{3_000_00, 15_000_00}[i]; rewarded.Reward.AmountFen != want {
				t.Fatalf("tip %d reward %d, want %d", tip.ID, rewarded.Reward.AmountFen, want)
			}
			e.do("district", "POST", p+"/actions", map[string]any{"action": "pay_reward", "paid_date": "2020-10-12", "method": "bank"}).want(200)
			// The town officer never sees who reported.
			for _, path := range []string{p, "/api/v1/tips"} {
				body := string(e.do("wx_officer", "GET", path, nil).want(200).body)
				for _, s := range []string{"欧阳娜娜", "13655556666", "司马", "13344445555"} {
					if strings.Contains(body, s) {
						t.Fatalf("town officer sees %q at %s", s, path)
					}
				}
			}
		}
		// The reporter follows the first by its code.
		code, body := get(t, http.DefaultClient, ts.URL+follow)
		if code != 200 || !strings.Contains(body, "经核查属实，已立案整治") || !strings.Contains(body, "奖励已兑现") {
			t.Fatalf("follow %d\n%s", code, body)
		}
		// Every tip reaches the flaky 12350 platform exactly once.
		clock := e.clock
		for pass := 0; pass < 10; pass++ {
			if _, err := svc.DeliverDue(ctx); err != nil {
				t.Fatal(err)
			}
			clock.T = clock.T.Add(time.Hour)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(stored) != 2 || len(keys) != 2 {
			t.Fatalf("platform stored %d tips under %d keys: %v", len(stored), len(keys), keys)
		}
		for _, tip := range list.Items {
			var v struct {
				RefNo string `json:"ref_no"`
			}
			e.do("district", "GET", "/api/v1/tips/"+fmtInt(tip.ID), nil).want(200).decode(&v)
			if !strings.HasPrefix(v.RefNo, "12350-2020-") {
				t.Fatalf("tip %d keeps no 12350 number: %q", tip.ID, v.RefNo)
			}
		}
	})
}
