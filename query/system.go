package query

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"dilemma/fit"
	"dilemma/model"
	"dilemma/model/sem"
)

// nodeKind says how a node enters the structural system.
type nodeKind int

const (
	kindExogenous nodeKind = iota // observed, no equation: conditioned on
	kindEquation                  // observed, with an equation of its family
	kindLatent                    // a latent node with indicators: gaussian with residual sd 1
)

// linear reports whether the node's value moves one for one with its
// linear predictor (a latent node, or a family that says so).
func (n *sysNode) linear() bool {
	return n.kind == kindLatent || (n.kind == kindEquation && n.fam.Linear())
}

// famName names the node's family for messages.
func (n *sysNode) famName() string {
	switch n.kind {
	case kindExogenous:
		return "exogenous"
	case kindLatent:
		return "latent"
	}
	return n.fam.Name()
}

// width is the number of values the family's methods read as par: its
// parameters, and a row's trials for a sem.TrialsFamily.
func (n *sysNode) width() int {
	if n.trials != nil {
		return len(n.par) + 1
	}
	return len(n.par)
}

// tabulated reports whether the node's expected value is worth a table per
// block of draws: a threshold family with estimated cutpoints.
func (n *sysNode) tabulated() bool { return n.thr != nil && len(n.par) > 0 }

// sysTerm is one estimated edge into a node.
type sysTerm struct {
	parent int // node index
	pname  string
	lag    int
	x      []float64 // the parent's factual value at t−lag per row (observed parents); nil for a latent parent
	b      int       // parameter index of the strength
	name   string    // parameter name, b.PARENT.CHILD or b.PARENT.lagK.CHILD
	sign   int
	// An interaction term (moderation, moderation.go) has a modName: x
	// above is then the product, mod the moderator's node index (read at
	// t−modLag), and xf, zf the factual parent and moderator per row.
	mod     int
	modName string
	modLag  int
	xf, zf  []float64
	vary    []int // strength varying by unit: v's parameter per layout unit (slopes.go); nil otherwise
}

// sysNode is one estimated node of the structural system.
type sysNode struct {
	name string
	kind nodeKind
	// fam is the family of an equation node (nil otherwise); thr and expm
	// are fam as a sem.Threshold or sem.ExpMean when it is one, and ncut
	// its number of cutpoints.
	fam  sem.Family
	thr  sem.Threshold
	expm sem.ExpMean
	ncut int
	obs  []float64 // factual transformed values per row; nil for a latent node
	off  []float64 // the equation's offset per row (added to its linear predictor), or nil
	// trials is, for a sem.TrialsFamily, the trials per row: the family
	// reads a row's trials as the last element of its parameters.
	trials []float64
	terms  []sysTerm
	a      int   // intercept parameter or −1
	par    []int // the family's parameters (natural scale), in ParamNames order
	u      []int // per layout unit: unit intercept parameter or −1
	g      []int // per layout period: period effect parameter or −1
	eta    []int // latent: per row the parameter holding its value, −1 where undefined
	// etaOK reports whether the fit kept the latent's values (in memory, or
	// written with --save-latent); latRow marks the rows where it has one.
	etaOK  bool
	latRow []bool
	eqRow  []bool
	sd     float64 // standard deviation that +1sd means
	sdIs   string  // what sd is, in words (without its value)
	// hasAR: the node's residuals are AR(1) within unit (ar="1"), with
	// rho the parameter ar.NODE at index rho (see ar.go).
	hasAR bool
	rho   int

	// mi is, for an observed node with imputed values whose draws the fit
	// keeps, the parameter of its imputed value per row (−1: none); nil
	// without (see missing.go).
	mi []int
}

// defined reports whether the node has a factual value at row r (observed,
// or a latent value).
func (n *sysNode) defined(r int) bool {
	if r < 0 {
		return false
	}
	if n.kind == kindLatent {
		return n.latRow[r]
	}
	return !math.IsNaN(n.obs[r]) || n.imputed(r)
}

// system is a fit read as structural equations, with the draws.
type system struct {
	fit     *fit.Fit
	model   *model.Model
	nodes   []*sysNode
	index   map[string]int    // estimated node name → index (topological order)
	dropped map[string]string // node → why it is not estimated
	// covariates are the exogenous pseudo-nodes of parents' unit means
	// (unit_effects=within), appended after the graph's nodes.
	covariates []*sysNode
	params     map[string]int
	layout     sem.Layout
	rowAt      map[[2]int]int // (unit, ordinal) → row
	ordinal    []int
	// chains: draws[c][j] is parameter j's draws in chain c.
	draws  [][][]float64
	nDraws int
	offset []int // global index of each chain's first draw
}

func (s *system) param(name string) int {
	if j, ok := s.params[name]; ok {
		return j
	}
	return -1
}

// lagRow returns the row of the same unit k periods before r, or −1.
func (s *system) lagRow(r, k int) int {
	if k == 0 {
		return r
	}
	if r < 0 || s.layout.Unit == nil {
		return -1
	}
	if q, ok := s.rowAt[[2]int{s.layout.Unit[r], s.ordinal[r] - k}]; ok {
		return q
	}
	return -1
}

// unitOf returns the unit index of row r (0 in a cross-section).
func (s *system) unitOf(r int) int {
	if s.layout.Unit == nil {
		return 0
	}
	return s.layout.Unit[r]
}

func (s *system) timeOf(r int) int {
	if s.layout.Time == nil {
		return -1
	}
	return s.layout.Time[r]
}

// rowLabel names row r as "USA 2020-04" (or "row 17").
func (s *system) rowLabel(r int) string {
	if s.layout.Unit == nil {
		return fmt.Sprintf("row %d", r+1)
	}
	l := s.layout.Units[s.layout.Unit[r]]
	if s.layout.Time != nil {
		l += " " + s.layout.Times[s.layout.Time[r]]
	}
	return l
}

// newSystem reads the structural equations of f.
func newSystem(f *fit.Fit) (*system, error) {
	if f == nil || f.Plan == nil || f.Plan.Spec == nil || f.Plan.Model == nil {
		return nil, fmt.Errorf("query: the fit has no plan (model bound to data)")
	}
	if len(f.Draws) == 0 || len(f.Draws[0]) == 0 || len(f.Draws[0][0]) == 0 {
		return nil, fmt.Errorf("query: the fit has no draws")
	}
	post := f.Posterior
	if post == nil {
		var err error
		if post, err = sem.Compile(f.Plan.Spec); err != nil {
			return nil, err
		}
	}
	pl := f.Plan
	s := &system{fit: f, model: pl.Model, index: map[string]int{}, dropped: map[string]string{},
		params: make(map[string]int, len(f.Names)), layout: pl.Spec.Layout, draws: f.Draws}
	for j, n := range f.Names {
		s.params[n] = j
	}
	for c := range f.Draws {
		if len(f.Draws[c]) != len(f.Names) {
			return nil, fmt.Errorf("query: chain %d has %d parameters, the fit names %d", c+1, len(f.Draws[c]), len(f.Names))
		}
		s.offset = append(s.offset, s.nDraws)
		s.nDraws += len(f.Draws[c][0])
	}
	s.ordinal = s.layout.Ordinal
	if s.ordinal == nil {
		s.ordinal = s.layout.Time
	}
	if s.layout.Unit != nil && s.ordinal != nil {
		s.rowAt = make(map[[2]int]int, s.layout.Rows)
		for r := 0; r < s.layout.Rows; r++ {
			s.rowAt[[2]int{s.layout.Unit[r], s.ordinal[r]}] = r
		}
	}
	for _, d := range pl.Dropped {
		n := pl.Model.Node(d)
		switch {
		case n != nil && n.Fixed():
			s.dropped[d] = "a fixed root without data, not estimated"
		case n != nil && n.Latent:
			s.dropped[d] = "latent without indicators, not estimated"
		default:
			s.dropped[d] = "dropped from estimation"
		}
	}

	order, err := pl.Model.TopoOrder()
	if err != nil {
		return nil, err
	}
	eqs := map[string]*sem.Equation{}
	for i := range pl.Spec.Equations {
		eqs[pl.Spec.Equations[i].Node] = &pl.Spec.Equations[i]
	}
	lats := map[string]*sem.Latent{}
	for i := range pl.Spec.Latents {
		lats[pl.Spec.Latents[i].Node] = &pl.Spec.Latents[i]
	}
	latInfo := map[string]sem.LatentInfo{}
	for _, li := range post.Latents() {
		latInfo[li.Node] = li
	}
	exo := map[string]bool{}
	for _, x := range pl.Exogenous {
		exo[x] = true
	}
	for _, name := range order {
		if _, gone := s.dropped[name]; gone {
			continue
		}
		n := &sysNode{name: name, a: -1}
		switch {
		case eqs[name] != nil:
			eq := eqs[name]
			n.kind = kindEquation
			n.fam = post.Family(name)
			if n.fam == nil {
				return nil, fmt.Errorf("query: node %s has no compiled equation", name)
			}
			n.thr, _ = n.fam.(sem.Threshold)
			n.expm, _ = n.fam.(sem.ExpMean)
			if n.thr != nil {
				n.ncut = n.thr.NumCuts()
			}
			n.obs = eq.Y
			n.off = eq.Offset
			if _, ok := n.fam.(sem.TrialsFamily); ok {
				n.trials = eq.Trials
			}
			if err := s.readTerms(n, eq.Terms); err != nil {
				return nil, err
			}
		case lats[name] != nil:
			n.kind = kindLatent
			li, ok := latInfo[name]
			if !ok {
				return nil, fmt.Errorf("query: latent node %s has no values in the fit", name)
			}
			n.eta = make([]int, s.layout.Rows)
			n.latRow = make([]bool, s.layout.Rows)
			for r := range n.eta {
				n.eta[r] = -1
			}
			// A fit directory keeps the latent values only when written
			// with --save-latent; without them queries integrate over the
			// latent's noise instead.
			n.etaOK = true
			for k, r := range li.Rows {
				n.latRow[r] = true
				j := li.First + k
				if j >= len(f.Names) || !strings.HasPrefix(f.Names[j], "eta."+name+".") {
					n.etaOK = false
					continue
				}
				n.eta[r] = j
			}
			if !n.etaOK {
				for r := range n.eta {
					n.eta[r] = -1
				}
			}
			if err := s.readTerms(n, lats[name].Terms); err != nil {
				return nil, err
			}
		case exo[name]:
			n.kind = kindExogenous
			n.obs = pl.Values[name]
		default:
			if v, ok := pl.Values[name]; ok {
				n.kind = kindExogenous
				n.obs = v
			} else {
				s.dropped[name] = "not estimated"
				continue
			}
		}
		if n.kind != kindLatent {
			s.readImputed(n, post) // imputed values (missing.go)
		}
		s.index[name] = len(s.nodes)
		s.nodes = append(s.nodes, n)
	}
	// A parent's unit mean (unit_effects=within) is a covariate the fit
	// conditions on, not a node of the graph: an exogenous pseudo-node
	// that interventions never reach, holding its data at every row.
	for _, pn := range s.covariates {
		s.index[pn.name] = len(s.nodes)
		s.nodes = append(s.nodes, pn)
	}
	// Lagged edges may come from nodes later in topological order: resolve
	// every parent by name now that all nodes have an index.
	for _, n := range s.nodes {
		for k := range n.terms {
			t := &n.terms[k]
			p, ok := s.index[t.pname]
			if !ok {
				return nil, fmt.Errorf("query: the parent %s of %s (%s) is not estimated", t.pname, n.name, t.name)
			}
			t.parent = p
			if t.modName != "" {
				if t.mod, ok = s.index[t.modName]; !ok {
					return nil, fmt.Errorf("query: the moderator %s of %s (%s) is not estimated", t.modName, n.name, t.name)
				}
			}
		}
		s.readParams(n)
		for k, j := range n.par {
			if j < 0 {
				return nil, fmt.Errorf("query: the fit has no parameter %s", n.fam.ParamNames(n.name)[k])
			}
		}
		s.readSD(n)
		s.equationRows(n)
	}
	return s, nil
}

// readTerms reads the estimated edges into n; parents are resolved to node
// indices once every node is known.
func (s *system) readTerms(n *sysNode, terms []sem.Term) error {
	for _, t := range terms {
		name := sem.TermParamName(n.name, t)
		j := s.param(name)
		if j < 0 {
			return fmt.Errorf("query: the fit has no parameter %s", name)
		}
		if t.UnitMean {
			pn := &sysNode{name: "unit_mean(" + t.Parent + covariateLag(t.Lag) + ")", kind: kindExogenous, obs: t.X, a: -1}
			s.covariates = append(s.covariates, pn)
			n.terms = append(n.terms, sysTerm{parent: -1, pname: pn.name, x: t.X, b: j, name: name})
			continue
		}
		if t.Moderator != "" {
			n.terms = append(n.terms, interactionTerm(t, terms, j, name)) // moderation.go
			continue
		}
		st := sysTerm{parent: -1, pname: t.Parent, lag: t.Lag, x: t.X, b: j, name: name, sign: t.Sign}
		if t.Varies {
			st.vary = s.readVary(name)
		}
		n.terms = append(n.terms, st)
	}
	return nil
}

// readParams finds the node's intercept, scale, cutpoints, unit intercepts
// and period effects by name.
func (s *system) readParams(n *sysNode) {
	if n.kind == kindExogenous {
		return
	}
	n.a = s.param("a." + n.name)
	if n.kind == kindEquation {
		s.readAR(n) // ar.go
		for _, name := range n.fam.ParamNames(n.name) {
			n.par = append(n.par, s.param(name))
		}
	}
	n.u = make([]int, max(1, len(s.layout.Units)))
	for i := range n.u {
		n.u[i] = -1
		if i < len(s.layout.Units) {
			n.u[i] = s.param("u." + n.name + "." + s.layout.Units[i])
		}
	}
	n.g = make([]int, max(1, len(s.layout.Times)))
	for i := range n.g {
		n.g[i] = -1
		if i < len(s.layout.Times) {
			n.g[i] = s.param("g." + n.name + "." + s.layout.Times[i])
		}
	}
}

// readSD sets the standard deviation +1sd refers to: the sd of the node's
// transformed column over its observed rows, or 1 for a latent node.
func (s *system) readSD(n *sysNode) {
	if n.kind == kindLatent {
		n.sd, n.sdIs = 1, "the latent node's residual sd, which fixes its scale"
		return
	}
	var sum, ss float64
	m := 0
	for _, v := range n.obs {
		if !math.IsNaN(v) {
			sum += v
			m++
		}
	}
	if m < 2 {
		n.sd, n.sdIs = math.NaN(), "undefined: fewer than 2 observed values"
		return
	}
	mean := sum / float64(m)
	for _, v := range n.obs {
		if !math.IsNaN(v) {
			ss += (v - mean) * (v - mean)
		}
	}
	n.sd = math.Sqrt(ss / float64(m-1))
	n.sdIs = fmt.Sprintf("the sd of its transformed column over %d observed rows", m)
}

// termDefined reports whether term t's factual parent value exists at row
// r: observed, a kept latent value, or, for a latent whose values the fit
// did not keep, the parents of its structural equation.
func (s *system) termDefined(t *sysTerm, r int) bool {
	if r < 0 {
		return false
	}
	if t.x != nil {
		if math.IsNaN(t.x[r]) && t.parent >= 0 { // an imputed parent value?
			return s.nodes[t.parent].imputed(s.lagRow(r, t.lag))
		}
		return !math.IsNaN(t.x[r])
	}
	p := s.nodes[t.parent]
	q := s.lagRow(r, t.lag)
	if p.etaOK {
		return p.defined(q)
	}
	return s.latMeanDefined(p, q)
}

// latMeanDefined reports whether latent n's structural mean can be computed
// at row r.
func (s *system) latMeanDefined(n *sysNode, r int) bool {
	if r < 0 {
		return false
	}
	for k := range n.terms {
		if !s.termDefined(&n.terms[k], r) {
			return false
		}
	}
	return true
}

// margParents reports whether node n has a latent parent whose values the
// fit did not keep.
func (s *system) margParents(n *sysNode) bool {
	for _, t := range n.terms {
		if p := s.nodes[t.parent]; p.kind == kindLatent && !p.etaOK {
			return true
		}
	}
	return false
}

// latentValuesError says a query needs the values of a latent node that
// the fit directory does not keep.
func latentValuesError(node, why string) error {
	return fmt.Errorf("%s needs the values of the latent node %s, which this fit directory does not keep; refit with 'dilemma fit … --save-latent'", why, node)
}

// equationRows marks the rows where the node's equation is defined: the
// node and all its parents observed (a latent: where it has a value). An
// exogenous node is "defined" where it is observed.
func (s *system) equationRows(n *sysNode) {
	n.eqRow = make([]bool, s.layout.Rows)
	for r := range n.eqRow {
		if !n.defined(r) {
			continue
		}
		ok := n.off == nil || !math.IsNaN(n.off[r])
		if n.kind != kindLatent {
			for k := range n.terms {
				if !s.termDefined(&n.terms[k], r) {
					ok = false
					break
				}
			}
		}
		n.eqRow[r] = ok
	}
}

// node resolves a node name for a query: the estimated node, or an error
// that says why it cannot be used (unknown, dropped).
func (s *system) node(name string) (int, error) {
	if i, ok := s.index[name]; ok {
		return i, nil
	}
	if why, ok := s.dropped[name]; ok {
		return -1, fmt.Errorf("node %s is %s: the fit has no strengths for its edges", name, why)
	}
	if s.model.Node(name) != nil {
		return -1, fmt.Errorf("node %s is not estimated by this fit", name)
	}
	known := make([]string, 0, len(s.model.Nodes))
	for _, n := range s.model.Nodes {
		known = append(known, n.Name)
	}
	msg := fmt.Sprintf("unknown node %s", name)
	if c := model.Closest(name, known); c != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", c)
	} else {
		sort.Strings(known)
		msg += " (the model's nodes: " + strings.Join(known, ", ") + ")"
	}
	return -1, fmt.Errorf("%s", msg)
}

// chainOf returns the chain and the within-chain index of global draw d.
func (s *system) chainOf(d int) (int, int) {
	c := sort.Search(len(s.offset), func(i int) bool { return s.offset[i] > d }) - 1
	return c, d - s.offset[c]
}

// value returns parameter j at global draw d.
func (s *system) value(j, d int) float64 {
	c, i := s.chainOf(d)
	return s.draws[c][j][i]
}

// covariateLag names a unit-mean covariate's lag ("" for none).
func covariateLag(lag int) string {
	if lag == 0 {
		return ""
	}
	return fmt.Sprintf(" at t-%d", lag)
}
