package model

import (
	"fmt"
	"slices"
	"strings"
)

// NodeAttributes lists the node attributes this package reads.
func NodeAttributes() []string {
	a := []string{"exposure", "outcome", "latent", "pos", "label", "column", "transform", "family", "role", "quality", "indicators", "unit_effects", "time_effects", "ar", "missing"}
	for _, k := range NodePriorKeys() {
		a = append(a, "prior_"+k)
	}
	return a
}

// EdgeAttributes lists the edge attributes this package reads.
func EdgeAttributes() []string {
	return []string{"lag", "sign", "prior", "moderator", "moderator_prior", "varies", "varies_prior"}
}

// DagittyAttributes are attributes of dagitty's own that this package keeps
// and writes back without reading them: on nodes adjusted and selected, on
// edges pos (a curved edge's control point) and beta (the path coefficient
// dagitty's simulateSEM reads).
var DagittyAttributes = struct{ Node, Edge []string }{
	Node: []string{"adjusted", "selected"},
	Edge: []string{"pos", "beta"},
}

// Lint is an attribute of a model file that neither this package nor
// dagitty reads. It is kept and written back, but is often a typo
// (transfrom=, famliy=, lags=) that silently changes the model.
type Lint struct {
	File    string
	At      Position
	On      string // "node a" or "edge a -> b"
	Key     string // the attribute as written
	Suggest string // a known attribute it is close to ("" when none)
	Other   bool   // Suggest is known on the other kind of element (an edge attribute on a node, or vice versa)
}

// Close reports whether the attribute is close to a known one: a likely
// typo, worth a warning even without --strict.
func (l *Lint) Close() bool { return l.Suggest != "" }

// Error reads "file:line:col: node a: unknown attribute "transfrom" (did
// you mean transform?)".
func (l *Lint) Error() string {
	msg := fmt.Sprintf("%s: unknown attribute %q", l.On, l.Key)
	switch {
	case l.Suggest != "" && l.Other && l.Suggest == l.Key:
		kind := "an edge"
		if strings.HasPrefix(l.On, "edge") {
			kind = "a node"
		}
		msg = fmt.Sprintf("%s: %s is %s attribute, not read here", l.On, l.Key, kind)
	case l.Suggest != "" && l.Other:
		kind := "an edge"
		if strings.HasPrefix(l.On, "edge") {
			kind = "a node"
		}
		msg += fmt.Sprintf(" (did you mean %s? it is %s attribute)", l.Suggest, kind)
	case l.Suggest != "":
		msg += fmt.Sprintf(" (did you mean %s?)", l.Suggest)
	default:
		msg += " (neither dilemma nor dagitty reads it; it is kept and written back)"
	}
	return (&Error{File: l.File, Line: l.At.Line, Col: l.At.Col, Msg: msg}).Error()
}

// Lint lists the attributes of m's nodes and edges that neither this
// package nor dagitty reads, in file order, each with the known attribute
// it is close to, if any: equal ignoring case, or within an edit distance
// (a swap of two neighbouring letters counting as one edit) of 1 (keys of
// up to 4 letters) or 2 (longer keys), on the same kind of
// element or else on the other (lag is an edge attribute, so lags on a
// node suggests it). Commands print the close ones as warnings, and with
// --strict refuse every one.
func (m *Model) Lint() []*Lint {
	var out []*Lint
	node, edge := NodeAttributes(), EdgeAttributes()
	for _, n := range m.Nodes {
		for _, a := range n.Attrs {
			if slices.Contains(DagittyAttributes.Node, a.Key) {
				continue
			}
			l := &Lint{File: m.Name, At: n.attrPos(a.Key), On: "node " + n.Name, Key: a.Key}
			if l.Suggest = closeAttr(a.Key, node); l.Suggest == "" {
				l.Suggest, l.Other = closeAttr(a.Key, edge), true
			}
			out = append(out, l)
		}
	}
	for _, e := range m.Edges {
		for _, a := range e.Attrs {
			if slices.Contains(DagittyAttributes.Edge, a.Key) {
				continue
			}
			l := &Lint{File: m.Name, At: e.attrPos(a.Key), On: "edge " + e.String(), Key: a.Key}
			if l.Suggest = closeAttr(a.Key, edge); l.Suggest == "" {
				l.Suggest, l.Other = closeAttr(a.Key, node), true
			}
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(a, b *Lint) int {
		if a.At.Line != b.At.Line {
			return a.At.Line - b.At.Line
		}
		return a.At.Col - b.At.Col
	})
	return out
}

// closeAttr returns the known attribute nearest to key if it is a likely
// typo of it, else "".
func closeAttr(key string, known []string) string {
	lk := strings.ToLower(key)
	limit := 2
	if len([]rune(lk)) <= 4 {
		limit = 1
	}
	best, bestD := "", limit+1
	for _, k := range known {
		if lk == k {
			return k
		}
		if d := osaDistance(lk, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// osaDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of two neighbouring letters each count
// one (so "transfrom" is one edit from "transform").
func osaDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
