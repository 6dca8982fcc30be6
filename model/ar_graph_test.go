package model

import (
	"fmt"
	"strings"
	"testing"
)

// AR(1) residuals enter the identification graph as the latent chain's
// projection: y and y@t-1 are d-connected whatever is conditioned on, so
// when the exposure depends on y's past (y -> x [lag=1]) the back-door
// path x <- y@t-1 <-> y must be blocked by adjusting for y@t-1; without
// ar the empty set suffices. The fit's own equation conditions on the
// previous residual, so the edge x -> y stays identified by its
// equation (single-door), at lag 1 and lag 2.
func TestARAdjustmentSets(t *testing.T) {
	cases := []struct {
		src     string
		sets    string // the minimal sets of the total effect of x on y
		edgeOK  bool
		dsepLag bool // y ⟂ y@t-1 | x, x@t-1
	}{
		{`dag { x -> y  y -> x [lag=1] }`, "[[]]", true, true},
		{`dag { x -> y  y -> x [lag=1]  y [ar="1"] }`, "[[y@t-1]]", true, false},
		{`dag { x -> y  y -> x [lag=2] }`, "[[]]", true, true},
		{`dag { x -> y  y -> x [lag=2]  y [ar="1"] }`, "[[y@t-2]]", true, false},
		// AR residuals on the exposure: x's own past does not reach y
		// except through x, so nothing changes.
		{`dag { x -> y  x -> y [lag=1]  x [ar="1"] }`, "[[x@t-1]]", true, true},
	}
	for _, c := range cases {
		m, err := ParseString(c.src, "a.dag")
		if err != nil {
			t.Fatal(err)
		}
		a, err := m.Adjust("x", "y", Total, nil)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := fmt.Sprint(a.Sets); got != c.sets {
			t.Errorf("%s: sets %s, want %s", c.src, got, c.sets)
		}
		ok, reason, err := m.EdgeIdentified(m.Edge("x", "y", Directed, 0))
		if err != nil || ok != c.edgeOK {
			t.Errorf("%s: edge x -> y identified %v (%s, %v), want %v", c.src, ok, reason, err, c.edgeOK)
		}
		sep, _, err := m.DSeparated([]string{"y"}, []string{"y@t-1"}, []string{"x", "x@t-1"})
		if err != nil || sep != c.dsepLag {
			t.Errorf("%s: y ⟂ y@t-1 | x, x@t-1 is %v (%v), want %v", c.src, sep, err, c.dsepLag)
		}
	}
}

// The empty set is not an adjustment set once y has AR residuals, and the
// reason names the open path through the residual chain; the check of
// the set {y@t-1} passes.
func TestARIsAdjustmentSet(t *testing.T) {
	m, err := ParseString(`dag { x -> y  y -> x [lag=1]  y [ar="1"] }`, "a.dag")
	if err != nil {
		t.Fatal(err)
	}
	ok, reason, err := m.IsAdjustmentSet("x", "y", nil, Total)
	if err != nil || ok || !strings.Contains(reason, "x <- y@t-1 <-> y") {
		t.Errorf("empty set: ok %v, reason %q (%v); want the path x <- y@t-1 <-> y open", ok, reason, err)
	}
	if ok, reason, err := m.IsAdjustmentSet("x", "y", []string{"y@t-1"}, Total); !ok || err != nil {
		t.Errorf("{y@t-1}: %s %v", reason, err)
	}
	sp, err := m.Spouses("y")
	if err != nil || fmt.Sprint(sp) != "[y@t-1]" {
		t.Errorf("spouses of y %v (%v), want [y@t-1] (the residual chain)", sp, err)
	}
}
