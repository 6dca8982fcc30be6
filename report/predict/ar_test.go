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

// ARUnitLogLik, the joint density of one unit's chain, equals the sum of
// the pointwise LogLik over the unit's rows at the fitted responses, and
// depends on y and mu only through their difference (a shifted intercept
// moves the earlier residuals too).
func TestARUnitLogLik(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 9))
	lay := panelLayout([]string{"A", "B"}, 10)
	n := lay.Rows
	x, y := make([]float64, n), make([]float64, n)
	for r := range x {
		x[r] = rng.NormFloat64()
		y[r] = 0.5*x[r] + rng.NormFloat64()
	}
	y[2], y[6], y[7] = math.NaN(), math.NaN(), math.NaN() // gaps in unit A
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
	theta := make([]float64, post.Dim())
	post.Constrain(pt, theta)
	e := m.Equation("y")
	if !e.HasAR() {
		t.Fatal("HasAR false")
	}
	var rows []int
	for _, r := range e.Rows() {
		if lay.Unit[r] == 0 {
			rows = append(rows, r)
		}
	}
	// Out of period order on purpose.
	rows[0], rows[len(rows)-1] = rows[len(rows)-1], rows[0]
	mu := make([]float64, len(rows))
	want := 0.0
	for i, r := range rows {
		mu[i], _ = e.Mu(theta, r)
		want += e.LogLik(theta, r, mu[i], y[r])
	}
	if got := e.ARUnitLogLik(theta, rows, mu, y); math.Abs(got-want) > 1e-10 {
		t.Errorf("joint %.12g, sum of pointwise %.12g", got, want)
	}
	ys, ms := make([]float64, n), make([]float64, len(rows))
	for r := range ys {
		ys[r] = y[r] + 0.7
	}
	for i := range ms {
		ms[i] = mu[i] + 0.7
	}
	if got := e.ARUnitLogLik(theta, rows, ms, ys); math.Abs(got-want) > 1e-10 {
		t.Errorf("shifted by 0.7: %.12g, want %.12g", got, want)
	}
}

// A student equation with AR(1) residuals: the pointwise log likelihoods
// (the multivariate t's conditionals) sum to sem's log likelihood, the
// unit's joint density equals their sum, and replicated residuals keep the
// persistence.
func TestARStudentLogLik(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 3))
	lay := panelLayout([]string{"A", "B", "C"}, 9)
	n := lay.Rows
	x, y := make([]float64, n), make([]float64, n)
	for r := range x {
		x[r] = rng.NormFloat64()
		y[r] = 0.5*x[r] + rng.NormFloat64()
	}
	y[3], y[4], y[12] = math.NaN(), math.NaN(), math.NaN() // gaps
	spec := &sem.Spec{Layout: lay, Equations: []sem.Equation{{Node: "y", Family: sem.Student{}, Y: y, AR: 1, UnitRE: true, Terms: []sem.Term{{Parent: "x", X: x}}}}}
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
	perUnit := map[int][]int{}
	for _, r := range rows {
		mu, _ := e.Mu(theta, r)
		got += e.LogLik(theta, r, mu, y[r]) + 0.5*math.Log(math.Pi)
		perUnit[lay.Unit[r]] = append(perUnit[lay.Unit[r]], r)
	}
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("pointwise log likelihoods sum to %.12g, sem's log likelihood is %.12g", got, want)
	}
	joint := 0.0
	for _, rs := range perUnit {
		mu := make([]float64, len(rs))
		for i, r := range rs {
			mu[i], _ = e.Mu(theta, r)
		}
		joint += e.ARUnitLogLik(theta, rs, mu, y) + 0.5*math.Log(math.Pi)*float64(len(rs))
	}
	if math.Abs(joint-want) > 1e-9 {
		t.Errorf("units' joint densities sum to %.12g, sem's log likelihood is %.12g", joint, want)
	}
	for i, name := range post.ParamNames() {
		if name == "ar.y" {
			theta[i] = 0.9
		}
	}
	rep := e.Replicate(theta, rows, rng)
	for _, v := range rep {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("replicated value %g", v)
		}
	}
}
