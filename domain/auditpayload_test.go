package domain

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

type reporter struct {
	Name  Sensitive  `json:"name"`
	Phone *Sensitive `json:"phone"`
	Note  string     `json:"note,omitempty"`
}

type tipLike struct {
	ID       int64             `json:"id"`
	Reporter reporter          `json:"reporter"`
	Contacts []Sensitive       `json:"contacts"`
	ByKind   map[string]any    `json:"by_kind"`
	At       time.Time         `json:"at"`
	On       Date              `json:"on"`
	Extra    map[string]string `json:"-"`
}

func TestAuditPayload_SensitiveByTypeNeverInClear(t *testing.T) {
	phone := Sensitive("13912345678")
	v := tipLike{ID: 7, Reporter: reporter{Name: "张三丰", Phone: &phone},
		Contacts: []Sensitive{"zhang@example.com"}, ByKind: map[string]any{"id_no": Sensitive("320404199001011234")},
		At: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), On: "2026-12-01", Extra: map[string]string{"x": "张三丰"}}
	got, err := AuditPayload(testKey, v)
	if err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{"张三丰", "13912345678", "zhang@example.com", "320404199001011234"} {
		if strings.Contains(string(got), clear) {
			t.Errorf("payload holds %q in clear: %s", clear, got)
		}
	}
	if !strings.Contains(string(got), SensitiveHash(testKey, "13912345678")) {
		t.Errorf("payload lacks the phone's keyed hash: %s", got)
	}
	// Everything else reads as encoding/json would write it.
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	if m["id"] != float64(7) || m["on"] != "2026-12-01" || m["at"] != "2026-12-01T09:00:00Z" {
		t.Errorf("plain fields: %v", m)
	}
	if _, ok := m["Extra"]; ok {
		t.Error(`a json:"-" field was recorded`)
	}
}

func TestAuditPayload_RefusesWhatItCannotSeeInto(t *testing.T) {
	for name, v := range map[string]any{
		"raw JSON":      struct{ X json.RawMessage }{json.RawMessage(`{"phone":"13912345678"}`)},
		"bytes":         []byte("13912345678"),
		"own marshaler": struct{ T customJSON }{},
		"func":          struct{ F func() }{func() {}},
		"int-keyed map": map[int]string{1: "x"},
		"in interface":  map[string]any{"x": json.RawMessage(`1`)},
	} {
		if _, err := AuditPayload(testKey, v); err == nil {
			t.Errorf("%s: accepted", name)
		} else if ErrorCode(err) != EINTERNAL {
			t.Errorf("%s: code %s", name, ErrorCode(err))
		}
	}
}

type customJSON struct{}

func (customJSON) MarshalJSON() ([]byte, error) { return []byte(`"13912345678"`), nil }

// A case without sensitive fields is recorded exactly as encoding/json
// writes it: embedded CaseFields flattened, omitempty honoured.
func TestAuditPayload_CaseMatchesEncodingJSON(t *testing.T) {
	v := int64(9)
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	c := &Case{ID: 3, ProblemNo: "320404004-2026-0001", CampaignID: 1, OrgID: 2, VillageID: &v, SiteID: 4,
		Status: StatusRectifying, Version: 2, CreatedAt: now, UpdatedAt: now,
		CaseFields: CaseFields{UnitName: "某作坊", Category: CatDust, Clears: map[string]bool{ItemWater: true},
			ClearDates: map[string]Date{ItemWater: "2026-11-29"}, FineFen: 123450, OnsiteStatus: OnsiteInProgress}}
	got, err := AuditPayload(testKey, c)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(c)
	var g, w any
	json.Unmarshal(got, &g)
	json.Unmarshal(want, &w)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("audit payload differs from encoding/json:\n got %s\nwant %s", got, want)
	}
}
