package query

import "math"

// Abduction for the discrete families. A bernoulli or ordered node is read
// as a threshold model: y is the number of cutpoints below eta + ε, with ε
// standard logistic (bernoulli: one cutpoint at 0). Given the observed y,
// ε lies in an interval (lo, hi]; a unit's noise is drawn from the logistic
// truncated to it. A poisson node is coupled through a uniform U: y is the
// smallest k with F(k; λ) > U, so U lies in [F(y−1; λ), F(y; λ)).

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

// interval returns node v's noise interval (lo, hi] at one draw, given its
// factual linear predictor e, its observed category y and the draw's
// cutpoints cut (ordered only).
func noiseInterval(fam family, y, e float64, cut func(k int) float64, ncut int) (lo, hi float64) {
	switch fam {
	case famBernoulli:
		if y >= 0.5 {
			return -e, math.Inf(1)
		}
		return math.Inf(-1), -e
	case famOrdered:
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
	return math.NaN(), math.NaN()
}

// poissonCDF is P(Y ≤ k) for Y ~ poisson(lambda); 0 for k < 0.
func poissonCDF(k int, lambda float64) float64 {
	if k < 0 {
		return 0
	}
	if lambda <= 0 {
		return 1
	}
	ll := math.Log(lambda)
	s := 0.0
	for i := 0; i <= k; i++ {
		lg, _ := math.Lgamma(float64(i + 1))
		s += math.Exp(float64(i)*ll - lambda - lg)
	}
	return math.Min(s, 1)
}

// poissonQuantile is the smallest k with P(Y ≤ k) > u.
func poissonQuantile(u, lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	ll := math.Log(lambda)
	s := 0.0
	limit := int(lambda + 60*math.Sqrt(lambda) + 100)
	for k := 0; k < limit; k++ {
		lg, _ := math.Lgamma(float64(k + 1))
		s += math.Exp(float64(k)*ll - lambda - lg)
		if s > u {
			return float64(k)
		}
	}
	return float64(limit)
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
	var cuts [][]float64
	for _, cj := range n.cuts {
		cuts = append(cuts, wk.col(c, cj, lo, hi))
	}
	for i := 0; i < m; i++ {
		if n.fam == famPoisson {
			lam := math.Exp(eF[i])
			k := int(math.Round(y))
			a, b := poissonCDF(k-1, lam), poissonCDF(k, lam)
			if isOutcome {
				eps[i], wk.epsHi[h][i] = a, b
			} else {
				eps[i] = a + (b-a)*wk.rngs[i].Float64()
			}
			continue
		}
		a, b := noiseInterval(n.fam, y, eF[i], func(k int) float64 { return cuts[k][i] }, len(cuts))
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
	var cuts [][]float64
	for _, cj := range n.cuts {
		cuts = append(cuts, wk.col(c, cj, lo, hi))
	}
	for i := range out {
		e := eF[i] + de[i]
		var ycf float64
		switch n.fam {
		case famBernoulli:
			if e+eps[i] > 0 {
				ycf = 1
			}
		case famOrdered:
			for k := range cuts {
				if cuts[k][i] < e+eps[i] {
					ycf++
				}
			}
		case famPoisson:
			ycf = poissonQuantile(eps[i], math.Exp(e))
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
	var cuts [][]float64
	for _, cj := range n.cuts {
		cuts = append(cuts, wk.col(c, cj, lo, hi))
	}
	for i := range out {
		e := eF[i] + de[i]
		var ev float64
		switch n.fam {
		case famBernoulli:
			ev = condExceed(a[i], b[i], -e)
		case famOrdered:
			for k := range cuts {
				ev += condExceed(a[i], b[i], cuts[k][i]-e)
			}
		case famPoisson:
			// E[y_cf] = Σ_k P(U ≥ F(k; λ')) over U uniform on [a, b).
			lam := math.Exp(e)
			width := b[i] - a[i]
			if width <= 0 {
				ev = poissonQuantile(a[i], lam)
				break
			}
			ll := math.Log(lam)
			F := 0.0
			limit := int(lam + 60*math.Sqrt(lam) + 100)
			for k := 0; k < limit; k++ {
				lg, _ := math.Lgamma(float64(k + 1))
				F += math.Exp(float64(k)*ll - lam - lg)
				if F >= b[i] {
					break
				}
				ev += (b[i] - math.Max(a[i], F)) / width
			}
		}
		out[i] = ev - y
	}
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
