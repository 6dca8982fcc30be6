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
// values of a node held fixed in both worlds: the conditional effects a
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
// ±Ksd over the node's observed rows.
func (e *Engine) AtValues(at At, opt Options) ([]float64, string, error) {
	s := e.s
	v, err := s.node(at.Node)
	if err != nil {
		return nil, "", fmt.Errorf("--at: %v", err)
	}
	n := s.nodes[v]
	if n.kind == kindLatent || n.obs == nil {
		return nil, "", fmt.Errorf("--at: %s is latent: it has no observed values to hold it at", at.Node)
	}
	nu, unit := fitUnits(n), "fit scale"
	if opt.Scale == Raw {
		u, err := e.units(v)
		if err != nil {
			return nil, "", fmt.Errorf("--at: %s: %v", at.Node, err)
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
		return nil, "", fmt.Errorf("--at: %s has fewer than 2 observed values", at.Node)
	}
	sort.Float64s(obs)
	mean := sum / float64(len(obs))
	var ss float64
	for _, x := range obs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / float64(len(obs)-1))
	out := make([]float64, len(at.Values))
	for i, a := range at.Values {
		switch a.Kind {
		case AtNumber:
			out[i] = a.Value
		case AtQuantile:
			out[i] = quantileSorted(obs, a.Value)
		case AtSD:
			out[i] = mean + a.Value*sd
		}
	}
	return out, unit, nil
}

// Conditional computes the effect of do against versus with the node of at
// held at each of its values in both worlds (do(z = v) added to each):
// per posterior draw and period, as Effect. For an edge x -> y moderated
// by z (c·x·z in y's equation) and a gaussian y, do(x = +d) at z = v moves
// y by (b + c·v)·d on the fit's scale. The node held must not be
// intervened on already, nor be the outcome.
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
				return nil, fmt.Errorf("--at %q: %s is intervened on in %s; --at holds it at each value in both worlds, so leave it out of the query", at.Source, a.Node, d)
			}
		}
	}
	vals, unit, err := e.AtValues(at, opt)
	if err != nil {
		return nil, err
	}
	rep := &ConditionalReport{Query: do.String(), Versus: versus.String(), Node: at.Node, NodeUnits: unit}
	for i, a := range at.Values {
		hold := Assignment{Node: at.Node, Kind: Set, Value: vals[i], Text: at.Node + "=" + fmtNum(vals[i])}
		d1 := Do{Assign: append(append([]Assignment(nil), do.Assign...), hold), Source: do.Source}
		d0 := Do{Assign: append(append([]Assignment(nil), versus.Assign...), hold), Source: at.Source}
		r, err := e.Effect(d1, d0, opt)
		if err != nil {
			return nil, fmt.Errorf("at %s = %s: %w", at.Node, a.Text, err)
		}
		row := ConditionalRow{At: a.Text, Value: vals[i], FitValue: math.NaN(), Effect: r}
		if fv, ok := e.fitValue(at.Node, vals[i], opt); ok {
			row.FitValue = fv
		}
		rep.Rows = append(rep.Rows, row)
		if i == 0 {
			rep.Outcome, rep.Scale, rep.ScaleKind, rep.Units, rep.Basis = r.Outcome, r.Scale, r.ScaleKind, r.Units, r.Basis
		} else {
			for _, w := range r.Basis.RangeWarnings {
				if !contains(rep.Basis.RangeWarnings, w) {
					rep.Basis.RangeWarnings = append(rep.Basis.RangeWarnings, w)
				}
			}
		}
	}
	return rep, nil
}

// fitValue maps a value of node name in the query's scale to the fit's.
func (e *Engine) fitValue(name string, x float64, opt Options) (float64, bool) {
	if opt.Scale == Fit {
		return x, true
	}
	v, ok := e.s.index[name]
	if !ok {
		return 0, false
	}
	nu, err := e.units(v)
	if err != nil || nu == nil {
		return x, err == nil
	}
	return nu.u.Forward(x), true
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
	out = append(out, fmt.Sprintf("Conditional effect of %s%s on %s, with %s held at each value in both worlds (values %s)", r.Query, vs, r.Outcome, r.Node, units))
	out = append(out, scaleLine(r.ScaleKind, r.Scale))
	out = append(out, warningLines(r.Basis)...)
	if len(r.Rows) > 0 {
		for _, s := range r.Rows[0].Effect.Shifts {
			if !strings.Contains(s, r.Node+" set to") {
				out = append(out, "  intervention: "+s)
			}
		}
	}
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
	cw := table.NewCSVWriter(w)
	head := []string{"draw"}
	var cols [][]float64
	for _, row := range r.Rows {
		for _, p := range row.Effect.Periods {
			head = append(head, fmt.Sprintf("effect_at_%s_p%d", row.At, p.Period))
			cols = append(cols, p.Draws)
		}
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	if len(cols) > 0 {
		for d := range cols[0] {
			line := []string{strconv.Itoa(d + 1)}
			for _, c := range cols {
				line = append(line, fmtDraw(c[d]))
			}
			if err := cw.Write(line); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
