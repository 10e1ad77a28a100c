package domain

import (
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
