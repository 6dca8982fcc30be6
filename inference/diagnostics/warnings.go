package diagnostics

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Thresholds of the warnings, as CmdStan's diagnose utility uses them.
const (
	RhatThreshold     = 1.01  // R-hat above this: the chains have not mixed
	ESSRatioThreshold = 0.001 // min(bulk, tail) ESS per draw below this
	EBFMIThreshold    = 0.3   // E-BFMI of a chain below this
	DefaultMaxDepth   = 10    // CmdStan's default max_depth
)

// SamplerStats are the post-warmup sampler statistics that the warnings read,
// each indexed [chain][draw] as in the CmdStan columns of the same names.
// Any of them may be nil when the draws carry no such column.
type SamplerStats struct {
	Divergent [][]float64 // divergent__: 1 for a divergent transition
	TreeDepth [][]float64 // treedepth__
	Energy    [][]float64 // energy__
	MaxDepth  int         // the run's max_depth; 0 means DefaultMaxDepth
}

// Warning is one problem found in a run, in plain words.
type Warning struct {
	Kind    string `json:"kind"`    // divergences, treedepth, ebfmi, rhat, ess, nonfinite
	Message string `json:"message"` // what is wrong
	Advice  string `json:"advice"`  // what to try
}

// String returns the message followed by the advice.
func (w Warning) String() string { return w.Message + " " + w.Advice }

// Warnings checks a run the way CmdStan's diagnose utility does: divergent
// transitions, transitions that hit the maximum tree depth, chains with an
// E-BFMI below 0.3, quantities with R-hat above 1.01, quantities whose bulk or
// tail ESS is below 0.001 per draw, and quantities whose draws are not
// finite. draws is the total number of draws behind each summary (0 skips the
// ESS check). It returns nil when nothing is wrong.
func Warnings(summaries []Summary, draws int, stats SamplerStats) []Warning {
	var out []Warning
	if n, total := countWhere(stats.Divergent, func(v float64) bool { return v != 0 }); n > 0 {
		out = append(out, Warning{
			Kind:    "divergences",
			Message: fmt.Sprintf("%d of %d transitions (%s) ended with a divergence.", n, total, percent(n, total)),
			Advice: "A divergence means the sampler met curvature it could not follow, so the draws may be biased. " +
				"Try a larger adapt_delta (0.95 or 0.99) or reparameterize the model " +
				"(for a hierarchical model, a non-centered parameterization).",
		})
	}
	maxDepth := stats.MaxDepth
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	if n, total := countWhere(stats.TreeDepth, func(v float64) bool { return v >= float64(maxDepth) }); n > 0 {
		out = append(out, Warning{
			Kind: "treedepth",
			Message: fmt.Sprintf("%d of %d transitions (%s) hit the maximum tree depth of %d.",
				n, total, percent(n, total), maxDepth),
			Advice: "This costs efficiency, not correctness: the trajectories were cut short. " +
				"Try a larger max_depth, or reparameterize to reduce strong correlations in the posterior.",
		})
	}
	var low []string
	for c, e := range stats.Energy {
		if v := EBFMI(e); v < EBFMIThreshold {
			low = append(low, fmt.Sprintf("chain %d (%.3g)", c+1, v))
		}
	}
	if len(low) > 0 {
		out = append(out, Warning{
			Kind:    "ebfmi",
			Message: fmt.Sprintf("E-BFMI below %g in %d of %d chains: %s.", EBFMIThreshold, len(low), len(stats.Energy), strings.Join(low, ", ")),
			Advice: "The momentum resampling explores the energy distribution poorly, which often comes from heavy tails " +
				"or a badly adapted metric. Try a longer warm-up or reparameterize the model.",
		})
	}
	var nonFinite []string
	var highRhat, lowESS []scored
	for _, s := range summaries {
		if strings.Contains(s.Note, reasonNaN) || strings.Contains(s.Note, reasonInf) {
			nonFinite = append(nonFinite, s.Name)
			continue
		}
		if s.Rhat > RhatThreshold {
			highRhat = append(highRhat, scored{fmt.Sprintf("%s (%.4g)", s.Name, s.Rhat), -s.Rhat})
		}
		if draws > 0 {
			ess := math.Min(s.ESSBulk, s.ESSTail)
			if ess/float64(draws) < ESSRatioThreshold {
				lowESS = append(lowESS, scored{fmt.Sprintf("%s (%.3g)", s.Name, ess), ess})
			}
		}
	}
	if len(nonFinite) > 0 {
		out = append(out, Warning{
			Kind:    "nonfinite",
			Message: "Draws contain NaN or infinite values for: " + strings.Join(nonFinite, ", ") + ".",
			Advice:  "Check the model for numerical trouble (overflow, log of zero, division by zero) in these quantities.",
		})
	}
	if len(highRhat) > 0 {
		out = append(out, Warning{
			Kind:    "rhat",
			Message: fmt.Sprintf("R-hat above %g for %s.", RhatThreshold, worst(highRhat)),
			Advice: "The chains (or the two halves of a chain) disagree, so they have not converged to one distribution " +
				"and these estimates cannot be trusted yet. Run longer chains, look for multiple modes, or reparameterize the model.",
		})
	}
	if len(lowESS) > 0 {
		out = append(out, Warning{
			Kind: "ess",
			Message: fmt.Sprintf("Effective sample size below %g per draw (of %d draws) for %s.",
				ESSRatioThreshold, draws, worst(lowESS)),
			Advice: "The draws are so autocorrelated that they carry almost no information. " +
				"Run many more iterations or reparameterize the model.",
		})
	}
	return out
}

// scored is a quantity's label with a score; lower scores are worse.
type scored struct {
	label string
	score float64
}

// maxListed bounds how many quantities one warning names.
const maxListed = 8

// worst lists the worst quantities first: all of them when there are few,
// else the maxListed worst and how many more.
func worst(items []scored) string {
	sort.SliceStable(items, func(i, j int) bool { return items[i].score < items[j].score })
	labels := make([]string, 0, maxListed)
	for i, it := range items {
		if i == maxListed {
			break
		}
		labels = append(labels, it.label)
	}
	if len(items) == 1 {
		return "1 quantity: " + labels[0]
	}
	s := fmt.Sprintf("%d quantities", len(items))
	if len(items) > maxListed {
		return s + fmt.Sprintf(", worst first: %s and %d more", strings.Join(labels, ", "), len(items)-maxListed)
	}
	return s + ": " + strings.Join(labels, ", ")
}

// countWhere counts the values for which f holds and all values.
func countWhere(chains [][]float64, f func(float64) bool) (n, total int) {
	for _, ch := range chains {
		for _, v := range ch {
			total++
			if f(v) {
				n++
			}
		}
	}
	return n, total
}

func percent(n, total int) string {
	return fmt.Sprintf("%.2g%%", 100*float64(n)/float64(total))
}
