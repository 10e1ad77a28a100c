package domain

import (
	"fmt"
	"math"
)

// Maintained 附件2 counters. Every place (campaign, town, village) keeps the
// figures 附件2 sums — counts and fen amounts, the inspected 小字头/停产停业 —
// and the case count of each status, changed in the same transaction as
// every case and first inspection that changes them, so that a roll-up adds
// a few rows instead of reading every case. What one case or one inspected
// site contributes is Summarize's own answer for that one record (the
// column rules are not written twice), and Recount proves the maintained
// figures equal Summarize over the rows.

// CounterColumn names one maintained figure.
type CounterColumn int

// The maintained figures: 附件2 cols 2–19 in form order, then what the
// dashboard and the list totals read.
const (
	CountInspectedXiaozitou CounterColumn = iota // col 2 排查总数 小字头（家）
	CountInspectedStopped                        // col 3 排查总数 停产停业（家）
	CountProblems                                // col 4 问题总数（家）
	CountSmelting                                // col 5 小冶炼
	CountElectroplating                          // col 6 小电镀
	CountSpraying                                // col 7 小喷涂
	CountDyeing                                  // col 8 小印染
	CountDust                                    // col 9 小涉爆粉尘
	CountOther                                   // col 10 其它
	CountStopped                                 // col 11 “停产停业”企业
	CountRectified                               // col 12 整治完成数
	CountTwoCutsThreeClears                      // col 13 “两断三清”
	CountCaseFiled                               // col 14 立案查处
	CountFineFen                                 // col 15 行政处罚, in fen
	CountConfiscatedFen                          // col 16 没收违法所得, in fen
	CountJudicialTransfers                       // col 17 移送司法机关数
	CountDetainedPersons                         // col 18 行政、刑事拘留人数
	CountDisciplinedPersons                      // col 19 党纪政纪处理人数
	CountInspected                               // distinct sites inspected, whatever their target type (dashboard)
	CountSupervised                              // 挂牌督办 cases neither closed out nor voided (dashboard)
	CountRegistered                              // cases by status, voided included:
	CountRectifying
	CountCloseoutRequested
	CountVillageApproved
	CountTownApproved
	CountClosedOut
	CountVoided
	NumCounterColumns
)

// CounterNames names each figure: the 附件2 ones by their JSON field in
// GET /api/v1/reports/summary, the status counts "status_" + the status.
// The store keeps each in a column of that name.
var CounterNames = [NumCounterColumns]string{
	"inspected_xiaozitou", "inspected_stopped", "problems", "smelting", "electroplating", "spraying", "dyeing",
	"dust", "other", "stopped", "rectified", "two_cuts_three_clears", "case_filed", "fine_fen", "confiscated_fen",
	"judicial_transfers", "detained_persons", "disciplined_persons", "inspected", "supervised",
	"status_registered", "status_rectifying", "status_closeout_requested", "status_village_approved",
	"status_town_approved", "status_closed_out", "status_voided",
}

// CounterTitles gives each figure's Chinese name, for a person reading a
// verification failure.
var CounterTitles = [NumCounterColumns]string{
	"排查总数·小字头", "排查总数·停产停业", "问题总数", "小冶炼", "小电镀", "小喷涂", "小印染", "小涉爆粉尘", "其它",
	"“停产停业”企业", "整治完成数", "“两断三清”", "立案查处", "行政处罚（分）", "没收违法所得（分）", "移送司法机关数",
	"行政、刑事拘留人数", "党纪政纪处理人数", "已排查场所", "挂牌督办（未销号）",
	"登记", "整治中", "申请销号", "村审核通过", "镇审核通过", "已销号", "已作废",
}

// statusColumns maps each status to its count.
var statusColumns = map[CaseStatus]CounterColumn{
	StatusRegistered: CountRegistered, StatusRectifying: CountRectifying, StatusCloseoutRequested: CountCloseoutRequested,
	StatusVillageApproved: CountVillageApproved, StatusTownApproved: CountTownApproved, StatusClosedOut: CountClosedOut,
	StatusVoided: CountVoided,
}

// StatusColumn is the count of cases in status s (false for a status
// outside the life cycle, which no column counts).
func StatusColumn(s CaseStatus) (CounterColumn, bool) {
	c, ok := statusColumns[s]
	return c, ok
}

// Counters is one place's maintained figures (amounts in fen). Every
// figure is an int64 and every sum is overflow-checked (Add): an amount
// that would not fit is refused, never wrapped.
type Counters [NumCounterColumns]int64

// CounterKey is where a record counts: its campaign, its town-level unit
// (org_id) and its village (0 for none).
type CounterKey struct {
	CampaignID int64
	OrgID      int64
	VillageID  int64
}

// PlaceID is the unit the key's records lie at: the village, else the town.
func (k CounterKey) PlaceID() int64 {
	if k.VillageID != 0 {
		return k.VillageID
	}
	return k.OrgID
}

// CaseKey is where case c counts.
func CaseKey(c *Case) CounterKey {
	k := CounterKey{CampaignID: c.CampaignID, OrgID: c.OrgID}
	if c.VillageID != nil {
		k.VillageID = *c.VillageID
	}
	return k
}

// SiteKey is where site s counts in a campaign it was inspected in.
func SiteKey(campaignID int64, s *Site) CounterKey {
	k := CounterKey{CampaignID: campaignID, OrgID: s.OrgID}
	if s.VillageID != nil {
		k.VillageID = *s.VillageID
	}
	return k
}

// oneRegion is the breakdown of one record's own Summarize.
var oneRegion = []SummaryRegion{{ID: 1}}

// CaseCounters is what case c contributes to its place's counters: its
// 附件2 figures as Summarize counts them (FactsOf; a voided case counts in
// no 附件2 column), its status count, and 挂牌督办 while it is live.
func CaseCounters(c *Case) Counters {
	k := CountersOfRow(Summarize(oneRegion, []CaseFacts{FactsOf(c, 1)}, nil).Rows[0])
	if col, ok := StatusColumn(c.Status); ok {
		k[col] = 1
	}
	if LiveSupervised(c) {
		k[CountSupervised] = 1
	}
	return k
}

// LiveSupervised reports whether c counts as 挂牌督办 on the dashboard: it
// is supervised and neither closed out nor voided.
func LiveSupervised(c *Case) bool {
	return c.Supervised && c.Status != StatusClosedOut && c.Status != StatusVoided
}

// SiteCounters is what one site inspected in a campaign contributes to its
// place's counters (however often it was inspected): 附件2 cols 2–3 as
// Summarize counts them by its target type, and the inspected count.
func SiteCounters(targetType string) Counters {
	k := CountersOfRow(Summarize(oneRegion, nil, []InspectedSite{{RegionID: 1, SiteID: 1, TargetType: targetType}}).Rows[0])
	k[CountInspected] = 1
	return k
}

// CounterDelta is a change to one place's counters. A change with a zero
// Delta still names the place: the place's data changed (its 附件1 rows,
// say), and the weekly snapshot's version check must see it.
type CounterDelta struct {
	Key   CounterKey
	Delta Counters
}

// CaseChange is the change to the counters of case before becoming after:
// nil before for a new case. A case that stays in its place changes that
// place by the difference of its contributions; one that moves (a
// transfer) leaves its old place and arrives in the new one.
func CaseChange(before, after *Case) ([]CounterDelta, error) {
	to := CaseKey(after)
	add := CaseCounters(after)
	if before == nil {
		return []CounterDelta{{Key: to, Delta: add}}, nil
	}
	from := CaseKey(before)
	var zero Counters
	sub, err := zero.Sub(CaseCounters(before))
	if err != nil {
		return nil, err
	}
	if from == to {
		d, err := add.Add(sub)
		if err != nil {
			return nil, err
		}
		return []CounterDelta{{Key: to, Delta: d}}, nil
	}
	return []CounterDelta{{Key: from, Delta: sub}, {Key: to, Delta: add}}, nil
}

// FirstInspection is the change a site's first inspection in a campaign
// makes: the site now counts among the inspected.
func FirstInspection(campaignID int64, s *Site) CounterDelta {
	return CounterDelta{Key: SiteKey(campaignID, s), Delta: SiteCounters(s.TargetType)}
}

// SiteCounted reports whether a change of a site from before to after
// changes what it contributes wherever it was inspected: its place or its
// target type.
func SiteCounted(before, after *Site) bool {
	return SiteKey(0, before) != SiteKey(0, after) || before.TargetType != after.TargetType
}

// SiteChange is the change to the counters of a campaign the site was
// inspected in, when the site goes from before to after (nil when nothing
// it contributes changed).
func SiteChange(campaignID int64, before, after *Site) ([]CounterDelta, error) {
	if !SiteCounted(before, after) {
		return nil, nil
	}
	var zero Counters
	sub, err := zero.Sub(SiteCounters(before.TargetType))
	if err != nil {
		return nil, err
	}
	from, to := SiteKey(campaignID, before), SiteKey(campaignID, after)
	add := SiteCounters(after.TargetType)
	if from == to {
		d, err := add.Add(sub)
		return []CounterDelta{{Key: to, Delta: d}}, err
	}
	return []CounterDelta{{Key: from, Delta: sub}, {Key: to, Delta: add}}, nil
}

// CounterOverflow refuses a change whose sum would not fit: the figures are
// bounded by int64 (amounts in fen, up to about 9.2 × 10^18 fen), and a sum
// beyond that is an error, never a wrapped or rounded number.
func CounterOverflow(col CounterColumn) *Error {
	field := CounterNames[col]
	return &Error{Code: EINVALID, Field: field,
		Message: fmt.Sprintf("%s合计超出可记录的范围（最多 %d），未保存", CounterTitles[col], int64(math.MaxInt64))}
}

// Add returns c + d, or the overflow of the first figure that would not fit.
func (c Counters) Add(d Counters) (Counters, error) {
	var out Counters
	for i := range c {
		s, ok := add64(c[i], d[i])
		if !ok {
			return c, CounterOverflow(CounterColumn(i))
		}
		out[i] = s
	}
	return out, nil
}

// Sub returns c − d, or the overflow of the first figure that would not fit.
func (c Counters) Sub(d Counters) (Counters, error) {
	var out Counters
	for i := range c {
		s, ok := sub64(c[i], d[i])
		if !ok {
			return c, CounterOverflow(CounterColumn(i))
		}
		out[i] = s
	}
	return out, nil
}

// add64 is a + b, false when it does not fit in an int64.
func add64(a, b int64) (int64, bool) {
	s := a + b // wraps on overflow (Go defines it), which the signs reveal
	if (a >= 0 && b >= 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		return 0, false
	}
	return s, true
}

// sub64 is a − b, false when it does not fit in an int64.
func sub64(a, b int64) (int64, bool) {
	s := a - b
	if (a >= 0 && b < 0 && s < 0) || (a < 0 && b >= 0 && s >= 0) {
		return 0, false
	}
	return s, true
}

// IsZero reports whether every figure is zero.
func (c Counters) IsZero() bool { return c == Counters{} }

// Counted reports whether a record shown in 附件2 counts here: a site
// inspected or a case not voided. A breakdown shows its 本级 row when the
// unit itself has such a record (UnitRegion).
func (c Counters) Counted() bool { return c[CountInspected] > 0 || c[CountProblems] > 0 }

// Status is the number of cases in status s.
func (c Counters) Status(s CaseStatus) int64 {
	if col, ok := StatusColumn(s); ok {
		return c[col]
	}
	return 0
}

// CountersOfRow takes a 附件2 row's figures (cols 2–19).
func CountersOfRow(r SummaryRow) Counters {
	var c Counters
	c[CountInspectedXiaozitou] = int64(r.InspectedXiaozitou)
	c[CountInspectedStopped] = int64(r.InspectedStopped)
	c[CountProblems] = int64(r.Problems)
	c[CountSmelting] = int64(r.Smelting)
	c[CountElectroplating] = int64(r.Electroplating)
	c[CountSpraying] = int64(r.Spraying)
	c[CountDyeing] = int64(r.Dyeing)
	c[CountDust] = int64(r.Dust)
	c[CountOther] = int64(r.Other)
	c[CountStopped] = int64(r.Stopped)
	c[CountRectified] = int64(r.Rectified)
	c[CountTwoCutsThreeClears] = int64(r.TwoCutsThreeClears)
	c[CountCaseFiled] = int64(r.CaseFiled)
	c[CountFineFen] = r.FineFen
	c[CountConfiscatedFen] = r.ConfiscatedFen
	c[CountJudicialTransfers] = int64(r.JudicialTransfers)
	c[CountDetainedPersons] = int64(r.DetainedPersons)
	c[CountDisciplinedPersons] = int64(r.DisciplinedPersons)
	return c
}

// SummaryRow is the counters as a row of 附件2 for region, the 万元 amounts
// written exactly, as Summarize writes them.
func (c Counters) SummaryRow(region SummaryRegion) SummaryRow {
	r := SummaryRow{
		OrgID: region.ID, Region: region.Name,
		InspectedXiaozitou: int(c[CountInspectedXiaozitou]), InspectedStopped: int(c[CountInspectedStopped]),
		Problems: int(c[CountProblems]), Smelting: int(c[CountSmelting]), Electroplating: int(c[CountElectroplating]),
		Spraying: int(c[CountSpraying]), Dyeing: int(c[CountDyeing]), Dust: int(c[CountDust]), Other: int(c[CountOther]),
		Stopped: int(c[CountStopped]), Rectified: int(c[CountRectified]), TwoCutsThreeClears: int(c[CountTwoCutsThreeClears]),
		CaseFiled: int(c[CountCaseFiled]), FineFen: c[CountFineFen], ConfiscatedFen: c[CountConfiscatedFen],
		JudicialTransfers: int(c[CountJudicialTransfers]), DetainedPersons: int(c[CountDetainedPersons]),
		DisciplinedPersons: int(c[CountDisciplinedPersons]),
	}
	r.FineWan, r.ConfiscatedWan = FenToWan(r.FineFen), FenToWan(r.ConfiscatedFen)
	return r
}

// CategoryColumns are the 附件2 category counts (cols 5–11) by category.
var CategoryColumns = map[Category]CounterColumn{
	CatSmelting: CountSmelting, CatElectroplating: CountElectroplating, CatSpraying: CountSpraying,
	CatDyeing: CountDyeing, CatDust: CountDust, CatOther: CountOther, CatStopped: CountStopped,
}

// Recount computes every place's counters afresh from the rows, with
// Summarize per place for the 附件2 columns: the proof (counters verify)
// and the rebuild of the maintained figures. Feed it the cases and the
// inspected sites — each site once per campaign it was inspected in — in
// batches of any size, then read Counters.
type Recount struct {
	acc map[CounterKey]*Counters
}

// NewRecount starts an empty recount.
func NewRecount() *Recount { return &Recount{acc: map[CounterKey]*Counters{}} }

// PlacedSite is a site inspected in a campaign, with where it counts.
type PlacedSite struct {
	Key        CounterKey
	SiteID     int64
	TargetType string
}

// regionsOf numbers the distinct places of a batch 1, 2, … as Summarize's regions.
func regionsOf(keys []CounterKey) map[CounterKey]int64 {
	ids := map[CounterKey]int64{}
	for _, k := range keys {
		if _, ok := ids[k]; !ok {
			ids[k] = int64(len(ids) + 1)
		}
	}
	return ids
}

// add adds one batch's Summarize rows into the accumulated counters.
func (r *Recount) add(ids map[CounterKey]int64, rows []SummaryRow, extra map[CounterKey]*Counters) error {
	for k, id := range ids {
		c := CountersOfRow(rows[id-1])
		if e := extra[k]; e != nil {
			var err error
			if c, err = c.Add(*e); err != nil {
				return err
			}
		}
		cur := r.acc[k]
		if cur == nil {
			cur = &Counters{}
			r.acc[k] = cur
		}
		sum, err := cur.Add(c)
		if err != nil {
			return err
		}
		*cur = sum
	}
	return nil
}

// Cases counts a batch of cases, each at CaseKey. The batch goes through
// one Summarize with its places as the regions when no sum in it can
// overflow (every amount of the batch together fits in an int64); else
// case by case, each case's Summarize added with the overflow check.
func (r *Recount) Cases(cases []*Case) error {
	if !amountsFit(cases) {
		for _, c := range cases {
			k := CaseKey(c)
			cur := r.acc[k]
			if cur == nil {
				cur = &Counters{}
				r.acc[k] = cur
			}
			sum, err := cur.Add(CaseCounters(c))
			if err != nil {
				return err
			}
			*cur = sum
		}
		return nil
	}
	keys := make([]CounterKey, len(cases))
	for i, c := range cases {
		keys[i] = CaseKey(c)
	}
	ids := regionsOf(keys)
	regions := make([]SummaryRegion, len(ids))
	for i := range regions {
		regions[i] = SummaryRegion{ID: int64(i + 1)}
	}
	facts := make([]CaseFacts, len(cases))
	extra := map[CounterKey]*Counters{}
	for i, c := range cases {
		facts[i] = FactsOf(c, ids[keys[i]])
		e := extra[keys[i]]
		if e == nil {
			e = &Counters{}
			extra[keys[i]] = e
		}
		if col, ok := StatusColumn(c.Status); ok {
			e[col]++
		}
		if LiveSupervised(c) {
			e[CountSupervised]++
		}
	}
	sum := Summarize(regions, facts, nil)
	return r.add(ids, sum.Rows, extra)
}

// amountsFit reports whether every amount and person count of the cases
// added together (as magnitudes) fits in an int64, so that no sum of a
// subset can overflow.
func amountsFit(cases []*Case) bool {
	var total int64
	for _, c := range cases {
		for _, v := range []int64{c.FineFen, c.ConfiscatedFen, int64(c.DetainedPersons), int64(c.DisciplinedPersons)} {
			if v < 0 {
				if v == math.MinInt64 {
					return false
				}
				v = -v
			}
			var ok bool
			if total, ok = add64(total, v); !ok {
				return false
			}
		}
	}
	return true
}

// Sites counts a batch of inspected sites.
func (r *Recount) Sites(sites []PlacedSite) error {
	keys := make([]CounterKey, len(sites))
	for i, s := range sites {
		keys[i] = s.Key
	}
	ids := regionsOf(keys)
	regions := make([]SummaryRegion, len(ids))
	for i := range regions {
		regions[i] = SummaryRegion{ID: int64(i + 1)}
	}
	in := make([]InspectedSite, len(sites))
	extra := map[CounterKey]*Counters{}
	for i, s := range sites {
		in[i] = InspectedSite{RegionID: ids[s.Key], SiteID: s.SiteID, TargetType: s.TargetType}
		e := extra[s.Key]
		if e == nil {
			e = &Counters{}
			extra[s.Key] = e
		}
		e[CountInspected]++
	}
	sum := Summarize(regions, nil, in)
	return r.add(ids, sum.Rows, extra)
}

// Counters is every place's recounted figures; a place with no record has none.
func (r *Recount) Counters() map[CounterKey]Counters {
	out := make(map[CounterKey]Counters, len(r.acc))
	for k, c := range r.acc {
		out[k] = *c
	}
	return out
}

// CounterDiff is the first figure where two places' counters differ.
type CounterDiff struct {
	Key      CounterKey
	Column   CounterColumn
	Stored   int64
	Recount  int64
	Differed bool
}

// FirstCounterDiff compares the stored counters with a recount over the
// keys in the order given (a key missing from either side counts as all
// zeros) and returns the first difference.
func FirstCounterDiff(keys []CounterKey, stored, recount map[CounterKey]Counters) CounterDiff {
	for _, k := range keys {
		s, r := stored[k], recount[k]
		if s == r {
			continue
		}
		for i := range s {
			if s[i] != r[i] {
				return CounterDiff{Key: k, Column: CounterColumn(i), Stored: s[i], Recount: r[i], Differed: true}
			}
		}
	}
	return CounterDiff{}
}
