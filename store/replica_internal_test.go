package store

import (
	"testing"
	"time"
)

func TestParseLSN(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0/0", 0, true},
		{"0/BB000060", 0xBB000060, true},
		{"16/B374D848", 0x16<<32 | 0xB374D848, true},
		{"", 0, false},
		{"16", 0, false},
		{"1/XYZ", 0, false},
	} {
		got, err := parseLSN(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseLSN(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// The lag bound is the age of the newest sample of the primary's WAL
// position that the replica has replayed: an idle primary (replay equal to
// the newest sample) is no lag however long since the last change.
func TestReplayedLag_AgeOfNewestReplayedSample(t *testing.T) {
	t0 := time.Date(2020, 10, 14, 9, 0, 0, 0, time.UTC)
	samples := []walSample{{t0, 100}, {t0.Add(time.Second), 200}, {t0.Add(2 * time.Second), 300}, {t0.Add(3 * time.Second), 300}}
	now := t0.Add(3*time.Second + 10*time.Millisecond)
	for _, tc := range []struct {
		name   string
		replay uint64
		lag    time.Duration
		ok     bool
		kept   int
	}{
		{"caught up with an idle primary", 300, 10 * time.Millisecond, true, 1},
		{"between two samples", 250, 2*time.Second + 10*time.Millisecond, true, 3},
		{"exactly at the oldest", 100, 3*time.Second + 10*time.Millisecond, true, 4},
		{"behind every sample", 99, 0, false, 4},
	} {
		kept, lag, ok := replayedLag(append([]walSample(nil), samples...), tc.replay, now)
		if lag != tc.lag || ok != tc.ok || len(kept) != tc.kept {
			t.Errorf("%s: lag %s ok %v kept %d; want %s %v %d", tc.name, lag, ok, len(kept), tc.lag, tc.ok, tc.kept)
		}
	}
}
