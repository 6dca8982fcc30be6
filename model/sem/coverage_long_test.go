//go:build long

package sem

import (
	"context"
	"math"
	"sort"
	"testing"

	"dilemma/data"
	"dilemma/inference"
	"dilemma/inference/diagnostics"
)

// coverageSim adds to recoverySim's model a latent node L (parent x) with
// three gaussian indicators and an edge L -> y1. The simulator draws L as an
// ordinary node with residual sd 1, which is the latent's scale in sem.
func coverageSim(units, periods int, seed uint64) data.SimSpec {
	return data.SimSpec{Units: units, Periods: periods, Seed: seed, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1, UnitSD: 0.5},
		{Node: "L", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.5}}},
		{Node: "i1", Intercept: 0.3, Sigma: 0.5, Parents: []data.SimParent{{Node: "L", Coef: 1}}},
		{Node: "i2", Sigma: 0.6, Parents: []data.SimParent{{Node: "L", Coef: 0.8}}},
		{Node: "i3", Intercept: -0.2, Sigma: 0.5, Parents: []data.SimParent{{Node: "L", Coef: -0.6}}},
		{Node: "y1", Intercept: 0.2, UnitSD: 0.5, Sigma: 0.7, Parents: []data.SimParent{{Node: "x", Coef: 0.6}, {Node: "L", Coef: 0.4}}},
		{Node: "y2", Family: "ordered", Cutpoints: []float64{-1, 0, 1}, Parents: []data.SimParent{
			{Node: "y1", Coef: 0.8}, {Node: "x", Lag: 1, Coef: -0.4}}},
		{Node: "y3", Family: "bernoulli", Intercept: -0.2, UnitSD: 0.4, Parents: []data.SimParent{{Node: "y1", Coef: 0.7}}},
	}}
}

var coverageTruth = map[string]float64{
	"b.x.y1": 0.6, "b.L.y1": 0.4, "a.y1": 0.2, "sigma.y1": 0.7, "tau.y1": 0.5,
	"b.y1.y2": 0.8, "b.x.lag1.y2": -0.4, "c.y2.1": -1, "c.y2.2": 0, "c.y2.3": 1,
	"b.y1.y3": 0.7, "a.y3": -0.2, "tau.y3": 0.4,
	"b.x.L": 0.5, "lambda.L.i1": 1, "lambda.L.i2": 0.8, "lambda.L.i3": -0.6,
	"a.i1": 0.3, "a.i2": 0, "a.i3": -0.2, "sigma.i1": 0.5, "sigma.i2": 0.6, "sigma.i3": 0.5,
}

func coverageSpec(t testing.TB, p *data.Panel) *Spec {
	col := func(name, tr string) []float64 {
		var v []float64
		var err error
		if tr == "" {
			v, err = p.Numeric(name)
		} else {
			v, err = p.Transform(name, tr)
		}
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	x, y1 := col("x", ""), col("y1", "")
	return &Spec{Layout: PanelLayout(p),
		Equations: []Equation{
			{Node: "y1", Y: y1, UnitRE: true, Terms: []Term{{Parent: "x", X: x}, {Parent: "L"}}},
			{Node: "y2", Family: Ordered{}, Y: col("y2", ""), Terms: []Term{
				{Parent: "y1", X: y1}, {Parent: "x", Lag: 1, X: col("x", "lag(1)")}}},
			{Node: "y3", Family: Bernoulli{}, Y: col("y3", ""), UnitRE: true, Terms: []Term{{Parent: "y1", X: y1}}},
		},
		Latents: []Latent{{Node: "L", Terms: []Term{{Parent: "x", X: x}}, Indicators: []Indicator{
			{Node: "i1", Y: col("i1", "")}, {Node: "i2", Y: col("i2", "")}, {Node: "i3", Y: col("i3", "")}}}},
	}
}

// fitCoverage simulates, fits and summarizes one replication.
func fitCoverage(t *testing.T, units, periods int, seed uint64) map[string]diagnostics.Summary {
	panel, _, err := data.Simulate(coverageSim(units, periods, seed))
	if err != nil {
		t.Fatal(err)
	}
	post, err := Compile(coverageSpec(t, panel))
	if err != nil {
		t.Fatal(err)
	}
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 500, 500, seed
	res, err := inference.Sample(context.Background(), func() inference.Target { return post.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]diagnostics.Summary{}
	for name := range coverageTruth {
		out[name] = diagnostics.Summarize(name, res.Column(res.Index(name)))
	}
	return out
}

// binomialBand returns the counts lo, hi such that a Binomial(n, p) count
// falls below lo or above hi with probability at most alpha/2 each.
func binomialBand(n int, p, alpha float64) (lo, hi int) {
	pmf := make([]float64, n+1)
	for k := 0; k <= n; k++ {
		lg1, _ := math.Lgamma(float64(n + 1))
		lg2, _ := math.Lgamma(float64(k + 1))
		lg3, _ := math.Lgamma(float64(n - k + 1))
		pmf[k] = math.Exp(lg1 - lg2 - lg3 + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
	}
	cum := 0.0
	for lo = 0; lo <= n; lo++ {
		if cum+pmf[lo] > alpha/2 {
			break
		}
		cum += pmf[lo]
	}
	cum = 0
	for hi = n; hi >= 0; hi-- {
		if cum+pmf[hi] > alpha/2 {
			break
		}
		cum += pmf[hi]
	}
	return lo, hi
}

// The 90% posterior intervals cover the truth in about 90% of 100
// simulated replications, for every parameter. With 23 parameters each
// tested at alpha = 0.002, a correct model fails with probability ≈ 5%.
func TestCoverage(t *testing.T) {
	const reps = 100
	lo, hi := binomialBand(reps, 0.9, 0.002)
	t.Logf("acceptable coverage counts: %d … %d of %d", lo, hi, reps)
	hits := map[string]int{}
	for rep := 0; rep < reps; rep++ {
		sum := fitCoverage(t, 30, 10, uint64(1000+rep))
		for name, truth := range coverageTruth {
			if s := sum[name]; s.Q5 <= truth && truth <= s.Q95 {
				hits[name]++
			}
		}
	}
	names := make([]string, 0, len(hits))
	for name := range coverageTruth {
		names = append(names, name)
	}
	sort.Strings(names)
	total := 0
	for _, name := range names {
		total += hits[name]
		t.Logf("%-13s %3d/%d", name, hits[name], reps)
		if hits[name] < lo || hits[name] > hi {
			t.Errorf("%s: 90%% interval covered the truth in %d of %d replications (want %d … %d)", name, hits[name], reps, lo, hi)
		}
	}
	t.Logf("pooled coverage %.3f", float64(total)/float64(reps*len(names)))
}

// The posterior mean's error shrinks as units grow.
func TestErrorShrinksWithUnits(t *testing.T) {
	edges := []string{"b.x.y1", "b.L.y1", "b.y1.y2", "b.x.lag1.y2", "b.y1.y3", "b.x.L"}
	rmse := func(units int) float64 {
		ss, n := 0.0, 0
		for rep := 0; rep < 8; rep++ {
			sum := fitCoverage(t, units, 10, uint64(5000+rep))
			for _, e := range edges {
				d := sum[e].Mean - coverageTruth[e]
				ss += d * d
				n++
			}
		}
		return math.Sqrt(ss / float64(n))
	}
	small, large := rmse(20), rmse(80)
	t.Logf("RMSE of edge strengths: 20 units %.4f, 80 units %.4f", small, large)
	// Four times the units should halve the error; demand at least 1.4×.
	if !(large*1.4 < small) {
		t.Errorf("RMSE with 80 units %.4f is not clearly below that with 20 units %.4f", large, small)
	}
}
