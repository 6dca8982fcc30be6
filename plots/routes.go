package plots

import (
	"fmt"
	"math"
)

// Edge routes, edge labels and sign markers of a DAG layout, all in ems.

// cubic is one cubic Bézier segment.
type cubic [4]point

func (c cubic) at(t float64) point {
	u := 1 - t
	a, b, cc, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
	return point{
		a*c[0].X + b*c[1].X + cc*c[2].X + d*c[3].X,
		a*c[0].Y + b*c[1].Y + cc*c[2].Y + d*c[3].Y,
	}
}

// segments returns the edge's route as cubic Béziers.
func (e *ledge) segments() []cubic {
	switch e.kind {
	case routeArc:
		return []cubic{{e.pts[0], e.pts[1], e.pts[2], e.pts[3]}}
	case routeStraight:
		a, b := e.pts[0], e.pts[1]
		return []cubic{{a, lerp(a, b, 1.0/3), lerp(a, b, 2.0/3), b}}
	}
	var out []cubic
	for k := 0; k+1 < len(e.pts); k++ {
		a, b := e.pts[k], e.pts[k+1]
		dx := (b.X - a.X) / 2
		out = append(out, cubic{a, {a.X + dx, a.Y}, {b.X - dx, b.Y}, b})
	}
	return out
}

func lerp(a, b point, t float64) point { return point{a.X + t*(b.X-a.X), a.Y + t*(b.Y-a.Y)} }

// samples approximates the route by a polyline.
func (e *ledge) samples() []point {
	var out []point
	for k, s := range e.segments() {
		for i := 0; i <= 20; i++ {
			if i == 0 && k > 0 {
				continue
			}
			out = append(out, s.at(float64(i)/20))
		}
	}
	return out
}

// alongRoute returns the point at arclength fraction f of the polyline pts
// and the unit tangent there.
func alongRoute(pts []point, f float64) (point, point) {
	total := 0.0
	for i := 1; i < len(pts); i++ {
		total += dist(pts[i-1], pts[i])
	}
	target := f * total
	for i := 1; i < len(pts); i++ {
		d := dist(pts[i-1], pts[i])
		if target <= d || i == len(pts)-1 {
			t := 0.0
			if d > 0 {
				t = math.Min(1, target/d)
			}
			tan := point{(pts[i].X - pts[i-1].X) / math.Max(d, 1e-12), (pts[i].Y - pts[i-1].Y) / math.Max(d, 1e-12)}
			return lerp(pts[i-1], pts[i], t), tan
		}
		target -= d
	}
	return pts[len(pts)-1], point{1, 0}
}

func dist(a, b point) float64 { return math.Hypot(b.X-a.X, b.Y-a.Y) }

// routeArcs routes lagged and bidirected edges as single cubic curves. Each
// candidate leaves one side of the source box and enters one side of the
// target box, bulging outwards by one of several amounts; the shortest
// candidate that crosses no other box wins, with a penalty for running along
// edges already routed.
func (l *dagLayout) routeArcs(g DAGInput, idx map[string]int) {
	for i, e := range g.Edges {
		if e.Lag == 0 && !e.Bidirected {
			continue
		}
		u, v := idx[e.From], idx[e.To]
		le := ledge{e: g.Edges[i], from: u, to: v, kind: routeArc}
		if u == v {
			a := l.nodes[u]
			top := a.Y - a.H/2 - l.nodes[u].border()
			le.pts = []point{{a.X - a.W/4, top}, {a.X - a.W/2 - 0.6, top - 2.2}, {a.X + a.W/2 + 0.6, top - 2.2}, {a.X + a.W/4, top}}
			l.edges = append(l.edges, le)
			continue
		}
		others := pointGrid{}
		for k := range l.edges {
			for _, p := range l.edges[k].samples() {
				others.add(p)
			}
		}
		best, bestCost := []point(nil), math.Inf(1)
		for _, sides := range arcSides {
			p0, n0 := l.nodes[u].port(sides[0])
			p3, n3 := l.nodes[v].port(sides[1])
			for _, b := range []float64{1.0, 1.8, 2.8, 4.0, 5.5, 7.5} {
				pts := []point{p0, {p0.X + n0.X*b, p0.Y + n0.Y*b}, {p3.X + n3.X*b, p3.Y + n3.Y*b}, p3}
				cost := l.arcCost(pts, u, v, others)
				if cost < bestCost-1e-9 {
					best, bestCost = pts, cost
				}
			}
		}
		le.pts = best
		l.edges = append(l.edges, le)
	}
}

// Box sides for arc ports.
const (
	sideTop = iota
	sideBottom
	sideLeft
	sideRight
)

// arcSides lists (source side, target side) pairs tried for arcs.
var arcSides = [][2]int{
	{sideTop, sideTop}, {sideBottom, sideBottom}, {sideRight, sideLeft}, {sideRight, sideTop},
	{sideRight, sideBottom}, {sideTop, sideLeft}, {sideBottom, sideLeft}, {sideLeft, sideRight},
	{sideLeft, sideLeft}, {sideRight, sideRight}, {sideTop, sideRight}, {sideBottom, sideRight},
}

// border is the extra margin of a node's outer border (outcomes have two).
func (n *lnode) border() float64 {
	if n.in.Outcome {
		return outcomeBorder
	}
	return 0
}

// port returns the middle of one side of the node's (outer) box and the
// outward normal there.
func (n *lnode) port(side int) (point, point) {
	d := n.border()
	switch side {
	case sideTop:
		return point{n.X, n.Y - n.H/2 - d}, point{0, -1}
	case sideBottom:
		return point{n.X, n.Y + n.H/2 + d}, point{0, 1}
	case sideLeft:
		return point{n.X - n.W/2 - d, n.Y}, point{-1, 0}
	}
	return point{n.X + n.W/2 + d, n.Y}, point{1, 0}
}

// arcCost is the curve's length plus heavy penalties for each sample inside
// a box (other than just at its ends) and lighter ones for running within
// 0.35 em of other edges.
func (l *dagLayout) arcCost(pts []point, u, v int, others pointGrid) float64 {
	c := cubic{pts[0], pts[1], pts[2], pts[3]}
	const n = 40
	cost := 0.0
	prev := c.at(0)
	for k := 1; k <= n; k++ {
		p := c.at(float64(k) / n)
		cost += dist(prev, p)
		prev = p
		if k == n {
			break
		}
		for i := range l.nodes {
			r := l.nodes[i].box().inflate(0.35 + l.nodes[i].border())
			if i == u || i == v {
				r = l.nodes[i].box().inflate(l.nodes[i].border() - 0.05)
			}
			if r.contains(p) {
				cost += 100
			}
		}
		if k > n/8 && k < n-n/8 && others.near(p, 0.35) {
			cost++
		}
	}
	return cost
}

// Estimate label modes, from most to least informative.
const (
	estFull   = iota // median and 90% interval
	estMedian        // median only
	estNone          // no estimate labels (colours and widths only)
)

// edgeLabelLines returns the label of an edge: its lag and, depending on
// mode, its estimate.
func edgeLabelLines(e DAGEdge, mode int) []string {
	var lines []string
	if e.Lag > 0 {
		lines = append(lines, fmt.Sprintf("t−%d", e.Lag))
	}
	if est := e.Estimate; est != nil && mode != estNone {
		lines = append(lines, formatEst(est.Q50))
		if mode == estFull {
			lines = append(lines, "["+formatEst(est.Q5)+", "+formatEst(est.Q95)+"]")
		}
	}
	return lines
}

// formatEst formats an estimate with two decimals (fewer for large values).
func formatEst(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return formatNum(v, 0)
	case a >= 10:
		return formatNum(v, 1)
	}
	return formatNum(v, 2)
}

// labelSize returns the width and height (ems) of a label.
func (l *dagLayout) labelSize(lines []string) (float64, float64) {
	w := 0.0
	for _, ln := range lines {
		w = math.Max(w, measure(ln, l.p.labelSize, false))
	}
	return w + 0.3, float64(len(lines))*1.15*l.p.labelSize + 0.15
}

// placeLabels puts each edge's label on its route where it covers no node and
// no other label, and its expected-sign marker near the arrowhead.
func (l *dagLayout) placeLabels() {
	var occupied []rect
	for i := range l.nodes {
		d := 0.08
		if l.nodes[i].in.Outcome {
			d += outcomeBorder
		}
		occupied = append(occupied, l.nodes[i].box().inflate(d))
	}
	overlap := func(r rect) float64 {
		s := 0.0
		for _, o := range occupied {
			if r.overlaps(o) {
				s += (math.Min(r.x1, o.x1) - math.Max(r.x0, o.x0)) * (math.Min(r.y1, o.y1) - math.Max(r.y0, o.y0))
			}
		}
		return s
	}
	// Other edges' lines, finely sampled: a label that a line crosses
	// reads as that line's, so labels keep off them where they can.
	lines := make([][]point, len(l.edges))
	for k := range l.edges {
		lines[k] = densify(l.edges[k].samples(), 0.2)
	}
	crossed := func(r rect, self int) float64 {
		n := 0.0
		for k, pts := range lines {
			if k == self {
				continue
			}
			for _, p := range pts {
				if r.contains(p) {
					n++
					break
				}
			}
		}
		return n * 0.5 * (r.x1 - r.x0) * (r.y1 - r.y0)
	}
	for k := range l.edges {
		e := &l.edges[k]
		e.label = edgeLabelLines(e.e, l.p.estLabels)
		if len(e.label) == 0 {
			continue
		}
		w, h := l.labelSize(e.label)
		pts := e.samples()
		fracs := []float64{0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8}
		best, bestOv := rect{}, math.Inf(1)
		for _, f := range fracs {
			c, _ := alongRoute(pts, f)
			r := rect{c.X - w/2, c.Y - h/2, c.X + w/2, c.Y + h/2}
			// covering a box (a node's name) is worse than crossing a line
			if ov := 1000*overlap(r) + crossed(r, k); ov < bestOv-1e-9 {
				best, bestOv = r, ov
				if ov == 0 {
					break
				}
			}
		}
		e.labelBox = best
		occupied = append(occupied, best.inflate(0.05))
	}
	for k := range l.edges {
		e := &l.edges[k]
		switch e.e.ExpectedSign {
		case 1:
			e.sign = "+"
		case -1:
			e.sign = "−"
		default:
			continue
		}
		r := l.signRadius()
		pts := e.samples()
		best, bestOv := point{}, math.Inf(1)
		// on the line, towards the arrowhead, where nothing else is
		for _, f := range []float64{0.72, 0.64, 0.8, 0.56, 0.86, 0.48, 0.4, 0.32} {
			c, _ := alongRoute(pts, f)
			box := rect{c.X - r, c.Y - r, c.X + r, c.Y + r}
			if ov := overlap(box); ov < bestOv-1e-9 {
				best, bestOv = c, ov
				if ov == 0 {
					break
				}
			}
		}
		e.signCentre = best
		occupied = append(occupied, rect{best.X - r, best.Y - r, best.X + r, best.Y + r}.inflate(0.05))
	}
}

// densify adds points along pts so that neighbours are at most step apart.
func densify(pts []point, step float64) []point {
	if len(pts) < 2 {
		return pts
	}
	out := []point{pts[0]}
	for i := 1; i < len(pts); i++ {
		n := int(math.Ceil(dist(pts[i-1], pts[i]) / step))
		for j := 1; j <= n; j++ {
			out = append(out, lerp(pts[i-1], pts[i], float64(j)/float64(n)))
		}
	}
	return out
}

// signRadius is the radius of an expected-sign marker in ems.
func (l *dagLayout) signRadius() float64 { return 0.42 * l.p.labelSize }

// normalise moves the drawing so that its top-left corner is (0, 0) and
// records its size.
func (l *dagLayout) normalise() {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	add := func(r rect) {
		x0, y0 = math.Min(x0, r.x0), math.Min(y0, r.y0)
		x1, y1 = math.Max(x1, r.x1), math.Max(y1, r.y1)
	}
	for i := range l.nodes {
		b := l.nodes[i].box()
		if l.nodes[i].in.Outcome {
			b = b.inflate(outcomeBorder)
		}
		add(b)
	}
	for k := range l.edges {
		e := &l.edges[k]
		for _, p := range e.samples() {
			add(rect{p.X, p.Y, p.X, p.Y})
		}
		if len(e.label) > 0 {
			add(e.labelBox)
		}
		if e.sign != "" {
			r := l.signRadius()
			add(rect{e.signCentre.X - r, e.signCentre.Y - r, e.signCentre.X + r, e.signCentre.Y + r})
		}
	}
	// room for arrowheads and line widths at the border
	x0, y0, x1, y1 = x0-0.15, y0-0.15, x1+0.15, y1+0.15
	for i := range l.nodes {
		l.nodes[i].X -= x0
		l.nodes[i].Y -= y0
	}
	shift := func(p *point) { p.X -= x0; p.Y -= y0 }
	for k := range l.edges {
		e := &l.edges[k]
		for i := range e.pts {
			shift(&e.pts[i])
		}
		e.labelBox = rect{e.labelBox.x0 - x0, e.labelBox.y0 - y0, e.labelBox.x1 - x0, e.labelBox.y1 - y0}
		shift(&e.signCentre)
	}
	l.width, l.height = x1-x0, y1-y0
}

// pointGrid is a spatial hash of points in cells of gridCell ems.
type pointGrid map[[2]int][]point

const gridCell = 0.5

func cellOf(p point) [2]int {
	return [2]int{int(math.Floor(p.X / gridCell)), int(math.Floor(p.Y / gridCell))}
}

func (g pointGrid) add(p point) { c := cellOf(p); g[c] = append(g[c], p) }

// near reports whether a point of the grid lies within d (≤ gridCell) of p.
func (g pointGrid) near(p point, d float64) bool {
	c := cellOf(p)
	for dx := -1; dx <= 1; dx++ {
		for dy := -1; dy <= 1; dy++ {
			for _, q := range g[[2]int{c[0] + dx, c[1] + dy}] {
				if dist(p, q) < d {
					return true
				}
			}
		}
	}
	return false
}
