// Package report turns models, fits and causal queries into the inputs of
// package plots and the tables of package table: it is the glue between a
// posterior and a figure or table that goes into a paper without retouching.
//
//	DAGInput        the causal diagram of a model, with each estimated edge's
//	                posterior median and 90% interval when a fit is given
//	Forest          every edge strength's posterior (loadings apart: Loadings)
//	Contraction     prior density against posterior draws per edge strength,
//	                with the prior's exact variance for the contraction
//	Traces, Divergent, Energy
//	                MCMC diagnostics inputs (plots.Traces, plots.Ranks,
//	                plots.Energy), divergences marked
//	PPC             observed values against data sets replicated at thinned
//	                posterior draws, per observed node or indicator (the
//	                arithmetic lives in package report/predict)
//	RemedyEffects, HorizonPoints, UnitCounterfactual
//	                query results (package query) for the remedies,
//	                effect-horizon and counterfactual figures; the
//	                conditional figure draws query.Engine.Conditional over a
//	                moderator's observed range (plots.ConditionalEffect)
//	EdgeTable       the edge table, full or narrow enough for a paper,
//	                rendered by package table as text, CSV, Markdown or LaTeX
//	Figure          one figure of a named kind, as `dilemma plot` draws it
//	CompareFits     PSIS-LOO on the data column fits share, with stacking
//	CrossValidate   leave-units-out cross-validation by refitting K times
//	Run             the report on any model (`dilemma report`): measures,
//	                edges, prior sensitivity, implications with repair
//	                hints, comparison with rivals, mediation and remedies
//	                where node roles say, counterfactuals, diagnostics,
//	                misfits and the data's attribution
//	Document        a report being written (Markdown, figures, tables);
//	                its sections are those Run writes, and package paper
//	                writes the paper through it; Output writes the
//	                directory whole or not at all
//
// Nothing in the package names a node of the built-in models: the report
// finds the outcome, the mediators and the remedies by their attributes
// (outcome, role="mediator", role="remedy", exposure), and a test searches
// the package's sources for every built-in node name.
//
// Names: figures write node names with spaces for underscores (Display) and
// edges as "parent → child" with "(t−k)" after a lagged parent; a node's
// label= attribute, when set, is used in the diagram instead. Tables keep
// the names as the model file spells them.
//
// Loadings (the measurement model of latent nodes) are not causal edges:
// Forest, Contraction, the default trace and rank figures and the paper
// table leave them out; Loadings (figure kind "loadings") shows them, and
// --params can name them.
//
// Tests: go test ./report/... fits a small simulated panel (2 chains × 200 +
// 200 draws, about two seconds), draws every figure kind from it, checks the
// adapters against the fit's and the query engine's own numbers, checks the
// predictive-check arithmetic against a hand-computed linear predictor and
// against package model/sem's log likelihood (report/predict), and pins the
// LaTeX, Markdown, text and CSV edge tables in golden files; after an
// intended change to a table, run
//
//	go test ./report/ -run Golden -update
package report
