package sem

import (
	"fmt"
	"math"
	"slices"
)

// Missing values of discrete nodes, summed out (MissingModel).
//
// A missing value v of a binary, ordered or count node D (an equation of a
// Summable family with Missing = MissingModel) that a row of the model
// needs is not a parameter: its levels k are few, and the density sums
// over them. The rows that hold v are D's own row at v's period (the
// value's distribution given D's parents) and every row of a child of D
// (any equation, at t + lag for a lagged edge, including D's own later
// rows through a self-lag, and the rows of continuous values imputed there)
// whose term is v. Given every parameter, v enters only those rows, so the
// model's density has, for each such v, the factor
//
//	Σ_k p(D = k | D's parents) · Π_{rows c holding v} p(y_c | v = k)
//
// in place of those rows' terms: a per-value mixture, evaluated as one
// log-sum-exp over the levels (a sum group), with exact gradients (each
// row's derivatives weighted by the posterior probability of each level).
// The sum is over the joint of v across all rows that use it, never per
// row. A row may hold only one missing discrete value (it may hold it in
// several terms, as a lag and a contemporaneous parent cannot both be v),
// and D's own row none besides v: a row with two is a joint sum over
// several values, which is not supported: the row is left out and
// counted in its equation's Dropped ("A and B both (not summed jointly)",
// jointDiscrete; jointError remains as a guard). Equations with AR residuals or varying slopes cannot take summed
// rows (also an Error).
//
// Count families have no upper bound: their sum runs over the truncated
// support 0 … M with M = ⌈1.5·max⌉ + 10, max the node's largest observed
// value; a count node with M above MaxSumLevels−1 keeps MissingDrop (a
// note says so). A count LogLik drops −log y!, which depends on the level:
// each level's constant is restored from LogDensity.

// MaxSumLevels bounds the number of levels a summed-out value may have.
const MaxSumLevels = 256

// summableFamily reports whether f's missing values may be summed out.
func summableFamily(f Family) bool {
	if f == nil {
		return false
	}
	if _, ok := f.(TrialsFamily); ok {
		return false
	}
	return f.Support(nil).Discrete
}

// summable reports whether spec equation i's missing values may be summed out.
func (c *compiler) summable(i int) bool {
	e := &c.spec.Equations[i]
	if e.Missing != MissingModel || c.spec.PriorOnly || !summableFamily(e.Family) {
		return false
	}
	if e.Family.Support(nil).Upper > 0 && !math.IsInf(e.Family.Support(nil).Upper, 1) {
		return true // bernoulli; ordered reads its K at build time
	}
	if _, ok := e.Family.(Ordered); ok {
		return true
	}
	if countLevels(e.Y) > MaxSumLevels {
		if !slices.ContainsFunc(e.Y, math.IsNaN) {
			return false // nothing to sum, nothing to say
		}
		c.notes = append(c.notes, fmt.Sprintf("node %s: its missing values are not summed out: its counts (largest %g) would need more than %d levels; rows that need them are dropped", e.Node, maxObserved(e.Y), MaxSumLevels))
		return false
	}
	return true
}

// maxObserved is the largest non-NaN value of y (0 for none).
func maxObserved(y []float64) float64 {
	m := 0.0
	for _, v := range y {
		if v > m {
			m = v
		}
	}
	return m
}

// countLevels is the size of a count node's truncated support: 0 … M with
// M = ⌈1.5·max⌉ + 10.
func countLevels(y []float64) int {
	return int(math.Ceil(1.5*maxObserved(y))) + 11
}

// unitObserved returns, for an equation without parents and with unit
// intercepts, whether each unit has an observed value (see feasible); nil
// for the others.
func (c *compiler) unitObserved(i int) []bool {
	if len(c.spec.Equations[i].Terms) != 0 {
		return nil
	}
	return c.unitsWithY(i)
}

// unitsWithY says, for spec equation i with unit intercepts on a panel,
// whether each unit has an observed value of the node (nil otherwise).
func (c *compiler) unitsWithY(i int) []bool {
	e := &c.spec.Equations[i]
	if !e.UnitRE || len(c.lay.Units) == 0 || len(e.Y) != c.lay.Rows {
		return nil
	}
	u := make([]bool, len(c.lay.Units))
	for r, y := range e.Y {
		if !math.IsNaN(y) {
			u[c.lay.Unit[r]] = true
		}
	}
	return u
}

// dlinks returns, per term of node's equation, the equation of a summable
// parent whose missing values the term's are (−1: none).
func (c *compiler) dlinks(node, column string, terms []Term) ([]int, error) {
	return c.linkTerms(node, column, terms, c.mi.dstate, "summed out")
}

// parentEq is the equation whose values stand in for term ti's missing
// values (imputed or summed out), or −1.
func (c *compiler) parentEq(i, ti int) int {
	if pe := c.mi.link[i][ti]; pe >= 0 {
		return pe
	}
	return c.mi.dlink[i][ti]
}

// dfeasible reports whether summable equation de's missing value at layout
// row r can be summed out: its own row has values for its parents, none
// of them another missing discrete value.
func (c *compiler) dfeasible(de, r int) bool {
	st := c.mi.dstate[de]
	switch st[r] {
	case miYes:
		return true
	case miNo, miBusy:
		return false
	}
	st[r] = miBusy
	e := &c.spec.Equations[de]
	ok := e.Offset == nil || !math.IsNaN(e.Offset[r])
	if u := c.mi.unitObs[de]; u != nil && !u[c.lay.Unit[r]] {
		ok = false // see feasible
	}
	for ti := range e.Terms {
		if !ok {
			break
		}
		var miss bool
		ok, miss = c.termValue(de, ti, r)
		if ok && miss && c.mi.link[de][ti] < 0 {
			ok = false // a discrete parent missing too: a joint sum
		}
	}
	st[r] = miNo
	if ok {
		st[r] = miYes
	}
	return ok
}

// discreteIn reports whether a row of equation i (every term with a
// value) holds a summed-out value.
func (c *compiler) discreteIn(i, r int) bool {
	for ti, t := range c.spec.Equations[i].Terms {
		if t.X != nil && math.IsNaN(t.X[r]) && c.mi.link[i][ti] < 0 && c.mi.dlink[i][ti] >= 0 {
			return true
		}
	}
	return false
}

// ownSumRows adds each summed-out value's own row to its equation's sum
// rows and sorts them.
func (c *compiler) ownSumRows() {
	pl := c.mi
	for de, need := range pl.dneed {
		for r, nd := range need {
			if nd {
				pl.sumRows[de] = append(pl.sumRows[de], int32(r))
			}
		}
	}
	for i := range pl.sumRows {
		slices.Sort(pl.sumRows[i])
	}
}

// sumRowsOf returns the layout rows of the equation of in evaluated in sum groups.
func (c *compiler) sumRowsOf(in *eqInput) []int32 {
	if c.mi == nil || in.kind != kindObserved {
		return nil
	}
	return c.mi.sumRows[c.mi.eqOf[in.node]]
}

// sumPart holds an equation's rows that hold a summed-out value (or are
// the value's own row). Row i's terms are cst + x[idx] as in miPart, except
// the terms disc marks, which hold the value: cst + level.
type sumPart struct {
	n     int
	rows  []int32
	grp   []int32
	tix   []int32   // period, or nil
	off   []float64 // offset, or nil
	y     []float64 // observed response (NaN where imputed or own)
	yIdx  []int32   // imputed response's index into x, or −1
	own   []bool    // the value's own row: the response is the level
	cst   []float64 // n×terms
	idx   []int32   // n×terms
	kind  []uint8   // n×terms, see miKind (until resolved)
	disc  []bool    // n×terms: the term holds the summed value
	fam   []Family  // per row for a discrete family (nil: e.fam, or the level's)
	key   []int     // the value: summable equation × rows + layout row
	ykind []uint8
}

// buildSum sets up e's summed rows (after buildMissing).
func (c *compiler) buildSum(e *equation, in *eqInput) error {
	if len(e.sumRowsLay) == 0 {
		return nil
	}
	pl := c.mi
	i := pl.eqOf[in.node]
	link, dlink := pl.link[i], pl.dlink[i]
	if e.ar != nil || len(e.vary) > 0 {
		r := int(e.sumRowsLay[0])
		return in.fail("at %s a row needs a missing discrete value summed out, which an equation with AR residuals or varying slopes cannot take; set missing=\"drop\" on the discrete parent", c.rowLabel(r))
	}
	groupOf := map[int]int32{}
	for j, u := range e.groupUnit {
		groupOf[u] = int32(j)
	}
	var period map[int]int32
	if e.time != TimeNone {
		period = map[int]int32{}
		for k, t := range e.times {
			period[t] = int32(k)
		}
	}
	colOf := make([]int, len(e.terms))
	for ti := range colOf {
		colOf[ti] = -1
	}
	for k, ti := range e.obsTerm {
		colOf[ti] = k
	}
	_, trials := in.fam.(TrialsFamily)
	_, imputable := e.fam.(Imputable)
	s := &sumPart{n: len(e.sumRowsLay), rows: e.sumRowsLay}
	for _, r32 := range e.sumRowsLay {
		r := int(r32)
		j := int32(0)
		if e.groupUnit[0] >= 0 {
			j = groupOf[c.lay.Unit[r]]
		}
		s.grp = append(s.grp, j)
		if period != nil {
			s.tix = append(s.tix, period[c.lay.Time[r]])
		}
		if in.offset != nil {
			s.off = append(s.off, in.offset[r])
		}
		key := -1
		y := in.y[r]
		own := math.IsNaN(y) && pl.dneed[i] != nil && pl.dneed[i][r]
		switch {
		case own:
			key = i*c.lay.Rows + r
			s.y, s.yIdx, s.ykind = append(s.y, math.NaN()), append(s.yIdx, -1), append(s.ykind, kindNone)
		case math.IsNaN(y):
			s.y, s.yIdx, s.ykind = append(s.y, math.NaN()), append(s.yIdx, pl.id[i][r]), append(s.ykind, kindImpute)
		default:
			s.y, s.yIdx, s.ykind = append(s.y, y), append(s.yIdx, -1), append(s.ykind, kindNone)
		}
		s.own = append(s.own, own)
		// A discrete family may keep a summary of the values it was
		// prepared with (count histograms, trials): a row of its own.
		var f Family
		var err error
		switch {
		case trials:
			f, err = in.fam.(TrialsFamily).PrepareTrials([]float64{y}, []float64{in.trials[r]})
		case !imputable && !own:
			f, err = e.fam.Prepare([]float64{y})
		}
		if err != nil {
			return in.fail("at %s: %v", c.rowLabel(r), err)
		}
		s.fam = append(s.fam, f)
		for ti, t := range in.terms {
			if t.X == nil {
				lr, _ := c.lagRow(r, t.Lag)
				s.cst, s.idx, s.kind, s.disc = append(s.cst, 0), append(s.idx, c.rowToEta[e.terms[ti].latent][lr]), append(s.kind, kindEta), append(s.disc, false)
				continue
			}
			xb := e.xbar[int(j)*e.p+colOf[ti]]
			v := t.X[r]
			switch {
			case !math.IsNaN(v):
				s.cst, s.idx, s.kind, s.disc = append(s.cst, v-xb), append(s.idx, -1), append(s.kind, kindNone), append(s.disc, false)
			case link[ti] >= 0:
				lr, _ := c.lagRow(r, t.Lag)
				s.cst, s.idx, s.kind, s.disc = append(s.cst, -xb), append(s.idx, pl.id[link[ti]][lr]), append(s.kind, kindImpute), append(s.disc, false)
			default:
				lr, _ := c.lagRow(r, t.Lag)
				k := dlink[ti]*c.lay.Rows + lr
				if key >= 0 && key != k {
					return c.jointError(in.node, r, key, k)
				}
				key = k
				s.cst, s.idx, s.kind, s.disc = append(s.cst, -xb), append(s.idx, -1), append(s.kind, kindNone), append(s.disc, true)
			}
		}
		s.key = append(s.key, key)
	}
	e.sum = s
	return nil
}

// jointDiscrete returns why row r of spec equation i is dropped when it
// holds two or more different missing discrete values (summing over their
// joint is not supported: the row is left out, and the fit's line says so),
// or "" when it holds at most one.
func (c *compiler) jointDiscrete(i, r int) string {
	key, first := -1, ""
	for ti, t := range c.spec.Equations[i].Terms {
		if t.X == nil || !math.IsNaN(t.X[r]) || c.mi.link[i][ti] >= 0 || c.mi.dlink[i][ti] < 0 {
			continue
		}
		lr, _ := c.lagRow(r, t.Lag)
		k := c.mi.dlink[i][ti]*c.lay.Rows + lr
		name := t.Parent
		if t.Lag > 0 {
			name += fmt.Sprintf(" (lag %d)", t.Lag)
		}
		switch {
		case key < 0:
			key, first = k, name
		case k != key:
			return first + " and " + name + " both (not summed jointly)"
		}
	}
	return ""
}

// jointError refuses a row of node at layout row r that holds two missing
// discrete values (keys a and b).
func (c *compiler) jointError(node string, r, a, b int) error {
	name := func(k int) string {
		de, lr := k/c.lay.Rows, k%c.lay.Rows
		return c.spec.Equations[de].Node + " at " + c.rowLabel(lr)
	}
	return &Error{Node: node, Msg: fmt.Sprintf("its row at %s needs two missing discrete values, %s and %s; summing over their joint is not supported: set missing=\"drop\" on one of them", c.rowLabel(r), name(a), name(b))}
}

// sumResolve turns e's compile-time indices into indices into x.
func (e *equation) sumResolve(miOff int, etaOff []int) {
	s := e.sum
	if s == nil {
		return
	}
	e.resolveRows(s.n, s.ykind, s.yIdx, s.kind, s.idx, miOff, etaOff)
	s.kind, s.ykind = nil, nil
}

// sumGroup is one summed-out value: its levels, each level's constant in
// its own row's log probability, and the rows that hold it (own row first).
type sumGroup struct {
	node   string
	name   string // mi.NODE.UNIT.TIME
	row    int32  // layout row
	levels []float64
	lconst []float64
	lfam   []Family // the own row's family prepared at each level
	eq     []int32  // index into Posterior.eqs
	at     []int32  // row of that equation's sumPart
}

// sumScratch is the working space of sumLik.
type sumScratch struct {
	L, wt          []float64 // per level
	ll, dmu, dy    []float64 // per member × level
	gth            []float64 // per member × level × family parameter
	y1, mu1, dmu1  []float64 // one-row arguments
	post           []float64 // per group and level: its weight at the last point (from postOff)
	postOff        []int
	eqs            []int // equations with summed rows
	maxFam, maxMem int
}

// levels returns the values a discrete family's response takes in a sum:
// its support, a count truncated at countLevels of the observed column.
func sumLevels(f Family, y []float64) ([]float64, error) {
	s := f.Support(nil)
	if o, ok := f.(Ordered); ok {
		s.Upper = float64(o.K - 1)
	}
	hi := s.Upper
	if math.IsInf(hi, 1) {
		hi = float64(countLevels(y) - 1)
	}
	if hi-s.Lower+1 > MaxSumLevels {
		return nil, fmt.Errorf("%g levels to sum over (at most %d)", hi-s.Lower+1, MaxSumLevels)
	}
	var lv []float64
	for v := s.Lower; v <= hi; v++ {
		lv = append(lv, v)
	}
	return lv, nil
}

// levelConstants returns, per level k, f prepared for the single value k
// and log p(k | mu) − LogLik(k | mu): the constant LogLik leaves out,
// checked to depend on neither mu nor the family's parameters.
func levelConstants(f Family, levels []float64) ([]Family, []float64, error) {
	fams := make([]Family, len(levels))
	for i, v := range levels {
		var err error
		if fams[i], err = f.Prepare([]float64{v}); err != nil {
			return nil, nil, err
		}
	}
	np := f.NumParams()
	th := make([]float64, np)
	par := make([]float64, np)
	g := make([]float64, np)
	dmu := make([]float64, 1)
	c := make([]float64, len(levels))
	for pass, at := range []struct{ mu, th float64 }{{0.3, 0}, {-1.1, 0.4}} {
		for k := range th {
			th[k] = at.th
		}
		f.Constrain(th, par)
		for i, v := range levels {
			d := f.LogDensity(v, at.mu, par) - fams[i].LogLik([]float64{v}, []float64{at.mu}, th, dmu, g)
			if pass == 0 {
				c[i] = d
			} else if math.Abs(d-c[i]) > 1e-8*(1+math.Abs(d)) {
				return nil, nil, fmt.Errorf("family %s leaves out of its log likelihood a constant that depends on its parameters", f.Name())
			}
		}
	}
	return fams, c, nil
}

// sumAssemble resolves the summed rows' indices and gathers the sum groups.
func (c *compiler) sumAssemble(p *Posterior, eqs []*equation, etaOff []int, miOff int) error {
	byKey := map[int]int{}
	var sw sumScratch
	for ei, e := range eqs {
		e.sumResolve(miOff, etaOff)
		s := e.sum
		if s == nil {
			continue
		}
		sw.eqs = append(sw.eqs, ei)
		sw.maxFam = max(sw.maxFam, e.famN)
		for i := 0; i < s.n; i++ {
			g, ok := byKey[s.key[i]]
			if !ok {
				g = len(p.sums)
				byKey[s.key[i]] = g
				de, lr := s.key[i]/c.lay.Rows, s.key[i]%c.lay.Rows
				node := c.spec.Equations[de].Node
				p.sums = append(p.sums, sumGroup{node: node, row: int32(lr), name: "mi." + node + "." + c.rowName(lr)})
			}
			G := &p.sums[g]
			if s.own[i] { // own row first
				G.eq = append([]int32{int32(ei)}, G.eq...)
				G.at = append([]int32{int32(i)}, G.at...)
			} else {
				G.eq = append(G.eq, int32(ei))
				G.at = append(G.at, int32(i))
			}
		}
	}
	if len(p.sums) == 0 {
		return nil
	}
	levels := map[int]*sumGroup{} // per own equation: the first group (levels shared)
	maxK := 0
	for g := range p.sums {
		G := &p.sums[g]
		own := eqs[G.eq[0]]
		if !own.sum.own[G.at[0]] {
			return &Error{Node: G.node, Msg: "internal: a summed value without its own row at " + c.rowLabel(int(G.row))}
		}
		if f, ok := levels[int(G.eq[0])]; ok {
			G.levels, G.lconst, G.lfam = f.levels, f.lconst, f.lfam
		} else {
			var err error
			src := c.spec.Equations[c.mi.eqOf[G.node]].Y
			if G.levels, err = sumLevels(own.fam, src); err == nil {
				G.lfam, G.lconst, err = levelConstants(own.fam, G.levels)
			}
			if err != nil {
				return &Error{Node: G.node, Msg: "its missing values cannot be summed out: " + err.Error() + "; set missing=\"drop\""}
			}
			levels[int(G.eq[0])] = G
		}
		maxK = max(maxK, len(G.levels))
		sw.maxMem = max(sw.maxMem, len(G.eq))
	}
	p.sumMaxK = maxK
	p.sumMaxMem, p.sumMaxFam, p.sumEqs = sw.maxMem, sw.maxFam, sw.eqs
	return nil
}

// newSumScratch allocates sumLik's working space.
func (p *Posterior) newSumScratch() *sumScratch {
	if len(p.sums) == 0 {
		return nil
	}
	K, M, F := p.sumMaxK, p.sumMaxMem, p.sumMaxFam
	off := make([]int, len(p.sums)+1)
	for g := range p.sums {
		off[g+1] = off[g] + len(p.sums[g].levels)
	}
	return &sumScratch{
		post: make([]float64, off[len(p.sums)]), postOff: off,
		L: make([]float64, K), wt: make([]float64, K),
		ll: make([]float64, M*K), dmu: make([]float64, M*K), dy: make([]float64, M*K),
		gth: make([]float64, M*K*max(F, 1)),
		y1:  make([]float64, 1), mu1: make([]float64, 1), dmu1: make([]float64, 1),
	}
}

// sumPrepare readies the equations with summed rows (their group offsets,
// period effects and family parameters) before sumLik; their eval then
// skips prepare.
func (p *Posterior) sumPrepare(x []float64) {
	for _, i := range p.sumEqs {
		e, w := p.eqs[i], &p.work[i]
		e.prepare(x, w)
		e.prepTheta(x, w)
		w.ready = true
	}
}

// prepTheta copies e's family parameters into w.theta (cutpoints shifted).
func (e *equation) prepTheta(x []float64, w *scratch) {
	if e.famN > 0 {
		copy(w.theta, x[e.famOff:e.famOff+e.famN])
		if e.cutShift {
			w.theta[0] += e.meanOffset(w.o)
		}
	}
}

// sumLik adds the log of every sum group's mixture and its gradient: with
// respect to the equations' group offsets, period effects and strengths
// into their scratch (eval carries them on), with respect to family
// parameters and imputed or latent values into g.
func (p *Posterior) sumLik(x, g []float64) float64 {
	sw := p.sumW
	lp := 0.0
	for gi := range p.sums {
		G := &p.sums[gi]
		K := len(G.levels)
		L := sw.L[:K]
		copy(L, G.lconst)
		F := p.sumMaxFam
		for m := range G.eq {
			e, w := p.eqs[G.eq[m]], &p.work[G.eq[m]]
			s, i := e.sum, int(G.at[m])
			nt := len(e.terms)
			b := w.b[:nt]
			cst, idx, disc := s.cst[i*nt:(i+1)*nt], s.idx[i*nt:(i+1)*nt], s.disc[i*nt:(i+1)*nt]
			mu0 := w.o[s.grp[i]]
			dc := 0.0
			for t, bt := range b {
				v := cst[t]
				if idx[t] >= 0 {
					v += x[idx[t]]
				}
				mu0 += bt * v
				if disc[t] {
					dc += bt
				}
			}
			if s.tix != nil {
				mu0 += w.gt[s.tix[i]]
			}
			if s.off != nil {
				mu0 += s.off[i]
			}
			if e.lc != nil {
				mu0 -= e.latRowShift(int(s.grp[i]), int(s.tix[i]), w) // latent parents centred (latcentre.go)
			}
			fam := e.fam
			if s.fam[i] != nil {
				fam = s.fam[i]
			}
			imp, isImp := fam.(Imputable)
			for k, lv := range G.levels {
				if s.own[i] {
					fam, isImp = G.lfam[k], false
				}
				mu, y := mu0, s.y[i]
				switch {
				case s.own[i]:
					y = lv
				default:
					mu += dc * lv
					if s.yIdx[i] >= 0 {
						y = x[s.yIdx[i]]
					}
				}
				at := m*K + k
				gt := sw.gth[at*F : at*F+e.famN]
				clear(gt)
				var l, dmu, dy float64
				if isImp {
					l, dy, dmu = imp.LogLikY(y, mu, w.theta, gt)
				} else {
					sw.y1[0], sw.mu1[0] = y, mu
					l = fam.LogLik(sw.y1, sw.mu1, w.theta, sw.dmu1, gt)
					dmu = sw.dmu1[0]
				}
				sw.ll[at], sw.dmu[at], sw.dy[at] = l, dmu, dy
				L[k] += l
			}
		}
		// log Σ_k exp(L_k) and the levels' weights.
		hi := math.Inf(-1)
		for _, v := range L {
			hi = max(hi, v)
		}
		wt := sw.wt[:K]
		sum := 0.0
		for k, v := range L {
			wt[k] = math.Exp(v - hi)
			sum += wt[k]
		}
		lp += hi + math.Log(sum)
		post := sw.post[sw.postOff[gi]:sw.postOff[gi+1]]
		for k := range wt {
			wt[k] /= sum
			post[k] = wt[k]
		}
		for m := range G.eq {
			e, w := p.eqs[G.eq[m]], &p.work[G.eq[m]]
			s, i := e.sum, int(G.at[m])
			nt := len(e.terms)
			b, gb := w.b[:nt], w.gb[:nt]
			cst, idx, disc := s.cst[i*nt:(i+1)*nt], s.idx[i*nt:(i+1)*nt], s.disc[i*nt:(i+1)*nt]
			dm, dml, dyw := 0.0, 0.0, 0.0
			gth := g[e.famOff : e.famOff+e.famN]
			for k, wk := range wt {
				at := m*K + k
				d := wk * sw.dmu[at]
				dm += d
				dml += d * G.levels[k]
				dyw += wk * sw.dy[at]
				gt := sw.gth[at*F : at*F+e.famN]
				for q, v := range gt {
					gth[q] += wk * v
				}
			}
			if s.own[i] {
				dml = 0 // the own row's mean does not hold the level
			}
			w.do[s.grp[i]] += dm
			if s.tix != nil {
				w.dgt[s.tix[i]] += dm
			}
			if e.lc != nil {
				e.latRowShiftBack(int(s.grp[i]), int(s.tix[i]), dm, w)
			}
			if s.yIdx[i] >= 0 {
				g[s.yIdx[i]] += dyw
			}
			for t, bt := range b {
				v := cst[t]
				if idx[t] >= 0 {
					v += x[idx[t]]
					g[idx[t]] += bt * dm
				}
				gb[t] += dm * v
				if disc[t] {
					gb[t] += dml
				}
			}
		}
	}
	return lp
}

// sumInfo completes e's EquationInfo with its summed rows.
func (e *equation) sumInfo(in *EquationInfo) {
	s := e.sum
	if s == nil {
		return
	}
	in.Rows += s.n
	in.RowsImputed += s.n
	if slices.Contains(s.own, true) && !slices.Contains(in.ImputedFrom, e.node) {
		in.ImputedFrom = append([]string{e.node}, in.ImputedFrom...)
	}
	nt := len(e.terms)
	for i := 0; i < s.n; i++ {
		name := e.node
		if !s.own[i] {
			for t := 0; t < nt; t++ {
				if s.disc[i*nt+t] {
					name = e.terms[t].parent
				}
			}
		}
		if !slices.Contains(in.Summed, name) {
			in.Summed = append(in.Summed, name)
		}
	}
	slices.Sort(in.Summed)
}

// SummedOut counts, per node, its missing values summed out (MissingModel
// on a binary, ordered or count node).
func (p *Posterior) SummedOut() map[string]int {
	m := map[string]int{}
	for _, G := range p.sums {
		m[G.node]++
	}
	return m
}

// SummedNames names the summed-out values, mi.NODE.UNIT.TIME, in the order
// SummedLevels writes them.
func (p *Posterior) SummedNames() []string {
	n := make([]string, len(p.sums))
	for g := range p.sums {
		n[g] = p.sums[g].name
	}
	return n
}

// SummedRows locates the summed-out values: per node, its layout rows, and
// the position of each in SummedNames.
func (p *Posterior) SummedRows() map[string][][2]int {
	m := map[string][][2]int{}
	for g, G := range p.sums {
		m[G.node] = append(m[G.node], [2]int{int(G.row), g})
	}
	return m
}

// SummedLevels writes into out, for the sampler's point x, a level of each
// summed-out value drawn from its distribution given x and the data,
// p(k | x) ∝ exp(L_k) (the weights of the sum), so that draws of the levels
// over the posterior draws are draws from the values' posterior (as
// imputed values are). The uniform behind each draw is a hash of x and the
// value's position: the same point gives the same levels, and a fit stays
// reproducible from its seed. grad is scratch of length Dim. Like
// LogDensityGrad, it must not run concurrently on one Posterior.
func (p *Posterior) SummedLevels(x, grad, out []float64) {
	if len(p.sums) == 0 {
		return
	}
	p.LogDensityGrad(x, grad)
	h := uint64(0x9e3779b97f4a7c15)
	for _, v := range x {
		h ^= math.Float64bits(v)
		h *= 0x100000001b3
		h ^= h >> 29
	}
	sw := p.sumW
	for g, G := range p.sums {
		z := h ^ (uint64(g+1) * 0xbf58476d1ce4e5b9)
		z ^= z >> 31
		z *= 0x94d049bb133111eb
		z ^= z >> 29
		u := (float64(z>>11) + 0.5) / (1 << 53)
		post := sw.post[sw.postOff[g]:sw.postOff[g+1]]
		k, acc := len(post)-1, 0.0
		for i, w := range post {
			if acc += w; u < acc {
				k = i
				break
			}
		}
		out[g] = G.levels[k]
	}
}
