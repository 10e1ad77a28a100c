package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// CaseInput is the form for a new case (问题). With SiteID the case is
// opened for that site (unit name, address and person in charge default
// from it); without it, the site is registered from the case's fields in the
// same transaction, placed by OrgID/VillageID as a site is. CampaignID 0
// means the active campaign.
type CaseInput struct {
	CampaignID int64 `json:"campaign_id"`
	SiteID     int64 `json:"site_id"`
	OrgID      int64 `json:"org_id"`
	VillageID  int64 `json:"village_id"`

	domain.CaseFields

	// For the site registered with the case (no SiteID) and its inspection.
	CreditCode string           `json:"credit_code"`
	Phone      domain.Sensitive `json:"phone"`
	Lat        *float64         `json:"lat"`
	Lng        *float64         `json:"lng"`
	Accuracy   *float64         `json:"accuracy"` // metres, from the GPS

	// IdempotencyKey, when set, makes a retry by the same user return the
	// case created first, with no new row and no new audit event.
	IdempotencyKey string `json:"-"`
}

// CaseFilter selects cases for a list; zero values are no criterion. The
// list is always limited to the actor's scope.
type CaseFilter struct {
	CampaignID int64
	OrgID      int64 // any unit: its subtree
	VillageID  int64
	SiteID     int64
	Status     domain.CaseStatus
	Category   domain.Category
	Source     domain.Source
	// Status may also be domain.StatusLive, every case that counts (not
	// voided), or domain.StatusOpen, the cases still to be worked on.
	Overdue          bool   // 超期未整改: past 整改期限, not rectified, not closed out (domain.Overdue)
	AwaitingCloseout bool   // 已整改待销号 (domain.AwaitingCloseout)
	Supervised       bool   // 挂牌督办, not closed out (domain.UnderSupervision)
	Q                string // unit name, address, problem_no or source_no contains
	// Sort is problem_no (default), unit_name, deadline, updated or created;
	// a leading "-" sorts descending.
	Sort string
	// After is the Next of a previous page in the same order (keyset
	// paging, for deep pages); Offset then counts from there.
	After  string
	Limit  int // 0: all
	Offset int
}

// CaseList is a page of the case list.
type CaseList struct {
	Items []*domain.Case
	Total int    // the cases matching the filter
	Start int    // how many come before this page (approximate after a cursor)
	Next  string // the After of the page that follows; "" on the last page
}

// CreateCase opens a case (问题) for a site in the actor's scope. A site
// already having a case in the campaign is refused (ECONFLICT naming that
// case's 问题编号): one case per site per campaign, so counting cases counts
// enterprises. Without SiteID the site is registered first; the site gets an
// inspection (outcome problem) in the campaign when it has none yet; the case
// gets the next 问题编号 of its town and year. All in one transaction.
func (s *App) CreateCase(ctx context.Context, a *domain.Actor, in CaseInput) (*domain.Case, error) {
	camp, err := s.ResolveCampaign(ctx, in.CampaignID)
	if err != nil {
		return nil, err
	}
	var c *domain.Case
	err = s.db.Write(ctx, a, func(tx *store.Tx) (err error) {
		c, err = s.createCase(tx, a, in, camp)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.withWarnings(c, camp, s.clock.Now())
	return c, nil
}

// createCase opens a case inside the caller's transaction (CreateCase's, or
// a tip's that links the case it opens in the same change) and returns it
// read back with its display names.
func (s *App) createCase(tx *store.Tx, a *domain.Actor, in CaseInput, camp *domain.Campaign) (*domain.Case, error) {
	c := &domain.Case{CampaignID: camp.ID, SiteID: in.SiteID, CaseFields: in.CaseFields.Clone()}
	town, err := placeNewCase(tx, a, c, in)
	if err != nil {
		return nil, err
	}
	if err := c.Normalize(camp); err != nil {
		return nil, err
	}
	// Penalty, shutdown and 挂牌督办 values given at once need their own rights.
	if err := domain.CheckCreateRights(a.Role(), c); err != nil {
		return nil, err
	}
	if town.Prefix == "" {
		return nil, domain.Invalid("org_id", "%s 尚未设置问题编号前缀，请联系系统管理员", town.Name)
	}
	var newSite *domain.Site
	if in.SiteID == 0 {
		newSite = &domain.Site{OrgID: c.OrgID, VillageID: c.VillageID, Name: c.UnitName, CreditCode: in.CreditCode,
			TargetType: domain.SiteTargetType(c.Category), Address: c.Address, PersonInCharge: c.PersonInCharge,
			Phone: in.Phone, Lat: in.Lat, Lng: in.Lng, Accuracy: in.Accuracy}
		if err := newSite.Normalize(); err != nil {
			return nil, err
		}
	} else if err := domain.CheckLatLng(in.Lat, in.Lng); err != nil {
		return nil, err
	}

	if id, ok, err := replay(tx, in.IdempotencyKey, "case"); err != nil {
		return nil, err
	} else if ok {
		first, _, err := tx.Case(id)
		return first, found(err, "问题")
	}
	if newSite != nil {
		if err := tx.InsertSite(newSite); err != nil {
			return nil, err
		}
		if err := tx.Audit("create", "site", newSite.ID, nil, newSite); err != nil {
			return nil, err
		}
		c.SiteID = newSite.ID
	} else if err := refuseSecondCase(tx, c.CampaignID, c.SiteID); err != nil {
		return nil, err
	}
	if err := ensureProblemInspection(tx, c, in.Lat, in.Lng); err != nil {
		return nil, err
	}
	now := tx.Now()
	year := now.In(s.zone).Year()
	n, err := tx.NextProblemNo(town.Prefix, year)
	if err != nil {
		return nil, err
	}
	c.ProblemNo = domain.ProblemNo(town.Prefix, year, n)
	c.Status = domain.StatusRegistered
	c.Status = domain.StatusAfterEdit(c)
	c.Derive(camp, now)
	c.Version, c.CreatedBy, c.CreatedAt, c.UpdatedAt = 1, tx.Actor().User.ID, now, now
	if err := tx.InsertCase(c); err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			// Writers are serialised, so this is a backstop: the transaction
			// may be aborted already, so the message cannot name the case.
			return nil, &domain.Error{Code: domain.ECONFLICT, Field: "site_id", Message: "该场所在本专项行动中已有问题"}
		}
		return nil, err
	}
	if err := countCase(tx, nil, c); err != nil {
		return nil, err
	}
	if err := tx.Audit("create", "case", c.ID, nil, c.Stored()); err != nil {
		return nil, err
	}
	if err := siteFollowsCase(tx, c); err != nil {
		return nil, err
	}
	if err := tx.Remember(in.IdempotencyKey, "case", c.ID); err != nil {
		return nil, err
	}
	full, _, err := tx.Case(c.ID)
	return full, found(err, "问题")
}

// placeNewCase places a new case — at its site, or where the form says when
// the site is registered with it — checks that the actor may open a case
// there (the use case's one scope check), fills the site's defaults and
// returns the case's town.
func placeNewCase(tx *store.Tx, a *domain.Actor, c *domain.Case, in CaseInput) (*domain.OrgUnit, error) {
	if in.SiteID == 0 {
		town, village, err := resolvePlace(tx.Reader, a, in.OrgID, in.VillageID)
		if err != nil {
			return nil, err
		}
		place := town
		if village != nil {
			place = village
		}
		if err := domain.Authorize(a, domain.ActCreateCase, place, "单位"); err != nil {
			return nil, err
		}
		c.OrgID = town.ID
		if village != nil {
			c.VillageID = &village.ID
		}
		return town, nil
	}
	site, place, err := tx.Site(in.SiteID)
	if err != nil {
		return nil, found(err, "场所")
	}
	if err := domain.Authorize(a, domain.ActCreateCase, place, "场所"); err != nil {
		return nil, err
	}
	town, err := tx.Org(site.OrgID)
	if err != nil {
		return nil, found(err, "单位")
	}
	c.OrgID, c.VillageID = site.OrgID, site.VillageID
	for _, f := range []struct {
		field *string
		site  string
	}{{&c.UnitName, site.Name}, {&c.Address, site.Address}, {&c.PersonInCharge, site.PersonInCharge}} {
		if strings.TrimSpace(*f.field) == "" {
			*f.field = f.site
		}
	}
	return town, nil
}

// refuseSecondCase enforces one case per site per campaign, naming the
// existing case. The UNIQUE (campaign_id, site_id) constraint backs it up.
func refuseSecondCase(tx *store.Tx, campaignID, siteID int64) error {
	first, err := tx.CaseForSite(campaignID, siteID)
	if store.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	return &domain.Error{Code: domain.ECONFLICT, Field: "site_id",
		Message: fmt.Sprintf("该场所在本专项行动中已有问题 %s，请在原问题上继续处理（复燃的请重新打开原问题）", first.ProblemNo)}
}

// ensureProblemInspection records an inspection (outcome problem) of the
// case's site in its campaign when the site has none there yet: a problem is
// always found at an inspected site (附件2 排查总数 ≥ 问题总数). The site
// then counts among the campaign's inspected ones.
func ensureProblemInspection(tx *store.Tx, c *domain.Case, lat, lng *float64) error {
	n, err := tx.SiteInspectionCount(c.CampaignID, c.SiteID)
	if err != nil || n > 0 {
		return err
	}
	site, _, err := tx.Site(c.SiteID)
	if err != nil {
		return found(err, "场所")
	}
	x := &domain.Inspection{CampaignID: c.CampaignID, SiteID: c.SiteID, InspectedAt: tx.Now(),
		Inspectors: tx.Actor().User.DisplayName, Lat: lat, Lng: lng, Outcome: domain.OutcomeProblem, Note: "登记问题时记录"}
	if err := tx.InsertInspection(x); err != nil {
		return err
	}
	if err := countFirstInspection(tx, c.CampaignID, site); err != nil {
		return err
	}
	return tx.Audit("create", "inspection", x.ID, nil, x)
}

// Case loads a case in the actor's scope, with its town and village names
// and its validation results. Outside scope is not found, as for a missing id.
func (s *App) Case(ctx context.Context, a *domain.Actor, id int64) (*domain.Case, error) {
	r := s.db.Reader(ctx)
	c, place, err := r.Case(id)
	if err != nil {
		return nil, found(err, "问题")
	}
	if err := domain.Authorize(a, domain.ActRead, place, "问题"); err != nil {
		return nil, err
	}
	camp, err := r.Campaign(c.CampaignID)
	if err != nil {
		return nil, found(err, "专项行动")
	}
	s.withWarnings(c, camp, s.clock.Now())
	return c, nil
}

var caseSorts = map[string]store.CaseSort{"problem_no": store.SortProblemNo, "updated": store.SortUpdated, "created": store.SortCreated,
	"unit_name": store.SortUnitName, "deadline": store.SortDeadline}

// Cases lists the cases in the actor's scope matching f, with the total
// count for paging and each case's validation results (CaseList's page).
func (s *App) Cases(ctx context.Context, a *domain.Actor, f CaseFilter) ([]*domain.Case, int, error) {
	l, err := s.CaseList(ctx, a, f)
	if err != nil {
		return nil, 0, err
	}
	return l.Items, l.Total, nil
}

// CaseList lists a page of the cases in the actor's scope matching f, with
// the total count and the position of the next page (keyset paging: a deep
// page is read from the list index at the cursor, not counted up to).
func (s *App) CaseList(ctx context.Context, a *domain.Actor, f CaseFilter) (*CaseList, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	r := s.listReader(ctx)
	scope, err := listScope(r, a, f.OrgID)
	if err != nil {
		return nil, err
	}
	sf := store.CaseFilter{Scope: scope, CampaignID: f.CampaignID, VillageID: f.VillageID, SiteID: f.SiteID,
		Status: f.Status, Category: f.Category, Source: f.Source, Q: f.Q, Limit: f.Limit, Offset: f.Offset}
	key := strings.TrimPrefix(f.Sort, "-")
	sf.Desc = strings.HasPrefix(f.Sort, "-")
	if key == "" {
		key = "problem_no"
	}
	var ok bool
	if sf.Sort, ok = caseSorts[key]; !ok {
		return nil, domain.Invalid("sort", "排序应为 problem_no、unit_name、deadline、updated 或 created（前加 - 为倒序）")
	}
	order := key
	if sf.Desc {
		order = "-" + key
	}
	out := &CaseList{Start: f.Offset}
	if f.After != "" {
		c, err := parseCursor(f.After, order)
		if err != nil {
			return nil, err
		}
		sf.After, out.Start = &store.CaseKey{Value: c.Value, ID: c.ID}, c.Pos+f.Offset
	}
	switch {
	case f.Status == domain.StatusLive:
		sf.Status, sf.Live = "", true
	case f.Status == domain.StatusOpen:
		sf.Status, sf.Statuses = "", domain.OpenStatuses
	case f.Status != "":
		if _, ok := domain.StatusNames[f.Status]; !ok {
			return nil, domain.Invalid("status", "未知的问题状态“%s”", f.Status)
		}
	}
	sf.AwaitingCloseout, sf.UnderSupervision = f.AwaitingCloseout, f.Supervised
	if f.Overdue {
		sf.OverdueOn = domain.DateOf(s.clock.Now(), s.zone)
	}
	items, more, err := r.Cases(sf)
	if err != nil {
		return nil, err
	}
	if out.Total, err = caseTotal(r, sf, len(items), more); err != nil {
		return nil, err
	}
	if more {
		k := store.CaseKeyOf(items[len(items)-1], sf.Sort)
		out.Next = cursor{Sort: order, Value: k.Value, ID: k.ID, Pos: out.Start + len(items)}.String()
	}
	camps := map[int64]*domain.Campaign{}
	for _, c := range items {
		camp, ok := camps[c.CampaignID]
		if !ok {
			if camp, err = r.Campaign(c.CampaignID); err != nil {
				return nil, found(err, "专项行动")
			}
			camps[c.CampaignID] = camp
		}
		s.withWarnings(c, camp, s.clock.Now())
	}
	out.Items = items
	return out, nil
}

// caseTotal is the case list's total: the exact count of the cases f
// matches. A page read from the start of the list that holds all of it
// (or, by offset, its end) is its own count. Otherwise it is counted (an
// index-only COUNT over the list indexes).
//
// When the maintained 附件2 counters land (summary_counters, branch
// counters, with per-status case counts by campaign and place), a filter of
// scope + campaign (+ status) only reads its total from them instead; every
// other filter keeps the exact count.
func caseTotal(r store.Reader, f store.CaseFilter, n int, more bool) (int, error) {
	if f.After == nil && !more && (n > 0 || f.Offset == 0) {
		return f.Offset + n, nil
	}
	return r.CountCases(f)
}

// UpdateCase applies a PATCH to a case in the actor's scope. Only fields sent
// change (two_cuts_three_clears item by item); penalty and shutdown fields
// need the enforcement right and 挂牌督办 the supervision right, others the
// edit right (domain.EditActions). Edits are possible in 登记 and 整治中 only;
// the first rectification or penalty recorded moves 登记 to 整治中. A stale
// version is refused (ECONFLICT) and nothing is written.
func (s *App) UpdateCase(ctx context.Context, a *domain.Actor, id int64, p CasePatch) (*domain.Case, error) {
	if p.Version <= 0 {
		return nil, domain.Invalid("version", "请提供读取时的版本号")
	}
	var out *domain.Case
	var camp *domain.Campaign
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		before, place, err := tx.Case(id)
		if err != nil {
			return found(err, "问题")
		}
		if err := domain.Authorize(a, domain.ActRead, place, "问题"); err != nil {
			return err
		}
		if camp, err = tx.Campaign(before.CampaignID); err != nil {
			return found(err, "专项行动")
		}
		after := before.Clone()
		if err := p.applyTo(&after.CaseFields); err != nil {
			return err
		}
		if err := after.Normalize(camp); err != nil {
			return err
		}
		after.Derive(camp, tx.Now())
		acts := domain.EditActions(before, after)
		if err := domain.CheckEditRights(a.Role(), acts); err != nil {
			return err
		}
		if before.Version != p.Version {
			return domain.Stale("问题", before.Version)
		}
		if err := domain.CheckEditable(before.Status); err != nil {
			return err
		}
		if len(acts) == 0 {
			out = before // nothing changes: no new version, no audit event
			return nil
		}
		after.Status = domain.StatusAfterEdit(after)
		after.Version, after.UpdatedAt = before.Version+1, tx.Now()
		if err := tx.UpdateCase(after, before.Version); err != nil {
			if errors.Is(err, store.ErrStale) {
				return domain.Stale("问题", before.Version)
			}
			return err
		}
		if err := countCase(tx, before, after); err != nil {
			return err
		}
		out = after
		if err := tx.Audit("update", "case", id, before.Stored(), after.Stored()); err != nil {
			return err
		}
		return siteFollowsCase(tx, after)
	})
	if err != nil {
		return nil, err
	}
	s.withWarnings(out, camp, s.clock.Now())
	return out, nil
}

// CaseTimeline lists a case's audit events (creation, edits, evidence,
// reviews) in order, for whoever may read the case.
func (s *App) CaseTimeline(ctx context.Context, a *domain.Actor, caseID int64) ([]domain.AuditEvent, error) {
	r := s.db.Reader(ctx)
	_, place, err := r.Case(caseID)
	if err != nil {
		return nil, found(err, "问题")
	}
	if err := domain.Authorize(a, domain.ActRead, place, "问题"); err != nil {
		return nil, err
	}
	// The read was authorized above: a case's own history is readable by
	// whoever may read the case.
	return r.AuditEvents(store.AuditFilter{Entity: "case", EntityID: caseID})
}
