package fit

import (
	"context"
	"math"
	"slices"
	"testing"

	"dilemma/data"
)

// TestWarmStartSettings: a fit given a step size and an inverse metric
// (a pilot's, as package sweep's warm starts pass them) keeps that metric
// through warm-up, adapts the step size only, and still recovers the
// parameters; a metric of the wrong length is an error.
func TestWarmStartSettings(t *testing.T) {
	p, _, err := data.Simulate(data.SimSpec{Units: 200, Periods: 1, Seed: 5, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "y", Intercept: 1, Sigma: 0.7, Parents: []data.SimParent{{Node: "x", Coef: 0.8}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m := mustModel(t, `dag { x -> y }
settings {
  x [column="x"]
  y [column="y"]
}`)
	pl, err := NewPlan(m, p, Options{NoUnitEffects: true})
	if err != nil {
		t.Fatal(err)
	}
	pilot, err := Run(context.Background(), pl, quickSettings(), nil)
	if err != nil {
		t.Fatal(err)
	}
	inv := slices.Clone(pilot.Adaptation[0].InvMetric)
	s := quickSettings()
	s.Warmup, s.StepSize, s.InvMetric = 75, pilot.Adaptation[0].StepSize, inv
	f, err := Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for c, a := range f.Adaptation {
		if !slices.Equal(a.InvMetric, inv) {
			t.Errorf("chain %d: metric %v, want the pilot's %v kept", c, a.InvMetric, inv)
		}
		if !(a.StepSize > 0) || a.StepSize == pilot.Adaptation[0].StepSize {
			t.Errorf("chain %d: step size %g not adapted from %g", c, a.StepSize, pilot.Adaptation[0].StepSize)
		}
	}
	b := f.Param("b.x.y")
	mean := 0.0
	for _, ch := range b {
		for _, v := range ch {
			mean += v / float64(len(b)*len(ch))
		}
	}
	if math.Abs(mean-0.8) > 0.15 {
		t.Errorf("b.x.y = %.3f warm-started, want about 0.8", mean)
	}
	s.InvMetric = inv[:1]
	if _, err := Run(context.Background(), pl, s, nil); err == nil {
		t.Error("a metric of the wrong length was accepted")
	}
}
