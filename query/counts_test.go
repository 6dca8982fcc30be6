package query

import (
	"math"
	"testing"

	"dilemma/data"
	"dilemma/model/sem"
)

// countCase is a count family with its parameters, by name in the fit.
var countCases = []struct {
	name string
	fam  sem.Family
	par  map[string]float64
	nat  []float64
}{
	{"poisson", sem.Poisson{}, nil, nil},
	{"negbinomial", sem.NegBinomial{}, map[string]float64{"shape.y": 2}, []float64{2}},
	{"zero_inflated_poisson", sem.ZeroInflatedPoisson{}, map[string]float64{"zi.y": 0.4}, []float64{0.4}},
	{"zero_inflated_negbinomial", sem.ZeroInflatedNegBinomial{}, map[string]float64{"shape.y": 1.5, "zi.y": 0.3}, []float64{1.5, 0.3}},
	{"hurdle_poisson", sem.HurdlePoisson{}, map[string]float64{"hu.y": 0.6}, []float64{0.6}},
	{"hurdle_negbinomial", sem.HurdleNegBinomial{}, map[string]float64{"shape.y": 3, "hu.y": 0.7}, []float64{3, 0.7}},
	{"binomial", sem.Binomial{}, nil, []float64{31}},
	{"beta_binomial", sem.BetaBinomial{}, map[string]float64{"phi.y": 3}, []float64{3, 31}},
}

// TestCountQueries: for every count family, with a point-mass posterior,
// (1) the population effect of do(x = +1) on the count is the mean over the
// rows of the family's Mean(eta + b) − Mean(eta), with the offset in eta
// (binomial families: out of trials="31", no more successes than trials);
// (2) a unit counterfactual that pushes the count down hard keeps it in
// the support: the count is a parent of w = y + noise (strength 1), so
// each draw's change of w is y_cf − y, and y_cf must be a non-negative
// integer; pushing up never lowers it (the quantile is monotone); (3) the
// outcome's own counterfactual (its expectation given the unit's
// randomized quantile) is never negative.
func TestCountQueries(t *testing.T) {
	for _, c := range countCases {
		t.Run(c.name, func(t *testing.T) {
			extra, a := `offset="expo"`, 0.8
			_, trials := c.fam.(sem.TrialsFamily)
			if trials {
				extra, a = `trials="31"`, -0.5
			}
			src := `dag { x -> y -> w }
settings { x [column="x"] y [column="y", family="` + c.name + `", ` + extra + `] w [column="w", role="outcome"] }`
			expo := 1.0
			if trials {
				expo = 0
			}
			sim := data.SimSpec{Units: 10, Periods: 6, Seed: 21, Equations: []data.SimEquation{
				{Node: "x", Sigma: 1},
				{Node: "expo", Sigma: 0.3, Intercept: 0.2},
				{Node: "y", Sampler: sem.FamilyAt{Family: prep(t, c.fam), Par: c.nat}, Intercept: a,
					Parents: []data.SimParent{{Node: "x", Coef: 0.5}, {Node: "expo", Coef: expo}}},
				{Node: "w", Sigma: 1, Parents: []data.SimParent{{Node: "y", Coef: 1}}},
			}}
			v := map[string]float64{"a.y": a, "b.x.y": 0.5, "b.y.w": 1}
			for k, x := range c.par {
				v[k] = x
			}
			f := pointFit(t, src, sim, 400, vals(v))
			e, err := New(f)
			if err != nil {
				t.Fatal(err)
			}
			// (1) population effect on y, closed form.
			r, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{Outcome: "y"})
			if err != nil {
				t.Fatal(err)
			}
			fam := f.Posterior.Family("y")
			xs := f.Plan.Values["x"]
			var off []float64
			for _, eq := range f.Plan.Spec.Equations {
				if eq.Node == "y" {
					off = eq.Offset
				}
			}
			sum, n := 0.0, 0
			for row := range xs {
				if math.IsNaN(f.Plan.Values["y"][row]) || math.IsNaN(xs[row]) {
					continue
				}
				eta := a + 0.5*xs[row]
				if off != nil {
					eta += off[row]
				}
				sum += fam.Mean(eta+0.5, c.nat) - fam.Mean(eta, c.nat)
				n++
			}
			near(t, "population effect", r.Periods[0].Mean, sum/float64(n), 1e-9*(1+math.Abs(sum/float64(n))))
			// (2) a sampled count keeps its support.
			ys := f.Plan.Values["y"]
			for _, shift := range []string{"do(x = -6)", "do(x = +2)"} {
				cf, err := e.Counterfactual(mustParse(t, shift), "all", "4", Options{Seed: 3})
				if err != nil {
					t.Fatal(err)
				}
				for _, row := range cf.Rows {
					rr, _ := f.Plan.Panel.Row(row.Unit, "4")
					for d, diff := range row.DiffDraws {
						ycf := ys[rr] + diff
						if !(ycf >= 0) || math.Abs(ycf-math.Round(ycf)) > 1e-9 || (trials && ycf > 31) {
							t.Fatalf("%s, unit %s draw %d: counterfactual count %g", shift, row.Unit, d, ycf)
						}
						if (shift == "do(x = +2)" && diff < -1e-9) || (shift == "do(x = -6)" && diff > 1e-9) {
							t.Fatalf("%s, unit %s draw %d: the count moved against the push (%g)", shift, row.Unit, d, diff)
						}
					}
				}
			}
			// (3) the outcome's expected counterfactual stays ≥ 0.
			cf, err := e.Counterfactual(mustParse(t, "do(x = -6)"), "all", "4", Options{Outcome: "y"})
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range cf.Rows {
				for d, v := range row.CFDraws {
					if !(v >= 0) || (trials && v > 31) {
						t.Fatalf("unit %s draw %d: expected counterfactual count %g", row.Unit, d, v)
					}
				}
			}
		})
	}
}

func prep(t *testing.T, f sem.Family) sem.Family {
	t.Helper()
	if _, ok := f.(sem.TrialsFamily); ok {
		return f // draws need no preparation
	}
	p, err := f.Prepare([]float64{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
