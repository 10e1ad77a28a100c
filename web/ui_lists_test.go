package web

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

var (
	figureLink = regexp.MustCompile(`(?s)<a class="figure[^"]*" href="([^"]*)"[^>]*>\s*<b[^>]*>(\d+)</b>`)
	totalAttr  = regexp.MustCompile(`data-total="(\d+)"`)
)

// figureLinks lists the figures of a page: each linked figure's list and number.
func figureLinks(body string) map[string]int {
	out := map[string]int{}
	for _, m := range figureLink.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[2])
		out[html.UnescapeString(m[1])] = n
	}
	return out
}

// knownFilters are the list pages' query parameters a figure may link with.
var knownFilters = map[string]bool{"status": true, "campaign_id": true, "org_id": true, "village_id": true,
	"overdue": true, "awaiting_closeout": true, "supervised": true, "inspected": true}

// listTotal is the row count a list page says it shows.
func listTotal(t *testing.T, body, u string) int {
	t.Helper()
	m := totalAttr.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s: no data-total on the list page", u)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// Items 4 and 5 of [7]: every figure on the dashboard and on each role's
// home page links to a list showing exactly that many rows — 问题（家）
// without the voided cases, 超期未整改 and 已整改待销号 apart.
func TestFigures_EachLinksToAListOfExactlyItsRows(t *testing.T) {
	base := newDemoServer(t).URL
	checked := 0
	for _, user := range demoRoles {
		c := demoClient(t, base, user, LangZH)
		for _, page := range []string{"/", "/dashboard"} {
			code, body := get(t, c, base+page)
			if code == http.StatusForbidden || code == http.StatusNotFound {
				continue
			}
			if code != http.StatusOK {
				t.Fatalf("%s %s: %d", user, page, code)
			}
			for u, n := range figureLinks(body) {
				// A filter the list does not know would be ignored: the count could agree by chance.
				if pu, err := url.Parse(u); err != nil {
					t.Fatalf("%s %s: figure link %q: %v", user, page, u, err)
				} else {
					for k := range pu.Query() {
						if !knownFilters[k] {
							t.Errorf("%s %s: figure link %s has the unknown parameter %q", user, page, u, k)
						}
					}
				}
				code, list := get(t, c, base+u)
				if code != http.StatusOK {
					t.Errorf("%s %s: figure link %s answers %d", user, page, u, code)
					continue
				}
				if got := listTotal(t, list, u); got != n {
					t.Errorf("%s %s: figure %d links to %s, which lists %d", user, page, n, u, got)
				}
				checked++
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d figure links checked", checked)
	}
}

// status=live is every case but the voided ones; §7's status values keep
// working beside it.
func TestAPI_CaseList_StatusLiveExcludesVoided(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		a, b := e.newCase("作坊甲"), e.newCase("作坊乙")
		e.mustAct("wx_officer", b.ID, "void", "录入错误：重复登记")
		total := func(q string) int {
			var l listResult[domain.Case]
			e.do("district", "GET", "/api/v1/cases?"+q, nil).want(http.StatusOK).decode(&l)
			return l.Total
		}
		if got := total("status=live"); got != 1 {
			t.Fatalf("status=live: %d, want 1", got)
		}
		if total("status=voided") != 1 || total("status=registered") != 1 || total("") != 2 {
			t.Fatalf("§7 statuses: voided %d registered %d all %d", total("status=voided"), total("status=registered"), total(""))
		}
		e.do("district", "GET", "/api/v1/cases?status=alive", nil).wantError(http.StatusBadRequest, "status")
		e.do("district", "GET", "/api/v1/cases?awaiting_closeout=maybe", nil).wantError(http.StatusBadRequest, "awaiting_closeout")
		_ = a
	})
}

// The site register filters by town, village, state, target type and
// whether the site was inspected in the campaign, and pages.
func TestAPI_Sites_FiltersAndPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		c := e.newCase("已排查作坊") // opening a case records an inspection of its site
		var plain, stopped, yh domain.Site
		e.do("wx_grid", "POST", "/api/v1/sites", map[string]any{"name": "未排查作坊", "address": "新中社区1号",
			"village_id": e.orgs["新中社区"].ID}).want(http.StatusCreated).decode(&plain)
		e.do("wx_officer", "POST", "/api/v1/sites", map[string]any{"name": "停产化工", "address": "五星街道2号",
			"target_type": "stopped", "state": "suspended", "org_id": e.orgs["五星街道"].ID}).want(http.StatusCreated).decode(&stopped)
		e.do("yh_officer", "POST", "/api/v1/sites", map[string]any{"name": "永红作坊", "address": "永红街道3号",
			"org_id": e.orgs["永红街道"].ID}).want(http.StatusCreated).decode(&yh)
		ids := func(q string) []int64 {
			t.Helper()
			var l listResult[domain.Site]
			e.do("district", "GET", "/api/v1/sites?"+q, nil).want(http.StatusOK).decode(&l)
			var out []int64
			for _, s := range l.Items {
				out = append(out, s.ID)
			}
			if len(out) > l.Total {
				t.Fatalf("%s: %d items over a total of %d", q, len(out), l.Total)
			}
			return out
		}
		for q, want := range map[string][]int64{
			"inspected=yes":                                    {c.SiteID},
			"inspected=no&sort=name":                           {stopped.ID, plain.ID, yh.ID}, // 停, 未, 永
			"org_id=" + fmtInt(e.orgs["永红街道"].ID):              {yh.ID},
			"village_id=" + fmtInt(e.orgs["新中社区"].ID):          {plain.ID, c.SiteID},
			"state=suspended":                                  {stopped.ID},
			"target_type=stopped":                              {stopped.ID},
			"target_type=xiaozitou&inspected=no&sort=-created": {yh.ID, plain.ID},
			"per_page=2&page=2":                                {plain.ID, c.SiteID},
		} {
			if got := ids(q); !equalIDs(got, want) {
				t.Errorf("sites?%s: %v, want %v", q, got, want)
			}
		}
		e.do("district", "GET", "/api/v1/sites?inspected=maybe", nil).wantError(http.StatusBadRequest, "inspected")
		e.do("district", "GET", "/api/v1/sites?state=running", nil).wantError(http.StatusBadRequest, "state")
		e.do("district", "GET", "/api/v1/sites?sort=phone", nil).wantError(http.StatusBadRequest, "sort")
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// xlsxRows reads an export's data rows (below the title and header rows).
func xlsxRows(t *testing.T, b []byte) (head []string, rows [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open export: %v (%q)", err, b[:min(len(b), 200)])
	}
	defer f.Close()
	all, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || len(all) < 2 {
		t.Fatalf("export rows: %v %d", err, len(all))
	}
	return all[1], all[2:]
}

func fetch(t *testing.T, c *http.Client, u string) (int, http.Header, []byte) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	return res.StatusCode, res.Header, buf.Bytes()
}

// The desk tables' export is the filtered list, every page of it, with the
// columns asked for; the list pages carry the table and the cards both.
func TestListExport_FilteredRowsAndChosenColumns(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	for _, n := range []string{"导出甲", "导出乙", "导出丙"} {
		e.newCase(n)
	}
	v := e.newCase("导出丁")
	e.mustAct("wx_officer", v.ID, "void", "录入错误")
	cl := e.pageClient("wx_officer")
	code, hdr, b := fetch(t, cl, e.srv.URL+"/cases/export.xlsx?status=live&cols=no,unit,status")
	if code != http.StatusOK || !strings.Contains(hdr.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %s", code, hdr.Get("Content-Type"))
	}
	head, rows := xlsxRows(t, b)
	if strings.Join(head, "|") != "问题编号|问题单位名称|状态" || len(rows) != 3 {
		t.Fatalf("export head %q, %d rows; want 3 live cases under 问题编号|问题单位名称|状态", head, len(rows))
	}
	for _, r := range rows {
		if r[1] == "导出丁" || r[2] != "登记" {
			t.Errorf("export row %q", r)
		}
	}
	// The same filters on the page: 3 rows, as cards and as a table.
	body := e.pageAs(cl, "wx_officer", "/cases?status=live&per_page=2")
	if listTotal(t, body, "/cases") != 3 || !strings.Contains(body, `data-cols="cases"`) || !strings.Contains(body, `class="list cards"`) {
		t.Fatalf("case list page lacks its total, table or cards")
	}
	if !strings.Contains(body, `href="/cases/export.xlsx?status=live"`) {
		t.Errorf("the export link drops the filters or keeps the paging")
	}
	if m := nextLink.FindStringSubmatch(body); m == nil || !strings.Contains(m[1], "status=live") || !strings.Contains(m[1], "per_page=2") {
		t.Errorf("no link to the next page with the filters: %v", m)
	}
	_, _, b = fetch(t, cl, e.srv.URL+"/sites/export.xlsx?inspected=yes")
	head, rows = xlsxRows(t, b)
	if len(rows) != 4 || head[0] != "场所/企业名称" {
		t.Fatalf("site export: head %q, %d rows, want the 4 inspected sites", head, len(rows))
	}
	// A sort header on the table orders the list and flips on a second click.
	body = e.pageAs(cl, "wx_officer", "/sites?sort=name")
	if !strings.Contains(body, `aria-sort="ascending"`) || !strings.Contains(body, `href="/sites?sort=-name"`) {
		t.Errorf("site table's name header is not the ascending sort with a link to descending")
	}
}

// The register's edit page saves through PATCH's use case; a stale save
// keeps what the user typed and shows the latest version beside it.
func TestSiteEditPage_SavesAndKeepsTypedOnStale(t *testing.T) {
	e := newEnv(t, store.SQLite)
	var s domain.Site
	e.do("wx_grid", "POST", "/api/v1/sites", map[string]any{"name": "修改前作坊", "address": "新中社区1号",
		"village_id": e.orgs["新中社区"].ID, "lat": 31.78, "lng": 119.95}).want(http.StatusCreated).decode(&s)
	cl := e.pageClient("wx_grid")
	page := e.pageAs(cl, "wx_grid", "/sites/"+fmtInt(s.ID)+"/edit")
	if !strings.Contains(page, `value="修改前作坊"`) || !strings.Contains(page, `name="version" value="1"`) ||
		!strings.Contains(page, `name="lat" inputmode="decimal" value="31.780000"`) {
		t.Fatalf("edit page does not show the site (and its coordinates to 6 decimals)")
	}
	form := url.Values{"version": {"1"}, "name": {"修改后作坊"}, "address": {"新中社区1号"}, "target_type": {"xiaozitou"},
		"state": {"suspended"}, "village_id": {fmtInt(e.orgs["新中社区"].ID)}, "lat": {"31.78"}, "lng": {"119.95"}}
	code, body := e.postForm(cl, "/sites/"+fmtInt(s.ID)+"/edit", form)
	if code != http.StatusOK || !strings.Contains(body, "修改后作坊") {
		t.Fatalf("save: %d", code)
	}
	var got domain.Site
	e.do("wx_grid", "GET", "/api/v1/sites/"+fmtInt(s.ID), nil).want(http.StatusOK).decode(&got)
	if got.Name != "修改后作坊" || got.State != domain.SiteSuspended || got.Lat == nil || *got.Lat != 31.78 || got.Version != 2 {
		t.Fatalf("saved site %+v", got)
	}
	// A second save at version 1 meets version 2.
	form.Set("name", "我刚输入的名称")
	code, body = e.postForm(cl, "/sites/"+fmtInt(s.ID)+"/edit", form)
	if code != http.StatusConflict || !strings.Contains(body, `value="我刚输入的名称"`) || !strings.Contains(body, `id="latest"`) ||
		!strings.Contains(body, `name="version" value="2"`) {
		t.Fatalf("stale save: %d; want 409 with the typed name, the latest version and version 2 in the form", code)
	}
	// A read-only role gets no edit page.
	if code, _ := get(t, e.pageClient("supervisor"), e.srv.URL+"/sites/"+fmtInt(s.ID)+"/edit"); code != http.StatusForbidden {
		t.Fatalf("supervisor edit page: %d, want 403", code)
	}
}
