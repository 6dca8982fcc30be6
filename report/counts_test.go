package report

import (
	"context"
	"math"
	"slices"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/inference/loo"
	"dilemma/model"
	"dilemma/model/sem"
)

// countSrc is a model with a count node y of family FAMILY between a
// gaussian parent x, a lagged parent v and a gaussian child w, with an
// offset and unit intercepts.
func countSrc(family string) string {
	extra := `offset="expo"`
	if family == "binomial" || family == "beta_binomial" {
		extra = `trials="31"`
	}
	return `dag { x -> y; v -> y [lag=1]; y -> w }
settings {
  x [column="x"] v [column="v"] w [column="w"]
  y [column="y", family="` + family + `", ` + extra + `]
}`
}

// countTruth are the simulation's strengths.
var countTruth = map[string]float64{"b.x.y": 0.5, "b.v.lag1.y": -0.3, "b.y.w": 0.2}

// simCount draws a panel for countSrc from fam at par (natural scale).
func simCount(t testing.TB, fam sem.Family, par []float64, units, periods int, seed uint64) *data.Panel {
	t.Helper()
	pf, a, expo := fam, -0.5, 0.0 // successes out of 31 trials
	if _, trials := fam.(sem.TrialsFamily); !trials {
		var err error
		if pf, err = fam.Prepare([]float64{0, 1}); err != nil {
			t.Fatal(err)
		}
		a, expo = 1, 1
	}
	p, _, err := data.Simulate(data.SimSpec{Units: units, Periods: periods, Seed: seed, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1, UnitSD: 0.5},
		{Node: "v", Sigma: 1},
		{Node: "expo", Sigma: 0.3},
		{Node: "y", Sampler: sem.FamilyAt{Family: pf, Par: par}, Intercept: a, UnitSD: 0.4,
			Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "v", Lag: 1, Coef: -0.3}, {Node: "expo", Coef: expo}}},
		{Node: "w", Sigma: 1, UnitSD: 0.3, Parents: []data.SimParent{{Node: "y", Coef: 0.2}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fitCount fits countSrc for family to p.
func fitCount(t testing.TB, family string, p *data.Panel, s fit.Settings) *fit.Fit {
	t.Helper()
	return fitSource(t, countSrc(family), "count.dag", p, s)
}

// fitSource parses the model src and fits it to p with s.
func fitSource(t testing.TB, src, name string, p *data.Panel, s fit.Settings) *fit.Fit {
	t.Helper()
	m, err := model.ParseString(src, name)
	if err != nil {
		t.Fatal(err)
	}
	opt, err := s.ModelOptions()
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(m, p, opt)
	if err != nil {
		t.Fatal(err)
	}
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// meanSD is the posterior mean and sd of parameter name.
func meanSD(t testing.TB, f *fit.Fit, name string) (mean, sd float64) {
	t.Helper()
	j := -1
	for i, n := range f.Names {
		if n == name {
			j = i
		}
	}
	if j < 0 {
		t.Fatalf("no parameter %s", name)
	}
	var s, ss, n float64
	for c := range f.Draws {
		for _, v := range f.Draws[c][j] {
			s += v
			ss += v * v
			n++
		}
	}
	mean = s / n
	return mean, math.Sqrt(ss/n - mean*mean)
}

var countFits = []struct {
	family string
	fam    sem.Family
	par    map[string]float64
	nat    []float64
}{
	{"negbinomial", sem.NegBinomial{}, map[string]float64{"shape.y": 3}, []float64{3}},
	{"zero_inflated_poisson", sem.ZeroInflatedPoisson{}, map[string]float64{"zi.y": 0.35}, []float64{0.35}},
	{"zero_inflated_negbinomial", sem.ZeroInflatedNegBinomial{}, map[string]float64{"shape.y": 4, "zi.y": 0.3}, []float64{4, 0.3}},
	{"hurdle_poisson", sem.HurdlePoisson{}, map[string]float64{"hu.y": 0.6}, []float64{0.6}},
	{"hurdle_negbinomial", sem.HurdleNegBinomial{}, map[string]float64{"shape.y": 3, "hu.y": 0.7}, []float64{3, 0.7}},
	{"binomial", sem.Binomial{}, nil, []float64{31}},
	{"beta_binomial", sem.BetaBinomial{}, map[string]float64{"phi.y": 5}, []float64{5, 31}},
}

// TestCountFamiliesEndToEnd fits every count family, as the child of x
// and of a lagged v, the parent of w, with an offset and unit intercepts,
// to a panel simulated from it, and checks: the strengths and the
// family's own parameters are recovered (posterior mean within 4 sd of the
// truth); the posterior predictive check replicates non-negative
// integers; the pointwise log likelihood gives a finite PSIS-LOO;
// and a prior-only fit runs.
func TestCountFamiliesEndToEnd(t *testing.T) {
	for _, c := range countFits {
		t.Run(c.family, func(t *testing.T) {
			p := simCount(t, c.fam, c.nat, 40, 10, 11)
			s := fit.DefaultSettings()
			s.Chains, s.Warmup, s.Samples, s.Seed = 2, 200, 200, 3
			f := fitCount(t, c.family, p, s)
			elpd := checkFamilyFit(t, f, c.par, func(v float64) bool {
				return v >= 0 && v == math.Trunc(v) && !((c.family == "binomial" || c.family == "beta_binomial") && v > 31)
			})
			if elpd > 0 {
				t.Errorf("elpd_loo %g of counts above 0", elpd)
			}
			s.PriorOnly, s.Warmup, s.Samples = true, 100, 100
			po := fitCount(t, c.family, p, s)
			for name := range c.par {
				if m, _ := meanSD(t, po, name); math.IsNaN(m) {
					t.Errorf("prior-only %s: %g", name, m)
				}
			}
		})
	}
}

// interval90 is the central 90% posterior interval of parameter name.
func interval90(t testing.TB, f *fit.Fit, name string) (lo, hi float64) {
	t.Helper()
	var v []float64
	for i, n := range f.Names {
		if n == name {
			for c := range f.Draws {
				v = append(v, f.Draws[c][i]...)
			}
		}
	}
	if len(v) == 0 {
		t.Fatalf("no parameter %s", name)
	}
	slices.Sort(v)
	at := func(q float64) float64 { return v[int(q*float64(len(v)-1))] }
	return at(0.05), at(0.95)
}

// checkFamilyFit checks a fit of the y node of countSrc or of the
// continuous model: the strengths countTruth and the family's own
// parameters par are recovered (posterior mean within 4 sd of the truth),
// every replicated value of the posterior predictive check passes inSupport,
// and the pointwise log likelihood gives a finite PSIS-LOO, which it
// returns.
func checkFamilyFit(t *testing.T, f *fit.Fit, par map[string]float64, inSupport func(float64) bool) float64 {
	t.Helper()
	truth := map[string]float64{}
	for k, v := range countTruth {
		truth[k] = v
	}
	for k, v := range par {
		truth[k] = v
	}
	for name, want := range truth {
		m, sd := meanSD(t, f, name)
		if math.Abs(m-want) > 4*sd || sd == 0 {
			t.Errorf("%s: posterior %.3f ± %.3f, truth %g", name, m, sd, want)
		}
	}
	d, err := PPC(f, "y", 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range d.Replicated {
		for _, v := range rep {
			if !inSupport(v) {
				t.Fatalf("replicated value %g outside the support", v)
			}
		}
	}
	pm, err := PredictModel(f)
	if err != nil {
		t.Fatal(err)
	}
	e := pm.Equation("y")
	rows := e.Rows()
	var ll [][]float64
	for ch := range f.Draws {
		for i := range f.Draws[ch][0] {
			theta := make([]float64, len(f.Names))
			for j := range theta {
				theta[j] = f.Draws[ch][j][i]
			}
			row := make([]float64, len(rows))
			for k, r := range rows {
				mu, _ := e.Mu(theta, r)
				row[k] = e.LogLik(theta, r, mu, e.Y[r])
			}
			ll = append(ll, row)
		}
	}
	res, err := loo.LOO(ll)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(res.ELPD) || math.IsInf(res.ELPD, 0) {
		t.Errorf("elpd_loo %g", res.ELPD)
	}
	return res.ELPD
}
