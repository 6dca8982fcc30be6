package paper

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
	"dilemma/plots"
	"dilemma/query"
	"dilemma/report"
	"dilemma/table"
)

func (r *run) p(format string, args ...any) { fmt.Fprintf(&r.md, format, args...) }

// figure draws one figure as PNG (embedded in the report) and PDF (for a
// paper), and writes its caption. A figure that cannot be drawn is
// reported in the text instead of failing the run.
func (r *run) figure(name, caption string, m *model.Model, f *fit.Fit, req report.Request) {
	if r.stopped() != nil {
		return
	}
	req.Options.Width = r.o.Width
	fig, notes, err := report.Figure(m, f, req)
	if err != nil {
		r.p("*Figure %q could not be drawn: %v.*\n\n", name, err)
		return
	}
	for _, ext := range []string{".png", ".pdf"} {
		rel := filepath.Join("figures", name+ext)
		if err := plots.Save(fig, filepath.Join(r.tmp, rel)); err != nil {
			r.p("*Figure %q could not be saved: %v.*\n\n", name, err)
			return
		}
		r.files = append(r.files, rel)
	}
	r.fig++
	r.p("![%s](figures/%s.png)\n\n", caption, name)
	r.p("**Figure %d.** %s", r.fig, caption)
	if len(notes) > 0 {
		r.p(" (%s)", strings.Join(notes, "; "))
	}
	r.p(" [PDF](figures/%s.pdf)\n\n", name)
}

// table writes a table into the report as Markdown and to tables/ as CSV,
// Markdown and LaTeX.
func (r *run) table(name, caption string, t *table.Table) error {
	r.tab++
	r.p("**Table %d.** %s\n\n", r.tab, caption)
	var b strings.Builder
	if err := t.Markdown(&b); err != nil {
		return err
	}
	r.p("%s\n", b.String())
	for _, ext := range []string{"csv", "markdown", "latex"} {
		suffix := map[string]string{"csv": ".csv", "markdown": ".md", "latex": ".tex"}[ext]
		rel := filepath.Join("tables", name+suffix)
		if err := r.writeFile(rel, func(w io.Writer) error { return t.Render(w, ext) }); err != nil {
			return err
		}
	}
	r.p("(Also as [CSV](tables/%s.csv), [Markdown](tables/%s.md), [LaTeX](tables/%s.tex).)\n\n", name, name, name)
	return nil
}

func pct(p float64) string {
	if math.IsNaN(p) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", p)
}

// writeReport answers the three questions and writes report.md/.html.
func (r *run) writeReport() error {
	o := r.o
	nt, tr := r.nontrad, r.trad
	m2 := nt.Plan.Model
	outcome := outcomeOf(m2, o.Outcome)
	r.p("# Is there a non-traditional security dilemma? An analysis with dilemma %s\n\n", versionString())
	r.p("Data: %s (%d rows, SHA-256 `%s…`). Models: `%s` (the traditional security dilemma) and `%s` (the non-traditional one, with the three remedies). "+
		"Each fit: %d chains × (%d warm-up + %d draws), seed %d. Every number below is a posterior summary; intervals are central 90%% credible intervals.\n\n",
		nt.Manifest.Data.Name, nt.Manifest.Data.Rows, shortHash(nt.Manifest.Data.SHA256), o.Traditional, o.NonTraditional,
		o.Settings.Chains, o.Settings.Warmup, o.Settings.Samples, o.Settings.Seed)
	r.diagnosticsBanner()

	// The diagrams.
	r.p("## The two causal models\n\n")
	r.figure("dag-traditional", fmt.Sprintf("The traditional security dilemma (%s) as a causal graph: dashed boxes are latent, the outcome has a double border, ⊕/⊖ mark the signs the theory expects, dashed edges are lagged (parent at t−k).", o.Traditional), tr.Plan.Model, nil, report.Request{Kind: "dag"})
	r.figure("dag-nontraditional", fmt.Sprintf("The non-traditional security dilemma with remedies (%s); remedies are filled, dashed boxes are latent, dashed edges are lagged. Each estimated edge is labelled with its posterior median and 90%% interval and coloured by that interval: %s above 0, %s below 0 (open arrowhead), %s when it spans 0; black edges were not estimated.", o.NonTraditional, plots.EdgePositive, plots.EdgeNegative, plots.EdgeUncertain), m2, nt, report.Request{Kind: "dag"})
	r.qualityTable()
	if err := r.missingValues(); err != nil { // missing.go
		return err
	}
	r.familySection(outcome)

	// Question 1.
	r.p("## 1. Is there a non-traditional dilemma?\n\n")
	r.p("The non-traditional model claims a sign for each edge. The table gives each estimated edge's posterior and the probability that it has the claimed sign; contraction near 1 means the data, not the prior, decide the edge.\n\n")
	if err := r.table("edges-nontraditional", fmt.Sprintf("Edge strengths of %s.", o.NonTraditional), report.EdgeTable(nt, report.PaperTable)); err != nil {
		return err
	}
	r.figure("forest", "Every edge's posterior: median (marker), 50% (thick) and 90% (thin) intervals, grouped by child node. The marker and colour give the expected sign (blue circle +, vermillion square −, black ring none), and the columns on the right the sign and P, its posterior probability.", nil, nt, report.Request{Kind: "forest"})
	r.figure("contraction", fmt.Sprintf("Prior (%s) against posterior (%s) for each edge strength, with the contraction c = 1 − posterior variance / prior variance: an edge whose posterior looks like its prior is not informed by the data.", plots.ContractionPrior, plots.ContractionPosterior), nil, nt, report.Request{Kind: "contraction"})
	r.signVerdict(nt)
	r.priorSensitivity(nt)
	r.implications()
	r.compareModels()

	// Question 2.
	r.p("## 2. Why? Mediation through intent uncertainty\n\n")
	r.mediation(outcome)

	// Question 3.
	r.p("## 3. How can it be resolved? The remedies\n\n")
	top := r.remedies(outcome)
	r.counterfactuals(outcome, r.counterfactualTime(), top)

	// Diagnostics and predictive checks.
	r.p("## Diagnostics\n\n")
	r.diagnostics()
	r.p("## Data, sources and attribution\n\n")
	if nt.Manifest.Data.Source == "embedded" {
		r.p("The data are the panel that ships with dilemma (`data/embedded/DATA.md` documents every column, its coverage and caveats). Attribution:\n\n")
		for _, line := range strings.Split(strings.TrimSpace(data.Attribution()), "\n\n") {
			r.p("> %s\n\n", strings.ReplaceAll(line, "\n", " "))
		}
	} else {
		r.p("Data file `%s` (SHA-256 `%s`).\n\n", nt.Manifest.Data.Source, nt.Manifest.Data.SHA256)
	}
	r.p("## Reproducing this report\n\n")
	r.p("Fit directories with CmdStan CSV draws and manifests are in `fits/`; `dilemma fit --from fits/NAME/manifest.json` reproduces a fit's draws byte for byte. `manifest.json` records this run's settings.\n")
	if err := r.writeManifest(r.counterfactualTime()); err != nil {
		return err
	}
	md := r.md.String()
	if err := r.writeFile("report.md", func(w io.Writer) error { _, err := io.WriteString(w, md); return err }); err != nil {
		return err
	}
	return r.writeFile("report.html", func(w io.Writer) error { return markdownToHTML(w, md) })
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// diagnosticsBanner warns at the top when a fit has problems.
func (r *run) diagnosticsBanner() {
	for _, f := range []*fit.Fit{r.trad, r.nontrad} {
		if len(f.Warnings) > 0 {
			r.p("> **Warning: the sampler reports problems for `%s`** (%d warnings, see Diagnostics). Read its estimates with care.\n\n", f.Manifest.Model.Name, len(f.Warnings))
		}
	}
}

// qualityTable lists how well each node is measured.
func (r *run) qualityTable() {
	m := r.nontrad.Plan.Model
	t := &table.Table{Columns: []string{"node", "data", "transform", "family", "quality"}}
	for _, n := range m.Nodes {
		src := n.Column
		if len(n.Indicators) > 0 {
			src = "latent; indicators " + strings.Join(n.Indicators, ", ")
		} else if n.Fixed() {
			src = "none (fixed root, not estimated)"
		} else if n.Latent {
			src = "latent, no indicators (not estimated)"
		}
		t.Rows = append(t.Rows, []string{n.Name, src, n.Transform, n.Family, n.Quality})
	}
	r.table("measures", "How each node of the non-traditional model is measured, and how well (the data documentation's grade: good, fair, poor, none). Answers that rest on poorly measured nodes rest mostly on the model's structure and priors.", t)
	r.sharedSource(m)
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
			r.p("*Read with care:* `%s` (c8_days_total_ban, the days of a month at OxCGRT's top border-closure level) and `%s` (c8_max, the month's highest level) are two measures of one indicator: a month has ban days almost only when its maximum is the top level, so the edge %s → %s is close to a measurement identity. Its strength is very large on the logit scale and the prior-sensitivity check flags it; the remedies' effects on `%s` are effects on how long total bans last, through that near-identity.\n\n", e.To, e.From, e.From, e.To, e.To)
		}
	}
}

// signVerdict counts edges whose sign the data support.
func (r *run) signVerdict(f *fit.Fit) {
	var agree, against, unclear []string
	for _, e := range f.Edges {
		if e.Loading || e.Sign == 0 {
			continue
		}
		switch {
		case e.PSign >= 0.95:
			agree = append(agree, e.Edge)
		case e.PSign <= 0.05:
			against = append(against, e.Edge)
		default:
			unclear = append(unclear, e.Edge)
		}
	}
	verb := func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	}
	r.p("Of the %d estimated edges with a claimed sign, %d %s that sign with posterior probability ≥ 0.95, %d %s the opposite sign with probability ≥ 0.95, and %d %s undecided.", len(agree)+len(against)+len(unclear),
		len(agree), verb(len(agree), "has", "have"), len(against), verb(len(against), "has", "have"), len(unclear), verb(len(unclear), "is", "are"))
	if len(against) > 0 {
		r.p(" Against the theory: %s.", strings.Join(against, "; "))
	}
	if len(f.Plan.Dropped) > 0 {
		r.p(" Not estimated (no data): %s.", strings.Join(f.Plan.Dropped, ", "))
	}
	r.p("\n\n")
}

// implications tests both graphs' conditional independencies on the data,
// within units with errors clustered by unit (model.TestPanel).
func (r *run) implications() {
	r.p("### Testable implications\n\n")
	r.p("Each graph implies conditional independencies. Each is tested within countries (every variable demeaned by country, the regression's standard error clustered by country; `dilemma graph implications -h` gives the test and its calibration: on data simulated from these graphs it contradicts 3–5%% of true implications at the 5%% level). Cross-node implications that fail point to missing edges or common causes; autocorrelation implications that fail say a node needs a self-lag. Holm's correction counts contradictions that survive testing many implications at once.\n\n")
	t := &table.Table{Columns: []string{"model", "group", "implications", "tested", "untestable within units", "contradicted", "share", "after Holm"},
		Align: []table.Align{table.Left, table.Left, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right}}
	for _, f := range []*fit.Fit{r.trad, r.nontrad} {
		m := f.Plan.Model
		rep, err := m.TestPanel(f.Plan.Panel, model.PanelTestOptions{})
		if err != nil {
			r.p("*%s: %v*\n\n", m.Name, err)
			continue
		}
		for _, g := range []model.ImplicationGroup{model.CrossNode, model.Autocorrelation} {
			s := rep.Summary[g]
			share := "n/a"
			if s.Tested > 0 {
				share = fmt.Sprintf("%.0f%%", 100*s.Share())
			}
			t.Rows = append(t.Rows, []string{f.Manifest.Model.Name, g.String(), fmt.Sprint(s.Implications), fmt.Sprint(s.Tested),
				fmt.Sprint(s.Untestable), fmt.Sprint(s.Contradicted), share, fmt.Sprint(s.ContradictedHolm)})
		}
	}
	r.table("implications", "Testable implications of the two graphs, tested within countries at the 5% level (untestable ones involve latent nodes or columns constant within countries).", t)
}

// mediation answers "why".
func (r *run) mediation(outcome string) {
	o := r.o
	e, err := engine(r.nontrad)
	if err != nil {
		r.p("*The mediation analysis could not run: %v.*\n\n", err)
		return
	}
	r.p("How much of the effect of unequal exposure on `%s` runs through intent uncertainty? Natural direct and indirect effects of a one-sd increase, per posterior draw.\n\n", outcome)
	rep, err := e.Mediate(o.Exposure, []string{o.Mediator}, query.Do{}, query.Options{Outcome: outcome, AssumeIdentified: true})
	if err != nil {
		r.p("*Mediation of %s through %s: %v.*\n\n", o.Exposure, o.Mediator, err)
	} else {
		r.basisNote(rep.Basis)
		r.table("mediation", fmt.Sprintf("Mediation of %s → %s through %s (%s).", o.Exposure, outcome, o.Mediator, rep.Scale), rep.Table())
	}
	m := r.nontrad.Plan.Model
	if n := m.Node("authority_deficit"); n != nil {
		if n.Latent && len(n.Indicators) == 0 {
			r.p("The second mechanism, the authority deficit, has no measure in the data (it is latent without indicators), so its mediation through intent uncertainty cannot be estimated; it stays in the graph for identification.\n\n")
		}
	}
}

// unitPhrase names a query's unit for a caption: "the units of COLUMN" or
// the fit's scale.
func unitPhrase(kind, units string) string {
	if kind == "raw" {
		return "the units of `" + units + "`"
	}
	return "the " + units
}

// basisNote prints the identification caveat of a query.
func (r *run) basisNote(b *query.Basis) {
	if b == nil {
		return
	}
	if b.Assumed {
		r.p("*Not identified by the graph alone; computed assuming identification.* Why: %s.\n\n", strings.Join(b.Problems, "; "))
	}
	if len(b.LeftOut) > 0 {
		r.p("Paths through nodes the fit does not estimate count as zero: %s.\n\n", strings.Join(b.LeftOut, "; "))
	}
	if b.Method != "" {
		r.p("Method: %s.\n\n", b.Method)
	}
	for _, w := range b.RangeWarnings {
		r.p("*Outside the data:* %s.\n\n", w)
	}
}

// remedies answers "how"; it returns the remedy that reduces the outcome
// most ("" if none could be computed).
func (r *run) remedies(outcome string) (top string) {
	o := r.o
	f := r.nontrad
	e, err := engine(f)
	if err != nil {
		r.p("*The remedies could not be evaluated: %v.*\n\n", err)
		return ""
	}
	rep, err := e.Remedies(query.Options{Outcome: outcome, AssumeIdentified: true})
	if err != nil {
		r.p("*Remedies: %v.*\n\n", err)
	} else {
		r.p("Each remedy raised by one standard deviation, its average effect on `%s` (%s). P(reduces) is the posterior probability that the remedy lowers the outcome: the paper's claim put to the data.\n\n", outcome, rep.Scale)
		r.basisNote(rep.Basis)
		r.table("remedies", fmt.Sprintf("The remedies ranked by their effect on the outcome, in %s (each shifted by one sd of its own column).", unitPhrase(rep.ScaleKind, rep.Units)), rep.Table())
		r.figure("remedies", "Each remedy's effect on the outcome (posterior mean and 90% interval) with P(reduces).", nil, f, report.Request{Kind: "remedies", Outcome: outcome, AssumeIdentified: true})
		for _, row := range rep.Rows {
			if row.Draws == nil {
				continue
			}
			if top == "" {
				top = row.Remedy
			}
			r.figure("horizon-"+row.Remedy, fmt.Sprintf("Effect of a sustained one-sd increase of %s on %s over %d periods (mean and 90%% band). Only lagged edges on a path from the remedy to the outcome make the effect change over time; without them it is the same in every period.", row.Remedy, outcome, o.Horizon), nil, f,
				report.Request{Kind: "effect-horizon", Outcome: outcome, Do: fmt.Sprintf("do(%s = +1sd)", row.Remedy), Horizon: o.Horizon, AssumeIdentified: true})
		}
	}
	return top
}

// counterfactualTime picks the counterfactual period: the option, or the
// first period one year in.
func (r *run) counterfactualTime() string {
	if r.o.Time != "" {
		return r.o.Time
	}
	times := r.nontrad.Plan.Panel.Times()
	if len(times) > 15 {
		return times[15]
	}
	if len(times) > 0 {
		return times[len(times)-1]
	}
	return ""
}

func (r *run) counterfactuals(outcome, time, remedy string) {
	f := r.nontrad
	if remedy == "" || time == "" {
		return
	}
	have := map[string]bool{}
	for _, u := range f.Plan.Panel.Units() {
		have[u] = true
	}
	var units []string
	for _, u := range r.o.Units {
		if have[u] {
			units = append(units, u)
		}
	}
	if len(units) == 0 {
		return
	}
	sort.Strings(units)
	r.p("### Counterfactuals for named countries\n\n")
	r.p("What would `%s` have been in %s had `%s` (the remedy with the largest average reduction) been one sd higher there? Per posterior draw: the country's own noise is recovered from its data (abduction), the remedy set (action), and the model run forward (prediction).\n\n", outcome, time, remedy)
	e, err := engine(f)
	if err != nil {
		r.p("*%v*\n\n", err)
		return
	}
	do, err := query.ParseAssignments(remedy + " = +1sd")
	if err != nil {
		r.p("*%v*\n\n", err)
		return
	}
	t := &table.Table{}
	unit := ""
	for _, u := range units {
		rep, err := e.Counterfactual(do, u, time, query.Options{Outcome: outcome, AssumeIdentified: true})
		if err != nil {
			r.p("*%s: %v*\n\n", u, err)
			continue
		}
		rt := rep.Table()
		unit = unitPhrase(rep.ScaleKind, rep.Units)
		if len(t.Columns) == 0 {
			t.Columns, t.Align = rt.Columns, rt.Align
		}
		t.Rows = append(t.Rows, rt.Rows...)
	}
	if len(t.Rows) > 0 {
		r.p("A unit's counterfactual can differ from the population effect: for ordered and binary nodes on the path, the unit's own latent noise decides whether a shift crosses a category boundary.\n\n")
		r.table("counterfactuals", fmt.Sprintf("Unit-level counterfactuals: %s = +1 sd in %s; factual, counterfactual and difference in %s.", remedy, time, unit), t)
		r.figure("counterfactual", fmt.Sprintf("Factual against counterfactual %s for named countries (%s one sd higher, %s).", outcome, remedy, time), nil, f,
			report.Request{Kind: "counterfactual", Outcome: outcome, Do: fmt.Sprintf("do(%s = +1sd)", remedy), Units: units, Time: time, AssumeIdentified: true})
	}
}

// diagnostics reports both fits' sampler diagnostics and predictive checks.
func (r *run) diagnostics() {
	t := &table.Table{Columns: []string{"model", "parameters", "min bulk ESS", "max R-hat", "divergences", "warnings"},
		Align: []table.Align{table.Left, table.Right, table.Right, table.Right, table.Right, table.Right}}
	for _, f := range []*fit.Fit{r.trad, r.nontrad} {
		minESS, maxR := math.Inf(1), 0.0
		for _, s := range f.Summaries {
			if !math.IsNaN(s.ESSBulk) {
				minESS = math.Min(minESS, s.ESSBulk)
			}
			if !math.IsNaN(s.Rhat) {
				maxR = math.Max(maxR, s.Rhat)
			}
		}
		div := 0
		for _, ch := range f.Stats {
			for _, v := range ch[5] {
				if v != 0 {
					div++
				}
			}
		}
		t.Rows = append(t.Rows, []string{f.Manifest.Model.Name, fmt.Sprint(len(f.Names)), fmt.Sprintf("%.0f", minESS), fmt.Sprintf("%.3f", maxR), fmt.Sprint(div), fmt.Sprint(len(f.Warnings))})
	}
	r.table("diagnostics", "Sampler diagnostics of both fits (R-hat and ESS as R's posterior package computes them).", t)
	for _, f := range []*fit.Fit{r.trad, r.nontrad} {
		for _, w := range f.Warnings {
			r.p("- `%s`: %s\n", f.Manifest.Model.Name, w.String())
		}
	}
	r.p("\n")
	r.figure("energy", fmt.Sprintf("Energy diagnostic of the non-traditional fit: the distribution of the marginal energy (centred per chain; %s) against that of the energy transitions (%s), both pooled over the chains, with each chain's E-BFMI below the plot (below 0.3 flags poor exploration).", plots.EnergyMarginal, plots.EnergyTransition), nil, r.nontrad, report.Request{Kind: "energy"})
	r.figure("trace", "Trace plots of the non-traditional fit's edge strengths, one colour per chain.", nil, r.nontrad, report.Request{Kind: "trace"})
	r.figure("rank", "Rank plots: uniform histograms per chain mean the chains agree.", nil, r.nontrad, report.Request{Kind: "rank"})
	r.misfits()
	for _, node := range report.PPCNodes(r.nontrad) {
		r.figure("ppc-"+node, fmt.Sprintf("Posterior predictive check of %s: the observed distribution against data replicated from 50 posterior draws.", node), nil, r.nontrad,
			report.Request{Kind: "ppc", Node: node, Seed: 1})
	}
}

// priorSensitivity says which edges power-scaling flags (package
// powerscale): whether the prior, rather than the data, decides them.
func (r *run) priorSensitivity(f *fit.Fit) {
	notes := f.SensitivityNotes()
	r.p("**Prior sensitivity.** Power-scaling the prior and the likelihood (raising each to a power near 1 by importance weighting the draws, as R's priorsense does) shows how much each edge depends on either; an edge sensitive to the prior and to the likelihood has a prior-data conflict, one sensitive to the prior only is decided by its prior. ")
	if len(notes) == 0 {
		r.p("No edge of `%s` is flagged (every prior sensitivity below 0.05); the columns prior_sens and lik_sens of edges.csv give the figures.\n\n", f.Manifest.Model.Name)
		return
	}
	r.p("Flagged in `%s`:\n\n", f.Manifest.Model.Name)
	for _, n := range notes {
		r.p("- %s\n", strings.TrimPrefix(n, "prior sensitivity: "))
	}
	r.p("\n")
}

// misfits says, for both fits, which statistics of the data (share of
// zeros and of the maximum, minimum, maximum, dispersion, skewness) the
// fitted families do not reproduce (report.CheckFit).
func (r *run) misfits() {
	r.p("**Do the families fit the data?** Each modelled node's data are compared with %d data sets replicated from the posterior on statistics where families fail: the share of values at the minimum (zeros) and at the maximum, the minimum and maximum, the dispersion and the skewness. A statistic outside its %.0f%% predictive interval is a misfit.\n\n", report.MisfitDraws, 100*report.MisfitLevel)
	any := false
	for _, f := range []*fit.Fit{r.trad, r.nontrad} {
		ms, _ := report.CheckFit(f, 1)
		for _, line := range report.MisfitLines(ms) {
			r.p("- `%s`: %s\n", f.Manifest.Model.Name, line)
			any = true
		}
	}
	if !any {
		r.p("No misfit: every statistic lies within its interval.\n")
	}
	r.p("\n")
}
