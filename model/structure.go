package model

import "slices"

// Parents returns the direct causes of a node (names as in DSeparated: a
// lagged parent appears as name@t-k). Bidirected neighbours are not parents;
// see Spouses.
func (m *Model) Parents(name string) ([]string, error) {
	return m.neighbours(name, func(g *agraph, v int) []int { return g.pa[v] })
}

// Children returns the direct effects of a node.
func (m *Model) Children(name string) ([]string, error) {
	return m.neighbours(name, func(g *agraph, v int) []int { return g.ch[v] })
}

// Spouses returns the nodes joined to name by a bidirected edge.
func (m *Model) Spouses(name string) ([]string, error) {
	return m.neighbours(name, func(g *agraph, v int) []int {
		var out []int
		for _, h := range g.pa[v] {
			if g.hidden[h] {
				out = append(out, g.spouse[h][0]+g.spouse[h][1]-v)
			}
		}
		return out
	})
}

// Ancestors returns the nodes with a directed path into name (name
// excluded), lagged ancestors included for a lagged model.
func (m *Model) Ancestors(name string) ([]string, error) {
	return m.neighbours(name, func(g *agraph, v int) []int { return maskIDs(g.ancestors([]int{v}), v) })
}

// Descendants returns the nodes with a directed path from name (name
// excluded).
func (m *Model) Descendants(name string) ([]string, error) {
	return m.neighbours(name, func(g *agraph, v int) []int { return maskIDs(g.descendants([]int{v}), v) })
}

// MarkovBlanket returns the parents, children and the children's other
// parents of name. A bidirected edge counts as an implicit latent parent of
// its ends, which is replaced by the nodes it joins.
func (m *Model) MarkovBlanket(name string) ([]string, error) {
	return m.neighbours(name, func(g *agraph, v int) []int {
		set := map[int]bool{}
		addParent := func(p int) {
			if g.hidden[p] {
				set[g.spouse[p][0]] = true
				set[g.spouse[p][1]] = true
			} else {
				set[p] = true
			}
		}
		for _, p := range g.pa[v] {
			addParent(p)
		}
		for _, c := range g.ch[v] {
			set[c] = true
			for _, p := range g.pa[c] {
				addParent(p)
			}
		}
		delete(set, v)
		var out []int
		for u := range set {
			out = append(out, u)
		}
		return out
	})
}

func maskIDs(mask []bool, except int) []int {
	var out []int
	for v, in := range mask {
		if in && v != except {
			out = append(out, v)
		}
	}
	return out
}

func (m *Model) neighbours(name string, f func(g *agraph, v int) []int) ([]string, error) {
	g, err := m.analysis()
	if err != nil {
		return nil, err
	}
	v, err := g.resolve1(name)
	if err != nil {
		return nil, err
	}
	ids := slices.Clone(f(g, v))
	return g.nameList(ids), nil
}
