package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhengzhi/domain"
)

// shanghai is where every time on a page is shown.
var shanghai = domain.Shanghai()

// pages holds one parsed template set per page: the layout plus the page.
type pages struct {
	sets   map[string]*template.Template
	static *staticFiles
}

// pageFuncs are the helpers templates may call; they hold no rules.
var pageFuncs = template.FuncMap{
	"roleName":   func(r domain.Role) string { return domain.RoleNames[r] },
	"statusName": func(s domain.CaseStatus) string { return domain.StatusNames[s] },
	"catName":    func(c domain.Category) string { return domain.CategoryNames[c] },
	"clearName":  func(c string) string { return domain.ClearItemNames[c] },
	"sourceName": func(c domain.Source) string { return domain.SourceNames[c] },
	"onsiteName": func(c domain.Onsite) string { return domain.OnsiteNames[c] },
	"shutdownName": func(c domain.Shutdown) string {
		if c == domain.ShutdownNone || c == "" {
			return "无"
		}
		return domain.ShutdownNames[c]
	},
	"statusList": func() []domain.CaseStatus {
		return []domain.CaseStatus{domain.StatusRegistered, domain.StatusRectifying, domain.StatusCloseoutRequested,
			domain.StatusVillageApproved, domain.StatusTownApproved, domain.StatusClosedOut, domain.StatusVoided}
	},
	"categoryList": func() []domain.Category { return domain.DefaultCategories },
	"sourceList": func() []domain.Source {
		return []domain.Source{domain.SourceGrid, domain.SourceTip, domain.SourceSpotCheck, domain.SourceDepartment, domain.SourcePrior}
	},
	"shutdownList": func() []domain.Shutdown {
		return []domain.Shutdown{domain.ShutdownNone, domain.ShutdownSuspended, domain.ShutdownClosed, domain.ShutdownBanned}
	},
	"onsiteList": func() []domain.Onsite {
		return []domain.Onsite{domain.OnsiteNotStarted, domain.OnsiteInProgress, domain.OnsiteDone}
	},
	"hasPrefix": strings.HasPrefix,
	"weekdays":  func() []int { return []int{1, 2, 3, 4, 5, 6, 0} },
	"add":       func(a, b int) int { return a + b },
	"sub":       func(a, b int) int { return a - b },
	"wan":       domain.FenToWan,
	"yuan":      domain.FenToYuan,
	"indent":    func(level int) string { return strings.Repeat("　", max(level-1, 0)) },
	"deref": func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	},
	// deskTable is the data of the "desk-table" partial: a list's rows
	// under its columns (listCol), linked to /{kind}/{id}.
	"deskTable": func(p *pageData, kind string, nav listNav, cols, rows any) map[string]any {
		return map[string]any{"P": p, "Kind": kind, "Nav": nav, "Cols": cols, "Rows": rows}
	},
	// args pairs the page with a value, for a partial that needs both.
	"args": func(p *pageData, v any) map[string]any { return map[string]any{"P": p, "V": v} },
	// coord shows a coordinate with 6 decimals (about 0.1 m), "" for none.
	"coord": coord,
	// meters shows an accuracy in whole metres.
	"meters": func(m *float64) string {
		if m == nil {
			return ""
		}
		return strconv.FormatFloat(math.Round(*m), 'f', 0, 64)
	},
	// geo gives the "geo-inputs" partial its values: the page, the
	// coordinates (6 decimals) and their accuracy.
	"geo": func(p *pageData, lat, lng, acc *float64) geoInputs {
		g := geoInputs{Page: p, Lat: coord(lat), Lng: coord(lng)}
		if acc != nil && lat != nil {
			g.Accuracy = strconv.FormatFloat(*acc, 'f', -1, 64)
		}
		return g
	},
	// span gives a delegation's period as it reads (domain.Delegation.Span).
	"span": func(d *domain.Delegation) struct{ From, Until string } {
		from, until := d.Span(shanghai)
		return struct{ From, Until string }{from, until}
	},
	"shTime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(shanghai).Format("2006-01-02 15:04")
	},
}

// geoInputs is what the "geo-inputs" partial (visible latitude and
// longitude, filled by the browser's location on request) shows.
type geoInputs struct {
	Page               *pageData
	Lat, Lng, Accuracy string
}

func coord(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 6, 64)
}

func loadPages(static *staticFiles) (*pages, error) {
	p := &pages{sets: map[string]*template.Template{}, static: static}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Partials define blocks that pages fill in (e.g. the case page's
	// "case-closeout"); every page set gets them, after the page itself.
	partials, err := fs.Glob(assets, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if base == "layout.html" {
			continue
		}
		files := append([]string{"templates/layout.html", n}, partials...)
		t, err := template.New("layout.html").Funcs(pageFuncs).ParseFS(assets, files...)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		p.sets[base] = t
	}
	return p, nil
}

// pageData is what every page template receives.
type pageData struct {
	Lang   string
	Actor  *domain.Actor
	Title  string
	Flash  string
	Error  string
	Path   string
	Data   any
	Nav    []navItem
	static *staticFiles
}

// T translates a catalog key for the page's language.
func (p *pageData) T(key string, args ...any) string { return translate(p.Lang, key, args...) }

// Asset returns the content-hashed URL of a static file.
func (p *pageData) Asset(name string) string { return p.static.URL(name) }

// May reports whether the actor's role may perform an action (to show or hide
// a button; the store enforces it regardless).
func (p *pageData) May(act string) bool {
	return p.Actor != nil && domain.RoleMay(p.Actor.User.Role, domain.Action(act))
}

// titled is the data of a page about one record, which names it in the
// page's <title> (a case's number and unit name); tr translates a key.
type titled interface {
	PageTitle(tr func(key string, args ...any) string) string
}

// render writes a page; the layout wraps its "content" block. Its title
// is the catalog's text for title, or the record's own (titled).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, title string, data any, flash string) {
	t, ok := s.pages.sets[page]
	if !ok {
		s.log.Error("missing template", "page", page)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	pd := &pageData{Lang: langOf(r), Actor: actorOf(r), Title: title, Flash: flash, Path: r.URL.Path, Data: data, static: s.static}
	if pd.Actor != nil {
		pd.Nav = s.nav(r, pd.Actor)
	}
	if pd.Title != "" {
		pd.Title = pd.T(title)
	}
	if t, ok := data.(titled); ok {
		pd.Title = t.PageTitle(pd.T)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, pd); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// renderError shows a domain error as a page with the fitting status.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	code := domain.ErrorCode(err)
	if code == domain.EINTERNAL {
		s.log.Error("internal error", "path", r.URL.Path, "err", err)
	}
	if code == domain.EUNAUTHORIZED {
		http.Redirect(w, r, "/login?next="+r.URL.Path, http.StatusSeeOther)
		return
	}
	// A refusal names its real reason (the role, or the state); a record
	// not found says no more than that.
	msg := domain.ErrorMessage(err)
	switch code {
	case domain.ENOTFOUND:
		msg = translate(langOf(r), "err.notfound")
	case domain.EFORBIDDEN:
		if msg == "" {
			msg = translate(langOf(r), "err.forbidden")
		}
	}
	s.render(w, r, statusOf(code), "error.html", "common.error", msg, "")
}
