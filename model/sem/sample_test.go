package sem

import (
	"context"
	"fmt"
	"math"
	"testing"

	"dilemma/data"
	"dilemma/inference"
	"dilemma/inference/diagnostics"
)

var _ inference.Model = (*Posterior)(nil)

// recoverySim is a simulated panel with a gaussian, an ordered and a
// bernoulli node, a lagged edge and unit intercepts, with known strengths.
func recoverySim(units, periods int, seed uint64) data.SimSpec {
	return data.SimSpec{Units: units, Periods: periods, Seed: seed, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1, UnitSD: 0.5},
		{Node: "y1", Intercept: 0.2, UnitSD: 0.5, Sigma: 0.7, Parents: []data.SimParent{{Node: "x", Coef: 0.6}}},
		{Node: "y2", Family: "ordered", Cutpoints: []float64{-1, 0, 1}, Parents: []data.SimParent{
			{Node: "y1", Coef: 0.8}, {Node: "x", Lag: 1, Coef: -0.4}}},
		{Node: "y3", Family: "bernoulli", Intercept: -0.2, UnitSD: 0.4, Parents: []data.SimParent{{Node: "y1", Coef: 0.7}}},
	}}
}

// recoveryTruth maps parameter names to the values recoverySim draws with.
var recoveryTruth = map[string]float64{
	"b.x.y1": 0.6, "a.y1": 0.2, "sigma.y1": 0.7, "tau.y1": 0.5,
	"b.y1.y2": 0.8, "b.x.lag1.y2": -0.4, "c.y2.1": -1, "c.y2.2": 0, "c.y2.3": 1,
	"b.y1.y3": 0.7, "a.y3": -0.2, "tau.y3": 0.4,
}

// specFromSim builds the Spec of recoverySim's model from the simulated
// panel, as the command line's translation would: columns, a lag through
// the data package's transform, unit intercepts on every equation.
func specFromSim(t testing.TB, p *data.Panel) *Spec {
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
	return &Spec{Name: "recovery", Layout: PanelLayout(p), Equations: []Equation{
		{Node: "y1", Y: y1, UnitRE: true, Terms: []Term{{Parent: "x", X: x, Sign: 1}}},
		{Node: "y2", Family: Ordered{}, Y: col("y2", ""), Terms: []Term{
			{Parent: "y1", X: y1}, {Parent: "x", Lag: 1, X: col("x", "lag(1)")}}},
		{Node: "y3", Family: Bernoulli{}, Y: col("y3", ""), UnitRE: true, Terms: []Term{{Parent: "y1", X: y1}}},
	}}
}

// sampleSummaries samples post and summarizes every named quantity.
func sampleSummaries(t testing.TB, post *Posterior, chains, warmup, draws int, seed uint64) map[string]diagnostics.Summary {
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = chains, warmup, draws, seed
	res, err := inference.Sample(context.Background(), func() inference.Target { return post.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]diagnostics.Summary{}
	for name := range recoveryTruth {
		j := res.Index(name)
		if j < 0 {
			t.Fatalf("no %s in the draws", name)
		}
		out[name] = diagnostics.Summarize(name, res.Column(j))
	}
	if d := res.Divergences(); d > 0 {
		t.Logf("%d divergent transitions", d)
	}
	return out
}

// A short end-to-end run: simulate with the data package, compile, sample
// with the NUTS sampler, and find every known parameter near its posterior.
func TestSampleRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling")
	}
	panel, _, err := data.Simulate(recoverySim(40, 15, 1))
	if err != nil {
		t.Fatal(err)
	}
	post, err := Compile(specFromSim(t, panel))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range post.Equations() {
		t.Log(in)
	}
	sum := sampleSummaries(t, post, 2, 300, 300, 7)
	for name, truth := range recoveryTruth {
		s := sum[name]
		t.Logf("%-12s truth %5.2f  mean %6.3f  sd %.3f  rhat %.3f  ess %4.0f", name, truth, s.Mean, s.SD, s.Rhat, s.ESSBulk)
		// A unit-level sd is estimated from 40 units only; the rest are
		// sharp. 4 posterior sd is a loose band for a single replication.
		if z := (s.Mean - truth) / s.SD; math.Abs(z) > 4 || math.IsNaN(z) {
			t.Errorf("%s: posterior mean %.3f (sd %.3f) is %.1f sd from the truth %.2f", name, s.Mean, s.SD, z, truth)
		}
		if s.Rhat > 1.05 {
			t.Errorf("%s: R-hat %.3f", name, s.Rhat)
		}
	}
}

// ExamplePosterior shows how a model is compiled and handed to the sampler.
func ExamplePosterior() {
	panel, _, err := data.Simulate(data.SimSpec{Units: 20, Periods: 10, Seed: 3, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Intercept: 1, UnitSD: 0.5, Sigma: 0.5, Parents: []data.SimParent{{Node: "x", Coef: 2}}},
	}})
	if err != nil {
		panic(err)
	}
	x, _ := panel.Numeric("x")
	y, _ := panel.Numeric("y")
	post, err := Compile(&Spec{Layout: PanelLayout(panel), Equations: []Equation{
		{Node: "y", Y: y, UnitRE: true, Terms: []Term{{Parent: "x", X: x}}},
	}})
	if err != nil {
		panic(err)
	}
	fmt.Println(post.Equations()[0])
	fmt.Println(post.ParamNames()[:5])
	// Each chain gets its own clone:
	// inference.Sample(ctx, func() inference.Target { return post.Clone() }, settings, sinks)

	// Output:
	// y: observed gaussian, 200 rows, 20 units (10.0 rows/unit), centred unit intercepts (auto: 10.0 rows per unit >= 10), sufficient statistics
	// [a.y b.x.y sigma.y tau.y u.y.U001]
}
