package report

import (
	"context"
	"flag"
	"sync"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testModel has every feature the adapters handle: a latent node with three
// indicators, a remedy, an outcome, a lagged edge, a bidirected edge, edges
// with and without expected signs, a cauchy and a student_t prior, and
// gaussian, poisson, ordered and bernoulli nodes.
const testModel = `dag small {
  x [pos="0,0"]
  r [pos="0,2"]
  L [latent, pos="1,0"]
  y [outcome, pos="2,1"]
  c [pos="3,0"]
  o [pos="3,1"]
  b [pos="1,2"]
  x -> L [sign="+"]
  L -> y [sign="+"]
  r -> y [sign="-", prior="student_t(3,0,1)"]
  x -> y [lag=1, sign="+"]
  y -> c [prior="cauchy(0,1)"]
  y -> o [sign="+"]
  x -> b
  x <-> r
}
settings {
  x [column="x"]
  r [column="r", role="remedy"]
  L [indicators="i1,i2,i3"]
  y [column="y"]
  c [column="c", family="poisson"]
  o [column="o", family="ordered"]
  b [column="b", family="bernoulli"]
}
`

// simPanel draws the panel testModel is fitted to.
func simPanel(t testing.TB) *data.Panel {
	t.Helper()
	p, _, err := data.Simulate(data.SimSpec{Units: 24, Periods: 8, Seed: 3, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "r", Sigma: 1},
		{Node: "L", Sigma: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.8}}},
		{Node: "i1", Intercept: 0.5, Sigma: 0.5, Parents: []data.SimParent{{Node: "L", Coef: 0.9}}},
		{Node: "i2", Sigma: 0.6, Parents: []data.SimParent{{Node: "L", Coef: 0.7}}},
		{Node: "i3", Sigma: 0.8, Parents: []data.SimParent{{Node: "L", Coef: -0.5}}},
		{Node: "y", Intercept: 0.2, UnitSD: 0.3, Sigma: 0.5, Parents: []data.SimParent{
			{Node: "L", Coef: 0.6}, {Node: "r", Coef: -0.4}, {Node: "x", Lag: 1, Coef: 0.3}}},
		{Node: "c", Family: "poisson", Intercept: 0.5, Parents: []data.SimParent{{Node: "y", Coef: 0.3}}},
		{Node: "o", Family: "ordered", Cutpoints: []float64{-1, 0, 1}, Parents: []data.SimParent{{Node: "y", Coef: 0.8}}},
		{Node: "b", Family: "bernoulli", Parents: []data.SimParent{{Node: "x", Coef: 0.7}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustModel(t testing.TB) *model.Model {
	t.Helper()
	m, err := model.ParseString(testModel, "small.dag")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var (
	fitOnce sync.Once
	theFit  *fit.Fit
	fitErr  error
)

// testFit is a short fit of testModel (2 chains × 200 + 200), made once.
func testFit(t testing.TB) *fit.Fit {
	t.Helper()
	fitOnce.Do(func() {
		m, err := model.ParseString(testModel, "small.dag")
		if err != nil {
			fitErr = err
			return
		}
		pl, err := fit.NewPlan(m, simPanel(t), fit.Options{})
		if err != nil {
			fitErr = err
			return
		}
		s := fit.DefaultSettings()
		s.Chains, s.Warmup, s.Samples, s.Seed = 2, 200, 200, 5
		theFit, fitErr = fit.Run(context.Background(), pl, s, nil)
	})
	if fitErr != nil {
		t.Fatal(fitErr)
	}
	return theFit
}
