package plots

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot/vg"
)

// DAGInput is a causal diagram to draw: nodes and edges, independent of the
// model package (the caller converts its graph into this form).
type DAGInput struct {
	Nodes []DAGNode
	Edges []DAGEdge
}

// DAGNode is a node of the diagram.
type DAGNode struct {
	// Name identifies the node; Label, when not empty, is shown instead.
	Name, Label string
	// Latent nodes (unobserved) are drawn with a dashed border.
	Latent bool
	// Remedy nodes (policy levers) are filled and marked in the legend.
	Remedy bool
	// Outcome nodes have a double border and are placed in the last column.
	Outcome bool
	// Pos, when set on every node, fixes the layout: (x, y) in any unit with
	// y increasing downwards, as in dagitty's pos="x,y". If only some nodes
	// have a position, all positions are ignored and the automatic layout is
	// used. Positions are scaled, pushed apart where boxes would still
	// overlap (nodes at one place are stacked), and stretched where an edge
	// is too short for its marks, but their order along each axis is kept.
	Pos *[2]float64
}

// DAGEdge is a directed (From → To) or bidirected (From ↔ To) edge.
type DAGEdge struct {
	From, To string
	// Lag is the edge's lag in periods: From[t−Lag] → To[t]. Lagged edges are
	// drawn dashed and curved with a "t−Lag" label.
	Lag int
	// ExpectedSign is the sign the theory claims (+1, −1, or 0 for none); it
	// is marked near the arrowhead.
	ExpectedSign int
	// Bidirected edges (latent confounding) are drawn dotted with two heads.
	Bidirected bool
	// Estimate, when set, colours the edge by the sign of its posterior
	// median (grey when the 90% interval covers zero) and labels it with the
	// median and 90% interval.
	Estimate *EdgeInterval
}

// NodePos is a node's place in the layout. Lengths are in ems of the node
// label font (multiply by the font size in points to get points); X and Y are
// the centre of the node's box, with Y increasing downwards and the drawing's
// top-left corner at (0, 0).
type NodePos struct {
	Name string
	// Layer is the node's column: the longest path from a root over
	// contemporaneous (lag-0) directed edges; outcome sinks share the last column.
	Layer int
	// Order is the node's position within its column, from the top.
	Order int
	X, Y  float64
	W, H  float64
}

// Layout returns the automatic (or Pos-given) layout of g that DAG draws at
// its natural size, in input node order. It is deterministic: the same graph
// gives the same positions on every machine.
func Layout(g DAGInput) ([]NodePos, error) {
	l, err := layoutDAG(g, defaultLayoutParams())
	if err != nil {
		return nil, err
	}
	out := make([]NodePos, len(l.nodes))
	for i, n := range l.nodes {
		out[i] = n.NodePos
	}
	return out, nil
}

// layoutParams tunes a layout; lengths in ems.
type layoutParams struct {
	wrap      bool    // break long labels in two lines at '_' or spaces
	layerGap  float64 // between the boxes of neighbouring columns
	nodeGap   float64 // between boxes in a column
	padX      float64 // text to box border
	padY      float64
	labelSize float64 // edge-label font size relative to the node font
	estLabels int     // estFull, estMedian or estNone
}

func defaultLayoutParams() layoutParams {
	return layoutParams{layerGap: 2.2, nodeGap: 0.9, padX: 0.55, padY: 0.4, labelSize: 0.85}
}

type point struct{ X, Y float64 }

// portSpacing is the distance (ems) between the ends of edges sharing a box side.
const portSpacing = 0.42

type rect struct{ x0, y0, x1, y1 float64 }

func (r rect) inflate(d float64) rect { return rect{r.x0 - d, r.y0 - d, r.x1 + d, r.y1 + d} }
func (r rect) contains(p point) bool {
	return p.X >= r.x0 && p.X <= r.x1 && p.Y >= r.y0 && p.Y <= r.y1
}
func (r rect) overlaps(s rect) bool {
	return r.x0 < s.x1 && s.x0 < r.x1 && r.y0 < s.y1 && s.y0 < r.y1
}

// lnode is a laid-out node.
type lnode struct {
	NodePos
	lines []string
	in    DAGNode
}

func (n *lnode) box() rect {
	return rect{n.X - n.W/2, n.Y - n.H/2, n.X + n.W/2, n.Y + n.H/2}
}

type routeKind int

const (
	routeLayered  routeKind = iota // lag-0 edge through the columns
	routeArc                       // lagged or bidirected edge, a curve bulging outwards
	routeStraight                  // fixed-position layouts
)

// ledge is a laid-out edge.
type ledge struct {
	e        DAGEdge
	from, to int
	kind     routeKind
	// pts: for routeLayered, the port on the source, the dummy points and the
	// port on the target (Béziers with horizontal tangents join them); for
	// routeArc, the four control points of one cubic Bézier; for
	// routeStraight, the two end points.
	pts []point
	// label (estimate or lag), its box and lines
	label      []string
	labelBox   rect
	sign       string
	signCentre point
}

type dagLayout struct {
	nodes         []lnode
	edges         []ledge
	width, height float64
	layers        int
	p             layoutParams
}

// measure gives text widths in ems at relative size s.
func measure(s string, size float64, bold bool) float64 {
	const ref = 10
	sty := theme{}.style(vg.Points(ref*size), bold)
	return float64(sty.Width(s)) / ref
}

// wrapAbove is the width (ems) beyond which a label is worth wrapping.
const wrapAbove = 6.5

// wrapWide is the width (ems) beyond which a two-line label is worth a
// third or fourth line.
const wrapWide = 2 * wrapAbove

// nodeLines splits a long label in balanced lines when wrapping: two, or
// up to four when two lines would still be wider than wrapWide. Lines break
// after '_' or '-' or at a space (which is dropped); nothing is cut.
func nodeLines(label string, wrap bool) []string {
	lines := nodeLines2(label, wrap)
	if len(lines) != 2 || math.Max(measure(lines[0], 1, false), measure(lines[1], 1, false)) <= wrapWide {
		return lines
	}
	var breaks []int // line i ends before breaks[i]; a space at the break is dropped
	for i, r := range label {
		if r == '_' || r == '-' {
			breaks = append(breaks, i+1)
		} else if r == ' ' {
			breaks = append(breaks, i)
		}
	}
	piece := func(a, b int) string { return strings.TrimSpace(label[a:b]) }
	if len(breaks) > 40 {
		return lines
	}
	// the best three and four lines: every choice of two or three breaks
	best := map[int][]string{2: lines}
	bestW := map[int]float64{2: math.Max(measure(lines[0], 1, false), measure(lines[1], 1, false)), 3: math.Inf(1), 4: math.Inf(1)}
	for i := 0; i < len(breaks); i++ {
		for j := i + 1; j < len(breaks); j++ {
			for k := j + 1; k <= len(breaks); k++ {
				cut := []int{0, breaks[i], breaks[j]}
				if k < len(breaks) {
					cut = append(cut, breaks[k])
				}
				cut = append(cut, len(label))
				var ls []string
				w := 0.0
				for c := 0; c+1 < len(cut); c++ {
					p := piece(cut[c], cut[c+1])
					if p == "" {
						w = math.Inf(1)
						break
					}
					ls = append(ls, p)
					w = math.Max(w, measure(p, 1, false))
				}
				if n := len(ls); w < bestW[n] {
					best[n], bestW[n] = ls, w
				}
			}
		}
	}
	// the fewest lines that fit wrapWide, else the narrowest by a margin
	pick := 2
	for _, n := range []int{3, 4} {
		if bestW[pick] > wrapWide && bestW[n] < bestW[pick]-0.3 {
			pick = n
		}
	}
	return best[pick]
}

// nodeLines2 splits a long label in two balanced lines when wrapping.
func nodeLines2(label string, wrap bool) []string {
	if strings.Contains(label, "\n") {
		return strings.Split(label, "\n")
	}
	if !wrap {
		return []string{label}
	}
	best, bestW := []string{label}, measure(label, 1, false)
	if bestW <= wrapAbove {
		return best
	}
	for i, r := range label {
		if r != '_' && r != ' ' && r != '-' {
			continue
		}
		a, b := label[:i+1], label[i+1:]
		if r == ' ' {
			a = label[:i]
		}
		if strings.TrimSpace(a) == "" || strings.TrimSpace(b) == "" {
			continue
		}
		if w := math.Max(measure(a, 1, false), measure(b, 1, false)); w < bestW-0.3 {
			best, bestW = []string{a, b}, w
		}
	}
	return best
}

// validateDAG checks names, references and values.
func validateDAG(g DAGInput) (map[string]int, error) {
	if len(g.Nodes) == 0 {
		return nil, fmt.Errorf("plots: dag: no nodes to draw")
	}
	idx := map[string]int{}
	for i, n := range g.Nodes {
		if strings.TrimSpace(n.Name) == "" {
			return nil, fmt.Errorf("plots: dag: node %d has no name", i+1)
		}
		if _, dup := idx[n.Name]; dup {
			return nil, fmt.Errorf("plots: dag: node %q is listed twice", n.Name)
		}
		idx[n.Name] = i
		if n.Pos != nil && (!finite(n.Pos[0]) || !finite(n.Pos[1])) {
			return nil, fmt.Errorf("plots: dag: node %q: position (%v, %v) is not finite", n.Name, n.Pos[0], n.Pos[1])
		}
	}
	for i, e := range g.Edges {
		where := fmt.Sprintf("plots: dag: edge %d (%s %s %s)", i+1, e.From, map[bool]string{false: "->", true: "<->"}[e.Bidirected], e.To)
		for _, end := range []string{e.From, e.To} {
			if _, ok := idx[end]; !ok {
				return nil, fmt.Errorf("%s: unknown node %q", where, end)
			}
		}
		if e.Lag < 0 {
			return nil, fmt.Errorf("%s: lag %d is negative", where, e.Lag)
		}
		if e.Bidirected && e.Lag != 0 {
			return nil, fmt.Errorf("%s: a bidirected edge cannot be lagged", where)
		}
		if e.From == e.To && e.Lag == 0 {
			return nil, fmt.Errorf("%s: a contemporaneous edge from a node to itself is a cycle", where)
		}
		if e.ExpectedSign < -1 || e.ExpectedSign > 1 {
			return nil, fmt.Errorf("%s: expected sign %d is not -1, 0 or +1", where, e.ExpectedSign)
		}
		if e.Estimate != nil {
			est := *e.Estimate
			if est.Parent == "" && est.Child == "" {
				est.Parent, est.Child = e.From, e.To
			}
			if err := validateEdgeInterval("dag", i, est); err != nil {
				return nil, err
			}
		}
	}
	return idx, nil
}

// layers assigns each node its column: the longest path from a root over
// lag-0 directed edges; outcome nodes without lag-0 children go last.
func assignLayers(g DAGInput, idx map[string]int) ([]int, error) {
	n := len(g.Nodes)
	succ := make([][]int, n)
	indeg := make([]int, n)
	for _, e := range g.Edges {
		if e.Lag != 0 || e.Bidirected {
			continue
		}
		u, v := idx[e.From], idx[e.To]
		succ[u] = append(succ[u], v)
		indeg[v]++
	}
	layer := make([]int, n)
	done := make([]bool, n)
	for count := 0; count < n; count++ {
		next := -1
		for v := 0; v < n; v++ { // smallest input index first: deterministic
			if !done[v] && indeg[v] == 0 {
				next = v
				break
			}
		}
		if next < 0 {
			return nil, fmt.Errorf("plots: dag: contemporaneous edges form a cycle: %s", findCycle(g, idx, done))
		}
		done[next] = true
		for _, w := range succ[next] {
			indeg[w]--
			layer[w] = max(layer[w], layer[next]+1)
		}
	}
	maxL := 0
	for _, l := range layer {
		maxL = max(maxL, l)
	}
	for v, nd := range g.Nodes {
		if nd.Outcome && len(succ[v]) == 0 {
			layer[v] = maxL
		}
	}
	return layer, nil
}

// findCycle returns one cycle among the nodes not yet done, as "a -> b -> a".
func findCycle(g DAGInput, idx map[string]int, done []bool) string {
	n := len(g.Nodes)
	succ := make([][]int, n)
	for _, e := range g.Edges {
		if e.Lag == 0 && !e.Bidirected {
			u, v := idx[e.From], idx[e.To]
			if !done[u] && !done[v] {
				succ[u] = append(succ[u], v)
			}
		}
	}
	state := make([]int, n) // 0 new, 1 on stack, 2 finished
	var stack []int
	var cycle []int
	var visit func(v int) bool
	visit = func(v int) bool {
		state[v] = 1
		stack = append(stack, v)
		for _, w := range succ[v] {
			if state[w] == 1 {
				for i := len(stack) - 1; i >= 0; i-- {
					if stack[i] == w {
						cycle = append(append([]int(nil), stack[i:]...), w)
						return true
					}
				}
			}
			if state[w] == 0 && visit(w) {
				return true
			}
		}
		stack = stack[:len(stack)-1]
		state[v] = 2
		return false
	}
	for v := 0; v < n; v++ {
		if !done[v] && state[v] == 0 && visit(v) {
			break
		}
	}
	names := make([]string, len(cycle))
	for i, v := range cycle {
		names[i] = g.Nodes[v].Name
	}
	return strings.Join(names, " -> ")
}

// vertex is a node or a dummy point of a long edge in the layered graph.
type vertex struct {
	layer    int
	real     int // node index, or -1 for a dummy
	h        float64
	pred     []int
	succ     []int
	fallback []int // lagged/bidirected neighbours, for nodes without layered edges
}

// layoutDAG computes the full layout in ems.
func layoutDAG(g DAGInput, p layoutParams) (*dagLayout, error) {
	idx, err := validateDAG(g)
	if err != nil {
		return nil, err
	}
	layer, err := assignLayers(g, idx)
	if err != nil {
		return nil, err
	}
	n := len(g.Nodes)
	l := &dagLayout{p: p, nodes: make([]lnode, n)}
	// boxes are tall enough to space the arrowheads of their lag-0 edges
	ins, outs := make([]int, n), make([]int, n)
	for _, e := range g.Edges {
		if e.Lag == 0 && !e.Bidirected {
			outs[idx[e.From]]++
			ins[idx[e.To]]++
		}
	}
	for i, nd := range g.Nodes {
		label := nd.Label
		if label == "" {
			label = nd.Name
		}
		lines := nodeLines(label, p.wrap)
		w := 0.0
		for _, ln := range lines {
			w = math.Max(w, measure(ln, 1, nd.Outcome))
		}
		l.nodes[i] = lnode{
			NodePos: NodePos{Name: nd.Name, Layer: layer[i],
				W: math.Max(w+2*p.padX, 2.5),
				H: math.Max(1.2*float64(len(lines))+2*p.padY-0.2, portSpacing*float64(max(ins[i], outs[i])-1)+0.7)},
			lines: lines, in: nd,
		}
		l.layers = max(l.layers, layer[i]+1)
	}
	fixed := n > 0
	for _, nd := range g.Nodes {
		fixed = fixed && nd.Pos != nil
	}
	if fixed {
		l.placeFixed(g)
	} else {
		l.placeLayered(g, idx)
	}
	l.routeArcs(g, idx)
	l.placeLabels()
	if !fixed && l.labelsCoverBoxes() && p.layerGap < 4*maxLayerGap {
		// estimate labels crowd the columns: give them more room
		p.layerGap = p.layerGap*1.4 + 1
		return layoutDAG(g, p)
	}
	l.normalise()
	return l, nil
}

// labelsCoverBoxes reports whether an edge label covers a node's box.
func (l *dagLayout) labelsCoverBoxes() bool {
	for _, e := range l.edges {
		if len(e.label) == 0 {
			continue
		}
		for i := range l.nodes {
			if e.labelBox.overlaps(l.nodes[i].box()) {
				return true
			}
		}
	}
	return false
}

// placeFixed scales the given positions so that boxes keep apart, pushes
// apart any that still overlap (separate), then stretches them where an
// edge needs room for its marks (stretchForMarks).
//
// The scale is the smallest that separates every pair of boxes along at
// least one axis, but no more than the scale at which the drawing would be,
// along either axis, four times as long as all boxes laid end to end (with
// their gaps): two nodes
// given (nearly) the same position would otherwise blow the drawing up
// without bound. Nodes given exactly the same position do not count
// (dagitty writes pos="0,0" for nodes never moved). Pairs the scale leaves
// overlapping are separated by separate.
func (l *dagLayout) placeFixed(g DAGInput) {
	s := 0.0
	gap := l.p.nodeGap
	var lo, hi [2]float64 = [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	var total [2]float64 // all boxes end to end, with their gaps
	for i := range l.nodes {
		for k := 0; k < 2; k++ {
			lo[k] = math.Min(lo[k], g.Nodes[i].Pos[k])
			hi[k] = math.Max(hi[k], g.Nodes[i].Pos[k])
		}
		total[0] += l.nodes[i].W + 2*gap
		total[1] += l.nodes[i].H + gap
		for j := i + 1; j < len(l.nodes); j++ {
			a, b := &l.nodes[i], &l.nodes[j]
			dx := math.Abs(g.Nodes[i].Pos[0] - g.Nodes[j].Pos[0])
			dy := math.Abs(g.Nodes[i].Pos[1] - g.Nodes[j].Pos[1])
			if dx == 0 && dy == 0 {
				continue // one place: separate stacks them
			}
			needX := ((a.W+b.W)/2 + gap*2) / math.Max(dx, 1e-300)
			needY := ((a.H+b.H)/2 + gap) / math.Max(dy, 1e-300)
			s = math.Max(s, math.Min(needX, needY))
		}
	}
	limit := math.Inf(1)
	for k := 0; k < 2; k++ {
		if span := hi[k] - lo[k]; span > 0 {
			limit = math.Min(limit, 4*total[k]/span)
		}
	}
	if math.IsInf(limit, 1) { // every node at one point
		limit = 1
	}
	if !(s > 0) || s > limit {
		s = limit
	}
	for i := range l.nodes {
		l.nodes[i].X = g.Nodes[i].Pos[0] * s
		l.nodes[i].Y = g.Nodes[i].Pos[1] * s
	}
	l.separate()
	l.stretchForMarks(g)
	// order within layers by y, for NodePos.Order
	byLayer := map[int][]int{}
	for i, nd := range l.nodes {
		byLayer[nd.Layer] = append(byLayer[nd.Layer], i)
	}
	for _, vs := range byLayer {
		sort.SliceStable(vs, func(a, b int) bool { return l.nodes[vs[a]].Y < l.nodes[vs[b]].Y })
		for k, v := range vs {
			l.nodes[v].Order = k
		}
	}
	for i, e := range g.Edges {
		if e.Lag != 0 || e.Bidirected {
			continue
		}
		u, v := indexOf(g, e.From), indexOf(g, e.To)
		a, b := l.nodes[u], l.nodes[v]
		from := boxExit(a.box(), point{a.X, a.Y}, point{b.X, b.Y})
		to := boxExit(b.box(), point{b.X, b.Y}, point{a.X, a.Y})
		l.edges = append(l.edges, ledge{e: g.Edges[i], from: u, to: v, kind: routeStraight, pts: []point{from, to}})
	}
}

func indexOf(g DAGInput, name string) int {
	for i, n := range g.Nodes {
		if n.Name == name {
			return i
		}
	}
	return -1
}

// boxExit is where the ray from centre c towards q leaves box r.
func boxExit(r rect, c, q point) point {
	dx, dy := q.X-c.X, q.Y-c.Y
	if dx == 0 && dy == 0 {
		return c
	}
	t := math.Inf(1)
	if dx != 0 {
		t = math.Min(t, math.Abs((r.x1-r.x0)/2/dx))
	}
	if dy != 0 {
		t = math.Min(t, math.Abs((r.y1-r.y0)/2/dy))
	}
	return point{c.X + t*dx, c.Y + t*dy}
}

// separate removes the overlaps of a fixed-position layout. For each
// overlapping pair it shifts the second box of the pair (by y, then x, then
// input order), with every box beyond it along the axis of the shift, by
// the shortfall along that axis; the axis is the one needing the smaller
// shift (y when the two centres coincide). A shift of everything beyond a
// line keeps the order of the positions along both axes, brings no two
// boxes closer, and so never makes a new overlap: each step removes one,
// and the loop ends.
func (l *dagLayout) separate() {
	gap := l.p.nodeGap
	n := len(l.nodes)
	for step := 0; step < n*n+1; step++ {
		moved := false
		for i := 0; i < n && !moved; i++ {
			for j := i + 1; j < n && !moved; j++ {
				a, b := &l.nodes[i], &l.nodes[j]
				needX := (a.W+b.W)/2 + 2*gap - math.Abs(a.X-b.X)
				needY := (a.H+b.H)/2 + gap - math.Abs(a.Y-b.Y)
				if needX <= 1e-9 || needY <= 1e-9 {
					continue
				}
				first, second := i, j
				coincide := a.X == b.X && a.Y == b.Y
				if needY <= needX || coincide {
					if b.Y < a.Y || b.Y == a.Y && (b.X < a.X || b.X == a.X && j < i) {
						first, second = j, i
					}
					y0 := l.nodes[first].Y
					for k := range l.nodes {
						if k == second || l.nodes[k].Y > y0 {
							l.nodes[k].Y += needY
						}
					}
				} else {
					if b.X < a.X || b.X == a.X && j < i {
						first, second = j, i
					}
					x0 := l.nodes[first].X
					for k := range l.nodes {
						if k == second || l.nodes[k].X > x0 {
							l.nodes[k].X += needX
						}
					}
				}
				moved = true
			}
		}
		if !moved {
			return
		}
	}
}
