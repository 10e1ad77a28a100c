package domain

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
)

// AuditPayload renders v (a record before or after a change) as the JSON an
// audit event keeps, with every Sensitive value replaced by its keyed hash
// (SensitiveHash). It is fail-closed: it walks v by type and refuses, with an
// error, anything it cannot see into — raw JSON or bytes, a type with its own
// JSON encoding other than the few it knows, functions, channels — because a
// sensitive value hidden there would land in an append-only chain for good.
// The output follows encoding/json's field names and omitempty rules.
func AuditPayload(key []byte, v any) (json.RawMessage, error) {
	if v == nil {
		return json.RawMessage("null"), nil
	}
	tree, err := auditValue(key, reflect.ValueOf(v), "")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tree); err != nil {
		return nil, fmt.Errorf("audit payload: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

var (
	sensitiveType = reflect.TypeOf(Sensitive(""))
	timeType      = reflect.TypeOf(time.Time{})
	dateType      = reflect.TypeOf(Date(""))
	marshalerType = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	textMarshaler = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// auditValue converts v into plain JSON values (maps, slices, strings,
// numbers, booleans, nil); path names the place for an error.
func auditValue(key []byte, v reflect.Value, path string) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	t := v.Type()
	switch t {
	case sensitiveType:
		if v.String() == "" {
			return "", nil
		}
		return SensitiveHash(key, v.String()), nil
	case timeType:
		return v.Interface().(time.Time).Format(time.RFC3339Nano), nil
	case dateType: // as Date.MarshalJSON: no date is null
		if v.String() == "" {
			return nil, nil
		}
		return v.String(), nil
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface &&
		(t.Implements(marshalerType) || t.Implements(textMarshaler) ||
			reflect.PointerTo(t).Implements(marshalerType) || reflect.PointerTo(t).Implements(textMarshaler)) {
		return nil, refuse(path, t, "has its own JSON encoding")
	}
	switch t.Kind() {
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint(), nil
	case reflect.Float32, reflect.Float64:
		return v.Float(), nil
	case reflect.String:
		return v.String(), nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		return auditValue(key, v.Elem(), path)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil, refuse(path, t, "is raw bytes")
		}
		if t.Kind() == reflect.Slice && v.IsNil() {
			return nil, nil
		}
		out := make([]any, v.Len())
		for i := range out {
			x, err := auditValue(key, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, refuse(path, t, "has keys that are not strings")
		}
		if v.IsNil() {
			return nil, nil
		}
		out := make(map[string]any, v.Len())
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			x, err := auditValue(key, v.MapIndex(k), path+"."+k.String())
			if err != nil {
				return nil, err
			}
			out[k.String()] = x
		}
		return out, nil
	case reflect.Struct:
		out := map[string]any{}
		if err := auditStruct(key, v, path, out); err != nil {
			return nil, err
		}
		return out, nil
	}
	return nil, refuse(path, t, "cannot be recorded")
}

// auditStruct adds v's exported fields to out under their JSON names;
// embedded structs without a name of their own add theirs in place.
func auditStruct(key []byte, v reflect.Value, path string, out map[string]any) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fv := v.Field(i)
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv, ft = fv.Elem(), ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != timeType {
				if err := auditStruct(key, fv, path, out); err != nil {
					return err
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if strings.Contains(opts, "omitempty") && fv.IsZero() {
			continue
		}
		x, err := auditValue(key, fv, path+"."+name)
		if err != nil {
			return err
		}
		out[name] = x
	}
	return nil
}

func refuse(path string, t reflect.Type, why string) error {
	if path == "" {
		path = "."
	}
	return Errorf(EINTERNAL, "audit payload %s: %s %s; a sensitive value could hide there, so the event is not written", path, t, why)
}
