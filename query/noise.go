package query

import (
	"math"

	"dilemma/model/sem"
)

// Abduction for the nonlinear families. A threshold family (bernoulli,
// ordered: sem.Threshold) is read as a threshold model: y is the number of
// cutpoints below eta + ε, with ε standard logistic (bernoulli: one
// cutpoint at 0). Given the observed y, ε lies in an interval (lo, hi]; a
// unit's noise is drawn from the logistic truncated to it. Any other family
// is coupled through its randomized quantile U (sem.Abduct): y is the
// smallest value with F(y; eta) > U, so for a discrete family U lies in
// [F(y−1; eta), F(y; eta)) and for a continuous one U = F(y; eta). The
// counterfactual keeps U and reads the family's Quantile at the new eta,
// which never leaves the family's support.

// logisticCDF is F(x) = 1/(1+exp(−x)), accurate in both tails.
func logisticCDF(x float64) float64 { return logistic(x) }

// logit is F⁻¹(p).
func logit(p float64) float64 { return math.Log(p) - math.Log1p(-p) }

// probBetween is P(a < ε ≤ b) for standard logistic ε, computed on the side
// of 0 where it keeps its precision.
func probBetween(a, b float64) float64 {
	if b <= a {
		return 0
	}
	if a > 0 {
		return logisticCDF(-a) - logisticCDF(-b)
	}
	return logisticCDF(b) - logisticCDF(a)
}

// truncLogistic returns the u quantile (0 < u < 1) of the standard logistic
// truncated to (a, b].
func truncLogistic(a, b, u float64) float64 {
	if a > 0 {
		return -truncLogistic(-b, -a, 1-u)
	}
	fa, fb := logisticCDF(a), logisticCDF(b)
	if fb-fa <= 0 {
		// The interval carries no mass at double precision: take its
		// finite end.
		if !math.IsInf(a, -1) {
			return a
		}
		return b
	}
	return logit(fa + u*(fb-fa))
}

// noiseInterval returns a threshold node's noise interval (lo, hi] at one
// draw, given its factual linear predictor e, its observed category y and
// the draw's cutpoints cut (ncut of them).
func noiseInterval(y, e float64, cut func(k int) float64, ncut int) (lo, hi float64) {
	k := int(math.Round(y))
	lo, hi = math.Inf(-1), math.Inf(1)
	if k >= 1 && k-1 < ncut {
		lo = cut(k-1) - e
	}
	if k < ncut {
		hi = cut(k) - e
	}
	return lo, hi
}

// cutsOf returns, per cutpoint k of threshold node v, its values at the
// block's draws.
func (wk *worker) cutsOf(v, m int) [][]float64 {
	n := wk.s.nodes[v]
	if n.thr == nil {
		return nil
	}
	cuts := make([][]float64, n.ncut)
	for k := range cuts {
		cuts[k] = make([]float64, m)
		for i := range m {
			cuts[k][i] = n.thr.Cut(wk.parAt(v, i), k)
		}
	}
	return cuts
}

// abduct records node v's noise at row r, period h, from its factual linear
// predictor (already in eF) and its observed value. For the outcome it
// keeps the interval (its expected counterfactual is computed exactly); for
// any other node it draws the noise.
func (wk *worker) abduct(v, r, h, c, lo, hi int, isOutcome bool) {
	n := wk.s.nodes[v]
	m := hi - lo
	eF := wk.eF[h][v][:m]
	eps := wk.eps[h][v][:m]
	y := n.obs[r]
	yd := wk.imputedDraws(v, r, c, lo, hi) // per draw where imputed
	cuts := wk.cutsOf(v, m)
	for i := 0; i < m; i++ {
		if yd != nil {
			y = yd[i]
		}
		if n.thr == nil {
			par := wk.parAt(v, i)
			if !n.fam.Support(par).Discrete {
				eps[i] = n.fam.CDF(y, eF[i], par)
				if isOutcome {
					wk.epsHi[h][i] = eps[i]
				}
				continue
			}
			a, b := n.fam.CDF(y-1, eF[i], par), n.fam.CDF(y, eF[i], par)
			if isOutcome {
				eps[i], wk.epsHi[h][i] = a, b
			} else {
				eps[i] = a + (b-a)*wk.rngs[i].Float64()
			}
			continue
		}
		a, b := noiseInterval(y, eF[i], func(k int) float64 { return cuts[k][i] }, len(cuts))
		if isOutcome {
			eps[i], wk.epsHi[h][i] = a, b
			continue
		}
		u := wk.rngs[i].Float64()
		for u == 0 {
			u = wk.rngs[i].Float64()
		}
		eps[i] = truncLogistic(a, b, u)
	}
}

// sampleCF writes the change of node v's value when its linear predictor
// moves from eF by de, keeping the unit's abducted noise.
func (wk *worker) sampleCF(v, r, h, c, lo, hi int, eF, de, out []float64) {
	n := wk.s.nodes[v]
	m := hi - lo
	eps := wk.eps[h][v][:m]
	y := n.obs[r]
	yd := wk.imputedDraws(v, r, c, lo, hi)
	cuts := wk.cutsOf(v, m)
	for i := range out {
		if yd != nil {
			y = yd[i]
		}
		e := eF[i] + de[i]
		var ycf float64
		if n.thr != nil {
			for k := range cuts {
				if cuts[k][i] < e+eps[i] {
					ycf++
				}
			}
		} else {
			ycf = n.fam.Quantile(eps[i], e, wk.parAt(v, i))
		}
		out[i] = ycf - y
	}
}

// expectedCF writes E[y_cf | the unit's noise interval] − y for the
// outcome: the counterfactual's expectation over the noise consistent with
// the observed value, computed exactly.
func (wk *worker) expectedCF(v, r, h, c, lo, hi int, eF, de, out []float64) {
	n := wk.s.nodes[v]
	m := hi - lo
	a, b := wk.eps[h][v][:m], wk.epsHi[h][:m]
	y := n.obs[r]
	yd := wk.imputedDraws(v, r, c, lo, hi)
	cuts := wk.cutsOf(v, m)
	for i := range out {
		if yd != nil {
			y = yd[i]
		}
		e := eF[i] + de[i]
		var ev float64
		if n.thr != nil {
			for k := range cuts {
				ev += condExceed(a[i], b[i], cuts[k][i]-e)
			}
		} else {
			ev = quantileMean(n.fam, a[i], b[i], e, wk.parAt(v, i))
		}
		out[i] = ev - y
	}
}

// quantileMean is E[Quantile(U; e)] for U uniform on [a, b): for a
// discrete family lower + Σ_{k ≥ lower} P(U ≥ F(k; e)), exactly; for a
// continuous one (or a = b) the quantile at a.
func quantileMean(f sem.Family, a, b, e float64, par []float64) float64 {
	width := b - a
	sup := f.Support(par)
	if width <= 0 || !sup.Discrete {
		return f.Quantile(a, e, par)
	}
	// Y > k exactly when F(k) ≤ U; the sum stops at the first k with
	// F(k) ≥ b, at most Quantile(b) (the smallest k with F(k) > b).
	last := f.Quantile(math.Nextafter(b, 0), e, par)
	ev := sup.Lower
	for k := sup.Lower; k <= last; k++ {
		F := f.CDF(k, e, par)
		if F >= b {
			break
		}
		ev += (b - math.Max(a, F)) / width
	}
	return ev
}

// condExceed is P(ε > t | a < ε ≤ b) for standard logistic ε.
func condExceed(a, b, t float64) float64 {
	den := probBetween(a, b)
	if den <= 0 {
		// No mass at double precision: use the interval's finite end.
		e := a
		if math.IsInf(a, -1) {
			e = b
		}
		if e > t {
			return 1
		}
		return 0
	}
	return probBetween(math.Max(a, t), b) / den
}
