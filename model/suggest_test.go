package model

import (
	"math"
	"slices"
	"strings"
	"testing"

	"dilemma/model/citest"
)

// without returns a copy of m without the directed edge from -> to at lag.
func withoutEdge(t *testing.T, m *Model, from, to string, lag int) *Model {
	t.Helper()
	c := m.Clone()
	e := c.Edge(from, to, Directed, lag)
	if e == nil {
		t.Fatalf("%s has no edge %s -> %s [lag=%d]", m.Name, from, to, lag)
	}
	c.Edges = slices.DeleteFunc(c.Edges, func(x *Edge) bool { return x == e })
	c.reindex()
	return c
}

// Repair hints rank a deleted edge first: simulate a panel from the
// graph, delete one edge, ask for hints.
func TestSuggestFindsDeletedEdge(t *testing.T) {
	cases := []struct {
		model    string
		from, to string
		lag      int
	}{
		{"fig1", "countermeasures", "fear", 1},
		{"fig2-remedies", "threat", "fear", 0},
	}
	for i, c := range cases {
		b, err := Builtin(c.model)
		if err != nil {
			t.Fatal(err)
		}
		truth := simModel(b)
		p, _ := simulatePanel(t, truth, simOptions{Units: 187, Periods: 36, Burn: 20, Rho: 0.5, UnitSD: 1, Seed: uint64(40 + i),
			Coef: func(e *Edge) float64 { return 0.3 }})
		wrong := withoutEdge(t, truth, c.from, c.to, c.lag)
		hints, rep, err := wrong.Suggest(p, PanelTestOptions{Method: citest.Within})
		if err != nil {
			t.Fatal(err)
		}
		if len(hints) == 0 {
			t.Fatalf("%s without %s -> %s: no hints", c.model, c.from, c.to)
		}
		for j, h := range hints[:min(5, len(hints))] {
			t.Logf("%s: hint %d %s: after %d of %d, t %.2f, explains %s", c.model, j+1, h.Line(), h.After, h.Before, h.T, strings.Join(h.Explains, "; "))
		}
		h := hints[0]
		if h.Edge.From != c.from || h.Edge.To != c.to || h.Edge.Lag != c.lag || h.SelfLag || !(math.Abs(h.T) > 3) {
			t.Errorf("%s without %s -> %s: first hint %s (after %d, before %d, t %.2f)", c.model, c.from, c.to, h.Line(), h.After, h.Before, h.T)
		}
		_ = rep
		// Every self-lag hint comes after the edges, and nothing points
		// back in time.
		seenSelf := false
		for _, h := range hints {
			seenSelf = seenSelf || h.SelfLag
			if seenSelf && !h.SelfLag {
				t.Errorf("edge %s ranked after a self-lag", h.Line())
			}
			if h.Edge.Lag < 0 {
				t.Errorf("hint %s points back in time", h.Line())
			}
		}
	}
}
