package web

import (
	"archive/zip"
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// newCase opens a case in 新中社区 (五星街道) as the grid worker.
func (e *testEnv) newCase(unit string) domain.Case {
	e.t.Helper()
	var c domain.Case
	e.do("wx_grid", "POST", "/api/v1/cases", map[string]any{"unit_name": unit, "category": "electroplating",
		"address": "新中社区" + unit, "description": "无证电镀", "village_id": e.orgs["新中社区"].ID}).want(http.StatusCreated).decode(&c)
	return c
}

func upload(e *testEnv, user, path, kind string, body []byte) *response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	fw.Write(body)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	return e.send(req, user+" upload "+path)
}

func TestAPI_CasesLifecycleOfAFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		c := e.newCase("某电镀作坊")
		if !strings.HasPrefix(c.ProblemNo, "320404001-2020-") || c.Status != "registered" || c.Version != 1 || c.SiteID == 0 {
			t.Fatalf("created %+v", c)
		}
		id := fmtInt(c.ID)
		// Scope: another town's officer gets 404 on every verb.
		e.do("yh_officer", "GET", "/api/v1/cases/"+id, nil).want(http.StatusNotFound)
		e.do("yh_officer", "PATCH", "/api/v1/cases/"+id, map[string]any{"version": 1, "address": "x"}).want(http.StatusNotFound)
		upload(e, "yh_officer", "/api/v1/cases/"+id+"/attachments", "site_photo", []byte("\xff\xd8\xff\xe0 jpeg")).want(http.StatusNotFound)
		// Wrong role: a grid worker may not set a fine.
		e.do("wx_grid", "PATCH", "/api/v1/cases/"+id, map[string]any{"version": 1, "fine_fen": 100}).want(http.StatusForbidden)
		// Second case for the same site → 409 naming the first.
		r := e.do("wx_officer", "POST", "/api/v1/cases", map[string]any{"site_id": c.SiteID, "category": "other", "description": "再次"}).want(http.StatusConflict)
		if !strings.Contains(string(r.body), c.ProblemNo) {
			t.Fatalf("409 does not name %s: %s", c.ProblemNo, r.body)
		}
		// PATCH one 两断三清 item; stale version → 409 and nothing written.
		var c2 domain.Case
		e.do("wx_officer", "PATCH", "/api/v1/cases/"+id, map[string]any{"version": 1, "two_cuts_three_clears": map[string]bool{"power": true}, "fine_fen": 300000}).want(http.StatusOK).decode(&c2)
		if !c2.Clears["power"] || c2.Clears["water"] || c2.FineFen != 300000 || c2.Version != 2 || c2.Status != "rectifying" {
			t.Fatalf("after patch %+v", c2)
		}
		e.do("wx_officer", "PATCH", "/api/v1/cases/"+id, map[string]any{"version": 1, "address": "stale"}).wantError(http.StatusConflict, "version")
		e.do("wx_officer", "GET", "/api/v1/cases/"+id, nil).want(http.StatusOK).decode(&c2)
		if c2.Address == "stale" || c2.Version != 2 {
			t.Fatalf("stale patch wrote: %+v", c2)
		}
		e.do("wx_officer", "PATCH", "/api/v1/cases/"+id, map[string]any{"version": 2, "shutdown_date": "2020-13-01"}).wantError(http.StatusBadRequest, "shutdown_date")
		e.do("wx_officer", "PATCH", "/api/v1/cases/"+id, map[string]any{"version": 2, "fine_fen": -1}).wantError(http.StatusBadRequest, "fine_fen")
		// A name that is no writable case field, or a value of the wrong type, is 400 naming the field.
		e.do("wx_officer", "PATCH", "/api/v1/cases/"+id, map[string]any{"version": 2, "status": "closed_out"}).wantError(http.StatusBadRequest, "status")
		e.do("wx_officer", "PATCH", "/api/v1/cases/"+id, map[string]any{"version": 2, "fine_fen": "300000"}).wantError(http.StatusBadRequest, "fine_fen")
		e.do("wx_officer", "PATCH", "/api/v1/cases/"+id, map[string]any{"version": 2, "two_cuts_three_clears": map[string]string{"water": "yes"}}).
			wantError(http.StatusBadRequest, "two_cuts_three_clears")
		// List with filters and paging.
		e.newCase("另一电镀点")
		var l listResult[domain.Case]
		e.do("wx_officer", "GET", "/api/v1/cases?status=rectifying", nil).want(http.StatusOK).decode(&l)
		if l.Total != 1 || l.Items[0].ID != c.ID {
			t.Fatalf("rectifying list %+v", l)
		}
		e.do("wx_officer", "GET", "/api/v1/cases?per_page=1&page=2", nil).want(http.StatusOK).decode(&l)
		if l.Total != 2 || len(l.Items) != 1 {
			t.Fatalf("paged list total %d items %d", l.Total, len(l.Items))
		}
		e.do("yh_officer", "GET", "/api/v1/cases", nil).want(http.StatusOK).decode(&l)
		if l.Total != 0 {
			t.Fatalf("永红 sees %d 五星 cases", l.Total)
		}
		e.do("wx_officer", "GET", "/api/v1/cases?status=bogus", nil).wantError(http.StatusBadRequest, "status")
	})
}

func TestAPI_CreateCase_IdempotencyKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		body := map[string]any{"unit_name": "重复提交作坊", "category": "dust", "address": "新中社区", "description": "粉尘", "village_id": e.orgs["新中社区"].ID}
		send := func() domain.Case {
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/cases", strings.NewReader(mustJSONString(body)))
			req.Header.Set("Authorization", "Bearer "+e.tokens["wx_grid"])
			req.Header.Set("Idempotency-Key", "phone-retry-1")
			var c domain.Case
			r := e.send(req, "create")
			if r.code != http.StatusCreated && r.code != http.StatusOK {
				t.Fatalf("status %d %s", r.code, r.body)
			}
			r.decode(&c)
			return c
		}
		a, b := send(), send()
		if a.ID != b.ID {
			t.Fatalf("retry created a second case: %d and %d", a.ID, b.ID)
		}
		var l listResult[domain.Case]
		e.do("wx_grid", "GET", "/api/v1/cases", nil).want(http.StatusOK).decode(&l)
		if l.Total != 1 {
			t.Fatalf("%d cases after a retried create", l.Total)
		}
	})
}

func TestAPI_Attachments_LimitAndNeverHTML(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.newCase("上传测试")
	id := fmtInt(c.ID)
	var att struct {
		ID          int64  `json:"id"`
		SHA256      string `json:"sha256"`
		Size        int64  `json:"size"`
		ContentType string `json:"content_type"`
	}
	upload(e, "wx_grid", "/api/v1/cases/"+id+"/attachments", "other", []byte("<html><script>alert(1)</script></html>")).want(http.StatusCreated).decode(&att)
	if att.ContentType == "text/html" || att.SHA256 == "" || att.Size == 0 {
		t.Fatalf("html upload stored as %+v", att)
	}
	r := e.do("wx_grid", "GET", "/api/v1/attachments/"+fmtInt(att.ID), nil).want(http.StatusOK)
	if ct := r.hdr.Get("Content-Type"); strings.Contains(ct, "html") || r.hdr.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("served as %q, nosniff %q", ct, r.hdr.Get("X-Content-Type-Options"))
	}
	e.do("yh_officer", "GET", "/api/v1/attachments/"+fmtInt(att.ID), nil).want(http.StatusNotFound)
	big := bytes.Repeat([]byte{0xff}, 20<<20+1)
	upload(e, "wx_grid", "/api/v1/cases/"+id+"/attachments", "other", big).want(http.StatusRequestEntityTooLarge)
	// The ZIP of the whole file is there for the discipline commission.
	z := e.do("discipline", "GET", "/api/v1/cases/"+id+"/file.zip", nil).want(http.StatusOK)
	if z.hdr.Get("Content-Type") != "application/zip" || !bytes.HasPrefix(z.body, []byte("PK")) {
		t.Fatalf("zip: %q %q", z.hdr.Get("Content-Type"), z.body[:4])
	}
	zr, err := zip.NewReader(bytes.NewReader(z.body), int64(len(z.body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	joined := strings.Join(names, " ")
	if !strings.Contains(joined, "案卷-"+c.ProblemNo+".html") || !strings.Contains(joined, "审计时间线.json") || !strings.Contains(joined, "材料/") {
		t.Fatalf("zip holds %v", names)
	}
}

func TestAPI_Dashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		e.newCase("甲")
		c := e.newCase("乙")
		e.do("wx_officer", "PATCH", "/api/v1/cases/"+fmtInt(c.ID), map[string]any{"version": 1, "rectify_deadline": "2020-10-01"}).want(http.StatusOK)
		var dash app.Dashboard
		e.do("wx_officer", "GET", "/api/v1/dashboard", nil).want(http.StatusOK).decode(&dash)
		if dash.Cases != 2 || dash.Sites != 2 || dash.Inspected != 2 || dash.Overdue != 1 || dash.ByStatus["registered"] != 2 || dash.ByCategory["electroplating"] != 2 {
			t.Fatalf("dashboard %+v", dash)
		}
		e.do("yh_officer", "GET", "/api/v1/dashboard", nil).want(http.StatusOK).decode(&dash)
		if dash.Cases != 0 {
			t.Fatalf("永红 dashboard counts 五星 cases: %+v", dash)
		}
		e.do("yh_officer", "GET", "/api/v1/dashboard?org_id="+fmtInt(e.orgs["五星街道"].ID), nil).want(http.StatusNotFound)
		e.do("district", "GET", "/api/v1/dashboard?org_id="+fmtInt(e.orgs["五星街道"].ID), nil).want(http.StatusOK).decode(&dash)
		if dash.Cases != 2 {
			t.Fatalf("district view of 五星: %+v", dash)
		}
	})
}
