package query

import (
	"math"
	"testing"

	"dilemma/data"
	"dilemma/model/sem"
)

// TestContinuousFamilyQueries: for student, lognormal and beta nodes with a
// point-mass posterior, (1) the population effect of do(x = +1) on the node
// is the mean over the rows of Mean(eta + b) − Mean(eta) (student: b
// exactly, it is linear); (2) as a mediator of w = y + noise (strength 1),
// a unit's counterfactual y_cf = y + Δw stays in the family's support (a
// positive lognormal value, a beta value inside (0, 1)) and moves with the
// push.
func TestContinuousFamilyQueries(t *testing.T) {
	for _, c := range []struct {
		name string
		fam  sem.Family
		par  map[string]float64
		nat  []float64
	}{
		{"student", sem.Student{}, map[string]float64{"sigma.y": 0.7, "nu.y": 4}, []float64{0.7, 4}},
		{"lognormal", sem.LogNormal{}, map[string]float64{"sigma.y": 0.5}, []float64{0.5}},
		{"beta", sem.BetaFamily{}, map[string]float64{"phi.y": 6}, []float64{6}},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := `dag { x -> y -> w }
settings { x [column="x"] y [column="y", family="` + c.name + `"] w [column="w", role="outcome"] }`
			sim := data.SimSpec{Units: 10, Periods: 6, Seed: 23, Equations: []data.SimEquation{
				{Node: "x", Sigma: 1},
				{Node: "y", Sampler: sem.FamilyAt{Family: c.fam, Par: c.nat}, Intercept: 0.2,
					Parents: []data.SimParent{{Node: "x", Coef: 0.5}}},
				{Node: "w", Sigma: 1, Parents: []data.SimParent{{Node: "y", Coef: 1}}},
			}}
			v := map[string]float64{"a.y": 0.2, "b.x.y": 0.5, "b.y.w": 1}
			for k, x := range c.par {
				v[k] = x
			}
			f := pointFit(t, src, sim, 300, vals(v))
			e, err := New(f)
			if err != nil {
				t.Fatal(err)
			}
			r, err := e.Effect(mustParse(t, "do(x = +1)"), Do{}, Options{Outcome: "y"})
			if err != nil {
				t.Fatal(err)
			}
			fam := f.Posterior.Family("y")
			xs, ys := f.Plan.Values["x"], f.Plan.Values["y"]
			sum, n := 0.0, 0
			for row := range xs {
				if math.IsNaN(ys[row]) || math.IsNaN(xs[row]) {
					continue
				}
				eta := 0.2 + 0.5*xs[row]
				sum += fam.Mean(eta+0.5, c.nat) - fam.Mean(eta, c.nat)
				n++
			}
			near(t, "population effect", r.Periods[0].Mean, sum/float64(n), 1e-9)
			sup := fam.Support(c.nat)
			for _, shift := range []string{"do(x = -5)", "do(x = +3)"} {
				cf, err := e.Counterfactual(mustParse(t, shift), "all", "4", Options{Seed: 5})
				if err != nil {
					t.Fatal(err)
				}
				for _, row := range cf.Rows {
					rr, _ := f.Plan.Panel.Row(row.Unit, "4")
					for d, diff := range row.DiffDraws {
						ycf := ys[rr] + diff
						if !sup.Contains(ycf) {
							t.Fatalf("%s, unit %s draw %d: counterfactual %g outside the support", shift, row.Unit, d, ycf)
						}
						if (shift == "do(x = +3)" && diff < -1e-12) || (shift == "do(x = -5)" && diff > 1e-12) {
							t.Fatalf("%s, unit %s draw %d: moved against the push (%g)", shift, row.Unit, d, diff)
						}
						if c.name == "student" && math.Abs(diff-0.5*cfShift(shift)) > 1e-9 {
							t.Fatalf("student: counterfactual change %g, want the linear %g", diff, 0.5*cfShift(shift))
						}
					}
				}
			}
		})
	}
}

// cfShift is the change of x a test's intervention makes.
func cfShift(s string) float64 {
	if s == "do(x = -5)" {
		return -5
	}
	return 3
}
