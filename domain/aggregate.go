package domain

import (
	"strconv"
	"strings"
)

// TotalRegion is the region text of 附件2's last row.
const TotalRegion = "合计"

// FactsOf extracts what 附件2 needs of a case; regionID is the breakdown row
// the case falls in. Col 13 reads the case's stored ClearsDone flag (Derive:
// every item of the campaign's checklist done), the flag 附件1 col 16 ticks.
func FactsOf(c *Case, regionID int64) CaseFacts {
	return CaseFacts{
		RegionID:           regionID,
		Status:             c.Status,
		Category:           c.Category,
		OnsiteDone:         c.OnsiteStatus == OnsiteDone,
		ClearsComplete:     c.ClearsDone,
		CaseFiled:          c.CaseFiled,
		FineFen:            c.FineFen,
		ConfiscatedFen:     c.ConfiscatedFen,
		JudicialTransfer:   c.JudicialTransfer,
		DetainedPersons:    c.DetainedPersons,
		DisciplinedPersons: c.DisciplinedPersons,
	}
}

// Summarize computes 附件2 (违法违规“小字头”及“停产停业”企业排查整治问题汇总表):
// one row per region, in the order given and every region present even when
// all zeros, and the 合计 row as the exact sum of the rows. It is the one
// place the table's definitions (DESIGN.md §3) are computed; the live report,
// the frozen weekly snapshots and the exports all come from here.
//
// Voided cases count nowhere. Cases and sites whose RegionID is not among
// regions are ignored: the caller chose the breakdown, and anything outside it
// belongs to no row (and so not to 合计 either); a region listed twice gets
// its figures in its first row. A case with a category
// outside the seven still counts in 问题总数 but in no category column, so
// ValidateSummary reports the mismatch instead of it being hidden.
func Summarize(regions []SummaryRegion, cases []CaseFacts, sites []InspectedSite) Summary {
	rows := make([]SummaryRow, len(regions))
	index := make(map[int64]int, len(regions))
	for i, r := range regions {
		rows[i] = SummaryRow{OrgID: r.ID, Region: r.Name}
		if _, dup := index[r.ID]; !dup {
			index[r.ID] = i
		}
	}

	// 附件2 cols 2–3 排查总数: distinct sites with an inspection, by target type.
	type siteKey struct{ region, site int64 }
	seen := make(map[siteKey]bool, len(sites))
	for _, s := range sites {
		i, ok := index[s.RegionID]
		if !ok || seen[siteKey{s.RegionID, s.SiteID}] {
			continue
		}
		seen[siteKey{s.RegionID, s.SiteID}] = true
		switch s.TargetType {
		case TargetXiaozitou:
			rows[i].InspectedXiaozitou++ // col 2 小字头（家）
		case TargetStopped:
			rows[i].InspectedStopped++ // col 3 停产停业（家）
		}
	}

	for _, c := range cases {
		i, ok := index[c.RegionID]
		if !ok || c.Status == StatusVoided {
			continue
		}
		r := &rows[i]
		r.Problems++ // col 4 问题总数（家）: one case per site, so cases are firms
		switch c.Category {
		case CatSmelting:
			r.Smelting++ // col 5 小冶炼（家）
		case CatElectroplating:
			r.Electroplating++ // col 6 小电镀（家）
		case CatSpraying:
			r.Spraying++ // col 7 小喷涂（家）
		case CatDyeing:
			r.Dyeing++ // col 8 小印染（家）
		case CatDust:
			r.Dust++ // col 9 小涉爆粉尘（家）
		case CatOther:
			r.Other++ // col 10 其它（家）
		case CatStopped:
			r.Stopped++ // col 11 “停产停业”企业（家）
		}
		if c.OnsiteDone {
			r.Rectified++ // col 12 整治完成数（家）: 现场整治 已完成
		}
		if c.ClearsComplete {
			r.TwoCutsThreeClears++ // col 13 “两断三清”（家）: every item done
		}
		if c.CaseFiled {
			r.CaseFiled++ // col 14 立案查处（家）
		}
		r.FineFen += c.FineFen               // col 15 行政处罚（万元）
		r.ConfiscatedFen += c.ConfiscatedFen // col 16 没收违法所得（万元）
		if c.JudicialTransfer {
			r.JudicialTransfers++ // col 17 移送司法机关数（家）
		}
		r.DetainedPersons += c.DetainedPersons       // col 18 行政、刑事拘留人数
		r.DisciplinedPersons += c.DisciplinedPersons // col 19 党纪政纪处理人数
	}

	for i := range rows {
		rows[i].FineWan = FenToWan(rows[i].FineFen)
		rows[i].ConfiscatedWan = FenToWan(rows[i].ConfiscatedFen)
	}
	return Summary{Rows: rows, Total: TotalOf(rows)}
}

// addSummaryRow adds r's counts and amounts into t: 合计 is summed from the
// rows (amounts in fen), never recounted, so it always equals Σ rows.
func addSummaryRow(t, r *SummaryRow) {
	t.InspectedXiaozitou += r.InspectedXiaozitou
	t.InspectedStopped += r.InspectedStopped
	t.Problems += r.Problems
	t.Smelting += r.Smelting
	t.Electroplating += r.Electroplating
	t.Spraying += r.Spraying
	t.Dyeing += r.Dyeing
	t.Dust += r.Dust
	t.Other += r.Other
	t.Stopped += r.Stopped
	t.Rectified += r.Rectified
	t.TwoCutsThreeClears += r.TwoCutsThreeClears
	t.CaseFiled += r.CaseFiled
	t.FineFen += r.FineFen
	t.ConfiscatedFen += r.ConfiscatedFen
	t.JudicialTransfers += r.JudicialTransfers
	t.DetainedPersons += r.DetainedPersons
	t.DisciplinedPersons += r.DisciplinedPersons
}

// TotalOf sums rows into a 合计 row, for rolling up submitted snapshots (each
// a frozen town row) into the district's merged 附件2.
func TotalOf(rows []SummaryRow) SummaryRow {
	t := SummaryRow{Region: TotalRegion}
	for i := range rows {
		addSummaryRow(&t, &rows[i])
	}
	t.FineWan = FenToWan(t.FineFen)
	t.ConfiscatedWan = FenToWan(t.ConfiscatedFen)
	return t
}

// RegionOf maps a record's place path to its row of a 附件2 for unit: with
// breakdown, the child of unit whose path prefixes it; the unit itself for
// a record placed at the unit (its 本级 row, UnitRegion) or without
// breakdown.
func RegionOf(unit *OrgUnit, breakdown bool, path string) int64 {
	if !breakdown || !strings.HasPrefix(path, unit.Path) {
		return unit.ID
	}
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, unit.Path), "/")
	if seg == "" {
		return unit.ID
	}
	id, err := strconv.ParseInt(seg, 10, 64)
	if err != nil {
		return unit.ID
	}
	return id
}

// UnitRegion is the last row of a breakdown: the records placed at the
// unit itself (a town's cases without a village), so that 合计 still covers
// the whole unit. It is shown when such records exist, or when the unit has
// no children to break down into.
func UnitRegion(unit *OrgUnit) SummaryRegion {
	return SummaryRegion{ID: unit.ID, Name: unit.Name + "本级"}
}
