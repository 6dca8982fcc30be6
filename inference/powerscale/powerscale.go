// Package powerscale measures how much a posterior depends on its prior and
// on its likelihood, from the draws already made, by power-scaling each of
// them (Kallioinen, Paananen, Bürkner and Vehtari 2023, "Detecting and
// diagnosing prior and likelihood sensitivity with power-scaling", the
// method of R's priorsense package).
//
// Raising the prior to a power α near 1, p(θ)^α p(y | θ), moves the
// posterior by an amount that the existing draws can estimate without a
// refit: the perturbed posterior is the base one reweighted by
// p(θ_s)^(α−1), Pareto-smoothed (package loo's PSIS). The same holds for
// the likelihood, p(θ) p(y | θ)^α. How far each quantity's marginal moves is
// measured by the cumulative Jensen–Shannon distance (CJS) between its base
// and perturbed distributions, and the sensitivity is that distance per unit
// of log2 α, averaged over α = LowerAlpha and UpperAlpha:
//
//	S = ½ · (CJS(α_lo) / |log2 α_lo| + CJS(α_hi) / |log2 α_hi|)
//
// A quantity is sensitive when S ≥ Threshold (0.05, priorsense's default).
// Sensitive to the prior and to the likelihood at once is a prior-data
// conflict; sensitive to the prior only is a strong prior with a weak
// likelihood: the data say little and the prior decides.
//
// The CJS distance between two distributions with CDFs P and Q is
//
//	d = √( (CJS(P‖Q) + CJS(Q‖P)) / ∫(P + Q) dx ),
//	CJS(P‖Q) = ∫ P log2(2P / (P+Q)) dx + (1 / (2 ln 2)) ∫ (Q − P) dx,
//
// with the integrals over the range of the draws, which lies in [0, 1] (each
// direction is at most ∫P dx plus the linear term, and the linear terms
// cancel). Cumulative distributions weigh the left
// tail more than the right one; the distance is therefore taken as the larger
// of those of the quantity and of its negation.
package powerscale

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"dilemma/inference/loo"
)

// Settings are the perturbation sizes and the flagging threshold.
type Settings struct {
	// LowerAlpha and UpperAlpha are the powers tried below and above 1
	// (defaults 0.99 and 1.01, as priorsense).
	LowerAlpha, UpperAlpha float64
	// Threshold is the sensitivity from which a quantity is flagged
	// (default 0.05, as priorsense).
	Threshold float64
}

// DefaultSettings returns α = 0.99 and 1.01 and threshold 0.05.
func DefaultSettings() Settings {
	return Settings{LowerAlpha: 0.99, UpperAlpha: 1.01, Threshold: 0.05}
}

// Diagnosis names what a pair of sensitivities says.
type Diagnosis string

// The diagnoses.
const (
	// Fine: not sensitive to the prior.
	Fine Diagnosis = ""
	// Conflict: sensitive to both the prior and the likelihood.
	Conflict Diagnosis = "prior-data conflict"
	// WeakLikelihood: sensitive to the prior but not to the likelihood.
	WeakLikelihood Diagnosis = "strong prior / weak likelihood"
)

// Result is one quantity's sensitivities.
type Result struct {
	Prior      float64   // sensitivity to power-scaling the prior
	Likelihood float64   // sensitivity to power-scaling the likelihood
	Diagnosis  Diagnosis // from the two and the threshold
}

// Scaler holds the importance weights of the four perturbed posteriors
// (prior and likelihood, each at the lower and upper α) for one set of
// draws. Build it once and ask it about as many quantities as needed.
type Scaler struct {
	s Settings
	n int
	// w[k] are the normalized weights of perturbation k: prior at lower,
	// prior at upper, likelihood at lower, likelihood at upper α.
	w [4][]float64
	// KHat are the Pareto k-hats of the four weightings, same order.
	KHat [4]float64
	// Reliable reports whether every k-hat is below loo.KThreshold.
	Reliable bool
}

// NewScaler computes the weights from each draw's log prior and log
// likelihood (pooled over chains, in the same order as the quantities later
// given to Sensitivity). Constants in either do not matter.
func NewScaler(logPrior, logLik []float64, s Settings) (*Scaler, error) {
	if !(s.LowerAlpha > 0 && s.LowerAlpha < 1 && s.UpperAlpha > 1 && !math.IsInf(s.UpperAlpha, 0)) {
		return nil, fmt.Errorf("powerscale: alphas must satisfy 0 < lower < 1 < upper, got %g and %g", s.LowerAlpha, s.UpperAlpha)
	}
	if !(s.Threshold > 0) {
		return nil, fmt.Errorf("powerscale: threshold must be positive, got %g", s.Threshold)
	}
	n := len(logPrior)
	if len(logLik) != n {
		return nil, fmt.Errorf("powerscale: %d log prior values but %d log likelihood values", n, len(logLik))
	}
	if n < loo.MinDraws {
		return nil, fmt.Errorf("powerscale: %d draws, need at least %d", n, loo.MinDraws)
	}
	sc := &Scaler{s: s, n: n, Reliable: true}
	lr := make([]float64, n)
	comps := [2][]float64{logPrior, logLik}
	alphas := [2]float64{s.LowerAlpha, s.UpperAlpha}
	for c, comp := range comps {
		for a, alpha := range alphas {
			k := 2*c + a
			for i, v := range comp {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("powerscale: draw %d has a non-finite log %s (%g)", i+1, [2]string{"prior", "likelihood"}[c], v)
				}
				lr[i] = (alpha - 1) * v
			}
			lw, khat := loo.PSIS(lr)
			if lw == nil {
				return nil, errors.New("powerscale: Pareto smoothing failed")
			}
			sc.w[k] = normalize(lw)
			sc.KHat[k] = khat
			if !(khat <= loo.KThreshold(n)) {
				sc.Reliable = false
			}
		}
	}
	return sc, nil
}

// normalize turns log weights into weights summing to 1.
func normalize(lw []float64) []float64 {
	m := slices.Max(lw)
	w := make([]float64, len(lw))
	sum := 0.0
	for i, v := range lw {
		w[i] = math.Exp(v - m)
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// Sensitivity returns the prior and likelihood sensitivities of the
// quantity whose draws are x (pooled, in the order given to NewScaler) and
// the diagnosis. A quantity that does not vary has sensitivity 0.
func (sc *Scaler) Sensitivity(x []float64) (Result, error) {
	if len(x) != sc.n {
		return Result{}, fmt.Errorf("powerscale: %d draws of the quantity, %d of the weights", len(x), sc.n)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Result{}, fmt.Errorf("powerscale: draw %d of the quantity is %g", i+1, v)
		}
	}
	order := make([]int, sc.n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(x[a], x[b]) })
	var d [4]float64
	for k := range d {
		d[k] = distance(x, order, sc.w[k])
	}
	lo := math.Abs(math.Log2(sc.s.LowerAlpha))
	hi := math.Abs(math.Log2(sc.s.UpperAlpha))
	r := Result{
		Prior:      0.5 * (d[0]/lo + d[1]/hi),
		Likelihood: 0.5 * (d[2]/lo + d[3]/hi),
	}
	r.Diagnosis = Diagnose(r.Prior, r.Likelihood, sc.s.Threshold)
	return r, nil
}

// Diagnose names what a prior and a likelihood sensitivity say at the
// threshold.
func Diagnose(prior, lik, threshold float64) Diagnosis {
	switch {
	case prior >= threshold && lik >= threshold:
		return Conflict
	case prior >= threshold:
		return WeakLikelihood
	}
	return Fine
}

// distance is the CJS distance between the equally weighted draws x and
// the same draws weighted by w, the larger of the one on x and on −x.
// order sorts x ascending.
func distance(x []float64, order []int, w []float64) float64 {
	n := len(x)
	base := 1 / float64(n)
	// Ascending: CDFs of x. Descending: CDFs of −x (the survival
	// functions), over the same gaps.
	up := cjs(n, func(i int) (float64, float64, float64) {
		return base, w[order[i]], x[order[i+1]] - x[order[i]]
	})
	down := cjs(n, func(i int) (float64, float64, float64) {
		j := n - 1 - i
		return base, w[order[j]], x[order[j]] - x[order[j-1]]
	})
	return max(up, down)
}

// cjs accumulates the symmetric CJS distance of two step CDFs over n points:
// step(i), i = 0 … n−2, gives the two masses added at the i-th point and the
// width of the gap that follows it.
func cjs(n int, step func(i int) (p, q, width float64)) float64 {
	P, Q := 0.0, 0.0
	num, bound := 0.0, 0.0
	for i := 0; i < n-1; i++ {
		dp, dq, width := step(i)
		P += dp
		Q += dq
		if width <= 0 {
			continue
		}
		P, Q = min(P, 1), min(Q, 1)
		M := P + Q
		if M <= 0 {
			continue
		}
		v := 0.0
		if P > 0 {
			v += P * math.Log2(2*P/M)
		}
		if Q > 0 {
			v += Q * math.Log2(2*Q/M)
		}
		num += width * v
		bound += width * M
	}
	if bound <= 0 {
		return 0
	}
	return math.Sqrt(max(num, 0) / bound)
}
