package diagnostics

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// Reasons a diagnostic is NaN; Summary.Note joins the ones that apply.
const (
	reasonNoDraws   = "no draws"
	reasonNaN       = "draws contain NaN"
	reasonInf       = "draws contain infinite values"
	reasonConstant  = "draws are constant"
	reasonShortRhat = "too few draws for R-hat (need at least 4 per chain)"
	reasonShortESS  = "too few draws for ESS (need at least 6 per chain)"
	reasonBadProb   = "probability outside [0, 1]"
)

// check returns why chains cannot be diagnosed at all, or "".
func check(chains [][]float64) string {
	if len(chains) == 0 || len(chains[0]) == 0 {
		return reasonNoDraws
	}
	n := len(chains[0])
	hasInf := false
	for c, ch := range chains {
		if len(ch) != n {
			return fmt.Sprintf("chains have different lengths (chain 1 has %d draws, chain %d has %d)", n, c+1, len(ch))
		}
		for _, v := range ch {
			if math.IsNaN(v) {
				return reasonNaN
			}
			if math.IsInf(v, 0) {
				hasInf = true
			}
		}
	}
	if hasInf {
		return reasonInf
	}
	return ""
}

// isConstant reports whether all values of the matrix lie within machine
// epsilon of each other, as posterior's is_constant.
func isConstant(chains [][]float64) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, ch := range chains {
		for _, v := range ch {
			lo = math.Min(lo, v)
			hi = math.Max(hi, v)
		}
	}
	return math.Abs(hi-lo) < 0x1p-52
}

// splitChains halves every chain: the first floor(n/2) draws and the last
// floor(n/2) draws, so the middle draw of an odd chain is dropped. A chain of
// one draw is left whole. The result shares memory with chains.
func splitChains(chains [][]float64) [][]float64 {
	n := len(chains[0])
	if n == 1 {
		return chains
	}
	h := n / 2
	out := make([][]float64, 0, 2*len(chains))
	for _, ch := range chains {
		out = append(out, ch[:h])
	}
	for _, ch := range chains {
		out = append(out, ch[n-h:])
	}
	return out
}

// mapChains returns a new matrix with f applied to every value.
func mapChains(chains [][]float64, f func(float64) float64) [][]float64 {
	out := make([][]float64, len(chains))
	for c, ch := range chains {
		o := make([]float64, len(ch))
		for i, v := range ch {
			o[i] = f(v)
		}
		out[c] = o
	}
	return out
}

// pooled returns all draws in one new slice.
func pooled(chains [][]float64) []float64 {
	n := 0
	for _, ch := range chains {
		n += len(ch)
	}
	out := make([]float64, 0, n)
	for _, ch := range chains {
		out = append(out, ch...)
	}
	return out
}

// mean is the mean with R's refinement: the sum divided by n, corrected by
// the mean of the residuals.
func mean(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	m := s / float64(len(x))
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return m
	}
	t := 0.0
	for _, v := range x {
		t += v - m
	}
	return m + t/float64(len(x))
}

// variance is the sample variance with denominator n − 1 (NaN for n < 2).
func variance(x []float64) float64 {
	if len(x) < 2 {
		return math.NaN()
	}
	m := mean(x)
	s := 0.0
	for _, v := range x {
		d := v - m
		s += d * d
	}
	return s / float64(len(x)-1)
}

// matrixMeanSD returns the mean and the standard deviation (n − 1) of all
// draws pooled.
func matrixMeanSD(chains [][]float64) (float64, float64) {
	x := pooled(chains)
	return mean(x), math.Sqrt(variance(x))
}

// quantileSorted is R's type 7 quantile of the sorted values xs.
func quantileSorted(xs []float64, p float64) float64 {
	n := len(xs)
	if n == 0 || math.IsNaN(p) || p < 0 || p > 1 {
		return math.NaN()
	}
	// 1-based as in R, so that the floating-point rounding is R's.
	index := 1 + float64(n-1)*p
	lo := math.Floor(index)
	hi := math.Ceil(index)
	q := xs[int(lo)-1]
	if index > lo && xs[int(hi)-1] != q {
		h := index - lo
		q = (1-h)*q + h*xs[int(hi)-1]
	}
	return q
}

// medianSorted is R's median of the sorted values xs.
func medianSorted(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// sortedCopy returns the pooled draws sorted ascending.
func sortedCopy(chains [][]float64) []float64 {
	x := pooled(chains)
	sort.Float64s(x)
	return x
}

// averageRanks returns the 1-based ranks of x, ties given their average
// rank, as R's rank(x, ties.method = "average").
func averageRanks(x []float64) []float64 {
	type item struct {
		v float64
		i int
	}
	n := len(x)
	items := make([]item, n)
	for i, v := range x {
		items[i] = item{v, i}
	}
	// The callers have rejected NaN, so < orders the values totally.
	slices.SortFunc(items, func(a, b item) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	r := make([]float64, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && items[j].v == items[i].v {
			j++
		}
		// sorted positions i..j-1 (0-based) hold ranks i+1..j; their average:
		avg := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			r[items[k].i] = avg
		}
		i = j
	}
	return r
}
