package model

import (
	"fmt"
	"slices"
	"strings"
)

// Arrow is the mark between two consecutive nodes of a Path.
type Arrow int8

// Arrow kinds.
const (
	Forward  Arrow = iota + 1 // Nodes[i] -> Nodes[i+1]
	Backward                  // Nodes[i] <- Nodes[i+1]
	BothWays                  // Nodes[i] <-> Nodes[i+1]: a latent common cause
)

func (a Arrow) String() string {
	switch a {
	case Forward:
		return "->"
	case Backward:
		return "<-"
	case BothWays:
		return "<->"
	}
	return "?"
}

// Path is a path in the (possibly unrolled) graph: Nodes with the Arrows
// between consecutive ones (len(Arrows) == len(Nodes)-1). The zero Path is
// "no path".
type Path struct {
	Nodes  []string
	Arrows []Arrow
}

// IsZero reports whether p is the empty path.
func (p Path) IsZero() bool { return len(p.Nodes) == 0 }

// String writes the path as "a <- b -> c <-> d".
func (p Path) String() string {
	if p.IsZero() {
		return ""
	}
	var b strings.Builder
	b.WriteString(p.Nodes[0])
	for i, a := range p.Arrows {
		b.WriteByte(' ')
		b.WriteString(a.String())
		b.WriteByte(' ')
		b.WriteString(p.Nodes[i+1])
	}
	return b.String()
}

// toPath converts a node sequence of g into a Path, folding each implicit
// latent parent (a <- U -> b) into a bidirected mark (a <-> b).
func (g *agraph) toPath(seq []int) Path {
	var p Path
	for i := 0; i < len(seq); i++ {
		v := seq[i]
		if g.hidden[v] {
			continue // folded into the <-> between its neighbours
		}
		if len(p.Nodes) > 0 {
			prev := seq[i-1]
			switch {
			case g.hidden[prev]:
				p.Arrows = append(p.Arrows, BothWays)
			case slices.Contains(g.ch[prev], v):
				p.Arrows = append(p.Arrows, Forward)
			default:
				p.Arrows = append(p.Arrows, Backward)
			}
		}
		p.Nodes = append(p.Nodes, g.names[v])
	}
	return p
}

// Ball directions for the reachability ("Bayes-ball") algorithm.
const (
	up   = 0 // arrived from a child (travelling against the arrow)
	down = 1 // arrived from a parent (travelling along the arrow)
)

// dconnected returns the mask of nodes d-connected to some x in xs given z
// (Koller and Friedman's reachability algorithm): a node is reached unless
// every path to it is blocked, i.e. has a non-collider in z or a collider
// that is not an ancestor of z. Nodes in z are never reached.
func (g *agraph) dconnected(xs []int, z []bool) []bool {
	n := g.n()
	var zs []int
	for v, in := range z {
		if in {
			zs = append(zs, v)
		}
	}
	anZ := g.ancestors(zs)
	visited := make([][2]bool, n)
	reached := make([]bool, n)
	type state struct{ v, dir int }
	queue := make([]state, 0, 2*n)
	for _, x := range xs {
		queue = append(queue, state{x, up})
	}
	for len(queue) > 0 {
		s := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if visited[s.v][s.dir] {
			continue
		}
		visited[s.v][s.dir] = true
		if !z[s.v] {
			reached[s.v] = true
		}
		if s.dir == up && !z[s.v] {
			for _, p := range g.pa[s.v] {
				queue = append(queue, state{p, up})
			}
			for _, c := range g.ch[s.v] {
				queue = append(queue, state{c, down})
			}
		}
		if s.dir == down {
			if !z[s.v] {
				for _, c := range g.ch[s.v] {
					queue = append(queue, state{c, down})
				}
			}
			if anZ[s.v] {
				for _, p := range g.pa[s.v] {
					queue = append(queue, state{p, up})
				}
			}
		}
	}
	return reached
}

// separated reports whether z d-separates xs from ys.
func (g *agraph) separated(xs, ys []int, z []bool) bool {
	r := g.dconnected(xs, z)
	for _, y := range ys {
		if r[y] {
			return false
		}
	}
	return true
}

// maxPathSteps bounds the depth-first search of openPath, so that a
// pathological graph cannot stall a query; no graph in the tests comes
// near it.
const maxPathSteps = 1 << 20

// openPath returns one simple path from some x to some y that z leaves
// open (every non-collider outside z, every collider an ancestor of z), or
// nil when z d-separates them. Interior nodes avoid xs and ys. The search
// is depth-first over simple paths, pruned to states from which the
// reachability algorithm can still reach ys.
func (g *agraph) openPath(xs, ys []int, z []bool) []int {
	n := g.n()
	var zs []int
	for v, in := range z {
		if in {
			zs = append(zs, v)
		}
	}
	anZ := g.ancestors(zs)
	isX, isY := g.mask(xs), g.mask(ys)
	// dist[v][dir]: the fewest ball moves from state (v, dir) to some y
	// (-1: unreachable), by breadth-first search backwards from ys. The
	// depth-first search below only enters states that can still reach ys
	// and tries the nearest first, so it usually finds a shortest path
	// without backtracking.
	dist := make([][2]int, n)
	for v := range dist {
		dist[v] = [2]int{-1, -1}
	}
	type state struct{ v, dir int }
	var queue []state
	for _, y := range ys {
		dist[y] = [2]int{0, 0}
		queue = append(queue, state{y, up}, state{y, down})
	}
	mark := func(v, dir, d int) {
		if dist[v][dir] < 0 {
			dist[v][dir] = d
			queue = append(queue, state{v, dir})
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		w, d := s.v, dist[s.v][s.dir]+1
		if s.dir == up {
			// (v, up) -> (w, up) when w is a parent of v, v not in z;
			// (v, down) -> (w, up) when w is a parent of v, v an ancestor of z.
			for _, v := range g.ch[w] {
				if !z[v] {
					mark(v, up, d)
				}
				if anZ[v] {
					mark(v, down, d)
				}
			}
		} else {
			// (v, up or down) -> (w, down) when v is a parent of w, v not in z.
			for _, v := range g.pa[w] {
				if !z[v] {
					mark(v, up, d)
					mark(v, down, d)
				}
			}
		}
	}
	onPath := make([]bool, n)
	var path []int
	budget := maxPathSteps
	var dfs func(v, dir int) bool
	dfs = func(v, dir int) bool {
		if budget--; budget < 0 {
			return false
		}
		path = append(path, v)
		onPath[v] = true
		// Moves allowed from (v, dir); the start is (x, up).
		var moves []state
		if dir == up && !z[v] {
			for _, p := range g.pa[v] {
				moves = append(moves, state{p, up})
			}
			for _, c := range g.ch[v] {
				moves = append(moves, state{c, down})
			}
		}
		if dir == down {
			if !z[v] {
				for _, c := range g.ch[v] {
					moves = append(moves, state{c, down})
				}
			}
			if anZ[v] {
				for _, p := range g.pa[v] {
					moves = append(moves, state{p, up})
				}
			}
		}
		slices.SortStableFunc(moves, func(a, b state) int { return dist[a.v][a.dir] - dist[b.v][b.dir] })
		for _, mv := range moves {
			w := mv.v
			if onPath[w] || dist[w][mv.dir] < 0 || isX[w] {
				continue
			}
			if isY[w] {
				path = append(path, w)
				return true
			}
			if dfs(w, mv.dir) {
				return true
			}
		}
		path = path[:len(path)-1]
		onPath[v] = false
		return false
	}
	for _, x := range xs {
		if dfs(x, up) {
			return path
		}
	}
	return nil
}

// checkSets validates the node sets of a separation query.
func (g *agraph) checkSets(xs, ys, zs []string) (x, y, z []int, err error) {
	if len(xs) == 0 || len(ys) == 0 {
		return nil, nil, nil, fmt.Errorf("name at least one node on each side")
	}
	if x, err = g.resolve(xs); err != nil {
		return
	}
	if y, err = g.resolve(ys); err != nil {
		return
	}
	if z, err = g.resolve(zs); err != nil {
		return
	}
	in := func(v int, s []int) bool { return slices.Contains(s, v) }
	for _, v := range x {
		if in(v, y) {
			return nil, nil, nil, fmt.Errorf("node %s is on both sides", g.names[v])
		}
		if in(v, z) {
			return nil, nil, nil, fmt.Errorf("node %s is both tested and conditioned on", g.names[v])
		}
	}
	for _, v := range y {
		if in(v, z) {
			return nil, nil, nil, fmt.Errorf("node %s is both tested and conditioned on", g.names[v])
		}
	}
	return x, y, z, nil
}

// DSeparated reports whether zs d-separates xs from ys (X ⟂ Y | Z). When
// they are d-connected it also returns one open path (a shortest one in
// practice; the zero Path only if the search budget ran out). A bidirected edge
// counts as an implicit latent parent of its ends; a lagged model is
// reasoned on its unrolled graph (names such as fear@t-1 are accepted; see
// UnrollNote).
func (m *Model) DSeparated(xs, ys, zs []string) (bool, Path, error) {
	g, err := m.analysis()
	if err != nil {
		return false, Path{}, err
	}
	x, y, z, err := g.checkSets(xs, ys, zs)
	if err != nil {
		return false, Path{}, err
	}
	zm := g.mask(z)
	if g.separated(x, y, zm) {
		return true, Path{}, nil
	}
	// openPath gives up only on graphs far larger than models are; the
	// answer stands, without a path to show.
	return false, g.toPath(g.openPath(x, y, zm)), nil
}
