package sem

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"dilemma/inference"
	"dilemma/inference/diagnostics"
)

// latShockSpec is a panel with common shocks (a time pattern shared by
// every unit) in a latent L measured by two weak gaussian indicators, as
// fig2's intent_uncertainty is, and in its children: y (gaussian, with an
// observed parent w and L at lag 0 and 1) and o (ordered). Every equation
// has fixed period effects and unit intercepts (re; none when unitRE is
// false). The truth: L = 0.8·x + shock_L + u + e, y = 0.5 + 0.4·w + 0.6·L +
// 0.3·L[t−1] + shock_y + u + e, o = ordered(0.7·L + shock_o + u).
func latShockSpec(rng *rand.Rand, J, T int, re REParam, unitRE bool, values LatentValues) *Spec {
	l := panelLayout(J, T)
	n := l.Rows
	shock := func(sd float64) []float64 {
		s := normals(rng, T)
		v := make([]float64, n)
		for r := range v {
			v[r] = sd * s[l.Time[r]]
		}
		return v
	}
	sx, sL, sy, so := shock(1), shock(1), shock(0.7), shock(0.5)
	x, w := normals(rng, n), normals(rng, n)
	ux, uL, uy, uo := unitEffects(rng, l, 0.5), unitEffects(rng, l, 0.6), unitEffects(rng, l, 0.5), unitEffects(rng, l, 0.5)
	eta := make([]float64, n)
	for r := range eta {
		x[r] += sx[r] + ux[r]
		eta[r] = 0.8*x[r] + sL[r] + uL[r] + rng.NormFloat64()
	}
	etaLag := lagged(l, eta, 1)
	y, o := make([]float64, n), make([]float64, n)
	for r := range y {
		y[r] = 0.5 + 0.4*w[r] + 0.6*eta[r] + sy[r] + uy[r] + 0.5*rng.NormFloat64()
		if !math.IsNaN(etaLag[r]) {
			y[r] += 0.3 * etaLag[r]
		}
		o[r] = drawOrdered(rng, 0.7*eta[r]+so[r]+uo[r], []float64{-1, 0.5, 2})
	}
	ind := func(a, lam float64) []float64 {
		v := make([]float64, n)
		for r := range v {
			v[r] = a + lam*eta[r] + rng.NormFloat64()
		}
		return punch(rng, v, 0.05)
	}
	return &Spec{Name: "latshock", Layout: l,
		Equations: []Equation{
			{Node: "y", Y: punch(rng, y, 0.05), UnitRE: unitRE, RE: re, Time: TimeFixed,
				Terms: []Term{{Parent: "w", X: w}, {Parent: "L"}, {Parent: "L", Lag: 1}}},
			{Node: "o", Family: Ordered{}, Y: o, UnitRE: unitRE, RE: re, Time: TimeFixed,
				Terms: []Term{{Parent: "L"}}},
		},
		Latents: []Latent{{Node: "L", Terms: []Term{{Parent: "x", X: x}}, UnitRE: unitRE, RE: re, Time: TimeFixed, Values: values,
			Indicators: []Indicator{{Node: "i1", Y: ind(0.3, 0.5)}, {Node: "i2", Y: ind(-0.2, 0.4)}}}},
	}
}

// withLatShockMissing adds missing values to a latShockSpec panel that the
// latent's children take from outside their row loop: "imputed" punches
// y's observed parent w and models it (y's rows with a missing w go to the
// imputed-value row loop), "summed" adds a binary parent D of y and o,
// missing in a fifth of the rows and summed out (their rows join sum
// groups). "" leaves the spec as it is.
func withLatShockMissing(rng *rand.Rand, s *Spec, miss string) *Spec {
	n := s.Layout.Rows
	switch miss {
	case "imputed":
		y := &s.Equations[0]
		wm := punch(rng, y.Terms[0].X, 0.1)
		y.Terms[0].X = wm
		s.Equations = append(s.Equations, Equation{Node: "w", Y: wm, Missing: MissingModel})
	case "summed":
		d := make([]float64, n)
		for r := range d {
			if rng.Float64() < 0.4 {
				d[r] = 1
			}
		}
		dm := punch(rng, d, 0.2)
		for i := range s.Equations[:2] { // y and o
			s.Equations[i].Terms = append(s.Equations[i].Terms, Term{Parent: "D", X: dm})
		}
		s.Equations = append(s.Equations, Equation{Node: "D", Family: Bernoulli{}, Y: dm, Missing: MissingModel})
	}
	return s
}

var latShockCases = []struct {
	name   string
	re     REParam
	unitRE bool
	values LatentValues
	miss   string // withLatShockMissing's kind
}{
	{"centred/conditional", RECentred, true, LatentConditional, ""},
	{"non-centred/conditional", RENonCentred, true, LatentConditional, ""},
	{"pooled/conditional", REAuto, false, LatentConditional, ""},
	{"centred/direct", RECentred, true, LatentDirect, ""},
	{"non-centred/direct", RENonCentred, true, LatentDirect, ""},
	{"centred/conditional/imputed parent", RECentred, true, LatentConditional, "imputed"},
	{"non-centred/conditional/imputed parent", RENonCentred, true, LatentConditional, "imputed"},
	{"centred/direct/imputed parent", RECentred, true, LatentDirect, "imputed"},
	{"centred/conditional/summed parent", RECentred, true, LatentConditional, "summed"},
	{"non-centred/direct/summed parent", RENonCentred, true, LatentDirect, "summed"},
}

// The children of the latent are centred at its current means, and the
// gradient (with the terms through those means) matches finite differences.
func TestLatentCentreGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(60, 1))
	for _, c := range latShockCases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Compile(withLatShockMissing(rng, latShockSpec(rng, 6, 7, c.re, c.unitRE, c.values), c.miss))
			if err != nil {
				t.Fatal(err)
			}
			if c.miss != "" && !latShockHasOuterRows(p) {
				t.Fatalf("no imputed-value or summed rows in y or o")
			}
			for _, e := range p.eqs {
				if want := e.node == "y" || e.node == "o"; (e.lc != nil) != want {
					t.Fatalf("%s: latent-parent centring %v", e.node, e.lc != nil)
				}
			}
			for trial := 0; trial < 3; trial++ {
				checkGradient(t, p, randomPoint(rng, p.Dim(), 0.5), 1e-5)
			}
			spec := withLatShockMissing(rng, latShockSpec(rng, 6, 7, c.re, c.unitRE, c.values), c.miss)
			spec.PriorOnly = true
			if p, err = Compile(spec); err != nil {
				t.Fatal(err)
			}
			checkGradient(t, p, randomPoint(rng, p.Dim(), 0.5), 1e-5)
		})
	}
}

// latShockHasOuterRows says whether y or o has rows evaluated outside the
// row loop (imputed-value or summed rows).
func latShockHasOuterRows(p *Posterior) bool {
	for _, e := range p.eqs {
		if (e.node == "y" || e.node == "o") && (e.mi != nil || e.sum != nil) {
			return true
		}
	}
	return false
}

// latCentredPoint maps a point x of the uncentred sampler (ref) to the
// centred one (p; both compiled without rotation): a' = a + x̄·b + Σ b_k ē_k,
// centred unit means m_j + Σ b_k ē_kj (− Σ b_k ē_k for an ordered
// equation), z'_t = z_t + d_t·b + Σ b_k d_kt, an ordered equation's first
// cutpoint coordinate − Σ b_k ē_k; the latent's values read at ref's
// working point.
func latCentredPoint(t *testing.T, p, ref *Posterior, x []float64) []float64 {
	y := centredPoint(p, x) // the observed columns' part (centre_test.go)
	xe := append([]float64(nil), ref.working(x)...)
	for i, e := range p.eqs {
		if e.lc == nil {
			continue
		}
		w := &p.work[i]
		e.coefs(x, w)
		e.latMeans(xe, w)
		lvl := e.latLevel(w)
		if e.aOff >= 0 {
			y[e.aOff] += lvl
		} else {
			y[e.famOff] -= lvl
		}
		if e.re == RECentred {
			for j := 0; j < e.J; j++ {
				v := e.latOffset(j, w) + lvl
				if e.aOff < 0 {
					v -= lvl
				}
				y[e.uOff+j] += v
			}
		}
		for tt := 0; tt < e.T; tt++ {
			y[e.tOff+tt] += e.latPeriod(tt, w)
		}
	}
	return y
}

// The centred sampler's model is the uncentred one: equal log densities at
// corresponding points and the same reported values.
func TestLatentCentreSameModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 1))
	for _, c := range latShockCases {
		t.Run(c.name, func(t *testing.T) {
			spec := withLatShockMissing(rng, latShockSpec(rng, 6, 7, c.re, c.unitRE, c.values), c.miss)
			p, err := compile(spec, compileOptions{noRotate: true})
			if err != nil {
				t.Fatal(err)
			}
			ref, err := compile(spec, compileOptions{noRotate: true, noCentre: true})
			if err != nil {
				t.Fatal(err)
			}
			n := p.Dim()
			for trial := 0; trial < 3; trial++ {
				x := randomPoint(rng, n, 0.5)
				xc := latCentredPoint(t, p, ref, x)
				g := make([]float64, n)
				lr := ref.LogDensityGrad(x, g)
				lc := p.LogDensityGrad(xc, g)
				if math.IsNaN(lr) || math.Abs(lr-lc) > 1e-9*(1+math.Abs(lr)) {
					t.Errorf("log density %.12g centred, %.12g uncentred", lc, lr)
				}
				cr, cc := make([]float64, n), make([]float64, n)
				ref.Constrain(x, cr)
				p.Constrain(xc, cc)
				names := p.ParamNames()
				bad := 0
				for i := range cr {
					if math.Abs(cr[i]-cc[i]) > 1e-9*(1+math.Abs(cr[i])) {
						if bad < 8 {
							t.Errorf("%s: reported %.12g centred, %.12g uncentred", names[i], cc[i], cr[i])
						}
						bad++
					}
				}
			}
		})
	}
}

// The gradient does not allocate with latent parents centred.
func TestLatentCentreNoAllocation(t *testing.T) {
	rng := rand.New(rand.NewPCG(62, 1))
	p, err := Compile(latShockSpec(rng, 6, 7, RECentred, true, LatentConditional))
	if err != nil {
		t.Fatal(err)
	}
	x := randomPoint(rng, p.Dim(), 0.3)
	g := make([]float64, p.Dim())
	if a := testing.AllocsPerRun(20, func() { p.LogDensityGrad(x, g) }); a != 0 {
		t.Errorf("%v allocations per gradient", a)
	}
}

// On a simulated panel with common shocks and a weakly measured latent
// (and some imputed values of the child's observed parent), NUTS recovers the strengths into and out of the latent, the period
// effects of its children mix (R-hat on every parameter), and there are no
// divergences.
func TestLatentCentreRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling")
	}
	rng := rand.New(rand.NewPCG(63, 1))
	// A tenth of w imputed: y's rows with an imputed w see the latent
	// centred as its other rows do.
	post, err := Compile(withLatShockMissing(rng, latShockSpec(rng, 30, 12, REAuto, true, LatentConditional), "imputed"))
	if err != nil {
		t.Fatal(err)
	}
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 300, 300, 5
	res, err := inference.Sample(context.Background(), func() inference.Target { return post.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := res.Divergences(); d > 0 {
		t.Errorf("%d divergent transitions", d)
	}
	truth := map[string]float64{"b.x.L": 0.8, "b.w.y": 0.4, "b.L.y": 0.6, "b.L.lag1.y": 0.3, "b.L.o": 0.7,
		"sigma.y": 0.5, "lambda.L.i1": 0.5, "lambda.L.i2": 0.4}
	for name, v := range truth {
		sum := diagnostics.Summarize(name, res.Column(res.Index(name)))
		t.Logf("%-12s truth %5.2f  mean %6.3f  sd %.3f  rhat %.3f  ess %4.0f", name, v, sum.Mean, sum.SD, sum.Rhat, sum.ESSBulk)
		if z := (sum.Mean - v) / sum.SD; math.Abs(z) > 4 || math.IsNaN(z) {
			t.Errorf("%s: posterior mean %.3f (sd %.3f) is %.1f sd from the truth %.2f", name, sum.Mean, sum.SD, z, v)
		}
	}
	worst, wname := 0.0, ""
	for j, name := range post.ParamNames() {
		if r := diagnostics.Summarize(name, res.Column(j)).Rhat; r > worst {
			worst, wname = r, name
		}
	}
	t.Logf("largest R-hat %.3f (%s)", worst, wname)
	if worst > 1.05 {
		t.Errorf("largest R-hat %.3f (%s)", worst, wname)
	}
}

// The gradient at the embedded panel's size (186 units × 36 months) with
// and without latent-parent centring, for the cost ratio.
func benchLatCentre(b *testing.B, opt compileOptions) {
	rng := rand.New(rand.NewPCG(64, 1))
	p, err := compile(latShockSpec(rng, 186, 36, REAuto, true, LatentConditional), opt)
	if err != nil {
		b.Fatal(err)
	}
	// A point near the posterior's bulk, the same in both forms: strengths
	// and loadings at their truths, everything else at 0.
	x := make([]float64, p.Dim())
	for name, v := range map[string]float64{"b.x.L": 0.8, "b.w.y": 0.4, "b.L.y": 0.6, "b.L.lag1.y": 0.3, "b.L.o": 0.7,
		"lambda.L.i1": 0.5, "lambda.L.i2": 0.4} {
		for i, n := range p.ParamNames() {
			if n == name {
				x[i] = v
			}
		}
	}
	g := make([]float64, p.Dim())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.LogDensityGrad(x, g)
	}
}

func BenchmarkLatentCentred(b *testing.B)   { benchLatCentre(b, compileOptions{}) }
func BenchmarkLatentUncentred(b *testing.B) { benchLatCentre(b, compileOptions{noLatCentre: true}) }

// At strengths of exactly 0 (the latent's mean then moves nothing) the
// gradient still carries the terms through the latent's means.
func TestLatentCentreGradientAtZeroStrength(t *testing.T) {
	rng := rand.New(rand.NewPCG(65, 1))
	p, err := Compile(latShockSpec(rng, 6, 7, RECentred, true, LatentConditional))
	if err != nil {
		t.Fatal(err)
	}
	x := randomPoint(rng, p.Dim(), 0.5)
	for _, name := range []string{"b.L.y", "b.L.lag1.y", "b.L.o"} {
		x[index(t, p, name)] = 0
	}
	checkGradient(t, p, x, 1e-5)
}
