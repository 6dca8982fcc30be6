package paper

import (
	"fmt"
	"math"
	"sort"

	"dilemma/fit"
	"dilemma/inference/loo"
	"dilemma/report"
	"dilemma/report/predict"
	"dilemma/table"
)

// maxLOODraws bounds the draws used for PSIS-LOO (thinned evenly).
const maxLOODraws = 1000

// commonOutcome finds an observed equation of each fit on the same data
// column: the node both graphs predict, on which their predictive accuracy
// can be compared. It prefers the models' outcomes' columns, then any.
func commonOutcome(a, b *fit.Fit) (nodeA, nodeB, column string) {
	cols := func(f *fit.Fit) map[string]string {
		m := map[string]string{}
		for _, eq := range f.Plan.Spec.Equations {
			if eq.Column != "" {
				m[eq.Column] = eq.Node
			}
		}
		return m
	}
	ca, cb := cols(a), cols(b)
	var shared []string
	for c := range ca {
		if _, ok := cb[c]; ok {
			shared = append(shared, c)
		}
	}
	if len(shared) == 0 {
		return "", "", ""
	}
	sort.Strings(shared)
	// Prefer the column whose node is furthest downstream in b (the
	// dilemma's proximate cause), which is last in b's equation order.
	best, bestPos := shared[0], -1
	for pos, eq := range b.Plan.Spec.Equations {
		for _, c := range shared {
			if eq.Column == c && pos > bestPos {
				best, bestPos = c, pos
			}
		}
	}
	return ca[best], cb[best], best
}

// pointwise returns the log likelihood of node's observations at rows, per
// thinned draw: [draw][row].
func pointwise(f *fit.Fit, node string, rows []int) ([][]float64, error) {
	pm, err := report.PredictModel(f)
	if err != nil {
		return nil, err
	}
	eq := pm.Equation(node)
	if eq == nil {
		return nil, fmt.Errorf("no equation for %s", node)
	}
	chains, n := len(f.Draws), len(f.Draws[0][0])
	total := chains * n
	step := max(1, total/maxLOODraws)
	var ll [][]float64
	for k := 0; k < total; k += step {
		c, i := k%chains, k/chains
		theta := report.Draw(f, c, i)
		row := make([]float64, len(rows))
		for j, r := range rows {
			mu, ok := eq.Mu(theta, r)
			y, ok2 := eq.Observed(theta, r)
			if !ok || !ok2 {
				return nil, fmt.Errorf("%s: row %d has no prediction", node, r)
			}
			row[j] = eq.LogLik(theta, r, mu, y)
		}
		ll = append(ll, row)
	}
	return ll, nil
}

func commonRows(a, b *predict.Equation) []int {
	in := map[int]bool{}
	for _, r := range a.Rows() {
		in[r] = true
	}
	var rows []int
	for _, r := range b.Rows() {
		if in[r] {
			rows = append(rows, r)
		}
	}
	return rows
}

// compareModels compares the two graphs' predictions of their common
// outcome column by PSIS-LOO.
func (r *run) compareModels() {
	r.p("### Which graph predicts better?\n\n")
	a, b := r.trad, r.nontrad
	na, nb, col := commonOutcome(a, b)
	if col == "" {
		r.p("The two models share no observed column, so their predictions cannot be compared.\n\n")
		return
	}
	pa, err := report.PredictModel(a)
	if err != nil {
		r.p("*%v*\n\n", err)
		return
	}
	pb, err := report.PredictModel(b)
	if err != nil {
		r.p("*%v*\n\n", err)
		return
	}
	ea, eb := pa.Equation(na), pb.Equation(nb)
	if ea == nil || eb == nil {
		r.p("*No equation for %s or %s.*\n\n", na, nb)
		return
	}
	rows := commonRows(ea, eb)
	lla, err := pointwise(a, na, rows)
	if err == nil {
		var llb [][]float64
		if llb, err = pointwise(b, nb, rows); err == nil {
			var ra, rb *loo.Result
			if ra, err = loo.LOO(lla); err == nil {
				if rb, err = loo.LOO(llb); err == nil {
					r.looTable(ra, rb, na, nb, col, len(rows))
					return
				}
			}
		}
	}
	r.p("*The predictive comparison could not be computed: %v.*\n\n", err)
}

func (r *run) looTable(ra, rb *loo.Result, na, nb, col string, n int) {
	nameA := r.trad.Manifest.Model.Name + " (" + na + ")"
	nameB := r.nontrad.Manifest.Model.Name + " (" + nb + ")"
	cmp, err := loo.Compare(ra, rb, nameA, nameB)
	r.p("Both graphs predict the column `%s` (%s in one, %s in the other). PSIS-LOO estimates each graph's expected log predictive density for a new country-month on the %d rows both use (Vehtari, Gelman and Gabry 2017); Pareto k above %.2f flags observations whose estimate is unreliable.\n\n",
		col, na, nb, n, ra.Threshold)
	t := &table.Table{Columns: []string{"model", "elpd_loo", "se", "p_loo", "elpd_diff", "se_diff", "k > threshold"},
		Align: []table.Align{table.Left, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right}}
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "NA"
		}
		return fmt.Sprintf("%.1f", v)
	}
	if err == nil {
		for _, m := range cmp.Models {
			t.Rows = append(t.Rows, []string{m.Name, f(m.ELPD), f(m.SE), f(m.PLOO), f(m.ELPDDiff), f(m.SEDiff), fmt.Sprint(m.NumBadK)})
		}
	}
	r.table("loo", "Predictive comparison of the two graphs on their common outcome (best first; elpd_diff relative to the best).", t)
	if err == nil && len(cmp.Models) == 2 {
		best, other := cmp.Models[0], cmp.Models[1]
		r.p("The better-predicting graph is %s, by %.1f (se %.1f) in expected log predictive density.", best.Name, -other.ELPDDiff, other.SEDiff)
		if math.Abs(other.ELPDDiff) < 2*other.SEDiff {
			r.p(" The difference is within two standard errors: the data do not separate the graphs clearly.")
		}
		r.p("\n\n")
		for _, w := range cmp.Warnings {
			r.p("- %s\n", w)
		}
		r.p("\n")
	}
}
