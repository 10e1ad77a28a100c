package domain

import (
	"strings"
	"testing"
)

func file(caseID int64, kind, item string) *Attachment {
	return &Attachment{CaseID: &caseID, Kind: kind, Item: item}
}

// §7: by default at least one done_photo, and for 关闭/取缔 one clears_photo
// per checklist item; files of another case or of an inspection count for
// nothing.
func TestEvidenceNeeds_DefaultRule(t *testing.T) {
	camp := &Campaign{ClearItems: DefaultClearItems}
	c := readyCase(StatusRectifying, true)
	if err := CheckCloseoutEvidence(c, camp, nil); err == nil || ErrorField(err) != "attachments" || ErrorCode(err) != ECONFLICT {
		t.Fatalf("no files: %v", err)
	}
	insp := int64(3)
	others := []*Attachment{file(99, AttachDonePhoto, ""), {InspectionID: &insp, Kind: AttachDonePhoto}, file(c.ID, AttachSitePhoto, "")}
	if err := CheckCloseoutEvidence(c, camp, others); err == nil {
		t.Fatal("another case's or an inspection's photo counted")
	}
	if err := CheckCloseoutEvidence(c, camp, []*Attachment{file(c.ID, AttachDonePhoto, "")}); err != nil {
		t.Fatalf("one done photo: %v", err)
	}
	for _, sd := range []Shutdown{ShutdownSuspended, ShutdownClosed, ShutdownBanned} {
		c.Shutdown = sd
		needs := EvidenceNeeds(c, camp, nil)
		want := 1
		if sd != ShutdownSuspended {
			want = 1 + len(DefaultClearItems)
		}
		if len(needs) != want {
			t.Fatalf("%s: %d needs, want %d", sd, len(needs), want)
		}
		if sd == ShutdownClosed {
			var labels []string
			for _, n := range needs {
				labels = append(labels, n.Label())
			}
			if got := strings.Join(labels, " "); got != "整改完成照片 两断三清照片（断水） 两断三清照片（断电） 两断三清照片（清原料） 两断三清照片（清设备） 两断三清照片（清产品）" {
				t.Fatalf("labels in the campaign's order: %s", got)
			}
		}
	}
}

func TestEvidenceNeeds_CampaignRule(t *testing.T) {
	c := readyCase(StatusRectifying, false)
	c.Shutdown = ShutdownBanned
	none := &Campaign{CloseoutEvidence: &EvidenceRule{}}
	if needs := EvidenceNeeds(c, none, nil); len(needs) != 0 {
		t.Fatalf("a campaign asking nothing: %+v", needs)
	}
	three := &Campaign{ClearItems: []string{ItemWater, ItemPremises}, CloseoutEvidence: &EvidenceRule{DonePhotos: 3, ClearsPhotos: true}}
	files := []*Attachment{file(c.ID, AttachDonePhoto, ""), file(c.ID, AttachDonePhoto, ""), file(c.ID, AttachClearsPhoto, ItemPremises)}
	err := CheckCloseoutEvidence(c, three, files)
	if err == nil || ErrorMessage(err) != "申请销号还缺少材料：整改完成照片（至少 3 张，现有 2 张）、两断三清照片（断水），请先上传" {
		t.Fatalf("message: %v", err)
	}
}

func TestCampaignNormalize_EvidenceRule(t *testing.T) {
	c := Campaign{Name: "x", StartDate: "2020-01-01", EndDate: "2020-02-01"}
	if err := c.Normalize(); err != nil || c.CloseoutEvidence == nil || *c.CloseoutEvidence != DefaultEvidenceRule {
		t.Fatalf("default rule: %+v %v", c.CloseoutEvidence, err)
	}
	c.CloseoutEvidence = &EvidenceRule{DonePhotos: -1}
	if err := c.Normalize(); ErrorCode(err) != EINVALID {
		t.Fatalf("negative count: %v", err)
	}
	var none *Campaign
	if none.Evidence() != DefaultEvidenceRule {
		t.Fatal("nil campaign's rule")
	}
}

func TestAttachmentNormalize_Item(t *testing.T) {
	x := &Attachment{Kind: AttachDonePhoto, Item: ItemWater}
	if err := x.Normalize(); err != nil || x.Item != "" {
		t.Fatalf("a done photo keeps no item: %q %v", x.Item, err)
	}
	x = &Attachment{Kind: AttachClearsPhoto, Item: "roof"}
	if err := x.Normalize(); ErrorField(err) != "item" {
		t.Fatalf("unknown item: %v", err)
	}
	x = &Attachment{Kind: AttachClearsPhoto, Item: ItemPremises}
	if err := x.Normalize(); err != nil {
		t.Fatal(err)
	}
	if err := CheckEvidenceItem(x, &Campaign{ClearItems: DefaultClearItems}); ErrorField(err) != "item" {
		t.Fatalf("清厂房 on a campaign without it: %v", err)
	}
}

// The return banner: a 整治中 case whose latest signature is a return.
func TestLastReturn(t *testing.T) {
	ret := SignOff{Decision: CaseReturn, Reason: "照片不全"}
	ok := SignOff{Decision: CaseApprove}
	for _, tc := range []struct {
		status CaseStatus
		sigs   []SignOff
		want   bool
	}{
		{StatusRectifying, []SignOff{ok, ret}, true},
		{StatusRectifying, []SignOff{ret, ok}, false}, // returned, requested again, approved since
		{StatusRectifying, nil, false},
		{StatusCloseoutRequested, []SignOff{ret}, false}, // already requested again
	} {
		c := readyCase(tc.status, true)
		got, found := LastReturn(c, tc.sigs)
		if found != tc.want || found && got.Reason != "照片不全" {
			t.Errorf("%s %v: %+v %v", tc.status, tc.sigs, got, found)
		}
	}
}
