// Package bench measures dilemma against Stan and against itself. It has
// no library code: the benchmarks of the log density on the embedded panel
// live in its tests, and the tools in its cmd directory.
//
//	go test -run '^$' -bench . -benchmem ./bench/
//
// times log density + gradient for every family (one equation each on real
// columns of the embedded panel) and for the whole bench models
// (panel2.dag, slopes.dag, ordered.dag, bernoulli.dag, betabin.dag and the built-in
// fig2). See README.md for the side-by-side comparison with Stan (run.sh)
// and the scaling study (cmd/scaling).
package bench
