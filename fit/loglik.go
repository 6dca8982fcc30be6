package fit

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"dilemma/report/predict"
)

// LogLikFile names the pointwise log-likelihood file of chain k (1-based),
// written beside chain-K.csv when Settings.SaveLogLik is set.
func LogLikFile(k int) string { return fmt.Sprintf("loglik-%d.csv", k) }

// LogLikColumn names the column of node's observation at a panel row:
// log_lik.NODE.UNIT.TIME (log_lik.NODE.ROW in a cross-section or without
// periods, ROW 1-based), so that R selects one node's columns with
// startsWith(names, "log_lik.NODE.").
func LogLikColumn(node, unit, time string, row int) string {
	if unit == "" || time == "" {
		return fmt.Sprintf("log_lik.%s.%d", node, row+1)
	}
	return "log_lik." + node + "." + unit + "." + time
}

// logLikTerm is one modelled observation: an equation and a row.
type logLikTerm struct {
	eq  *predict.Equation
	row int
}

// logLikTerms lists every observation of the observed nodes and of the
// latent nodes' indicators, node by node in the model's equation order,
// with their column names.
func (f *Fit) logLikTerms() ([]logLikTerm, []string, error) {
	pm, err := predict.New(f.Plan.Spec, f.Posterior)
	if err != nil {
		return nil, nil, err
	}
	var nodes []string
	for _, eq := range f.Plan.Spec.Equations {
		nodes = append(nodes, eq.Node)
	}
	for _, l := range f.Plan.Spec.Latents {
		for _, ind := range l.Indicators {
			nodes = append(nodes, ind.Node)
		}
	}
	lay := f.Plan.Spec.Layout
	var terms []logLikTerm
	var names []string
	for _, node := range nodes {
		eq := pm.Equation(node)
		if eq == nil {
			return nil, nil, fmt.Errorf("no equation for %s", node)
		}
		for _, r := range eq.Rows() {
			unit, time := "", ""
			if lay.Unit != nil && len(lay.Times) > 0 && lay.Time != nil {
				unit, time = lay.Units[lay.Unit[r]], lay.Times[lay.Time[r]]
			}
			terms = append(terms, logLikTerm{eq, r})
			names = append(names, LogLikColumn(node, unit, time, r))
		}
	}
	return terms, names, nil
}

// WriteLogLikCSV writes chain c's (0-based) pointwise log likelihood: a
// header of LogLikColumn names, then one line per draw with every modelled
// observation's log likelihood, constants included (a density for
// continuous families, a probability for discrete ones), as R's loo
// expects. It needs every parameter the equations read, latent values
// included, so it runs on a fit in memory (fit writes it with
// --save-loglik).
func (f *Fit) WriteLogLikCSV(w io.Writer, c int) error {
	terms, names, err := f.logLikTerms()
	if err != nil {
		return err
	}
	col := make(map[string]int, len(f.Names))
	for j, n := range f.Names {
		col[n] = j
	}
	pnames := f.Posterior.ParamNames()
	idx := make([]int, len(pnames))
	for k, n := range pnames {
		j, ok := col[n]
		if !ok {
			return fmt.Errorf("the pointwise log likelihood needs parameter %s, which this fit does not keep", n)
		}
		idx[k] = j
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(strings.Join(names, ","))
	bw.WriteByte('\n')
	theta := make([]float64, len(pnames))
	buf := make([]byte, 0, 32)
	draws := f.Draws[c]
	for i := range draws[0] {
		for k, j := range idx {
			theta[k] = draws[j][i]
		}
		for t, term := range terms {
			mu, ok := term.eq.Mu(theta, term.row)
			y, ok2 := term.eq.Observed(theta, term.row)
			if !ok || !ok2 {
				return fmt.Errorf("%s: row %d has no prediction", term.eq.Node, term.row)
			}
			if t > 0 {
				bw.WriteByte(',')
			}
			buf = strconv.AppendFloat(buf[:0], term.eq.LogLik(theta, term.row, mu, y), 'g', -1, 64)
			bw.Write(buf)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
