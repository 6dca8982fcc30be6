package query

import (
	"math"
	"testing"
)

// The rule integrates polynomials up to degree 2n−1 exactly against the
// standard normal: E[Z^2k] = (2k−1)!!.
func TestGaussHermiteMoments(t *testing.T) {
	for _, n := range []int{1, 2, 5, 9, 20} {
		z, w := gaussHermite(n)
		for k := 0; k < 2*n; k++ {
			got, scale := 0.0, 0.0
			for i := range z {
				got += w[i] * math.Pow(z[i], float64(k))
				scale += w[i] * math.Pow(math.Abs(z[i]), float64(k))
			}
			want := 0.0
			if k%2 == 0 {
				want = 1
				for j := k - 1; j > 0; j -= 2 {
					want *= float64(j)
				}
			}
			if math.Abs(got-want) > 1e-10*math.Max(1, scale) {
				t.Errorf("n=%d: E[Z^%d] = %.15g, want %g", n, k, got, want)
			}
		}
	}
}

// Each rule integrates the logistic function against a normal with sd up
// to its sMax to within 1e-8 (checked against a 100-point rule).
func TestQuadratureRules(t *testing.T) {
	zr, wr := gaussHermite(100)
	for _, rule := range quadRules {
		for _, s := range []float64{rule.sMax / 2, rule.sMax} {
			worst := 0.0
			for mu := -10.0; mu <= 10; mu += 0.1 {
				got, want := 0.0, 0.0
				for i := range rule.z {
					got += rule.w[i] * logistic(mu+s*rule.z[i])
				}
				for i := range zr {
					want += wr[i] * logistic(mu+s*zr[i])
				}
				worst = math.Max(worst, math.Abs(got-want))
			}
			if worst > 1e-8 {
				t.Errorf("%d-point rule at sd %g: error %.2g, want < 1e-8", len(rule.z), s, worst)
			}
		}
	}
	if r := pickRule(0.05); len(r.z) != 3 {
		t.Errorf("sd 0.05 picks %d points, want 3", len(r.z))
	}
}
