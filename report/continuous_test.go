package report

import (
	"context"
	"math"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/inference/loo"
	"dilemma/model"
	"dilemma/model/sem"
)

// TestContinuousFamiliesEndToEnd fits student, lognormal and beta nodes
// (child of x and of a lagged v, parent of w, unit intercepts) to panels
// simulated from them and checks recovery (posterior mean within 4 sd of
// the truth), replicated data inside the support, a finite PSIS-LOO and a
// prior-only fit.
func TestContinuousFamiliesEndToEnd(t *testing.T) {
	for _, c := range []struct {
		family string
		fam    sem.Family
		par    map[string]float64
		nat    []float64
	}{
		{"student", sem.Student{}, map[string]float64{"sigma.y": 0.6, "nu.y": 5}, []float64{0.6, 5}},
		{"lognormal", sem.LogNormal{}, map[string]float64{"sigma.y": 0.4}, []float64{0.4}},
		{"beta", sem.BetaFamily{}, map[string]float64{"phi.y": 10}, []float64{10}},
	} {
		t.Run(c.family, func(t *testing.T) {
			p, _, err := data.Simulate(data.SimSpec{Units: 40, Periods: 10, Seed: 13, Equations: []data.SimEquation{
				{Node: "x", Sigma: 1, UnitSD: 0.5},
				{Node: "v", Sigma: 1},
				{Node: "y", Sampler: sem.FamilyAt{Family: c.fam, Par: c.nat}, Intercept: 0.3, UnitSD: 0.4,
					Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "v", Lag: 1, Coef: -0.3}}},
				{Node: "w", Sigma: 1, UnitSD: 0.3, Parents: []data.SimParent{{Node: "y", Coef: 0.2}}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			src := `dag { x -> y; v -> y [lag=1]; y -> w }
settings { x [column="x"] v [column="v"] w [column="w"] y [column="y", family="` + c.family + `"] }`
			run := func(s fit.Settings) *fit.Fit {
				m, err := model.ParseString(src, "cont.dag")
				if err != nil {
					t.Fatal(err)
				}
				opt, _ := s.ModelOptions()
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
			s := fit.DefaultSettings()
			s.Chains, s.Warmup, s.Samples, s.Seed = 2, 200, 200, 3
			f := run(s)
			truth := map[string]float64{}
			for k, v := range countTruth {
				truth[k] = v
			}
			for k, v := range c.par {
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
			sup := f.Posterior.Family("y").Support(c.nat)
			for _, rep := range d.Replicated {
				for _, v := range rep {
					if !sup.Contains(v) {
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
			s.PriorOnly, s.Warmup, s.Samples = true, 100, 100
			po := run(s)
			for name := range c.par {
				if m, _ := meanSD(t, po, name); math.IsNaN(m) {
					t.Errorf("prior-only %s: %g", name, m)
				}
			}
		})
	}
}
