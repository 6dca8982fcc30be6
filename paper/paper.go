package paper

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"dilemma"
	"dilemma/data"
	"dilemma/fit"
	"dilemma/inference"
	"dilemma/model"
	"dilemma/query"
)

// Options configure a run.
type Options struct {
	// Out is the directory to write (replaced if it holds an earlier report).
	Out string
	// DataPath is the panel CSV ("" = the embedded panel); Keys its unit
	// and time columns.
	DataPath string
	Keys     data.Options
	// Traditional and NonTraditional name the two models (defaults fig1
	// and fig2-remedies; built-in names or model files).
	Traditional, NonTraditional string
	// Settings are the sampler settings of both fits.
	Settings fit.Settings
	// Exposure and Mediator name the mediation question (defaults
	// unequal_exposure and intent_uncertainty); Outcome the outcome
	// (default: the model's outcome).
	Exposure, Mediator, Outcome string
	// Units are the countries of the counterfactuals (default: those of
	// DefaultUnits present in the data; a unit given here must be in the
	// data) at period Time (default: the first period after the first
	// year, e.g. 2021-04 on the embedded panel).
	Units []string
	Time  string
	// Horizon is the number of periods the remedies' effects are followed.
	Horizon int
	// Width is the figures' width in inches (default 7).
	Width float64
	// Logf prints progress; nil for none. Progress, if set, gets the
	// sampler's progress.
	Logf     func(format string, args ...any)
	Progress func(model string, p inference.Progress)

	// Robustness adds a multiverse of the remedies' effects over
	// RobustnessAxes (default DefaultRobustnessAxes: the choices DATA.md
	// calls debatable) to the report, fitted with RobustnessSettings
	// (default DefaultRobustnessSettings: short chains) RobustnessJobs at
	// a time (default 1); see robustness.go.
	Robustness         bool
	RobustnessAxes     []RobustnessAxis
	RobustnessSettings fit.Settings
	RobustnessJobs     int
}

// DefaultUnits are the countries of the counterfactuals unless Options.Units
// names others.
var DefaultUnits = []string{"USA", "DEU", "IND", "BRA", "ZAF", "CHN"}

// Defaults fills the zero fields.
func (o *Options) defaults() {
	if o.Traditional == "" {
		o.Traditional = "fig1"
	}
	if o.NonTraditional == "" {
		o.NonTraditional = "fig2-remedies"
	}
	if o.Settings.Chains == 0 {
		o.Settings = fit.DefaultSettings()
	}
	if o.Exposure == "" {
		o.Exposure = "unequal_exposure"
	}
	if o.Mediator == "" {
		o.Mediator = "intent_uncertainty"
	}
	if o.Horizon == 0 {
		o.Horizon = 6
	}
	if o.Width == 0 {
		o.Width = 7
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
}

// Result is what a run produced: the two fits and the files written.
type Result struct {
	Dir   string
	Files []string
	Fits  map[string]*fit.Fit
}

// run holds the state of one analysis.
type run struct {
	o       Options
	tmp     string // the temporary output directory
	files   []string
	trad    *fit.Fit
	nontrad *fit.Fit
	md      strings.Builder
	fig     int
	tab     int

	// ctx stops the report's sections once cancelled (a signal).
	ctx context.Context
	// tradPlan and nontradPlan bind the two models to the data.
	tradPlan, nontradPlan *fit.Plan
	// families compares the outcome's count families (nil when the
	// outcome is not a count or the comparison failed: familiesErr).
	families    *FamilyComparison
	familiesErr error
	// robust is the robustness multiverse (nil unless asked for).
	robust *robustness
}

// Run performs the analysis and writes the report directory.
func Run(ctx context.Context, o Options) (res *Result, err error) {
	o.defaults()
	if o.Out == "" {
		return nil, fmt.Errorf("paper: no output directory")
	}
	dir := filepath.Clean(o.Out)
	if err := checkTarget(dir); err != nil {
		return nil, err
	}
	// Everything that can be checked is checked before any sampling: both
	// models bound to the data, every option against them, the memory the
	// draws need.
	r := &run{o: o}
	if sanitize(o.Traditional) == sanitize(o.NonTraditional) {
		return nil, fmt.Errorf("--traditional %s and --nontraditional %s: both fits would be written to fits/%s; name two different models", o.Traditional, o.NonTraditional, sanitize(o.Traditional))
	}
	if r.tradPlan, err = r.prepare(o.Traditional); err != nil {
		return nil, err
	}
	if r.nontradPlan, err = r.prepare(o.NonTraditional); err != nil {
		return nil, err
	}
	if err := r.o.check(r.nontradPlan); err != nil {
		return nil, err
	}
	if err := checkMemory(r.tradPlan, r.nontradPlan, o.Settings); err != nil {
		return nil, err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	r.tmp = tmp
	for _, sub := range []string{"figures", "tables", "fits"} {
		if err := os.MkdirAll(filepath.Join(tmp, sub), 0o755); err != nil {
			return nil, err
		}
	}
	if err := r.fitBoth(ctx); err != nil {
		return nil, err
	}
	r.families, r.familiesErr = compareFamilies(ctx, r.nontradPlan, outcomeOf(r.nontradPlan.Model, o.Outcome), o.Settings, o.Logf)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped while comparing the outcome's families: %w", err)
	}
	if o.Robustness { // hook: the robustness multiverse (robustness.go)
		r.o.robustnessDefaults()
		r.robust = r.runRobustness(ctx, outcomeOf(r.nontradPlan.Model, o.Outcome))
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("stopped while running the robustness multiverse: %w", err)
		}
	}
	r.ctx = ctx
	if err := r.writeReport(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped while writing the report: %w", err)
	}
	if err := replaceDir(tmp, dir); err != nil {
		return nil, err
	}
	return &Result{Dir: dir, Files: r.files, Fits: map[string]*fit.Fit{o.Traditional: r.trad, o.NonTraditional: r.nontrad}}, nil
}

// checkTarget refuses to replace a directory that is not an earlier report.
func checkTarget(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", dir)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "report.md")); err != nil {
		return fmt.Errorf("%s exists and is not a report directory; choose another --out", dir)
	}
	return nil
}

func replaceDir(tmp, dir string) error {
	if _, err := os.Stat(dir); err == nil {
		old := tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return err
		}
		if err := os.Rename(tmp, dir); err != nil {
			os.Rename(old, dir)
			return err
		}
		return os.RemoveAll(old)
	}
	return os.Rename(tmp, dir)
}

// fitBoth fits the two models and writes their fit directories.
func (r *run) fitBoth(ctx context.Context) error {
	var err error
	if r.trad, err = r.fitOne(ctx, r.o.Traditional, r.tradPlan); err != nil {
		return err
	}
	r.nontrad, err = r.fitOne(ctx, r.o.NonTraditional, r.nontradPlan)
	return err
}

// prepare binds model name to the data.
func (r *run) prepare(name string) (*fit.Plan, error) {
	opt, err := r.o.Settings.ModelOptions()
	if err != nil {
		return nil, err
	}
	pl, err := fit.Prepare(name, r.o.DataPath, r.o.Keys, opt)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	return pl, nil
}

func (r *run) fitOne(ctx context.Context, name string, pl *fit.Plan) (*fit.Fit, error) {
	r.o.Logf("fitting %s on %s (%d rows, %d chains × %d+%d iterations)\n", name, pl.DataRef.Name, pl.DataRef.Rows,
		r.o.Settings.Chains, r.o.Settings.Warmup, r.o.Settings.Samples)
	for _, n := range pl.Notes {
		r.o.Logf("  note: %s\n", n)
	}
	var prog func(inference.Progress)
	if r.o.Progress != nil {
		prog = func(p inference.Progress) { r.o.Progress(name, p) }
	}
	f, err := fit.Run(ctx, pl, r.o.Settings, prog)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	dir := filepath.Join(r.tmp, "fits", sanitize(name))
	if err := f.Write(dir); err != nil {
		return nil, err
	}
	r.files = append(r.files, filepath.Join("fits", sanitize(name)))
	return f, nil
}

func sanitize(name string) string {
	name = strings.TrimSuffix(filepath.Base(name), ".dag")
	return strings.Map(func(c rune) rune {
		if c == ' ' || c == '/' || c == '\\' {
			return '-'
		}
		return c
	}, name)
}

// writeFile writes one output file (relative to the report directory).
func (r *run) writeFile(rel string, write func(w io.Writer) error) error {
	if err := r.stopped(); err != nil {
		return err
	}
	path := filepath.Join(r.tmp, rel)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", rel, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	r.files = append(r.files, rel)
	return nil
}

// stopped returns the context's error once the run is cancelled (a
// signal): the report's remaining sections are then skipped.
func (r *run) stopped() error {
	if r.ctx == nil {
		return nil
	}
	return r.ctx.Err()
}

// manifest records the run.
type manifest struct {
	Tool       string       `json:"tool"`
	Version    string       `json:"version"`
	GoVersion  string       `json:"go_version"`
	Data       fit.DataRef  `json:"data"`
	Models     []string     `json:"models"`
	Settings   fit.Settings `json:"settings"`
	Exposure   string       `json:"exposure"`
	Mediator   string       `json:"mediator"`
	Units      []string     `json:"counterfactual_units"`
	Time       string       `json:"counterfactual_time"`
	Horizon    int          `json:"horizon"`
	Files      []string     `json:"files"`
	FitTimings []fit.Timing `json:"fit_timing"`
}

func (r *run) writeManifest(time string) error {
	m := manifest{Tool: "dilemma paper", Version: dilemma.Version, GoVersion: runtime.Version(),
		Data: r.nontrad.Manifest.Data, Models: []string{r.o.Traditional, r.o.NonTraditional},
		Settings: r.o.Settings, Exposure: r.o.Exposure, Mediator: r.o.Mediator, Units: r.o.Units, Time: time,
		Horizon: r.o.Horizon, Files: append([]string(nil), r.files...),
		FitTimings: []fit.Timing{r.trad.Manifest.Timing, r.nontrad.Manifest.Timing}}
	return r.writeFile("manifest.json", func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
}

// engine builds a query engine, or nil with the reason.
func engine(f *fit.Fit) (*query.Engine, error) { return query.New(f) }

// outcomeOf returns the model's outcome node.
func outcomeOf(m *model.Model, override string) string {
	if override != "" {
		return override
	}
	if o := m.Outcomes(); len(o) > 0 {
		return o[0]
	}
	for _, n := range m.Nodes {
		if n.Role == "outcome" {
			return n.Name
		}
	}
	return ""
}
