package query

import (
	"fmt"
	"sort"
	"strings"

	"dilemma/model"
)

// CounterfactualRow is one unit's counterfactual at one period.
type CounterfactualRow struct {
	Unit   string `json:"unit"`
	Time   string `json:"time"`
	Period int    `json:"period"`
	// Factual is the outcome's factual value: the observed value (every
	// draw the same) or, for a latent outcome, its posterior.
	Factual        Summary `json:"factual"`
	Counterfactual Summary `json:"counterfactual"`
	// Difference is counterfactual − factual per draw.
	Difference Summary `json:"difference"`
	// Draws per posterior draw.
	FactualDraws, CFDraws, DiffDraws []float64 `json:"-"`
}

// CounterfactualReport is the answer to a unit-level counterfactual query.
type CounterfactualReport struct {
	Set     string `json:"set"`
	Outcome string `json:"outcome"`
	// Scale describes the values' scale; ScaleKind is "raw" or "fit" and
	// Units names the outcome's unit.
	Scale     string `json:"scale"`
	ScaleKind string `json:"scale_kind"`
	Units     string `json:"units"`
	Unit      string `json:"unit"`
	Time      string `json:"time"`
	Horizon   int    `json:"horizon"`
	Pulse     bool   `json:"pulse"`
	// Shifts says what the intervention does to each node.
	Shifts []string            `json:"interventions"`
	Rows   []CounterfactualRow `json:"rows"`
	// Skipped lists units the counterfactual could not be computed for,
	// with the reason (only with Unit "all").
	Skipped []string `json:"skipped,omitempty"`
	// Population is the population-average effect of the same
	// intervention at period 0 (rung 2), for comparison with the units'
	// differences (rung 3).
	Population *Summary `json:"population_effect,omitempty"`
	Basis      *Basis   `json:"rests_on"`
}

// Counterfactual answers "what would the outcome of unit at time have been
// under set", per posterior draw, by abduction (each node's noise at the
// unit's rows, recovered from its observed values), action and
// prediction. unit may be "all": every unit observed at time. With
// opt.Horizon > 0 the intervention is sustained (or a pulse) from time on
// and the outcome is reported at each later period of the unit.
func (e *Engine) Counterfactual(set Do, unit, time string, opt Options) (*CounterfactualReport, error) {
	if set.IsZero() {
		return nil, fmt.Errorf("the counterfactual sets nothing; give --set 'NODE = VALUE'")
	}
	y, acts, _, b, err := e.check(set.String(), set, Do{}, &opt, nil)
	if err != nil {
		return nil, err
	}
	s := e.s
	if s.layout.Unit == nil {
		return nil, fmt.Errorf("a unit-level counterfactual needs a panel with unit and time keys")
	}
	if time == "" {
		return nil, fmt.Errorf("name the period with --time (one of %s … %s)", s.layout.Times[0], s.layout.Times[len(s.layout.Times)-1])
	}
	var starts []int
	var skipped []string
	if unit == "all" {
		if !contains(s.layout.Times, time) {
			return nil, fmt.Errorf("time %s is not in the data (periods %s … %s)", time, s.layout.Times[0], s.layout.Times[len(s.layout.Times)-1])
		}
		for _, name := range s.layout.Units {
			r, ok := s.fit.Plan.Panel.Row(name, time)
			if !ok {
				skipped = append(skipped, name+": no row at "+time)
				continue
			}
			starts = append(starts, r)
		}
	} else {
		r, err := s.findRow(unit, time)
		if err != nil {
			return nil, err
		}
		starts = []int{r}
	}
	j := &job{scen: []scenario{{w: s.newWorld(acts)}}, base: s.newWorld(nil), outcome: y, horizon: opt.Horizon,
		pulse: opt.Pulse, cf: true, seed: opt.Seed, starts: starts, keepRow: true}
	if err := s.latentNeeds(j); err != nil {
		return nil, err
	}
	p, _ := s.planJob(j)
	res := s.run(j)
	b.Method = s.method(j, nil)
	osc, err := e.outcomeScale(y, &opt)
	if err != nil {
		return nil, err
	}
	rep := &CounterfactualReport{Set: set.String(), Outcome: s.nodes[y].name, Scale: osc.text, ScaleKind: osc.kind.String(), Units: osc.unit, Unit: unit, Time: time,
		Horizon: opt.Horizon, Pulse: opt.Pulse, Shifts: s.describeActions(acts), Basis: b}
	for i, st := range starts {
		for h := 0; h <= opt.Horizon; h++ {
			if !res.valid[i][h] {
				if h == 0 {
					why := s.whyInvalid(j, p, st)
					if unit != "all" {
						return nil, fmt.Errorf("%s: %s", s.rowLabel(st), why)
					}
					skipped = append(skipped, s.layout.Units[s.unitOf(st)]+": "+why)
				}
				continue
			}
			r := res.target[i][h]
			row := CounterfactualRow{Unit: s.layout.Units[s.unitOf(r)], Time: s.layout.Times[s.timeOf(r)], Period: h}
			row.FactualDraws = s.factualDraws(y, r)
			row.DiffDraws = res.perRow[0][i][h]
			row.CFDraws = make([]float64, len(row.DiffDraws))
			for d := range row.CFDraws {
				row.CFDraws[d] = row.FactualDraws[d] + row.DiffDraws[d]
			}
			if osc.kind == Raw {
				// The unit's factual and counterfactual values in the
				// outcome's own units; the difference is theirs.
				for d := range row.CFDraws {
					f, c := osc.value(row.FactualDraws[d]), osc.value(row.CFDraws[d])
					row.FactualDraws[d], row.CFDraws[d], row.DiffDraws[d] = f, c, c-f
				}
			}
			sign := e.expectedSign(acts, nil, rep.Outcome, h, opt.Pulse)
			row.Factual = Summarize(row.FactualDraws, opt.Level, 0)
			row.Counterfactual = Summarize(row.CFDraws, opt.Level, 0)
			row.Difference = Summarize(row.DiffDraws, opt.Level, sign)
			rep.Rows = append(rep.Rows, row)
		}
	}
	rep.Skipped = skipped
	if len(rep.Rows) == 0 {
		return nil, fmt.Errorf("no unit has the values the counterfactual needs at %s (%s)", time, strings.Join(skipped[:min(3, len(skipped))], "; "))
	}
	// The population effect of the same intervention, for comparison.
	pj := &job{scen: []scenario{{w: s.newWorld(acts)}}, base: s.newWorld(nil), outcome: y, starts: allRows(s.layout.Rows)}
	osc.setJob(pj)
	pres := s.run(pj)
	if pres.count[0] > 0 {
		ps := Summarize(osc.convert(pres.mean[0][0]), opt.Level, e.expectedSign(acts, nil, rep.Outcome, 0, false))
		rep.Population = &ps
	}
	if !s.nodes[y].linear() {
		b.Notes = append(b.Notes, fmt.Sprintf("the counterfactual of %s is its expected value given the unit's noise interval (%s)", rep.Outcome, rep.Scale))
	}
	return rep, nil
}

// factualDraws is node v's factual value at row r per draw.
func (s *system) factualDraws(v, r int) []float64 {
	out := make([]float64, 0, s.nDraws)
	n := s.nodes[v]
	for c := range s.draws {
		if n.kind == kindLatent {
			out = append(out, s.draws[c][n.eta[r]]...)
			continue
		}
		if n.imputed(r) && n.obs[r] != n.obs[r] { // NaN: imputed
			out = append(out, s.draws[c][n.mi[r]]...)
			continue
		}
		for range s.draws[c][0] {
			out = append(out, n.obs[r])
		}
	}
	return out
}

// findRow finds the row of unit at time, or says which is not in the data.
func (s *system) findRow(unit, time string) (int, error) {
	if !contains(s.layout.Units, unit) {
		msg := fmt.Sprintf("unit %s is not in the data", unit)
		if c := model.Closest(unit, s.layout.Units); c != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", c)
		} else {
			msg += fmt.Sprintf(" (%d units, e.g. %s)", len(s.layout.Units), strings.Join(s.layout.Units[:min(5, len(s.layout.Units))], ", "))
		}
		return -1, fmt.Errorf("%s", msg)
	}
	r, ok := s.fit.Plan.Panel.Row(unit, time)
	if !ok {
		var times []string
		u := indexOf(s.layout.Units, unit)
		for q := 0; q < s.layout.Rows; q++ {
			if s.layout.Unit[q] == u {
				times = append(times, s.layout.Times[s.layout.Time[q]])
			}
		}
		sort.Strings(times)
		span := "none"
		if len(times) > 0 {
			span = times[0] + " … " + times[len(times)-1]
		}
		return -1, fmt.Errorf("time %s is not in the data for unit %s (its periods: %s)", time, unit, span)
	}
	return r, nil
}

func indexOf(x []string, s string) int {
	for i, a := range x {
		if a == s {
			return i
		}
	}
	return -1
}

// whyInvalid says which value a start row lacks at period 0.
func (s *system) whyInvalid(j *job, p *jobPlan, r int) string {
	y := s.nodes[j.outcome]
	for v, n := range s.nodes {
		if p.needEta[0][v] {
			for k := range n.terms {
				t := &n.terms[k]
				if !s.termDefined(t, r) {
					pn := s.nodes[t.parent].name
					if t.lag > 0 {
						pn += fmt.Sprintf(" (%d period(s) earlier)", t.lag)
					}
					return fmt.Sprintf("%s is not observed, and the equation of %s needs it", pn, n.name)
				}
			}
			if j.cf && !n.defined(r) {
				return fmt.Sprintf("%s is not observed there; abduction of its noise needs its value", n.name)
			}
		}
		for w := 0; w < p.nw; w++ {
			if p.active[w][0][v] && !n.defined(r) {
				a := p.acts[w].acts[p.acts[w].act[v]]
				if a.kind == Set || a.kind == Quantile {
					return fmt.Sprintf("%s is not observed there, so setting it has no factual value to start from", n.name)
				}
			}
		}
	}
	if !y.defined(r) {
		if y.kind == kindLatent {
			return fmt.Sprintf("the latent outcome %s has no value there (none of its indicators, or not all its parents, are observed)", y.name)
		}
		return fmt.Sprintf("the outcome %s is not observed there; a counterfactual needs its factual value", y.name)
	}
	if !j.cf && !y.eqRow[r] {
		return fmt.Sprintf("the equation of %s does not use that row (a parent is missing)", y.name)
	}
	return "a value the query needs is missing"
}
