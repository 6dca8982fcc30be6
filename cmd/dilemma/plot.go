package main

import (
	"os"
	"strings"

	"dilemma/fit"
	"dilemma/model"
	"dilemma/plots"
	"dilemma/report"
)

func init() {
	register(&command{
		name:    "plot",
		summary: "draw a publication figure of a fit or a model (PDF, SVG, PNG, EPS)",
		usage: `Usage: dilemma plot FITDIR --kind KIND --out FILE [--width 3.5|7] [--params a,b] [--node NODE]
                  [--do 'do(x = +1sd)'] [--horizon 6] [--units a,b] [--time T] [--edge 'x -> y']
       dilemma plot MODEL --kind dag --out FILE [--width 3.5|7]

Draws one figure, sized for a journal column (--width 3.5, the default) or a
full page (--width 7), in the format FILE's extension names: .pdf, .svg,
.png or .eps. The file is written whole or not at all.

Kinds (all but dag need a fit directory written by 'dilemma fit'):
  dag          the causal diagram; from a fit, each edge labelled with its
               posterior median and 90% interval
  forest       every edge strength: median, 50% and 90% intervals, expected
               sign and its posterior probability, grouped by child
  loadings     the same for the loadings of latent nodes on their indicators
  contraction  prior against posterior density per edge strength
  trace, rank  MCMC traces and rank plots per parameter, by chain
               (default: the edge strengths; --params names others, lp__ too)
  energy       marginal against transition energy, with E-BFMI per chain
  ppc          posterior predictive check of one node (--node); a node with
               a latent parent, or an indicator, needs the latent values:
               fit with --save-latent
  remedies     each remedy's effect (+1 sd) on the outcome, with P(reduces)
  effect-horizon
               an intervention's effect over periods 0 … --horizon (6)
  counterfactual
               factual against counterfactual outcome for --units at --time
  conditional  the effect of a moderated edge's parent on its child across
               the moderator's observed range (25 values, the moderator's
               values held at each; see 'dilemma query -h', --at), with
               the 90% interval as a band, as brms's conditional_effects:
               --edge 'x -> y' (default: the first edge with moderator=),
               --do (default: do(x = +1sd)), --outcome (default: y)
  slopes       a caterpillar of an edge whose strength varies by unit
               (varies="unit"; --edge 'x -> y' picks it when there are
               several): each unit's strength b + v_j, median and 90%
               interval, ordered, over the mean strength b

The dag layout: boxes are sized to their full names (long names wrap at
spaces and underscores, never cut) and placed in columns by causal order,
roots left and outcomes right, spaced so that no two boxes overlap. To
place the nodes yourself, give every node a position as dagitty.net
writes it, pos="x,y" (y grows downwards), e.g.
  fear [pos="1,0"]   threat [pos="0,0"]   unilateralism [pos="2,0.5"]
The positions are scaled to the boxes and, where boxes would still
overlap (two nodes at one place), pushed apart along one axis; their
order along each axis is kept. Unless every node has pos=, all positions
are ignored.

--params takes parameter names, as the fit names them (b.fear.unilateralism)
or as the chain CSV files spell them (b__fear__unilateralism), or edges as
the model writes them ("fear -> unilateralism"), separated by commas. --do
takes an intervention as 'dilemma query' reads it, do(NODE = +1sd); without
it the query figures shift the model's first remedy by one sd.

Examples:
  dilemma plot fig2 --kind dag --out fig2.svg
  dilemma plot fit-fig2 --kind dag --out fig2-estimates.pdf --width 7
  dilemma plot fit-fig2 --kind forest --out forest.pdf
  dilemma plot fit-fig2 --kind contraction --out contraction.png --width 7
  dilemma plot fit-fig2 --kind trace --params lp__,b.fear.unilateralism --out trace.pdf
  dilemma fit fig2 --save-latent --out fit-fig2-lat
  dilemma plot fit-fig2-lat --kind ppc --node fear --out ppc-fear.png
  dilemma plot fit-fig2r --kind remedies --assume-identified --out remedies.pdf
  dilemma plot fit-fig2r --kind effect-horizon --do 'do(interaction_density = +1sd)' --assume-identified --out horizon.pdf
  dilemma plot fit-fig2r --kind counterfactual --units USA,DEU,IND --time 2021-06 --assume-identified --out cf.pdf
  dilemma plot fit-mod --kind conditional --edge 'intent_uncertainty -> fear' --out moderation.pdf
  dilemma plot fit-slopes --kind slopes --edge 'fear -> unilateralism' --out slopes.pdf`,
		run: runPlot,
	})
}

func runPlot(e *env, args []string) error {
	c := commands["plot"]
	fs := newFlags(e, c)
	kind := fs.String("kind", "", "figure kind: "+strings.Join(report.Kinds, ", "))
	out := fs.String("out", "", "output file; its extension (.pdf, .svg, .png, .eps) sets the format")
	width := fs.Float64("width", plots.ColumnWidth, "width in inches: 3.5 for a journal column, 7 for a full page")
	height := fs.Float64("height", 0, "height in inches (default: from the content)")
	dpi := fs.Int("dpi", plots.DefaultDPI, "resolution of PNG output")
	title := fs.String("title", "", "title above the figure (journals usually want it in the caption instead)")
	params := fs.String("params", "", "comma-separated parameters or edges (forest, loadings, contraction, trace, rank)")
	node := fs.String("node", "", "node of a predictive check (ppc)")
	edge := fs.String("edge", "", "edge of a slopes figure, 'x -> y' (default: the only edge varying by unit), or the moderated edge of a conditional figure (default: the first edge with moderator=)")
	draws := fs.Int("draws", report.DefaultPPCDraws, "posterior draws a predictive check replicates the data from")
	seed := fs.Uint64("seed", 1, "seed of a predictive check's replications and a counterfactual's noise")
	do := fs.String("do", "", "intervention of a query figure, e.g. 'do(x = +1sd)' (default: +1 sd of the first remedy)")
	outcome := fs.String("outcome", "", "outcome of a query figure (default: the model's outcome)")
	horizon := fs.Int("horizon", 0, "last period of an effect-horizon figure (default 6); period shown by remedies (default 0)")
	units := fs.String("units", "", "comma-separated units of a counterfactual figure")
	when := fs.String("time", "", "period of a counterfactual (default: the last)")
	assume := fs.Bool("assume-identified", false, "draw query effects the graph does not identify (say so in the caption)")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one FITDIR or MODEL; see 'dilemma plot -h'")
	}
	if *kind == "" {
		return usagef("--kind is required (one of %s)", strings.Join(report.Kinds, ", "))
	}
	if err := report.CheckKind(*kind); err != nil {
		return usagef("%v", err)
	}
	if *out == "" {
		return usagef("--out is required (a .pdf, .svg, .png or .eps file)")
	}
	if _, err := plots.FormatOf(*out); err != nil {
		return usagef("%s", strings.TrimPrefix(err.Error(), "plots: "))
	}
	if *draws < 1 || *draws > 100000 {
		return usagef("--draws %d: want 1 to 100000", *draws)
	}
	if *horizon < 0 {
		return usagef("--horizon %d: want 0 or more periods", *horizon)
	}
	// 0 would mean "the default" to package plots: refuse it when given.
	set := setFlags(fs)
	for _, f := range []struct {
		name string
		v    float64
	}{{"width", *width}, {"height", *height}, {"dpi", float64(*dpi)}} {
		if err := checkFinite(f.name, f.v); err != nil {
			return err
		}
		if set[f.name] && f.v <= 0 {
			return usagef("--%s %v: want a positive number", f.name, f.v)
		}
	}
	if err := (plots.Options{Width: *width, Height: *height, DPI: *dpi}).Check(); err != nil {
		return usagef("%s", strings.TrimPrefix(err.Error(), "plots: "))
	}
	if err := checkOutFile("--out", *out); err != nil {
		return err
	}
	req := report.Request{Kind: *kind, Node: *node, Edge: *edge, Draws: *draws, Seed: *seed,
		Options: plots.Options{Width: *width, Height: *height, DPI: *dpi, Title: *title},
		Do:      *do, Outcome: *outcome, Horizon: *horizon, Time: *when, AssumeIdentified: *assume,
		Params: splitList(*params), Units: splitList(*units)}
	var (
		m *model.Model
		f *fit.Fit
	)
	if st, err := os.Stat(pos[0]); err == nil && st.IsDir() {
		if f, err = fit.Open(pos[0]); err != nil {
			return inputErr(err)
		}
		req.Params = paramNames(f, req.Params)
	} else {
		if *kind != "dag" {
			return usagef("--kind %s needs a fit directory (run 'dilemma fit %s --out DIR' first); a model alone draws --kind dag", *kind, pos[0])
		}
		if m, err = graphLoad(e, pos[0]); err != nil {
			return err
		}
	}
	fig, notes, err := report.Figure(m, f, req)
	for _, n := range notes {
		e.logf("note: %s\n", n)
	}
	if err != nil {
		return inputErr(err)
	}
	if err := plots.Save(fig, *out); err != nil {
		return err
	}
	w, h := fig.Size()
	e.logf("wrote %s (%s, %.2f × %.2f in)\n", *out, *kind, w, h)
	return nil
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// paramNames maps parameter names spelled as in the chain CSV files
// (b__fear__unilateralism) to the fit's names (b.fear.unilateralism); other
// names and edges pass unchanged.
func paramNames(f *fit.Fit, names []string) []string {
	csv := map[string]string{}
	for _, n := range f.Names {
		if c := fit.CSVName(n); c != n {
			csv[c] = n
		}
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n
		if f.Param(n) == nil {
			if orig, ok := csv[n]; ok {
				out[i] = orig
			}
		}
	}
	return out
}
