package query

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"dilemma/data"
)

// Scale is the scale a query reads its values on and reports its effects
// on (see "Units" in the package doc).
type Scale int

const (
	// Raw reads values and reports effects in the columns' own units: every
	// transform step that can be inverted (standardize, center, log, log1p,
	// logit) is inverted. The default.
	Raw Scale = iota
	// Fit reads values and reports effects on the fit's transformed scale.
	Fit
)

// String is "raw" or "fit".
func (s Scale) String() string {
	if s == Fit {
		return "fit"
	}
	return "raw"
}

// ParseScale reads "raw" or "fit".
func ParseScale(s string) (Scale, error) {
	switch s {
	case "raw", "":
		return Raw, nil
	case "fit":
		return Fit, nil
	}
	return Raw, fmt.Errorf("scale %q: want raw (the columns' own units) or fit (the fit's transformed scale)", s)
}

// farSpans is how far beyond the observed range, in spans of that range
// from its nearest end, an intervention is refused (unless
// Options.AllowExtrapolation).
const farSpans = 3

// shiftWarnShare is the share of rows a shift may move outside the
// observed range before it warns (a shift always moves the largest values
// beyond the maximum).
const shiftWarnShare = 0.05

// ExtrapolationError refuses an intervention that takes a node far outside
// the values it takes in the data.
type ExtrapolationError struct {
	Query string
	Col   int
	Node  string
	Msg   string
}

func (e *ExtrapolationError) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("query %q: column %d: %s", e.Query, e.Col, e.Msg)
	}
	return e.Msg
}

// nodeUnits is what a node's own units need: the inverse of its transform,
// its raw values and their range and sd over the observed rows.
type nodeUnits struct {
	u      *data.Scale
	raw    []float64 // per row, in the column's own units (NaN missing)
	lo, hi float64   // observed range
	sd     float64   // sd over the observed rows (NaN with fewer than 2)
	n      int       // observed rows
	slope  float64   // fit = icpt + slope·raw when linear
	icpt   float64
	linear bool
}

// unit names the node's raw units for captions.
func (nu *nodeUnits) unit() string { return nu.u.Unit() }

// units returns node v's units, built on first use from the fit's data
// (whose hash Open verified) and the node's transform: the constants of
// standardize and center are recomputed, so fit directories written before
// this existed work unchanged. nil for a latent node (no column).
func (e *Engine) units(v int) (*nodeUnits, error) {
	if nu, ok := e.unitCache[v]; ok {
		return nu, nil
	}
	s := e.s
	n := s.nodes[v]
	if n.kind == kindLatent || n.obs == nil {
		e.unitCache[v] = nil
		return nil, nil
	}
	mn := s.model.Node(n.name)
	if mn == nil || mn.Column == "" || s.fit.Plan.Panel == nil {
		e.unitCache[v] = nil
		return nil, nil
	}
	t, err := data.ParseTransform(mn.Transform)
	if err != nil {
		return nil, err
	}
	u, err := s.fit.Plan.Panel.Invert(mn.Column, t)
	if err != nil {
		return nil, err
	}
	nu := &nodeUnits{u: u, raw: u.Raw, lo: math.Inf(1), hi: math.Inf(-1)}
	var sum float64
	for _, x := range u.Raw {
		if math.IsNaN(x) {
			continue
		}
		nu.n++
		sum += x
		nu.lo, nu.hi = math.Min(nu.lo, x), math.Max(nu.hi, x)
	}
	nu.sd = math.NaN()
	if nu.n > 1 {
		mean := sum / float64(nu.n)
		var ss float64
		for _, x := range u.Raw {
			if !math.IsNaN(x) {
				ss += (x - mean) * (x - mean)
			}
		}
		nu.sd = math.Sqrt(ss / float64(nu.n-1))
	}
	nu.slope, nu.icpt, nu.linear = u.Linear()
	e.unitCache[v] = nu
	return nu, nil
}

// fitUnits is node n's own fit-scale values seen as "units": the identity
// map, for range checks under Scale Fit.
func fitUnits(n *sysNode) *nodeUnits {
	nu := &nodeUnits{raw: n.obs, lo: math.Inf(1), hi: math.Inf(-1), sd: n.sd, slope: 1, linear: true}
	for _, x := range n.obs {
		if !math.IsNaN(x) {
			nu.n++
			nu.lo, nu.hi = math.Min(nu.lo, x), math.Max(nu.hi, x)
		}
	}
	return nu
}

// rangeCheck compares the values an intervention gives node name (vals,
// one per affected row, or one for a set value) with the range nu.lo …
// nu.hi the node takes in the data: a warning when a set value lies
// outside it or a shift moves more than shiftWarnShare of the rows outside
// it, an *ExtrapolationError when any value lies beyond farSpans spans from
// the nearest end (unless allow).
func rangeCheck(a Assignment, src string, nu *nodeUnits, vals []float64, scaleWord string, allow bool) (string, error) {
	if nu.n == 0 {
		return "", nil
	}
	span := nu.hi - nu.lo
	if span == 0 {
		span = math.Max(1, math.Abs(nu.lo))
	}
	out, far := 0, 0
	worst := math.NaN()
	for _, x := range vals {
		if math.IsNaN(x) {
			continue
		}
		d := math.Max(nu.lo-x, x-nu.hi)
		if d > 0 {
			out++
			if math.IsNaN(worst) || d > math.Max(nu.lo-worst, worst-nu.hi) {
				worst = x
			}
		}
		if d > farSpans*span {
			far++
		}
	}
	if out == 0 || len(vals) > 1 && far == 0 && float64(out) <= shiftWarnShare*float64(countFinite(vals)) {
		return "", nil
	}
	rng := fmt.Sprintf("%s … %s%s over %d observed rows", fmtVal(nu.lo), fmtVal(nu.hi), scaleWord, nu.n)
	what := fmt.Sprintf("%s lies outside the range %s takes in the data (%s)", fmtVal(worst), a.Node, rng)
	if len(vals) > 1 {
		what = fmt.Sprintf("%s moves %d of %d rows outside the range %s takes in the data (%s; the farthest to %s)", a.Text, out, countFinite(vals), a.Node, rng, fmtVal(worst))
	}
	if far > 0 && !allow {
		return "", &ExtrapolationError{Query: src, Col: a.Col, Node: a.Node, Msg: fmt.Sprintf("%s, more than %d× its span (%s) beyond the nearest end: the answer would be an extrapolation far from the data; refused (--allow-extrapolation computes it anyway)", what, farSpans, fmtVal(nu.hi-nu.lo))}
	}
	msg := what + ": the answer extrapolates the fitted equations beyond the data"
	if far > 0 {
		msg += fmt.Sprintf(" (more than %d× the span beyond it; allowed by --allow-extrapolation)", farSpans)
	}
	return msg, nil
}

func countFinite(x []float64) int {
	n := 0
	for _, v := range x {
		if !math.IsNaN(v) {
			n++
		}
	}
	return n
}

// fmtVal formats a value in a message with up to 4 significant digits.
func fmtVal(v float64) string { return fmt.Sprintf("%.4g", v) }

// resolveOne turns one assignment into an action on the fit's scale: in
// the node's own units (Scale Raw) or on the fit's scale, after checking
// the values against the data's range. It returns a warning ("" none).
func (e *Engine) resolveOne(a Assignment, src string, v int, opt *Options) (action, string, error) {
	s := e.s
	n := s.nodes[v]
	fail := func(format string, args ...any) error {
		return &NodeError{Query: src, Col: a.Col, Node: a.Node, Msg: fmt.Sprintf(format, args...)}
	}
	if a.Text == "" {
		a.Text = strings.ReplaceAll(a.String(), " ", "")
	}
	act := action{node: v, kind: a.Kind, value: a.Value, shown: a.Value}
	var nu *nodeUnits
	if opt.Scale == Raw {
		var err error
		if nu, err = e.units(v); err != nil {
			return act, "", fail("%s: %v", a.Node, err)
		}
	}
	if nu == nil {
		// The fit's scale: a latent node (no column), or Scale Fit.
		switch a.Kind {
		case ShiftSD:
			if math.IsNaN(n.sd) || n.sd == 0 {
				return act, "", fail("%s has no standard deviation to shift by (%s)", a.Node, n.sdIs)
			}
			act.value = a.Value * n.sd
			act.shown = act.value
			if math.IsInf(act.value, 0) {
				return act, "", fail("a shift of %s overflows", a.Text)
			}
		case Quantile:
			if n.kind == kindLatent {
				return act, "", fail("%s is latent: it has no observed values to take a quantile of; shift it instead (+1sd)", a.Node)
			}
			act.perUnit = s.unitQuantiles(n.obs, a.Value)
		}
		if n.kind == kindLatent {
			return act, "", nil
		}
		return e.checkRange(a, src, act, fitUnits(n), " on the fit's scale", opt)
	}
	// The node's own units.
	unit := nu.unit()
	lo, hi := nu.u.Bounds()
	inDomain := func(x float64) bool { return x > lo && x < hi }
	domain := fmt.Sprintf("%s's transform %s needs values between %s and %s", a.Node, nu.u.Inverted, fmtVal(lo), fmtVal(hi))
	switch a.Kind {
	case Set:
		x := a.Value
		if !inDomain(x) {
			return act, "", fail("%s = %s is outside what the fit's scale can hold: %s", a.Node, fmtVal(x), domain)
		}
		act.value = nu.u.Forward(x)
		if math.IsInf(act.value, 0) || math.IsNaN(act.value) {
			return act, "", fail("%s = %s overflows on the fit's scale", a.Node, fmtVal(x))
		}
		act.desc = fmt.Sprintf("%s set to %s (%s; %s on the fit's scale)", n.name, fmtVal(x), unit, fmtVal(act.value))
		return e.checkRange(a, src, act, nu, "", opt)
	case Shift, ShiftSD:
		delta := a.Value
		sdText := ""
		if a.Kind == ShiftSD {
			if math.IsNaN(nu.sd) || nu.sd == 0 {
				return act, "", fail("%s has no standard deviation to shift by (fewer than 2 distinct observed values)", a.Node)
			}
			delta = a.Value * nu.sd
			sdText = fmt.Sprintf("%+.4g sd = ", a.Value)
		}
		act.shown = delta
		if math.IsInf(delta, 0) {
			return act, "", fail("a shift of %s overflows", a.Text)
		}
		vals := make([]float64, len(nu.raw))
		bad, first := 0, -1
		for r, x := range nu.raw {
			vals[r] = x + delta
			if !math.IsNaN(x) && !inDomain(x+delta) {
				bad++
				if first < 0 {
					first = r
				}
			}
		}
		if bad > 0 {
			return act, "", fail("%s takes %d row(s) outside what the fit's scale can hold, e.g. %s (%s %s → %s): %s", a.Text, bad, s.rowLabel(first), a.Node, fmtVal(nu.raw[first]), fmtVal(vals[first]), domain)
		}
		sdNote := ""
		if a.Kind == ShiftSD {
			sdNote = fmt.Sprintf(", 1 sd = %s, the sd of %s over %d observed rows", fmtVal(nu.sd), unit, nu.n)
		}
		if nu.linear {
			act.value = nu.slope * delta
			act.desc = fmt.Sprintf("%s shifted by %s%+.4g (%s%s; %+.4g on the fit's scale at every row)", n.name, sdText, delta, unit, sdNote, act.value)
		} else {
			act.kind = Set
			act.perRow = make([]float64, len(vals))
			for r, x := range vals {
				act.perRow[r] = nu.u.Forward(x)
				if math.IsInf(act.perRow[r], 0) {
					return act, "", fail("%s overflows on the fit's scale at %s", a.Text, s.rowLabel(r))
				}
			}
			act.push = delta
			act.desc = fmt.Sprintf("%s shifted by %s%+.4g (%s%s) at every row; through %s the shift on the fit's scale differs by row", n.name, sdText, delta, unit, sdNote, nu.u.Inverted)
		}
		if math.IsInf(act.value, 0) {
			return act, "", fail("%s overflows on the fit's scale", a.Text)
		}
		w, err := rangeCheck(a, src, nu, vals, "", opt.AllowExtrapolation)
		return act, w, err
	case Quantile:
		q := s.unitQuantiles(nu.raw, a.Value)
		act.perUnit = make([]float64, len(q))
		for i, x := range q {
			act.perUnit[i] = nu.u.Forward(x)
		}
		act.desc = fmt.Sprintf("%s set to each unit's own %g%% quantile of its values (%s)", n.name, 100*a.Value, unit)
		return act, "", nil
	}
	return act, "", nil
}

// checkRange checks a set value, or the values a shift gives every row.
func (e *Engine) checkRange(a Assignment, src string, act action, nu *nodeUnits, scaleWord string, opt *Options) (action, string, error) {
	switch a.Kind {
	case Set:
		w, err := rangeCheck(a, src, nu, []float64{a.Value}, scaleWord, opt.AllowExtrapolation)
		return act, w, err
	case Shift, ShiftSD:
		vals := make([]float64, len(nu.raw))
		for r, x := range nu.raw {
			vals[r] = x + act.value
		}
		w, err := rangeCheck(a, src, nu, vals, scaleWord, opt.AllowExtrapolation)
		return act, w, err
	}
	return act, "", nil
}

// unitQuantiles returns, per unit, the p quantile of the unit's observed
// values x (one per row).
func (s *system) unitQuantiles(x []float64, p float64) []float64 {
	nu := max(1, len(s.layout.Units))
	vals := make([][]float64, nu)
	for r, v := range x {
		if !math.IsNaN(v) {
			u := s.unitOf(r)
			vals[u] = append(vals[u], v)
		}
	}
	out := make([]float64, nu)
	for u, v := range vals {
		sort.Float64s(v)
		out[u] = quantileSorted(v, p)
	}
	return out
}

// outScale is how a report gives the outcome's changes: its scale, unit and
// caption, and the map from the fit's scale.
type outScale struct {
	kind Scale
	unit string // the raw unit, or "fit scale"/"latent scale"
	text string // the caption
	// linear: raw change = fit change / slope.
	slope float64
	// perRow: a nonlinear inverse, applied row by row inside the job (see
	// rawOutcome).
	perRow *rawOutcome
	nu     *nodeUnits
}

// rawOutcome maps the outcome's change at each row to its own units, in
// the job: inv(y_r + d) − inv(y_r + d0), where y_r is the row's factual
// value on the fit's scale (its own noise kept). When inv(y) = exp(a + b·y)
// − c (log or log1p, then standardize or center), the change is
// exp(a + b·y_r)·(exp(b·d) − exp(b·d0)): one exponential per draw, with
// exp(a + b·y_r) computed once per row (ex).
type rawOutcome struct {
	y   []float64
	inv func(float64) float64
	ex  []float64 // exp(a + b·y_r) per row, or nil
	b   float64
}

func newRawOutcome(y []float64, u *data.Scale) *rawOutcome {
	o := &rawOutcome{y: y, inv: u.Inverse}
	if a, b, _, ok := u.ExpForm(); ok {
		o.b = b
		o.ex = make([]float64, len(y))
		for r, v := range y {
			o.ex[r] = math.Exp(a + b*v)
		}
	}
	return o
}

// acc adds, per draw, inv(y_r + a) − inv(y_r + b) to dst (a nil slice is
// no change), or sets it when set.
func (o *rawOutcome) acc(dst []float64, r int, a, b []float64, set bool) {
	if set {
		clear(dst)
	}
	if o.ex != nil {
		ex, k := o.ex[r], o.b
		for i := range dst {
			e1, e0 := 1.0, 1.0
			if a != nil {
				e1 = fastExp(k * a[i])
			}
			if b != nil {
				e0 = fastExp(k * b[i])
			}
			dst[i] += ex * (e1 - e0)
		}
		return
	}
	y := o.y[r]
	base := o.inv(y)
	for i := range dst {
		v1, v0 := base, base
		if a != nil {
			v1 = o.inv(y + a[i])
		}
		if b != nil {
			v0 = o.inv(y + b[i])
		}
		dst[i] += v1 - v0
	}
}

// outcomeScale decides how the outcome y is reported under opt.Scale.
func (e *Engine) outcomeScale(y int, opt *Options) (*outScale, error) {
	s := e.s
	n := s.nodes[y]
	fitText := s.scale(y)
	o := &outScale{kind: Fit, unit: "fit scale", text: fitText, slope: 1}
	if n.kind == kindLatent {
		o.unit = "latent scale"
		if opt.Scale == Raw {
			o.text += "; a latent node has no units of its own"
		}
		return o, nil
	}
	if opt.Scale == Fit {
		return o, nil
	}
	nu, err := e.units(y)
	if err != nil {
		return nil, fmt.Errorf("outcome %s: %v", n.name, err)
	}
	if nu == nil {
		return o, nil
	}
	o.nu = nu
	unit := nu.unit()
	kept := ""
	if nu.u.Kept != "" && unit != nu.u.Column {
		kept = fmt.Sprintf("; %s is not inverted (it does not map values one to one)", nu.u.Kept)
	}
	if !n.linear() {
		if !nu.u.IsIdentity() {
			o.text += fmt.Sprintf(" (on the fit's scale: the expected value of a %s node cannot be carried through its transform %s)", n.famName(), nu.u.Inverted)
			return o, nil
		}
		o.kind, o.unit = Raw, unit
		o.text = fmt.Sprintf("%s, in the units of %s", fitText, unit)
		return o, nil
	}
	o.kind, o.unit = Raw, unit
	switch {
	case nu.u.IsIdentity():
		o.text = fmt.Sprintf("%s in the units of %s (the fit uses them untransformed%s)", n.name, unit, kept)
	case nu.linear:
		o.slope = nu.slope
		o.text = fmt.Sprintf("%s in the units of %s (%s inverted%s)", n.name, unit, nu.u.Inverted, kept)
	default:
		o.perRow = newRawOutcome(n.obs, nu.u)
		o.text = fmt.Sprintf("%s in the units of %s (%s inverted row by row: the average over rows of inv(y + change) − inv(y), each row's own value y and noise kept%s)", n.name, unit, nu.u.Inverted, kept)
	}
	return o, nil
}

// convert returns a population-average job's per-draw changes in the
// report's scale (a new slice when it differs from fit).
func (o *outScale) convert(x []float64) []float64 {
	if o.slope == 1 || o.perRow != nil {
		return x
	}
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v / o.slope
	}
	return out
}

// value maps a value of the outcome on the fit's scale to the report's
// scale.
func (o *outScale) value(y float64) float64 {
	if o.kind != Raw || o.nu == nil || o.nu.u.IsIdentity() {
		return y
	}
	return o.nu.u.Inverse(y)
}

// setJob makes job j report in o's scale (the row-by-row inverse).
func (o *outScale) setJob(j *job) { j.out = o.perRow }

// joinWarnings adds warnings to b, once each.
func joinWarnings(b *Basis, ws ...string) {
	for _, w := range ws {
		if w != "" && !contains(b.RangeWarnings, w) {
			b.RangeWarnings = append(b.RangeWarnings, w)
		}
	}
}

// warningLines are a report's warnings as header lines.
func warningLines(b *Basis) []string {
	if b == nil {
		return nil
	}
	var out []string
	for _, w := range b.RangeWarnings {
		out = append(out, "  WARNING: "+w)
	}
	return out
}

// scaleLine is the caption line of a report's scale.
func scaleLine(kind, text string) string {
	return fmt.Sprintf("  scale (%s): %s", kind, strings.TrimSpace(text))
}
