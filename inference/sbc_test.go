package inference_test

import (
	"context"
	"math"
	"testing"

	"dilemma/inference"
)

// Simulation-based calibration (Talts et al. 2018): draw parameters from the
// prior, data given them, and a posterior sample given the data; the rank of
// the true parameter among the posterior draws is then uniform when the
// sampler is right.

// normalModel is mu ~ N(0, 1), sigma ~ LogNormal(0, 0.5), y_i ~ N(mu, sigma)
// on x = (mu, log sigma). With widen ≠ 1 the likelihood uses widen·sigma:
// a deliberately wrong posterior, for the negative control.
type normalModel struct {
	y     []float64
	widen float64
}

func (m normalModel) Dim() int { return 2 }
func (m normalModel) LogDensityGrad(x, g []float64) float64 {
	mu, u := x[0], x[1]
	lp := -0.5*mu*mu - 2*u*u
	g[0], g[1] = -mu, -4*u
	s := m.widen * math.Exp(u)
	iv := 1 / (s * s)
	var ss float64
	for _, y := range m.y {
		r := y - mu
		ss += r * r
		g[0] += r * iv
	}
	n := float64(len(m.y))
	lp += -n*u - 0.5*ss*iv
	g[1] += -n + ss*iv
	return lp
}

// sbcChi2 runs reps replications with the posterior computed under widen
// and returns the chi-square statistics of the rank histograms of mu and
// log sigma (10 bins of 99 thinned draws' ranks 0…99).
func sbcChi2(t *testing.T, reps, warmup int, widen float64) (float64, float64) {
	const draws, thin, bins = 99, 3, 10
	var hist [2][bins]int
	for r := 0; r < reps; r++ {
		rng := newRand(5000 + uint64(r))
		truth := []float64{rng.NormFloat64(), 0.5 * rng.NormFloat64()}
		y := make([]float64, 10)
		for i := range y {
			y[i] = truth[0] + math.Exp(truth[1])*rng.NormFloat64()
		}
		s := inference.DefaultSettings()
		s.Chains, s.NumWarmup, s.NumSamples, s.Thin = 1, warmup, draws*thin, thin
		s.Seed = uint64(r)
		res, err := inference.Sample(context.Background(), inference.Shared(normalModel{y: y, widen: widen}), s, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := res.Chains[0].Collector
		if c.NumDraws() != draws {
			t.Fatalf("%d draws, want %d", c.NumDraws(), draws)
		}
		for p := 0; p < 2; p++ {
			rank := 0
			for _, v := range c.Column(p) {
				if v < truth[p] {
					rank++
				}
			}
			hist[p][rank*bins/(draws+1)]++
		}
	}
	var chi2 [2]float64
	e := float64(reps) / bins
	for p := range hist {
		for _, o := range hist[p] {
			chi2[p] += (float64(o) - e) * (float64(o) - e) / e
		}
	}
	t.Logf("widen %v: rank histograms %v (mu), %v (log sigma)", widen, hist[0], hist[1])
	return chi2[0], chi2[1]
}

// chi2Crit is the 0.999 quantile of the chi-square distribution with 9
// degrees of freedom: a false alarm rate of 1e-3 per histogram.
const chi2Crit = 27.877

func TestSBC(t *testing.T) {
	reps, warmup := 400, 200
	if long {
		reps, warmup = 4000, 500
	}
	c1, c2 := sbcChi2(t, reps, warmup, 1)
	if c1 > chi2Crit || c2 > chi2Crit {
		t.Errorf("rank histograms are not uniform: chi-square %.1f (mu), %.1f (log sigma), critical value %.1f",
			c1, c2, chi2Crit)
	}
	// Negative control: a posterior computed with the wrong likelihood
	// scale must fail the same test, or the test has no power.
	w1, w2 := sbcChi2(t, 200, 200, 1.6)
	if !(w1 > chi2Crit || w2 > chi2Crit) {
		t.Errorf("a miscalibrated posterior passed: chi-square %.1f, %.1f", w1, w2)
	}
}
