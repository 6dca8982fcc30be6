package loo

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Category names the reliability class of a k-hat for a given Threshold, as
// the loo package's Pareto k table does: "good" (k ≤ threshold), "bad"
// (threshold < k ≤ 1) or "very bad" (k > 1, including a failed fit).
func Category(khat, threshold float64) string {
	switch {
	case khat <= threshold:
		return "good"
	case khat <= 1:
		return "bad"
	}
	return "very bad"
}

// KCounts returns how many observations fall in each Category.
func (r *Result) KCounts() (good, bad, veryBad int) {
	return r.Observations - r.NumBadK, r.NumBadK - r.NumVeryBadK, r.NumVeryBadK
}

// maxListed is how many observation numbers a warning lists.
const maxListed = 10

// kWarnings explains the high k-hats of one LOO result; nil when all are
// good.
func kWarnings(khat []float64, threshold float64, draws int) []string {
	var above, smallS, biased, noMean, failed []int
	for i, k := range khat {
		if !(k > threshold) {
			continue
		}
		above = append(above, i)
		switch {
		case math.IsInf(k, 1):
			failed = append(failed, i)
		case k > 1:
			noMean = append(noMean, i)
		case k > 0.7:
			biased = append(biased, i)
		default:
			smallS = append(smallS, i)
		}
	}
	if len(above) == 0 {
		return nil
	}
	out := []string{fmt.Sprintf(
		"Pareto k-hat is above %.2f for %d of %d observations (%s): the importance-sampling estimate of their leave-one-out predictive density is unreliable, and with it elpd_loo, p_loo, looic and any comparison that uses them. A high k-hat marks an influential observation: leaving it out changes the posterior a lot.",
		threshold, len(above), len(khat), listObs(above))}
	if len(smallS) > 0 {
		out = append(out, fmt.Sprintf(
			"%s: k-hat between %.2f and 0.7. With only %d draws the estimate is too noisy; more posterior draws raise the limit (to 0.7 from about 2,200 draws) and may make it reliable.",
			capitalize(listObs(smallS)), threshold, draws))
	}
	if len(biased) > 0 {
		out = append(out, fmt.Sprintf(
			"%s: k-hat between 0.7 and 1. The importance weights are so heavy-tailed that the estimate is biased, and more draws will not fix it. Compute the leave-one-out density exactly (refit the model without the observation), use K-fold cross-validation, or use a model that is more robust to such observations (for example Student-t instead of normal errors).",
			capitalize(listObs(biased))))
	}
	if len(noMean) > 0 {
		out = append(out, fmt.Sprintf(
			"%s: k-hat above 1. The importance weights have no finite mean, so the estimate is meaningless, not just noisy. Refit without the observation or use K-fold cross-validation, and check the observation and the model for misspecification.",
			capitalize(listObs(noMean))))
	}
	if len(failed) > 0 {
		out = append(out, fmt.Sprintf(
			"%s: the generalized Pareto fit failed (the largest importance ratios are too irregular, with many ties); treat it as k-hat above 1.",
			capitalize(listObs(failed))))
	}
	return out
}

// listObs formats 0-based observation indices as 1-based numbers, at most
// maxListed of them.
func listObs(idx []int) string {
	var b strings.Builder
	b.WriteString("observation")
	if len(idx) > 1 {
		b.WriteString("s")
	}
	for j, i := range idx {
		if j == maxListed {
			fmt.Fprintf(&b, " and %d more", len(idx)-maxListed)
			break
		}
		if j > 0 {
			b.WriteString(",")
		}
		b.WriteString(" ")
		b.WriteString(strconv.Itoa(i + 1))
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// mcseQuantiles is the number of normal quantiles varLogNormal averages over.
const mcseQuantiles = 1000

var (
	normalScoresOnce sync.Once
	normalScores     []float64
)

// varLogNormal returns the variance of log Z for Z normal with mean 1 and
// standard deviation cv, over the positive values of 1 + cv·z_r at the
// normal scores z_r = Φ⁻¹((r − 3/8)/(n + 1/4)), r = 1…n, n = 1000 (Blom's
// plotting positions; the loo package's deterministic approximation). It
// is the squared Monte Carlo standard error of log p̂ when p̂ has
// coefficient of variation cv.
func varLogNormal(cv float64) float64 {
	if cv == 0 {
		return 0
	}
	normalScoresOnce.Do(func() {
		normalScores = make([]float64, mcseQuantiles)
		n := float64(mcseQuantiles)
		for r := range normalScores {
			p := (float64(r+1) - 0.375) / (n + 0.25)
			normalScores[r] = math.Sqrt2 * math.Erfinv(2*p-1)
		}
	})
	var cnt, m, m2 float64 // Welford's running mean and sum of squares
	for _, z := range normalScores {
		v := 1 + cv*z
		if v <= 0 {
			continue
		}
		x := math.Log(v)
		cnt++
		d := x - m
		m += d / cnt
		m2 += d * (x - m)
	}
	if cnt < 2 {
		return math.NaN()
	}
	return m2 / (cnt - 1)
}
