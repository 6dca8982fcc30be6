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
	n := g.n()
	complete = true
	spent := 0
	obs := make([]bool, n)
	for v := 0; v < n; v++ {
		obs[v] = !g.latent[v]
	}
	var out []Independence
pairs:
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
			if work > 0 && spent > work {
				complete = false
				break pairs
			}
			left := 0
			if work > 0 {
				left = work - spent
			}
			given, ok, w := g.smallestSeparator(a, b, obs, left)
			spent += w
			if !ok {
				continue
			}
			c := Independence{X: g.names[a], Y: g.names[b], Given: sortedNames(g, given)}
			if c.Y < c.X {
				c.X, c.Y = c.Y, c.X
			}
			out = append(out, c)
		}
	}
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
