package app_test

import (
	"context"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestInbox_AndBatchApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newLoopFixture(t, dialect)
		ctx := context.Background()
		a := f.readyCase(t, "批量一", true)
		b := f.readyCase(t, "批量二", true)
		townOnly := f.readyCase(t, "镇直属", false)
		f.caseAct(t, "wx_grid", a.ID, domain.CaseRequestCloseout, "")
		f.caseAct(t, "wx_grid", b.ID, domain.CaseRequestCloseout, "")
		f.caseAct(t, "wx_officer", townOnly.ID, domain.CaseRequestCloseout, "")
		ids := func(user string) []int64 {
			items, err := f.app.Inbox(ctx, f.as[user])
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, it := range items {
				if len(it.ContentHash) != 64 {
					t.Fatalf("inbox item without content hash: %+v", it)
				}
				out = append(out, it.ID)
			}
			return out
		}
		if got := ids("wx_vhead"); len(got) != 2 {
			t.Fatalf("village head's inbox %v", got)
		}
		if got := ids("wx_head"); len(got) != 1 || got[0] != townOnly.ID {
			t.Fatalf("town head's inbox %v", got)
		}
		if got := ids("yh_head"); len(got) != 0 {
			t.Fatalf("other town head's inbox %v", got)
		}
		items, _ := f.app.Inbox(ctx, f.as["wx_vhead"])
		// b was viewed at a version that is stale by the time of the batch.
		res, err := f.app.ApproveMany(ctx, f.as["wx_vhead"], []app.ApproveItem{
			{ID: items[0].ID, Version: items[0].Version, ContentHash: items[0].ContentHash},
			{ID: items[1].ID, Version: items[1].Version - 1},
			{ID: townOnly.ID, Version: 99},
		})
		if err != nil {
			t.Fatal(err)
		}
		if !res[0].OK || res[0].Case.Status != domain.StatusVillageApproved ||
			res[1].OK || res[1].Code != domain.ECONFLICT || res[2].OK || res[2].Code != domain.ENOTFOUND {
			t.Fatalf("batch results %+v", res)
		}
		if got := ids("wx_head"); len(got) != 2 {
			t.Fatalf("town head's inbox after the village approved: %v", got)
		}
		res, err = f.app.ApproveMany(ctx, f.as["wx_head"], []app.ApproveItem{{ID: a.ID, Version: res[0].Case.Version}, {ID: townOnly.ID, Version: townOnly.Version + 1}})
		if err != nil || !res[0].OK || !res[1].OK {
			t.Fatalf("town batch %+v %v", res, err)
		}
		if got := ids("district"); len(got) != 2 {
			t.Fatalf("district inbox %v", got)
		}
	})
}
