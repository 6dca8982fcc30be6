package query

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// MediationEffect is one component of a decomposition.
type MediationEffect struct {
	// Name is "total", "natural direct", "natural indirect", "via M" or
	// "proportion mediated".
	Name string `json:"name"`
	Summary
	Draws []float64 `json:"-"`
}

// MarshalJSON writes the component with its summary.
func (m MediationEffect) MarshalJSON() ([]byte, error) {
	return json.Marshal(m.jsonMap(map[string]any{"name": m.Name}))
}

// MediationReport decomposes the effect of an exposure on an outcome into
// the part that runs through the mediators and the rest.
type MediationReport struct {
	Exposure  string   `json:"exposure"`
	Mediators []string `json:"mediators"`
	Outcome   string   `json:"outcome"`
	// Scale describes the effects' scale; ScaleKind is "raw" or "fit" and
	// Units names the outcome's unit.
	Scale     string `json:"scale"`
	ScaleKind string `json:"scale_kind"`
	Units     string `json:"units"`
	Shift     string `json:"intervention"`
	Period    int    `json:"period"`
	// Effects: total, natural direct, natural indirect, then (with several
	// mediators) the indirect effect via each mediator alone, then the
	// proportion mediated.
	Effects []MediationEffect `json:"effects"`
	Basis   *Basis            `json:"rests_on"`
}

// Mediate decomposes the average effect of intervention do (on the
// exposure; the zero Do means +1 sd) on the outcome, per draw:
//
//	total              TE  = E[Y(x1, M(x1))] − E[Y(x0, M(x0))]
//	natural direct     NDE = E[Y(x1, M(x0))] − E[Y(x0, M(x0))]
//	natural indirect   NIE = TE − NDE (the paths through any mediator)
//	via m              TE − (the effect with m alone held at M(x0))
//	proportion         NIE / TE
//
// where x0 is the factual exposure and M(x0) the mediators' factual values.
// With several mediators the effect via each is path-specific: it counts
// every path through that mediator, so paths through two mediators count
// in both and the "via" effects need not add up to NIE.
func (e *Engine) Mediate(exposure string, mediators []string, do Do, opt Options) (*MediationReport, error) {
	if do.IsZero() {
		do = Do{Assign: []Assignment{{Node: exposure, Kind: ShiftSD, Value: 1}}}
		do.Source = do.String()
	}
	if len(do.Assign) != 1 || do.Assign[0].Node != exposure {
		return nil, fmt.Errorf("the intervention %s must set the exposure %s alone", do, exposure)
	}
	if len(mediators) == 0 {
		return nil, fmt.Errorf("name at least one mediator")
	}
	y, acts, _, b, err := e.check(fmt.Sprintf("the mediation of %s", do), do, Do{}, &opt, mediators)
	if err != nil {
		return nil, err
	}
	s := e.s
	yname := s.nodes[y].name
	H := opt.Horizon
	// Each mediator must lie on a causal path the fit follows.
	block := make([]bool, len(s.nodes))
	var single [][]bool
	for _, m := range mediators {
		v, err := s.node(m)
		if err != nil {
			return nil, &NodeError{Node: m, Msg: "mediator: " + err.Error()}
		}
		if m == exposure || v == y {
			return nil, &NodeError{Node: m, Msg: fmt.Sprintf("mediator %s is the exposure or the outcome", m)}
		}
		if !e.onPath(exposure, m, yname, H) {
			return nil, &NodeError{Node: m, Msg: fmt.Sprintf("%s is not on a causal path from %s to %s that the fit follows (within %d period(s))", m, exposure, yname, H)}
		}
		if block[v] {
			return nil, &NodeError{Node: m, Msg: fmt.Sprintf("mediator %s is named twice", m)}
		}
		block[v] = true
		one := make([]bool, len(s.nodes))
		one[v] = true
		single = append(single, one)
	}
	w1 := s.newWorld(acts)
	scen := []scenario{{w: w1}, {w: w1, block: block}}
	if len(mediators) > 1 {
		for _, one := range single {
			scen = append(scen, scenario{w: w1, block: one})
		}
	}
	j := &job{scen: scen, base: s.newWorld(nil), outcome: y, horizon: H, pulse: opt.Pulse, starts: allRows(s.layout.Rows)}
	osc, err := e.outcomeScale(y, &opt)
	if err != nil {
		return nil, err
	}
	osc.setJob(j)
	if err := s.latentNeeds(j); err != nil {
		return nil, err
	}
	res := s.run(j)
	b.Method = s.method(j, res.approx)
	b.Notes = append(b.Notes, "natural effects assume no unobserved confounding of exposure, mediators and outcome, and no mediator–outcome confounder caused by the exposure (in the fitted structural model, with independent noises, both hold by construction)")
	sign := e.expectedSign(acts, nil, yname, H, opt.Pulse)
	te := osc.convert(res.mean[0][H])
	nde := osc.convert(res.mean[1][H])
	nie := make([]float64, len(te))
	prop := make([]float64, len(te))
	for d := range te {
		nie[d] = te[d] - nde[d]
		prop[d] = nie[d] / te[d]
		if te[d] == 0 {
			prop[d] = math.NaN()
		}
	}
	rep := &MediationReport{Exposure: exposure, Mediators: mediators, Outcome: yname, Scale: osc.text, ScaleKind: osc.kind.String(), Units: osc.unit,
		Shift: strings.Join(s.describeActions(acts), "; "), Period: H, Basis: b}
	directSign := e.pathSign(exposure, yname, H, mediators, false, acts)
	indirectSign := e.pathSign(exposure, yname, H, mediators, true, acts)
	rep.Effects = append(rep.Effects,
		MediationEffect{Name: "total", Summary: Summarize(te, opt.Level, sign), Draws: te},
		MediationEffect{Name: "natural direct", Summary: Summarize(nde, opt.Level, directSign), Draws: nde},
		MediationEffect{Name: "natural indirect", Summary: Summarize(nie, opt.Level, indirectSign), Draws: nie})
	if len(mediators) > 1 {
		for k, m := range mediators {
			via := make([]float64, len(te))
			held := osc.convert(res.mean[2+k][H])
			for d := range te {
				via[d] = te[d] - held[d]
			}
			rep.Effects = append(rep.Effects, MediationEffect{Name: "via " + m,
				Summary: Summarize(via, opt.Level, e.pathSign(exposure, yname, H, []string{m}, true, acts)), Draws: via})
		}
	}
	rep.Effects = append(rep.Effects, MediationEffect{Name: "proportion mediated", Summary: Summarize(prop, opt.Level, 0), Draws: prop})
	if s := Summarize(te, opt.Level, 0); s.Lo <= 0 && s.Hi >= 0 {
		b.Notes = append(b.Notes, "the total effect's interval includes 0, so the proportion mediated is unstable (read its median, not its mean)")
	}
	return rep, nil
}

// onPath reports whether m lies on a causal path from x to y that the fit
// can follow.
func (e *Engine) onPath(x, m, y string, horizon int) bool {
	ps, _ := modelPaths(e.s.model, x, y, horizon)
	for _, p := range ps {
		if ok, _ := e.s.estimable(p); !ok {
			continue
		}
		for _, n := range p.nodes[1 : len(p.nodes)-1] {
			if n == m {
				return true
			}
		}
	}
	return false
}

// pathSign is the sign the model implies for the paths from x to y that
// pass through any of the mediators (through) or through none of them
// (!through), times the push of the intervention; 0 when unknown.
func (e *Engine) pathSign(x, y string, horizon int, mediators []string, through bool, acts []action) int {
	d, ok := direction(&acts[0], 0)
	if !ok || d == 0 {
		return 0
	}
	ps, _ := modelPaths(e.s.model, x, y, horizon)
	var keep []path
	for _, p := range ps {
		hit := false
		for _, n := range p.nodes[1 : len(p.nodes)-1] {
			if contains(mediators, n) {
				hit = true
			}
		}
		if hit == through {
			keep = append(keep, p)
		}
	}
	if len(keep) == 0 {
		return 0
	}
	g := pathsSign(keep)
	if d < 0 {
		g = -g
	}
	return g
}
