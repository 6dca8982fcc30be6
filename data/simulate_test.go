package data

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSimulateRecoversCoefficients draws a large gaussian panel and checks
// that least squares on the simulated columns recovers the coefficients,
// including a lagged edge.
func TestSimulateRecoversCoefficients(t *testing.T) {
	spec := SimSpec{Units: 200, Periods: 30, Seed: 7, Equations: []SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Intercept: 0.5, Sigma: 0.5, Parents: []SimParent{{Node: "x", Coef: 0.8}, {Node: "y", Lag: 1, Coef: 0.3}}},
		{Node: "b", Family: "bernoulli", Intercept: -0.2, Parents: []SimParent{{Node: "y", Coef: 1}}},
		{Node: "o", Family: "ordered", Cutpoints: []float64{-1, 0, 1.5}, Parents: []SimParent{{Node: "x", Coef: 1}}},
		{Node: "n", Family: "poisson", Intercept: 1, UnitSD: 0.3},
	}}
	p, truth, err := Simulate(spec)
	if err != nil {
		t.Fatal(err)
	}
	if p.NumRows() != 6000 || len(p.Units()) != 200 || len(truth.UnitEffects["n"]) != 200 {
		t.Fatalf("shape: %d rows", p.NumRows())
	}
	x, _ := p.Numeric("x")
	y, _ := p.Numeric("y")
	ylag, _ := p.Transform("y", "lag(1)")
	var rows [][]float64
	var ys []float64
	for i := range y {
		if !math.IsNaN(ylag[i]) {
			rows = append(rows, []float64{1, x[i], ylag[i]})
			ys = append(ys, y[i])
		}
	}
	X := mat.NewDense(len(rows), 3, nil)
	for i, r := range rows {
		X.SetRow(i, r)
	}
	var beta mat.VecDense
	if err := beta.SolveVec(X, mat.NewVecDense(len(ys), ys)); err != nil {
		t.Fatal(err)
	}
	for k, want := range []float64{0.5, 0.8, 0.3} {
		if got := beta.AtVec(k); math.Abs(got-want) > 0.03 {
			t.Errorf("coefficient %d = %.3f, want %.3f", k, got, want)
		}
	}
	// Families produce values of the right kind.
	for _, c := range []struct {
		col  string
		ok   func(float64) bool
		desc string
	}{
		{"b", func(v float64) bool { return v == 0 || v == 1 }, "0/1"},
		{"o", func(v float64) bool { return v == math.Trunc(v) && v >= 0 && v <= 3 }, "0..3"},
		{"n", func(v float64) bool { return v == math.Trunc(v) && v >= 0 }, "a count"},
	} {
		v, _ := p.Numeric(c.col)
		for _, e := range v {
			if !c.ok(e) {
				t.Fatalf("%s has %v, want %s", c.col, e, c.desc)
			}
		}
	}
	// Same seed, same panel.
	q, _, _ := Simulate(spec)
	qy, _ := q.Numeric("y")
	for i := range y {
		if qy[i] != y[i] {
			t.Fatal("same seed gave a different panel")
		}
	}
}

func TestSimulateErrors(t *testing.T) {
	for _, spec := range []SimSpec{
		{Units: 0, Periods: 3},
		{Units: 2, Periods: 3, Equations: []SimEquation{{Node: "y", Parents: []SimParent{{Node: "x", Coef: 1}}}, {Node: "x"}}},
		{Units: 2, Periods: 3, Equations: []SimEquation{{Node: "o", Family: "ordered"}}},
		{Units: 2, Periods: 3, Equations: []SimEquation{{Node: "x", Family: "weibull"}}},
	} {
		if _, _, err := Simulate(spec); err == nil {
			t.Errorf("spec %+v: no error", spec)
		}
	}
}
