package query

import "math"

// An ordered node's expected value at a draw is G(t) = Σ_q w_q Σ_k 1/(1 +
// exp(c_k − t)·z_q) as a function of its linear predictor t: one term per
// cutpoint, and, where its latent parents' values were not kept, averaged
// over the latent noise by quadrature (factors z_q = exp(−s·node_q); a
// one-point rule otherwise). A population query evaluates G at every row
// and world: thousands of times per draw. Instead, each draw's G is
// tabulated once per block of draws, with its derivative, on a grid of
// step tabStep from c_0 − tabReach to c_{K−1} + tabReach, and read by cubic
// Hermite interpolation; outside the grid G is computed exactly. The
// interpolation error is at most tabStep⁴/384 · max|G⁗| ≤ tabStep⁴/384 ·
// K · 0.128 (the largest fourth derivative of the logistic function):
// 2e-8 for K = 4 with a step of 1/16. TestMeanTable checks it against the
// exact sum.
const (
	tabStep  = 1.0 / 16
	tabReach = 10.0
)

// tabulate enables the tables; tests turn it off to compare with the exact
// sums.
var tabulate = true

// tabSetup tabulates, for draws lo … hi−1 of chain c, the expected value G
// of ordered node v and tabStep·G′ at tabLo[v][i] + k·tabStep, k = 0 … n−1,
// interleaved in tab[v][i·2n:], after quadSetup has set the draws'
// quadrature rules.
func (wk *worker) tabSetup(v, c, lo, hi int) {
	n := wk.s.nodes[v]
	m, K := hi-lo, n.ncut
	// Each draw has its own grid (and reads only it, whatever the block);
	// the block's rows are as long as the longest.
	tlo, last := wk.tabLo[v][:m], wk.tabLast[v][:m]
	size := 0
	for i := 0; i < m; i++ {
		par := wk.parAt(v, i)
		c0, cK := n.thr.Cut(par, 0), n.thr.Cut(par, K-1)
		np := tabPoints(c0, cK)
		tlo[i], last[i] = c0-tabReach, float64(np-1)
		size = max(size, np)
	}
	wk.tabN[v] = size
	if cap(wk.tab[v]) < 2*size*m {
		wk.tab[v] = make([]float64, 2*size*m)
	}
	tab := wk.tab[v][:2*size*m]
	qz, qw, off := wk.qz[v], wk.qw[v], wk.qoff[v]
	ec := wk.expC[v]
	for i := 0; i < m; i++ {
		z, w := qz[off[i]:off[i+1]], qw[off[i]:off[i+1]]
		w = w[:len(z)]
		cs := ec[i*K : (i+1)*K]
		row := tab[2*size*i : 2*size*(i+1)]
		for k := range int(last[i]) + 1 {
			x := math.Exp(-(tlo[i] + float64(k)*tabStep))
			g, dg := 0.0, 0.0
			for q, zz := range z {
				y := x * zz
				gq, dq := 0.0, 0.0
				for _, e := range cs {
					p := 1 / (1 + e*y)
					gq += p
					dq += p * (1 - p)
				}
				g += w[q] * gq
				dg += w[q] * dq
			}
			row[2*k], row[2*k+1] = g, dg*tabStep
		}
	}
}

// tabPoints is the number of grid points from c0 − tabReach to
// cK + tabReach (one past, so that every t below the end has a cell).
func tabPoints(c0, cK float64) int {
	if !(cK >= c0) || math.IsInf(cK-c0, 0) {
		return 2 // degenerate cutpoints: everything is computed exactly
	}
	return int(math.Ceil((cK-c0+2*tabReach)/tabStep)) + 2
}

// tabMeans writes node v's factual mean G_i(eta[i]) into m0[i] and each
// world k's change outs[k][i] = G_i(eta[i] + des[k][i]) − m0[i], from the
// table where the point lies on it and exactly elsewhere (and for NaN). The
// fused pass and the world-by-world path both call it, so they give the
// same bits.
func (wk *worker) tabMeans(v int, eta, m0 []float64, des, outs [][]float64) {
	m := len(m0)
	eta = eta[:m]
	wk.tabEval(v, eta, nil, nil, m0)
	for k, de := range des {
		wk.tabEval(v, eta, de[:m], m0, outs[k][:m])
	}
}

// tabEval writes G_i(eta[i] + de[i]) − sub[i] into out[i] (de and sub may
// be nil; all have out's length).
func (wk *worker) tabEval(v int, eta, de, sub, out []float64) {
	m := len(out)
	size := wk.tabN[v]
	tab, tlo, last := wk.tab[v][:2*size*m], wk.tabLo[v][:m], wk.tabLast[v][:m]
	eta = eta[:m]
	for i := range out {
		t := eta[i]
		if de != nil {
			t += de[i]
		}
		var g float64
		if u := (t - tlo[i]) * (1 / tabStep); u >= 0 && u < last[i] {
			// Cubic Hermite on the cell [j, j+1]: values c[0], c[2],
			// derivatives (times the step) c[1], c[3].
			j := int(u)
			f := u - float64(j)
			o := 2*size*i + 2*j
			c := tab[o : o+4 : o+4]
			g = c[0] + f*(c[1]+f*(3*(c[2]-c[0])-2*c[1]-c[3]+f*(2*(c[0]-c[2])+c[1]+c[3])))
		} else {
			g = wk.exactMean(v, i, t)
		}
		if sub != nil {
			g -= sub[i]
		}
		out[i] = g
	}
}

// exactMean is G_i(t) by the quadrature sum, for draw i of the block.
func (wk *worker) exactMean(v, i int, t float64) float64 {
	K := wk.s.nodes[v].ncut
	off := wk.qoff[v]
	z, w := wk.qz[v][off[i]:off[i+1]], wk.qw[v][off[i]:off[i+1]]
	cs := wk.expC[v][i*K : (i+1)*K]
	x := math.Exp(-t)
	g := 0.0
	for q, zz := range z {
		g += w[q] * ordMean(x*zz, cs)
	}
	return g
}
