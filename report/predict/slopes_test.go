package predict

import (
	"math"
	"math/rand/v2"
	"testing"

	"dilemma/model/sem"
)

// With an edge whose strength varies by unit, predict's per-row log
// likelihood sums to sem's likelihood (each row uses its unit's b + v_j),
// for a gaussian (sufficient statistics in sem) and a poisson equation.
func TestLogLikMatchesSemSlopes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 16))
	lay := panelLayout([]string{"A", "B", "C", "D", "E", "F"}, 7)
	n := lay.Rows
	x, y, w := make([]float64, n), make([]float64, n), make([]float64, n)
	for r := range x {
		x[r] = rng.NormFloat64() + float64(lay.Unit[r])/3
		y[r] = (0.5+0.1*float64(lay.Unit[r]))*x[r] + rng.NormFloat64()
		w[r] = float64(rng.IntN(4))
	}
	spec := &sem.Spec{Layout: lay, Equations: []sem.Equation{
		{Node: "y", Y: y, UnitRE: true, Terms: []sem.Term{{Parent: "x", X: x, Varies: true}}},
		{Node: "w", Family: sem.Poisson{}, Y: w, UnitRE: true, RE: sem.RENonCentred,
			Terms: []sem.Term{{Parent: "x", X: x, Varies: true, VariesRE: sem.RENonCentred}}},
	}}
	post, err := sem.Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	prior := *spec
	prior.PriorOnly = true
	pp, err := sem.Compile(&prior)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(spec, post)
	if err != nil {
		t.Fatal(err)
	}
	if m.Equation("y").Terms[0].Vary == nil {
		t.Fatal("the varying term has no per-unit deviations")
	}
	grad := make([]float64, post.Dim())
	var offsets []float64
	for trial := 0; trial < 4; trial++ {
		x := make([]float64, post.Dim())
		for i := range x {
			x[i] = 0.6 * rng.NormFloat64()
		}
		lik := post.LogDensityGrad(x, grad) - pp.LogDensityGrad(x, grad)
		theta := make([]float64, post.Dim())
		post.Constrain(x, theta)
		sum := 0.0
		for _, e := range m.Equations {
			for _, r := range e.Rows() {
				mu, _ := e.Mu(theta, r)
				yv, _ := e.Observed(theta, r)
				sum += e.LogLik(theta, 0, mu, yv)
			}
		}
		offsets = append(offsets, lik-sum)
	}
	for i := 1; i < len(offsets); i++ {
		if math.Abs(offsets[i]-offsets[0]) > 1e-6*math.Max(1, math.Abs(offsets[0])) {
			t.Fatalf("log likelihood from sem minus predict's varies with the point: %v", offsets)
		}
	}
}
