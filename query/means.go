package query

import "math"

// fusedMeans computes node v's factual expected value m(eF) at one row
// (into m0, integrated over the noise of latent parents whose values were
// not kept) and, in the same call, the change m(eF + de) − m(eF) in every
// world of p.fuse[h][v]: those whose change of the linear predictor de is
// the same at every row, so that de (and exp(∓de)) is computed once per
// block of draws.
func (wk *worker) fusedMeans(h, v, c, lo, hi int) {
	m := hi - lo
	ws := wk.p.fuse[h][v]
	des, outs := wk.fE[:0], wk.fOut[:0]
	for _, w := range ws {
		de := wk.deC[w][h][v][:m]
		if !wk.haveD[w][h][v] {
			wk.linChange(w, h, v, c, lo, hi, de)
			wk.haveD[w][h][v] = true
		}
		if v == wk.j.outcome {
			copy(wk.deta[w][h][:m], de)
		}
		des, outs = append(des, de), append(outs, wk.delta[w][h][v][:m])
	}
	wk.fE, wk.fOut = des, outs
	eF, m0 := wk.eF[h][v][:m], wk.m0[h][v][:m]
	if wk.tabLo[v] != nil {
		wk.tabMeans(v, eF, m0, des, outs)
		return
	}
	sgn := wk.s.nodes[v].expSign()
	e0 := wk.e0[h][v][:m]
	expOrCopy(e0, eF, sgn)
	wk.meanOf(v, e0, nil, nil, m0)
	for k, w := range ws {
		E := wk.expDe[w][h][v][:m]
		if !wk.have[w][h][v] {
			expOrCopy(E, des[k], sgn)
			wk.have[w][h][v] = true
		}
		wk.meanOf(v, e0, E, m0, outs[k])
	}
}

// expSign is how the mean functions see node n's linear predictor eta:
// as exp(−eta) for a threshold family (−1), exp(eta) for an ExpMean family
// (+1), and as eta itself for any other family (0).
func (n *sysNode) expSign() float64 {
	switch {
	case n.thr != nil:
		return -1
	case n.expm != nil:
		return 1
	}
	return 0
}

// expOrCopy writes exp(sgn·x) into dst, or x itself when sgn is 0.
func expOrCopy(dst, x []float64, sgn float64) {
	if sgn == 0 {
		copy(dst, x[:len(dst)])
		return
	}
	expSlice(dst, x, sgn)
}

// meanOf writes m(e∘E) − sub into out for nonlinear node v, where e and E
// are its factual linear predictor and the change of it as expSign sees
// them (e∘E is e·E for the exponential forms, e + E otherwise) and m the
// family's expected value: Σ_k 1/(1 + exp(c_k)·x) for a threshold family
// (bernoulli: one cutpoint at 0), scale·x for an ExpMean family, the
// family's Mean otherwise. E and sub are nil for the factual mean. A node
// whose latent parents' values were not kept is integrated over their
// noise.
func (wk *worker) meanOf(v int, e, E, sub, out []float64) {
	n := wk.s.nodes[v]
	if wk.p.marg[v] {
		wk.quadMean(v, e, E, sub, out)
		return
	}
	switch {
	case n.thr != nil:
		ordMeans(out, e, E, sub, wk.expC[v], n.ncut)
	case n.expm != nil:
		sc := wk.expC[v][:len(out)]
		e = e[:len(out)]
		if E == nil {
			for i := range out {
				out[i] = e[i] * sc[i]
			}
			return
		}
		E, sub = E[:len(out)], sub[:len(out)]
		for i := range out {
			out[i] = e[i]*E[i]*sc[i] - sub[i]
		}
	default:
		e = e[:len(out)]
		for i := range out {
			x := e[i]
			if E != nil {
				x += E[i]
			}
			mv := n.fam.Mean(x, wk.parAt(v, i))
			if sub != nil {
				mv -= sub[i]
			}
			out[i] = mv
		}
	}
}

// quadMean writes Σ_q w_q·m(e∘E∘z_q) − sub into out (E, sub may be nil):
// node v's expected value at e∘E (as in meanOf) integrated over the noise it
// inherits from latent parents whose values were not kept, with draw i's
// own rule (factors z_q = exp(−s·node_q), or shifts s·node_q for a family
// seen on the eta scale, and weights w_q, set up by quadSetup).
func (wk *worker) quadMean(v int, e, E, sub, out []float64) {
	n := wk.s.nodes[v]
	qz, qw, off := wk.qz[v], wk.qw[v], wk.qoff[v]
	ec := wk.expC[v]
	K := n.ncut
	e = e[:len(out)]
	off = off[:len(out)+1]
	for i := range out {
		z, w := qz[off[i]:off[i+1]], qw[off[i]:off[i+1]]
		w = w[:len(z)]
		acc := 0.0
		switch {
		case n.thr == nil && n.expm == nil:
			b := e[i]
			if E != nil {
				b += E[i]
			}
			par := wk.parAt(v, i)
			for q, zz := range z {
				acc += w[q] * n.fam.Mean(b+zz, par)
			}
		case n.expm != nil:
			b := e[i]
			if E != nil {
				b *= E[i]
			}
			for q, zz := range z {
				acc += w[q] * (b * zz)
			}
			acc *= ec[i]
		case K == 1:
			b := e[i]
			if E != nil {
				b *= E[i]
			}
			c := ec[i]
			for q, zz := range z {
				acc += w[q] / (1 + c*(b*zz))
			}
		case K == 4:
			b := e[i]
			if E != nil {
				b *= E[i]
			}
			c := ec[4*i : 4*i+4 : 4*i+4]
			c0, c1, c2, c3 := c[0], c[1], c[2], c[3]
			for q, zz := range z {
				acc += w[q] * ord4(c0, c1, c2, c3, b*zz)
			}
		default:
			b := e[i]
			if E != nil {
				b *= E[i]
			}
			cs := ec[i*K : (i+1)*K]
			for q, zz := range z {
				acc += w[q] * ordMean(b*zz, cs)
			}
		}
		if sub != nil {
			acc -= sub[i]
		}
		out[i] = acc
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
// world w at period h, from the cached factual values (for a world whose
// de differs by row; fusedMeans handles the others).
func (wk *worker) meanChange(w, h, v int, de, out []float64) {
	n := wk.s.nodes[v]
	m := len(out)
	e0, m0 := wk.e0[h][v][:m], wk.m0[h][v][:m]
	if wk.tabLo[v] != nil {
		// Rewrites m0 with the same bits.
		wk.fE, wk.fOut = append(wk.fE[:0], de), append(wk.fOut[:0], out)
		wk.tabMeans(v, wk.eF[h][v][:m], m0, wk.fE, wk.fOut)
		return
	}
	// E[i] = exp(∓de) (or de, see expSign), once per block when de is the
	// same at every row.
	sgn := n.expSign()
	var E []float64
	if cache := wk.expDe[w][h][v]; cache != nil {
		E = cache[:m]
		if !wk.have[w][h][v] {
			expOrCopy(E, de, sgn)
			wk.have[w][h][v] = true
		}
	} else {
		E = wk.tmp2[:m]
		expOrCopy(E, de, sgn)
	}
	wk.meanOf(v, e0, E, m0, out)
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
	e = e[:len(out)]
	if E != nil {
		E = E[:len(out)]
	}
	if sub != nil {
		sub = sub[:len(out)]
	}
	for i := range out {
		x := e[i]
		if E != nil {
			x *= E[i]
		}
		c := ec[4*i : 4*i+4 : 4*i+4]
		v := ord4(c[0], c[1], c[2], c[3], x)
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

// ord4 is the ordered family's mean Σ_k 1/(1 + exp(c_k)·x) for four
// cutpoints (c0 … c3 are exp(c_k), x is exp(−eta)), with one division:
// the sum over a common denominator, or in two pairs where that product
// would overflow.
func ord4(c0, c1, c2, c3, x float64) float64 {
	d0, d1, d2, d3 := 1+c0*x, 1+c1*x, 1+c2*x, 1+c3*x
	p01, p23 := d0*d1, d2*d3
	if den := p01 * p23; den < 1e300 {
		return ((d0+d1)*p23 + (d2+d3)*p01) / den
	}
	return (d0+d1)/p01 + (d2+d3)/p23
}
