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
	Text  func(lang string, x T) string
}

// listNav is what a list page needs to link to itself: another page, another
// order, the export of the same rows.
type listNav struct {
	Path  string // "/cases"
	Query url.Values
	Page  int
	Pages int
	Total int
	Sort  string // the order in force ("" for the default)
	// DefaultSort is the order the list has without ?sort=.
	DefaultSort string
}

func newListNav(r *http.Request, path, defaultSort string, total, limit int) listNav {
	n := listNav{Path: path, Query: r.URL.Query(), Page: 1, Total: total, Sort: r.URL.Query().Get("sort"), DefaultSort: defaultSort}
	if p, _ := strconv.Atoi(n.Query.Get("page")); p > 1 {
		n.Page = p
	}
	if limit > 0 {
		n.Pages = (total + limit - 1) / limit
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

// PageURL is the list with the same filters and order at page p.
func (n listNav) PageURL(p int) string { return n.with(map[string]string{"page": strconv.Itoa(p)}) }

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
	return n.with(map[string]string{"sort": to}, "page")
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
// with the columns' headers in lang.
func writeListXLSX[T any](w http.ResponseWriter, lang, name, title string, cols []listCol[T], rows []T) error {
	t := forms.Table{Title: title, Sheet: name}
	for _, c := range cols {
		t.Columns = append(t.Columns, forms.TableColumn{Head: translate(lang, c.Label), Width: c.Width})
	}
	seq := iter.Seq2[[]any, error](func(yield func([]any, error) bool) {
		for _, x := range rows {
			r := make([]any, len(cols))
			for i, c := range cols {
				r[i] = c.Text(lang, x)
			}
			if !yield(r, nil) {
				return
			}
		}
	})
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+urlPathEscape(name+".xlsx"))
	return forms.WriteTable(w, t, seq)
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
	{Key: "unit", Label: "f.unit_name", Sort: "unit_name", Width: 24, Text: func(_ string, c *domain.Case) string { return c.UnitName }},
	{Key: "place", Label: "f.town", Width: 18, Text: func(_ string, c *domain.Case) string {
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
	{Key: "checks", Label: "case.warnings", Width: 30, Text: func(_ string, c *domain.Case) string {
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
		{Key: "name", Label: "site.name", Sort: "name", Width: 24, Text: func(_ string, s *domain.Site) string { return s.Name }},
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
		{Key: "address", Label: "site.address", Width: 26, Text: func(_ string, s *domain.Site) string { return s.Address }},
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
	if err == nil && f.Limit == 50 && r.URL.Query().Get("per_page") == "" {
		f.Limit = sitesPerPage
	}
	if err == nil {
		d.Sites, d.Nav.Total, err = s.app.Sites(r.Context(), a, f)
	}
	if err != nil {
		if !userError(err) {
			return err
		}
		d.Error = asFormError(err)
		f = app.SiteFilter{Limit: sitesPerPage}
		if d.Sites, d.Nav.Total, err = s.app.Sites(r.Context(), a, f); err != nil {
			return err
		}
	}
	d.Filter = f
	d.Nav = newListNav(r, "/sites", "-created", d.Nav.Total, f.Limit)
	d.Filtered = f.OrgID != 0 || f.VillageID != 0 || f.Q != "" || f.State != "" || f.TargetType != "" || f.Inspected || f.NotInspected
	if d.Places, err = s.placeNames(r, a); err != nil {
		return err
	}
	d.Cols = siteCols(d.Places)
	if d.Towns, d.Villages, err = s.villages(r, a); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "sites.html", "sites.title", d, r.URL.Query().Get("flash"))
	return nil
}

// sitesExport sends the filtered register (every page) as XLSX.
func (s *Server) sitesExport(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	f, err := siteFilter(r)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = 0, 0
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
	f.Limit, f.Offset = 0, 0
	cases, _, err := s.app.Cases(r.Context(), a, f)
	if err != nil {
		return err
	}
	lang := langOf(r)
	cols := chosenCols(caseCols, r.URL.Query().Get("cols"))
	return writeListXLSX(w, lang, translate(lang, "cases.title"), exportTitle(translate(lang, "cases.title"), a, s.clock.Now()), cols, cases)
}
