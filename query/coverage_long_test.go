//go:build long

package query

import "testing"

// Over many simulated panels the 90% intervals of the total, direct and
// indirect effects cover the truth about 90% of the time.
//
//	go test -tags long -run Coverage -timeout 30m ./query/
func TestCoverageLong(t *testing.T) {
	const reps = 200
	truth := map[string]float64{"total": 0.7, "natural direct": 0.3, "natural indirect": 0.4}
	hits := map[string]int{}
	for rep := 0; rep < reps; rep++ {
		f := shortFit(t, uint64(100+rep), 20, 8, 400, 400)
		e, err := New(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.Mediate("x", []string{"m"}, mustParse(t, "do(x = +1)"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, eff := range r.Effects {
			if w, ok := truth[eff.Name]; ok && eff.Lo <= w && w <= eff.Hi {
				hits[eff.Name]++
			}
		}
	}
	for name := range truth {
		c := float64(hits[name]) / reps
		t.Logf("%s: coverage %.2f", name, c)
		// 200 replications: a coverage of 0.9 gives 0.9 ± 0.021.
		if c < 0.84 || c > 0.96 {
			t.Errorf("%s: coverage %.2f of the 90%% intervals, want about 0.9", name, c)
		}
	}
}
