package model

import (
	"fmt"
	"slices"
)

// MaxPaths bounds how many paths DirectedPaths and BackdoorPaths list; the
// truncated result says when there were more.
const MaxPaths = 10000

// MaxPathNodes bounds the nodes of all listed paths together, and
// MaxPathSteps the steps of the search for them: in a large graph with
// long paths either is reached long before MaxPaths, and the list is then
// truncated too (it would not be read, and the search, exponential in the
// worst case, would not end).
const (
	MaxPathNodes = 200_000
	MaxPathSteps = 20_000_000
)

// DirectedPaths returns every directed path from x to y (x -> … -> y), in
// depth-first order, and whether the list was cut at MaxPaths.
func (m *Model) DirectedPaths(x, y string) (paths []Path, truncated bool, err error) {
	g, err := m.analysis()
	if err != nil {
		return nil, false, err
	}
	xv, yv, err := g.pair(x, y)
	if err != nil {
		return nil, false, err
	}
	// Only ancestors of y lead to y: the search never enters a branch
	// without a path at its end, so its work is bounded by the paths it
	// lists.
	toY := g.ancestors([]int{yv})
	onPath := make([]bool, g.n())
	var seq []int
	nodes := 0
	var dfs func(v int) bool
	dfs = func(v int) bool {
		seq = append(seq, v)
		onPath[v] = true
		defer func() { seq = seq[:len(seq)-1]; onPath[v] = false }()
		if v == yv {
			if len(paths) == MaxPaths || nodes+len(seq) > MaxPathNodes {
				truncated = true
				return false
			}
			nodes += len(seq)
			paths = append(paths, g.toPath(seq))
			return true
		}
		for _, c := range g.ch[v] {
			if toY[c] && !onPath[c] && !dfs(c) {
				return false
			}
		}
		return true
	}
	dfs(xv)
	return paths, truncated, nil
}

func (g *agraph) pair(x, y string) (int, int, error) {
	xv, err := g.resolve1(x)
	if err != nil {
		return 0, 0, err
	}
	yv, err := g.resolve1(y)
	if err != nil {
		return 0, 0, err
	}
	if xv == yv {
		return 0, 0, fmt.Errorf("exposure and outcome are the same node, %s", x)
	}
	return xv, yv, nil
}

// BackdoorPath is a path from x to y that starts with an arrow into x,
// with whether it is open given the conditioning set, and if not, what
// blocks it.
type BackdoorPath struct {
	Path
	Open      bool
	BlockedBy string // e.g. "conditioned on z" or "collider m (not conditioned on)"
}

// BackdoorPaths lists every back-door path from x to y (a path whose first
// edge points into x, a bidirected edge included) and says which are open
// given the nodes in given. Open paths are the ones an adjustment set must
// block.
func (m *Model) BackdoorPaths(x, y string, given []string) (paths []BackdoorPath, truncated bool, err error) {
	g, err := m.analysis()
	if err != nil {
		return nil, false, err
	}
	xv, yv, err := g.pair(x, y)
	if err != nil {
		return nil, false, err
	}
	z, err := g.resolve(given)
	if err != nil {
		return nil, false, err
	}
	if slices.Contains(z, xv) || slices.Contains(z, yv) {
		return nil, false, fmt.Errorf("the conditioning set may not contain %s or %s", x, y)
	}
	zm := g.mask(z)
	anZ := g.ancestors(z)
	nodes := 0
	complete := g.simplePaths(xv, yv, func(seq []int) bool {
		if !slices.Contains(g.pa[xv], seq[1]) {
			return true // not a back-door path
		}
		if len(paths) == MaxPaths || nodes+len(seq) > MaxPathNodes {
			truncated = true
			return false
		}
		nodes += len(seq)
		bp := BackdoorPath{Path: g.toPath(seq), Open: true}
		if v, collider := g.blocker(seq, zm, anZ); v >= 0 {
			bp.Open = false
			if collider {
				bp.BlockedBy = fmt.Sprintf("collider %s (neither it nor a descendant is conditioned on)", g.display(v))
			} else {
				bp.BlockedBy = "conditioned on " + g.display(v)
			}
		}
		paths = append(paths, bp)
		return true
	})
	return paths, truncated || !complete, nil
}

// simplePaths calls visit with every simple path from x to y in the
// skeleton (interior nodes never x or y) until visit returns false or the
// search has taken MaxPathSteps steps. It reports whether the search ran
// to its end (or visit stopped it) rather than out of steps.
func (g *agraph) simplePaths(x, y int, visit func(seq []int) bool) bool {
	onPath := make([]bool, g.n())
	seq := []int{x}
	onPath[x] = true
	steps := 0
	var dfs func(v int) bool
	dfs = func(v int) bool {
		step := func(w int) bool {
			if onPath[w] {
				return true
			}
			if steps++; steps > MaxPathSteps {
				return false
			}
			seq = append(seq, w)
			defer func() { seq = seq[:len(seq)-1] }()
			if w == y {
				return visit(seq)
			}
			onPath[w] = true
			ok := dfs(w)
			onPath[w] = false
			return ok
		}
		for _, w := range g.pa[v] {
			if !step(w) {
				return false
			}
		}
		for _, w := range g.ch[v] {
			if !step(w) {
				return false
			}
		}
		return true
	}
	dfs(x)
	return steps <= MaxPathSteps
}

// blocker returns the first interior node of seq that blocks it given z
// (anZ: z and its ancestors), and whether it blocks as a collider; -1 if
// the path is open.
func (g *agraph) blocker(seq []int, z, anZ []bool) (int, bool) {
	for i := 1; i+1 < len(seq); i++ {
		v := seq[i]
		into := func(u int) bool { return slices.Contains(g.pa[v], u) }
		collider := into(seq[i-1]) && into(seq[i+1])
		if collider && !anZ[v] {
			return v, true
		}
		if !collider && z[v] {
			return v, false
		}
	}
	return -1, false
}
