package sem

import (
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// The posterior mode of bernoulli, ordered and poisson equations recovers
// their simulated coefficients and cutpoints.
func TestNonGaussianModeRecovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(30, 1))
	l := panelLayout(100, 20)
	n := l.Rows
	x1, x2 := normals(rng, n), normals(rng, n)
	yb, yo, yp := make([]float64, n), make([]float64, n), make([]float64, n)
	cuts := []float64{-1.5, 0, 1}
	for r := range yb {
		if rng.Float64() < logistic(-0.3+0.8*x1[r]-0.5*x2[r]) {
			yb[r] = 1
		}
		yo[r] = drawOrdered(rng, 1.0*x1[r]+0.5*x2[r], cuts)
		yp[r] = drawPoisson(rng, math.Exp(0.5+0.4*x1[r]-0.2*x2[r]))
	}
	terms := func() []Term { return []Term{{Parent: "x1", X: x1}, {Parent: "x2", X: x2}} }
	p, err := Compile(&Spec{Layout: l, Equations: []Equation{
		{Node: "yb", Family: Bernoulli{}, Y: yb, Terms: terms()},
		{Node: "yo", Family: Ordered{}, Y: yo, Terms: terms()},
		{Node: "yp", Family: Poisson{}, Y: yp, Terms: terms()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	x := mode(t, p, make([]float64, p.Dim()))
	c := make([]float64, p.Dim())
	p.Constrain(x, c)
	want := map[string]float64{
		"a.yb": -0.3, "b.x1.yb": 0.8, "b.x2.yb": -0.5,
		"b.x1.yo": 1, "b.x2.yo": 0.5, "c.yo.1": -1.5, "c.yo.2": 0, "c.yo.3": 1,
		"a.yp": 0.5, "b.x1.yp": 0.4, "b.x2.yp": -0.2,
	}
	for name, v := range want {
		// Standard errors here are at most ≈ 0.06; 0.2 is over 3 of them.
		if got := c[index(t, p, name)]; math.Abs(got-v) > 0.2 {
			t.Errorf("%s: mode %.3f, truth %.3f", name, got, v)
		}
	}
}

// Parameter names follow the documented scheme.
func TestParamNames(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 1))
	spec := mixedSpec(rng, 3, 4, RECentred, TimeRandomWalk)
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	names := p.ParamNames()
	if len(names) != p.Dim() {
		t.Fatalf("%d names for %d parameters", len(names), p.Dim())
	}
	has := map[string]bool{}
	for _, n := range names {
		if has[n] {
			t.Errorf("name %q twice", n)
		}
		has[n] = true
	}
	for _, want := range []string{
		"a.y1", "b.x1.y1", "sigma.y1", "tau.y1", "u.y1.U001", "u.y1.U003", "tau_time.y1", "g.y1.P02", "g.y1.P04",
		"b.y1.lag1.y2", "c.y3.1", "c.y3.3", "b.L.y5", "b.L.lag1.y5", "b.x1.L", "u.L.U002",
		"lambda.L.i1", "lambda.L.i3", "a.i2", "sigma.i3", "lambda.L2.j2", "b.L.L2",
		"eta.L.U001.P01", "eta.L2.U003.P04",
	} {
		if !has[want] {
			t.Errorf("no parameter %q", want)
		}
	}
	for _, absent := range []string{"a.y3", "g.y1.P01", "a.L", "sigma.L", "sigma.j2", "g.y3.P02"} {
		if has[absent] {
			t.Errorf("unexpected parameter %q", absent)
		}
	}
	// Coefficients point at their names and carry prior variances.
	for _, c := range p.Coefficients() {
		if names[c.Index] != c.Name {
			t.Errorf("coef %s at index %d named %s", c.Name, c.Index, names[c.Index])
		}
		if c.Rows <= 0 {
			t.Errorf("coef %s: rows %d", c.Name, c.Rows)
		}
		switch c.Name {
		case "b.x1.y1", "lambda.L.i3":
			if c.PriorVar != 1 {
				t.Errorf("%s: prior variance %g, want 1", c.Name, c.PriorVar)
			}
		case "b.L.y5":
			if math.Abs(c.PriorVar-0.25) > 1e-15 {
				t.Errorf("%s: prior variance %g, want 0.25", c.Name, c.PriorVar)
			}
		case "lambda.L.i1": // half_normal(1)
			if math.Abs(c.PriorVar-(1-2/math.Pi)) > 1e-15 || !c.Loading {
				t.Errorf("%s: prior variance %g, loading %v", c.Name, c.PriorVar, c.Loading)
			}
		case "b.x1.y4":
			if !math.IsInf(c.PriorVar, 1) {
				t.Errorf("%s: flat prior variance %g", c.Name, c.PriorVar)
			}
		}
	}
	// Latent values.
	for _, li := range p.Latents() {
		for k, r := range li.Rows {
			want := "eta." + li.Node + "." + spec.Layout.Units[spec.Layout.Unit[r]] + "." + spec.Layout.Times[spec.Layout.Time[r]]
			if names[li.First+k] != want {
				t.Fatalf("latent value %d named %s, want %s", k, names[li.First+k], want)
			}
		}
	}
}

// Rows used: the node and all parents observed; a lagged latent parent needs
// the latent's value one period earlier.
func TestRowsUsed(t *testing.T) {
	rng := rand.New(rand.NewPCG(32, 1))
	spec := mixedSpec(rng, 4, 6, RENonCentred, TimeNone)
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	count := func(ok func(r int) bool) int {
		k := 0
		for r := 0; r < spec.Layout.Rows; r++ {
			if ok(r) {
				k++
			}
		}
		return k
	}
	obs := func(v []float64, r int) bool { return !math.IsNaN(v[r]) }
	eqs := spec.Equations
	L := spec.Latents[0]
	latentAt := func(r int) bool {
		return obs(L.Terms[0].X, r) && (obs(L.Indicators[0].Y, r) || obs(L.Indicators[1].Y, r) || obs(L.Indicators[2].Y, r))
	}
	want := map[string]int{
		"y1": count(func(r int) bool { return obs(eqs[0].Y, r) }),
		"y2": count(func(r int) bool { return obs(eqs[1].Terms[1].X, r) }),
		"y5": count(func(r int) bool { return latentAt(r) && spec.Layout.Time[r] > 0 && latentAt(r-1) }),
		"L":  count(latentAt),
		"i1": count(func(r int) bool { return latentAt(r) && obs(L.Indicators[0].Y, r) }),
	}
	for _, in := range p.Equations() {
		if w, ok := want[in.Node]; ok && in.Rows != w {
			t.Errorf("%s uses %d rows, want %d", in.Node, in.Rows, w)
		}
	}
	if p.Latents()[0].Node != "L" || len(p.Latents()[0].Rows) != want["L"] {
		t.Errorf("latent L has %d values, want %d", len(p.Latents()[0].Rows), want["L"])
	}
}

// Constrain maps unit intercepts to the same u whatever the parameterization:
// the centred and non-centred posteriors are one density in two coordinates.
func TestCentredAndNonCentredAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 1))
	spec, _ := gaussSpec(rng, 8, 10, 2, RECentred, true)
	pc, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	spec.Equations[0].RE = RENonCentred
	pn, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float64, pc.Dim())
	xc := randomPoint(rng, pc.Dim(), 0.5)
	cc := make([]float64, pc.Dim())
	pc.Constrain(xc, cc)
	// The non-centred point with the same constrained values: z = u/tau.
	xn := append([]float64(nil), xc...)
	tau := cc[index(t, pc, "tau.y")]
	for i, name := range pc.ParamNames() {
		if strings.HasPrefix(name, "u.") {
			xn[i] = cc[i] / tau
		}
	}
	cn := make([]float64, pn.Dim())
	pn.Constrain(xn, cn)
	for i := range cc {
		if math.Abs(cc[i]-cn[i]) > 1e-12 {
			t.Errorf("%s: centred %g, non-centred %g", pc.ParamNames()[i], cc[i], cn[i])
		}
	}
	// Densities differ by the Jacobian of u = tau·z: J·log tau.
	J := float64(pc.Equations()[0].Units)
	lc, ln := pc.LogDensityGrad(xc, g), pn.LogDensityGrad(xn, g)
	if math.Abs(ln-(lc+J*math.Log(tau))) > 1e-9*math.Abs(lc) {
		t.Errorf("log densities: centred %.12g + J log tau = %.12g, non-centred %.12g", lc, lc+J*math.Log(tau), ln)
	}
}

// Prior-only: the density does not depend on observed columns.
func TestPriorOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(34, 1))
	spec := mixedSpec(rng, 4, 5, RENonCentred, TimeFixed)
	spec.PriorOnly = true
	p1, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	// Change every observed response (keeping the missing pattern and family).
	for i := range spec.Equations {
		y := append([]float64(nil), spec.Equations[i].Y...)
		for r := range y {
			if !math.IsNaN(y[r]) && i == 0 {
				y[r] += rng.NormFloat64()
			}
		}
		spec.Equations[i].Y = y
	}
	for k := range spec.Latents[0].Indicators {
		ind := &spec.Latents[0].Indicators[k]
		y := append([]float64(nil), ind.Y...)
		for r := range y {
			y[r] *= 3
		}
		ind.Y = y
	}
	p2, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	spec.PriorOnly = false
	p3, _ := Compile(spec)
	g := make([]float64, p1.Dim())
	for trial := 0; trial < 3; trial++ {
		x := randomPoint(rng, p1.Dim(), 0.5)
		l1, l2, l3 := p1.LogDensityGrad(x, g), p2.LogDensityGrad(x, g), p3.LogDensityGrad(x, g)
		if math.Abs(l1-l2) > 1e-9*math.Abs(l1) {
			t.Errorf("prior-only density changed with the data: %g vs %g", l1, l2)
		}
		if math.Abs(l1-l3) < 1 {
			t.Errorf("the likelihood seems off without PriorOnly: %g vs %g", l1, l3)
		}
	}
}

// LogDensityGrad allocates nothing.
func TestNoAllocation(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 1))
	for _, tm := range []TimeMode{TimeNone, TimeRandomWalk} {
		p, err := Compile(mixedSpec(rng, 6, 8, REAuto, tm))
		if err != nil {
			t.Fatal(err)
		}
		x := randomPoint(rng, p.Dim(), 0.5)
		g := make([]float64, p.Dim())
		if a := testing.AllocsPerRun(20, func() { p.LogDensityGrad(x, g) }); a != 0 {
			t.Errorf("time %s: %v allocations per evaluation", tm, a)
		}
	}
}

// Clones evaluate concurrently and agree with the original.
func TestClone(t *testing.T) {
	rng := rand.New(rand.NewPCG(36, 1))
	p, err := Compile(mixedSpec(rng, 6, 8, REAuto, TimeFixed))
	if err != nil {
		t.Fatal(err)
	}
	xs := make([][]float64, 4)
	want := make([]float64, len(xs))
	for i := range xs {
		xs[i] = randomPoint(rng, p.Dim(), 0.5)
		want[i] = p.LogDensityGrad(xs[i], make([]float64, p.Dim()))
	}
	var wg sync.WaitGroup
	got := make([]float64, len(xs))
	for i := range xs {
		q := p.Clone()
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := make([]float64, q.Dim())
			for k := 0; k < 50; k++ {
				got[i] = q.LogDensityGrad(xs[i], g)
			}
		}()
	}
	wg.Wait()
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("clone %d: %v, want %v", i, got[i], want[i])
		}
	}
}

// reflect returns x with latent L turned over: its values, loadings, unit
// intercepts, period effects and the edges into and out of it change sign.
func reflect(p *Posterior, x []float64, L string) []float64 {
	y := append([]float64(nil), x...)
	for _, li := range p.Latents() {
		if li.Node == L {
			for k := range li.Rows {
				y[li.First+k] = -y[li.First+k]
			}
		}
	}
	for _, c := range p.Coefficients() {
		if c.Parent == L || (c.Child == L && !c.Loading) {
			y[c.Index] = -y[c.Index]
		}
	}
	for i, name := range p.ParamNames() {
		if strings.HasPrefix(name, "u."+L+".") || strings.HasPrefix(name, "g."+L+".") {
			y[i] = -y[i]
		}
	}
	return y
}

// A latent's two orientations have the same density (even with priors not
// symmetric about 0, which are read in the reported orientation), the
// gradient turns over with them, and Constrain reports both the same way,
// with the first loading positive.
func TestLatentOrientation(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 1))
	for _, tm := range []TimeMode{TimeFixed, TimeRandomWalk} {
		for _, re := range []REParam{RECentred, RENonCentred} {
			p, err := Compile(mixedSpec(rng, 4, 5, re, tm))
			if err != nil {
				t.Fatal(err)
			}
			names := p.ParamNames()
			for trial := 0; trial < 4; trial++ {
				x := randomPoint(rng, p.Dim(), 0.7)
				for _, L := range []string{"L", "L2"} {
					y := reflect(p, x, L)
					gx, gy := make([]float64, p.Dim()), make([]float64, p.Dim())
					lx, ly := p.LogDensityGrad(x, gx), p.LogDensityGrad(y, gy)
					if math.Abs(lx-ly) > 1e-9*math.Abs(lx) {
						t.Errorf("%s/%s: turning %s over changes the log density from %.12g to %.12g", re, tm, L, lx, ly)
					}
					ry := reflect(p, gy, L) // the gradient turns over like the point
					for i := range gx {
						if math.Abs(gx[i]-ry[i]) > 1e-9*(1+math.Abs(gx[i])) {
							t.Errorf("%s/%s: turning %s over: d/d %s %g vs %g", re, tm, L, names[i], gx[i], ry[i])
						}
					}
					cx, cy := make([]float64, p.Dim()), make([]float64, p.Dim())
					p.Constrain(x, cx)
					p.Constrain(y, cy)
					for i := range cx {
						if math.Abs(cx[i]-cy[i]) > 1e-12 {
							t.Errorf("%s/%s: turning %s over changes the reported %s from %g to %g", re, tm, L, names[i], cx[i], cy[i])
						}
					}
					for _, first := range []string{"lambda.L.i1", "lambda.L2.j1"} {
						if v := cx[index(t, p, first)]; v < 0 {
							t.Errorf("reported %s = %g < 0", first, v)
						}
					}
				}
			}
		}
	}
}
