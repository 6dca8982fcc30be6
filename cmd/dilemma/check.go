package main

import (
	"errors"
	"flag"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"dilemma/fit"
)

// Limits of the sampler flags. Larger values are refused before any work:
// chains run in parallel, each with its own copy of the model and data.
const (
	maxChains     = 256
	maxIterations = 10_000_000 // per chain, for --warmup and --samples
)

// checkSettings checks the sampler flags of fit and paper, naming the flag
// of the first bad value. minSamples is the fewest draws the command can
// summarise.
func checkSettings(s fit.Settings, minSamples int) error {
	switch {
	case s.Chains < 1 || s.Chains > maxChains:
		return usagef("--chains %d: want 1 to %d", s.Chains, maxChains)
	case s.Warmup < 0 || s.Warmup > maxIterations:
		return usagef("--warmup %d: want 0 to %d iterations", s.Warmup, maxIterations)
	case s.Samples < minSamples || s.Samples > maxIterations:
		return usagef("--samples %d: want %d to %d draws per chain", s.Samples, minSamples, maxIterations)
	case s.MaxDepth < 1 || s.MaxDepth > 30:
		return usagef("--max-depth %d: want 1 to 30", s.MaxDepth)
	case !(s.AdaptDelta > 0 && s.AdaptDelta < 1):
		return usagef("--adapt-delta %g: want a number strictly between 0 and 1, e.g. 0.8 or 0.95", s.AdaptDelta)
	case s.Metric != "diag_e" && s.Metric != "dense_e":
		return usagef("--metric %q: want diag_e or dense_e", s.Metric)
	}
	switch s.Time {
	case "", "none", "fixed", "random-walk", "rw":
	default:
		return usagef("--time-effects %q: want none, fixed or random-walk", s.Time)
	}
	switch s.RE {
	case "", "auto", "centred", "centered", "non-centred", "non-centered", "noncentred", "noncentered":
	default:
		return usagef("--unit-intercepts %q: want auto, centred or non-centred", s.RE)
	}
	switch s.UnitEffects {
	case "", "random", "within", "none":
	default:
		return usagef("--unit-effects %q: want random, within or none", s.UnitEffects)
	}
	switch s.Missing {
	case "", "model", "drop":
	default:
		return usagef("--missing %q: want model or drop", s.Missing)
	}
	switch s.LatentValues {
	case "", "conditional", "direct":
	default:
		return usagef("--latent-values %q: want conditional or direct", s.LatentValues)
	}
	if _, err := s.ModelOptions(); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// checkMemory refuses a fit whose draws would not fit in memory, naming
// the flags that size them.
func checkMemory(pl *fit.Plan, s fit.Settings) error {
	err := fit.CheckMemory(pl, s)
	var me *fit.MemoryError
	if errors.As(err, &me) {
		return usagef("--samples %d with --chains %d: %v; lower --samples or --chains", s.Samples, s.Chains, err)
	}
	return inputErr(err)
}

// checkOutDir checks, before any work, that dir can become the output
// directory of a command that writes it whole: it is absent, empty, or an
// earlier output of the same kind (holding the file marker, e.g.
// manifest.json), and the place it goes is writable. flagName and what
// name the flag and the kind of directory in the message.
func checkOutDir(flagName, dir, marker, what string) error {
	if dir == "" {
		return usagef("%s: empty path", flagName)
	}
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return usagef("%s %s: exists and is a file, not a directory", flagName, dir)
	case err == nil:
		entries, err := os.ReadDir(dir)
		if err != nil {
			return usagef("%s %s: %v", flagName, dir, unwrapPath(err))
		}
		if len(entries) > 0 {
			if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
				return usagef("%s %s: exists and is not a %s (no %s); choose another directory", flagName, dir, what, marker)
			}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return usagef("%s %s: %v", flagName, dir, unwrapPath(err))
	}
	return checkWritable(flagName, filepath.Dir(filepath.Clean(dir)))
}

// checkOutFile checks, before any work, that path can be written: not a
// directory, in a directory that exists and is writable.
func checkOutFile(flagName, path string) error {
	if path == "" {
		return usagef("%s: empty path", flagName)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usagef("%s %s: is a directory; name a file", flagName, path)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		return usagef("%s %s: directory %s does not exist", flagName, path, dir)
	}
	if !fi.IsDir() {
		return usagef("%s %s: %s is not a directory", flagName, path, dir)
	}
	return checkWritable(flagName, dir)
}

// checkWritable checks that a file can be created in dir or, when dir does
// not exist yet, in its nearest existing ancestor (the command creates
// the directories between).
func checkWritable(flagName, dir string) error {
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return usagef("%s: %s is a file, not a directory", flagName, dir)
			}
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	probe, err := os.CreateTemp(dir, ".dilemma-write-test-")
	if err != nil {
		return usagef("%s: cannot write in %s: %v", flagName, dir, unwrapPath(err))
	}
	name := probe.Name()
	probe.Close()
	os.Remove(name)
	return nil
}

// unwrapPath drops the path and operation of a *fs.PathError (the message
// names the path already).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkFinite refuses NaN and infinite values of a float flag.
func checkFinite(flagName string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return usagef("--%s %v: want a finite number", flagName, v)
	}
	return nil
}

// setFlags returns the names of the flags given on the command line.
// reportSamplerFlags registers the sampler flags that 'dilemma report' and
// 'dilemma paper' share (each of their fits uses them); 'dilemma fit' has
// the full set with longer help.
func reportSamplerFlags(fs *flag.FlagSet, s *fit.Settings) {
	fs.IntVar(&s.Chains, "chains", s.Chains, "chains per fit")
	fs.IntVar(&s.Warmup, "warmup", s.Warmup, "warm-up iterations per chain")
	fs.IntVar(&s.Samples, "samples", s.Samples, "kept draws per chain")
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "random seed")
	fs.StringVar(&s.LatentValues, "latent-values", s.LatentValues, "sampler coordinates of latent values: conditional or direct")
	fs.StringVar(&s.Missing, "missing", s.Missing, "missing values where a node does not say (missing=): model (imputed inside the model) or drop (rows left out)")
	fs.StringVar(&s.Time, "time-effects", s.Time, "period effects where a node does not say (time_effects=): none, fixed or random-walk")
	fs.StringVar(&s.UnitEffects, "unit-effects", s.UnitEffects, "unit effects where a node does not say (unit_effects=): random, within or none")
}

func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// noteStaleTemps notes temporary directories of earlier runs writing dir
// that something stopped without a chance to clean up (SIGKILL, a power
// cut): .DIR.tmp-* beside it. They are the user's to remove; another run
// may still be writing one.
func noteStaleTemps(e *env, dir string) {
	dir = filepath.Clean(dir)
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-*"))
	for _, p := range m {
		e.logf("note: %s is the temporary directory of an earlier run that was killed (or of a run still going); remove it when no run writes %s\n", p, dir)
	}
}
