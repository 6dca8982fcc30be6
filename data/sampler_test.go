package data_test

import (
	"math"
	"testing"

	"dilemma/data"
	"dilemma/model/sem"
)

// TestSimulateSampler: a node drawn through a family's Sampler
// (sem.FamilyAt) follows that family: hurdle_poisson at hu = 0.6 gives
// about 60% zeros, and binomial out of 31 never exceeds 31.
func TestSimulateSampler(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 100, Periods: 20, Seed: 4, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "h", Sampler: sem.FamilyAt{Family: sem.HurdlePoisson{}, Par: []float64{0.6}}, Intercept: 1, Parents: []data.SimParent{{Node: "x", Coef: 0.3}}},
		{Node: "b", Sampler: sem.FamilyAt{Family: sem.Binomial{}, Par: []float64{31}}, Parents: []data.SimParent{{Node: "x", Coef: 1}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := p.Numeric("h")
	b, _ := p.Numeric("b")
	zeros := 0.0
	for i := range h {
		if h[i] == 0 {
			zeros++
		}
		if b[i] < 0 || b[i] > 31 || b[i] != math.Trunc(b[i]) {
			t.Fatalf("binomial draw %g", b[i])
		}
	}
	if f := zeros / float64(len(h)); math.Abs(f-0.6) > 0.04 {
		t.Errorf("hurdle zeros %.3f, want 0.6", f)
	}
}
