package store

import (
	"context"
	"fmt"

	"zhengzhi/domain"
)

const campaignCols = `id, name, doc_no, start_date, end_date, deadline_weekday, deadline_time, time_zone,
	summary_due_date, categories, clear_items, recheck_days, supervised_days, reward_rule, version`

func scanCampaign(r scanner) (*domain.Campaign, error) {
	var c domain.Campaign
	var start, end, due string
	err := r.Scan(&c.ID, &c.Name, &c.DocNo, &start, &end, &c.DeadlineWeekday, &c.DeadlineTime, &c.TimeZone,
		&due, jsonScan{&c.Categories}, jsonScan{&c.ClearItems}, &c.RecheckDays, &c.SupervisedDays, &c.RewardRule, &c.Version)
	c.StartDate, c.EndDate, c.SummaryDueDate = domain.Date(start), domain.Date(end), domain.Date(due)
	return &c, err
}

// CreateCampaign sets up a campaign (district office, admin).
func (d *DB) CreateCampaign(ctx context.Context, a *domain.Actor, c domain.Campaign) (*domain.Campaign, error) {
	if err := domain.Authorize(a, domain.ActManageCampaign, nil, ""); err != nil {
		return nil, err
	}
	if err := c.Normalize(); err != nil {
		return nil, err
	}
	c.Version = 1
	err := d.write(ctx, a, func(tx *Tx) error {
		id, err := tx.insert(`INSERT INTO campaigns (name, doc_no, start_date, end_date, deadline_weekday, deadline_time, time_zone,
			summary_due_date, categories, clear_items, recheck_days, supervised_days, reward_rule, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14) RETURNING id`,
			c.Name, c.DocNo, string(c.StartDate), string(c.EndDate), c.DeadlineWeekday, c.DeadlineTime, c.TimeZone,
			string(c.SummaryDueDate), mustJSON(c.Categories), mustJSON(c.ClearItems), c.RecheckDays, c.SupervisedDays, c.RewardRule, ts(tx.now))
		if err != nil {
			return err
		}
		c.ID = id
		return tx.audit("create", "campaign", id, nil, c)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Campaigns lists all campaigns, newest first. Every logged-in role may read them.
func (d *DB) Campaigns(ctx context.Context, a *domain.Actor) ([]*domain.Campaign, error) {
	if err := domain.Authorize(a, domain.ActRead, nil, ""); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+campaignCols+` FROM campaigns ORDER BY start_date DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*domain.Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Campaign loads one campaign.
func (d *DB) Campaign(ctx context.Context, id int64) (*domain.Campaign, error) {
	c, err := scanCampaign(d.db.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "专项行动")
	}
	return c, nil
}

// ResolveCampaign returns campaign id, or with id 0 the one active campaign:
// the one whose dates contain today, else the latest started.
func (d *DB) ResolveCampaign(ctx context.Context, id int64) (*domain.Campaign, error) {
	if id != 0 {
		return d.Campaign(ctx, id)
	}
	today := string(domain.DateOf(d.clock.Now(), d.zone))
	c, err := scanCampaign(d.db.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns
		WHERE start_date <= $1 ORDER BY (CASE WHEN end_date >= $1 THEN 0 ELSE 1 END), start_date DESC, id DESC LIMIT 1`, today))
	if isNoRows(err) {
		c, err = scanCampaign(d.db.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns ORDER BY start_date, id LIMIT 1`))
	}
	if err != nil {
		if isNoRows(err) {
			return nil, domain.Invalid("campaign_id", "尚未设立专项行动")
		}
		return nil, fmt.Errorf("resolve campaign: %w", err)
	}
	return c, nil
}
