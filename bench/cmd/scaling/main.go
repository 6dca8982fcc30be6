// Command scaling fits simulated panels of growing size to show how
// dilemma's cost grows with the number of rows (issue 8):
//
//	go run ./bench/cmd/scaling -family gaussian -units 1000 -periods 120
//	go run ./bench/cmd/scaling -family bernoulli -units 1000 -periods 10,100,1000 -warmup 200 -samples 200
//
// Each run draws a panel of units × periods rows and six nodes from
// data.Simulate (x1 a root; x2 … x6 of the chosen family, with a lagged
// edge x3[t−1] -> x4 and unit intercepts on every node), binds the model
// below to it through package fit, times log density + gradient, fits it
// (fit.Run, 4 chains by default) and prints one line per size: rows,
// parameters, seconds to simulate and load, to compile, microseconds per
// gradient, fit wall seconds, min bulk-ESS over the edge strengths, the
// largest R-hat and the largest |posterior mean − truth| / posterior sd of
// the strengths. Peak memory: run the built binary under /usr/bin/time -v
// (see README.md).
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
	"dilemma/model/sem"
)

// edges of the simulated model: child, parent, lag, strength.
var edges = []struct {
	child, parent string
	lag           int
	coef          float64
}{
	{"x2", "x1", 0, 0.5},
	{"x3", "x1", 0, 0.3}, {"x3", "x2", 0, -0.4},
	{"x4", "x2", 0, 0.4}, {"x4", "x3", 1, 0.3},
	{"x5", "x3", 0, 0.5}, {"x5", "x4", 0, -0.3},
	{"x6", "x4", 0, 0.3}, {"x6", "x5", 0, 0.4},
}

func main() {
	family := flag.String("family", "gaussian", "family of x2 … x6: gaussian or bernoulli")
	units := flag.Int("units", 1000, "units")
	periods := flag.String("periods", "120", "periods per unit; a comma-separated list fits each size in turn")
	s := fit.DefaultSettings()
	flag.IntVar(&s.Chains, "chains", s.Chains, "chains")
	flag.IntVar(&s.Warmup, "warmup", s.Warmup, "warm-up iterations per chain")
	flag.IntVar(&s.Samples, "samples", s.Samples, "draws per chain")
	flag.Uint64Var(&s.Seed, "seed", s.Seed, "seed of the sampler and the simulation")
	gradOnly := flag.Bool("grad-only", false, "time the gradient only; do not fit")
	flag.Parse()
	if *family != "gaussian" && *family != "bernoulli" {
		fmt.Fprintln(os.Stderr, "scaling: -family must be gaussian or bernoulli")
		os.Exit(1)
	}
	fmt.Printf("family %s, %d units, %d chains × (%d + %d)\n", *family, *units, s.Chains, s.Warmup, s.Samples)
	fmt.Printf("%9s %7s %9s %9s %10s %9s %9s %8s %9s\n", "rows", "params", "load s", "compile s", "grad µs", "fit s", "min ESS", "max Rhat", "max |err|")
	for _, ps := range strings.Split(*periods, ",") {
		T, err := strconv.Atoi(strings.TrimSpace(ps))
		if err != nil || T < 2 {
			fmt.Fprintf(os.Stderr, "scaling: -periods %q: want integers of at least 2\n", ps)
			os.Exit(1)
		}
		if err := run(*family, *units, T, s, *gradOnly); err != nil {
			fmt.Fprintln(os.Stderr, "scaling:", err)
			os.Exit(1)
		}
	}
}

func modelText(family string) string {
	var b strings.Builder
	b.WriteString("dag scaling {\n  x1; x2; x3; x4; x5; x6\n")
	for _, e := range edges {
		if e.lag > 0 {
			fmt.Fprintf(&b, "  %s -> %s [lag=%d]\n", e.parent, e.child, e.lag)
		} else {
			fmt.Fprintf(&b, "  %s -> %s\n", e.parent, e.child)
		}
	}
	b.WriteString("}\nsettings {\n  x1 [column=\"x1\",family=\"gaussian\"]\n")
	for k := 2; k <= 6; k++ {
		fmt.Fprintf(&b, "  x%d [column=\"x%d\",family=%q]\n", k, k, family)
	}
	b.WriteString("}\n")
	return b.String()
}

func simSpec(family string, units, periods int, seed uint64) data.SimSpec {
	spec := data.SimSpec{Units: units, Periods: periods, Seed: seed}
	spec.Equations = append(spec.Equations, data.SimEquation{Node: "x1", UnitSD: 0.5, Sigma: 1})
	for k := 2; k <= 6; k++ {
		node := "x" + strconv.Itoa(k)
		eq := data.SimEquation{Node: node, Family: family, UnitSD: 0.5, Sigma: 0.8, Intercept: 0.1}
		for _, e := range edges {
			if e.child == node {
				eq.Parents = append(eq.Parents, data.SimParent{Node: e.parent, Lag: e.lag, Coef: e.coef})
			}
		}
		spec.Equations = append(spec.Equations, eq)
	}
	return spec
}

func run(family string, units, periods int, s fit.Settings, gradOnly bool) error {
	t0 := time.Now()
	panel, _, err := data.Simulate(simSpec(family, units, periods, s.Seed))
	if err != nil {
		return err
	}
	m, err := model.ParseString(modelText(family), "scaling")
	if err != nil {
		return err
	}
	pl, err := fit.NewPlan(m, panel, fit.Options{})
	if err != nil {
		return err
	}
	load := time.Since(t0).Seconds()
	t0 = time.Now()
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		return err
	}
	compile := time.Since(t0).Seconds()
	grad := gradientMicros(post)
	line := fmt.Sprintf("%9d %7d %9.2f %9.2f %10.1f", panel.NumRows(), post.Dim(), load, compile, grad)
	if gradOnly {
		fmt.Println(line)
		return nil
	}
	t0 = time.Now()
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		return err
	}
	wall := time.Since(t0).Seconds()
	minESS, maxRhat, maxErr := math.Inf(1), 0.0, 0.0
	truth := map[string]float64{}
	for _, e := range edges {
		name := "b." + e.parent + "." + e.child
		if e.lag > 0 {
			name = "b." + e.parent + ".lag" + strconv.Itoa(e.lag) + "." + e.child
		}
		truth[name] = e.coef
	}
	for _, es := range f.Edges {
		minESS = math.Min(minESS, es.ESSBulk)
		maxRhat = math.Max(maxRhat, es.Rhat)
		if t, ok := truth[es.Name]; ok {
			maxErr = math.Max(maxErr, math.Abs(es.Mean-t)/es.SD)
		}
	}
	for _, sm := range f.Summaries {
		maxRhat = math.Max(maxRhat, sm.Rhat)
	}
	fmt.Printf("%s %9.1f %9.0f %8.3f %9.2f\n", line, wall, minESS, maxRhat, maxErr)
	return nil
}

// gradientMicros times log density + gradient at a random point for about
// a second.
func gradientMicros(post *sem.Posterior) float64 {
	rng := rand.New(rand.NewPCG(7, 1))
	x := make([]float64, post.Dim())
	for i := range x {
		x[i] = 0.3 * rng.NormFloat64()
	}
	g := make([]float64, post.Dim())
	n := 0
	t0 := time.Now()
	for time.Since(t0) < time.Second {
		post.LogDensityGrad(x, g)
		n++
	}
	return time.Since(t0).Seconds() / float64(n) * 1e6
}
