package model

import (
	"fmt"
	"slices"
	"strings"
)

// Effect selects what an adjustment set is for.
type Effect int

// Effects.
const (
	Total  Effect = iota // the total effect of x on y (back-door criterion)
	Direct               // the direct effect, the strength of the edge x -> y (single-door criterion)
)

func (e Effect) String() string {
	if e == Direct {
		return "direct"
	}
	return "total"
}

// ParseEffect reads "total" or "direct".
func ParseEffect(s string) (Effect, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "total", "":
		return Total, nil
	case "direct":
		return Direct, nil
	}
	return Total, fmt.Errorf("unknown effect %q (total or direct)", s)
}

// Adjustment is the answer to an adjustment query.
type Adjustment struct {
	Exposure, Outcome string
	Effect            Effect
	Include           []string   // nodes the caller required in every set
	Sets              [][]string // every minimal adjustment set: names sorted, sets sorted
	Canonical         []string   // the canonical set (sorted names): all admissible ancestors of exposure and outcome
	Truncated         bool       // Sets was cut at MaxSets
	Notes             []string   // how the graph was read (unrolling, zero effects)
}

// AdjustmentSets returns the minimal adjustment sets and the canonical set
// for the effect of x on y. When no set of observed nodes identifies the
// effect the error is a *NotIdentifiedError that says why.
func (m *Model) AdjustmentSets(x, y string, effect Effect) (sets [][]string, canonical []string, err error) {
	a, err := m.Adjust(x, y, effect, nil)
	if err != nil {
		return nil, nil, err
	}
	return a.Sets, a.Canonical, nil
}

// identification holds what one adjustment query works with.
type identification struct {
	g         *agraph // the analysis graph
	gp        *agraph // the graph the criterion separates in
	x, y      int
	effect    Effect
	forbidden []bool // descendants of x (total) or of y (direct)
	allowed   []bool // nodes a set may contain
}

func (m *Model) identification(x, y string, effect Effect, measured func(*Node) bool) (*identification, error) {
	g, err := m.analysis()
	if err != nil {
		return nil, err
	}
	return m.identificationOn(g, x, y, effect, measured)
}

// identificationOn is identification on an analysis graph already built.
func (m *Model) identificationOn(g *agraph, x, y string, effect Effect, measured func(*Node) bool) (*identification, error) {
	xv, yv, err := g.pair(x, y)
	if err != nil {
		return nil, err
	}
	id := &identification{g: g, x: xv, y: yv, effect: effect}
	switch effect {
	case Total:
		// Back-door criterion: Z has no descendant of x and blocks every
		// path from x to y in the graph without x's outgoing edges.
		id.gp = g.without(func(u, v int) bool { return u == xv })
		id.forbidden = g.descendants([]int{xv})
	case Direct:
		// Single-door criterion (Pearl, Causality, Thm 5.3.1): Z has no
		// descendant of y and blocks every path from x to y in the graph
		// without the edge x -> y.
		id.gp = g.without(func(u, v int) bool { return u == xv && v == yv })
		id.forbidden = g.descendants([]int{yv})
	default:
		return nil, fmt.Errorf("unknown effect %d", effect)
	}
	id.allowed = make([]bool, g.n())
	for v := range id.allowed {
		obs := !g.latent[v]
		if !g.hidden[v] && measured != nil {
			obs = measured(m.Nodes[g.base[v]])
		}
		id.allowed[v] = obs && !id.forbidden[v] && v != xv && v != yv
	}
	return id, nil
}

// Adjust answers an adjustment query: all minimal sets (each containing
// the nodes in include) and the canonical set for the total or direct
// effect of x on y. Latent nodes and implicit latent parents of bidirected
// edges are never in a set. For a lagged model the graph is unrolled (see
// UnrollNote) and names such as fear@t-1 are accepted. When no set exists
// the error is a *NotIdentifiedError naming a path that stays open.
func (m *Model) Adjust(x, y string, effect Effect, include []string) (*Adjustment, error) {
	id, err := m.identification(x, y, effect, nil)
	if err != nil {
		return nil, err
	}
	g := id.g
	inc, err := g.resolve(include)
	if err != nil {
		return nil, err
	}
	refuse := func(reason string, p Path) error {
		return &NotIdentifiedError{Exposure: x, Outcome: y, Effect: effect, Reason: reason, Path: p}
	}
	for _, v := range inc {
		switch {
		case v == id.x || v == id.y:
			return nil, fmt.Errorf("the set to include may not contain the exposure or the outcome (%s)", g.names[v])
		case g.latent[v]:
			return nil, fmt.Errorf("cannot adjust for %s: it is latent", g.names[v])
		case id.forbidden[v]:
			return nil, refuse(fmt.Sprintf("%s must be adjusted for but is a descendant of %s", g.names[v], g.names[pick(effect == Total, id.x, id.y)]), Path{})
		}
	}
	a := &Adjustment{Exposure: x, Outcome: y, Effect: effect, Include: g.nameList(inc)}
	if note := m.UnrollNote(); note != "" {
		a.Notes = append(a.Notes, note)
	}
	switch effect {
	case Total:
		if !g.descendants([]int{id.x})[id.y] {
			a.Notes = append(a.Notes, fmt.Sprintf("%s is not an ancestor of %s: the graph implies a total effect of zero", x, y))
		}
	case Direct:
		if !slices.Contains(g.ch[id.x], id.y) {
			a.Notes = append(a.Notes, fmt.Sprintf("there is no edge %s -> %s: the graph implies a direct effect of zero", x, y))
		}
	}
	anc := id.gp.ancestors(slices.Concat([]int{id.x, id.y}, inc))
	canon := slices.Clone(inc)
	for v := range anc {
		if anc[v] && id.allowed[v] && !slices.Contains(canon, v) {
			canon = append(canon, v)
		}
	}
	cm := g.mask(canon)
	if !id.gp.separated([]int{id.x}, []int{id.y}, cm) {
		seq := id.gp.openPath([]int{id.x}, []int{id.y}, cm)
		return nil, refuse(id.explain(seq, cm, inc), g.toPath(seq))
	}
	sets, truncated := id.gp.minimalSeparators([]int{id.x}, []int{id.y}, inc, id.allowed, MaxSets)
	for _, s := range sets {
		a.Sets = append(a.Sets, sortedNames(g, s))
	}
	slices.SortFunc(a.Sets, slices.Compare)
	a.Canonical = sortedNames(g, canon)
	a.Truncated = truncated
	return a, nil
}

func pick(c bool, a, b int) int {
	if c {
		return a
	}
	return b
}

func sortedNames(g *agraph, ids []int) []string {
	names := make([]string, 0, len(ids))
	for _, v := range ids {
		if !g.hidden[v] {
			names = append(names, g.names[v])
		}
	}
	slices.Sort(names)
	if names == nil {
		names = []string{}
	}
	return names
}

// explain says why the open path seq cannot be blocked by any admissible
// set: its non-colliders are latent or forbidden, or a collider on it is
// opened by a node that must be adjusted for.
func (id *identification) explain(seq []int, z []bool, inc []int) string {
	g := id.gp
	if seq == nil {
		return "no admissible set blocks every biasing path"
	}
	var zs []int
	for v, in := range z {
		if in {
			zs = append(zs, v)
		}
	}
	var why []string
	for i := 1; i+1 < len(seq); i++ {
		v := seq[i]
		collider := slices.Contains(g.pa[v], seq[i-1]) && slices.Contains(g.pa[v], seq[i+1])
		switch {
		case g.hidden[v] && g.arRes[v]:
			why = append(why, g.arExplain(v)) // ar_graph.go
		case g.hidden[v]:
			why = append(why, fmt.Sprintf("%s <-> %s is a latent common cause, which no observed set can block", g.names[g.spouse[v][0]], g.names[g.spouse[v][1]]))
		case collider:
			var opened []string
			desc := g.descendants([]int{v})
			for _, w := range zs {
				if desc[w] {
					opened = append(opened, g.names[w])
				}
			}
			msg := fmt.Sprintf("the collider %s is opened by adjusting for %s", g.names[v], strings.Join(opened, ", "))
			if len(inc) == 0 {
				msg += ", which blocking another path requires"
			}
			why = append(why, msg)
		case g.latent[v]:
			why = append(why, fmt.Sprintf("%s is latent, so it cannot be adjusted for", g.names[v]))
		case id.forbidden[v]:
			of := g.names[id.x]
			if id.effect == Direct {
				of = g.names[id.y]
			}
			why = append(why, fmt.Sprintf("%s is a descendant of %s, so adjusting for it would bias the estimate", g.names[v], of))
		}
	}
	if len(seq) == 2 {
		why = append(why, fmt.Sprintf("%s and %s are joined directly", g.display(seq[0]), g.display(seq[1])))
	}
	return fmt.Sprintf("the path %s stays open: %s", g.toPath(seq), strings.Join(why, "; "))
}

// IsAdjustmentSet reports whether z is a valid adjustment set for the
// effect of x on y; when it is not, reason says why (a forbidden or latent
// member, or a path z leaves open).
func (m *Model) IsAdjustmentSet(x, y string, z []string, effect Effect) (ok bool, reason string, err error) {
	id, err := m.identification(x, y, effect, nil)
	if err != nil {
		return false, "", err
	}
	return id.check(z)
}

func (id *identification) check(z []string) (bool, string, error) {
	g := id.g
	zs, err := g.resolve(z)
	if err != nil {
		return false, "", err
	}
	for _, v := range zs {
		switch {
		case v == id.x || v == id.y:
			return false, "", fmt.Errorf("the set may not contain the exposure or the outcome (%s)", g.names[v])
		case !id.allowed[v] && g.latent[v]:
			return false, fmt.Sprintf("%s is latent", g.names[v]), nil
		case !id.allowed[v]:
			of := g.names[id.x]
			if id.effect == Direct {
				of = g.names[id.y]
			}
			return false, fmt.Sprintf("%s is a descendant of %s", g.names[v], of), nil
		}
	}
	zm := g.mask(zs)
	if id.gp.separated([]int{id.x}, []int{id.y}, zm) {
		return true, "", nil
	}
	return false, "the path " + g.toPath(id.gp.openPath([]int{id.x}, []int{id.y}, zm)).String() + " stays open", nil
}

// EdgeIdentified reports whether the strength of the directed edge e can be
// read as a causal effect when its child's equation conditions on the
// child's other parents (the single-door criterion with Z = the other
// parents that estimation can condition on). Latent nodes that have
// indicators count as measured, since estimation models them; latent nodes
// without indicators and implicit latent parents (bidirected edges) do
// not. When it is not identified, reason names a path that stays open.
func (m *Model) EdgeIdentified(e *Edge) (ok bool, reason string, err error) {
	s, err := m.Structure()
	if err != nil {
		return false, "", err
	}
	return s.EdgeIdentified(e)
}

// EdgeIdentified is Model.EdgeIdentified on the snapshot: checking every
// edge of a large model this way builds its graph once.
func (s *Structure) EdgeIdentified(e *Edge) (ok bool, reason string, err error) {
	if e.Kind != Directed {
		return false, "", fmt.Errorf("edge %s is not directed", e)
	}
	// The common case needs no search: when the parent, the child and the
	// child's other parents are all measured and none of those parents is
	// the hidden parent of a bidirected edge, the other parents block every
	// path but the edge (a path into the child ends through one of them, a
	// non-collider; a path out of the child needs a collider among its
	// descendants, none of which is conditioned on).
	g, m := s.g, s.g.model
	xv, yv, err := g.pair(sliceName(e.From, e.Lag), e.To)
	if err != nil {
		return false, "", err
	}
	measured := func(v int) bool {
		n := m.Nodes[g.base[v]]
		return !n.Latent || len(n.Indicators) > 0
	}
	for _, v := range []int{xv, yv} {
		if !measured(v) {
			return false, fmt.Sprintf("%s is latent without indicators: the data cannot inform its edges", m.Nodes[g.base[v]].Name), nil
		}
	}
	if slices.Contains(g.pa[yv], xv) {
		plain := true
		for _, p := range g.pa[yv] {
			if p != xv && (g.hidden[p] || !measured(p)) {
				plain = false
				break
			}
		}
		if plain {
			return true, "", nil
		}
	}
	return s.edgeIdentifiedSearch(e)
}

// edgeIdentifiedSearch is EdgeIdentified by the single-door search.
func (s *Structure) edgeIdentifiedSearch(e *Edge) (ok bool, reason string, err error) {
	m := s.g.model
	x := sliceName(e.From, e.Lag)
	measured := func(n *Node) bool { return !n.Latent || len(n.Indicators) > 0 }
	g0 := s.g
	if yv, ok := g0.index[e.To]; ok {
		g0 = g0.arCut(yv) // the fit conditions on the previous residual (ar_graph.go)
	}
	id, err := m.identificationOn(g0, x, e.To, Direct, measured)
	if err != nil {
		return false, "", err
	}
	g := id.g
	for _, v := range []int{id.x, id.y} {
		if n := m.Nodes[g.base[v]]; !measured(n) {
			return false, fmt.Sprintf("%s is latent without indicators: the data cannot inform its edges", n.Name), nil
		}
	}
	var z, unmeasured []string
	for _, p := range g.pa[id.y] {
		switch {
		case p == id.x:
		case g.hidden[p]:
			unmeasured = append(unmeasured, fmt.Sprintf("%s <-> %s", g.names[g.spouse[p][0]], g.names[g.spouse[p][1]]))
		case !id.allowed[p]:
			unmeasured = append(unmeasured, g.names[p]+" (latent, no indicators)")
		default:
			z = append(z, g.names[p])
		}
	}
	ok, reason, err = id.check(z)
	if !ok && err == nil && len(unmeasured) > 0 {
		reason += "; the equation of " + e.To + " cannot condition on " + strings.Join(unmeasured, ", ")
	}
	return ok, reason, err
}
