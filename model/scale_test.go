package model

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// bigDAG is an n-node model: the chain v0 -> v1 -> … plus, for every node
// past the fifth, one more parent drawn at random among the earlier nodes,
// one node in fifty latent and a few bidirected and lagged edges. It is
// built as model text, so that parsing is part of what scales.
func bigDAG(t testing.TB, n int) *Model {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), 5))
	var b strings.Builder
	b.WriteString("dag big {\n")
	for i := 0; i < n; i++ {
		if i%50 == 25 {
			fmt.Fprintf(&b, "  v%d [latent]\n", i)
		}
	}
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  v%d -> v%d\n", i-1, i)
		if i > 5 {
			fmt.Fprintf(&b, "  v%d -> v%d\n", rng.IntN(i-1), i)
		}
	}
	for k := 0; k < 5; k++ {
		a := rng.IntN(n/2) + n/4
		fmt.Fprintf(&b, "  v%d <-> v%d\n", a, a+7)
		fmt.Fprintf(&b, "  v%d -> v%d [lag=1]\n", a+3, a)
	}
	b.WriteString("}\n")
	m, err := ParseString(b.String(), "big.dag")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestLargeGraph shows (every node's parents and spouses) and analyses a
// 5,000-node model. The analysis graph is built once per question, not once
// per lookup: counted by analysisBuilds, so that the test fails on the
// quadratic behaviour without depending on the machine's speed.
func TestLargeGraph(t *testing.T) {
	m := bigDAG(t, 5000)
	if len(m.Nodes) != 5000 {
		t.Fatalf("%d nodes", len(m.Nodes))
	}
	before := analysisBuilds.Load()
	s, err := m.Structure()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range m.Nodes {
		pa, err := s.Parents(n.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Spouses(n.Name); err != nil {
			t.Fatal(err)
		}
		if n.Name != "v0" && len(pa) == 0 {
			t.Fatalf("%s has no parents", n.Name)
		}
	}
	pa, _ := s.Parents("v4999")
	if want := "v4998"; !containsName(pa, want) {
		t.Errorf("parents of v4999 = %v, want %s among them", pa, want)
	}
	if got := analysisBuilds.Load() - before; got != 1 {
		t.Errorf("showing the graph built the analysis graph %d times, want 1", got)
	}
	if _, err := m.Adjust("v10", "v4000", Total, nil); err != nil {
		t.Errorf("adjust: %v", err)
	}
	// The chain makes v0 and v4999 dependent; v4998 is not enough to
	// separate them (v4999's second parent is older).
	sep, p, err := m.DSeparated([]string{"v0"}, []string{"v4999"}, nil)
	if err != nil || sep || p.IsZero() {
		t.Errorf("dsep v0, v4999: separated %v, path %v, err %v", sep, p, err)
	}
	if got := analysisBuilds.Load() - before; got != 3 {
		t.Errorf("show, adjust and dsep built the analysis graph %d times, want 3", got)
	}
}

func containsName(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}

// BenchmarkShow5000 is what 'dilemma graph show' asks of a 5,000-node
// model: parse it, then every node's parents and spouses.
func BenchmarkShow5000(b *testing.B) {
	m := bigDAG(b, 5000)
	src := m.String()
	for b.Loop() {
		m, err := ParseString(src, "big.dag")
		if err != nil {
			b.Fatal(err)
		}
		s, err := m.Structure()
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range m.Nodes {
			s.Parents(n.Name)
			s.Spouses(n.Name)
		}
	}
}

// BenchmarkParents5000 is one parents lookup in a 5,000-node model.
func BenchmarkParents5000(b *testing.B) {
	m := bigDAG(b, 5000)
	s, err := m.Structure()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s.Parents("v2500")
	}
}

// TestLargeGraphPaths lists paths between the ends of a 5,000-node model,
// whose paths are too many and too long to list: both searches stop at
// their bounds and say so, instead of running on (they took minutes and
// gigabytes before the bounds).
func TestLargeGraphPaths(t *testing.T) {
	m := bigDAG(t, 5000)
	dp, trunc, err := m.DirectedPaths("v0", "v4999")
	if err != nil || !trunc || len(dp) == 0 {
		t.Fatalf("directed paths: %d, truncated %v, err %v", len(dp), trunc, err)
	}
	n := 0
	for _, p := range dp {
		n += len(p.Nodes)
		if p.Nodes[0] != "v0" || p.Nodes[len(p.Nodes)-1] != "v4999" {
			t.Fatalf("path %v does not run from v0 to v4999", p.Nodes)
		}
	}
	if n > MaxPathNodes {
		t.Errorf("%d nodes listed, bound %d", n, MaxPathNodes)
	}
	bp, trunc, err := m.BackdoorPaths("v2500", "v4999", nil)
	if err != nil || !trunc {
		t.Fatalf("back-door paths: %d, truncated %v, err %v", len(bp), trunc, err)
	}
}

// TestLargeGraphImplications bounds the implications of a 5,000-node
// model, whose 12 million pairs would take hours: the list stops at the
// work bound, says so, and what it lists holds. A built-in model's list is
// complete within the bound and equals the unbounded one.
func TestLargeGraphImplications(t *testing.T) {
	m := bigDAG(t, 5000)
	imps, complete, err := m.ImplicationsWithin(MaxImplicationWork / 10)
	if err != nil || complete || len(imps) == 0 {
		t.Fatalf("%d implications, complete %v, err %v", len(imps), complete, err)
	}
	for _, c := range imps[:min(5, len(imps))] {
		sep, _, err := m.DSeparated([]string{c.X}, []string{c.Y}, c.Given)
		if err != nil || !sep {
			t.Errorf("%s does not hold: %v", c, err)
		}
	}
	fig, err := Builtin("fig2-remedies")
	if err != nil {
		t.Fatal(err)
	}
	all, err := fig.Implications()
	if err != nil {
		t.Fatal(err)
	}
	bounded, complete, err := fig.ImplicationsWithin(MaxImplicationWork)
	if err != nil || !complete || len(bounded) != len(all) {
		t.Fatalf("fig2-remedies within the bound: %d of %d, complete %v, err %v", len(bounded), len(all), complete, err)
	}
	for i := range all {
		if all[i].String() != bounded[i].String() {
			t.Errorf("implication %d: %s within the bound, %s without", i, bounded[i], all[i])
		}
	}
}

// BenchmarkEdgeIdentified5000 checks every edge of a 5,000-node model
// with the single-door criterion, as 'dilemma fit' does before sampling,
// on one Structure.
func BenchmarkEdgeIdentified5000(b *testing.B) {
	m := bigDAG(b, 5000)
	for b.Loop() {
		s, err := m.Structure()
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range m.Edges {
			if e.Kind == Directed {
				s.EdgeIdentified(e)
			}
		}
	}
}

// TestEdgeIdentifiedShortcut checks EdgeIdentified's answer without search
// against the single-door search on random graphs with latent nodes,
// bidirected and lagged edges.
func TestEdgeIdentifiedShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	checked, identified := 0, 0
	for k := 0; k < 300; k++ {
		m := randomDAG(rng, 4+rng.IntN(10), 0.35, 0.15, rng.IntN(3), rng.IntN(3))
		s, err := m.Structure()
		if err != nil {
			continue
		}
		for _, e := range m.Edges {
			if e.Kind != Directed {
				continue
			}
			ok, reason, err := s.EdgeIdentified(e)
			ok2, reason2, err2 := s.edgeIdentifiedSearch(e)
			if ok != ok2 || reason != reason2 || (err == nil) != (err2 == nil) {
				t.Fatalf("%s in\n%s\nshortcut: %v %q %v; search: %v %q %v", e, m, ok, reason, err, ok2, reason2, err2)
			}
			checked++
			if ok {
				identified++
			}
		}
	}
	if checked < 500 || identified == 0 || identified == checked {
		t.Errorf("%d edges checked, %d identified: not a test of both answers", checked, identified)
	}
}
