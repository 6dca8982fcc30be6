package report

import (
	"fmt"
	"math"

	"dilemma/fit"
	"dilemma/model/sem"
	"dilemma/report/predict"
	"dilemma/sweep"
)

// A column whose node has a latent parent (or is a latent's indicator) is
// scored with the latent integrated out: a held-out unit's latent values
// are unknown, but for a gaussian node with one latent parent whose own
// parents are observed, the unit's values are jointly normal given the
// observed parents. With eta[r] = m[r] + u + e[r] (m the latent's
// structural mean, u its unit intercept ~ normal(0, tau), e[r] ~
// normal(0, 1)) and the node's own unit intercept v ~ normal(0, tau_y),
//
//	y[r] = mean[r] + beta·m[r'] + beta·(u + e[r']) + v + noise,
//
// r' the latent's row lag periods before; sweep.LatentLogDensity takes the
// joint density exactly. The latent has a value at r' where, in the data,
// every parent and some indicator of it are observed (as package sem
// defines it).

// latentScorer scores a held-out unit's values of one node with a latent
// parent.
type latentScorer struct {
	eq, leq    *predict.Equation
	term       int
	tauY, tauL int // parameter indices, −1 for none
	indY       [][]float64
	order      map[[2]int]int
	lay        sem.Layout
}

// newLatentScorer returns nil when node's equation has no latent parent,
// and an error when it has one that cross-validation cannot integrate.
// indY are the latent's indicators' values before holding out (nil to
// check support only).
func newLatentScorer(pm *predict.Model, names []string, node string, indY [][]float64) (*latentScorer, error) {
	eq := pm.Equation(node)
	if eq == nil {
		return nil, fmt.Errorf("no equation for %s", node)
	}
	ls := &latentScorer{eq: eq, term: -1, tauY: -1, tauL: -1, indY: indY, lay: pm.Layout}
	for k, t := range eq.Terms {
		if t.X != nil {
			continue
		}
		if ls.term >= 0 {
			return nil, fmt.Errorf("%s has two latent parents; cross-validation integrates one latent, so far", node)
		}
		ls.term = k
	}
	if ls.term < 0 {
		return nil, nil
	}
	lat := eq.Terms[ls.term].Parent
	switch {
	case eq.Family != "gaussian":
		return nil, fmt.Errorf("%s (%s) has the latent parent %s, whose values are unknown for a held-out unit; cross-validation integrates a latent under a gaussian node only, so far", node, eq.Family, lat)
	case eq.AR >= 0 || eq.Terms[ls.term].Vary != nil:
		return nil, fmt.Errorf("%s has the latent parent %s and AR residuals or a varying strength; cross-validation does not integrate the latent there, so far", node, lat)
	}
	ls.leq = pm.Equation(lat)
	if ls.leq == nil || ls.leq.Kind != predict.Latent {
		return nil, fmt.Errorf("%s: no structural equation for the latent %s", node, lat)
	}
	for _, t := range ls.leq.Terms {
		if t.X == nil {
			return nil, fmt.Errorf("the latent %s (parent of %s) has the latent parent %s; cross-validation integrates one latent, so far", lat, node, t.Parent)
		}
	}
	for k, n := range names {
		switch n {
		case "tau." + node:
			ls.tauY = k
		case "tau." + lat:
			ls.tauL = k
		}
	}
	ls.order = make(map[[2]int]int, ls.lay.Rows)
	for r := 0; r < ls.lay.Rows; r++ {
		ls.order[[2]int{ls.lay.Unit[r], rowOrdinal(ls.lay, r)}] = r
	}
	return ls, nil
}

func rowOrdinal(lay sem.Layout, r int) int {
	if lay.Ordinal != nil {
		return lay.Ordinal[r]
	}
	if lay.Time != nil {
		return lay.Time[r]
	}
	return 0
}

// latentRow reports whether the latent has a value at row r: every parent
// and some indicator observed.
func (ls *latentScorer) latentRow(r int) bool {
	for _, t := range ls.leq.Terms {
		if math.IsNaN(t.X[r]) {
			return false
		}
	}
	for _, y := range ls.indY {
		if !math.IsNaN(y[r]) {
			return true
		}
	}
	return false
}

// rows returns unit j's scored rows of y and the latent row each reads.
func (ls *latentScorer) rows(j int, y []float64) (rows, src []int) {
	lag := ls.eq.Terms[ls.term].Lag
	for r := 0; r < ls.lay.Rows; r++ {
		if ls.lay.Unit[r] != j || math.IsNaN(y[r]) || (ls.eq.Offset != nil && math.IsNaN(ls.eq.Offset[r])) {
			continue
		}
		ok := true
		for k, t := range ls.eq.Terms {
			if k != ls.term && math.IsNaN(t.X[r]) {
				ok = false
			}
		}
		s, found := ls.order[[2]int{j, rowOrdinal(ls.lay, r) - lag}]
		if !ok || !found || !ls.latentRow(s) {
			continue
		}
		rows, src = append(rows, r), append(src, s)
	}
	return rows, src
}

// logDensity is the joint log density at draw theta of y at rows (reading
// the latent at src), the latent and the unit intercepts integrated out.
func (ls *latentScorer) logDensity(theta []float64, y []float64, rows, src []int) float64 {
	lay := ls.lay
	pos := map[int]int{}
	m := map[int]float64{}
	for _, s := range src {
		if _, ok := pos[s]; ok {
			continue
		}
		pos[s] = len(pos)
		mu := 0.0
		if ls.leq.Intercept >= 0 {
			mu = theta[ls.leq.Intercept]
		}
		for _, t := range ls.leq.Terms {
			mu += theta[t.Coef] * t.X[s]
		}
		if ls.leq.Period != nil && lay.Time != nil {
			if k := ls.leq.Period[lay.Time[s]]; k >= 0 {
				mu += theta[k]
			}
		}
		m[s] = mu
	}
	eq := ls.eq
	sig := theta[eq.Params[0]]
	beta := theta[eq.Terms[ls.term].Coef]
	kid, kidTau := -1, []float64(nil)
	if ls.tauY >= 0 {
		kid, kidTau = 0, []float64{theta[ls.tauY]}
	}
	es := make([]sweep.LatentEntry, len(rows))
	for i, r := range rows {
		mu := 0.0
		if eq.Intercept >= 0 {
			mu = theta[eq.Intercept]
		}
		for k, t := range eq.Terms {
			if k != ls.term {
				mu += theta[t.Coef] * t.X[r]
			}
		}
		if eq.Period != nil && lay.Time != nil {
			if k := eq.Period[lay.Time[r]]; k >= 0 {
				mu += theta[k]
			}
		}
		if eq.Offset != nil {
			mu += eq.Offset[r]
		}
		mu += beta * m[src[i]]
		es[i] = sweep.LatentEntry{Res: y[r] - mu, Psi: sig * sig, Load: beta, Src: pos[src[i]], Kid: kid, KidLoading: 1}
	}
	tau := 0.0
	if ls.tauL >= 0 {
		tau = theta[ls.tauL]
	}
	return sweep.LatentLogDensity(es, len(pos), tau, kidTau)
}

// latentFold scores the held-out units (out) of a fold fit ff whose column
// (values y) has a latent parent.
func latentFold(ff *fit.Fit, idx []int, ls *latentScorer, y []float64, out map[int]bool) (map[string]float64, int, error) {
	chains, n := len(ff.Draws), len(ff.Draws[0][0])
	total := chains * n
	step := max(1, total/MaxLOODraws)
	var thetas [][]float64
	for k := 0; k < total; k += step {
		thetas = append(thetas, drawAt(ff, idx, k%chains, k/chains))
	}
	res := map[string]float64{}
	scored := 0
	for j, u := range ls.lay.Units {
		if !out[j] {
			continue
		}
		rows, src := ls.rows(j, y)
		if len(rows) == 0 {
			continue
		}
		scored += len(rows)
		lp := make([]float64, len(thetas))
		for s, theta := range thetas {
			lp[s] = ls.logDensity(theta, y, rows, src)
		}
		res[u] = logMeanExp(lp)
	}
	return res, scored, nil
}
