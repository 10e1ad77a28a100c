package store_test

import (
	"context"
	"reflect"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// A database from before migration 0007 gets its counters built from its
// rows the first time it is opened after: 附件2 reads the same as it did,
// the counters verify, and opening it again builds nothing twice.
func TestCountersMigration_BuildsTheCountersOfExistingData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		ctx := context.Background()
		opts := store.Options{DataDir: t.TempDir(), AuditKey: []byte("test-audit-key-0123456789abcdef")}
		if dialect == store.Postgres {
			opts.URL = storetest.CreatePostgresDB(t)
		}
		open := func() (*store.DB, *app.App) {
			t.Helper()
			db, err := store.Open(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			return db, app.New(db)
		}
		db, s := open()
		if _, err := seed.Bootstrap(ctx, s, "admin-password-1"); err != nil {
			t.Fatal(err)
		}
		admin, err := s.Authenticate(ctx, "admin", "admin-password-1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateCampaign(ctx, admin, domain.Campaign{Name: "专项整治", StartDate: "2020-09-27", EndDate: "2099-11-30"}); err != nil {
			t.Fatal(err)
		}
		wx, err := s.OrgByCode(ctx, "320404001000")
		if err != nil {
			t.Fatal(err)
		}
		kids, err := s.Children(ctx, wx.ID)
		if err != nil || len(kids) == 0 {
			t.Fatalf("villages of %s: %v", wx.Name, err)
		}
		for i, cat := range domain.DefaultCategories {
			in := app.CaseInput{OrgID: wx.ID, CaseFields: domain.CaseFields{UnitName: "作坊" + string(rune('甲'+i)), Category: cat,
				Address: "某路", Description: "无证生产", FineFen: int64(i) * 12345, CaseFiled: i%2 == 0}}
			if i%3 == 0 {
				in.OrgID, in.VillageID = 0, kids[0].ID
			}
			c, err := s.CreateCase(ctx, admin, in)
			if err != nil {
				t.Fatal(err)
			}
			if i == 4 {
				if _, err := s.ApplyCaseAction(ctx, admin, c.ID, app.CaseActionInput{Action: domain.CaseVoid, Reason: "重复登记"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		summary := func(s *app.App) domain.Summary {
			t.Helper()
			res, err := s.Summary(ctx, admin, app.SummaryQuery{OrgID: wx.ID, Breakdown: true})
			if err != nil {
				t.Fatal(err)
			}
			return res.Summary
		}
		want := summary(s)
		if want.Total.Problems != 6 {
			t.Fatalf("before: %+v", want.Total)
		}
		// Back to the schema before 0007.
		raw, _ := db.RawForTests()
		for _, q := range []string{`DROP TABLE summary_counters`, `DROP TABLE summary_counters_town`,
			`ALTER TABLE weekly_reports DROP COLUMN problems_blob`, `DELETE FROM schema_migrations WHERE name = '0007_counters.sql'`} {
			if _, err := raw.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()

		db, s = open()
		if got := summary(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("after the migration\n got %+v\nwant %+v", got, want)
		}
		chk, err := s.VerifyCounters(ctx)
		if err != nil || chk.Diff != nil || chk.Places != 2 {
			t.Fatalf("verify %+v %v", chk, err)
		}
		db.Close()
		db, s = open()
		defer db.Close()
		if got := summary(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("opened again\n got %+v\nwant %+v", got, want)
		}
	})
}
