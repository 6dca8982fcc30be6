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
	checkNoDataMixes(t, p, func(name string) bool {
		return name == "b.x.y" || name == "tau.x" || name == "sigma.x" || strings.HasPrefix(name, "u.x.") && unitIndex(l, name[4:])%4 == 0
	}, "b.x.y", truth)
}

// checkNoDataMixes samples p (2 chains × (300 + 300)) and checks that the
// parameters watch picks have R-hat ≤ 1.05 and that edge's 90% interval
// covers truth.
func checkNoDataMixes(t *testing.T, p *Posterior, watch func(string) bool, edge string, truth float64) {
	t.Helper()
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 300, 300, 5
	res, err := inference.Sample(context.Background(), func() inference.Target { return p.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	worst, at := 0.0, ""
	for i, name := range p.ParamNames() {
		if !watch(name) {
			continue
		}
		if rh := diagnostics.Rhat(res.Column(i)); rh > worst {
			worst, at = rh, name
		}
	}
	var b []float64
	for _, ch := range res.Column(res.Index(edge)) {
		b = append(b, ch...)
	}
	lo, hi := quantile(b, 0.05), quantile(b, 0.95)
	t.Logf("%s 90%% %.3f … %.3f (truth %g); worst R-hat %.3f (%s)", edge, lo, hi, truth, worst, at)
	if worst > 1.05 {
		t.Errorf("R-hat %.3f at %s", worst, at)
	}
	if !(lo <= truth && truth <= hi) {
		t.Errorf("%s interval %.3f … %.3f misses %g", edge, lo, hi, truth)
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

// noDataParentsSpec is x -> y -> z on J units × T periods with y never
// observed in every fourth unit (y has unit intercepts of sd 1, a
// within-unit sd of 0.05, period effects when tm says so, and a parent x
// observed everywhere; z, its child, is observed everywhere, so y's values
// there are imputed).
func noDataParentsSpec(rng *rand.Rand, J, T int, re REParam, tm TimeMode) *Spec {
	l := panelLayout(J, T)
	n := l.Rows
	uy := unitEffects(rng, l, 1)
	x, y, z := normals(rng, n), make([]float64, n), make([]float64, n)
	for r := range y {
		y[r] = 0.3 + 0.8*x[r] + uy[r] + 0.2*float64(l.Time[r]%3) + 0.05*rng.NormFloat64()
		z[r] = 0.7*y[r] + 0.5*rng.NormFloat64()
	}
	for r := range y {
		if l.Unit[r]%4 == 0 {
			y[r] = math.NaN()
		}
	}
	return &Spec{Layout: l, Equations: []Equation{
		{Node: "z", Y: z, Terms: []Term{{Parent: "y", X: y}}},
		{Node: "y", Y: y, UnitRE: true, RE: re, Time: tm, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}}},
	}}
}

// A node with a parent (and period effects) never observed in some units
// has its values there non-centred about the unit's offset: the model is
// the plain one (equal log densities at corresponding points, less the log
// Jacobian Σ log sigma), the gradient matches finite differences, and the
// values are reported as m_j + sigma·v.
func TestMissingUnitWithoutDataParents(t *testing.T) {
	rng := rand.New(rand.NewPCG(32, 1))
	for _, re := range []REParam{RECentred, RENonCentred} {
		for _, tm := range []TimeMode{TimeNone, TimeFixed} {
			spec := noDataParentsSpec(rng, 8, 5, re, tm)
			p, err := Compile(spec)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := compile(spec, compileOptions{noNC: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.nc) != 2*5 || len(plain.nc) != 0 {
				t.Fatalf("%v/%v: %d values non-centred, want 10", re, tm, len(p.nc))
			}
			x := randomPoint(rng, p.Dim(), 0.5)
			checkGradient(t, p, x, 1e-5)
			// The plain point: each value y = m_j + sigma·v.
			out := make([]float64, p.Dim())
			p.Constrain(x, out)
			xp := append([]float64(nil), x...)
			lj := 0.0
			for _, v := range p.nc {
				e := p.eqs[v.eq]
				want := e.ncOffset(x, int(v.j)) + math.Exp(x[e.famOff])*x[v.idx]
				if math.Abs(out[v.idx]-want) > 1e-12 {
					t.Errorf("%v/%v: reported %g, want m + sigma·v = %g", re, tm, out[v.idx], want)
				}
				xp[v.idx] = want
				lj += x[e.famOff]
			}
			g := make([]float64, p.Dim())
			lnc, lpl := p.LogDensityGrad(x, g), plain.LogDensityGrad(xp, g)
			if math.Abs(lnc-(lpl+lj)) > 1e-9*(1+math.Abs(lpl)) {
				t.Errorf("%v/%v: log density %.12g non-centred, %.12g plain + log Jacobian %.12g", re, tm, lnc, lpl, lj)
			}
		}
	}
}

// On such a panel (40 units × 24 periods, period effects) the unit
// intercepts of the units without data mix and y -> z covers its truth
// (sampled in plain coordinates, the same run leaves R-hat 1.25 on them).
func TestMissingUnitWithoutDataParentsMixes(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling")
	}
	rng := rand.New(rand.NewPCG(33, 1))
	spec := noDataParentsSpec(rng, 40, 24, REAuto, TimeFixed)
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	checkNoDataMixes(t, p, func(name string) bool {
		return name == "b.y.z" || name == "b.x.y" || name == "tau.y" || strings.HasPrefix(name, "u.y.") && unitIndex(spec.Layout, name[4:])%4 == 0
	}, "b.y.z", 0.7)
}
