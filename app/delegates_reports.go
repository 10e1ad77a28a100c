package app

// Delegates of the reports area to the store while its use cases move here
// (issue [5]); the area's own files replace them, and this file goes.

import (
	"context"
	"io"
	"iter"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

func (s *App) CampaignDeadlines(ctx context.Context, a *domain.Actor, campaignID int64) (*domain.Campaign, []DeadlineInfo, error) {
	return s.db.CampaignDeadlines(ctx, a, campaignID)
}

func (s *App) DeadlineOverrides(ctx context.Context, campaignID int64) ([]domain.DeadlineOverride, error) {
	return s.db.DeadlineOverrides(ctx, campaignID)
}

func (s *App) ExemptReport(ctx context.Context, a *domain.Actor, in ExemptionInput) (*Exemption, error) {
	return s.db.ExemptReport(ctx, a, in)
}

func (s *App) FinalSummaries(ctx context.Context, a *domain.Actor, campaignID, orgID int64) (*domain.Campaign, []*FinalSummary, error) {
	return s.db.FinalSummaries(ctx, a, campaignID, orgID)
}

func (s *App) FinalSummary(ctx context.Context, a *domain.Actor, id int64) (*FinalSummary, error) {
	return s.db.FinalSummary(ctx, a, id)
}

func (s *App) MaySubmitReport(ctx context.Context, a *domain.Actor, townID int64) bool {
	return s.db.MaySubmitReport(ctx, a, townID)
}

func (s *App) MergedReports(ctx context.Context, a *domain.Actor, campaignID, orgID int64, deadline time.Time) (*MergedReport, error) {
	return s.db.MergedReports(ctx, a, campaignID, orgID, deadline)
}

func (s *App) MoveDeadline(ctx context.Context, a *domain.Actor, campaignID int64, o domain.DeadlineOverride) (*DeadlineInfo, error) {
	return s.db.MoveDeadline(ctx, a, campaignID, o)
}

func (s *App) OpenFinalSummary(ctx context.Context, a *domain.Actor, id int64) (*FinalSummary, io.ReadSeekCloser, error) {
	return s.db.OpenFinalSummary(ctx, a, id)
}

func (s *App) PrepareReport(ctx context.Context, a *domain.Actor, in ReportInput) (*domain.WeeklyReport, bool, error) {
	return s.db.PrepareReport(ctx, a, in)
}

func (s *App) ProblemRows(ctx context.Context, a *domain.Actor, campaignID, orgID int64) (*SummaryResult, iter.Seq2[*domain.Case, error], error) {
	return s.db.ProblemRows(ctx, a, campaignID, orgID)
}

func (s *App) Report(ctx context.Context, a *domain.Actor, id int64) (*ReportDetail, error) {
	return s.db.Report(ctx, a, id)
}

func (s *App) ReportAction(ctx context.Context, a *domain.Actor, id int64, in ReportActionInput) (*domain.WeeklyReport, error) {
	return s.db.ReportAction(ctx, a, id, in)
}

func (s *App) Reports(ctx context.Context, a *domain.Actor, f ReportFilter) (*ReportList, error) {
	return s.db.Reports(ctx, a, f)
}

func (s *App) SignFinalSummary(ctx context.Context, a *domain.Actor, id int64) (*FinalSummary, error) {
	return s.db.SignFinalSummary(ctx, a, id)
}

func (s *App) Summary(ctx context.Context, a *domain.Actor, q SummaryQuery) (*SummaryResult, error) {
	return s.db.Summary(ctx, a, q)
}

func (s *App) TownPreview(ctx context.Context, a *domain.Actor, campaignID, townID int64) (*ReportDetail, error) {
	return s.db.TownPreview(ctx, a, campaignID, townID)
}

func (s *App) UploadFinalSummary(ctx context.Context, a *domain.Actor, in FinalSummaryInput) (*FinalSummary, error) {
	return s.db.UploadFinalSummary(ctx, a, in)
}

func (s *App) WeekActivity(ctx context.Context, a *domain.Actor, campaignID, orgID int64, from, to time.Time) ([]TownWeek, error) {
	return s.db.WeekActivity(ctx, a, campaignID, orgID, from, to)
}

type (
	ReportEvent       = store.ReportEvent
	ReportDetail      = store.ReportDetail
	DeadlineInfo      = store.DeadlineInfo
	ReportInput       = store.ReportInput
	ReportActionInput = store.ReportActionInput
	ReportFilter      = store.ReportFilter
	ReportList        = store.ReportList
	MergedReport      = store.MergedReport
	ExemptionInput    = store.ExemptionInput
	Exemption         = store.Exemption
	TownWeek          = store.TownWeek
	SummaryQuery      = store.SummaryQuery
	SummaryResult     = store.SummaryResult
	FinalSummary      = store.FinalSummary
	FinalSummaryInput = store.FinalSummaryInput
)

const (
	FinalSigned   = store.FinalSigned
	FinalUploaded = store.FinalUploaded
	FinalMissing  = store.FinalMissing
)
