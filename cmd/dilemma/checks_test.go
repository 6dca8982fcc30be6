package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"dilemma/data"
)

// TestMain lets a test run this package's main in a subprocess (the
// signal tests): with DILEMMA_TEST_MAIN=1 the test binary is dilemma.
func TestMain(m *testing.M) {
	if os.Getenv("DILEMMA_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// cliCase is one command line and what it must do: its exit status, a
// text its first stderr line must contain, and, for commands that write,
// no file left behind in the case's directory.
type cliCase struct {
	name   string
	args   []string
	status int
	first  string // substring of stderr's first line
}

// runCases runs each case in its own working directory (so that relative
// outputs such as fit-MODEL land there) and checks status, the first line
// of stderr and that the directory is left as it was.
func runCases(t *testing.T, dir string, cases []cliCase) {
	t.Helper()
	before := listTree(t, dir)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errs, st := runCLI(t, c.args...)
			first, _, _ := strings.Cut(errs, "\n")
			if st != c.status || !strings.Contains(first, c.first) {
				t.Errorf("dilemma %s: status %d, first stderr line %q; want status %d and a line with %q",
					strings.Join(c.args, " "), st, first, c.status, c.first)
			}
			if strings.Contains(errs, "goroutine ") || strings.Contains(errs, "panic:") {
				t.Errorf("a Go trace on stderr:\n%s", errs)
			}
			if after := listTree(t, dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
				t.Errorf("files changed in %s: before %v, after %v", dir, before, after)
			}
		})
	}
}

// listTree lists every path under dir, sorted.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// chdir changes the working directory for the rest of the test.
func chdir(t *testing.T, dir string) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })
}

// Check before work, refuse cleanly: every case is refused before any
// sampling (the embedded panel, full-size defaults: a case that sampled
// would take minutes), with exit status 1, a first stderr line naming the
// flag, and nothing written.
func TestCheckBeforeWork(t *testing.T) {
	dir := t.TempDir()
	chdir(t, dir)
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "not-a-fit")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	runCases(t, dir, []cliCase{
		{"fit out is a file", []string{"fit", "fig1", "--out", file}, 1, "dilemma fit: --out " + file + ": exists and is a file"},
		{"fit out is another directory", []string{"fit", "fig1", "--out", other}, 1, "is not a fit directory"},
		{"fit out under a file", []string{"fit", "fig1", "--out", filepath.Join(file, "sub")}, 1, "--out"},
		{"fit memory", []string{"fit", "fig1", "--samples", "1000000"}, 1, "dilemma fit: --samples 1000000 with --chains 4: the draws need"},
		{"fit chains negative", []string{"fit", "fig1", "--chains", "-1"}, 1, "dilemma fit: --chains -1: want 1 to"},
		{"fit chains zero", []string{"fit", "fig1", "--chains", "0"}, 1, "--chains 0"},
		{"fit chains huge", []string{"fit", "fig1", "--chains", "100000"}, 1, "--chains 100000"},
		{"fit samples zero", []string{"fit", "fig1", "--samples", "0"}, 1, "--samples 0"},
		{"fit samples huge", []string{"fit", "fig1", "--samples", "9223372036854775807"}, 1, "--samples 9223372036854775807"},
		{"fit samples overflow", []string{"fit", "fig1", "--samples", "99999999999999999999"}, 1, "samples"},
		{"fit warmup negative", []string{"fit", "fig1", "--warmup", "-5"}, 1, "--warmup -5"},
		{"fit adapt-delta NaN", []string{"fit", "fig1", "--adapt-delta", "NaN"}, 1, "--adapt-delta NaN"},
		{"fit adapt-delta 1", []string{"fit", "fig1", "--adapt-delta", "1"}, 1, "--adapt-delta 1"},
		{"fit max-depth", []string{"fit", "fig1", "--max-depth", "100"}, 1, "--max-depth 100"},
		{"fit metric", []string{"fit", "fig1", "--metric", "euclid"}, 1, "--metric \"euclid\""},
		{"fit time effects", []string{"fit", "fig1", "--time-effects", "yearly"}, 1, "--time-effects \"yearly\""},
		{"fit unit intercepts", []string{"fit", "fig1", "--unit-intercepts", "x"}, 1, "--unit-intercepts \"x\""},
		{"fit latent values", []string{"fit", "fig1", "--latent-values", "x"}, 1, "--latent-values \"x\""},
		{"fit format", []string{"fit", "fig1", "--format", "xml"}, 1, "unknown table format"},
		{"fit two models", []string{"fit", "fig1", "fig2"}, 1, "give one MODEL"},
		{"paper out is a file", []string{"paper", "--out", file}, 1, "dilemma paper: --out " + file + ": exists and is a file"},
		{"paper out is another directory", []string{"paper", "--out", other}, 1, "is not a report directory"},
		{"paper width zero", []string{"paper", "--out", "r", "--width", "0"}, 1, "--width 0"},
		{"paper width NaN", []string{"paper", "--out", "r", "--width", "NaN"}, 1, "--width NaN"},
		{"paper width huge", []string{"paper", "--out", "r", "--width", "100"}, 1, "--width 100"},
		{"paper horizon zero", []string{"paper", "--out", "r", "--horizon", "0"}, 1, "--horizon 0"},
		{"paper horizon past the data", []string{"paper", "--out", "r", "--horizon", "36"}, 1, "--horizon 36: want 1 to 35 periods"},
		{"paper unit", []string{"paper", "--out", "r", "--units", "USA,XYZ"}, 1, "--units: XYZ is not a unit of the data"},
		{"paper period", []string{"paper", "--out", "r", "--period", "2031-01"}, 1, "--period 2031-01: not a period of the data"},
		{"paper exposure", []string{"paper", "--out", "r", "--exposure", "nosuch"}, 1, "--exposure nosuch: no such node"},
		{"paper mediator unestimated", []string{"paper", "--out", "r", "--mediator", "anarchy"}, 1, "--mediator anarchy: the node is not estimated"},
		{"paper mediator off path", []string{"paper", "--out", "r", "--mediator", "threat"}, 1, "--mediator threat is not on a causal path"},
		{"paper outcome", []string{"paper", "--out", "r", "--outcome", "nosuch"}, 1, "--outcome nosuch"},
		{"paper model", []string{"paper", "--out", "r", "--nontraditional", "nosuch"}, 1, "nosuch"},
		{"paper same model twice", []string{"paper", "--out", "r", "--traditional", "fig2-remedies"}, 1, "--traditional fig2-remedies and --nontraditional fig2-remedies"},
		{"paper samples", []string{"paper", "--out", "r", "--samples", "5"}, 1, "--samples 5"},
		{"paper memory", []string{"paper", "--out", "r", "--samples", "1000000"}, 1, "the draws need"},
	})
	// Refusals come before sampling: all of them together take seconds.
	if el := time.Since(start); el > 2*time.Minute {
		t.Errorf("the refusals took %v: some case did work before refusing", el)
	}
}

// lagFitDir writes a short fit of a model whose only path from x to y runs
// through a lagged edge (x -> m [lag=1] -> y, strengths 0.8 and 0.8), on a
// simulated panel of 12 periods.
func lagFitDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	csvPath := simulatedPanelCSV(t, dir, data.SimSpec{Units: 15, Periods: 12, Seed: 5, Equations: []data.SimEquation{
		{Node: "x", Sigma: 1},
		{Node: "m", Sigma: 1, Parents: []data.SimParent{{Node: "x", Lag: 1, Coef: 0.8}}},
		{Node: "y", Sigma: 1, Parents: []data.SimParent{{Node: "m", Coef: 0.8}}},
	}})
	modelPath := filepath.Join(dir, "lag.dag")
	model := "dag {\n  x -> m [lag=1, sign=\"+\"]\n  m -> y [sign=\"+\"]\n  y [outcome]\n}\nsettings {\n  x [column=\"x\"]\n  m [column=\"m\"]\n  y [column=\"y\"]\n}\n"
	if err := os.WriteFile(modelPath, []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "fit")
	if _, errs, st := runCLI(t, "fit", modelPath, "--data", csvPath, "--unit", "unit", "--time", "period",
		"--chains", "2", "--warmup", "150", "--samples", "100", "--out", out, "--quiet"); st != 0 {
		t.Fatalf("fit: status %d: %s", st, errs)
	}
	return out
}

// Bounds: --horizon past the data's periods is refused by every query
// command; a path that runs only through lagged edges at horizon 0 is
// refused with the horizon it needs (and sensitivity prints no grid).
func TestHorizonBounds(t *testing.T) {
	fitDir := lagFitDir(t)
	work := t.TempDir()
	chdir(t, work)
	lagged := "the effect of x on y runs only through lagged edges: the shortest causal path takes 1 period(s), beyond --horizon 0; use --horizon ≥ 1"
	runCases(t, work, []cliCase{
		{"query lagged only", []string{"query", fitDir, "do(x = +1)", "--outcome", "y", "--quiet"}, 1, "dilemma query: " + lagged},
		{"mediate lagged only", []string{"mediate", fitDir, "--exposure", "x", "--mediator", "m", "--outcome", "y", "--quiet"}, 1, "dilemma mediate: " + lagged},
		{"counterfactual lagged only", []string{"counterfactual", fitDir, "--unit", "U001", "--time", "5", "--set", "x=+1", "--outcome", "y", "--quiet"}, 1, "dilemma counterfactual: " + lagged},
		{"sensitivity lagged only", []string{"sensitivity", fitDir, "--exposure", "x", "--outcome", "y", "--quiet"}, 1, "dilemma sensitivity: " + lagged},
		{"query horizon past the data", []string{"query", fitDir, "do(x = +1)", "--outcome", "y", "--horizon", "1000000", "--quiet"}, 1, "--horizon 1000000: the data have 12 periods, so a horizon reaches at most 11"},
		{"remedies horizon past the data", []string{"remedies", fitDir, "--horizon", "12", "--quiet"}, 1, "--horizon 12: the data have 12 periods"},
		{"counterfactual horizon past the data", []string{"counterfactual", fitDir, "--unit", "U001", "--time", "5", "--set", "x=+1", "--outcome", "y", "--horizon", "99", "--quiet"}, 1, "--horizon 99"},
		{"sensitivity horizon past the data", []string{"sensitivity", fitDir, "--exposure", "x", "--outcome", "y", "--horizon", "99", "--quiet"}, 1, "--horizon 99"},
		{"plot horizon past the data", []string{"plot", fitDir, "--kind", "effect-horizon", "--do", "do(x = +1)", "--outcome", "y", "--horizon", "1000000", "--out", "h.pdf"}, 1, "--horizon 1000000"},
	})
	// With the horizon the path needs, the effect is there (simulated 0.64).
	out, errs, st := runCLI(t, "query", fitDir, "do(x = +1)", "--outcome", "y", "--horizon", "1", "--quiet")
	if st != 0 {
		t.Fatalf("query --horizon 1: status %d: %s", st, errs)
	}
	if !regexp.MustCompile(`(?m)^\s+1\s+\d+\s+0\.[4-8]`).MatchString(out) {
		t.Errorf("query --horizon 1: want an effect near 0.6 at period 1:\n%s", out)
	}
	out, errs, st = runCLI(t, "sensitivity", fitDir, "--exposure", "x", "--outcome", "y", "--horizon", "1", "--quiet")
	if st != 0 || !strings.Contains(out, "fitted effect: mean 0.") {
		t.Errorf("sensitivity --horizon 1: status %d, %s\n%s", st, errs, out)
	}
}

// Exit 1 for every user error, 2 only for internal faults, one line on
// stderr and never a Go trace.
func TestExitStatuses(t *testing.T) {
	register(&command{name: "test-panic", hidden: true, usage: "test", run: func(*env, []string) error {
		var m map[string]int
		m["x"]++ // a nil-map write: a runtime panic
		return nil
	}})
	defer delete(commands, "test-panic")
	fitDir := queryFitDir(t)
	work := t.TempDir()
	chdir(t, work)
	runCases(t, work, []cliCase{
		{"internal fault", []string{"test-panic"}, 2, "dilemma: internal error (please report it): assignment to entry in nil map"},
		{"help nosuch", []string{"help", "nosuch"}, 1, "dilemma help: no command \"nosuch\""},
		{"unknown command", []string{"frobnicate"}, 1, "unknown command"},
		{"graph without subcommand", []string{"graph"}, 1, "dilemma graph: name a subcommand: adjust, dsep, export, implications, paths, show"},
		{"graph unknown subcommand", []string{"graph", "draw"}, 1, "unknown subcommand \"draw\""},
		{"query level NaN", []string{"query", fitDir, "do(x = +1)", "--level", "NaN"}, 1, "--level NaN"},
		{"query horizon negative", []string{"query", fitDir, "do(x = +1)", "--horizon", "-1"}, 1, "--horizon -1"},
		{"query out missing directory", []string{"query", fitDir, "do(x = +1)", "--out", "nodir/d.csv"}, 1, "--out nodir/d.csv: directory nodir does not exist"},
		{"query out is a directory", []string{"query", fitDir, "do(x = +1)", "--out", work}, 1, "is a directory"},
		{"query format", []string{"query", fitDir, "do(x = +1)", "--format", "xml"}, 1, "unknown table format"},
		{"sensitivity prior-sd NaN", []string{"sensitivity", fitDir, "--exposure", "x", "--prior-sd", "NaN"}, 1, "--prior-sd NaN"},
		{"sensitivity prior-sd negative", []string{"sensitivity", fitDir, "--exposure", "x", "--prior-sd", "-1"}, 1, "--prior-sd -1"},
		{"sensitivity a NaN", []string{"sensitivity", fitDir, "--exposure", "x", "--a", "0,NaN"}, 1, "--a: \"NaN\" is not a finite number"},
		{"sensitivity b Inf", []string{"sensitivity", fitDir, "--exposure", "x", "--b", "Inf"}, 1, "--b: \"Inf\""},
		{"plot dpi zero", []string{"plot", fitDir, "--kind", "forest", "--out", "f.png", "--dpi", "0"}, 1, "--dpi 0"},
		{"plot width zero", []string{"plot", fitDir, "--kind", "forest", "--out", "f.png", "--width", "0"}, 1, "--width 0"},
		{"plot width NaN", []string{"plot", fitDir, "--kind", "forest", "--out", "f.png", "--width", "NaN"}, 1, "--width NaN"},
		{"plot height huge", []string{"plot", fitDir, "--kind", "forest", "--out", "f.png", "--height", "1e9"}, 1, "height"},
		{"plot draws zero", []string{"plot", fitDir, "--kind", "ppc", "--node", "y", "--out", "f.png", "--draws", "0"}, 1, "--draws 0"},
		{"plot out missing directory", []string{"plot", fitDir, "--kind", "forest", "--out", "nodir/f.pdf"}, 1, "--out nodir/f.pdf: directory nodir does not exist"},
		{"graph export out missing directory", []string{"graph", "export", "fig2", "--out", "nodir/m.dag"}, 1, "--out nodir/m.dag"},
		{"fit from with a setting", []string{"fit", "--from", filepath.Join(fitDir, "manifest.json"), "--chains", "2"}, 1, "--chains cannot be combined with --from"},
		{"fit from onto itself", []string{"fit", "--from", filepath.Join(fitDir, "manifest.json"), "--out", fitDir}, 1, "is the directory of the fit being rerun"},
		{"fit from missing", []string{"fit", "--from", "nosuch.json"}, 1, "nosuch.json"},
		{"fit empty out", []string{"fit", "fig1", "--out", ""}, 1, "dilemma fit: --out: empty value"},
		{"fit empty data", []string{"fit", "fig1", "--data", ""}, 1, "dilemma fit: --data: empty value"},
		{"fit key without data", []string{"fit", "fig1", "--unit", "country"}, 1, "dilemma fit: --unit names a key column of a CSV"},
		{"paper key without data", []string{"paper", "--out", "r", "--time", "2021-04"}, 1, "dilemma paper: --time names a key column of a CSV"},
		{"describe key without CSV", []string{"data", "describe", "--time", "year"}, 1, "--time names a key column"},
		{"implications key without CSV", []string{"graph", "implications", "fig2", "--test", "--unit", "country"}, 1, "dilemma graph implications: --unit names a key column"},
		{"validate range without column", []string{"data", "validate", "nosuch.csv", "--range", "=1:2"}, 1, "want col=min:max"},
	})
}

// fit --from without --out never replaces the fit it reruns: it writes
// DIR-rerun (then DIR-rerun-2, …) and says so; the draws are the same.
func TestFitFromWithoutOut(t *testing.T) {
	fitDir := queryFitDir(t)
	orig, err := os.ReadFile(filepath.Join(fitDir, "chain-1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{fitDir + "-rerun", fitDir + "-rerun-2"} {
		_, errs, st := runCLI(t, "fit", "--from", fitDir)
		if st != 0 {
			t.Fatalf("rerun %d: status %d: %s", i+1, st, errs)
		}
		if first, _, _ := strings.Cut(errs, "\n"); !strings.Contains(first, "writing to "+want) {
			t.Errorf("rerun %d: first stderr line %q does not say it writes %s", i+1, first, want)
		}
		again, err := os.ReadFile(filepath.Join(want, "chain-1.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(orig, again) {
			t.Errorf("rerun %d: chain-1.csv differs from the original", i+1)
		}
	}
	now, err := os.ReadFile(filepath.Join(fitDir, "chain-1.csv"))
	if err != nil || !bytes.Equal(orig, now) {
		t.Errorf("the original fit changed (%v)", err)
	}
}

// Packaging: help of the command groups, plot -h names only commands that
// exist, the version names its commit, parameters in both spellings.
func TestPackagingCommands(t *testing.T) {
	for _, g := range [][]string{{"graph", "-h"}, {"help", "graph"}, {"data", "-h"}, {"data", "--help"}} {
		out, errs, st := runCLI(t, g...)
		if st != 0 || !strings.Contains(out, "Subcommands:") {
			t.Errorf("dilemma %s: status %d, stdout %q, stderr %q", strings.Join(g, " "), st, out, errs)
		}
		for _, sub := range groupCommands(g[0]) {
			if !strings.Contains(out, "  "+sub+" ") {
				t.Errorf("dilemma %s does not list %s:\n%s", strings.Join(g, " "), sub, out)
			}
		}
	}
	if subs := groupCommands("graph"); len(subs) != 7 {
		t.Errorf("graph subcommands %v", subs)
	}
	// Every "dilemma WORD" in every command's help names a command.
	for name, c := range commands {
		for _, m := range regexp.MustCompile(`'dilemma ([a-z-]+)`).FindAllStringSubmatch(c.usage, -1) {
			if _, ok := commands[m[1]]; !ok && groupOf(m[1]) == "" {
				t.Errorf("dilemma %s -h names 'dilemma %s', which does not exist", name, m[1])
			}
		}
	}
	out, _, st := runCLI(t, "version")
	if st != 0 || !regexp.MustCompile(`(?m)^commit \S+`).MatchString(out) {
		t.Errorf("version: status %d, no commit line:\n%s", st, out)
	}
	bi := &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}}}
	if got := buildCommit(bi); got != "abc123 (modified)" {
		t.Errorf("buildCommit = %q", got)
	}
	if got := buildCommit(&debug.BuildInfo{}); got != "unknown" {
		t.Errorf("buildCommit without vcs = %q", got)
	}
	// plot --params: b.x.y and b__x__y name the same parameter.
	fitDir := queryFitDir(t)
	for _, p := range []string{"b.m.y", "b__m__y"} {
		out := filepath.Join(t.TempDir(), "trace.svg")
		if _, errs, st := runCLI(t, "plot", fitDir, "--kind", "trace", "--params", p, "--out", out, "--quiet"); st != 0 {
			t.Errorf("plot --params %s: status %d: %s", p, st, errs)
		}
	}
}

// Signals: SIGTERM, SIGINT and SIGHUP stop fit and paper mid-sampling with
// a message, exit 128 + the signal's number, and leave no output or
// temporary directory behind.
func TestSignalsStopCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs subprocesses")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sig    syscall.Signal
		name   string
		status int
		args   []string
	}{
		{syscall.SIGTERM, "SIGTERM", 143, []string{"fit", "fig1", "--out", "fit-x"}},
		{syscall.SIGINT, "SIGINT", 130, []string{"fit", "fig1", "--out", "fit-x"}},
		{syscall.SIGHUP, "SIGHUP", 129, []string{"paper", "--out", "results"}},
	} {
		t.Run(c.name+" "+c.args[0], func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(exe, c.args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "DILEMMA_TEST_MAIN=1")
			var stderr syncBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until sampling runs (a progress line, or 3 s after the
			// last line printed before sampling), then signal.
			ready := "identification:"
			if c.args[0] == "paper" {
				ready = "fitting fig1"
			}
			deadline := time.Now().Add(2 * time.Minute)
			var since time.Time
			for !strings.Contains(stderr.String(), "chain 1") && (since.IsZero() || time.Since(since) < 3*time.Second) {
				if since.IsZero() && strings.Contains(stderr.String(), ready) {
					since = time.Now()
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("no progress after 2 minutes:\n%s", stderr.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			if c.args[0] == "paper" {
				// paper's temporary directory exists while it samples.
				if m, _ := filepath.Glob(filepath.Join(dir, ".results.tmp-*")); len(m) == 0 {
					t.Errorf("no temporary directory while sampling; the test checks nothing")
				}
			}
			cmd.Process.Signal(c.sig)
			err := cmd.Wait()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != c.status {
				t.Errorf("exit %v, want status %d", err, c.status)
			}
			errs := stderr.String()
			for _, want := range []string{"dilemma " + c.args[0] + ": " + c.name + ": stopping", "dilemma " + c.args[0] + ": stopped by " + c.name + "; nothing was written"} {
				if !strings.Contains(errs, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errs)
				}
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				t.Errorf("left behind: %s", e.Name())
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
