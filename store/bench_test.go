package store_test

import (
	"context"
	"fmt"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// benchStore is a seeded store with a campaign and a town officer.
func benchStore(b *testing.B, dialect store.Dialect) (*store.DB, *domain.Actor, *domain.OrgUnit) {
	b.Helper()
	ctx := context.Background()
	db := storetest.Open(b, dialect, storetest.Options{})
	svc := app.New(db)
	if _, err := seed.Bootstrap(ctx, svc, "admin-password"); err != nil {
		b.Fatal(err)
	}
	sys, _ := svc.SystemActor(ctx)
	if _, err := svc.CreateCampaign(ctx, sys, domain.Campaign{Name: "c", StartDate: "2020-09-27", EndDate: "2099-11-30"}); err != nil {
		b.Fatal(err)
	}
	town, err := svc.OrgByCode(ctx, "320404001000")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, sys, app.UserInput{Username: "bench_officer", Password: "password-o", DisplayName: "o", Role: domain.RoleTownOfficer, OrgID: town.ID}); err != nil {
		b.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, "bench_officer", "password-o")
	if err != nil {
		b.Fatal(err)
	}
	return db, a, town
}

func createCases(b *testing.B, db *store.DB, a *domain.Actor, town *domain.OrgUnit, n, from int) {
	cases := app.New(db)
	for i := from; i < from+n; i++ {
		if _, err := cases.CreateCase(context.Background(), a, app.CaseInput{OrgID: town.ID, CaseFields: domain.CaseFields{UnitName: fmt.Sprintf("作坊%d", i),
			Category: domain.DefaultCategories[i%7], Address: fmt.Sprintf("五星街道%d号", i), Description: "无证生产"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateCase: one case with its site, inspection, number and audit
// event, in one durable transaction (synchronous=FULL on SQLite).
func BenchmarkCreateCase(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			db, a, town := benchStore(b, d)
			i := 0
			for b.Loop() {
				createCases(b, db, a, town, 1, i)
				i++
			}
		})
	}
}

// BenchmarkCasesFirstPage: the case list's first page (50 rows, total count)
// for a town officer over 5,000 cases.
func BenchmarkCasesFirstPage(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			db, a, town := benchStore(b, d)
			createCases(b, db, a, town, 5000, 0)
			cases := app.New(db)
			b.ResetTimer()
			for b.Loop() {
				if _, _, err := cases.Cases(context.Background(), a, app.CaseFilter{Limit: 50}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
