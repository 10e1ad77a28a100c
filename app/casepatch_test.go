package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"zhengzhi/app"
	"zhengzhi/domain"
	"zhengzhi/store"
	"zhengzhi/store/storetest"
)

// TestCasePatch_DecodeChecksNamesAndTypes: the PATCH body's decoding keeps
// the sent fields and refuses, naming the field, a name that is no writable
// case field and a value of the wrong type (as decoding a struct would, so
// the web answers 400 with that field).
func TestCasePatch_DecodeChecksNamesAndTypes(t *testing.T) {
	var p app.CasePatch
	if err := json.Unmarshal([]byte(`{"version": 3, "fine_fen": 100, "two_cuts_three_clears": {"water": true}, "address": null}`), &p); err != nil {
		t.Fatal(err)
	}
	if p.Version != 3 || len(p.Fields) != 2 || string(p.Fields["fine_fen"]) != "100" {
		t.Fatalf("decoded %+v", p)
	}
	if _, sent := p.Fields["address"]; sent {
		t.Error("a field sent as null counts as not sent")
	}
	for _, tc := range []struct {
		body, field, code string
	}{
		{`{"version": 1, "status": "closed_out"}`, "status", domain.EINVALID},
		{`{"version": 1, "two_cuts_three_clears_done": true}`, "two_cuts_three_clears_done", domain.EINVALID},
		{`{"version": 1, "unit_nmae": "x"}`, "unit_nmae", domain.EINVALID},
	} {
		err := json.Unmarshal([]byte(tc.body), &p)
		if domain.ErrorCode(err) != tc.code || domain.ErrorField(err) != tc.field {
			t.Errorf("%s: %v, want %s on %s", tc.body, err, tc.code, tc.field)
		}
	}
	for _, tc := range []struct{ body, field string }{
		{`{"version": "1"}`, "version"},
		{`{"version": 1, "fine_fen": "100"}`, "fine_fen"},
		{`{"version": 1, "fine_fen": 1.5}`, "fine_fen"},
		{`{"version": 1, "case_filed": "yes"}`, "case_filed"},
		{`{"version": 1, "shutdown_date": "2020-13-01"}`, "shutdown_date"},
		{`{"version": 1, "two_cuts_three_clears": {"water": "yes"}}`, "two_cuts_three_clears"},
		{`{"version": 1, "two_cuts_three_clears_dates": {"water": "14/10/2020"}}`, "two_cuts_three_clears_dates"},
		{`{"version": 1, "unit_name": 7, "fine_fen": "x"}`, "unit_name"}, // the first in the order sent
	} {
		var te *json.UnmarshalTypeError
		if err := json.Unmarshal([]byte(tc.body), &p); !errors.As(err, &te) || te.Field != tc.field {
			t.Errorf("%s: %v, want a type error on %s", tc.body, err, tc.field)
		}
	}
	if err := json.Unmarshal([]byte(`[1]`), &p); err == nil {
		t.Error("an array decoded as a patch")
	}
}

// TestUpdateCase_PatchBuiltInCode: a patch built with With is applied by
// name onto the case's fields; a name or value that does not fit is EINVALID
// naming the field, with nothing written.
func TestUpdateCase_PatchBuiltInCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dialect store.Dialect) {
		f := newCaseFixture(t, dialect)
		ctx := context.Background()
		wx := f.as["wx_officer"]
		c := f.mustCase(t, "wx_officer", newCase("五星喷涂"))
		for _, tc := range []struct {
			p     app.CasePatch
			field string
		}{
			{patch(1, "problem_no", "320404001-2020-0099"), "problem_no"},
			{patch(1, "description", "改", "bogus", 1), "bogus"},
			{patch(1, "fine_fen", "一百"), "fine_fen"},
			{patch(1, "rectify_deadline", "明天"), "rectify_deadline"},
			{patch(1, "two_cuts_three_clears", []string{"water"}), "two_cuts_three_clears"},
		} {
			_, err := f.app.UpdateCase(ctx, wx, c.ID, tc.p)
			wantCode(t, err, domain.EINVALID)
			if domain.ErrorField(err) != tc.field {
				t.Errorf("field %q, want %q", domain.ErrorField(err), tc.field)
			}
		}
		got, err := f.app.UpdateCase(ctx, wx, c.ID, patch(1, "description", "补充", "two_cuts_three_clears_dates", map[string]any{domain.ItemWater: "2020-10-13"}))
		if err != nil || got.Version != 2 || got.Description != "补充" || got.ClearDates[domain.ItemWater] != "2020-10-13" {
			t.Fatalf("patch: %+v %v", got, err)
		}
		// A date sent empty (or null) removes the item's date; others stay.
		got, err = f.app.UpdateCase(ctx, wx, c.ID, patch(2, "two_cuts_three_clears_dates", map[string]any{domain.ItemWater: nil, domain.ItemPower: "2020-10-14"}))
		if err != nil || len(got.ClearDates) != 1 || got.ClearDates[domain.ItemPower] != "2020-10-14" || got.Description != "补充" {
			t.Fatalf("dates: %+v %v", got.ClearDates, err)
		}
		if n := f.caseEvents(t, c.ID, "update"); n != 2 {
			t.Fatalf("%d update events, want 2 (the refused patches write nothing)", n)
		}
	})
}
