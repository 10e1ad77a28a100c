package app

import (
	"context"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// AuditFilter selects audit events (by entity, after a seq, a page size).
type AuditFilter = store.AuditFilter

// VerifyResult is what the chain check reports.
type VerifyResult = store.VerifyResult

// AuditEvents lists the audit trail for those who may browse all of it
// (纪委监委, admin). A record's own history is CaseTimeline's.
func (s *App) AuditEvents(ctx context.Context, a *domain.Actor, f AuditFilter) ([]domain.AuditEvent, error) {
	if err := domain.Authorize(a, domain.ActReadAudit, nil, "审计记录"); err != nil {
		return nil, err
	}
	return s.db.Reader(ctx).AuditEvents(f)
}

// VerifyAudit recomputes the whole chain with the key kept outside the
// database and compares its end with the checkpoint (audit verify).
func (s *App) VerifyAudit(ctx context.Context) (VerifyResult, error) {
	return s.db.VerifyAudit(ctx)
}
