package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// listCases creates n cases spread over 五星街道 (with and without a village)
// and 永红街道, some of them moved on to 整治中, and returns their ids.
func listCases(t *testing.T, f *caseFixture, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for i := range n {
		in := newCase(fmt.Sprintf("作坊%02d", i))
		switch i % 3 {
		case 0:
			in.OrgID = f.orgs["五星街道"].ID
		case 1:
			in.VillageID = f.orgs["新中社区"].ID
		case 2:
			in.OrgID = f.orgs["永红街道"].ID
		}
		c := f.mustCase(t, "district", in)
		if i%4 == 0 {
			var err error
			if c, err = f.app.UpdateCase(ctx, f.as["district"], c.ID, patch(c.Version, "fine_fen", int64(100))); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, c.ID)
	}
	return ids
}

func caseIDs(cs []*domain.Case) []int64 {
	out := []int64{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// Paging by cursor gives the same rows in the same order as the whole list
// (and as paging by number), in every order offered, ties broken by id; each
// page carries the exact total and the next cursor until the last.
func TestCaseList_CursorPagesMatchTheWholeList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		listCases(t, f, 23)
		for _, user := range []string{"district", "wx_officer", "wx_grid"} {
			for _, sort := range []string{"", "-problem_no", "updated", "-updated", "-created"} {
				for _, status := range []domain.CaseStatus{"", domain.StatusRectifying} {
					base := app.CaseFilter{Sort: sort, Status: status}
					whole, err := f.app.CaseList(ctx, f.as[user], base)
					if err != nil {
						t.Fatal(err)
					}
					if whole.Next != "" || whole.Total != len(whole.Items) {
						t.Fatalf("%s %s: whole list next %q total %d of %d", user, sort, whole.Next, whole.Total, len(whole.Items))
					}
					var byCursor, byNumber []int64
					after, pages := "", 0
					for {
						pf := base
						pf.Limit, pf.After = 5, after
						l, err := f.app.CaseList(ctx, f.as[user], pf)
						if err != nil {
							t.Fatal(err)
						}
						if l.Total != whole.Total {
							t.Fatalf("%s %s: page total %d, whole %d", user, sort, l.Total, whole.Total)
						}
						if l.Start != len(byCursor) {
							t.Fatalf("%s %s: page %d starts at %d, want %d", user, sort, pages, l.Start, len(byCursor))
						}
						byCursor = append(byCursor, caseIDs(l.Items)...)
						pages++
						if l.Next == "" {
							break
						}
						after = l.Next
					}
					for off := 0; off < len(whole.Items); off += 5 {
						l, err := f.app.CaseList(ctx, f.as[user], app.CaseFilter{Sort: sort, Status: status, Limit: 5, Offset: off})
						if err != nil || l.Total != whole.Total {
							t.Fatalf("%s %s offset %d: total %d (%v), want %d", user, sort, off, l.Total, err, whole.Total)
						}
						byNumber = append(byNumber, caseIDs(l.Items)...)
					}
					if want := caseIDs(whole.Items); !slices.Equal(byCursor, want) || !slices.Equal(byNumber, want) {
						t.Fatalf("%s sort %q status %q: by cursor %v, by number %v, whole %v", user, sort, status, byCursor, byNumber, want)
					}
					if len(whole.Items) > 5 && pages != (len(whole.Items)+4)/5 {
						t.Fatalf("%s %s: %d pages for %d cases", user, sort, pages, len(whole.Items))
					}
				}
			}
		}

		// A cursor is the list's own: garbage, or one taken in another order, is refused.
		l, err := f.app.CaseList(ctx, f.as["district"], app.CaseFilter{Limit: 2})
		if err != nil || l.Next == "" {
			t.Fatalf("first page %+v %v", l, err)
		}
		_, err = f.app.CaseList(ctx, f.as["district"], app.CaseFilter{Limit: 2, After: "not-a-cursor"})
		if domain.ErrorCode(err) != domain.EINVALID || domain.ErrorField(err) != "after" {
			t.Fatalf("garbage cursor: %v", err)
		}
		_, err = f.app.CaseList(ctx, f.as["district"], app.CaseFilter{Limit: 2, After: l.Next, Sort: "-updated"})
		if domain.ErrorCode(err) != domain.EINVALID || domain.ErrorField(err) != "after" {
			t.Fatalf("cursor of another order: %v", err)
		}
		// A cursor only positions the list: the scope still bounds it.
		district, err := f.app.CaseList(ctx, f.as["district"], app.CaseFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		yh, err := f.app.CaseList(ctx, f.as["yh_officer"], app.CaseFilter{After: district.Next})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range yh.Items {
			if c.OrgID != f.orgs["永红街道"].ID {
				t.Fatalf("永红 sees %s of org %d", c.ProblemNo, c.OrgID)
			}
		}
	})
}

// The site list pages by cursor as the case list does (newest first).
func TestSiteList_CursorPagesMatchTheWholeList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		listCases(t, f, 13)
		for _, user := range []string{"district", "wx_officer", "wx_grid"} {
			whole, err := f.app.SiteList(ctx, f.as[user], app.SiteFilter{})
			if err != nil || whole.Next != "" || whole.Total != len(whole.Items) || whole.Total == 0 {
				t.Fatalf("%s: whole %+v %v", user, whole, err)
			}
			var want, got []int64
			for _, s := range whole.Items {
				want = append(want, s.ID)
			}
			after := ""
			for {
				l, err := f.app.SiteList(ctx, f.as[user], app.SiteFilter{Limit: 3, After: after})
				if err != nil || l.Total != whole.Total || l.Start != len(got) {
					t.Fatalf("%s: page %+v %v", user, l, err)
				}
				for _, s := range l.Items {
					got = append(got, s.ID)
				}
				if after = l.Next; after == "" {
					break
				}
			}
			if !slices.Equal(got, want) || !slices.IsSortedFunc(want, func(a, b int64) int { return int(b - a) }) {
				t.Fatalf("%s: by cursor %v, whole %v", user, got, want)
			}
		}
		l, _ := f.app.CaseList(ctx, f.as["district"], app.CaseFilter{Limit: 1})
		if _, err := f.app.SiteList(ctx, f.as["district"], app.SiteFilter{After: l.Next}); domain.ErrorField(err) != "after" {
			t.Fatalf("a case list's cursor on the site list: %v", err)
		}
	})
}

// Through the use cases, each user's case and site lists hold exactly the
// records whose place domain.(*Actor).Sees accepts (the store's parity test
// covers every kind of unit; this one the real tree and the real actors).
func TestLists_HoldWhatTheActorSees(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		ids := listCases(t, f, 12)
		r := f.db.Reader(ctx)
		for user, a := range f.as {
			var want, wantSites []int64
			for _, id := range ids {
				c, place, err := r.Case(id)
				if err != nil {
					t.Fatal(err)
				}
				if a.Sees(place) {
					want = append(want, id)
					wantSites = append(wantSites, c.SiteID)
				}
			}
			l, err := f.app.CaseList(ctx, a, app.CaseFilter{})
			if err != nil {
				t.Fatal(err)
			}
			got := caseIDs(l.Items)
			slices.Sort(got)
			if want == nil {
				want = []int64{}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s sees cases %v, Sees %v", user, got, want)
			}
			sites, err := f.app.SiteList(ctx, a, app.SiteFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var gotSites []int64
			for _, s := range sites.Items {
				gotSites = append(gotSites, s.ID)
			}
			slices.Sort(gotSites)
			slices.Sort(wantSites)
			if !slices.Equal(gotSites, wantSites) {
				t.Errorf("%s sees sites %v, Sees %v", user, gotSites, wantSites)
			}
		}
	})
}

// A transfer moves the case's and its site's place columns (org_id,
// village_id) in its one transaction, so the equality-scoped lists follow
// at once: out of the old town's and village's lists, into the new ones'.
func TestTransfer_ListsFollowTheMove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		c := f.readyCase(t, "错报镇街", true)
		yh, dongfang := f.orgs["永红街道"], f.orgs["东方社区"]
		listed := func(user string, orgID int64) (cases, sites bool) {
			t.Helper()
			l, err := f.app.CaseList(ctx, f.as[user], app.CaseFilter{OrgID: orgID})
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.app.SiteList(ctx, f.as[user], app.SiteFilter{OrgID: orgID})
			if err != nil {
				t.Fatal(err)
			}
			return slices.Contains(caseIDs(l.Items), c.ID), slices.ContainsFunc(s.Items, func(s *domain.Site) bool { return s.ID == c.SiteID })
		}
		for _, u := range []string{"wx_officer", "wx_grid"} {
			if cs, ss := listed(u, 0); !cs || !ss {
				t.Fatalf("%s before the transfer: case %v site %v", u, cs, ss)
			}
		}
		if _, err := f.app.ApplyCaseAction(ctx, f.as["district"], c.ID, app.CaseActionInput{Action: domain.CaseTransfer,
			Reason: "实际位于永红街道东方社区", OrgID: yh.ID, VillageID: dongfang.ID, Version: c.Version}); err != nil {
			t.Fatal(err)
		}
		r := f.db.Reader(ctx)
		moved, place, err := r.Case(c.ID)
		if err != nil || moved.OrgID != yh.ID || moved.VillageID == nil || *moved.VillageID != dongfang.ID || place.ID != dongfang.ID {
			t.Fatalf("case columns after the transfer: %+v at %+v (%v)", moved, place, err)
		}
		site, _, err := r.Site(c.SiteID)
		if err != nil || site.OrgID != yh.ID || site.VillageID == nil || *site.VillageID != dongfang.ID {
			t.Fatalf("site columns after the transfer: %+v (%v)", site, err)
		}
		for _, x := range []struct {
			user  string
			org   int64
			shown bool
		}{
			{"wx_officer", 0, false}, {"wx_grid", 0, false}, {"district", f.orgs["五星街道"].ID, false},
			{"yh_officer", 0, true}, {"yh_grid", 0, true}, {"district", yh.ID, true}, {"district", dongfang.ID, true},
		} {
			if cs, ss := listed(x.user, x.org); cs != x.shown || ss != x.shown {
				t.Errorf("%s (org %d) after the transfer: case listed %v, site listed %v, want %v", x.user, x.org, cs, ss, x.shown)
			}
		}
	})
}
