package predict

import (
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// An equation with AR(1) residuals (sem.Equation.AR): within each unit the
// residual e = y − mu follows e_t = rho·e_{t−1} + eps_t, eps ~
// normal(0, sigma), from the stationary normal(0, sigma/√(1−rho²)) at the
// unit's first row, and across a gap of k periods e_t | e_{t−k} ~
// normal(rho^k·e_{t−k}, sigma·√((1−rho^{2k})/(1−rho²))), as package
// model/sem defines the likelihood. The pointwise log likelihood of a row
// is its density given the previous row's residual (the terms sum to the
// equation's log likelihood); a replicated data set draws a new residual
// chain.

// arChain links each used row of an equation to the previous used row of
// its unit.
type arChain struct {
	prev []int // per layout row: the previous used row of the unit, or −1
	gap  []int // per layout row: periods since prev
}

func newARChain(e *Equation, li *lagIndex) *arChain {
	rows := e.Rows()
	sortRows(rows, li)
	c := &arChain{prev: make([]int, li.lay.Rows), gap: make([]int, li.lay.Rows)}
	for i := range c.prev {
		c.prev[i] = -1
	}
	if li.ord == nil {
		return c // no periods: sem refuses AR residuals there
	}
	for k := 1; k < len(rows); k++ {
		r, q := rows[k], rows[k-1]
		if li.unit(r) == li.unit(q) {
			c.prev[r], c.gap[r] = q, li.ord[r]-li.ord[q]
		}
	}
	return c
}

// sortRows orders rows by unit, then period.
func sortRows(rows []int, li *lagIndex) {
	sort.SliceStable(rows, func(a, b int) bool {
		ra, rb := rows[a], rows[b]
		if ua, ub := li.unit(ra), li.unit(rb); ua != ub {
			return ua < ub
		}
		return li.ord[ra] < li.ord[rb]
	})
}

// arStep is the mean factor rho^k on the earlier residual and the sd of
// the residual given it, for a gap of k periods (k = 0: stationary start).
func arStep(rho, sigma float64, k int) (coef, sd float64) {
	if k == 0 {
		return 0, sigma / math.Sqrt(1-rho*rho)
	}
	v, q := 0.0, 1.0
	for i := 0; i < k; i++ {
		v += q
		q *= rho * rho
	}
	return math.Pow(rho, float64(k)), sigma * math.Sqrt(v)
}

// arLogLik is row r's log density given the previous row's residual (a
// student equation: given all of the unit's earlier residuals, see
// arStudentStep).
func (e *Equation) arLogLik(theta []float64, r int, mu, y float64) float64 {
	if e.arStudent() {
		// The unit's earlier rows, first to last.
		var chain []int
		for p := e.ar.prev[r]; p >= 0; p = e.ar.prev[p] {
			chain = append(chain, p)
		}
		var st arStudentState
		for k := len(chain) - 1; k >= 0; k-- {
			p := chain[k]
			mp, _ := e.Mu(theta, p)
			st.step(e, theta, e.ar.gap[p], mp, e.Y[p])
		}
		return st.step(e, theta, e.ar.gap[r], mu, y)
	}
	rho, sigma := theta[e.AR], theta[e.Params[0]]
	mean := 0.0
	coef, sd := arStep(rho, sigma, 0)
	if p := e.ar.prev[r]; p >= 0 {
		coef, sd = arStep(rho, sigma, e.ar.gap[r])
		mp, _ := e.Mu(theta, p)
		mean = coef * (e.Y[p] - mp)
	}
	return e.Fam.LogDensity(y, mu+mean, []float64{sd})
}

// arStudent reports whether the equation is student with AR(1) residuals:
// each unit's residuals are multivariate Student-t with the AR(1) scale
// matrix (package sem, ar_student.go).
func (e *Equation) arStudent() bool { return len(e.Params) == 2 && e.Fam.Name() == "student" }

// arStudentState walks a unit's rows in period order for a student AR
// equation: the previous residual, the rows so far m and their quadratic
// form q = Σ r_i²/V_i (innovations over their variances).
type arStudentState struct {
	m, q, prevE float64
}

// step returns the log density of the unit's next row (response y, linear
// predictor mu, k periods after the previous row; k is ignored for the
// unit's first row) given the rows so far, and adds it to the state.
// Given m earlier rows with quadratic form q, the residual is Student-t
// with nu + m degrees of freedom, location rho^k times the previous
// residual and scale √((nu + q)/(nu + m)) times the gaussian step's sd
// (the conditionals of the multivariate t; they sum to its density).
func (st *arStudentState) step(e *Equation, theta []float64, k int, mu, y float64) float64 {
	rho, sigma, nu := theta[e.AR], theta[e.Params[0]], theta[e.Params[1]]
	if st.m == 0 {
		k = 0
	}
	coef, sd := arStep(rho, sigma, k)
	loc := mu + coef*st.prevE
	scale := sd * math.Sqrt((nu+st.q)/(nu+st.m))
	lp := e.Fam.LogDensity(y, loc, []float64{scale, nu + st.m})
	z := (y - loc) / sd
	st.q += z * z
	st.m++
	st.prevE = y - mu
	return lp
}

// arReplicate draws a replicated data set over rows with a new residual
// chain per unit.
func (e *Equation) arReplicate(theta []float64, rows []int, rng *rand.Rand) []float64 {
	rho, sigma := theta[e.AR], theta[e.Params[0]]
	li := newLagIndex(e.lay)
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ra, rb := rows[order[a]], rows[order[b]]
		if ua, ub := li.unit(ra), li.unit(rb); ua != ub {
			return ua < ub
		}
		return li.ord[ra] < li.ord[rb]
	})
	out := make([]float64, len(rows))
	res, last := 0.0, -1
	scale := 1.0 // a student unit's √(nu/chi²_nu): its chain is multivariate t
	for _, i := range order {
		r := rows[i]
		mu, ok := e.Mu(theta, r)
		if !ok {
			out[i] = math.NaN()
			continue
		}
		k := 0
		if last >= 0 && li.unit(last) == li.unit(r) {
			k = li.ord[r] - li.ord[last]
		} else if e.arStudent() {
			nu := theta[e.Params[1]]
			scale = math.Sqrt(nu / distuv.ChiSquared{K: nu, Src: rng}.Rand())
		}
		coef, sd := arStep(rho, sigma, k)
		res = coef*res + sd*rng.NormFloat64()
		out[i] = mu + scale*res
		last = r
	}
	return out
}

// HasAR reports whether the equation has AR(1) residuals.
func (e *Equation) HasAR() bool { return e.ar != nil }

// ARUnitLogLik is the joint log density of one unit's responses y (by
// layout row) at rows, with linear predictors mu (by position in rows),
// under the AR(1) residual chain: the rows in period order, the first from
// the stationary distribution, each later one given the previous row's
// residual across its gap. Unlike LogLik it reads the earlier residuals
// from y and mu as given (a held-out unit's values, a shifted intercept).
func (e *Equation) ARUnitLogLik(theta []float64, rows []int, mu, y []float64) float64 {
	rho, sigma := theta[e.AR], theta[e.Params[0]]
	li := newLagIndex(e.lay)
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return li.ord[rows[idx[a]]] < li.ord[rows[idx[b]]] })
	if e.arStudent() {
		var st arStudentState
		lp, prevT := 0.0, 0
		for _, i := range idx {
			r := rows[i]
			lp += st.step(e, theta, li.ord[r]-prevT, mu[i], y[r])
			prevT = li.ord[r]
		}
		return lp
	}
	lp, prevE, prevT := 0.0, 0.0, 0
	for n, i := range idx {
		r := rows[i]
		k := 0
		if n > 0 {
			k = li.ord[r] - prevT
		}
		coef, sd := arStep(rho, sigma, k)
		lp += e.Fam.LogDensity(y[r], mu[i]+coef*prevE, []float64{sd})
		prevE, prevT = y[r]-mu[i], li.ord[r]
	}
	return lp
}
