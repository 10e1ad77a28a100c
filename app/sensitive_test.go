package app_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/seed"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// auditText is every audit event's before and after, as stored.
func auditText(t *testing.T, raw *sql.DB) string {
	t.Helper()
	rows, err := raw.Query(`SELECT before_json, after_json FROM audit_events ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var before, after string
		if err := rows.Scan(&before, &after); err != nil {
			t.Fatal(err)
		}
		b.WriteString(before)
		b.WriteString(after)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A value marked Sensitive (a site's 联系电话) goes through every use case
// that records it — site create and patch, a case that registers its site —
// and then the whole demo (sites, inspections, cases, edits, the closed loop,
// delegations, weekly reports): the audit table never holds it in clear, only
// its keyed hash, while the API still gives it to whoever may read the site.
func TestAudit_SensitiveValuesNeverInClear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		const created, patched, withCase = "13800138000", "13911112222", "13733334444"

		site, err := f.app.CreateSite(ctx, wx, app.SiteInput{VillageID: f.orgs["新中社区"].ID, Name: "某喷涂点", Address: "新中路1号",
			Phone: created})
		if err != nil {
			t.Fatal(err)
		}
		phone := domain.Sensitive(patched)
		site, err = f.app.UpdateSite(ctx, wx, site.ID, app.SitePatch{Version: site.Version, Phone: &phone})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.app.Site(ctx, wx, site.ID); err != nil || got.Phone.Reveal() != patched {
			t.Fatalf("the site's reader gets its phone: %+v %v", got, err)
		}
		in := newCase("某电镀点")
		in.Phone = withCase
		if _, err := f.app.CreateCase(ctx, wx, in); err != nil {
			t.Fatal(err)
		}

		text := auditText(t, f.raw)
		for _, clear := range []string{created, patched, withCase} {
			if strings.Contains(text, clear) {
				t.Errorf("audit trail holds %s in clear", clear)
			}
		}
		if n := strings.Count(text, `"phone":"hmac:`); n < 3 {
			t.Errorf("audit trail has %d keyed phone hashes, want at least 3 (create, patch, the case's site)", n)
		}
	})
}

func TestAudit_DemoKeepsEveryPhoneOutOfTheTrail(t *testing.T) {
	db, raw := openStore(t, store.SQLite, nil)
	s := app.New(db)
	ctx := context.Background()
	if _, err := seed.Bootstrap(ctx, s, "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	if err := seed.Demo(ctx, s, &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	rows, err := raw.Query(`SELECT phone FROM sites WHERE phone <> ''`)
	if err != nil {
		t.Fatal(err)
	}
	var phones []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		phones = append(phones, p)
	}
	rows.Close()
	if len(phones) < 10 {
		t.Fatalf("the demo registered %d sites with a phone", len(phones))
	}
	text := auditText(t, raw)
	for _, p := range phones {
		if strings.Contains(text, p) {
			t.Fatalf("audit trail holds the demo phone %s in clear", p)
		}
	}
}
