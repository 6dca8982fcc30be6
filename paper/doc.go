// Package paper runs the whole analysis of the non-traditional security
// dilemma on a panel and writes it as a report: it fits the traditional
// (fig1) and the non-traditional model with remedies (fig2-remedies),
// answers the paper's three questions — is there a non-traditional
// dilemma, why, and how to resolve it — and writes report.md and
// report.html with every figure and table, the data's attribution and the
// quality of each measure, the diagnostics and the manifests.
//
// When the outcome's column is a count (data.ShapeOf), the report also
// compares the families that can produce it (CountFamilies; the binomial
// two with the outcome's trials= or the column ShapeOf finds bounding the
// count) by PSIS-LOO: the outcome's equation is fitted alone, its parents
// as exogenous roots read through the same columns and transforms, which
// binds the same likelihood for the outcome as the full model, at the
// run's chain lengths.
//
// Unless Options.SkipStructure, the report then compares panel structures
// of the non-traditional model (structure.go): the main fit (random unit
// intercepts; 'dilemma paper' adds fixed period effects by default,
// DefaultTimeEffects), a refit with within-unit effects
// (fit.Settings.UnitEffects "within": every parent's unit mean as a
// covariate) and one with the main fit's period effects switched (fixed
// when it has none, none when it has them), at the same chain settings, by
// PSIS-LOO on the outcome's column. Its "Panel structure" section gives
// the elpd differences, each remedy's effect under each structure, and a
// verdict computed from the numbers: a structure other than the main one
// is supported only when it leads it by more than two standard errors. A
// refit that fails is reported in the section and the rest of the paper
// stands; a cancelled context stops the run.
//
// The paper is report.Run's report on any model with the paper's narrative
// around it: its text, figures and tables go through a report.Document, and
// every section that is the same for any model (measures, signs, prior
// sensitivity, implications with repair hints, the PSIS-LOO comparison,
// mediation, remedies, counterfactuals, diagnostics and misfits, the
// data's attribution) is the Document's; this package adds the two-model
// framing, the three questions, the outcome's family comparison and the
// notes that only the built-in models need.
//
// The output directory is written whole or not at all: everything goes to
// a temporary directory beside it, renamed into place at the end.
package paper
