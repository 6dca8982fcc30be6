package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"dilemma/fit"
	"dilemma/inference"
	"dilemma/report"
	"dilemma/table"
)

func init() {
	register(&command{
		name:    "fit",
		summary: "estimate every edge of a causal model on a panel by NUTS",
		usage: `Usage: dilemma fit MODEL [--data CSV] [--chains 4] [--warmup 1000] [--samples 1000] [--seed N] [--out DIR]
       dilemma fit --from DIR/manifest.json [--out DIR]

Binds MODEL (a built-in name such as fig2, or a model file) to a panel (a
CSV, or the embedded COVID-19 panel by default), prints what estimation
drops, fixes and uses, samples the posterior with NUTS and prints every
edge's strength: mean, sd, 90% interval, the probability of the sign the
model expects, R-hat, bulk and tail ESS, and prior-to-posterior contraction
(near 0: the answer comes from the prior, not the data).

A node without column="…" reads the data column of its own name, so a plain
dagitty graph whose node names are the CSV's column names fits as it is; the
header lists how each node is bound (column=, same name, indicators, no
data). Before sampling, fit refuses with one line naming node and column: a
node with no data (listing the nearest column names), two nodes reading one
column, a latent node with a single indicator, values a node's family cannot
have (roots included), and an ordered node whose levels 0 … K−1 are not all
observed; it notes a 0/1 node fitted as gaussian. An attribute close to a
known one (transfrom=, famliy=) is a warning; the global --strict makes
every attribute that neither dilemma nor dagitty reads an error.

Moderation: x -> y [moderator="z", moderator_prior="normal(0,0.5)"], with z
another parent of y, adds c·x·z to y's equation (coefficient c.x.z.y, its
own edges.csv row "x -> y [moderator=z]"; default prior normal(0,1) on the
fit scale). x and z need data (not latent). 'dilemma query … --at' and
'dilemma plot … --kind conditional' show how the effect of x changes with z.

An edge x -> y [varies="unit"] lets its strength differ by unit: unit j's is
b + v_j, v_j ~ normal(0, sd_v) (varies_prior="half_normal(1)" is sd_v's
default prior). edges.csv then gives the mean strength b on the edge's row
and sd_v on the row "x -> y [sd across units]"; queries use each unit's own
strength, and 'dilemma plot FIT --kind slopes' draws them. x must be
observed, y an observed node with unit intercepts, on at least 5 units.

The fit directory (default fit-MODEL) holds chain-1.csv … chain-K.csv in
CmdStan's CSV layout, edges.csv, summary.csv and manifest.json; it is written
whole or not at all. --from reruns a manifest (or a fit directory) and
reproduces its draws byte for byte; the manifest fixes every setting, so
only --out and --format may go with it. Without --out the rerun goes to a
new directory beside the original, DIR-rerun (then DIR-rerun-2, …), and
says so: it never replaces the fit it reruns.

Before sampling, fit checks every flag (--chains 1 to 256, --warmup and
--samples up to 10,000,000, --adapt-delta strictly between 0 and 1,
--max-depth 1 to 30), that --out is absent, empty or an earlier fit
directory, in a writable place, and that the draws fit in memory (chains ×
draws × parameters × 8 bytes, held twice; latent values count too): at most
80% of the machine's memory (MemTotal in /proc/meminfo, or the cgroup's
limit when lower). A refusal is one line naming the flag, exit status 1.

SIGINT (Ctrl-C), SIGTERM and SIGHUP stop the chains, remove the temporary
files and exit with 128 + the signal's number (130, 143, 129); nothing is
written. A second signal stops at once.

Persistence within a unit: a self-lag X -> X [lag=1] (any family), or for a
gaussian or student node AR(1) residuals, X [ar="1"]: e = X − mu follows
e_t = rho·e_{t-1} + eps_t, the first period of each unit from the stationary
distribution, gaps in time exact; sigma.X is the innovation sd, ar.X is rho
(prior uniform on (-1, 1)), and the edge table shows it as
"X -> X [AR(1) residuals]". A student node's residuals are multivariate
Student-t per unit with that AR(1) scale matrix (brms's form).

Missing values (--missing, default model; a node's missing="model|drop"
overrides): under model a missing value of a continuous node (gaussian,
student, lognormal, beta) that some row needs becomes a parameter
mi.NODE.UNIT.TIME, sampled with everything else from the node's own
equation and its children's (a lagged child reads the same unit's imputed
value of the earlier period); its own missing parents are imputed in turn.
An observed root with missing values gets a model of its own: normal with
an intercept and sd (a.NODE, sigma.NODE) and unit random intercepts when
its values vary within units (none for a column constant within units);
in a unit where it has no value at all its values are imputed non-centred
(mean + sd × v).
A latent node's structural equation takes imputed values of its parents
too. A missing value of a binary, ordered or count node is summed out: the
rows that hold it (the node's own row and its children's, lags included)
enter as one mixture over its levels, weighted by the node's own equation
(counts over 0 … ⌈1.5·max⌉+10); a row that needs two missing discrete
values is left out, and counted among the dropped rows; per draw the fit
draws a level of each such value from its probabilities given the draw,
kept with --save-imputed (mi.NODE.UNIT.TIME) for queries. Under drop each equation uses only the
rows where its node and all its parents are observed (unbiased only when
values are missing completely at random). After
sampling fit prints, per equation, the rows used, those with imputed
values (of which nodes) and those dropped with the node observed (by the
parent missing there); edges.csv's last column, rows_imputed, counts the
rows with imputed values. The imputed values stay in memory (not
summarized); --save-imputed writes them to the chain files, so that
queries on the fit directory can use them per draw.

Every draw carries lprior and log_lik (the prior of the edges and
the likelihood of the observed nodes, for power-scaling prior sensitivity).

--save-loglik adds loglik-1.csv … loglik-K.csv: one line per draw, one column
per modelled observation, named log_lik.NODE.UNIT.TIME, with every constant
of the family's density or probability, so that R's loo reads them:
  m <- as.matrix(read.csv("loglik-1.csv", check.names = FALSE))
  ll <- m[, startsWith(colnames(m), "log_lik.fear.")]
  loo::loo(ll, r_eff = rep(1, ncol(ll)))

Examples:
  dilemma fit fig2 --out fit-fig2
  dilemma fit fig2-remedies --chains 4 --seed 7 --out results/fig2r
  dilemma fit my-model.dag --data mypanel.csv --unit country --time year
  dilemma fit my-model.dag --data mypanel.csv --strict
  dilemma fit fig2 --prior-only --out prior-fig2
  dilemma fit fig1 --save-loglik --out fit-fig1
  dilemma fit fig2-remedies --missing drop --out fit-fig2r-complete-cases
  dilemma fit fig2-remedies --save-imputed --out fit-fig2r
  dilemma fit --from fit-fig2/manifest.json --out fit-fig2-again`,
		run: runFit,
	})
	register(&command{
		name:    "summary",
		summary: "reprint the edge table, parameter summaries and warnings of a fit",
		usage: `Usage: dilemma summary FITDIR [--all] [--format text|csv|markdown|latex] [--json]

Reprints a fit's edge table and diagnostics warnings; --all adds every
parameter's summary. Like every command that opens a fit directory, it
first checks the chain files against the SHA-256, size and draw counts the
manifest records and refuses (exit 1, naming the file and line) a chain
that was edited, truncated or given a NaN, and a directory from before
the manifest kept checksums (re-run: dilemma fit --from DIR/manifest.json
--out NEWDIR).

Examples:
  dilemma summary fit-fig2
  dilemma summary fit-fig2 --format latex > edges.tex`,
		run: runSummary,
	})
}

func runFit(e *env, args []string) error {
	c := commands["fit"]
	fs := newFlags(e, c)
	s := fit.DefaultSettings()
	dataPath := fs.String("data", "", "panel CSV (default: the embedded COVID-19 panel)")
	var df dataFlags
	df.register(fs)
	fs.IntVar(&s.Chains, "chains", s.Chains, "number of chains (run in parallel)")
	fs.IntVar(&s.Warmup, "warmup", s.Warmup, "warm-up iterations per chain")
	fs.IntVar(&s.Samples, "samples", s.Samples, "kept draws per chain")
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "random seed")
	fs.IntVar(&s.MaxDepth, "max-depth", s.MaxDepth, "NUTS maximum tree depth")
	fs.Float64Var(&s.AdaptDelta, "adapt-delta", s.AdaptDelta, "target acceptance rate of step-size adaptation")
	fs.StringVar(&s.Metric, "metric", s.Metric, "mass matrix: diag_e or dense_e")
	fs.BoolVar(&s.PriorOnly, "prior-only", false, "sample the prior only (prior predictive checks)")
	fs.StringVar(&s.Time, "time-effects", s.Time, "default period effects of every equation (a node's time_effects= overrides): none, fixed or random-walk")
	fs.StringVar(&s.RE, "unit-intercepts", s.RE, "unit random intercepts: auto, centred or non-centred")
	fs.StringVar(&s.UnitEffects, "unit-effects", s.UnitEffects, "default unit effects of every equation (a node's unit_effects= overrides): random, within (each parent's unit mean as a covariate: within-unit strengths) or none")
	fs.StringVar(&s.LatentValues, "latent-values", s.LatentValues, "sampler coordinates of latent values: conditional (given the indicators, no funnel) or direct (value by value)")
	fs.StringVar(&s.Missing, "missing", s.Missing, "missing values where a node does not say (missing=): model (parameters mi.NODE.UNIT.TIME imputed from the node's equation and its children's) or drop (rows that need them are left out)")
	fs.BoolVar(&s.SaveLatent, "save-latent", false, "also write latent values (one per row and latent node) to the chain files")
	fs.BoolVar(&s.SaveImputed, "save-imputed", false, "also write the imputed values (mi.NODE.UNIT.TIME, under --missing model) to the chain files")
	fs.BoolVar(&s.SaveLogLik, "save-loglik", false, "also write each chain's pointwise log likelihood (one column per node, unit and period) to loglik-K.csv, for R's loo")
	out := fs.String("out", "", "fit directory to write (default fit-MODEL)")
	from := fs.String("from", "", "rerun the fit recorded in this manifest.json")
	format := fs.String("format", "text", "table format: text, csv, markdown or latex")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if err := table.CheckFormat(*format); err != nil {
		return usagef("%v", err)
	}
	var pl *fit.Plan
	dir := *out
	switch {
	case *from != "":
		if len(pos) > 0 {
			return usagef("give either MODEL or --from, not both")
		}
		// The manifest fixes the model, the data and every setting.
		for name := range setFlags(fs) {
			if name != "from" && name != "out" && name != "format" {
				return usagef("--%s cannot be combined with --from: the manifest fixes the model, the data and the settings", name)
			}
		}
		path := *from
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			path = filepath.Join(path, fit.ManifestFile)
		}
		if dir, err = rerunDir(path, dir); err != nil {
			return err
		}
		m, err := fit.ReadManifest(path)
		if err != nil {
			return inputErr(err)
		}
		s = m.Settings
		if err := checkSettings(s, 1); err != nil {
			return inputErr(fmt.Errorf("%s: %w", path, err))
		}
		if err := checkOutDir("--out", dir, fit.ManifestFile, "fit directory"); err != nil {
			return err
		}
		if pl, err = m.Plan(); err != nil {
			return inputErr(err)
		}
		pl.ModelRef, pl.DataRef = m.Model, m.Data
		if *out == "" {
			e.logf("writing to %s (--from without --out never replaces the fit it reruns)\n", dir)
		}
	case len(pos) == 1:
		if err := checkSettings(s, 1); err != nil {
			return err
		}
		if err := df.check(fs, *dataPath); err != nil {
			return err
		}
		if dir == "" {
			dir = "fit-" + sanitize(pos[0])
		}
		if err := checkOutDir("--out", dir, fit.ManifestFile, "fit directory"); err != nil {
			return err
		}
		opt, err := s.ModelOptions()
		if err != nil {
			return usagef("%v", err)
		}
		if err := lintModelName(e, pos[0]); err != nil {
			return err
		}
		if pl, err = fit.Prepare(pos[0], *dataPath, df.options(), opt); err != nil {
			return inputErr(err)
		}
	case len(pos) > 1:
		return usagef("give one MODEL, got %d arguments (%s); see 'dilemma fit -h'", len(pos), strings.Join(pos, " "))
	default:
		return usagef("give one MODEL (a built-in name or a model file); see 'dilemma fit -h'")
	}
	if err := checkMemory(pl, s); err != nil {
		return err
	}
	noteStaleTemps(e, dir)

	e.logf("model %s on %s (%d rows)\n", pl.ModelRef.Name, pl.DataRef.Name, pl.DataRef.Rows)
	for _, b := range pl.Bindings {
		e.logf("  data: %s\n", b)
	}
	for _, n := range pl.Notes {
		e.logf("  note: %s\n", n)
	}
	for _, id := range fit.Identify(pl.Model) {
		e.logf("  identification: %s\n", id)
	}
	ctx := e.context()
	prog := newProgress(e, s.Chains)
	f, err := fit.Run(ctx, pl, s, prog.update)
	prog.done()
	if ie := (*inference.InternalError)(nil); errors.As(err, &ie) {
		return err // exit 2
	}
	if err != nil {
		return inputErr(err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, eq := range f.Posterior.Equations() {
		e.logf("  equation %s\n", eq)
		if m := eq.MissingSummary(); m != "" {
			e.logf("    %s\n", m)
		}
	}
	if err := f.Write(dir); err != nil {
		return err
	}
	if err := f.EdgeTable().Render(e.stdout, *format); err != nil {
		return err
	}
	printWarnings(e, f)
	e.logf("wrote %s (%d chains × %d draws, %d parameters)\n", dir, s.Chains, s.Samples, len(f.Names))
	return nil
}

// rerunDir returns the directory a rerun of the manifest at path writes:
// out when given (but never the manifest's own directory), else the first
// of DIR-rerun, DIR-rerun-2, … that does not exist beside the original.
func rerunDir(path, out string) (string, error) {
	orig := filepath.Dir(filepath.Clean(path))
	if out != "" {
		a, err1 := filepath.Abs(out)
		b, err2 := filepath.Abs(orig)
		if err1 == nil && err2 == nil && a == b {
			return "", usagef("--out %s is the directory of the fit being rerun; choose another directory to compare the two", out)
		}
		return out, nil
	}
	base := orig
	if base == "." {
		if wd, err := os.Getwd(); err == nil {
			base = filepath.Join("..", filepath.Base(wd))
		}
	}
	for i := 1; ; i++ {
		dir := base + "-rerun"
		if i > 1 {
			dir = fmt.Sprintf("%s-rerun-%d", base, i)
		}
		if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
			return dir, nil
		}
	}
}

func printWarnings(e *env, f *fit.Fit) {
	for _, w := range f.SamplerWarnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	if len(f.Warnings) == 0 {
		e.logf("diagnostics: no problems (R-hat ≤ 1.01, ESS, divergences, tree depth, E-BFMI all fine)\n")
	}
	for _, w := range f.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	for _, n := range f.SensitivityNotes() {
		fmt.Fprintf(e.stderr, "note: %s\n", n)
	}
	if f.Settings.PriorOnly {
		return
	}
	misfits, skipped := report.CheckFit(f, f.Settings.Seed)
	for _, line := range report.MisfitLines(misfits) {
		fmt.Fprintf(e.stderr, "warning: misfit: %s\n", line)
	}
	if len(skipped) > 0 {
		var names []string
		for _, s := range skipped {
			names = append(names, s[:strings.IndexByte(s+":", ':')])
		}
		e.logf("note: predictive checks skipped for %s (the first: %s)\n", strings.Join(names, ", "), skipped[0][len(names[0])+2:])
	}
	if len(misfits) == 0 && len(skipped) == 0 {
		e.logf("predictive checks: every node's zeros, bounds, dispersion and skewness are within the 99%% predictive intervals\n")
	}
}

// sanitize makes a model name usable as a directory name.
func sanitize(name string) string {
	name = strings.TrimSuffix(name, ".dag")
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ' ' {
			return '-'
		}
		return r
	}, name)
}

// progress prints each chain's progress on stderr. On a terminal it keeps
// one line per chain and redraws them in place (ANSI cursor movement); on
// anything else (a file, a pipe, a CI log) it writes plain lines, one per
// chain at every tenth of its iterations, without escape codes. A chain
// that has not reported yet has no line.
type progress struct {
	e     *env
	tty   bool
	mu    sync.Mutex
	state []inference.Progress
	tenth []int // plain lines: the last tenth printed per chain
	last  time.Time
	lines int
}

func newProgress(e *env, chains int) *progress {
	p := &progress{e: e, tty: isTerminal(e.stderr), state: make([]inference.Progress, chains), tenth: make([]int, chains)}
	for i := range p.tenth {
		p.tenth[i] = -1
	}
	return p
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progress) update(pr inference.Progress) {
	if p.e.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	i := pr.Chain - 1
	if i < 0 || i >= len(p.state) || pr.Total <= 0 {
		return
	}
	p.state[i] = pr
	if !p.tty {
		if t := pr.Iteration * 10 / pr.Total; t > p.tenth[i] {
			p.tenth[i] = t
			fmt.Fprintln(p.e.stderr, progressLine(pr))
		}
		return
	}
	if time.Since(p.last) < 500*time.Millisecond && pr.Iteration < pr.Total {
		return
	}
	p.last = time.Now()
	p.draw()
}

// progressLine describes one chain's progress.
func progressLine(s inference.Progress) string {
	phase := "sampling"
	if s.Warmup {
		phase = "warm-up "
	}
	return fmt.Sprintf("chain %d: %s %4d/%d  divergences %d  elapsed %s  ETA %s", s.Chain, phase, s.Iteration, s.Total,
		s.Divergences, s.Elapsed.Round(time.Second), s.Remaining().Round(time.Second))
}

// draw redraws the terminal lines of the chains that have reported.
func (p *progress) draw() {
	var b strings.Builder
	if p.lines > 0 {
		fmt.Fprintf(&b, "\033[%dA", p.lines)
	}
	n := 0
	for _, s := range p.state {
		if s.Chain == 0 {
			continue
		}
		fmt.Fprintf(&b, "\r\033[K%s\n", progressLine(s))
		n++
	}
	p.lines = n
	fmt.Fprint(p.e.stderr, b.String())
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.lines > 0 && !p.e.quiet {
		p.draw()
	}
}

func runSummary(e *env, args []string) error {
	c := commands["summary"]
	fs := newFlags(e, c)
	all := fs.Bool("all", false, "also print every parameter's summary")
	format := fs.String("format", "text", "table format: text, csv, markdown or latex")
	asJSON := fs.Bool("json", false, "print JSON")
	dir, err := parseFitDir(e, c, fs, args)
	if err != nil {
		return err
	}
	if err := table.CheckFormat(*format); err != nil {
		return usagef("%v", err)
	}
	f, err := fit.Open(dir)
	if err != nil {
		return inputErr(err)
	}
	if *asJSON {
		return writeJSON(e.stdout, map[string]any{"edges": f.Edges, "warnings": f.Warnings, "manifest": f.Manifest})
	}
	if err := f.EdgeTable().Render(e.stdout, *format); err != nil {
		return err
	}
	if *all {
		fmt.Fprintln(e.stdout)
		if err := f.SummaryTable().Render(e.stdout, *format); err != nil {
			return err
		}
	}
	printWarnings(e, f)
	return nil
}
