package web

import (
	"regexp"
	"strings"
	"testing"
)

var navLink = regexp.MustCompile(`(?s)<nav class="nav"[^>]*>(.*?)</nav>`)

// Each demo role lands on its own home page; the navigation shows what the
// role uses (domain.Uses), with the count of cases waiting on 待我审核.
func TestHome_EachRoleItsPartsAndNavigation(t *testing.T) {
	base := newDemoServer(t).URL
	for _, tc := range []struct {
		user       string
		parts, not []string
		nav, noNav []string
	}{
		{"wuxing_001_grid", []string{`id="home-register"`, `id="home-inspect"`, `id="inspect"`, `id="to-finish"`}, []string{`id="review"`, `id="week"`, `id="towns"`},
			[]string{`href="/cases"`, `href="/sites"`, `href="/rechecks"`}, []string{`href="/inbox"`, `href="/reports"`, `href="/users"`, `href="/dashboard"`}},
		{"wuxing_001_head", []string{`id="review"`}, []string{`id="inspect"`, `id="week"`, `id="towns"`, `id="home-register"`},
			[]string{`href="/inbox"`, `href="/delegations"`}, []string{`href="/reports"`, `href="/rechecks"`}},
		{"wuxing_head", []string{`id="review"`, `id="week"`, `id="time-left"`}, []string{`id="inspect"`, `id="towns"`},
			[]string{`href="/inbox"`, `href="/reports"`, `href="/delegations"`}, []string{`href="/users"`}},
		{"wuxing_officer", []string{`id="week"`, `id="week-status"`}, []string{`id="review"`, `id="towns"`},
			[]string{`href="/reports"`, `href="/users"`, `href="/rechecks"`}, []string{`href="/campaigns"`, `href="/dashboard"`}},
		{"district", []string{`id="towns"`, `id="review"`, `class="figures"`}, []string{`id="inspect"`, `id="week"`},
			[]string{`href="/dashboard"`, `href="/campaigns"`, `href="/users"`, `href="/inbox"`}, []string{`href="/orgs"`, `href="/delegations"`}},
		{"supervisor", []string{`id="towns"`}, []string{`id="review"`, `id="week"`, `id="inspect"`},
			[]string{`href="/dashboard"`, `href="/reports"`}, []string{`href="/inbox"`, `href="/users"`, `href="/campaigns"`, `href="/rechecks"`}},
	} {
		c := demoClient(t, base, tc.user, LangZH)
		code, body := get(t, c, base+"/")
		if code != 200 {
			t.Fatalf("%s /: %d", tc.user, code)
		}
		for _, p := range tc.parts {
			if !strings.Contains(body, p) {
				t.Errorf("%s home lacks %s", tc.user, p)
			}
		}
		for _, p := range tc.not {
			if strings.Contains(body, p) {
				t.Errorf("%s home has %s", tc.user, p)
			}
		}
		m := navLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no navigation", tc.user)
		}
		for _, l := range tc.nav {
			if !strings.Contains(m[1], l) {
				t.Errorf("%s navigation lacks %s", tc.user, l)
			}
		}
		for _, l := range tc.noNav {
			if strings.Contains(m[1], l) {
				t.Errorf("%s navigation offers %s", tc.user, l)
			}
		}
		// The badge on 待我审核 is the number of cases the inbox lists.
		if strings.Contains(m[1], `href="/inbox"`) {
			_, inbox := get(t, c, base+"/inbox")
			n := listTotal(t, inbox, "/inbox")
			badge := regexp.MustCompile(`href="/inbox"[^>]*>[^<]*<span class="badge"[^>]*>(\d+)</span>`).FindStringSubmatch(m[1])
			switch {
			case n == 0 && badge != nil:
				t.Errorf("%s: badge %s on an empty inbox", tc.user, badge[1])
			case n > 0 && (badge == nil || badge[1] != fmtInt(int64(n))):
				t.Errorf("%s: badge %v, inbox lists %d", tc.user, badge, n)
			}
		}
	}
}
