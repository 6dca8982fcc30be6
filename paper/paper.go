package paper

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"runtime"

	"dilemma"
	"dilemma/data"
	"dilemma/fit"
	"dilemma/inference"
	"dilemma/model"
	"dilemma/report"
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
	// SkipStructure leaves out the panel-structure comparison (refits of
	// the non-traditional model with within-unit effects and with fixed
	// time effects, compared by PSIS-LOO; see structure.go), for quick runs.
	SkipStructure bool
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

// run holds the state of one analysis. Its text, figures and tables go
// through the embedded report.Document, whose sections (those of
// report.Run's report on any model) the paper shares.
type run struct {
	*report.Document
	o       Options
	trad    *fit.Fit
	nontrad *fit.Fit

	// tradPlan and nontradPlan bind the two models to the data.
	tradPlan, nontradPlan *fit.Plan
	// families compares the outcome's count families (nil when the
	// outcome is not a count or the comparison failed: familiesErr).
	families    *FamilyComparison
	familiesErr error
	// robust is the robustness multiverse (nil unless asked for).
	robust *robustness
	// structure compares the non-traditional model's panel structures
	// (nil when skipped or when it failed: structureErr).
	structure    *StructureComparison
	structureErr error
}

// Run performs the analysis and writes the report directory.
func Run(ctx context.Context, o Options) (res *Result, err error) {
	o.defaults()
	if o.Out == "" {
		return nil, fmt.Errorf("paper: no output directory")
	}
	dir := filepath.Clean(o.Out)
	if err := report.CheckReportDir(dir); err != nil {
		return nil, err
	}
	// Everything that can be checked is checked before any sampling: both
	// models bound to the data, every option against them, the memory the
	// draws need.
	r := &run{o: o}
	if report.FitDirName(o.Traditional) == report.FitDirName(o.NonTraditional) {
		return nil, fmt.Errorf("--traditional %s and --nontraditional %s: both fits would be written to fits/%s; name two different models", o.Traditional, o.NonTraditional, report.FitDirName(o.Traditional))
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
	refits := 0
	if !o.SkipStructure {
		_, sets := structureSettings(o.Settings)
		refits = len(sets) - 1
	}
	if err := checkMemory(r.tradPlan, r.nontradPlan, o.Settings, refits); err != nil {
		return nil, err
	}
	out, err := report.NewOutput(dir, "figures", "tables", "fits")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			out.Discard()
		}
	}()
	r.Document = &report.Document{Dir: out.Tmp, Width: o.Width}
	if err := r.fitBoth(ctx); err != nil {
		return nil, err
	}
	r.families, r.familiesErr = compareFamilies(ctx, r.nontradPlan, outcomeOf(r.nontradPlan.Model, o.Outcome), o.Settings, o.Logf)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped while comparing the outcome's families: %w", err)
	}
	if !o.SkipStructure {
		r.structure, r.structureErr = compareStructures(ctx, r.nontradPlan, r.nontrad, outcomeOf(r.nontradPlan.Model, o.Outcome), o.Settings, o.Logf, o.Progress)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("stopped while comparing panel structures: %w", err)
		}
	}
	if o.Robustness { // hook: the robustness multiverse (robustness.go)
		r.o.robustnessDefaults()
		r.robust = r.runRobustness(ctx, outcomeOf(r.nontradPlan.Model, o.Outcome))
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("stopped while running the robustness multiverse: %w", err)
		}
	}
	r.Ctx = ctx
	if err := r.writeReport(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped while writing the report: %w", err)
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	return &Result{Dir: dir, Files: r.Files, Fits: map[string]*fit.Fit{o.Traditional: r.trad, o.NonTraditional: r.nontrad}}, nil
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
	return r.Fit(ctx, name, pl, r.o.Settings, r.o.Logf, r.o.Progress)
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
		Horizon: r.o.Horizon, Files: append([]string(nil), r.Files...),
		FitTimings: []fit.Timing{r.trad.Manifest.Timing, r.nontrad.Manifest.Timing}}
	return r.WriteFile("manifest.json", func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
}

// outcomeOf returns the outcome node: override, else the model's.
func outcomeOf(m *model.Model, override string) string {
	if override != "" {
		return override
	}
	return report.Outcome(m)
}
