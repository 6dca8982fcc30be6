package sem

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// eqInput is what build needs to know about one equation.
type eqInput struct {
	node, column string
	kind         eqKind
	fam          Family
	y            []float64
	offset       []float64
	trials       []float64
	latent       int
	terms        []Term
	positive0    bool   // the only term is the latent's first loading (reported positive)
	loadingOf    string // indicators: the latent measured
	intercept    Prior
	unitRE       bool
	re           REParam
	tau          Prior
	time         TimeMode
	timePrior    Prior
	ar           int // AR order of the residuals (Equation.AR)
}

// fail returns an *Error about the equation of in.
func (in *eqInput) fail(format string, a ...any) error {
	return &Error{Node: in.node, Column: in.column, Msg: fmt.Sprintf(format, a...)}
}

// build compiles one equation (parameter offsets relative to the equation).
func (c *compiler) build(in eqInput) (*equation, error) {
	e := &equation{node: in.node, column: in.column, kind: in.kind, latent: in.latent}
	if err := c.checkInput(&in); err != nil {
		return nil, err
	}
	rows, err := c.usedRows(&in)
	if err != nil {
		return nil, err
	}
	// Rows with an imputed value (missing.go): a row loop of their own, or
	// joined to the ordinary rows.
	if extra, own := c.miRows(&in); own {
		e.miRowsLay = extra
	} else if len(extra) > 0 {
		rows = append(rows, extra...)
		slices.Sort(rows)
	}
	e.sumRowsLay = c.sumRowsOf(&in) // summed-out discrete values (sumout.go)
	useRE := in.unitRE
	if useRE && len(c.lay.Units) == 0 {
		useRE = false
		c.notes = append(c.notes, fmt.Sprintf("node %s: no unit key (a cross-section), so no unit random intercepts", in.node))
	}
	grp := c.group(e, rows, useRE)
	if err := c.prepareFamily(e, &in); err != nil {
		return nil, err
	}
	c.buildTerms(e, &in)
	c.chooseRE(e, &in, useRE)
	xw, err := c.columns(e, &in, grp)
	if err != nil {
		return nil, err
	}
	if err := c.slopes(e, &in, xw); err != nil { // varying slopes (slopes.go)
		return nil, err
	}
	if err := c.periods(e, &in); err != nil {
		return nil, err
	}
	if in.offset != nil {
		e.off = make([]float64, e.n)
		for i, r := range e.rows {
			e.off[i] = in.offset[r]
		}
	}
	if err := c.buildAR(e, &in); err != nil { // AR(1) residuals: ar.go
		return nil, err
	}
	c.arMissingNote(e, &in) // ar_missing.go
	_, gauss := e.fam.(Gaussian)
	e.suff = gauss && len(e.lat) == 0 && e.time == TimeNone && e.off == nil && e.ar == nil && !c.noSuff
	if e.suff {
		e.slopeStats(xw, grp)
		e.sufficientStats(xw, grp)
	} else {
		e.xw = xw
	}
	_, ordered := e.fam.(Ordered)
	e.cutShift = ordered && e.re != reNone && !c.noCutShift
	if e.re == RECentred && e.J > 1 && (e.kind == kindLatent || !e.fam.Intercept()) && !c.noRotate {
		e.rotU, e.hc = true, helmertWeights(e.J)
	}
	e.offsets(&in)
	c.buildMissing(e, &in)
	if err := c.buildSum(e, &in); err != nil {
		return nil, err
	}
	// After buildMissing, whose row constants are relative to the raw
	// group means; centring shifts only the offsets o_j, so they stay exact.
	if !c.noCentre {
		e.centre()        // the sampler's intercept is the level at the parents' mean (centre.go)
		e.centrePeriods() // and its period effects at the parents' period means (periodcentre.go)
		if !c.noLatCentre {
			e.centreLatent() // latent parents likewise, at their current values (latcentre.go)
		}
	}
	if e.arSuffOK() && !c.noSuff {
		e.buildARSuff(xw, grp) // AR(1) residuals on sufficient statistics (ar_suff.go)
	}
	return e, nil
}

// checkInput validates the equation's columns, terms and priors.
func (c *compiler) checkInput(in *eqInput) error {
	if in.kind != kindLatent {
		if err := c.checkColumn(in.node, in.column, "column", in.y); err != nil {
			return err
		}
	}
	if in.offset != nil {
		if err := c.checkColumn(in.node, in.column, "offset", in.offset); err != nil {
			return err
		}
	}
	if in.kind != kindIndicator {
		if err := c.checkTerms(in.node, in.column, in.terms); err != nil {
			return err
		}
	} else {
		lp := in.terms[0].Prior
		if err := lp.validate(); err != nil {
			return in.fail("loading prior: %v", err)
		}
		if lp.positiveOnly() && !in.positive0 {
			return in.fail("loading prior %s is for positive parameters; only the first indicator's loading is positive", lp)
		}
	}
	for _, p := range []struct {
		what string
		p    Prior
	}{{"intercept", in.intercept}, {"tau", in.tau}, {"time", in.timePrior}} {
		if err := p.p.validate(); err != nil {
			return in.fail("%s prior: %v", p.what, err)
		}
	}
	if in.intercept.positiveOnly() {
		return in.fail("intercept prior %s is for positive parameters; intercepts can be negative", in.intercept)
	}
	if in.time == TimeFixed && in.timePrior.positiveOnly() {
		return in.fail("time-effect prior %s is for positive parameters; period effects can be negative", in.timePrior)
	}
	if in.time < TimeNone || in.time > TimeRandomWalk {
		return in.fail("unknown time mode %d", int(in.time))
	}
	if in.re < REAuto || in.re > RENonCentred {
		return in.fail("unknown random-intercept parameterization %d", int(in.re))
	}
	return nil
}

// usedRows returns the layout rows where the response and every parent are
// observed (for a latent node, the rows where it has a value).
func (c *compiler) usedRows(in *eqInput) ([]int32, error) {
	var rows []int32
	if in.kind == kindLatent {
		rows = append(rows, c.etaRows[in.latent]...)
	} else {
		for r := 0; r < c.lay.Rows; r++ {
			if math.IsNaN(in.y[r]) || (in.offset != nil && math.IsNaN(in.offset[r])) {
				continue
			}
			ok, err := c.parentsObserved(in.terms, r)
			if err != nil {
				return nil, in.fail("%v", err)
			}
			if ok {
				rows = append(rows, int32(r))
			}
		}
	}
	if len(rows) == 0 {
		return nil, in.fail("no row has %s and all its parents observed", in.node)
	}
	return rows, nil
}

// group assigns the rows to groups (units with unit intercepts, else one
// pooled group) and orders them by group, so that each group's rows are the
// contiguous span start[j] … start[j+1]−1. It returns each row's group.
func (c *compiler) group(e *equation, rows []int32, useRE bool) []int32 {
	n := len(rows)
	grp := make([]int32, n)
	if useRE {
		gi := make([]int32, len(c.lay.Units))
		for i := range gi {
			gi[i] = -1
		}
		for _, r := range rows {
			gi[c.lay.Unit[r]] = 0
		}
		for _, r := range e.miRowsLay { // units with imputed-value rows only
			gi[c.lay.Unit[r]] = 0
		}
		for _, r := range e.sumRowsLay { // or summed rows only
			gi[c.lay.Unit[r]] = 0
		}
		for u := range gi {
			if gi[u] == 0 {
				gi[u] = int32(len(e.groupUnit))
				e.groupUnit = append(e.groupUnit, u)
			}
		}
		for i, r := range rows {
			grp[i] = gi[c.lay.Unit[r]]
		}
	} else {
		e.groupUnit = []int{-1}
	}
	e.J = len(e.groupUnit)
	e.ng = make([]float64, e.J)
	e.start = make([]int32, e.J+1)
	for _, g := range grp {
		e.ng[g]++
		e.start[g+1]++
	}
	for j := 0; j < e.J; j++ {
		e.start[j+1] += e.start[j]
	}
	// Counting sort by group, stable within group.
	next := append([]int32(nil), e.start[:e.J]...)
	sorted := make([]int32, n)
	sgrp := make([]int32, n)
	for i, r := range rows {
		g := grp[i]
		sorted[next[g]] = r
		sgrp[next[g]] = g
		next[g]++
	}
	e.n, e.rows = n, sorted
	return sgrp
}

// prepareFamily gathers the response and lets the family check it.
func (c *compiler) prepareFamily(e *equation, in *eqInput) error {
	if in.kind == kindLatent {
		e.yIdx = make([]int32, e.n)
		for i, r := range e.rows {
			e.yIdx[i] = c.rowToEta[in.latent][r] // eta-local; made absolute in assemble
		}
		return nil
	}
	y := make([]float64, e.n)
	for i, r := range e.rows {
		y[i] = in.y[r]
	}
	var fam Family
	var err error
	if tf, ok := in.fam.(TrialsFamily); ok {
		if in.trials == nil {
			return in.fail("%s needs the number of trials per row (trials=\"COLUMN\" or trials=\"31\")", in.fam.Name())
		}
		if len(in.trials) != c.lay.Rows {
			return in.fail("trials has %d values for %d rows", len(in.trials), c.lay.Rows)
		}
		n := make([]float64, e.n)
		for i, r := range e.rows {
			n[i] = in.trials[r]
		}
		fam, err = tf.PrepareTrials(y, n)
		var ve *ValueError
		if errors.As(err, &ve) && ve.Index >= 0 && ve.Index < e.n {
			i := ve.Index
			return in.fail("%s at %s (successes %g, trials %g)", ve.Msg, c.rowLabel(int(e.rows[i])), y[i], n[i])
		}
	} else {
		fam, err = in.fam.Prepare(y)
	}
	if err != nil {
		var ve *ValueError
		if errors.As(err, &ve) && ve.Index >= 0 && ve.Index < e.n {
			return in.fail("%s at %s", ve.Msg, c.rowLabelValue(int(e.rows[ve.Index]), ve.Value))
		}
		return in.fail("%v", err)
	}
	e.fam, e.y = fam, y
	if need := len(in.terms) + 2; e.n < need {
		return in.fail("too few rows: %d row(s) have %s and all its parents observed; the equation needs at least %d", e.n, in.node, need)
	}
	return nil
}

// buildTerms compiles the parent terms and looks up latent parents' values.
func (c *compiler) buildTerms(e *equation, in *eqInput) {
	for i, t := range in.terms {
		ct := term{parent: t.Parent, lag: t.Lag, latent: -1, prior: t.Prior.or(defaultStrength), sign: t.Sign}
		ct.positive = i == 0 && in.positive0
		switch {
		case in.kind == kindIndicator:
			ct.name = "lambda." + in.loadingOf + "." + in.node
		default:
			ct.name = TermParamName(in.node, t)
		}
		ct.unitMean = t.UnitMean
		ct.moderator, ct.modLag = t.Moderator, t.ModeratorLag
		if t.X == nil {
			ct.latent = c.latIndex[t.Parent]
			idx := make([]int32, e.n)
			for k, r := range e.rows {
				lr, _ := c.lagRow(int(r), t.Lag)   // usedRows checked it exists
				idx[k] = c.rowToEta[ct.latent][lr] // eta-local; made absolute in assemble
			}
			e.lat = append(e.lat, latTerm{term: i, idx: idx})
		} else {
			e.obsTerm = append(e.obsTerm, i)
		}
		e.terms = append(e.terms, ct)
	}
	e.p = len(e.obsTerm)
}

// chooseRE settles the unit intercepts' parameterization.
func (c *compiler) chooseRE(e *equation, in *eqInput, useRE bool) {
	if !useRE {
		e.re = reNone
		return
	}
	perUnit := float64(e.n) / float64(e.J)
	what := "rows per unit"
	if in.ar > 0 {
		perUnit, what = c.arEffectiveRows(e, in, perUnit) // ar.go
	}
	thr := 10.0 // a latent's structural equation: gaussian with sd 1
	if e.fam != nil {
		thr = e.fam.CentreThreshold()
	}
	switch in.re {
	case RECentred, RENonCentred:
		e.re = in.re
		e.reReason = "as asked"
	default:
		if perUnit >= thr {
			e.re = RECentred
			e.reReason = fmt.Sprintf("auto: %.1f %s >= %g", perUnit, what, thr)
		} else {
			e.re = RENonCentred
			e.reReason = fmt.Sprintf("auto: %.1f %s < %g", perUnit, what, thr)
		}
	}
	if e.J == 1 {
		c.notes = append(c.notes, fmt.Sprintf("node %s: its rows come from a single unit, so the unit intercept's sd is known only from its prior", in.node))
	}
}

// columns gathers the observed parents: their group means x̄ and their
// values centred within group (n×p, column-major). A parent that does not
// vary over the rows used is an error.
func (c *compiler) columns(e *equation, in *eqInput, grp []int32) ([]float64, error) {
	n, p := e.n, e.p
	e.xbar = make([]float64, e.J*p)
	for k, ti := range e.obsTerm {
		x := in.terms[ti].X
		for i, r := range e.rows {
			if v := x[r]; !math.IsNaN(v) { // NaN: an imputed value, see miSparse
				e.xbar[int(grp[i])*p+k] += v
			}
		}
	}
	for j := 0; j < e.J; j++ {
		for k := 0; k < p; k++ {
			if e.ng[j] > 0 { // 0: a unit with imputed-value rows only
				e.xbar[j*p+k] /= e.ng[j]
			}
		}
	}
	xw := make([]float64, n*p)
	for k, ti := range e.obsTerm {
		x := in.terms[ti].X
		col := xw[k*n : (k+1)*n]
		lo, hi := math.Inf(1), math.Inf(-1)
		for i, r := range e.rows {
			v := x[r]
			if math.IsNaN(v) { // an imputed value, added by miSparse
				col[i] = -e.xbar[int(grp[i])*p+k]
				continue
			}
			col[i] = v - e.xbar[int(grp[i])*p+k]
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if n > 1 && lo == hi {
			t := in.terms[ti]
			name := t.Column
			if name == "" {
				name = t.Parent
			}
			return nil, in.fail("parent %s (column %s) has no variance over the %d rows used: every value is %g", t.Parent, name, n, lo)
		}
	}
	return xw, nil
}

// periods sets up period effects over the periods the rows cover.
func (c *compiler) periods(e *equation, in *eqInput) error {
	e.time = in.time
	if e.time == TimeNone {
		return nil
	}
	if c.lay.Time == nil {
		return in.fail("time effects need periods, but the data have no time key")
	}
	present := make([]int32, len(c.lay.Times))
	for i := range present {
		present[i] = -1
	}
	for _, r := range e.rows {
		present[c.lay.Time[r]] = 0
	}
	for _, r := range e.miRowsLay {
		present[c.lay.Time[r]] = 0
	}
	for _, r := range e.sumRowsLay {
		present[c.lay.Time[r]] = 0
	}
	for t := range present {
		if present[t] == 0 {
			present[t] = int32(len(e.times))
			e.times = append(e.times, t)
		}
	}
	e.T = len(e.times)
	if e.T < 2 {
		c.notes = append(c.notes, fmt.Sprintf("node %s: its rows cover a single period, so it has no period effects", in.node))
		e.time, e.T, e.times = TimeNone, 0, nil
		return nil
	}
	e.tix = make([]int32, e.n)
	for i, r := range e.rows {
		e.tix[i] = present[c.lay.Time[r]]
	}
	return nil
}

// sufficientStats computes the gaussian sufficient statistics: group means
// of the response, and the cross-products of the within-group centred
// response and parents. The rows themselves are then no longer needed.
func (e *equation) sufficientStats(xw []float64, grp []int32) {
	n, p := e.n, e.p
	e.ybar = make([]float64, e.J)
	for i, g := range grp {
		e.ybar[g] += e.y[i]
	}
	for j := range e.ybar {
		if e.ng[j] > 0 {
			e.ybar[j] /= e.ng[j]
		}
	}
	yw := make([]float64, n)
	for i, g := range grp {
		yw[i] = e.y[i] - e.ybar[g]
	}
	e.wxx = make([]float64, p*p)
	e.wxy = make([]float64, p)
	for k := 0; k < p; k++ {
		ck := xw[k*n : (k+1)*n]
		e.wxy[k] = dot(ck, yw)
		for l := 0; l <= k; l++ {
			v := dot(ck, xw[l*n:(l+1)*n])
			e.wxx[k*p+l], e.wxx[l*p+k] = v, v
		}
	}
	e.wyy = dot(yw, yw)
	e.y = nil
}

// offsets resolves the priors and lays out the equation's parameters:
// [a] [b…] [family…] [tau u…] [period sd] [period effects…].
func (e *equation) offsets(in *eqInput) {
	e.interceptPrior = in.intercept.or(defaultIntercept)
	e.tauPrior = in.tau.or(defaultScale)
	if e.time == TimeRandomWalk {
		e.timePrior = in.timePrior.or(defaultTimeStep)
	} else {
		e.timePrior = in.timePrior.or(defaultTimeFixed)
	}
	off := 0
	take := func(k int) int {
		if k == 0 {
			return -1
		}
		o := off
		off += k
		return o
	}
	e.aOff = -1
	if e.kind != kindLatent && e.fam.Intercept() {
		e.aOff = take(1)
	}
	e.bOff = take(len(e.terms))
	if e.fam != nil {
		e.famN = e.fam.NumParams()
	}
	e.famOff = take(e.famN)
	e.arOff = -1
	if e.ar != nil {
		e.arOff = take(1) // rho, as atanh(rho)
	}
	e.tauOff, e.uOff = -1, -1
	if e.re != reNone {
		e.tauOff = take(1)
		e.uOff = take(e.J)
	}
	e.tsdOff, e.tOff = -1, -1
	if e.time == TimeRandomWalk {
		e.tsdOff = take(1)
	}
	switch e.time {
	case TimeFixed:
		e.tOff = take(e.T) // z_t, every period; g_t = z_t − mean(z)
	case TimeRandomWalk:
		e.tOff = take(e.T - 1)
	}
	e.nparam = e.slopeOffsets(off) // [log sd_v, v…] per varying term
}
