package app

// Delegates of the cases area to the store while its use cases move here
// (issue [5]); the area's own files replace them, and this file goes.

import (
	"context"

	"zhengzhi/domain"
	"zhengzhi/store"
)

func (s *App) Case(ctx context.Context, a *domain.Actor, id int64) (*domain.Case, error) {
	return s.db.Case(ctx, a, id)
}

func (s *App) CaseTimeline(ctx context.Context, a *domain.Actor, caseID int64) ([]domain.AuditEvent, error) {
	return s.db.CaseTimeline(ctx, a, caseID)
}

func (s *App) Cases(ctx context.Context, a *domain.Actor, f CaseFilter) ([]*domain.Case, int, error) {
	return s.db.Cases(ctx, a, f)
}

func (s *App) CreateCase(ctx context.Context, a *domain.Actor, in CaseInput) (*domain.Case, error) {
	return s.db.CreateCase(ctx, a, in)
}

func (s *App) Dashboard(ctx context.Context, a *domain.Actor, orgID, campaignID int64) (*Dashboard, error) {
	return s.db.Dashboard(ctx, a, orgID, campaignID)
}

func (s *App) UpdateCase(ctx context.Context, a *domain.Actor, id int64, p CasePatch) (*domain.Case, error) {
	return s.db.UpdateCase(ctx, a, id, p)
}

type (
	CaseInput  = store.CaseInput
	CasePatch  = store.CasePatch
	CaseFilter = store.CaseFilter
	Dashboard  = store.Dashboard
)
