package diagnostics

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mathext"
)

// workspace holds the FFT plan and buffers that autocovariance reuses for
// chains of one length. It is not safe for concurrent use.
type workspace struct {
	n     int // chain length the buffers are for
	fft   *fourier.FFT
	pad   []float64
	coeff []complex128
	seq   []float64
}

// nextSmooth returns the smallest integer ≥ n whose only prime factors are
// 2, 3 and 5 (R's nextn).
func nextSmooth(n int) int {
	if n <= 1 {
		return 1
	}
	for ; ; n++ {
		m := n
		for m%2 == 0 {
			m /= 2
		}
		for m%3 == 0 {
			m /= 3
		}
		for m%5 == 0 {
			m /= 5
		}
		if m == 1 {
			return n
		}
	}
}

func (w *workspace) setup(n int) {
	if w.fft != nil && w.n == n {
		return
	}
	size := 2 * nextSmooth(n)
	w.n = n
	w.fft = fourier.NewFFT(size)
	w.pad = make([]float64, size)
	w.coeff = make([]complex128, size/2+1)
	w.seq = make([]float64, size)
}

// autocovariance writes into ac (length len(x)) the biased autocovariances
// of x at lags 0…n−1, computed by FFT and scaled so that ac[0] is the
// variance with denominator n. A constant x gives zeros.
func (w *workspace) autocovariance(x, ac []float64) {
	n := len(x)
	varx := variance(x)
	if varx == 0 || n < 2 {
		for i := range ac {
			ac[i] = 0
		}
		return
	}
	w.setup(n)
	m := mean(x)
	for i, v := range x {
		w.pad[i] = v - m
	}
	for i := n; i < len(w.pad); i++ {
		w.pad[i] = 0
	}
	w.fft.Coefficients(w.coeff, w.pad)
	for i, c := range w.coeff {
		re, im := real(c), imag(c)
		w.coeff[i] = complex(re*re+im*im, 0)
	}
	w.fft.Sequence(w.seq, w.coeff)
	scale := varx * float64(n-1) / float64(n) / w.seq[0]
	for i := range ac {
		ac[i] = w.seq[i] * scale
	}
}

// ess is posterior's .ess: the effective sample size of the matrix of
// (already split or transformed) chains.
func (w *workspace) ess(chains [][]float64) (float64, string) {
	if r := check(chains); r != "" {
		return math.NaN(), r
	}
	m := len(chains)
	n := len(chains[0])
	if n < 3 {
		return math.NaN(), reasonShortESS
	}
	if isConstant(chains) {
		return math.NaN(), reasonConstant
	}
	acovMeans := make([]float64, n)
	ac := make([]float64, n)
	chainMeans := make([]float64, m)
	for c, ch := range chains {
		w.autocovariance(ch, ac)
		for t, v := range ac {
			acovMeans[t] += v
		}
		chainMeans[c] = mean(ch)
	}
	for t := range acovMeans {
		acovMeans[t] /= float64(m)
	}
	fn := float64(n)
	meanVar := acovMeans[0] * fn / (fn - 1)
	varPlus := meanVar * (fn - 1) / fn
	if m > 1 {
		varPlus += variance(chainMeans)
	}

	// Geyer's initial positive sequence.
	rho := make([]float64, n)
	t := 0
	rhoEven := 1.0
	rho[0] = rhoEven
	rhoOdd := 1 - (meanVar-acovMeans[1])/varPlus
	rho[1] = rhoOdd
	for t < n-5 && !math.IsNaN(rhoEven+rhoOdd) && rhoEven+rhoOdd > 0 {
		t += 2
		rhoEven = 1 - (meanVar-acovMeans[t])/varPlus
		rhoOdd = 1 - (meanVar-acovMeans[t+1])/varPlus
		if rhoEven+rhoOdd >= 0 {
			rho[t] = rhoEven
			rho[t+1] = rhoOdd
		}
	}
	maxT := t
	if rhoEven > 0 {
		rho[maxT] = rhoEven
	}

	// Geyer's initial monotone sequence.
	for t = 0; t <= maxT-4; {
		t += 2
		if rho[t]+rho[t+1] > rho[t-2]+rho[t-1] {
			rho[t] = (rho[t-2] + rho[t-1]) / 2
			rho[t+1] = rho[t]
		}
	}

	total := float64(m * n)
	// R sums rho_hat_t[1:max_t]; when max_t is 0 that is rho_hat_t[1].
	sum := rho[0]
	for i := 1; i < maxT; i++ {
		sum += rho[i]
	}
	tau := -1 + 2*sum + rho[maxT]
	if math.IsNaN(tau) {
		return math.NaN(), "autocorrelations could not be estimated"
	}
	if bound := 1 / math.Log10(total); tau < bound {
		tau = bound
	}
	return total / tau, ""
}

// rhat is posterior's .rhat: the potential scale reduction of the matrix of
// (already split or transformed) chains.
func rhat(chains [][]float64) (float64, string) {
	if r := check(chains); r != "" {
		return math.NaN(), r
	}
	n := len(chains[0])
	if n < 2 {
		return math.NaN(), reasonShortRhat
	}
	if isConstant(chains) {
		return math.NaN(), reasonConstant
	}
	m := len(chains)
	if m < 2 {
		return math.NaN(), reasonShortRhat
	}
	means := make([]float64, m)
	vw := 0.0
	for c, ch := range chains {
		means[c] = mean(ch)
		vw += variance(ch)
	}
	vw /= float64(m)
	fn := float64(n)
	vb := fn * variance(means)
	return math.Sqrt((vb/vw + fn - 1) / fn), ""
}

// zScale rank-normalizes the matrix: pooled average ranks r become
// Φ⁻¹((r − 3/8)/(S + 1/4)).
func zScale(chains [][]float64) [][]float64 {
	x := pooled(chains)
	r := averageRanks(x)
	s := float64(len(x))
	out := make([][]float64, len(chains))
	k := 0
	for c, ch := range chains {
		o := make([]float64, len(ch))
		for i := range ch {
			o[i] = mathext.NormalQuantile((r[k] - 3.0/8) / (s + 1.0/4))
			k++
		}
		out[c] = o
	}
	return out
}

// fold returns |x − median(x)| with the median of the pooled draws.
func fold(chains [][]float64) [][]float64 {
	med := medianSorted(sortedCopy(chains))
	return mapChains(chains, func(v float64) float64 { return math.Abs(v - med) })
}

// indicator returns 1 where x ≤ q and 0 elsewhere.
func indicator(chains [][]float64, q float64) [][]float64 {
	return mapChains(chains, func(v float64) float64 {
		if v <= q {
			return 1
		}
		return 0
	})
}
