// Package plots draws publication figures from causal graphs, fits and query
// results with gonum/plot, sized for a journal column (3.5 in) or a full page
// (7 in) and saved by file extension: .pdf, .svg, .png or .eps.
//
// Each figure function takes Options and plain input structs defined here, so
// that the package does not depend on how fits and queries are computed, and
// returns a *Figure:
//
//	Forest          every edge's posterior (median, 50% and 90% intervals), grouped by child
//	Contraction     prior vs posterior density per edge, small multiples
//	Trace, Rank     per-parameter MCMC traces (divergences marked) and rank histograms
//	Traces, Ranks   the same for several parameters as small multiples (rank
//	                plots as overlaid per-chain step lines)
//	Energy          marginal vs transition energy, with E-BFMI per chain
//	Remedies        each remedy's effect on the outcome, with P(reduces)
//	EffectHorizon   an intervention's effect over the lag horizon
//	ConditionalEffect
//	                an effect across a moderator's values, with its band
//	Counterfactual  factual vs counterfactual outcome for chosen units
//	PPC             posterior predictive check for one node (density or bars)
//	DAG             the causal diagram; Layout returns its node positions
//
// Save(fig, "fig.pdf") writes a figure whole or not at all (temporary file in
// the same directory, then rename); Encode writes it to any io.Writer.
//
// Style: Liberation Sans (metric-compatible with Helvetica) at about 7.5 pt
// for a 3.5 in figure and 9 pt for 7 in, line widths scaled alike; the
// Okabe–Ito colour-blind-safe palette, with series also told apart by dash
// pattern and marker shape so that greyscale prints stay legible; bands and
// fills are opaque tints, since EPS has no transparency; legends and notes
// sit below the data, never on it.
//
// Format notes: PNG is rastered at Options.DPI (300 by default). PDF embeds
// the regular face only (gonum/plot's PDF backend can hold one font program
// per file), so bold text is overprinted; PDF and EPS text is encoded in
// Windows-1252, with arrows drawn as strokes and other characters outside it
// replaced. EPS text uses the core Helvetica fonts. SVG names its fonts
// without embedding them.
//
// To look at every figure kind at both widths, run
//
//	PLOTS_REVIEW_DIR=/tmp/plots-review go test ./plots/ -run Review
//
// and to rewrite the DAG layout golden files after an intended change,
//
//	go test ./plots/ -run Golden -update
package plots
