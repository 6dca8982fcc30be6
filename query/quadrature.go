package query

import "math"

// gaussHermite returns the n-point Gauss–Hermite rule for a standard
// normal: nodes z and weights w with Σ w·f(z) ≈ E[f(Z)], Z ~ normal(0, 1),
// exact for polynomials of degree up to 2n−1. The nodes are the roots of
// the orthonormal Hermite polynomial of degree n (weight exp(−x²)), found
// by Newton's method from the usual asymptotic starting points, then
// scaled by √2.
func gaussHermite(n int) (z, w []float64) {
	x := make([]float64, n)
	wt := make([]float64, n)
	p0 := math.Pow(math.Pi, -0.25)
	// eval returns the orthonormal polynomial of degree n at t and that of
	// degree n−1.
	eval := func(t float64) (float64, float64) {
		prev, cur := 0.0, p0
		for j := 0; j < n; j++ {
			next := t*math.Sqrt(2/float64(j+1))*cur - math.Sqrt(float64(j)/float64(j+1))*prev
			prev, cur = cur, next
		}
		return cur, prev
	}
	m := (n + 1) / 2
	var t float64
	for i := 0; i < m; i++ {
		switch i {
		case 0:
			t = math.Sqrt(float64(2*n+1)) - 1.85575*math.Pow(float64(2*n+1), -1.0/6)
		case 1:
			t -= 1.14 * math.Pow(float64(n), 0.426) / t
		case 2:
			t = 1.86*t - 0.86*x[0]
		case 3:
			t = 1.91*t - 0.91*x[1]
		default:
			t = 2*t - x[i-2]
		}
		var dp float64
		for it := 0; it < 100; it++ {
			p, pm := eval(t)
			dp = math.Sqrt(2*float64(n)) * pm
			step := p / dp
			t -= step
			if math.Abs(step) < 1e-15*math.Max(1, math.Abs(t)) {
				break
			}
		}
		_, pm := eval(t)
		dp = math.Sqrt(2*float64(n)) * pm
		x[i], x[n-1-i] = t, -t
		wt[i] = 2 / (dp * dp)
		wt[n-1-i] = wt[i]
	}
	z = make([]float64, n)
	w = make([]float64, n)
	for i := range x {
		z[i] = math.Sqrt2 * x[n-1-i]
		w[i] = wt[n-1-i] / math.Sqrt(math.Pi)
	}
	return z, w
}

// quadRule is a Gauss–Hermite rule with the largest noise sd it
// integrates the logistic function against to within 1e-8.
type quadRule struct {
	sMax float64
	z, w []float64
}

// quadRules are the rules used to integrate a nonlinear node over the
// noise of latent parents whose values the fit did not keep, from the
// cheapest; each block of draws uses the first rule whose sMax covers its
// largest sd (the last rule beyond; its error grows to about 1e-5 at sd
// 2.5). TestQuadratureRules checks the bounds against a 100-point rule.
var quadRules = func() []quadRule {
	var out []quadRule
	for _, r := range []struct {
		n    int
		sMax float64
	}{{2, 0.03}, {3, 0.12}, {4, 0.22}, {5, 0.33}, {6, 0.43}, {8, 0.6}, {10, 0.74}, {12, 0.86}, {16, 1.07}, {20, 1.25}, {24, 1.41}, {32, 1.69}} {
		z, w := gaussHermite(r.n)
		out = append(out, quadRule{sMax: r.sMax, z: z, w: w})
	}
	return out
}()

// maxQuadNodes is the size of the largest rule.
var maxQuadNodes = len(quadRules[len(quadRules)-1].z)

// pickRule returns the cheapest rule that integrates noise of sd s.
func pickRule(s float64) quadRule {
	for _, r := range quadRules {
		if s <= r.sMax {
			return r
		}
	}
	return quadRules[len(quadRules)-1]
}
