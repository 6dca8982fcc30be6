package query

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"dilemma/table"
)

// AtKind is how a value of At is written.
type AtKind int

const (
	// AtNumber is a value of the node, in the query's scale: 0.5, -1.
	AtNumber AtKind = iota + 1
	// AtQuantile is a quantile (0 … 1) of the node's values over every
	// observed row: q10, q90.
	AtQuantile
	// AtSD is the node's mean plus Value standard deviations (over every
	// observed row): -1sd, +1sd, 0sd.
	AtSD
)

// AtValue is one value at which a node is held.
type AtValue struct {
	Kind  AtKind
	Value float64
	Text  string // as written ("q10", "+1sd", "2.5")
}

// At holds a node at each of several values, for conditional effects:
// --at 'z=q10,q50,q90'.
type At struct {
	Node   string
	Values []AtValue
	Source string
}

// ParseAt reads NODE=V1,V2,… where each value is a number (in the node's
// own units with Scale Raw, on the fit's scale with Scale Fit; negative
// numbers need no parentheses), a quantile qNN of the node's values over
// all observed rows, or ±Ksd, the node's mean plus K standard deviations.
// The error names the value that does not read.
func ParseAt(s string) (At, error) {
	at := At{Source: s}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("--at %q: %s", s, fmt.Sprintf(format, args...))
	}
	name, list, ok := strings.Cut(s, "=")
	at.Node = strings.TrimSpace(name)
	if !ok || at.Node == "" {
		return at, fail("want NODE=VALUE,VALUE,… such as z=q10,q50,q90")
	}
	for _, r := range at.Node {
		if !isNameRune(r) {
			return at, fail("%q is not a node name", at.Node)
		}
	}
	for _, f := range strings.Split(list, ",") {
		text := strings.ReplaceAll(f, " ", "")
		v := AtValue{Text: text}
		num := strings.TrimSuffix(strings.TrimPrefix(text, "("), ")")
		var err error
		switch {
		case text == "":
			return at, fail("an empty value (want numbers, qNN quantiles or ±Ksd, separated by commas)")
		case text[0] == 'q' || text[0] == 'Q':
			v.Kind = AtQuantile
			v.Value, err = strconv.ParseFloat(text[1:], 64)
			if err != nil || !(v.Value >= 0 && v.Value <= 100) {
				return at, fail("%q: a quantile is q0 … q100", text)
			}
			v.Value /= 100
		case strings.HasSuffix(strings.ToLower(text), "sd"):
			v.Kind = AtSD
			v.Value, err = strconv.ParseFloat(text[:len(text)-2], 64)
			if err != nil || math.IsInf(v.Value, 0) || math.IsNaN(v.Value) {
				return at, fail("%q: want a number of standard deviations from the mean, such as -1sd or +1sd", text)
			}
		default:
			v.Kind = AtNumber
			v.Value, err = strconv.ParseFloat(num, 64)
			if err != nil || math.IsInf(v.Value, 0) || math.IsNaN(v.Value) {
				return at, fail("%q: want a finite number, qNN (a quantile) or ±Ksd", text)
			}
		}
		at.Values = append(at.Values, v)
	}
	return at, nil
}

// ConditionalRow is the effect with the held node at one value.
type ConditionalRow struct {
	At string `json:"at"` // the value as written
	// Value is the held node's value in the query's scale (raw units or
	// the fit's scale); FitValue the same on the fit's scale.
	Value    float64       `json:"value"`
	FitValue float64       `json:"fit_value"`
	Effect   *EffectReport `json:"effect"`
}

// ConditionalReport is the effect of an intervention at each of several
// values of a node held fixed (Conditional): the conditional effects a
// moderator (moderator= on an edge) makes differ.
type ConditionalReport struct {
	Query     string           `json:"query"`
	Versus    string           `json:"versus"`
	Outcome   string           `json:"outcome"`
	Node      string           `json:"at_node"`
	NodeUnits string           `json:"at_units"`
	Scale     string           `json:"scale"`
	ScaleKind string           `json:"scale_kind"`
	Units     string           `json:"units"`
	Rows      []ConditionalRow `json:"rows"`
	// Basis is what the first row rests on (every row rests on the same
	// edges).
	Basis *Basis `json:"rests_on"`
}

// AtValues resolves the values of at to the query's scale (raw units, or
// the fit's scale with Scale Fit): numbers as written, quantiles and
// ±Ksd over the node's observed rows. It also returns the units' name.
func (e *Engine) AtValues(at At, opt Options) ([]float64, string, error) {
	vals, _, unit, _, err := e.atValues(at, opt)
	return vals, unit, err
}

// atValues is AtValues with the node's index and units.
func (e *Engine) atValues(at At, opt Options) (vals []float64, v int, unit string, nu *nodeUnits, err error) {
	s := e.s
	v, err = s.node(at.Node)
	if err != nil {
		return nil, -1, "", nil, fmt.Errorf("--at: %v", err)
	}
	n := s.nodes[v]
	if n.kind == kindLatent || n.obs == nil {
		return nil, -1, "", nil, fmt.Errorf("--at: %s is latent: it has no observed values to hold it at", at.Node)
	}
	nu, unit = fitUnits(n), "fit scale"
	if opt.Scale == Raw {
		u, err := e.units(v)
		if err != nil {
			return nil, -1, "", nil, fmt.Errorf("--at: %s: %v", at.Node, err)
		}
		if u != nil {
			nu, unit = u, u.unit()
		}
	}
	var obs []float64
	var sum float64
	for _, x := range nu.raw {
		if !math.IsNaN(x) {
			obs = append(obs, x)
			sum += x
		}
	}
	if len(obs) < 2 {
		return nil, -1, "", nil, fmt.Errorf("--at: %s has fewer than 2 observed values", at.Node)
	}
	sort.Float64s(obs)
	mean := sum / float64(len(obs))
	var ss float64
	for _, x := range obs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / float64(len(obs)-1))
	vals = make([]float64, len(at.Values))
	for i, a := range at.Values {
		switch a.Kind {
		case AtNumber:
			vals[i] = a.Value
		case AtQuantile:
			vals[i] = quantileSorted(obs, a.Value)
		case AtSD:
			vals[i] = mean + a.Value*sd
		}
	}
	return vals, v, unit, nu, nil
}

// Conditional computes the effect of do against versus with the node z of
// at held at each of its values: z's values are set to the value at every
// row where z is observed, wherever the equations read them (its own
// column, its lagged values, the products of moderated edges), and the
// query runs on those data in both worlds, per posterior draw and period,
// as Effect. z is conditioned on, not intervened on (as brms's
// conditional_effects sets a covariate in the data): a lagged moderator is
// held too, and if the intervention reaches z, z moves from the value by
// that change. For an edge x -> y moderated by z (c·x·z in y's equation)
// and a gaussian y, do(x = +d) at z = v moves y by (b + c·v)·d on the fit's
// scale. z must not be intervened on in do or versus, nor be the outcome.
func (e *Engine) Conditional(do, versus Do, at At, opt Options) (*ConditionalReport, error) {
	if do.IsZero() {
		return nil, fmt.Errorf("the query intervenes on nothing")
	}
	if len(at.Values) == 0 {
		return nil, fmt.Errorf("--at %q: no values", at.Source)
	}
	for _, d := range []Do{do, versus} {
		for _, a := range d.Assign {
			if a.Node == at.Node {
				return nil, fmt.Errorf("--at %q: %s is intervened on in %s; --at holds its values, so leave it out of the query", at.Source, a.Node, d)
			}
		}
	}
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	if y, err := e.outcome(opt.Outcome); err == nil && e.s.nodes[y].name == at.Node {
		return nil, fmt.Errorf("--at %q: %s is the outcome; hold another node", at.Source, at.Node)
	}
	vals, v, unit, nu, err := e.atValues(at, opt)
	if err != nil {
		return nil, err
	}
	rep := &ConditionalReport{Query: do.String(), Versus: versus.String(), Node: at.Node, NodeUnits: unit}
	for i, a := range at.Values {
		fv := vals[i]
		if opt.Scale == Raw && nu.u != nil {
			fv = nu.u.Forward(vals[i])
			if lo, hi := nu.u.Bounds(); !(vals[i] > lo && vals[i] < hi) {
				fv = math.NaN()
			}
		}
		if math.IsNaN(fv) || math.IsInf(fv, 0) {
			return nil, fmt.Errorf("--at %q: %s = %s is outside what the fit's scale can hold", at.Source, at.Node, fmtVal(vals[i]))
		}
		warn, err := rangeCheck(Assignment{Node: at.Node, Kind: Set, Value: vals[i], Text: at.Node + "=" + a.Text}, at.Source, nu, []float64{vals[i]}, "", opt.AllowExtrapolation)
		if err != nil {
			return nil, err
		}
		held := *e
		held.s = e.s.holding(v, fv)
		r, err := held.Effect(do, versus, opt)
		if err != nil {
			return nil, fmt.Errorf("at %s = %s: %w", at.Node, a.Text, err)
		}
		rep.Rows = append(rep.Rows, ConditionalRow{At: a.Text, Value: vals[i], FitValue: fv, Effect: r})
		if i == 0 {
			rep.Outcome, rep.Scale, rep.ScaleKind, rep.Units, rep.Basis = r.Outcome, r.Scale, r.ScaleKind, r.Units, r.Basis
		}
		for _, w := range append(r.Basis.RangeWarnings, warn) {
			if w != "" && !contains(rep.Basis.RangeWarnings, w) {
				rep.Basis.RangeWarnings = append(rep.Basis.RangeWarnings, w)
			}
		}
	}
	return rep, nil
}

// Header is the report's opening lines.
func (r *ConditionalReport) Header() []string {
	var out []string
	if l := r.Basis.FirstLine(); l != "" {
		out = append(out, l)
	}
	vs := ""
	if r.Versus != "no intervention" {
		vs = " versus " + r.Versus
	}
	units := "in the units of " + r.NodeUnits
	if r.NodeUnits == "fit scale" {
		units = "on the fit's scale"
	}
	out = append(out, fmt.Sprintf("Conditional effect of %s%s on %s, with %s held at each value at every row in both worlds (values %s)", r.Query, vs, r.Outcome, r.Node, units))
	out = append(out, scaleLine(r.ScaleKind, r.Scale))
	out = append(out, warningLines(r.Basis)...)
	if len(r.Rows) > 0 {
		for _, s := range r.Rows[0].Effect.Shifts {
			out = append(out, "  intervention: "+s)
		}
	}
	out = append(out, fmt.Sprintf("  %s held: its values set at every row where it is observed, wherever the equations read it (lagged values and moderated products too); conditioned on, not intervened on", r.Node))
	return out
}

// Table has one row per value and period.
func (r *ConditionalReport) Table() *table.Table {
	lv := 0.9
	if len(r.Rows) > 0 && len(r.Rows[0].Effect.Periods) > 0 {
		lv = r.Rows[0].Effect.Periods[0].Level
	}
	cols := append([]string{r.Node, "value", "period", "rows"}, summaryColumns(lv)...)
	t := &table.Table{Columns: cols, Align: aligns(1, len(cols))}
	for _, row := range r.Rows {
		for _, p := range row.Effect.Periods {
			t.Rows = append(t.Rows, append([]string{row.At, sci(row.Value), strconv.Itoa(p.Period), strconv.Itoa(p.Rows)}, summaryCells(p.Summary)...))
		}
	}
	return t
}

// WriteDraws writes draw, then one column per value and period
// (effect_at_VALUE_pH).
func (r *ConditionalReport) WriteDraws(w io.Writer) error {
	var names []string
	var cols [][]float64
	for _, row := range r.Rows {
		for _, p := range row.Effect.Periods {
			names = append(names, fmt.Sprintf("effect_at_%s_p%d", row.At, p.Period))
			cols = append(cols, p.Draws)
		}
	}
	return writeDrawColumns(w, names, cols)
}
