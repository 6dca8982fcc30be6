package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/data"
)

func TestImplicationsKnown(t *testing.T) {
	cases := []struct {
		src  string
		want []string
	}{
		{"a -> b -> c", []string{"a ⟂ c | b"}},
		{"a -> c <- b", []string{"a ⟂ b"}},
		{"a <- b -> c", []string{"a ⟂ c | b"}},
		{"x <- a -> m <- b -> y; x -> y", []string{"a ⟂ b", "a ⟂ y | x", "b ⟂ x", "m ⟂ x | a", "m ⟂ y | a, b"}},
		// Nothing testable through a latent confounder or <->.
		{"u [latent]; u -> a; u -> b", nil},
		{"a <-> b; b -> c", []string{"a ⟂ c | b"}},
		{"a <-> b <-> c", []string{"a ⟂ c"}},
		// A fixed root implies nothing testable itself.
		{"anarchy [role=\"root\"]; anarchy -> a; anarchy -> b", []string{"a ⟂ b | anarchy"}},
		// Lagged: pairs at t and across periods; pairs inside t-1 are not repeated.
		{"a -> b; b -> a [lag=1]", []string{"a ⟂ a@t-1 | b@t-1", "a@t-1 ⟂ b | a", "b ⟂ b@t-1 | a"}},
	}
	for _, c := range cases {
		m := mustParse(t, c.src)
		imps, err := m.Implications()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, i := range imps {
			got = append(got, i.String())
		}
		if strings.Join(got, "; ") != strings.Join(c.want, "; ") {
			t.Errorf("%s:\n got %q\nwant %q", c.src, got, c.want)
		}
	}
}

// chainPanel simulates a cross-section from a -> b -> c.
func chainPanel(t *testing.T, n int) *data.Panel {
	rng := rand.New(rand.NewPCG(7, 11))
	var b strings.Builder
	b.WriteString("id,a,b,c,noise\n")
	for i := 0; i < n; i++ {
		a := rng.NormFloat64()
		bb := 0.8*a + rng.NormFloat64()
		c := -0.6*bb + rng.NormFloat64()
		fmt.Fprintf(&b, "u%d,%.6f,%.6f,%.6f,%.6f\n", i, a, bb, c, rng.NormFloat64())
	}
	p, err := data.Load(strings.NewReader(b.String()), "chain.csv", data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTestImplications(t *testing.T) {
	p := chainPanel(t, 2000)
	right := mustParse(t, `a [column="a"]; b [column="b"]; c [column="c"]; a -> b -> c`)
	imps, _ := right.Implications()
	res, err := right.TestImplications(p, imps, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Skipped != "" || res[0].Contradicted || math.Abs(res[0].R) > 0.08 || res[0].N != 2000 {
		t.Fatalf("true model: %+v", res)
	}
	if !(res[0].Lo < 0 && res[0].Hi > 0) {
		t.Errorf("interval for a true independence excludes 0: %+v", res[0])
	}
	// A wrong model (c caused by a directly, not b) implies b ⟂ c | a,
	// which the data contradict; the partial correlation agrees with the
	// correlation of regression residuals computed independently.
	wrong := mustParse(t, `a [column="a"]; b [column="b"]; c [column="c"]; a -> b; a -> c`)
	imps, _ = wrong.Implications()
	res, _ = wrong.TestImplications(p, imps, 0.01)
	if len(res) != 1 || res[0].String() != "b ⟂ c | a" || !res[0].Contradicted || res[0].P > 1e-10 {
		t.Fatalf("wrong model: %+v", res)
	}
	av, _ := p.Numeric("a")
	bv, _ := p.Numeric("b")
	cv, _ := p.Numeric("c")
	want := corr(residuals(bv, av), residuals(cv, av))
	if math.Abs(res[0].R-want) > 1e-9 {
		t.Errorf("partial correlation %v, residual correlation %v", res[0].R, want)
	}
	// Nodes without data are skipped with the reason; fixed roots are
	// dropped from the conditioning set; a node without column= reads the
	// column of its name.
	m := mustParse(t, `r [role="root"]; a [column="a"]; q; c; r -> a; r -> c; a -> q; c -> b`)
	imps, _ = m.Implications()
	res, _ = m.TestImplications(p, imps, 0.05)
	seen := 0
	for _, r := range res {
		switch r.String() {
		case "a ⟂ c | r":
			seen++
			if r.Skipped != "" || len(r.Dropped) != 1 || r.Dropped[0] != "r" {
				t.Errorf("fixed root not dropped: %+v", r)
			}
		case "q ⟂ c | a", "c ⟂ q | a":
			seen++
			if !strings.Contains(r.Skipped, "node q has no data") {
				t.Errorf("node without data: %+v", r)
			}
		case "a ⟂ b | c", "b ⟂ a | c":
			seen++
			if r.Skipped != "" || r.N != 2000 {
				t.Errorf("same-name nodes b and c not tested: %+v", r)
			}
		}
	}
	if seen != 3 {
		t.Errorf("implications %v", res)
	}
	// A lag on a cross-section is reported, not fatal.
	lagged := mustParse(t, `a [column="a"]; b [column="b"]; a -> b [lag=1]`)
	imps, _ = lagged.Implications()
	res, err = lagged.TestImplications(p, imps, 0.05)
	if err != nil || len(res) == 0 || !strings.Contains(res[0].Skipped+res[len(res)-1].Skipped, "cross-section") {
		t.Errorf("lag on a cross-section: %+v %v", res, err)
	}
}

func residuals(y, x []float64) []float64 {
	mx, my := mean(x), mean(y)
	var sxy, sxx float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
	}
	beta := sxy / sxx
	r := make([]float64, len(y))
	for i := range y {
		r[i] = y[i] - my - beta*(x[i]-mx)
	}
	return r
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func corr(a, b []float64) float64 {
	ma, mb := mean(a), mean(b)
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb)
}

// Panel implications: separators that survive autocorrelated noise, and
// the pairs that need a memoryless graph. Checked by hand: with noise
// chains, a@t-1 and b share b's noise through the unobserved b@t-2 that
// causes a@t-1, so no observed set separates them.
func TestPanelImplicationsKnown(t *testing.T) {
	cases := []struct {
		src     string
		periods int
		want    []string
	}{
		{"a -> b", 2, []string{"a ⟂ b@t-1 | a@t-1 [cross-node]", "a@t-1 ⟂ b | a [cross-node]", "a ⟂ a@t-1 [autocorrelation]", "b ⟂ b@t-1 [autocorrelation]"}},
		{"a -> b -> c", 1, []string{"a ⟂ c | b [cross-node]"}},
		{"a -> b; b -> a [lag=1]", 2, []string{"a ⟂ a@t-1 | b@t-1 [autocorrelation]", "a@t-1 ⟂ b | a [autocorrelation]", "b ⟂ b@t-1 | a [autocorrelation]"}},
		{"x -> y [lag=1]; z -> y", 2, []string{"x ⟂ y | x@t-1 [cross-node]", "x ⟂ z [cross-node]", "x ⟂ z@t-1 [cross-node]", "x@t-1 ⟂ z [cross-node]",
			"y ⟂ z@t-1 | z [cross-node]", "y@t-1 ⟂ z | z@t-1 [cross-node]",
			"x ⟂ x@t-1 [autocorrelation]", "x ⟂ y@t-1 [autocorrelation]", "y ⟂ y@t-1 [autocorrelation]", "z ⟂ z@t-1 [autocorrelation]"}},
	}
	for _, c := range cases {
		m := mustParse(t, c.src)
		imps, _, err := m.panelImplications(c.periods, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, i := range imps {
			got = append(got, fmt.Sprintf("%s [%s]", i.Independence, i.Group))
		}
		if strings.Join(got, "; ") != strings.Join(c.want, "; ") {
			t.Errorf("%s:\n got %q\nwant %q", c.src, got, c.want)
		}
		// Every panel implication is an implication of the graph itself.
		for _, i := range imps {
			if c.periods != m.Periods() {
				break
			}
			if ok, _, err := m.DSeparated([]string{i.X}, []string{i.Y}, i.Given); err != nil || !ok {
				t.Errorf("%s: %s is not implied by the graph", c.src, i.Independence)
			}
		}
	}
}
