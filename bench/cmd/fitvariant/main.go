// Command fitvariant fits a model as `dilemma fit` does (fit.Prepare,
// fit.Run, Fit.Write) with modelling choices the command line does not
// offer yet, to measure each performance lever on its own:
//
//	go run ./bench/cmd/fitvariant -model fig2 -latent conditional -metric diag_e -re auto [-out DIR]
//
// With -out it writes the fit directory as dilemma fit does (-save-latent
// as its --save-latent). It prints one line: parameters, wall seconds of fit.Run, the slowest
// chain's warm-up + sampling seconds, gradient evaluations, min bulk-ESS
// over every parameter (and which), min bulk-ESS per second, divergences
// and the largest R-hat.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"time"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/inference/diagnostics"
	"dilemma/model/sem"
)

func main() {
	model := flag.String("model", "", "built-in model name or model file")
	s := fit.DefaultSettings()
	flag.IntVar(&s.Chains, "chains", s.Chains, "chains")
	flag.IntVar(&s.Warmup, "warmup", s.Warmup, "warm-up iterations per chain")
	flag.IntVar(&s.Samples, "samples", s.Samples, "draws per chain")
	flag.Uint64Var(&s.Seed, "seed", s.Seed, "seed")
	flag.StringVar(&s.Metric, "metric", s.Metric, "diag_e or dense_e")
	flag.StringVar(&s.RE, "re", s.RE, "unit intercepts: auto, centred or non-centred")
	latent := flag.String("latent", "conditional", "latent values: conditional or direct")
	flag.BoolVar(&s.SaveLatent, "save-latent", false, "write latent values to the chain files too")
	out := flag.String("out", "", "write the fit directory here")
	flag.Parse()
	if *model == "" {
		fmt.Fprintln(os.Stderr, "usage: fitvariant -model MODEL [-latent direct|conditional] [-metric diag_e|dense_e] [-re auto|centred|non-centred] [-out DIR]")
		os.Exit(1)
	}
	if err := run(*model, s, *latent, *out); err != nil {
		fmt.Fprintln(os.Stderr, "fitvariant:", err)
		os.Exit(1)
	}
}

func run(model string, s fit.Settings, latent, out string) error {
	opt, err := s.ModelOptions()
	if err != nil {
		return err
	}
	pl, err := fit.Prepare(model, "", data.Options{}, opt)
	if err != nil {
		return err
	}
	var lv sem.LatentValues
	switch latent {
	case "direct":
	case "conditional":
		lv = sem.LatentConditional
	default:
		return fmt.Errorf("-latent %q: want direct or conditional", latent)
	}
	for i := range pl.Spec.Latents {
		pl.Spec.Latents[i].Values = lv
	}
	t0 := time.Now()
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		return err
	}
	wall := time.Since(t0).Seconds()
	slowest := 0.0
	for c := range f.Manifest.Timing.Warmup {
		slowest = math.Max(slowest, f.Manifest.Timing.Warmup[c]+f.Manifest.Timing.Sampling[c])
	}
	var evals int64
	for _, n := range f.Manifest.Timing.GradEvals {
		evals += n
	}
	minESS, minName, maxRhat := math.Inf(1), "", 0.0
	var sums []diagnostics.Summary
	for _, name := range f.Names {
		sm := diagnostics.Summarize(name, f.Param(name))
		sums = append(sums, sm)
		if sm.ESSBulk < minESS {
			minESS, minName = sm.ESSBulk, name
		}
		maxRhat = math.Max(maxRhat, sm.Rhat)
	}
	sort.Slice(sums, func(i, j int) bool { return sums[i].ESSBulk < sums[j].ESSBulk })
	fmt.Fprint(os.Stderr, "   worst bulk-ESS:")
	for _, sm := range sums[:min(8, len(sums))] {
		fmt.Fprintf(os.Stderr, " %s %.0f;", sm.Name, sm.ESSBulk)
	}
	fmt.Fprintln(os.Stderr)
	div := 0
	for _, ch := range f.Stats {
		for _, v := range ch[5] {
			if v != 0 {
				div++
			}
		}
	}
	for _, e := range f.Posterior.Equations() {
		fmt.Fprintln(os.Stderr, "  ", e)
	}
	fmt.Printf("%s latent=%s metric=%s re=%s: %d params, run %.2f s, slowest chain %.2f s, %d gradients (%.1f µs each), min bulk-ESS %.0f (%s), %.1f ESS/s, %d divergences, max R-hat %.3f\n",
		model, latent, s.Metric, s.RE, len(f.Names), wall, slowest, evals, slowest*float64(s.Chains)/float64(evals)*1e6/2,
		minESS, minName, minESS/wall, div, maxRhat)
	if out != "" {
		return f.Write(out)
	}
	return nil
}
