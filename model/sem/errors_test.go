package sem

import (
	"math"
	"strings"
	"testing"
)

// Bad specs give one-line errors naming the node, column and row.
func TestCompileErrors(t *testing.T) {
	l := panelLayout(3, 4)
	n := l.Rows
	seq := func(f func(r int) float64) []float64 {
		v := make([]float64, n)
		for r := range v {
			v[r] = f(r)
		}
		return v
	}
	x := seq(func(r int) float64 { return math.Sin(float64(r)) })
	y := seq(func(r int) float64 { return math.Cos(float64(3 * r)) })
	bin := seq(func(r int) float64 { return float64(r % 2) })
	cases := []struct {
		name string
		spec Spec
		want []string // substrings of the message
	}{
		{"bernoulli on 0.3", Spec{Layout: l, Equations: []Equation{{Node: "d", Column: "dcol", Family: Bernoulli{},
			Y: seq(func(r int) float64 { return []float64{0, 1, 0.3}[r%3] }), Terms: []Term{{Parent: "x", X: x}}}}},
			[]string{"node d (column dcol)", "bernoulli needs 0 or 1", "row 3 (U001 P03)", "0.3"}},
		{"ordered on non-integers", Spec{Layout: l, Equations: []Equation{{Node: "o", Family: Ordered{}, Y: y}}},
			[]string{"node o", "integer categories", "row 2 (U001 P02)", "-0.98999"}},
		{"constant response", Spec{Layout: l, Equations: []Equation{{Node: "c", Column: "ccol", Y: seq(func(int) float64 { return 2 })}}},
			[]string{"node c (column ccol)", "gaussian needs a column that varies, but all 12 rows used have the value 2"}},
		{"constant parent", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y,
			Terms: []Term{{Parent: "k", Column: "kcol", X: seq(func(int) float64 { return 1 })}}}}},
			[]string{"node y", "parent k (column kcol) has no variance over the 12 rows"}},
		{"too few rows", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: seq(func(r int) float64 {
			if r < 3 {
				return y[r]
			}
			return math.NaN()
		}), Terms: []Term{{Parent: "x", X: x}, {Parent: "b", X: bin}}}}},
			[]string{"node y", "too few rows: 3 row(s)", "at least 4"}},
		{"no rows", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, Terms: []Term{{Parent: "x", X: seq(func(int) float64 { return math.NaN() })}}}}},
			[]string{"node y", "no row has y and all its parents observed"}},
		{"length", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y[:5]}}},
			[]string{"node y", "5 values for 12 rows"}},
		{"infinite", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, Terms: []Term{{Parent: "x", Column: "xc", X: seq(func(r int) float64 {
			if r == 7 {
				return math.Inf(1)
			}
			return x[r]
		})}}}}},
			[]string{"node x (column xc)", "infinite at row 8 (U002 P04)"}},
		{"unknown parent", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, Terms: []Term{{Parent: "ghost"}}}}},
			[]string{"node y", "parent ghost has no data", "not a latent node"}},
		{"duplicate node", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y}, {Node: "y", Y: y}}},
			[]string{"node y", "defined twice"}},
		{"duplicate parent", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, Terms: []Term{{Parent: "x", X: x}, {Parent: "x", X: x}}}}},
			[]string{"node y", "parent x (lag 0) appears twice"}},
		{"half prior on an edge", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, Terms: []Term{{Parent: "x", X: x, Prior: HalfNormal(1)}}}}},
			[]string{"node y", "half_normal(1)", "positive parameters"}},
		{"bad prior", Spec{Layout: l, Equations: []Equation{{Node: "y", Y: y, Terms: []Term{{Parent: "x", X: x, Prior: Normal(0, -1)}}}}},
			[]string{"node y", "edge from x", "scale must be positive"}},
		{"latent without indicators", Spec{Layout: l, Latents: []Latent{{Node: "L"}}},
			[]string{"node L", "no indicators"}},
		{"latent cycle", Spec{Layout: l, Latents: []Latent{
			{Node: "A", Terms: []Term{{Parent: "B", Lag: 1}}, Indicators: []Indicator{{Node: "a1", Y: y}}},
			{Node: "B", Terms: []Term{{Parent: "A", Lag: 1}}, Indicators: []Indicator{{Node: "b1", Y: x}}}}},
			[]string{"latent nodes A, B", "cycle"}},
		{"lagged latent without periods", Spec{Layout: Layout{Rows: n}, Latents: []Latent{
			{Node: "A", Indicators: []Indicator{{Node: "a1", Y: y}}}},
			Equations: []Equation{{Node: "y", Y: x, Terms: []Term{{Parent: "A", Lag: 1}}}}},
			[]string{"node y", "lagged latent parent needs periods"}},
		{"time effects without periods", Spec{Layout: Layout{Rows: n}, Equations: []Equation{{Node: "y", Y: y, Time: TimeFixed}}},
			[]string{"node y", "time effects need periods"}},
		{"bad layout", Spec{Layout: Layout{Rows: 2, Units: []string{"A"}, Unit: []int{0, 1}}},
			[]string{"row 2 has unit index 1"}},
		{"ordered K", Spec{Layout: l, Equations: []Equation{{Node: "o", Family: Ordered{K: 1}, Y: bin}}},
			[]string{"node o", "2 to 64 categories"}},
	}
	for _, c := range cases {
		_, err := Compile(&c.spec)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") {
			t.Errorf("%s: message spans lines: %q", c.name, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: message %q lacks %q", c.name, msg, w)
			}
		}
		if _, ok := err.(*Error); !ok {
			t.Errorf("%s: error is %T, want *sem.Error", c.name, err)
		}
	}
	if _, err := Compile(nil); err == nil {
		t.Error("Compile(nil) gave no error")
	}
}

func TestParsePrior(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Prior
		vari float64 // variance on an unconstrained parameter
	}{
		{"normal(0,0.5)", Normal(0, 0.5), 0.25},
		{" normal( 1 , 2 ) ", Normal(1, 2), 4},
		{"student_t(3,0,2.5)", StudentT(3, 0, 2.5), 6.25 * 3},
		{"student_t(2,0,1)", StudentT(2, 0, 1), math.Inf(1)},
		{"cauchy(0,1)", Prior{Kind: PriorCauchy, Sigma: 1}, math.Inf(1)},
		{"half_normal(2)", HalfNormal(2), 4 * (1 - 2/math.Pi)},
		{"half_cauchy(1)", Prior{Kind: PriorHalfCauchy, Sigma: 1}, math.Inf(1)},
		{"exponential(2)", Exponential(2), 0.25},
		{"flat", Flat(), math.Inf(1)},
		{"default", Prior{}, math.Inf(1)},
	} {
		p, err := ParsePrior(c.in)
		if err != nil || p != c.want {
			t.Errorf("ParsePrior(%q) = %v, %v; want %v", c.in, p, err, c.want)
			continue
		}
		if v := p.Variance(p.positiveOnly()); math.Abs(v-c.vari) > 1e-12 && !(math.IsInf(v, 1) && math.IsInf(c.vari, 1)) {
			t.Errorf("%s: variance %g, want %g", c.in, v, c.vari)
		}
		if q, err := ParsePrior(p.String()); err != nil || q != p {
			t.Errorf("round trip of %v: %v, %v", p, q, err)
		}
	}
	for _, bad := range []string{"normal(0)", "normal(0,-1)", "normal(0,1", "weibull(2,2)", "gamma(0,1)", "half_normal(x)", "exponential(0)", "student_t(0,0,1)", "normal(0,NaN)"} {
		if _, err := ParsePrior(bad); err == nil {
			t.Errorf("ParsePrior(%q) gave no error", bad)
		}
	}
	// The gamma prior: variance, log density and derivative against
	// numerical integration and finite differences.
	{
		p, err := ParsePrior("gamma(2,4)")
		if err != nil || p != Gamma(2, 4) || !p.positiveOnly() {
			t.Fatalf("gamma(2,4): %v %v", p, err)
		}
		var m0, m1, m2 float64
		h := 1e-4
		for v := h / 2; v < 20; v += h {
			l, _ := p.logDensity(v)
			d := math.Exp(l) * h
			m0 += d
			m1 += d * v
			m2 += d * v * v
		}
		if want, got := m2/m0-(m1/m0)*(m1/m0), p.Variance(true); math.Abs(got-want) > 1e-4*want {
			t.Errorf("gamma variance %g, numerical %g", got, want)
		}
		for _, v := range []float64{0.1, 0.5, 2} {
			l1, _ := p.logDensity(v + 1e-6)
			l0, _ := p.logDensity(v - 1e-6)
			if _, d := p.logDensity(v); math.Abs(d-(l1-l0)/2e-6) > 1e-5 {
				t.Errorf("gamma derivative at %g: %g, numerical %g", v, d, (l1-l0)/2e-6)
			}
		}
	}
	// Variances of truncated priors against numerical integration.
	for _, p := range []Prior{Normal(0, 1), Normal(0.5, 2), Normal(-1, 0.7), StudentT(5, 0, 1.5)} {
		var m0, m1, m2 float64
		h := 1e-3
		for v := h / 2; v < 200; v += h {
			l, _ := p.logDensity(v)
			d := math.Exp(l) * h
			m0 += d
			m1 += d * v
			m2 += d * v * v
		}
		want := m2/m0 - (m1/m0)*(m1/m0)
		if got := p.Variance(true); math.Abs(got-want) > 1e-4*want {
			t.Errorf("%v truncated to v > 0: variance %g, numerical %g", p, got, want)
		}
	}
}
