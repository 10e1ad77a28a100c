package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"

	"zhengzhi/domain"
)

// OrgSeed is one row of the org tree to import; Parent refers to another
// row's Code.
type OrgSeed struct {
	Code, Name string
	Kind       domain.OrgKind
	ParentCode string
	Prefix     string
}

const orgCols = `id, COALESCE(code, ''), name, kind, level, parent_id, prefix, path`

func scanOrg(r scanner) (*domain.OrgUnit, error) {
	var o domain.OrgUnit
	var kind string
	var parent sql.NullInt64
	if err := r.Scan(&o.ID, &o.Code, &o.Name, &kind, &o.Level, &parent, &o.Prefix, &o.Path); err != nil {
		return nil, err
	}
	o.Kind = domain.OrgKind(kind)
	if parent.Valid {
		o.ParentID = &parent.Int64
	}
	return &o, nil
}

// OrgCount returns how many org units exist (0 on a fresh store).
func (d *DB) OrgCount(ctx context.Context) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units`).Scan(&n)
	return n, err
}

// SeedOrgs imports an org tree into an empty store, parents before children,
// in one transaction with one audit event.
func (d *DB) SeedOrgs(ctx context.Context, seeds []OrgSeed) error {
	return d.write(ctx, nil, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM org_units`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return domain.Errorf(domain.ECONFLICT, "组织机构已存在")
		}
		byCode := map[string]*domain.OrgUnit{}
		for _, s := range seeds {
			o := &domain.OrgUnit{Code: s.Code, Name: s.Name, Kind: s.Kind, Level: 1, Prefix: s.Prefix}
			if !o.Kind.Valid() {
				return domain.Invalid("kind", "未知的单位类型 %q（%s）", s.Kind, s.Name)
			}
			var parent *domain.OrgUnit
			if s.ParentCode != "" {
				if parent = byCode[s.ParentCode]; parent == nil {
					return domain.Invalid("parent_code", "上级单位 %s 不存在（%s）", s.ParentCode, s.Name)
				}
				o.ParentID, o.Level = &parent.ID, parent.Level+1
			}
			if o.Prefix == "" && o.IsTown() {
				o.Prefix = domain.DefaultPrefix(o.Code)
			}
			if err := tx.insertOrg(o, parent); err != nil {
				return fmt.Errorf("seed %s: %w", s.Name, err)
			}
			if o.Code != "" {
				byCode[o.Code] = o
			}
		}
		return tx.audit("seed_orgs", "org_unit", 0, nil, map[string]int{"units": len(seeds)})
	})
}

func (tx *Tx) insertOrg(o *domain.OrgUnit, parent *domain.OrgUnit) error {
	id, err := tx.insert(`INSERT INTO org_units (code, name, kind, level, parent_id, prefix) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		nullStr(o.Code), o.Name, string(o.Kind), o.Level, o.ParentID, o.Prefix)
	if err != nil {
		if isUniqueViolation(err) {
			return domain.Invalid("code", "区划代码或编号前缀重复")
		}
		return err
	}
	o.ID = id
	o.Path = "/" + strconv.FormatInt(id, 10) + "/"
	if parent != nil {
		o.Path = parent.Path + strconv.FormatInt(id, 10) + "/"
	}
	_, err = tx.exec(`UPDATE org_units SET path = $1 WHERE id = $2`, o.Path, id)
	return err
}

// OrgInput is the admin's form for a new org unit.
type OrgInput struct {
	Code     string         `json:"code"`
	Name     string         `json:"name"`
	Kind     domain.OrgKind `json:"kind"`
	ParentID int64          `json:"parent_id"`
	Prefix   string         `json:"prefix"`
}

// CreateOrg adds a unit under an existing one (admin only).
func (d *DB) CreateOrg(ctx context.Context, a *domain.Actor, in OrgInput) (*domain.OrgUnit, error) {
	parent, err := d.Org(ctx, in.ParentID)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActManageOrgs, parent, "上级单位"); err != nil {
		return nil, err
	}
	o := &domain.OrgUnit{Code: in.Code, Name: in.Name, Kind: in.Kind, Level: parent.Level + 1, ParentID: &parent.ID, Prefix: in.Prefix}
	if o.Name == "" {
		return nil, domain.Invalid("name", "请填写单位名称")
	}
	if !o.Kind.Valid() {
		return nil, domain.Invalid("kind", "未知的单位类型")
	}
	if o.Code != "" && len(o.Code) != 12 {
		return nil, domain.Invalid("code", "区划代码应为 12 位数字")
	}
	if o.Prefix == "" && o.IsTown() {
		o.Prefix = domain.DefaultPrefix(o.Code)
	}
	err = d.write(ctx, a, func(tx *Tx) error {
		if err := tx.insertOrg(o, parent); err != nil {
			return err
		}
		return tx.audit("create", "org_unit", o.ID, nil, o)
	})
	return o, err
}

// SetOrgPrefix sets a town's 问题编号 prefix (for towns without an official code).
func (d *DB) SetOrgPrefix(ctx context.Context, a *domain.Actor, id int64, prefix string) error {
	o, err := d.Org(ctx, id)
	if err != nil {
		return err
	}
	if err := domain.Authorize(a, domain.ActManageOrgs, o, "单位"); err != nil {
		return err
	}
	if !o.IsTown() {
		return domain.Invalid("prefix", "只有镇（街道）级单位有问题编号前缀")
	}
	if prefix == "" {
		return domain.Invalid("prefix", "请填写编号前缀")
	}
	return d.write(ctx, a, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE org_units SET prefix = $1 WHERE id = $2`, prefix, id); err != nil {
			if isUniqueViolation(err) {
				return domain.Invalid("prefix", "编号前缀已被其他单位使用")
			}
			return err
		}
		after := *o
		after.Prefix = prefix
		return tx.audit("set_prefix", "org_unit", id, o, after)
	})
}

// Org loads one unit by id, without a scope check (callers check scope).
func (d *DB) Org(ctx context.Context, id int64) (*domain.OrgUnit, error) {
	o, err := scanOrg(d.db.QueryRowContext(ctx, `SELECT `+orgCols+` FROM org_units WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "单位")
	}
	return o, nil
}

// OrgByCode loads one unit by its 12-digit code.
func (d *DB) OrgByCode(ctx context.Context, code string) (*domain.OrgUnit, error) {
	o, err := scanOrg(d.db.QueryRowContext(ctx, `SELECT `+orgCols+` FROM org_units WHERE code = $1`, code))
	if err != nil {
		return nil, notFound(err, "单位")
	}
	return o, nil
}

// VisibleOrg loads a unit the actor may see; outside scope is not found.
func (d *DB) VisibleOrg(ctx context.Context, a *domain.Actor, id int64) (*domain.OrgUnit, error) {
	o, err := d.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := domain.Authorize(a, domain.ActRead, o, "单位"); err != nil {
		return nil, err
	}
	return o, nil
}

// Root returns the tree's root unit.
func (d *DB) Root(ctx context.Context) (*domain.OrgUnit, error) {
	o, err := scanOrg(d.db.QueryRowContext(ctx, `SELECT `+orgCols+` FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1`))
	if err != nil {
		return nil, notFound(err, "根单位")
	}
	return o, nil
}

// Subtree lists the units under (and including) root, in tree order with
// siblings in official order.
func (d *DB) Subtree(ctx context.Context, root *domain.OrgUnit) ([]*domain.OrgUnit, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+orgCols+` FROM org_units WHERE path LIKE $1 ORDER BY level, id`, root.Path+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []*domain.OrgUnit
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		all = append(all, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return treeOrder(all, root.ID), nil
}

// treeOrder arranges units depth-first from rootID, children in official order.
func treeOrder(all []*domain.OrgUnit, rootID int64) []*domain.OrgUnit {
	kids := map[int64][]*domain.OrgUnit{}
	var root *domain.OrgUnit
	for _, o := range all {
		if o.ID == rootID {
			root = o
		} else if o.ParentID != nil {
			kids[*o.ParentID] = append(kids[*o.ParentID], o)
		}
	}
	if root == nil {
		return nil
	}
	out := make([]*domain.OrgUnit, 0, len(all))
	var walk func(o *domain.OrgUnit)
	walk = func(o *domain.OrgUnit) {
		out = append(out, o)
		ks := kids[o.ID]
		sort.Slice(ks, func(i, j int) bool { return ks[i].OfficialOrderKey() < ks[j].OfficialOrderKey() })
		for _, k := range ks {
			walk(k)
		}
	}
	walk(root)
	return out
}

// Children lists a unit's direct children in official order (开发区, 镇/乡, 街道).
func (d *DB) Children(ctx context.Context, id int64) ([]*domain.OrgUnit, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+orgCols+` FROM org_units WHERE parent_id = $1`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*domain.OrgUnit
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OfficialOrderKey() < out[j].OfficialOrderKey() })
	return out, rows.Err()
}

// VisibleOrgs lists the units in the actor's scope, in tree order.
func (d *DB) VisibleOrgs(ctx context.Context, a *domain.Actor) ([]*domain.OrgUnit, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	return d.Subtree(ctx, &a.Scope)
}

// TownOf returns the town-level unit that contains o (o itself when it is a town).
func (d *DB) TownOf(ctx context.Context, o *domain.OrgUnit) (*domain.OrgUnit, error) {
	for cur := o; ; {
		if cur.IsTown() {
			return cur, nil
		}
		if cur.ParentID == nil {
			return nil, domain.Invalid("org_id", "%s 不在任何镇（街道）之下", o.Name)
		}
		p, err := d.Org(ctx, *cur.ParentID)
		if err != nil {
			return nil, err
		}
		cur = p
	}
}
