package store

// Private helpers that store/case.go, closeout.go, report.go, summary.go
// and summaryreport.go still call while their use cases move to app/
// (issue [5]). The sites, inspections and attachments use cases live in
// app/sites.go, app/inspections.go and app/attachments.go now; each helper
// here is a thin call of what replaced it there or in the domain, or (for
// placement) the old code kept verbatim until its last caller moves. The
// moves of those areas delete this file.

import (
	"context"
	"errors"
	"io"

	"zhengzhi/domain"
)

// Attachment is domain.Attachment (CaseContent in closeout.go).
type Attachment = domain.Attachment

// DefaultMaxAttachment is domain.DefaultMaxAttachment (summaryreport.go).
const DefaultMaxAttachment = domain.DefaultMaxAttachment

// normalizeSite is domain.(*Site).Normalize.
func normalizeSite(s *domain.Site) error { return s.Normalize() }

// checkLatLng is domain.CheckLatLng.
func checkLatLng(lat, lng *float64) error { return domain.CheckLatLng(lat, lng) }

// errStale is domain.Stale.
func errStale(what string, current int64) error { return domain.Stale(what, current) }

// cleanFilename is domain.CleanFilename.
func cleanFilename(name string) string { return domain.CleanFilename(name) }

// insertSite stores a normalised site and audits it.
func (tx *Tx) insertSite(s *domain.Site) error {
	if err := tx.InsertSite(s); err != nil {
		return err
	}
	return tx.audit("create", "site", s.ID, nil, auditSite(s))
}

// insertInspection stores an inspection and audits it.
func (tx *Tx) insertInspection(x *domain.Inspection) error {
	if err := tx.InsertInspection(x); err != nil {
		return err
	}
	return tx.audit("create", "inspection", x.ID, nil, x)
}

// auditSite is the site as the audit trail records it (no display fields).
func auditSite(s *domain.Site) domain.Site {
	c := *s
	c.Warnings = nil
	return c
}

// putBlob is PutBlob answering the domain's ETOOLARGE.
func (d *DB) putBlob(r io.Reader, max int64) (sum string, size int64, contentType string, err error) {
	sum, size, contentType, err = d.PutBlob(context.Background(), r, max)
	if errors.Is(err, ErrTooLarge) {
		err = domain.TooLarge(max)
	}
	return sum, size, contentType, err
}

// attachmentsWhere lists a case's attachments (cond is case_id = $1).
func (d *DB) attachmentsWhere(ctx context.Context, cond string, arg any) ([]*domain.Attachment, error) {
	return d.Reader(ctx).attachments(cond, arg)
}

// loadSite reads a site and its place, without a scope check.
func loadSite(ctx context.Context, q querier, id int64) (*domain.Site, *domain.OrgUnit, error) {
	s, place, err := Reader{ctx: ctx, q: q}.Site(id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, domain.NotFound("场所")
	}
	return s, place, err
}

// loadOrg reads one org unit through q (a transaction or the database).
func loadOrg(ctx context.Context, q querier, id int64) (*domain.OrgUnit, error) {
	o, err := Reader{ctx: ctx, q: q}.Org(id)
	if errors.Is(err, ErrNotFound) {
		return nil, domain.NotFound("单位")
	}
	return o, err
}

// filterPath is domain.(*Actor).ListPath of the unit orgID (0: none).
func (d *DB) filterPath(ctx context.Context, a *domain.Actor, orgID int64) (string, error) {
	if orgID == 0 {
		return a.ListPath(nil)
	}
	o, err := d.Org(ctx, orgID)
	if err != nil {
		return "", err
	}
	return a.ListPath(o)
}

// resolvePlace is app.resolvePlace (app/sites.go) over q.
func (d *DB) resolvePlace(ctx context.Context, q querier, a *domain.Actor, orgID, villageID int64) (town, village *domain.OrgUnit, err error) {
	if orgID == 0 && villageID == 0 && a != nil {
		orgID = a.Scope.ID
	}
	if orgID == 0 && villageID == 0 {
		return nil, nil, domain.Invalid("org_id", "请选择所属镇（街道）")
	}
	if orgID != 0 {
		o, err := loadOrg(ctx, q, orgID)
		if err != nil {
			return nil, nil, err
		}
		if o.Kind.Tier() == domain.TierGrid && o.ParentID != nil {
			if o, err = loadOrg(ctx, q, *o.ParentID); err != nil {
				return nil, nil, err
			}
		}
		switch o.Kind.Tier() {
		case domain.TierTown:
			town = o
		case domain.TierVillage:
			if villageID != 0 && villageID != o.ID {
				return nil, nil, domain.Invalid("village_id", "所属村（社区）与所属单位不一致")
			}
			village, villageID = o, 0
		default:
			return nil, nil, domain.Invalid("org_id", "所属单位应为镇（街道）或村（社区），不是%s（%s）", o.Name, o.Kind)
		}
	}
	if villageID != 0 {
		v, err := loadOrg(ctx, q, villageID)
		if err != nil {
			return nil, nil, err
		}
		if v.Kind.Tier() != domain.TierVillage {
			return nil, nil, domain.Invalid("village_id", "%s 不是村（社区）", v.Name)
		}
		if town != nil && !town.Contains(v) {
			return nil, nil, domain.Invalid("village_id", "%s 不在 %s 之下", v.Name, town.Name)
		}
		village = v
	}
	if town == nil {
		if town, err = d.townOf(ctx, q, village); err != nil {
			return nil, nil, err
		}
	}
	return town, village, nil
}

// townOf walks up from o to its town-level unit.
func (d *DB) townOf(ctx context.Context, q querier, o *domain.OrgUnit) (*domain.OrgUnit, error) {
	for cur := o; ; {
		if cur.IsTown() {
			return cur, nil
		}
		if cur.ParentID == nil {
			return nil, domain.Invalid("org_id", "%s 不在任何镇（街道）之下", o.Name)
		}
		p, err := loadOrg(ctx, q, *cur.ParentID)
		if err != nil {
			return nil, err
		}
		cur = p
	}
}

// placeOf is where a record lives: its village when it has one, else its town.
func placeOf(town, village *domain.OrgUnit) *domain.OrgUnit {
	if village != nil {
		return village
	}
	return town
}

// InspectionInput is what RecordRecheck (recheck.go) passes CreateInspection.
type InspectionInput struct {
	CampaignID int64
	SiteID     int64
	Outcome    string
	Note       string
}

// CreateInspection records a re-check's inspection for RecordRecheck the way
// app.(*App).CreateInspection does; it goes when RecordRecheck moves to app.
func (d *DB) CreateInspection(ctx context.Context, a *domain.Actor, in InspectionInput) (*domain.Inspection, error) {
	site, place, err := loadSite(ctx, d.db, in.SiteID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActWriteSite, place, "场所"); err != nil {
		return nil, err
	}
	camp, err := d.ResolveCampaign(ctx, in.CampaignID)
	if err != nil {
		return nil, err
	}
	x := &domain.Inspection{CampaignID: camp.ID, SiteID: site.ID, Outcome: in.Outcome, Note: in.Note}
	err = d.write(ctx, a, func(tx *Tx) error {
		if err := x.Normalize(tx.now, a.User.DisplayName); err != nil {
			return err
		}
		return tx.insertInspection(x)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}
