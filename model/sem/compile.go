package sem

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// eqKind says what an equation's response is.
type eqKind int

const (
	kindObserved  eqKind = iota // an observed node's column
	kindLatent                  // a latent node's values (structural equation)
	kindIndicator               // an indicator of a latent node
)

func (k eqKind) String() string {
	return [...]string{"observed", "latent", "indicator"}[k]
}

// reNone marks an equation without unit random intercepts.
const reNone REParam = -1

// term is a compiled parent term.
type term struct {
	parent   string
	lag      int
	latent   int  // index of the latent parent, or −1 for an observed column
	positive bool // a first loading: reported positive, its prior truncated at 0
	prior    Prior
	sign     int
	name     string
	unitMean bool // a parent's unit mean (Term.UnitMean)
	// moderator and modLag name an interaction term (Term.Moderator).
	moderator string
	modLag    int
}

// latTerm is a term on a latent parent: for each used row, the index into x
// of the parent's value.
type latTerm struct {
	term int
	idx  []int32
}

// equation is one compiled equation. It is read-only after Compile; scratch
// space lives in the Posterior (see scratch).
type equation struct {
	node, column string
	kind         eqKind
	fam          Family // nil for a latent response (normal with sd 1)
	n            int    // rows used
	rows         []int32
	y            []float64 // observed response over the used rows
	off          []float64 // offset over the used rows, or nil
	yIdx         []int32   // latent response: index into x of eta per used row
	latent       int       // latent response: latent index

	terms   []term
	obsTerm []int     // term index of each observed column
	p       int       // number of observed columns
	xw      []float64 // observed columns, n×p column-major, centred within group
	lat     []latTerm

	// groups: units with unit intercepts, else one pooled group. The rows
	// are ordered by group: group j has rows start[j] … start[j+1]−1.
	J         int
	start     []int32
	ng        []float64  // rows per group
	ybar      []float64  // mean response per group (sufficient statistics)
	xbar      []float64  // J×p row-major group means of the observed columns (minus xc, see centre.go)
	xc        []float64  // per observed column: its mean over the used rows when the design is centred, else nil
	xd        []float64  // T×p: the columns' period means d_t subtracted from xw (periodcentre.go), or nil
	lc        *latCentre // latent parents centred at their current means (latcentre.go), or nil
	groupUnit []int      // unit index of each group (−1 for the pooled group)
	re        REParam    // reNone, RECentred or RENonCentred
	reReason  string

	// gaussian sufficient statistics of the within-group centred data.
	suff bool
	wxx  []float64 // p×p
	wxy  []float64 // p
	wyy  float64

	time  TimeMode
	T     int     // periods used
	tix   []int32 // period (0 … T−1) of each used row
	times []int   // layout time index of each period used

	interceptPrior, tauPrior, timePrior Prior

	// cond is set on a latent's structural equation in LatentConditional
	// form; condInd on its indicators, whose likelihood cond evaluates.
	cond    *condLatent
	condInd bool
	// cutShift: an ordered equation with unit intercepts samples its first
	// cutpoint relative to the mean unit offset (see Ordered).
	cutShift bool
	// rotU: centred unit intercepts without a free intercept (ordered and
	// latent equations); the sampler's unit coordinates are the unit means
	// rotated by an orthonormal Helmert basis (see rotate.go). hc holds the
	// basis' weights.
	rotU   bool
	hc     []float64
	values string // latent structural equations: "direct" or "conditional"
	// ar holds an equation's AR(1) residual structure (ar.go), or nil;
	// arOff is the index of atanh(rho) (−1 without).
	ar    *arData
	arOff int
	arS   *arSuff // its sufficient statistics, or nil (ar_suff.go)

	// Imputed values (MissingModel, see missing.go): miRowsLay are the
	// layout rows evaluated by miPart's row loop, miX the imputed parent
	// values of rows that joined the ordinary rows; miUses and miDropped
	// are for EquationInfo.
	mi        *miPart
	miX       []miSparse
	miRowsLay []int32
	miUses    []string
	miDropped map[string]int
	// sum holds the rows with a missing discrete value summed out
	// (sumout.go), sumRowsLay their layout rows.
	sum        *sumPart
	sumRowsLay []int32

	// vary holds the terms whose strength varies by unit (slopes.go);
	// wxxJ and wxyJ their per-unit sufficient statistics (gaussian).
	vary       []varyTerm
	wxxJ, wxyJ []float64

	// parameter offsets into x (−1 when absent); famOff is 0 when famN is 0.
	aOff, bOff, famOff, famN, tauOff, uOff, tOff, tsdOff int
	first, nparam                                        int
}

// compiler carries the state of one Compile call.
type compiler struct {
	spec        *Spec
	lay         *Layout
	latIndex    map[string]int
	rowToEta    [][]int32 // per latent, per layout row: eta index or −1
	etaRows     [][]int32 // per latent: layout rows with an eta
	lagLookup   map[[2]int]int
	mi          *miPlan // imputed values (nil: none), see missing.go
	notes       []string
	noSuff      bool
	noCutShift  bool
	noRotate    bool
	noCentre    bool
	noLatCentre bool
	noNC        bool
}

// compileOptions are knobs for tests.
type compileOptions struct {
	noSuff      bool // never use gaussian sufficient statistics
	noCutShift  bool // sample ordered cutpoints unshifted
	noRotate    bool // sample centred unit means unrotated
	noCentre    bool // sample intercepts at x = 0 (see centre.go)
	noLatCentre bool // leave latent parents uncentred (see latcentre.go)
	noNC        bool // impute values in units without data in plain coordinates (nodata.go)
}

// Compile checks a Spec and compiles it into a log posterior.
func Compile(spec *Spec) (*Posterior, error) {
	return compile(spec, compileOptions{})
}

func compile(spec *Spec, opt compileOptions) (*Posterior, error) {
	if spec == nil {
		return nil, &Error{Msg: "nil Spec"}
	}
	c := &compiler{spec: spec, lay: &spec.Layout, noSuff: opt.noSuff, noCutShift: opt.noCutShift, noRotate: opt.noRotate, noCentre: opt.noCentre, noLatCentre: opt.noLatCentre, noNC: opt.noNC}
	if err := c.checkLayout(); err != nil {
		return nil, err
	}
	if err := c.checkNames(); err != nil {
		return nil, err
	}
	order, err := c.latentOrder()
	if err != nil {
		return nil, err
	}
	for _, li := range order {
		if err := c.latentRows(li); err != nil {
			return nil, err
		}
	}
	if err := c.planMissing(); err != nil {
		return nil, err
	}
	var eqs []*equation
	for i := range spec.Equations {
		e := &spec.Equations[i]
		fam := e.Family
		if fam == nil {
			fam = Gaussian{}
		}
		eq, err := c.build(eqInput{
			node: e.Node, column: e.Column, kind: kindObserved, fam: fam, y: e.Y, offset: e.Offset, trials: e.Trials, latent: -1,
			terms: e.Terms, intercept: e.Intercept, unitRE: e.UnitRE, re: e.RE, tau: e.Tau,
			time: e.Time, timePrior: e.TimePrior, ar: e.AR,
		})
		if err != nil {
			return nil, err
		}
		eqs = append(eqs, eq)
	}
	for li := range spec.Latents {
		l := &spec.Latents[li]
		eq, err := c.build(eqInput{
			node: l.Node, kind: kindLatent, latent: li, terms: l.Terms,
			unitRE: l.UnitRE, re: l.RE, tau: l.Tau, time: l.Time, timePrior: l.TimePrior,
		})
		if err != nil {
			return nil, err
		}
		eqs = append(eqs, eq)
		latEq := eq
		var inds []*equation
		for k := range l.Indicators {
			ind := &l.Indicators[k]
			fam := ind.Family
			if fam == nil {
				fam = Gaussian{}
			}
			lp := ind.Loading
			if k == 0 {
				lp = lp.or(defaultLoading1)
			} else {
				lp = lp.or(defaultLoading)
			}
			eq, err := c.build(eqInput{
				node: ind.Node, column: ind.Column, kind: kindIndicator, fam: fam, y: ind.Y, latent: -1,
				terms:     []Term{{Parent: l.Node, Prior: lp}},
				positive0: k == 0, loadingOf: l.Node, intercept: ind.Intercept,
			})
			if err != nil {
				return nil, err
			}
			eqs = append(eqs, eq)
			inds = append(inds, eq)
		}
		latEq.values = "direct"
		switch l.Values {
		case LatentDirect:
		case LatentConditional:
			if why, ok := c.conditional(latEq, l, inds); ok {
				latEq.values = "conditional"
			} else {
				c.notes = append(c.notes, fmt.Sprintf("latent %s: its values are sampled directly, not given its indicators (%s)", l.Node, why))
			}
		default:
			return nil, &Error{Node: l.Node, Msg: fmt.Sprintf("unknown latent-value form %d", int(l.Values))}
		}
		switch n := len(l.Indicators); {
		case n == 1:
			c.notes = append(c.notes, fmt.Sprintf("latent %s has 1 indicator: its loading and the indicator's noise sd are told apart only by their priors", l.Node))
		case n == 2 && len(l.Terms) == 0:
			c.notes = append(c.notes, fmt.Sprintf("latent %s has 2 indicators and no parents: its loadings are identified only weakly (3 or more indicators identify them)", l.Node))
		}
	}
	return c.assemble(eqs)
}

// checkLayout validates the row structure.
func (c *compiler) checkLayout() error {
	l := c.lay
	if l.Rows <= 0 {
		return &Error{Msg: fmt.Sprintf("layout has %d rows; need at least one", l.Rows)}
	}
	if len(l.Units) > 0 {
		if len(l.Unit) != l.Rows {
			return &Error{Msg: fmt.Sprintf("layout: Unit has %d entries for %d rows", len(l.Unit), l.Rows)}
		}
		for r, u := range l.Unit {
			if u < 0 || u >= len(l.Units) {
				return &Error{Msg: fmt.Sprintf("layout: row %d has unit index %d, outside 0 … %d", r+1, u, len(l.Units)-1)}
			}
		}
	} else if l.Unit != nil {
		return &Error{Msg: "layout: Unit is set but Units is empty"}
	}
	if len(l.Times) > 0 {
		if len(l.Time) != l.Rows {
			return &Error{Msg: fmt.Sprintf("layout: Time has %d entries for %d rows", len(l.Time), l.Rows)}
		}
		for r, t := range l.Time {
			if t < 0 || t >= len(l.Times) {
				return &Error{Msg: fmt.Sprintf("layout: row %d has time index %d, outside 0 … %d", r+1, t, len(l.Times)-1)}
			}
		}
	} else if l.Time != nil {
		return &Error{Msg: "layout: Time is set but Times is empty"}
	}
	if l.Ordinal != nil && len(l.Ordinal) != l.Rows {
		return &Error{Msg: fmt.Sprintf("layout: Ordinal has %d entries for %d rows", len(l.Ordinal), l.Rows)}
	}
	return nil
}

// checkNames rejects empty and duplicate node names and resolves latents.
func (c *compiler) checkNames() error {
	seen := map[string]string{}
	add := func(name, what string) error {
		if name == "" {
			return &Error{Msg: what + " with an empty name"}
		}
		if strings.ContainsAny(name, " \t\n,\"") {
			return &Error{Node: name, Msg: "node names may not contain spaces, commas or quotes"}
		}
		if prev, ok := seen[name]; ok {
			return &Error{Node: name, Msg: fmt.Sprintf("defined twice (as %s and as %s)", prev, what)}
		}
		seen[name] = what
		return nil
	}
	for i := range c.spec.Equations {
		if err := add(c.spec.Equations[i].Node, "an equation"); err != nil {
			return err
		}
	}
	c.latIndex = map[string]int{}
	for li := range c.spec.Latents {
		l := &c.spec.Latents[li]
		if err := add(l.Node, "a latent node"); err != nil {
			return err
		}
		c.latIndex[l.Node] = li
		if len(l.Indicators) == 0 {
			return &Error{Node: l.Node, Msg: "latent node has no indicators; name at least one (three identify it)"}
		}
		for k := range l.Indicators {
			if err := add(l.Indicators[k].Node, "an indicator of "+l.Node); err != nil {
				return err
			}
		}
	}
	return nil
}

// latentOrder orders the latents so that latent parents come first.
func (c *compiler) latentOrder() ([]int, error) {
	nl := len(c.spec.Latents)
	indeg := make([]int, nl)
	children := make([][]int, nl)
	for li := range c.spec.Latents {
		for _, t := range c.spec.Latents[li].Terms {
			if t.X != nil {
				continue
			}
			pi, ok := c.latIndex[t.Parent]
			if !ok {
				return nil, &Error{Node: c.spec.Latents[li].Node, Msg: fmt.Sprintf("parent %s has no data (X is nil) and is not a latent node", t.Parent)}
			}
			indeg[li]++
			children[pi] = append(children[pi], li)
		}
	}
	var order, queue []int
	for li := range indeg {
		if indeg[li] == 0 {
			queue = append(queue, li)
		}
	}
	for len(queue) > 0 {
		li := queue[0]
		queue = queue[1:]
		order = append(order, li)
		for _, ch := range children[li] {
			if indeg[ch]--; indeg[ch] == 0 {
				queue = append(queue, ch)
			}
		}
	}
	if len(order) < nl {
		var cyc []string
		for li := range indeg {
			if indeg[li] > 0 {
				cyc = append(cyc, c.spec.Latents[li].Node)
			}
		}
		return nil, &Error{Node: cyc[0], Msg: "latent nodes " + strings.Join(cyc, ", ") + " are each other's parents (a cycle, lagged or not); this is not supported"}
	}
	return order, nil
}

// unitOf and ordinalOf give a row's unit and calendar ordinal.
func (c *compiler) unitOf(r int) int {
	if c.lay.Unit == nil {
		return 0
	}
	return c.lay.Unit[r]
}

// lagRow returns the row of the same unit lag periods before row r, or −1.
func (c *compiler) lagRow(r, lag int) (int, error) {
	if lag == 0 {
		return r, nil
	}
	if c.lagLookup == nil {
		ord := c.lay.Ordinal
		if ord == nil {
			ord = c.lay.Time
		}
		if ord == nil {
			return -1, errors.New("a lagged latent parent needs periods (Layout.Time or Layout.Ordinal)")
		}
		c.lagLookup = make(map[[2]int]int, c.lay.Rows)
		for i := 0; i < c.lay.Rows; i++ {
			k := [2]int{c.unitOf(i), ord[i]}
			if j, dup := c.lagLookup[k]; dup {
				return -1, fmt.Errorf("%s and %s are the same unit and period; lags are ambiguous", c.rowLabel(j), c.rowLabel(i))
			}
			c.lagLookup[k] = i
		}
	}
	ord := c.lay.Ordinal
	if ord == nil {
		ord = c.lay.Time
	}
	if j, ok := c.lagLookup[[2]int{c.unitOf(r), ord[r] - lag}]; ok {
		return j, nil
	}
	return -1, nil
}

// rowLabel names a layout row for messages: "row 18 (USA 2020-04)".
func (c *compiler) rowLabel(r int) string {
	var parts []string
	if len(c.lay.Units) > 0 {
		parts = append(parts, c.lay.Units[c.lay.Unit[r]])
	}
	if len(c.lay.Times) > 0 {
		parts = append(parts, c.lay.Times[c.lay.Time[r]])
	}
	if len(parts) == 0 {
		return "row " + strconv.Itoa(r+1)
	}
	return "row " + strconv.Itoa(r+1) + " (" + strings.Join(parts, " ") + ")"
}

// checkColumn validates one data column's length and values.
func (c *compiler) checkColumn(node, column, what string, v []float64) error {
	if len(v) != c.lay.Rows {
		return &Error{Node: node, Column: column, Msg: fmt.Sprintf("%s has %d values for %d rows", what, len(v), c.lay.Rows)}
	}
	for r, x := range v {
		if math.IsInf(x, 0) {
			return &Error{Node: node, Column: column, Msg: fmt.Sprintf("%s is infinite at %s", what, c.rowLabel(r))}
		}
	}
	return nil
}

// latentRows finds the rows where latent li has a value: some indicator is
// observed and every parent is observed (latent parents: have a value).
func (c *compiler) latentRows(li int) error {
	l := &c.spec.Latents[li]
	for k := range l.Indicators {
		ind := &l.Indicators[k]
		if err := c.checkColumn(ind.Node, ind.Column, "indicator "+ind.Node, ind.Y); err != nil {
			return err
		}
	}
	if err := c.checkTerms(l.Node, "", l.Terms); err != nil {
		return err
	}
	if c.rowToEta == nil {
		c.rowToEta = make([][]int32, len(c.spec.Latents))
		c.etaRows = make([][]int32, len(c.spec.Latents))
	}
	m := make([]int32, c.lay.Rows)
	var rows []int32
	for r := 0; r < c.lay.Rows; r++ {
		m[r] = -1
		seen := false
		for k := range l.Indicators {
			if !math.IsNaN(l.Indicators[k].Y[r]) {
				seen = true
				break
			}
		}
		if !seen {
			continue
		}
		ok, err := c.parentsObserved(l.Terms, r)
		if err != nil {
			return &Error{Node: l.Node, Msg: err.Error()}
		}
		if ok {
			m[r] = int32(len(rows))
			rows = append(rows, int32(r))
		}
	}
	if len(rows) == 0 {
		return &Error{Node: l.Node, Msg: "latent node has no row where an indicator and all its parents are observed"}
	}
	c.rowToEta[li], c.etaRows[li] = m, rows
	return nil
}

// checkTerms validates the terms of node's equation.
func (c *compiler) checkTerms(node, column string, terms []Term) error {
	type key struct {
		p    string
		l    int
		mean bool
		mod  string // an interaction's moderator
		ml   int
	}
	seen := map[key]bool{}
	for _, t := range terms {
		if t.Parent == "" {
			return &Error{Node: node, Column: column, Msg: "a parent term has no name"}
		}
		if t.Lag < 0 {
			return &Error{Node: node, Column: column, Msg: fmt.Sprintf("parent %s has a negative lag %d", t.Parent, t.Lag)}
		}
		k := key{t.Parent, t.Lag, t.UnitMean, t.Moderator, t.ModeratorLag}
		if seen[k] {
			return &Error{Node: node, Column: column, Msg: fmt.Sprintf("parent %s (lag %d) appears twice", t.Parent, t.Lag)}
		}
		seen[k] = true
		if t.Moderator != "" && t.X == nil {
			return &Error{Node: node, Column: column, Msg: fmt.Sprintf("the interaction of %s and %s has no values (a latent parent or moderator cannot be multiplied yet)", t.Parent, t.Moderator)}
		}
		if t.UnitMean && t.X == nil {
			return &Error{Node: node, Column: column, Msg: fmt.Sprintf("the unit mean of %s has no values", t.Parent)}
		}
		if t.X == nil {
			if _, ok := c.latIndex[t.Parent]; !ok {
				return &Error{Node: node, Column: column, Msg: fmt.Sprintf("parent %s has no data (X is nil) and is not a latent node", t.Parent)}
			}
		} else if err := c.checkColumn(t.Parent, t.Column, "parent "+t.Parent+" of "+node, t.X); err != nil {
			return err
		}
		if err := t.Prior.validate(); err != nil {
			return &Error{Node: node, Msg: fmt.Sprintf("prior of the edge from %s: %v", t.Parent, err)}
		}
		if t.Prior.positiveOnly() {
			return &Error{Node: node, Msg: fmt.Sprintf("prior %s of the edge from %s is for positive parameters; edge strengths can be negative (use normal or student_t)", t.Prior, t.Parent)}
		}
	}
	return nil
}

// parentsObserved reports whether every term has a value at row r.
func (c *compiler) parentsObserved(terms []Term, r int) (bool, error) {
	for _, t := range terms {
		if t.X != nil {
			if math.IsNaN(t.X[r]) {
				return false, nil
			}
			continue
		}
		pi := c.latIndex[t.Parent]
		lr, err := c.lagRow(r, t.Lag)
		if err != nil {
			return false, err
		}
		if lr < 0 || c.rowToEta[pi] == nil || c.rowToEta[pi][lr] < 0 {
			return false, nil
		}
	}
	return true, nil
}

// rowLabelValue is rowLabel plus the value found there.
func (c *compiler) rowLabelValue(r int, v float64) string {
	return c.rowLabel(r) + ", which has " + strconv.FormatFloat(v, 'g', -1, 64)
}
