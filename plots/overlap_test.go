package plots

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// longGraph has long node names, many nodes per column and a name without
// any break point.
func longGraph() DAGInput {
	g := DAGInput{}
	out := "outcome_of_the_whole_security_dilemma_process"
	mid := "perceived intent uncertainty between neighbouring states"
	g.Nodes = append(g.Nodes, DAGNode{Name: mid}, DAGNode{Name: out, Outcome: true})
	for i := 0; i < 9; i++ {
		n := fmt.Sprintf("cause_number_%d_with_a_rather_long_descriptive_name", i)
		g.Nodes = append(g.Nodes, DAGNode{Name: n, Remedy: i == 2, Latent: i == 5})
		to := out
		if i%2 == 0 {
			to = mid
		}
		g.Edges = append(g.Edges, DAGEdge{From: n, To: to, ExpectedSign: 1 - 2*(i%2),
			Estimate: &EdgeInterval{Q5: -0.1, Q25: 0.1, Q50: 0.2, Q75: 0.3, Q95: 0.5, PSign: 0.9}})
	}
	word := "Supercalifragilisticexpialidociousnobreakpointsatall"
	g.Nodes = append(g.Nodes, DAGNode{Name: word})
	g.Edges = append(g.Edges, DAGEdge{From: word, To: out, Lag: 1}, DAGEdge{From: mid, To: out})
	return g
}

// checkBoxes fails when two boxes of l intersect (outcomes with their
// outer border), an edge label covers a box, a box is narrower than its
// label's lines, or the lines are not the whole label.
func checkBoxes(t *testing.T, name string, g DAGInput, l *dagLayout) {
	t.Helper()
	box := func(n *lnode) rect {
		b := n.box()
		if n.in.Outcome {
			b = b.inflate(outcomeBorder)
		}
		return b
	}
	for i := range l.nodes {
		for j := i + 1; j < len(l.nodes); j++ {
			if box(&l.nodes[i]).overlaps(box(&l.nodes[j])) {
				t.Errorf("%s: boxes of %q (%.2f,%.2f %.2fx%.2f) and %q (%.2f,%.2f %.2fx%.2f) intersect", name,
					l.nodes[i].Name, l.nodes[i].X, l.nodes[i].Y, l.nodes[i].W, l.nodes[i].H,
					l.nodes[j].Name, l.nodes[j].X, l.nodes[j].Y, l.nodes[j].W, l.nodes[j].H)
			}
		}
		for _, e := range l.edges {
			if len(e.label) > 0 && e.labelBox.overlaps(box(&l.nodes[i])) {
				t.Errorf("%s: the label %q of %s -> %s covers the box of %q", name, e.label, e.e.From, e.e.To, l.nodes[i].Name)
			}
		}
		n := &l.nodes[i]
		label := g.Nodes[i].Label
		if label == "" {
			label = g.Nodes[i].Name
		}
		squeeze := func(s string) string { return strings.ReplaceAll(s, " ", "") }
		if squeeze(strings.Join(n.lines, "")) != squeeze(label) {
			t.Errorf("%s: node %q is labelled %q, not its whole name", name, label, n.lines)
		}
		for _, ln := range n.lines {
			if w := measure(ln, 1, n.in.Outcome); w > n.W-2*l.p.padX+1e-9 {
				t.Errorf("%s: line %q (%.2f em) is wider than its box (%.2f em)", name, ln, w, n.W)
			}
		}
		if !finite(n.X) || !finite(n.Y) || math.Abs(n.X) > 1e4 || math.Abs(n.Y) > 1e4 {
			t.Errorf("%s: node %q placed at (%v, %v)", name, n.Name, n.X, n.Y)
		}
	}
}

// TestLayoutLongNamesNoOverlap: a model with long names and many nodes per
// column is laid out, wrapped or not, with estimates labelled or not,
// without intersecting boxes and with every name whole.
func TestLayoutLongNamesNoOverlap(t *testing.T) {
	g := longGraph()
	for _, wrap := range []bool{false, true} {
		for _, est := range []int{estNone, estMedian, estFull} {
			p := defaultLayoutParams()
			p.wrap, p.estLabels = wrap, est
			p.layerGap = labelGap(g, p) // as DAG sets it
			l, err := layoutDAG(g, p)
			if err != nil {
				t.Fatal(err)
			}
			checkBoxes(t, fmt.Sprintf("wrap=%v est=%d", wrap, est), g, l)
		}
	}
	// and the figure draws at both widths
	for _, w := range []float64{ColumnWidth, 7} {
		if _, err := DAG(Options{Width: w}, g); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLayoutFixedPositionsNoOverlap: positions as dagitty writes them,
// including nodes given the same or nearly the same position, never make
// boxes intersect or the drawing explode, and keep their order along each
// axis where they differ.
func TestLayoutFixedPositionsNoOverlap(t *testing.T) {
	r := newRand(5)
	for k := 0; k < 60; k++ {
		n := 3 + r.IntN(10)
		g := DAGInput{}
		for i := 0; i < n; i++ {
			p := [2]float64{math.Round(r.Float64()*4) / 2, math.Round(r.Float64()*4) / 2}
			if k%3 == 0 && i == 1 {
				p = [2]float64{g.Nodes[0].Pos[0] + 1e-7, g.Nodes[0].Pos[1]} // nearly coincident
			}
			g.Nodes = append(g.Nodes, DAGNode{Name: fmt.Sprintf("n%d_%s", i, strings.Repeat("long_", r.IntN(6))), Pos: &p, Outcome: i == n-1})
		}
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if r.Float64() < 0.3 {
					g.Edges = append(g.Edges, DAGEdge{From: g.Nodes[i].Name, To: g.Nodes[j].Name, ExpectedSign: 1})
				}
			}
		}
		p := defaultLayoutParams()
		l, err := layoutDAG(g, p)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("positions %d", k)
		checkBoxes(t, name, g, l)
		if l.width > 500 || l.height > 500 {
			t.Errorf("%s: drawing of %.0f × %.0f ems", name, l.width, l.height)
		}
		for i := range l.nodes {
			for j := range l.nodes {
				pi, pj := g.Nodes[i].Pos, g.Nodes[j].Pos
				if pi[0] < pj[0] && l.nodes[i].X > l.nodes[j].X || pi[1] < pj[1] && l.nodes[i].Y > l.nodes[j].Y {
					t.Errorf("%s: order of %s and %s not kept", name, l.nodes[i].Name, l.nodes[j].Name)
				}
			}
		}
	}
	// every node at the same place: stacked, not piled up
	g := DAGInput{}
	for i := 0; i < 4; i++ {
		g.Nodes = append(g.Nodes, DAGNode{Name: fmt.Sprintf("same_place_%d", i), Pos: &[2]float64{1, 1}})
	}
	l, err := layoutDAG(g, defaultLayoutParams())
	if err != nil {
		t.Fatal(err)
	}
	checkBoxes(t, "one place", g, l)
}

// TestNodeLinesWrapLongNames: a name too long for two lines takes three or
// four balanced ones, each whole word kept, none wider than two lines of a
// short name would allow when the words permit.
func TestNodeLinesWrapLongNames(t *testing.T) {
	name := "share of the population living in regions with severe travel restrictions"
	lines := nodeLines(name, true)
	if len(lines) < 3 || len(lines) > 4 {
		t.Fatalf("%q wraps as %q, want 3 or 4 lines", name, lines)
	}
	if strings.Join(lines, " ") != name {
		t.Errorf("lines %q do not join back to the name", lines)
	}
	for _, l := range lines {
		if w := measure(l, 1, false); w > wrapWide {
			t.Errorf("line %q is %.1f ems wide, more than %.1f", l, w, wrapWide)
		}
	}
	// short names keep one or two lines as before
	if got := nodeLines("intent_uncertainty", true); len(got) != 2 {
		t.Errorf("intent_uncertainty wraps as %q", got)
	}
	if got := nodeLines("fear", true); len(got) != 1 {
		t.Errorf("fear wraps as %q", got)
	}
}
