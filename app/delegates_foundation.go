package app

// Delegates of the foundation area to the store while its use cases move here
// (issue [5]); the area's own files replace them, and this file goes.

import (
	"context"

	"zhengzhi/domain"
	"zhengzhi/store"
)

func (s *App) ActorForToken(ctx context.Context, secret, kind string) (*domain.Actor, error) {
	return s.db.ActorForToken(ctx, secret, kind)
}

func (s *App) Authenticate(ctx context.Context, username, password string) (*domain.Actor, error) {
	return s.db.Authenticate(ctx, username, password)
}

func (s *App) Campaign(ctx context.Context, id int64) (*domain.Campaign, error) {
	return s.db.Campaign(ctx, id)
}

func (s *App) Campaigns(ctx context.Context, a *domain.Actor) ([]*domain.Campaign, error) {
	return s.db.Campaigns(ctx, a)
}

func (s *App) Children(ctx context.Context, id int64) ([]*domain.OrgUnit, error) {
	return s.db.Children(ctx, id)
}

func (s *App) CreateCampaign(ctx context.Context, a *domain.Actor, c domain.Campaign) (*domain.Campaign, error) {
	return s.db.CreateCampaign(ctx, a, c)
}

func (s *App) CreateOrg(ctx context.Context, a *domain.Actor, in OrgInput) (*domain.OrgUnit, error) {
	return s.db.CreateOrg(ctx, a, in)
}

func (s *App) CreateToken(ctx context.Context, a *domain.Actor, kind string) (string, error) {
	return s.db.CreateToken(ctx, a, kind)
}

func (s *App) CreateUser(ctx context.Context, a *domain.Actor, in UserInput) (*domain.User, error) {
	return s.db.CreateUser(ctx, a, in)
}

func (s *App) EnsureAdmin(ctx context.Context, password string) (bool, error) {
	return s.db.EnsureAdmin(ctx, password)
}

func (s *App) Org(ctx context.Context, id int64) (*domain.OrgUnit, error) {
	return s.db.Org(ctx, id)
}

func (s *App) OrgByCode(ctx context.Context, code string) (*domain.OrgUnit, error) {
	return s.db.OrgByCode(ctx, code)
}

func (s *App) OrgCount(ctx context.Context) (int, error) {
	return s.db.OrgCount(ctx)
}

func (s *App) ResetPassword(ctx context.Context, a *domain.Actor, id int64, password string) error {
	return s.db.ResetPassword(ctx, a, id, password)
}

func (s *App) ResolveCampaign(ctx context.Context, id int64) (*domain.Campaign, error) {
	return s.db.ResolveCampaign(ctx, id)
}

func (s *App) RevokeToken(ctx context.Context, a *domain.Actor, secret string) error {
	return s.db.RevokeToken(ctx, a, secret)
}

func (s *App) Root(ctx context.Context) (*domain.OrgUnit, error) {
	return s.db.Root(ctx)
}

func (s *App) SeedOrgs(ctx context.Context, seeds []OrgSeed) error {
	return s.db.SeedOrgs(ctx, seeds)
}

func (s *App) SetOrgPrefix(ctx context.Context, a *domain.Actor, id int64, prefix string) error {
	return s.db.SetOrgPrefix(ctx, a, id, prefix)
}

func (s *App) SetUserActive(ctx context.Context, a *domain.Actor, id int64, active bool) error {
	return s.db.SetUserActive(ctx, a, id, active)
}

func (s *App) Subtree(ctx context.Context, root *domain.OrgUnit) ([]*domain.OrgUnit, error) {
	return s.db.Subtree(ctx, root)
}

func (s *App) SystemActor(ctx context.Context) (*domain.Actor, error) {
	return s.db.SystemActor(ctx)
}

func (s *App) TownOf(ctx context.Context, o *domain.OrgUnit) (*domain.OrgUnit, error) {
	return s.db.TownOf(ctx, o)
}

func (s *App) User(ctx context.Context, a *domain.Actor, id int64) (*domain.User, error) {
	return s.db.User(ctx, a, id)
}

func (s *App) UserIDByName(ctx context.Context, username string) (int64, error) {
	return s.db.UserIDByName(ctx, username)
}

func (s *App) Users(ctx context.Context, a *domain.Actor) ([]UserOrg, error) {
	return s.db.Users(ctx, a)
}

func (s *App) VisibleOrg(ctx context.Context, a *domain.Actor, id int64) (*domain.OrgUnit, error) {
	return s.db.VisibleOrg(ctx, a, id)
}

func (s *App) VisibleOrgs(ctx context.Context, a *domain.Actor) ([]*domain.OrgUnit, error) {
	return s.db.VisibleOrgs(ctx, a)
}

type (
	OrgSeed   = store.OrgSeed
	OrgInput  = store.OrgInput
	UserInput = store.UserInput
	UserOrg   = store.UserOrg
)

const (
	TokenSession = store.TokenSession
	TokenAPI     = store.TokenAPI
)
