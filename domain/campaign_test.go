package domain

import "testing"

func TestActiveCampaign(t *testing.T) {
	camp := func(id int64, start, end Date) *Campaign { return &Campaign{ID: id, StartDate: start, EndDate: end} }
	cases := []struct {
		name  string
		camps []*Campaign
		today Date
		want  int64 // 0: none
	}{
		{"no campaigns", nil, "2020-10-14", 0},
		{"today within its dates", []*Campaign{camp(1, "2020-09-27", "2020-11-30")}, "2020-10-14", 1},
		{"first and last day count", []*Campaign{camp(1, "2020-10-14", "2020-10-14")}, "2020-10-14", 1},
		{"a running one beats a later-started ended one",
			[]*Campaign{camp(1, "2020-01-01", "2020-12-31"), camp(2, "2020-03-01", "2020-06-30")}, "2020-10-14", 1},
		{"of two running, the latest started",
			[]*Campaign{camp(1, "2020-01-01", "2020-12-31"), camp(2, "2020-09-01", "2020-12-31")}, "2020-10-14", 2},
		{"same start: the newer record",
			[]*Campaign{camp(2, "2020-09-01", "2020-12-31"), camp(3, "2020-09-01", "2020-12-31")}, "2020-10-14", 3},
		{"none running: the latest started",
			[]*Campaign{camp(1, "2019-01-01", "2019-12-31"), camp(2, "2020-01-01", "2020-06-30"), camp(3, "2021-01-01", "2021-06-30")}, "2020-10-14", 2},
		{"none started: the first to start",
			[]*Campaign{camp(5, "2021-03-01", "2021-06-30"), camp(4, "2021-01-01", "2021-06-30"), camp(6, "2021-01-01", "2021-02-28")}, "2020-10-14", 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ActiveCampaign(c.camps, c.today)
			var id int64
			if got != nil {
				id = got.ID
			}
			if id != c.want {
				t.Fatalf("active = %d, want %d", id, c.want)
			}
		})
	}
}

func TestCampaignNormalize_Defaults(t *testing.T) {
	c := Campaign{Name: " 专项整治 ", StartDate: "2020-09-27", EndDate: "2020-11-30"}
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	if c.Name != "专项整治" || c.DeadlineTime != DefaultDeadlineTime || c.TimeZone != ZoneName ||
		c.RecheckDays != DefaultRecheckDays || c.SupervisedDays != DefaultSupervisedDays ||
		len(c.Categories) != len(DefaultCategories) || len(c.ClearItems) != len(DefaultClearItems) {
		t.Fatalf("defaults not filled: %+v", c)
	}
	// The defaults the notice gives: re-checks monthly, 挂牌督办 within two months, reports by 17:00.
	if DefaultRecheckDays != 30 || DefaultSupervisedDays != 60 || DefaultDeadlineTime != "17:00" {
		t.Fatal("default values changed")
	}
	set := Campaign{Name: "c", StartDate: "2020-09-27", EndDate: "2020-11-30", RecheckDays: 14, SupervisedDays: 45}
	if err := set.Normalize(); err != nil || set.RecheckDays != 14 || set.SupervisedDays != 45 {
		t.Fatalf("given values must stay: %+v %v", set, err)
	}
}
