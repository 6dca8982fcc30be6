package model

import (
	"strings"
	"testing"
)

// TestCountAttributes: the count families, offset and their priors parse;
// a family-specific prior or an offset on a node of another family is an
// error naming the node and the line.
func TestCountAttributes(t *testing.T) {
	ok := `dag { x -> y }
settings { x [column="x"] y [column="days", family="hurdle_negbinomial", offset="log(population)", prior_shape="gamma(2,0.1)", prior_hu="beta(2,2)"] }`
	m, err := ParseString(ok, "ok.dag")
	if err != nil {
		t.Fatal(err)
	}
	n := m.Node("y")
	if col, log := n.OffsetColumn(); col != "population" || !log {
		t.Errorf("offset column %q log %v", col, log)
	}
	if p := n.Priors["hu"]; p.Family != "beta" {
		t.Errorf("prior_hu %v", p)
	}
	bb := `dag { x -> y }
settings { x [column="x"] y [column="days", family="beta_binomial", trials="31", prior_phi="gamma(2,0.1)"] }`
	if m, err := ParseString(bb, "bb.dag"); err != nil {
		t.Error(err)
	} else if v, ok := m.Node("y").TrialsConstant(); !ok || v != 31 {
		t.Errorf("trials %v %v", v, ok)
	}
	for _, c := range []struct{ attrs, want string }{
		{`family="poisson", prior_shape="gamma(2,1)"`, "prior_shape applies to the families negbinomial"},
		{`family="negbinomial", prior_zi="beta(1,1)"`, "prior_zi applies to the families zero_inflated_poisson"},
		{`prior_hu="beta(1,1)"`, "not gaussian"},
		{`family="hurdle_poisson", prior_hu="normal(0,1)"`, "prior_hu"},
		{`offset="pop"`, "needs a count family"},
		{`family="poisson", offset="log()"`, "want a column, or log(COLUMN)"},
		{`family="binomialx"`, "binomialx"},
		{`family="binomial"`, "needs trials="},
		{`family="poisson", trials="31"`, "needs a binomial family"},
		{`family="beta_binomial", trials="0"`, "positive integer"},
		{`family="beta_binomial", trials="c8_days_observed", prior_phi="beta(1,1)"`, "prior_phi"},
	} {
		src := `dag { x -> y }
settings { x [column="x"] y [column="y", ` + c.attrs + `] }`
		_, err := ParseString(src, "bad.dag")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "bad.dag:2") {
			t.Errorf("%s: %v, want an error at bad.dag:2 with %q", c.attrs, err, c.want)
		}
	}
}
