package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// analysisBuilds counts calls of analysis, for tests that bound how often
// a question rebuilds the graph (such tests must not run in parallel with
// others of this package).
var analysisBuilds atomic.Int64

// agraph is the graph identification reasons on: the model's directed
// edges, unrolled over the periods its lags need, with each bidirected edge
// replaced by an implicit latent parent of its two ends. Nodes are indices;
// the algorithms in this package (d-separation, separators, paths) work on
// it.
type agraph struct {
	names   []string // "fear" (period t), "fear@t-1", "" for implicit parents
	base    []int    // index into Model.Nodes; -1 for implicit parents
	slice   []int    // 0 = period t, k = period t-k
	latent  []bool   // not observable: latent nodes and implicit parents
	hidden  []bool   // implicit latent parent of a bidirected edge
	pa, ch  [][]int
	spouse  [][2]int // for a hidden node: the two ends of its bidirected edge
	arRes   []bool   // a hidden node that stands for an AR(1) residual chain (ar_graph.go)
	index   map[string]int
	periods int
	model   *Model
}

func (g *agraph) n() int { return len(g.names) }

// sliceName is the name of node name in period t-k.
func sliceName(name string, k int) string {
	if k == 0 {
		return name
	}
	return name + "@t-" + strconv.Itoa(k)
}

// addNode appends a node to g and returns its id; indexed names it in
// g.index (a hidden node, name "", never is).
func (g *agraph) addNode(name string, base, slice int, latent, hidden, indexed bool) int {
	id := len(g.names)
	g.names = append(g.names, name)
	g.base = append(g.base, base)
	g.slice = append(g.slice, slice)
	g.latent = append(g.latent, latent)
	g.hidden = append(g.hidden, hidden)
	g.pa = append(g.pa, nil)
	g.ch = append(g.ch, nil)
	g.spouse = append(g.spouse, [2]int{-1, -1})
	g.arRes = append(g.arRes, false)
	if name != "" && indexed {
		g.index[name] = id
	}
	return id
}

// link adds the edge u -> v once.
func (g *agraph) link(u, v int) {
	if !slices.Contains(g.ch[u], v) {
		g.ch[u] = append(g.ch[u], v)
		g.pa[v] = append(g.pa[v], u)
	}
}

// addEdges adds m's edges over periods 0 … periods−1 of g, whose node i
// of m at period k has id k·len(m.Nodes) + i: each lag-0 edge in every
// period, a lag-L edge from period k+L to period k where both exist, and
// for each <-> a hidden common parent per period.
func (g *agraph) addEdges(m *Model, periods int) {
	nm := len(m.Nodes)
	id := func(name string, k int) int { return k*nm + m.index[name] }
	for _, e := range m.Edges {
		switch e.Kind {
		case Directed:
			for k := 0; k+e.Lag < periods; k++ {
				g.link(id(e.From, k+e.Lag), id(e.To, k))
			}
		case Bidirected:
			for k := 0; k < periods; k++ {
				a, b := id(e.From, k), id(e.To, k)
				h := g.addNode("", -1, k, true, true, false)
				g.spouse[h] = [2]int{a, b}
				g.link(h, a)
				g.link(h, b)
			}
		}
	}
}

// analysis builds the identification graph of m. Periods: MaxLag()+1. In
// every period the lag-0 edges are repeated; an edge with lag L runs from
// period t-k-L to period t-k where both exist.
func (m *Model) analysis() (*agraph, error) {
	if err := m.checkAcyclic(); err != nil {
		return nil, err
	}
	analysisBuilds.Add(1)
	m.reindex()
	P := m.MaxLag() + 1
	g := &agraph{periods: P, model: m, index: map[string]int{}}
	for k := 0; k < P; k++ {
		for i, n := range m.Nodes {
			g.addNode(sliceName(n.Name, k), i, k, n.Latent, false, true)
		}
	}
	g.addEdges(m, P)
	g.addARResiduals(m, P) // ar_graph.go
	return g, nil
}

// display is the name of a node for output.
func (g *agraph) display(v int) string {
	if g.hidden[v] {
		return fmt.Sprintf("U(%s,%s)", g.names[g.spouse[v][0]], g.names[g.spouse[v][1]])
	}
	return g.names[v]
}

// resolve turns node names into indices, or an *UnknownNodeError.
func (g *agraph) resolve(names []string) ([]int, error) {
	ids := make([]int, 0, len(names))
	for _, name := range names {
		name = strings.TrimSpace(name)
		v, ok := g.index[name]
		if !ok {
			return nil, g.unknown(name)
		}
		if !slices.Contains(ids, v) {
			ids = append(ids, v)
		}
	}
	return ids, nil
}

func (g *agraph) resolve1(name string) (int, error) {
	ids, err := g.resolve([]string{name})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

func (g *agraph) unknown(name string) error {
	e := &UnknownNodeError{Model: g.model.Name, Name: name}
	for _, n := range g.names {
		if n != "" {
			e.Known = append(e.Known, n)
		}
	}
	base, lagPart, hasAt := strings.Cut(name, "@")
	switch {
	case hasAt && g.model.Node(base) != nil:
		if g.periods == 1 {
			e.Hint = "the model has no lagged edges, so it has one period: use " + base
		} else {
			e.Hint = fmt.Sprintf("time slices run from %s to %s", base, sliceName(base, g.periods-1))
		}
		_ = lagPart
	default:
		if c := Closest(name, g.model.NodeNames()); c != "" {
			e.Hint = fmt.Sprintf("did you mean %q?", c)
		} else {
			e.Hint = "nodes: " + strings.Join(g.model.NodeNames(), ", ")
		}
	}
	return e
}

// Closest returns the candidate nearest to s by edit distance when it is
// near enough to be a plausible typo, or else a candidate that s is a
// prefix of (or that is a prefix of s); "" when none fits. Messages use it
// for "did you mean …?".
func Closest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(s)/3) {
		return best
	}
	for _, c := range candidates {
		if strings.HasPrefix(c, s) || strings.HasPrefix(s, c) {
			return c
		}
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// mask returns a boolean membership vector for ids.
func (g *agraph) mask(ids []int) []bool {
	m := make([]bool, g.n())
	for _, v := range ids {
		m[v] = true
	}
	return m
}

// ancestors returns the mask of ids and all their ancestors.
func (g *agraph) ancestors(ids []int) []bool {
	return g.reach(ids, g.pa)
}

// descendants returns the mask of ids and all their descendants.
func (g *agraph) descendants(ids []int) []bool {
	return g.reach(ids, g.ch)
}

func (g *agraph) reach(ids []int, next [][]int) []bool {
	seen := g.mask(ids)
	stack := slices.Clone(ids)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range next[v] {
			if !seen[w] {
				seen[w] = true
				stack = append(stack, w)
			}
		}
	}
	return seen
}

// without returns a copy of g with the directed edges u -> v for which drop
// is true removed.
func (g *agraph) without(drop func(u, v int) bool) *agraph {
	h := *g
	h.pa = make([][]int, g.n())
	h.ch = make([][]int, g.n())
	for u := range g.ch {
		for _, v := range g.ch[u] {
			if drop(u, v) {
				continue
			}
			h.ch[u] = append(h.ch[u], v)
			h.pa[v] = append(h.pa[v], u)
		}
	}
	return &h
}

// names returns the display names of ids, in index order (period t first,
// then declaration order), without implicit latent parents.
func (g *agraph) nameList(ids []int) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	var out []string
	for _, v := range ids {
		if !g.hidden[v] {
			out = append(out, g.names[v])
		}
	}
	return out
}

func (g *agraph) maskNames(m []bool) []string {
	var ids []int
	for v, in := range m {
		if in {
			ids = append(ids, v)
		}
	}
	return g.nameList(ids)
}

// UnrollNote says how a lagged model is reasoned on, or "" when the model
// has no lagged edges.
func (m *Model) UnrollNote() string {
	L := m.MaxLag()
	if L == 0 {
		return ""
	}
	periods := []string{}
	for k := L; k >= 1; k-- {
		periods = append(periods, "t-"+strconv.Itoa(k))
	}
	periods = append(periods, "t")
	return fmt.Sprintf("lagged edges: the graph is unrolled over %d periods (%s); a plain name is the node at t, name@t-k the node k periods earlier; lag-0 edges repeat in every period, a lag-k edge runs from t-k to t, and history before %s is not represented",
		L+1, strings.Join(periods, ", "), periods[0])
}

// Periods returns how many periods identification unrolls the graph over:
// MaxLag()+1.
func (m *Model) Periods() int { return m.MaxLag() + 1 }

// AnalysisNodes returns the names identification queries accept: every
// node at t and, for a lagged model, name@t-k for earlier periods.
func (m *Model) AnalysisNodes() ([]string, error) {
	g, err := m.analysis()
	if err != nil {
		return nil, err
	}
	var out []string
	for v, n := range g.names {
		if !g.hidden[v] {
			out = append(out, n)
		}
	}
	return out, nil
}

// SplitSliceName splits "fear@t-1" into ("fear", 1) and "fear" into
// ("fear", 0). ok is false for a malformed suffix.
func SplitSliceName(s string) (name string, lag int, ok bool) {
	base, suf, has := strings.Cut(s, "@")
	if !has {
		return s, 0, true
	}
	k, found := strings.CutPrefix(suf, "t-")
	if !found {
		return base, 0, false
	}
	n, err := strconv.Atoi(k)
	if err != nil || n < 1 {
		return base, 0, false
	}
	return base, n, true
}
