package app

import (
	"context"
	"fmt"
	"sort"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// The maintained 附件2 counters (domain/counters.go): every use case that
// changes a case — its facts, place or status — or a site's first
// inspection in a campaign, or an inspected site's target type or place,
// applies the domain's change to the counters in its own transaction
// (countCase, countFirstInspection, countSite). The roll-ups, the
// dashboard and the weekly snapshot read them (summary.go, dashboard.go,
// reports.go); VerifyCounters and RebuildCounters hold them to a recount.

// applyCounters adds each change to its place's counters and its town's,
// refusing a sum that would not fit (domain.Counters.Add) before anything
// is written.
func applyCounters(tx *store.Tx, ds []domain.CounterDelta) error {
	for _, d := range ds {
		place, town, err := tx.CountersAt(d.Key)
		if err != nil {
			return err
		}
		if _, err := place.Add(d.Delta); err != nil {
			return err
		}
		if _, err := town.Add(d.Delta); err != nil {
			return err
		}
		if err := tx.AddCounters(d.Key, d.Delta); err != nil {
			return err
		}
	}
	return nil
}

// countCase applies a case's change from before (nil: new) to after.
func countCase(tx *store.Tx, before, after *domain.Case) error {
	ds, err := domain.CaseChange(before, after)
	if err != nil {
		return err
	}
	return applyCounters(tx, ds)
}

// countFirstInspection counts site among the inspected of a campaign; the
// caller has just recorded its first inspection there.
func countFirstInspection(tx *store.Tx, campaignID int64, site *domain.Site) error {
	return applyCounters(tx, []domain.CounterDelta{domain.FirstInspection(campaignID, site)})
}

// countSite applies a site's change from before to after in every campaign
// it was inspected in, when its place or target type changed.
func countSite(tx *store.Tx, before, after *domain.Site) error {
	if !domain.SiteCounted(before, after) {
		return nil
	}
	camps, err := tx.InspectedCampaigns(before.ID)
	if err != nil {
		return err
	}
	for _, id := range camps {
		ds, err := domain.SiteChange(id, before, after)
		if err != nil {
			return err
		}
		if err := applyCounters(tx, ds); err != nil {
			return err
		}
	}
	return nil
}

// CounterCheck is the answer of VerifyCounters: how many places were
// compared and, when they differ, the first place and figure that does.
type CounterCheck struct {
	Campaigns int
	Places    int
	Diff      *CounterMismatch
}

// CounterMismatch names a place whose stored counter differs from the
// recount: the campaign, the unit (its village, else its town), the figure.
type CounterMismatch struct {
	CampaignID   int64
	CampaignName string
	OrgID        int64
	VillageID    int64
	UnitName     string
	Column       string // domain.CounterNames
	ColumnTitle  string // domain.CounterTitles
	Stored       int64
	Recount      int64
}

func (m *CounterMismatch) String() string {
	return fmt.Sprintf("campaign %d %s, %s (org %d, village %d): %s (%s) stored %d, recount %d",
		m.CampaignID, m.CampaignName, m.UnitName, m.OrgID, m.VillageID, m.Column, m.ColumnTitle, m.Stored, m.Recount)
}

// VerifyCounters recounts every campaign's counters from the rows
// (domain.Recount: Summarize per place) and compares them with the stored
// ones, place by place (campaign, town, village). It reads without the
// writer lock; when it finds a difference it checks again inside a write
// transaction, so a change committed while it read is not reported.
func (s *App) VerifyCounters(ctx context.Context) (*CounterCheck, error) {
	res, err := verifyCounters(s.db.Reader(ctx))
	if err != nil || res.Diff == nil {
		return res, err
	}
	err = s.db.Write(ctx, nil, func(tx *store.Tx) error {
		res, err = verifyCounters(tx.Reader)
		return err
	})
	return res, err
}

func verifyCounters(r store.Reader) (*CounterCheck, error) {
	ids, err := r.CampaignIDs()
	if err != nil {
		return nil, err
	}
	res := &CounterCheck{Campaigns: len(ids)}
	for _, id := range ids {
		recount, err := r.RecountCounters(id)
		if err != nil {
			return nil, err
		}
		rows, err := r.Counters(id, store.CounterFilter{All: true})
		if err != nil {
			return nil, err
		}
		stored := make(map[domain.CounterKey]domain.Counters, len(rows))
		for _, row := range rows {
			stored[row.Key] = row.Counters
		}
		keys := make([]domain.CounterKey, 0, len(stored)+len(recount))
		for k := range stored {
			keys = append(keys, k)
		}
		for k := range recount {
			if _, ok := stored[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].OrgID != keys[j].OrgID {
				return keys[i].OrgID < keys[j].OrgID
			}
			return keys[i].VillageID < keys[j].VillageID
		})
		res.Places += len(keys)
		d := domain.FirstCounterDiff(keys, stored, recount)
		whole := false
		if !d.Differed {
			// Each town as a whole: its own row against its places recounted.
			if d, err = townDiff(r, id, recount); err != nil {
				return nil, err
			}
			whole = true
		}
		if !d.Differed {
			continue
		}
		m := &CounterMismatch{CampaignID: id, OrgID: d.Key.OrgID, VillageID: d.Key.VillageID,
			Column: domain.CounterNames[d.Column], ColumnTitle: domain.CounterTitles[d.Column], Stored: d.Stored, Recount: d.Recount}
		if camp, err := r.Campaign(id); err == nil {
			m.CampaignName = camp.Name
		}
		if o, err := r.Org(d.Key.PlaceID()); err == nil {
			m.UnitName = o.Name
		}
		if whole {
			m.UnitName += "（全镇合计）"
		}
		res.Diff = m
		return res, nil
	}
	return res, nil
}

// townDiff compares each town's own counter row with the sum of its
// places recounted.
func townDiff(r store.Reader, campaignID int64, recount map[domain.CounterKey]domain.Counters) (domain.CounterDiff, error) {
	want := map[domain.CounterKey]domain.Counters{}
	for k, c := range recount {
		t := domain.CounterKey{CampaignID: k.CampaignID, OrgID: k.OrgID}
		sum, err := want[t].Add(c)
		if err != nil {
			return domain.CounterDiff{}, err
		}
		want[t] = sum
	}
	rows, err := r.Counters(campaignID, store.CounterFilter{All: true, Group: store.ByTown})
	if err != nil {
		return domain.CounterDiff{}, err
	}
	stored := make(map[domain.CounterKey]domain.Counters, len(rows))
	keys := make([]domain.CounterKey, 0, len(rows)+len(want))
	for _, row := range rows {
		stored[row.Key] = row.Counters
		keys = append(keys, row.Key)
	}
	for k := range want {
		if _, ok := stored[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].OrgID < keys[j].OrgID })
	return domain.FirstCounterDiff(keys, stored, want), nil
}

// CounterRebuild is what RebuildCounters did, as its audit event records it.
type CounterRebuild struct {
	Campaigns int `json:"campaigns"`
	Places    int `json:"places"`
	Changed   int `json:"changed"` // places whose figures the rebuild corrected
}

// RebuildCounters replaces every campaign's counters by a recount from the
// rows, in one transaction audited as one event by the system (the
// command line's `zhengzhi counters rebuild`).
func (s *App) RebuildCounters(ctx context.Context) (*CounterRebuild, error) {
	out := &CounterRebuild{}
	err := s.db.Write(ctx, nil, func(tx *store.Tx) error {
		ids, err := tx.CampaignIDs()
		if err != nil {
			return err
		}
		*out = CounterRebuild{Campaigns: len(ids)}
		for _, id := range ids {
			recount, err := tx.RecountCounters(id)
			if err != nil {
				return err
			}
			rows, err := tx.Counters(id, store.CounterFilter{All: true})
			if err != nil {
				return err
			}
			seen := map[domain.CounterKey]bool{}
			for _, row := range rows {
				seen[row.Key] = true
				if row.Counters != recount[row.Key] {
					out.Changed++
				}
			}
			for k, c := range recount {
				if !seen[k] {
					seen[k] = true
					if !c.IsZero() {
						out.Changed++
					}
				}
			}
			out.Places += len(seen)
			if err := tx.ReplaceCounters(id, recount); err != nil {
				return err
			}
		}
		return tx.Audit("rebuild", "summary_counters", 0, nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
