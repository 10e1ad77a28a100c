package seed

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// The demo replays a campaign's weeks so far: every step (a site
// registered, a case rectified, a report submitted, a signature) is
// planned at its own moment since the campaign's start and run in time
// order with the store's clock set to that moment, so the audit trail,
// the deadlines met or missed and the re-check plan all read like a
// campaign that has been running for weeks. On a clock that cannot be set
// (the real one) the steps run in the same order, now.

// settable is a clock the demo can set (domain.FixedClock,
// domain.ReplayClock).
type settable interface{ Set(time.Time) }

// releasable is a clock that goes back to the real time when released
// (domain.ReplayClock).
type releasable interface{ Release() }

// step is one planned action.
type step struct {
	at   time.Time
	seq  int
	what string
	do   func(ctx context.Context) error
}

// timeline collects the demo's steps and runs them in time order.
type timeline struct {
	steps []step
	until time.Time // the latest moment a step may have: just before now
}

// add plans do at at (later than until: at until, in the order added).
func (tl *timeline) add(at time.Time, what string, do func(ctx context.Context) error) {
	if at.After(tl.until) {
		at = tl.until
	}
	tl.steps = append(tl.steps, step{at: at, seq: len(tl.steps), what: what, do: do})
}

// run runs the steps in time order (the order added among equals),
// setting clock to each step's moment when it can be set.
func (tl *timeline) run(ctx context.Context, clock any) error {
	sort.SliceStable(tl.steps, func(i, j int) bool {
		if !tl.steps[i].at.Equal(tl.steps[j].at) {
			return tl.steps[i].at.Before(tl.steps[j].at)
		}
		return tl.steps[i].seq < tl.steps[j].seq
	})
	set, _ := clock.(settable)
	for _, s := range tl.steps {
		if set != nil {
			set.Set(s.at)
		}
		if err := s.do(ctx); err != nil {
			return fmt.Errorf("%s (%s): %w", s.what, s.at.In(demoLoc).Format("01-02 15:04"), err)
		}
	}
	return nil
}
