package model

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// mustParse parses src or fails the test.
func mustParse(t testing.TB, src string) *Model {
	t.Helper()
	m, err := ParseString(src, "test.dag")
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	return m
}

// normalized returns a copy of m without positions, source and name, for
// comparing the content of two models.
func normalized(m *Model) *Model {
	c := m.Clone()
	c.Name, c.Source = "", ""
	c.index = nil
	for _, n := range c.Nodes {
		n.At = Position{}
		if len(n.Indicators) == 0 {
			n.Indicators = nil
		}
		if len(n.Attrs) == 0 {
			n.Attrs = nil
		}
		if len(n.Priors) == 0 {
			n.Priors = nil
		}
	}
	for _, e := range c.Edges {
		e.At = Position{}
		if len(e.Attrs) == 0 {
			e.Attrs = nil
		}
	}
	if len(c.GraphAttrs) == 0 {
		c.GraphAttrs = nil
	}
	return c
}

// diffModels describes the first difference between a and b, or "".
func diffModels(a, b *Model) string {
	na, nb := normalized(a), normalized(b)
	if na.GraphName != nb.GraphName {
		return fmt.Sprintf("graph name %q vs %q", na.GraphName, nb.GraphName)
	}
	if !reflect.DeepEqual(na.GraphAttrs, nb.GraphAttrs) {
		return fmt.Sprintf("graph attrs %v vs %v", na.GraphAttrs, nb.GraphAttrs)
	}
	if len(na.Nodes) != len(nb.Nodes) {
		return fmt.Sprintf("%d nodes vs %d", len(na.Nodes), len(nb.Nodes))
	}
	for i := range na.Nodes {
		if !reflect.DeepEqual(na.Nodes[i], nb.Nodes[i]) {
			return fmt.Sprintf("node %d: %+v\nvs %+v", i, *na.Nodes[i], *nb.Nodes[i])
		}
	}
	if len(na.Edges) != len(nb.Edges) {
		return fmt.Sprintf("%d edges vs %d", len(na.Edges), len(nb.Edges))
	}
	for i := range na.Edges {
		if !reflect.DeepEqual(na.Edges[i], nb.Edges[i]) {
			return fmt.Sprintf("edge %d: %+v\nvs %+v", i, *na.Edges[i], *nb.Edges[i])
		}
	}
	return ""
}

// randomDAG builds a model with n nodes v0..v{n-1}: each pair i < j is an
// edge with probability p, each node latent with probability pl, nbi
// bidirected edges between random pairs, and nlag lagged edges in random
// directions.
func randomDAG(rng *rand.Rand, n int, p, pl float64, nbi, nlag int) *Model {
	m := New("random")
	for i := 0; i < n; i++ {
		m.AddNode(&Node{Name: fmt.Sprintf("v%d", i), Latent: rng.Float64() < pl})
	}
	// A random topological order, so that edges do not all run from low to
	// high names.
	perm := rng.Perm(n)
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			if rng.Float64() < p {
				m.AddEdge(&Edge{From: m.Nodes[perm[a]].Name, To: m.Nodes[perm[b]].Name})
			}
		}
	}
	for k := 0; k < nbi && n > 1; k++ {
		a, b := rng.IntN(n), rng.IntN(n)
		if a != b {
			m.AddEdge(&Edge{From: m.Nodes[a].Name, To: m.Nodes[b].Name, Kind: Bidirected})
		}
	}
	for k := 0; k < nlag; k++ {
		a, b := rng.IntN(n), rng.IntN(n)
		m.AddEdge(&Edge{From: m.Nodes[a].Name, To: m.Nodes[b].Name, Lag: 1})
	}
	return m
}

// --- brute force, independent of the algorithms under test ---

// bf is a brute-force view of an analysis graph with bit masks (at most 64
// nodes).
type bf struct {
	g    *agraph
	n    int
	adj  [][]int  // skeleton neighbours
	into []uint64 // into[v]: nodes u with an edge u -> v
	desc []uint64 // desc[v]: v and its descendants
}

func newBF(g *agraph) *bf {
	b := &bf{g: g, n: g.n()}
	if b.n > 64 {
		panic("brute force limited to 64 nodes")
	}
	b.adj = make([][]int, b.n)
	b.into = make([]uint64, b.n)
	for u := 0; u < b.n; u++ {
		for _, v := range g.ch[u] {
			b.adj[u] = append(b.adj[u], v)
			b.adj[v] = append(b.adj[v], u)
			b.into[v] |= 1 << u
		}
	}
	b.desc = make([]uint64, b.n)
	// Descendants by repeated relaxation (independent of agraph.reach).
	for v := 0; v < b.n; v++ {
		b.desc[v] = 1 << v
	}
	for changed := true; changed; {
		changed = false
		for u := 0; u < b.n; u++ {
			for _, v := range g.ch[u] {
				if nd := b.desc[u] | b.desc[v]; nd != b.desc[u] {
					b.desc[u] = nd
					changed = true
				}
			}
		}
	}
	return b
}

// bfPath is a path with its non-colliders (interior) and colliders.
type bfPath struct {
	seq          []int
	noncolliders uint64
	colliders    []int
}

// paths enumerates every simple path between x and y in the skeleton.
func (b *bf) paths(x, y int) []bfPath {
	var out []bfPath
	seq := []int{x}
	var on uint64 = 1 << x
	var rec func(v int)
	rec = func(v int) {
		for _, w := range b.adj[v] {
			if on&(1<<w) != 0 {
				continue
			}
			seq = append(seq, w)
			if w == y {
				p := bfPath{seq: slices.Clone(seq)}
				for i := 1; i+1 < len(seq); i++ {
					c := seq[i]
					if b.into[c]&(1<<seq[i-1]) != 0 && b.into[c]&(1<<seq[i+1]) != 0 {
						p.colliders = append(p.colliders, c)
					} else {
						p.noncolliders |= 1 << c
					}
				}
				out = append(out, p)
			} else {
				on |= 1 << w
				rec(w)
				on &^= 1 << w
			}
			seq = seq[:len(seq)-1]
		}
	}
	rec(x)
	return out
}

// open reports whether path p is open given the set z (a mask).
func (b *bf) open(p bfPath, z uint64) bool {
	if p.noncolliders&z != 0 {
		return false
	}
	for _, c := range p.colliders {
		if b.desc[c]&z == 0 {
			return false
		}
	}
	return true
}

func maskOf(ids []int) uint64 {
	var m uint64
	for _, v := range ids {
		m |= 1 << v
	}
	return m
}

func idsOf(m uint64) []int {
	var ids []int
	for v := 0; m != 0; v++ {
		if m&1 != 0 {
			ids = append(ids, v)
		}
		m >>= 1
	}
	return ids
}

func setString(g *agraph, ids []int) string {
	return "{" + strings.Join(sortedNames(g, ids), ", ") + "}"
}
