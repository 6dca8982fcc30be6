package query

import (
	"math"
	"strings"

	"dilemma/model/sem"
)

// Imputed values (missing="model", see package model/sem): a node's
// missing value that a row of the model needed is a parameter
// mi.NODE.UNIT.TIME with a draw per posterior draw. A query reads it like
// a latent node's value: at that row the node is defined, its factual
// value is the imputed draw, a child's linear predictor takes it as the
// parent's value (at t − lag: the same unit's imputed value of that
// period) and the node's noise is abducted from it, draw by draw. A fit
// directory keeps the imputed draws only when written with --save-imputed;
// without them, rows that need an imputed value are left out, as before.
//
// A missing value of a binary, ordered or count node is summed out in the
// fit (no parameter); the fit draws a level of it per draw from its
// conditional probabilities given that draw (sem.Posterior.SummedLevels),
// written under the same name mi.NODE.UNIT.TIME, and a query reads those
// levels like imputed values: a draw of the value per posterior draw.

// readImputed sets n.mi from the posterior's imputed values whose draws
// the fit has (in memory, or written with --save-imputed).
func (s *system) readImputed(n *sysNode, post *sem.Posterior) {
	for _, mi := range post.Missing() {
		if mi.Node != n.name {
			continue
		}
		at := make([]int, s.layout.Rows)
		for r := range at {
			at[r] = -1
		}
		names := s.fit.Names
		for k, r := range mi.Rows {
			j := s.param(post.ParamNames()[mi.First+k])
			if j < 0 || !strings.HasPrefix(names[j], "mi."+n.name+".") {
				return // the fit directory does not keep them
			}
			at[r] = j
		}
		n.mi = at
	}
	if rows := post.SummedRows()[n.name]; len(rows) > 0 {
		names := post.SummedNames()
		at := n.mi
		if at == nil {
			at = make([]int, s.layout.Rows)
			for r := range at {
				at[r] = -1
			}
		}
		for _, rg := range rows {
			j := s.param(names[rg[1]])
			if j < 0 {
				return // the fit directory does not keep them
			}
			at[rg[0]] = j
		}
		n.mi = at
	}
}

// imputed reports whether n has an imputed value at row r.
func (n *sysNode) imputed(r int) bool { return r >= 0 && n.mi != nil && n.mi[r] >= 0 }

// imputedDraws returns node v's imputed value at row r for draws lo … hi−1
// of chain c, or nil where its value is observed (or it has none).
func (wk *worker) imputedDraws(v, r, c, lo, hi int) []float64 {
	n := wk.s.nodes[v]
	if n.kind == kindLatent || !math.IsNaN(n.obs[r]) || !n.imputed(r) {
		return nil
	}
	return wk.col(c, n.mi[r], lo, hi)
}

// termImputed returns the imputed parent value of observed term t at row r
// for draws lo … hi−1 of chain c, or nil when the value is observed.
func (wk *worker) termImputed(t *sysTerm, r, c, lo, hi int) []float64 {
	if !math.IsNaN(t.x[r]) || t.parent < 0 {
		return nil
	}
	p := wk.s.nodes[t.parent]
	q := wk.s.lagRow(r, t.lag)
	if !p.imputed(q) {
		return nil
	}
	return wk.col(c, p.mi[q], lo, hi)
}
