package report

import (
	"errors"
	"fmt"
	"strings"

	"dilemma/fit"
	"dilemma/model"
	"dilemma/plots"
	"dilemma/query"
)

// ConditionalPoints is how many values of the moderator a conditional
// figure computes the effect at, evenly spaced over its observed range.
const ConditionalPoints = 25

// moderatedEdge finds the edge of a conditional figure: spec "x -> y"
// names it; "" takes the model's first edge with moderator=.
func moderatedEdge(m *model.Model, spec string) (*model.Edge, error) {
	if strings.TrimSpace(spec) == "" {
		for _, e := range m.Edges {
			if e.Moderator != "" {
				return e, nil
			}
		}
		return nil, errors.New("the model has no moderated edge (moderator=\"z\" on an edge x -> y); --kind conditional draws how such an edge's effect changes with its moderator")
	}
	from, to, ok := strings.Cut(spec, "->")
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	if i := strings.Index(to, "["); i >= 0 {
		to = strings.TrimSpace(to[:i])
	}
	if !ok || from == "" || to == "" {
		return nil, fmt.Errorf("--edge %q: write the edge as 'x -> y'", spec)
	}
	var plain *model.Edge
	for _, e := range m.In(to) {
		if e.Kind != model.Directed || e.From != from {
			continue
		}
		if e.Moderator != "" {
			return e, nil
		}
		plain = e
	}
	if plain != nil {
		return nil, fmt.Errorf("--edge %q: the edge has no moderator (give it moderator=\"NODE\" in the model and refit)", spec)
	}
	return nil, fmt.Errorf("--edge %q: the model has no edge %s -> %s", spec, from, to)
}

// conditionalFigure draws the effect of the moderated edge's parent (by
// default +1 sd of it, or req.Do) on its child (or req.Outcome) across the
// moderator's observed range, the moderator held at each value in both
// worlds (query.Engine.Conditional), with the credible interval as a band.
func conditionalFigure(eng *query.Engine, f *fit.Fit, req Request, opt query.Options) (*plots.Figure, []string, error) {
	if len(req.Units) > 0 || req.Time != "" {
		return nil, nil, errors.New("--units and --time apply to --kind counterfactual only")
	}
	e, err := moderatedEdge(f.Plan.Model, req.Edge)
	if err != nil {
		return nil, nil, err
	}
	var notes []string
	var do query.Do
	if req.Do != "" {
		if do, _, err = intervention(f, req.Do); err != nil {
			return nil, nil, err
		}
	} else {
		do = query.Do{Assign: []query.Assignment{{Node: e.From, Kind: query.ShiftSD, Value: 1}}}
		do.Source = do.String()
	}
	if opt.Outcome == "" {
		opt.Outcome = e.To
	}
	opt.Horizon = max(req.Horizon, e.Lag)
	ends, unit, err := eng.AtValues(query.At{Node: e.Moderator, Values: []query.AtValue{{Kind: query.AtQuantile, Value: 0}, {Kind: query.AtQuantile, Value: 1}}}, opt)
	if err != nil {
		return nil, nil, err
	}
	lo, hi := ends[0], ends[1]
	if !(hi > lo) {
		return nil, nil, fmt.Errorf("the moderator %s takes one value only (%g): no range to draw across", e.Moderator, lo)
	}
	at := query.At{Node: e.Moderator, Source: e.Moderator + " over its observed range"}
	for i := range ConditionalPoints {
		v := lo + (hi-lo)*float64(i)/float64(ConditionalPoints-1)
		at.Values = append(at.Values, query.AtValue{Kind: query.AtNumber, Value: v, Text: fmt.Sprintf("%.4g", v)})
	}
	rep, err := eng.Conditional(do, query.Do{}, at, opt)
	if err != nil {
		return nil, nil, err
	}
	var pts []plots.CurvePoint
	for _, row := range rep.Rows {
		p := row.Effect.Periods[len(row.Effect.Periods)-1]
		if p.Rows == 0 || !finiteAll(p.Mean, p.Lo, p.Hi) {
			notes = append(notes, fmt.Sprintf("%s = %s: no data row has the values the query needs", e.Moderator, row.At))
			continue
		}
		pts = append(pts, plots.CurvePoint{At: row.Value, Mean: p.Mean, Q5: p.Lo, Q95: p.Hi})
	}
	when := ""
	if opt.Horizon > 0 {
		when = fmt.Sprintf(" at period %d", opt.Horizon)
	}
	units := "in the units of " + unit
	if unit == "fit scale" {
		units = "on the fit's scale"
	}
	notes = append(notes, fmt.Sprintf("effect of %s on %s%s across %s from %.4g to %.4g (%s; its values held at each); effect on %s",
		rep.Query, rep.Outcome, when, e.Moderator, lo, hi, units, rep.Scale))
	o := req.Options
	if o.XLabel == "" {
		o.XLabel = Display(e.Moderator)
		if unit != "" && unit != e.Moderator {
			o.XLabel += " (" + unit + ")"
		}
	}
	if o.YLabel == "" {
		o.YLabel = "effect of " + strings.TrimSuffix(strings.TrimPrefix(rep.Query, "do("), ")") + " on " + Display(rep.Outcome) + when
	}
	fig, err := plots.ConditionalEffect(o, pts)
	return fig, notes, err
}

// interactionParent is the parent cell of an edge table row: the parent,
// or for an interaction coefficient (moderator=) "x:z" as R's formulas
// write it, with "(t-k)" after a lagged moderator.
func interactionParent(e fit.EdgeSummary) string {
	if e.Kind != "interaction" {
		return e.Parent
	}
	s := e.Parent + ":" + e.Moderator
	if e.ModeratorLag > 0 {
		s += fmt.Sprintf("(t-%d)", e.ModeratorLag)
	}
	return s
}
