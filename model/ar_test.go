package model

import (
	"strings"
	"testing"
)

// ar="1" parses, survives export, and is refused where it cannot apply,
// with the file position of the attribute.
func TestARAttribute(t *testing.T) {
	m, err := ParseString(`dag { x -> y  y [ar="1"] }`, "a.dag")
	if err != nil {
		t.Fatal(err)
	}
	if m.Node("y").AR != 1 {
		t.Fatalf("AR = %d, want 1", m.Node("y").AR)
	}
	var b strings.Builder
	if err := m.Export(&b); err != nil {
		t.Fatal(err)
	}
	back, err := ParseString(b.String(), "back.dag")
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if back.Node("y").AR != 1 {
		t.Errorf("export lost ar=\"1\":\n%s", b.String())
	}
	for _, c := range []struct{ src, want string }{
		{`dag { x -> y  y [ar="2"] }`, `a.dag:1:18: node y: ar="2": only AR(1) residuals are supported (ar="1"); for longer memory add lagged edges y -> y [lag=k]`},
		{`dag { x -> y  y [ar="0"] }`, `ar="0": want ar="1"`},
		{`dag { x -> y  y [ar] }`, `attribute "ar" needs a value`},
		{`dag { x -> y  y [ar="1", family="bernoulli"] }`, `node y: ar="1" needs a gaussian or student node, not bernoulli`},
		{`dag { x -> y  y [ar="1", family="lognormal"] }`, `node y: ar="1" needs a gaussian or student node, not lognormal (AR residuals are defined on additive noise); for persistence in any family add the self-lag y -> y [lag=1]`},
		{`dag { x -> y  y -> y [lag=2]  y [ar="1"] }`, `together with the self-lag y -> y [lag=2] is not identified`},
		{`dag { x -> y  y [latent, ar="1", indicators="a,b"] }`, `node y is latent`},
	} {
		_, err := ParseString(c.src, "a.dag")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.src, err, c.want)
		}
	}
}

// A node with ar="1" is not claimed independent of its own lag: its
// residuals persist, so the autocorrelation implication y ⟂ y@t-1 | x is
// gone, while the same graph without ar makes it.
func TestARImplications(t *testing.T) {
	has := func(src string) bool {
		m, err := ParseString(src, "a.dag")
		if err != nil {
			t.Fatal(err)
		}
		imps, err := m.PanelImplications()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range imps {
			if c.X == "y" && c.Y == "y@t-1" || c.X == "y@t-1" && c.Y == "y" {
				return true
			}
		}
		return false
	}
	if !has(`dag { x -> y  x -> y [lag=1] }`) {
		t.Fatal("without ar the graph should claim y ⟂ y@t-1")
	}
	if has(`dag { x -> y  x -> y [lag=1]  y [ar="1"] }`) {
		t.Error("with ar=\"1\" the graph still claims y independent of its own lag")
	}
}
