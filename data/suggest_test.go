package data

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func TestShapeOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(n int, f func() float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = f()
		}
		return v
	}
	src := rand.New(rand.NewPCG(3, 4))
	days := make([]float64, 600)
	observed := make([]float64, 600)
	for i := range days {
		observed[i] = float64(28 + i%4)
		switch {
		case i%4 == 0:
			days[i] = observed[i] // a whole month
		case i%7 == 0:
			days[i] = float64(5 + i%10)
		}
	}
	observed[5] = math.NaN()
	cases := []struct {
		name   string
		v      []float64
		trials map[string][]float64
		kind   string
		first  string
		trial  string
	}{
		{"binary", draw(300, func() float64 { return float64(rng.IntN(2)) }), nil, "binary", "bernoulli", ""},
		{"ordinal", draw(300, func() float64 { return float64(rng.IntN(5)) }), nil, "ordinal 0–4", "ordered", ""},
		{"overdispersed count", draw(500, func() float64 {
			return distuv.Poisson{Lambda: distuv.Gamma{Alpha: 2, Beta: 0.1, Src: src}.Rand(), Src: src}.Rand() + 1
		}), nil, "count", "negbinomial", ""},
		{"zero-heavy count", draw(500, func() float64 {
			if rng.Float64() < 0.6 {
				return 0
			}
			return 1 + float64(rng.IntN(40))
		}), nil, "zero-heavy count", "hurdle_negbinomial", ""},
		{"days out of days observed", days, map[string][]float64{"c8_days_observed": observed, "other": draw(600, rng.Float64)}, "count out of trials", "beta_binomial", "c8_days_observed"},
		{"proportion", draw(300, func() float64 { return 0.05 + 0.9*rng.Float64() }), nil, "proportion", "beta", ""},
		{"skewed positive", draw(500, func() float64 { return math.Exp(rng.NormFloat64()) }), nil, "skewed positive", "lognormal", ""},
		{"heavy tails", draw(2000, func() float64 { return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 3, Src: src}.Rand() }), nil, "heavy-tailed", "student", ""},
		{"gaussian", draw(500, rng.NormFloat64), nil, "continuous", "gaussian", ""},
	}
	for _, tc := range cases {
		s := ShapeOf(tc.v, tc.trials)
		if s.Kind != tc.kind || s.Families[0] != tc.first || s.Trials != tc.trial {
			t.Errorf("%s: %+v; want kind %q, first family %q, trials %q", tc.name, s, tc.kind, tc.first, tc.trial)
		}
	}
}

// On the embedded panel the paper's outcome is a count of days out of the
// days observed, mostly zero.
func TestShapesEmbedded(t *testing.T) {
	p, err := Load(bytes.NewReader(EmbeddedCSV()), "embedded", Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Shapes()
	got := s["c8_days_total_ban"]
	if got.Kind != "count out of trials" || got.Trials != "c8_days_observed" || got.ZeroShare < 0.7 {
		t.Errorf("c8_days_total_ban: %+v; want a count out of trials c8_days_observed, ≥ 70%% zeros", got)
	}
	if k := s["c8_max"].Kind; k != "ordinal 0–4" {
		t.Errorf("c8_max: %q, want ordinal 0–4", k)
	}
}
