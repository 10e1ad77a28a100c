package web

import (
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhengzhi/store"
)

// Coordinates can be typed or corrected: visible inputs on every form
// that records a place, kept to 6 decimals; the site page names its town
// and village and shows the accuracy the GPS gave.
func TestSitePages_CoordinatesTypedSixDecimalsTownAndVillage(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	cl := e.pageClient("wx_grid")
	hiddenLat := regexp.MustCompile(`type="hidden" name="(lat|lng)"`)
	for _, p := range []string{"/sites/new", "/cases/new"} {
		page := e.pageAs(cl, "wx_grid", p)
		if !strings.Contains(page, `<input name="lat" inputmode="decimal"`) || !strings.Contains(page, `<input name="lng" inputmode="decimal"`) || hiddenLat.MatchString(page) {
			t.Errorf("%s: latitude/longitude are not inputs one can type in", p)
		}
	}
	code, body := e.postForm(cl, "/sites", url.Values{"name": {"坐标作坊"}, "address": {"新中社区西路2号"},
		"village_id": {fmtInt(e.orgs["新中社区"].ID)}, "lat": {"31.7812345678"}, "lng": {" 119.9123456 "}, "accuracy": {"14.6"}})
	if code != http.StatusOK {
		t.Fatalf("create site: %d\n%s", code, body)
	}
	if !strings.Contains(body, "31.781235, 119.912346（精度约 15 米）") {
		t.Errorf("site page does not show 6 decimals and the accuracy:\n%s", body)
	}
	if !strings.Contains(body, "<dd>五星街道 · 新中社区</dd>") {
		t.Errorf("site page does not name the town and the village for the grid worker:\n%s", body)
	}
	// Typed coordinates without an accuracy show none; the inspection form
	// on the site page has the inputs too.
	code, body = e.postForm(cl, "/sites", url.Values{"name": {"手填作坊"}, "address": {"新中社区东路3号"},
		"village_id": {fmtInt(e.orgs["新中社区"].ID)}, "lat": {"31.78"}, "lng": {"119.91"}})
	if code != http.StatusOK || !strings.Contains(body, `<dd id="site-gps">31.780000, 119.910000</dd>`) || !strings.Contains(body, `<input name="lat" inputmode="decimal"`) {
		t.Errorf("typed site: %d\n%s", code, body)
	}
	code, body = e.postForm(cl, "/sites", url.Values{"name": {"错坐标"}, "address": {"新中社区东路4号"},
		"village_id": {fmtInt(e.orgs["新中社区"].ID)}, "lat": {"北纬31度"}, "lng": {"119.91"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "纬度应为数字") {
		t.Errorf("bad latitude: %d, want 400 in words", code)
	}
}

// The browser's geolocation errors are shown in the page's language from
// the catalog, never as the browser's English message.
func TestGeoErrors_FromCatalogNotBrowser(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	for lang, want := range map[string]string{"zh": "未能定位：浏览器未获准使用位置信息", "en": "Location permission was denied"} {
		page := e.page("wx_grid", "/sites/new?lang="+lang)
		if !strings.Contains(page, `data-denied="`+want) || !strings.Contains(page, `data-timeout="`) || !strings.Contains(page, `data-unavailable="`) {
			t.Errorf("%s: the status element lacks the catalog's geolocation messages", lang)
		}
	}
	js, err := fs.ReadFile(assets, "static/app.js")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), ".message") || !strings.Contains(string(js), `{1: "denied", 2: "unavailable", 3: "timeout"}`) {
		t.Error("app.js shows the browser's own error text")
	}
}
