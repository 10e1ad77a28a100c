package web

import (
	"net/http"
	"time"

	"zhengzhi/app"
	"zhengzhi/domain"
)

// The home page at / is each role's own (domain.HomeOf): the parts it has
// and the figures in them, each linked to the list of exactly its rows. The
// dashboard with its chart stays at /dashboard.

// homeData is the home page.
type homeData struct {
	Parts    domain.HomeParts
	Campaign *domain.Campaign
	Review   *app.ReviewWaiting
	Today    *app.GridToday
	Week     *app.ThisWeek
	Towns    *app.TownsTable
	Figures  *app.Dashboard // the district's totals
	Now      time.Time
}

func (s *Server) homePage(w http.ResponseWriter, r *http.Request, a *domain.Actor) error {
	ctx := r.Context()
	d := homeData{Parts: domain.HomeOf(a.Role()), Now: s.clock.Now()}
	camp, err := s.app.ResolveCampaign(ctx, 0)
	if err != nil && domain.ErrorCode(err) != domain.EINVALID {
		return err
	}
	d.Campaign = camp
	if d.Parts.Review {
		if d.Review, err = s.app.PendingReviews(ctx, a); err != nil {
			return err
		}
	}
	if camp != nil {
		if d.Parts.Today {
			if d.Today, err = s.app.Today(ctx, a); err != nil {
				return err
			}
		}
		if d.Parts.Week && a.Org.IsTown() {
			if d.Week, err = s.app.Week(ctx, a, 0); err != nil {
				return err
			}
		}
		if d.Parts.Towns {
			if d.Towns, err = s.app.Towns(ctx, a); err != nil {
				return err
			}
			if d.Figures, err = s.app.Dashboard(ctx, a, 0, camp.ID); err != nil {
				return err
			}
		}
	}
	s.render(w, r, http.StatusOK, "home.html", "nav.home", d, "")
	return nil
}

// TimeLeft words the time until the deadline: “还剩 2 天 5 小时”, or that it
// has passed.
func (d homeData) TimeLeft(lang string, deadline time.Time) string {
	left := deadline.Sub(d.Now)
	if left <= 0 {
		return translate(lang, "home.week.passed")
	}
	days, hours := int(left/(24*time.Hour)), int(left%(24*time.Hour)/time.Hour)
	switch {
	case days > 0:
		return translate(lang, "home.week.left_days", days, hours)
	case hours > 0:
		return translate(lang, "home.week.left_hours", hours, int(left%time.Hour/time.Minute))
	}
	return translate(lang, "home.week.left_minutes", int(left/time.Minute)+1)
}

// WaitingDays is how many whole days a case has waited since its last change.
func (d homeData) WaitingDays(c *domain.Case) int {
	return int(d.Now.Sub(c.UpdatedAt) / (24 * time.Hour))
}

// navItem is one link of the navigation.
type navItem struct {
	Href    string
	Label   string // catalog key
	Current bool
	Badge   int // 待我审核: cases waiting for the actor's signature
}

// navLinks are the areas' addresses and names.
var navLinks = map[domain.Area]struct{ href, label string }{
	domain.AreaHome: {"/", "nav.home"}, domain.AreaDashboard: {"/dashboard", "nav.dashboard"},
	domain.AreaCases: {"/cases", "nav.cases"}, domain.AreaSites: {"/sites", "nav.sites"},
	domain.AreaInbox: {"/inbox", "nav.inbox"}, domain.AreaRechecks: {"/rechecks", "nav.rechecks"},
	domain.AreaReports: {"/reports", "nav.reports"}, domain.AreaTips: {"/tips", "nav.tips"},
	domain.AreaDelegations: {"/delegations", "nav.delegations"},
	domain.AreaUsers:       {"/users", "nav.users"}, domain.AreaOrgs: {"/orgs", "nav.orgs"},
	domain.AreaCampaigns: {"/campaigns", "nav.campaigns"},
}

// nav builds the navigation for the actor: the areas its role uses
// (app.Navigation asks domain.Uses), the current one marked.
func (s *Server) nav(r *http.Request, a *domain.Actor) []navItem {
	n, err := s.app.Navigation(r.Context(), a)
	if err != nil {
		s.log.Error("navigation", "err", err)
		return nil
	}
	var out []navItem
	for _, area := range n.Areas {
		l := navLinks[area]
		it := navItem{Href: l.href, Label: l.label}
		if l.href == "/" {
			it.Current = r.URL.Path == "/"
		} else {
			it.Current = r.URL.Path == l.href || len(r.URL.Path) > len(l.href) && r.URL.Path[:len(l.href)+1] == l.href+"/"
		}
		if area == domain.AreaInbox {
			it.Badge = n.Pending
		}
		out = append(out, it)
	}
	return out
}

// Report says how a report row shows (the reports matrix's cell).
func (homeData) Report(x *domain.WeeklyReport) reportCell { return cellOf(x) }
