package model

import (
	"slices"
	"strings"
)

// Independence is a conditional independence X ⟂ Y | Given that a graph
// implies.
type Independence struct {
	X, Y  string
	Given []string // sorted; empty for a marginal independence
}

func (c Independence) String() string {
	s := c.X + " ⟂ " + c.Y
	if len(c.Given) > 0 {
		s += " | " + strings.Join(c.Given, ", ")
	}
	return s
}

// Implications returns the testable implications of the graph: for every
// pair of non-adjacent observed nodes that some set of observed nodes
// d-separates, one conditional independence with a smallest minimal
// separating set (ties broken alphabetically). Pairs that no observed set
// separates (e.g. joined by a bidirected edge or a latent common cause)
// imply nothing testable and are left out, as are pairs involving a fixed
// root (a constant cannot be tested). For a lagged model the graph is
// unrolled (see UnrollNote) and pairs with both nodes before t are left
// out: they repeat the pairs at t. The list is sorted, X before Y
// alphabetically within a pair.
func (m *Model) Implications() ([]Independence, error) {
	imps, _, err := m.ImplicationsWithin(0)
	return imps, err
}

// MaxImplicationWork is the work bound the command line gives
// ImplicationsWithin (nodes and edges visited): a few seconds. Every pair of nodes is a search
// for separators, so a graph of hundreds of nodes has tens of thousands
// of them and would take hours.
const MaxImplicationWork = 100_000_000

// ImplicationsWithin is Implications with a bound on the work (the nodes
// and edges the separator searches visit; 0 for no bound): when the bound
// is reached it returns the implications of the pairs examined so far (in
// the graph's declaration order), sorted, and complete = false.
func (m *Model) ImplicationsWithin(work int) (imps []Independence, complete bool, err error) {
	g, err := m.analysis()
	if err != nil {
		return nil, false, err
	}
	complete = true
	spent := 0
	obs := g.observed()
	var out []Independence
	g.candidatePairs(m, obs, func(a, b int) bool {
		if work > 0 && spent > work {
			complete = false
			return false
		}
		left := 0
		if work > 0 {
			left = work - spent
		}
		given, ok, w := g.smallestSeparator(a, b, obs, left)
		spent += w
		if !ok {
			return true
		}
		c := Independence{X: g.names[a], Y: g.names[b], Given: sortedNames(g, given)}
		if c.Y < c.X {
			c.X, c.Y = c.Y, c.X
		}
		out = append(out, c)
		return true
	})
	slices.SortFunc(out, func(p, q Independence) int {
		if c := strings.Compare(p.X, q.X); c != 0 {
			return c
		}
		if c := strings.Compare(p.Y, q.Y); c != 0 {
			return c
		}
		return slices.Compare(p.Given, q.Given)
	})
	return out, complete, nil
}

// observed marks the graph's observed (not latent) nodes.
func (g *agraph) observed() []bool {
	obs := make([]bool, g.n())
	for v := range obs {
		obs[v] = !g.latent[v]
	}
	return obs
}

// candidatePairs calls visit(a, b), a < b, for each pair of observed nodes
// that could carry an implication: neither a fixed root, not both in an
// earlier period (they repeat the pairs at t), and not adjacent. It stops
// when visit returns false.
func (g *agraph) candidatePairs(m *Model, obs []bool, visit func(a, b int) bool) {
	n := g.n()
	for a := 0; a < n; a++ {
		if !obs[a] || m.Nodes[g.base[a]].Fixed() {
			continue
		}
		for b := a + 1; b < n; b++ {
			if !obs[b] || m.Nodes[g.base[b]].Fixed() {
				continue
			}
			if g.slice[a] > 0 && g.slice[b] > 0 {
				continue
			}
			if slices.Contains(g.ch[a], b) || slices.Contains(g.pa[a], b) {
				continue
			}
			if !visit(a, b) {
				return
			}
		}
	}
}

// smallestSeparator returns a smallest minimal set of observed nodes that
// d-separates a and b (ties: alphabetical by sorted names), or false when
// none exists, and the work it took. With budget > 0 the search for
// separators stops after about that much work and the smallest found so
// far is returned.
func (g *agraph) smallestSeparator(a, b int, obs []bool, budget int) ([]int, bool, int) {
	allowed := slices.Clone(obs)
	allowed[a], allowed[b] = false, false
	anc := g.ancestors([]int{a, b})
	var canon []int
	for v := range anc {
		if anc[v] && allowed[v] {
			canon = append(canon, v)
		}
	}
	work := 2 * g.n()
	if !g.separated([]int{a}, []int{b}, g.mask(canon)) {
		return nil, false, work
	}
	sets, _, w := g.minimalSeparatorsWithin([]int{a}, []int{b}, nil, allowed, 1000, budget)
	work += w
	if len(sets) == 0 {
		return nil, false, work
	}
	best := sets[0]
	bestNames := sortedNames(g, best)
	for _, s := range sets[1:] {
		names := sortedNames(g, s)
		if len(s) < len(best) || len(s) == len(best) && slices.Compare(names, bestNames) < 0 {
			best, bestNames = s, names
		}
	}
	return best, true, work
}

// ImplicationGroup sorts the implications of a panel model by what a
// contradiction would mean.
type ImplicationGroup int

const (
	// CrossNode implications relate two different nodes and hold even when
	// every node's noise is autocorrelated within a unit: a contradiction
	// points to a missing edge (or a missing common cause) between nodes.
	CrossNode ImplicationGroup = iota
	// Autocorrelation implications hold only if no node has memory: a node
	// and its own lag (X ⟂ X@t-1 | …), or two nodes that no observed set
	// separates once each node's noise may be autocorrelated. A
	// contradiction says the graph omits autocorrelation (self-lags such
	// as X -> X [lag=1]), which the model's equations then assume away.
	Autocorrelation
)

func (g ImplicationGroup) String() string {
	if g == Autocorrelation {
		return "autocorrelation"
	}
	return "cross-node"
}

// PanelImplication is an implication with its group.
type PanelImplication struct {
	Independence
	Group ImplicationGroup
}

// PanelImplications returns the testable implications of the graph for
// panel data, one per separable non-adjacent pair as Implications, sorted
// by group, then as Implications. For a pair of different nodes it prefers
// an implication that holds even if every node's noise is autocorrelated
// (AR noise within each unit, which panel data nearly always have): the
// separator is sought in the graph unrolled over MaxLag()+1 observed and
// as many unobserved earlier periods (TestPanel unrolls a model without
// lagged edges over two periods on a panel, so that lagged effects the
// graph omits can show), with a chain of noise terms through
// each node's copies (noise at t-1 -> noise at t). Such an implication is
// also one of the graph without memory. Pairs that only the memoryless
// graph separates, and a node paired with its own lag, form the
// Autocorrelation group, with the separator of the memoryless graph.
func (m *Model) PanelImplications() ([]PanelImplication, error) {
	imps, _, err := m.panelImplications(m.Periods(), 0)
	return imps, err
}

// PanelImplicationsWithin is PanelImplications with a bound on the work
// (the nodes and edges the separator searches visit; 0 for none), as
// ImplicationsWithin: past it the implications of the pairs examined so
// far are returned with complete = false.
func (m *Model) PanelImplicationsWithin(work int) (imps []PanelImplication, complete bool, err error) {
	return m.panelImplications(m.Periods(), work)
}

// panelImplications is PanelImplicationsWithin over periods observed
// periods (at least m.Periods()).
func (m *Model) panelImplications(periods, work int) ([]PanelImplication, bool, error) {
	periods = max(periods, m.Periods())
	g, err := m.unrolled(periods, 0, false)
	if err != nil {
		return nil, false, err
	}
	h, err := m.unrolled(periods, periods, true)
	if err != nil {
		return nil, false, err
	}
	complete, spent := true, 0
	budget := func() int {
		if work > 0 {
			return max(1, work-spent)
		}
		return 0
	}
	obsG, obsH := g.observed(), h.observed()
	var out []PanelImplication
	g.candidatePairs(m, obsG, func(a, b int) bool {
		if work > 0 && spent > work {
			complete = false
			return false
		}
		group := Autocorrelation
		var given []string
		if g.base[a] != g.base[b] {
			// Node ids of the observed periods coincide in g and h.
			z, ok, w := h.smallestSeparator(a, b, obsH, budget())
			spent += w
			if ok {
				group, given = CrossNode, sortedNames(h, z)
			}
		}
		if given == nil {
			z, ok, w := g.smallestSeparator(a, b, obsG, budget())
			spent += w
			if !ok {
				return true
			}
			given = sortedNames(g, z)
		}
		c := PanelImplication{Independence{X: g.names[a], Y: g.names[b], Given: given}, group}
		if c.Y < c.X {
			c.X, c.Y = c.Y, c.X
		}
		out = append(out, c)
		return true
	})
	slices.SortFunc(out, func(p, q PanelImplication) int {
		if p.Group != q.Group {
			return int(p.Group) - int(q.Group)
		}
		if c := strings.Compare(p.X, q.X); c != 0 {
			return c
		}
		if c := strings.Compare(p.Y, q.Y); c != 0 {
			return c
		}
		return slices.Compare(p.Given, q.Given)
	})
	return out, complete, nil
}

// unrolled is the identification graph of m (as analysis builds it)
// unrolled over P observed periods and history earlier unobserved ones
// (they stand for the past the data's lags do not reach). With noise,
// every node has autocorrelated noise (without, only the nodes with
// ar="1"): a hidden noise node per node and
// period, parent of the node, each a parent of the next period's noise
// (fixed roots get none: they are constants). Node k periods before t has
// id k*len(m.Nodes)+i in every such graph.
func (m *Model) unrolled(P, history int, noise bool) (*agraph, error) {
	if _, err := m.analysis(); err != nil {
		return nil, err
	}
	Q := P + history
	nm := len(m.Nodes)
	g := &agraph{periods: P, model: m, index: map[string]int{}}
	add := func(name string, base, slice int, latent, hidden bool) int {
		return g.addNode(name, base, slice, latent, hidden, slice < P)
	}
	for k := 0; k < Q; k++ {
		for i, n := range m.Nodes {
			add(sliceName(n.Name, k), i, k, n.Latent || k >= P, false)
		}
	}
	id := func(name string, k int) int { return k*nm + m.index[name] }
	link := g.link
	g.addEdges(m, Q)
	for _, n := range m.Nodes {
		// A node with AR(1) residuals (ar="1") has its noise chain even in
		// the graph without memory: the model itself says its residuals
		// persist.
		if n.Fixed() || (!noise && n.AR == 0) {
			continue
		}
		prev := -1
		for k := Q - 1; k >= 0; k-- {
			v := id(n.Name, k)
			e := add("", -1, k, true, true)
			g.spouse[e] = [2]int{v, v}
			link(e, v)
			if prev >= 0 {
				link(prev, e)
			}
			prev = e
		}
	}
	return g, nil
}
