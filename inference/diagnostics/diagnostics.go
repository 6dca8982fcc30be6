package diagnostics

import (
	"math"
	"strings"

	"gonum.org/v1/gonum/mathext"
)

// calc computes several diagnostics of one quantity, sharing the sorted
// draws, the FFT plan and the reasons for NaN results.
type calc struct {
	chains [][]float64
	bad    string // why nothing can be computed, or ""
	w      workspace
	sorted []float64
	zbulk  [][]float64 // rank-normalized split chains, shared by R-hat and ESS
	notes  []string
}

func newCalc(chains [][]float64) *calc {
	return &calc{chains: chains, bad: check(chains)}
}

// note records a reason for a NaN result, once.
func (c *calc) note(reason string) {
	if reason == "" {
		return
	}
	for _, r := range c.notes {
		if r == reason {
			return
		}
	}
	c.notes = append(c.notes, reason)
}

// keep records the reason of a result and returns the value.
func (c *calc) keep(v float64, reason string) float64 {
	c.note(reason)
	return v
}

func (c *calc) sortedDraws() []float64 {
	if c.sorted == nil {
		c.sorted = sortedCopy(c.chains)
	}
	return c.sorted
}

// zBulk returns the rank-normalized split chains (computed once).
func (c *calc) zBulk() [][]float64 {
	if c.zbulk == nil {
		c.zbulk = zScale(splitChains(c.chains))
	}
	return c.zbulk
}

func (c *calc) rhatBulk() float64 {
	if c.bad != "" {
		return c.keep(math.NaN(), c.bad)
	}
	return c.keep(rhat(c.zBulk()))
}

func (c *calc) rhatTail() float64 {
	if c.bad != "" {
		return c.keep(math.NaN(), c.bad)
	}
	med := medianSorted(c.sortedDraws())
	folded := mapChains(c.chains, func(v float64) float64 { return math.Abs(v - med) })
	return c.keep(rhat(zScale(splitChains(folded))))
}

func (c *calc) rhat() float64 {
	// R's max() returns NA if either is NA.
	b, t := c.rhatBulk(), c.rhatTail()
	if math.IsNaN(b) || math.IsNaN(t) {
		return math.NaN()
	}
	return math.Max(b, t)
}

func (c *calc) essBulk() float64 {
	if c.bad != "" {
		return c.keep(math.NaN(), c.bad)
	}
	return c.keep(c.w.ess(c.zBulk()))
}

func (c *calc) essQuantile(p float64) float64 {
	if c.bad != "" {
		return c.keep(math.NaN(), c.bad)
	}
	if math.IsNaN(p) || p < 0 || p > 1 {
		return c.keep(math.NaN(), reasonBadProb)
	}
	s := c.sortedDraws()
	if isConstant(c.chains) {
		return c.keep(math.NaN(), reasonConstant)
	}
	if p == 1 {
		p = (float64(len(s)) - 0.5) / float64(len(s))
	}
	q := quantileSorted(s, p)
	return c.keep(c.w.ess(splitChains(indicator(c.chains, q))))
}

func (c *calc) essTail() float64 {
	lo, hi := c.essQuantile(0.05), c.essQuantile(0.95)
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return math.NaN()
	}
	return math.Min(lo, hi)
}

func (c *calc) essMean() float64 {
	if c.bad != "" {
		return c.keep(math.NaN(), c.bad)
	}
	return c.keep(c.w.ess(splitChains(c.chains)))
}

func (c *calc) essSd() float64 {
	if c.bad != "" {
		return c.keep(math.NaN(), c.bad)
	}
	m, _ := matrixMeanSD(c.chains)
	dev := mapChains(c.chains, func(v float64) float64 { return math.Abs(v - m) })
	return c.keep(c.w.ess(splitChains(dev)))
}

func (c *calc) mcseMean() float64 {
	if c.bad != "" {
		return c.keep(math.NaN(), c.bad)
	}
	_, sd := matrixMeanSD(c.chains)
	return sd / math.Sqrt(c.essMean())
}

// mcseSd follows posterior: the variance of the variance estimate by Kenney
// and Keeping (1951), without assuming normality, with the ESS of the squared
// centred draws, and a first-order Taylor step from variance to sd.
func (c *calc) mcseSd() float64 {
	if c.bad != "" {
		return c.keep(math.NaN(), c.bad)
	}
	m, _ := matrixMeanSD(c.chains)
	sq := mapChains(c.chains, func(v float64) float64 { d := v - m; return d * d })
	ess := c.keep(c.w.ess(splitChains(sq)))
	all := pooled(sq)
	evar := mean(all)
	for i, v := range all {
		all[i] = v * v
	}
	varvar := (mean(all) - evar*evar) / ess
	return math.Sqrt(varvar / evar / 4)
}

// mcseQuantile follows posterior: the half width of the central 68% interval
// of the order statistics implied by a Beta(ess·p + 1, ess·(1 − p) + 1).
func (c *calc) mcseQuantile(p float64) float64 {
	ess := c.essQuantile(p)
	if math.IsNaN(ess) {
		return math.NaN()
	}
	a1 := mathext.InvRegIncBeta(ess*p+1, ess*(1-p)+1, 0.1586553)
	a2 := mathext.InvRegIncBeta(ess*p+1, ess*(1-p)+1, 0.8413447)
	s := c.sortedDraws()
	n := float64(len(s))
	i1 := int(math.Max(math.Floor(a1*n), 1))
	i2 := int(math.Min(math.Ceil(a2*n), n))
	return (s[i2-1] - s[i1-1]) / 2
}

func (c *calc) quantile(p float64) float64 {
	if c.bad == reasonNoDraws || c.bad == reasonNaN {
		return c.keep(math.NaN(), c.bad)
	}
	if math.IsNaN(p) || p < 0 || p > 1 {
		return c.keep(math.NaN(), reasonBadProb)
	}
	return quantileSorted(c.sortedDraws(), p)
}

// RhatBulk is the rank-normalized split R-hat (posterior's bulk R-hat).
func RhatBulk(chains [][]float64) float64 { return newCalc(chains).rhatBulk() }

// RhatTail is the rank-normalized split R-hat of the draws folded around
// their median, |x − median(x)|.
func RhatTail(chains [][]float64) float64 { return newCalc(chains).rhatTail() }

// Rhat is the larger of RhatBulk and RhatTail, posterior's rhat(). Values
// above 1.01 suggest the chains have not mixed.
func Rhat(chains [][]float64) float64 { return newCalc(chains).rhat() }

// ESSBulk is the effective sample size of the rank-normalized split chains,
// posterior's ess_bulk().
func ESSBulk(chains [][]float64) float64 { return newCalc(chains).essBulk() }

// ESSTail is the smaller of the effective sample sizes of the 5% and 95%
// quantiles, posterior's ess_tail().
func ESSTail(chains [][]float64) float64 { return newCalc(chains).essTail() }

// ESSMean is the effective sample size for the mean: the split chains,
// neither ranked nor transformed, posterior's ess_mean().
func ESSMean(chains [][]float64) float64 { return newCalc(chains).essMean() }

// ESSSd is the effective sample size for the standard deviation: the ESS of
// |x − mean(x)|, posterior's ess_sd().
func ESSSd(chains [][]float64) float64 { return newCalc(chains).essSd() }

// ESSQuantile is the effective sample size for the p quantile: the ESS of
// the indicator x ≤ q_p, posterior's ess_quantile().
func ESSQuantile(chains [][]float64, p float64) float64 { return newCalc(chains).essQuantile(p) }

// MCSEMean is the Monte Carlo standard error of the mean: sd / √ESSMean.
func MCSEMean(chains [][]float64) float64 { return newCalc(chains).mcseMean() }

// MCSESd is the Monte Carlo standard error of the standard deviation,
// posterior's mcse_sd().
func MCSESd(chains [][]float64) float64 { return newCalc(chains).mcseSd() }

// MCSEQuantile is the Monte Carlo standard error of the p quantile,
// posterior's mcse_quantile().
func MCSEQuantile(chains [][]float64, p float64) float64 { return newCalc(chains).mcseQuantile(p) }

// Quantile is the p quantile of the pooled draws by R's default (type 7)
// definition. It is NaN when a draw is NaN or p is outside [0, 1].
func Quantile(chains [][]float64, p float64) float64 { return newCalc(chains).quantile(p) }

// EBFMI is the energy Bayesian fraction of missing information of one
// chain's energy__ values (Betancourt 2016):
// Σ (E_n − E_{n−1})² / Σ (E_n − Ē)². Values below 0.3 suggest the momentum
// resampling explores the energy poorly. It is NaN for fewer than 2 values,
// non-finite values or constant energy.
func EBFMI(energy []float64) float64 {
	n := len(energy)
	if n < 2 {
		return math.NaN()
	}
	for _, v := range energy {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.NaN()
		}
	}
	m := mean(energy)
	num, den := 0.0, 0.0
	for i, v := range energy {
		d := v - m
		den += d * d
		if i > 0 {
			e := v - energy[i-1]
			num += e * e
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// Summary is the usual one-line summary of one quantity's draws. A NaN field
// could not be estimated; Note says why.
type Summary struct {
	Name     string
	Mean     float64
	SD       float64
	Q5       float64
	Q50      float64
	Q95      float64
	Rhat     float64 // max of bulk and tail R-hat
	ESSBulk  float64
	ESSTail  float64
	MCSEMean float64
	MCSESd   float64
	Note     string // reasons for NaN fields, "; "-separated, or ""
}

// Summarize computes the Summary of one quantity's chains.
func Summarize(name string, chains [][]float64) Summary {
	c := newCalc(chains)
	s := Summary{Name: name}
	if c.bad == reasonNoDraws || c.bad == reasonNaN {
		s.Mean, s.SD = math.NaN(), math.NaN()
	} else {
		s.Mean, s.SD = matrixMeanSD(chains)
	}
	s.Q5 = c.quantile(0.05)
	s.Q50 = c.quantile(0.5)
	s.Q95 = c.quantile(0.95)
	s.Rhat = c.rhat()
	s.ESSBulk = c.essBulk()
	s.ESSTail = c.essTail()
	s.MCSEMean = c.mcseMean()
	s.MCSESd = c.mcseSd()
	s.Note = strings.Join(c.notes, "; ")
	return s
}
