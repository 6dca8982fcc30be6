package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"dilemma/data"
	"dilemma/model/citest"
)

// Hint is a candidate repair of a graph whose implications the data
// contradict: an edge to add.
type Hint struct {
	Edge     *Edge    // the edge to add (From -> To, possibly lagged)
	SelfLag  bool     // From == To: autocorrelation the graph omits
	Explains []string // the contradicted implications whose pair the edge joins
	// Evidence: the within-unit test (or the pooled one, as asked) of the
	// new parent in the child's equation, given the child's observed
	// parents: partial correlation, t and p-value. NaN with Untested
	// saying why when it cannot be computed.
	R, T, P  float64
	Untested string
	// Contradicted implications (at alpha, both groups) of the graph as
	// is and with the edge added.
	Before, After int
}

// Line is the edge as a model file line, e.g. "fear -> fear [lag=1]".
func (h Hint) Line() string { return h.Edge.String() }

// Suggest proposes repairs for the implications that TestPanel finds
// contradicted on p: for each, the edges that would join its two nodes
// (respecting time order: an edge runs from the earlier period to the later
// one, as a lagged edge, and in the same period either way unless that
// makes a cycle), and for a node paired with its own lag, or a pair only a
// memoryless graph separates, the self-lags (X -> X [lag=k]) that give
// the nodes memory. Each candidate is scored by the drop in contradicted
// implications when it is added (After against Before) and by the
// within-unit test of the new parent in the child's equation given the
// child's observed parents (|T|). The hints come sorted: edges between
// different nodes first (they change the causal story), then self-lags;
// within each, by the number of contradictions left (fewest first), then
// by |T| (largest first). The report is TestPanel's on the graph as is.
func (m *Model) Suggest(p *data.Panel, opt PanelTestOptions) ([]Hint, *ImplicationReport, error) {
	rep, err := m.TestPanel(p, opt)
	if err != nil {
		return nil, nil, err
	}
	before := contradictions(rep)
	type key struct {
		from, to string
		lag      int
	}
	hints := map[key]*Hint{}
	var order []key
	add := func(from, to string, lag int, why string) {
		k := key{from, to, lag}
		if h, ok := hints[k]; ok {
			if !slices.Contains(h.Explains, why) {
				h.Explains = append(h.Explains, why)
			}
			return
		}
		if m.Edge(from, to, Directed, lag) != nil {
			return
		}
		c := m.Clone()
		e := &Edge{From: from, To: to, Kind: Directed, Lag: lag}
		if c.AddEdge(e) != nil || c.checkAcyclic() != nil {
			return // a cycle among lag-0 edges
		}
		hints[k] = &Hint{Edge: e, SelfLag: from == to, Explains: []string{why}, Before: before}
		order = append(order, k)
	}
	for _, t := range rep.Tests {
		if !t.Contradicted {
			continue
		}
		bx, kx, _ := SplitSliceName(t.X)
		by, ky, _ := SplitSliceName(t.Y)
		why := t.Independence.String()
		switch {
		case bx == by:
			add(bx, bx, abs(kx-ky), why)
		case kx > ky:
			add(bx, by, kx-ky, why)
		case ky > kx:
			add(by, bx, ky-kx, why)
		default:
			add(bx, by, 0, why)
			add(by, bx, 0, why)
		}
		if t.Group == Autocorrelation && bx != by {
			add(bx, bx, 1, why)
			add(by, by, 1, why)
		}
	}
	column := m.columnSource(p, nil)
	var unit, period, ordinal []int
	if p.IsPanel() {
		unit, period, ordinal = p.UnitIndex(), p.TimeIndex(), p.TimeOrdinal()
	}
	var out []Hint
	for _, k := range order {
		h := hints[k]
		m.edgeEvidence(h, column, unit, period, ordinal, opt.Method)
		c := m.Clone()
		if err := c.AddEdge(&Edge{From: k.from, To: k.to, Kind: Directed, Lag: k.lag}); err != nil {
			return nil, nil, err
		}
		r, err := c.TestPanel(p, opt)
		if err != nil {
			return nil, nil, err
		}
		h.After = contradictions(r)
		out = append(out, *h)
	}
	slices.SortStableFunc(out, func(a, b Hint) int {
		if a.SelfLag != b.SelfLag {
			if a.SelfLag {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(a.After, b.After); c != 0 {
			return c
		}
		return cmp.Compare(absNaN(b.T), absNaN(a.T))
	})
	return out, rep, nil
}

func contradictions(rep *ImplicationReport) int {
	n := 0
	for _, t := range rep.Tests {
		if t.Contradicted {
			n++
		}
	}
	return n
}

func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}

// absNaN is |x|, with NaN ranked below every number.
func absNaN(x float64) float64 {
	if math.IsNaN(x) {
		return -1
	}
	return math.Abs(x)
}

// edgeEvidence tests the hint's new parent in its child's equation: the
// child at t regressed on the parent at t-lag and the child's observed
// parents (fixed roots, latent nodes and nodes without data left out).
func (m *Model) edgeEvidence(h *Hint, column func(string) ([]float64, string), unit, period, ordinal []int, method citest.Method) {
	h.R, h.T, h.P = math.NaN(), math.NaN(), math.NaN()
	e := h.Edge
	y, why := column(e.To)
	if why != "" {
		h.Untested = why
		return
	}
	x, why := column(sliceName(e.From, e.Lag))
	if why != "" {
		h.Untested = why
		return
	}
	d := citest.Data{Y: y, X: x, Unit: unit, Period: period}
	for _, pe := range m.In(e.To) {
		n := m.Node(pe.From)
		if n == nil || n.Fixed() || n.Latent {
			continue
		}
		z, why := column(sliceName(pe.From, pe.Lag))
		if why != "" {
			continue
		}
		d.Z = append(d.Z, z)
	}
	if h.SelfLag {
		d.Jackknife, d.Ordinal = true, ordinal
	}
	if method != citest.Pooled && unit == nil {
		method = citest.Pooled
	}
	r := citest.Test(d, method)
	if !r.Tested() {
		h.Untested = fmt.Sprintf("%s: %s", e, r.Untestable)
		return
	}
	h.R, h.T, h.P = r.R, r.T, r.P
}
