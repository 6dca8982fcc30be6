package sem

import (
	"fmt"
	"math"
)

// Posterior is a compiled log posterior. It implements inference.Model:
// Dim, LogDensityGrad, ParamNames and Constrain. Its data are read-only and
// shared between clones; its scratch space is its own, so one Posterior must
// not be evaluated from two goroutines at once: give each chain a Clone.
type Posterior struct {
	name      string
	dim       int
	names     []string
	eqs       []*equation
	work      []scratch
	priorOnly bool
	info      []EquationInfo
	coefs     []Coef
	latents   []LatentInfo
	notes     []string
	// first is, per latent, the index of its first loading; sign holds the
	// latents' orientations at the point being evaluated (scratch).
	first []int
	sign  []float64
	// order is the evaluation order of eqs: conditional latents last (their
	// likelihood needs the derivatives their children leave); conds lists
	// them, rots the equations with rotated unit coordinates. xt is x with
	// the rotated unit coordinates turned into unit means and the
	// conditional latents' z into their values (scratch).
	order []int
	conds []int
	rots  []int
	xt    []float64
	// missing locates the imputed values (missing.go); miMaps is each
	// entry's map from sampler coordinate to value, miTransform whether
	// any is not the identity.
	missing     []MissingInfo
	miMaps      []miMap
	miTransform bool
	// nc are the imputed values in units without data, sampled
	// non-centred (nodata.go).
	nc []ncValue
	// slopes locates the edges whose strength varies by unit.
	slopes []SlopeInfo
	// sums are the missing discrete values summed out (sumout.go), with
	// the sizes of their scratch space sumW; sumEqs the equations with
	// summed rows.
	sums                          []sumGroup
	sumMaxK, sumMaxMem, sumMaxFam int
	sumEqs                        []int
	sumW                          *sumScratch
}

// EquationInfo describes one compiled equation, for fit reports.
type EquationInfo struct {
	Node   string
	Column string
	// Kind is "observed", "latent" (a latent node's structural equation) or
	// "indicator" (a measurement of a latent node).
	Kind   string
	Family string
	// Rows is the number of rows used: where the node and all its parents
	// are observed (for a latent, the rows where it has a value).
	Rows int
	// Units is the number of units with a random intercept (0 without).
	Units int
	// RowsPerUnit is Rows/Units (0 without unit intercepts).
	RowsPerUnit float64
	// RE is "none", "centred" or "non-centred"; REReason says why.
	RE       string
	REReason string
	// Time is the period-effect mode; Periods the number of periods used.
	Time    TimeMode
	Periods int
	// SufficientStats reports whether the gaussian likelihood is evaluated
	// from per-unit sufficient statistics (cost independent of the rows).
	SufficientStats bool
	// First and NumParams locate the equation's parameters in ParamNames
	// (latent values are listed separately, see LatentInfo).
	First, NumParams int
	// Values is, for a latent's structural equation, how the sampler moves
	// its values: "direct" or "conditional" (see LatentValues); else "".
	Values string
	// AR is the order of the equation's autoregressive residuals (0 or 1).
	AR int
	// RowsImputed is how many of Rows hold an imputed value (MissingModel),
	// ImputedFrom the nodes whose imputed values they hold (the node itself
	// first when its own values are imputed), and Dropped the rows with the
	// node observed that were left out, by the first parent missing there
	// that could not be imputed (nil unless some equation has MissingModel).
	RowsImputed int
	ImputedFrom []string
	Dropped     map[string]int
	// Summed lists the nodes of ImputedFrom whose values are summed out
	// (binary, ordered, counts; see sumout.go), not parameters.
	Summed []string
	// Slopes describes the edges into the node whose strength varies by
	// unit, and how their deviations are parameterized ("" for none).
	Slopes string
}

// String is a one-line summary, e.g.
// "fear: gaussian, 5460 rows, 156 units (35.0 rows/unit), centred intercepts".
func (in EquationInfo) String() string {
	s := fmt.Sprintf("%s: %s %s, %d rows", in.Node, in.Kind, in.Family, in.Rows)
	if in.Units > 0 {
		s += fmt.Sprintf(", %d units (%.1f rows/unit), %s unit intercepts (%s)", in.Units, in.RowsPerUnit, in.RE, in.REReason)
	}
	if in.Time != TimeNone {
		s += fmt.Sprintf(", %s period effects over %d periods", in.Time, in.Periods)
	}
	if in.SufficientStats {
		s += ", sufficient statistics"
	}
	if in.AR > 0 {
		s += fmt.Sprintf(", AR(%d) residuals within unit", in.AR)
	}
	if in.Values == "conditional" {
		s += ", values sampled given the indicators"
	}
	if in.Slopes != "" {
		s += "; " + in.Slopes
	}
	return s
}

// Coef is one edge strength (or loading) with what a report needs about it.
type Coef struct {
	Name    string // parameter name, e.g. "b.fear.unilateralism"
	Index   int    // index into ParamNames
	Parent  string
	Child   string // the equation's node (for a loading: the indicator)
	Lag     int
	Sign    int  // expected sign: +1, −1 or 0
	Loading bool // a loading lambda of a latent node on an indicator
	Prior   Prior
	// PriorVar is the prior's variance (for prior-to-posterior contraction
	// 1 − posterior var / prior var); +Inf for flat or heavy-tailed priors.
	PriorVar float64
	Rows     int // rows used by the equation
	// RowsImputed is how many of Rows hold an imputed value (MissingModel).
	RowsImputed int
	// UnitMean marks the coefficient of a parent's unit mean (bw.…, see
	// Term.UnitMean): the between-unit effect minus the within-unit one.
	UnitMean bool
	// Moderator, when not "", marks the coefficient c of an interaction
	// (Term.Moderator): the moderator at t − ModeratorLag.
	Moderator    string
	ModeratorLag int
}

// LatentInfo locates a latent node's values in ParamNames: parameters
// First … First+len(Rows)−1 are its values at the layout rows Rows.
type LatentInfo struct {
	Node  string
	First int
	Rows  []int32
}

// scratch is one equation's working space.
type scratch struct {
	mu, dmu []float64 // per row
	o, do   []float64 // per group
	b, gb   []float64 // per term
	gt, dgt []float64 // per period
	bx, gbx []float64 // per observed column (b and gradient in column order)
	theta   []float64 // the family's parameters (cutpoints shifted, see cutShift)
	ar      []float64 // AR(1) tables per gap (see arTables)
	arc     []float64 // AR(1) sufficient statistics' working space (ar_suff.go)
	cond    *condScratch
	sl      slopeScratch // varying slopes (slopes.go)
	lc      latScratch   // latent parents' centring (latcentre.go)
	ready   bool         // prepare has run at this point (sumPrepare)
}

func newScratch(eqs []*equation) []scratch {
	w := make([]scratch, len(eqs))
	for i, e := range eqs {
		nrow := e.n
		if e.suff {
			nrow = 0
		}
		w[i] = scratch{
			mu: make([]float64, nrow), dmu: make([]float64, nrow),
			o: make([]float64, e.J), do: make([]float64, e.J),
			b: make([]float64, len(e.terms)), gb: make([]float64, len(e.terms)),
			gt: make([]float64, e.T), dgt: make([]float64, e.T),
			bx: make([]float64, e.p), gbx: make([]float64, e.p),
			theta: make([]float64, e.famN),
		}
		if e.cond != nil {
			w[i].cond = newCondScratch(e.cond, e.n)
		}
		if e.ar != nil {
			w[i].ar = make([]float64, 5*(e.ar.maxGap+1))
			w[i].arc = arSuffScratch(e)
			if e.ar.student { // per row residuals, per chain quadratic forms (ar_student.go)
				w[i].arc = make([]float64, e.n+len(e.ar.chainN))
			}
		}
		w[i].sl = newSlopeScratch(e)
		w[i].lc = newLatScratch(e)
	}
	return w
}

// Name returns the Spec's name.
func (p *Posterior) Name() string { return p.name }

// Dim returns the number of parameters.
func (p *Posterior) Dim() int { return p.dim }

// ParamNames names the constrained quantities Constrain writes, one per
// parameter (see the package doc for the naming scheme).
func (p *Posterior) ParamNames() []string { return append([]string(nil), p.names...) }

// Equations describes the compiled equations in parameter order.
func (p *Posterior) Equations() []EquationInfo { return append([]EquationInfo(nil), p.info...) }

// Coefficients lists the edge strengths and loadings.
func (p *Posterior) Coefficients() []Coef { return append([]Coef(nil), p.coefs...) }

// Slopes locates the edges whose strength varies by unit (Term.Varies).
func (p *Posterior) Slopes() []SlopeInfo { return append([]SlopeInfo(nil), p.slopes...) }

// Latents locates the latent nodes' values.
func (p *Posterior) Latents() []LatentInfo { return append([]LatentInfo(nil), p.latents...) }

// Notes are remarks from Compile a user should read (a dropped random
// intercept, a weakly identified latent, …).
func (p *Posterior) Notes() []string { return append([]string(nil), p.notes...) }

// Family returns the family of the equation of node (an observed node or
// an indicator) as Compile set it up for the data (an ordered family knows
// its number of categories), or nil for a latent node or an unknown name.
func (p *Posterior) Family(node string) Family {
	for _, e := range p.eqs {
		if e.node == node && e.kind != kindLatent {
			return e.fam
		}
	}
	return nil
}

// PriorOnly reports whether the likelihood of observed columns is off.
func (p *Posterior) PriorOnly() bool { return p.priorOnly }

// Clone returns a Posterior sharing p's data with scratch space of its own,
// for use on another goroutine.
func (p *Posterior) Clone() *Posterior {
	q := *p
	q.work = newScratch(p.eqs)
	q.sumW = p.newSumScratch()
	q.sign = make([]float64, len(p.sign))
	if p.xt != nil {
		q.xt = make([]float64, len(p.xt))
	}
	return &q
}

// LogDensityGrad returns the log posterior at the unconstrained point x, up
// to a constant, and writes its gradient into grad. It does not allocate.
func (p *Posterior) LogDensityGrad(x, grad []float64) float64 {
	if len(x) != p.dim || len(grad) != p.dim {
		return math.NaN()
	}
	clear(grad)
	p.orient(x, p.sign)
	xe := p.working(x)
	lp := 0.0
	if len(p.sums) > 0 && !p.priorOnly { // summed-out discrete values (sumout.go)
		p.sumPrepare(xe)
		lp += p.sumLik(xe, grad)
	}
	for _, i := range p.order {
		e := p.eqs[i]
		lp += e.eval(xe, grad, &p.work[i], p.sign, p.priorOnly, e.cond != nil)
	}
	for _, i := range p.rots {
		e := p.eqs[i]
		helmertT(grad[e.uOff:e.uOff+e.J], e.hc)
	}
	if p.miTransform { // imputed values on (0, ∞) or (0, 1): missing.go
		lp += p.miChain(x, xe, grad)
	}
	return lp
}

// working returns the point the equations read: x itself, or a copy with
// rotated unit coordinates turned into unit means and conditional latents'
// z into their values (condForward has then run at it).
func (p *Posterior) working(x []float64) []float64 {
	if p.xt == nil {
		return x
	}
	xe := p.xt
	copy(xe, x)
	p.miForward(x, xe)
	for _, i := range p.rots {
		e := p.eqs[i]
		helmert(xe[e.uOff:e.uOff+e.J], e.hc)
	}
	for _, i := range p.conds {
		p.eqs[i].condForward(xe, xe, &p.work[i])
	}
	return xe
}

// orient writes each latent's orientation at x: +1 when its first loading
// is non-negative, else −1 (see the package doc on identification).
func (p *Posterior) orient(x, sign []float64) {
	for li, k := range p.first {
		sign[li] = 1
		if x[k] < 0 {
			sign[li] = -1
		}
	}
}

// flip is the orientation factor of e's term i: the product of the signs
// of the latents it connects (1 for a term between observed nodes).
func (e *equation) flip(i int, sign []float64) float64 {
	f := 1.0
	if e.latent >= 0 {
		f = sign[e.latent]
	}
	if l := e.terms[i].latent; l >= 0 {
		f *= sign[l]
	}
	return f
}

// Constrain writes the user-facing value of every parameter of x into out:
// scales and the first loadings as exp, cutpoints as ordered values, unit
// intercepts u (whatever their parameterization) and period effects g.
//
// Each latent is reported in the orientation where its first loading is
// positive: when the sampler's point has it negative, the latent's values,
// loadings, unit intercepts, period effects and the strengths of edges into
// and out of it change sign. The density is the same at both orientations.
//
// The values of a latent in LatentConditional form are computed from z and
// the other parameters in the Posterior's scratch space: like
// LogDensityGrad, Constrain must not run concurrently on one Posterior.
func (p *Posterior) Constrain(x, out []float64) {
	var buf [8]float64
	sign := buf[:0]
	if len(p.first) > len(buf) {
		sign = make([]float64, len(p.first))
	} else {
		sign = buf[:len(p.first)]
	}
	p.orient(x, sign)
	xe := p.working(x) // eta and a_k of conditional latents included
	copy(out, xe)
	for i, e := range p.eqs {
		e.constrain(xe, out, sign, &p.work[i])
	}
	for li, l := range p.latents {
		if sign[li] < 0 {
			for k := range l.Rows {
				out[l.First+k] = -out[l.First+k]
			}
		}
	}
}

// coefs reads e's coefficients from x into b, and the observed ones into bx.
func (e *equation) coefs(x []float64, w *scratch) {
	if len(e.terms) > 0 {
		copy(w.b, x[e.bOff:e.bOff+len(e.terms)])
	}
	for k, ti := range e.obsTerm {
		w.bx[k] = w.b[ti]
	}
}

// constrain writes e's constrained parameters.
func (e *equation) constrain(x, out, sign []float64, w *scratch) {
	if e.lc != nil { // latent parents' means at x (latcentre.go)
		e.coefs(x, w)
		e.latMeans(x, w)
	}
	for i := range e.terms {
		out[e.bOff+i] = e.flip(i, sign) * x[e.bOff+i]
	}
	if e.xc != nil {
		out[e.aOff] = e.intercept(x) // a = a' − x̄·b (centre.go)
	}
	if e.lc != nil && e.aOff >= 0 {
		out[e.aOff] = e.intercept(x) - e.latLevel(w) // − b·ē (latcentre.go)
	}
	self := 1.0 // the orientation of a latent's own intercepts and period effects
	if e.latent >= 0 {
		self = sign[e.latent]
	}
	if e.famN > 0 {
		var buf [MaxCategories]float64
		theta := buf[:e.famN]
		copy(theta, x[e.famOff:e.famOff+e.famN])
		if e.cutShift {
			theta[0] += e.meanOffsetAt(x)
		}
		if e.aOff < 0 {
			theta[0] += e.latLevel(w) // ordered: c = c' + b·ē (latcentre.go)
		}
		e.fam.Constrain(theta, out[e.famOff:e.famOff+e.famN])
	}
	if e.arOff >= 0 {
		out[e.arOff] = math.Tanh(x[e.arOff]) // rho (ar.go)
	}
	if e.re != reNone {
		tau := math.Exp(x[e.tauOff])
		out[e.tauOff] = tau
		a := 0.0
		if e.aOff >= 0 {
			a = x[e.aOff]
		}
		for j := 0; j < e.J; j++ {
			if e.re == RENonCentred {
				out[e.uOff+j] = self * tau * x[e.uOff+j]
				continue
			}
			u := x[e.uOff+j] - a - e.slopeMeanAt(x, j) - e.latOffset(j, w)
			for k, ti := range e.obsTerm {
				u -= e.xbar[j*e.p+k] * x[e.bOff+ti]
			}
			out[e.uOff+j] = self * u
		}
	}
	e.slopeConstrain(x, out)
	switch e.time {
	case TimeRandomWalk:
		s := math.Exp(x[e.tsdOff])
		out[e.tsdOff] = s
		g := 0.0
		for t := 1; t < e.T; t++ {
			g += s * x[e.tOff+t-1]
			out[e.tOff+t-1] = self * g
		}
	case TimeFixed:
		z := x[e.tOff : e.tOff+e.T]
		m := mean(z)
		for t := range z {
			out[e.tOff+t] = self * (z[t] - m - e.periodShift(x, t, w)) // periodcentre.go
		}
	}
}

// prepare reads e's coefficients and computes its group offsets o_j and
// period effects at x, clearing their derivatives.
func (e *equation) prepare(x []float64, w *scratch) {
	e.coefs(x, w)
	clear(w.gb)
	e.slopeValues(x, w)
	if e.lc != nil {
		e.latMeans(x, w) // latcentre.go
	}
	a := 0.0
	if e.aOff >= 0 {
		a = x[e.aOff]
	}
	// Group offsets o_j: the linear predictor of a row is o_j plus the
	// within-group centred columns times b (plus latent terms and periods).
	o := w.o
	if e.re == RECentred {
		copy(o, x[e.uOff:e.uOff+e.J])
	} else {
		tau := 0.0
		if e.re != reNone {
			tau = math.Exp(x[e.tauOff])
		}
		bx := w.bx
		for j := range o {
			v := a + dot(e.xbar[j*e.p:(j+1)*e.p], bx) + e.slopeMean(j, w) + e.latOffset(j, w)
			if e.re == RENonCentred {
				v += tau * x[e.uOff+j]
			}
			o[j] = v
		}
	}
	clear(w.do)
	if e.time != TimeNone {
		e.periodEffects(x, w.gt)
		clear(w.dgt)
	}
}

// eval adds e's log density terms: likelihood (unless prior-only and the
// response is observed), random-effect distributions and priors. muReady
// says that prepare and fillMu have run at x already (conditional latents).
func (e *equation) eval(x, g []float64, w *scratch, sign []float64, priorOnly, muReady bool) float64 {
	if !muReady && !w.ready {
		e.prepare(x, w)
	}
	w.ready = false
	b, gb := w.b, w.gb
	a, da := 0.0, 0.0
	if e.aOff >= 0 {
		a = x[e.aOff]
	}
	do := w.do
	tau := 0.0
	if e.re != reNone {
		tau = math.Exp(x[e.tauOff])
	}
	if e.famN > 0 {
		copy(w.theta, x[e.famOff:e.famOff+e.famN])
		if e.cutShift {
			w.theta[0] += e.meanOffset(w.o)
		}
	}

	lp := 0.0
	if (!priorOnly || e.kind == kindLatent) && !e.condInd {
		if e.suff {
			lp += e.suffLik(x, g, w)
		} else if e.arS != nil && !muReady {
			lp += e.arSuffLik(x, g, w) // AR(1) residuals on sufficient statistics (ar_suff.go)
		} else {
			lp += e.rowLik(x, g, w, muReady)
		}
	}
	if e.arOff >= 0 {
		lp += e.arPrior(x, g) // rho's prior and Jacobian (ar.go)
	}
	if e.mi != nil { // rows with an imputed value (missing.go)
		lp += e.miLik(x, g, w, priorOnly)
	}
	if e.famN > 0 {
		cut, g0 := e.lc != nil && e.aOff < 0, g[e.famOff]
		if cut { // ordered: the prior is on c = c' + b·ē (latcentre.go)
			w.theta[0] += e.latLevel(w)
		}
		lp += e.fam.LogPrior(w.theta, g[e.famOff:e.famOff+e.famN])
		if cut {
			w.lc.P += g[e.famOff] - g0
		}
		if e.cutShift {
			// The first cutpoint moves with the mean unit offset.
			d := g[e.famOff]
			for j, nj := range e.ng {
				do[j] += d * nj / float64(e.n)
			}
		}
	}

	// Back from the group offsets.
	gbx := w.gbx
	clear(gbx)
	switch e.re {
	case RECentred:
		gu := g[e.uOff : e.uOff+e.J]
		for j, d := range do {
			gu[j] += d
		}
		// u_j = m_j − a − x̄_j·b ~ normal(0, tau).
		inv := 1 / (tau * tau)
		ss := 0.0
		m := x[e.uOff : e.uOff+e.J]
		for j := range m {
			xb := e.xbar[j*e.p : (j+1)*e.p]
			u := m[j] - a - dot(xb, w.bx) - e.slopeMean(j, w) - e.latOffset(j, w)
			ss += u * u
			wj := u * inv
			gu[j] -= wj
			da += wj
			e.slopeBack(j, wj, w)
			e.latOffsetBack(j, wj, w)
			for k, v := range xb {
				gbx[k] += wj * v
			}
		}
		J := float64(e.J)
		lp += -J*x[e.tauOff] - 0.5*ss*inv
		g[e.tauOff] += -J + ss*inv
	default:
		dtau := 0.0
		for j, d := range do {
			da += d
			e.slopeBack(j, d, w)
			e.latOffsetBack(j, d, w)
			xb := e.xbar[j*e.p : (j+1)*e.p]
			for k, v := range xb {
				gbx[k] += d * v
			}
			if e.re == RENonCentred {
				z := x[e.uOff+j]
				g[e.uOff+j] += tau*d - z
				dtau += z * d
				lp -= 0.5 * z * z
			}
		}
		if e.re == RENonCentred {
			g[e.tauOff] += tau * dtau
		}
	}
	for k, ti := range e.obsTerm {
		gb[ti] += gbx[k]
	}
	if e.re != reNone {
		lp += positiveLogPrior(e.tauPrior, x[e.tauOff], &g[e.tauOff])
	}
	lp += e.slopePrior(x, g, w) // varying slopes (slopes.go)
	if e.time != TimeNone {
		self := 1.0
		if e.latent >= 0 {
			self = sign[e.latent]
		}
		lp += e.periodBack(x, g, w, self)
	}

	// Priors of the intercept, coefficients and family parameters.
	if e.aOff >= 0 {
		// The prior is on the reported a = a' − x̄·b (centre.go).
		l, d := e.interceptPrior.logDensity(a - dot(e.xc, w.bx) - e.latLevel(w))
		lp += l
		g[e.aOff] += da + d
		for k, c := range e.xc {
			gb[e.obsTerm[k]] -= c * d
		}
		if e.lc != nil {
			w.lc.P -= d // − b·ē (latcentre.go)
		}
	}
	e.latBack(g, w)
	for i := range e.terms {
		// The prior sees the strength in the reported orientation (this
		// matters only for priors not symmetric about 0).
		f := e.flip(i, sign)
		l, d := e.terms[i].prior.logDensity(f * b[i])
		lp += l
		g[e.bOff+i] += gb[i] + f*d
	}
	return lp
}

// meanOffsetAt is meanOffset of the group offsets at x (as prepare
// computes them, without scratch space).
func (e *equation) meanOffsetAt(x []float64) float64 {
	a := 0.0
	if e.aOff >= 0 {
		a = x[e.aOff]
	}
	s := 0.0
	for j, nj := range e.ng {
		o := x[e.uOff+j]
		if e.re != RECentred {
			o = a + e.slopeMeanAt(x, j)
			for k, ti := range e.obsTerm {
				o += e.xbar[j*e.p+k] * x[e.bOff+ti]
			}
			if e.re == RENonCentred {
				o += math.Exp(x[e.tauOff]) * x[e.uOff+j]
			}
		}
		s += nj * o
	}
	return s / float64(e.n)
}

// meanOffset is Σ_j n_j·o_j / n, the mean over the rows of the group
// offsets o.
func (e *equation) meanOffset(o []float64) float64 {
	s := 0.0
	for j, nj := range e.ng {
		s += nj * o[j]
	}
	return s / float64(e.n)
}

// suffLik is the gaussian log likelihood from sufficient statistics. With
// ỹ, x̃ centred within group j and o_j the group's offset,
//
//	Σ_r (y_r − mu_r)² = W_yy − 2 b·W_xy + b·W_xx·b + Σ_j n_j (ȳ_j − o_j)²,
//
// so its cost is O(p² + J) whatever the number of rows.
func (e *equation) suffLik(x, g []float64, w *scratch) float64 {
	if len(e.vary) > 0 {
		return e.suffLikSlopes(x, g, w)
	}
	s := x[e.famOff]
	prec := math.Exp(-2 * s)
	bx, gbx := w.bx, w.gb // all terms are observed: term order = column order
	p := e.p
	quad := e.wyy
	for k := 0; k < p; k++ {
		row := e.wxx[k*p : (k+1)*p]
		v := dot(row, bx) // (W_xx b)_k
		quad += bx[k] * (v - 2*e.wxy[k])
		gbx[k] += (e.wxy[k] - v) * prec
	}
	between := 0.0
	do := w.do
	for j, nj := range e.ng {
		r := e.ybar[j] - w.o[j]
		between += nj * r * r
		do[j] += nj * r * prec
	}
	ssr := quad + between
	n := float64(e.n)
	g[e.famOff] += -n + ssr*prec
	return -n*s - 0.5*ssr*prec
}

// fillMu computes the linear predictor of every row into w.mu.
func (e *equation) fillMu(x []float64, w *scratch) {
	n := e.n
	mu := w.mu[:n]
	b := w.b
	for j, o := range w.o {
		seg := mu[e.start[j]:e.start[j+1]]
		for r := range seg {
			seg[r] = o
		}
	}
	for k, ti := range e.obsTerm {
		bk := b[ti]
		col := e.xw[k*n : (k+1)*n]
		for r := range mu {
			mu[r] += bk * col[r]
		}
	}
	e.slopeMu(mu, w)
	e.latMu(x, mu, w) // latcentre.go
	if e.time != TimeNone {
		tix := e.tix[:n]
		for r := range mu {
			mu[r] += w.gt[tix[r]]
		}
	}
	if e.off != nil {
		off := e.off[:n]
		for r := range mu {
			mu[r] += off[r]
		}
	}
	e.miFill(x, mu, b) // imputed parent values (missing.go)
}

// rowLik is the log likelihood summed over the rows, through the family
// (muReady: fillMu has run).
func (e *equation) rowLik(x, g []float64, w *scratch, muReady bool) float64 {
	if !muReady {
		e.fillMu(x, w)
	}
	n := e.n
	mu, dmu := w.mu[:n], w.dmu[:n]

	var lp float64
	switch {
	case e.cond != nil:
		lp = e.condLik(g, w)
	case e.kind == kindLatent:
		// eta ~ normal(mu, 1).
		idx := e.yIdx[:n]
		for r := range mu {
			res := x[idx[r]] - mu[r]
			lp -= 0.5 * res * res
			dmu[r] = res
			g[idx[r]] -= res
		}
	case e.ar != nil:
		lp = e.arLik(x, g, w) // AR(1) residuals (ar.go)
	default:
		lp = e.fam.LogLik(e.y, mu, w.theta, dmu, g[e.famOff:e.famOff+e.famN])
	}

	for j := range w.do {
		s := 0.0
		for _, d := range dmu[e.start[j]:e.start[j+1]] {
			s += d
		}
		w.do[j] += s
	}
	for k, ti := range e.obsTerm {
		w.gb[ti] += dot(e.xw[k*n:(k+1)*n], dmu)
	}
	e.slopeRowBack(dmu, w)
	e.latRowBack(x, g, dmu, w) // latcentre.go
	if e.time != TimeNone {
		tix := e.tix[:n]
		for r, d := range dmu {
			w.dgt[tix[r]] += d
		}
	}
	e.miBack(x, g, dmu, w) // imputed parent values (missing.go)
	return lp
}

// periodEffects computes g_t from x: for fixed effects g_t = z_t − mean(z),
// which sums to zero over the periods (so the intercept is the mean level
// and no ridge joins it to the period effects), for a random walk g_0 = 0.
func (e *equation) periodEffects(x, gt []float64) {
	if e.time == TimeFixed {
		z := x[e.tOff : e.tOff+e.T]
		m := mean(z)
		for t, v := range z {
			gt[t] = v - m
		}
		return
	}
	gt[0] = 0
	s := math.Exp(x[e.tsdOff])
	for t := 1; t < e.T; t++ {
		gt[t] = gt[t-1] + s*x[e.tOff+t-1]
	}
}

// periodBack adds the gradient from the period effects' derivatives dgt and
// returns their prior terms; self is the orientation of a latent's effects.
func (e *equation) periodBack(x, g []float64, w *scratch, self float64) float64 {
	dgt := w.dgt
	lp := 0.0
	if e.time == TimeFixed {
		// dg_s/dz_t = δ_st − 1/T. The prior is on each z_t: the direction
		// along which every z moves together leaves g unchanged and is
		// held by the prior alone, a well-scaled direction, and g itself
		// has the prior's normal conditioned on summing to zero.
		// With period centring the rows see z'_t − mean(z') and the prior
		// is on z_t = z'_t − d_t·b (periodcentre.go).
		md := mean(dgt[:e.T])
		for t := 0; t < e.T; t++ {
			l, d := e.timePrior.logDensity(self * (x[e.tOff+t] - e.periodShift(x, t, w)))
			lp += l
			g[e.tOff+t] += dgt[t] - md + self*d
			e.periodShiftBack(g, t, self*d, w)
		}
		return lp
	}
	// Random walk: g_t = s Σ_{k≤t} z_k with z_k ~ normal(0, 1).
	s := math.Exp(x[e.tsdOff])
	acc, ds := 0.0, 0.0
	for t := e.T - 1; t >= 1; t-- {
		acc += dgt[t]
		z := x[e.tOff+t-1]
		g[e.tOff+t-1] += s*acc - z
		ds += z * acc
		lp -= 0.5 * z * z
	}
	g[e.tsdOff] += s * ds
	lp += positiveLogPrior(e.timePrior, x[e.tsdOff], &g[e.tsdOff])
	return lp
}

// mean is the average of x (0 for none).
func mean(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}
