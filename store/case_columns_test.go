package store

import (
	"reflect"
	"testing"

	"zhengzhi/domain"
)

// TestCaseFieldColumns_EveryFieldOnce: the column table stores every field
// of domain.CaseFields exactly once, each in its own column, so a field
// added to the domain and not here fails before any round trip does.
func TestCaseFieldColumns_EveryFieldOnce(t *testing.T) {
	var f domain.CaseFields
	v := reflect.ValueOf(&f).Elem()
	byAddr := map[uintptr]string{}
	for i := range v.NumField() {
		byAddr[v.Field(i).Addr().Pointer()] = v.Type().Field(i).Name
	}
	seenField, seenCol := map[string]bool{}, map[string]bool{}
	for _, c := range caseFieldColumns(&f) {
		name, ok := byAddr[reflect.ValueOf(c.field).Pointer()]
		if !ok {
			t.Errorf("column %s points at no field of CaseFields", c.name)
		}
		if seenField[name] || seenCol[c.name] {
			t.Errorf("column %s (field %s) listed twice", c.name, name)
		}
		seenField[name], seenCol[c.name] = true, true
		c.value() // every field's type has a parameter form
	}
	for _, name := range byAddr {
		if !seenField[name] {
			t.Errorf("CaseFields.%s has no column in caseFieldColumns", name)
		}
	}
}
