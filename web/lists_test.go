package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// GET /api/v1/cases and /api/v1/sites page deep by the after= cursor: each
// page keeps items and total (DESIGN.md §7) and adds next while more follow.
func TestAPI_ListsPageByCursor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.createCampaign()
		for _, u := range []string{"甲", "乙", "丙", "丁", "戊"} {
			e.newCase(u + "电镀点")
		}
		for _, list := range []string{"/api/v1/cases", "/api/v1/sites"} {
			var seen []int64
			next := list + "?per_page=2"
			for pages := 0; next != ""; pages++ {
				if pages > 3 {
					t.Fatalf("%s: more pages than rows", list)
				}
				r := e.do("wx_officer", "GET", next, nil).want(http.StatusOK)
				var l listResult[domain.Case]
				r.decode(&l)
				if l.Total != 5 || len(l.Items) == 0 {
					t.Fatalf("%s page %d: %s", list, pages, r.body)
				}
				for _, c := range l.Items {
					seen = append(seen, c.ID)
				}
				if l.Next == "" {
					if strings.Contains(string(r.body), `"next"`) {
						t.Fatalf("%s: last page carries next: %s", list, r.body)
					}
					break
				}
				next = list + "?per_page=2&after=" + url.QueryEscape(l.Next)
			}
			if len(seen) != 5 {
				t.Fatalf("%s: walked %v", list, seen)
			}
			e.do("wx_officer", "GET", list+"?per_page=2&page=2&after=x", nil).wantError(http.StatusBadRequest, "after")
			e.do("wx_officer", "GET", list+"?after=x", nil).wantError(http.StatusBadRequest, "after")
		}
	})
}

var nextLink = regexp.MustCompile(`href="(/(?:cases|sites)\?[^"]*after=[^"]*)"`)

// The case list page pages forward by 下一页 links carrying the cursor, and
// shows where it is.
func TestCasesPage_NextLinksCarryTheCursor(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createCampaign()
	for _, u := range []string{"甲", "乙", "丙", "丁", "戊"} {
		e.newCase(u + "电镀点")
	}
	cl := e.browserClient("wx_officer")
	u := e.srv.URL + "/cases?per_page=2&status=registered"
	for page, want := range []string{"1 / 3", "2 / 3", "3 / 3"} {
		code, body := get(t, cl, u)
		if code != 200 || !strings.Contains(body, want) {
			t.Fatalf("page %d: status %d, want %q in the page", page+1, code, want)
		}
		m := nextLink.FindStringSubmatch(body)
		if page == 2 {
			if m != nil {
				t.Fatalf("last page links on: %s", m[1])
			}
			if !strings.Contains(body, "page=2") {
				t.Fatalf("last page has no link back")
			}
			break
		}
		if m == nil || !strings.Contains(body, "下一页") {
			t.Fatalf("page %d has no 下一页 link with a cursor", page+1)
		}
		link := html.UnescapeString(m[1])
		lu, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		if q := lu.Query(); q.Get("status") != "registered" || q.Get("per_page") != "2" || q.Has("page") || q.Get("after") == "" {
			t.Fatalf("next link drops the filter or keeps the page number: %s", link)
		}
		u = e.srv.URL + link
	}
	code, body := get(t, cl, e.srv.URL+"/sites")
	if code != 200 || nextLink.MatchString(body) {
		t.Fatalf("a one-page site list links on: %d", code)
	}
}
