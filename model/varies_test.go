package model

import (
	"bytes"
	"strings"
	"testing"
)

// varies="unit" and varies_prior= parse onto the edge, survive export and
// re-parse, and bad values are positioned errors naming the attribute.
func TestVariesAttribute(t *testing.T) {
	m, err := ParseString(`dag { x -> y [varies="unit", varies_prior="half_normal(0.5)"]
  z -> y }`, "v.dag")
	if err != nil {
		t.Fatal(err)
	}
	e := m.Edge("x", "y", Directed, 0)
	if e.Varies != "unit" || e.VariesPrior == nil || e.VariesPrior.String() != "half_normal(0.5)" {
		t.Fatalf("edge x -> y: varies %q, prior %v", e.Varies, e.VariesPrior)
	}
	if z := m.Edge("z", "y", Directed, 0); z.Varies != "" || z.VariesPrior != nil {
		t.Errorf("edge z -> y varies: %q %v", z.Varies, z.VariesPrior)
	}
	var buf bytes.Buffer
	if err := m.Export(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ParseString(buf.String(), "back.dag")
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	be := back.Edge("x", "y", Directed, 0)
	if be.Varies != "unit" || be.VariesPrior == nil || be.VariesPrior.String() != "half_normal(0.5)" {
		t.Errorf("after export: varies %q, prior %v\n%s", be.Varies, be.VariesPrior, buf.String())
	}
	if c := m.Clone().Edge("x", "y", Directed, 0); c.VariesPrior == e.VariesPrior {
		t.Error("Clone shares the varies prior")
	}
	for _, c := range []struct{ src, want string }{
		{`x -> y [varies="country"]`, `varies="country": write varies="unit"`},
		{`x <-> y [varies="unit"]`, "bidirected edge has no strength"},
		{`x -> y [varies="unit", varies_prior="normal(0,1)"]`, "varies_prior"},
		{`x -> y [varies_prior="half_normal(1)"]`, `varies_prior= needs varies="unit"`},
	} {
		_, err := ParseString(c.src, "bad.dag")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.src, err, c.want)
		}
	}
}
