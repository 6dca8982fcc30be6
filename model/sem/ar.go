package sem

import (
	"fmt"
	"math"
	"sort"
)

// AR(1) residuals within unit (Equation.AR = 1). For a gaussian equation
// with linear predictor mu, the residual e_t = y_t − mu_t of each unit
// follows
//
//	e_t = rho·e_{t−1} + eps_t,  eps_t ~ normal(0, sigma),  −1 < rho < 1,
//
// so sigma.NODE is the innovation sd and ar.NODE is rho. The first period a
// unit is observed in the equation is drawn from the stationary
// distribution, e ~ normal(0, sigma/√(1−rho²)). A gap of k periods (rows
// missing in between, or dropped because a parent is missing) is exact for
// AR(1): with the residuals in between integrated out,
//
//	e_t | e_{t−k} ~ normal(rho^k·e_{t−k}, sigma·√((1−rho^{2k})/(1−rho²))).
//
// The sampler sees z = atanh(rho); rho's prior is uniform on (−1, 1) (as
// brms's default for ar), whose density on z is the Jacobian 1 − rho².
// The residuals chain along the rows the equation uses; when every term is
// an observed column the likelihood is evaluated from sufficient statistics
// per gap length and unit (ar_suff.go), else row by row. A student
// equation's units have multivariate Student-t residuals with the same
// AR(1) scale matrix (ar_student.go, brms's form). Other families are
// refused: their persistence is modelled by a self-lag y -> y [lag=1].

// arData is an equation's residual chain: per used row (in the equation's
// row order), the row whose residual it follows and the gap in periods.
type arData struct {
	prev   []int32 // index into the equation's rows; the row itself for a unit's first
	gap    []int32 // periods since prev; 0 for a unit's first row (stationary)
	count  []float64
	maxGap int
	pairs  int // rows that follow another row
	// student: the unit's residuals are multivariate Student-t (ar_student.go);
	// chain numbers each row's unit chain, chainN counts its rows.
	student bool
	chain   []int32
	chainN  []float64
}

// arOrder is the equation's AR order (0 without AR residuals).
func (e *equation) arOrder() int {
	if e.ar == nil {
		return 0
	}
	return 1
}

// buildAR sets up the residual chain of an equation with AR residuals.
func (c *compiler) buildAR(e *equation, in *eqInput) error {
	if in.ar == 0 {
		return nil
	}
	if in.ar != 1 {
		return in.fail("ar=\"%d\": only AR(1) residuals are supported (ar=\"1\"); for longer memory add lagged edges %s -> %s [lag=k]", in.ar, in.node, in.node)
	}
	if in.kind != kindObserved {
		return in.fail("AR residuals apply to observed nodes only")
	}
	_, gauss := e.fam.(Gaussian)
	_, student := e.fam.(Student)
	if !gauss && !student {
		return in.fail("ar=\"1\" needs a gaussian or student node, not %s: AR residuals are defined on additive noise; for persistence in any family add the self-lag %s -> %s [lag=1]", e.fam.Name(), in.node, in.node)
	}
	for _, t := range in.terms {
		if t.Parent == in.node && t.Lag > 0 && !t.UnitMean {
			return in.fail("ar=\"1\" together with the self-lag %s -> %s [lag=%d] is not identified (the two persistences trade places); keep one of them", in.node, in.node, t.Lag)
		}
	}
	ord := c.lay.Ordinal
	if ord == nil {
		ord = c.lay.Time
	}
	if c.lay.Unit == nil || ord == nil {
		return in.fail("ar=\"1\" needs a panel: a unit key and a time key that order each unit's rows")
	}
	n := e.n
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	key := func(i int) (int, int) { r := e.rows[i]; return c.lay.Unit[r], ord[r] }
	sort.SliceStable(idx, func(a, b int) bool {
		ua, ta := key(idx[a])
		ub, tb := key(idx[b])
		if ua != ub {
			return ua < ub
		}
		return ta < tb
	})
	ar := &arData{prev: make([]int32, n), gap: make([]int32, n), student: student}
	if student {
		ar.chain = make([]int32, n)
	}
	for k, i := range idx {
		ar.prev[i] = int32(i)
		newChain := func() {
			if student {
				ar.chain[i] = int32(len(ar.chainN))
				ar.chainN = append(ar.chainN, 1)
			}
		}
		if k == 0 {
			newChain()
			continue
		}
		j := idx[k-1]
		ui, ti := key(i)
		uj, tj := key(j)
		if ui != uj {
			newChain()
			continue
		}
		if student {
			ar.chain[i] = ar.chain[j]
			ar.chainN[ar.chain[j]]++
		}
		if ti == tj {
			return in.fail("%s and %s are the same unit and period; AR residuals need one row per unit and period", c.rowLabel(int(e.rows[j])), c.rowLabel(int(e.rows[i])))
		}
		ar.prev[i], ar.gap[i] = int32(j), int32(ti-tj)
		ar.maxGap = max(ar.maxGap, ti-tj)
		ar.pairs++
	}
	if ar.pairs == 0 {
		return in.fail("ar=\"1\" needs units observed in two periods or more, but each unit has at most one of the %d rows used: rho is not identified (drop ar, or check the unit and time keys)", n)
	}
	ar.count = make([]float64, ar.maxGap+1)
	for _, k := range ar.gap {
		ar.count[k]++
	}
	if gaps := n - ar.pairs; ar.maxGap > 1 {
		long := 0
		for k := 2; k <= ar.maxGap; k++ {
			long += int(ar.count[k])
		}
		c.notes = append(c.notes, fmt.Sprintf("node %s: AR(1) residuals over %d units; %d of %d rows follow a gap in time (up to %d periods), handled exactly", in.node, gaps, long, n, ar.maxGap))
	}
	e.ar = ar
	return nil
}

// logCosh is log(cosh z), accurate for large |z|.
func logCosh(z float64) float64 {
	a := math.Abs(z)
	return a + math.Log1p(math.Exp(-2*a)) - math.Ln2
}

// arPrior is rho's log prior on z = atanh(rho): uniform on (−1, 1), so the
// log Jacobian log(1 − rho²) = −2·log cosh z; its derivative is −2·rho.
func (e *equation) arPrior(x, g []float64) float64 {
	z := x[e.arOff]
	g[e.arOff] -= 2 * math.Tanh(z)
	return -2 * logCosh(z)
}

// arTables writes, for each gap k = 0 … maxGap, the residual's coefficient
// P_k = rho^k on the earlier residual and its precision factor W_k = 1/V_k
// (V_k the variance in units of sigma²), with their derivatives in rho,
// and log W_k: k = 0 is the stationary start (P = 0, W = 1 − rho²), k ≥ 1
// has V_k = Σ_{i<k} rho^{2i}. Precisions keep the start finite as
// |rho| → 1 (W_0 → 0, dW_0 = −2·rho).
func (e *equation) arTables(z float64, tab []float64) {
	K := e.ar.maxGap + 1
	P, dP, W, dW, logW := tab[:K], tab[K:2*K], tab[2*K:3*K], tab[3*K:4*K], tab[4*K:5*K]
	rho := math.Tanh(z)
	lc := logCosh(z)
	P[0], dP[0], W[0], dW[0], logW[0] = 0, 0, math.Exp(-2*lc), -2*rho, -2*lc // 1 − rho² = 1/cosh² z
	p, dp := 1.0, 0.0                                                        // rho^(k−1) and its derivative
	v, dv := 0.0, 0.0                                                        // V_{k−1}
	q, dq := 1.0, 0.0                                                        // rho^(2(k−1))
	for k := 1; k < K; k++ {
		v, dv = v+q, dv+dq
		dp, p = dp*rho+p, p*rho
		dq, q = dq*rho*rho+2*rho*q, q*rho*rho
		P[k], dP[k], W[k], dW[k], logW[k] = p, dp, 1/v, -dv/(v*v), -math.Log(v)
	}
}

// arLik is the log likelihood of a gaussian equation with AR(1) residuals
// (w.mu holds the linear predictor). It writes d/dmu into w.dmu and adds
// the gradients of log sigma and atanh(rho) to g. Per row, with r the
// residual's innovation e_i − P_k·e_prev,
//
//	log p = −log sigma + ½·log W_k − ½·r²·W_k/sigma².
func (e *equation) arLik(x, g []float64, w *scratch) float64 {
	if e.ar.student {
		return e.arLikStudent(x, g, w) // ar_student.go
	}
	ar := e.ar
	n := e.n
	mu, dmu, y := w.mu[:n], w.dmu[:n], e.y[:n]
	prev, gap := ar.prev[:n], ar.gap[:n]
	s := x[e.famOff]
	prec := math.Exp(-2 * s)
	z := x[e.arOff]
	K := ar.maxGap + 1
	e.arTables(z, w.ar)
	P, dP, W, dW, logW := w.ar[:K], w.ar[K:2*K], w.ar[2*K:3*K], w.ar[3*K:4*K], w.ar[4*K:5*K]
	lw, dlw := 0.0, 0.0
	for k, c := range ar.count {
		if c > 0 {
			lw += c * logW[k]
			dlw += c * dW[k] / W[k]
		}
	}
	clear(dmu)
	ss, drho := 0.0, 0.0
	for i := range mu {
		k, p := gap[i], prev[i]
		ep := y[p] - mu[p]
		r := y[i] - mu[i] - P[k]*ep
		a := r * W[k]
		ss += r * a
		drho += a*dP[k]*ep - 0.5*r*r*dW[k]
		d := a * prec
		dmu[i] += d
		dmu[p] -= d * P[k]
	}
	nf := float64(n)
	g[e.famOff] += -nf + ss*prec
	g[e.arOff] += (drho*prec + 0.5*dlw) * W[0] // drho/dz = 1 − rho² = W_0
	return -nf*s + 0.5*lw - 0.5*ss*prec
}

// arEffectiveRows is, for REAuto, the rows per unit an equation with AR(1)
// residuals is worth: autocorrelated rows inform a unit's mean less, as if
// there were perUnit·(1−r)/(1+r) independent ones, r the lag-1
// autocorrelation of the response around its unit means (pooled over the
// units, consecutive periods only, clamped to [0, 0.95]). With the
// persistence of monthly policy series (r ≈ 0.8–0.9) this picks
// non-centred unit intercepts, where centred ones leave a funnel between
// tau and the unit means. It also says what the number is.
func (c *compiler) arEffectiveRows(e *equation, in *eqInput, perUnit float64) (float64, string) {
	ord := c.lay.Ordinal
	if ord == nil {
		ord = c.lay.Time
	}
	if c.lay.Unit == nil || ord == nil || e.y == nil {
		return perUnit, "rows per unit"
	}
	mean := make([]float64, e.J)
	for j := 0; j < e.J; j++ {
		seg := e.y[e.start[j]:e.start[j+1]]
		for _, v := range seg {
			mean[j] += v
		}
		mean[j] /= float64(len(seg))
	}
	groupOf := func(i int) int {
		return sort.Search(e.J, func(j int) bool { return int(e.start[j+1]) > i })
	}
	at := make(map[[2]int]int, e.n)
	for i, r := range e.rows {
		at[[2]int{c.lay.Unit[r], ord[r]}] = i
	}
	var num, den float64
	for i, r := range e.rows {
		d := e.y[i] - mean[groupOf(i)]
		den += d * d
		if k, ok := at[[2]int{c.lay.Unit[r], ord[r] - 1}]; ok {
			num += d * (e.y[k] - mean[groupOf(k)])
		}
	}
	rho := 0.0
	if den > 0 {
		rho = math.Max(0, math.Min(0.95, num/den))
	}
	return perUnit * (1 - rho) / (1 + rho), fmt.Sprintf("effective rows per unit (%.1f rows, lag-1 autocorrelation %.2f)", perUnit, rho)
}
