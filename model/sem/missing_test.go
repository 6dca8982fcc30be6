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
// latent parent, whose own parent y1 (at t−1) has imputed values.
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
		Latents: []Latent{{Node: "L", Terms: []Term{{Parent: "x", X: x}, {Parent: "y1", Lag: 1, X: lagged(l, y1m, 1)}}, Indicators: []Indicator{
			{Node: "i1", Y: ind(1)}, {Node: "i2", Y: ind(0.8)}, {Node: "i3", Y: ind(-0.5)}}}},
	}
}

// The gradient with imputed values of every family and path agrees with
// finite differences, and a gradient does not allocate.
func TestMissingGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	for _, re := range []REParam{RECentred, RENonCentred} {
		for _, tm := range []TimeMode{TimeNone, TimeFixed} {
			spec := missingSpec(rng, 6, 6, re, tm)
			if re == RENonCentred {
				spec.Latents[0].Values = LatentConditional
			}
			p, err := Compile(spec)
			if err != nil {
				t.Fatal(err)
			}
			if in := p.Equations()[6]; in.Node != "L" || in.RowsImputed == 0 || in.ImputedFrom[0] != "y1" {
				t.Fatalf("latent L: %+v", in)
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

// An imputed value at t−1 enters its child's equation at t through the
// lag, in its own unit only: moving mi.y1.U001.P02 changes the log density
// by exactly y1's own term at P02 and y2's term at P03 of unit U001.
func TestMissingLagAcrossMonth(t *testing.T) {
	l := panelLayout(2, 4)
	x := []float64{0.1, -0.4, 0.8, 0.3, 1.2, -0.7, 0.2, 0.5}
	nan := math.NaN()
	y1 := []float64{0.5, nan, 1.1, 0.2, 0.9, -0.3, nan, 0.4}
	y2 := []float64{0.3, 0.7, -0.2, 0.6, 1.0, 0.1, 0.8, -0.5}
	spec := &Spec{Layout: l, Equations: []Equation{
		{Node: "y1", Y: y1, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}}},
		{Node: "y2", Y: y2, Terms: []Term{{Parent: "y1", Lag: 1, X: lagged(l, y1, 1)}}},
	}}
	p, err := compile(spec, compileOptions{noCentre: true}) // the intercept read at x = 0
	if err != nil {
		t.Fatal(err)
	}
	in := p.Equations()
	// y2 uses P02 … P04 of both units (the first period has no lag); its
	// rows at U001.P03 and U002.P04 hold imputed values.
	if in[1].Rows != 6 || in[1].RowsImputed != 2 || in[0].Rows != 8 || in[0].RowsImputed != 2 {
		t.Fatalf("rows: %v / %v", in[0], in[1])
	}
	k := index(t, p, "mi.y1.U001.P02")
	index(t, p, "mi.y1.U002.P03")
	rng := rand.New(rand.NewPCG(5, 5))
	pt := randomPoint(rng, p.Dim(), 0.5)
	g := make([]float64, p.Dim())
	lp0 := p.LogDensityGrad(pt, g)
	a1, b1, s1 := pt[index(t, p, "a.y1")], pt[index(t, p, "b.x.y1")], math.Exp(pt[index(t, p, "sigma.y1")])
	a2, b2, s2 := pt[index(t, p, "a.y2")], pt[index(t, p, "b.y1.lag1.y2")], math.Exp(pt[index(t, p, "sigma.y2")])
	term := func(v float64) float64 {
		r1 := v - a1 - b1*x[1]
		r2 := y2[2] - a2 - b2*v
		return -0.5*r1*r1/(s1*s1) - 0.5*r2*r2/(s2*s2)
	}
	v0 := pt[k]
	pt[k] = v0 + 0.7
	lp1 := p.LogDensityGrad(pt, g)
	if want := term(v0+0.7) - term(v0); math.Abs(lp1-lp0-want) > 1e-9 {
		t.Errorf("moving the imputed value changed the log density by %.12g, want %.12g", lp1-lp0, want)
	}
}

// A unit whose values of a node are all missing keeps its unit intercept
// (known from its prior and from the children's rows), and the gradient
// holds there.
func TestMissingWholeUnit(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 1))
	spec := missingSpec(rng, 5, 6, RECentred, TimeNone)
	for r := 0; r < 6; r++ {
		spec.Equations[0].Y[r] = math.NaN() // y1 of unit U001
	}
	// the children read the same values
	spec.Equations[1].Terms[0].X = spec.Equations[0].Y
	spec.Equations[1].Terms[1].X = lagged(spec.Layout, spec.Equations[0].Y, 1)
	spec.Equations[2].Terms[0].X = spec.Equations[0].Y
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	index(t, p, "u.y1.U001")
	for tt := 1; tt <= 6; tt++ {
		index(t, p, "mi.y1.U001.P0"+string(rune('0'+tt)))
	}
	for trial := 0; trial < 3; trial++ {
		checkGradient(t, p, randomPoint(rng, p.Dim(), 0.5), 1e-5)
	}
}

// PriorPart keeps the density of the imputed values (the rows where the
// node's own value is imputed) and leaves out the rows with the node
// observed, so that the difference is the observed data's likelihood; its
// gradient holds too.
func TestMissingPriorPart(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 1))
	spec := missingSpec(rng, 5, 6, RECentred, TimeNone)
	p, err := compile(spec, compileOptions{noCentre: true}) // the intercept read at x = 0
	if err != nil {
		t.Fatal(err)
	}
	q := p.PriorPart()
	x := randomPoint(rng, p.Dim(), 0.5)
	checkGradient(t, q, x, 1e-5)
	// Moving an observed response of a row with an imputed parent changes
	// the full density, not the prior part.
	g := make([]float64, p.Dim())
	lq0 := q.LogDensityGrad(x, g)
	lp0 := p.LogDensityGrad(x, g)
	var row int
	for _, in := range p.Equations() {
		if in.Node == "y4" && in.RowsImputed == 0 {
			t.Fatal("y4 has no rows with imputed values")
		}
	}
	for r, v := range spec.Equations[1].Y { // a row where y2 is missing and y4 observed
		if v != v && spec.Equations[3].Y[r] == spec.Equations[3].Y[r] {
			row = r
			break
		}
	}
	spec.Equations[3].Y[row] *= 1.5                          // y4 (child of y2), also y5's parent column
	p2, err := compile(spec, compileOptions{noCentre: true}) // the intercept read at x = 0
	if err != nil {
		t.Fatal(err)
	}
	if p2.Dim() != p.Dim() {
		t.Fatalf("dimension %d, was %d", p2.Dim(), p.Dim())
	}
	lq1 := p2.PriorPart().LogDensityGrad(x, g)
	lp1 := p2.LogDensityGrad(x, g)
	if lq1 != lq0 || lp1 == lp0 {
		t.Errorf("changing an observed y4 in a row with an imputed parent: prior part %v → %v (want unchanged), full %v → %v (want changed)", lq0, lq1, lp0, lp1)
	}
}

// A gaussian node without parents and with unit intercepts is imputed in
// a unit where it has no observed value too, its values there sampled
// non-centred around the unit's mean (nodata.go): the gradient agrees with
// finite differences in both unit parameterizations, and Constrain reports
// the values m_j + sigma·v.
func TestMissingRootUnitWithoutData(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 1))
	l := panelLayout(4, 6)
	x := normals(rng, l.Rows)
	y := make([]float64, l.Rows)
	for r := range y {
		y[r] = 0.5*x[r] + rng.NormFloat64()
	}
	for r := 0; r < 6; r++ {
		x[r] = math.NaN() // unit U001: no data
	}
	x[10] = math.NaN() // unit U002: one month missing
	for _, re := range []REParam{RECentred, RENonCentred} {
		p, err := Compile(&Spec{Layout: l, Equations: []Equation{
			{Node: "y", Y: y, UnitRE: true, Terms: []Term{{Parent: "x", X: x}}},
			{Node: "x", Y: x, UnitRE: true, RE: re, Missing: MissingModel},
		}})
		if err != nil {
			t.Fatal(err)
		}
		mis := p.Missing()
		if len(mis) != 1 || len(mis[0].Rows) != 7 || mis[0].Rows[6] != 10 || len(p.nc) != 6 {
			t.Fatalf("imputed %+v (%d non-centred), want x at rows 1–6 (non-centred) and 11", mis, len(p.nc))
		}
		in := p.Equations()[0]
		if in.Rows != 24 || in.RowsImputed != 7 || len(in.Dropped) != 0 {
			t.Errorf("y: %+v", in)
		}
		x0 := randomPoint(rng, p.Dim(), 0.5)
		checkGradient(t, p, x0, 1e-5)
		out := make([]float64, p.Dim())
		p.Constrain(x0, out)
		e := p.eqs[1]
		v := p.nc[0]
		m := e.ncOffset(x0, int(v.j))
		if want := m + math.Exp(x0[e.famOff])*x0[v.idx]; math.Abs(out[v.idx]-want) > 1e-12 {
			t.Errorf("%v: reported %g, want m + sigma·v = %g", re, out[v.idx], want)
		}
	}
}
