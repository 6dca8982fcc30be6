package inference_test

import (
	"fmt"
	"math"
	"testing"

	"dilemma/inference"
	"dilemma/inference/diagnostics"
)

// Statistical checks on targets with known answers. Every check is a
// z-test at 4 Monte Carlo standard errors after R-hat ≤ 1.01, with fixed
// seeds so that the outcome is reproducible.

func TestStandardNormal100(t *testing.T) {
	s := inference.DefaultSettings()
	s.Seed = 1
	if long {
		s.NumSamples = 5000
	}
	res := run(t, inference.Shared(stdNormal{100}), s)
	for j, name := range res.ParamNames {
		x := res.Column(j)
		checkMean(t, name, x, 0)
		checkMean(t, name+"²", mapChains(x, func(v float64) float64 { return v * v }), 1)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	if n := res.Divergences(); n != 0 {
		t.Errorf("%d divergences on a standard normal", n)
	}
	acc := meanStat(res, 1)
	if acc < 0.7 || acc > 0.97 {
		t.Errorf("mean accept_stat %.3f, want near adapt_delta 0.8", acc)
	}
	for _, c := range res.Chains {
		// The step size is fixed after warm-up and written in every draw.
		for _, st := range c.Collector.Stats {
			if st.StepSize != c.Adaptation.StepSize {
				t.Fatalf("chain %d: stepsize__ %v differs from the adapted %v", c.ID, st.StepSize, c.Adaptation.StepSize)
			}
		}
		// The adapted inverse metric estimates the unit variances.
		for i, v := range c.Adaptation.InvMetric {
			if v < 0.7 || v > 1.4 {
				t.Errorf("chain %d: inverse metric[%d] = %.3f, want ≈ 1", c.ID, i, v)
				break
			}
		}
	}
	t.Logf("step sizes %.3f %.3f %.3f %.3f, mean n_leapfrog %.1f, min bulk ESS %.0f",
		res.Chains[0].Adaptation.StepSize, res.Chains[1].Adaptation.StepSize,
		res.Chains[2].Adaptation.StepSize, res.Chains[3].Adaptation.StepSize, meanStat(res, 4), minESS(res))
}

// TestCorrelatedGaussian samples a 10-d Gaussian with AR(1) correlation
// 0.95 and unequal scales, with both metrics: both must be right, and the
// dense metric, which can undo the correlation, must need far fewer
// gradients per effective draw.
func TestCorrelatedGaussian(t *testing.T) {
	sd := []float64{1, 2, 0.5, 1, 3, 1, 0.2, 1, 1, 5}
	f, cov := newCorrelated(sd, 0.95)
	n := len(sd)
	eff := map[inference.Metric]float64{}
	for _, m := range []inference.Metric{inference.DiagE, inference.DenseE} {
		t.Run(m.String(), func(t *testing.T) {
			s := inference.DefaultSettings()
			s.Seed = 2
			s.Metric = m
			if long {
				s.NumSamples = 5000
			}
			res := run(t, f, s)
			for j := 0; j < n; j++ {
				x := res.Column(j)
				mu := float64(j) - 1
				checkMean(t, res.ParamNames[j], x, mu)
				checkMean(t, "("+res.ParamNames[j]+"−μ)²", mapChains(x, func(v float64) float64 { return (v - mu) * (v - mu) }), cov[j*n+j])
			}
			// One cross moment: E[(x1−μ1)(x2−μ2)] = cov[0,1].
			x1, x2 := res.Column(0), res.Column(1)
			prod := make([][]float64, len(x1))
			for c := range x1 {
				prod[c] = make([]float64, len(x1[c]))
				for i := range x1[c] {
					prod[c][i] = (x1[c][i] + 1) * x2[c][i]
				}
			}
			checkMean(t, "cross moment", prod, cov[1])
			if m == inference.DenseE {
				a := res.Chains[0].Adaptation
				if !a.Dense || len(a.InvMetric) != n*n {
					t.Fatalf("adaptation %+v is not dense", a)
				}
				// The adapted inverse metric estimates the covariance.
				for i := 0; i < n; i++ {
					if r := a.InvMetric[i*n+i] / cov[i*n+i]; r < 0.6 || r > 1.6 {
						t.Errorf("inverse metric[%d,%d] / variance = %.2f", i, i, r)
					}
				}
			}
			eff[m] = minESS(res) / float64(gradEvals(res))
			t.Logf("%v: mean n_leapfrog %.1f, min ESS %.0f, ESS per 1000 gradients %.2f",
				m, meanStat(res, 4), minESS(res), 1000*eff[m])
		})
	}
	if !(eff[inference.DenseE] > 2*eff[inference.DiagE]) {
		t.Errorf("dense metric ESS per gradient %.3g is not > 2× diagonal %.3g", eff[inference.DenseE], eff[inference.DiagE])
	}
}

func TestBadlyScaledGaussian(t *testing.T) {
	scale := []float64{1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3}
	s := inference.DefaultSettings()
	s.Seed = 3
	if long {
		s.NumSamples = 5000
	}
	res := run(t, inference.Shared(scaled{scale}), s)
	for j, sc := range scale {
		z := mapChains(res.Column(j), func(v float64) float64 { return v / sc })
		checkMean(t, fmt.Sprintf("x%d/%g", j+1, sc), z, 0)
		checkMean(t, fmt.Sprintf("(x%d/%g)²", j+1, sc), mapChains(z, func(v float64) float64 { return v * v }), 1)
		// The last window has 500 draws, and Stan's regularization shrinks
		// the variance toward 1e-3: (500/505)·var + 1e-3·5/505.
		want := 500.0/505*sc*sc + 1e-3*5/505
		for _, c := range res.Chains {
			if r := c.Adaptation.InvMetric[j] / want; r < 0.7 || r > 1.4 {
				t.Errorf("chain %d: inverse metric[%d] = %.3g, want ≈ %.3g", c.ID, j, c.Adaptation.InvMetric[j], want)
			}
		}
	}
	if n := res.Divergences(); n != 0 {
		t.Errorf("%d divergences", n)
	}
}

// TestFunnelDivergences samples Neal's funnel, whose neck no single step
// size can follow: the sampler must report divergent transitions, in the
// draws, in the chain results and in the progress reports.
func TestFunnelDivergences(t *testing.T) {
	s := inference.DefaultSettings()
	s.Seed = 4
	lastDiv := make([]int, s.Chains)
	s.Progress = func(p inference.Progress) {
		if p.Iteration == p.Total {
			lastDiv[p.Chain-1] = p.Divergences // each chain writes its own slot
		}
	}
	res := run(t, inference.Shared(funnel{9}), s)
	total := res.Divergences()
	if total == 0 {
		t.Fatal("no divergences reported on Neal's funnel")
	}
	if got := countDivergent(res); got != total {
		t.Errorf("divergent__ draws %d, chain results say %d", got, total)
	}
	for i, c := range res.Chains {
		if lastDiv[i] != c.Divergences {
			t.Errorf("chain %d: progress says %d divergences, result %d", c.ID, lastDiv[i], c.Divergences)
		}
	}
	// Divergent transitions stop the tree early: their accept_stat is
	// averaged over the steps taken, and the draw is still a valid point.
	for _, c := range res.Chains {
		for i, st := range c.Collector.Stats {
			if st.Divergent && (math.IsNaN(st.LogDensity) || math.IsInf(st.LogDensity, 0)) {
				t.Fatalf("chain %d draw %d: divergent draw has lp__ %v", c.ID, i, st.LogDensity)
			}
		}
	}
	t.Logf("%d divergences in %d draws", total, 4*s.NumSamples)
}

// TestLogisticRegression checks a Bernoulli-logit regression against an
// independent computation: importance sampling from a multivariate-t
// approximation at the posterior mode.
func TestLogisticRegression(t *testing.T) {
	base := newLogistic(200, 4, 11)
	ref := importanceMoments(base, 200000, 12)
	s := inference.DefaultSettings()
	s.Seed = 5
	if long {
		s.NumSamples = 5000
	}
	res := run(t, func() inference.Target { return base.clone() }, s)
	for j := 0; j < base.k; j++ {
		x := res.Column(j)
		checkMeanSE(t, res.ParamNames[j], x, ref.mean[j], ref.seMean[j])
		checkMeanSE(t, res.ParamNames[j]+"²", mapChains(x, func(v float64) float64 { return v * v }),
			ref.mean2[j], ref.seMean2[j])
	}
	t.Logf("importance sampling: ESS %.0f of %d; means %.4f", ref.ess, 200000, ref.mean)
	if ref.ess < 50000 {
		t.Errorf("the importance sampling reference is poor: ESS %.0f", ref.ess)
	}
}

// isMoments are importance-sampling estimates of E[β], E[β²] and their
// standard errors.
type isMoments struct {
	mean, seMean, mean2, seMean2 []float64
	ess                          float64
}

// importanceMoments finds the posterior mode of the logistic regression by
// Newton's method and importance-samples from a multivariate t with 7
// degrees of freedom centred there, scaled by the inverse Hessian.
func importanceMoments(t *logistic, draws int, seed uint64) isMoments {
	k := t.k
	b := make([]float64, k)
	g := make([]float64, k)
	hess := make([]float64, k*k)
	hessian := func(b []float64) {
		iv := 1 / (t.priorSD * t.priorSD)
		for i := range hess {
			hess[i] = 0
		}
		for j := 0; j < k; j++ {
			hess[j*k+j] = iv
		}
		for i := 0; i < t.n; i++ {
			row := t.x[i*k : i*k+k]
			var e float64
			for j := range row {
				e += row[j] * b[j]
			}
			p := 1 / (1 + math.Exp(-e))
			w := p * (1 - p)
			for a := 0; a < k; a++ {
				for c := 0; c < k; c++ {
					hess[a*k+c] += w * row[a] * row[c]
				}
			}
		}
	}
	for it := 0; it < 50; it++ {
		t.LogDensityGrad(b, g)
		hessian(b)
		step := solveSPD(hess, g, k)
		for j := range b {
			b[j] += step[j]
		}
	}
	hessian(b)
	cov := invertSPD(hess, k)
	l := choleskyLower(cov, k)

	r := newRand(seed)
	const nu = 7.0
	logw := make([]float64, draws)
	xs := make([]float64, draws*k)
	z := make([]float64, k)
	maxw := math.Inf(-1)
	for d := 0; d < draws; d++ {
		var chi2, delta float64
		for i := 0; i < int(nu); i++ {
			v := r.NormFloat64()
			chi2 += v * v
		}
		for j := range z {
			z[j] = r.NormFloat64()
			delta += z[j] * z[j]
		}
		sc := math.Sqrt(nu / chi2)
		x := xs[d*k : d*k+k]
		for a := 0; a < k; a++ {
			var s float64
			for c := 0; c <= a; c++ {
				s += l[a*k+c] * z[c]
			}
			x[a] = b[a] + sc*s
		}
		// Mahalanobis distance of x is delta·sc².
		logq := -(nu + float64(k)) / 2 * math.Log1p(delta*sc*sc/nu)
		logw[d] = t.LogDensityGrad(x, g) - logq
		maxw = math.Max(maxw, logw[d])
	}
	var sw, sw2 float64
	w := make([]float64, draws)
	for d := range w {
		w[d] = math.Exp(logw[d] - maxw)
		sw += w[d]
		sw2 += w[d] * w[d]
	}
	out := isMoments{mean: make([]float64, k), seMean: make([]float64, k),
		mean2: make([]float64, k), seMean2: make([]float64, k), ess: sw * sw / sw2}
	for j := 0; j < k; j++ {
		var m, m2 float64
		for d := range w {
			x := xs[d*k+j]
			m += w[d] * x
			m2 += w[d] * x * x
		}
		m /= sw
		m2 /= sw
		var v, v2 float64
		for d := range w {
			x := xs[d*k+j]
			a := w[d] / sw
			v += a * a * (x - m) * (x - m)
			v2 += a * a * (x*x - m2) * (x*x - m2)
		}
		out.mean[j], out.seMean[j] = m, math.Sqrt(v)
		out.mean2[j], out.seMean2[j] = m2, math.Sqrt(v2)
	}
	return out
}

// solveSPD solves a·x = y for a small symmetric positive definite a.
func solveSPD(a, y []float64, n int) []float64 {
	inv := invertSPD(a, n)
	x := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			x[i] += inv[i*n+j] * y[j]
		}
	}
	return x
}

// choleskyLower returns the lower Cholesky factor of a small SPD matrix.
func choleskyLower(a []float64, n int) []float64 {
	l := make([]float64, n*n)
	for j := 0; j < n; j++ {
		d := a[j*n+j]
		for k := 0; k < j; k++ {
			d -= l[j*n+k] * l[j*n+k]
		}
		d = math.Sqrt(d)
		l[j*n+j] = d
		for i := j + 1; i < n; i++ {
			s := a[i*n+j]
			for k := 0; k < j; k++ {
				s -= l[i*n+k] * l[j*n+k]
			}
			l[i*n+j] = s / d
		}
	}
	return l
}

// TestModelConstrain samples a Model whose constrained quantity is
// exp(x) for x ~ N(0, 1): the draws carry its name and E[exp(x)] = e^½.
func TestModelConstrain(t *testing.T) {
	s := inference.DefaultSettings()
	s.Seed = 6
	res := run(t, inference.Shared(logNormal{}), s)
	if len(res.ParamNames) != 2 || res.ParamNames[0] != "sigma" || res.ParamNames[1] != "log_sigma" {
		t.Fatalf("names = %v", res.ParamNames)
	}
	sig := res.Column(0)
	for _, c := range res.Chains {
		if c.Collector.Info.ParamNames[0] != "sigma" {
			t.Errorf("RunInfo names %v", c.Collector.Info.ParamNames)
		}
		for i := 0; i < c.Collector.NumDraws(); i++ {
			row := c.Collector.Row(i)
			if math.Abs(row[0]-math.Exp(row[1])) > 1e-12*row[0] {
				t.Fatalf("draw %d: sigma %v != exp(%v)", i, row[0], row[1])
			}
		}
	}
	checkMean(t, "log_sigma", res.Column(1), 0)
	checkMean(t, "sigma", sig, math.Exp(0.5))
	sm := diagnostics.Summarize("sigma", sig)
	if sm.Q5 <= 0 {
		t.Errorf("sigma has non-positive draws: q5 = %v", sm.Q5)
	}
}

// logNormal is x ~ N(0, 1) on the unconstrained scale, reported as
// sigma = exp(x) and log_sigma = x.
type logNormal struct{}

func (logNormal) Dim() int                   { return 1 }
func (logNormal) ParamNames() []string       { return []string{"sigma", "log_sigma"} }
func (logNormal) Constrain(x, out []float64) { out[0], out[1] = math.Exp(x[0]), x[0] }
func (logNormal) LogDensityGrad(x, g []float64) float64 {
	g[0] = -x[0]
	return -0.5 * x[0] * x[0]
}
