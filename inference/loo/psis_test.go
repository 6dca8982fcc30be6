package loo

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestTailLength(t *testing.T) {
	for _, c := range []struct {
		s    int
		reff float64
		want int
	}{
		{4000, 1, 190}, // 3√4000 = 189.7
		{1000, 1, 95},  // 3√1000 = 94.9
		{100, 1, 20},   // 0.2·100
		{30, 1, 6},
		{10, 1, 5}, // at least MinTail
		{4000, 0.25, 380},
		{4000, 0, 190}, // invalid r_eff counts as 1
		{4000, math.NaN(), 190},
	} {
		if got := TailLength(c.s, c.reff); got != c.want {
			t.Errorf("TailLength(%d, %g) = %d, want %d", c.s, c.reff, got, c.want)
		}
	}
}

func TestKThreshold(t *testing.T) {
	for _, c := range []struct {
		s    int
		want float64
	}{{100, 0.5}, {1000, 2.0 / 3}, {4000, 0.7}, {10, 0}} {
		if got := KThreshold(c.s); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("KThreshold(%d) = %g, want %g", c.s, got, c.want)
		}
	}
}

func TestCategory(t *testing.T) {
	for _, c := range []struct {
		k    float64
		want string
	}{{-0.2, "good"}, {0.7, "good"}, {0.71, "bad"}, {1, "bad"}, {1.01, "very bad"}, {math.Inf(1), "very bad"}} {
		if got := Category(c.k, 0.7); got != c.want {
			t.Errorf("Category(%g) = %q, want %q", c.k, got, c.want)
		}
	}
}

// TestPSISParetoRatios smooths ratios drawn from a Pareto distribution with
// tail shape k (r = U^(−k)): k-hat, from a 190-draw tail, should be near k.
func TestPSISParetoRatios(t *testing.T) {
	for j, k := range []float64{0.3, 0.6, 0.9} {
		var mean float64
		const reps = 8
		for rep := range reps {
			r := rand.New(rand.NewPCG(uint64(40+j), uint64(rep)))
			lr := make([]float64, 4000)
			for d := range lr {
				lr[d] = -k * math.Log(1-r.Float64())
			}
			_, kh := PSIS(lr)
			mean += kh / reps
		}
		// The standard error of the mean is about (1 + k)/√(190·8) ≈ 0.05.
		if math.Abs(mean-k) > 0.12 {
			t.Errorf("k = %.1f: mean k-hat %.3f", k, mean)
		}
	}
}

// TestPSISWeights checks what smoothing may and may not change: draws below
// the tail keep their ratios, the tail keeps its order, and no weight
// exceeds the largest raw ratio.
func TestPSISWeights(t *testing.T) {
	r := rand.New(rand.NewPCG(50, 1))
	lr := make([]float64, 1000)
	for d := range lr {
		lr[d] = 3 + 1.5*r.NormFloat64()
	}
	lw, k := PSIS(lr)
	if math.IsNaN(k) || math.IsInf(k, 0) {
		t.Fatalf("k-hat %g", k)
	}
	m := TailLength(len(lr), 1)
	sorted := slices.Clone(lr)
	slices.Sort(sorted)
	cutoff := sorted[len(lr)-m-1]
	maxLR := sorted[len(lr)-1]
	changed := 0
	for d := range lr {
		if lw[d] > maxLR {
			t.Errorf("draw %d: log weight %g above the largest log ratio %g", d, lw[d], maxLR)
		}
		if lr[d] <= cutoff {
			if lw[d] != lr[d] {
				t.Errorf("draw %d below the tail changed: %g → %g", d, lr[d], lw[d])
			}
		} else if lw[d] != lr[d] {
			changed++
		}
		for e := range lr {
			if lr[d] < lr[e] && lw[d] > lw[e] {
				t.Fatalf("order broken: draws %d, %d", d, e)
			}
		}
	}
	if changed < m/2 {
		t.Errorf("only %d of %d tail weights smoothed", changed, m)
	}
}

// TestPSISFlatTail gives ratios whose tail is constant: k-hat 0 and no
// change.
func TestPSISFlatTail(t *testing.T) {
	lr := make([]float64, 100)
	for d := range lr {
		lr[d] = float64(min(d, 50)) // draws 50…99 tie at the top
	}
	lw, k := PSIS(lr)
	if k != 0 || !slices.Equal(lw, lr) {
		t.Errorf("k-hat %g, weights changed: %v", k, !slices.Equal(lw, lr))
	}
}

func TestPSISInvalid(t *testing.T) {
	for _, lr := range [][]float64{nil, make([]float64, MinDraws-1), {1, 2, 3, 4, 5, 6, 7, 8, 9, math.NaN()}, {1, 2, 3, 4, 5, 6, 7, 8, 9, math.Inf(-1)}} {
		if lw, k := PSIS(lr); lw != nil || !math.IsNaN(k) {
			t.Errorf("PSIS(%v) = %v, %g; want nil, NaN", lr, lw, k)
		}
	}
}

// TestNthSmallest compares the selection with sorting on random, tied,
// sorted and reversed inputs.
func TestNthSmallest(t *testing.T) {
	r := rand.New(rand.NewPCG(60, 1))
	inputs := [][]float64{{5}, {2, 1}}
	for _, n := range []int{7, 100, 1001} {
		rnd, ties, asc, desc := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range rnd {
			rnd[i] = r.NormFloat64()
			ties[i] = float64(r.IntN(3))
			asc[i] = float64(i)
			desc[i] = float64(n - i)
		}
		inputs = append(inputs, rnd, ties, asc, desc)
	}
	for _, x := range inputs {
		want := slices.Clone(x)
		slices.Sort(want)
		for _, n := range []int{0, len(x) / 3, len(x) - 1} {
			got := nthSmallest(slices.Clone(x), n)
			if got != want[n] {
				t.Errorf("len %d, n %d: %g, want %g", len(x), n, got, want[n])
			}
		}
	}
}
