// Package dilemma is the root of the dilemma toolkit: causal graphs, panel
// data and Bayesian inference for empirical international-relations
// research. The work happens in its packages:
//
//	data        panel CSV loading, validation, transforms, the embedded panel
//	model       causal graphs in dagitty syntax, identification, built-in models
//	model/sem   the compiled log posterior of a graph on a panel
//	inference   Stan's NUTS sampler; diagnostics and CmdStan CSV in subpackages
//	plots       figures for papers
//	cmd/dilemma the command line
package dilemma

// Version is the toolkit's version, written into fit manifests and printed
// by "dilemma version".
const Version = "0.1.0-dev"
