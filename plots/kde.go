package plots

import (
	"math"
	"sort"
)

// Gaussian kernel density estimation with Silverman's rule-of-thumb bandwidth
// (Silverman 1986, eq. 3.31): h = 0.9 · min(sd, IQR/1.34) · n^(−1/5).

// sortedCopy returns xs sorted ascending.
func sortedCopy(xs []float64) []float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s
}

// quantileSorted is the type-7 (linear interpolation) quantile of sorted data.
func quantileSorted(s []float64, p float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	h := p * float64(len(s)-1)
	lo := int(math.Floor(h))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	if lo < 0 {
		return s[0]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}

// meanSD returns the mean and the sample standard deviation.
func meanSD(xs []float64) (mean, sd float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	if len(xs) > 1 {
		sd = math.Sqrt(ss / (n - 1))
	}
	return mean, sd
}

// silvermanBandwidth returns Silverman's rule-of-thumb bandwidth for xs. For
// data with no spread it returns a small positive width, so that the estimate
// is a narrow spike rather than a division by zero.
func silvermanBandwidth(xs []float64) float64 {
	s := sortedCopy(xs)
	_, sd := meanSD(s)
	iqr := quantileSorted(s, 0.75) - quantileSorted(s, 0.25)
	a := sd
	if r := iqr / 1.34; r > 0 && r < a {
		a = r
	}
	if a <= 0 {
		m := math.Abs(s[len(s)/2])
		return math.Max(m*1e-3, 1e-6)
	}
	return 0.9 * a * math.Pow(float64(len(s)), -0.2)
}

// kdeEval evaluates the Gaussian kernel density estimate of xs with bandwidth
// h at each grid point. Large problems are binned linearly onto a fine grid
// first (error far below plotting resolution); small ones are summed exactly.
func kdeEval(xs []float64, h float64, grid []float64) []float64 {
	out := make([]float64, len(grid))
	if len(xs) == 0 || h <= 0 {
		return out
	}
	norm := 1 / (float64(len(xs)) * h * math.Sqrt(2*math.Pi))
	lo, hi := xs[0], xs[0]
	for _, x := range xs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	const bins = 4096
	step := (hi - lo) / (bins - 1)
	if len(xs)*len(grid) <= 2_000_000 || step > h/4 {
		for i, g := range grid {
			var s float64
			for _, x := range xs {
				z := (g - x) / h
				if z < 8 && z > -8 {
					s += math.Exp(-0.5 * z * z)
				}
			}
			out[i] = s * norm
		}
		return out
	}
	w := make([]float64, bins)
	for _, x := range xs {
		f := (x - lo) / step
		k := int(f)
		if k >= bins-1 {
			w[bins-1]++
			continue
		}
		r := f - float64(k)
		w[k] += 1 - r
		w[k+1] += r
	}
	for i, g := range grid {
		k0 := int(math.Floor((g - 8*h - lo) / step))
		k1 := int(math.Ceil((g + 8*h - lo) / step))
		if k0 < 0 {
			k0 = 0
		}
		if k1 > bins-1 {
			k1 = bins - 1
		}
		var s float64
		for k := k0; k <= k1; k++ {
			if w[k] == 0 {
				continue
			}
			z := (g - (lo + float64(k)*step)) / h
			s += w[k] * math.Exp(-0.5*z*z)
		}
		out[i] = s * norm
	}
	return out
}

// linspace returns n evenly spaced points from lo to hi inclusive.
func linspace(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return out
}
