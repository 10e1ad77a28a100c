package store

import (
	"database/sql"
	"fmt"
	"strconv"

	"zhengzhi/domain"
)

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
func (r Reader) OrgCount() (int, error) {
	var n int
	if err := r.q.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM org_units`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count org units: %w", err)
	}
	return n, nil
}

// InsertOrg adds o under parent (nil: o is the root) and sets o.ID and its
// materialised path. A taken code or prefix is ErrDuplicate.
func (tx *Tx) InsertOrg(o, parent *domain.OrgUnit) error {
	id, err := tx.insert(`INSERT INTO org_units (code, name, kind, level, parent_id, prefix) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		nullStr(o.Code), o.Name, string(o.Kind), o.Level, o.ParentID, o.Prefix)
	if err != nil {
		return duplicate(err, "insert org unit "+o.Name)
	}
	o.ID = id
	o.Path = "/" + strconv.FormatInt(id, 10) + "/"
	if parent != nil {
		o.Path = parent.Path + strconv.FormatInt(id, 10) + "/"
	}
	if _, err := tx.exec(`UPDATE org_units SET path = $1 WHERE id = $2`, o.Path, id); err != nil {
		return fmt.Errorf("set path of org unit %d: %w", id, err)
	}
	return nil
}

// UpdateOrgPrefix stores a unit's 问题编号 prefix. A prefix another unit
// has is ErrDuplicate.
func (tx *Tx) UpdateOrgPrefix(id int64, prefix string) error {
	if _, err := tx.exec(`UPDATE org_units SET prefix = $1 WHERE id = $2`, prefix, id); err != nil {
		return duplicate(err, fmt.Sprintf("set prefix of org unit %d", id))
	}
	return nil
}

// UpdateOrg stores a unit's name, code and 问题编号 prefix (its place in the
// tree does not change). A code or prefix another unit has is ErrDuplicate.
func (tx *Tx) UpdateOrg(o *domain.OrgUnit) error {
	res, err := tx.exec(`UPDATE org_units SET name = $1, code = $2, prefix = $3 WHERE id = $4`, o.Name, nullStr(o.Code), o.Prefix, o.ID)
	if err != nil {
		return duplicate(err, fmt.Sprintf("update org unit %d", o.ID))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("update org unit %d: %w", o.ID, ErrNotFound)
	}
	return nil
}

// treeOrder arranges units depth-first from rootID, children in official
// order (presentation order of lists and pickers).
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
		domain.SortOfficial(ks)
		for _, k := range ks {
			walk(k)
		}
	}
	walk(root)
	return out
}
