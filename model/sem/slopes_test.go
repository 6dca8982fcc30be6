package sem

import (
	"context"
	"dilemma/inference"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// slopesSpec is a panel of J units × T periods whose equations have an edge
// varying by unit: y1 (gaussian) on x1 and x2 with x1's strength varying,
// y2 (bernoulli), y3 (ordered) and y4 (poisson) with y1's or x1's strength
// varying, and y5 with a latent parent and a varying observed one. x1 has
// unit means away from 0, so the unit part of a varying term matters.
func slopesSpec(rng *rand.Rand, J, T int, re, vre REParam, tm TimeMode) *Spec {
	l := panelLayout(J, T)
	n := l.Rows
	x1, x2 := normals(rng, n), normals(rng, n)
	ux := unitEffects(rng, l, 1)
	for r := range x1 {
		x1[r] += 0.5 + ux[r]
	}
	v := normals(rng, J)
	y1 := make([]float64, n)
	ue := unitEffects(rng, l, 0.7)
	y2, y3, y4, y5 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	eta := normals(rng, n)
	for r := range y1 {
		j := l.Unit[r]
		y1[r] = 0.3 + (0.5+0.3*v[j])*x1[r] - 0.2*x2[r] + ue[r] + 0.8*rng.NormFloat64()
		if rng.Float64() < logistic(-0.2+(0.8+0.2*v[j])*y1[r]) {
			y2[r] = 1
		}
		y3[r] = drawOrdered(rng, (0.7+0.2*v[j])*y1[r], []float64{-1, 0, 1.2})
		y4[r] = drawPoisson(rng, math.Exp(0.2+(0.3+0.1*v[j])*x2[r]))
		eta[r] += 0.6 * x2[r]
		y5[r] = 0.5*eta[r] + (0.3+0.2*v[j])*x1[r] + rng.NormFloat64()
	}
	ind := func(a, lam float64) []float64 {
		out := make([]float64, n)
		for r := range out {
			out[r] = a + lam*eta[r] + 0.5*rng.NormFloat64()
		}
		return out
	}
	vary := func(parent string, x []float64) Term {
		return Term{Parent: parent, X: x, Varies: true, VariesRE: vre}
	}
	return &Spec{
		Name:   "slopes",
		Layout: l,
		Equations: []Equation{
			{Node: "y1", Y: punch(rng, y1, 0.05), UnitRE: true, RE: re, Time: tm,
				Terms: []Term{vary("x1", x1), {Parent: "x2", X: x2}}},
			{Node: "y2", Family: Bernoulli{}, Y: y2, UnitRE: true, RE: re, Time: tm,
				Terms: []Term{{Parent: "x2", X: x2}, vary("y1", y1)}},
			{Node: "y3", Family: Ordered{}, Y: y3, UnitRE: true, RE: re,
				Terms: []Term{vary("y1", y1)}},
			{Node: "y4", Family: Poisson{}, Y: y4, UnitRE: true, RE: re,
				Terms: []Term{vary("x2", x2), {Parent: "x1", X: x1, Lag: 1, Varies: true, VariesSD: Exponential(2), VariesRE: vre}}},
			{Node: "y5", Y: y5, UnitRE: true, RE: re, Terms: []Term{{Parent: "L"}, vary("x1", x1)}},
		},
		Latents: []Latent{{Node: "L", Terms: []Term{{Parent: "x2", X: x2}}, UnitRE: true, RE: re,
			Indicators: []Indicator{{Node: "i1", Y: ind(0.1, 1)}, {Node: "i2", Y: ind(-0.2, 0.8)}, {Node: "i3", Y: ind(0, -0.6)}}}},
	}
}

// The gradient with varying slopes agrees with finite differences for every
// family, both parameterizations of the unit intercepts and of the slopes,
// with and without period effects and sufficient statistics, and costs no
// allocation.
func TestSlopesGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	for _, re := range []REParam{RECentred, RENonCentred} {
		for _, vre := range []REParam{RECentred, RENonCentred} {
			for _, tm := range []TimeMode{TimeNone, TimeFixed} {
				for _, noSuff := range []bool{false, true} {
					spec := slopesSpec(rng, 6, 5, re, vre, tm)
					p, err := compile(spec, compileOptions{noSuff: noSuff})
					if err != nil {
						t.Fatal(err)
					}
					if got := len(p.Slopes()); got != 6 {
						t.Fatalf("%d varying slopes, want 6", got)
					}
					name := re.String() + "/" + vre.String() + "/" + tm.String()
					if noSuff {
						name += "/rows"
					}
					t.Run(name, func(t *testing.T) {
						x := randomPoint(rng, p.Dim(), 0.6)
						checkGradient(t, p, x, 1e-5)
						g := make([]float64, p.Dim())
						if a := testing.AllocsPerRun(5, func() { p.LogDensityGrad(x, g) }); a != 0 {
							t.Errorf("%g allocations per gradient", a)
						}
					})
				}
			}
		}
	}
}

// The per-unit sufficient statistics give exactly the row loop's log
// density and gradient (a gaussian equation with a varying slope).
func TestSlopesSufficientStatsExact(t *testing.T) {
	for _, vre := range []REParam{RECentred, RENonCentred} {
		rng := rand.New(rand.NewPCG(16, 2))
		spec := slopesSpec(rng, 7, 6, RENonCentred, vre, TimeNone)
		spec.Equations = spec.Equations[:1]
		spec.Latents = nil
		fast, err := compile(spec, compileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		slow, err := compile(spec, compileOptions{noSuff: true})
		if err != nil {
			t.Fatal(err)
		}
		if !fast.Equations()[0].SufficientStats || slow.Equations()[0].SufficientStats {
			t.Fatal("expected sufficient statistics in one compile and the row loop in the other")
		}
		x := randomPoint(rng, fast.Dim(), 0.5)
		g1, g2 := make([]float64, fast.Dim()), make([]float64, fast.Dim())
		l1, l2 := fast.LogDensityGrad(x, g1), slow.LogDensityGrad(x, g2)
		if math.Abs(l1-l2) > 1e-9*(1+math.Abs(l2)) {
			t.Errorf("%s: log density %.12g from sufficient statistics, %.12g from rows", vre, l1, l2)
		}
		for i := range g1 {
			if math.Abs(g1[i]-g2[i]) > 1e-9*(1+math.Abs(g2[i])) {
				t.Errorf("%s: d/d %s: %.12g vs %.12g", vre, fast.ParamNames()[i], g1[i], g2[i])
			}
		}
	}
}

// Names, layout and the constrained values of the slopes: sd_v = exp, and
// v_j = sd_v·z_j (non-centred) or c_j − b (centred, where the sampler moves
// each unit's strength c_j).
func TestSlopesNamesConstrain(t *testing.T) {
	for _, vre := range []REParam{RECentred, RENonCentred} {
		rng := rand.New(rand.NewPCG(16, 3))
		spec := slopesSpec(rng, 6, 5, RECentred, vre, TimeNone)
		p, err := Compile(spec)
		if err != nil {
			t.Fatal(err)
		}
		sl := p.Slopes()[0]
		if sl.Name != "b.x1.y1" || sl.Parent != "x1" || sl.Child != "y1" || len(sl.Units) != 6 || sl.RE != vre.String() {
			t.Fatalf("slope info %+v", sl)
		}
		names := p.ParamNames()
		if names[sl.B] != "b.x1.y1" || names[sl.SD] != "sd_v.x1.y1" || names[sl.First] != "v.x1.y1.U001" || names[sl.First+5] != "v.x1.y1.U006" {
			t.Errorf("names %s %s %s %s", names[sl.B], names[sl.SD], names[sl.First], names[sl.First+5])
		}
		lag := p.Slopes()[4]
		if names[lag.SD] != "sd_v.x1.lag1.y4" {
			t.Errorf("lagged slope's sd is named %s", names[lag.SD])
		}
		x := randomPoint(rng, p.Dim(), 0.5)
		out := make([]float64, p.Dim())
		p.Constrain(x, out)
		sd := math.Exp(x[sl.SD])
		if out[sl.SD] != sd {
			t.Errorf("sd_v constrained to %g, want %g", out[sl.SD], sd)
		}
		want := x[sl.First+2] - x[sl.B] // centred: the unit's strength b + v_j is sampled
		if vre == RENonCentred {
			want = x[sl.First+2] * sd
		}
		if math.Abs(out[sl.First+2]-want) > 1e-12 {
			t.Errorf("%s: v constrained to %g, want %g", vre, out[sl.First+2], want)
		}
		if !strings.Contains(p.Equations()[0].String(), "strength of x1 varies by unit") {
			t.Errorf("equation info does not mention the varying slope: %s", p.Equations()[0])
		}
	}
}

// The automatic choice: many rows per unit with x varying within units
// gives centred slopes; x nearly constant within units gives non-centred
// ones even with many rows, and a note.
func TestSlopesAuto(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 4))
	l := panelLayout(8, 40)
	y := normals(rng, l.Rows)
	within := normals(rng, l.Rows)
	between := unitEffects(rng, l, 1)
	for r := range between {
		between[r] += 0.01 * within[r]
	}
	for _, c := range []struct {
		x    []float64
		want string
	}{{within, "centred"}, {between, "non-centred"}} {
		p, err := Compile(&Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, UnitRE: true,
			Terms: []Term{{Parent: "x", X: c.x, Varies: true}}}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Slopes()[0]; got.RE != c.want {
			t.Errorf("slope parameterized %s (%s), want %s", got.RE, got.Reason, c.want)
		}
		noted := strings.Contains(strings.Join(p.Notes(), "\n"), "x hardly varies within units")
		if noted != (c.want == "non-centred") {
			t.Errorf("%s: notes %q", c.want, p.Notes())
		}
	}
}

// Varying slopes that cannot be estimated are refused with the edge named.
func TestSlopesErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 5))
	l := panelLayout(6, 5)
	x, y := normals(rng, l.Rows), normals(rng, l.Rows)
	ind := func() []Indicator {
		return []Indicator{{Node: "i1", Y: normals(rng, l.Rows)}, {Node: "i2", Y: normals(rng, l.Rows)}}
	}
	few := panelLayout(4, 10)
	cross := Layout{Rows: 30}
	for _, c := range []struct {
		name string
		spec Spec
		want string
	}{
		{"cross-section", Spec{Layout: cross, Equations: []Equation{{Node: "y", Y: y, UnitRE: true,
			Terms: []Term{{Parent: "x", X: x, Varies: true}}}}},
			"edge x -> y: varies=\"unit\" needs a panel with a unit key"},
		{"few units", Spec{Layout: few, Equations: []Equation{{Node: "y", Y: normals(rng, 40), UnitRE: true,
			Terms: []Term{{Parent: "x", X: normals(rng, 40), Lag: 1, Varies: true}}}}},
			"edge x -> y [lag=1]: varies=\"unit\" needs at least 5 units with data, and y has 4"},
		{"no unit intercepts", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y,
			Terms: []Term{{Parent: "x", X: x, Varies: true}}}}},
			"edge x -> y: varies=\"unit\" needs unit random intercepts"},
		{"latent parent", Spec{Layout: l,
			Equations: []Equation{{Node: "y", Y: y, UnitRE: true, Terms: []Term{{Parent: "L", Varies: true}}}},
			Latents:   []Latent{{Node: "L", Indicators: ind()}}},
			"edge L -> y: varies=\"unit\" needs an observed parent, and L is latent"},
		{"latent child", Spec{Layout: l,
			Latents: []Latent{{Node: "L", UnitRE: true, Terms: []Term{{Parent: "x", X: x, Varies: true}}, Indicators: ind()}}},
			"edge x -> L: varies=\"unit\" is supported on edges into observed nodes only"},
		{"bad prior", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, UnitRE: true,
			Terms: []Term{{Parent: "x", X: x, Varies: true, VariesSD: Normal(0, -1)}}}}},
			"edge x -> y: varies_prior"},
	} {
		_, err := Compile(&c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// slopesSim simulates y = 0.2 + (b + v_j)·x + u_j + noise on J units × T
// periods with v_j ~ normal(0, sdv); it returns the Spec and the true v.
func slopesSim(J, T int, b, sdv float64, seed uint64) (*Spec, []float64) {
	rng := rand.New(rand.NewPCG(seed, 17))
	l := panelLayout(J, T)
	x := normals(rng, l.Rows)
	ux := unitEffects(rng, l, 0.5)
	v := normals(rng, J)
	for j := range v {
		v[j] *= sdv
	}
	ue := unitEffects(rng, l, 0.6)
	y := make([]float64, l.Rows)
	for r := range y {
		x[r] += ux[r]
		y[r] = 0.2 + (b+v[l.Unit[r]])*x[r] + ue[r] + 0.7*rng.NormFloat64()
	}
	return &Spec{Name: "slopes", Layout: l, Equations: []Equation{{Node: "y", Y: y, UnitRE: true,
		Terms: []Term{{Parent: "x", X: x, Varies: true}}}}}, v
}

// The slopes' sd and each unit's slope are recovered on a simulated panel
// of 40 units × 30 periods: b and sd_v within 4 posterior sd of the truth,
// and the 90% interval of b + v_j covers the true unit slope for at least
// 80% of the units (90% expected).
func TestSlopesRecover(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling")
	}
	const b, sdv = 0.5, 0.4
	spec, v := slopesSim(40, 30, b, sdv, 1)
	post, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(post.Equations()[0])
	sl := post.Slopes()[0]
	draws := sampleDraws(t, post, 2, 400, 400, 3)
	check := func(name string, col []float64, truth float64) {
		m, sd := meanSD(col)
		t.Logf("%s: truth %.3f, posterior %.3f (sd %.3f)", name, truth, m, sd)
		if z := (m - truth) / sd; math.Abs(z) > 4 || math.IsNaN(z) {
			t.Errorf("%s: posterior mean %.3f (sd %.3f) is %.1f sd from the truth %.3f", name, m, sd, z, truth)
		}
	}
	check("b.x.y", draws[sl.B], b)
	check("sd_v.x.y", draws[sl.SD], sdv)
	covered := 0
	for j := range sl.Units {
		s := make([]float64, len(draws[sl.B]))
		for i := range s {
			s[i] = draws[sl.B][i] + draws[sl.First+j][i]
		}
		sort.Float64s(s)
		lo, hi := s[len(s)*5/100], s[len(s)*95/100]
		truth := b + v[sl.Unit[j]]
		if truth >= lo && truth <= hi {
			covered++
		}
	}
	t.Logf("90%% intervals of the unit slopes cover %d of %d", covered, len(sl.Units))
	if covered < 32 {
		t.Errorf("the 90%% intervals of the unit slopes cover the truth in %d of 40 units", covered)
	}
}

func meanSD(x []float64) (float64, float64) {
	m := mean(x)
	ss := 0.0
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return m, math.Sqrt(ss / float64(len(x)-1))
}

// The gradient of a gaussian equation with a varying slope (per-unit
// sufficient statistics) on the 156 × 35 bench panel, against the same
// equation without it (BenchmarkSlopesBaseline), and through the row loop.
func BenchmarkSlopesGaussian(b *testing.B) {
	benchSlopes(b, true, compileOptions{}, nil)
}

func BenchmarkSlopesBaseline(b *testing.B) {
	benchSlopes(b, false, compileOptions{}, nil)
}

func BenchmarkSlopesGaussianRowLoop(b *testing.B) {
	benchSlopes(b, true, compileOptions{noSuff: true}, nil)
}

// A bernoulli equation (always the row loop), with and without.
func BenchmarkSlopesBernoulli(b *testing.B) { benchSlopes(b, true, compileOptions{}, Bernoulli{}) }

func BenchmarkSlopesBernoulliBaseline(b *testing.B) {
	benchSlopes(b, false, compileOptions{}, Bernoulli{})
}

func benchSlopes(b *testing.B, varies bool, opt compileOptions, fam Family) {
	spec, _ := slopesSim(156, 35, 0.5, 0.3, 5)
	eq := &spec.Equations[0]
	eq.Terms[0].Varies = varies
	if fam != nil {
		eq.Family = fam
		for r, v := range eq.Y {
			eq.Y[r] = 0
			if v > 0.3 {
				eq.Y[r] = 1
			}
		}
	}
	p, err := compile(spec, opt)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 1))
	x := randomPoint(rng, p.Dim(), 0.3)
	g := make([]float64, p.Dim())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.LogDensityGrad(x, g)
	}
	b.ReportMetric(float64(p.Dim()), "params")
}

// sampleDraws samples post and returns each parameter's constrained draws
// (chains pooled), in ParamNames order.
func sampleDraws(t testing.TB, post *Posterior, chains, warmup, draws int, seed uint64) [][]float64 {
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = chains, warmup, draws, seed
	res, err := inference.Sample(context.Background(), func() inference.Target { return post.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := post.ParamNames()
	out := make([][]float64, len(names))
	for i, name := range names {
		j := res.Index(name)
		if j < 0 {
			t.Fatalf("no %s in the draws", name)
		}
		for _, c := range res.Column(j) {
			out[i] = append(out[i], c...)
		}
	}
	if d := res.Divergences(); d > 0 {
		t.Logf("%d divergent transitions", d)
	}
	return out
}
