package domain

import (
	"sync"
	"time"
	_ "time/tzdata" // embed the zone database: deadlines must not depend on the host
)

// ZoneName is the campaign's default time zone.
const ZoneName = "Asia/Shanghai"

// Shanghai returns the Asia/Shanghai location from the embedded database.
func Shanghai() *time.Location {
	loc, err := time.LoadLocation(ZoneName)
	if err != nil {
		panic("zone database missing: " + err.Error()) // cannot happen with time/tzdata
	}
	return loc
}

// Clock gives the current time; tests pass a fake one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// FixedClock is a settable clock for tests and demos.
type FixedClock struct{ T time.Time }

func (c *FixedClock) Now() time.Time { return c.T }

// Set moves the clock to t (the demo steps it through a campaign's weeks).
func (c *FixedClock) Set(t time.Time) { c.T = t }

// ReplayClock is the real clock, except while a moment has been set: the
// demo sets it, step by step, to the times of the events it replays (a
// campaign's weeks so far), then releases it. Safe for concurrent use.
type ReplayClock struct {
	mu sync.Mutex
	at time.Time
}

// Now is the moment set, or the real time when none is.
func (c *ReplayClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// Set makes the clock read t until the next Set or Release.
func (c *ReplayClock) Set(t time.Time) {
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}

// Release hands the clock back to the real time.
func (c *ReplayClock) Release() { c.Set(time.Time{}) }
