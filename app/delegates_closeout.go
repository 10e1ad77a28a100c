package app

// Delegates of the closeout area to the store while its use cases move here
// (issue [5]); the area's own files replace them, and this file goes.

import (
	"context"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

func (s *App) ActiveDelegation(ctx context.Context, userID int64, now time.Time) (*domain.Delegation, error) {
	return s.db.ActiveDelegation(ctx, userID, now)
}

func (s *App) AllowedCaseActions(ctx context.Context, a *domain.Actor, c *domain.Case) ([]domain.CaseAction, *domain.Delegation, error) {
	return s.db.AllowedCaseActions(ctx, a, c)
}

func (s *App) ApplyCaseAction(ctx context.Context, a *domain.Actor, caseID int64, in CaseActionInput) (*domain.Case, error) {
	return s.db.ApplyCaseAction(ctx, a, caseID, in)
}

func (s *App) ApproveMany(ctx context.Context, a *domain.Actor, items []ApproveItem) ([]ApproveResult, error) {
	return s.db.ApproveMany(ctx, a, items)
}

func (s *App) CaseContent(ctx context.Context, a *domain.Actor, caseID int64) (*domain.Case, []*domain.Attachment, string, error) {
	return s.db.CaseContent(ctx, a, caseID)
}

func (s *App) CaseSignOffs(ctx context.Context, a *domain.Actor, caseID int64) ([]SignOffCheck, error) {
	return s.db.CaseSignOffs(ctx, a, caseID)
}

func (s *App) CreateDelegation(ctx context.Context, head *domain.Actor, in DelegationInput) (*domain.Delegation, error) {
	return s.db.CreateDelegation(ctx, head, in)
}

func (s *App) DelegateCandidates(ctx context.Context, head *domain.Actor) ([]*domain.User, error) {
	return s.db.DelegateCandidates(ctx, head)
}

func (s *App) Delegations(ctx context.Context, a *domain.Actor) ([]*domain.Delegation, error) {
	return s.db.Delegations(ctx, a)
}

func (s *App) DueRechecks(ctx context.Context, a *domain.Actor, campaignID int64) ([]RecheckRow, error) {
	return s.db.DueRechecks(ctx, a, campaignID)
}

func (s *App) Inbox(ctx context.Context, a *domain.Actor) ([]InboxItem, error) {
	return s.db.Inbox(ctx, a)
}

func (s *App) RecheckPrompts(ctx context.Context, a *domain.Actor, campaignID int64) ([]*domain.Case, error) {
	return s.db.RecheckPrompts(ctx, a, campaignID)
}

func (s *App) RecordRecheck(ctx context.Context, a *domain.Actor, siteID int64, outcome, note string) (*RecheckResult, error) {
	return s.db.RecordRecheck(ctx, a, siteID, outcome, note)
}

func (s *App) RevokeDelegation(ctx context.Context, a *domain.Actor, id int64) (*domain.Delegation, error) {
	return s.db.RevokeDelegation(ctx, a, id)
}

type (
	CaseActionInput = store.CaseActionInput
	SignOffCheck    = store.SignOffCheck
	InboxItem       = store.InboxItem
	ApproveItem     = store.ApproveItem
	ApproveResult   = store.ApproveResult
	DelegationInput = store.DelegationInput
	RecheckRow      = store.RecheckRow
	RecheckResult   = store.RecheckResult
)
