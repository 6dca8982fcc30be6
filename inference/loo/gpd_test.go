package loo

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFitGPDRecovers fits samples of 4,000 generalized Pareto draws with
// known shape and scale. The standard error of k-hat is about
// (1 + k)/√n ≈ 0.03, and the prior moves it by at most 0.003.
func TestFitGPDRecovers(t *testing.T) {
	for j, k := range []float64{0.2, 0.5, 0.8} {
		r := rand.New(rand.NewPCG(uint64(20+j), 1))
		const sigma = 2.5
		kh, sh := FitGPD(simGPD(r, 4000, k, sigma))
		if math.Abs(kh-k) > 0.1 {
			t.Errorf("k = %.1f: k-hat %.3f", k, kh)
		}
		if math.Abs(sh-sigma) > 0.15*sigma {
			t.Errorf("k = %.1f: sigma-hat %.3f, want %.1f", k, sh, sigma)
		}
	}
}

// TestFitGPDKnown compares with loo::gpdfit (loo 2.5.1) on two small
// samples, one heavy-tailed and one bounded. Without the weakly informative
// prior loo gives k = 0.68659342495306042 and −0.35531264567112292: the
// prior pulls both towards 0.5, by 10/(n + 10) of the way.
func TestFitGPDKnown(t *testing.T) {
	for _, c := range []struct {
		x             []float64
		k, sigma, raw float64
	}{
		{[]float64{0.1, 0.25, 0.3, 0.7, 1.2, 2.0, 3.5, 8.0},
			0.58293041109024912, 0.96224147152214723, 0.68659342495306042},
		{[]float64{0.62, 0.02, 0.05, 0.11, 0.13, 0.2, 0.26, 0.31, 0.4, 0.41, 0.55, 0.6, 0.8, 0.9, 1.0},
			-0.013187587402673728, 0.5579111237130373, -0.35531264567112292},
	} {
		before := slices.Clone(c.x)
		k, sigma := FitGPD(c.x)
		if !slices.Equal(before, c.x) {
			t.Errorf("FitGPD reordered its input: %v", c.x)
		}
		if math.Abs(k-c.k) > 1e-12 || math.Abs(sigma-c.sigma) > 1e-12 {
			t.Errorf("FitGPD(%v) = %.17g, %.17g; loo %.17g, %.17g", c.x, k, sigma, c.k, c.sigma)
		}
		n := float64(len(c.x))
		if want := (n*c.raw + 5) / (n + 10); math.Abs(want-c.k) > 1e-12 {
			t.Errorf("prior: (n·%.4f + 5)/(n + 10) = %.6f, loo %.6f", c.raw, want, c.k)
		}
	}
}

// TestGPDQuantile checks the quantile function against the distribution
// function F(x) = 1 − (1 + kx/σ)^(−1/k), and the k = 0 limit.
func TestGPDQuantile(t *testing.T) {
	for _, k := range []float64{-0.4, 0, 0.3, 1.5} {
		for _, p := range []float64{0.01, 0.3, 0.5, 0.9, 0.999} {
			q := gpdQuantile(p, k, 2)
			var f float64
			if k == 0 {
				f = 1 - math.Exp(-q/2)
			} else {
				f = 1 - math.Pow(1+k*q/2, -1/k)
			}
			if math.Abs(f-p) > 1e-12 {
				t.Errorf("k %g, p %g: F(q(p)) = %.15g", k, p, f)
			}
		}
	}
	if a, b := gpdQuantile(0.7, 1e-17, 1), gpdQuantile(0.7, 0, 1); a != b {
		t.Errorf("near-zero k: %g vs %g", a, b)
	}
}

func TestFitGPDInvalid(t *testing.T) {
	for _, x := range [][]float64{nil, {1}, {1, -1, 2}, {1, math.NaN(), 2}, {1, math.Inf(1), 2}} {
		if k, s := FitGPD(x); !math.IsNaN(k) || !math.IsNaN(s) {
			t.Errorf("FitGPD(%v) = %g, %g; want NaN, NaN", x, k, s)
		}
	}
	// A first quartile of 0 (ties at the bottom): the fit fails.
	if k, s := FitGPD([]float64{0, 0, 0, 0, 1, 2, 3, 4}); !math.IsInf(k, 1) || !math.IsNaN(s) {
		t.Errorf("tied bottom quartile: %g, %g; want +Inf, NaN", k, s)
	}
}
