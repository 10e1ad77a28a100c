package domain

import (
	"testing"
	"time"
)

func TestClearsComplete_TheCampaignsChecklist(t *testing.T) {
	five := map[string]bool{ItemWater: true, ItemPower: true, ItemMaterials: true, ItemEquipment: true, ItemProducts: true}
	premises := &Campaign{ClearItems: append(append([]string(nil), DefaultClearItems...), ItemPremises)}
	c := &Case{CaseFields: CaseFields{Clears: five}}
	if !c.ClearsComplete(nil) || !c.ClearsComplete(&Campaign{}) {
		t.Error("the five default items done is complete for a campaign with the default checklist")
	}
	if c.ClearsComplete(premises) {
		t.Error("complete without 清厂房 (not even carried) in a campaign that adds it")
	}
	c.Clears[ItemPremises] = true
	if !c.ClearsComplete(premises) {
		t.Error("all six done is not complete")
	}
	c.Clears[ItemPower] = false
	if c.ClearsComplete(premises) || c.ClearsComplete(nil) {
		t.Error("complete with 断电 not done")
	}
}

func TestDerive_ClearsDoneAndSupervisedDeadline(t *testing.T) {
	now := time.Date(2020, 10, 14, 1, 30, 0, 0, time.UTC) // 09:30 in Shanghai
	camp := &Campaign{SupervisedDays: 60, ClearItems: []string{ItemWater}}
	c := &Case{CaseFields: CaseFields{Clears: map[string]bool{ItemWater: true}, Supervised: true}}
	c.Derive(camp, now)
	if !c.ClearsDone || c.SupervisedDeadline != "2020-12-13" {
		t.Fatalf("derived ClearsDone %v, deadline %s", c.ClearsDone, c.SupervisedDeadline)
	}
	if c.SupervisedDeadline != DefaultSupervisedDeadline(camp, now) {
		t.Fatal("the default deadline is not DefaultSupervisedDeadline's")
	}
	// A deadline set stays; a case not supervised gets none; the flag follows the items.
	c.SupervisedDeadline, c.Clears[ItemWater] = "2020-11-01", false
	c.Derive(camp, now)
	if c.ClearsDone || c.SupervisedDeadline != "2020-11-01" {
		t.Fatalf("re-derived ClearsDone %v, deadline %s", c.ClearsDone, c.SupervisedDeadline)
	}
	plain := &Case{}
	plain.Derive(camp, now)
	if plain.SupervisedDeadline != "" || plain.ClearsDone {
		t.Fatalf("a plain case derived %+v", plain)
	}
}

func TestProblemNo_Format(t *testing.T) {
	if got := ProblemNo("320404004", 2020, 7); got != "320404004-2020-0007" {
		t.Errorf("ProblemNo = %s", got)
	}
}

func TestStored_WithoutDisplayFields(t *testing.T) {
	c := &Case{ID: 3, TownName: "五星街道", VillageName: "新中社区", Warnings: []Warning{{Code: RuleStale}}, ClearsDone: true}
	s := c.Stored()
	if s.TownName != "" || s.VillageName != "" || s.Warnings != nil || s.ID != 3 || !s.ClearsDone {
		t.Errorf("Stored = %+v", s)
	}
	if c.TownName != "五星街道" {
		t.Error("Stored changed the case")
	}
}
