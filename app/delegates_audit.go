package app

// Delegates of the audit area to the store while its use cases move here
// (issue [5]); the area's own files replace them, and this file goes.

import (
	"context"

	"zhengzhi/domain"
	"zhengzhi/store"
)

func (s *App) AuditEvents(ctx context.Context, a *domain.Actor, f AuditFilter, internal bool) ([]domain.AuditEvent, error) {
	return s.db.AuditEvents(ctx, a, f, internal)
}

func (s *App) VerifyAudit(ctx context.Context) (VerifyResult, error) {
	return s.db.VerifyAudit(ctx)
}

type (
	AuditFilter  = store.AuditFilter
	VerifyResult = store.VerifyResult
)
