package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"

	"zhengzhi/domain"
)

// CasePatch changes a case (PATCH, DESIGN.md §7): only the fields sent
// change, and in two_cuts_three_clears and two_cuts_three_clears_dates only
// the items sent change (a date "" or null removes it). Fields holds each
// sent field's JSON under its name in domain.CaseFields, the case JSON's
// names; a field sent as null is not sent. Version is the one read: a stale
// version is refused and nothing is written.
//
// The JSON form is {"version": N, "<field>": value, …}; decoding refuses a
// name that is no writable case field (EINVALID naming it) and a value of
// the wrong type (a *json.UnmarshalTypeError naming the field, as for any
// request body). Code builds a patch with With.
type CasePatch struct {
	Version int64
	Fields  map[string]json.RawMessage
}

// patchField is a writable case field: its index in domain.CaseFields and
// its type.
type patchField struct {
	index int
	typ   reflect.Type
}

// caseFieldsByName maps each JSON name of domain.CaseFields to its field.
var caseFieldsByName = func() map[string]patchField {
	t := reflect.TypeFor[domain.CaseFields]()
	out := make(map[string]patchField, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out[name] = patchField{index: i, typ: f.Type}
	}
	return out
}()

// With returns a copy of p that also sets field to v, which is marshalled
// as the case JSON has it. A value that cannot be marshalled fails when the
// patch is applied, as a wrong type.
func (p CasePatch) With(field string, v any) CasePatch {
	b, err := json.Marshal(v)
	if err != nil {
		b = nil
	}
	p.Fields = maps.Clone(p.Fields)
	if p.Fields == nil {
		p.Fields = map[string]json.RawMessage{}
	}
	p.Fields[field] = b
	return p
}

// UnmarshalJSON reads {"version": N, "<field>": value, …}, checking each
// name and value in the order sent.
func (p *CasePatch) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil {
		return err
	} else if tok != json.Delim('{') {
		return &json.UnmarshalTypeError{Value: jsonKind(tok), Type: reflect.TypeFor[CasePatch]()}
	}
	*p = CasePatch{Fields: map[string]json.RawMessage{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if name == "version" {
			if isNull(raw) {
				continue
			}
			if err := json.Unmarshal(raw, &p.Version); err != nil {
				return fieldError("version", err)
			}
			continue
		}
		f, ok := caseFieldsByName[name]
		if !ok {
			return unknownField(name)
		}
		if isNull(raw) {
			continue
		}
		if _, err := decodeField(f, raw); err != nil {
			return fieldError(name, err)
		}
		p.Fields[name] = raw
	}
	return nil
}

// Applied returns a copy of c with the patch's fields set, as UpdateCase
// would set them before its checks: what the user asked for, e.g. to show
// next to the latest content when their version was stale.
func (p CasePatch) Applied(c *domain.Case) (*domain.Case, error) {
	x := c.Clone()
	if err := p.applyTo(&x.CaseFields); err != nil {
		return nil, err
	}
	return x, nil
}

// applyTo sets the patch's fields on f in the fields' order: each sent
// field is replaced, except the maps (两断三清 and its dates), which take
// only the items sent.
func (p CasePatch) applyTo(f *domain.CaseFields) error {
	for name := range p.Fields {
		if _, ok := caseFieldsByName[name]; !ok {
			return unknownField(name)
		}
	}
	dst := reflect.ValueOf(f).Elem()
	t := dst.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		raw, sent := p.Fields[name]
		if !sent || isNull(raw) {
			continue
		}
		v, err := decodeField(caseFieldsByName[name], raw)
		if err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Type == reflect.TypeFor[domain.Date]() {
				return domain.Invalid(name, "日期格式应为 YYYY-MM-DD")
			}
			return domain.Invalid(name, "字段类型错误：“%s”的值不是%s", name, t.Field(i).Type)
		}
		field := dst.Field(i)
		if field.Kind() != reflect.Map {
			field.Set(v)
			continue
		}
		if field.IsNil() {
			field.Set(reflect.MakeMap(field.Type()))
		}
		for it := v.MapRange(); it.Next(); {
			field.SetMapIndex(it.Key(), it.Value())
		}
	}
	return nil
}

// decodeField decodes one field's JSON into a new value of its type.
func decodeField(f patchField, raw json.RawMessage) (reflect.Value, error) {
	v := reflect.New(f.typ)
	if err := json.Unmarshal(raw, v.Interface()); err != nil {
		return reflect.Value{}, err
	}
	return v.Elem(), nil
}

// fieldError names the field a type error was found in, as decoding a
// struct would.
func fieldError(name string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		te.Field = name
		return te
	}
	return fmt.Errorf("%s: %w", name, err)
}

func unknownField(name string) error {
	return domain.Invalid(name, "“%s”不是可修改的问题字段", name)
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// jsonKind names what a JSON token is, as encoding/json's type errors do.
func jsonKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return "value"
}
