package store

import (
	"fmt"

	"zhengzhi/domain"
)

const campaignCols = `id, name, doc_no, start_date, end_date, deadline_weekday, deadline_time, time_zone,
	summary_due_date, categories, clear_items, recheck_days, supervised_days, reward_rule, closeout_evidence, version`

func scanCampaign(r scanner) (*domain.Campaign, error) {
	var c domain.Campaign
	var start, end, due string
	err := r.Scan(&c.ID, &c.Name, &c.DocNo, &start, &end, &c.DeadlineWeekday, &c.DeadlineTime, &c.TimeZone,
		&due, jsonScan{&c.Categories}, jsonScan{&c.ClearItems}, &c.RecheckDays, &c.SupervisedDays, &c.RewardRule,
		jsonScan{&c.CloseoutEvidence}, &c.Version)
	c.StartDate, c.EndDate, c.SummaryDueDate = domain.Date(start), domain.Date(end), domain.Date(due)
	return &c, err
}

// InsertCampaign stores a campaign and sets c.ID.
func (tx *Tx) InsertCampaign(c *domain.Campaign) error {
	id, err := tx.insert(`INSERT INTO campaigns (name, doc_no, start_date, end_date, deadline_weekday, deadline_time, time_zone,
		summary_due_date, categories, clear_items, recheck_days, supervised_days, reward_rule, closeout_evidence, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
		c.Name, c.DocNo, string(c.StartDate), string(c.EndDate), c.DeadlineWeekday, c.DeadlineTime, c.TimeZone,
		string(c.SummaryDueDate), mustJSON(c.Categories), mustJSON(c.ClearItems), c.RecheckDays, c.SupervisedDays, c.RewardRule,
		evidenceJSON(c.CloseoutEvidence), c.Version, ts(tx.now))
	if err != nil {
		return fmt.Errorf("insert campaign: %w", err)
	}
	c.ID = id
	return nil
}

// evidenceJSON stores a campaign's evidence rule; nil (the default rule) as ”.
func evidenceJSON(r *domain.EvidenceRule) string {
	if r == nil {
		return ""
	}
	return mustJSON(r)
}
