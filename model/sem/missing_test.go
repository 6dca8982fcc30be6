package sem

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// missingSpec is a panel with imputed values of every kind: a gaussian y1
// with missing values (parent x observed) whose children are a gaussian y2
// (contemporaneous and lagged: imputed values at t−1 enter at t), an
// ordered y3 (its rows join the ordinary rows) and a lognormal y4; y4 is
// the parent of a beta y5, y5 of a student y6; y2 has period effects and a
// latent parent.
func missingSpec(rng *rand.Rand, J, T int, re REParam, tm TimeMode) *Spec {
	l := panelLayout(J, T)
	n := l.Rows
	x := normals(rng, n)
	ue := unitEffects(rng, l, 0.5)
	y1, y2, y3, y4, y5, y6 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	eta := normals(rng, n)
	for r := range y1 {
		y1[r] = 0.3 + 0.6*x[r] + ue[r] + 0.7*rng.NormFloat64()
	}
	y1l := lagged(l, y1, 1)
	for r := range y2 {
		y2[r] = 0.5*y1[r] + 0.3*eta[r] + 0.8*rng.NormFloat64()
		if !math.IsNaN(y1l[r]) {
			y2[r] += 0.3 * y1l[r]
		}
		y3[r] = drawOrdered(rng, 0.8*y1[r], []float64{-1, 0, 1})
		y4[r] = math.Exp(0.2 + 0.4*y2[r] + 0.5*rng.NormFloat64())
		y5[r] = logistic(-0.5 + 0.3*y4[r] + 0.4*rng.NormFloat64())
		y6[r] = 1 + y5[r] + 0.3*rng.NormFloat64()
	}
	ind := func(lam float64) []float64 {
		v := make([]float64, n)
		for r := range v {
			v[r] = lam*eta[r] + 0.5*rng.NormFloat64()
		}
		return v
	}
	y1m := punch(rng, y1, 0.3)
	y2m := punch(rng, y2, 0.2)
	y4m := punch(rng, y4, 0.2)
	y5m := punch(rng, y5, 0.2)
	return &Spec{
		Name: "missing", Layout: l,
		Equations: []Equation{
			{Node: "y1", Y: y1m, UnitRE: true, RE: re, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}}},
			{Node: "y2", Y: y2m, UnitRE: true, RE: re, Time: tm, Missing: MissingModel, Terms: []Term{
				{Parent: "y1", X: y1m}, {Parent: "y1", Lag: 1, X: lagged(l, y1m, 1)}, {Parent: "L"}}},
			{Node: "y3", Family: Ordered{}, Y: y3, UnitRE: true, RE: re, Terms: []Term{{Parent: "y1", X: y1m}, {Parent: "x", X: x}}},
			{Node: "y4", Family: LogNormal{}, Y: y4m, UnitRE: true, RE: re, Missing: MissingModel, Terms: []Term{{Parent: "y2", X: y2m}}},
			{Node: "y5", Family: BetaFamily{}, Y: y5m, Missing: MissingModel, Terms: []Term{{Parent: "y4", X: y4m}}},
			{Node: "y6", Family: Student{}, Y: y6, UnitRE: true, RE: re, Missing: MissingModel, Terms: []Term{{Parent: "y5", X: y5m}}},
		},
		Latents: []Latent{{Node: "L", Terms: []Term{{Parent: "x", X: x}}, Indicators: []Indicator{
			{Node: "i1", Y: ind(1)}, {Node: "i2", Y: ind(0.8)}, {Node: "i3", Y: ind(-0.5)}}}},
	}
}

// The gradient with imputed values of every family and path agrees with
// finite differences, and a gradient does not allocate.
func TestMissingGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	for _, re := range []REParam{RECentred, RENonCentred} {
		for _, tm := range []TimeMode{TimeNone, TimeFixed} {
			p, err := Compile(missingSpec(rng, 6, 6, re, tm))
			if err != nil {
				t.Fatal(err)
			}
			mis := p.Missing()
			if len(mis) != 4 || mis[0].Node != "y1" || mis[3].Node != "y5" {
				t.Fatalf("imputed nodes %+v, want y1, y2, y4 and y5 (y6 has no missing values)", mis)
			}
			for trial := 0; trial < 3; trial++ {
				x := randomPoint(rng, p.Dim(), 0.5)
				t.Run(re.String()+"/"+tm.String(), func(t *testing.T) { checkGradient(t, p, x, 1e-5) })
			}
			x := randomPoint(rng, p.Dim(), 0.5)
			g := make([]float64, p.Dim())
			if a := testing.AllocsPerRun(20, func() { p.LogDensityGrad(x, g) }); a != 0 {
				t.Errorf("%v allocations per gradient", a)
			}
		}
	}
}

func TestMissingNamesAndInfo(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 1))
	p, err := Compile(missingSpec(rng, 6, 6, RECentred, TimeNone))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range p.ParamNames() {
		if strings.HasPrefix(n, "mi.") && len(strings.Split(n, ".")) != 4 {
			t.Errorf("name %q is not mi.NODE.UNIT.TIME", n)
		}
	}
	for _, in := range p.Equations() {
		t.Logf("%s: rows %d, imputed %d from %v, dropped %v", in.Node, in.Rows, in.RowsImputed, in.ImputedFrom, in.Dropped)
	}
}
