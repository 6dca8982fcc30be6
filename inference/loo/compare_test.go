package loo

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// nestedModels fits y = 1 + x + ε, ε ~ N(0, 1), by an intercept-only
// model (slope fixed at 0) and by the true regression, both with σ = 1
// known and N(0, 3²) priors, from exact posterior draws.
func nestedModels(t *testing.T) (flat, slope *Result) {
	t.Helper()
	r := rand.New(rand.NewPCG(70, 1))
	const n = 150
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
		y[i] = 1 + x[i] + r.NormFloat64()
	}
	flatModel := normalModel{y: y, sigma: 1, mu0: 0, tau0: 3}
	var err error
	if flat, err = LOO(flatModel.loglik(flatModel.draws(r, 4000, -1))); err != nil {
		t.Fatal(err)
	}
	reg := regression{x: x, y: y, sigma: 1, tau: 3}
	a, b := reg.draws(r, 4000)
	if slope, err = LOO(reg.loglik(a, b)); err != nil {
		t.Fatal(err)
	}
	return flat, slope
}

func TestCompareNested(t *testing.T) {
	flat, slope := nestedModels(t)
	for _, order := range [][2]*Result{{flat, slope}, {slope, flat}} {
		names := map[*Result]string{flat: "flat", slope: "slope"}
		c, err := Compare(order[0], order[1], names[order[0]], names[order[1]])
		if err != nil {
			t.Fatal(err)
		}
		best, other := c.Models[0], c.Models[1]
		if best.Name != "slope" || other.Name != "flat" {
			t.Fatalf("order %s, %s; want slope first", best.Name, other.Name)
		}
		if best.ELPDDiff != 0 || best.SEDiff != 0 || !math.IsNaN(best.PWorse) {
			t.Errorf("best row %+v", best)
		}
		want := flat.ELPD - slope.ELPD
		if other.ELPDDiff != c.ELPDDiff || math.Abs(other.ELPDDiff-want) > 1e-9 {
			t.Errorf("elpd_diff %g (%g), want %g", other.ELPDDiff, c.ELPDDiff, want)
		}
		// A unit slope with unit noise over 150 points: the regression
		// gains about n·log(1 + 1)/2 ≈ 52 in elpd.
		if !(other.ELPDDiff < -25) || !(other.SEDiff > 0) || other.SEDiff > -other.ELPDDiff {
			t.Errorf("elpd_diff %.2f ± %.2f: want clearly negative, se_diff positive", other.ELPDDiff, other.SEDiff)
		}
		// The paired se_diff is smaller than combining the two SEs.
		if other.SEDiff >= math.Hypot(flat.SE, slope.SE) {
			t.Errorf("se_diff %.2f not below √(SE²+SE²) = %.2f", other.SEDiff, math.Hypot(flat.SE, slope.SE))
		}
		if !(other.PWorse > 0.99) {
			t.Errorf("p_worse %.3f", other.PWorse)
		}
		if len(c.Warnings) != 0 {
			t.Errorf("warnings %q", c.Warnings)
		}
	}
}

// TestCompareByHand checks elpd_diff and se_diff on pointwise values small
// enough to work out: d = (−1, 0, −1), Σd = −2, var d = 1/3, se = √(3·1/3).
func TestCompareByHand(t *testing.T) {
	a := handResult(1, 2, 3)
	b := handResult(0, 2, 2)
	c, err := Compare(b, a, "b", "a")
	if err != nil {
		t.Fatal(err)
	}
	if c.Models[0].Name != "a" || c.ELPDDiff != -2 || math.Abs(c.SEDiff-1) > 1e-15 {
		t.Errorf("%+v", c)
	}
	if p := normalCDF(2); math.Abs(c.Models[1].PWorse-p) > 1e-15 {
		t.Errorf("p_worse %g, want Φ(2) = %g", c.Models[1].PWorse, p)
	}
	// Three observations: the small-N and small-difference warnings.
	all := strings.Join(c.Warnings, "\n")
	if !strings.Contains(all, "Only 3 observations") || !strings.Contains(all, `"b" and "a" predict about equally well`) {
		t.Errorf("warnings %q", c.Warnings)
	}
}

func handResult(elpd ...float64) *Result {
	r := &Result{Draws: 100, Observations: len(elpd), Threshold: 0.5, KHat: make([]float64, len(elpd))}
	for _, e := range elpd {
		r.Pointwise = append(r.Pointwise, Point{ELPD: e})
	}
	r.summarize()
	return r
}

func TestCompareIdentical(t *testing.T) {
	flat, _ := nestedModels(t)
	c, err := Compare(flat, flat, "one", "two")
	if err != nil {
		t.Fatal(err)
	}
	if c.Models[0].Name != "one" || c.ELPDDiff != 0 || c.SEDiff != 0 || !math.IsNaN(c.Models[1].PWorse) {
		t.Errorf("identical models: %+v", c.Models)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "predict about equally well") {
		t.Errorf("warnings %q", c.Warnings)
	}
}

func TestCompareErrors(t *testing.T) {
	a, b, short := handResult(1, 2, 3), handResult(0, 1, 2), handResult(1, 2)
	for _, c := range []struct {
		names   []string
		results []*Result
		msg     string
	}{
		{[]string{"a"}, []*Result{a}, "at least two models"},
		{[]string{"a"}, []*Result{a, b}, "1 names for 2 models"},
		{[]string{"a", "b"}, []*Result{a, nil}, `model "b" has no LOO result`},
		{[]string{"a", "a"}, []*Result{a, b}, `models 1 and 2 are both named "a"`},
		{[]string{"a", "s"}, []*Result{a, short}, `model "s" has 2 observations, model "a" has 3`},
	} {
		_, err := CompareAll(c.names, c.results)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("error %v, want one containing %q", err, c.msg)
		}
	}
}

// TestCompareAllThree ranks three models and measures each against the
// best.
func TestCompareAllThree(t *testing.T) {
	mid, low, top := handResult(1, 2, 3), handResult(0, 0, 0), handResult(2, 2, 4)
	c, err := CompareAll([]string{"mid", "low", "top"}, []*Result{mid, low, top})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range c.Models {
		got = append(got, m.Name)
	}
	if strings.Join(got, ",") != "top,mid,low" || c.Models[2].ELPDDiff != -8 || c.ELPDDiff != -2 {
		t.Errorf("%v, diffs %g, %g", got, c.Models[1].ELPDDiff, c.Models[2].ELPDDiff)
	}
}

// TestJSON checks that non-finite numbers become null and names follow loo.
func TestJSON(t *testing.T) {
	r := handResult(1, 2)
	r.Pointwise[1].KHat = math.Inf(1)
	r.KHat[1] = math.Inf(1)
	r.summarize()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if m["elpd_loo"] != 3.0 || m["mcse_elpd_loo"] != nil || m["num_very_bad_k"] != 1.0 {
		t.Errorf("%s", b)
	}
	pw := m["pointwise"].([]any)
	if pw[1].(map[string]any)["pareto_k"] != nil || pw[0].(map[string]any)["pareto_k"] != 0.0 {
		t.Errorf("pointwise %s", b)
	}
	c, err := Compare(r, handResult(0, 0), "r", "zero")
	if err != nil {
		t.Fatal(err)
	}
	b, err = json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"model":"r","elpd_diff":0,"se_diff":0,"p_worse":null`) {
		t.Errorf("%s", b)
	}
}
