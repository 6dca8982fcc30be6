package plots

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// formatLayout prints a layout one node a line, rounded to 0.01 em.
func formatLayout(ps []NodePos) string {
	var b strings.Builder
	b.WriteString("# name layer order x y w h (ems, y down)\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "%s %d %d %.2f %.2f %.2f %.2f\n", p.Name, p.Layer, p.Order, p.X, p.Y, p.W, p.H)
	}
	return b.String()
}

func posGraph() DAGInput {
	g := fig1DAG()
	pos := map[string][2]float64{
		"anarchy": {0, 1}, "intent_uncertainty": {1, 0}, "self_help": {1, 2}, "misperception": {1, 3},
		"fear": {2, 1}, "countermeasures": {3, 1}, "insecurity": {4, 1},
	}
	for i := range g.Nodes {
		p := pos[g.Nodes[i].Name]
		g.Nodes[i].Pos = &p
	}
	return g
}

// TestLayoutGolden pins the layouts of the paper's two graphs and of a graph
// with given positions. Run `go test ./plots/ -run Golden -update` after an
// intended change, and look at the figures before committing the new files.
func TestLayoutGolden(t *testing.T) {
	for name, g := range map[string]DAGInput{"fig1": fig1DAG(), "fig2": fig2DAG(), "pos": posGraph()} {
		ps, err := Layout(g)
		if err != nil {
			t.Fatal(err)
		}
		got := formatLayout(ps)
		path := filepath.Join("testdata", "layout_"+name+".golden")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("layout of %s changed:\n got:\n%s\nwant:\n%s", name, got, want)
		}
	}
}

// checkLayoutInvariants verifies what every automatic layout must satisfy.
func checkLayoutInvariants(t *testing.T, name string, g DAGInput) {
	t.Helper()
	ps, err := Layout(g)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	byName := map[string]NodePos{}
	for _, p := range ps {
		byName[p.Name] = p
	}
	// boxes never overlap
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			a, b := ps[i], ps[j]
			if math.Abs(a.X-b.X) < (a.W+b.W)/2 && math.Abs(a.Y-b.Y) < (a.H+b.H)/2 {
				t.Errorf("%s: boxes of %s and %s overlap", name, a.Name, b.Name)
			}
		}
		if ps[i].X-ps[i].W/2 < -1e-9 || ps[i].Y-ps[i].H/2 < -1e-9 {
			t.Errorf("%s: %s lies outside the drawing", name, ps[i].Name)
		}
	}
	// contemporaneous edges point right, to a later column
	hasParent := map[string]bool{}
	for _, e := range g.Edges {
		if e.Lag == 0 && !e.Bidirected {
			hasParent[e.To] = true
			a, b := byName[e.From], byName[e.To]
			if b.Layer <= a.Layer || b.X <= a.X {
				t.Errorf("%s: edge %s -> %s does not go right (layers %d, %d)", name, e.From, e.To, a.Layer, b.Layer)
			}
		}
	}
	maxLayer := 0
	for _, p := range ps {
		maxLayer = max(maxLayer, p.Layer)
	}
	orders := map[[2]int]bool{}
	for _, n := range g.Nodes {
		p := byName[n.Name]
		if !hasParent[n.Name] && p.Layer != 0 {
			t.Errorf("%s: root %s in column %d, want 0", name, n.Name, p.Layer)
		}
		if n.Outcome && p.Layer != maxLayer {
			t.Errorf("%s: outcome %s in column %d, want the last (%d)", name, n.Name, p.Layer, maxLayer)
		}
		key := [2]int{p.Layer, p.Order}
		if orders[key] {
			t.Errorf("%s: two nodes at column %d, position %d", name, p.Layer, p.Order)
		}
		orders[key] = true
	}
	// same input, same output
	again, _ := Layout(g)
	if formatLayout(again) != formatLayout(ps) {
		t.Errorf("%s: layout is not deterministic", name)
	}
}

func TestLayoutInvariants(t *testing.T) {
	checkLayoutInvariants(t, "fig1", fig1DAG())
	checkLayoutInvariants(t, "fig2", fig2DAG())
	r := newRand(17)
	for k := 0; k < 20; k++ {
		n := 3 + r.IntN(12)
		g := DAGInput{}
		for i := 0; i < n; i++ {
			g.Nodes = append(g.Nodes, DAGNode{Name: fmt.Sprintf("node_%d_%s", i, strings.Repeat("x", r.IntN(12))), Outcome: i == n-1})
		}
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if r.Float64() < 0.3 {
					g.Edges = append(g.Edges, DAGEdge{From: g.Nodes[i].Name, To: g.Nodes[j].Name})
				}
			}
			if r.Float64() < 0.15 {
				g.Edges = append(g.Edges, DAGEdge{From: g.Nodes[n-1-i].Name, To: g.Nodes[i].Name, Lag: 1})
			}
		}
		checkLayoutInvariants(t, fmt.Sprintf("random %d", k), g)
		if _, err := DAG(Options{}, g); err != nil {
			t.Errorf("random %d: %v", k, err)
		}
	}
}

// TestLayoutUncrossesEdges: two parallel edges given in crossing order must
// be drawn without crossing.
func TestLayoutUncrossesEdges(t *testing.T) {
	g := DAGInput{
		Nodes: []DAGNode{{Name: "a1"}, {Name: "a2"}, {Name: "b1"}, {Name: "b2"}, {Name: "c1"}, {Name: "c2"}},
		Edges: []DAGEdge{{From: "a1", To: "b2"}, {From: "a2", To: "b1"}, {From: "b1", To: "c2"}, {From: "b2", To: "c1"}},
	}
	ps, err := Layout(g)
	if err != nil {
		t.Fatal(err)
	}
	y := map[string]float64{}
	for _, p := range ps {
		y[p.Name] = p.Y
	}
	if (y["a1"] < y["a2"]) != (y["b2"] < y["b1"]) || (y["b1"] < y["b2"]) != (y["c2"] < y["c1"]) {
		t.Errorf("edges cross: %v", y)
	}
	// aligned: each edge is drawn straight across
	if math.Abs(y["a1"]-y["b2"]) > 1e-6 || math.Abs(y["b2"]-y["c1"]) > 1e-6 {
		t.Errorf("chain a1-b2-c1 not straight: %v", y)
	}
}

// TestLayoutPositions: given positions are kept (up to one scale factor),
// and ignored unless every node has one.
func TestLayoutPositions(t *testing.T) {
	g := posGraph()
	ps, err := Layout(g)
	if err != nil {
		t.Fatal(err)
	}
	s := (ps[1].X - ps[0].X) / (g.Nodes[1].Pos[0] - g.Nodes[0].Pos[0])
	if s <= 0 {
		t.Fatalf("scale %g", s)
	}
	for i, p := range ps {
		for k, v := range []float64{p.X - ps[0].X, p.Y - ps[0].Y} {
			want := s * (g.Nodes[i].Pos[k] - g.Nodes[0].Pos[k])
			if math.Abs(v-want) > 1e-9 {
				t.Errorf("%s: coordinate %d moved: %g, want %g", p.Name, k, v, want)
			}
		}
	}
	partial := posGraph()
	partial.Nodes[3].Pos = nil
	a, _ := Layout(partial)
	b, _ := Layout(fig1DAG())
	if formatLayout(a) != formatLayout(b) {
		t.Error("a partial set of positions was not ignored")
	}
}

// TestPlaceOrdered checks the constrained least-squares placement against
// known answers and a brute-force search.
func TestPlaceOrdered(t *testing.T) {
	got := placeOrdered([]float64{0, 0, 0}, []float64{0, 1, 1})
	for i, w := range []float64{-1, 0, 1} {
		if math.Abs(got[i]-w) > 1e-12 {
			t.Fatalf("placeOrdered(0,0,0) = %v, want [-1 0 1]", got)
		}
	}
	got = placeOrdered([]float64{5, 0}, []float64{0, 1})
	if math.Abs(got[0]-2) > 1e-12 || math.Abs(got[1]-3) > 1e-12 {
		t.Fatalf("placeOrdered(5,0) = %v, want [2 3]", got)
	}
	// brute force over a grid for random 3-point problems
	r := newRand(3)
	for k := 0; k < 30; k++ {
		d := []float64{r.NormFloat64() * 2, r.NormFloat64() * 2, r.NormFloat64() * 2}
		seps := []float64{0, 0.5 + r.Float64(), 0.5 + r.Float64()}
		got := placeOrdered(d, seps)
		cost := func(y []float64) float64 {
			c := 0.0
			for i := range y {
				c += (y[i] - d[i]) * (y[i] - d[i])
			}
			return c
		}
		for i := 1; i < 3; i++ {
			if got[i]-got[i-1] < seps[i]-1e-9 {
				t.Fatalf("separation violated: %v seps %v", got, seps)
			}
		}
		best := math.Inf(1)
		for a := -8.0; a <= 8; a += 0.02 {
			for gap1 := seps[1]; gap1 <= seps[1]+8; gap1 += 0.02 {
				y1 := a + gap1
				// optimal third point given the first two
				y2 := math.Max(d[2], y1+seps[2])
				best = math.Min(best, cost([]float64{a, y1, y2}))
			}
		}
		if cost(got) > best+1e-9 {
			t.Fatalf("placeOrdered(%v, %v) = %v costs %g; brute force found %g", d, seps, got, cost(got), best)
		}
	}
}

// TestNodeLabelsWrapAtUnderscores: wrapping splits at the most balanced
// separator and never splits a label without one.
func TestNodeLabelsWrapAtUnderscores(t *testing.T) {
	cases := map[string][]string{
		"intent_uncertainty":       {"intent_", "uncertainty"},
		"peer_unilateralism":       {"peer_", "unilateralism"},
		"fear":                     {"fear"},
		"unilateralism":            {"unilateralism"},
		"United States of America": {"United States", "of America"},
		"self_help":                {"self_help"}, // short labels stay whole
	}
	for in, want := range cases {
		got := nodeLines(in, true)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("nodeLines(%q) = %q, want %q", in, got, want)
		}
	}
	if got := nodeLines("intent_uncertainty", false); len(got) != 1 {
		t.Errorf("wrapped without being asked: %q", got)
	}
}
