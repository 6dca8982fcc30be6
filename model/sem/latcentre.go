package sem

// Centring latent parents. An observed parent's column is centred at
// compile time (centre.go, periodcentre.go): the rows see it within unit
// and within period, its unit means join the group offsets and its mean the
// intercept. A latent parent's values are parameters, so the same split is
// made at every point: with v_r the latent's value at row r (lagged as the
// term says), ē_j its mean over the equation's rows of unit j, ē its mean
// over all the rows and, with fixed period effects, d_t the period means of
// v_r − ē_{j(r)} about their average over periods,
//
//	b·v_r = b·(v_r − ē_j − d_t) + b·(ē_j − ē) + b·ē + b·d_t,
//
// and the four parts go where an observed column's go: the rows, the group
// offsets (the centred unit means m_j are sampled at the latent's unit
// means, u_j = m_j − a' − … − b·(ē_j − ē)), the intercept (the sampler's a'
// is the level at the latent's mean: a = a' − x̄·b − b·ē; an ordered
// equation's cutpoints c = c' + b·ē) and the period coordinates
// (z_t = z'_t − d_t·b, periodcentre.go).
//
// Why: a latent measured by weak indicators (fig2's intent_uncertainty,
// loadings near 0.15) has a level and a time path that the data barely fix.
// Uncentred, moving the latent's level by c (its unit means together) asks
// every child to move its own level by −b·c, and moving its period-t values
// asks every child's period effect g_t to move by −b·c_t: ridges through
// hundreds of coordinates that a diagonal metric crosses slowly (at
// --time-effects fixed, R-hat 1.12 on the indicators' intercepts and 1.05
// on intent_uncertainty -> unilateralism, whose strength traded off against
// the early period effects at correlation 0.9). Centred, the child's
// coordinates do not move along either ridge.
//
// The map from the uncentred coordinates (a, m_j, z_t, c_1) to the sampled
// ones adds to each a function of other coordinates (b and the latent's
// values), so its Jacobian is 1 and the model is unchanged; Constrain
// reports a, u, g and the cutpoints as before. The gradient with respect
// to each value v_s gains the terms through ē_j, ē and d_t, O(rows) per
// evaluation. It applies to observed nodes' equations with fixed period
// effects and a latent parent, evaluated row by row, with a free intercept
// or ordered cutpoints, without varying slopes or AR residuals (those keep
// the uncentred latent column).
//
// Rows evaluated outside the row loop — rows with an imputed value
// (missing.go) and summed rows (sumout.go) — see the same centred latent
// terms, b·(v_r − ē_j − d_t), with ē_j and d_t those of the ordinary rows
// (any constants keep the model unchanged, so long as every row uses the
// same): latRowShift is what such a row takes off its linear predictor,
// and latRowShiftBack records its derivative, which reaches ē_j through
// the group's extra-row sum hx and d_t through the period's row derivative
// (dgt, which those rows feed already). Without this, a latent parent of
// an equation with one imputed parent value was left uncentred, and the
// latent's level traded off against that child's intercept and unit means
// (fig2 at --time-effects fixed: the level's bulk ESS 550 of 4,000 draws,
// R-hat 1.011 on the indicators' intercepts).

// latCentre is an equation's latent-parent centring: tcnt[t] is the number
// of ordinary rows in period t, tpos the number of periods that have some.
type latCentre struct {
	tcnt []float64
	tpos float64
}

// latScratch is its working space: per latent term k the unit means
// eb[k·J+j], the means ea[k] and the period shifts d[k·T+t]; the
// derivatives of the density with respect to the offset part (D, per
// group), the period coordinates' prior (dz, per period) and the level
// (P); hx, per group, the derivatives dmu of the rows evaluated outside
// the row loop (latRowShiftBack); rows says the row likelihood ran (its dmu
// is current); q and h are per period and per group buffers.
type latScratch struct {
	eb, ea, d       []float64
	D, dz, q, h, hx []float64
	P               float64
	rows            bool
}

func newLatScratch(e *equation) latScratch {
	if e.lc == nil {
		return latScratch{}
	}
	K := len(e.lat)
	return latScratch{eb: make([]float64, K*e.J), ea: make([]float64, K), d: make([]float64, K*e.T),
		D: make([]float64, e.J), dz: make([]float64, e.T), q: make([]float64, e.T), h: make([]float64, e.J),
		hx: make([]float64, e.J)}
}

// centreLatent sets up latent-parent centring when it applies (see above).
func (e *equation) centreLatent() {
	_, ordered := e.fam.(Ordered)
	if e.kind != kindObserved || len(e.lat) == 0 || e.n == 0 || e.time != TimeFixed || e.T < 2 || e.xw == nil && e.p > 0 ||
		e.suff || len(e.vary) > 0 || e.ar != nil || (e.aOff < 0 && !ordered) {
		return
	}
	e.lc = &latCentre{tcnt: make([]float64, e.T)}
	for _, t := range e.tix[:e.n] {
		e.lc.tcnt[t]++
	}
	for _, c := range e.lc.tcnt {
		if c > 0 {
			e.lc.tpos++
		}
	}
}

// latMeans computes ē_j, ē and d_t of every latent term at x (w.b must be
// read) and clears the derivatives' accumulators.
func (e *equation) latMeans(x []float64, w *scratch) {
	lc, s := e.lc, &w.lc
	J, T, n := e.J, e.T, float64(e.n)
	for k, lt := range e.lat {
		idx, tix := lt.idx[:e.n], e.tix[:e.n]
		eb := s.eb[k*J : (k+1)*J]
		d := s.d[k*T : (k+1)*T]
		clear(d)
		all := 0.0
		for j := 0; j < J; j++ {
			lo, hi := e.start[j], e.start[j+1]
			sum := 0.0
			for r := lo; r < hi; r++ {
				v := x[idx[r]]
				sum += v
				d[tix[r]] += v
			}
			all += sum
			eb[j] = 0
			if e.ng[j] > 0 {
				eb[j] = sum / e.ng[j]
			}
			c := eb[j]
			for _, t := range tix[lo:hi] {
				d[t] -= c
			}
		}
		s.ea[k] = all / n
		// A period whose rows all hold an imputed or summed value has no
		// ordinary rows: its d_t is 0, and the mean is over the others (so
		// the d_t still sum to 0).
		m := 0.0
		for t := range d {
			if lc.tcnt[t] > 0 {
				d[t] /= lc.tcnt[t]
				m += d[t]
			}
		}
		m /= lc.tpos
		for t := range d {
			if lc.tcnt[t] > 0 {
				d[t] -= m
			}
		}
	}
	clear(s.D)
	clear(s.dz)
	clear(s.hx)
	s.P, s.rows = 0, false
}

// latRowShift is Σ_k b_k·(ē_kj + d_kt), what a row of group j in period t
// evaluated outside the row loop (imputed-value and summed rows) takes off
// its linear predictor, whose latent terms hold the raw values b_k·v_r, so
// that they are centred as the ordinary rows' are (0 without centring).
func (e *equation) latRowShift(j, t int, w *scratch) float64 {
	if e.lc == nil {
		return 0
	}
	v := 0.0
	for k, lt := range e.lat {
		v += w.b[lt.term] * (w.lc.eb[k*e.J+j] + w.lc.d[k*e.T+t])
	}
	return v
}

// latRowShiftBack records the derivative dmu of such a row's density with
// respect to its linear predictor: each b_k gets −dmu·(ē_kj + d_kt) and
// group j's extra-row sum dmu (latBack carries it to the values through
// ē_j; the part through d_t goes with the period's row derivative dgt, to
// which the caller adds dmu).
func (e *equation) latRowShiftBack(j, t int, dmu float64, w *scratch) {
	if e.lc == nil {
		return
	}
	for k, lt := range e.lat {
		w.gb[lt.term] -= dmu * (w.lc.eb[k*e.J+j] + w.lc.d[k*e.T+t])
	}
	w.lc.hx[j] += dmu
}

// latOffset is Σ_k b_k·(ē_kj − ē_k), the latent parents' part of group j's
// offset (0 without centring).
func (e *equation) latOffset(j int, w *scratch) float64 {
	if e.lc == nil {
		return 0
	}
	v := 0.0
	for k, lt := range e.lat {
		v += w.b[lt.term] * (w.lc.eb[k*e.J+j] - w.lc.ea[k])
	}
	return v
}

// latLevel is Σ_k b_k·ē_k, the latent parents' part of the level.
func (e *equation) latLevel(w *scratch) float64 {
	if e.lc == nil {
		return 0
	}
	v := 0.0
	for k, lt := range e.lat {
		v += w.b[lt.term] * w.lc.ea[k]
	}
	return v
}

// latPeriod is Σ_k b_k·d_kt, the latent parents' part of period t's shift.
func (e *equation) latPeriod(t int, w *scratch) float64 {
	if e.lc == nil {
		return 0
	}
	v := 0.0
	for k, lt := range e.lat {
		v += w.b[lt.term] * w.lc.d[k*e.T+t]
	}
	return v
}

// latMu adds the latent terms b_k·(v_r − ē_kj − d_kt) to the rows' linear
// predictors (centred) or b_k·v_r (not).
func (e *equation) latMu(x, mu []float64, w *scratch) {
	n := e.n
	for k, lt := range e.lat {
		bk := w.b[lt.term]
		idx := lt.idx[:n]
		if e.lc == nil {
			for r := range mu {
				mu[r] += bk * x[idx[r]]
			}
			continue
		}
		eb, d := w.lc.eb[k*e.J:(k+1)*e.J], w.lc.d[k*e.T:(k+1)*e.T]
		tix := e.tix[:n]
		for j := 0; j < e.J; j++ {
			c := eb[j]
			for r := e.start[j]; r < e.start[j+1]; r++ {
				mu[r] += bk * (x[idx[r]] - c - d[tix[r]])
			}
		}
	}
}

// latRowBack adds the rows' part of the latent terms' gradient: b_k·dmu_r
// to each value and dmu·(the rows' column) to b_k. The terms through ē_j,
// ē and d_t wait for latBack.
func (e *equation) latRowBack(x, g, dmu []float64, w *scratch) {
	n := e.n
	for k, lt := range e.lat {
		bk := w.b[lt.term]
		idx := lt.idx[:n]
		s := 0.0
		if e.lc == nil {
			for r, d := range dmu {
				s += d * x[idx[r]]
				g[idx[r]] += bk * d
			}
			w.gb[lt.term] += s
			continue
		}
		// Σ_r dmu_r·(v_r − ē_j − d_t), the rows' centred column.
		eb, dd := w.lc.eb[k*e.J:(k+1)*e.J], w.lc.d[k*e.T:(k+1)*e.T]
		tix := e.tix[:n]
		for j := 0; j < e.J; j++ {
			c := eb[j]
			for r := e.start[j]; r < e.start[j+1]; r++ {
				d := dmu[r]
				s += d * (x[idx[r]] - c - dd[tix[r]])
				g[idx[r]] += bk * d
			}
		}
		w.gb[lt.term] += s
	}
	if e.lc != nil {
		w.lc.rows = true
	}
}

// latOffsetBack records the derivative d of the density with respect to
// group j's offset.
func (e *equation) latOffsetBack(j int, d float64, w *scratch) {
	if e.lc != nil {
		w.lc.D[j] += d
	}
}

// latBack adds what depends on the latent parents' means: to each b_k
// Σ_j D_j·(ē_kj − ē_k) − Σ_t dz_t·d_kt + P·ē_k, and to each value v_s
// b_k·(−q_t(s) − h̄_j(s) + D_j(s)/n_j − ΣD/n + P/n), where, with E_t the
// period's row derivative (dgt: every row evaluated, ordinary or not) plus
// dz_t, q_t = (E_t − mean E)/n_t and h̄_j is (Σ dmu_r over group j's
// rows, ordinary when the rows ran and hx_j from the others, minus
// Σ q_t(r) over its ordinary rows) / n_j.
func (e *equation) latBack(g []float64, w *scratch) {
	if e.lc == nil {
		return
	}
	s := &w.lc
	n, J, T := e.n, e.J, e.T
	q := s.q
	for t := range q {
		q[t] = s.dz[t] + w.dgt[t]
	}
	m := 0.0
	for t, c := range e.lc.tcnt {
		if c > 0 {
			m += q[t]
		}
	}
	m /= e.lc.tpos
	for t, c := range e.lc.tcnt {
		if c > 0 {
			q[t] = (q[t] - m) / c
		} else {
			q[t] = 0 // d_t is 0 there (latMeans)
		}
	}
	tix := e.tix[:n]
	sumD := 0.0
	for _, d := range s.D {
		sumD += d
	}
	common := (s.P - sumD) / float64(n)
	h := s.h // per group: −h̄_j + D_j/n_j + common
	for j := 0; j < J; j++ {
		sh := s.hx[j]
		for r := e.start[j]; r < e.start[j+1]; r++ {
			if s.rows {
				sh += w.dmu[r]
			}
			sh -= q[tix[r]]
		}
		h[j] = common
		if e.ng[j] > 0 {
			h[j] += (s.D[j] - sh) / e.ng[j]
		}
	}
	for k, lt := range e.lat {
		bk := w.b[lt.term]
		idx := lt.idx[:n]
		eb, d := s.eb[k*J:(k+1)*J], s.d[k*T:(k+1)*T]
		gb := s.P * s.ea[k]
		for j := 0; j < J; j++ {
			gb += s.D[j] * (eb[j] - s.ea[k])
			hj := h[j]
			for r := e.start[j]; r < e.start[j+1]; r++ {
				g[idx[r]] += bk * (hj - q[tix[r]])
			}
		}
		for t, dt := range d {
			gb -= s.dz[t] * dt
		}
		w.gb[lt.term] += gb
	}
}
