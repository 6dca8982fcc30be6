package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Support is the set of values a prior puts mass on.
type Support int

// Supports of prior families.
const (
	RealLine     Support = iota // (-inf, inf): edge strengths, intercepts, loadings
	Positive                    // (0, inf): scales
	UnitInterval                // (0, 1)
)

func (s Support) String() string {
	switch s {
	case Positive:
		return "positive"
	case UnitInterval:
		return "(0,1)"
	}
	return "real"
}

// Prior is a parsed prior distribution such as normal(0,0.5): a family name
// and its numeric parameters, in the order the family lists them (see
// PriorFamilies). The estimation code reads Family and Params.
type Prior struct {
	Family string
	Params []float64
}

// PriorFamily describes one prior family a model file may name.
type PriorFamily struct {
	Name    string
	Params  []string // parameter names, in order
	Support Support
	check   func(p []float64) string // "" when the parameters are valid
}

func positive(names ...string) func(p []float64) string {
	return func(p []float64) string {
		for i, n := range names {
			if n == "" {
				continue
			}
			if !(p[i] > 0) {
				return fmt.Sprintf("%s must be > 0", n)
			}
		}
		return ""
	}
}

// PriorFamilies lists the families a prior attribute accepts.
var PriorFamilies = []PriorFamily{
	{"normal", []string{"mu", "sigma"}, RealLine, positive("", "sigma")},
	{"student_t", []string{"nu", "mu", "sigma"}, RealLine, positive("nu", "", "sigma")},
	{"cauchy", []string{"mu", "sigma"}, RealLine, positive("", "sigma")},
	{"laplace", []string{"mu", "b"}, RealLine, positive("", "b")},
	{"logistic", []string{"mu", "s"}, RealLine, positive("", "s")},
	{"uniform", []string{"lower", "upper"}, RealLine, func(p []float64) string {
		if !(p[0] < p[1]) {
			return "lower must be < upper"
		}
		return ""
	}},
	{"half_normal", []string{"sigma"}, Positive, positive("sigma")},
	{"half_student_t", []string{"nu", "sigma"}, Positive, positive("nu", "sigma")},
	{"half_cauchy", []string{"sigma"}, Positive, positive("sigma")},
	{"exponential", []string{"rate"}, Positive, positive("rate")},
	{"lognormal", []string{"mu", "sigma"}, Positive, positive("", "sigma")},
	{"gamma", []string{"shape", "rate"}, Positive, positive("shape", "rate")},
	{"inv_gamma", []string{"shape", "scale"}, Positive, positive("shape", "scale")},
	{"beta", []string{"a", "b"}, UnitInterval, positive("a", "b")},
}

func priorFamily(name string) (PriorFamily, bool) {
	for _, f := range PriorFamilies {
		if f.Name == name {
			return f, true
		}
	}
	return PriorFamily{}, false
}

func familyNames(s Support) string {
	var names []string
	for _, f := range PriorFamilies {
		if f.Support == s {
			names = append(names, f.Name)
		}
	}
	return strings.Join(names, ", ")
}

// ParsePrior parses a prior such as "normal(0, 0.5)", "student_t(3,0,1)",
// "half_normal(1)" or "exponential(1)". The error says what is wrong
// without a file position; the parser adds it.
func ParsePrior(s string) (Prior, error) {
	s = strings.TrimSpace(s)
	open := strings.IndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(s, ")") {
		return Prior{}, fmt.Errorf("prior %q: write it as family(parameters), e.g. normal(0,1)", s)
	}
	name := strings.TrimSpace(s[:open])
	fam, ok := priorFamily(name)
	if !ok {
		var all []string
		for _, f := range PriorFamilies {
			all = append(all, f.Name)
		}
		return Prior{}, fmt.Errorf("prior %q: unknown family %q (known: %s)", s, name, strings.Join(all, ", "))
	}
	inner := strings.TrimSpace(s[open+1 : len(s)-1])
	var parts []string
	if inner != "" {
		parts = strings.Split(inner, ",")
	}
	if len(parts) != len(fam.Params) {
		return Prior{}, fmt.Errorf("prior %q: %s takes %d parameter(s) (%s), got %d", s, name, len(fam.Params), strings.Join(fam.Params, ", "), len(parts))
	}
	p := Prior{Family: name, Params: make([]float64, len(parts))}
	for i, part := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return Prior{}, fmt.Errorf("prior %q: parameter %s = %q is not a finite number", s, fam.Params[i], strings.TrimSpace(part))
		}
		p.Params[i] = v
	}
	if msg := fam.check(p.Params); msg != "" {
		return Prior{}, fmt.Errorf("prior %q: %s", s, msg)
	}
	return p, nil
}

// Support returns the support of the prior's family.
func (p Prior) Support() Support {
	f, _ := priorFamily(p.Family)
	return f.Support
}

// String writes the prior back in the syntax ParsePrior reads, with the
// shortest decimal form of each parameter.
func (p Prior) String() string {
	var b strings.Builder
	b.WriteString(p.Family)
	b.WriteByte('(')
	for i, v := range p.Params {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	}
	b.WriteByte(')')
	return b.String()
}

// Equal reports whether two priors are the same family with the same
// parameters.
func (p Prior) Equal(q Prior) bool {
	if p.Family != q.Family || len(p.Params) != len(q.Params) {
		return false
	}
	for i := range p.Params {
		if p.Params[i] != q.Params[i] {
			return false
		}
	}
	return true
}

// Node prior slots: the parameter a node-level prior_* attribute sets, and
// the support its prior must have.
var nodePriorSlots = []struct {
	Key     string
	Support Support
	Doc     string
}{
	{"strength", RealLine, "default for the strengths of the edges into the node (an edge's own prior wins)"},
	{"intercept", RealLine, "the node's intercept"},
	{"sigma", Positive, "the residual scale of a gaussian or student node, the sd of log y of a lognormal one"},
	{"unit_sd", Positive, "the scale of the node's unit random intercepts"},
	{"loading", RealLine, "the loadings of a latent node's indicators"},
	{"cutpoint", RealLine, "the cutpoints of an ordered node"},
	{"shape", Positive, "the shape of a negative binomial node (negbinomial, zero_inflated_negbinomial, hurdle_negbinomial; default gamma(0.01,0.01))"},
	{"zi", UnitInterval, "the zero-inflation probability of a zero_inflated_* node (default beta(1,1))"},
	{"hu", UnitInterval, "the hurdle probability of a hurdle_* node (default beta(1,1))"},
	{"phi", Positive, "the precision of a beta_binomial or beta node (default gamma(0.01,0.01))"},
	{"nu", Positive, "the degrees of freedom of a student node (default gamma(2,0.1), on nu > 1)"},
}

// NodePriorKeys returns the parameter names a node prior may set, in the
// order they are written back: strength, intercept, sigma, unit_sd,
// loading, cutpoint, shape, zi, hu, phi, nu. In a model file they are the attributes prior_strength,
// prior_intercept, and so on.
func NodePriorKeys() []string {
	keys := make([]string, len(nodePriorSlots))
	for i, s := range nodePriorSlots {
		keys[i] = s.Key
	}
	return keys
}

func nodePriorSlot(key string) (Support, bool) {
	for _, s := range nodePriorSlots {
		if s.Key == key {
			return s.Support, true
		}
	}
	return 0, false
}
