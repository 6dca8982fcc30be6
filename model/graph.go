package model

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

// Families a node may declare (family="…").
var Families = []string{"gaussian", "bernoulli", "ordered", "poisson", "negbinomial",
	"zero_inflated_poisson", "zero_inflated_negbinomial", "hurdle_poisson", "hurdle_negbinomial",
	"binomial", "beta_binomial", "beta", "student", "lognormal"}

// TrialsFamilies are the families of successes out of trials, which need
// trials="COLUMN" or trials="N".
var TrialsFamilies = []string{"binomial", "beta_binomial"}

// CountFamilies are the families of counts with a log link, which take an
// offset="COLUMN" on the link scale.
var CountFamilies = []string{"poisson", "negbinomial", "zero_inflated_poisson",
	"zero_inflated_negbinomial", "hurdle_poisson", "hurdle_negbinomial"}

// familyPriors says which families have the parameter a family-specific
// node prior sets.
var familyPriors = map[string][]string{
	"sigma":    {"gaussian", "student", "lognormal"},
	"nu":       {"student"},
	"cutpoint": {"ordered"},
	"shape":    {"negbinomial", "zero_inflated_negbinomial", "hurdle_negbinomial"},
	"zi":       {"zero_inflated_poisson", "zero_inflated_negbinomial"},
	"hu":       {"hurdle_poisson", "hurdle_negbinomial"},
	"phi":      {"beta_binomial", "beta"},
}

// Roles a node may declare (role="…").
var Roles = []string{"remedy", "outcome", "mediator", "root"}

// Qualities grade how well a node is measured (quality="…").
var Qualities = []string{"good", "fair", "poor", "none"}

// UnitEffectModes are the unit effects a node's equation may take
// (unit_effects="…"): "random" intercepts per unit (the default on a
// panel), "within" (random intercepts plus each observed parent's unit
// mean as a covariate, so that the parent's strength is its within-unit
// effect: Mundlak's device) or "none".
var UnitEffectModes = []string{"random", "within", "none"}

// MissingModes are what a node's missing values may become (missing="…"):
// "model" (parameters, imputed from the node's equation and its children's,
// the fit's default) or "drop" (the rows that need them are left out).
var MissingModes = []string{"model", "drop"}

// TimeEffectModes are the period effects a node's equation may take
// (time_effects="…"): "none", "fixed" (one effect per period, summing to
// zero over the periods) or "random-walk" (a random walk over the
// periods). Unset, the fit's default (--time-effects) applies.
var TimeEffectModes = []string{"none", "fixed", "random-walk"}

// Attr is an attribute the package does not interpret. It is kept, in the
// order written, and exported again, as dagitty does with attributes it does
// not know.
type Attr struct {
	Key   string
	Value string
	Flag  bool // written without a value, e.g. [adjusted]
}

// Node is one variable of a causal model.
type Node struct {
	Name  string
	Label string      // dagitty's label="…"
	Pos   *[2]float64 // dagitty's pos="x,y"; nil when absent

	Exposure bool // [exposure]
	Outcome  bool // [outcome]
	Latent   bool // [latent]: unobserved; measured, if at all, through Indicators

	Column    string // the data column that measures the node
	Transform string // transform pipeline applied to Column (data package syntax)
	Family    string // one of Families; "" = estimation default (gaussian)
	Offset    string // count families: a column added to the linear predictor (log link scale)
	Trials    string // binomial families: the column of trials, or a constant such as "31"
	// UnitEffects is the equation's unit effects (UnitEffectModes); ""
	// leaves it to the fit's default.
	UnitEffects string
	// TimeEffects is the equation's period effects (TimeEffectModes); ""
	// leaves it to the fit's default.
	TimeEffects string
	Role        string   // remedy, outcome, mediator or root; "" = none
	Quality     string   // how well the data measure the construct: good, fair, poor, none
	Indicators  []string // observed columns that measure a latent node

	// AR is the order of the node's autoregressive residuals within unit
	// (ar="1": AR(1), gaussian nodes on a panel); 0 for none.
	AR int
	// Missing is what the node's missing values become (MissingModes); ""
	// leaves it to the fit's default.
	Missing string

	// Priors holds node-level priors by parameter (see NodePriorKeys):
	// "strength" (default for the edges into the node), "intercept",
	// "sigma", "unit_sd", "loading", "cutpoint", "shape", "zi", "hu". Nil
	// when none is set.
	Priors map[string]Prior

	Attrs []Attr   // attributes the package does not interpret, in order
	At    Position // where the node first appears in its file

	attrAt map[string]Position // where each attribute was set (for errors)
}

// HasData reports whether the node is measured: it has a column or, for a
// latent node, indicators.
func (n *Node) HasData() bool { return n.Column != "" || len(n.Indicators) > 0 }

// Fixed reports whether the node is a root without data (role="root", no
// column, no indicators, not latent): a constant of the setting, such as
// anarchy, kept in the diagram and in identification but never estimated.
func (n *Node) Fixed() bool {
	return n.Role == "root" && !n.Latent && !n.HasData()
}

// Observed reports whether identification may condition on the node: every
// node that is not latent. (A fixed root is observed: it is a known
// constant.)
func (n *Node) Observed() bool { return !n.Latent }

func (n *Node) attrPos(key string) Position {
	if p, ok := n.attrAt[key]; ok {
		return p
	}
	return n.At
}

// EdgeKind tells directed from bidirected edges.
type EdgeKind int8

// Edge kinds.
const (
	Directed   EdgeKind = iota // From -> To
	Bidirected                 // From <-> To: a latent common cause of both
)

// Edge is a causal arrow, possibly lagged, or a bidirected edge.
type Edge struct {
	From, To string
	Kind     EdgeKind
	Lag      int    // periods: the parent at t-Lag causes the child at t (0 = same period)
	Sign     int    // the sign the theory expects: -1, +1, or 0 for none
	Prior    *Prior // prior on the edge strength; nil = the node's or the default
	// Varies is "unit" when the strength varies by unit (varies="unit": unit
	// j's strength is b + v_j, v_j ~ normal(0, sd_v)); "" for one strength.
	Varies string
	// VariesPrior is the prior of sd_v (varies_prior=); nil = half_normal(1).
	VariesPrior *Prior
	Attrs       []Attr // attributes the package does not interpret
	At          Position

	// Moderator names another parent of To whose value changes this edge's
	// strength (moderator="z": To's equation gains c·From·z); "" for none.
	// ModeratorPrior is the prior of c (moderator_prior=; nil = normal(0,1)).
	Moderator      string
	ModeratorPrior *Prior

	attrAt map[string]Position
}

func (e *Edge) attrPos(key string) Position {
	if p, ok := e.attrAt[key]; ok {
		return p
	}
	return e.At
}

// String writes the edge as in a model file: "a -> b", "a <-> b",
// "a -> b [lag=1]".
func (e *Edge) String() string {
	op := "->"
	if e.Kind == Bidirected {
		op = "<->"
	}
	s := e.From + " " + op + " " + e.To
	if e.Lag > 0 {
		s += fmt.Sprintf(" [lag=%d]", e.Lag)
	}
	return s
}

// SignString is "+", "-" or "" for Sign +1, -1, 0.
func (e *Edge) SignString() string {
	switch {
	case e.Sign > 0:
		return "+"
	case e.Sign < 0:
		return "-"
	}
	return ""
}

func (e *Edge) same(from, to string, kind EdgeKind, lag int) bool {
	if e.Kind != kind {
		return false
	}
	if kind == Bidirected {
		return (e.From == from && e.To == to) || (e.From == to && e.To == from)
	}
	return e.From == from && e.To == to && e.Lag == lag
}

// Model is a causal graph with the settings that tie its nodes to data.
// Nodes and Edges are in the order they first appear in the model file.
// Treat a Model as read-only after Parse, or call Validate after changing
// it; AddNode and AddEdge keep it consistent.
type Model struct {
	Name       string // file name or built-in name; used in messages
	Source     string // the text the model was parsed from ("" if built in code)
	GraphName  string // the optional name in "dag NAME { … }"
	GraphAttrs []Attr // graph-level statements such as bb="…"
	Nodes      []*Node
	Edges      []*Edge

	index  map[string]int
	eindex map[edgeKey]int // for Edge; rebuilt when its size is not len(Edges)
}

// New returns an empty model called name.
func New(name string) *Model { return &Model{Name: name} }

func (m *Model) reindex() {
	if len(m.index) == len(m.Nodes) {
		return
	}
	m.index = make(map[string]int, len(m.Nodes))
	for i, n := range m.Nodes {
		m.index[n.Name] = i
	}
}

// Node returns the node called name, or nil.
func (m *Model) Node(name string) *Node {
	m.reindex()
	if i, ok := m.index[name]; ok {
		return m.Nodes[i]
	}
	return nil
}

// NodeNames returns the node names in declaration order.
func (m *Model) NodeNames() []string {
	names := make([]string, len(m.Nodes))
	for i, n := range m.Nodes {
		names[i] = n.Name
	}
	return names
}

// AddNode adds n. It is an error if a node of that name exists or the name
// is not usable.
func (m *Model) AddNode(n *Node) error {
	if err := checkName(n.Name); err != nil {
		return errAt(m.Name, n.At, "%v", err)
	}
	if old := m.Node(n.Name); old != nil {
		return errAt(m.Name, n.At, "duplicate node %q (first declared at %s)", n.Name, old.At)
	}
	// m.Node has just brought the index up to date: extend it rather than
	// rebuild it, so that adding n nodes costs O(n), not O(n²).
	if m.index == nil {
		m.index = map[string]int{}
	}
	m.Nodes = append(m.Nodes, n)
	m.index[n.Name] = len(m.Nodes) - 1
	return nil
}

func checkName(name string) error {
	if name == "" {
		return fmt.Errorf("empty node name")
	}
	if strings.ContainsRune(name, '@') {
		return fmt.Errorf("node name %q contains '@', which is reserved for time slices (x@t-1)", name)
	}
	for _, r := range name {
		if r < ' ' || r == 0x7f {
			return fmt.Errorf("node name %q contains a control character", name)
		}
	}
	return nil
}

// Edge returns the edge from -> to with the given lag (or the bidirected
// edge between them, in either order, when kind is Bidirected), or nil.
func (m *Model) Edge(from, to string, kind EdgeKind, lag int) *Edge {
	k := newEdgeKey(from, to, kind, lag)
	if len(m.eindex) != len(m.Edges) {
		m.eindex = make(map[edgeKey]int, len(m.Edges))
		for i, e := range m.Edges {
			ek := newEdgeKey(e.From, e.To, e.Kind, e.Lag)
			if _, dup := m.eindex[ek]; !dup {
				m.eindex[ek] = i
			}
		}
	}
	if i, ok := m.eindex[k]; ok && m.Edges[i].same(from, to, kind, lag) {
		return m.Edges[i]
	}
	if _, ok := m.eindex[k]; ok {
		// An edge was changed in place since the index was built: search.
		m.eindex = nil
		for _, e := range m.Edges {
			if e.same(from, to, kind, lag) {
				return e
			}
		}
	}
	return nil
}

// edgeKey identifies an edge for Model.Edge; a bidirected edge's ends are
// kept in sorted order, so that both spellings find it.
type edgeKey struct {
	from, to string
	kind     EdgeKind
	lag      int
}

func newEdgeKey(from, to string, kind EdgeKind, lag int) edgeKey {
	if kind == Bidirected {
		lag = 0
		if to < from {
			from, to = to, from
		}
	}
	return edgeKey{from, to, kind, lag}
}

// AddEdge adds e. Both ends must be nodes of m; a second edge with the same
// ends, kind and lag is an error.
func (m *Model) AddEdge(e *Edge) error {
	for _, name := range []string{e.From, e.To} {
		if m.Node(name) == nil {
			return errAt(m.Name, e.At, "edge %s: unknown node %q", e, name)
		}
	}
	if e.Lag < 0 {
		return errAt(m.Name, e.attrPos("lag"), "edge %s: lag must be >= 0, got %d", e, e.Lag)
	}
	if e.Kind == Bidirected && e.Lag != 0 {
		return errAt(m.Name, e.attrPos("lag"), "edge %s: a bidirected edge (a latent common cause) cannot be lagged", e)
	}
	if e.Kind == Bidirected && e.From == e.To {
		return errAt(m.Name, e.At, "edge %s: a bidirected edge needs two different nodes", e)
	}
	if old := m.Edge(e.From, e.To, e.Kind, e.Lag); old != nil {
		return errAt(m.Name, e.At, "duplicate edge %s (first declared at %s)", e, old.At)
	}
	m.Edges = append(m.Edges, e)
	if m.eindex != nil && len(m.eindex) == len(m.Edges)-1 {
		m.eindex[newEdgeKey(e.From, e.To, e.Kind, e.Lag)] = len(m.Edges) - 1
	}
	return nil
}

// In returns the directed edges into the node, lagged ones included, in
// declaration order.
func (m *Model) In(name string) []*Edge {
	var es []*Edge
	for _, e := range m.Edges {
		if e.Kind == Directed && e.To == name {
			es = append(es, e)
		}
	}
	return es
}

// Out returns the directed edges out of the node, lagged ones included.
func (m *Model) Out(name string) []*Edge {
	var es []*Edge
	for _, e := range m.Edges {
		if e.Kind == Directed && e.From == name {
			es = append(es, e)
		}
	}
	return es
}

// BidirectedEdges returns the bidirected edges, in declaration order.
func (m *Model) BidirectedEdges() []*Edge {
	var es []*Edge
	for _, e := range m.Edges {
		if e.Kind == Bidirected {
			es = append(es, e)
		}
	}
	return es
}

// MaxLag returns the largest lag of any edge (0 when none is lagged).
func (m *Model) MaxLag() int {
	l := 0
	for _, e := range m.Edges {
		l = max(l, e.Lag)
	}
	return l
}

// Lagged reports whether the model has lagged edges; if so, identification
// reasons on the graph unrolled over MaxLag()+1 periods.
func (m *Model) Lagged() bool { return m.MaxLag() > 0 }

// NodesWith returns the names of the nodes for which keep is true, in
// declaration order.
func (m *Model) NodesWith(keep func(*Node) bool) []string {
	var names []string
	for _, n := range m.Nodes {
		if keep(n) {
			names = append(names, n.Name)
		}
	}
	return names
}

// Exposures returns the nodes marked [exposure].
func (m *Model) Exposures() []string { return m.NodesWith(func(n *Node) bool { return n.Exposure }) }

// Outcomes returns the nodes marked [outcome].
func (m *Model) Outcomes() []string { return m.NodesWith(func(n *Node) bool { return n.Outcome }) }

// Remedies returns the nodes with role="remedy".
func (m *Model) Remedies() []string {
	return m.NodesWith(func(n *Node) bool { return n.Role == "remedy" })
}

// Graph returns the model's contemporaneous (lag 0) directed edges as a
// gonum graph whose node IDs are indices into m.Nodes. Lagged and
// bidirected edges are not in it.
func (m *Model) Graph() *simple.DirectedGraph {
	g := simple.NewDirectedGraph()
	m.reindex()
	for i := range m.Nodes {
		g.AddNode(simple.Node(i))
	}
	for _, e := range m.Edges {
		if e.Kind != Directed || e.Lag != 0 || e.From == e.To {
			continue
		}
		f, t := m.index[e.From], m.index[e.To]
		g.SetEdge(g.NewEdge(simple.Node(f), simple.Node(t)))
	}
	return g
}

// TopoOrder returns the node names in a topological order of the lag-0
// edges (parents before children), ties broken by declaration order. Lagged
// edges do not constrain it: within a period they point from the past.
func (m *Model) TopoOrder() ([]string, error) {
	if err := m.checkAcyclic(); err != nil {
		return nil, err
	}
	sorted, err := topo.SortStabilized(m.Graph(), byID)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(sorted))
	for i, n := range sorted {
		names[i] = m.Nodes[n.ID()].Name
	}
	return names, nil
}

func byID(nodes []graph.Node) {
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID() < nodes[j].ID() })
}

// checkAcyclic reports a cycle of lag-0 edges as an error that prints it
// and points at the edge of the cycle declared last.
func (m *Model) checkAcyclic() error {
	for _, e := range m.Edges {
		if e.Kind == Directed && e.Lag == 0 && e.From == e.To {
			return errAt(m.Name, e.At, "cycle: %s -> %s (a node cannot cause itself in the same period; use lag=1 for persistence)", e.From, e.To)
		}
	}
	g := m.Graph()
	if _, err := topo.Sort(g); err != nil {
		un, ok := err.(topo.Unorderable)
		if !ok || len(un) == 0 {
			return errAt(m.Name, Position{}, "%v", err)
		}
		comp := un[0]
		cyc := findCycle(g, comp)
		names := make([]string, len(cyc)+1)
		var last *Edge
		for i, id := range cyc {
			names[i] = m.Nodes[id].Name
			next := cyc[(i+1)%len(cyc)]
			e := m.Edge(m.Nodes[id].Name, m.Nodes[next].Name, Directed, 0)
			if e != nil && (last == nil || later(e.At, last.At)) {
				last = e
			}
		}
		names[len(cyc)] = names[0]
		at := Position{}
		if last != nil {
			at = last.At
		}
		return errAt(m.Name, at, "cycle: %s (only lagged edges, lag=1 or more, may close a loop)", strings.Join(names, " -> "))
	}
	return nil
}

func later(a, b Position) bool {
	return a.Line > b.Line || (a.Line == b.Line && a.Col > b.Col)
}

// findCycle returns the node IDs of one directed cycle inside the strongly
// connected component comp, starting from its smallest ID.
func findCycle(g *simple.DirectedGraph, comp []graph.Node) []int64 {
	in := make(map[int64]bool, len(comp))
	start := comp[0].ID()
	for _, n := range comp {
		in[n.ID()] = true
		start = min(start, n.ID())
	}
	// Depth-first search from start inside the component until an edge
	// returns to start; every node of an SCC lies on such a cycle.
	onPath := map[int64]bool{}
	visited := map[int64]bool{}
	var path []int64
	var dfs func(v int64) bool
	dfs = func(v int64) bool {
		path = append(path, v)
		onPath[v] = true
		visited[v] = true
		succ := graph.NodesOf(g.From(v))
		byID(succ)
		for _, w := range succ {
			id := w.ID()
			if !in[id] {
				continue
			}
			if id == start {
				return true
			}
			if !visited[id] && dfs(id) {
				return true
			}
		}
		path = path[:len(path)-1]
		onPath[v] = false
		return false
	}
	dfs(start)
	return path
}

// Validate checks the model: attribute consistency (a latent node has
// indicators, not a column; a root has no parents; …) and that the lag-0
// edges form no cycle.
func (m *Model) Validate() error {
	m.reindex()
	if len(m.index) != len(m.Nodes) {
		seen := map[string]bool{}
		for _, n := range m.Nodes {
			if seen[n.Name] {
				return errAt(m.Name, n.At, "duplicate node %q", n.Name)
			}
			seen[n.Name] = true
		}
	}
	for _, n := range m.Nodes {
		if err := m.validateNode(n); err != nil {
			return err
		}
	}
	for _, e := range m.Edges {
		if err := m.validateEdge(e); err != nil {
			return err
		}
	}
	if err := m.validateModerators(); err != nil {
		return err
	}
	return m.checkAcyclic()
}

func (m *Model) validateNode(n *Node) error {
	if err := checkName(n.Name); err != nil {
		return errAt(m.Name, n.At, "%v", err)
	}
	if n.Family != "" && !slices.Contains(Families, n.Family) {
		return errAt(m.Name, n.attrPos("family"), "node %s: unknown family %q (known: %s)", n.Name, n.Family, strings.Join(Families, ", "))
	}
	if n.Role != "" && !slices.Contains(Roles, n.Role) {
		return errAt(m.Name, n.attrPos("role"), "node %s: unknown role %q (known: %s)", n.Name, n.Role, strings.Join(Roles, ", "))
	}
	if n.Quality != "" && !slices.Contains(Qualities, n.Quality) {
		return errAt(m.Name, n.attrPos("quality"), "node %s: unknown quality %q (known: %s)", n.Name, n.Quality, strings.Join(Qualities, ", "))
	}
	if n.Latent && n.Column != "" {
		return errAt(m.Name, n.attrPos("column"), "node %s is latent and has column=%q: a latent node is measured through indicators=\"colA,colB\"; drop [latent] if the column measures it directly", n.Name, n.Column)
	}
	if len(n.Indicators) > 0 && !n.Latent {
		return errAt(m.Name, n.attrPos("indicators"), "node %s has indicators but is not [latent]: indicators measure a latent node", n.Name)
	}
	if n.Transform != "" && n.Latent {
		return errAt(m.Name, n.attrPos("transform"), "node %s is latent: a transform applies to a data column, and a latent node has none (its indicators are standardized)", n.Name)
	}
	if n.Transform != "" {
		if err := checkTransform(n.Transform); err != nil {
			return errAt(m.Name, n.attrPos("transform"), "node %s: %v", n.Name, err)
		}
	}
	if n.Latent && n.Family != "" && n.Family != "gaussian" {
		return errAt(m.Name, n.attrPos("family"), "node %s is latent: a latent node is gaussian on its own scale, family=%q does not apply", n.Name, n.Family)
	}
	seen := map[string]bool{}
	for _, c := range n.Indicators {
		if c == "" {
			return errAt(m.Name, n.attrPos("indicators"), "node %s: empty column name in indicators", n.Name)
		}
		if seen[c] {
			return errAt(m.Name, n.attrPos("indicators"), "node %s: indicator %q listed twice", n.Name, c)
		}
		seen[c] = true
	}
	if isTrials := slices.Contains(TrialsFamilies, n.Family); isTrials != (n.Trials != "") && !n.Latent {
		if isTrials {
			return errAt(m.Name, n.attrPos("family"), "node %s: family %s needs trials=\"COLUMN\" (or a constant such as trials=\"31\")", n.Name, n.Family)
		}
		return errAt(m.Name, n.attrPos("trials"), "node %s: trials=%q needs a binomial family (%s), not %s", n.Name, n.Trials, strings.Join(TrialsFamilies, ", "), familyOrDefault(n.Family))
	}
	if n.Offset != "" && !slices.Contains(CountFamilies, n.Family) {
		return errAt(m.Name, n.attrPos("offset"), "node %s: offset=%q needs a count family (%s), not %s", n.Name, n.Offset, strings.Join(CountFamilies, ", "), familyOrDefault(n.Family))
	}
	for key, p := range n.Priors {
		if fams, ok := familyPriors[key]; ok && !n.Latent && !slices.Contains(fams, familyOrDefault(n.Family)) {
			return errAt(m.Name, n.attrPos("prior_"+key), "node %s: prior_%s applies to the families %s, not %s", n.Name, key, strings.Join(fams, ", "), familyOrDefault(n.Family))
		}
		sup, ok := nodePriorSlot(key)
		if !ok {
			return errAt(m.Name, n.At, "node %s: unknown prior parameter %q (known: %s)", n.Name, key, strings.Join(NodePriorKeys(), ", "))
		}
		if err := checkPriorSupport(p, sup); err != nil {
			return errAt(m.Name, n.attrPos("prior_"+key), "node %s: prior_%s: %v", n.Name, key, err)
		}
	}
	if err := m.validateAR(n); err != nil {
		return err
	}
	if n.Role == "root" {
		for _, e := range m.In(n.Name) {
			if e.Lag == 0 {
				return errAt(m.Name, n.attrPos("role"), "node %s has role=\"root\" but a parent: %s", n.Name, e)
			}
		}
	}
	return nil
}

// validateAR checks ar="1": a gaussian or student node with data, without a self-lag
// (the two persistences would trade places).
func (m *Model) validateAR(n *Node) error {
	if n.AR == 0 {
		return nil
	}
	at := n.attrPos("ar")
	switch {
	case n.AR != 1:
		return errAt(m.Name, at, "node %s: ar=\"%d\": only AR(1) residuals are supported (ar=\"1\"); for longer memory add lagged edges %s -> %s [lag=k]", n.Name, n.AR, n.Name, n.Name)
	case n.Latent:
		return errAt(m.Name, at, "node %s is latent: ar=\"1\" applies to the residuals of an observed gaussian node", n.Name)
	case familyOrDefault(n.Family) != "gaussian" && n.Family != "student":
		return errAt(m.Name, at, "node %s: ar=\"1\" needs a gaussian or student node, not %s (AR residuals are defined on additive noise); for persistence in any family add the self-lag %s -> %s [lag=1]", n.Name, n.Family, n.Name, n.Name)
	}
	for _, e := range m.In(n.Name) {
		if e.Kind == Directed && e.From == n.Name {
			return errAt(m.Name, at, "node %s: ar=\"1\" together with the self-lag %s is not identified (the two persistences trade places); keep one of them", n.Name, e)
		}
	}
	return nil
}

func checkPriorSupport(p Prior, want Support) error {
	f, ok := priorFamily(p.Family)
	if !ok {
		return fmt.Errorf("unknown prior family %q", p.Family)
	}
	if len(p.Params) != len(f.Params) {
		return fmt.Errorf("%s takes %d parameter(s)", f.Name, len(f.Params))
	}
	if msg := f.check(p.Params); msg != "" {
		return fmt.Errorf("%s: %s", p, msg)
	}
	if f.Support != want {
		return fmt.Errorf("%s has %s support; this parameter needs a %s prior (%s)", p, f.Support, want, familyNames(want))
	}
	return nil
}

func (m *Model) validateEdge(e *Edge) error {
	if m.Node(e.From) == nil || m.Node(e.To) == nil {
		return errAt(m.Name, e.At, "edge %s: unknown node", e)
	}
	if e.Lag < 0 {
		return errAt(m.Name, e.attrPos("lag"), "edge %s: lag must be >= 0", e)
	}
	if e.Kind == Bidirected && e.Lag > 0 {
		return errAt(m.Name, e.attrPos("lag"), "edge %s: a bidirected edge cannot be lagged", e)
	}
	if e.Sign < -1 || e.Sign > 1 {
		return errAt(m.Name, e.attrPos("sign"), "edge %s: sign must be -1, 0 or +1", e)
	}
	if e.Kind == Bidirected && (e.Sign != 0 || e.Prior != nil) {
		return errAt(m.Name, e.At, "edge %s: a bidirected edge has no strength, so no sign or prior", e)
	}
	if e.Prior != nil {
		if err := checkPriorSupport(*e.Prior, RealLine); err != nil {
			return errAt(m.Name, e.attrPos("prior"), "edge %s: prior: %v", e, err)
		}
	}
	if e.Varies != "" && e.Varies != "unit" {
		return errAt(m.Name, e.attrPos("varies"), "edge %s: varies=%q: only varies=\"unit\" is supported", e, e.Varies)
	}
	if e.Kind == Bidirected && (e.Varies != "" || e.VariesPrior != nil) {
		return errAt(m.Name, e.attrPos("varies"), "edge %s: a bidirected edge has no strength, so nothing varies", e)
	}
	if e.VariesPrior != nil {
		if e.Varies == "" {
			return errAt(m.Name, e.attrPos("varies_prior"), "edge %s: varies_prior= needs varies=\"unit\"", e)
		}
		if err := checkPriorSupport(*e.VariesPrior, Positive); err != nil {
			return errAt(m.Name, e.attrPos("varies_prior"), "edge %s: varies_prior: %v", e, err)
		}
	}
	return nil
}

// Clone returns a deep copy of m.
func (m *Model) Clone() *Model {
	c := &Model{Name: m.Name, Source: m.Source, GraphName: m.GraphName, GraphAttrs: slices.Clone(m.GraphAttrs)}
	for _, n := range m.Nodes {
		nn := *n
		nn.Indicators = slices.Clone(n.Indicators)
		nn.Attrs = slices.Clone(n.Attrs)
		if n.Pos != nil {
			p := *n.Pos
			nn.Pos = &p
		}
		if n.Priors != nil {
			nn.Priors = make(map[string]Prior, len(n.Priors))
			for k, v := range n.Priors {
				nn.Priors[k] = Prior{Family: v.Family, Params: slices.Clone(v.Params)}
			}
		}
		nn.attrAt = nil
		c.Nodes = append(c.Nodes, &nn)
	}
	for _, e := range m.Edges {
		ee := *e
		ee.Attrs = slices.Clone(e.Attrs)
		if e.Prior != nil {
			p := Prior{Family: e.Prior.Family, Params: slices.Clone(e.Prior.Params)}
			ee.Prior = &p
		}
		if e.ModeratorPrior != nil {
			p := Prior{Family: e.ModeratorPrior.Family, Params: slices.Clone(e.ModeratorPrior.Params)}
			ee.ModeratorPrior = &p
		}
		if e.VariesPrior != nil {
			p := Prior{Family: e.VariesPrior.Family, Params: slices.Clone(e.VariesPrior.Params)}
			ee.VariesPrior = &p
		}
		ee.attrAt = nil
		c.Edges = append(c.Edges, &ee)
	}
	c.reindex()
	return c
}

// familyOrDefault is the node's family, "gaussian" when unset.
func familyOrDefault(f string) string {
	if f == "" {
		return "gaussian"
	}
	return f
}

// OffsetColumn splits the node's offset into its column and whether the
// column's log is taken: offset="log(population)" is the log of column
// population, offset="log_pop" the column log_pop as it is.
func (n *Node) OffsetColumn() (column string, log bool) {
	o := strings.TrimSpace(n.Offset)
	if c, ok := strings.CutPrefix(o, "log("); ok && strings.HasSuffix(c, ")") {
		return strings.TrimSpace(strings.TrimSuffix(c, ")")), true
	}
	return o, false
}

// TrialsConstant returns the node's trials when they are a constant
// (trials="31"), and false when they name a column.
func (n *Node) TrialsConstant() (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(n.Trials), 64)
	if err != nil {
		return 0, false
	}
	return v, true
}
