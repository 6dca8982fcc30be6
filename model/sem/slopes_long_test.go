//go:build long

package sem

import (
	"math"
	"sort"
	"testing"
)

// Over 40 replications of 40 units × 30 periods, the 90% intervals of
// sd_v and of the mean strength b cover the truth in 80–98% of them, and
// the unit strengths' 90% intervals cover their truths in 85–95% of all
// units (go test -tags long -run SlopesCoverage ./model/sem/).
func TestSlopesCoverage(t *testing.T) {
	const reps, b, sdv = 40, 0.5, 0.4
	coverB, coverSD, unitHit, units := 0, 0, 0, 0
	in90 := func(x []float64, truth float64) bool {
		s := append([]float64(nil), x...)
		sort.Float64s(s)
		return truth >= s[len(s)*5/100] && truth <= s[len(s)*95/100]
	}
	for rep := 0; rep < reps; rep++ {
		spec, v := slopesSim(40, 30, b, sdv, uint64(100+rep))
		post, err := Compile(spec)
		if err != nil {
			t.Fatal(err)
		}
		sl := post.Slopes()[0]
		draws := sampleDraws(t, post, 2, 300, 300, uint64(rep+1))
		// b is the mean over the population of units, of which 40 are
		// drawn: its interval must allow for that draw.
		if in90(draws[sl.B], b) {
			coverB++
		}
		if in90(draws[sl.SD], sdv) {
			coverSD++
		}
		for j := range sl.Units {
			s := make([]float64, len(draws[sl.B]))
			for i := range s {
				s[i] = draws[sl.B][i] + draws[sl.First+j][i]
			}
			if in90(s, b+v[sl.Unit[j]]) {
				unitHit++
			}
			units++
		}
	}
	rate := func(k, n int) float64 { return float64(k) / float64(n) }
	t.Logf("coverage of 90%% intervals: b %.2f, sd_v %.2f, unit strengths %.3f", rate(coverB, reps), rate(coverSD, reps), rate(unitHit, units))
	for _, c := range []struct {
		what  string
		r, lo float64
		hi    float64
	}{
		{"b", rate(coverB, reps), 0.8, 0.98},
		{"sd_v", rate(coverSD, reps), 0.8, 0.98},
		{"unit strengths", rate(unitHit, units), 0.85, 0.95},
	} {
		if c.r < c.lo || c.r > c.hi || math.IsNaN(c.r) {
			t.Errorf("%s: 90%% intervals cover the truth in %.3f of cases, want %.2f–%.2f", c.what, c.r, c.lo, c.hi)
		}
	}
}
