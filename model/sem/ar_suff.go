package sem

import "math"

// Sufficient statistics for AR(1) residuals. When every term of a gaussian
// AR equation is an observed column (no latent parents, period effects,
// offsets, varying slopes or imputed parent values in its rows), the
// innovation of row i, whose residual follows that of row p across a gap
// of k periods (k = 0: the unit's first row, P_0 = 0), is linear in the
// coefficients c = (1, −b) and the group offset o_j:
//
//	r_i = c·(a_i − P_k·a_p) − (1 − P_k)·õ_j,   a = (ỹ, x̃), õ_j = o_j − ȳ_j,
//
// with ỹ and x̃ centred within group (a unit's rows all lie in one group,
// and centring y there keeps the sums below free of cancellation). So
// Σ_{i∈k} r_i² = c·M_k·c − 2(1−P_k)·Σ_j õ_j·c·m_jk + (1−P_k)²·Σ_j n_jk·õ_j²
// with M_k = A_k − P_k·(B_k + B_kᵀ) + P_k²·C_k, A_k = Σ a_i a_iᵀ,
// B_k = Σ a_i a_pᵀ, C_k = Σ a_p a_pᵀ over the rows of gap k, and
// m_jk = s0_jk − P_k·s1_jk, s0 = Σ a_i, s1 = Σ a_p over the rows of unit j
// and gap k. The cost is O(K·q² + pairs·q) per gradient (q = 1 + the
// columns, pairs the (unit, gap) combinations that occur) instead of the
// row loop's O(rows); arSuffLik is exact, tested against arLik.

// arSuff holds an AR equation's sufficient statistics.
type arSuff struct {
	q      int       // 1 + observed columns
	gaps   []int32   // the gaps k that occur
	A, S   []float64 // per gap in gaps: A_k and B_k + B_kᵀ, q×q
	C      []float64 // per gap: C_k (zero for k = 0)
	pJ     []int32   // per (unit, gap) pair: group
	pK     []int32   // its gap k
	pN     []float64 // its rows
	pS     []float64 // its s0 then s1, 2q each
	ybar   []float64 // per group: mean response
	nrows  float64
	counts []float64 // per gap in gaps: rows
}

// arSuffOK reports whether e's AR likelihood can use sufficient statistics.
func (e *equation) arSuffOK() bool {
	_, gauss := e.fam.(Gaussian)
	return e.ar != nil && gauss && e.kind == kindObserved && e.cond == nil && len(e.lat) == 0 &&
		e.time == TimeNone && e.off == nil && len(e.vary) == 0 && len(e.miX) == 0 && len(e.obsTerm) == len(e.terms)
}

// buildARSuff computes the sufficient statistics from the rows (grp: each
// row's group; xw: the within-group centred columns).
func (e *equation) buildARSuff(xw []float64, grp []int32) {
	n, p := e.n, e.p
	q := 1 + p
	s := &arSuff{q: q, ybar: make([]float64, e.J), nrows: float64(n)}
	cnt := make([]float64, e.J)
	for i, g := range grp {
		s.ybar[g] += e.y[i]
		cnt[g]++
	}
	for j := range s.ybar {
		if cnt[j] > 0 {
			s.ybar[j] /= cnt[j]
		}
	}
	a := func(i int, out []float64) {
		out[0] = e.y[i] - s.ybar[grp[i]]
		for k := 0; k < p; k++ {
			out[1+k] = xw[k*n+i]
		}
	}
	K := e.ar.maxGap + 1
	slot := make([]int, K)
	for k := range slot {
		slot[k] = -1
	}
	for k := 0; k < K; k++ {
		if e.ar.count[k] > 0 {
			slot[k] = len(s.gaps)
			s.gaps = append(s.gaps, int32(k))
			s.counts = append(s.counts, e.ar.count[k])
		}
	}
	G := len(s.gaps)
	s.A, s.S, s.C = make([]float64, G*q*q), make([]float64, G*q*q), make([]float64, G*q*q)
	pair := map[[2]int32]int{}
	ai, ap := make([]float64, q), make([]float64, q)
	for i := 0; i < n; i++ {
		k := e.ar.gap[i]
		pi := int(e.ar.prev[i])
		sl := slot[k]
		a(i, ai)
		if k > 0 {
			a(pi, ap)
		} else {
			clear(ap)
		}
		A, S, C := s.A[sl*q*q:(sl+1)*q*q], s.S[sl*q*q:(sl+1)*q*q], s.C[sl*q*q:(sl+1)*q*q]
		for u := 0; u < q; u++ {
			for v := 0; v < q; v++ {
				A[u*q+v] += ai[u] * ai[v]
				S[u*q+v] += ai[u]*ap[v] + ap[u]*ai[v]
				C[u*q+v] += ap[u] * ap[v]
			}
		}
		key := [2]int32{grp[i], k}
		at, ok := pair[key]
		if !ok {
			at = len(s.pJ)
			pair[key] = at
			s.pJ, s.pK, s.pN = append(s.pJ, grp[i]), append(s.pK, k), append(s.pN, 0)
			s.pS = append(s.pS, make([]float64, 2*q)...)
		}
		s.pN[at]++
		for u := 0; u < q; u++ {
			s.pS[at*2*q+u] += ai[u]
			s.pS[at*2*q+q+u] += ap[u]
		}
	}
	e.arS = s
}

// arSuffScratch is the working space arSuffLik needs: c, its gradient,
// and A·c, S·c, C·c.
func arSuffScratch(e *equation) []float64 {
	if e.arS == nil {
		return nil
	}
	return make([]float64, 5*e.arS.q)
}

// arSuffLik is arLik from the sufficient statistics (see the top of this
// file): the log likelihood, its gradient in log sigma and atanh(rho)
// into g, in the group offsets into w.do and in the strengths into w.gb.
func (e *equation) arSuffLik(x, g []float64, w *scratch) float64 {
	s := e.arS
	q := s.q
	sg := x[e.famOff]
	prec := math.Exp(-2 * sg)
	K := e.ar.maxGap + 1
	e.arTables(x[e.arOff], w.ar)
	P, dP, W, dW, logW := w.ar[:K], w.ar[K:2*K], w.ar[2*K:3*K], w.ar[3*K:4*K], w.ar[4*K:5*K]
	c, gc, vA, vS, vC := w.arc[:q], w.arc[q:2*q], w.arc[2*q:3*q], w.arc[3*q:4*q], w.arc[4*q:5*q]
	c[0] = 1
	for k := 1; k < q; k++ {
		c[k] = -w.bx[k-1]
	}
	clear(gc)
	// ss = Σ_k W_k·Q_k; drho = d(Σ_k W_k·Q_k)/drho; lw = Σ_k n_k·log W_k.
	ss, drho, lw, dlw := 0.0, 0.0, 0.0, 0.0
	for sl, k := range s.gaps {
		A, S, C := s.A[sl*q*q:(sl+1)*q*q], s.S[sl*q*q:(sl+1)*q*q], s.C[sl*q*q:(sl+1)*q*q]
		cA, cS, cC := 0.0, 0.0, 0.0
		for u := 0; u < q; u++ {
			va, vs, vc := 0.0, 0.0, 0.0
			for v := 0; v < q; v++ {
				va += A[u*q+v] * c[v]
				vs += S[u*q+v] * c[v]
				vc += C[u*q+v] * c[v]
			}
			vA[u], vS[u], vC[u] = va, vs, vc
			cA += c[u] * va
			cS += c[u] * vs
			cC += c[u] * vc
		}
		pk, wk := P[k], W[k]
		quad := cA - pk*cS + pk*pk*cC
		ss += wk * quad
		drho += dW[k]*quad + wk*dP[k]*(2*pk*cC-cS)
		for u := 0; u < q; u++ {
			gc[u] += wk * (vA[u] - pk*vS[u] + pk*pk*vC[u]) // ½·d(c·M·c)/dc = M·c (S symmetric)
		}
		lw += s.counts[sl] * logW[k]
		dlw += s.counts[sl] * dW[k] / W[k]
	}
	do := w.do
	c = c[:q]
	gc = gc[:q]
	for i, j := range s.pJ {
		k := s.pK[i]
		pk, wk := P[k], W[k]
		s0 := s.pS[i*2*q : i*2*q+q]
		s0 = s0[:len(c)]
		o := w.o[j] - s.ybar[j]
		nk := s.pN[i]
		cs0 := 0.0
		for u, v := range s0 {
			cs0 += c[u] * v
		}
		if k == 0 { // a unit's first row: P = 0, W = W_0
			term := -2*o*cs0 + nk*o*o
			ss += wk * term
			drho += dW[0] * term // dP_0 = 0
			f := -wk * o
			for u, v := range s0 {
				gc[u] += f * v
			}
			do[j] += prec * wk * (cs0 - nk*o)
			continue
		}
		s1 := s.pS[i*2*q+q : (i+1)*2*q]
		s1 = s1[:len(c)]
		cs1 := 0.0
		for u, v := range s1 {
			cs1 += c[u] * v
		}
		cm := cs0 - pk*cs1
		om := 1 - pk
		term := -2*om*o*cm + om*om*nk*o*o
		ss += wk * term
		dq := 2*o*cm + 2*om*o*cs1 - 2*om*nk*o*o // d term / dP
		drho += dW[k]*term + wk*dP[k]*dq
		f := -wk * om * o
		fp := f * pk
		for u, v := range s0 {
			gc[u] += f*v - fp*s1[u]
		}
		do[j] += prec * wk * om * (cm - om*nk*o)
	}
	// d lp/db_k = −d lp/dc_{1+k} = prec·gc_{1+k}.
	for k, ti := range e.obsTerm {
		w.gb[ti] += prec * gc[1+k]
	}
	g[e.famOff] += -s.nrows + ss*prec
	g[e.arOff] += (-0.5*drho*prec + 0.5*dlw) * W[0] // drho/dz = 1 − rho² = W_0
	return -s.nrows*sg + 0.5*lw - 0.5*ss*prec
}
