package data

import (
	"math"
	"sort"
)

// Shape is what a numeric column's values look like to a modeller, and the
// response families (brms's names) that can produce such values, best
// first.
type Shape struct {
	// Kind is one of "binary", "ordinal 0–K", "count", "zero-heavy count",
	// "count out of trials", "proportion", "skewed positive", "skewed
	// non-negative", "heavy-tailed" or "continuous".
	Kind string `json:"kind"`
	// Families lists the families that fit values of this kind, best first.
	Families []string `json:"families"`
	// Trials names a column that bounds this count from above in every row
	// and equals it in many (the number of trials), for Kind "count out of
	// trials".
	Trials string `json:"trials,omitempty"`
	// ZeroShare is the share of observed values equal to 0.
	ZeroShare float64 `json:"zero_share"`
	// Advice is a transform worth trying with the gaussian family, e.g.
	// transform="log1p" for a skewed column with zeros ("" when none).
	Advice string `json:"advice,omitempty"`
}

// ShapeOf classifies the observed values of one numeric column (NaN are
// missing). trials, when not nil, maps other columns' names to their values
// in the same rows: an integer column that bounds the count from above in
// every row where both are observed, and equals it in at least a tenth of
// them, is taken as its number of trials.
func ShapeOf(v []float64, trials map[string][]float64) Shape {
	var obs []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			obs = append(obs, x)
		}
	}
	n := float64(len(obs))
	if len(obs) == 0 {
		return Shape{Kind: "continuous", Families: []string{"gaussian"}}
	}
	integer, nonneg, open01, binary := true, true, true, true
	zeros := 0
	mean := 0.0
	for _, x := range obs {
		if x != math.Trunc(x) {
			integer = false
		}
		if x < 0 {
			nonneg = false
		}
		if !(x > 0 && x < 1) {
			open01 = false
		}
		if x != 0 && x != 1 {
			binary = false
		}
		if x == 0 {
			zeros++
		}
		mean += x
	}
	mean /= n
	m2, m3, m4 := 0.0, 0.0, 0.0
	for _, x := range obs {
		d := x - mean
		m2 += d * d
		m3 += d * d * d
		m4 += d * d * d * d
	}
	m2, m3, m4 = m2/n, m3/n, m4/n
	skew, kurt := 0.0, 0.0
	if m2 > 0 {
		skew = m3 / math.Pow(m2, 1.5)
		kurt = m4/(m2*m2) - 3
	}
	s := Shape{ZeroShare: float64(zeros) / n}
	sorted := append([]float64(nil), obs...)
	sort.Float64s(sorted)
	hi := sorted[len(sorted)-1]
	switch {
	case binary:
		s.Kind, s.Families = "binary", []string{"bernoulli"}
	case integer && nonneg:
		if t := trialsColumn(v, trials); t != "" {
			s.Kind, s.Trials = "count out of trials", t
			s.Families = []string{"beta_binomial", "binomial"}
			if s.ZeroShare >= 0.3 {
				s.Families = append(s.Families, "hurdle_negbinomial", "zero_inflated_negbinomial")
			}
			break
		}
		if hi <= 10 && distinctCount(sorted) == int(hi)+1 && s.ZeroShare < 0.3 {
			s.Kind, s.Families = "ordinal 0–"+itoa(int(hi)), []string{"ordered", "poisson"}
			break
		}
		if s.ZeroShare >= 0.3 {
			s.Kind = "zero-heavy count"
			s.Families = []string{"hurdle_negbinomial", "zero_inflated_negbinomial", "hurdle_poisson", "zero_inflated_poisson", "negbinomial", "poisson"}
			break
		}
		s.Kind = "count"
		if mean > 0 && m2/mean > 1.5 {
			s.Families = []string{"negbinomial", "poisson"}
		} else {
			s.Families = []string{"poisson", "negbinomial"}
		}
	case open01:
		s.Kind, s.Families = "proportion", []string{"beta"}
	case sorted[0] > 0 && skew > 1:
		s.Kind, s.Families, s.Advice = "skewed positive", []string{"lognormal", "gaussian"}, `transform="log"`
	case sorted[0] >= 0 && skew > 1:
		s.Kind, s.Families, s.Advice = "skewed non-negative", []string{"gaussian"}, `transform="log1p"`
	case kurt > 3:
		s.Kind, s.Families = "heavy-tailed", []string{"student", "gaussian"}
	default:
		s.Kind, s.Families = "continuous", []string{"gaussian", "student"}
	}
	return s
}

// trialsColumn returns the first column (by name) of trials that bounds y
// from above wherever both are observed and equals it in at least a tenth
// of those rows, with y not always equal to it.
func trialsColumn(y []float64, trials map[string][]float64) string {
	var names []string
	for name := range trials {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t := trials[name]
		if len(t) != len(y) {
			continue
		}
		both, equal, ok := 0, 0, true
		for i, v := range y {
			if math.IsNaN(v) || math.IsNaN(t[i]) {
				continue
			}
			if t[i] != math.Trunc(t[i]) || t[i] <= 0 || v > t[i] {
				ok = false
				break
			}
			both++
			if v == t[i] {
				equal++
			}
		}
		if ok && both > 0 && equal*10 >= both && equal < both {
			return name
		}
	}
	return ""
}

func distinctCount(sorted []float64) int {
	k := 0
	for i, v := range sorted {
		if i == 0 || v != sorted[i-1] {
			k++
		}
	}
	return k
}

func itoa(k int) string {
	if k < 10 {
		return string(rune('0' + k))
	}
	return itoa(k/10) + string(rune('0'+k%10))
}

// Shapes classifies every numeric column of the panel but its keys (see
// ShapeOf), taking the panel's other integer columns as candidate trials.
func (p *Panel) Shapes() map[string]Shape {
	num := map[string][]float64{}
	for _, name := range p.Columns() {
		if name == p.UnitKey || name == p.TimeKey {
			continue
		}
		if v, err := p.Numeric(name); err == nil {
			num[name] = v
		}
	}
	out := map[string]Shape{}
	for name, v := range num {
		others := map[string][]float64{}
		for o, w := range num {
			if o != name {
				others[o] = w
			}
		}
		out[name] = ShapeOf(v, others)
	}
	return out
}
