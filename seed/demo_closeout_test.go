package seed

import (
	"context"
	"io"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// The demo's closed loop leaves examples of every state, each signature
// valid, and an intact audit chain.
func TestDemoCloseout_EveryState(t *testing.T) {
	ctx := context.Background()
	db := app.New(storetest.Open(t, store.SQLite, storetest.Options{}))
	if _, err := Bootstrap(ctx, db, "admin-password"); err != nil {
		t.Fatal(err)
	}
	if err := Demo(ctx, db, io.Discard); err != nil {
		t.Fatal(err)
	}
	sys, _ := db.SystemActor(ctx)
	cases, _, err := db.Cases(ctx, sys, app.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	statuses, published := map[domain.CaseStatus]int{}, 0
	for _, c := range cases {
		statuses[c.Status]++
		if c.Published {
			published++
		}
		sigs, err := db.CaseSignOffs(ctx, sys, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sigs {
			if !s.Valid {
				t.Fatalf("demo case %s: invalid signature %+v", c.ProblemNo, s)
			}
		}
		// Every case that went through a 销号 request carries its evidence.
		if len(sigs) > 0 || c.Status == domain.StatusCloseoutRequested {
			files, err := db.CaseAttachments(ctx, sys, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			camp, err := db.Campaign(ctx, sys, c.CampaignID)
			if err != nil {
				t.Fatal(err)
			}
			if err := domain.CheckCloseoutEvidence(c, camp, files); err != nil {
				t.Errorf("demo case %s (%s): %v", c.ProblemNo, c.Status, err)
			}
		}
	}
	for _, st := range []domain.CaseStatus{domain.StatusCloseoutRequested, domain.StatusVillageApproved, domain.StatusTownApproved,
		domain.StatusClosedOut, domain.StatusRectifying, domain.StatusVoided} {
		if statuses[st] == 0 {
			t.Fatalf("no demo case %s: %v", st, statuses)
		}
	}
	if published == 0 {
		t.Fatal("no demo case on the 曝光台")
	}
	district, err := db.Authenticate(ctx, "district", DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	dels, err := db.Delegations(ctx, district)
	if err != nil || len(dels) != 1 {
		t.Fatalf("demo delegations %+v %v", dels, err)
	}
	if res, err := db.VerifyAudit(ctx); err != nil || res.Broken != "" {
		t.Fatalf("audit after the demo: %+v %v", res, err)
	}
}
