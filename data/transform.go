package data

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Transform is a parsed transform pipeline (see the package doc for the
// syntax). The zero Transform is the identity.
type Transform struct {
	steps []step
	spec  string
}

type stepKind int

const (
	stepStandardize stepKind = iota + 1
	stepCenter
	stepLog
	stepLog1p
	stepLogit
	stepLag
	stepLead
	stepDiff
	stepPeerMean
	stepIndicator
)

type step struct {
	kind  stepKind
	k     int     // lag, lead, diff
	group string  // peer_mean
	op    string  // indicator: > >= < <= ==
	c     float64 // indicator threshold
	text  string  // the step as written
}

// String returns the pipeline as written.
func (t Transform) String() string { return t.spec }

// IsIdentity reports whether the pipeline has no steps.
func (t Transform) IsIdentity() bool { return len(t.steps) == 0 }

// Groups returns the grouping columns the pipeline reads (peer_mean).
func (t Transform) Groups() []string {
	var g []string
	for _, s := range t.steps {
		if s.kind == stepPeerMean {
			g = append(g, s.group)
		}
	}
	return g
}

// NeedsPanel reports whether the pipeline needs unit and time keys (lags,
// leads, differences, peer means).
func (t Transform) NeedsPanel() bool {
	for _, s := range t.steps {
		switch s.kind {
		case stepLag, stepLead, stepDiff, stepPeerMean:
			return true
		}
	}
	return false
}

// ParseTransform parses a pipeline such as "log1p|standardize". An empty
// spec (or "identity", "none") is the identity.
func ParseTransform(spec string) (Transform, error) {
	t := Transform{spec: strings.TrimSpace(spec)}
	if t.spec == "" || t.spec == "identity" || t.spec == "none" {
		return t, nil
	}
	for _, raw := range strings.Split(t.spec, "|") {
		s, err := parseStep(strings.TrimSpace(raw))
		if err != nil {
			return Transform{}, fmt.Errorf("transform %q: %v", t.spec, err)
		}
		t.steps = append(t.steps, s)
	}
	return t, nil
}

const transformHelp = "standardize, center, log, log1p, logit, lag(k), lead(k), diff(k), peer_mean(COLUMN), indicator(>c)"

func parseStep(s string) (step, error) {
	name, arg, hasArg := s, "", false
	if i := strings.IndexByte(s, '('); i >= 0 {
		if !strings.HasSuffix(s, ")") {
			return step{}, fmt.Errorf("step %q: missing ')'", s)
		}
		name, arg, hasArg = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:len(s)-1]), true
	}
	st := step{text: s}
	noArg := func(k stepKind) (step, error) {
		if hasArg {
			return step{}, fmt.Errorf("step %q takes no argument", name)
		}
		st.kind = k
		return st, nil
	}
	switch name {
	case "standardize", "standardise", "z":
		return noArg(stepStandardize)
	case "center", "centre":
		return noArg(stepCenter)
	case "log":
		return noArg(stepLog)
	case "log1p":
		return noArg(stepLog1p)
	case "logit":
		return noArg(stepLogit)
	case "lag", "lead", "diff":
		st.kind = map[string]stepKind{"lag": stepLag, "lead": stepLead, "diff": stepDiff}[name]
		st.k = 1
		if hasArg && arg != "" {
			k, err := strconv.Atoi(arg)
			if err != nil || k < 1 {
				return step{}, fmt.Errorf("step %q: the argument must be a positive integer", s)
			}
			st.k = k
		}
		return st, nil
	case "peer_mean":
		if arg == "" {
			return step{}, fmt.Errorf("step %q: name the grouping column, e.g. peer_mean(who_region)", s)
		}
		st.kind, st.group = stepPeerMean, arg
		return st, nil
	case "indicator":
		for _, op := range []string{">=", "<=", "==", ">", "<"} {
			if strings.HasPrefix(arg, op) {
				c, err := strconv.ParseFloat(strings.TrimSpace(arg[len(op):]), 64)
				if err != nil || math.IsNaN(c) {
					return step{}, fmt.Errorf("step %q: the threshold must be a number", s)
				}
				st.kind, st.op, st.c = stepIndicator, op, c
				return st, nil
			}
		}
		return step{}, fmt.Errorf("step %q: write the condition as indicator(>c), with >, >=, <, <= or ==", s)
	}
	return step{}, fmt.Errorf("unknown step %q (known: %s)", name, transformHelp)
}

// Transform returns column col passed through the pipeline spec.
func (p *Panel) Transform(col, spec string) ([]float64, error) {
	t, err := ParseTransform(spec)
	if err != nil {
		return nil, &Error{File: p.Name, Column: col, Msg: err.Error()}
	}
	return p.Apply(col, t)
}

// Apply returns column col passed through the parsed pipeline t. Missing
// cells stay missing (NaN); a value outside a step's domain is an error
// naming its line.
func (p *Panel) Apply(col string, t Transform) ([]float64, error) {
	x, err := p.Numeric(col)
	if err != nil {
		return nil, err
	}
	for _, s := range t.steps {
		if x, err = p.applyStep(col, s, x); err != nil {
			return nil, err
		}
	}
	return x, nil
}

func (p *Panel) stepErr(col string, s step, line int, format string, args ...any) error {
	return &Error{File: p.Name, Line: line, Column: col, Msg: fmt.Sprintf("transform %s: ", s.text) + fmt.Sprintf(format, args...)}
}

func (p *Panel) applyStep(col string, s step, x []float64) ([]float64, error) {
	switch s.kind {
	case stepStandardize, stepCenter:
		mean, sd, n := meanSD(x)
		if n == 0 {
			return nil, p.stepErr(col, s, 0, "the column has no observed values")
		}
		if s.kind == stepCenter {
			sd = 1
		} else if n < 2 || sd == 0 {
			return nil, p.stepErr(col, s, 0, "the column has no variance (all %d observed values equal %v)", n, mean)
		}
		for i, v := range x {
			x[i] = (v - mean) / sd
		}
		return x, nil
	case stepLog, stepLog1p, stepLogit:
		for i, v := range x {
			if math.IsNaN(v) {
				continue
			}
			switch s.kind {
			case stepLog:
				if v <= 0 {
					return nil, p.stepErr(col, s, p.lines[i], "log of %v is undefined (use log1p for counts with zeros)", v)
				}
				x[i] = math.Log(v)
			case stepLog1p:
				if v <= -1 {
					return nil, p.stepErr(col, s, p.lines[i], "log1p of %v is undefined", v)
				}
				x[i] = math.Log1p(v)
			case stepLogit:
				if v <= 0 || v >= 1 {
					return nil, p.stepErr(col, s, p.lines[i], "logit of %v is undefined (values must lie strictly between 0 and 1)", v)
				}
				x[i] = math.Log(v / (1 - v))
			}
		}
		return x, nil
	case stepLag, stepLead, stepDiff:
		if !p.IsPanel() {
			return nil, p.stepErr(col, s, 0, "needs unit and time keys; the data is a cross-section")
		}
		shift := s.k
		if s.kind == stepLead {
			shift = -s.k
		}
		out := make([]float64, len(x))
		for i := range x {
			j, ok := p.cell[cellKey{p.unit[i], p.ordinal[i] - shift}]
			v := math.NaN()
			if ok {
				v = x[j]
			}
			if s.kind == stepDiff {
				v = x[i] - v
			}
			out[i] = v
		}
		return out, nil
	case stepPeerMean:
		return p.peerMean(col, s, x)
	case stepIndicator:
		for i, v := range x {
			if math.IsNaN(v) {
				continue
			}
			var b bool
			switch s.op {
			case ">":
				b = v > s.c
			case ">=":
				b = v >= s.c
			case "<":
				b = v < s.c
			case "<=":
				b = v <= s.c
			case "==":
				b = v == s.c
			}
			x[i] = 0
			if b {
				x[i] = 1
			}
		}
		return x, nil
	}
	return nil, fmt.Errorf("data: unhandled transform step %q", s.text)
}

// peerMean is the leave-one-out mean of x over the other units of the same
// group in the same period. Rows whose group is missing get NaN.
func (p *Panel) peerMean(col string, s step, x []float64) ([]float64, error) {
	if !p.IsPanel() {
		return nil, p.stepErr(col, s, 0, "needs unit and time keys; the data is a cross-section")
	}
	g, err := p.Text(s.group)
	if err != nil {
		return nil, p.stepErr(col, s, 1, "grouping column %q is not in the data", s.group)
	}
	type key struct {
		group  string
		period int
	}
	type acc struct {
		sum float64
		n   int
	}
	sums := map[key]acc{}
	for i, v := range x {
		if g[i] == "" || math.IsNaN(v) {
			continue
		}
		k := key{g[i], p.period[i]}
		a := sums[k]
		a.sum += v
		a.n++
		sums[k] = a
	}
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = math.NaN()
		if g[i] == "" {
			continue
		}
		a := sums[key{g[i], p.period[i]}]
		if !math.IsNaN(v) {
			a.sum -= v
			a.n--
		}
		if a.n > 0 {
			out[i] = a.sum / float64(a.n)
		}
	}
	return out, nil
}

// meanSD returns the mean, the sample standard deviation (n−1) and the
// count of the non-missing values.
func meanSD(x []float64) (mean, sd float64, n int) {
	for _, v := range x {
		if !math.IsNaN(v) {
			mean += v
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	mean /= float64(n)
	var ss float64
	for _, v := range x {
		if !math.IsNaN(v) {
			ss += (v - mean) * (v - mean)
		}
	}
	if n > 1 {
		sd = math.Sqrt(ss / float64(n-1))
	}
	return mean, sd, n
}

// valueStep reports whether a step maps each value on its own, one to one,
// so that it can be undone value by value (standardize, center, log, log1p,
// logit). Lags, leads, differences, peer means and indicators are not:
// they reindex, combine or coarsen values.
func valueStep(k stepKind) bool {
	switch k {
	case stepStandardize, stepCenter, stepLog, stepLog1p, stepLogit:
		return true
	}
	return false
}

// Scale maps a column's values between its own units and the scale a
// transform pipeline puts them on. It inverts the pipeline's trailing
// value steps (standardize, center, log, log1p, logit), with the mean and
// sd that standardize and center took from the data; the steps before the
// last step that is not a value step (lag, lead, diff, peer_mean,
// indicator) are kept: they reindex, combine or coarsen values and cannot
// be undone one value at a time, so "own units" then means the values
// those steps produce (a lag keeps the column's units; a difference is a
// change in them; an indicator is 0 or 1).
type Scale struct {
	// Column is the data column.
	Column string
	// Kept is the part of the pipeline that is not inverted, as written
	// ("" when the whole pipeline is inverted).
	Kept string
	// Inverted is the part that is inverted, as written.
	Inverted string
	// Raw holds each row's value in the column's own units (after the
	// kept steps; NaN where missing).
	Raw   []float64
	steps []unitStep
}

type unitStep struct {
	kind     stepKind
	mean, sd float64 // standardize, center
}

// Invert fits the inverse of pipeline t on column col: it runs the kept
// steps, then the value steps one by one, recording the constants each
// takes from the data, so that Forward reproduces the pipeline's values.
func (p *Panel) Invert(col string, t Transform) (*Scale, error) {
	cut := 0
	for i, s := range t.steps {
		if !valueStep(s.kind) {
			cut = i + 1
		}
	}
	texts := func(ss []step) string {
		var w []string
		for _, s := range ss {
			w = append(w, s.text)
		}
		return strings.Join(w, "|")
	}
	u := &Scale{Column: col, Kept: texts(t.steps[:cut]), Inverted: texts(t.steps[cut:])}
	raw, err := p.Apply(col, Transform{steps: t.steps[:cut]})
	if err != nil {
		return nil, err
	}
	u.Raw = raw
	x := append([]float64(nil), raw...)
	for _, s := range t.steps[cut:] {
		us := unitStep{kind: s.kind, sd: 1}
		if s.kind == stepStandardize || s.kind == stepCenter {
			mean, sd, _ := meanSD(x)
			us.mean = mean
			if s.kind == stepStandardize {
				us.sd = sd
			}
		}
		if x, err = p.applyStep(col, s, x); err != nil {
			return nil, err
		}
		u.steps = append(u.steps, us)
	}
	return u, nil
}

// Unit names the units of the raw values: the column, or the column after
// the kept steps ("c8_max after peer_mean(who_region)"); lags and leads
// keep the column's units.
func (u *Scale) Unit() string {
	if u.Kept == "" {
		return u.Column
	}
	onlyShift := true
	for _, w := range strings.Split(u.Kept, "|") {
		if !strings.HasPrefix(w, "lag") && !strings.HasPrefix(w, "lead") {
			onlyShift = false
		}
	}
	if onlyShift {
		return u.Column
	}
	return u.Column + " after " + u.Kept
}

// IsIdentity reports whether nothing is inverted: raw values are the
// fit's values.
func (u *Scale) IsIdentity() bool { return len(u.steps) == 0 }

// Linear reports whether Forward is affine, fit = intercept + slope·raw
// (only standardize and center are inverted), and returns its constants.
func (u *Scale) Linear() (slope, intercept float64, ok bool) {
	slope, intercept = 1, 0
	for _, s := range u.steps {
		if s.kind != stepStandardize && s.kind != stepCenter {
			return 0, 0, false
		}
		slope /= s.sd
		intercept = (intercept - s.mean) / s.sd
	}
	return slope, intercept, true
}

// Forward maps a raw value onto the fit's scale; a value outside a step's
// domain (log of 0, logit of 1) gives NaN.
func (u *Scale) Forward(x float64) float64 {
	for _, s := range u.steps {
		switch s.kind {
		case stepStandardize, stepCenter:
			x = (x - s.mean) / s.sd
		case stepLog:
			if !(x > 0) {
				return math.NaN()
			}
			x = math.Log(x)
		case stepLog1p:
			if !(x > -1) {
				return math.NaN()
			}
			x = math.Log1p(x)
		case stepLogit:
			if !(x > 0 && x < 1) {
				return math.NaN()
			}
			x = math.Log(x / (1 - x))
		}
	}
	return x
}

// Inverse maps a value on the fit's scale back to raw units.
func (u *Scale) Inverse(y float64) float64 {
	for i := len(u.steps) - 1; i >= 0; i-- {
		s := u.steps[i]
		switch s.kind {
		case stepStandardize, stepCenter:
			y = s.mean + s.sd*y
		case stepLog:
			y = math.Exp(y)
		case stepLog1p:
			y = math.Expm1(y)
		case stepLogit:
			y = 1 / (1 + math.Exp(-y))
		}
	}
	return y
}

// Bounds returns the open interval of raw values Forward accepts: (0, +Inf)
// for log, (−1, +Inf) for log1p, (0, 1) for logit (moved by any standardize
// or center before them), (−Inf, +Inf) when every step takes any number.
func (u *Scale) Bounds() (lo, hi float64) {
	for i, s := range u.steps {
		switch s.kind {
		case stepLog:
			lo, hi = 0, math.Inf(1)
		case stepLog1p:
			lo, hi = -1, math.Inf(1)
		case stepLogit:
			lo, hi = 0, 1
		default:
			continue
		}
		// Undo the affine steps before it (increasing: sd > 0).
		for k := i - 1; k >= 0; k-- {
			lo = u.steps[k].mean + u.steps[k].sd*lo
			hi = u.steps[k].mean + u.steps[k].sd*hi
		}
		return lo, hi
	}
	return math.Inf(-1), math.Inf(1)
}

// ExpForm reports whether Inverse(y) = exp(a + b·y) − c, which holds when
// the inverted steps are log (c = 0) or log1p (c = 1) followed only by
// standardize and center, and returns the constants: queries use it to
// invert many values with one exponential each.
func (u *Scale) ExpForm() (a, b, c float64, ok bool) {
	if len(u.steps) == 0 {
		return 0, 0, 0, false
	}
	switch u.steps[0].kind {
	case stepLog:
	case stepLog1p:
		c = 1
	default:
		return 0, 0, 0, false
	}
	rest := Scale{steps: u.steps[1:]}
	slope, icpt, lin := rest.Linear()
	if !lin {
		return 0, 0, 0, false
	}
	// y = icpt + slope·L, L = log(x + c): x = exp((y − icpt)/slope) − c.
	return -icpt / slope, 1 / slope, c, true
}
