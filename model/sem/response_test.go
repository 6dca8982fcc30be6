package sem

import (
	"math"
	"math/rand/v2"
	"testing"
)

// responseCase is a family at fixed parameters for the response tests.
type responseCase struct {
	name string
	fam  Family
	par  []float64
	mus  []float64
}

// responseCases lists every family; a new family adds its line here.
func responseCases() []responseCase {
	return []responseCase{
		{"gaussian", Gaussian{}, []float64{0.7}, []float64{-1, 0.3, 2}},
		{"bernoulli", Bernoulli{}, nil, []float64{-2, 0.4, 3}},
		{"poisson", Poisson{}, nil, []float64{-1, 0.5, 2.5}},
		{"ordered", Ordered{K: 4}, []float64{-1, 0.2, 1.5}, []float64{-2, 0.3, 2}},
		{"negbinomial", NegBinomial{}, []float64{2.5}, []float64{-1, 0.5, 2.5}},
		{"zero_inflated_poisson", ZeroInflatedPoisson{}, []float64{0.3}, []float64{-1, 0.5, 2.5}},
		{"zero_inflated_negbinomial", ZeroInflatedNegBinomial{}, []float64{1.5, 0.25}, []float64{-1, 0.5, 2.5}},
		{"hurdle_poisson", HurdlePoisson{}, []float64{0.6}, []float64{-1, 0.5, 2.5}},
		{"hurdle_negbinomial", HurdleNegBinomial{}, []float64{3, 0.7}, []float64{-1, 0.5, 2.5}},
		{"student", Student{}, []float64{0.7, 4}, []float64{-1, 0.3, 2}},
		{"lognormal", LogNormal{}, []float64{0.5}, []float64{-1, 0.3, 1}},
		{"beta", BetaFamily{}, []float64{8}, []float64{-1, 0.3, 1.5}},
	}
}

// TestResponseMethods checks, for every family, that the descriptive
// methods agree with each other: a discrete family's probabilities sum to 1
// and their mean is Mean, CDF is their running sum, Quantile inverts CDF
// and stays in the support, Rand's draws follow LogDensity, and Abduct
// then Quantile gives the observed value back.
func TestResponseMethods(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range responseCases() {
		var err error
		prepY := []float64{0, 1, 1, 0}
		if c.name == "lognormal" || c.name == "beta" {
			prepY = []float64{0.2, 0.5, 0.7, 0.4}
		}
		if c.fam, err = c.fam.Prepare(prepY); err != nil {
			t.Fatal(err)
		}
		sup := c.fam.Support(c.par)
		for _, mu := range c.mus {
			if sup.Discrete {
				hi := sup.Upper
				if math.IsInf(hi, 1) {
					hi = 200
				}
				tot, mean, cdf := 0.0, 0.0, 0.0
				for y := sup.Lower; y <= hi; y++ {
					p := math.Exp(c.fam.LogDensity(y, mu, c.par))
					tot += p
					mean += y * p
					cdf += p
					if got := c.fam.CDF(y, mu, c.par); math.Abs(got-cdf) > 1e-9 {
						t.Fatalf("%s mu=%g: CDF(%g) = %g, running sum %g", c.name, mu, y, got, cdf)
					}
					if p > 1e-12 {
						for _, v := range []float64{0.01, 0.5, 0.99} {
							u := Abduct(c.fam, y, mu, c.par, v)
							if q := c.fam.Quantile(u, mu, c.par); q != y {
								t.Fatalf("%s mu=%g: Quantile(Abduct(%g)) = %g", c.name, mu, y, q)
							}
						}
					}
				}
				if math.Abs(tot-1) > 1e-9 {
					t.Errorf("%s mu=%g: probabilities sum to %g", c.name, mu, tot)
				}
				if m := c.fam.Mean(mu, c.par); math.Abs(m-mean) > 1e-8*math.Max(1, mean) {
					t.Errorf("%s mu=%g: Mean %g, Σ y·p(y) = %g", c.name, mu, m, mean)
				}
				// Draws: frequencies against LogDensity.
				const n = 40000
				counts := map[float64]int{}
				for range n {
					y := c.fam.Rand(mu, c.par, rng)
					if !sup.Contains(y) {
						t.Fatalf("%s: drew %g outside the support", c.name, y)
					}
					counts[y]++
				}
				for y, k := range counts {
					p := math.Exp(c.fam.LogDensity(y, mu, c.par))
					if p < 1e-3 {
						continue // too rare to compare one by one
					}
					if se := math.Sqrt(p*(1-p)/n) + 1e-9; math.Abs(float64(k)/n-p) > 5*se {
						t.Errorf("%s mu=%g: P(%g) = %.4f, drawn %.4f", c.name, mu, y, p, float64(k)/n)
					}
				}
			} else {
				for _, u0 := range []float64{0.1, 0.5, 0.8} {
					y := c.fam.Quantile(u0, mu, c.par)
					if math.Abs(c.fam.CDF(y, mu, c.par)-u0) > 1e-9 {
						t.Errorf("%s: CDF(Quantile(%g)) = %g", c.name, u0, c.fam.CDF(y, mu, c.par))
					}
					u := Abduct(c.fam, y, mu, c.par, 0.5)
					if q := c.fam.Quantile(u, mu, c.par); math.Abs(q-y) > 1e-9*(1+math.Abs(y)) {
						t.Errorf("%s: Quantile(Abduct(%g)) = %g", c.name, y, q)
					}
				}
				// Draws stay in the support.
				for range 200 {
					if y := c.fam.Rand(mu, c.par, rng); !sup.Contains(y) {
						t.Fatalf("%s: drew %g outside the support", c.name, y)
					}
				}
				// The density integrates to 1 and its mean is Mean.
				tot, mean := 0.0, 0.0
				const h = 1e-3
				for y := mu - 40 + h/2; y < mu+40; y += h {
					p := math.Exp(c.fam.LogDensity(y, mu, c.par))
					tot += p * h
					mean += y * p * h
				}
				if math.Abs(tot-1) > 1e-4 || math.Abs(mean-c.fam.Mean(mu, c.par)) > 1e-3 {
					t.Errorf("%s mu=%g: density integrates to %g, mean %g want %g", c.name, mu, tot, mean, c.fam.Mean(mu, c.par))
				}
			}
			// Counterfactual quantiles stay in the support.
			for range 200 {
				u := rng.Float64()
				if q := c.fam.Quantile(u, mu+2*rng.NormFloat64(), c.par); !sup.Contains(q) {
					t.Fatalf("%s: Quantile(%g) = %g outside the support", c.name, u, q)
				}
			}
		}
	}
}
