package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// The city's 12350 platform (全市12350有奖举报平台): every tip received here is
// entered there. The tip's transaction queues it (tip_outbox); the worker
// posts it as JSON with the same Idempotency-Key on every retry, backing off
// exponentially, until a 2xx, and keeps the 12350 number the platform
// answers. Without an endpoint the district office exports the undelivered
// tips as a batch file and records the numbers by hand. The reporter's
// identity is never sent or exported: the platform gets whether the
// reporter is anonymous and can be reached.

type outboxConfig struct {
	url    string
	client *http.Client
}

// Outbox timing: a claimed item is leased for outboxLease (another worker
// skips it meanwhile); a failed one waits outboxBackoff(attempts).
const (
	outboxLease      = 2 * time.Minute
	outboxBackoffMin = 30 * time.Second
	outboxBackoffMax = time.Hour
	outboxBatch      = 20
)

// outboxBackoff is the wait after the n-th failed attempt: 30 s, 1 min,
// 2 min, … up to an hour.
func outboxBackoff(n int) time.Duration {
	d := outboxBackoffMin
	for i := 1; i < n && d < outboxBackoffMax; i++ {
		d *= 2
	}
	if d > outboxBackoffMax {
		d = outboxBackoffMax
	}
	return d
}

// Configured12350 reports whether tips are posted to a 12350 endpoint (else
// they are exported in batches).
func (s *App) Configured12350() bool { return s.outbox.url != "" }

// Tip12350 is the JSON a tip is entered into the 12350 platform as.
type Tip12350 struct {
	Source       string   `json:"source"` // "zhengzhi"
	TipID        int64    `json:"tip_id"`
	Channel      string   `json:"channel"`
	ChannelName  string   `json:"channel_name"`
	Category     string   `json:"category"`
	CategoryName string   `json:"category_name"`
	UnitName     string   `json:"unit_name"`
	Address      string   `json:"address"`
	Lat          *float64 `json:"lat"`
	Lng          *float64 `json:"lng"`
	Description  string   `json:"description"`
	ReceivedAt   string   `json:"received_at"` // RFC 3339, +08:00
	Town         string   `json:"town"`
	Anonymous    bool     `json:"anonymous"`
	Contactable  bool     `json:"contactable"`
}

func (s *App) tip12350(t *domain.Tip) Tip12350 {
	return Tip12350{Source: "zhengzhi", TipID: t.ID, Channel: string(t.Channel), ChannelName: domain.TipChannelNames[t.Channel],
		Category: string(t.Category), CategoryName: domain.CategoryNames[t.Category], UnitName: t.UnitName, Address: t.Address,
		Lat: t.Lat, Lng: t.Lng, Description: t.Description, ReceivedAt: t.ReceivedAt.In(s.zone).Format(time.RFC3339),
		Town: t.TownName, Anonymous: t.Anonymous, Contactable: t.Contactable}
}

// DeliverDue posts every queued tip that is due to the 12350 endpoint once
// and records each outcome; it answers how many were delivered. It does
// nothing when no endpoint is configured.
func (s *App) DeliverDue(ctx context.Context) (int, error) {
	if s.outbox.url == "" {
		return 0, nil
	}
	var items []*store.OutboxItem
	err := s.db.Write(ctx, nil, func(tx *store.Tx) error {
		var err error
		items, err = tx.ClaimOutbox(outboxBatch, tx.Now().Add(outboxLease))
		return err
	})
	if err != nil {
		return 0, err
	}
	delivered := 0
	for _, it := range items {
		t, err := s.db.Reader(ctx).Tip(it.TipID)
		if err != nil {
			return delivered, err
		}
		ref, perr := s.post12350(ctx, it.IdempotencyKey, s.tip12350(t))
		if perr != nil {
			err = s.db.Write(ctx, nil, func(tx *store.Tx) error {
				return tx.OutboxRetry(it.ID, tx.Now().Add(outboxBackoff(it.Attempts)), perr.Error())
			})
			if err != nil {
				return delivered, err
			}
			continue
		}
		err = s.db.Write(ctx, nil, func(tx *store.Tx) error {
			t, err := tx.Tip(it.TipID)
			if err != nil {
				return err
			}
			before := *t
			if t.RefNo == "" && ref != "" {
				t.RefNo = ref
				if err := tx.UpdateTip(t, before.Version); err != nil {
					return err
				}
			}
			if err := tx.OutboxDelivered(t.ID); err != nil {
				return err
			}
			return tx.Audit("deliver_12350", "tip", t.ID, &before, t)
		})
		if err != nil {
			return delivered, err
		}
		delivered++
	}
	return delivered, nil
}

// post12350 posts one tip and returns the 12350 number the platform gives.
func (s *App) post12350(ctx context.Context, key string, body Tip12350) (string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.outbox.url, bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Idempotency-Key", key)
	res, err := s.outbox.client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return "", fmt.Errorf("12350 platform answered HTTP %d", res.StatusCode)
	}
	return refFrom12350(raw), nil
}

// refFrom12350 reads the platform's number from its answer: "ref_no",
// "number" or "id", as a string or a number.
func refFrom12350(raw []byte) string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	for _, k := range []string{"ref_no", "number", "id"} {
		switch v := m[k].(type) {
		case string:
			if v = strings.TrimSpace(v); v != "" && len(v) <= 40 {
				return v
			}
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return ""
}

// Run12350 delivers due tips every interval until ctx ends (started by
// serve when ZHENGZHI_12350_URL is set).
func (s *App) Run12350(ctx context.Context, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			log.Error("12350 outbox", "err", err)
		} else if n > 0 {
			log.Info("12350 outbox", "delivered", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// UndeliveredTip is a tip not yet entered into 12350, for the batch file.
type UndeliveredTip struct {
	Tip    *domain.Tip
	Outbox *OutboxItem
}

// Undelivered12350 lists the tips waiting for the 12350 platform.
func (s *App) Undelivered12350(ctx context.Context, a *domain.Actor) ([]UndeliveredTip, error) {
	if err := domain.Authorize(a, domain.ActEnterTips, nil, "举报"); err != nil {
		return nil, err
	}
	r := s.db.Reader(ctx)
	items, err := r.Undelivered()
	if err != nil {
		return nil, err
	}
	out := []UndeliveredTip{}
	for _, it := range items {
		t, err := r.Tip(it.TipID)
		if err != nil {
			return nil, err
		}
		out = append(out, UndeliveredTip{Tip: t, Outbox: it})
	}
	return out, nil
}

// Export12350 hands the undelivered tips over as a batch (no endpoint
// configured): it marks them exported, audits the export and returns them
// with the JSON each would have been posted as. Identity never goes in it.
func (s *App) Export12350(ctx context.Context, a *domain.Actor) ([]Tip12350, error) {
	var out []Tip12350
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		if err := domain.Authorize(a, domain.ActEnterTips, nil, "举报"); err != nil {
			return err
		}
		items, err := tx.Undelivered()
		if err != nil {
			return err
		}
		ids := []int64{}
		for _, it := range items {
			t, err := tx.Tip(it.TipID)
			if err != nil {
				return err
			}
			out = append(out, s.tip12350(t))
			ids = append(ids, t.ID)
		}
		if err := tx.OutboxExported(ids); err != nil {
			return err
		}
		return tx.Audit("export_12350", "tip_outbox", 0, nil, struct {
			TipIDs []int64 `json:"tip_ids"`
		}{ids})
	})
	return out, err
}

// RecordTipRef keeps the 12350 number of a tip entered into the platform by
// hand (from a batch file), which completes its delivery.
func (s *App) RecordTipRef(ctx context.Context, a *domain.Actor, id int64, ref string) (*domain.Tip, error) {
	ref = strings.TrimSpace(ref)
	var out *domain.Tip
	err := s.db.Write(ctx, a, func(tx *store.Tx) error {
		t, _, err := loadTip(tx.Reader, a, id, domain.ActEnterTips)
		if err != nil {
			return err
		}
		if ref == "" || len(ref) > 40 {
			return domain.Invalid("ref_no", "请填写 12350 编号（最多 40 个字符）")
		}
		before := *t
		t.RefNo = ref
		if err := tx.UpdateTip(t, before.Version); err != nil {
			return err
		}
		if err := tx.OutboxDelivered(t.ID); err != nil {
			return err
		}
		out = t
		return tx.Audit("record_12350", "tip", t.ID, &before, t)
	})
	return out, err
}
