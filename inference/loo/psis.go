package loo

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// MinDraws is the fewest draws PSIS and LOO accept. With fewer, not even the
// shortest tail (MinTail draws) leaves a body to smooth against.
const MinDraws = 10

// MinTail is the fewest tail draws the generalized Pareto distribution is
// fitted to; TailLength never returns less.
const MinTail = 5

// TailLength is the number of largest importance ratios, out of s, that PSIS
// replaces by generalized Pareto quantiles: M = ⌈min(0.2·s, 3√(s/rEff))⌉
// (Vehtari et al. 2024; the loo package's rule), at least MinTail. rEff is
// the relative efficiency of the draws (1 for independent draws); a value
// that is not positive and finite counts as 1.
func TailLength(s int, rEff float64) int {
	if !(rEff > 0) || math.IsInf(rEff, 0) {
		rEff = 1
	}
	fs := float64(s)
	m := int(math.Ceil(math.Min(0.2*fs, 3*math.Sqrt(fs/rEff))))
	return max(m, MinTail)
}

// KThreshold is the sample-size dependent limit on k-hat below which a
// Pareto smoothed estimate from s draws is reliable:
// min(1 − 1/log10(s), 0.7) (Vehtari et al. 2024, equation 13, capped at 0.7
// as the loo package does). It is 0.7 from about 2,200 draws on.
func KThreshold(s int) float64 {
	return math.Min(1-1/math.Log10(float64(s)), 0.7)
}

// PSIS Pareto-smooths the importance ratios exp(logRatios) of independent
// draws: it fits a generalized Pareto distribution to the TailLength(S, 1)
// largest ratios, replaces them by the distribution's quantiles at
// (z − ½)/M, z = 1…M, in the same order, and truncates every weight at the
// largest raw ratio. It returns the smoothed log weights, unnormalized and on
// the scale of logRatios, and the estimated shape k-hat.
//
// k-hat is +Inf when the fit fails and 0 when the largest ratios are all
// equal (the weights are then bounded, a shape of at most 0, and nothing is
// smoothed). PSIS returns nil and NaN when logRatios has fewer than MinDraws
// values or a value that is not finite.
func PSIS(logRatios []float64) (logWeights []float64, khat float64) {
	if len(logRatios) < MinDraws {
		return nil, math.NaN()
	}
	maxLR := math.Inf(-1)
	for _, v := range logRatios {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, math.NaN()
		}
		maxLR = max(maxLR, v)
	}
	lw := make([]float64, len(logRatios))
	for i, v := range logRatios {
		lw[i] = v - maxLR
	}
	var w psisWork
	khat = w.smooth(lw, TailLength(len(lw), 1))
	for i, v := range logRatios {
		if lw[i] == v-maxLR {
			lw[i] = v // unchanged: avoid the rounding of shifting back
		} else {
			lw[i] += maxLR
		}
	}
	return lw, khat
}

// psisWork holds the scratch space of one smoothing, reused between
// observations.
type psisWork struct {
	sel    []float64 // copy of the log weights for selection
	tail   []int     // indices of the tail draws, ascending by log weight
	excess []float64 // tail ratios minus the cutoff ratio
	gpd    gpdWork
}

// smooth Pareto-smooths in place log weights lw whose maximum is 0, with a
// tail of m draws (MinTail ≤ m < len(lw)), and returns k-hat. Every weight
// ends at most 1 (log weight 0), the largest raw weight.
func (w *psisWork) smooth(lw []float64, m int) float64 {
	s := len(lw)
	w.sel = append(w.sel[:0], lw...)
	cut := s - m - 1 // position of the cutoff in ascending order
	cutoff := nthSmallest(w.sel, cut)

	// The tail: every draw above the cutoff, topped up with draws equal to
	// it (latest first, as a stable sort would place them) when there are
	// ties at the cutoff.
	w.tail = w.tail[:0]
	for i, v := range lw {
		if v > cutoff {
			w.tail = append(w.tail, i)
		}
	}
	for i := s - 1; i >= 0 && len(w.tail) < m; i-- {
		if lw[i] == cutoff {
			w.tail = append(w.tail, i)
		}
	}
	slices.SortFunc(w.tail, func(a, b int) int {
		if c := cmp.Compare(lw[a], lw[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	lo, hi := lw[w.tail[0]], lw[w.tail[m-1]]
	if hi == lo {
		// A flat tail: the weights are bounded and need no smoothing.
		return 0
	}
	if cutoff == lo {
		cutoff = math.Nextafter(cutoff, math.Inf(-1))
	}

	expCut := math.Exp(cutoff)
	w.excess = w.excess[:0]
	for _, i := range w.tail {
		w.excess = append(w.excess, math.Exp(lw[i])-expCut)
	}
	k, sigma := w.gpd.fit(w.excess)
	if math.IsInf(k, 0) || math.IsNaN(k) {
		return math.Inf(1)
	}
	fm := float64(m)
	for z, i := range w.tail {
		q := gpdQuantile((float64(z)+0.5)/fm, k, sigma) + expCut
		lw[i] = math.Min(math.Log(q), 0)
	}
	return k
}

// nthSmallest partially orders x so that x[n] holds the value that sorting
// would put there, everything before it is no larger and everything after
// no smaller, and returns x[n]. It is a quickselect with a median-of-three
// pivot that falls back to sorting when the partitions stop shrinking.
func nthSmallest(x []float64, n int) float64 {
	lo, hi := 0, len(x)-1
	budget := 2 * bits.Len(uint(len(x)))
	for hi > lo {
		if budget == 0 {
			slices.Sort(x[lo : hi+1])
			return x[n]
		}
		budget--
		mid := lo + (hi-lo)/2
		// Median of three into x[mid].
		if x[mid] < x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] < x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[hi] < x[mid] {
			x[hi], x[mid] = x[mid], x[hi]
		}
		pivot := x[mid]
		i, j := lo, hi
		for i <= j {
			for x[i] < pivot {
				i++
			}
			for x[j] > pivot {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		// Now x[lo..j] ≤ pivot ≤ x[i..hi], and x[j+1..i-1] == pivot.
		switch {
		case n <= j:
			hi = j
		case n >= i:
			lo = i
		default:
			return x[n]
		}
	}
	return x[n]
}
