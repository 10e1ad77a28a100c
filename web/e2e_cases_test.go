package web

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// writePNG makes a small photo to upload.
func writePNG(t *testing.T, name string, c color.Color) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, c)
		}
	}
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return p
}

// withGPS grants geolocation and places the phone in 五星街道.
func withGPS(t *testing.T, ctx context.Context) {
	t.Helper()
	lat, lng, acc := 31.7795, 119.9233, 10.0
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted}); err != nil {
		t.Fatalf("grant geolocation: %v", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lng, Accuracy: &acc}); err != nil {
		t.Fatalf("override geolocation: %v", err)
	}
}

func (e *testEnv) createCampaign() {
	e.t.Helper()
	e.do("district", "POST", "/api/v1/campaigns", map[string]any{"name": "专项整治", "doc_no": "钟安发〔2020〕4号",
		"start_date": "2020-09-27", "end_date": "2020-11-30", "deadline_weekday": 3, "deadline_time": "17:00", "summary_due_date": "2020-11-15"}).want(http.StatusCreated)
}

// The "done when" of the case file: a grid worker on a phone registers a
// site, inspects it, opens a case with two photos and GPS, and a town
// officer completes the case's fields; all of it is in the audit trail.
func TestBrowser_GridWorkerOpensCaseOfficerCompletesIt(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	ctx := newBrowser(t)
	browserLogin(t, ctx, e.srv.URL, "wx_grid", "password-wx_grid")
	withGPS(t, ctx)
	located := chromedp.Poll[bool](`document.querySelector("[data-geo-status]").textContent.indexOf("已定位") >= 0`, chromedp.WithPollingTimeout(10*time.Second))

	// 1. register a site
	err := chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/sites/new"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/sites"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "无名喷涂作坊"),
		chromedp.SendKeys(chromedp.CSS(`input[name=address]`), "新中社区东街12号后院"),
		chromedp.SendKeys(chromedp.CSS(`input[name=person_in_charge]`), "张三"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, located); err != nil {
		t.Fatalf("site form never got a GPS fix: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/sites"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#inspect`))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "site")

	// 2. inspect it: problem found → the case form, prefilled
	if _, err := chromedp.Run(ctx, located); err != nil {
		t.Fatalf("inspection form never got a GPS fix: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name=outcome][value=problem]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=note]`), "无证无照，现场有喷涂设备在生产"),
		chromedp.Click(chromedp.CSS(`#inspect button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/cases"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	name, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`input[name=unit_name]`)))
	if name != "无名喷涂作坊" {
		t.Fatalf("case form prefilled with %q", name)
	}

	// 3. open the case with two photos and GPS
	photos := []string{writePNG(t, "scene1.png", color.RGBA{200, 30, 30, 255}), writePNG(t, "scene2.png", color.RGBA{30, 30, 200, 255})}
	if _, err := chromedp.Run(ctx, located); err != nil {
		t.Fatalf("case form never got a GPS fix: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`select[name=category]`), "spraying"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=description]`), "无证无照从事喷涂作业，无废气处理设施"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name=photo]`), photos),
		chromedp.Click(chromedp.CSS(`form[action="/cases"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#files`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "case-grid")
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	caseID := loc[strings.LastIndex(loc, "/")+1:]
	if i := strings.IndexAny(caseID, "?#"); i >= 0 {
		caseID = caseID[:i]
	}
	imgs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#files img").length`))
	if err != nil || imgs != 2 {
		t.Fatalf("case page shows %d thumbnails (%v), want 2", imgs, err)
	}

	// 4. the town officer completes the fields
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`))); err != nil {
		t.Fatal(err)
	}
	browserLogin(t, ctx, e.srv.URL, "wx_officer", "password-wx_officer")
	err = chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/cases/"+caseID),
		chromedp.WaitVisible(chromedp.CSS(`#edit`)),
		chromedp.SetValue(chromedp.CSS(`select[name=shutdown]`), "closed"),
		chromedp.SetValue(chromedp.CSS(`input[name=shutdown_date]`), "2020-10-12"),
		chromedp.Click(chromedp.CSS(`input[name=clear_water]`)),
		chromedp.Click(chromedp.CSS(`input[name=clear_power]`)),
		chromedp.SetValue(chromedp.CSS(`select[name=onsite_status]`), "in_progress"),
		chromedp.Click(chromedp.CSS(`input[name=case_filed]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=case_no]`), "钟环罚〔2020〕88号"),
		chromedp.SetValue(chromedp.CSS(`input[name=fine]`), "1234.50"),
		chromedp.Click(chromedp.CSS(`#edit button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "case-officer")
	// The dashboard (/dashboard since / is each role's home) counts the case
	// and draws its chart (ECharts loaded on demand).
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/dashboard"), chromedp.WaitVisible(chromedp.CSS(".chart canvas"))); err != nil {
		t.Fatalf("dashboard chart: %v", err)
	}
	screenshot(t, ctx, "dashboard-figures")

	var c domain.Case
	e.do("wx_officer", "GET", "/api/v1/cases/"+caseID, nil).want(http.StatusOK).decode(&c)
	if c.Category != "spraying" || c.Shutdown != "closed" || !c.Clears["water"] || !c.Clears["power"] || c.Clears["materials"] ||
		!c.CaseFiled || c.FineFen != 123450 || c.OnsiteStatus != "in_progress" || c.Status != domain.StatusRectifying {
		t.Fatalf("case after the officer's edit: %+v", c)
	}
	var atts listResult[domain.Attachment]
	e.do("wx_officer", "GET", "/api/v1/cases/"+caseID+"/attachments", nil).want(http.StatusOK).decode(&atts)
	if atts.Total != 2 || atts.Items[0].Lat == nil || atts.Items[0].ContentType != "image/png" {
		t.Fatalf("attachments %+v", atts.Items)
	}
	var tl listResult[domain.AuditEvent]
	e.do("wx_officer", "GET", "/api/v1/cases/"+caseID+"/timeline", nil).want(http.StatusOK).decode(&tl)
	var actions []string
	for _, ev := range tl.Items {
		actions = append(actions, ev.ActorName+":"+ev.Action)
	}
	got := strings.Join(actions, " ")
	for _, want := range []string{"wx_grid:create", "wx_grid:attach", "wx_officer:update"} {
		if !strings.Contains(got, want) {
			t.Fatalf("timeline %q lacks %q", got, want)
		}
	}
	res, err := e.db.VerifyAudit(context.Background())
	if err != nil || res.Broken != "" {
		t.Fatalf("audit: %+v %v", res, err)
	}
}
