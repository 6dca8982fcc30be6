package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
)

// MisfitDraws is the number of posterior draws the misfit check
// replicates each node's data from.
const MisfitDraws = 400

// MisfitLevel is the predictive interval outside which a statistic is a
// misfit.
const MisfitLevel = 0.99

// Misfit is one statistic of a node's data that its fitted family does not
// reproduce: the observed value lies outside the MisfitLevel interval of
// the statistic over data replicated from the posterior, and differs from
// its predicted median by a margin that matters (2 percentage points for
// the shares at the minimum and maximum, 10% for the dispersion, 0.25 for
// the skewness; any amount for the minimum and maximum).
type Misfit struct {
	Node      string  `json:"node"`
	Column    string  `json:"column"`
	Family    string  `json:"family"`
	Statistic string  `json:"statistic"`
	Observed  float64 `json:"observed"`
	Lo        float64 `json:"lo"`        // the interval's ends
	Hi        float64 `json:"hi"`        //
	Predicted float64 `json:"predicted"` // median over replications
	// Share says the statistic is a proportion (printed as a percentage).
	Share bool `json:"share"`
	// Suggest lists the families that can produce the column's values
	// (data.ShapeOf), without the one fitted.
	Suggest []string `json:"suggest,omitempty"`
	Trials  string   `json:"trials,omitempty"`
}

// String is the misfit as one line for a warning.
func (m Misfit) String() string {
	f := func(v float64) string {
		if m.Share {
			return fmt.Sprintf("%.1f%%", 100*v)
		}
		return fmt.Sprintf("%.3g", v)
	}
	name := m.Node
	if m.Column != "" && m.Column != m.Node {
		name += " (" + m.Column + ")"
	}
	s := fmt.Sprintf("%s, fitted as %s: %s %s observed, %s predicted (%.0f%% interval %s to %s)",
		name, m.Family, m.Statistic, f(m.Observed), f(m.Predicted), 100*MisfitLevel, f(m.Lo), f(m.Hi))
	if len(m.Suggest) > 0 {
		alt := m.Suggest
		if m.Trials != "" {
			for i, a := range alt {
				if a == "binomial" || a == "beta_binomial" {
					alt = slices.Clone(alt)
					alt[i] = a + ` with trials="` + m.Trials + `"`
				}
			}
		}
		s += ": try " + orList(alt)
	}
	return s
}

func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// statistic is one check: its name, whether it is a share, whether it
// applies to the observed values, and its value on a data set.
type statistic struct {
	name    string
	share   bool
	applies func(obs []float64) bool
	value   func(y, obs []float64) float64 // obs: the observed data, for bounds
	// matters says whether the observed value differs from the predicted
	// median by enough to matter (with thousands of rows the interval is
	// so narrow that a negligible difference falls outside it); nil: any.
	matters func(obs, pred float64) bool
}

// atValue is the share of y within a relative 1e-9 of v.
func atValue(y []float64, v float64) float64 {
	tol := 1e-9 * (1 + math.Abs(v))
	k := 0
	for _, x := range y {
		if math.Abs(x-v) <= tol {
			k++
		}
	}
	return float64(k) / float64(len(y))
}

// massAt reports whether the data have a mass point at v: at least two
// values and 5% of them equal to it (a single extreme value is no mass).
func massAt(obs []float64, v float64) bool {
	share := atValue(obs, v)
	return share >= 0.05 && share*float64(len(obs)) >= 1.5
}

func moments(y []float64) (mean, variance, skew float64) {
	n := float64(len(y))
	for _, x := range y {
		mean += x
	}
	mean /= n
	m2, m3 := 0.0, 0.0
	for _, x := range y {
		d := x - mean
		m2 += d * d
		m3 += d * d * d
	}
	m2, m3 = m2/n, m3/n
	if m2 > 0 {
		skew = m3 / math.Pow(m2, 1.5)
	}
	return mean, m2, skew
}

var statistics = []statistic{
	{name: "share at the minimum", share: true,
		applies: func(obs []float64) bool { return massAt(obs, slices.Min(obs)) },
		value:   func(y, obs []float64) float64 { return atValue(y, slices.Min(obs)) },
		matters: func(o, p float64) bool { return math.Abs(o-p) > 0.02 }},
	{name: "share at the maximum", share: true,
		applies: func(obs []float64) bool { return massAt(obs, slices.Max(obs)) },
		value:   func(y, obs []float64) float64 { return atValue(y, slices.Max(obs)) },
		matters: func(o, p float64) bool { return math.Abs(o-p) > 0.02 }},
	{name: "minimum", applies: func([]float64) bool { return true },
		value: func(y, _ []float64) float64 { return slices.Min(y) }},
	{name: "maximum", applies: func([]float64) bool { return true },
		value: func(y, _ []float64) float64 { return slices.Max(y) }},
	{name: "dispersion (variance/mean)",
		applies: func(obs []float64) bool {
			m, _, _ := moments(obs)
			return slices.Min(obs) >= 0 && m > 0
		},
		value: func(y, _ []float64) float64 {
			m, v, _ := moments(y)
			if m <= 0 {
				return math.Inf(1)
			}
			return v / m
		},
		matters: func(o, p float64) bool { return math.Abs(o-p) > 0.1*math.Abs(p) }},
	{name: "skewness", applies: func([]float64) bool { return true },
		value:   func(y, _ []float64) float64 { _, _, s := moments(y); return s },
		matters: func(o, p float64) bool { return math.Abs(o-p) > 0.25 }},
}

// CheckNode compares the statistics of node's data with data replicated
// from the fit (MisfitDraws draws, seeded) and returns those outside the
// MisfitLevel interval.
func CheckNode(f *fit.Fit, node string, seed uint64) ([]Misfit, error) {
	d, err := PPC(f, node, MisfitDraws, seed)
	if err != nil {
		return nil, err
	}
	column := nodeColumn(f, node)
	var out []Misfit
	for _, st := range statistics {
		if !st.applies(d.Observed) {
			continue
		}
		obs := st.value(d.Observed, d.Observed)
		reps := make([]float64, len(d.Replicated))
		for i, y := range d.Replicated {
			reps[i] = st.value(y, d.Observed)
		}
		sort.Float64s(reps)
		lo := quantileSorted(reps, (1-MisfitLevel)/2)
		hi := quantileSorted(reps, 1-(1-MisfitLevel)/2)
		pred := quantileSorted(reps, 0.5)
		if (obs >= lo && obs <= hi) || (st.matters != nil && !st.matters(obs, pred)) {
			continue
		}
		m := Misfit{Node: node, Column: column, Family: d.Family, Statistic: st.name, Observed: obs,
			Lo: lo, Hi: hi, Predicted: pred, Share: st.share}
		m.Suggest, m.Trials = suggestFamilies(f, column, d.Family)
		out = append(out, m)
	}
	return out, nil
}

// CheckFit runs CheckNode on every node with an equation that the fit can
// replicate; skipped names the others with the reason (a node whose
// latent parent's values the fit directory does not keep).
func CheckFit(f *fit.Fit, seed uint64) (misfits []Misfit, skipped []string) {
	for _, node := range PPCNodes(f) {
		ms, err := CheckNode(f, node, seed)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", node, err))
			continue
		}
		misfits = append(misfits, ms...)
	}
	return misfits, skipped
}

// nodeColumn is the data column behind an equation's node.
func nodeColumn(f *fit.Fit, node string) string {
	for _, eq := range f.Plan.Spec.Equations {
		if eq.Node == node {
			return eq.Column
		}
	}
	for _, l := range f.Plan.Spec.Latents {
		for _, ind := range l.Indicators {
			if ind.Node == node {
				return ind.Column
			}
		}
	}
	return ""
}

// suggestFamilies returns the families that can produce column's raw
// values and that models may declare, without the fitted one.
func suggestFamilies(f *fit.Fit, column, fitted string) ([]string, string) {
	p := f.Plan.Panel
	if column == "" || p == nil || !p.Has(column) {
		return nil, ""
	}
	v, err := p.Numeric(column)
	if err != nil {
		return nil, ""
	}
	others := map[string][]float64{}
	for _, c := range p.Columns() {
		if c == column || c == p.UnitKey || c == p.TimeKey {
			continue
		}
		if w, err := p.Numeric(c); err == nil {
			others[c] = w
		}
	}
	sh := data.ShapeOf(v, others)
	fams := sh.Families
	if i := slices.Index(fams, fitted); i >= 0 {
		// A family suited to such values is fitted already: suggest only
		// those ranked above it.
		fams = fams[:i]
	}
	var out []string
	for _, fam := range fams {
		if slices.Contains(model.Families, fam) {
			out = append(out, fam)
		}
	}
	trials := ""
	if slices.Contains(out, "binomial") || slices.Contains(out, "beta_binomial") {
		trials = sh.Trials
	}
	return out, trials
}

// quantileSorted is the q-quantile of sorted values (linear interpolation).
func quantileSorted(x []float64, q float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	h := q * float64(len(x)-1)
	i := int(math.Floor(h))
	if i >= len(x)-1 {
		return x[len(x)-1]
	}
	return x[i] + (h-float64(i))*(x[i+1]-x[i])
}

// MisfitLines says the misfits in one line per node: the first statistic
// in full, the others named, then the families to try.
func MisfitLines(ms []Misfit) []string {
	var order []string
	byNode := map[string][]Misfit{}
	for _, m := range ms {
		if _, ok := byNode[m.Node]; !ok {
			order = append(order, m.Node)
		}
		byNode[m.Node] = append(byNode[m.Node], m)
	}
	var out []string
	for _, node := range order {
		g := byNode[node]
		first := g[0]
		suggest := first.Suggest
		first.Suggest = nil
		line := first.String()
		if len(g) > 1 {
			var also []string
			for _, m := range g[1:] {
				also = append(also, m.Statistic)
			}
			line += "; also off: " + strings.Join(also, ", ")
		}
		if len(suggest) > 0 {
			first.Suggest = suggest
			full := first.String()
			line += full[strings.LastIndex(full, ": try "):]
		}
		out = append(out, line)
	}
	return out
}
