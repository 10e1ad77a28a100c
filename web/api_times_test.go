package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhengzhi/seed"
)

// instant matches an RFC 3339 instant in JSON, with its zone.
var instant = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(Z|[+-]\d\d:\d\d)"`)

// withoutPayloads drops the audit events' before and after from a
// timeline: they are the bytes the audit trail recorded (what its hash
// covers), kept as written; the events' own times are checked.
func withoutPayloads(t *testing.T, body []byte) []byte {
	t.Helper()
	var l struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatalf("timeline %s: %v", body, err)
	}
	for _, it := range l.Items {
		delete(it, "before")
		delete(it, "after")
	}
	out, _ := json.Marshal(l)
	return out
}

// Every instant in every API answer carries +08:00: weekly reports'
// deadlines as much as cases, signatures, delegations and audit events.
func TestAPI_EveryInstantInShanghai(t *testing.T) {
	base := newDemoServer(t).URL
	b, _ := json.Marshal(map[string]string{"username": "district", "password": seed.DemoPassword})
	res, err := http.Post(base+"/api/v1/tokens", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ Token string }
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	getJSON := func(path string) []byte {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
		}
		return body
	}
	var cases struct {
		Items []struct {
			ID     int64 `json:"id"`
			SiteID int64 `json:"site_id"`
		} `json:"items"`
	}
	json.Unmarshal(getJSON("/api/v1/cases?per_page=100"), &cases)
	var reports struct {
		Items []struct{ ID int64 } `json:"items"`
	}
	json.Unmarshal(getJSON("/api/v1/weekly-reports"), &reports)
	if len(cases.Items) == 0 || len(reports.Items) == 0 {
		t.Fatal("demo has no cases or reports")
	}
	c := cases.Items[0]
	paths := []string{"/api/v1/me", "/api/v1/campaigns", "/api/v1/cases?per_page=100", "/api/v1/weekly-reports",
		"/api/v1/weekly-reports/" + fmtInt(reports.Items[0].ID), "/api/v1/delegations", "/api/v1/inbox", "/api/v1/rechecks",
		"/api/v1/sites", "/api/v1/sites/" + fmtInt(c.SiteID) + "/inspections", "/api/v1/final-summaries"}
	for _, x := range cases.Items {
		paths = append(paths, "/api/v1/cases/"+fmtInt(x.ID), "/api/v1/cases/"+fmtInt(x.ID)+"/signoffs", "/api/v1/cases/"+fmtInt(x.ID)+"/timeline")
	}
	var camps []struct{ ID int64 }
	json.Unmarshal(getJSON("/api/v1/campaigns"), &camps)
	for _, x := range camps {
		paths = append(paths, "/api/v1/campaigns/"+fmtInt(x.ID), "/api/v1/campaigns/"+fmtInt(x.ID)+"/deadlines")
	}
	seen := 0
	for _, p := range paths {
		body := getJSON(p)
		if strings.HasSuffix(p, "/timeline") {
			body = withoutPayloads(t, body)
		}
		for _, m := range instant.FindAllStringSubmatch(string(body), -1) {
			seen++
			if m[1] != "+08:00" {
				t.Errorf("%s: %s is not at +08:00", p, m[0])
				break
			}
			if _, err := time.Parse(`"`+time.RFC3339Nano+`"`, m[0]); err != nil {
				t.Errorf("%s: %s: %v", p, m[0], err)
			}
		}
	}
	if seen < 100 || !strings.Contains(string(getJSON("/api/v1/weekly-reports")), `"deadline":"`) {
		t.Fatalf("only %d instants seen", seen)
	}
}
