package model

import "slices"

// Structure is a snapshot of a model's identification graph (the graph
// unrolled over its periods, see UnrollNote) for asking many neighbourhood
// questions: it is built once, in time linear in the model's size, and each
// Parents or Children lookup then costs only the size of its answer. It
// does not follow later edits of the model.
type Structure struct{ g *agraph }

// Structure builds the model's Structure; it fails only on a cycle of
// lag-0 edges.
func (m *Model) Structure() (*Structure, error) {
	g, err := m.analysis()
	if err != nil {
		return nil, err
	}
	return &Structure{g: g}, nil
}

// Parents returns the direct causes of a node (names as in DSeparated: a
// lagged parent appears as name@t-k). Bidirected neighbours are not parents;
// see Spouses.
func (m *Model) Parents(name string) ([]string, error) {
	s, err := m.Structure()
	if err != nil {
		return nil, err
	}
	return s.Parents(name)
}

// Parents is Model.Parents on the snapshot.
func (s *Structure) Parents(name string) ([]string, error) {
	return s.neighbours(name, func(g *agraph, v int) []int { return g.pa[v] })
}

// Children returns the direct effects of a node.
func (m *Model) Children(name string) ([]string, error) {
	s, err := m.Structure()
	if err != nil {
		return nil, err
	}
	return s.Children(name)
}

// Children is Model.Children on the snapshot.
func (s *Structure) Children(name string) ([]string, error) {
	return s.neighbours(name, func(g *agraph, v int) []int { return g.ch[v] })
}

// Spouses returns the nodes joined to name by a bidirected edge.
func (m *Model) Spouses(name string) ([]string, error) {
	s, err := m.Structure()
	if err != nil {
		return nil, err
	}
	return s.Spouses(name)
}

// Spouses is Model.Spouses on the snapshot.
func (s *Structure) Spouses(name string) ([]string, error) {
	return s.neighbours(name, func(g *agraph, v int) []int {
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
	s, err := m.Structure()
	if err != nil {
		return nil, err
	}
	return s.Ancestors(name)
}

// Ancestors is Model.Ancestors on the snapshot.
func (s *Structure) Ancestors(name string) ([]string, error) {
	return s.neighbours(name, func(g *agraph, v int) []int { return maskIDs(g.ancestors([]int{v}), v) })
}

// Descendants returns the nodes with a directed path from name (name
// excluded).
func (m *Model) Descendants(name string) ([]string, error) {
	s, err := m.Structure()
	if err != nil {
		return nil, err
	}
	return s.Descendants(name)
}

// Descendants is Model.Descendants on the snapshot.
func (s *Structure) Descendants(name string) ([]string, error) {
	return s.neighbours(name, func(g *agraph, v int) []int { return maskIDs(g.descendants([]int{v}), v) })
}

// MarkovBlanket returns the parents, children and the children's other
// parents of name. A bidirected edge counts as an implicit latent parent of
// its ends, which is replaced by the nodes it joins.
func (m *Model) MarkovBlanket(name string) ([]string, error) {
	s, err := m.Structure()
	if err != nil {
		return nil, err
	}
	return s.MarkovBlanket(name)
}

// MarkovBlanket is Model.MarkovBlanket on the snapshot.
func (s *Structure) MarkovBlanket(name string) ([]string, error) {
	return s.neighbours(name, func(g *agraph, v int) []int {
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

func (s *Structure) neighbours(name string, f func(g *agraph, v int) []int) ([]string, error) {
	g := s.g
	v, err := g.resolve1(name)
	if err != nil {
		return nil, err
	}
	ids := slices.Clone(f(g, v))
	return g.nameList(ids), nil
}
