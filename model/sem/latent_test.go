package sem

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// conditionalSpec is mixedSpec with latent L in LatentConditional form (L2
// has a latent parent and a bernoulli indicator, so it stays direct).
func conditionalSpec(rng *rand.Rand, J, T int, re REParam, tm TimeMode) *Spec {
	spec := mixedSpec(rng, J, T, re, tm)
	for i := range spec.Latents {
		spec.Latents[i].Values = LatentConditional
	}
	return spec
}

// The conditional form applies where it can and says why not elsewhere.
func TestConditionalChoice(t *testing.T) {
	rng := rand.New(rand.NewPCG(50, 1))
	p, err := Compile(conditionalSpec(rng, 4, 6, REAuto, TimeNone))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, in := range p.Equations() {
		if in.Kind == "latent" {
			got[in.Node] = in.Values
		}
	}
	if got["L"] != "conditional" || got["L2"] != "direct" {
		t.Errorf("latent forms %v, want L conditional and L2 direct", got)
	}
	if notes := strings.Join(p.Notes(), "\n"); !strings.Contains(notes, "latent L2: its values are sampled directly") {
		t.Errorf("no note on L2's form in %q", notes)
	}
	spec := conditionalSpec(rng, 4, 6, REAuto, TimeNone)
	spec.PriorOnly = true
	if p, err = Compile(spec); err != nil {
		t.Fatal(err)
	}
	for _, in := range p.Equations() {
		if in.Kind == "latent" && in.Values != "direct" {
			t.Errorf("prior only: %s", in)
		}
	}
}

// The gradient agrees with finite differences in every parameterization
// and period mode, with indicators missing at random.
func TestGradientConditional(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 1))
	for _, re := range []REParam{RECentred, RENonCentred} {
		for _, tm := range []TimeMode{TimeNone, TimeFixed, TimeRandomWalk} {
			p, err := Compile(conditionalSpec(rng, 5, 7, re, tm))
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

// A single latent with several indicators and no other equation: the
// gradient with respect to every indicator parameter, including when a
// loading is negative or near zero.
func TestGradientConditionalIndicators(t *testing.T) {
	rng := rand.New(rand.NewPCG(52, 1))
	l := panelLayout(6, 9)
	n := l.Rows
	x := normals(rng, n)
	eta := make([]float64, n)
	for r := range eta {
		eta[r] = 0.7*x[r] + rng.NormFloat64()
	}
	var inds []Indicator
	for k, lam := range []float64{1, -0.6, 0.05, 2} {
		y := make([]float64, n)
		for r := range y {
			y[r] = 0.3*float64(k) + lam*eta[r] + 0.4*rng.NormFloat64()
		}
		inds = append(inds, Indicator{Node: "i" + string(rune('1'+k)), Y: punch(rng, y, 0.3)})
	}
	spec := &Spec{Layout: l, Latents: []Latent{{Node: "L", Terms: []Term{{Parent: "x", X: x}},
		UnitRE: true, Values: LatentConditional, Indicators: inds}}}
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	if p.Equations()[0].Values != "conditional" {
		t.Fatalf("%s", p.Equations()[0])
	}
	for trial := 0; trial < 4; trial++ {
		checkGradient(t, p, randomPoint(rng, p.Dim(), 0.8), 1e-5)
	}
	// An indicator almost without noise (a Heywood case, sigma ≈ e⁻⁹): the
	// marginal likelihood must not cancel catastrophically.
	for trial := 0; trial < 2; trial++ {
		x := randomPoint(rng, p.Dim(), 0.8)
		x[index(t, p, "sigma.i2")] = -9
		checkGradient(t, p, x, 1e-4)
	}
	// Far down the tail (sigma ≈ e⁻¹⁷, where a chain may wander early in
	// warm-up): t·rho must not turn rounding error into gradient noise, or
	// the step size collapses and the chain cannot climb back.
	for trial := 0; trial < 2; trial++ {
		x := randomPoint(rng, p.Dim(), 0.8)
		x[index(t, p, "sigma.i2")] = -17
		checkGradient(t, p, x, 1e-4)
	}
	// Further still (sigma ≈ e⁻³⁵, where stuck chains were found, t ≈ 1e30):
	// t·rho² must come from the stable t·rho, not from the rounded rho, or
	// the log density itself is noise of order one and every step is
	// rejected.
	for trial := 0; trial < 2; trial++ {
		x := randomPoint(rng, p.Dim(), 0.8)
		x[index(t, p, "sigma.i2")] = -35
		checkGradient(t, p, x, 1e-4)
	}
}

// The two forms are the same model: at the point where the direct form
// holds the values the conditional form computes, the log densities differ
// by the log Jacobian of eta = m + z/√P, Σ_r −½ log P_r, with P_r = 1 +
// Σ_k lambda_k²/sigma_k² over the indicators observed at row r.
func TestConditionalIsSameModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 1))
	for _, tm := range []TimeMode{TimeNone, TimeRandomWalk} {
		spec := conditionalSpec(rng, 4, 6, RECentred, tm)
		pc, err := Compile(spec)
		if err != nil {
			t.Fatal(err)
		}
		for i := range spec.Latents {
			spec.Latents[i].Values = LatentDirect
		}
		pd, err := Compile(spec)
		if err != nil {
			t.Fatal(err)
		}
		g := make([]float64, pc.Dim())
		for trial := 0; trial < 3; trial++ {
			xc := randomPoint(rng, pc.Dim(), 0.5)
			// Keep the first loadings positive so that Constrain reports
			// the values in the sampler's orientation.
			for _, name := range []string{"lambda.L.i1", "lambda.L2.j1"} {
				xc[index(t, pc, name)] = math.Abs(xc[index(t, pc, name)])
			}
			out := make([]float64, pc.Dim())
			pc.Constrain(xc, out)
			xd := append([]float64(nil), xc...)
			li := pc.Latents()[0]
			for k := range li.Rows {
				xd[li.First+k] = out[li.First+k]
			}
			for _, ind := range []string{"i1", "i2", "i3"} { // a_k, not a'_k
				xd[index(t, pc, "a."+ind)] = out[index(t, pc, "a."+ind)]
			}
			// Σ −½ log P over L's rows.
			jac := 0.0
			var lam, tau [3]float64
			for k, ind := range []string{"i1", "i2", "i3"} {
				lam[k] = xc[index(t, pc, "lambda.L."+ind)]
				tau[k] = math.Exp(-2 * xc[index(t, pc, "sigma."+ind)])
			}
			for _, r := range li.Rows {
				P := 1.0
				for k := range spec.Latents[0].Indicators {
					if !math.IsNaN(spec.Latents[0].Indicators[k].Y[r]) {
						P += lam[k] * lam[k] * tau[k]
					}
				}
				jac -= 0.5 * math.Log(P)
			}
			lc, ld := pc.LogDensityGrad(xc, g), pd.LogDensityGrad(xd, g)
			if math.Abs(lc-(ld+jac)) > 1e-9*math.Abs(lc) {
				t.Errorf("%s: conditional %.12g, direct %.12g + log Jacobian %.12g = %.12g", tm, lc, ld, jac, ld+jac)
			}
			// Constrain reports the same values in both forms.
			outd := make([]float64, pd.Dim())
			pd.Constrain(xd, outd)
			for i, name := range pc.ParamNames() {
				if math.Abs(out[i]-outd[i]) > 1e-12*(1+math.Abs(out[i])) {
					t.Errorf("%s: conditional reports %.15g, direct %.15g", name, out[i], outd[i])
				}
			}
		}
	}
}

// Turning a conditional latent over leaves the density unchanged.
func TestConditionalOrientation(t *testing.T) {
	rng := rand.New(rand.NewPCG(54, 1))
	p, err := Compile(conditionalSpec(rng, 4, 5, RENonCentred, TimeFixed))
	if err != nil {
		t.Fatal(err)
	}
	for trial := 0; trial < 4; trial++ {
		x := randomPoint(rng, p.Dim(), 0.7)
		y := reflect(p, x, "L")
		g := make([]float64, p.Dim())
		lx, ly := p.LogDensityGrad(x, g), p.LogDensityGrad(y, g)
		if math.Abs(lx-ly) > 1e-9*math.Abs(lx) {
			t.Errorf("turning L over changes the log density from %.12g to %.12g", lx, ly)
		}
		cx, cy := make([]float64, p.Dim()), make([]float64, p.Dim())
		p.Constrain(x, cx)
		p.Constrain(y, cy)
		for i, name := range p.ParamNames() {
			if math.Abs(cx[i]-cy[i]) > 1e-12*(1+math.Abs(cx[i])) {
				t.Errorf("turning L over changes the reported %s from %g to %g", name, cx[i], cy[i])
			}
		}
	}
}

// No allocation, and clones agree, in the conditional form too.
func TestConditionalNoAllocation(t *testing.T) {
	rng := rand.New(rand.NewPCG(55, 1))
	p, err := Compile(conditionalSpec(rng, 6, 8, REAuto, TimeRandomWalk))
	if err != nil {
		t.Fatal(err)
	}
	x := randomPoint(rng, p.Dim(), 0.5)
	g := make([]float64, p.Dim())
	if a := testing.AllocsPerRun(20, func() { p.LogDensityGrad(x, g) }); a != 0 {
		t.Errorf("%v allocations per evaluation", a)
	}
	want := p.LogDensityGrad(x, g)
	q := p.Clone()
	y := randomPoint(rng, p.Dim(), 0.5)
	q.LogDensityGrad(y, make([]float64, p.Dim()))
	if got := p.LogDensityGrad(x, g); got != want {
		t.Errorf("evaluating a clone changed the original: %v, want %v", got, want)
	}
}

// Sampling an ordered equation's first cutpoint relative to the mean unit
// offset is the same model: at the point whose first coordinate is shifted
// back, the unshifted compilation gives the same density and the same
// reported values.
func TestCutpointShiftIsSameModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(56, 1))
	for _, re := range []REParam{RECentred, RENonCentred} {
		spec := mixedSpec(rng, 5, 6, re, TimeNone)
		ps, err := compile(spec, compileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pu, err := compile(spec, compileOptions{noCutShift: true})
		if err != nil {
			t.Fatal(err)
		}
		var eq *equation
		for _, e := range ps.eqs {
			if e.node == "y3" {
				eq = e
			}
		}
		if eq == nil || !eq.cutShift {
			t.Fatalf("%s: y3 has no cutpoint shift", re)
		}
		g := make([]float64, ps.Dim())
		for trial := 0; trial < 3; trial++ {
			x := randomPoint(rng, ps.Dim(), 0.5)
			xu := append([]float64(nil), x...)
			xu[eq.famOff] += eq.meanOffsetAt(ps.working(x)) // unit means, not rotated coordinates
			ls, lu := ps.LogDensityGrad(x, g), pu.LogDensityGrad(xu, g)
			if math.Abs(ls-lu) > 1e-10*math.Abs(ls) {
				t.Errorf("%s: shifted %.12g, unshifted %.12g", re, ls, lu)
			}
			cs, cu := make([]float64, ps.Dim()), make([]float64, ps.Dim())
			ps.Constrain(x, cs)
			pu.Constrain(xu, cu)
			for i, name := range ps.ParamNames() {
				if math.Abs(cs[i]-cu[i]) > 1e-12*(1+math.Abs(cs[i])) {
					t.Errorf("%s: %s reported %g shifted, %g unshifted", re, name, cs[i], cu[i])
				}
			}
		}
	}
}

// helmert is a rotation with the level as first coordinate, and helmertT
// is its transpose.
func TestHelmert(t *testing.T) {
	rng := rand.New(rand.NewPCG(57, 1))
	for _, J := range []int{2, 3, 7, 40} {
		c := helmertWeights(J)
		v := randomPoint(rng, J, 1)
		m := append([]float64(nil), v...)
		helmert(m, c)
		// The norm is kept, and the mean of m is L/√J.
		n1, n2, mean := 0.0, 0.0, 0.0
		for i := range v {
			n1 += v[i] * v[i]
			n2 += m[i] * m[i]
			mean += m[i] / float64(J)
		}
		if math.Abs(n1-n2) > 1e-12*n1 || math.Abs(mean-v[0]/math.Sqrt(float64(J))) > 1e-12 {
			t.Errorf("J=%d: |v|² %g, |m|² %g; mean %g, L/√J %g", J, n1, n2, mean, v[0]/math.Sqrt(float64(J)))
		}
		// <Qv, g> = <v, Qᵀg>, and Qᵀ undoes Q.
		g := randomPoint(rng, J, 1)
		gt := append([]float64(nil), g...)
		helmertT(gt, c)
		if math.Abs(dot(m, g)-dot(v, gt)) > 1e-12*(1+math.Abs(dot(m, g))) {
			t.Errorf("J=%d: <Qv,g> = %g, <v,Qᵀg> = %g", J, dot(m, g), dot(v, gt))
		}
		helmertT(m, c)
		for i := range v {
			if math.Abs(m[i]-v[i]) > 1e-12 {
				t.Errorf("J=%d: QᵀQv differs from v at %d: %g vs %g", J, i, m[i], v[i])
			}
		}
	}
}

// Rotating the unit means is the same model: at the point whose unit
// coordinates are the rotated means, the unrotated compilation gives the
// same density and reported values.
func TestRotationIsSameModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(58, 1))
	spec := mixedSpec(rng, 5, 6, RECentred, TimeFixed)
	pr, err := compile(spec, compileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pu, err := compile(spec, compileOptions{noRotate: true})
	if err != nil {
		t.Fatal(err)
	}
	rotated := map[string]bool{}
	for _, i := range pr.rots {
		rotated[pr.eqs[i].node] = true
	}
	if !rotated["y3"] || !rotated["L"] || rotated["y1"] {
		t.Fatalf("rotated equations %v, want the ordered y3 and the latents, not the gaussian y1", rotated)
	}
	g := make([]float64, pr.Dim())
	for trial := 0; trial < 3; trial++ {
		x := randomPoint(rng, pr.Dim(), 0.5)
		xu := append([]float64(nil), x...)
		for _, i := range pr.rots {
			e := pr.eqs[i]
			helmert(xu[e.uOff:e.uOff+e.J], e.hc)
		}
		lr, lu := pr.LogDensityGrad(x, g), pu.LogDensityGrad(xu, g)
		if math.Abs(lr-lu) > 1e-10*math.Abs(lr) {
			t.Errorf("rotated %.12g, unrotated %.12g", lr, lu)
		}
		cr, cu := make([]float64, pr.Dim()), make([]float64, pr.Dim())
		pr.Constrain(x, cr)
		pu.Constrain(xu, cu)
		for i, name := range pr.ParamNames() {
			if math.Abs(cr[i]-cu[i]) > 1e-12*(1+math.Abs(cr[i])) {
				t.Errorf("%s reported %g rotated, %g unrotated", name, cr[i], cu[i])
			}
		}
	}
}
