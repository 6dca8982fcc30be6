package query

import (
	"math"
	"sort"
)

// latMean returns the structural mean of latent node v at row r (its
// equation without its noise: a latent has no intercept of its own), for a
// latent whose values were not kept.
func (wk *worker) latMean(v, r, c, lo, hi int) []float64 {
	out := wk.muBuf[v][:hi-lo]
	wk.linPred(v, r, c, lo, hi, out)
	return out
}

// noiseKey is a latent node's own noise at a lag.
type noiseKey struct{ node, lag int }

// addNoise adds to acc the noise that latent v (at lag periods back)
// carries, scaled by coef: its own and, through its latent parents whose
// values were not kept, theirs.
func (wk *worker) addNoise(v, lag int, coef []float64, acc map[noiseKey][]float64, c, lo, hi int) {
	k := noiseKey{v, lag}
	a := acc[k]
	if a == nil {
		a = make([]float64, len(coef))
		acc[k] = a
	}
	add(a, coef)
	for _, t := range wk.s.nodes[v].terms {
		if q := wk.s.nodes[t.parent]; q.kind == kindLatent && !q.etaOK {
			b := wk.col(c, t.b, lo, hi)
			sc := make([]float64, len(coef))
			for i := range sc {
				sc[i] = coef[i] * b[i]
			}
			wk.addNoise(t.parent, lag+t.lag, sc, acc, c, lo, hi)
		}
	}
}

// quadSetup computes, for this block of draws, the sd s of the noise that
// node v's linear predictor inherits from latent parents whose values were
// not kept, and each draw's quadrature over it: the cheapest rule whose
// error bound covers that draw's s (pickRule), as factors exp(−s·z_q) and
// weights w_q packed in qz[v], qw[v] from qoff[v][i] to qoff[v][i+1] (for
// a family that meanOf sees on the eta scale, the shifts s·z_q). An
// ExpMean node (poisson) needs no quadrature: E[exp(eta + s·Z)] =
// exp(eta)·exp(s²/2), one factor of weight 1.
func (wk *worker) quadSetup(v, c, lo, hi int) {
	s := wk.s
	m := hi - lo
	acc := map[noiseKey][]float64{}
	for _, t := range s.nodes[v].terms {
		if q := s.nodes[t.parent]; q.kind == kindLatent && !q.etaOK {
			wk.addNoise(t.parent, t.lag, wk.col(c, t.b, lo, hi), acc, c, lo, hi)
		}
	}
	// Sum the variances in a fixed order (map order is random).
	keys := make([]noiseKey, 0, len(acc))
	for k := range acc {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].node != keys[b].node {
			return keys[a].node < keys[b].node
		}
		return keys[a].lag < keys[b].lag
	})
	vr := wk.tmp[:m]
	clear(vr)
	for _, k := range keys {
		a := acc[k]
		for i := range vr {
			vr[i] += a[i] * a[i]
		}
	}
	qz, qw, off := wk.qz[v][:0], wk.qw[v][:0], wk.qoff[v][:0]
	n := s.nodes[v]
	for i := range vr {
		off = append(off, len(qz))
		if n.expm != nil {
			qz = append(qz, math.Exp(vr[i]/2))
			qw = append(qw, 1)
			continue
		}
		sd := math.Sqrt(vr[i])
		rule := pickRule(sd)
		for q, z := range rule.z {
			if n.thr != nil {
				qz = append(qz, math.Exp(-sd*z))
			} else {
				qz = append(qz, sd*z)
			}
			qw = append(qw, rule.w[q])
		}
	}
	off = append(off, len(qz))
	wk.qz[v], wk.qw[v], wk.qoff[v] = qz, qw, off
}

func add(dst, x []float64) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] += x[i]
	}
}

func axpy(dst []float64, a float64, x []float64) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] += a * x[i]
	}
}
