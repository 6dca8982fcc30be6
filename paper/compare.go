package paper

import (
	"math"

	"dilemma/fit"
	"dilemma/report"
)

// compareModels compares the two graphs' predictions of their common
// outcome column by PSIS-LOO.
func (r *run) compareModels() {
	r.p("### Which graph predicts better?\n\n")
	a, b := r.trad, r.nontrad
	cmp, err := report.CompareFits([]*fit.Fit{a, b}, []string{a.Manifest.Model.Name, b.Manifest.Model.Name}, "")
	if err != nil {
		r.p("*The predictive comparison could not be computed: %v.*\n\n", err)
		return
	}
	r.looTable(cmp)
}

func (r *run) looTable(c *report.Comparison) {
	r.p("Both graphs predict the column `%s` (%s in one, %s in the other). PSIS-LOO estimates each graph's expected log predictive density for a new country-month on the %d rows both use (Vehtari, Gelman and Gabry 2017); Pareto k above %.2f flags observations whose estimate is unreliable. Stacking weights (Yao et al. 2018) say how much of the best predictive mixture each graph carries.\n\n",
		c.Column, c.Nodes[0], c.Nodes[1], c.Rows, c.LOO[0].Threshold)
	t := report.ComparisonTable(c)
	cmp := c.Compare
	r.table("loo", "Predictive comparison of the two graphs on their common outcome (best first; elpd_diff relative to the best).", t)
	if len(cmp.Models) == 2 {
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
