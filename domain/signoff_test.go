package domain

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// signedCase is a case with every §7 field set.
func signedCase() *Case {
	return &Case{
		ID: 17, ProblemNo: "320404004-2020-0007", CampaignID: 1, OrgID: 2,
		VillageID: ptr(int64(4)), SiteID: 5,
		CaseFields: CaseFields{
			SourceNo: "XHG-12", UnitName: "某化工厂", Category: CatStopped, Address: "新中路1号",
			PersonInCharge: "张三", Description: "擅自恢复生产 <夜间> & 周末", Source: SourcePrior,
			Shutdown: ShutdownClosed, ShutdownDate: "2020-05-20",
			Clears:     map[string]bool{ItemWater: true, ItemPower: true, ItemMaterials: false},
			ClearDates: map[string]Date{ItemWater: "2020-05-21", ItemPower: "2020-05-22"},
			CaseFiled:  true, CaseNo: "钟安罚〔2020〕7号", FineFen: 300000, ConfiscatedFen: 123450,
			JudicialTransfer: true, JudicialPersons: 2, DetainedPersons: 1, DisciplinedPersons: 1,
			OnsiteStatus: OnsiteDone, OnsiteDoneDate: "2020-06-01", RectifyDeadline: "2020-06-30",
			Supervised: true, SupervisedDeadline: "2020-07-19",
		},
		Status: StatusCloseoutRequested, Version: 4,
	}
}

var shas = []string{
	"b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
	"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
}

// signedFields are the §7 case fields a signature covers (all but status
// and version), by JSON name.
var signedFields = []string{"id", "problem_no", "source_no", "campaign_id", "org_id", "village_id",
	"site_id", "unit_name", "category", "address", "person_in_charge", "description", "source",
	"shutdown", "shutdown_date", "two_cuts_three_clears", "two_cuts_three_clears_dates", "case_filed",
	"case_no", "fine_fen", "confiscated_fen", "judicial_transfer", "judicial_persons",
	"detained_persons", "disciplined_persons", "onsite_status", "onsite_done_date",
	"rectify_deadline", "supervised", "supervised_deadline"}

// unsignedFields are the Case fields outside the signature: state and
// bookkeeping that change without the content changing. A field left out
// of JSON is named by its Go name (fieldName).
var unsignedFields = []string{"status", "version", "published", "created_by", "created_at",
	"updated_at", "closed_out_at", "two_cuts_three_clears_done", "town_name", "village_name", "warnings"}

// fieldName names a Case field as signedFields and unsignedFields do: by
// its JSON name, or by its Go name when JSON leaves it out (`json:"-"`).
func fieldName(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if tag == "-" {
		return f.Name
	}
	return tag
}

// TestCanonicalContent_Golden pins the exact bytes: a change of format
// would make every stored signature read as a mismatch.
func TestCanonicalContent_Golden(t *testing.T) {
	want := `{"id":17,"problem_no":"320404004-2020-0007","source_no":"XHG-12","campaign_id":1,"org_id":2,` +
		`"village_id":4,"site_id":5,"unit_name":"某化工厂","category":"stopped","address":"新中路1号",` +
		`"person_in_charge":"张三","description":"擅自恢复生产 <夜间> & 周末","source":"prior","shutdown":"closed",` +
		`"shutdown_date":"2020-05-20","two_cuts_three_clears":{"power":true,"water":true},` +
		`"two_cuts_three_clears_dates":{"power":"2020-05-22","water":"2020-05-21"},"case_filed":true,` +
		`"case_no":"钟安罚〔2020〕7号","fine_fen":300000,"confiscated_fen":123450,"judicial_transfer":true,` +
		`"judicial_persons":2,"detained_persons":1,"disciplined_persons":1,"onsite_status":"done",` +
		`"onsite_done_date":"2020-06-01","rectify_deadline":"2020-06-30","supervised":true,` +
		`"supervised_deadline":"2020-07-19","attachments":["2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",` +
		`"b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"]}`
	if got := string(CanonicalContent(signedCase(), shas)); got != want {
		t.Fatalf("canonical content changed:\n got %s\nwant %s", got, want)
	}
	empty := string(CanonicalContent(&Case{}, nil))
	if !strings.Contains(empty, `"village_id":null`) || !strings.Contains(empty, `"shutdown_date":null`) ||
		!strings.Contains(empty, `"two_cuts_three_clears":{}`) || !strings.HasSuffix(empty, `"attachments":[]}`) {
		t.Fatalf("empty case: %s", empty)
	}
}

func TestContentHash_StableUnderMapAndAttachmentOrder(t *testing.T) {
	base := ContentHash(signedCase(), shas)
	if len(base) != 64 || strings.ToLower(base) != base {
		t.Fatalf("hash %q is not lower-case hex SHA-256", base)
	}
	for i := 0; i < 50; i++ { // map iteration order varies from run to run
		c := signedCase()
		keys := []string{ItemProducts, ItemEquipment, ItemMaterials, ItemPower, ItemWater}
		if i%2 == 1 {
			slices.Reverse(keys)
		}
		c.Clears, c.ClearDates = map[string]bool{}, map[string]Date{}
		for _, k := range keys {
			old := signedCase()
			if v, ok := old.Clears[k]; ok {
				c.Clears[k] = v
			}
			if d, ok := old.ClearDates[k]; ok {
				c.ClearDates[k] = d
			}
		}
		if got := ContentHash(c, []string{shas[1], shas[0]}); got != base {
			t.Fatalf("hash depends on order")
		}
	}
	// An item not done counts as absent, an empty date as none, digests in any case.
	c := signedCase()
	delete(c.Clears, ItemMaterials)
	c.Clears[ItemProducts] = false
	c.ClearDates[ItemEquipment] = ""
	if ContentHash(c, []string{strings.ToUpper(shas[0]), shas[1]}) != base {
		t.Fatal("an item not done, an empty date or upper-case hex changed the hash")
	}
	// The caller's slice is left as it was.
	in := []string{shas[0], shas[1]}
	ContentHash(signedCase(), in)
	if in[0] != shas[0] {
		t.Fatal("ContentHash sorted the caller's slice")
	}
}

// changed returns a copy of c with the field named name (fieldName) altered.
func changed(t *testing.T, c *Case, name string) *Case {
	t.Helper()
	cp := *c
	cp.Clears = map[string]bool{}
	for k, v := range c.Clears {
		cp.Clears[k] = v
	}
	cp.ClearDates = map[string]Date{}
	for k, v := range c.ClearDates {
		cp.ClearDates[k] = v
	}
	v := reflect.ValueOf(&cp).Elem()
	for _, sf := range reflect.VisibleFields(v.Type()) {
		if sf.Anonymous {
			continue // CaseFields: its fields are visited as Case's own
		}
		if fieldName(sf) != name {
			continue
		}
		f := v.FieldByIndex(sf.Index)
		switch x := f.Addr().Interface().(type) {
		case *string:
			*x += "改"
		case *CaseStatus:
			*x += "改"
		case *Category:
			*x += "改"
		case *Source:
			*x += "改"
		case *Shutdown:
			*x += "改"
		case *Onsite:
			*x += "改"
		case *Date:
			*x = "2021-01-01"
		case *int64:
			*x++
		case *int:
			*x++
		case *bool:
			*x = !*x
		case **int64:
			*x = ptr(int64(99))
		case *map[string]bool:
			(*x)[ItemEquipment] = true
		case *map[string]Date:
			(*x)[ItemEquipment] = "2020-05-23"
		case *time.Time:
			*x = x.Add(time.Hour)
		case **time.Time:
			*x = ptr(time.Now())
		case *[]Warning:
			*x = append(*x, Warning{Code: RuleStale})
		default:
			t.Fatalf("field %s: no way to change a %s", name, f.Type())
		}
		return &cp
	}
	t.Fatalf("Case has no field %q", name)
	return nil
}

// TestContentHash_EveryCaseField: every field of Case is either signed
// (its change changes the hash) or listed as unsigned (it does not), so a
// new field must be placed deliberately.
func TestContentHash_EveryCaseField(t *testing.T) {
	base := signedCase()
	hash := ContentHash(base, shas)
	listed := map[string]bool{}
	for _, f := range signedFields {
		listed[f] = true
		if ContentHash(changed(t, base, f), shas) == hash {
			t.Errorf("changing %s leaves the hash unchanged", f)
		}
	}
	for _, f := range unsignedFields {
		listed[f] = true
		if ContentHash(changed(t, base, f), shas) != hash {
			t.Errorf("changing %s changes the hash", f)
		}
	}
	for _, f := range reflect.VisibleFields(reflect.TypeOf(Case{})) {
		if f.Anonymous {
			continue // CaseFields: its fields are visited as Case's own
		}
		if name := fieldName(f); !listed[name] {
			t.Errorf("Case field %s (%s) is neither signed nor listed as unsigned", f.Name, name)
		}
	}
	// A village removed, an attachment added or dropped.
	c := signedCase()
	c.VillageID = nil
	if ContentHash(c, shas) == hash {
		t.Error("removing the village leaves the hash unchanged")
	}
	if ContentHash(base, append(slices.Clone(shas), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")) == hash ||
		ContentHash(base, shas[:1]) == hash {
		t.Error("attachments do not count")
	}
	// The signed field list is DESIGN.md §7's case fields, in order, less status and version.
	got := []string{}
	cc := reflect.TypeOf(canonicalCase{})
	for i := 0; i < cc.NumField(); i++ {
		got = append(got, cc.Field(i).Tag.Get("json"))
	}
	if !slices.Equal(got, append(slices.Clone(signedFields), "attachments")) {
		t.Errorf("canonical fields %v", got)
	}
}

func TestSignOff_VerifyDetectsChangeBehindTheProgram(t *testing.T) {
	tree := testTree()
	at := time.Date(2020, 6, 15, 10, 0, 0, 0, Shanghai())
	c := signedCase()
	s, ok := NewSignOff(actorAt(RoleVillageHead, tree), nil, c, CaseApprove, "", StatusCloseoutRequested, StatusVillageApproved, at, shas)
	if !ok {
		t.Fatal("approve is a signature")
	}
	if !s.Verify(c, []string{shas[1], shas[0]}) {
		t.Fatal("unchanged case fails verification")
	}
	c.Status, c.Version = StatusVillageApproved, 5 // what the approval itself changes
	if !s.Verify(c, shas) {
		t.Fatal("the status change of the approval breaks its own signature")
	}
	c.FineFen = 0
	if s.Verify(c, shas) {
		t.Fatal("a changed fine passes verification")
	}
	if s.Verify(signedCase(), shas[:1]) {
		t.Fatal("a removed attachment passes verification")
	}
}

func TestNewSignOff_RecordsSignerAndHead(t *testing.T) {
	tree := testTree()
	june := time.Date(2020, 6, 15, 10, 0, 0, 0, Shanghai())
	officer := actorAt(RoleTownOfficer, tree)
	officer.User.DisplayName = "李经办"
	c := signedCase()

	s, _ := NewSignOff(officer, delegationTo(9), c, CaseReturn, " 照片不清 ", StatusVillageApproved, StatusRectifying, june, shas)
	if s.UserID != 9 || s.UserName != "李经办" || s.Role != RoleTownHead || s.OrgID != 2 ||
		s.OnBehalfOfUserID == nil || *s.OnBehalfOfUserID != 3 || s.OnBehalfOfName != "王镇长" {
		t.Fatalf("delegated sign-off: %+v", s)
	}
	if s.Decision != DecisionReturn || s.Reason != "照片不清" || s.FromStatus != StatusVillageApproved ||
		s.ToStatus != StatusRectifying || !s.At.Equal(june) || s.ContentHash != ContentHash(c, shas) {
		t.Fatalf("sign-off: %+v", s)
	}

	// Out of its period the delegation names nobody: the officer signs as themself.
	s, _ = NewSignOff(officer, delegationTo(9), c, CaseApprove, "", StatusVillageApproved, StatusTownApproved, june.AddDate(0, 1, 0), shas)
	if s.Role != RoleTownOfficer || s.OnBehalfOfUserID != nil || s.OnBehalfOfName != "" {
		t.Fatalf("expired delegation still recorded: %+v", s)
	}
	head := actorAt(RoleTownHead, tree)
	s, _ = NewSignOff(head, nil, c, CaseApprove, "", StatusVillageApproved, StatusTownApproved, june, shas)
	if s.Role != RoleTownHead || s.OnBehalfOfUserID != nil || s.Decision != DecisionApprove {
		t.Fatalf("head's own sign-off: %+v", s)
	}
	for _, action := range []CaseAction{CaseRequestCloseout, CaseReopen, CaseVoid, CaseTransfer, CasePublish} {
		if _, ok := NewSignOff(head, nil, c, action, "", "", "", june, shas); ok {
			t.Errorf("%s is not a signature", action)
		}
	}
}

func TestSignedFields_AreTheDesignsCaseFields(t *testing.T) {
	// DESIGN.md §7 "Case JSON", less status and version.
	design := "id, problem_no, source_no, campaign_id, org_id, village_id, site_id, unit_name, category, address, " +
		"person_in_charge, description, source, shutdown, shutdown_date, two_cuts_three_clears, " +
		"two_cuts_three_clears_dates, case_filed, case_no, fine_fen, confiscated_fen, judicial_transfer, " +
		"judicial_persons, detained_persons, disciplined_persons, onsite_status, onsite_done_date, " +
		"rectify_deadline, supervised, supervised_deadline"
	want := strings.Split(design, ", ")
	got := slices.Clone(signedFields)
	sort.Strings(want)
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Fatalf("signed fields %v, want %v", got, want)
	}
}

func TestDigests_WhatASignatureCovered(t *testing.T) {
	t0 := time.Date(2020, 10, 14, 9, 0, 0, 0, Shanghai())
	files := []SignedFile{{"aa", t0}, {"bb", t0.Add(time.Hour)}, {"cc", t0.Add(2 * time.Hour)}}
	if got := Digests(files, time.Time{}); !slices.Equal(got, []string{"aa", "bb", "cc"}) {
		t.Errorf("all: %v", got)
	}
	if got := Digests(files, t0.Add(time.Hour)); !slices.Equal(got, []string{"aa", "bb"}) {
		t.Errorf("up to the second: %v", got)
	}
	if got := Digests(nil, t0); got == nil || len(got) != 0 {
		t.Errorf("none: %#v", got)
	}
}

func TestSignOff_Holds(t *testing.T) {
	c := readyCase(StatusCloseoutRequested, true)
	t0 := time.Date(2020, 10, 14, 9, 0, 0, 0, Shanghai())
	files := []SignedFile{{strings.Repeat("a", 64), t0}}
	s := SignOff{At: t0, ContentHash: ContentHash(c, Digests(files, t0))}
	if !s.Holds(false, c, files) {
		t.Fatal("untouched: does not hold")
	}
	later := append(files, SignedFile{strings.Repeat("b", 64), t0.Add(time.Hour)})
	if !s.Holds(false, c, later) {
		t.Fatal("evidence added after the signature voids it")
	}
	altered := c.Clone()
	altered.FineFen = 100
	if s.Holds(false, altered, files) {
		t.Fatal("altered content still holds")
	}
	if !s.Holds(true, altered, files) {
		t.Fatal("a superseded signature is not checked")
	}
}

func TestCheckContentSeen(t *testing.T) {
	c := readyCase(StatusCloseoutRequested, true)
	h := ContentHash(c, nil)
	for _, tc := range []struct {
		seen string
		ok   bool
	}{{"", true}, {h, true}, {" " + strings.ToUpper(h) + " ", true}, {strings.Repeat("0", 64), false}} {
		err := CheckContentSeen(tc.seen, c, nil)
		if (err == nil) != tc.ok || (err != nil && (ErrorCode(err) != ECONFLICT || ErrorField(err) != "content_hash")) {
			t.Errorf("seen %q: %v", tc.seen, err)
		}
	}
}

func TestSupersedesSignOffs(t *testing.T) {
	for _, a := range CaseActions {
		if SupersedesSignOffs(a) != (a == CaseReturn || a == CaseReopen) {
			t.Errorf("%s supersedes: %v", a, SupersedesSignOffs(a))
		}
	}
}

func TestCheckBatchApproval(t *testing.T) {
	for _, tc := range []struct {
		n  int
		ok bool
	}{{0, false}, {1, true}, {MaxBatchApproval, true}, {MaxBatchApproval + 1, false}} {
		if err := CheckBatchApproval(tc.n); (err == nil) != tc.ok || (err != nil && ErrorField(err) != "cases") {
			t.Errorf("%d cases: %v", tc.n, err)
		}
	}
	if err := CheckBatchItem(0); ErrorField(err) != "version" {
		t.Errorf("no version: %v", err)
	}
	if err := CheckBatchItem(3); err != nil {
		t.Errorf("version 3: %v", err)
	}
}
