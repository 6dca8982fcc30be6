//go:build long

package report

import (
	"fmt"
	"testing"

	"dilemma/fit"
)

// TestCountCoverageLong fits 100 simulated panels per count family and
// checks that the 90% posterior intervals of the strengths and of the
// family's own parameters cover the truth in 80 to 98 of them (a
// binomial(100, 0.9) count falls there with probability above 0.99).
// Run with: go test -tags long -run TestCountCoverageLong -timeout 4h ./report/
func TestCountCoverageLong(t *testing.T) {
	const reps = 100
	for _, c := range countFits {
		t.Run(c.family, func(t *testing.T) {
			truth := map[string]float64{}
			for k, v := range countTruth {
				truth[k] = v
			}
			for k, v := range c.par {
				truth[k] = v
			}
			covered := map[string]int{}
			for rep := 0; rep < reps; rep++ {
				seed := uint64(1000 + rep)
				p := simCount(t, c.fam, c.nat, 40, 8, seed)
				s := fit.DefaultSettings()
				s.Chains, s.Warmup, s.Samples, s.Seed = 2, 300, 300, seed
				f := fitCount(t, c.family, p, s)
				for name, want := range truth {
					lo, hi := interval90(t, f, name)
					if lo <= want && want <= hi {
						covered[name]++
					}
				}
			}
			for name, k := range covered {
				if k < 80 || k > 98 {
					t.Errorf("%s: the 90%% interval covered the truth %d times in %d", name, k, reps)
				}
			}
			t.Log(fmt.Sprint(covered))
		})
	}
}
