package paper

import (
	"fmt"
	"slices"
	"strings"

	"dilemma/fit"
	"dilemma/report"
)

// check validates the options against the non-traditional model and the
// data, before any sampling. Its messages name the options as the paper
// command's flags do (--width, --horizon, --units, --period, --exposure,
// --mediator, --outcome).
func (o *Options) check(pl *fit.Plan) error {
	units := pl.Panel.Units()
	if len(o.Units) == 0 {
		for _, u := range DefaultUnits {
			if slices.Contains(units, u) {
				o.Units = append(o.Units, u)
			}
		}
	}
	if err := report.CheckQuestions(pl.Panel, o.Width, o.Horizon, o.Time, o.Units); err != nil {
		return err
	}
	m := pl.Model
	name := m.Name
	estimated := func(flag, node string) error {
		if m.Node(node) == nil {
			return fmt.Errorf("--%s %s: no such node in model %s (nodes: %s)", flag, node, name, strings.Join(m.NodeNames(), ", "))
		}
		if slices.Contains(pl.Dropped, node) {
			return fmt.Errorf("--%s %s: the node is not estimated (a root without data or a latent node without indicators)", flag, node)
		}
		return nil
	}
	outcome := outcomeOf(m, o.Outcome)
	if outcome == "" {
		return fmt.Errorf("--outcome: model %s marks no outcome; name one", name)
	}
	if err := estimated("outcome", outcome); err != nil {
		return err
	}
	if slices.Contains(pl.Exogenous, outcome) {
		return fmt.Errorf("--outcome %s: the node has no equation in the fit (nothing in the model changes it)", outcome)
	}
	if err := estimated("exposure", o.Exposure); err != nil {
		return err
	}
	if err := estimated("mediator", o.Mediator); err != nil {
		return err
	}
	switch {
	case o.Exposure == outcome:
		return fmt.Errorf("--exposure %s is the outcome", o.Exposure)
	case o.Mediator == outcome || o.Mediator == o.Exposure:
		return fmt.Errorf("--mediator %s is the exposure or the outcome", o.Mediator)
	}
	// The mediation question (at period 0) needs a causal path through
	// the mediator over lag-0 edges and estimated nodes.
	if !report.Reaches(pl, o.Exposure, o.Mediator) || !report.Reaches(pl, o.Mediator, outcome) {
		return fmt.Errorf("--mediator %s is not on a causal path (within a period) from --exposure %s to %s in model %s", o.Mediator, o.Exposure, outcome, name)
	}
	return nil
}

// checkMemory refuses a run whose draws would not fit in memory: the first
// fit's draws stay in memory (once) while the second's are sampled and
// summarised (twice at the peak, see fit.DrawMemory). refits more fits of
// the non-traditional model (the panel structures, structure.go) are
// sampled while it and the earlier refits stay in memory.
func checkMemory(trad, nontrad *fit.Plan, s fit.Settings, refits int) error {
	for _, pl := range []*fit.Plan{trad, nontrad} {
		if err := fit.CheckMemory(pl, s); err != nil {
			return fmt.Errorf("model %s: %w; lower --samples or --chains", pl.ModelRef.Name, err)
		}
	}
	a, _, err := fit.DrawMemory(trad, s)
	if err != nil {
		return err
	}
	b, _, err := fit.DrawMemory(nontrad, s)
	if err != nil {
		return err
	}
	have, src := fit.MachineMemory()
	if need := a/2 + b + float64(refits)*b/2; need > fit.MemoryShare*have {
		if refits > 0 {
			return fmt.Errorf("the draws of both fits and the %d panel-structure refits need %s of memory together (%d chains × %d draws each); this machine has %s (%s), of which a run may take %.0f%%; lower --samples or --chains, or skip the refits with --no-structure",
				refits, fit.Bytes(need), s.Chains, s.Samples, fit.Bytes(have), src, 100*fit.MemoryShare)
		}
		return fmt.Errorf("the draws of both fits need %s of memory together (%d chains × %d draws each); this machine has %s (%s), of which a run may take %.0f%%; lower --samples or --chains",
			fit.Bytes(need), s.Chains, s.Samples, fit.Bytes(have), src, 100*fit.MemoryShare)
	}
	return nil
}
