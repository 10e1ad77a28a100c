package web

import (
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/forms"
)

// The case list and the site register as desk tables: on a desk screen each
// is a table whose columns sort (on the server, by the list's own sort
// keys) and can be hidden (remembered per browser, app.js), with its filters
// open; on a phone the same page shows cards. Both export the filtered list
// as XLSX, with the columns the table shows.

// listCol is one column of a desk table and of its export.
type listCol[T any] struct {
	Key   string  // data-col and the export's cols= name
	Label string  // catalog key of the header
	Sort  string  // the list's sort key; "" when the column does not sort
	Width float64 // XLSX width
	Wrap  bool    // long free text: left-aligned and wrapped in the XLSX
	Text  func(lang string, x T) string
}

// listNav is what a list page needs to link to itself: another page (back
// by number, forward by the list's cursor), another order, the export of
// the same rows.
type listNav struct {
	Path  string // "/cases"
	Query url.Values
	Page  int
	Pages int
	Total int
	Next  string // the cursor of the following page ("" on the last)
	Sort  string // the order in force ("" for the default)
	// DefaultSort is the order the list has without ?sort=.
	DefaultSort string
}

// listPage is where a page of a list lies: app.CaseList and app.SiteList.
type listPage interface {
	position() (total, start int, next string)
}

type caseListPage struct{ *app.CaseList }

func (l caseListPage) position() (int, int, string) { return l.Total, l.Start, l.Next }

type siteListPage struct{ *app.SiteList }

func (l siteListPage) position() (int, int, string) { return l.Total, l.Start, l.Next }

func newListNav(r *http.Request, path, defaultSort string, l listPage, limit int) listNav {
	total, start, next := l.position()
	n := listNav{Path: path, Query: r.URL.Query(), Page: 1, Total: total, Next: next, Sort: r.URL.Query().Get("sort"), DefaultSort: defaultSort}
	if limit > 0 {
		n.Page = start/limit + 1
		n.Pages = max((total+limit-1)/limit, n.Page)
	}
	return n
}

func (n listNav) with(set map[string]string, drop ...string) string {
	q := url.Values{}
	for k, v := range n.Query {
		q[k] = v
	}
	for _, k := range drop {
		q.Del(k)
	}
	for k, v := range set {
		q.Set(k, v)
	}
	if len(q) == 0 {
		return n.Path
	}
	return n.Path + "?" + q.Encode()
}

// PageURL is the list with the same filters and order at page p (by number).
func (n listNav) PageURL(p int) string {
	if p <= 1 {
		return n.with(nil, "after", "page")
	}
	return n.with(map[string]string{"page": strconv.Itoa(p)}, "after")
}

// NextURL is the following page, by the list's cursor: read from the list
// index at the cursor however deep it goes.
func (n listNav) NextURL() string { return n.with(map[string]string{"after": n.Next}, "page") }

// current is the order in force.
func (n listNav) current() string {
	if n.Sort != "" {
		return n.Sort
	}
	return n.DefaultSort
}

// SortURL orders the list by key: ascending, or descending when it is
// ordered by key ascending already; back to page 1.
func (n listNav) SortURL(key string) string {
	to := key
	if n.current() == key {
		to = "-" + key
	}
	return n.with(map[string]string{"sort": to}, "page", "after")
}

// SortMark is ▲ or ▼ on the column the list is ordered by.
func (n listNav) SortMark(key string) string {
	switch n.current() {
	case key:
		return "▲"
	case "-" + key:
		return "▼"
	}
	return ""
}

// AriaSort is the header's aria-sort value.
func (n listNav) AriaSort(key string) string {
	switch n.current() {
	case key:
		return "ascending"
	case "-" + key:
		return "descending"
	}
	return "none"
}

// ExportURL is the XLSX of every row the filters select (all pages).
func (n listNav) ExportURL() string {
	q := url.Values{}
	for k, v := range n.Query {
		q[k] = v
	}
	q.Del("page")
	q.Del("per_page")
	q.Del("after")
	q.Del("flash")
	u := n.Path + "/export.xlsx"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// chosenCols keeps the columns named in cols= (comma separated, in the
// table's order); none named, all of them.
func chosenCols[T any](cols []listCol[T], param string) []listCol[T] {
	if strings.TrimSpace(param) == "" {
		return cols
	}
	want := map[string]bool{}
	for _, k := range strings.Split(param, ",") {
		want[strings.TrimSpace(k)] = true
	}
	var out []listCol[T]
	for _, c := range cols {
		if want[c.Key] {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return cols
	}
	return out
}

// writeListXLSX sends rows as an XLSX file named name (Chinese allowed),
// with the columns' headers in lang (forms.WriteListXLSX, streamed).
func writeListXLSX[T any](w http.ResponseWriter, lang, name, title string, cols []listCol[T], rows []T) error {
	l := &forms.List[T]{Sheet: name, Title: title}
	for _, c := range cols {
		text := c.Text
		l.Columns = append(l.Columns, forms.ListColumn[T]{Head: translate(lang, c.Label), Width: c.Width, Wrap: c.Wrap,
			Text: func(x T) string { return text(lang, x) }})
	}
	seq := iter.Seq2[T, error](func(yield func(T, error) bool) {
		for _, x := range rows {
			if !yield(x, nil) {
				return
			}
		}
	})
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+urlPathEscape(name+".xlsx"))
	return forms.WriteListXLSX(w, l, seq)
}

// exportTitle is an export's title row: what it is, whose, and when.
func exportTitle(what string, a *domain.Actor, now time.Time) string {
	return fmt.Sprintf("%s（%s，导出于 %s）", what, a.Scope.Name, now.In(shanghai).Format("2006-01-02 15:04"))
}

// dateText is an instant's date in Asia/Shanghai, for a list's cell.
func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(shanghai).Format("2006-01-02")
}

// caseCols are the case list's desk columns.
var caseCols = []listCol[*domain.Case]{
	{Key: "no", Label: "f.problem_no", Sort: "problem_no", Width: 22, Text: func(_ string, c *domain.Case) string { return c.ProblemNo }},
	{Key: "unit", Label: "f.unit_name", Sort: "unit_name", Width: 24, Wrap: true, Text: func(_ string, c *domain.Case) string { return c.UnitName }},
	{Key: "place", Label: "f.town", Width: 18, Wrap: true, Text: func(_ string, c *domain.Case) string {
		if c.VillageName != "" {
			return c.TownName + " · " + c.VillageName
		}
		return c.TownName
	}},
	{Key: "category", Label: "f.category", Width: 12, Text: func(_ string, c *domain.Case) string { return domain.CategoryNames[c.Category] }},
	{Key: "status", Label: "f.status", Width: 11, Text: func(_ string, c *domain.Case) string { return domain.StatusNames[c.Status] }},
	{Key: "onsite", Label: "list.onsite", Width: 10, Text: func(_ string, c *domain.Case) string { return domain.OnsiteNames[c.OnsiteStatus] }},
	{Key: "shutdown", Label: "f.shutdown", Width: 8, Text: func(_ string, c *domain.Case) string { return domain.ShutdownNames[c.Shutdown] }},
	{Key: "deadline", Label: "f.rectify_deadline", Sort: "deadline", Width: 12, Text: func(_ string, c *domain.Case) string { return string(c.RectifyDeadline) }},
	{Key: "supervised", Label: "f.supervised", Width: 8, Text: func(lang string, c *domain.Case) string {
		if c.Supervised {
			return translate(lang, "list.yes")
		}
		return ""
	}},
	{Key: "updated", Label: "list.updated", Sort: "updated", Width: 12, Text: func(_ string, c *domain.Case) string { return dateText(c.UpdatedAt) }},
	{Key: "checks", Label: "case.warnings", Width: 30, Wrap: true, Text: func(_ string, c *domain.Case) string {
		var out []string
		for _, w := range c.Warnings {
			out = append(out, w.Message)
		}
		return strings.Join(out, "；")
	}},
}

// siteCols are the site register's desk columns; places names the units.
func siteCols(places map[int64]string) []listCol[*domain.Site] {
	return []listCol[*domain.Site]{
		{Key: "name", Label: "site.name", Sort: "name", Width: 24, Wrap: true, Text: func(_ string, s *domain.Site) string { return s.Name }},
		{Key: "target", Label: "site.target_type", Width: 10, Text: func(lang string, s *domain.Site) string {
			return translate(lang, "site."+s.TargetType)
		}},
		{Key: "state", Label: "site.state", Width: 8, Text: func(lang string, s *domain.Site) string { return translate(lang, "state."+s.State) }},
		{Key: "town", Label: "site.town", Width: 14, Text: func(_ string, s *domain.Site) string { return places[s.OrgID] }},
		{Key: "village", Label: "site.village", Width: 14, Text: func(_ string, s *domain.Site) string {
			if s.VillageID == nil {
				return ""
			}
			return places[*s.VillageID]
		}},
		{Key: "address", Label: "site.address", Width: 26, Wrap: true, Text: func(_ string, s *domain.Site) string { return s.Address }},
		{Key: "person", Label: "site.person", Width: 10, Text: func(_ string, s *domain.Site) string { return s.PersonInCharge }},
		{Key: "credit", Label: "list.credit_code", Width: 21, Text: func(_ string, s *domain.Site) string { return s.CreditCode }},
		{Key: "created", Label: "list.registered", Sort: "created", Width: 12, Text: func(_ string, s *domain.Site) string { return dateText(s.CreatedAt) }},
		{Key: "updated", Label: "list.updated", Sort: "updated", Width: 12, Text: func(_ string, s *domain.Site) string { return dateText(s.UpdatedAt) }},
	}
}

// ---- the site register ----

// sitesPerPage is the register's page size.
const sitesPerPage = 50

type sitesData struct {
	Sites    []*domain.Site
	Filter   app.SiteFilter
	Nav      listNav
	Cols     []listCol[*domain.Site]
	Places   map[int64]string
	Towns    []*domain.OrgUnit
	Villages []*domain.OrgUnit
	States   []string
	Targets  []string
	Error    *formError
	Filtered bool // some criterion is set: the filters open
}

func (s *Server) sitesPage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	d := sitesData{States: domain.SiteStates, Targets: domain.TargetTypes}
	f, err := siteFilter(r)
	if err == nil && r.URL.Query().Get("per_page") == "" {
		f.Limit = sitesPerPage
		f.Offset = 0
		if p, _ := strconv.Atoi(r.URL.Query().Get("page")); p > 1 {
			f.Offset = (p - 1) * sitesPerPage
		}
	}
	var l *app.SiteList
	if err == nil {
		l, err = s.app.SiteList(r.Context(), a, f)
	}
	if err != nil {
		if !userError(err) {
			return err
		}
		d.Error = asFormError(err)
		f = app.SiteFilter{Limit: sitesPerPage}
		if l, err = s.app.SiteList(r.Context(), a, f); err != nil {
			return err
		}
	}
	d.Sites, d.Filter = l.Items, f
	d.Nav = newListNav(r, "/sites", "-created", siteListPage{l}, f.Limit)
	d.Filtered = f.OrgID != 0 || f.VillageID != 0 || f.Q != "" || f.State != "" || f.TargetType != "" || f.Inspected || f.NotInspected
	if d.Places, err = s.placeNames(r, a); err != nil {
		return err
	}
	d.Cols = siteCols(d.Places)
	if d.Towns, d.Villages, err = s.villages(r, a); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "sites.html", "sites.title", d, s.takeFlash(w, r))
	return nil
}

// sitesExport sends the filtered register (every page) as XLSX.
func (s *Server) sitesExport(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	f, err := siteFilter(r)
	if err != nil {
		return err
	}
	f.Limit, f.Offset, f.After = 0, 0, ""
	sites, _, err := s.app.Sites(r.Context(), a, f)
	if err != nil {
		return err
	}
	places, err := s.placeNames(r, a)
	if err != nil {
		return err
	}
	lang := langOf(r)
	cols := chosenCols(siteCols(places), r.URL.Query().Get("cols"))
	return writeListXLSX(w, lang, translate(lang, "sites.title"), exportTitle(translate(lang, "sites.title"), a, s.clock.Now()), cols, sites)
}

// casesExport sends the filtered case list (every page) as XLSX.
func (s *Server) casesExport(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	f, err := caseFilter(r)
	if err != nil {
		return err
	}
	f.Limit, f.Offset, f.After = 0, 0, ""
	cases, _, err := s.app.Cases(r.Context(), a, f)
	if err != nil {
		return err
	}
	lang := langOf(r)
	cols := chosenCols(caseCols, r.URL.Query().Get("cols"))
	return writeListXLSX(w, lang, translate(lang, "cases.title"), exportTitle(translate(lang, "cases.title"), a, s.clock.Now()), cols, cases)
}
