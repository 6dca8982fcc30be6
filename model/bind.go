package model

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"dilemma/data"
)

// BindKind says how a node gets its data.
type BindKind int

// How a node is bound to data.
const (
	// BindNone: the node has no data (a fixed root, or a latent node
	// without indicators). It stays in the graph and in identification.
	BindNone BindKind = iota
	// BindColumn: the node names its column with column="…".
	BindColumn
	// BindSameName: the node has no column= and the data have a column of
	// the node's name.
	BindSameName
	// BindIndicators: a latent node measured through its indicators.
	BindIndicators
)

// Binding is how one node of a model reads the data.
type Binding struct {
	Node       string
	Kind       BindKind
	Column     string   // BindColumn and BindSameName
	Transform  string   // the node's transform pipeline, if any
	Indicators []string // BindIndicators
	Why        string   // BindNone: why the node has no data
}

// String describes the binding in one line, e.g.
// `a: column "a" (same name)`.
func (b Binding) String() string {
	tr := ""
	if b.Transform != "" {
		tr = ", transform " + b.Transform
	}
	switch b.Kind {
	case BindColumn:
		return fmt.Sprintf("%s: column %q (column=)%s", b.Node, b.Column, tr)
	case BindSameName:
		return fmt.Sprintf("%s: column %q (same name)%s", b.Node, b.Column, tr)
	case BindIndicators:
		return fmt.Sprintf("%s: latent, indicators %s", b.Node, strings.Join(b.Indicators, ", "))
	}
	return fmt.Sprintf("%s: no data (%s)", b.Node, b.Why)
}

// Bind ties m to a data set with the given columns (the unit and time keys
// left out; source names the data in messages). A node with column="…"
// reads that column; a node without one reads the column of its own name
// when there is one (so a plain dagitty graph whose node names are the
// data's column names binds as it is); a latent node reads its indicators.
// A node with none of these is a fixed root (role="root") or a latent node
// without indicators, kept for identification; any other node is an error
// that lists the nearest column names.
//
// Bind also refuses, with the node and column named: a column, indicator
// or peer-mean group absent from the data; two nodes that read the same
// column through the same transform up to standardize/center (their edge
// would fit perfectly: strength 1, sd 0), or a column that is both a
// node's data and an indicator, or an indicator of two latent nodes.
//
// It returns a copy of m with the same-name columns filled in (m is not
// changed) and one Binding per node, in declaration order.
func (m *Model) Bind(columns []string, source string) (*Model, []Binding, error) {
	return m.bind(columns, source, true, nil)
}

// BindPanel is Bind on the columns of p other than its unit and time keys
// (a node named after a key is told that it names a key, not a variable).
func (m *Model) BindPanel(p *data.Panel) (*Model, []Binding, error) {
	return m.bind(panelColumns(p), p.Name, true, panelKeys(p))
}

// panelKeys returns p's unit and time key columns (none for a
// cross-section).
func panelKeys(p *data.Panel) []string {
	if !p.IsPanel() {
		return nil
	}
	return []string{p.UnitKey, p.TimeKey}
}

// panelColumns returns p's columns without the unit and time keys.
func panelColumns(p *data.Panel) []string {
	var cols []string
	for _, c := range p.Columns() {
		if c != p.UnitKey && c != p.TimeKey {
			cols = append(cols, c)
		}
	}
	return cols
}

// bind is Bind; with strict false a node whose data are absent is bound to
// nothing (BindNone, Why saying what is missing) instead of an error, for
// analyses that skip what they cannot test.
func (m *Model) bind(columns []string, source string, strict bool, keys []string) (*Model, []Binding, error) {
	has := make(map[string]bool, len(columns))
	for _, c := range columns {
		has[c] = true
	}
	missing := func(n *Node, col, what string) error {
		if slices.Contains(keys, col) {
			return errAt(m.Name, n.At, "node %s: %s %q is a unit or time key of %s, not a variable", n.Name, what, col, source)
		}
		msg := fmt.Sprintf("node %s: %s %q is not in %s", n.Name, what, col, source)
		return errAt(m.Name, n.At, "%s%s", msg, nearestHint(col, columns))
	}
	bm := m.Clone()
	var out []Binding
nodes:
	for i, n := range m.Nodes {
		b := Binding{Node: n.Name, Transform: n.Transform}
		fail := func(err error) error {
			if strict {
				return err
			}
			bm.Nodes[i].Column, bm.Nodes[i].Indicators = "", nil
			b.Kind, b.Column, b.Indicators, b.Why = BindNone, "", nil, err.(*Error).Msg
			out = append(out, b)
			return nil
		}
		switch {
		case n.Latent && len(n.Indicators) > 0:
			b.Kind, b.Indicators = BindIndicators, n.Indicators
			for _, c := range n.Indicators {
				if !has[c] {
					if err := fail(missing(n, c, "indicator column")); err != nil {
						return nil, nil, err
					}
					continue nodes
				}
			}
		case n.Latent:
			b.Kind, b.Why = BindNone, "latent without indicators, kept for identification"
		case n.Column != "":
			b.Kind, b.Column = BindColumn, n.Column
			if !has[n.Column] {
				if err := fail(missing(n, n.Column, "column")); err != nil {
					return nil, nil, err
				}
				continue nodes
			}
		case has[n.Name]:
			b.Kind, b.Column = BindSameName, n.Name
			bm.Nodes[i].Column = n.Name
		case n.Role == "root" && n.Transform == "":
			b.Kind, b.Why = BindNone, "a fixed root, constant across units and periods"
		case slices.Contains(keys, n.Name):
			err := errAt(m.Name, n.At, "node %s has no data: %q is a unit or time key of %s, not a variable; give the node column=\"…\", or rename it", n.Name, n.Name, source)
			if err := fail(err); err != nil {
				return nil, nil, err
			}
			continue nodes
		default:
			err := errAt(m.Name, n.At, "node %s has no data: no column= and no column %q in %s%s; give it column=\"…\", mark it [latent] with indicators=\"…\", or role=\"root\" for a constant",
				n.Name, n.Name, source, nearestHint(n.Name, columns))
			if err := fail(err); err != nil {
				return nil, nil, err
			}
			continue nodes
		}
		if t, err := data.ParseTransform(n.Transform); err == nil {
			for _, g := range t.Groups() {
				if !has[g] {
					if err := fail(missing(n, g, "peer_mean group column")); err != nil {
						return nil, nil, err
					}
					continue nodes
				}
			}
		}
		out = append(out, b)
	}
	if err := m.checkShared(out); err != nil {
		return nil, nil, err
	}
	return bm, out, nil
}

// checkShared refuses two nodes reading the same data.
func (m *Model) checkShared(bs []Binding) error {
	type user struct {
		node      string
		indicator bool
	}
	seen := map[string]user{}
	for _, b := range bs {
		var keys []string
		var isInd bool
		switch b.Kind {
		case BindColumn, BindSameName:
			keys = []string{b.Column + "\x00" + nonAffine(b.Transform)}
		case BindIndicators:
			isInd = true
			for _, c := range b.Indicators {
				keys = append(keys, c+"\x00")
			}
		}
		for _, k := range keys {
			col, _, _ := strings.Cut(k, "\x00")
			prev, dup := seen[k]
			if !dup {
				seen[k] = user{b.Node, isInd}
				continue
			}
			n := m.Node(b.Node)
			switch {
			case prev.indicator && isInd:
				return errAt(m.Name, n.attrPos("indicators"), "column %q is an indicator of both %s and %s: one column measures one node; give each latent node its own indicators", col, prev.node, b.Node)
			case prev.indicator || isInd:
				obs, lat := b.Node, prev.node
				if isInd {
					obs, lat = prev.node, b.Node
				}
				return errAt(m.Name, n.At, "column %q is both node %s's data and an indicator of %s: the same data would count twice; drop it from the indicators or give %s another column", col, obs, lat, obs)
			}
			at := n.At
			if b.Kind == BindColumn {
				at = n.attrPos("column")
			}
			return errAt(m.Name, at, "nodes %s and %s both read column %q (up to standardize/center): the same data twice makes an edge between them a perfect fit (strength 1, sd 0); give one its own column, or a transform that changes it (lag, diff, peer_mean, log)", prev.node, b.Node, col)
		}
	}
	return nil
}

// nonAffine returns the transform pipeline without its affine steps
// (standardize, center), which leave a column perfectly correlated with
// itself.
func nonAffine(spec string) string {
	var keep []string
	for _, s := range strings.Split(spec, "|") {
		s = strings.TrimSpace(s)
		switch s {
		case "", "identity", "none", "standardize", "standardise", "z", "center", "centre":
			continue
		}
		keep = append(keep, strings.ReplaceAll(s, " ", ""))
	}
	return strings.Join(keep, "|")
}

// nearestHint is " (nearest: a, b, c)" or "" when no column is near name.
func nearestHint(name string, columns []string) string {
	if near := NearestNames(name, columns, 3); len(near) > 0 {
		return " (nearest: " + strings.Join(near, ", ") + ")"
	}
	return ""
}

// NearestNames returns up to k candidates close to s, best first: equal
// ignoring case; then likely typos, within an edit distance of 1 (names of
// up to 4 letters) or max(2, len(s)/3) ignoring case (a swap of
// neighbouring letters is one edit);
// then names containing s or contained in it (ignoring case, at least 3
// letters). Ties go by edit distance, then by name.
func NearestNames(s string, candidates []string, k int) []string {
	ls := strings.ToLower(s)
	type cand struct {
		name  string
		score int
		dist  int
	}
	limit := max(2, len([]rune(s))/3)
	if len([]rune(s)) <= 4 {
		limit = 1
	}
	var cs []cand
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := osaDistance(ls, lc)
		short := min(len([]rune(ls)), len([]rune(lc)))
		switch {
		case lc == ls:
			cs = append(cs, cand{c, 0, d})
		case d <= limit:
			cs = append(cs, cand{c, 1, d})
		case short >= 3 && (strings.Contains(lc, ls) || strings.Contains(ls, lc)):
			cs = append(cs, cand{c, 2, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].score != cs[j].score {
			return cs[i].score < cs[j].score
		}
		if cs[i].dist != cs[j].dist {
			return cs[i].dist < cs[j].dist
		}
		return cs[i].name < cs[j].name
	})
	var out []string
	for _, c := range cs {
		if len(out) == k {
			break
		}
		out = append(out, c.name)
	}
	return out
}
