package model

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDSeparationKnown(t *testing.T) {
	cases := []struct {
		src       string
		x, y, z   []string
		separated bool
		path      string
	}{
		{"a -> b -> c", []string{"a"}, []string{"c"}, nil, false, "a -> b -> c"},
		{"a -> b -> c", []string{"a"}, []string{"c"}, []string{"b"}, true, ""},
		{"a <- b -> c", []string{"a"}, []string{"c"}, nil, false, "a <- b -> c"},
		{"a <- b -> c", []string{"a"}, []string{"c"}, []string{"b"}, true, ""},
		{"a -> b <- c", []string{"a"}, []string{"c"}, nil, true, ""},
		{"a -> b <- c", []string{"a"}, []string{"c"}, []string{"b"}, false, "a -> b <- c"},
		// Conditioning on a descendant of a collider opens it.
		{"a -> b <- c; b -> d", []string{"a"}, []string{"c"}, []string{"d"}, false, "a -> b <- c"},
		// A bidirected edge is a latent common cause.
		{"a <-> b", []string{"a"}, []string{"b"}, nil, false, "a <-> b"},
		{"a <-> b -> c", []string{"a"}, []string{"c"}, []string{"b"}, true, ""},
		{"a <-> b <-> c", []string{"a"}, []string{"c"}, nil, true, ""},
		{"a <-> b <-> c", []string{"a"}, []string{"c"}, []string{"b"}, false, "a <-> b <-> c"},
		// Sets on each side.
		{"a -> c; b -> c; c -> d", []string{"a", "b"}, []string{"d"}, []string{"c"}, true, ""},
		{"a -> c; b -> c; c -> d; b -> d", []string{"a", "b"}, []string{"d"}, []string{"c"}, false, "b -> d"},
		// The shortest open path is reported.
		{"x -> m1 -> m2 -> m3 -> y; x -> y", []string{"x"}, []string{"y"}, nil, false, "x -> y"},
		// Lagged spiral: fear[t] and countermeasures[t-1].
		{"fear -> cm; cm -> fear [lag=1]", []string{"fear"}, []string{"cm@t-1"}, nil, false, "fear <- cm@t-1"},
		{"fear -> cm; cm -> fear [lag=1]", []string{"cm"}, []string{"cm@t-1"}, []string{"fear"}, true, ""},
		{"fear -> cm; cm -> fear [lag=1]", []string{"cm"}, []string{"fear@t-1"}, nil, false, "cm <- fear <- cm@t-1 <- fear@t-1"},
	}
	for _, c := range cases {
		m := mustParse(t, c.src)
		sep, p, err := m.DSeparated(c.x, c.y, c.z)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if sep != c.separated || p.String() != c.path {
			t.Errorf("%s: %v ⟂ %v | %v: got %v %q, want %v %q", c.src, c.x, c.y, c.z, sep, p, c.separated, c.path)
		}
	}
}

func TestDSeparationErrors(t *testing.T) {
	m := mustParse(t, "fear -> unilateralism; peer -> fear [lag=1]")
	_, _, err := m.DSeparated([]string{"feer"}, []string{"unilateralism"}, nil)
	var un *UnknownNodeError
	if !errors.As(err, &un) || un.Name != "feer" || !strings.Contains(err.Error(), `did you mean "fear"`) {
		t.Errorf("unknown node: %v", err)
	}
	_, _, err = m.DSeparated([]string{"fear@t-2"}, []string{"unilateralism"}, nil)
	if !errors.As(err, &un) || !strings.Contains(err.Error(), "fear@t-1") {
		t.Errorf("unknown slice: %v", err)
	}
	if _, _, err = m.DSeparated([]string{"fear"}, []string{"fear"}, nil); err == nil {
		t.Error("same node on both sides accepted")
	}
	if _, _, err = m.DSeparated([]string{"fear"}, []string{"peer"}, []string{"fear"}); err == nil {
		t.Error("tested node in the conditioning set accepted")
	}
	if _, _, err = m.DSeparated(nil, []string{"peer"}, nil); err == nil {
		t.Error("empty side accepted")
	}
}

func TestStructureFig2(t *testing.T) {
	m, err := Builtin("fig2")
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got []string, err error, want ...string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}
	got, err := m.Parents("fear")
	check("parents of fear", got, err, "intent_uncertainty", "threat", "peer_unilateralism@t-1")
	got, err = m.Children("intent_uncertainty")
	check("children of intent_uncertainty", got, err, "fear", "unilateralism")
	got, err = m.Descendants("threat")
	check("descendants of threat", got, err, "fear", "unilateralism", "dilemma")
	got, err = m.Ancestors("fear")
	check("ancestors of fear", got, err, "anarchy", "authority_deficit", "intent_uncertainty", "threat", "unequal_exposure", "peer_unilateralism@t-1")
	got, err = m.MarkovBlanket("fear")
	check("Markov blanket of fear", got, err, "intent_uncertainty", "threat", "peer_unilateralism@t-1", "unilateralism",
		"authority_deficit", "unequal_exposure")
	got, err = m.Ancestors("peer_unilateralism@t-1")
	check("ancestors of peer_unilateralism@t-1", got, err)

	paths, trunc, err := m.DirectedPaths("unequal_exposure", "dilemma")
	var ps []string
	for _, p := range paths {
		ps = append(ps, p.String())
	}
	check("directed paths", ps, err,
		"unequal_exposure -> intent_uncertainty -> fear -> unilateralism -> dilemma",
		"unequal_exposure -> intent_uncertainty -> unilateralism -> dilemma",
		"unequal_exposure -> unilateralism -> dilemma")
	if trunc {
		t.Error("truncated")
	}

	bps, _, err := m.BackdoorPaths("fear", "unilateralism", []string{"threat"})
	if err != nil {
		t.Fatal(err)
	}
	var open, blocked []string
	for _, p := range bps {
		if p.Open {
			open = append(open, p.String())
		} else {
			blocked = append(blocked, p.String()+" | "+p.BlockedBy)
		}
	}
	check("open back-door paths", open, nil,
		"fear <- intent_uncertainty -> unilateralism",
		"fear <- intent_uncertainty <- anarchy -> authority_deficit -> unilateralism",
		"fear <- intent_uncertainty <- authority_deficit -> unilateralism",
		"fear <- intent_uncertainty <- unequal_exposure -> unilateralism")
	if len(blocked) != 0 {
		t.Errorf("blocked: %v", blocked)
	}
	bps, _, err = m.BackdoorPaths("unilateralism", "dilemma", []string{"fear"})
	if err != nil || len(bps) != 0 {
		t.Errorf("unilateralism has no back-door path to dilemma: %v %v", bps, err)
	}
}

func TestBidirectedStructure(t *testing.T) {
	m := mustParse(t, "a -> b; b <-> c; c -> d")
	sp, err := m.Spouses("b")
	if err != nil || !slices.Equal(sp, []string{"c"}) {
		t.Errorf("spouses %v %v", sp, err)
	}
	mb, _ := m.MarkovBlanket("a")
	if !slices.Equal(mb, []string{"b", "c"}) {
		t.Errorf("Markov blanket of a: %v", mb)
	}
	pa, _ := m.Parents("b")
	if !slices.Equal(pa, []string{"a"}) {
		t.Errorf("parents of b: %v", pa)
	}
}

func TestTopoOrder(t *testing.T) {
	m := mustParse(t, "c -> a; b; a -> d; b -> d; d -> e [lag=1]; e -> c [lag=1]")
	order, err := m.TopoOrder()
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, n := range order {
		pos[n] = i
	}
	for _, e := range m.Edges {
		if e.Lag == 0 && pos[e.From] > pos[e.To] {
			t.Errorf("order %v puts %s after %s", order, e.From, e.To)
		}
	}
	if len(order) != 5 {
		t.Errorf("order %v", order)
	}
}
