package sem

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"dilemma/inference"
)

// sumSpec is a panel with missing discrete values of every kind: a binary
// D (parent x) whose value enters y at t and z at t + 1 (both children of
// one value, across periods), an ordered O (parent x) parent of a poisson
// w (zero-inflated negative binomial), a negative binomial count C parent
// of a gaussian v. y has imputed values of its
// own, needed by z and w, whose own rows hold D: continuous imputed values
// and summed-out discrete ones in one row.
func sumSpec(rng *rand.Rand, J, T int, re REParam, tm TimeMode) *Spec {
	l := panelLayout(J, T)
	n := l.Rows
	x := normals(rng, n)
	ue := unitEffects(rng, l, 0.5)
	D, O, C := make([]float64, n), make([]float64, n), make([]float64, n)
	y, z, w, v := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for r := range D {
		if rng.Float64() < logistic(0.2+0.8*x[r]+ue[r]) {
			D[r] = 1
		}
		O[r] = drawOrdered(rng, 0.7*x[r], []float64{-0.8, 0.6})
		C[r] = drawPoisson(rng, math.Exp(0.3+0.4*x[r]))
		y[r] = 0.4 + 0.8*D[r] + 0.3*x[r] + ue[r] + 0.6*rng.NormFloat64()
		v[r] = 0.5*C[r] + 0.7*rng.NormFloat64()
	}
	Dl := lagged(l, D, 1)
	for r := range z {
		lag := 0.0
		if !math.IsNaN(Dl[r]) {
			lag = Dl[r]
		}
		z[r] = drawOrdered(rng, 0.9*lag+0.5*y[r], []float64{-0.5, 0.7})
		w[r] = drawPoisson(rng, math.Exp(0.2+0.3*O[r]+0.2*y[r]))
	}
	Dm, Om, Cm, ym := punch(rng, D, 0.3), punch(rng, O, 0.3), punch(rng, C, 0.3), punch(rng, y, 0.2)
	return &Spec{
		Name: "sum", Layout: l,
		Equations: []Equation{
			{Node: "D", Family: Bernoulli{}, Y: Dm, UnitRE: true, RE: re, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}}},
			{Node: "O", Family: Ordered{}, Y: Om, UnitRE: true, RE: re, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}}},
			{Node: "C", Family: NegBinomial{}, Y: Cm, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}}},
			{Node: "y", Y: ym, UnitRE: true, RE: re, Time: tm, Missing: MissingModel, Terms: []Term{{Parent: "D", X: Dm}, {Parent: "x", X: x}}},
			{Node: "z", Family: Ordered{}, Y: z, UnitRE: true, RE: re, Terms: []Term{{Parent: "D", Lag: 1, X: lagged(l, Dm, 1)}, {Parent: "y", X: ym}}},
			{Node: "w", Family: ZeroInflatedNegBinomial{}, Y: w, Time: tm, Terms: []Term{{Parent: "O", X: Om}, {Parent: "y", X: ym}}},
			{Node: "v", Y: v, UnitRE: true, RE: re, Terms: []Term{{Parent: "C", X: Cm}}},
		},
	}
}

// The gradient with summed-out binary, ordered and count values agrees
// with finite differences, and a gradient does not allocate.
func TestSumOutGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 1))
	for _, re := range []REParam{RECentred, RENonCentred} {
		for _, tm := range []TimeMode{TimeNone, TimeFixed} {
			spec := sumSpec(rng, 5, 6, re, tm)
			p, err := Compile(spec)
			if err != nil {
				t.Fatal(err)
			}
			so := p.SummedOut()
			if so["D"] == 0 || so["O"] == 0 || so["C"] == 0 {
				t.Fatalf("summed out %v, want D, O and C", so)
			}
			for _, in := range p.Equations() {
				if s := in.MissingSummary(); s != "" {
					t.Log(s)
				}
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

// The mixture is the sum over the value's levels of the product of every
// row that holds it: a binary, ordered or poisson D missing at one row,
// with children y (at t) and z (at t + 1), against the complete-data
// densities at each level (plus log p's constant −log k!, which a count's
// LogLik leaves out; summed over 0 … ⌈1.5·max⌉+10 for the poisson).
func TestSumOutClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 1))
	l := panelLayout(1, 8)
	x := normals(rng, 8)
	y := normals(rng, 8)
	z := []float64{0, 1, 0, 1, 1, 0, 1, 1}
	for _, c := range []struct {
		fam    Family
		D      []float64
		levels int
	}{
		{Bernoulli{}, []float64{0, 1, 1, 0, 1, 0, 1, 0}, 2},
		{Ordered{}, []float64{0, 1, 2, 0, 1, 2, 1, 0}, 3},
		{Poisson{}, []float64{0, 3, 1, 0, 4, 2, 1, 0}, 17},
		{NegBinomial{}, []float64{0, 3, 1, 0, 4, 2, 1, 0}, 17},
	} {
		spec := func(d []float64) *Spec {
			return &Spec{Layout: l, Equations: []Equation{
				{Node: "D", Family: c.fam, Y: d, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}}},
				{Node: "y", Y: y, Terms: []Term{{Parent: "D", X: d}, {Parent: "x", X: x}}},
				{Node: "z", Family: Bernoulli{}, Y: z, Terms: []Term{{Parent: "D", Lag: 1, X: lagged(l, d, 1)}, {Parent: "x", X: x}}},
			}}
		}
		dm := append([]float64(nil), c.D...)
		dm[3] = math.NaN()
		pm, err := compile(spec(dm), compileOptions{noCentre: true})
		if err != nil {
			t.Fatal(err)
		}
		if so := pm.SummedOut(); so["D"] != 1 || len(pm.sums[0].levels) != c.levels {
			t.Fatalf("%s: summed out %v over %d levels, want D once over %d", c.fam.Name(), so, len(pm.sums[0].levels), c.levels)
		}
		// Without centring (noCentre) and without unit intercepts every
		// linear predictor is a + b·x whatever the columns' means, so the
		// posteriors share their parameters and differ only in D[3].
		var full []*Posterior
		for k := 0; k < c.levels; k++ {
			d := append([]float64(nil), c.D...)
			d[3] = float64(k)
			q, err := compile(spec(d), compileOptions{noCentre: true})
			if err != nil {
				t.Fatal(err)
			}
			full = append(full, q)
		}
		for trial := 0; trial < 3; trial++ {
			xv := randomPoint(rng, pm.Dim(), 0.5)
			g := make([]float64, pm.Dim())
			lp := pm.LogDensityGrad(xv, g)
			ls := make([]float64, len(full))
			hi := math.Inf(-1)
			for k, q := range full {
				ls[k] = densityAt(t, q, pm, xv)
				if c.fam.Support(nil).Upper > 1e9 { // a count
					lf, _ := math.Lgamma(float64(k) + 1)
					ls[k] -= lf
				}
				hi = math.Max(hi, ls[k])
			}
			sum := 0.0
			for _, v := range ls {
				sum += math.Exp(v - hi)
			}
			want := hi + math.Log(sum)
			if math.Abs(lp-want) > 1e-9*(1+math.Abs(want)) {
				t.Errorf("%s trial %d: summed log density %.12g, log(Σ_k complete-data density) %.12g", c.fam.Name(), trial, lp, want)
			}
			// The levels' weights are their conditional probabilities.
			for k, l := range ls {
				if w := pm.sumW.post[k]; math.Abs(w-math.Exp(l-want)) > 1e-9 {
					t.Errorf("%s: weight of level %d %.10g, want %.10g", c.fam.Name(), k, w, math.Exp(l-want))
				}
			}
		}
	}
}

// densityAt is q's log density at x, q's parameters being p's.
func densityAt(t *testing.T, q, p *Posterior, x []float64) float64 {
	t.Helper()
	for i, n := range q.ParamNames() {
		if p.ParamNames()[i] != n {
			t.Fatalf("parameter %d: %s against %s", i, n, p.ParamNames()[i])
		}
	}
	g := make([]float64, q.Dim())
	return q.LogDensityGrad(x, g)
}

// A row that needs two different missing discrete values is left out
// (summing over their joint is not supported), with the reason in the
// equation's dropped counts; the rows that need only one of them are
// summed out.
func TestSumOutJointDropped(t *testing.T) {
	l := panelLayout(2, 5)
	nan := math.NaN()
	x := []float64{0.1, -0.4, 0.8, 0.3, 1.2, -0.7, 0.2, 0.5, -1, 0.4}
	A := []float64{0, 1, nan, 1, 0, 1, 0, nan, 1, 0}
	B := []float64{1, 0, nan, 0, 1, 1, 0, 0, 1, 1}
	y := normals(rand.New(rand.NewPCG(1, 1)), 10)
	spec := &Spec{Layout: l, Equations: []Equation{
		{Node: "A", Family: Bernoulli{}, Y: A, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}}},
		{Node: "B", Family: Bernoulli{}, Y: B, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}}},
		{Node: "y", Y: y, Terms: []Term{{Parent: "A", X: A}, {Parent: "B", X: B}}},
	}}
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	in := p.Equations()[2]
	if in.Dropped["A and B both (not summed jointly)"] != 1 || in.Rows != 9 {
		t.Errorf("y: %+v, want row 3 dropped with both named and 9 rows", in)
	}
	x0 := make([]float64, p.Dim())
	for i := range x0 {
		x0[i] = 0.1 * float64(i%5)
	}
	checkGradient(t, p, x0, 1e-5)
	spec.Equations[1].Missing = MissingDrop
	if p, err = Compile(spec); err != nil {
		t.Fatal(err)
	}
	if in := p.Equations()[2]; in.Dropped["B"] != 1 {
		t.Errorf("y with B dropped: %+v", in)
	}
}

// sumMARSpec simulates a panel x -> D -> y with a discrete D (binary, or
// ordered with three levels) of strength 1 on y, and deletes D more often
// where its child y is high: missing at random given the observed data,
// about 40%, so that the complete rows select on y. It returns the spec
// with every value (complete), and with the deletions under mode.
func sumMARSpec(seed uint64, ordered bool, mode Missing) (complete, punched *Spec, frac float64) {
	const J, T = 40, 10
	rng := rand.New(rand.NewPCG(seed, 23))
	l := panelLayout(J, T)
	n := l.Rows
	x := normals(rng, n)
	ud, uy := unitEffects(rng, l, 0.5), unitEffects(rng, l, 0.5)
	D, y := make([]float64, n), make([]float64, n)
	var fam Family = Bernoulli{}
	if ordered {
		fam = Ordered{}
	}
	for r := range D {
		if ordered {
			D[r] = drawOrdered(rng, 0.8*x[r]+ud[r], []float64{-0.6, 0.8})
		} else if rng.Float64() < logistic(0.2+0.8*x[r]+ud[r]) {
			D[r] = 1
		}
		y[r] = 0.5 + D[r] + 0.5*x[r] + uy[r] + 0.6*rng.NormFloat64()
	}
	Dm := append([]float64(nil), D...)
	cut := 1.3
	if ordered {
		cut = 1.9
	}
	for r := range Dm {
		if rng.Float64() < logistic(2.5*(y[r]-cut)) {
			Dm[r] = math.NaN()
			frac++
		}
	}
	frac /= float64(n)
	mk := func(d []float64, m Missing) *Spec {
		return &Spec{Layout: l, Equations: []Equation{
			{Node: "D", Family: fam, Y: d, UnitRE: true, Missing: m, Terms: []Term{{Parent: "x", X: x}}},
			{Node: "y", Y: y, UnitRE: true, Terms: []Term{{Parent: "D", X: d}, {Parent: "x", X: x}}},
		}}
	}
	return mk(D, mode), mk(Dm, mode), frac
}

// Missing binary and ordered parents, deleted depending on their child:
// with MissingModel the edge D -> y agrees with the complete-data fit of
// the same draws within its uncertainty, and so do D's own edge and y's
// other edge; with MissingDrop the complete-case strength is biased (it
// falls outside the complete-data fit's 90% interval).
func TestSumOutRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling")
	}
	for _, ordered := range []bool{false, true} {
		name := map[bool]string{false: "bernoulli", true: "ordered"}[ordered]
		complete, punched, frac := sumMARSpec(5, ordered, MissingModel)
		if frac < 0.3 || frac > 0.5 {
			t.Fatalf("%s: %.0f%% of D missing, want 30–50%%", name, 100*frac)
		}
		edges := []string{"b.D.y", "b.x.D", "b.x.y"}
		cs, ms := sumFit(t, complete, edges, 3), sumFit(t, punched, edges, 3)
		for k, edge := range edges {
			c, m := cs[k], ms[k]
			t.Logf("%s %s: complete %.3f (90%% %.3f … %.3f), model %.0f%% missing %.3f (%.3f … %.3f)", name, edge, c[0], c[1], c[2], 100*frac, m[0], m[1], m[2])
			// Agreement within the uncertainty: the difference of the
			// means is within the missing-data fit's 90% half-width.
			if hw := (m[2] - m[1]) / 2; math.Abs(m[0]-c[0]) > hw {
				t.Errorf("%s %s: model %.3f against complete %.3f, more than the 90%% half-width %.3f apart", name, edge, m[0], c[0], hw)
			}
		}
		_, drop, _ := sumMARSpec(5, ordered, MissingDrop)
		d, c := sumFit(t, drop, edges[:1], 3)[0], cs[0]
		t.Logf("%s b.D.y: drop %.3f (%.3f … %.3f)", name, d[0], d[1], d[2])
		if c[1] <= d[0] && d[0] <= c[2] {
			t.Errorf("%s: the complete-case strength %.3f is inside the complete-data interval %.3f … %.3f; the test does not show the bias", name, d[0], c[1], c[2])
		}
	}
}

// sumFit samples spec: each named parameter's posterior mean and 90%
// interval.
func sumFit(t *testing.T, spec *Spec, names []string, seed uint64) [][3]float64 {
	t.Helper()
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	s := inference.DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples, s.Seed = 2, 300, 300, seed
	res, err := inference.Sample(context.Background(), func() inference.Target { return p.Clone() }, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out [][3]float64
	for _, name := range names {
		var b []float64
		for _, ch := range res.Column(res.Index(name)) {
			b = append(b, ch...)
		}
		sort.Float64s(b)
		mean := 0.0
		for _, v := range b {
			mean += v
		}
		mean /= float64(len(b))
		out = append(out, [3]float64{mean, b[len(b)*5/100], b[len(b)*95/100]})
	}
	return out
}

// Every count family's LogLik leaves out only a constant of the level
// (−log k!), so each can be summed out.
func TestSumOutCountFamilies(t *testing.T) {
	y := []float64{0, 1, 3, 7, 2}
	for _, f := range []Family{Poisson{}, NegBinomial{}, ZeroInflatedPoisson{}, ZeroInflatedNegBinomial{}, HurdlePoisson{}, HurdleNegBinomial{}, Bernoulli{}, Ordered{K: 4}} {
		g, err := f.Prepare(y[:2])
		if _, ok := f.(Ordered); ok {
			g, err = f.Prepare([]float64{0, 3, 1})
		}
		if err != nil {
			t.Fatal(err)
		}
		lv, err := sumLevels(g, y)
		if err != nil {
			t.Fatal(err)
		}
		_, c, err := levelConstants(g, lv)
		if err != nil {
			t.Errorf("%s: %v", f.Name(), err)
			continue
		}
		t.Logf("%s: %d levels, constant at the last %.4g", f.Name(), len(lv), c[len(c)-1])
	}
}

// SummedLevels draws each summed-out value's level with its conditional
// probability at the point: over many points the frequency of each level
// matches the mean weight, and the same point gives the same levels.
func TestSumOutLevels(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 1))
	p, err := Compile(sumSpec(rng, 4, 5, RECentred, TimeNone))
	if err != nil {
		t.Fatal(err)
	}
	names := p.SummedNames()
	if len(names) == 0 || !strings.HasPrefix(names[0], "mi.D.U00") {
		t.Fatalf("names %v", names)
	}
	g := make([]float64, p.Dim())
	out, again := make([]float64, len(names)), make([]float64, len(names))
	const draws = 4000
	freq, mean := 0.0, 0.0 // level 1 of the first value (binary D)
	for i := 0; i < draws; i++ {
		x := randomPoint(rng, p.Dim(), 0.5)
		p.SummedLevels(x, g, out)
		mean += p.sumW.post[1]
		freq += out[0]
		if i < 10 {
			p.SummedLevels(x, g, again)
			for k := range out {
				if out[k] != again[k] {
					t.Fatalf("point %d: value %s drawn %g, then %g", i, names[k], out[k], again[k])
				}
			}
		}
	}
	freq /= draws
	mean /= draws
	if se := math.Sqrt(mean * (1 - mean) / draws); math.Abs(freq-mean) > 4*se {
		t.Errorf("%s: level 1 drawn %.3f of the time, mean probability %.3f (se %.3f)", names[0], freq, mean, se)
	}
	t.Logf("%s: level 1 drawn %.3f of the time, mean probability %.3f", names[0], freq, mean)
}

// A binary node with its own lag: a missing value enters its own equation
// at t + 1 as well as its child's rows; two missing months in a row are
// not summed jointly (the later value's own row would hold the earlier
// one), so the rows that need the later one are dropped. The gradient
// agrees with finite differences.
func TestSumOutSelfLag(t *testing.T) {
	rng := rand.New(rand.NewPCG(44, 1))
	l := panelLayout(5, 8)
	n := l.Rows
	x := normals(rng, n)
	D, y := make([]float64, n), make([]float64, n)
	for r := range D {
		prev := 0.0
		if l.Time[r] > 0 {
			prev = D[r-1]
		}
		if rng.Float64() < logistic(-0.5+0.6*x[r]+1.5*prev) {
			D[r] = 1
		}
		y[r] = 0.7*D[r] + 0.5*rng.NormFloat64()
	}
	Dm := punch(rng, D, 0.3)
	p, err := Compile(&Spec{Layout: l, Equations: []Equation{
		{Node: "D", Family: Bernoulli{}, Y: Dm, UnitRE: true, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}, {Parent: "D", Lag: 1, X: lagged(l, Dm, 1)}}},
		{Node: "y", Y: y, UnitRE: true, Terms: []Term{{Parent: "D", X: Dm}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if p.SummedOut()["D"] == 0 {
		t.Fatal("nothing summed out")
	}
	for _, in := range p.Equations() {
		t.Log(in.MissingSummary())
	}
	for trial := 0; trial < 3; trial++ {
		checkGradient(t, p, randomPoint(rng, p.Dim(), 0.5), 1e-5)
	}
}

// A count whose truncated support would exceed MaxSumLevels keeps
// MissingDrop for its values, with a note naming it.
func TestSumOutLargeCountDropped(t *testing.T) {
	rng := rand.New(rand.NewPCG(45, 1))
	l := panelLayout(3, 6)
	x := normals(rng, l.Rows)
	C := make([]float64, l.Rows)
	y := normals(rng, l.Rows)
	for r := range C {
		C[r] = float64(100 + 20*r)
	}
	C[4] = math.NaN()
	p, err := Compile(&Spec{Layout: l, Equations: []Equation{
		{Node: "C", Family: Poisson{}, Y: C, Missing: MissingModel, Terms: []Term{{Parent: "x", X: x}}},
		{Node: "y", Y: y, Terms: []Term{{Parent: "C", X: C}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SummedOut()) != 0 || p.Equations()[1].Dropped["C"] != 1 {
		t.Errorf("summed %v, y dropped %v", p.SummedOut(), p.Equations()[1].Dropped)
	}
	if n := strings.Join(p.Notes(), "\n"); !strings.Contains(n, "node C: its missing values are not summed out") {
		t.Errorf("notes %q", n)
	}
}
