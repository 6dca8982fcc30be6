package sem

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"dilemma/inference"
	"dilemma/inference/diagnostics"
)

// A root nearly constant within units (within-unit sd 0.1, between 1), with
// a quarter of the units never observed, and its child y (x -> y, strength
// 0.8): the values in the units without data are imputed non-centred, the
// chains mix (R-hat of the strength, the root's scales and the unit
// intercepts of the units without data below 1.05) and the strength's 90%
// interval covers the truth.
func TestMissingUnitWithoutDataMixes(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling")
	}
	const J, T, truth = 40, 24, 0.8
	rng := rand.New(rand.NewPCG(31, 7))
	l := panelLayout(J, T)
	n := l.Rows
	ux, uy := unitEffects(rng, l, 1), unitEffects(rng, l, 0.5)
	x, y := make([]float64, n), make([]float64, n)
	for r := range x {
		x[r] = ux[r] + 0.03*rng.NormFloat64()
		y[r] = 0.3 + truth*x[r] + uy[r] + 0.6*rng.NormFloat64()
	}
	for r := range x {
		if l.Unit[r]%4 == 0 {
			x[r] = math.NaN()
		}
	}
	p, err := Compile(&Spec{Layout: l, Equations: []Equation{
		{Node: "y", Y: y, UnitRE: true, Terms: []Term{{Parent: "x", X: x}}},
		{Node: "x", Y: x, UnitRE: true, Missing: MissingModel},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.nc) != J/4*T {
		t.Fatalf("%d values non-centred, want %d", len(p.nc), J/4*T)
	}
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 300, 300, 5
	res, err := inference.Sample(context.Background(), func() inference.Target { return p.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	worst, at := 0.0, ""
	for i, name := range p.ParamNames() {
		if name != "b.x.y" && name != "tau.x" && name != "sigma.x" && !(strings.HasPrefix(name, "u.x.") && unitIndex(l, name[4:])%4 == 0) {
			continue
		}
		if rh := diagnostics.Rhat(res.Column(i)); rh > worst {
			worst, at = rh, name
		}
	}
	var b []float64
	for _, ch := range res.Column(res.Index("b.x.y")) {
		b = append(b, ch...)
	}
	lo, hi := quantile(b, 0.05), quantile(b, 0.95)
	t.Logf("b.x.y 90%% %.3f … %.3f (truth %g); worst R-hat %.3f (%s)", lo, hi, truth, worst, at)
	if worst > 1.05 {
		t.Errorf("R-hat %.3f at %s", worst, at)
	}
	if !(lo <= truth && truth <= hi) {
		t.Errorf("b.x.y interval %.3f … %.3f misses %g", lo, hi, truth)
	}
}

func unitIndex(l Layout, name string) int {
	for i, u := range l.Units {
		if u == name {
			return i
		}
	}
	return -1
}

func quantile(v []float64, q float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[int(q*float64(len(s)-1))]
}
