package model

import (
	"fmt"
	"sort"
	"strings"
)

// ModeratorEdge returns the edge through which e's moderator enters e's
// child: the directed edge Moderator -> To (its lag is the lag at which
// the moderator's value is read). nil when e has no moderator or the model
// has no such edge (Validate refuses that).
func (m *Model) ModeratorEdge(e *Edge) *Edge {
	if e.Moderator == "" {
		return nil
	}
	for _, p := range m.In(e.To) {
		if p.Kind == Directed && p.From == e.Moderator {
			return p
		}
	}
	return nil
}

// validateModerators checks every moderator= of the model: the moderator
// is a node, is not the edge's own parent, and is a parent of the edge's
// child through exactly one edge (whose lag says which period's value
// moderates).
func (m *Model) validateModerators() error {
	for _, e := range m.Edges {
		if e.Moderator == "" {
			if e.ModeratorPrior != nil {
				return errAt(m.Name, e.attrPos("moderator_prior"), "edge %s: moderator_prior without moderator=\"NODE\"", e)
			}
			continue
		}
		at := e.attrPos("moderator")
		z := e.Moderator
		if e.Kind != Directed {
			return errAt(m.Name, at, "edge %s: a bidirected edge has no strength, so no moderator", e)
		}
		if m.Node(z) == nil {
			names := make([]string, 0, len(m.Nodes))
			for _, n := range m.Nodes {
				names = append(names, n.Name)
			}
			msg := fmt.Sprintf("edge %s: moderator %q is not a node of the model", e, z)
			if c := Closest(z, names); c != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", c)
			}
			return errAt(m.Name, at, "%s", msg)
		}
		if z == e.From {
			return errAt(m.Name, at, "edge %s: the moderator is the edge's own parent %s; a moderator is another parent of %s (x·x would be a quadratic term, not moderation)", e, z, e.To)
		}
		var lags []string
		for _, p := range m.In(e.To) {
			if p.Kind == Directed && p.From == z {
				lags = append(lags, fmt.Sprint(p.Lag))
			}
		}
		switch {
		case len(lags) == 0:
			return errAt(m.Name, at, "edge %s: moderator %s is not a parent of %s; add the edge %s -> %s (moderation adds c·%s·%s to the equation of %s, beside %s's own effect)", e, z, e.To, z, e.To, e.From, z, e.To, z)
		case len(lags) > 1:
			sort.Strings(lags)
			return errAt(m.Name, at, "edge %s: moderator %s enters %s at lags %s, and moderator= cannot say which value moderates; keep one edge %s -> %s", e, z, e.To, strings.Join(lags, " and "), z, e.To)
		}
	}
	return nil
}
