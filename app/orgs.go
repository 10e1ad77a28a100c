package app

import (
	"context"
	"errors"
	"fmt"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// OrgSeed is one row of the org tree to import; ParentCode refers to another
// row's Code.
type OrgSeed struct {
	Code, Name string
	Kind       domain.OrgKind
	ParentCode string
	Prefix     string
}

// OrgInput is the admin's form for a new org unit.
type OrgInput struct {
	Code     string         `json:"code"`
	Name     string         `json:"name"`
	Kind     domain.OrgKind `json:"kind"`
	ParentID int64          `json:"parent_id"`
	Prefix   string         `json:"prefix"`
}

// errDuplicateCode answers a unit whose code or prefix another unit has.
var errDuplicateCode = domain.Invalid("code", "区划代码或编号前缀重复")

// OrgCount returns how many org units exist (0 on a fresh store).
func (s *App) OrgCount(ctx context.Context) (int, error) {
	return s.db.Reader(ctx).OrgCount()
}

// SeedOrgs imports an org tree into an empty store, parents before children,
// in one transaction with one audit event.
func (s *App) SeedOrgs(ctx context.Context, seeds []OrgSeed) error {
	return s.db.Write(ctx, nil, func(tx *store.Tx) error {
		n, err := tx.OrgCount()
		if err != nil {
			return err
		}
		if n > 0 {
			return domain.Errorf(domain.ECONFLICT, "组织机构已存在")
		}
		byCode := map[string]*domain.OrgUnit{}
		for _, sd := range seeds {
			o := &domain.OrgUnit{Code: sd.Code, Name: sd.Name, Kind: sd.Kind, Level: 1, Prefix: sd.Prefix}
			if !o.Kind.Valid() {
				return domain.Invalid("kind", "未知的单位类型 %q（%s）", sd.Kind, sd.Name)
			}
			var parent *domain.OrgUnit
			if sd.ParentCode != "" {
				if parent = byCode[sd.ParentCode]; parent == nil {
					return domain.Invalid("parent_code", "上级单位 %s 不存在（%s）", sd.ParentCode, sd.Name)
				}
				o.ParentID, o.Level = &parent.ID, parent.Level+1
			}
			if err := o.Normalize(); err != nil {
				return fmt.Errorf("seed %s: %w", sd.Name, err)
			}
			if err := tx.InsertOrg(o, parent); err != nil {
				if errors.Is(err, store.ErrDuplicate) {
					err = errDuplicateCode
				}
				return fmt.Errorf("seed %s: %w", sd.Name, err)
			}
			if o.Code != "" {
				byCode[o.Code] = o
			}
		}
		return tx.Audit("seed_orgs", "org_unit", 0, nil, map[string]int{"units": len(seeds)})
	})
}

// CreateOrg adds a unit under an existing one (admin only), of a kind the
// parent may hold (domain.CheckChild: villages under a town, grids under a
// village, …).
func (s *App) CreateOrg(ctx context.Context, a *domain.Actor, in OrgInput) (*domain.OrgUnit, error) {
	var o *domain.OrgUnit
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		parent, err := tx.Org(in.ParentID)
		if err != nil {
			return found(err, "单位")
		}
		if err := domain.Authorize(a, domain.ActManageOrgs, parent, "上级单位"); err != nil {
			return err
		}
		if err := domain.CheckChild(parent, in.Kind); err != nil {
			return err
		}
		o = &domain.OrgUnit{Code: in.Code, Name: in.Name, Kind: in.Kind, Level: parent.Level + 1, ParentID: &parent.ID, Prefix: in.Prefix}
		if err := o.Normalize(); err != nil {
			return err
		}
		if err := tx.InsertOrg(o, parent); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return errDuplicateCode
			}
			return err
		}
		return tx.Audit("create", "org_unit", o.ID, nil, o)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// OrgPatch edits a unit: nil fields stay as they are.
type OrgPatch struct {
	Name   *string `json:"name"`
	Code   *string `json:"code"`
	Prefix *string `json:"prefix"`
}

// UpdateOrg changes a unit's name, code and 问题编号 prefix (admin only),
// audited with before and after. A code or prefix another unit has is
// refused.
func (s *App) UpdateOrg(ctx context.Context, a *domain.Actor, id int64, p OrgPatch) (*domain.OrgUnit, error) {
	var after domain.OrgUnit
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		before, err := tx.Org(id)
		if err != nil {
			return found(err, "单位")
		}
		if err := domain.Authorize(a, domain.ActManageOrgs, before, "单位"); err != nil {
			return err
		}
		after = *before
		if err := (domain.OrgChange{Name: p.Name, Code: p.Code, Prefix: p.Prefix}).Apply(&after); err != nil {
			return err
		}
		if after == *before {
			return nil // nothing changes: no audit event
		}
		if err := tx.UpdateOrg(&after); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return errDuplicateCode
			}
			return err
		}
		return tx.Audit("update", "org_unit", id, before, &after)
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// SetOrgPrefix sets a town's 问题编号 prefix (for towns without an official code).
func (s *App) SetOrgPrefix(ctx context.Context, a *domain.Actor, id int64, prefix string) error {
	return s.db.Write(ctx, a, func(tx *store.Tx) error {
		o, err := tx.Org(id)
		if err != nil {
			return found(err, "单位")
		}
		if err := domain.Authorize(a, domain.ActManageOrgs, o, "单位"); err != nil {
			return err
		}
		before := *o
		if err := o.SetPrefix(prefix); err != nil {
			return err
		}
		if err := tx.UpdateOrgPrefix(id, prefix); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return domain.Invalid("prefix", "编号前缀已被其他单位使用")
			}
			return err
		}
		return tx.Audit("set_prefix", "org_unit", id, before, o)
	})
}

// Org loads one unit by id, without a scope check (for wiring and the CLI,
// and for callers that check scope themselves).
func (s *App) Org(ctx context.Context, id int64) (*domain.OrgUnit, error) {
	o, err := s.db.Reader(ctx).Org(id)
	if err != nil {
		return nil, found(err, "单位")
	}
	return o, nil
}

// OrgByCode loads one unit by its 12-digit code.
func (s *App) OrgByCode(ctx context.Context, code string) (*domain.OrgUnit, error) {
	o, err := s.db.Reader(ctx).OrgByCode(code)
	if err != nil {
		return nil, found(err, "单位")
	}
	return o, nil
}

// VisibleOrg loads a unit the actor may see; outside scope is not found.
func (s *App) VisibleOrg(ctx context.Context, a *domain.Actor, id int64) (*domain.OrgUnit, error) {
	o, err := s.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, o, "单位"); err != nil {
		return nil, err
	}
	return o, nil
}

// VisibleOrgs lists the units in the actor's scope, in tree order.
func (s *App) VisibleOrgs(ctx context.Context, a *domain.Actor) ([]*domain.OrgUnit, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	return s.db.Reader(ctx).Subtree(&a.Scope)
}

// Root returns the tree's root unit.
func (s *App) Root(ctx context.Context) (*domain.OrgUnit, error) {
	o, err := s.db.Reader(ctx).Root()
	if err != nil {
		return nil, found(err, "根单位")
	}
	return o, nil
}

// Subtree lists the units under (and including) root, in tree order with
// siblings in official order.
func (s *App) Subtree(ctx context.Context, root *domain.OrgUnit) ([]*domain.OrgUnit, error) {
	return s.db.Reader(ctx).Subtree(root)
}

// Children lists a unit's direct children in official order (开发区, 镇/乡, 街道).
func (s *App) Children(ctx context.Context, id int64) ([]*domain.OrgUnit, error) {
	return s.db.Reader(ctx).Children(id)
}

// TownOf returns the town-level unit that contains o, o itself when it is a
// town (domain.TownOf).
func (s *App) TownOf(ctx context.Context, o *domain.OrgUnit) (*domain.OrgUnit, error) {
	up, err := s.db.Reader(ctx).Ancestors(o)
	if err != nil {
		return nil, found(err, "单位")
	}
	return domain.TownOf(o, up)
}
