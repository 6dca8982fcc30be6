package sem

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mathext"
)

// Missing chooses what becomes of a missing value of an equation's node.
type Missing int

const (
	// MissingDrop leaves the value out: every row that needs it (the
	// node's own row, and its children's rows where it is a parent) is
	// dropped. The package's default.
	MissingDrop Missing = iota
	// MissingModel makes a missing value a parameter, mi.NODE.UNIT.TIME,
	// wherever a row of the model needs it: a child's row where it is a
	// parent (at t − lag: the same unit's value lag periods before), and
	// then the node's own row at that period, whose equation is the
	// value's distribution given its parents. A value is imputed only
	// when its own parents have values there, observed or imputed in turn
	// (the imputation follows the graph back); otherwise the rows that
	// need it are dropped, as under MissingDrop. It applies to the
	// continuous families (Imputable: gaussian, student, lognormal, beta);
	// a missing value of a binary, ordered or count node is summed out over
	// its levels instead (sumout.go); an equation of another family keeps
	// MissingDrop for its own values, though its rows still take imputed
	// values of its parents, and so does a latent's structural equation.
	MissingModel
)

// String returns "drop" or "model".
func (m Missing) String() string {
	switch m {
	case MissingDrop:
		return "drop"
	case MissingModel:
		return "model"
	}
	return fmt.Sprintf("Missing(%d)", int(m))
}

// ParseMissing reads "drop" or "model".
func ParseMissing(s string) (Missing, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "drop":
		return MissingDrop, nil
	case "model":
		return MissingModel, nil
	}
	return 0, fmt.Errorf("unknown missing-value mode %q (want model or drop)", s)
}

// Imputable is a continuous family whose missing values can be
// parameters (MissingModel). The sampler moves an imputed value y in the
// unconstrained coordinate v of the family's support: y = v on the real
// line, y = exp(v) on (0, ∞), y = 1/(1 + exp(−v)) on (0, 1), with the
// log Jacobian of that map added to the density.
type Imputable interface {
	Family
	// LogLikY is log p(y | mu, theta) for one row, up to a constant that
	// depends on none of y, mu and theta, with its derivatives with
	// respect to y and mu; it adds the gradient with respect to theta to
	// grad. Its dependence on mu and theta is LogLik's for one row.
	LogLikY(y, mu float64, theta, grad []float64) (lp, dy, dmu float64)
}

// LogLikY is −log sigma − (y − mu)²/(2 sigma²).
func (Gaussian) LogLikY(y, mu float64, theta, grad []float64) (lp, dy, dmu float64) {
	s := theta[0]
	prec := math.Exp(-2 * s)
	r := y - mu
	grad[0] += -1 + r*r*prec
	return -s - 0.5*r*r*prec, -r * prec, r * prec
}

// LogLikY is the Student-t log density without −½ log π.
func (Student) LogLikY(y, mu float64, theta, grad []float64) (lp, dy, dmu float64) {
	ls := theta[0]
	is := math.Exp(-ls)
	nu := 1 + math.Exp(theta[1])
	z := (y - mu) * is
	z2 := z * z
	q := nu + z2
	w := (nu + 1) / q
	L := math.Log1p(z2 / nu)
	a, _ := math.Lgamma((nu + 1) / 2)
	b, _ := math.Lgamma(nu / 2)
	lp = a - b - 0.5*math.Log(nu) - ls - (nu+1)/2*L
	dmu = w * z * is
	grad[0] += -1 + w*z2
	dnu := 0.5*mathext.Digamma((nu+1)/2) - 0.5*mathext.Digamma(nu/2) - 0.5/nu - 0.5*L + (nu+1)/2*z2/(nu*q)
	grad[1] += dnu * (nu - 1)
	return lp, -dmu, dmu
}

// LogLikY is −log y − log sigma − (log y − mu)²/(2 sigma²).
func (LogNormal) LogLikY(y, mu float64, theta, grad []float64) (lp, dy, dmu float64) {
	s := theta[0]
	prec := math.Exp(-2 * s)
	ly := math.Log(y)
	r := ly - mu
	grad[0] += -1 + r*r*prec
	return -ly - s - 0.5*r*r*prec, (-r*prec - 1) / y, r * prec
}

// LogLikY is the beta log density with mean 1/(1 + exp(−mu)), precision phi.
func (BetaFamily) LogLikY(y, mu float64, theta, grad []float64) (lp, dy, dmu float64) {
	phi := math.Exp(theta[0])
	p := sigmoid(mu)
	a, b := p*phi, (1-p)*phi
	ly, l1y := math.Log(y), math.Log1p(-y)
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lg, _ := math.Lgamma(phi)
	da, db := mathext.Digamma(a), mathext.Digamma(b)
	lp = lg - la - lb + (a-1)*ly + (b-1)*l1y
	dy = (a-1)/y - (b-1)/(1-y)
	dmu = phi * p * (1 - p) * (ly - l1y - da + db)
	dphi := mathext.Digamma(phi) + p*(ly-da) + (1-p)*(l1y-db)
	grad[0] += dphi * phi
	return lp, dy, dmu
}

// miMap is how an imputed value's sampler coordinate maps to the value.
type miMap uint8

const (
	miIdentity miMap = iota // the real line
	miExp                   // (0, ∞)
	miLogistic              // (0, 1)
)

// supportMap picks the map for a family's support.
func supportMap(f Family) miMap {
	s := f.Support(nil)
	switch {
	case s.Lower == 0 && s.Upper == 1:
		return miLogistic
	case s.Lower == 0:
		return miExp
	}
	return miIdentity
}

// MissingInfo locates a node's imputed values in ParamNames: parameters
// First … First+len(Rows)−1 are its values at the layout rows Rows, on the
// node's scale (Constrain writes the values themselves).
type MissingInfo struct {
	Node  string
	First int
	Rows  []int32
}

// miPlan is Compile's decision on which values to impute.
type miPlan struct {
	eqOf  map[string]int // spec equation index by node
	link  [][]int        // per spec equation and term: the parent's equation index, or −1
	state [][]uint8      // per imputable equation and layout row: miUnknown, …
	need  [][]bool       // per equation and layout row: the value is imputed
	extra [][]int32      // per equation: layout rows with an imputed value, sorted
	id    [][]int32      // per equation and layout row: the imputed value's index, or −1
	nodes []int          // equations with imputed values, in parameter order
	first []int          // per nodes entry: index of its first value (local)
	n     int            // imputed values in all
	// per equation: rows dropped, by the first parent that is missing and
	// cannot be imputed
	dropped []map[string]int
	// per equation: the nodes whose imputed values its rows use
	uses []map[string]bool
	// the same for the latents' structural equations (see latentMissing)
	latLink [][]int
	latUses []map[string]bool
	// unitObs is, for an imputable (not gaussian, see noData) or summable
	// equation without parents and with unit intercepts, whether each unit
	// has an observed value (see feasible); nil for the others
	unitObs [][]bool
	// noData is, for a gaussian equation with unit intercepts, whether
	// each unit has an observed value: the units without one have their
	// values imputed non-centred (nodata.go).
	noData [][]bool
	// Missing values of binary, ordered and count nodes summed out
	// (sumout.go): dlink per equation and term is the summable parent's
	// equation (or −1), dstate and dneed per summable equation and layout
	// row whether the value can be / is summed out, sumRows per equation
	// the layout rows evaluated in a sum group.
	dlink   [][]int
	dstate  [][]uint8
	dneed   [][]bool
	sumRows [][]int32
}

const (
	miUnknown uint8 = iota
	miBusy
	miYes
	miNo
)

// imputable reports whether spec equation i's missing values may be parameters.
func (c *compiler) imputable(i int) bool {
	e := &c.spec.Equations[i]
	if e.Missing != MissingModel || c.spec.PriorOnly {
		return false
	}
	fam := e.Family
	if fam == nil {
		fam = Gaussian{}
	}
	_, ok := fam.(Imputable)
	return ok
}

// planMissing decides, before the equations are built, which missing
// values become parameters and which rows they add to each equation, and
// counts the rows each equation drops (under MissingDrop everywhere: no
// value is imputed, only the counts are kept).
func (c *compiler) planMissing() error {
	eqs := c.spec.Equations
	var err error
	pl := &miPlan{eqOf: map[string]int{}}
	c.mi = pl
	for i := range eqs {
		pl.eqOf[eqs[i].Node] = i
	}
	rows := c.lay.Rows
	pl.link = make([][]int, len(eqs))
	pl.state = make([][]uint8, len(eqs))
	pl.need = make([][]bool, len(eqs))
	pl.extra = make([][]int32, len(eqs))
	pl.id = make([][]int32, len(eqs))
	pl.dropped = make([]map[string]int, len(eqs))
	pl.uses = make([]map[string]bool, len(eqs))
	pl.unitObs = make([][]bool, len(eqs))
	pl.noData = make([][]bool, len(eqs))
	pl.dstate = make([][]uint8, len(eqs))
	pl.dneed = make([][]bool, len(eqs))
	pl.dlink = make([][]int, len(eqs))
	pl.sumRows = make([][]int32, len(eqs))
	for i := range eqs {
		sum := c.summable(i)
		if sum {
			pl.dstate[i] = make([]uint8, rows)
			pl.dneed[i] = make([]bool, rows)
		}
		if c.imputable(i) && c.noDataEligible(i) { // imputed non-centred there (nodata.go)
			pl.noData[i] = c.unitsWithY(i)
		} else if c.imputable(i) || sum {
			pl.unitObs[i] = c.unitObserved(i)
		}
		if c.imputable(i) {
			pl.state[i] = make([]uint8, rows)
			pl.need[i] = make([]bool, rows)
		}
		pl.dropped[i], pl.uses[i] = map[string]int{}, map[string]bool{}
	}
	for i := range eqs {
		e := &eqs[i]
		if err := c.checkColumn(e.Node, e.Column, "column", e.Y); err != nil {
			return err
		}
		if err := c.checkTerms(e.Node, e.Column, e.Terms); err != nil {
			return err
		}
		if pl.link[i], err = c.links(e.Node, e.Column, e.Terms); err != nil {
			return err
		}
		if pl.dlink[i], err = c.dlinks(e.Node, e.Column, e.Terms); err != nil {
			return err
		}
	}
	if err := c.latentMissing(); err != nil {
		return err
	}
	for i := range eqs {
		e := &eqs[i]
		for r := 0; r < rows; r++ {
			if math.IsNaN(e.Y[r]) || (e.Offset != nil && math.IsNaN(e.Offset[r])) {
				continue
			}
			complete, why, whyProduct := true, "", false
			for ti, t := range e.Terms {
				ok, miss := c.termValue(i, ti, r)
				if !ok {
					// A parent's own term names the reason before a
					// moderated edge's product, which is missing
					// whenever a factor is and is never imputed itself.
					if why == "" || whyProduct && t.Moderator == "" {
						why, whyProduct = c.dropReason(i, ti, r), t.Moderator != ""
					}
					continue
				}
				complete = complete && !miss
			}
			if why == "" && !complete {
				why = c.jointDiscrete(i, r) // "" when at most one is summed out
			}
			switch {
			case why != "":
				pl.dropped[i][why]++
			case !complete:
				if c.discreteIn(i, r) { // a missing discrete parent: summed out (sumout.go)
					pl.sumRows[i] = append(pl.sumRows[i], int32(r))
				} else {
					pl.extra[i] = append(pl.extra[i], int32(r))
				}
				c.needParents(i, r)
			}
		}
	}
	// Number the imputed values: by equation, then layout row.
	for i := range eqs {
		pl.id[i] = nil
		if pl.need[i] == nil {
			continue
		}
		first := pl.n
		for r, nd := range pl.need[i] {
			if nd {
				if pl.id[i] == nil {
					pl.id[i] = make([]int32, rows)
					for k := range pl.id[i] {
						pl.id[i][k] = -1
					}
				}
				pl.id[i][r] = int32(pl.n)
				pl.n++
				if c.discreteIn(i, r) {
					pl.sumRows[i] = append(pl.sumRows[i], int32(r))
				} else {
					pl.extra[i] = append(pl.extra[i], int32(r))
				}
			}
		}
		if pl.n > first {
			pl.nodes = append(pl.nodes, i)
			pl.first = append(pl.first, first)
		}
		slices.Sort(pl.extra[i])
	}
	c.ownSumRows()
	return nil
}

// links returns, per term of node's equation, the spec equation whose
// imputed values stand in for the term's missing values (−1: none).
func (c *compiler) links(node, column string, terms []Term) ([]int, error) {
	return c.linkTerms(node, column, terms, c.mi.state, "imputed")
}

// linkTerms returns, per term of node's equation, the equation whose
// values stand in for the term's missing ones: a parent with a state (the
// imputable equations' state, or the summable ones' dstate) whose column
// the term reads (−1: none). A parent read through another column gets a
// note that its values there are not what (imputed, summed out).
func (c *compiler) linkTerms(node, column string, terms []Term, state [][]uint8, what string) ([]int, error) {
	pl := c.mi
	link := make([]int, len(terms))
	for ti, t := range terms {
		link[ti] = -1
		pe, ok := pl.eqOf[t.Parent]
		if !ok || t.X == nil || t.UnitMean || state[pe] == nil {
			continue
		}
		linked, err := c.sameValues(t, c.spec.Equations[pe].Y)
		if err != nil {
			return nil, &Error{Node: node, Column: column, Msg: err.Error()}
		}
		if linked {
			link[ti] = pe
		} else {
			c.notes = append(c.notes, fmt.Sprintf("node %s: the values of its parent %s (lag %d) are not %s's own column, so its missing values there are not %s", node, t.Parent, t.Lag, t.Parent, what))
		}
	}
	return link, nil
}

// latentMissing gives each latent a value at the rows where an indicator
// is observed and its observed parents are missing but can be imputed
// (latentRows left those out), and marks those parents' values imputed.
// Latents are visited parents first, so that a latent parent's new rows
// count. A row an observed node's imputation left out because a latent
// had no value there yet stays out (the search is not repeated).
func (c *compiler) latentMissing() error {
	pl := c.mi
	lats := c.spec.Latents
	pl.latLink = make([][]int, len(lats))
	pl.latUses = make([]map[string]bool, len(lats))
	order, err := c.latentOrder()
	if err != nil {
		return err
	}
	for _, li := range order {
		l := &lats[li]
		pl.latUses[li] = map[string]bool{}
		if pl.latLink[li], err = c.links(l.Node, "", l.Terms); err != nil {
			return err
		}
		for r := 0; r < c.lay.Rows; r++ {
			if c.rowToEta[li][r] >= 0 || !c.indicated(l, r) {
				continue
			}
			ok, miss := true, false
			for ti, t := range l.Terms {
				lr, _ := c.lagRow(r, t.Lag)
				switch {
				case t.X != nil && !math.IsNaN(t.X[r]):
				case t.X == nil:
					pi := c.latIndex[t.Parent]
					ok = lr >= 0 && c.rowToEta[pi][lr] >= 0
				default:
					pe := pl.latLink[li][ti]
					ok = pe >= 0 && lr >= 0 && c.feasible(pe, lr)
					miss = true
				}
				if !ok {
					break
				}
			}
			if !ok || !miss {
				continue
			}
			c.rowToEta[li][r] = int32(len(c.etaRows[li]))
			c.etaRows[li] = append(c.etaRows[li], int32(r))
			for ti, t := range l.Terms {
				if t.X == nil || !math.IsNaN(t.X[r]) {
					continue
				}
				pe := pl.latLink[li][ti]
				lr, _ := c.lagRow(r, t.Lag)
				pl.latUses[li][t.Parent] = true
				if !pl.need[pe][lr] {
					pl.need[pe][lr] = true
					c.needParents(pe, lr)
				}
			}
		}
	}
	return nil
}

// indicated reports whether some indicator of l is observed at row r.
func (c *compiler) indicated(l *Latent, r int) bool {
	for k := range l.Indicators {
		if !math.IsNaN(l.Indicators[k].Y[r]) {
			return true
		}
	}
	return false
}

// sameValues reports whether term t's values are its parent's column y
// lagged by t.Lag (NaN where y is NaN or the lagged row is absent), so that
// an imputed value of y can stand in for a missing value of t.X.
func (c *compiler) sameValues(t Term, y []float64) (bool, error) {
	if len(y) != c.lay.Rows {
		return false, nil
	}
	for r, x := range t.X {
		lr, err := c.lagRow(r, t.Lag)
		if err != nil {
			return false, err
		}
		v := math.NaN()
		if lr >= 0 {
			v = y[lr]
		}
		switch {
		case math.IsNaN(x) && math.IsNaN(v):
		case math.IsNaN(x) || math.IsNaN(v):
			if lr >= 0 || !math.IsNaN(x) {
				return false, nil
			}
		case math.Abs(x-v) > 1e-9*(1+math.Abs(v)):
			return false, nil
		}
	}
	return true, nil
}

// termValue reports whether term ti of spec equation i has a value at
// layout row r (ok) and whether that value is imputed (miss).
func (c *compiler) termValue(i, ti, r int) (ok, miss bool) {
	t := c.spec.Equations[i].Terms[ti]
	if t.X != nil && !math.IsNaN(t.X[r]) {
		return true, false
	}
	lr, _ := c.lagRow(r, t.Lag) // checkTerms and sameValues ran lagRow
	if t.X == nil {
		li := c.latIndex[t.Parent]
		return lr >= 0 && c.rowToEta[li] != nil && c.rowToEta[li][lr] >= 0, false
	}
	pe := c.mi.link[i][ti]
	if pe < 0 && lr >= 0 {
		if de := c.mi.dlink[i][ti]; de >= 0 {
			return c.dfeasible(de, lr), true // summed out (sumout.go)
		}
	}
	if pe < 0 || lr < 0 {
		return false, false
	}
	return c.feasible(pe, lr), true
}

// dropReason names term ti of spec equation i as the reason its row r is
// dropped: the parent (with its lag, and "no data for the unit" when the
// parent has none there), or a moderated edge's product.
func (c *compiler) dropReason(i, ti, r int) string {
	t := c.spec.Equations[i].Terms[ti]
	lag := func(k int) string {
		if k > 0 {
			return fmt.Sprintf(" (lag %d)", k)
		}
		return ""
	}
	if t.Moderator != "" {
		return t.Parent + lag(t.Lag) + " × " + t.Moderator + lag(t.ModeratorLag) + " (product, not imputed)"
	}
	why := t.Parent + lag(t.Lag)
	if pe := c.parentEq(i, ti); pe >= 0 && c.mi.unitObs[pe] != nil && !c.mi.unitObs[pe][c.lay.Unit[r]] {
		why += " (no data for the unit)"
	}
	return why
}

// feasible reports whether spec equation pe's missing value at layout row
// r can be imputed: its own parents have values there.
func (c *compiler) feasible(pe, r int) bool {
	st := c.mi.state[pe]
	switch st[r] {
	case miYes:
		return true
	case miNo, miBusy:
		return false
	}
	st[r] = miBusy
	e := &c.spec.Equations[pe]
	ok := e.Offset == nil || !math.IsNaN(e.Offset[r])
	// A node without parents and with unit intercepts is not imputed in a
	// unit where it has no observed value unless its values there can be
	// sampled non-centred (gaussian, nodata.go): they would be known only
	// through the children, all tied to one free unit intercept by a
	// within-unit sd that, for a column nearly constant within units, is
	// tiny: a ridge the sampler crawls along.
	if u := c.mi.unitObs[pe]; u != nil && !u[c.lay.Unit[r]] {
		ok = false
	}
	for ti := range e.Terms {
		if !ok {
			break
		}
		ok, _ = c.termValue(pe, ti, r)
	}
	st[r] = miNo
	if ok {
		st[r] = miYes
	}
	return ok
}

// needParents marks the missing parent values of spec equation i's row r
// as imputed, and their own missing parents in turn.
func (c *compiler) needParents(i, r int) {
	t := c.spec.Equations[i].Terms
	for ti := range t {
		if t[ti].X == nil || !math.IsNaN(t[ti].X[r]) {
			continue
		}
		pe := c.mi.link[i][ti]
		lr, _ := c.lagRow(r, t[ti].Lag)
		c.mi.uses[i][t[ti].Parent] = true
		if pe < 0 { // a discrete value, summed out (sumout.go)
			de := c.mi.dlink[i][ti]
			if !c.mi.dneed[de][lr] {
				c.mi.dneed[de][lr] = true
				c.needParents(de, lr)
			}
			continue
		}
		if !c.mi.need[pe][lr] {
			c.mi.need[pe][lr] = true
			c.needParents(pe, lr)
		}
	}
}

// miRows returns the layout rows of the equation of in that hold an
// imputed value, and whether they go to the row loop of miPart (true for
// an imputable family) or join the equation's ordinary rows.
func (c *compiler) miRows(in *eqInput) ([]int32, bool) {
	if c.mi == nil || in.kind != kindObserved {
		return nil, false
	}
	i := c.mi.eqOf[in.node]
	_, imp := in.fam.(Imputable)
	if imp && in.ar > 0 && !c.arImputesY(in, c.mi.extra[i]) {
		return c.mi.extra[i], false // the AR residual chain runs through them (ar_missing.go)
	}
	return c.mi.extra[i], imp
}

// miPart holds the rows of an equation with an imputed value, evaluated by
// a row loop after the equation's other rows. Each term's value at a row
// is cst + x[idx] (idx −1: cst alone), cst already centred by the group's
// mean x̄ for observed columns, so that the row's linear predictor is
// o_j + Σ_t b_t·value_t + g_t + offset, as for an ordinary row.
type miPart struct {
	n    int
	rows []int32 // layout rows
	grp  []int32
	tix  []int32   // period, when the equation has period effects
	off  []float64 // offset, or nil
	y    []float64 // observed response (NaN where imputed)
	yIdx []int32   // index into x of the imputed response, or −1
	cst  []float64 // n×terms, row-major
	idx  []int32   // n×terms: index into x, or −1
	kind []uint8   // n×terms (and the response, yKind): what idx counts, see miKind
	yKnd []uint8
}

// miKind says what a compile-time index counts, for assemble.
const (
	kindNone   uint8 = iota
	kindImpute       // an imputed value (global mi index)
	kindEta          // a latent's value (latent-local; the term's latent)
)

// miSparse is, for an equation whose imputed-parent rows joined its
// ordinary rows, the imputed parent values: row i's term gets x[idx] added
// (its column holds 0 there).
type miSparse struct {
	term int
	row  []int32 // local rows
	idx  []int32 // indices into x (global mi index until assemble)
}

// buildMissing sets up e's imputed-value rows after its ordinary rows
// are built: the row loop (miPart) for an imputable family, else the
// sparse parent values of the rows that joined.
func (c *compiler) buildMissing(e *equation, in *eqInput) {
	if c.mi == nil || in.kind == kindIndicator {
		return
	}
	pl := c.mi
	var link []int
	if in.kind == kindLatent {
		link = pl.latLink[in.latent]
		e.miUses = sortedKeys(pl.latUses[in.latent])
	} else {
		i := c.mi.eqOf[in.node]
		link = pl.link[i]
		e.miUses = sortedKeys(pl.uses[i])
		e.miDropped = pl.dropped[i]
	}
	valueIdx := func(ti, r int) int32 {
		lr, _ := c.lagRow(r, in.terms[ti].Lag)
		return pl.id[link[ti]][lr]
	}
	if e.miRowsLay == nil {
		// Rows joined the ordinary rows: find their imputed parent values.
		for ti, t := range in.terms {
			if link[ti] < 0 {
				continue
			}
			var sp miSparse
			for k, r := range e.rows {
				if math.IsNaN(t.X[r]) {
					sp.row = append(sp.row, int32(k))
					sp.idx = append(sp.idx, valueIdx(ti, int(r)))
				}
			}
			if len(sp.row) > 0 {
				sp.term = ti
				e.miX = append(e.miX, sp)
			}
		}
		return
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
	i := c.mi.eqOf[in.node]
	nt := len(e.terms)
	m := &miPart{n: len(e.miRowsLay), rows: e.miRowsLay}
	colOf := make([]int, nt)
	for ti := range colOf {
		colOf[ti] = -1
	}
	for k, ti := range e.obsTerm {
		colOf[ti] = k
	}
	for _, r32 := range e.miRowsLay {
		r := int(r32)
		j := int32(0)
		if e.groupUnit[0] >= 0 {
			j = groupOf[c.lay.Unit[r]]
		}
		m.grp = append(m.grp, j)
		if period != nil {
			m.tix = append(m.tix, period[c.lay.Time[r]])
		}
		if in.offset != nil {
			m.off = append(m.off, in.offset[r])
		}
		if y := in.y[r]; !math.IsNaN(y) {
			m.y, m.yIdx, m.yKnd = append(m.y, y), append(m.yIdx, -1), append(m.yKnd, kindNone)
		} else {
			m.y, m.yIdx, m.yKnd = append(m.y, math.NaN()), append(m.yIdx, pl.id[i][r]), append(m.yKnd, kindImpute)
		}
		for ti, t := range in.terms {
			switch {
			case t.X == nil:
				lr, _ := c.lagRow(r, t.Lag)
				m.cst, m.idx, m.kind = append(m.cst, 0), append(m.idx, c.rowToEta[e.terms[ti].latent][lr]), append(m.kind, kindEta)
				continue
			}
			xb := e.xbar[int(j)*e.p+colOf[ti]]
			if v := t.X[r]; !math.IsNaN(v) {
				m.cst, m.idx, m.kind = append(m.cst, v-xb), append(m.idx, -1), append(m.kind, kindNone)
			} else {
				m.cst, m.idx, m.kind = append(m.cst, -xb), append(m.idx, valueIdx(ti, r)), append(m.kind, kindImpute)
			}
		}
	}
	e.mi = m
}

func sortedKeys(m map[string]bool) []string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// miResolve turns e's compile-time indices into indices into x.
func (e *equation) miResolve(miOff int, etaOff []int) {
	for _, sp := range e.miX {
		for k := range sp.idx {
			sp.idx[k] += int32(miOff)
		}
	}
	m := e.mi
	if m == nil {
		return
	}
	e.resolveRows(m.n, m.yKnd, m.yIdx, m.kind, m.idx, miOff, etaOff)
	m.kind, m.yKnd = nil, nil
}

// resolveRows turns the compile-time indices of n rows (a response index
// per row, a term index per row and term, each of the given kinds) into
// indices into x: imputed values from miOff, latent values from their
// latent's offset. Rows with imputed values (miPart) and summed rows
// (sumPart) share it.
func (e *equation) resolveRows(n int, ykind []uint8, yIdx []int32, kind []uint8, idx []int32, miOff int, etaOff []int) {
	nt := len(e.terms)
	for i := 0; i < n; i++ {
		if ykind[i] == kindImpute {
			yIdx[i] += int32(miOff)
		}
		for t := 0; t < nt; t++ {
			switch kind[i*nt+t] {
			case kindImpute:
				idx[i*nt+t] += int32(miOff)
			case kindEta:
				idx[i*nt+t] += int32(etaOff[e.terms[t].latent])
			}
		}
	}
}

// miFill adds the imputed parent values of rows that joined the ordinary
// rows to their linear predictors.
func (e *equation) miFill(x, mu []float64, b []float64) {
	for _, sp := range e.miX {
		bk := b[sp.term]
		for k, r := range sp.row {
			mu[r] += bk * x[sp.idx[k]]
		}
	}
}

// miBack carries the derivatives dmu of those rows to the imputed values
// and the strengths.
func (e *equation) miBack(x, g, dmu []float64, w *scratch) {
	for _, sp := range e.miX {
		bk := w.b[sp.term]
		s := 0.0
		for k, r := range sp.row {
			d := dmu[r]
			s += d * x[sp.idx[k]]
			g[sp.idx[k]] += bk * d
		}
		w.gb[sp.term] += s
	}
}

// miLik is the log likelihood of e's rows with an imputed value (the row
// loop of miPart); it adds the derivatives with respect to the group
// offsets, strengths, period effects and family parameters to w, and
// those with respect to the values to g. With priorOnly (PriorPart) it
// keeps only the rows whose own value is imputed: their density is the
// imputed value's prior, as a latent's structural equation is its values'
// (the rows with the node observed are data, in the likelihood).
func (e *equation) miLik(x, g []float64, w *scratch, priorOnly bool) float64 {
	m := e.mi
	fam := e.fam.(Imputable)
	nt := len(e.terms)
	b, gb := w.b[:nt], w.gb[:nt]
	gth := g[e.famOff : e.famOff+e.famN]
	lp := 0.0
	for i := 0; i < m.n; i++ {
		if priorOnly && m.yIdx[i] < 0 {
			continue
		}
		j := m.grp[i]
		mu := w.o[j]
		cst, idx := m.cst[i*nt:(i+1)*nt], m.idx[i*nt:(i+1)*nt]
		for t, bt := range b {
			v := cst[t]
			if idx[t] >= 0 {
				v += x[idx[t]]
			}
			mu += bt * v
		}
		if m.tix != nil {
			mu += w.gt[m.tix[i]]
		}
		if m.off != nil {
			mu += m.off[i]
		}
		if e.lc != nil {
			mu -= e.latRowShift(int(j), int(m.tix[i]), w) // latent parents centred (latcentre.go)
		}
		y := m.y[i]
		if m.yIdx[i] >= 0 {
			y = x[m.yIdx[i]]
		}
		l, dy, dmu := fam.LogLikY(y, mu, w.theta, gth)
		lp += l
		if m.yIdx[i] >= 0 {
			g[m.yIdx[i]] += dy
		}
		w.do[j] += dmu
		if m.tix != nil {
			w.dgt[m.tix[i]] += dmu
		}
		if e.lc != nil {
			e.latRowShiftBack(int(j), int(m.tix[i]), dmu, w)
		}
		for t, bt := range b {
			v := cst[t]
			if idx[t] >= 0 {
				v += x[idx[t]]
				g[idx[t]] += bt * dmu
			}
			gb[t] += dmu * v
		}
	}
	return lp
}

// miForward writes the imputed values at x into xe (their sampler
// coordinates mapped to the nodes' supports).
func (p *Posterior) miForward(x, xe []float64) {
	p.ncForward(x, xe) // values in units without data (nodata.go)
	for k, mp := range p.miMaps {
		if mp == miIdentity {
			continue
		}
		mi := p.missing[k]
		for i := mi.First; i < mi.First+len(mi.Rows); i++ {
			if mp == miExp {
				xe[i] = math.Exp(x[i])
			} else {
				xe[i] = sigmoid(x[i])
			}
		}
	}
}

// miChain turns the gradient with respect to the imputed values (which
// the equations wrote) into the gradient with respect to their sampler
// coordinates and returns the log Jacobian of the maps.
func (p *Posterior) miChain(x, xe, g []float64) float64 {
	lj := 0.0
	for k, mp := range p.miMaps {
		mi := p.missing[k]
		for i := mi.First; i < mi.First+len(mi.Rows); i++ {
			y := xe[i]
			switch mp {
			case miExp: // dy/dv = y, log J = v
				g[i] = g[i]*y + 1
				lj += x[i]
			case miLogistic: // dy/dv = y(1−y), log J = log y + log(1−y)
				g[i] = g[i]*y*(1-y) + 1 - 2*y
				lj += math.Log(y) + math.Log1p(-y)
			}
		}
	}
	return lj + p.ncChain(x, g) // values in units without data (nodata.go)
}

// miAssemble places the imputed values after the latent values, names them
// and resolves every equation's indices.
func (c *compiler) miAssemble(p *Posterior, eqs []*equation, etaOff []int) {
	miOff := p.dim
	if c.mi != nil {
		p.dim += c.mi.n
	}
	for _, e := range eqs {
		e.miResolve(miOff, etaOff)
	}
	if c.mi == nil {
		return
	}
	for k, i := range c.mi.nodes {
		eq := &c.spec.Equations[i]
		fam := eq.Family
		if fam == nil {
			fam = Gaussian{}
		}
		mi := MissingInfo{Node: eq.Node, First: miOff + c.mi.first[k]}
		for r, id := range c.mi.id[i] {
			if id >= 0 {
				mi.Rows = append(mi.Rows, int32(r))
			}
		}
		p.missing = append(p.missing, mi)
		mp := supportMap(fam)
		p.miMaps = append(p.miMaps, mp)
		p.miTransform = p.miTransform || mp != miIdentity
	}
}

// miNames names the imputed values mi.NODE.UNIT.TIME.
func (c *compiler) miNames(p *Posterior) {
	for _, mi := range p.missing {
		for k, r := range mi.Rows {
			p.names[mi.First+k] = "mi." + mi.Node + "." + c.rowName(int(r))
		}
	}
}

// miInfo completes e's EquationInfo with its imputed-value rows.
func (e *equation) miInfo(in *EquationInfo) {
	if e.mi != nil {
		in.Rows += e.mi.n
		in.RowsImputed = e.mi.n
	}
	for _, sp := range e.miX {
		in.RowsImputed += len(sp.row) // rows may repeat across terms; see below
	}
	if len(e.miX) > 1 {
		seen := map[int32]bool{}
		for _, sp := range e.miX {
			for _, r := range sp.row {
				seen[r] = true
			}
		}
		in.RowsImputed = len(seen)
	}
	in.ImputedFrom = append([]string(nil), e.miUses...)
	if e.mi != nil {
		for _, y := range e.mi.yIdx {
			if y >= 0 {
				in.ImputedFrom = append([]string{e.node}, in.ImputedFrom...)
				break
			}
		}
	}
	if len(e.miDropped) > 0 {
		in.Dropped = map[string]int{}
		for k, v := range e.miDropped {
			in.Dropped[k] = v
		}
	}
}

// MissingSummary says in one line how e's rows came about when some are
// imputed or dropped, e.g. "5460 rows: 5000 observed, 460 with imputed
// values (of fear, threat); 120 dropped (threat missing: 100; peer (lag 1)
// missing: 20)"; "" when every row with the node observed is complete.
func (in EquationInfo) MissingSummary() string {
	if in.RowsImputed == 0 && len(in.Dropped) == 0 {
		return ""
	}
	s := fmt.Sprintf("%s: %d rows, %d complete", in.Node, in.Rows, in.Rows-in.RowsImputed)
	if in.RowsImputed > 0 {
		of := strings.Join(in.ImputedFrom, ", ")
		if len(in.Summed) > 0 {
			of += "; " + strings.Join(in.Summed, ", ") + " summed out"
		}
		s += fmt.Sprintf(", %d with imputed values (of %s)", in.RowsImputed, of)
	}
	if len(in.Dropped) > 0 {
		var keys []string
		total := 0
		for k, v := range in.Dropped {
			keys = append(keys, k)
			total += v
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s missing: %d", k, in.Dropped[k]))
		}
		s += fmt.Sprintf("; %d dropped with %s observed (%s)", total, in.Node, strings.Join(parts, "; "))
	}
	return s
}

// Missing locates the imputed values (MissingModel), one entry per node
// with any.
func (p *Posterior) Missing() []MissingInfo { return append([]MissingInfo(nil), p.missing...) }
