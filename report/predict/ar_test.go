package predict

import (
	"math"
	"math/rand/v2"
	"testing"

	"dilemma/model/sem"
)

// The pointwise log likelihoods of an equation with AR(1) residuals sum to
// the equation's log likelihood as package sem computes it (gaps in time
// included), and a replicated data set has the AR persistence.
func TestARLogLikSumsToSem(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2))
	lay := panelLayout([]string{"A", "B", "C"}, 9)
	n := lay.Rows
	x, y := make([]float64, n), make([]float64, n)
	for r := range x {
		x[r] = rng.NormFloat64()
		y[r] = 0.5*x[r] + rng.NormFloat64()
	}
	y[3], y[4], y[12] = math.NaN(), math.NaN(), math.NaN() // gaps
	x[20] = math.NaN()
	spec := &sem.Spec{Layout: lay, Equations: []sem.Equation{{Node: "y", Y: y, AR: 1, UnitRE: true, Terms: []sem.Term{{Parent: "x", X: x}}}}}
	post, err := sem.Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(spec, post)
	if err != nil {
		t.Fatal(err)
	}
	pt := make([]float64, post.Dim())
	for i := range pt {
		pt[i] = 0.4 * rng.NormFloat64()
	}
	g := make([]float64, post.Dim())
	want := post.LogDensityGrad(pt, g) - post.PriorPart().LogDensityGrad(pt, g)
	theta := make([]float64, post.Dim())
	post.Constrain(pt, theta)
	e := m.Equation("y")
	got := 0.0
	rows := e.Rows()
	for _, r := range rows {
		mu, _ := e.Mu(theta, r)
		got += e.LogLik(theta, r, mu, y[r]) + 0.5*math.Log(2*math.Pi)
	}
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("pointwise log likelihoods sum to %.12g, sem's log likelihood is %.12g", got, want)
	}

	// Replicated residuals at rho = 0.9 are strongly autocorrelated.
	for i, name := range post.ParamNames() {
		if name == "ar.y" {
			theta[i] = 0.9
		}
	}
	rep := e.Replicate(theta, rows, rng)
	num, den := 0.0, 0.0
	for k := 1; k < len(rows); k++ {
		r, q := rows[k], rows[k-1]
		if lay.Unit[r] != lay.Unit[q] || lay.Ordinal[r] != lay.Ordinal[q]+1 {
			continue
		}
		mr, _ := e.Mu(theta, r)
		mq, _ := e.Mu(theta, q)
		num += (rep[k] - mr) * (rep[k-1] - mq)
		den += (rep[k-1] - mq) * (rep[k-1] - mq)
	}
	if rho := num / den; rho < 0.6 {
		t.Errorf("replicated residuals have lag-1 regression %.2f at rho 0.9", rho)
	}
}
