package web

import (
	"archive/zip"
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// pngBytes is a tiny PNG for evidence uploads.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

// uploadEvidence posts one file of kind (and 两断三清 item) to a case as user.
func (e *testEnv) uploadEvidence(user string, id int64, kind, item string) *response {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("kind", kind)
	if item != "" {
		mw.WriteField("item", item)
	}
	fw, _ := mw.CreateFormFile("file", "现场照片.png")
	fw.Write(pngBytes)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/cases/"+fmtInt(id)+"/attachments", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	return e.send(req, user+" upload "+kind)
}

// supplyEvidence uploads, as the district office, what a 销号 request of the
// case still lacks (domain.EvidenceNeeds against the case's campaign).
func (e *testEnv) supplyEvidence(id int64) {
	e.t.Helper()
	var c domain.Case
	e.do("district", "GET", "/api/v1/cases/"+fmtInt(id), nil).want(http.StatusOK).decode(&c)
	var camp domain.Campaign
	e.do("district", "GET", "/api/v1/campaigns/"+fmtInt(c.CampaignID), nil).want(http.StatusOK).decode(&camp)
	var files listResult[*domain.Attachment]
	e.do("district", "GET", "/api/v1/cases/"+fmtInt(id)+"/attachments", nil).want(http.StatusOK).decode(&files)
	for _, n := range domain.EvidenceNeeds(&c, &camp, files.Items) {
		for i := n.Have; i < n.Want; i++ {
			e.uploadEvidence("district", id, n.Kind, n.Item).want(http.StatusCreated)
		}
	}
}

// §7: request_closeout needs the evidence the campaign requires, else 409
// naming what is missing; a 两断三清照片 says which item it shows.
func TestAPI_RequestCloseout_409NamesMissingEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		c := e.readyCase("证据作坊", true)
		var body struct{ Error, Field string }
		e.action("wx_grid", c.ID, map[string]any{"action": "request_closeout"}).want(http.StatusConflict).decode(&body)
		if body.Field != "attachments" || !strings.Contains(body.Error, "整改完成照片") {
			t.Fatalf("409 body %+v", body)
		}
		var att domain.Attachment
		e.uploadEvidence("wx_grid", c.ID, "clears_photo", "water").want(http.StatusCreated).decode(&att)
		if att.Item != "water" {
			t.Fatalf("clears photo item %q", att.Item)
		}
		e.uploadEvidence("wx_grid", c.ID, "clears_photo", "premises").wantError(http.StatusBadRequest, "item")
		e.uploadEvidence("wx_grid", c.ID, "done_photo", "").want(http.StatusCreated)
		if got := e.mustAct("wx_grid", c.ID, "request_closeout", ""); got.Status != domain.StatusCloseoutRequested {
			t.Fatalf("status %s", got.Status)
		}
	})
}

// A returned case opens with the return's reason as a banner; while 销号 may
// be requested the case page lists the evidence it needs, ticked or not.
func TestCasePage_ReturnBannerAndEvidenceChecklist(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	c := e.readyCase("退回作坊", true)
	page := e.page("wx_grid", "/cases/"+fmtInt(c.ID))
	if !strings.Contains(page, `id="evidence"`) || !strings.Contains(page, "✗ 整改完成照片") {
		t.Fatalf("no evidence checklist with the missing 整改完成照片")
	}
	if strings.Contains(page, `id="returned"`) {
		t.Fatal("a return banner on a case never returned")
	}
	e.mustAct("wx_grid", c.ID, "request_closeout", "")
	e.mustAct("wx_vhead", c.ID, "return", "现场照片看不清门牌，请补拍")
	page = e.page("wx_grid", "/cases/"+fmtInt(c.ID))
	banner := strings.Index(page, `id="returned"`)
	if banner < 0 || banner > strings.Index(page, "<h1>") || !strings.Contains(page[banner:], "现场照片看不清门牌，请补拍") {
		t.Fatalf("no return banner with the reason above the title")
	}
	if !strings.Contains(page, "✓ 整改完成照片") {
		t.Fatal("the evidence supplied is not ticked")
	}
	// Asked again and approved since: the banner goes.
	e.mustAct("wx_grid", c.ID, "request_closeout", "")
	if page = e.page("wx_grid", "/cases/"+fmtInt(c.ID)); strings.Contains(page, `id="returned"`) {
		t.Fatal("banner still shown after the case was requested again")
	}
}

// The 一案一档 ZIP holds the photos taken when the case's site was inspected.
func TestCaseFileZip_HoldsInspectionPhotos(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	var s domain.Site
	e.do("wx_grid", "POST", "/api/v1/sites", map[string]any{"name": "排查照片作坊", "address": "新中社区9号",
		"village_id": e.orgs["新中社区"].ID}).want(http.StatusCreated).decode(&s)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("outcome", "problem")
	mw.WriteField("note", "发现无证喷涂")
	fw, _ := mw.CreateFormFile("photo", "现场.png")
	fw.Write(pngBytes)
	mw.Close()
	cl := e.pageClient("wx_grid")
	res, err := cl.Post(e.srv.URL+"/sites/"+fmtInt(s.ID)+"/inspections", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var c domain.Case
	e.do("wx_grid", "POST", "/api/v1/cases", map[string]any{"site_id": s.ID, "unit_name": s.Name, "category": "spraying",
		"address": s.Address, "description": "无证喷涂"}).want(http.StatusCreated).decode(&c)
	z := e.do("discipline", "GET", "/api/v1/cases/"+fmtInt(c.ID)+"/file.zip", nil).want(http.StatusOK)
	zr, err := zip.NewReader(bytes.NewReader(z.body), int64(len(z.body)))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "排查照片/") && strings.HasSuffix(f.Name, "现场.png") {
			found = true
		}
	}
	if !found {
		t.Fatalf("the ZIP lacks the inspection photo: %v", zr.File)
	}
}
