package domain

import "log/slog"

// Sensitive marks personal data that must never reach the audit trail, the
// logs or an export in clear: a reporter's identity, a phone number, an ID
// number. The mark is the type, so it travels with the value wherever the
// value goes:
//   - the audit trail records a keyed hash of it (AuditPayload), never the
//     value, and refuses a payload it cannot see into;
//   - log/slog prints a fixed placeholder (LogValue);
//   - the JSON API shows it to whoever may read the record, as before.
//
// Code that needs the clear value says so with Reveal.
type Sensitive string

// Reveal returns the clear value, for the few places entitled to it.
func (s Sensitive) Reveal() string { return string(s) }

// LogValue keeps the value out of structured logs.
func (s Sensitive) LogValue() slog.Value {
	if s == "" {
		return slog.StringValue("")
	}
	return slog.StringValue("[已隐去]")
}
