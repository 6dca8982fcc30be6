package query

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// RemedyRow is one remedy's effect on the outcome.
type RemedyRow struct {
	Remedy string `json:"remedy"`
	// Shift is the intervention: a one-sd increase, in the node's units.
	Shift string `json:"shift"`
	// Status is "identified", "assumed identified" or "refused: reason".
	Status string `json:"status"`
	Rows   int    `json:"rows"`
	Summary
	// PReduces is P(effect < 0): the probability the remedy reduces the
	// outcome.
	PReduces float64 `json:"p_reduces"`
	// Paths says how many of the graph's causal paths the fit can follow.
	Paths string    `json:"paths"`
	Draws []float64 `json:"-"`
	Basis *Basis    `json:"rests_on"`
}

// MarshalJSON writes the row with its summary.
func (r RemedyRow) MarshalJSON() ([]byte, error) {
	m := map[string]any{"remedy": r.Remedy, "shift": r.Shift, "status": r.Status, "paths": r.Paths, "rests_on": r.Basis}
	if r.Draws != nil {
		r.jsonMap(m)
		m["rows"], m["p_reduces"] = r.Rows, nullable(r.PReduces)
	}
	return json.Marshal(m)
}

// RemediesReport ranks the model's remedies by their effect on the outcome.
type RemediesReport struct {
	Outcome string `json:"outcome"`
	// Scale describes the effects' scale; ScaleKind is "raw" or "fit" and
	// Units names the outcome's unit.
	Scale     string      `json:"scale"`
	ScaleKind string      `json:"scale_kind"`
	Units     string      `json:"units"`
	Rows      []RemedyRow `json:"remedies"`
	// Basis is what the table rests on, over all computed remedies.
	Basis *Basis `json:"rests_on"`
}

// Remedies computes, for every node with role="remedy", the average effect
// on the outcome of a one-sd increase (sustained over 0 … opt.Horizon; the
// table reports the last period), ranked from the largest reduction. A
// remedy whose effect is not identified is listed as refused unless
// opt.AssumeIdentified; if none can be computed the error says why.
func (e *Engine) Remedies(opt Options) (*RemediesReport, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	if err := e.checkHorizon(&opt); err != nil {
		return nil, err
	}
	s := e.s
	y, err := e.outcome(opt.Outcome)
	if err != nil {
		return nil, err
	}
	yname := s.nodes[y].name
	names := s.model.Remedies()
	if len(names) == 0 {
		return nil, fmt.Errorf("model %s has no remedies: mark nodes with role=\"remedy\"", s.model.Name)
	}
	osc, err := e.outcomeScale(y, &opt)
	if err != nil {
		return nil, err
	}
	rep := &RemediesReport{Outcome: yname, Scale: osc.text, ScaleKind: osc.kind.String(), Units: osc.unit}
	var warns []string
	var scen []scenario
	var idx []int // row index of each scenario
	var computed []string
	var refusals []string
	for _, name := range names {
		row := RemedyRow{Remedy: name, Shift: "+1 sd"}
		d := Do{Assign: []Assignment{{Node: name, Kind: ShiftSD, Value: 1}}}
		d.Source = d.String()
		acts, w, err := e.resolve(d, y, &opt)
		warns = append(warns, w...)
		if err != nil {
			row.Status = "refused: " + err.Error()
			refusals = append(refusals, name+": "+err.Error())
			rep.Rows = append(rep.Rows, row)
			continue
		}
		row.Shift = fmt.Sprintf("+1 sd = %+.4g", acts[0].shown)
		b, err := e.basisFor([]string{name}, yname, opt.Horizon, nil)
		if err != nil {
			return nil, err
		}
		row.Basis = b
		row.Paths = pathCount(e, name, yname, opt.Horizon, b)
		switch {
		case len(b.Problems) == 0:
			row.Status = "identified"
		case opt.AssumeIdentified:
			row.Status = "assumed identified"
			b.Assumed = true
		default:
			row.Status = "refused: " + b.Problems[0]
			refusals = append(refusals, fmt.Sprintf("%s: %s", name, b.Problems[0]))
			rep.Rows = append(rep.Rows, row)
			continue
		}
		row.Expected = e.expectedSign(acts, nil, yname, opt.Horizon, false)
		scen = append(scen, scenario{w: s.newWorld(acts)})
		idx = append(idx, len(rep.Rows))
		computed = append(computed, name)
		rep.Rows = append(rep.Rows, row)
	}
	if len(scen) == 0 {
		return nil, &NotIdentifiedError{Query: "the effect of each remedy on " + yname, Problems: refusals}
	}
	j := &job{scen: scen, base: s.newWorld(nil), outcome: y, horizon: opt.Horizon, starts: allRows(s.layout.Rows)}
	osc.setJob(j)
	res := s.run(j)
	H := opt.Horizon
	for k, i := range idx {
		row := &rep.Rows[i]
		row.Draws = osc.convert(res.mean[k][H])
		row.Rows = res.count[H]
		row.Summary = Summarize(row.Draws, opt.Level, row.Expected)
		row.PReduces = row.PNeg
	}
	b, err := e.basisFor(computed, yname, opt.Horizon, nil)
	if err != nil {
		return nil, err
	}
	if len(b.Problems) > 0 {
		b.Assumed = true
		b.Identification = append([]string{"ASSUMED by --assume-identified (see the first line)"}, b.Identification...)
	}
	for _, r := range refusals {
		b.Notes = append(b.Notes, "refused: "+r)
	}
	b.Method = s.method(j, res.approx)
	joinWarnings(b, warns...)
	rep.Basis = b
	sort.SliceStable(rep.Rows, func(a, c int) bool {
		ra, rc := rep.Rows[a], rep.Rows[c]
		if (ra.Draws == nil) != (rc.Draws == nil) {
			return ra.Draws != nil
		}
		return ra.Draws != nil && ra.Mean < rc.Mean
	})
	return rep, nil
}

// pathCount says how many causal paths from x to y the fit follows.
func pathCount(e *Engine, x, y string, horizon int, b *Basis) string {
	ps, _ := modelPaths(e.s.model, x, y, horizon)
	left := 0
	var through []string
	for _, p := range ps {
		if ok, at := e.s.estimable(p); !ok {
			left++
			if !contains(through, at) {
				through = append(through, at)
			}
		}
	}
	if left == 0 {
		return fmt.Sprintf("all %d", len(ps))
	}
	return fmt.Sprintf("%d of %d (%d through %s left out)", len(ps)-left, len(ps), left, strings.Join(through, ", "))
}
