package domain

// TipCounts are the tip figures of one row (a town, a channel, the total).
type TipCounts struct {
	Received        int   `json:"received"`         // 受理
	VerifiedTrue    int   `json:"verified_true"`    // 查证属实
	Cases           int   `json:"cases"`            // 立案（转为问题或关联问题）
	RewardsApproved int   `json:"rewards_approved"` // 核定奖励（含已兑现）
	RewardsPaid     int   `json:"rewards_paid"`     // 已兑现
	ApprovedFen     int64 `json:"approved_fen"`
	PaidFen         int64 `json:"paid_fen"`
}

// Add counts one tip.
func (c *TipCounts) Add(t *Tip) {
	c.Received++
	if t.Status.VerifiedTrue() {
		c.VerifiedTrue++
	}
	if t.CaseID != nil {
		c.Cases++
	}
	switch t.Reward.Status {
	case RewardApproved, RewardPaid:
		c.RewardsApproved++
		c.ApprovedFen += t.Reward.AmountFen
		if t.Reward.Status == RewardPaid {
			c.RewardsPaid++
			c.PaidFen += t.Reward.AmountFen
		}
	}
}

// TipTownLine is one town's figures; OrgID 0 is the tips not yet dispatched.
type TipTownLine struct {
	OrgID int64  `json:"org_id"`
	Name  string `json:"name"`
	TipCounts
}

// TipChannelLine is one channel's figures.
type TipChannelLine struct {
	Channel TipChannel `json:"channel"`
	Name    string     `json:"name"`
	TipCounts
}

// TipFigures are the tips of a campaign counted by town and by channel.
type TipFigures struct {
	CampaignID int64            `json:"campaign_id"`
	ByTown     []TipTownLine    `json:"by_town"`
	ByChannel  []TipChannelLine `json:"by_channel"`
	Total      TipCounts        `json:"total"`
}

// CountTips counts tips by town (every town of towns in their order, zeros
// included; with undispatched, a first row for tips not yet dispatched) and
// by channel.
func CountTips(campaignID int64, towns []*OrgUnit, undispatched bool, tips []*Tip) *TipFigures {
	f := &TipFigures{CampaignID: campaignID}
	idx := map[int64]int{}
	if undispatched {
		f.ByTown = append(f.ByTown, TipTownLine{OrgID: 0, Name: "未分办"})
		idx[0] = 0
	}
	for _, o := range towns {
		idx[o.ID] = len(f.ByTown)
		f.ByTown = append(f.ByTown, TipTownLine{OrgID: o.ID, Name: o.Name})
	}
	ch := map[TipChannel]int{}
	for _, c := range TipChannels {
		ch[c] = len(f.ByChannel)
		f.ByChannel = append(f.ByChannel, TipChannelLine{Channel: c, Name: TipChannelNames[c]})
	}
	for _, t := range tips {
		var org int64
		if t.OrgID != nil {
			org = *t.OrgID
		}
		if i, ok := idx[org]; ok {
			f.ByTown[i].Add(t)
		}
		if i, ok := ch[t.Channel]; ok {
			f.ByChannel[i].Add(t)
		}
		f.Total.Add(t)
	}
	return f
}
