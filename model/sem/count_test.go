package sem

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/data"
)

// countFamilies are the count families of count.go with their true
// parameters (natural scale) for the tests.
var countFamilies = []struct {
	fam Family
	par []float64
}{
	{NegBinomial{}, []float64{2.5}},
	{ZeroInflatedPoisson{}, []float64{0.3}},
	{ZeroInflatedNegBinomial{}, []float64{1.5, 0.25}},
	{HurdlePoisson{}, []float64{0.6}},
	{HurdleNegBinomial{}, []float64{3, 0.7}},
}

// unconstrain maps natural count parameters to the sampler's scale.
func unconstrain(f Family, par []float64) []float64 {
	th := make([]float64, len(par))
	names := f.ParamNames("y")
	for k, n := range names {
		if strings.HasPrefix(n, "shape.") {
			th[k] = math.Log(par[k])
		} else {
			th[k] = math.Log(par[k] / (1 - par[k]))
		}
	}
	return th
}

// prepared returns f prepared for y (or fails the test).
func prepared(t testing.TB, f Family, y []float64) Family {
	t.Helper()
	p, err := f.Prepare(y)
	if err != nil {
		t.Fatalf("%s: Prepare: %v", f.Name(), err)
	}
	return p
}

// TestCountGradients checks each count family's analytic gradient (with
// respect to every row's mu and its own parameters, prior included)
// against gonum's finite differences, at random points, and its LogLik
// against LogDensity (they differ by the dropped Σ log y! only).
func TestCountGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const n = 60
	for _, c := range countFamilies {
		for trial := 0; trial < 4; trial++ {
			mu := make([]float64, n)
			y := make([]float64, n)
			for i := range mu {
				mu[i] = 0.5 + 1.2*rng.NormFloat64()
				y[i] = c.fam.Rand(mu[i], c.par, rng)
			}
			y[0], y[1] = 0, 3
			f := prepared(t, c.fam, y)
			np := f.NumParams()
			if np != len(c.par) {
				t.Fatalf("%s: %d parameters, want %d", f.Name(), np, len(c.par))
			}
			th := unconstrain(f, c.par)
			for k := range th {
				th[k] += 0.5 * rng.NormFloat64()
			}
			checkFamilyGradient(t, fmt.Sprintf("%s trial %d", f.Name(), trial), f, y, mu, th)
			// LogLik = Σ LogDensity + Σ log y!.
			nat := make([]float64, np)
			f.Constrain(th, nat)
			want := 0.0
			for i := range y {
				lg, _ := math.Lgamma(y[i] + 1)
				want += f.LogDensity(y[i], mu[i], nat) + lg
			}
			dmu, g := make([]float64, n), make([]float64, np)
			if ll := f.LogLik(y, mu, th, dmu, g); math.Abs(ll-want) > 1e-8*(1+math.Abs(want)) {
				t.Errorf("%s: LogLik %.12g, Σ LogDensity + log y! %.12g", f.Name(), ll, want)
			}
		}
	}
}

// TestCountPrepareErrors: a negative or non-integer count is refused, and
// so is a prior of the wrong kind.
func TestCountPrepareErrors(t *testing.T) {
	for _, c := range countFamilies {
		for _, bad := range []float64{-1, 2.5, math.Inf(1)} {
			_, err := c.fam.Prepare([]float64{0, 1, bad})
			var ve *ValueError
			if err == nil || !asValueError(err, &ve) || ve.Index != 2 || !strings.Contains(ve.Msg, "non-negative integer counts") {
				t.Errorf("%s with %g: %v", c.fam.Name(), bad, err)
			}
		}
	}
	if _, err := (ZeroInflatedPoisson{ZI: Normal(0, 1)}).Prepare([]float64{0, 1}); err == nil || !strings.Contains(err.Error(), "beta") {
		t.Errorf("zi prior normal: %v", err)
	}
	if _, err := (NegBinomial{Shape: Beta(1, 1)}).Prepare([]float64{0, 1}); err == nil {
		t.Error("shape prior beta: no error")
	}
}

func asValueError(err error, ve **ValueError) bool {
	v, ok := err.(*ValueError)
	*ve = v
	return ok
}

// TestCountCompileError: Compile names the node, the row, its unit and time.
func TestCountCompileError(t *testing.T) {
	l := panelLayout(3, 4)
	y := make([]float64, l.Rows)
	x := make([]float64, l.Rows)
	for r := range y {
		y[r] = float64(r % 3)
		x[r] = float64(r)
	}
	y[5] = -2
	_, err := Compile(&Spec{Layout: l, Equations: []Equation{{Node: "days", Family: HurdleNegBinomial{}, Y: y, Terms: []Term{{Parent: "x", X: x}}}}})
	if err == nil || !strings.Contains(err.Error(), "node days") || !strings.Contains(err.Error(), "row 6") || !strings.Contains(err.Error(), "-2") {
		t.Fatalf("negative count: %v", err)
	}
	u, tm := l.Units[l.Unit[5]], l.Times[l.Time[5]]
	if !strings.Contains(err.Error(), u) || !strings.Contains(err.Error(), tm) {
		t.Errorf("error %q does not name unit %s and time %s", err, u, tm)
	}
}

// embeddedCount is a Spec of one count equation on the embedded panel:
// c8_days_total_ban given stringency_index, with unit intercepts.
func embeddedCount(t testing.TB, fam Family) *Posterior {
	p, err := data.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	y, err := p.Numeric("c8_days_total_ban")
	if err != nil {
		t.Fatal(err)
	}
	x, err := p.Numeric("stringency_index")
	if err != nil {
		t.Fatal(err)
	}
	xs := make([]float64, len(x))
	for i, v := range x {
		xs[i] = v / 100
	}
	l := Layout{Rows: p.NumRows(), Units: p.Units(), Unit: p.UnitIndex(), Times: p.Times(), Time: p.TimeIndex(), Ordinal: p.TimeOrdinal()}
	var trials []float64
	if _, ok := fam.(TrialsFamily); ok {
		if trials, err = p.Numeric("c8_days_observed"); err != nil {
			t.Fatal(err)
		}
	}
	post, err := Compile(&Spec{Layout: l, Equations: []Equation{{Node: "ban", Family: fam, Y: y, Trials: trials, UnitRE: true,
		Terms: []Term{{Parent: "stringency", X: xs}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return post
}

// TestCountNoAllocation: a gradient of a count equation on the embedded
// panel allocates nothing.
func TestCountNoAllocation(t *testing.T) {
	for _, c := range append(countFamilies, struct {
		fam Family
		par []float64
	}{Poisson{}, nil}, struct {
		fam Family
		par []float64
	}{Binomial{}, nil}, struct {
		fam Family
		par []float64
	}{BetaBinomial{}, nil}) {
		p := embeddedCount(t, c.fam)
		rng := rand.New(rand.NewPCG(1, 9))
		x := randomPoint(rng, p.Dim(), 0.3)
		g := make([]float64, p.Dim())
		if a := testing.AllocsPerRun(5, func() { p.LogDensityGrad(x, g) }); a != 0 {
			t.Errorf("%s: %g allocations per gradient", c.fam.Name(), a)
		}
		checkGradient(t, p, x, 1e-5)
	}
}

func benchCount(b *testing.B, fam Family) {
	p := embeddedCount(b, fam)
	rng := rand.New(rand.NewPCG(7, 1))
	x := randomPoint(rng, p.Dim(), 0.3)
	g := make([]float64, p.Dim())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.LogDensityGrad(x, g)
	}
}

// Per-family log density and gradient on the embedded panel's
// c8_days_total_ban (6,660 rows, 185 unit intercepts; binomial families
// out of c8_days_observed).
func BenchmarkEmbeddedPoisson(b *testing.B)     { benchCount(b, Poisson{}) }
func BenchmarkEmbeddedNegBinomial(b *testing.B) { benchCount(b, NegBinomial{}) }
func BenchmarkEmbeddedZeroInflatedPoisson(b *testing.B) {
	benchCount(b, ZeroInflatedPoisson{})
}
func BenchmarkEmbeddedZeroInflatedNegBinomial(b *testing.B) {
	benchCount(b, ZeroInflatedNegBinomial{})
}
func BenchmarkEmbeddedHurdlePoisson(b *testing.B)     { benchCount(b, HurdlePoisson{}) }
func BenchmarkEmbeddedHurdleNegBinomial(b *testing.B) { benchCount(b, HurdleNegBinomial{}) }
func BenchmarkEmbeddedBinomial(b *testing.B)          { benchCount(b, Binomial{}) }
func BenchmarkEmbeddedBetaBinomial(b *testing.B)      { benchCount(b, BetaBinomial{}) }

// TestCountLargeMeans: far from zero (B(0) below the smallest float64) the
// CDF and Quantile still work: at a mean count of 5,000 the 0.8 quantile
// lies in the bulk, and Quantile inverts Abduct there.
func TestCountLargeMeans(t *testing.T) {
	mu := math.Log(5000)
	for _, c := range countFamilies {
		f := prepared(t, c.fam, []float64{0, 1})
		y := f.Quantile(0.8, mu, c.par)
		if !(y > 1000 && y < 50000) || !(f.CDF(y, mu, c.par) > 0.8) || !(f.CDF(y-1, mu, c.par) <= 0.8) {
			t.Errorf("%s: 0.8 quantile %g at a mean count of 5000, CDF there %g", f.Name(), y, f.CDF(y, mu, c.par))
			continue
		}
		if q := f.Quantile(Abduct(f, y, mu, c.par, 0.5), mu, c.par); q != y {
			t.Errorf("%s: Quantile(Abduct(%g)) = %g", f.Name(), y, q)
		}
		// The CDF against the sum of the log-space probabilities.
		sum := 0.0
		for k := 0.0; k <= y; k++ {
			sum += math.Exp(f.LogDensity(k, mu, c.par))
		}
		if got := f.CDF(y, mu, c.par); math.Abs(got-sum) > 1e-6 {
			t.Errorf("%s: CDF(%g) = %g, Σ p(k) = %g", f.Name(), y, got, sum)
		}
	}
}
