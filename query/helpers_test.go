package query

import (
	"math"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
	"dilemma/model/sem"
)

// pointFit builds a fit whose posterior is a point mass: every draw of
// every parameter is val(name) (parameters val does not know are 0, scales
// 1). It binds the model src to a panel simulated from sim.
func pointFit(t testing.TB, src string, sim data.SimSpec, draws int, val func(name string) (float64, bool)) *fit.Fit {
	t.Helper()
	p, _, err := data.Simulate(sim)
	if err != nil {
		t.Fatal(err)
	}
	return pointFitPanel(t, src, p, draws, val)
}

func pointFitPanel(t testing.TB, src string, p *data.Panel, draws int, val func(name string) (float64, bool)) *fit.Fit {
	t.Helper()
	m, err := model.ParseString(src, "test.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(m, p, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		t.Fatal(err)
	}
	names := post.ParamNames()
	f := &fit.Fit{Plan: pl, Posterior: post, Names: names, Settings: fit.DefaultSettings()}
	cols := make([][]float64, len(names))
	shared := map[float64][]float64{}
	for j, n := range names {
		v, ok := val(n)
		if !ok {
			v = 0
			if strings.HasPrefix(n, "sigma.") || strings.HasPrefix(n, "tau.") || strings.HasPrefix(n, "lambda.") {
				v = 1
			}
		}
		if c, ok := shared[v]; ok {
			cols[j] = c
			continue
		}
		c := make([]float64, draws)
		for i := range c {
			c[i] = v
		}
		shared[v] = c
		cols[j] = c
	}
	f.Draws = [][][]float64{cols}
	return f
}

// vals returns a val function from a map.
func vals(m map[string]float64) func(string) (float64, bool) {
	return func(n string) (float64, bool) {
		v, ok := m[n]
		return v, ok
	}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.12g, want %.12g (±%g)", what, got, want, tol)
	}
}

// chainSim simulates x -> m -> y, x -> y, z -> m with gaussian noise.
func chainSim(seed uint64) data.SimSpec {
	return data.SimSpec{Units: 12, Periods: 8, Seed: seed, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1, UnitSD: 0.5},
		{Node: "z", Sigma: 1},
		{Node: "m", Sigma: 1, UnitSD: 0.3, Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "z", Coef: -0.4}}},
		{Node: "y", Sigma: 1, UnitSD: 0.3, Parents: []data.SimParent{{Node: "m", Coef: 0.8}, {Node: "x", Coef: 0.3}}},
	}}
}

const chainModel = `dag {
  x [exposure]
  y [outcome]
  x -> m -> y
  x -> y
  z -> m
}
settings {
  x [column="x"]
  z [column="z"]
  m [column="m", role="mediator"]
  y [column="y"]
  x -> m [sign="+"]
  m -> y [sign="+"]
  x -> y [sign="+"]
  z -> m [sign="-"]
}`

var chainTruth = map[string]float64{"b.x.m": 0.5, "b.z.m": -0.4, "b.m.y": 0.8, "b.x.y": 0.3, "a.m": 0.1, "a.y": -0.2}

func builtinSource(tb testing.TB, name string) string {
	tb.Helper()
	src, err := model.BuiltinSource(name)
	if err != nil {
		tb.Fatal(err)
	}
	return src
}
