package fit

import (
	"math"

	"dilemma/inference/powerscale"
	"dilemma/model/sem"
)

// The generated quantities every fit (except a prior-only one) adds to its
// draws, after the parameters, for power-scaling sensitivity (package
// powerscale) and for R's priorsense, which reads them under these names.
const (
	// LogPriorName is the joint log prior density of the edge strengths and
	// loadings at the draw (their priors as set with prior= or the
	// defaults), up to a constant.
	LogPriorName = "lprior"
	// LogLikName is the log likelihood of the observed nodes' data at the
	// draw, up to a constant: the log posterior density minus its prior
	// part (sem.Posterior.PriorPart). The measurement model of latent
	// nodes counts as prior here: power-scaling the likelihood scales the
	// structural equations of the observed nodes.
	LogLikName = "log_lik"
)

// withGenerated is a chain's target: the posterior, whose draws also
// carry lprior and, until Run turns it into log_lik, the prior part's log
// density.
type withGenerated struct {
	*sem.Posterior
	prior *sem.Posterior
	coefs []sem.Coef
	grad  []float64
	names []string
}

func newWithGenerated(post *sem.Posterior) *withGenerated {
	w := &withGenerated{Posterior: post.Clone(), prior: post.PriorPart(), coefs: post.Coefficients()}
	w.grad = make([]float64, post.Dim())
	// The levels of summed-out discrete values (mi.NODE.UNIT.TIME, see
	// sem.Posterior.SummedLevels) come after the parameters, like them
	// written only with --save-imputed.
	w.names = append(append(post.ParamNames(), post.SummedNames()...), LogPriorName, LogLikName)
	return w
}

// ParamNames returns the posterior's names and the two generated quantities.
func (w *withGenerated) ParamNames() []string { return w.names }

// Constrain writes the posterior's quantities, lprior, and the prior
// part's log density at x (Run subtracts it from lp__).
func (w *withGenerated) Constrain(x, out []float64) {
	n := len(w.names) - 2
	d := w.Posterior.Dim()
	w.Posterior.Constrain(x, out[:d])
	w.Posterior.SummedLevels(x, w.grad, out[d:n])
	lp := 0.0
	for _, c := range w.coefs {
		lp += c.Prior.LogDensity(out[c.Index])
	}
	out[n] = lp
	out[n+1] = w.prior.LogDensityGrad(x, w.grad)
}

// finishLogLik turns the prior part's log density in the log_lik column of
// every chain into the log likelihood, lp__ minus it.
func (f *Fit) finishLogLik() {
	j := f.paramIndex(LogLikName)
	lp := f.statColumn("lp__")
	if j < 0 || lp == nil {
		return
	}
	for c := range f.Draws {
		col := f.Draws[c][j]
		for i := range col {
			col[i] = lp[c][i] - col[i]
		}
	}
}

// paramIndex returns the index of the named parameter, or −1.
func (f *Fit) paramIndex(name string) int {
	for j, n := range f.Names {
		if n == name {
			return j
		}
	}
	return -1
}

// pooled concatenates a parameter's chains.
func pooled(chains [][]float64) []float64 {
	var out []float64
	for _, c := range chains {
		out = append(out, c...)
	}
	return out
}

// powerScale fills each edge's prior and likelihood sensitivity, when the
// draws carry lprior and log_lik (fits made before they existed, and
// prior-only fits, do not: the fields stay NaN).
func (f *Fit) powerScale() {
	for i := range f.Edges {
		f.Edges[i].PriorSens, f.Edges[i].LikSens = math.NaN(), math.NaN()
	}
	lprior, loglik := f.Param(LogPriorName), f.Param(LogLikName)
	if lprior == nil || loglik == nil || f.Settings.PriorOnly {
		return
	}
	sc, err := powerscale.NewScaler(pooled(lprior), pooled(loglik), powerscale.DefaultSettings())
	if err != nil {
		f.SamplerWarnings = append(f.SamplerWarnings, "prior sensitivity not computed: "+err.Error())
		return
	}
	f.PowerScaleReliable = sc.Reliable
	for i := range f.Edges {
		e := &f.Edges[i]
		r, err := sc.Sensitivity(pooled(f.Param(e.Name)))
		if err != nil {
			continue
		}
		e.PriorSens, e.LikSens, e.SensDiagnosis = r.Prior, r.Likelihood, string(r.Diagnosis)
	}
}
