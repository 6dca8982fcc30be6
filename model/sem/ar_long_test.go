//go:build long

package sem

import (
	"context"
	"math/rand/v2"
	"testing"

	"dilemma/inference"
	"dilemma/inference/diagnostics"
)

// AR(1) residuals: the 90% posterior intervals of rho, sigma, the strength
// and tau cover the truth in about 90% of 100 simulated panels (20 units ×
// 20 periods, rho 0.6, 10% of rows missing). Each parameter is tested at
// alpha = 0.002.
func TestARCoverage(t *testing.T) {
	const reps = 100
	lo, hi := binomialBand(reps, 0.9, 0.002)
	truth := map[string]float64{"ar.y": 0.6, "sigma.y": 0.8, "b.x.y": 0.5, "tau.y": 0.6, "a.y": 0.3}
	hits := map[string]int{}
	for rep := 0; rep < reps; rep++ {
		rng := rand.New(rand.NewPCG(uint64(500+rep), 11))
		l, x, y := arPanel(rng, 20, 20, 0.3, 0.5, 0.6, 0.8, 0.6, 0.1)
		p, err := Compile(arSpec(l, x, y, true))
		if err != nil {
			t.Fatal(err)
		}
		s := inference.DefaultSettings()
		s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 400, 400, uint64(rep+1)
		res, err := inference.Sample(context.Background(), func() inference.Target { return p.Clone() }, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range truth {
			if sm := diagnostics.Summarize(name, res.Column(res.Index(name))); sm.Q5 <= v && v <= sm.Q95 {
				hits[name]++
			}
		}
	}
	for name := range truth {
		t.Logf("%-8s covered %d of %d (acceptable %d … %d)", name, hits[name], reps, lo, hi)
		if hits[name] < lo || hits[name] > hi {
			t.Errorf("%s: 90%% intervals covered the truth %d times of %d, outside %d … %d", name, hits[name], reps, lo, hi)
		}
	}
}
