package web

import (
	"reflect"
	"sync"
	"time"
)

// Every instant the API writes carries +08:00 (DESIGN.md §7: times are RFC
// 3339, shown in Asia/Shanghai): writeJSON passes its value through
// inShanghai, which copies it with every time.Time in the zone. The store
// reads instants in UTC and the domain keeps them so; the zone is the
// API's way of writing them, in this one place.

var timeType = reflect.TypeFor[time.Time]()

// inShanghai returns v with every non-zero time.Time in it — in struct
// fields, slices, arrays, map values, behind pointers and interfaces — in
// Asia/Shanghai. v itself is not changed: what holds a time is copied.
func inShanghai(v any) any {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	if !mayHoldTime(rv.Type()) {
		return v
	}
	return zoned(rv).Interface()
}

func zoned(v reflect.Value) reflect.Value {
	t := v.Type()
	if t == timeType {
		if tm := v.Interface().(time.Time); !tm.IsZero() {
			return reflect.ValueOf(tm.In(shanghai))
		}
		return v
	}
	if !mayHoldTime(t) {
		return v
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(zoned(v.Elem()))
		return p
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(t).Elem()
		out.Set(zoned(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(t).Elem()
		out.Set(v)
		for i := range t.NumField() {
			if f := out.Field(i); f.CanSet() && mayHoldTime(t.Field(i).Type) {
				f.Set(zoned(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(zoned(v.Index(i)))
		}
		return out
	case reflect.Array:
		out := reflect.New(t).Elem()
		for i := range v.Len() {
			out.Index(i).Set(zoned(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), zoned(it.Value()))
		}
		return out
	}
	return v
}

// holdsTime caches mayHoldTime by type.
var holdsTime sync.Map // reflect.Type → bool

// mayHoldTime reports whether a value of type t can hold a time.Time
// (an interface always may), so that values that cannot are not copied.
func mayHoldTime(t reflect.Type) bool {
	if v, ok := holdsTime.Load(t); ok {
		return v.(bool)
	}
	r := holdsTimeVia(t, map[reflect.Type]bool{})
	holdsTime.Store(t, r)
	return r
}

// holdsTimeVia decides mayHoldTime; a type met again while it is being
// decided (a recursive type) adds nothing new.
func holdsTimeVia(t reflect.Type, visiting map[reflect.Type]bool) bool {
	if t == timeType || t.Kind() == reflect.Interface {
		return true
	}
	if visiting[t] {
		return false
	}
	visiting[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return holdsTimeVia(t.Elem(), visiting)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && holdsTimeVia(f.Type, visiting) {
				return true
			}
		}
	}
	return false
}
