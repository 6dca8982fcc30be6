package model

import (
	"slices"
	"strings"
	"testing"

	"dilemma/data"
)

func TestBuiltins(t *testing.T) {
	if !slices.Equal(BuiltinNames(), []string{"fig1", "fig2", "fig2-remedies"}) {
		t.Fatalf("built-ins %v", BuiltinNames())
	}
	p, err := data.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range BuiltinNames() {
		m, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		if BuiltinSummary(name) == "" {
			t.Errorf("%s: no summary", name)
		}
		a := m.Node("anarchy")
		if a == nil || !a.Fixed() || a.Role != "root" || len(m.In("anarchy")) != 0 {
			t.Errorf("%s: anarchy must be a fixed root: %+v", name, a)
		}
		outcomes := m.Outcomes()
		if len(outcomes) != 1 || m.Node(outcomes[0]).Role != "outcome" {
			t.Errorf("%s: outcomes %v", name, outcomes)
		}
		for _, n := range m.Nodes {
			if n.Quality == "" {
				t.Errorf("%s: node %s has no quality grade", name, n.Name)
			}
			if (n.Quality == "none") != (!n.HasData()) {
				t.Errorf("%s: node %s: quality %q but data %v", name, n.Name, n.Quality, n.HasData())
			}
			if n.Column != "" {
				if _, err := p.Transform(n.Column, n.Transform); err != nil {
					t.Errorf("%s: node %s: %v", name, n.Name, err)
				}
			}
			for _, c := range n.Indicators {
				if !p.Has(c) {
					t.Errorf("%s: node %s: indicator %s not in the panel", name, n.Name, c)
				}
			}
		}
		for _, e := range m.Edges {
			if e.Sign == 0 {
				t.Errorf("%s: edge %s has no expected sign", name, e)
			}
		}
	}
}

// TestFig2RemediesExtendsFig2 checks that fig2-remedies is fig2 plus the
// remedies: every node and edge of fig2 with the same settings, plus three
// remedy nodes whose edges all carry sign "-".
func TestFig2RemediesExtendsFig2(t *testing.T) {
	f2, _ := Builtin("fig2")
	fr, _ := Builtin("fig2-remedies")
	n2, nr := normalized(f2), normalized(fr)
	for _, n := range n2.Nodes {
		var other *Node
		for _, o := range nr.Nodes {
			if o.Name == n.Name {
				other = o
			}
		}
		if other == nil || diffModels(&Model{Nodes: []*Node{n}}, &Model{Nodes: []*Node{other}}) != "" {
			t.Errorf("node %s differs: %+v vs %+v", n.Name, n, other)
		}
	}
	for _, e := range n2.Edges {
		o := fr.Edge(e.From, e.To, e.Kind, e.Lag)
		if o == nil || o.Sign != e.Sign {
			t.Errorf("edge %s missing or different", e)
		}
	}
	rem := fr.Remedies()
	if !slices.Equal(rem, []string{"goodwill_signals", "external_mechanism", "interaction_density"}) {
		t.Errorf("remedies %v", rem)
	}
	var remEdges []string
	for _, r := range rem {
		for _, e := range fr.Out(r) {
			if e.Sign != -1 {
				t.Errorf("remedy edge %s: sign %d", e, e.Sign)
			}
			remEdges = append(remEdges, e.String())
		}
	}
	want := []string{"goodwill_signals -> intent_uncertainty", "external_mechanism -> authority_deficit",
		"external_mechanism -> unilateralism", "interaction_density -> intent_uncertainty", "interaction_density -> dilemma"}
	if !slices.Equal(remEdges, want) {
		t.Errorf("remedy edges %v", remEdges)
	}
	if len(fr.Edges) != len(f2.Edges)+5 || len(fr.Nodes) != len(f2.Nodes)+3 {
		t.Errorf("fig2-remedies has extra structure")
	}
}

// TestBuiltinGraphs pins the figures' edges as DESIGN.md reads them.
func TestBuiltinGraphs(t *testing.T) {
	want := map[string]string{
		"fig1": "anarchy -> intent_uncertainty; anarchy -> self_help; self_help -> fear; intent_uncertainty -> fear; " +
			"misperception -> fear; fear -> countermeasures; countermeasures -> insecurity; countermeasures -> fear [lag=1]",
		"fig2": "anarchy -> authority_deficit; anarchy -> intent_uncertainty; authority_deficit -> intent_uncertainty; " +
			"authority_deficit -> unilateralism; threat -> fear; unequal_exposure -> intent_uncertainty; " +
			"unequal_exposure -> unilateralism; intent_uncertainty -> fear; intent_uncertainty -> unilateralism; " +
			"fear -> unilateralism; unilateralism -> dilemma; peer_unilateralism -> fear [lag=1]",
	}
	for name, w := range want {
		m, _ := Builtin(name)
		var got []string
		for _, e := range m.Edges {
			got = append(got, e.String())
		}
		if strings.Join(got, "; ") != w {
			t.Errorf("%s edges:\n%s\nwant\n%s", name, strings.Join(got, "; "), w)
		}
	}
}

func TestLoad(t *testing.T) {
	m, err := Load("fig2")
	if err != nil || m.Name != "fig2" {
		t.Fatalf("Load(fig2): %v", err)
	}
	if _, err := Load("fig9"); err == nil || !strings.Contains(err.Error(), "fig2-remedies") {
		t.Errorf("Load(fig9): %v", err)
	}
	if _, err := Load("testdata/missing.dag"); err == nil {
		t.Error("missing file accepted")
	}
	m, err = Load("testdata/spiral.dag")
	if err != nil || len(m.Nodes) == 0 {
		t.Fatalf("Load(testdata/spiral.dag): %v", err)
	}
}
