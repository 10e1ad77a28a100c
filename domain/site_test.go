package domain

import (
	"strings"
	"testing"
	"time"
)

func TestSiteNormalize_DefaultsAndRefusals(t *testing.T) {
	lat, lng := 31.78, 119.91
	s := &Site{Name: "  五金厂 ", CreditCode: " ９１３５０１００m000100y43 ", Lat: &lat, Lng: &lng, Lists: []string{" 名单甲", "", "名单甲", "名单乙"}}
	if err := s.Normalize(); err != nil {
		t.Fatal(err)
	}
	if s.Name != "五金厂" || s.CreditCode != "91350100M000100Y43" || s.TargetType != TargetXiaozitou || s.State != SiteProducing ||
		strings.Join(s.Lists, ",") != "名单甲,名单乙" {
		t.Fatalf("normalised %+v", s)
	}
	for _, tc := range []struct {
		site  Site
		field string
	}{
		{Site{Name: " "}, "name"},
		{Site{Name: strings.Repeat("厂", 201)}, "name"},
		{Site{Name: "x", Address: strings.Repeat("路", 501)}, "address"},
		{Site{Name: "x", TargetType: "big"}, "target_type"},
		{Site{Name: "x", State: "sleeping"}, "state"},
		{Site{Name: "x", Lat: &lat}, "lat"},
	} {
		if err := tc.site.Normalize(); ErrorCode(err) != EINVALID || ErrorField(err) != tc.field {
			t.Errorf("%+v: %v, want invalid %s", tc.site, err, tc.field)
		}
	}
}

func TestCheckLatLng(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		lat, lng *float64
		field    string
	}{
		{nil, nil, ""}, {f(90), f(-180), ""}, {f(90.1), f(0), "lat"}, {f(0), f(180.5), "lng"}, {nil, f(1), "lat"},
	} {
		if err := CheckLatLng(tc.lat, tc.lng); ErrorField(err) != tc.field || (tc.field == "") != (err == nil) {
			t.Errorf("%v,%v: %v, want field %q", tc.lat, tc.lng, err, tc.field)
		}
	}
}

func TestSiteWarnings_DuplicatesAndCreditCode(t *testing.T) {
	s := &Site{ID: 9, OrgID: 1, Name: "钟楼五金厂(新中)", Address: "新中路8号", CreditCode: "914403001922038217"}
	registered := []*Site{
		{ID: 9, OrgID: 1, Name: s.Name, Address: s.Address, CreditCode: s.CreditCode}, // itself
		{ID: 1, OrgID: 1, Name: "钟楼 五金厂（新中）", Address: "新中路 8 号"},                     // name and address
		{ID: 2, OrgID: 2, Name: "别的名字", CreditCode: "914403001922038217"},             // credit code, other town
		{ID: 3, OrgID: 2, Name: s.Name, Address: s.Address},                           // other town
		{ID: 4, OrgID: 1, Name: s.Name, Address: "五星路8号"},                             // other address
	}
	ws := SiteWarnings(s, registered)
	var got []string
	for _, w := range ws {
		got = append(got, w.Code+":"+w.Field)
	}
	want := RuleCreditCodeCheck + ":credit_code," + WarnPossibleDuplicate + ":name," + WarnPossibleDuplicate + ":credit_code"
	if strings.Join(got, ",") != want || !strings.Contains(ws[1].Message, "#1") || !strings.Contains(ws[2].Message, "#2") {
		t.Fatalf("warnings %+v, want %s", ws, want)
	}
	if _, dup := (&Site{ID: 5, OrgID: 1}).DuplicateOf(&Site{ID: 6, OrgID: 2}); dup {
		t.Fatal("empty credit codes are no duplicates")
	}
}

func TestInspectionNormalize(t *testing.T) {
	now := time.Date(2020, 10, 14, 1, 30, 0, 0, time.UTC)
	x := &Inspection{Outcome: " problem ", Note: " 发现喷涂 "}
	if err := x.Normalize(now, "张三"); err != nil {
		t.Fatal(err)
	}
	if x.Outcome != OutcomeProblem || x.Note != "发现喷涂" || x.Inspectors != "张三" || !x.InspectedAt.Equal(now) {
		t.Fatalf("normalised %+v", x)
	}
	for _, tc := range []struct {
		x     Inspection
		field string
	}{
		{Inspection{Outcome: "maybe"}, "outcome"},
		{Inspection{Outcome: OutcomeNoProblem, Note: strings.Repeat("字", 2001)}, "note"},
		{Inspection{Outcome: OutcomeNoProblem, InspectedAt: now.Add(ClockSkew + time.Second)}, "inspected_at"},
		{Inspection{Outcome: OutcomeNoProblem, InspectedAt: now.Add(ClockSkew)}, ""}, // a phone's clock a little ahead
	} {
		if err := tc.x.Normalize(now, "张三"); ErrorField(err) != tc.field || (tc.field == "") != (err == nil) {
			t.Errorf("%+v: %v, want field %q", tc.x, err, tc.field)
		}
	}
}

func TestAttachmentNormalize(t *testing.T) {
	x := &Attachment{Filename: ` C:\照片\现场"1".png `}
	if err := x.Normalize(); err != nil || x.Kind != AttachOther || x.Filename != "现场1.png" {
		t.Fatalf("normalised %+v %v", x, err)
	}
	if err := (&Attachment{Kind: "selfie"}).Normalize(); ErrorField(err) != "kind" {
		t.Fatalf("unknown kind: %v", err)
	}
	for in, want := range map[string]string{"": "", "/": "", "a/b/../c.pdf": "c.pdf", strings.Repeat("名", 250): strings.Repeat("名", 200)} {
		if got := CleanFilename(in); got != want {
			t.Errorf("CleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}
