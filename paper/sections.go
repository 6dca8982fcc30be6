package paper

import (
	"fmt"

	"dilemma/fit"
	"dilemma/model"
	"dilemma/plots"
	"dilemma/report"
)

// writeReport answers the three questions and writes report.md/.html.
func (r *run) writeReport() error {
	o := r.o
	nt, tr := r.nontrad, r.trad
	m2 := nt.Plan.Model
	outcome := outcomeOf(m2, o.Outcome)
	r.P("# Is there a non-traditional security dilemma? An analysis with dilemma %s\n\n", report.VersionString())
	r.P("Data: %s (%d rows, SHA-256 `%s…`). Models: `%s` (the traditional security dilemma) and `%s` (the non-traditional one, with the three remedies). "+
		"Each fit: %d chains × (%d warm-up + %d draws), seed %d. Every number below is a posterior summary; intervals are central 90%% credible intervals.\n\n",
		nt.Manifest.Data.Name, nt.Manifest.Data.Rows, shortHash(nt.Manifest.Data.SHA256), o.Traditional, o.NonTraditional,
		o.Settings.Chains, o.Settings.Warmup, o.Settings.Samples, o.Settings.Seed)
	r.DiagnosticsBanner([]*fit.Fit{tr, nt})

	// The diagrams.
	r.P("## The two causal models\n\n")
	r.Figure("dag-traditional", fmt.Sprintf("The traditional security dilemma (%s) as a causal graph: dashed boxes are latent, the outcome has a double border, ⊕/⊖ mark the signs the theory expects, dashed edges are lagged (parent at t−k).", o.Traditional), tr.Plan.Model, nil, report.Request{Kind: "dag"})
	r.Figure("dag-nontraditional", fmt.Sprintf("The non-traditional security dilemma with remedies (%s); remedies are filled, dashed boxes are latent, dashed edges are lagged. Each estimated edge is labelled with its posterior median and 90%% interval and coloured by that interval: %s above 0, %s below 0 (open arrowhead), %s when it spans 0; black edges were not estimated.", o.NonTraditional, plots.EdgePositive, plots.EdgeNegative, plots.EdgeUncertain), m2, nt, report.Request{Kind: "dag"})
	if err := r.Measures(m2, "How each node of the non-traditional model is measured, and how well (the data documentation's grade: good, fair, poor, none). Answers that rest on poorly measured nodes rest mostly on the model's structure and priors."); err != nil {
		return err
	}
	r.sharedSource(m2)
	if err := r.MissingValues([]*fit.Fit{tr, nt}, o.Settings.Missing); err != nil {
		return err
	}
	r.familySection(outcome)

	// Question 1.
	r.P("## 1. Is there a non-traditional dilemma?\n\n")
	r.P("The non-traditional model claims a sign for each edge. The table gives each estimated edge's posterior and the probability that it has the claimed sign; contraction near 1 means the data, not the prior, decide the edge.\n\n")
	if err := r.Table("edges-nontraditional", fmt.Sprintf("Edge strengths of %s.", o.NonTraditional), report.EdgeTable(nt, report.PaperTable)); err != nil {
		return err
	}
	r.Figure("forest", "Every edge's posterior: median (marker), 50% (thick) and 90% (thin) intervals, grouped by child node. The marker and colour give the expected sign (blue circle +, vermillion square −, black ring none), and the columns on the right the sign and P, its posterior probability.", nil, nt, report.Request{Kind: "forest"})
	r.Figure("contraction", fmt.Sprintf("Prior (%s) against posterior (%s) for each edge strength, with the contraction c = 1 − posterior variance / prior variance: an edge whose posterior looks like its prior is not informed by the data.", plots.ContractionPrior, plots.ContractionPosterior), nil, nt, report.Request{Kind: "contraction"})
	r.SignVerdict(nt)
	r.PriorSensitivity(nt)
	if err := r.implications(); err != nil {
		return err
	}
	r.P("### Which graph predicts better?\n\n")
	if err := r.Comparison([]*fit.Fit{tr, nt}, nil); err != nil {
		return err
	}

	// Question 2.
	r.P("## 2. Why? Mediation through intent uncertainty\n\n")
	if err := r.mediation(outcome); err != nil {
		return err
	}

	// Question 3.
	r.P("## 3. How can it be resolved? The remedies\n\n")
	top, err := r.Remedies(nt, outcome, o.Horizon)
	if err != nil {
		return err
	}
	if top != "" {
		r.P("### Counterfactuals for named countries\n\n")
		if err := r.Counterfactuals(nt, outcome, r.counterfactualTime(), top, "the remedy with the largest average reduction", o.Units); err != nil {
			return err
		}
	}
	if err := r.robustnessSection(r.robust); err != nil { // hook: robustness.go
		return err
	}

	if err := r.structureSection(); err != nil { // structure.go
		return err
	}

	// Diagnostics and predictive checks.
	r.P("## Diagnostics\n\n")
	if err := r.Diagnostics([]*fit.Fit{tr, nt}, nt); err != nil {
		return err
	}
	r.P("## Data, sources and attribution\n\n")
	r.DataSource(nt.Manifest.Data)
	r.P("## Reproducing this report\n\n")
	r.P("Fit directories with CmdStan CSV draws and manifests are in `fits/`; `dilemma fit --from fits/NAME/manifest.json` reproduces a fit's draws byte for byte. `manifest.json` records this run's settings.\n")
	if err := r.writeManifest(r.counterfactualTime()); err != nil {
		return err
	}
	return r.Finish()
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// sharedSource warns when an edge joins two measures of one OxCGRT
// indicator: c8_days_total_ban counts the days at C8's top level, whose
// monthly maximum is c8_max, so an edge from a node read from c8_max to one
// read from c8_days_total_ban is close to a measurement identity.
func (r *run) sharedSource(m *model.Model) {
	for _, e := range m.Edges {
		from, to := m.Node(e.From), m.Node(e.To)
		if e.Kind != model.Directed || e.Lag != 0 || from == nil || to == nil {
			continue
		}
		if from.Column == "c8_max" && to.Column == "c8_days_total_ban" {
			r.P("*Read with care:* `%s` (c8_days_total_ban, the days of a month at OxCGRT's top border-closure level) and `%s` (c8_max, the month's highest level) are two measures of one indicator: a month has ban days almost only when its maximum is the top level, so the edge %s → %s is close to a measurement identity. Its strength is very large on the logit scale and the prior-sensitivity check flags it; the remedies' effects on `%s` are effects on how long total bans last, through that near-identity.\n\n", e.To, e.From, e.From, e.To, e.To)
		}
	}
}

// implications tests both graphs' conditional independencies on the data,
// within units with errors clustered by unit (model.TestPanel), with
// repair hints for the non-traditional graph.
func (r *run) implications() error {
	r.P("### Testable implications\n\n")
	r.P("Each graph implies conditional independencies. Each is tested within countries (every variable demeaned by country, the regression's standard error clustered by country; `dilemma graph implications -h` gives the test and its calibration: on data simulated from these graphs it contradicts 3–5%% of true implications at the 5%% level). Cross-node implications that fail point to missing edges or common causes; autocorrelation implications that fail say a node needs a self-lag. Holm's correction counts contradictions that survive testing many implications at once.\n\n")
	return r.Implications([]*fit.Fit{r.nontrad, r.trad}, "countries", 5)
}

// mediation answers "why".
func (r *run) mediation(outcome string) error {
	o := r.o
	r.P("How much of the effect of unequal exposure on `%s` runs through intent uncertainty? Natural direct and indirect effects of a one-sd increase, per posterior draw.\n\n", outcome)
	if err := r.Mediation(r.nontrad, o.Exposure, []string{o.Mediator}, outcome, ""); err != nil {
		return err
	}
	m := r.nontrad.Plan.Model
	if n := m.Node("authority_deficit"); n != nil {
		if n.Latent && len(n.Indicators) == 0 {
			r.P("The second mechanism, the authority deficit, has no measure in the data (it is latent without indicators), so its mediation through intent uncertainty cannot be estimated; it stays in the graph for identification.\n\n")
		}
	}
	return nil
}

// counterfactualTime picks the counterfactual period: the option, or
// report.CounterfactualTime.
func (r *run) counterfactualTime() string {
	if r.o.Time != "" {
		return r.o.Time
	}
	return report.CounterfactualTime(r.nontrad.Plan.Panel)
}
