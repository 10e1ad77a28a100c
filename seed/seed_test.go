package seed

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

func TestBootstrapAndDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db := app.New(storetest.Open(t, d, storetest.Options{}))
		created, err := Bootstrap(ctx, db, "admin-password")
		if err != nil || !created {
			t.Fatalf("bootstrap: %v %v", created, err)
		}
		if created, err = Bootstrap(ctx, db, "other"); err != nil || created {
			t.Fatalf("second bootstrap must do nothing: %v %v", created, err)
		}
		var out bytes.Buffer
		if err := Demo(ctx, db, &out); err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"district", "supervisor", "discipline", "wuxing_officer", "wuxing_head", "wuxing_001_grid", "wuxing_001_head", "kfq_officer"} {
			if !strings.Contains(out.String(), u) {
				t.Fatalf("demo output lacks user %s", u)
			}
			if _, err := db.Authenticate(ctx, u, DemoPassword); err != nil {
				t.Fatalf("demo user %s cannot log in: %v", u, err)
			}
		}
		sys, _ := db.SystemActor(ctx)
		cases, total, err := db.Cases(ctx, sys, app.CaseFilter{})
		if err != nil || total < 30 {
			t.Fatalf("demo cases: %d %v", total, err)
		}
		statuses := map[domain.CaseStatus]int{}
		for _, c := range cases {
			statuses[c.Status]++
		}
		if statuses[domain.StatusRegistered] == 0 || statuses[domain.StatusRectifying] == 0 {
			t.Fatalf("demo statuses %v", statuses)
		}
		out.Reset()
		if err := Demo(ctx, db, &out); err != nil || !strings.Contains(out.String(), "already") {
			t.Fatalf("second demo: %v %q", err, out.String())
		}
		if res, err := db.VerifyAudit(ctx); err != nil || res.Broken != "" {
			t.Fatalf("audit after demo: %+v %v", res, err)
		}
	})
}
