package model

import (
	"strings"
	"testing"
)

func TestEdgeIdentified(t *testing.T) {
	m := mustParse(t, `
		l [latent]; u [latent, indicators="c1,c2"]
		a -> b; c -> b; a -> c       # a confounds c -> b; a is b's parent, so conditioned on
		l -> d; l -> e; d -> e       # d -> e confounded by a latent without indicators
		u -> f; u -> g; f -> g       # confounded by a latent with indicators: measured
		h -> i; h <-> i              # a bidirected edge
		j -> k; k -> j [lag=1]; k -> k [lag=1]
	`)
	want := map[string]string{
		"a -> b":         "",
		"c -> b":         "",
		"a -> c":         "",
		"l -> d":         "l is latent without indicators",
		"l -> e":         "l is latent without indicators",
		"d -> e":         "d <- l -> e",
		"u -> f":         "",
		"u -> g":         "",
		"f -> g":         "",
		"h -> i":         "h <-> i",
		"j -> k":         "",
		"k -> j [lag=1]": "",
		"k -> k [lag=1]": "",
	}
	for _, e := range m.Edges {
		if e.Kind != Directed {
			continue
		}
		ok, reason, err := m.EdgeIdentified(e)
		if err != nil {
			t.Fatal(err)
		}
		w, known := want[e.String()]
		if !known {
			t.Fatalf("unexpected edge %s", e)
		}
		if ok != (w == "") || (w != "" && !strings.Contains(reason, w)) {
			t.Errorf("%s: identified %v, reason %q; want path %q", e, ok, reason, w)
		}
	}
	f2, _ := Builtin("fig2")
	e := f2.Edge("unequal_exposure", "unilateralism", Directed, 0)
	ok, reason, _ := f2.EdgeIdentified(e)
	if ok || !strings.Contains(reason, "authority_deficit (latent, no indicators)") {
		t.Errorf("fig2 %s: %v %q", e, ok, reason)
	}
}
