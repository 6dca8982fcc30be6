package loo

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// matrix returns an s×n log-likelihood matrix of moderate random values.
func matrix(s, n int, seed uint64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	ll := make([][]float64, s)
	for d := range ll {
		ll[d] = make([]float64, n)
		for i := range ll[d] {
			ll[d][i] = -1 - 0.3*math.Abs(r.NormFloat64())
		}
	}
	return ll
}

func TestInputErrors(t *testing.T) {
	nan := matrix(20, 4, 1)
	nan[4][2] = math.NaN()
	inf := matrix(20, 4, 1)
	inf[19][0] = math.Inf(-1)
	ragged := matrix(20, 4, 1)
	ragged[7] = ragged[7][:3]
	for _, c := range []struct {
		name      string
		ll        [][]float64
		draw, obs int
		msg       string
	}{
		{"nil", nil, 0, 0, "loo: the log-likelihood matrix has no draws"},
		{"no observations", [][]float64{{}, {}}, 0, 0, "loo: the log-likelihood matrix has no observations"},
		{"ragged", ragged, 8, 0, "loo: draw 8: has 3 observations, draw 1 has 4"},
		{"NaN", nan, 5, 3, "loo: draw 5, observation 3: log-likelihood is NaN; it must be finite"},
		{"-Inf", inf, 20, 1, "loo: draw 20, observation 1: log-likelihood is -Inf; it must be finite"},
		{"too few draws", matrix(MinDraws-1, 4, 1), 0, 0, "loo: 9 draws are too few; PSIS-LOO needs at least 10"},
	} {
		_, err := LOO(c.ll)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: error %v, want *InputError", c.name, err)
			continue
		}
		if ie.Draw != c.draw || ie.Observation != c.obs || !strings.HasPrefix(err.Error(), c.msg) {
			t.Errorf("%s: %q (draw %d, observation %d), want %q (draw %d, observation %d)",
				c.name, err, ie.Draw, ie.Observation, c.msg, c.draw, c.obs)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans lines: %q", c.name, err)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	ll := matrix(20, 3, 2)
	for _, c := range []struct {
		name string
		opts Options
		msg  string
	}{
		{"both", Options{REff: []float64{1, 1, 1}, ChainIDs: make([]int, 20)}, "not both"},
		{"REff length", Options{REff: []float64{1, 1}}, "REff has 2 values for 3 observations"},
		{"REff zero", Options{REff: []float64{1, 0, 1}}, "observation 2: REff is 0"},
		{"REff NaN", Options{REff: []float64{1, 1, math.NaN()}}, "observation 3: REff is NaN"},
		{"ChainIDs length", Options{ChainIDs: make([]int, 19)}, "ChainIDs has 19 values for 20 draws"},
		{"unequal chains", Options{ChainIDs: append(make([]int, 11), 5, 5, 5, 5, 5, 5, 5, 5, 5)}, "chain 2 (id 5) has 9, chain 1 (id 0) has 11"},
	} {
		_, err := LOOWith(ll, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.msg)
		}
	}
}

// TestMinimumDraws runs LOO on exactly MinDraws draws: it works, with a
// threshold of 0, so the k-hats are flagged.
func TestMinimumDraws(t *testing.T) {
	res, err := LOO(matrix(MinDraws, 3, 3))
	if err != nil {
		t.Fatal(err)
	}
	if res.Threshold != 0 {
		t.Errorf("threshold %g, want 0 for 10 draws", res.Threshold)
	}
	for i, p := range res.Pointwise {
		if math.IsNaN(p.ELPD) || math.IsNaN(p.KHat) {
			t.Errorf("observation %d: %+v", i+1, p)
		}
	}
	if res.NumBadK != 3 || !strings.Contains(strings.Join(res.Warnings, " "), "more posterior draws") {
		t.Errorf("%d bad k-hats, warnings %q; want 3, suggesting more draws", res.NumBadK, res.Warnings)
	}
}

// TestConstantColumn gives one observation the same log-likelihood in every
// draw: its leave-one-out density is that value exactly, p_loo is 0, and
// the flat weights get k-hat 0 and no warning.
func TestConstantColumn(t *testing.T) {
	ll := matrix(200, 3, 4)
	for _, row := range ll {
		row[1] = -2.75
	}
	res, err := LOO(ll)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Pointwise[1]
	if math.Abs(p.ELPD+2.75) > 1e-12 || math.Abs(p.PLOO) > 1e-12 || p.KHat != 0 || p.MCSE != 0 {
		t.Errorf("constant column: %+v", p)
	}
	if math.Abs(p.ESS-200) > 1e-9 {
		t.Errorf("constant column ESS %g, want 200", p.ESS)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %q", res.Warnings)
	}
	// A fully constant matrix: every point exact, all SEs 0.
	for _, row := range ll {
		for i := range row {
			row[i] = -1
		}
	}
	res, err = LOO(ll)
	if err != nil {
		t.Fatal(err)
	}
	if res.ELPD != -3 || res.SE != 0 || res.PLOO != 0 || res.MCSE != 0 {
		t.Errorf("constant matrix: elpd %g ± %g, p_loo %g, MCSE %g", res.ELPD, res.SE, res.PLOO, res.MCSE)
	}
}

// TestOneObservation has no spread to estimate standard errors from.
func TestOneObservation(t *testing.T) {
	res, err := LOO(matrix(100, 1, 5))
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(res.SE) || math.IsNaN(res.ELPD) {
		t.Errorf("elpd %g ± %g; want a value ± NaN", res.ELPD, res.SE)
	}
	if len(res.Warnings) == 0 || !strings.Contains(res.Warnings[len(res.Warnings)-1], "only one observation") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// TestVeryBadWarning forces k-hat above 1 and checks the advice.
func TestVeryBadWarning(t *testing.T) {
	w := kWarnings([]float64{0.1, 1.3, 0.8, math.Inf(1), 0.65}, 0.6, 500)
	all := strings.Join(w, "\n")
	for _, want := range []string{
		"above 0.60 for 4 of 5 observations (observations 2, 3, 4, 5)",
		"Observation 5: k-hat between 0.60 and 0.7. With only 500 draws",
		"Observation 3: k-hat between 0.7 and 1.",
		"Observation 2: k-hat above 1.",
		"Observation 4: the generalized Pareto fit failed",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if kWarnings([]float64{0.1, 0.5}, 0.7, 4000) != nil {
		t.Error("warnings for good k-hats")
	}
	long := make([]float64, 15)
	for i := range long {
		long[i] = 2
	}
	if w := kWarnings(long, 0.7, 4000); !strings.Contains(w[0], "observations 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 5 more") {
		t.Errorf("long list: %q", w[0])
	}
}
