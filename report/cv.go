package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"dilemma/fit"
	"dilemma/internal/quadrature"
	"dilemma/report/predict"
	"dilemma/sweep"
	"dilemma/table"
)

// CVOptions configure CrossValidate.
type CVOptions struct {
	// Folds is the number of folds K (at least 2, at most the units).
	Folds int
	// Seed deals the units to the folds (sweep.UnitFolds).
	Seed uint64
	// Jobs is the number of fold fits run at once (default 1); each fit
	// runs its chains in parallel as well. The results do not depend on it.
	Jobs int
	// Column is the data column scored ("" = the outcome column the fits
	// share, as CompareFits chooses).
	Column string
	// Logf prints progress; nil for none.
	Logf func(format string, args ...any)
}

// CVModel is one fit's leave-units-out cross-validation.
type CVModel struct {
	Name string
	Node string // the node (or indicator) modelling the column
	// Folds is the elpd of each fold's held-out units.
	Folds []float64
	// Units is each unit's elpd, in CVComparison.Units order (NaN where
	// the unit has no scored row).
	Units []float64
	// ELPD is the total over the units every fit scores, SE its standard
	// error (sqrt(n) × the sd of the units' elpd).
	ELPD, SE float64
	// Diff and SEDiff are ELPD minus the best fit's and its standard error
	// (from the units' paired differences); 0 for the best.
	Diff, SEDiff float64
}

// CVComparison is the cross-validated comparison, best fit first.
type CVComparison struct {
	Column string
	// Folds are the units held out in each fold.
	Folds [][]string
	// Units are all the units, sorted; Scored counts those every fit
	// scores, Rows the observations scored.
	Units  []string
	Scored int
	Rows   int
	Models []CVModel
}

// hermiteNodes is the number of Gauss-Hermite nodes for a held-out unit's
// intercept.
const hermiteNodes = 24

// CrossValidate compares fits by leave-units-out cross-validation: the
// units are dealt to K folds (sweep.UnitFolds, seeded); for each fold each
// fit's model is fitted again, with the fit's settings, without the fold's
// units (every value of theirs held out), and the held-out units'
// observations of the column are scored given their observed parents: a
// unit's log predictive density is the log of the posterior mean of the
// joint density of its observations, its own intercept (unknown for a unit
// the fit never saw) integrated over normal(0, tau) by adaptive
// Gauss-Hermite quadrature. Totals are over the units every fit scores,
// with standard errors over units; differences are paired by unit. The
// column's equation must not have a latent parent (its values are unknown
// for a held-out unit) unless it is gaussian with one latent parent whose
// parents are observed: then the latent is integrated out in closed form
// (see latentScorer).
func CrossValidate(ctx context.Context, fits []*fit.Fit, names []string, opt CVOptions) (*CVComparison, error) {
	if len(fits) < 2 {
		return nil, errors.New("comparing needs at least two fits")
	}
	if len(names) != len(fits) {
		return nil, fmt.Errorf("%d names for %d fits", len(names), len(fits))
	}
	if opt.Jobs < 1 {
		opt.Jobs = 1
	}
	logf := opt.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	for k, f := range fits[1:] {
		if f.Manifest.Data.SHA256 != fits[0].Manifest.Data.SHA256 {
			return nil, fmt.Errorf("%s and %s were fitted to different data: their predictions cannot be compared", names[0], names[k+1])
		}
	}
	shared := SharedColumns(fits)
	column := opt.Column
	if column == "" {
		if len(shared) == 0 {
			return nil, errors.New("the fits model no data column in common, so their predictions cannot be compared")
		}
		column = shared[0]
	} else if !slices.Contains(shared, column) {
		return nil, fmt.Errorf("column %q is not modelled by every fit (shared columns: %v)", column, shared)
	}
	units := slices.Clone(fits[0].Plan.Panel.Units())
	sort.Strings(units)
	if opt.Folds < 2 || opt.Folds > len(units) {
		return nil, fmt.Errorf("--folds %d: want 2 to %d (the data have %d units)", opt.Folds, len(units), len(units))
	}
	c := &CVComparison{Column: column, Units: units, Folds: sweep.UnitFolds(units, opt.Folds, opt.Seed)}
	for k, f := range fits {
		node := modelledColumns(f)[column]
		pm, err := PredictModel(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", names[k], err)
		}
		eq := pm.Equation(node)
		if eq == nil {
			return nil, fmt.Errorf("%s: no equation for %s", names[k], node)
		}
		if _, err := newLatentScorer(pm, f.Posterior.ParamNames(), node, nil); err != nil {
			return nil, fmt.Errorf("%s: %v", names[k], err)
		}
		c.Models = append(c.Models, CVModel{Name: names[k], Node: node, Folds: make([]float64, opt.Folds), Units: make([]float64, len(units))})
	}
	type task struct{ fit, fold int }
	type result struct {
		units map[string]float64
		rows  int
		err   error
	}
	var tasks []task
	for k := range fits {
		for j := range c.Folds {
			tasks = append(tasks, task{k, j})
		}
	}
	results := make([]result, len(tasks))
	slots := make(chan struct{}, opt.Jobs)
	var wg sync.WaitGroup
	for i, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			if err := ctx.Err(); err != nil {
				results[i].err = err
				return
			}
			logf("cross-validation: %s, fold %d of %d (%d units held out)\n", names[t.fit], t.fold+1, opt.Folds, len(c.Folds[t.fold]))
			u, rows, err := cvFold(ctx, fits[t.fit], c.Models[t.fit].Node, c.Folds[t.fold])
			if err != nil {
				err = fmt.Errorf("%s, fold %d: %w", names[t.fit], t.fold+1, err)
			}
			results[i] = result{u, rows, err}
		}()
	}
	wg.Wait()
	for _, r := range results {
		if r.err != nil {
			return nil, r.err
		}
	}
	for i, t := range tasks {
		m := &c.Models[t.fit]
		for _, u := range c.Folds[t.fold] {
			v, ok := results[i].units[u]
			if !ok {
				v = math.NaN()
			}
			m.Units[slices.Index(units, u)] = v
			if ok {
				m.Folds[t.fold] += v
			}
		}
		if t.fit == 0 {
			c.Rows += results[i].rows
		}
	}
	// Totals over the units every fit scores.
	scored := make([]bool, len(units))
	for j := range units {
		scored[j] = true
		for _, m := range c.Models {
			if math.IsNaN(m.Units[j]) {
				scored[j] = false
			}
		}
		if scored[j] {
			c.Scored++
		}
	}
	if c.Scored == 0 {
		return nil, fmt.Errorf("no unit has an observation of %s that every fit scores", column)
	}
	pick := func(v []float64) []float64 {
		var out []float64
		for j, x := range v {
			if scored[j] {
				out = append(out, x)
			}
		}
		return out
	}
	for k := range c.Models {
		m := &c.Models[k]
		m.ELPD, m.SE = sumSE(pick(m.Units))
	}
	sort.SliceStable(c.Models, func(a, b int) bool { return c.Models[a].ELPD > c.Models[b].ELPD })
	best := pick(c.Models[0].Units)
	for k := 1; k < len(c.Models); k++ {
		m := &c.Models[k]
		d := pick(m.Units)
		for j := range d {
			d[j] -= best[j]
		}
		m.Diff, m.SEDiff = sumSE(d)
	}
	return c, nil
}

// sumSE is the sum of x and its standard error sqrt(n) × sd(x).
func sumSE(x []float64) (sum, se float64) {
	n := float64(len(x))
	for _, v := range x {
		sum += v
	}
	if len(x) < 2 {
		return sum, math.NaN()
	}
	mean, ss := sum/n, 0.0
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return sum, math.Sqrt(n * ss / (n - 1))
}

// cvFold fits f's model without units and returns each held-out unit's
// log predictive density of node's observations, and the rows scored.
func cvFold(ctx context.Context, f *fit.Fit, node string, units []string) (map[string]float64, int, error) {
	pl, err := f.Manifest.Plan()
	if err != nil {
		return nil, 0, err
	}
	pl.ModelRef, pl.DataRef = f.Manifest.Model, f.Manifest.Data
	spec := pl.Spec
	lay := spec.Layout
	out := map[int]bool{}
	for _, u := range units {
		if j := slices.Index(lay.Units, u); j >= 0 {
			out[j] = true
		}
	}
	hold := func(y []float64) []float64 {
		if y == nil {
			return nil
		}
		y = slices.Clone(y)
		for r := range y {
			if out[lay.Unit[r]] {
				y[r] = math.NaN()
			}
		}
		return y
	}
	var heldY []float64
	for i := range spec.Equations {
		eq := &spec.Equations[i]
		if eq.Node == node {
			heldY = eq.Y
		}
		eq.Y = hold(eq.Y)
	}
	origInd := map[string][][]float64{}
	for i := range spec.Latents {
		for k := range spec.Latents[i].Indicators {
			ind := &spec.Latents[i].Indicators[k]
			if ind.Node == node {
				heldY = ind.Y
			}
			origInd[spec.Latents[i].Node] = append(origInd[spec.Latents[i].Node], ind.Y)
			ind.Y = hold(ind.Y)
		}
	}
	if heldY == nil {
		return nil, 0, fmt.Errorf("the model has no equation for %s", node)
	}
	ff, err := fit.Run(ctx, pl, f.Manifest.Settings, nil)
	if err != nil {
		return nil, 0, err
	}
	pm, err := predict.New(ff.Plan.Spec, ff.Posterior)
	if err != nil {
		return nil, 0, err
	}
	eq := pm.Equation(node)
	if eq == nil {
		return nil, 0, fmt.Errorf("no equation for %s", node)
	}
	idx, err := drawIndex(ff)
	if err != nil {
		return nil, 0, err
	}
	tau := -1
	for k, n := range ff.Posterior.ParamNames() {
		if n == "tau."+node {
			tau = k
		}
	}
	var ls *latentScorer
	for _, t := range eq.Terms {
		if t.X == nil {
			if ls, err = newLatentScorer(pm, ff.Posterior.ParamNames(), node, origInd[t.Parent]); err != nil {
				return nil, 0, err
			}
		}
	}
	if ls != nil {
		return latentFold(ff, idx, ls, heldY, out)
	}
	// Each held-out unit's scored rows.
	byUnit := map[int][]int{}
	probe := drawAt(ff, idx, 0, 0)
	for r := 0; r < lay.Rows; r++ {
		if !out[lay.Unit[r]] || math.IsNaN(heldY[r]) {
			continue
		}
		if _, ok := eq.Mu(probe, r); !ok {
			continue
		}
		byUnit[lay.Unit[r]] = append(byUnit[lay.Unit[r]], r)
	}
	chains, n := len(ff.Draws), len(ff.Draws[0][0])
	total := chains * n
	step := max(1, total/MaxLOODraws)
	var thetas [][]float64
	for k := 0; k < total; k += step {
		thetas = append(thetas, drawAt(ff, idx, k%chains, k/chains))
	}
	x, w := quadrature.Hermite(hermiteNodes)
	res := map[string]float64{}
	rows := 0
	for j, rs := range byUnit {
		rows += len(rs)
		lp := make([]float64, len(thetas))
		mu := make([]float64, len(rs))
		for s, theta := range thetas {
			for i, r := range rs {
				mu[i], _ = eq.Mu(theta, r)
			}
			h := func(v float64) float64 {
				if eq.HasAR() { // the unit's residual chain (predict/ar.go)
					mv := make([]float64, len(rs))
					for i := range rs {
						mv[i] = mu[i] + v
					}
					return eq.ARUnitLogLik(theta, rs, mv, heldY)
				}
				sum := 0.0
				for i, r := range rs {
					sum += eq.LogLik(theta, r, mu[i]+v, heldY[r])
				}
				return sum
			}
			if tau >= 0 && eq.Unit != nil && eq.Unit[j] < 0 {
				lp[s] = quadrature.LogNormalMarginal(h, theta[tau], x, w)
			} else {
				lp[s] = h(0)
			}
		}
		res[lay.Units[j]] = logMeanExp(lp)
	}
	return res, rows, nil
}

// logMeanExp is log(mean(exp(x))).
func logMeanExp(x []float64) float64 { return quadrature.LogSumExp(x) - math.Log(float64(len(x))) }

// CVTable is the comparison as a table, best fit first: elpd and its se,
// the difference from the best and its se.
func CVTable(c *CVComparison) *table.Table {
	t := &table.Table{Columns: []string{"model", "node", "elpd_cv", "se", "elpd_diff", "se_diff"},
		Align: []table.Align{table.Left, table.Left, table.Right, table.Right, table.Right, table.Right}}
	f := func(v float64) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "NA"
		}
		return fmt.Sprintf("%.1f", v)
	}
	for _, m := range c.Models {
		t.Rows = append(t.Rows, []string{m.Name, m.Node, f(m.ELPD), f(m.SE), f(m.Diff), f(m.SEDiff)})
	}
	return t
}

// CVFoldTable gives each fold's held-out units and each fit's elpd on
// them, fits in the comparison's order.
func CVFoldTable(c *CVComparison) *table.Table {
	t := &table.Table{Columns: []string{"fold", "units"}, Align: []table.Align{table.Left, table.Right}}
	for _, m := range c.Models {
		t.Columns = append(t.Columns, m.Name)
		t.Align = append(t.Align, table.Right)
	}
	for j, units := range c.Folds {
		row := []string{fmt.Sprint(j + 1), fmt.Sprint(len(units))}
		for _, m := range c.Models {
			row = append(row, fmt.Sprintf("%.1f", m.Folds[j]))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
