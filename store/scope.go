package store

import (
	"strconv"
	"strings"

	"zhengzhi/domain"
)

// The SQL form of domain.ScopeFilter: equality on a table's place columns
// (org_id, village_id), never a path comparison through a join, so that an
// index leading with them serves the query. Every scoped list, count and
// fact load of cases, sites, inspections (through their site) and the
// town-keyed reports goes through these two functions;
// TestScopeFilterSQL_MatchesSees holds them to domain.(*Actor).Sees.

// placeCond is the condition selecting the rows of f over a table whose
// town is the column town and whose village is the column village, with
// its parameters appended to args (numbered after those already there).
func placeCond(f domain.ScopeFilter, town, village string, args *[]any) string {
	switch {
	case f.All:
		return `1 = 1`
	case f.VillageID != 0:
		return village + ` = ` + bind(args, f.VillageID)
	}
	return townCond(f, town, args)
}

// townCond is placeCond for a table keyed by town only (weekly reports,
// exemptions, final summaries): a village's filter selects none of its rows,
// since a town's place is never in a village's subtree.
func townCond(f domain.ScopeFilter, town string, args *[]any) string {
	switch {
	case f.All:
		return `1 = 1`
	case f.TownID != 0:
		return town + ` = ` + bind(args, f.TownID)
	case f.VillageID != 0 || len(f.TownIDs) == 0:
		return `1 = 0`
	}
	marks := make([]string, len(f.TownIDs))
	for i, id := range f.TownIDs {
		marks[i] = bind(args, id)
	}
	return town + ` IN (` + strings.Join(marks, ", ") + `)`
}

// bind appends v to args and gives its placeholder.
func bind(args *[]any, v any) string {
	*args = append(*args, v)
	return "$" + strconv.Itoa(len(*args))
}

// addScope adds the place filter f over the columns town and village.
func (w *sqlWhere) addScope(f domain.ScopeFilter, town, village string) {
	w.conds = append(w.conds, placeCond(f, town, village, &w.args))
}

// UnitsUnder lists the units of the given kinds in u's subtree (u itself
// included), by id: an indexed range over org_units.path.
func (r Reader) UnitsUnder(u *domain.OrgUnit, kinds []domain.OrgKind) ([]*domain.OrgUnit, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	lo, hi := subtreeBounds(u.Path)
	args := []any{lo, hi}
	marks := make([]string, len(kinds))
	for i, k := range kinds {
		marks[i] = bind(&args, string(k))
	}
	return r.orgs(`SELECT `+orgCols+` FROM org_units WHERE `+r.db.pathRange("path", "$1", "$2")+
		` AND kind IN (`+strings.Join(marks, ", ")+`) ORDER BY id`, args...)
}
