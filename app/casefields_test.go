package app_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
	"zhengzhi/web"
)

// notIn附件1 are the case fields 附件1 (DESIGN.md §3) has no column for, with
// the reason; every other field must be checked in its 附件1 cell below.
var notInAtt1 = map[string]string{
	"source_no":                   "附件1 has no 原编号 column (问题编号 is the case's own)",
	"source":                      "问题来源 is no 附件1 column",
	"shutdown_date":               "附件1 col 15 shows 停产或关闭 without its date",
	"two_cuts_three_clears_dates": "附件1 col 16 ticks 两断三清 done, without the items' dates",
	"case_no":                     "附件1 col 17 ticks 立案查处, without the 案号",
	"judicial_transfer":           "附件1 col 20 counts 移送司法机关人数; the firm count is 附件2 col 17",
	"detained_persons":            "行政、刑事拘留人数 is 附件2 col 18 only",
	"onsite_done_date":            "附件1 col 22 shows 现场整治完成情况 without its date",
	"rectify_deadline":            "整改期限 is no 附件1 column",
	"supervised":                  "挂牌督办 is no 附件1 column",
	"supervised_deadline":         "挂牌督办 is no 附件1 column",
}

// notOnSheet are the case fields the ZIP's printable case sheet does not
// show as a text of their own; the ZIP's timeline JSON carries every field.
var notOnSheet = map[string]string{
	"case_filed":        "shown as 是/否, which other fields share; checked in the JSON",
	"judicial_transfer": "shown as 是/否, which other fields share; checked in the JSON",
	"supervised":        "shown as 是/否, which other fields share; checked in the JSON",
}

// roundTripValues gives field i of CaseFields (JSON name) a distinctive value
// for the create and the patch, and what the case then holds: replaced, or
// for the 两断三清 maps merged item by item. A field of a new type has no
// values yet: the test fails until they are added here.
func roundTripValues(t *testing.T, i int, f reflect.StructField, camp *domain.Campaign) (create, patch, afterCreate, afterPatch any) {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch f.Type {
	case reflect.TypeFor[string]():
		return name + "甲", name + "乙", name + "甲", name + "乙"
	case reflect.TypeFor[domain.Category]():
		return domain.CatDust, domain.CatDyeing, domain.CatDust, domain.CatDyeing
	case reflect.TypeFor[domain.Source]():
		return domain.SourceTip, domain.SourceDepartment, domain.SourceTip, domain.SourceDepartment
	case reflect.TypeFor[domain.Shutdown]():
		return domain.ShutdownSuspended, domain.ShutdownBanned, domain.ShutdownSuspended, domain.ShutdownBanned
	case reflect.TypeFor[domain.Onsite]():
		return domain.OnsiteInProgress, domain.OnsiteDone, domain.OnsiteInProgress, domain.OnsiteDone
	case reflect.TypeFor[domain.Date]():
		a, b := domain.Date(fmt.Sprintf("2020-09-%02d", i+1)), domain.Date(fmt.Sprintf("2020-11-%02d", i+1))
		return a, b, a, b
	case reflect.TypeFor[bool]():
		return true, false, true, false
	case reflect.TypeFor[int](), reflect.TypeFor[int64]():
		return 10 + i, 100 + i, 10 + i, 100 + i
	case reflect.TypeFor[map[string]bool]():
		first := map[string]bool{}
		rest := map[string]bool{}
		all := map[string]bool{}
		for j, it := range camp.ClearItems {
			first[it] = j == 0
			if j > 0 {
				rest[it] = true
			}
			all[it] = true
		}
		return map[string]bool{camp.ClearItems[0]: true}, rest, first, all
	case reflect.TypeFor[map[string]domain.Date]():
		a := map[string]domain.Date{camp.ClearItems[0]: "2020-10-02"}
		b := map[string]domain.Date{camp.ClearItems[1]: "2020-10-03"}
		return a, b, a, map[string]domain.Date{camp.ClearItems[0]: "2020-10-02", camp.ClearItems[1]: "2020-10-03"}
	}
	t.Fatalf("CaseFields.%s: no round-trip values for a %s; add them to roundTripValues", f.Name, f.Type)
	return nil, nil, nil, nil
}

// TestCaseFields_RoundTrip: every field of domain.CaseFields, set to a
// distinctive value, comes back through POST /api/v1/cases, PATCH, GET, the
// 附件1 export (except the fields it has no column for, notInAtt1) and the
// case ZIP (its timeline JSON; its printable sheet except notOnSheet). A field
// added to CaseFields and not carried through the store, the patch, the
// forms or the ZIP fails here.
func TestCaseFields_RoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		srv, err := web.New(web.Options{App: f.app, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		token := ""
		call := func(method, path string, body any, want int) []byte {
			t.Helper()
			var rd io.Reader
			if body != nil {
				b, _ := json.Marshal(body)
				rd = bytes.NewReader(b)
			}
			req, _ := http.NewRequest(method, ts.URL+path, rd)
			req.Header.Set("Content-Type", "application/json")
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != want {
				t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, want)
			}
			return b
		}
		var tok struct{ Token string }
		json.Unmarshal(call("POST", "/api/v1/tokens", map[string]string{"username": "district", "password": "password-district"}, http.StatusCreated), &tok)
		token = tok.Token

		type field struct {
			goName, name string
			afterCreate  any
			afterPatch   any
		}
		var fields []field
		create := map[string]any{"org_id": f.orgs["五星街道"].ID}
		patch := map[string]any{"version": 1}
		boolsOn := map[string]any{"version": 2}
		for i, sf := range reflect.VisibleFields(reflect.TypeFor[domain.CaseFields]()) {
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			c, p, ac, ap := roundTripValues(t, i, sf, f.camp)
			create[name], patch[name] = c, p
			fields = append(fields, field{sf.Name, name, ac, ap})
			if sf.Type.Kind() == reflect.Bool {
				boolsOn[name] = true // a second patch, so that the exports show them set
			}
		}
		check := func(stage string, got []byte, want func(field) any) {
			t.Helper()
			var m map[string]json.RawMessage
			if err := json.Unmarshal(got, &m); err != nil {
				t.Fatalf("%s: %v", stage, err)
			}
			for _, fl := range fields {
				if !sameJSON(t, m[fl.name], want(fl)) {
					t.Errorf("%s: %s = %s, want %s", stage, fl.name, m[fl.name], mustJSON(want(fl)))
				}
			}
		}

		created := call("POST", "/api/v1/cases", create, http.StatusCreated)
		check("create", created, func(fl field) any { return fl.afterCreate })
		var c domain.Case
		json.Unmarshal(created, &c)
		id := strconv.FormatInt(c.ID, 10)
		check("patch", call("PATCH", "/api/v1/cases/"+id, patch, http.StatusOK), func(fl field) any { return fl.afterPatch })
		check("read", call("GET", "/api/v1/cases/"+id, nil, http.StatusOK), func(fl field) any { return fl.afterPatch })
		final := func(fl field) any {
			if _, ok := boolsOn[fl.name]; ok {
				return true
			}
			return fl.afterPatch
		}
		check("second patch", call("PATCH", "/api/v1/cases/"+id, boolsOn, http.StatusOK), final)
		check("read", call("GET", "/api/v1/cases/"+id, nil, http.StatusOK), final)
		want := map[string]any{}
		for _, fl := range fields {
			want[fl.name] = final(fl)
		}

		// 附件1: the case's row (row 5, the first under the two header rows).
		xf, err := excelize.OpenReader(bytes.NewReader(call("GET", "/api/v1/reports/problems.xlsx?org_id="+strconv.FormatInt(f.orgs["五星街道"].ID, 10), nil, http.StatusOK)))
		if err != nil {
			t.Fatal(err)
		}
		cell := func(col string) string {
			v, err := xf.GetCellValue("附件1", col+"5", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		att1 := map[string]func() (got, want string){
			"unit_name":        func() (string, string) { return cell("D"), want["unit_name"].(string) },
			"address":          func() (string, string) { return cell("L"), want["address"].(string) },
			"person_in_charge": func() (string, string) { return cell("M"), want["person_in_charge"].(string) },
			"description":      func() (string, string) { return cell("N"), want["description"].(string) },
			"category": func() (string, string) {
				var ticks []string
				for j, cat := range domain.DefaultCategories {
					if cell(string(rune('E'+j))) == "√" {
						ticks = append(ticks, string(cat))
					}
				}
				return strings.Join(ticks, ","), string(want["category"].(domain.Category))
			},
			"shutdown":              func() (string, string) { return cell("O"), domain.ShutdownNames[want["shutdown"].(domain.Shutdown)] },
			"two_cuts_three_clears": func() (string, string) { return cell("P"), "√" }, // every item done
			"case_filed":            func() (string, string) { return cell("Q"), "√" },
			"fine_fen":              func() (string, string) { return cell("R"), domain.FenToWan(int64(want["fine_fen"].(int))) },
			"confiscated_fen":       func() (string, string) { return cell("S"), domain.FenToWan(int64(want["confiscated_fen"].(int))) },
			"judicial_persons":      func() (string, string) { return cell("T"), strconv.Itoa(want["judicial_persons"].(int)) },
			"disciplined_persons":   func() (string, string) { return cell("U"), strconv.Itoa(want["disciplined_persons"].(int)) },
			"onsite_status":         func() (string, string) { return cell("V"), domain.OnsiteNames[want["onsite_status"].(domain.Onsite)] },
		}
		for _, fl := range fields {
			if why, ok := notInAtt1[fl.name]; ok {
				if att1[fl.name] != nil {
					t.Errorf("附件1: %s is both checked and listed as absent (%s)", fl.name, why)
				}
				continue
			}
			get := att1[fl.name]
			if get == nil {
				t.Errorf("附件1: say which cell shows %s, or list it in notInAtt1 with the reason", fl.name)
				continue
			}
			if got, w := get(); got != w {
				t.Errorf("附件1: %s shows %q, want %q", fl.name, got, w)
			}
		}

		// The case ZIP: the timeline JSON's last event holds the case as
		// stored; the printable sheet shows each field's text.
		zb := call("GET", "/api/v1/cases/"+id+"/file.zip", nil, http.StatusOK)
		zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
		if err != nil {
			t.Fatal(err)
		}
		var timeline, sheet []byte
		for _, zf := range zr.File {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			switch {
			case zf.Name == "审计时间线.json":
				timeline = b
			case strings.HasPrefix(zf.Name, "案卷-") && strings.HasSuffix(zf.Name, ".html"):
				sheet = b
			}
		}
		var events []domain.AuditEvent
		if err := json.Unmarshal(timeline, &events); err != nil || len(events) == 0 {
			t.Fatalf("ZIP timeline: %v (%d events)", err, len(events))
		}
		check("ZIP timeline", events[len(events)-1].After, final)
		// The sheet's own tables, before its copy of the timeline.
		text, _, _ := strings.Cut(html.UnescapeString(string(sheet)), "<h2>档案材料")
		for _, fl := range fields {
			if _, ok := notOnSheet[fl.name]; ok {
				continue
			}
			for _, s := range sheetTexts(fl.name, want[fl.name]) {
				if !strings.Contains(text, s) {
					t.Errorf("ZIP case sheet: %s does not show %q", fl.name, s)
				}
			}
		}
	})
}

// sheetTexts is how the printable case sheet writes a field's value.
func sheetTexts(name string, v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case domain.Date:
		return []string{string(x)}
	case domain.Category:
		return []string{domain.CategoryNames[x]}
	case domain.Source:
		return []string{domain.SourceNames[x]}
	case domain.Shutdown:
		return []string{domain.ShutdownNames[x]}
	case domain.Onsite:
		return []string{domain.OnsiteNames[x]}
	case int:
		if strings.HasSuffix(name, "_fen") {
			return []string{domain.FenToYuan(int64(x)) + " 元"}
		}
		return []string{strconv.Itoa(x) + " 人"}
	case map[string]bool:
		var out []string
		for it, done := range x {
			if done {
				out = append(out, domain.ClearItemNames[it]+"：✔")
			}
		}
		slices.Sort(out)
		return out
	case map[string]domain.Date:
		var out []string
		for it, d := range x {
			out = append(out, domain.ClearItemNames[it]+"：✔ "+string(d))
		}
		slices.Sort(out)
		return out
	}
	return []string{fmt.Sprint(v)}
}

// sameJSON reports whether raw is the JSON of want.
func sameJSON(t *testing.T, raw json.RawMessage, want any) bool {
	t.Helper()
	if raw == nil {
		return false
	}
	var got, exp any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(mustJSON(want), &exp); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(got, exp)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
