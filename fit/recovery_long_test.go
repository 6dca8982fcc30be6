//go:build long

package fit

import (
	"context"
	"fmt"
	"math"
	"testing"

	"dilemma/data"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestCoverageFig2Shaped fits 100 simulated replications of the
// fig2-shaped model: each edge's 90% intervals must cover the truth in a
// share a binomial test accepts, and the mean error must shrink with the
// number of units. Run with: go test -tags long -run Coverage ./fit/
func TestCoverageFig2Shaped(t *testing.T) {
	const reps = 100
	s := DefaultSettings()
	s.Chains, s.Warmup, s.Samples = 2, 400, 400
	hits := map[string]int{}
	for r := 0; r < reps; r++ {
		covered, _ := recoverFig2(t, 30, 12, uint64(1000+r), s)
		for name, ok := range covered {
			if ok {
				hits[name]++
			}
		}
	}
	// Accept counts inside the central 99.8% of Binomial(100, 0.9).
	b := distuv.Binomial{N: reps, P: 0.9}
	lo, hi := 0, reps
	for k := 0; k <= reps; k++ {
		if b.CDF(float64(k)) >= 0.001 && lo == 0 {
			lo = k
		}
		if b.CDF(float64(k)) >= 0.999 {
			hi = k
			break
		}
	}
	for name, h := range hits {
		t.Logf("%s: %d/%d", name, h, reps)
		if h < lo || h > hi {
			t.Errorf("%s: 90%% intervals covered the truth %d/%d times, outside [%d, %d]", name, h, reps, lo, hi)
		}
	}
	// Error shrinks with units.
	rmse := func(units int) float64 {
		var ss float64
		var n int
		for r := 0; r < 10; r++ {
			_, errs := recoverFig2(t, units, 12, uint64(5000+r), s)
			for _, e := range errs {
				ss += e * e
				n++
			}
		}
		return math.Sqrt(ss / float64(n))
	}
	small, large := rmse(15), rmse(60)
	t.Logf("RMSE of edge means: %.4f with 15 units, %.4f with 60", small, large)
	if large >= small*0.8 {
		t.Errorf("the error did not shrink with more units: %.4f (15) vs %.4f (60)", small, large)
	}
}

// TestFig2EverySeedMixes fits the built-in fig2 on the embedded panel from
// eight seeds (4 × (300 + 200) each): no chain may be stuck (a step size
// collapsed towards nothing, as when rounding noise in a conditional
// latent's likelihood froze one chain in four), and every edge's R-hat
// must be small (about 1.5 minutes per seed on two cores). Run with:
// go test -tags long -timeout 30m -run EverySeed ./fit/
func TestFig2EverySeedMixes(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			s := DefaultSettings()
			s.Chains, s.Warmup, s.Samples, s.Seed = 4, 300, 200, seed
			opt, err := s.ModelOptions()
			if err != nil {
				t.Fatal(err)
			}
			pl, err := Prepare("fig2", "", data.Options{}, opt)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Run(context.Background(), pl, s, nil)
			if err != nil {
				t.Fatal(err)
			}
			for c, steps := range f.statColumn("stepsize__") {
				if step := steps[0]; step < 1e-3 {
					t.Errorf("chain %d: step size %.3g after warm-up", c+1, step)
				}
			}
			for _, e := range f.Edges {
				if e.Rhat > 1.05 {
					t.Errorf("%s: R-hat %.3f", e.Edge, e.Rhat)
				}
			}
		})
	}
}
