package web

import (
	"net/http"
	"strings"
	"testing"

	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestAPI_Healthz(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.do("", "GET", "/healthz", nil).want(http.StatusOK)
}

func TestAPI_Tokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.do("", "POST", "/api/v1/tokens", map[string]string{"username": "district", "password": "wrong"}).want(http.StatusUnauthorized)
		e.do("", "POST", "/api/v1/tokens", map[string]string{"username": "nobody", "password": "wrong"}).want(http.StatusUnauthorized)
		e.do("", "POST", "/api/v1/tokens", map[string]string{"username": "district"}).wantError(http.StatusBadRequest, "password")
		e.do("", "GET", "/api/v1/orgs", nil).want(http.StatusUnauthorized)
		e.tokens["bogus"] = "not-a-token"
		e.do("bogus", "GET", "/api/v1/orgs", nil).want(http.StatusUnauthorized)
		// logout revokes the token
		tok := e.login("wx_head", "password-wx_head")
		e.tokens["wx_head2"] = tok
		e.do("wx_head2", "DELETE", "/api/v1/tokens/current", nil).want(http.StatusNoContent)
		e.do("wx_head2", "GET", "/api/v1/orgs", nil).want(http.StatusUnauthorized)
	})
}

func TestAPI_OrgsVisiblePerRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		type org struct {
			ID       int64  `json:"id"`
			Code     string `json:"code"`
			Name     string `json:"name"`
			Level    int    `json:"level"`
			Kind     string `json:"kind"`
			ParentID *int64 `json:"parent_id"`
		}
		for _, c := range []struct {
			user  string
			n     int
			first string
		}{{"admin", 20, "钟楼区"}, {"district", 20, "钟楼区"}, {"wx_officer", 6, "五星街道"}, {"yh_officer", 6, "永红街道"}, {"wx_grid", 1, "新中社区"}} {
			var orgs []org
			e.do(c.user, "GET", "/api/v1/orgs", nil).want(http.StatusOK).decode(&orgs)
			if len(orgs) != c.n || orgs[0].Name != c.first {
				t.Fatalf("%s sees %d orgs starting %v", c.user, len(orgs), orgs)
			}
			for _, o := range orgs {
				if c.user == "wx_officer" && strings.Contains(o.Name, "永红") {
					t.Fatalf("五星 officer sees %s", o.Name)
				}
			}
		}
	})
}

func TestAPI_Users(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		user := func(name, role, org string) map[string]any {
			return map[string]any{"username": name, "password": "long-password", "display_name": name, "role": role, "org_id": e.orgs[org].ID}
		}
		var created struct {
			ID       int64  `json:"id"`
			Username string `json:"username"`
			Role     string `json:"role"`
			OrgID    int64  `json:"org_id"`
		}
		e.do("wx_officer", "POST", "/api/v1/users", user("g1", "grid", "新农社区")).want(http.StatusCreated).decode(&created)
		if created.ID == 0 || created.Role != "grid" || created.OrgID != e.orgs["新农社区"].ID {
			t.Fatalf("created %+v", created)
		}
		e.do("wx_officer", "POST", "/api/v1/users", user("g2", "grid", "东方社区")).want(http.StatusNotFound)
		e.do("wx_officer", "POST", "/api/v1/users", user("h1", "town_head", "五星街道")).want(http.StatusForbidden)
		e.do("wx_grid", "POST", "/api/v1/users", user("g3", "grid", "新中社区")).want(http.StatusForbidden)
		e.do("discipline", "POST", "/api/v1/users", user("g4", "grid", "新中社区")).want(http.StatusForbidden)
		e.do("district", "POST", "/api/v1/users", user("a1", "admin", "钟楼区")).want(http.StatusForbidden)
		e.do("district", "POST", "/api/v1/users", user("v1", "village_head", "五星街道")).wantError(http.StatusBadRequest, "role")
		e.do("district", "POST", "/api/v1/users", user("t1", "town_officer", "新中社区")).wantError(http.StatusBadRequest, "role")
		e.do("district", "POST", "/api/v1/users", user("g1", "grid", "新中社区")).wantError(http.StatusConflict, "username")
		e.do("district", "POST", "/api/v1/users", map[string]any{"username": "x2", "password": "short", "display_name": "x", "role": "grid", "org_id": e.orgs["新中社区"].ID}).wantError(http.StatusBadRequest, "password")
		e.do("district", "POST", "/api/v1/users", map[string]any{"username": "x3", "password": "long-password", "display_name": "x", "role": "grid", "org_id": "abc"}).wantError(http.StatusBadRequest, "org_id")
		// 永红's officer cannot see or change 五星's users.
		e.do("yh_officer", "GET", "/api/v1/users/"+itoa(created.ID), nil).want(http.StatusNotFound)
		e.do("yh_officer", "PATCH", "/api/v1/users/"+itoa(created.ID), map[string]any{"active": false}).want(http.StatusNotFound)
		// deactivation stops the user at once
		e.tokens["g1"] = e.login("g1", "long-password")
		e.do("wx_officer", "PATCH", "/api/v1/users/"+itoa(created.ID), map[string]any{"active": false}).want(http.StatusOK)
		e.do("g1", "GET", "/api/v1/orgs", nil).want(http.StatusUnauthorized)
		e.do("", "POST", "/api/v1/tokens", map[string]string{"username": "g1", "password": "long-password"}).want(http.StatusUnauthorized)
		var list struct {
			Items []struct{ Username string }
			Total int
		}
		e.do("wx_officer", "GET", "/api/v1/users", nil).want(http.StatusOK).decode(&list)
		for _, u := range list.Items {
			if strings.HasPrefix(u.Username, "yh_") {
				t.Fatalf("五星 officer lists %s", u.Username)
			}
		}
	})
}

func TestAPI_Campaigns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		body := map[string]any{"name": "违法违规“小字头”“停产停业”企业专项整治行动", "doc_no": "钟安发〔2020〕4号",
			"start_date": "2020-09-27", "end_date": "2020-11-30", "deadline_weekday": 3, "deadline_time": "17:00", "summary_due_date": "2020-11-15"}
		var c struct {
			ID              int64
			DeadlineWeekday int    `json:"deadline_weekday"`
			DeadlineTime    string `json:"deadline_time"`
			Categories      []string
			ClearItems      []string `json:"clear_items"`
		}
		e.do("wx_officer", "POST", "/api/v1/campaigns", body).want(http.StatusForbidden)
		e.do("district", "POST", "/api/v1/campaigns", body).want(http.StatusCreated).decode(&c)
		if c.ID == 0 || c.DeadlineWeekday != 3 || c.DeadlineTime != "17:00" || len(c.Categories) != 7 || len(c.ClearItems) != 5 {
			t.Fatalf("campaign %+v", c)
		}
		bad := map[string]any{"name": "x", "start_date": "2020-09-27", "end_date": "2020-11-30", "deadline_time": "25:00"}
		e.do("district", "POST", "/api/v1/campaigns", bad).wantError(http.StatusBadRequest, "deadline_time")
		bad = map[string]any{"name": "x", "start_date": "2020-9-27", "end_date": "2020-11-30"}
		e.do("district", "POST", "/api/v1/campaigns", bad).wantError(http.StatusBadRequest, "start_date")
		bad = map[string]any{"start_date": "2020-09-27", "end_date": "2020-11-30"}
		e.do("district", "POST", "/api/v1/campaigns", bad).wantError(http.StatusBadRequest, "name")
		var list []struct{ ID int64 }
		e.do("wx_grid", "GET", "/api/v1/campaigns", nil).want(http.StatusOK).decode(&list)
		if len(list) != 1 {
			t.Fatalf("campaigns %v", list)
		}
	})
}

func itoa(id int64) string { return fmtInt(id) }
