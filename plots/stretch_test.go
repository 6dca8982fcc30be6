package plots

import (
	"math"
	"testing"
)

// TestStretchForMarks: with given positions, a short edge carrying an
// expected sign (and an estimate) gets room between its boxes for the
// marker and the label; nodes keep their order along both axes, and no two
// nodes come closer than the box-only scaling put them.
func TestStretchForMarks(t *testing.T) {
	at := func(x, y float64) *[2]float64 { return &[2]float64{x, y} }
	g := DAGInput{
		Nodes: []DAGNode{
			{Name: "a_rather_long_name", Pos: at(0, 0)},
			{Name: "b", Pos: at(1, 0)},
			{Name: "outcome_node", Outcome: true, Pos: at(2, 0)},
			{Name: "c", Pos: at(1, 1)},
		},
		Edges: []DAGEdge{
			{From: "a_rather_long_name", To: "b", ExpectedSign: 1},
			{From: "b", To: "outcome_node", ExpectedSign: -1,
				Estimate: &EdgeInterval{Parent: "b", Child: "outcome_node", Q5: -0.9, Q25: -0.7, Q50: -0.55, Q75: -0.4, Q95: -0.2, PSign: 0.99}},
			{From: "c", To: "b"},
		},
	}
	plain := g
	plain.Edges = []DAGEdge{{From: "a_rather_long_name", To: "b"}, {From: "b", To: "outcome_node"}, {From: "c", To: "b"}}
	for _, mode := range []int{estNone, estMedian, estFull} {
		p := defaultLayoutParams()
		p.estLabels = mode
		l, err := layoutDAG(g, p)
		if err != nil {
			t.Fatal(err)
		}
		base, err := layoutDAG(plain, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range l.edges {
			if e.e.Lag != 0 || e.e.ExpectedSign == 0 {
				continue
			}
			a, b := l.nodes[e.from], l.nodes[e.to]
			free := (b.X - b.W/2) - (a.X + a.W/2) // horizontal edges
			want := (l.signRadius() + 0.8) / 0.28
			if lines := edgeLabelLines(e.e, mode); len(lines) > 0 {
				w, _ := l.labelSize(lines)
				want = math.Max(want, (w/2+l.signRadius()+0.3)/0.3)
			}
			if free < want-1e-6 {
				t.Errorf("mode %d: edge %s -> %s has %.2f em between its boxes, needs %.2f", mode, e.e.From, e.e.To, free, want)
			}
		}
		for i := range l.nodes {
			for j := range l.nodes {
				pi, pj := g.Nodes[i].Pos, g.Nodes[j].Pos
				if pi[0] < pj[0] && !(l.nodes[i].X < l.nodes[j].X) || pi[1] < pj[1] && !(l.nodes[i].Y < l.nodes[j].Y) {
					t.Errorf("mode %d: order of %s and %s changed", mode, g.Nodes[i].Name, g.Nodes[j].Name)
				}
				d := math.Hypot(l.nodes[i].X-l.nodes[j].X, l.nodes[i].Y-l.nodes[j].Y)
				d0 := math.Hypot(base.nodes[i].X-base.nodes[j].X, base.nodes[i].Y-base.nodes[j].Y)
				if d < d0-1e-9 {
					t.Errorf("mode %d: %s and %s came closer: %.2f < %.2f", mode, g.Nodes[i].Name, g.Nodes[j].Name, d, d0)
				}
			}
		}
	}
}
