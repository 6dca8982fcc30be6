package plots

import "math"

// stretchForMarks gives every contemporaneous edge of a fixed-position
// layout room between its boxes for what is drawn on it: the estimate label
// about its middle, the expected-sign marker towards the head, and the head.
// Where an edge is too short, the layout is stretched along the edge's main
// axis: every node at or beyond the farther end (in that axis) moves by the
// shortfall. Such shifts never bring two nodes closer, keep the order of the
// given positions, and stretch only the stretches that need it, so the
// drawing grows no more than the marks require (a uniform scale would shrink
// the whole figure's text to make room on one short edge).
func (l *dagLayout) stretchForMarks(g DAGInput) {
	r := l.signRadius()
	type need struct {
		u, v int
		free float64 // length wanted between the two boxes' borders
	}
	var needs []need
	for _, e := range g.Edges {
		if e.Lag != 0 || e.Bidirected {
			continue
		}
		lines := edgeLabelLines(e, l.p.estLabels)
		if len(lines) == 0 && e.ExpectedSign == 0 {
			continue
		}
		u, v := indexOf(g, e.From), indexOf(g, e.To)
		if u < 0 || v < 0 || u == v {
			continue
		}
		free := 0.0
		if e.ExpectedSign != 0 {
			free = (r + 0.8) / 0.28 // the marker at about 0.72, the head after it
		}
		if len(lines) > 0 {
			// the label about the middle, the marker beyond it, then the head
			w, h := l.labelSize(lines)
			dx := math.Abs(l.nodes[v].X - l.nodes[u].X)
			dy := math.Abs(l.nodes[v].Y - l.nodes[u].Y)
			d := math.Max(math.Hypot(dx, dy), 1e-9)
			extent := dx/d*w + dy/d*h
			free = math.Max(free, math.Max((extent/2+r+0.3)/0.3, (r+0.8)/0.2))
		}
		needs = append(needs, need{u, v, free})
	}
	border := func(n *lnode) float64 {
		if n.in.Outcome {
			return outcomeBorder + 0.1
		}
		return 0.1
	}
	// Shifting changes directions, so settle in a few passes.
	for pass := 0; pass < 4; pass++ {
		moved := false
		for _, nd := range needs {
			a, b := &l.nodes[nd.u], &l.nodes[nd.v]
			dx, dy := b.X-a.X, b.Y-a.Y
			d := math.Hypot(dx, dy)
			if d < 1e-9 {
				continue
			}
			ux, uy := math.Abs(dx)/d, math.Abs(dy)/d
			exit := func(n *lnode) float64 {
				t := math.Inf(1)
				if ux > 1e-9 {
					t = math.Min(t, n.W/2/ux)
				}
				if uy > 1e-9 {
					t = math.Min(t, n.H/2/uy)
				}
				return t
			}
			target := exit(a) + exit(b) + border(a) + border(b) + nd.free
			if d >= target-1e-6 {
				continue
			}
			moved = true
			if ux >= uy {
				delta := math.Sqrt(target*target-dy*dy) - math.Abs(dx)
				edge := math.Max(a.X, b.X)
				for i := range l.nodes {
					if l.nodes[i].X >= edge-1e-9 {
						l.nodes[i].X += delta
					}
				}
			} else {
				delta := math.Sqrt(target*target-dx*dx) - math.Abs(dy)
				edge := math.Max(a.Y, b.Y)
				for i := range l.nodes {
					if l.nodes[i].Y >= edge-1e-9 {
						l.nodes[i].Y += delta
					}
				}
			}
		}
		if !moved {
			break
		}
	}
}
