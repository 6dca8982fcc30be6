package query

import "math"

// factualMean caches exp(∓eF) and the factual expected value m(eF) of
// nonlinear node v at period h (integrated over the noise of latent
// parents whose values were not kept).
func (wk *worker) factualMean(v, h, m int) {
	n := wk.s.nodes[v]
	eF, e0, m0 := wk.eF[h][v][:m], wk.e0[h][v][:m], wk.m0[h][v][:m]
	sgn := -1.0
	if n.fam == famPoisson {
		sgn = 1
	}
	for i := range eF {
		e0[i] = fastExp(sgn * eF[i])
	}
	if wk.p.marg[v] {
		wk.quadMean(v, e0, nil, m0)
		return
	}
	switch n.fam {
	case famBernoulli:
		for i := range eF {
			m0[i] = 1 / (1 + e0[i])
		}
	case famPoisson:
		copy(m0, e0)
	case famOrdered:
		ordMeans(m0, e0, nil, nil, wk.expC[v], len(n.cuts))
	}
}

// quadMean writes Σ_q w_q·m(e·E·z_q) into out: node v's expected value at
// exp(∓eta) = e·E (E nil: 1) integrated over the inherited latent noise.
func (wk *worker) quadMean(v int, e, E, out []float64) {
	n := wk.s.nodes[v]
	zq, wq := wk.zq[v], wk.wq[v]
	m := len(out)
	base, x, val := wk.qa[:m], wk.qb[:m], wk.qc[:m]
	copy(base, e)
	if E != nil {
		for i := range base {
			base[i] *= E[i]
		}
	}
	clear(out)
	for q, w := range wq {
		z := zq[q][:m]
		for i := range x {
			x[i] = base[i] * z[i]
		}
		switch n.fam {
		case famBernoulli:
			for i := range out {
				out[i] += w / (1 + x[i])
			}
		case famPoisson:
			for i := range out {
				out[i] += w * x[i]
			}
		case famOrdered:
			ordMeans(val, x, nil, nil, wk.expC[v], len(n.cuts))
			for i := range out {
				out[i] += w * val[i]
			}
		}
	}
}

// ordMean is E[y] = Σ_k P(y ≥ k) = Σ_k 1/(1 + exp(c_k)·e) for an ordered
// node with e = exp(−eta), ec[k] = exp(c_k): summed as one fraction (one
// division), or term by term should the denominator overflow.
func ordMean(e float64, ec []float64) float64 {
	if len(ec) == 4 {
		// The 0–4 policy scales: unrolled.
		d0, d1, d2, d3 := 1+ec[0]*e, 1+ec[1]*e, 1+ec[2]*e, 1+ec[3]*e
		p01, p23 := d0*d1, d2*d3
		den := p01 * p23
		if den < 1e300 {
			return ((d0+d1)*p23 + (d2+d3)*p01) / den
		}
	}
	num, den := 0.0, 1.0
	for _, c := range ec {
		d := 1 + c*e
		num = num*d + den
		den *= d
	}
	if den < 1e300 {
		return num / den
	}
	s := 0.0
	for _, c := range ec {
		s += 1 / (1 + c*e)
	}
	return s
}

// meanChange writes m(eF + de) − m(eF) for node v's mean function m in
// world w at period h, from the cached factual values.
func (wk *worker) meanChange(w, h, v int, de, out []float64) {
	n := wk.s.nodes[v]
	m := len(out)
	e0, m0 := wk.e0[h][v][:m], wk.m0[h][v][:m]
	// E[i] = exp(−de) (exp(de) for poisson), once per block when de is the
	// same at every row.
	sgn := -1.0
	if n.fam == famPoisson {
		sgn = 1
	}
	var E []float64
	if cache := wk.expDe[w][h][v]; cache != nil {
		E = cache[:m]
		if !wk.have[w][h][v] {
			for i := range E {
				E[i] = fastExp(sgn * de[i])
			}
			wk.have[w][h][v] = true
		}
	}
	if wk.p.marg[v] {
		if E == nil {
			E = wk.tmp2[:m]
			for i := range E {
				E[i] = fastExp(sgn * de[i])
			}
		}
		wk.quadMean(v, e0, E, out)
		for i := range out {
			out[i] -= m0[i]
		}
		return
	}
	if E == nil {
		E = wk.tmp2[:m]
		for i := range E {
			E[i] = fastExp(sgn * de[i])
		}
	}
	switch n.fam {
	case famBernoulli:
		for i := range out {
			out[i] = 1/(1+e0[i]*E[i]) - m0[i]
		}
	case famPoisson:
		for i := range out {
			out[i] = e0[i]*E[i] - m0[i]
		}
	case famOrdered:
		ordMeans(out, e0, E, m0, wk.expC[v], len(n.cuts))
	}
}

// ordMeans writes ordMean(e[i]·E[i]) − sub[i] into out[i] (E, sub may be
// nil), with ec[i·K+k] = exp(c_k) at draw i.
func ordMeans(out, e, E, sub, ec []float64, K int) {
	if K != 4 {
		for i := range out {
			x := e[i]
			if E != nil {
				x *= E[i]
			}
			v := ordMean(x, ec[i*K:(i+1)*K])
			if sub != nil {
				v -= sub[i]
			}
			out[i] = v
		}
		return
	}
	ec = ec[:4*len(out)]
	for i := range out {
		x := e[i]
		if E != nil {
			x *= E[i]
		}
		c := ec[4*i : 4*i+4 : 4*i+4]
		d0, d1, d2, d3 := 1+c[0]*x, 1+c[1]*x, 1+c[2]*x, 1+c[3]*x
		p01, p23 := d0*d1, d2*d3
		den := p01 * p23
		var v float64
		if den < 1e300 {
			v = ((d0+d1)*p23 + (d2+d3)*p01) / den
		} else {
			v = 1/d0 + 1/d1 + 1/d2 + 1/d3
		}
		if sub != nil {
			v -= sub[i]
		}
		out[i] = v
	}
}

func logistic(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}
