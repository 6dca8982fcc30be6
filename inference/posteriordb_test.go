package inference_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"dilemma/inference"
	"dilemma/inference/diagnostics"
)

// TestPosteriorDB samples posteriordb reference posteriors and z-tests our
// means and E[x²] against the reference values, per the fixture README:
// z = (m̂ − ref)/sqrt(MCSE² + ref_MCSE²), |z| ≤ 4, after requiring R-hat <
// 1.01 and bulk ESS > 400. All four run by default with 1000 draws per
// chain (they are cheap); -tags long runs them with 4000.
func TestPosteriorDB(t *testing.T) {
	cases := []struct {
		posterior string
		load      func() (inference.Model, error)
		// unconstrain maps the reference means to an unconstrained point
		// near the posterior bulk (for the gradient checks).
		unconstrain func(ref []float64) []float64
		adaptDelta  float64
		inDefault   bool
	}{
		{
			posterior: "eight_schools-eight_schools_noncentered",
			load:      func() (inference.Model, error) { return newEightSchools() },
			unconstrain: func(r []float64) []float64 {
				mu, tau := r[8], r[9]
				x := make([]float64, 10)
				for j := 0; j < 8; j++ {
					x[j] = (r[j] - mu) / tau
				}
				x[8], x[9] = mu, math.Log(tau)
				return x
			},
			adaptDelta: 0.95, // as the reference run
			inDefault:  true,
		},
		{
			posterior:   "kidiq-kidscore_momiq",
			load:        func() (inference.Model, error) { return newKidiq() },
			unconstrain: logLast,
			inDefault:   true,
		},
		{
			posterior:   "arK-arK",
			load:        func() (inference.Model, error) { return newArK() },
			unconstrain: logLast,
			inDefault:   true,
		},
		{
			posterior:   "nes2000-nes",
			load:        func() (inference.Model, error) { return newNes() },
			unconstrain: logLast,
			inDefault:   true,
		},
	}
	for i, c := range cases {
		t.Run(c.posterior, func(t *testing.T) {
			if !c.inDefault && !long {
				t.Skip("long test: go test -tags long")
			}
			m, err := c.load()
			if err != nil {
				t.Fatal(err)
			}
			ref, err := loadReference(c.posterior)
			if err != nil {
				t.Fatal(err)
			}
			center := c.unconstrain(ref.Mean)
			checkGradient(t, m, center, uint64(i))

			s := inference.DefaultSettings()
			s.Seed = 100 + uint64(i)
			s.ModelName = c.posterior
			if c.adaptDelta > 0 {
				s.AdaptDelta = c.adaptDelta
			}
			if long {
				s.NumSamples = 4000
			}
			res := run(t, inference.Shared(m), s)
			for k, name := range ref.Names {
				j := res.Index(name)
				if j < 0 {
					t.Fatalf("no quantity %q in the draws %v", name, res.ParamNames)
				}
				x := res.Column(j)
				sm := diagnostics.Summarize(name, x)
				if !(sm.Rhat < 1.01) || !(sm.ESSBulk > 400) {
					t.Errorf("%s: did not converge: R-hat %.4f, bulk ESS %.0f", name, sm.Rhat, sm.ESSBulk)
					continue
				}
				checkMeanSE(t, name, x, ref.Mean[k], ref.MCSEMeans[k])
				checkMeanSE(t, name+"²", mapChains(x, func(v float64) float64 { return v * v }), ref.MeanSq[k], ref.MCSESq[k])
			}
			t.Logf("divergences %d, mean n_leapfrog %.1f, step size %.3g, min ESS %.0f, %d gradients",
				res.Divergences(), meanStat(res, 4), res.Chains[0].Adaptation.StepSize, minESS(res), gradEvals(res))
		})
	}
}

// logLast unconstrains a regression's reference means: the betas as they
// are and the log of the final sigma.
func logLast(r []float64) []float64 {
	x := append([]float64(nil), r...)
	x[len(x)-1] = math.Log(x[len(x)-1])
	return x
}

// checkGradient compares the analytic gradient of m with central finite
// differences at center and at two random points around it.
func checkGradient(t *testing.T, m inference.Target, center []float64, seed uint64) {
	t.Helper()
	n := m.Dim()
	if len(center) != n {
		t.Fatalf("center has %d elements, the model %d", len(center), n)
	}
	r := newRand(seed)
	g := make([]float64, n)
	scratch := make([]float64, n)
	f := func(x []float64) float64 { return m.LogDensityGrad(x, scratch) }
	for _, spread := range []float64{0, 0.1, 0.5} {
		x := make([]float64, n)
		for i := range x {
			x[i] = center[i] + spread*r.NormFloat64()
		}
		lp := m.LogDensityGrad(x, g)
		if math.IsNaN(lp) || math.IsInf(lp, 0) {
			t.Fatalf("log density %v at %v", lp, x)
		}
		want := fd.Gradient(nil, f, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
		for i := range g {
			if d := math.Abs(g[i] - want[i]); d > 1e-5*math.Max(1, math.Abs(want[i])) {
				t.Errorf("gradient[%d] at spread %v: %v, finite differences %v", i, spread, g[i], want[i])
			}
		}
	}
}
