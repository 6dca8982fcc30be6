package query

import "strings"

// Edges whose strength varies by unit (varies="unit"): unit j's strength is
// b + v_j, and every query uses each row's own unit's strength, in the
// factual linear predictor (linPred), in the change an intervention
// propagates (linChange) and so in unit counterfactuals. A node with such a
// term changes by a different amount at each row, so its change is never
// row-constant (jobPlan.rowConst).

// readVary returns, for a term whose strength varies by unit, the index of
// v.PARENT.NODE.UNIT per layout unit (−1 for a unit without rows in the
// equation: its deviation is the prior's mean, 0); nil otherwise.
func (s *system) readVary(name string) []int {
	stem := strings.TrimPrefix(name, "b.")
	vary := make([]int, len(s.layout.Units))
	for u, label := range s.layout.Units {
		vary[u] = s.param("v." + stem + "." + label)
	}
	return vary
}

// strength returns the draws lo … hi−1 of chain c of term t's strength at
// layout unit u: b, or b + v_u when it varies by unit (then in wk.slope,
// valid until the next call).
func (wk *worker) strength(t *sysTerm, u, c, lo, hi int) []float64 {
	b := wk.col(c, t.b, lo, hi)
	if t.vary == nil || u < 0 || u >= len(t.vary) || t.vary[u] < 0 {
		return b
	}
	v := wk.col(c, t.vary[u], lo, hi)
	out := wk.slope[:len(b)]
	for i := range out {
		out[i] = b[i] + v[i]
	}
	return out
}
