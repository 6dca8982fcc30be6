package sem

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"

	"dilemma/inference"
)

// bigMeanSpec is a one-equation panel model whose parent x has mean about
// 100: y = 3 + 0.5·x (+ unit intercepts, sd 0.5) + noise for the gaussian
// family, log E y = −29 + 0.3·x for the poisson one. Uncentred, its
// intercept and slope form a ridge of correlation about −1.
func bigMeanSpec(rng *rand.Rand, J, T int, fam Family, unitRE bool, re REParam, tm TimeMode) *Spec {
	l := panelLayout(J, T)
	x := normals(rng, l.Rows)
	ux := unitEffects(rng, l, 0.5)
	for r := range x {
		x[r] += 100 + ux[r]
	}
	ue := unitEffects(rng, l, 0.5)
	y := make([]float64, l.Rows)
	for r := range y {
		switch fam.(type) {
		case Poisson:
			y[r] = drawPoisson(rng, math.Exp(-29+0.3*x[r]+ue[r]))
		default:
			y[r] = 3 + 0.5*x[r] + ue[r] + 0.7*rng.NormFloat64()
		}
	}
	return &Spec{Name: "bigmean", Layout: l, Equations: []Equation{{
		Node: "y", Family: fam, Y: punch(rng, y, 0.05), UnitRE: unitRE, RE: re, Time: tm,
		Intercept: Normal(0, 100),
		Terms:     []Term{{Parent: "x", X: punch(rng, x, 0.05)}, {Parent: "w", X: normals(rng, l.Rows)}},
	}}}
}

// bigMeanCases are the equations centring must handle: pooled, centred and
// non-centred unit intercepts, gaussian on sufficient statistics and row
// by row (with period effects), and poisson.
var bigMeanCases = []struct {
	name   string
	fam    Family
	unitRE bool
	re     REParam
	tm     TimeMode
}{
	{"gaussian/pooled", Gaussian{}, false, REAuto, TimeNone},
	{"gaussian/centred", Gaussian{}, true, RECentred, TimeNone},
	{"gaussian/non-centred", Gaussian{}, true, RENonCentred, TimeNone},
	{"gaussian/centred/fixed-periods", Gaussian{}, true, RECentred, TimeFixed},
	{"gaussian/pooled/random-walk", Gaussian{}, false, REAuto, TimeRandomWalk},
	{"poisson/pooled", Poisson{}, false, REAuto, TimeNone},
	{"poisson/centred", Poisson{}, true, RECentred, TimeNone},
	{"poisson/non-centred", Poisson{}, true, RENonCentred, TimeNone},
	{"poisson/non-centred/fixed-periods", Poisson{}, true, RENonCentred, TimeFixed},
	{"poisson/pooled/fixed-periods", Poisson{}, false, REAuto, TimeFixed},
}

// Centring keeps the analytic gradient exact (against finite differences)
// for every kind of equation with a free intercept, at points near the
// data's level.
func TestCentreGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(40, 1))
	for _, c := range bigMeanCases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Compile(bigMeanSpec(rng, 6, 8, c.fam, c.unitRE, c.re, c.tm))
			if err != nil {
				t.Fatal(err)
			}
			if e := p.eqs[0]; len(e.xc) != 2 || math.Abs(e.xc[0]-100) > 1 || math.Abs(e.xc[1]) > 1 {
				t.Fatalf("column means %v, want about (100, 0)", e.xc)
			}
			for trial := 0; trial < 3; trial++ {
				x := randomPoint(rng, p.Dim(), 0.3)
				checkGradient(t, p, x, 1e-5)
			}
		})
	}
}

// centredPoint maps a point of the uncentred sampler (intercept at x = 0,
// period coordinates z_t) to the centred one: a' = a + x̄·b and
// z'_t = z_t + d_t·b, every other coordinate unchanged.
func centredPoint(p *Posterior, x []float64) []float64 {
	y := append([]float64(nil), x...)
	for _, e := range p.eqs {
		for k, ti := range e.obsTerm {
			b := x[e.bOff+ti]
			if e.xc != nil {
				y[e.aOff] += e.xc[k] * b
			}
			if e.xd != nil {
				for t := 0; t < e.T; t++ {
					y[e.tOff+t] += e.xd[t*e.p+k] * b
				}
			}
		}
	}
	return y
}

// uncentredGradient maps the centred sampler's gradient g to the
// uncentred one's (the transpose of centredPoint's map), in place.
func uncentredGradient(p *Posterior, g []float64) {
	for _, e := range p.eqs {
		for k, ti := range e.obsTerm {
			if e.xc != nil {
				g[e.bOff+ti] += e.xc[k] * g[e.aOff]
			}
			if e.xd != nil {
				for t := 0; t < e.T; t++ {
					g[e.bOff+ti] += e.xd[t*e.p+k] * g[e.tOff+t]
				}
			}
		}
	}
}

// The centred sampler's model is the uncentred one: at corresponding points
// the log densities are equal (the map has unit Jacobian), Constrain
// reports the same values under the same names, and the gradients are
// related by the map's transpose (∂/∂b_k uncentred = ∂/∂b_k + x̄_k ∂/∂a'
// + Σ_t d_tk ∂/∂z'_t).
func TestCentreSameModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 1))
	for _, c := range bigMeanCases {
		t.Run(c.name, func(t *testing.T) {
			spec := bigMeanSpec(rng, 6, 8, c.fam, c.unitRE, c.re, c.tm)
			p, err := Compile(spec)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := compile(spec, compileOptions{noCentre: true})
			if err != nil {
				t.Fatal(err)
			}
			if ref.eqs[0].xc != nil {
				t.Fatal("noCentre still centred")
			}
			e := p.eqs[0]
			if (c.tm == TimeFixed) != (e.xd != nil) {
				t.Fatalf("period centring %v with %s period effects", e.xd != nil, c.tm)
			}
			n := p.Dim()
			for trial := 0; trial < 3; trial++ {
				x := randomPoint(rng, n, 0.3)
				x[e.bOff] = 0.5 + 0.01*rng.NormFloat64() // near the level of the data
				x[e.aOff] = 3 + 0.1*rng.NormFloat64()
				if _, ok := c.fam.(Poisson); ok {
					x[e.bOff] = 0.3 + 0.01*rng.NormFloat64()
					x[e.aOff] = -29 + 0.1*rng.NormFloat64()
				}
				xc := centredPoint(p, x)
				gr, gc := make([]float64, n), make([]float64, n)
				lr := ref.LogDensityGrad(x, gr)
				lc := p.LogDensityGrad(xc, gc)
				if math.IsNaN(lr) || math.Abs(lr-lc) > 1e-9*(1+math.Abs(lr)) {
					t.Errorf("log density %.12g centred, %.12g uncentred", lc, lr)
				}
				uncentredGradient(p, gc)
				for i := range gr {
					if math.Abs(gr[i]-gc[i]) > 1e-7*(1+math.Abs(gr[i])) {
						t.Errorf("%s: gradient %.10g uncentred, %.10g mapped from the centred", p.names[i], gr[i], gc[i])
					}
				}
				cr, cc := make([]float64, n), make([]float64, n)
				ref.Constrain(x, cr)
				p.Constrain(xc, cc)
				for i := range cr {
					if math.Abs(cr[i]-cc[i]) > 1e-9*(1+math.Abs(cr[i])) {
						t.Errorf("%s: reported %.12g centred, %.12g uncentred", p.names[i], cc[i], cr[i])
					}
				}
			}
		})
	}
}

// With x̄ = 100 the intercept a = 3 is recovered, and the sampler's
// coordinates a' = a + x̄·b and b are nearly uncorrelated while the
// reported a and b are not (corr ≈ −1): the ridge is gone from what the
// sampler sees, not from the model.
func TestCentreRecovery(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 1))
	for _, c := range []struct {
		name   string
		unitRE bool
		re     REParam
	}{{"pooled", false, REAuto}, {"centred", true, RECentred}, {"non-centred", true, RENonCentred}} {
		t.Run(c.name, func(t *testing.T) {
			spec := bigMeanSpec(rng, 20, 10, Gaussian{}, c.unitRE, c.re, TimeNone)
			p, err := Compile(spec)
			if err != nil {
				t.Fatal(err)
			}
			s := inference.DefaultSettings()
			s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 400, 400, 7
			res, err := inference.Sample(context.Background(), func() inference.Target { return p.Clone() }, s, nil)
			if err != nil {
				t.Fatal(err)
			}
			var a, b []float64
			for _, ch := range res.Column(res.Index("a.y")) {
				a = append(a, ch...)
			}
			for _, ch := range res.Column(res.Index("b.x.y")) {
				b = append(b, ch...)
			}
			xbar := p.eqs[0].xc[0]
			ap := make([]float64, len(a))
			for i := range a {
				ap[i] = a[i] + xbar*b[i]
			}
			ma, sa := stat.MeanStdDev(a, nil)
			mb, sb := stat.MeanStdDev(b, nil)
			if math.Abs(ma-3) > 4*sa {
				t.Errorf("a.y = %.3f ± %.3f, truth 3", ma, sa)
			}
			if math.Abs(mb-0.5) > 4*sb {
				t.Errorf("b.x.y = %.4f ± %.4f, truth 0.5", mb, sb)
			}
			// The level at the mean, 3 + 0.5·x̄, is known far better than a.
			if m, s := stat.MeanStdDev(ap, nil); math.Abs(m-3-0.5*xbar) > 4*s+0.05 || s > 0.3 {
				t.Errorf("a' = %.3f ± %.3f, truth %.3f", m, s, 3+0.5*xbar)
			}
			if r := stat.Correlation(a, b, nil); r > -0.95 {
				t.Errorf("corr(a, b) = %.3f: the reported intercept and slope should form the ridge", r)
			}
			if r := stat.Correlation(ap, b, nil); math.Abs(r) > 0.3 {
				t.Errorf("corr(a', b) = %.3f: the sampler's coordinates still form a ridge", r)
			}
		})
	}
}

// A parent with a strong common time pattern (x = 100 + 2·s_t + noise) and
// fixed period effects: b and the shocks are recovered, and the sampler's
// period coordinates z'_t − mean(z') = g_t + d_t·b are nearly uncorrelated
// with b while the reported g_t are not (raising b lowers every g_t by
// d_t·b): the ridge through b and the T period effects is gone from what
// the sampler sees.
func TestPeriodCentreRecovery(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 1))
	const J, T = 25, 10
	l := panelLayout(J, T)
	pattern, shock := normals(rng, T), normals(rng, T)
	ms := mean(shock)
	for i := range shock {
		shock[i] -= ms
	}
	x, y := make([]float64, l.Rows), make([]float64, l.Rows)
	ue := unitEffects(rng, l, 0.5)
	for r := range x {
		tt := l.Time[r]
		x[r] = 100 + 2*pattern[tt] + 0.5*rng.NormFloat64()
		y[r] = 3 + 0.5*x[r] + shock[tt] + ue[r] + 0.5*rng.NormFloat64()
	}
	spec := &Spec{Name: "periods", Layout: l, Equations: []Equation{{
		Node: "y", Y: y, UnitRE: true, Time: TimeFixed, Intercept: Normal(0, 100),
		Terms: []Term{{Parent: "x", X: x}},
	}}}
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := p.eqs[0]
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 400, 400, 9
	res, err := inference.Sample(context.Background(), func() inference.Target { return p.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	draws := func(name string) []float64 {
		var v []float64
		for _, ch := range res.Column(res.Index(name)) {
			v = append(v, ch...)
		}
		return v
	}
	b := draws("b.x.y")
	if m, sd := stat.MeanStdDev(b, nil); math.Abs(m-0.5) > 4*sd {
		t.Errorf("b.x.y = %.4f ± %.4f, truth 0.5", m, sd)
	}
	worstG, worstZ := 0.0, 0.0
	for tt := 0; tt < T; tt++ {
		g := draws("g.y." + l.Times[tt])
		if m, sd := stat.MeanStdDev(g, nil); math.Abs(m-shock[tt]) > 4*sd {
			t.Errorf("g.y.%s = %.3f ± %.3f, truth %.3f", l.Times[tt], m, sd, shock[tt])
		}
		z := make([]float64, len(g))
		for i := range g {
			z[i] = g[i] + e.xd[tt]*b[i]
		}
		worstG = math.Max(worstG, math.Abs(stat.Correlation(g, b, nil)))
		worstZ = math.Max(worstZ, math.Abs(stat.Correlation(z, b, nil)))
	}
	if worstG < 0.8 {
		t.Errorf("max |corr(g_t, b)| = %.3f: the reported effects should trade off against b", worstG)
	}
	if worstZ > 0.3 {
		t.Errorf("max |corr(z'_t, b)| = %.3f: the sampler's period coordinates still trade off against b", worstZ)
	}
	t.Logf("max |corr(g_t, b)| %.3f, max |corr(z'_t, b)| %.3f", worstG, worstZ)
}

// Events that happen only at high x (binomial, logit p = −6 + 1.5·(x − 100)
// with x about 100 ± 1.5) inform the level only there: centred at the plain
// mean of x, a' still moves with b; centred at the information-weighted
// mean it does not, and a is recovered.
func TestCentreWeighted(t *testing.T) {
	rng := rand.New(rand.NewPCG(44, 1))
	l := panelLayout(30, 10)
	x, y, tr := make([]float64, l.Rows), make([]float64, l.Rows), make([]float64, l.Rows)
	fam := Binomial{}
	for r := range x {
		x[r] = 100 + 1.5*rng.NormFloat64()
		tr[r] = 10
		y[r] = fam.Rand(-156+1.5*x[r], []float64{tr[r]}, rng)
	}
	spec := &Spec{Name: "rare", Layout: l, Equations: []Equation{{
		Node: "y", Family: fam, Y: y, Trials: tr, Intercept: Flat(),
		Terms: []Term{{Parent: "x", X: x}},
	}}}
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	plain := mean(x)
	xw := p.eqs[0].xc[0]
	if xw < plain+1 {
		t.Errorf("weighted centre %.3f, plain mean %.3f: the information lies at high x", xw, plain)
	}
	// The same with a beta_binomial of low precision, whose log density is
	// convex in mu at some rows (weight 0 there, not a failed weighting).
	bb := BetaBinomial{}
	yb := make([]float64, len(y))
	for r := range yb {
		yb[r] = bb.Rand(-156+1.5*x[r], []float64{0.5, tr[r]}, rng)
	}
	sb := *spec
	sb.Equations = []Equation{spec.Equations[0]}
	sb.Equations[0].Family, sb.Equations[0].Y = bb, yb
	pb, err := Compile(&sb)
	if err != nil {
		t.Fatal(err)
	}
	if c := pb.eqs[0].xc[0]; c < plain+1 {
		t.Errorf("beta_binomial: weighted centre %.3f, plain mean %.3f", c, plain)
	}
	checkGradient(t, pb, randomPoint(rng, pb.Dim(), 0.3), 1e-5)
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 400, 400, 11
	res, err := inference.Sample(context.Background(), func() inference.Target { return p.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	var a, b []float64
	for _, ch := range res.Column(res.Index("a.y")) {
		a = append(a, ch...)
	}
	for _, ch := range res.Column(res.Index("b.x.y")) {
		b = append(b, ch...)
	}
	if m, sd := stat.MeanStdDev(a, nil); math.Abs(m+156) > 4*sd {
		t.Errorf("a.y = %.2f ± %.2f, truth −156", m, sd)
	}
	at := func(c float64) float64 {
		ap := make([]float64, len(a))
		for i := range a {
			ap[i] = a[i] + c*b[i]
		}
		return stat.Correlation(ap, b, nil)
	}
	if r := at(plain); math.Abs(r) < 0.5 {
		t.Errorf("corr(a + x̄·b, b) = %.3f at the plain mean: the test's events should make it large", r)
	}
	if r := at(xw); math.Abs(r) > 0.3 {
		t.Errorf("corr(a', b) = %.3f at the weighted centre %.3f", r, xw)
	}
	t.Logf("plain mean %.3f: corr %.3f; weighted centre %.3f: corr %.3f", plain, at(plain), xw, at(xw))
}
