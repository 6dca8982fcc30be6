package loo

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Result is a PSIS-LOO estimate for one model.
type Result struct {
	Draws        int // S, posterior draws (all chains pooled)
	Observations int // N, pointwise log-likelihood terms

	ELPD    float64 // elpd_loo = Σ_i log p(y_i | y_−i), estimated
	SE      float64 // standard error of ELPD over observations, √(N·var_i elpd_i)
	PLOO    float64 // p_loo = lpd − elpd_loo, the effective number of parameters
	PLOOSE  float64 // standard error of PLOO
	LOOIC   float64 // −2·ELPD, the deviance scale
	LOOICSE float64 // 2·SE
	// MCSE is the Monte Carlo standard error of ELPD, √Σ_i MCSE_i². It is
	// NaN when some k-hat exceeds Threshold, since it is then unreliable.
	MCSE float64

	Pointwise []Point   // one per observation, in input order
	KHat      []float64 // Pointwise[i].KHat, for convenience

	// Threshold is min(1 − 1/log10(S), 0.7): k-hat at or below it is good.
	Threshold float64
	// NumBadK counts observations with k-hat above Threshold (so also those
	// above 1); NumVeryBadK those with k-hat above 1 (or a failed fit).
	NumBadK, NumVeryBadK int
	// Warnings explain, in plain words, what high k-hats mean and what to do.
	Warnings []string
}

// Point is the PSIS-LOO estimate for one observation.
type Point struct {
	ELPD float64 // log p(y_i | y_−i), estimated
	MCSE float64 // its Monte Carlo standard error
	PLOO float64 // lpd_i − ELPD, where lpd_i = log mean_s p(y_i | θ_s)
	KHat float64 // Pareto shape of the importance weights' tail
	ESS  float64 // PSIS effective sample size, r_eff / Σ w̃_s², w̃ normalized
	REff float64 // relative efficiency of the draws used for this observation
}

// Options tune LOOWith. The zero value gives LOO.
type Options struct {
	// REff holds, per observation, the relative efficiency r_eff = ESS/S of
	// the draws for the likelihood exp(loglik[·][i]). It sets the tail
	// length (3√(S/r_eff)), the PSIS effective sample size and the Monte
	// Carlo standard errors. Nil means 1, right for independent draws and
	// over-optimistic for autocorrelated MCMC draws.
	REff []float64
	// ChainIDs, when REff is nil, gives the chain of every draw (any
	// integers; each chain's draws in order, all chains equally long), and
	// r_eff is computed by RelativeEff.
	ChainIDs []int
}

// InputError reports a log-likelihood matrix LOO cannot use. Draw and
// Observation are 1-based; 0 means the error is not about one draw or one
// observation.
type InputError struct {
	Draw, Observation int
	Msg               string
}

func (e *InputError) Error() string {
	switch {
	case e.Draw > 0 && e.Observation > 0:
		return fmt.Sprintf("loo: draw %d, observation %d: %s", e.Draw, e.Observation, e.Msg)
	case e.Draw > 0:
		return fmt.Sprintf("loo: draw %d: %s", e.Draw, e.Msg)
	case e.Observation > 0:
		return fmt.Sprintf("loo: observation %d: %s", e.Observation, e.Msg)
	}
	return "loo: " + e.Msg
}

// LOO estimates leave-one-out cross-validation from the pointwise
// log-likelihood loglik[s][i] = log p(y_i | θ_s) of S posterior draws
// (chains pooled) and N observations, by Pareto smoothed importance sampling.
// It treats the draws as independent (r_eff = 1); see LOOWith for MCMC draws.
//
// It returns an *InputError when loglik is empty, ragged, has fewer than
// MinDraws draws, or holds a value that is NaN or infinite.
func LOO(loglik [][]float64) (*Result, error) {
	return LOOWith(loglik, Options{})
}

// LOOWith is LOO with the relative efficiencies of Options, for MCMC draws.
// Besides LOO's errors it returns an *InputError when both REff and
// ChainIDs are set, REff has the wrong length or a value that is not
// positive and finite, or ChainIDs has the wrong length or unequal chains.
func LOOWith(loglik [][]float64, opts Options) (*Result, error) {
	if err := validate(loglik); err != nil {
		return nil, err
	}
	s, n := len(loglik), len(loglik[0])
	reff := opts.REff
	switch {
	case reff != nil && opts.ChainIDs != nil:
		return nil, &InputError{Msg: "give Options.REff or Options.ChainIDs, not both"}
	case reff != nil:
		if len(reff) != n {
			return nil, &InputError{Msg: fmt.Sprintf("REff has %d values for %d observations", len(reff), n)}
		}
		for i, r := range reff {
			if !(r > 0) || math.IsInf(r, 0) {
				return nil, &InputError{Observation: i + 1, Msg: fmt.Sprintf("REff is %v; it must be positive and finite", r)}
			}
		}
	case opts.ChainIDs != nil:
		var err error
		if reff, err = relativeEff(loglik, opts.ChainIDs); err != nil {
			return nil, err
		}
	}

	res := &Result{
		Draws:        s,
		Observations: n,
		Pointwise:    make([]Point, n),
		KHat:         make([]float64, n),
		Threshold:    KThreshold(s),
	}
	forEachBlock(loglik, func(col []float64, i int, w *columnWork) {
		r := 1.0
		if reff != nil {
			r = reff[i]
		}
		res.Pointwise[i] = w.point(col, r)
	})
	res.summarize()
	return res, nil
}

// validate checks that loglik is a non-empty, rectangular matrix of finite
// values with at least MinDraws rows.
func validate(loglik [][]float64) error {
	if len(loglik) == 0 {
		return &InputError{Msg: "the log-likelihood matrix has no draws"}
	}
	n := len(loglik[0])
	if n == 0 {
		return &InputError{Msg: "the log-likelihood matrix has no observations"}
	}
	for s, row := range loglik {
		if len(row) != n {
			return &InputError{Draw: s + 1, Msg: fmt.Sprintf("has %d observations, draw 1 has %d (the matrix must be [draw][observation])", len(row), n)}
		}
	}
	for s, row := range loglik {
		for i, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return &InputError{Draw: s + 1, Observation: i + 1, Msg: fmt.Sprintf("log-likelihood is %v; it must be finite", v)}
			}
		}
	}
	if len(loglik) < MinDraws {
		return &InputError{Msg: fmt.Sprintf("%d draws are too few; PSIS-LOO needs at least %d (thousands for reliable k-hats)", len(loglik), MinDraws)}
	}
	return nil
}

// blockWidth is how many observations a worker copies out of the rows at a
// time: eight float64s fill a 64-byte cache line.
const blockWidth = 8

// forEachBlock calls f once per observation i with its column of loglik,
// spreading blocks of observations over GOMAXPROCS goroutines. Each call
// gets the worker's own scratch space; results depend only on the column, so
// they do not depend on the number of goroutines.
func forEachBlock(loglik [][]float64, f func(col []float64, i int, w *columnWork)) {
	s, n := len(loglik), len(loglik[0])
	blocks := (n + blockWidth - 1) / blockWidth
	workers := min(runtime.GOMAXPROCS(0), blocks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &columnWork{}
			cols := make([][]float64, blockWidth)
			for c := range cols {
				cols[c] = make([]float64, s)
			}
			for {
				b := int(next.Add(1) - 1)
				if b >= blocks {
					return
				}
				lo := b * blockWidth
				hi := min(lo+blockWidth, n)
				for d, row := range loglik {
					for i, v := range row[lo:hi] {
						cols[i][d] = v
					}
				}
				for i := lo; i < hi; i++ {
					f(cols[i-lo], i, w)
				}
			}
		}()
	}
	wg.Wait()
}

// columnWork is one worker's scratch space.
type columnWork struct {
	psis psisWork
	lw   []float64 // log weights
	w    []float64 // exp(lw − max lw)
	t    []float64 // exp(lw + ll − max)
	// chains holds one observation's likelihoods split by chain, for
	// RelativeEff.
	chains [][]float64
}

// point computes the PSIS-LOO estimate of one observation from its column ll
// of log-likelihoods and the draws' relative efficiency reff.
func (w *columnWork) point(ll []float64, reff float64) Point {
	s := len(ll)
	w.lw = grow(w.lw, s)
	w.w = grow(w.w, s)
	w.t = grow(w.t, s)

	// Log importance ratios −ll, shifted so that the largest is 0.
	minLL, maxLL := ll[0], ll[0]
	for _, v := range ll {
		if v < minLL {
			minLL = v
		}
		if v > maxLL {
			maxLL = v
		}
	}
	for d, v := range ll {
		w.lw[d] = minLL - v
	}
	khat := w.psis.smooth(w.lw, TailLength(s, reff))

	// Normalized weights w̃ = w.w / sumW.
	maxLW := math.Inf(-1)
	for _, v := range w.lw {
		if v > maxLW {
			maxLW = v
		}
	}
	var sumW float64
	for d, v := range w.lw {
		e := math.Exp(v - maxLW)
		w.w[d] = e
		sumW += e
	}
	// elpd_i = log Σ w̃_s p(y_i|θ_s), via exp(lw + ll) shifted by its max.
	maxA := math.Inf(-1)
	for d, v := range w.lw {
		if a := v + ll[d]; a > maxA {
			maxA = a
		}
	}
	// Outside the smoothed tail lw + ll is minLL, up to rounding, so
	// reusing the last exponential saves most of them exactly.
	var sumT float64
	lastA, lastE := math.NaN(), 0.0
	for d, v := range w.lw {
		a := v + ll[d]
		if a != lastA {
			lastA, lastE = a, math.Exp(a-maxA)
		}
		w.t[d] = lastE
		sumT += lastE
	}
	elpd := maxA + math.Log(sumT) - (maxLW + math.Log(sumW))

	// lpd_i = log mean_s p(y_i|θ_s).
	var sumL float64
	for _, v := range ll {
		sumL += math.Exp(v - maxLL)
	}
	lpd := maxLL + math.Log(sumL/float64(s))

	// ESS = r_eff/Σ w̃²; the squared coefficient of variation of the
	// estimate of p(y_i | y_−i) is Σ w̃²(p_s/E − 1)² = Σ (t̃_s − w̃_s)².
	var sumW2, cv2 float64
	for d := range s {
		wn := w.w[d] / sumW
		sumW2 += wn * wn
		dd := w.t[d]/sumT - wn
		cv2 += dd * dd
	}
	return Point{
		ELPD: elpd,
		MCSE: math.Sqrt(varLogNormal(math.Sqrt(cv2)) / reff),
		PLOO: lpd - elpd,
		KHat: khat,
		ESS:  reff / sumW2,
		REff: reff,
	}
}

func grow(x []float64, n int) []float64 {
	if cap(x) < n {
		return make([]float64, n)
	}
	return x[:n]
}

// summarize fills the totals, the k-hat counts and the warnings from
// Pointwise.
func (r *Result) summarize() {
	n := r.Observations
	var elpd, ploo, mc2 []float64
	elpd = make([]float64, n)
	ploo = make([]float64, n)
	mc2 = make([]float64, n)
	for i, p := range r.Pointwise {
		elpd[i], ploo[i], mc2[i] = p.ELPD, p.PLOO, p.MCSE*p.MCSE
		r.KHat[i] = p.KHat
		if p.KHat > r.Threshold {
			r.NumBadK++
		}
		if p.KHat > 1 {
			r.NumVeryBadK++
		}
	}
	r.ELPD = sum(elpd)
	r.SE = math.Sqrt(float64(n) * variance(elpd))
	r.PLOO = sum(ploo)
	r.PLOOSE = math.Sqrt(float64(n) * variance(ploo))
	r.LOOIC = -2 * r.ELPD
	r.LOOICSE = 2 * r.SE
	r.MCSE = math.Sqrt(sum(mc2))
	if r.NumBadK > 0 {
		r.MCSE = math.NaN()
	}
	r.Warnings = kWarnings(r.KHat, r.Threshold, r.Draws)
	if n == 1 {
		r.Warnings = append(r.Warnings, "There is only one observation, so the standard errors (SE, PLOOSE, LOOICSE) cannot be estimated and are NaN.")
	}
}

func sum(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s
}

// variance is the sample variance (denominator n − 1); NaN for n < 2.
func variance(x []float64) float64 {
	n := len(x)
	if n < 2 {
		return math.NaN()
	}
	m := sum(x) / float64(n)
	var ss float64
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return ss / float64(n-1)
}
