package sem

import (
	"math"
	"math/rand/v2"
	"testing"
)

// mixedSpec is a small panel model with every kind of term: gaussian,
// bernoulli, ordered and poisson equations, unit intercepts, period effects,
// an observed lag, latent nodes with gaussian and bernoulli indicators, a
// latent parent of a latent, and a lagged latent parent.
func mixedSpec(rng *rand.Rand, J, T int, re REParam, tm TimeMode) *Spec {
	l := panelLayout(J, T)
	n := l.Rows
	x1 := normals(rng, n)
	for r := range x1 {
		x1[r] += unitEffects(rng, l, 0.5)[r]
	}
	y1 := make([]float64, n)
	ue := unitEffects(rng, l, 0.7)
	for r := range y1 {
		y1[r] = 0.3 + 0.5*x1[r] + ue[r] + 0.8*rng.NormFloat64()
	}
	y1lag := lagged(l, y1, 1)
	y2 := make([]float64, n)
	y3 := make([]float64, n)
	y4 := make([]float64, n)
	eta := normals(rng, n)
	eta2 := make([]float64, n)
	for r := range y2 {
		v := -0.2 + 0.8*x1[r]
		if !math.IsNaN(y1lag[r]) {
			v += 0.4 * y1lag[r]
		}
		if rng.Float64() < logistic(v) {
			y2[r] = 1
		}
		y3[r] = drawOrdered(rng, 0.7*y1[r]-0.5*x1[r], []float64{-1, 0, 1.2})
		y4[r] = drawPoisson(rng, math.Exp(0.2+0.3*x1[r]))
		eta[r] += 0.6 * x1[r]
		eta2[r] = -0.5*eta[r] + rng.NormFloat64()
	}
	ind := func(a, lam float64, src []float64) []float64 {
		v := make([]float64, n)
		for r := range v {
			v[r] = a + lam*src[r] + 0.5*rng.NormFloat64()
		}
		return punch(rng, v, 0.1)
	}
	bin := make([]float64, n)
	for r := range bin {
		if rng.Float64() < logistic(eta2[r]) {
			bin[r] = 1
		}
	}
	y5 := make([]float64, n)
	for r := range y5 {
		y5[r] = 0.5*eta[r] + 0.3*y1[r] + rng.NormFloat64()
	}
	return &Spec{
		Name:   "mixed",
		Layout: l,
		Equations: []Equation{
			{Node: "y1", Y: punch(rng, y1, 0.05), Terms: []Term{{Parent: "x1", X: x1}}, UnitRE: true, RE: re, Time: tm},
			{Node: "y2", Family: Bernoulli{}, Y: y2, UnitRE: true, RE: re, Time: tm,
				Terms: []Term{{Parent: "x1", X: x1, Prior: StudentT(3, 0, 1)}, {Parent: "y1", Lag: 1, X: y1lag}}},
			{Node: "y3", Family: Ordered{}, Y: y3, UnitRE: true, RE: re,
				Terms: []Term{{Parent: "y1", X: y1}, {Parent: "x1", X: x1, Prior: Prior{Kind: PriorCauchy, Sigma: 1}}}},
			{Node: "y4", Family: Poisson{}, Y: y4, UnitRE: true, RE: re, Tau: Exponential(1), Time: tm,
				Terms: []Term{{Parent: "x1", X: x1, Prior: Flat()}}},
			{Node: "y5", Y: y5, UnitRE: true, RE: re, Terms: []Term{
				{Parent: "L", Prior: Normal(0.2, 0.5)}, {Parent: "L", Lag: 1}, {Parent: "y1", X: y1}}},
		},
		Latents: []Latent{
			{Node: "L", Terms: []Term{{Parent: "x1", X: x1}}, UnitRE: true, RE: re, Time: tm,
				Indicators: []Indicator{
					{Node: "i1", Y: ind(0.1, 1, eta)},
					{Node: "i2", Y: ind(-0.2, 0.8, eta), Loading: Normal(0.5, 1)},
					{Node: "i3", Y: ind(0, -0.6, eta), Family: Gaussian{Sigma: HalfNormal(2)}},
				}},
			{Node: "L2", Terms: []Term{{Parent: "L"}},
				Indicators: []Indicator{
					{Node: "j1", Y: ind(0, 1, eta2), Loading: Exponential(1)},
					{Node: "j2", Y: bin, Family: Bernoulli{}},
				}},
		},
	}
}

// The gradient of the whole log posterior agrees with finite differences
// at random points, for every family, term, parameterization and period mode.
func TestGradientMixedModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 1))
	for _, re := range []REParam{RECentred, RENonCentred} {
		for _, tm := range []TimeMode{TimeNone, TimeFixed, TimeRandomWalk} {
			for _, priorOnly := range []bool{false, true} {
				spec := mixedSpec(rng, 5, 7, re, tm)
				spec.PriorOnly = priorOnly
				p, err := Compile(spec)
				if err != nil {
					t.Fatal(err)
				}
				for trial := 0; trial < 3; trial++ {
					x := randomPoint(rng, p.Dim(), 0.6)
					t.Run(re.String()+"/"+tm.String(), func(t *testing.T) {
						checkGradient(t, p, x, 1e-5)
					})
				}
			}
		}
	}
}

// The automatic choice of parameterization follows rows per unit.
func TestREAuto(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 1))
	for _, c := range []struct {
		T    int
		want []string // y1 (gaussian), y2 (bernoulli), y3 (ordered)
	}{
		{4, []string{"non-centred", "non-centred", "non-centred"}},
		{12, []string{"centred", "non-centred", "non-centred"}},
		{30, []string{"centred", "non-centred", "centred"}},
		{45, []string{"centred", "centred", "centred"}},
	} {
		spec := mixedSpec(rng, 3, c.T, REAuto, TimeNone)
		p, err := Compile(spec)
		if err != nil {
			t.Fatal(err)
		}
		info := p.Equations()
		for i, want := range c.want {
			if info[i].RE != want {
				t.Errorf("T=%d: %s", c.T, info[i])
			}
		}
		checkGradient(t, p, randomPoint(rng, p.Dim(), 0.5), 1e-5)
	}
}

// A cross-section (no unit key) drops unit intercepts with a note.
func TestCrossSection(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 1))
	n := 60
	x := normals(rng, n)
	y := make([]float64, n)
	for i := range y {
		y[i] = 1 + 2*x[i] + rng.NormFloat64()
	}
	p, err := Compile(&Spec{Layout: Layout{Rows: n}, Equations: []Equation{
		{Node: "y", Y: y, UnitRE: true, Terms: []Term{{Parent: "x", X: x}}},
		{Node: "z", Family: Bernoulli{}, Y: punch(rng, []float64{0, 1, 1, 0, 1, 0, 0, 1, 1, 0}[:10:10], 0), Terms: nil},
	}})
	if err == nil {
		t.Fatal("a 10-value column on a 60-row layout was accepted")
	}
	p, err = Compile(&Spec{Layout: Layout{Rows: n}, Equations: []Equation{
		{Node: "y", Y: y, UnitRE: true, Terms: []Term{{Parent: "x", X: x}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Notes()) != 1 || p.Equations()[0].RE != "none" {
		t.Errorf("notes %q, info %v", p.Notes(), p.Equations()[0])
	}
	want := []string{"a.y", "b.x.y", "sigma.y"}
	if got := p.ParamNames(); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("names %v, want %v", got, want)
	}
	checkGradient(t, p, randomPoint(rng, p.Dim(), 1), 1e-6)
}
