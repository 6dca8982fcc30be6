package sem

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"dilemma/inference"
)

// marSpec simulates a panel x -> y (strength 1) where x goes missing
// more often where its child y is high: missing at random given the
// observed data (y), not completely at random, so that the complete rows
// select on y and the complete-case strength is biased towards 0. About
// 40% of x is missing. x has an equation of its own (a root: intercept and
// unit intercepts), which is what imputing it needs.
func marSpec(seed uint64, mode Missing) (*Spec, float64) {
	const J, T, truth = 40, 10, 1.0
	rng := rand.New(rand.NewPCG(seed, 17))
	l := panelLayout(J, T)
	n := l.Rows
	ux, uy := unitEffects(rng, l, 0.5), unitEffects(rng, l, 0.5)
	x, y := make([]float64, n), make([]float64, n)
	for r := range x {
		x[r] = ux[r] + rng.NormFloat64()
		y[r] = 0.5 + truth*x[r] + uy[r] + 0.6*rng.NormFloat64()
	}
	xm := append([]float64(nil), x...)
	for r := range xm {
		if rng.Float64() < logistic(2.5*(y[r]-0.8)) {
			xm[r] = math.NaN()
		}
	}
	return &Spec{Layout: l, Equations: []Equation{
		{Node: "x", Y: xm, UnitRE: true, Missing: mode},
		{Node: "y", Y: y, UnitRE: true, Terms: []Term{{Parent: "x", X: xm}}},
	}}, truth
}

// marFit samples the strength b.x.y: its posterior mean and 90% interval.
func marFit(t testing.TB, spec *Spec, seed uint64) (mean, lo, hi float64) {
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 300, 300, seed
	res, err := inference.Sample(context.Background(), func() inference.Target { return p.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b []float64
	for _, ch := range res.Column(res.Index("b.x.y")) {
		b = append(b, ch...)
	}
	sort.Float64s(b)
	for _, v := range b {
		mean += v
	}
	mean /= float64(len(b))
	return mean, b[len(b)*5/100], b[len(b)*95/100]
}

// Under MissingDrop the complete-case strength is biased (its 90%
// interval misses the truth); under MissingModel the interval covers it.
func TestMissingMARBias(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling")
	}
	spec, truth := marSpec(1, MissingDrop)
	frac := 0.0
	for _, v := range spec.Equations[0].Y {
		if math.IsNaN(v) {
			frac++
		}
	}
	frac /= float64(len(spec.Equations[0].Y))
	if frac < 0.3 || frac > 0.5 {
		t.Fatalf("%.0f%% of x missing, want 30–50%%", 100*frac)
	}
	m, lo, hi := marFit(t, spec, 3)
	t.Logf("drop:  %.0f%% missing, b.x.y %.3f (90%% %.3f … %.3f), truth %g", 100*frac, m, lo, hi, truth)
	if lo <= truth && truth <= hi {
		t.Errorf("drop: the complete-case interval %.3f … %.3f covers the truth %g; the test does not show the bias", lo, hi, truth)
	}
	spec, _ = marSpec(1, MissingModel)
	m, lo, hi = marFit(t, spec, 3)
	t.Logf("model: b.x.y %.3f (90%% %.3f … %.3f)", m, lo, hi)
	if !(lo <= truth && truth <= hi) {
		t.Errorf("model: the 90%% interval %.3f … %.3f misses the truth %g", lo, hi, truth)
	}
}
