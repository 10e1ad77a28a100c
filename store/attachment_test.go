package store_test

import (
	"context"
	"reflect"
	"testing"

	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// An attachment's record round-trips through InsertAttachment and the
// Reader's loads, listed with its case or its inspection in upload order.
func TestInsertAttachment_RoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		c := f.mustCase(t, "wx_officer", newCase("甲"))
		xs, err := f.app.SiteInspections(ctx, f.as["wx_officer"], c.SiteID, 0)
		if err != nil || len(xs) != 1 {
			t.Fatalf("inspections: %v %v", xs, err)
		}
		lat, lng := 31.78, 119.91
		onCase := &domain.Attachment{SHA256: "ab", Size: 3, ContentType: "image/png", Kind: domain.AttachSitePhoto,
			Filename: "现场.png", CaseID: &c.ID, Lat: &lat, Lng: &lng}
		second := &domain.Attachment{SHA256: "cd", Size: 4, ContentType: "application/pdf", Kind: domain.AttachPenaltyDecision, CaseID: &c.ID}
		onInspection := &domain.Attachment{SHA256: "ab", Size: 3, ContentType: "image/png", Kind: domain.AttachSitePhoto, InspectionID: &xs[0].ID}
		err = f.db.Write(ctx, f.as["wx_officer"], func(tx *store.Tx) error {
			for _, x := range []*domain.Attachment{onCase, second, onInspection} {
				if err := tx.InsertAttachment(x); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if onCase.UploadedBy != f.as["wx_officer"].User.ID || !onCase.UploadedAt.Equal(campaignNow) {
			t.Fatalf("inserted %+v", onCase)
		}
		r := f.db.Reader(ctx)
		got, err := r.Attachment(onCase.ID)
		if err != nil || !reflect.DeepEqual(got, onCase) {
			t.Fatalf("read back %+v %v, want %+v", got, err, onCase)
		}
		list, err := r.CaseAttachments(c.ID)
		if err != nil || len(list) != 2 || list[0].ID != onCase.ID || list[1].ID != second.ID {
			t.Fatalf("case attachments %+v %v", list, err)
		}
		list, err = r.InspectionAttachments(xs[0].ID)
		if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0], onInspection) {
			t.Fatalf("inspection attachments %+v %v", list, err)
		}
		if _, err := r.Attachment(onInspection.ID + 1); !store.IsNotFound(err) {
			t.Fatalf("missing attachment: %v", err)
		}
	})
}
