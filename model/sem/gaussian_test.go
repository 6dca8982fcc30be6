package sem

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// gaussSpec is a one-equation gaussian panel model y ~ a + Σ b x + u with
// missing values in y and the parents (unbalanced units).
func gaussSpec(rng *rand.Rand, J, T, p int, re REParam, unitRE bool) (*Spec, []float64) {
	l := panelLayout(J, T)
	truth := []float64{0.5, 1, -0.5, 0.25, 0.8}[:p]
	var terms []Term
	xs := make([][]float64, p)
	for k := range xs {
		xs[k] = normals(rng, l.Rows)
		ue := unitEffects(rng, l, 1)
		for r := range xs[k] {
			xs[k][r] += ue[r]
		}
	}
	y := make([]float64, l.Rows)
	ue := unitEffects(rng, l, 0.8)
	for r := range y {
		y[r] = 0.3 + ue[r] + 0.6*rng.NormFloat64()
		for k := range xs {
			y[r] += truth[k] * xs[k][r]
		}
	}
	for k := range xs {
		terms = append(terms, Term{Parent: string(rune('p' + k)), X: punch(rng, xs[k], 0.05)})
	}
	return &Spec{Layout: l, Equations: []Equation{
		{Node: "y", Y: punch(rng, y, 0.1), Terms: terms, UnitRE: unitRE, RE: re},
	}}, truth
}

// naiveLogDensity is the gaussian equation's log posterior written directly
// from the model's definition, row by row, on the constrained parameters
// (plus the log Jacobian of the transforms), as a reference.
func naiveLogDensity(p *Posterior, spec *Spec, x []float64) float64 {
	eq := spec.Equations[0]
	c := make([]float64, p.Dim())
	p.Constrain(x, c)
	names := p.ParamNames()
	val := map[string]float64{}
	for i, n := range names {
		val[n] = c[i]
	}
	a, sigma := val["a.y"], val["sigma.y"]
	lp := 0.0
	for r := 0; r < spec.Layout.Rows; r++ {
		mu := a
		ok := !math.IsNaN(eq.Y[r])
		for _, t := range eq.Terms {
			ok = ok && !math.IsNaN(t.X[r])
			mu += val["b."+t.Parent+".y"] * t.X[r]
		}
		if !ok {
			continue
		}
		if eq.UnitRE {
			mu += val["u.y."+spec.Layout.Units[spec.Layout.Unit[r]]]
		}
		z := (eq.Y[r] - mu) / sigma
		lp += -0.5*z*z - math.Log(sigma)
	}
	lp += -0.5*a*a/(2.5*2.5) - 0.5*sigma*sigma + math.Log(sigma) // priors + Jacobian
	for _, t := range eq.Terms {
		b := val["b."+t.Parent+".y"]
		lp += -0.5 * b * b
	}
	if eq.UnitRE {
		tau := val["tau.y"]
		lp += -0.5*tau*tau + math.Log(tau)
		J := 0
		for i, n := range names {
			if len(n) > 4 && n[:4] == "u.y." {
				lp += -0.5*c[i]*c[i]/(tau*tau) - math.Log(tau)
				J++
			}
		}
		if p.Equations()[0].RE == "non-centred" {
			lp += float64(J) * math.Log(tau) // Jacobian of u = tau·z
		}
	}
	return lp
}

// The sufficient-statistics path, the row loop and the naive definition
// give the same value and gradient at random points.
func TestGaussianSufficientStatsMatchNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 1))
	for _, c := range []struct {
		re     REParam
		unitRE bool
		p      int
	}{{RECentred, true, 3}, {RENonCentred, true, 3}, {REAuto, false, 2}, {RECentred, true, 0}, {RENonCentred, true, 5}} {
		spec, _ := gaussSpec(rng, 9, 12, c.p, c.re, c.unitRE)
		fast, err := Compile(spec)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := compile(spec, compileOptions{noSuff: true})
		if err != nil {
			t.Fatal(err)
		}
		if !fast.Equations()[0].SufficientStats || slow.Equations()[0].SufficientStats {
			t.Fatalf("sufficient statistics: fast %v, slow %v", fast.Equations()[0], slow.Equations()[0])
		}
		for trial := 0; trial < 5; trial++ {
			x := randomPoint(rng, fast.Dim(), 0.8)
			gf, gs := make([]float64, fast.Dim()), make([]float64, fast.Dim())
			lf, ls := fast.LogDensityGrad(x, gf), slow.LogDensityGrad(x, gs)
			ln := naiveLogDensity(fast, spec, x)
			if math.Abs(lf-ls) > 1e-9*math.Abs(ls) || math.Abs(lf-ln) > 1e-9*math.Abs(ln) {
				t.Errorf("%v: log density: sufficient statistics %.12g, row loop %.12g, naive %.12g", c, lf, ls, ln)
			}
			gn := fd.Gradient(nil, func(x []float64) float64 { return naiveLogDensity(fast, spec, x) }, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
			for i := range gf {
				if math.Abs(gf[i]-gs[i]) > 1e-9*(1+math.Abs(gs[i])) || math.Abs(gf[i]-gn[i]) > 1e-5*(1+math.Abs(gn[i])) {
					t.Errorf("%v: d/d %s: sufficient statistics %.10g, row loop %.10g, naive (finite differences) %.10g",
						c, fast.ParamNames()[i], gf[i], gs[i], gn[i])
				}
			}
		}
	}
}

// mode maximizes the log posterior by Newton's method with a Hessian from
// finite differences of the analytic gradient and a backtracking line
// search. (gonum/optimize would do, but it pulls in golang.org/x/tools,
// which go.sum does not list.)
func mode(t *testing.T, p *Posterior, x0 []float64) []float64 {
	t.Helper()
	n := p.Dim()
	x := append([]float64(nil), x0...)
	g := make([]float64, n)
	scratch := make([]float64, n)
	grad := func(dst, x []float64) { p.LogDensityGrad(x, dst) }
	H := mat.NewDense(n, n, nil)
	lp := p.LogDensityGrad(x, g)
	for iter := 0; iter < 500; iter++ {
		if mat.Norm(mat.NewVecDense(n, g), math.Inf(1)) < 1e-8 {
			return x
		}
		fd.Jacobian(H, grad, x, &fd.JacobianSettings{Formula: fd.Central, Step: 1e-5})
		sym := mat.NewSymDense(n, nil) // −H, symmetrized
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				sym.SetSym(i, j, -0.5*(H.At(i, j)+H.At(j, i)))
			}
		}
		var chol mat.Cholesky
		d := mat.NewVecDense(n, nil)
		if chol.Factorize(sym) {
			if err := chol.SolveVecTo(d, mat.NewVecDense(n, g)); err != nil {
				d.CopyVec(mat.NewVecDense(n, g))
			}
		} else {
			d.CopyVec(mat.NewVecDense(n, g)) // not concave here: gradient ascent
			d.ScaleVec(1e-3, d)
		}
		step := 1.0
		for ; step > 1e-12; step /= 2 {
			y := make([]float64, n)
			for i := range y {
				y[i] = x[i] + step*d.AtVec(i)
			}
			if l := p.LogDensityGrad(y, scratch); l >= lp {
				x, lp = y, l
				copy(g, scratch)
				break
			}
		}
		if step <= 1e-12 {
			t.Fatalf("mode: no ascent from log density %g (|grad| %g)", lp, mat.Norm(mat.NewVecDense(n, g), math.Inf(1)))
		}
	}
	t.Fatalf("mode: no convergence (|grad| %g)", mat.Norm(mat.NewVecDense(n, g), math.Inf(1)))
	return nil
}

// With flat priors and no unit intercepts, the posterior mode of the
// coefficients is the ordinary least squares estimate (gonum mat).
func TestGaussianModeEqualsOLS(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	spec, _ := gaussSpec(rng, 20, 15, 3, REAuto, false)
	eq := &spec.Equations[0]
	eq.Intercept = Flat()
	for k := range eq.Terms {
		eq.Terms[k].Prior = Flat()
	}
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	x := mode(t, p, make([]float64, p.Dim()))

	// OLS on the complete rows.
	var rows [][]float64
	var ys []float64
	for r := 0; r < spec.Layout.Rows; r++ {
		row := []float64{1}
		ok := !math.IsNaN(eq.Y[r])
		for _, tm := range eq.Terms {
			row = append(row, tm.X[r])
			ok = ok && !math.IsNaN(tm.X[r])
		}
		if ok {
			rows = append(rows, row)
			ys = append(ys, eq.Y[r])
		}
	}
	if got := p.Equations()[0].Rows; got != len(ys) {
		t.Errorf("rows used %d, want %d", got, len(ys))
	}
	X := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, row := range rows {
		X.SetRow(i, row)
	}
	var beta mat.VecDense
	if err := beta.SolveVec(X, mat.NewVecDense(len(ys), ys)); err != nil {
		t.Fatal(err)
	}
	c := make([]float64, p.Dim()) // the sampler's intercept is the level at the mean (centre.go)
	p.Constrain(x, c)
	names := []string{"a.y", "b.p.y", "b.q.y", "b.r.y"}
	for i, name := range names {
		got := c[index(t, p, name)]
		if math.Abs(got-beta.AtVec(i)) > 1e-6 {
			t.Errorf("%s: posterior mode %.9f, OLS %.9f", name, got, beta.AtVec(i))
		}
	}
}

// The posterior mode of a gaussian panel model with unit intercepts recovers
// the coefficients it was simulated with.
func TestGaussianModeRecovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 1))
	spec, truth := gaussSpec(rng, 60, 20, 4, RENonCentred, true)
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	x := mode(t, p, make([]float64, p.Dim()))
	c := make([]float64, p.Dim())
	p.Constrain(x, c)
	for k, name := range []string{"b.p.y", "b.q.y", "b.r.y", "b.s.y"} {
		// Each slope's standard error here is about 0.6/√1000 ≈ 0.02.
		if got := c[index(t, p, name)]; math.Abs(got-truth[k]) > 0.08 {
			t.Errorf("%s: mode %.3f, truth %.3f", name, got, truth[k])
		}
	}
	if got := c[index(t, p, "sigma.y")]; math.Abs(got-0.6) > 0.05 {
		t.Errorf("sigma.y: mode %.3f, truth 0.6", got)
	}
	// The joint mode of tau is not an estimate of it (the unit intercepts'
	// spread is): in the non-centred form tau's mode solves
	// tau⁴ − tau² = Σ u_j² under its half_normal(1) prior.
	ss, J := 0.0, 0
	for i, name := range p.ParamNames() {
		if strings.HasPrefix(name, "u.y.") {
			ss += c[i] * c[i]
			J++
		}
	}
	if sd := math.Sqrt(ss / float64(J)); math.Abs(sd-0.8) > 0.2 {
		t.Errorf("sd of the unit intercepts at the mode %.3f, truth 0.8", sd)
	}
	if tau := c[index(t, p, "tau.y")]; math.Abs(math.Pow(tau, 4)-tau*tau-ss) > 1e-5*ss {
		t.Errorf("tau.y = %g does not solve tau⁴ − tau² = %g", tau, ss)
	}
}
