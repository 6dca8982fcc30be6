package report

import (
	"errors"
	"fmt"
	"strings"

	"dilemma/fit"
	"dilemma/plots"
	"dilemma/query"
)

// DefaultHorizon is the last period an effect-horizon figure shows.
const DefaultHorizon = 6

// queryFigure draws the kinds that rest on causal queries (package query):
// remedies, effect-horizon and counterfactual.
func queryFigure(f *fit.Fit, req Request) (*plots.Figure, []string, error) {
	if len(req.Params) > 0 || req.Node != "" {
		return nil, nil, fmt.Errorf("--params and --node do not apply to --kind %s", req.Kind)
	}
	eng, err := query.New(f)
	if err != nil {
		return nil, nil, err
	}
	opt := query.Options{Outcome: req.Outcome, Seed: req.Seed, AssumeIdentified: req.AssumeIdentified}
	outcome := req.Outcome
	if outcome == "" {
		outcome = eng.DefaultOutcome()
	}
	o := req.Options
	var notes []string
	if req.Edge != "" && req.Kind != "conditional" {
		return nil, nil, errors.New("--edge applies to --kind conditional only")
	}
	switch req.Kind {
	case "conditional":
		return conditionalFigure(eng, f, req, opt) // conditional.go
	case "remedies":
		if req.Do != "" || len(req.Units) > 0 {
			return nil, nil, errors.New("--do and --units do not apply to --kind remedies (each remedy is shifted by +1 sd)")
		}
		opt.Horizon = req.Horizon
		rep, err := eng.Remedies(opt)
		if err != nil {
			return nil, nil, err
		}
		effects, refused := RemedyEffects(rep)
		notes = append(notes, refused...)
		notes = append(notes, "effects of a one-sd increase of each remedy on "+rep.Scale)
		if o.XLabel == "" {
			o.XLabel = "effect of +1 sd on " + Display(rep.Outcome)
			if req.Horizon > 0 {
				o.XLabel += fmt.Sprintf(" after %d periods", req.Horizon)
			}
		}
		fig, err := plots.Remedies(o, effects)
		return fig, notes, err
	case "effect-horizon":
		do, note, err := intervention(f, req.Do)
		if err != nil {
			return nil, nil, err
		}
		notes = append(notes, note...)
		if len(req.Units) > 0 {
			return nil, nil, errors.New("--units applies to --kind counterfactual only")
		}
		opt.Horizon = req.Horizon
		if opt.Horizon == 0 {
			opt.Horizon = DefaultHorizon
		}
		rep, err := eng.Effect(do, query.Do{}, opt)
		if err != nil {
			return nil, nil, err
		}
		pts, missing := HorizonPoints(rep)
		notes = append(notes, missing...)
		notes = append(notes, fmt.Sprintf("%s, sustained; effect on %s", rep.Query, rep.Scale))
		if o.YLabel == "" {
			o.YLabel = "effect on " + Display(rep.Outcome)
		}
		if o.XLabel == "" {
			o.XLabel = "periods since " + rep.Query
		}
		fig, err := plots.EffectHorizon(o, pts)
		return fig, notes, err
	case "counterfactual":
		do, note, err := intervention(f, req.Do)
		if err != nil {
			return nil, nil, err
		}
		notes = append(notes, note...)
		if len(req.Units) == 0 {
			return nil, nil, fmt.Errorf("name the units with --units (e.g. %s)", strings.Join(f.Plan.Spec.Layout.Units[:min(3, len(f.Plan.Spec.Layout.Units))], ","))
		}
		time := req.Time
		if ts := f.Plan.Spec.Layout.Times; time == "" && len(ts) > 0 {
			time = ts[len(ts)-1]
			notes = append(notes, "counterfactual at the last period, "+time+" (choose another with --time)")
		}
		var units []plots.UnitCF
		var scale string
		for _, u := range req.Units {
			rep, err := eng.Counterfactual(do, u, time, opt)
			if err != nil {
				return nil, nil, err
			}
			units = append(units, UnitCounterfactual(rep.Rows[0]))
			scale, outcome = rep.Scale, rep.Outcome
		}
		notes = append(notes, fmt.Sprintf("%s at %s; outcome on %s", do, time, scale))
		if o.XLabel == "" {
			o.XLabel = Display(outcome) + " at " + time
		}
		fig, err := plots.Counterfactual(o, units)
		return fig, notes, err
	}
	return nil, nil, fmt.Errorf("figure kind %q is not a query figure", req.Kind)
}

// RemedyEffects converts a remedies report for plots.Remedies, in its
// order (largest reduction first): posterior mean, the report's credible
// interval (90% by default) and P(reduces). Refused remedies are left out;
// refused says why, one line each.
func RemedyEffects(rep *query.RemediesReport) (effects []plots.Effect, refused []string) {
	for _, r := range rep.Rows {
		if r.Draws == nil {
			refused = append(refused, fmt.Sprintf("%s: %s", r.Remedy, r.Status))
			continue
		}
		effects = append(effects, plots.Effect{Name: Display(r.Remedy), Mean: r.Mean, Q5: r.Lo, Q95: r.Hi, PReduce: r.PReduces})
	}
	return effects, refused
}

// HorizonPoints converts an effect report for plots.EffectHorizon: each
// period's posterior mean and credible interval. Periods without data rows
// are left out; missing says which.
func HorizonPoints(rep *query.EffectReport) (pts []plots.HorizonPoint, missing []string) {
	for _, p := range rep.Periods {
		if p.Rows == 0 || !finiteAll(p.Mean, p.Lo, p.Hi) {
			missing = append(missing, fmt.Sprintf("period %d: no data row has the values the query needs", p.Period))
			continue
		}
		pts = append(pts, plots.HorizonPoint{Period: p.Period, Mean: p.Mean, Q5: p.Lo, Q95: p.Hi})
	}
	return pts, missing
}

// UnitCounterfactual converts one counterfactual row for
// plots.Counterfactual: the factual outcome (its posterior mean for a
// latent outcome) and the counterfactual's mean and credible interval.
func UnitCounterfactual(r query.CounterfactualRow) plots.UnitCF {
	return plots.UnitCF{Unit: r.Unit, Factual: r.Factual.Mean, CFMean: r.Counterfactual.Mean,
		CFQ5: r.Counterfactual.Lo, CFQ95: r.Counterfactual.Hi}
}

// intervention parses text (do(x = +1sd) or x = +1sd); empty means a one-sd
// increase of the model's first remedy.
func intervention(f *fit.Fit, text string) (query.Do, []string, error) {
	if strings.TrimSpace(text) != "" {
		if strings.HasPrefix(strings.TrimSpace(text), "do(") {
			d, err := query.Parse(text)
			return d, nil, err
		}
		d, err := query.ParseAssignments(text)
		return d, nil, err
	}
	for _, n := range f.Plan.Model.Nodes {
		if n.Role == "remedy" {
			d := query.Do{Assign: []query.Assignment{{Node: n.Name, Kind: query.ShiftSD, Value: 1}}}
			d.Source = d.String()
			return d, []string{"intervention " + d.String() + " (the first remedy; choose another with --do)"}, nil
		}
	}
	return query.Do{}, nil, errors.New("the model has no remedy (role=\"remedy\"); give the intervention with --do 'do(NODE = +1sd)'")
}
