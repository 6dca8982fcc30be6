package report

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"dilemma/fit"
	"dilemma/inference/loo"
	"dilemma/report/predict"
	"dilemma/table"
)

// MaxLOODraws bounds the posterior draws used for PSIS-LOO (thinned
// evenly over the chains).
const MaxLOODraws = 1000

// Comparison compares fits of different graphs by how well they predict
// one data column they all model, with PSIS-LOO on the rows all of them
// use.
type Comparison struct {
	Column string   // the data column compared
	Names  []string // the fits' names, in input order
	Nodes  []string // per fit, the node (or indicator) modelling Column
	Rows   int      // observations compared
	LOO    []*loo.Result
	// Compare ranks the fits by elpd_loo (best first) with elpd
	// differences, their standard errors and Pareto-k counts.
	Compare loo.Comparison
	// Weights are the stacking weights of the fits, in input order.
	Weights []float64
}

// modelledColumns maps each data column a fit models (an observed node's
// equation or a latent node's indicator) to its equation's node.
func modelledColumns(f *fit.Fit) map[string]string {
	m := map[string]string{}
	for _, eq := range f.Plan.Spec.Equations {
		if eq.Column != "" {
			m[eq.Column] = eq.Node
		}
	}
	for _, l := range f.Plan.Spec.Latents {
		for _, ind := range l.Indicators {
			if ind.Column != "" {
				m[ind.Column] = ind.Node
			}
		}
	}
	return m
}

// outcomeColumns lists the columns that measure a fit's outcome nodes:
// their own column or their indicators.
func outcomeColumns(f *fit.Fit) map[string]bool {
	out := map[string]bool{}
	m := f.Plan.Model
	for _, n := range m.Nodes {
		if !n.Outcome && n.Role != "outcome" {
			continue
		}
		if n.Column != "" {
			out[n.Column] = true
		}
		for _, c := range n.Indicators {
			out[c] = true
		}
	}
	return out
}

// SharedColumns lists the data columns every fit models, those measuring
// an outcome of some fit first, then the rest, each group sorted.
func SharedColumns(fits []*fit.Fit) []string {
	if len(fits) == 0 {
		return nil
	}
	shared := modelledColumns(fits[0])
	for _, f := range fits[1:] {
		cols := modelledColumns(f)
		for c := range shared {
			if _, ok := cols[c]; !ok {
				delete(shared, c)
			}
		}
	}
	outcome := map[string]bool{}
	for _, f := range fits {
		for c := range outcomeColumns(f) {
			outcome[c] = true
		}
	}
	var first, rest []string
	for c := range shared {
		if outcome[c] {
			first = append(first, c)
		} else {
			rest = append(rest, c)
		}
	}
	sort.Strings(first)
	sort.Strings(rest)
	return append(first, rest...)
}

// CompareFits compares two or more fits on column (chosen by SharedColumns
// when empty: an outcome's column if the fits share one). The fits must
// be of the same data: the rows are the same panel's rows.
func CompareFits(fits []*fit.Fit, names []string, column string) (*Comparison, error) {
	if len(fits) < 2 {
		return nil, errors.New("comparing needs at least two fits")
	}
	if len(names) != len(fits) {
		return nil, fmt.Errorf("%d names for %d fits", len(names), len(fits))
	}
	for _, f := range fits[1:] {
		if f.Manifest.Data.SHA256 != fits[0].Manifest.Data.SHA256 {
			return nil, fmt.Errorf("%s and %s were fitted to different data (SHA-256 %.12s… and %.12s…): their predictions cannot be compared",
				names[0], names[slices.Index(fits, f)], fits[0].Manifest.Data.SHA256, f.Manifest.Data.SHA256)
		}
	}
	shared := SharedColumns(fits)
	if column == "" {
		if len(shared) == 0 {
			return nil, errors.New("the fits model no data column in common, so their predictions cannot be compared")
		}
		column = shared[0]
	} else if !slices.Contains(shared, column) {
		return nil, fmt.Errorf("column %q is not modelled by every fit (shared columns: %v)", column, shared)
	}
	cmp := &Comparison{Column: column, Names: names}
	eqs := make([]*predict.Equation, len(fits))
	for k, f := range fits {
		node := modelledColumns(f)[column]
		pm, err := PredictModel(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", names[k], err)
		}
		if eqs[k] = pm.Equation(node); eqs[k] == nil {
			return nil, fmt.Errorf("%s: no equation for %s", names[k], node)
		}
		idx, err := drawIndex(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", names[k], err)
		}
		if l := missingLatent(eqs[k], idx); l != "" {
			return nil, fmt.Errorf("%s: %s depends on the latent node %s, whose values this fit directory does not keep; refit with --save-latent", names[k], node, l)
		}
		cmp.Nodes = append(cmp.Nodes, node)
	}
	rows := eqs[0].Rows()
	for _, e := range eqs[1:] {
		in := map[int]bool{}
		for _, r := range e.Rows() {
			in[r] = true
		}
		rows = slices.DeleteFunc(rows, func(r int) bool { return !in[r] })
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("the fits share no row of %s", column)
	}
	cmp.Rows = len(rows)
	for k, f := range fits {
		ll, err := Pointwise(f, eqs[k], rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", names[k], err)
		}
		r, err := loo.LOO(ll)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", names[k], err)
		}
		cmp.LOO = append(cmp.LOO, r)
	}
	var err error
	if cmp.Compare, err = loo.CompareAll(names, cmp.LOO); err != nil {
		return nil, err
	}
	lpd := make([][]float64, len(cmp.LOO))
	for k, r := range cmp.LOO {
		for _, p := range r.Pointwise {
			lpd[k] = append(lpd[k], p.ELPD)
		}
	}
	if cmp.Weights, err = loo.StackingWeights(lpd); err != nil {
		return nil, err
	}
	return cmp, nil
}

// Pointwise returns the log likelihood of eq's observations at rows, per
// draw thinned evenly to at most MaxLOODraws: [draw][row].
func Pointwise(f *fit.Fit, eq *predict.Equation, rows []int) ([][]float64, error) {
	idx, err := drawIndex(f)
	if err != nil {
		return nil, err
	}
	chains, n := len(f.Draws), len(f.Draws[0][0])
	total := chains * n
	step := max(1, total/MaxLOODraws)
	var ll [][]float64
	for k := 0; k < total; k += step {
		c, i := k%chains, k/chains
		theta := drawAt(f, idx, c, i)
		row := make([]float64, len(rows))
		for j, r := range rows {
			mu, ok := eq.Mu(theta, r)
			y, ok2 := eq.Observed(theta, r)
			if !ok || !ok2 {
				return nil, fmt.Errorf("%s: row %d has no prediction", eq.Node, r)
			}
			row[j] = eq.LogLik(theta, r, mu, y)
		}
		ll = append(ll, row)
	}
	return ll, nil
}

// ComparisonTable is the comparison as a table, best fit first: elpd_loo
// and its se, p_loo, the difference from the best and its se, the
// stacking weight and the number of observations with Pareto k above the
// threshold.
func ComparisonTable(c *Comparison) *table.Table {
	t := &table.Table{Columns: []string{"model", "node", "elpd_loo", "se", "p_loo", "elpd_diff", "se_diff", "weight", "k > threshold"},
		Align: []table.Align{table.Left, table.Left, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right}}
	f := func(v float64) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "NA"
		}
		return fmt.Sprintf("%.1f", v)
	}
	for _, m := range c.Compare.Models {
		k := slices.Index(c.Names, m.Name)
		t.Rows = append(t.Rows, []string{m.Name, c.Nodes[k], f(m.ELPD), f(m.SE), f(m.PLOO), f(m.ELPDDiff), f(m.SEDiff),
			fmt.Sprintf("%.2f", c.Weights[k]), fmt.Sprint(m.NumBadK)})
	}
	return t
}
