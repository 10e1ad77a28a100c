package domain

import (
	"testing"
	"time"
)

func TestCheckReportAction(t *testing.T) {
	loc := Shanghai()
	deadline := time.Date(2020, 10, 14, 17, 0, 0, 0, loc)
	before := deadline.Add(-time.Second) // 16:59:59
	first := before
	cases := []struct {
		name     string
		status   ReportStatus
		first    *time.Time
		action   ReportAction
		reason   string
		now      time.Time
		want     ReportStatus
		wantCode string
		field    string
	}{
		{"submit a draft at 16:59:59", ReportDraft, nil, ReportSubmit, "", before, ReportSubmitted, "", ""},
		{"submit a draft at 17:00:00 needs a reason", ReportDraft, nil, ReportSubmit, "", deadline, "", EINVALID, "reason"},
		{"late submit with a reason", ReportDraft, nil, ReportSubmit, "系统故障", deadline, ReportSubmitted, "", ""},
		{"resubmit a returned report late: first time kept, no reason needed", ReportReturned, &first, ReportSubmit, "", deadline.Add(time.Hour), ReportSubmitted, "", ""},
		{"duplicate submit", ReportSubmitted, &first, ReportSubmit, "", before, "", ECONFLICT, "status"},
		{"accept a submitted report", ReportSubmitted, &first, ReportAccept, "", deadline, ReportAccepted, "", ""},
		{"accept a draft", ReportDraft, nil, ReportAccept, "", deadline, "", ECONFLICT, "status"},
		{"return needs a reason", ReportSubmitted, &first, ReportReturn, "", deadline, "", EINVALID, "reason"},
		{"return an accepted report", ReportAccepted, &first, ReportReturn, "合计有误", deadline, ReportReturned, "", ""},
		{"return a draft", ReportDraft, nil, ReportReturn, "x", deadline, "", ECONFLICT, "status"},
		{"unknown action", ReportDraft, nil, ReportAction("approve"), "", deadline, "", EINVALID, "action"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &WeeklyReport{Status: c.status, Deadline: deadline, FirstSubmittedAt: c.first}
			got, err := CheckReportAction(r, c.action, c.reason, c.now, loc)
			if ErrorCode(err) != c.wantCode && !(c.wantCode == "" && err == nil) {
				t.Fatalf("err = %v, want code %q", err, c.wantCode)
			}
			if got != c.want || ErrorField(err) != c.field {
				t.Fatalf("got %q field %q, want %q field %q", got, ErrorField(err), c.want, c.field)
			}
		})
	}
}

func TestReportStatus_WhatEachStateAllows(t *testing.T) {
	cases := []struct {
		s                                             ReportStatus
		submit, accept, ret, rollUp, awaitsSubmission bool
	}{
		{ReportDraft, true, false, false, false, true},
		{ReportSubmitted, false, true, true, true, false},
		{ReportReturned, true, false, false, false, true},
		{ReportAccepted, false, false, true, true, false},
		{ReportMissing, false, false, false, false, true},
		{ReportExempt, false, false, false, false, false},
	}
	for _, c := range cases {
		got := [5]bool{c.s.MaySubmit(), c.s.MayAccept(), c.s.MayReturn(), c.s.InRollUp(), c.s.AwaitsSubmission()}
		want := [5]bool{c.submit, c.accept, c.ret, c.rollUp, c.awaitsSubmission}
		if got != want {
			t.Errorf("%s: may submit, accept, return, in roll-up, awaits = %v, want %v", c.s, got, want)
		}
	}
	if got := RollUpStatuses(); len(got) != 2 || got[0] != ReportSubmitted || got[1] != ReportAccepted {
		t.Fatalf("roll-up statuses %v", got)
	}
}

func TestApplyReportAction_FirstSubmissionKept(t *testing.T) {
	loc := Shanghai()
	deadline := time.Date(2020, 10, 14, 17, 0, 0, 0, loc)
	r := &WeeklyReport{Status: ReportDraft, Deadline: deadline, Version: 1}
	if err := ApplyReportAction(r, ReportSubmit, "", "wx_head", "", deadline, loc); ErrorField(err) != "reason" {
		t.Fatalf("late without reason: %v", err)
	}
	if err := ApplyReportAction(r, ReportSubmit, "系统故障", "wx_head", "", deadline, loc); err != nil {
		t.Fatal(err)
	}
	if r.Status != ReportSubmitted || r.Version != 2 || *r.OnTime || r.LateReason != "系统故障" || !r.FirstSubmittedAt.Equal(deadline) ||
		r.SubmittedByName != "wx_head" || !r.Late() {
		t.Fatalf("late first submission: %+v", r)
	}
	if err := ApplyReportAction(r, ReportReturn, "有误", "district", "", deadline.Add(time.Hour), loc); err != nil ||
		r.Status != ReportReturned || r.ReturnReason != "有误" || r.ReviewedByName != "district" {
		t.Fatalf("return: %+v %v", r, err)
	}
	later := deadline.Add(2 * time.Hour)
	if err := ApplyReportAction(r, ReportSubmit, "", "wx_officer", "wx_head", later, loc); err != nil {
		t.Fatal(err)
	}
	if !r.FirstSubmittedAt.Equal(deadline) || !r.SubmittedAt.Equal(later) || *r.OnTime || r.LateReason != "系统故障" ||
		r.SubmittedFor != "wx_head" || r.Version != 4 {
		t.Fatalf("resubmission: %+v", r)
	}
}

func TestReportRows_MissingExemptAndDrafts(t *testing.T) {
	loc := Shanghai()
	d1 := time.Date(2020, 10, 7, 17, 0, 0, 0, loc)
	d2 := time.Date(2020, 10, 14, 17, 0, 0, 0, loc)
	d3 := time.Date(2020, 10, 21, 17, 0, 0, 0, loc)
	a, b, c := &OrgUnit{ID: 1, Name: "甲"}, &OrgUnit{ID: 2, Name: "乙"}, &OrgUnit{ID: 3, Name: "丙"}
	first := d1.Add(-time.Hour)
	onTime := true
	stored := []*WeeklyReport{
		{ID: 10, OrgID: 1, OrgName: "甲", Deadline: d1.UTC(), Status: ReportSubmitted, FirstSubmittedAt: &first, OnTime: &onTime},
		{ID: 11, OrgID: 2, OrgName: "乙", Deadline: d1.UTC(), Status: ReportDraft},
		{ID: 12, OrgID: 1, OrgName: "甲", Deadline: d3.UTC(), Status: ReportDraft},
	}
	exempt := []Exemption{{OrgID: 1, Deadline: d1.UTC(), Reason: "重复"}, {OrgID: 3, Deadline: d1.UTC(), Reason: "拆迁"}}
	// At 17:00:00 sharp the second deadline has passed.
	rows := ReportRows(7, []*OrgUnit{a, b, c}, []time.Time{d1, d2, d3}, stored, exempt, d2)
	type row struct {
		id     int64
		org    string
		dl     time.Time
		status ReportStatus
		reason string
	}
	want := []row{
		{12, "甲", d3, ReportDraft, ""},
		{0, "甲", d2, ReportMissing, ""}, {0, "乙", d2, ReportMissing, ""}, {0, "丙", d2, ReportMissing, ""},
		{10, "甲", d1, ReportSubmitted, "重复"}, {11, "乙", d1, ReportMissing, ""}, {0, "丙", d1, ReportExempt, "拆迁"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.ID != w.id || r.OrgName != w.org || !r.Deadline.Equal(w.dl) || r.Status != w.status || r.ExemptReason != w.reason {
			t.Errorf("row %d = %+v, want %+v", i, r, w)
		}
		if r.Status == ReportMissing && r.CampaignID != 7 {
			t.Errorf("row %d: campaign %d", i, r.CampaignID)
		}
	}
	// A second before the deadline nothing is missing yet.
	if rows := ReportRows(7, []*OrgUnit{a, b, c}, []time.Time{d2}, nil, nil, d2.Add(-time.Second)); len(rows) != 0 {
		t.Fatalf("rows before the deadline: %+v", rows)
	}
}

func TestMoveReports_OnTimeJudgedAfreshOrRefused(t *testing.T) {
	loc := Shanghai()
	old := time.Date(2020, 10, 7, 17, 0, 0, 0, loc)
	moved := time.Date(2020, 10, 9, 17, 0, 0, 0, loc)
	first := time.Date(2020, 10, 8, 9, 0, 0, 0, loc) // late for the old deadline, on time for the moved one
	late := false
	sub := &WeeklyReport{OrgID: 1, Deadline: old, Status: ReportSubmitted, FirstSubmittedAt: &first, OnTime: &late}
	draft := &WeeklyReport{OrgID: 2, Deadline: old, Status: ReportDraft}
	if err := MoveReports([]*WeeklyReport{sub, draft}, []*WeeklyReport{{OrgID: 2, Deadline: moved}}, moved); ErrorCode(err) != ECONFLICT {
		t.Fatalf("two reports of one town: %v", err)
	}
	if !sub.Deadline.Equal(old) || *sub.OnTime {
		t.Fatalf("a refused move changed a report: %+v", sub)
	}
	if err := MoveReports([]*WeeklyReport{sub, draft}, nil, moved); err != nil {
		t.Fatal(err)
	}
	if !sub.Deadline.Equal(moved) || !*sub.OnTime || !draft.Deadline.Equal(moved) || draft.OnTime != nil {
		t.Fatalf("moved: %+v %+v", sub, draft)
	}
	move, drop := MoveExemptions([]Exemption{{ID: 1, OrgID: 1}, {ID: 2, OrgID: 2}}, []Exemption{{ID: 3, OrgID: 2}})
	if len(move) != 1 || move[0].ID != 1 || len(drop) != 1 || drop[0].ID != 2 {
		t.Fatalf("exemptions: move %v drop %v", move, drop)
	}
}

func TestAuthorizeSubmit_ForWhom(t *testing.T) {
	now := time.Date(2020, 10, 14, 10, 0, 0, 0, Shanghai())
	district := &OrgUnit{ID: 1, Path: "/1/", Kind: "区"}
	town := &OrgUnit{ID: 2, Path: "/1/2/", Kind: "街道", Name: "五星街道"}
	other := &OrgUnit{ID: 3, Path: "/1/3/", Kind: "街道"}
	actor := func(id int64, role Role, o *OrgUnit) *Actor {
		return &Actor{User: User{ID: id, Role: role, DisplayName: string(role), Active: true}, Org: *o, Scope: *o}
	}
	head, officer := actor(10, RoleTownHead, town), actor(11, RoleTownOfficer, town)
	del := &Delegation{HeadUserID: 10, HeadName: "wx_head", DelegateUserID: 11, OrgID: 2, Role: RoleTownHead,
		From: now.Add(-time.Hour), Until: now.Add(time.Hour)}
	cases := []struct {
		name string
		a    *Actor
		del  *Delegation
		for_ string
		code string
	}{
		{"the head", head, nil, "", ""},
		{"a delegate for the head", officer, del, "wx_head", ""},
		{"an officer without delegation", officer, nil, "", EFORBIDDEN},
		{"the district office 代报", actor(12, RoleDistrictOffice, district), nil, ProxySubmission, ""},
		{"another town's head", actor(13, RoleTownHead, other), nil, "", ENOTFOUND},
	}
	for _, c := range cases {
		got, err := AuthorizeSubmit(c.a, town, c.del, now, "周报")
		if ErrorCode(err) != c.code && !(c.code == "" && err == nil) || got != c.for_ {
			t.Errorf("%s: for %q err %v, want for %q code %q", c.name, got, err, c.for_, c.code)
		}
	}
}
