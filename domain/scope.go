package domain

// ListPath is the org path a list of records is restricted to: the actor's
// scope, narrowed to the subtree of o when one is asked for (nil: none). A
// unit above the scope (a grid worker asking for their town) gives the scope
// itself; a unit outside it is not found.
func (a *Actor) ListPath(o *OrgUnit) (string, error) {
	switch {
	case o == nil:
		return a.Scope.Path, nil
	case a.Scope.Contains(o):
		return o.Path, nil
	case o.Contains(&a.Scope):
		return a.Scope.Path, nil
	}
	return "", NotFound("单位")
}
