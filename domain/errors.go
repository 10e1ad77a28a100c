package domain

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each to one HTTP status in one place.
const (
	EINVALID      = "invalid"      // bad input; Field names the offending field
	ENOTFOUND     = "not_found"    // unknown, or outside the caller's scope
	EFORBIDDEN    = "forbidden"    // the caller's role may not do this
	ECONFLICT     = "conflict"     // stale version, wrong state, duplicate
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	ETOOLARGE     = "too_large"    // upload over the limit
	EINTERNAL     = "internal"     // a bug or an outage; details only in the log
)

// Error is the one error type the domain speaks. Message is shown to the
// user as is, so it must never carry SQL or internals.
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds a domain error without a field.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports bad input in one field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound is the answer both for a missing record and for one outside scope.
func NotFound(what string) *Error {
	return &Error{Code: ENOTFOUND, Message: what + "不存在"}
}

// Forbidden is the answer when the role may not act.
func Forbidden() *Error {
	return &Error{Code: EFORBIDDEN, Message: "无权执行此操作"}
}

// ErrorCode returns the code of a domain error anywhere in err's chain, or
// EINTERNAL for anything else.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message; internal errors never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "内部错误"
}

// ErrorField returns the field an EINVALID error names, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// Stale refuses a save made on an old copy of a record: it changed since it
// was read (now at version current), so nothing was written.
func Stale(what string, current int64) error {
	return &Error{Code: ECONFLICT, Field: "version",
		Message: fmt.Sprintf("%s已被他人修改（当前版本 %d），请刷新后重试", what, current)}
}
