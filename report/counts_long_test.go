//go:build long

package report

import (
	"fmt"
	"testing"

	"dilemma/data"
	"dilemma/fit"
)

// TestCountCoverageLong fits 100 simulated panels per count, binomial and
// continuous family (student, lognormal, beta) and
// checks that the 90% posterior intervals of the strengths and of the
// family's own parameters cover the truth in 80 to 98 of them (a
// binomial(100, 0.9) count falls there with probability above 0.99).
// Run with: go test -tags long -run TestCountCoverageLong -timeout 4h ./report/
func TestCountCoverageLong(t *testing.T) {
	const reps = 100
	type family struct {
		family string
		nat    []float64
		par    map[string]float64
		sim    func(seed uint64) *data.Panel
		fit    func(p *data.Panel, s fit.Settings) *fit.Fit
	}
	var fams []family
	for _, c := range countFits {
		fams = append(fams, family{c.family, c.nat, c.par,
			func(seed uint64) *data.Panel { return simCount(t, c.fam, c.nat, 40, 8, seed) },
			func(p *data.Panel, s fit.Settings) *fit.Fit { return fitCount(t, c.family, p, s) }})
	}
	for _, c := range contFits {
		fams = append(fams, family{c.family, c.nat, c.par,
			func(seed uint64) *data.Panel { return simCont(t, c.fam, c.nat, 40, 8, seed) },
			func(p *data.Panel, s fit.Settings) *fit.Fit { return fitCont(t, c.family, p, s) }})
	}
	for _, c := range fams {
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
				p := c.sim(seed)
				s := fit.DefaultSettings()
				s.Chains, s.Warmup, s.Samples, s.Seed = 2, 300, 300, seed
				f := c.fit(p, s)
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
