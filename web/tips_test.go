package web

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"zhengzhi/app"
	"zhengzhi/store"
)

var tipJPEG = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}, bytes.Repeat([]byte{7}, 200)...)

// tipForm builds the public page's multipart form.
func tipMultipart(fields map[string]string, photo []byte) (io.Reader, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if photo != nil {
		fw, _ := mw.CreateFormFile("photos", "IMG_0001.jpg")
		fw.Write(photo)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

var goodTip = map[string]string{"category": "spraying", "unit_name": "红星喷涂点", "address": "五星街道新中路 18 号",
	"description": "夜间喷漆，气味刺鼻", "name": "欧阳娜娜", "phone": "13655556666", "idempotency_key": "k1"}

func noRedirect() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func postTip(t *testing.T, c *http.Client, base string, fields map[string]string, photo []byte) *http.Response {
	t.Helper()
	body, ct := tipMultipart(fields, photo)
	res, err := c.Post(base+"/tip", ct, body)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The public page works without JavaScript and without a login: a form post
// gives a follow-up code and a page that shows the progress in plain words,
// never the reporter; bad input comes back on the form.
func TestTipPage_PublicPostAndFollow(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := noRedirect()
	code, body := get(t, c, e.srv.URL+"/tip")
	if code != 200 || !strings.Contains(body, `<form method="post" action="/tip" enctype="multipart/form-data"`) ||
		!strings.Contains(body, "我们如何保护举报人") || strings.Contains(body, `aria-label="main"`) {
		t.Fatalf("/tip: %d\n%s", code, body)
	}
	res := postTip(t, c, e.srv.URL, goodTip, tipJPEG)
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/tip/") || !strings.HasSuffix(loc, "?new=1") {
		t.Fatalf("post: %d %s", res.StatusCode, loc)
	}
	code, body = get(t, c, e.srv.URL+loc)
	if code != 200 || !strings.Contains(body, "已受理，正在分办") || !strings.Contains(body, "请记下您的查询码") {
		t.Fatalf("follow page %d\n%s", code, body)
	}
	for _, s := range []string{"欧阳娜娜", "13655556666"} {
		if strings.Contains(body, s) {
			t.Fatalf("follow page shows %q", s)
		}
	}
	// The same form posted twice (a double tap) is one tip with one code.
	res = postTip(t, c, e.srv.URL, goodTip, tipJPEG)
	res.Body.Close()
	if res.Header.Get("Location") != loc {
		t.Fatalf("retry went to %s, want %s", res.Header.Get("Location"), loc)
	}
	// Looking a code up from the form.
	res, _ = c.Get(e.srv.URL + "/tip?code=" + strings.TrimSuffix(strings.TrimPrefix(loc, "/tip/"), "?new=1"))
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("lookup: %d", res.StatusCode)
	}
	if code, body = get(t, c, e.srv.URL+"/tip/NOSUCHCODE"); code != 404 || !strings.Contains(body, "查询码不存在") {
		t.Fatalf("unknown code: %d", code)
	}
	// Missing description: the form again with the error, values kept.
	bad := map[string]string{"category": "spraying", "address": "某路", "phone": "13655556666"}
	res = postTip(t, c, e.srv.URL, bad, nil)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 400 || !strings.Contains(string(b), "请描述举报的问题") || !strings.Contains(string(b), `value="13655556666"`) {
		t.Fatalf("bad post: %d\n%s", res.StatusCode, b)
	}
	// A file that is not a photo is refused.
	res = postTip(t, c, e.srv.URL, map[string]string{"category": "spraying", "address": "某路", "description": "x"}, []byte("<html><script>alert(1)</script></html>"))
	res.Body.Close()
	if res.StatusCode != 400 {
		t.Fatalf("non-photo upload: %d", res.StatusCode)
	}
}

// Uploads follow the attachment limit: over it, 413 and nothing kept.
func TestTipPage_UploadLimit(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	srv, err := New(Options{App: app.New(e.db), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxUpload: 1024})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	big := append(append([]byte{}, tipJPEG...), bytes.Repeat([]byte{1}, 4096)...)
	res := postTip(t, noRedirect(), ts.URL, goodTip, big)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("over the limit: %d", res.StatusCode)
	}
	var list struct{ Total int }
	e.do("district", "GET", "/api/v1/tips", nil).want(200).decode(&list)
	if list.Total != 0 {
		t.Fatalf("a refused upload left %d tips", list.Total)
	}
}

// Public POSTs are rate-limited per client address: 429 with Retry-After,
// on the page and on Open311 (in the specification's error format).
func TestTips_RateLimitPerClient(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := noRedirect()
	for i := 0; i < tipPageLimit; i++ {
		f := map[string]string{"category": "spraying", "address": "某路", "description": "第 " + strconv.Itoa(i) + " 条"}
		res := postTip(t, c, e.srv.URL, f, nil)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("post %d: %d", i, res.StatusCode)
		}
	}
	res := postTip(t, c, e.srv.URL, map[string]string{"category": "spraying", "address": "某路", "description": "多一条"}, nil)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "请") {
		t.Fatalf("over the limit: %d %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if n, _ := strconv.Atoi(res.Header.Get("Retry-After")); n <= 0 || n > int(tipLimitWindow.Seconds()) {
		t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
	}
	// The page limit does not eat into Open311's; Open311 has its own.
	for i := 0; i < open311Limit; i++ {
		e.o311Post("json", url.Values{"service_code": {"spraying"}}).want(403)
	}
	r := e.o311Post("xml", url.Values{"service_code": {"spraying"}})
	r.wantError(http.StatusTooManyRequests)
}

// The staff API: a town sees only the tips dispatched to it; nobody below
// the district office sees the reporter; the district office reveals with
// a reason; the dashboard carries the tip figures.
func TestTipsAPI_ScopeRevealAndDashboard(t *testing.T) {
	storetestEach(t, func(t *testing.T, dialect store.Dialect) {
		e := newEnv(t, dialect)
		e.createCampaign()
		var created struct {
			ID         int64  `json:"id"`
			FollowCode string `json:"follow_code"`
			Channel    string `json:"channel"`
		}
		in := map[string]any{"channel": "hotline", "ref_no": "12350-2020-000001", "category": "dust", "unit_name": "打磨车间",
			"address": "五星街道某路", "description": "粉尘很大", "reporter": map[string]string{"name": "钱多多", "phone": "13566667777"}}
		e.do("wx_officer", "POST", "/api/v1/tips", in).want(http.StatusForbidden)
		e.do("district", "POST", "/api/v1/tips", in).want(http.StatusCreated).decode(&created)
		if created.FollowCode == "" || created.Channel != "hotline" {
			t.Fatalf("created %+v", created)
		}
		p := "/api/v1/tips/" + fmtInt(created.ID)
		e.do("wx_officer", "GET", p, nil).want(http.StatusNotFound)
		e.do("wx_grid", "GET", "/api/v1/tips", nil).want(http.StatusForbidden)
		e.do("district", "POST", p+"/actions", map[string]any{"action": "dispatch", "org_id": e.orgs["五星街道"].ID}).want(200)
		e.do("wx_officer", "POST", p+"/actions", map[string]any{"action": "dispatch", "org_id": e.orgs["永红街道"].ID}).want(http.StatusForbidden)
		e.do("wx_officer", "POST", p+"/actions", map[string]any{"action": "link_case", "case_id": 1}).want(http.StatusConflict)
		e.do("yh_officer", "GET", p, nil).want(http.StatusNotFound)
		var l struct{ Total int }
		e.do("yh_officer", "GET", "/api/v1/tips", nil).want(200).decode(&l)
		if l.Total != 0 {
			t.Fatalf("永红 lists %d tips", l.Total)
		}
		e.do("wx_officer", "GET", "/api/v1/tips", nil).want(200).decode(&l)
		if l.Total != 1 {
			t.Fatalf("五星 lists %d tips", l.Total)
		}
		for _, who := range []string{"wx_officer", "district", "supervisor", "discipline"} {
			r := e.do(who, "GET", p, nil).want(200)
			for _, s := range []string{"钱多多", "13566667777"} {
				if strings.Contains(string(r.body), s) {
					t.Fatalf("%s sees the reporter's %q: %s", who, s, r.body)
				}
			}
		}
		e.do("wx_officer", "POST", p+"/reveal", map[string]string{"reason": "想联系"}).want(http.StatusForbidden)
		e.do("supervisor", "POST", p+"/reveal", map[string]string{"reason": "想联系"}).want(http.StatusForbidden)
		e.do("district", "POST", p+"/reveal", map[string]string{}).wantError(http.StatusBadRequest, "reason")
		var rep struct{ Name, Phone string }
		r := e.do("district", "POST", p+"/reveal", map[string]string{"reason": "兑现奖励核对身份"}).want(200)
		r.decode(&rep)
		if rep.Name != "钱多多" || rep.Phone != "13566667777" || r.hdr.Get("Cache-Control") != "no-store" {
			t.Fatalf("revealed %+v", rep)
		}
		// Verify with evidence through the multipart form of the same endpoint.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("action", "verify_true")
		mw.WriteField("note", "属实")
		fw, _ := mw.CreateFormFile("file", "核查.jpg")
		fw.Write(tipJPEG)
		mw.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+p+"/actions", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+e.tokens["wx_officer"])
		e.send(req, "multipart verify").want(200)
		var v struct {
			Status string
			Files  []struct {
				ID   int64
				Kind string
			}
		}
		e.do("district", "GET", p, nil).want(200).decode(&v)
		if v.Status != "verified" || len(v.Files) != 1 || v.Files[0].Kind != "evidence" {
			t.Fatalf("after verify %+v", v)
		}
		fr := e.do("wx_officer", "GET", p+"/files/"+fmtInt(v.Files[0].ID), nil).want(200)
		if fr.hdr.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(fr.hdr.Get("Content-Type"), "image/jpeg") {
			t.Fatalf("file served as %q", fr.hdr.Get("Content-Type"))
		}
		e.do("yh_officer", "GET", p+"/files/"+fmtInt(v.Files[0].ID), nil).want(http.StatusNotFound)

		// Figures: by town and channel, in the API and in the dashboard.
		var fig struct {
			ByTown []struct {
				Name     string
				Received int
			} `json:"by_town"`
			Total struct {
				Received     int `json:"received"`
				VerifiedTrue int `json:"verified_true"`
			}
		}
		e.do("district", "GET", "/api/v1/tips/figures", nil).want(200).decode(&fig)
		if fig.Total.Received != 1 || fig.Total.VerifiedTrue != 1 || len(fig.ByTown) != 10 {
			t.Fatalf("figures %+v", fig)
		}
		var dash map[string]json.RawMessage
		e.do("wx_officer", "GET", "/api/v1/dashboard", nil).want(200).decode(&dash)
		if _, ok := dash["tips"]; !ok || dash["cases"] == nil || dash["by_status"] == nil {
			t.Fatalf("dashboard %s", mustJSONString(dash))
		}
		dash = nil
		e.do("wx_grid", "GET", "/api/v1/dashboard", nil).want(200).decode(&dash)
		if _, ok := dash["tips"]; ok {
			t.Fatalf("a grid worker's dashboard shows tips")
		}
		// Alerts and the rule.
		e.do("district", "GET", "/api/v1/tips/alerts", nil).want(200)
		e.do("wx_officer", "PUT", "/api/v1/tips/rule", map[string]any{"rate_bp": 1000, "min_fen": 1, "max_fen": 2, "pay_days": 1, "feedback_days": 1}).want(http.StatusForbidden)
		var rule struct {
			RateBP int64 `json:"rate_bp"`
		}
		e.do("district", "PUT", "/api/v1/tips/rule", map[string]any{"rate_bp": 1000, "min_fen": 100, "max_fen": 200000, "pay_days": 10, "feedback_days": 30}).want(200)
		e.do("wx_officer", "GET", "/api/v1/tips/rule", nil).want(200).decode(&rule)
		if rule.RateBP != 1000 {
			t.Fatalf("rule %+v", rule)
		}
	})
}

// storetestEach runs body on both databases.
func storetestEach(t *testing.T, body func(t *testing.T, d store.Dialect)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { body(t, d) })
	}
}

// The staff pages: the town officer's page of a tip shows no reporter and
// no reveal; the district office's reveal shows the identity once, not
// cached; the batch export carries no identity.
func TestTipsPages_TownNeverSeesReporter(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	res := postTip(t, noRedirect(), e.srv.URL, goodTip, tipJPEG)
	res.Body.Close()
	var l struct {
		Items []struct{ ID int64 }
	}
	e.do("district", "GET", "/api/v1/tips", nil).want(200).decode(&l)
	id := fmtInt(l.Items[0].ID)
	district, officer := e.browserClient("district"), e.browserClient("wx_officer")
	form := func(c *http.Client, path string, v url.Values) (int, string) {
		t.Helper()
		res, err := c.PostForm(e.srv.URL+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get(t, officer, e.srv.URL+"/tips/"+id); code != 404 {
		t.Fatalf("an undispatched tip is visible to a town: %d", code)
	}
	if code, body := form(district, "/tips/"+id+"/actions", url.Values{"action": {"dispatch"}, "org_id": {fmtInt(e.orgs["五星街道"].ID)}}); code != 200 || !strings.Contains(body, "已保存") {
		t.Fatalf("dispatch: %d", code)
	}
	code, body := get(t, officer, e.srv.URL+"/tips/"+id)
	if code != 200 || strings.Contains(body, "欧阳娜娜") || strings.Contains(body, "13655556666") || strings.Contains(body, "/reveal") {
		t.Fatalf("town page %d shows the reporter or the reveal", code)
	}
	if code, _ := form(officer, "/tips/"+id+"/reveal", url.Values{"reason": {"好奇"}}); code != 403 {
		t.Fatalf("town reveal: %d", code)
	}
	code, body = get(t, district, e.srv.URL+"/tips/"+id)
	if code != 200 || strings.Contains(body, "13655556666") || !strings.Contains(body, "/reveal") {
		t.Fatalf("district page before reveal: %d", code)
	}
	res, err := district.PostForm(e.srv.URL+"/tips/"+id+"/reveal", url.Values{"reason": {"兑现奖励"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "13655556666") || !strings.Contains(string(b), "欧阳娜娜") || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("reveal page: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	// The town verifies and opens a case from the tip, through the page forms.
	if code, body := form(officer, "/tips/"+id+"/actions", url.Values{"action": {"verify_true"}, "note": {"属实"}}); code != 200 || !strings.Contains(body, "属实待立案") {
		t.Fatalf("verify: %d", code)
	}
	if code, body := form(officer, "/tips/"+id+"/actions", url.Values{"action": {"link_case"}, "new_case": {"1"}}); code != 200 || !strings.Contains(body, "320404") {
		t.Fatalf("new case: %d\n%s", code, body)
	}
	// The batch for 12350 (no endpoint here) never carries the reporter.
	res, err = district.PostForm(e.srv.URL+"/tips/export.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(b), "红星喷涂点") ||
		strings.Contains(string(b), "13655556666") || strings.Contains(string(b), "欧阳娜娜") {
		t.Fatalf("batch %d\n%s", res.StatusCode, b)
	}
	if code, _ := form(officer, "/tips/export.csv", nil); code != 403 {
		t.Fatalf("town export: %d", code)
	}
	if code, body := get(t, district, e.srv.URL+"/tips"); code != 200 || !strings.Contains(body, "举报统计") {
		t.Fatalf("tips page %d", code)
	}

}
