//go:build long

package fit

import (
	"context"
	"testing"

	"dilemma/model"
)

// The interaction coefficient's 90% interval covers the truth in about 90%
// of 100 simulated panels (go test -tags long -run ModerationCoverage ./fit/).
func TestModerationCoverage(t *testing.T) {
	const truth, reps = 0.25, 100
	m, err := model.ParseString(`dag { x -> y [moderator="z"]; z -> y; w -> y [lag=1] }`, "moderated.dag")
	if err != nil {
		t.Fatal(err)
	}
	covered := 0
	for rep := range reps {
		p := moderatedPanel(t, 30, 8, truth, uint64(100+rep))
		pl, err := NewPlan(m, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := DefaultSettings()
		s.Chains, s.Warmup, s.Samples, s.Seed = 2, 300, 300, uint64(rep+1)
		f, err := Run(context.Background(), pl, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range f.Edges {
			if e.Name == "c.x.z.y" && e.Q5 <= truth && truth <= e.Q95 {
				covered++
			}
		}
	}
	// Binomial(100, 0.9): 82 … 97 holds with probability about 0.99.
	t.Logf("c covered in %d of %d replications", covered, reps)
	if covered < 82 || covered > 97 {
		t.Errorf("c covered in %d of %d replications, want about 90", covered, reps)
	}
}
