package sem_test

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
	"dilemma/model/sem"
)

// On the embedded panel (bench/ar.dag: two AR equations, 5,495 and 5,460
// rows with gaps), the AR likelihood on sufficient statistics equals the
// row loop's to rounding, value and gradient, at random points: the
// sums of products do not lose the residuals to cancellation.
func TestARSufficientStatsEmbeddedPanel(t *testing.T) {
	text, err := os.ReadFile("../../bench/ar.dag")
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.ParseString(string(text), "ar.dag")
	if err != nil {
		t.Fatal(err)
	}
	p, err := data.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(m, p, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fast, err := sem.Compile(pl.Spec)
	if err != nil {
		t.Fatal(err)
	}
	slow, err := sem.CompileRowLoop(pl.Spec)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for k := 0; k < 3; k++ {
		x := make([]float64, fast.Dim())
		for i := range x {
			x[i] = 0.3 * rng.NormFloat64()
		}
		g1, g2 := make([]float64, len(x)), make([]float64, len(x))
		l1, l2 := fast.LogDensityGrad(x, g1), slow.LogDensityGrad(x, g2)
		if math.Abs(l1-l2) > 1e-9*math.Abs(l2) {
			t.Errorf("log density %.15g, row loop %.15g", l1, l2)
		}
		worst := 0.0
		for i := range g1 {
			worst = math.Max(worst, math.Abs(g1[i]-g2[i])/math.Max(1, math.Abs(g2[i])))
		}
		if worst > 1e-8 {
			t.Errorf("gradient differs from the row loop's by up to %.3g (relative)", worst)
		}
		t.Logf("point %d: log density %.6f, relative difference %.2g, worst gradient difference %.2g", k, l1, math.Abs(l1-l2)/math.Abs(l2), worst)
	}
}
