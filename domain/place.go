package domain

// ResolvePlace turns a form's (org_id, village_id) into the town-level unit
// and the village (nil when none) a record is placed at, as DESIGN.md §2
// "Where a record lives" says: a village must lie under the town; a village
// alone implies its town; an org_id that is a village (or a grid, meaning
// its village) is taken as the village. org loads a unit by id. Scope is
// the caller's to check.
func ResolvePlace(org func(id int64) (*OrgUnit, error), orgID, villageID int64) (town, village *OrgUnit, err error) {
	if orgID == 0 && villageID == 0 {
		return nil, nil, Invalid("org_id", "请选择所属镇（街道）")
	}
	if orgID != 0 {
		o, err := org(orgID)
		if err != nil {
			return nil, nil, err
		}
		if o.Kind.Tier() == TierGrid && o.ParentID != nil {
			if o, err = org(*o.ParentID); err != nil {
				return nil, nil, err
			}
		}
		switch o.Kind.Tier() {
		case TierTown:
			town = o
		case TierVillage:
			if villageID != 0 && villageID != o.ID {
				return nil, nil, Invalid("village_id", "所属村（社区）与所属单位不一致")
			}
			village, villageID = o, 0
		default:
			return nil, nil, Invalid("org_id", "所属单位应为镇（街道）或村（社区），不是%s（%s）", o.Name, o.Kind)
		}
	}
	if villageID != 0 {
		v, err := org(villageID)
		if err != nil {
			return nil, nil, err
		}
		if v.Kind.Tier() != TierVillage {
			return nil, nil, Invalid("village_id", "%s 不是村（社区）", v.Name)
		}
		if town != nil && !town.Contains(v) {
			return nil, nil, Invalid("village_id", "%s 不在 %s 之下", v.Name, town.Name)
		}
		village = v
	}
	for cur := village; town == nil; {
		if cur.IsTown() {
			town = cur
		} else if cur.ParentID == nil {
			return nil, nil, Invalid("org_id", "%s 不在任何镇（街道）之下", village.Name)
		} else if cur, err = org(*cur.ParentID); err != nil {
			return nil, nil, err
		}
	}
	return town, village, nil
}
