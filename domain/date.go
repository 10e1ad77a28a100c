package domain

import (
	"encoding/json"
	"reflect"
	"strconv"
	"time"
)

// Date is a calendar date "YYYY-MM-DD" with no zone; empty means unset and is
// written to JSON as null.
type Date string

// DateLayout is the one date format of the API and the store.
const DateLayout = "2006-01-02"

// ParseDate checks s and returns it as a Date; field names the input for the error.
func ParseDate(field, s string) (Date, error) {
	if s == "" {
		return "", nil
	}
	if _, err := time.Parse(DateLayout, s); err != nil {
		return "", Invalid(field, "日期格式应为 YYYY-MM-DD")
	}
	return Date(s), nil
}

// Time returns midnight of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	t, _ := time.ParseInLocation(DateLayout, string(d), loc)
	return t
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == "" }

// DateOf returns the calendar date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	return Date(t.In(loc).Format(DateLayout))
}

func (d Date) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(d))
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate("date", s)
	if err != nil {
		// A type error lets encoding/json name the field it was decoding.
		return &json.UnmarshalTypeError{Value: "date " + strconv.Quote(s), Type: reflect.TypeOf(Date(""))}
	}
	*d = v
	return nil
}
