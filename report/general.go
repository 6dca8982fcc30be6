package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"dilemma"
	"dilemma/data"
	"dilemma/fit"
	"dilemma/inference"
	"dilemma/model"
	"dilemma/plots"
)

// Options configure Run: the report on any model.
type Options struct {
	// Out is the directory to write (replaced if it holds an earlier
	// report).
	Out string
	// Model is the model (a built-in name or a model file); with FitDir
	// it may be empty (the fit's own model) and must otherwise be the
	// fit's model.
	Model string
	// DataPath is the panel CSV ("" = the embedded panel); Keys its unit
	// and time columns.
	DataPath string
	Keys     data.Options
	// Settings are the sampler settings of every fit the report runs
	// (zero: fit.DefaultSettings, or with FitDir that fit's settings).
	Settings fit.Settings
	// FitDir reuses a fit directory of Model instead of fitting it.
	FitDir string
	// Compare are rival models (built-in names, model files, or fit
	// directories, which are reused) fitted to the same data and compared
	// with Model by PSIS-LOO on the outcome column they share.
	Compare []string
	// Units are the units of the counterfactuals (none: no
	// counterfactuals) at period Time (default CounterfactualTime).
	Units []string
	Time  string
	// Horizon is the number of periods the remedies' effects are followed
	// (default 6, or the number of periods − 1 when that is fewer).
	Horizon int
	// Hints is the number of repair hints listed (default 5).
	Hints int
	// Width is the figures' width in inches (default 7).
	Width float64
	// Logf prints progress; nil for none. Progress, if set, gets the
	// sampler's progress per model.
	Logf     func(format string, args ...any)
	Progress func(model string, p inference.Progress)
}

// Result is what Run wrote.
type Result struct {
	Dir   string
	Files []string
	// Fits are the model's fit and then the compared ones.
	Fits []*fit.Fit
}

// subject is one model of the report: its plan (to fit) or its fit (read
// from a directory).
type subject struct {
	name   string
	plan   *fit.Plan
	fit    *fit.Fit
	reused string // the fit directory read, if any
}

// Run fits the model (and the compared ones) and writes the report: how
// each node is measured; every edge's posterior, P(sign) and contraction;
// the prior sensitivity; the graph's testable implications within units
// with repair hints; the PSIS-LOO comparison with the rivals; mediation
// through each node with role="mediator"; the remedies (role="remedy")
// and their effects over time; counterfactuals for Units; the sampler
// diagnostics and predictive checks with misfit warnings; and the data's
// source. Everything is checked before any sampling; the directory is
// written whole or not at all.
func Run(ctx context.Context, o Options) (res *Result, err error) {
	if o.Hints == 0 {
		o.Hints = 5
	}
	if o.Width == 0 {
		o.Width = 7
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if o.Out == "" {
		return nil, fmt.Errorf("report: no output directory")
	}
	if err := CheckReportDir(filepath.Clean(o.Out)); err != nil {
		return nil, err
	}
	if o.Model == "" && o.FitDir == "" {
		return nil, fmt.Errorf("report: name a model or a fit directory (--fit)")
	}
	if o.Settings.Chains == 0 && o.FitDir == "" {
		o.Settings = fit.DefaultSettings()
	}
	main, err := o.subject(o.Model, o.FitDir)
	if err != nil {
		return nil, err
	}
	if o.Settings.Chains == 0 {
		o.Settings = main.fit.Manifest.Settings // the rivals are fitted as the reused fit was
	}
	if ref := main.Data(); o.FitDir != "" && o.DataPath == "" && ref.Source != "embedded" {
		// The rivals read the reused fit's data.
		o.DataPath, o.Keys = ref.Source, data.Options{UnitKey: ref.UnitKey, TimeKey: ref.TimeKey}
	}
	subs := []*subject{main}
	dirs := map[string]string{FitDirName(main.name): main.name}
	for _, c := range o.Compare {
		s, err := o.subject(c, "")
		if err != nil {
			return nil, err
		}
		if prev, dup := dirs[FitDirName(s.name)]; dup && s.reused == "" {
			return nil, fmt.Errorf("--compare %s: its fit would be written to fits/%s, as that of %s; name two different models", c, FitDirName(s.name), prev)
		}
		dirs[FitDirName(s.name)] = s.name
		subs = append(subs, s)
	}
	if err := o.check(subs); err != nil {
		return nil, err
	}
	out, err := NewOutput(o.Out, "figures", "tables", "fits")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			out.Discard()
		}
	}()
	d := &Document{Dir: out.Tmp, Width: o.Width}
	for _, s := range subs {
		if err := o.fitOne(ctx, d, s); err != nil {
			return nil, err
		}
	}
	d.Ctx = ctx
	fits := make([]*fit.Fit, len(subs))
	for k, s := range subs {
		fits[k] = s.fit
	}
	if err := o.write(d, subs); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped while writing the report: %w", err)
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	return &Result{Dir: out.Dir, Files: d.Files, Fits: fits}, nil
}

// subject binds a model to the data, or reads a fit directory (dir, or
// name when it is one).
func (o *Options) subject(name, dir string) (*subject, error) {
	if dir == "" && name != "" {
		if fi, err := os.Stat(name); err == nil && fi.IsDir() {
			dir, name = name, ""
		}
	}
	if dir != "" {
		f, err := fit.Open(dir)
		if err != nil {
			return nil, err
		}
		if name != "" && name != f.Manifest.Model.Name {
			m, err := model.Load(name)
			if err != nil {
				return nil, err
			}
			if exportText(m) != exportText(f.Plan.Model) {
				return nil, fmt.Errorf("--fit %s is a fit of model %s, not of %s", dir, f.Manifest.Model.Name, name)
			}
		}
		if o.DataPath != "" {
			b, err := os.ReadFile(o.DataPath)
			if err != nil {
				return nil, err
			}
			if data.SHA256(b) != f.Manifest.Data.SHA256 {
				return nil, fmt.Errorf("%s was fitted to %s, not to %s (the SHA-256 differs); refit or drop --data", dir, f.Manifest.Data.Source, o.DataPath)
			}
		}
		return &subject{name: f.Manifest.Model.Name, fit: f, reused: dir}, nil
	}
	opt, err := o.Settings.ModelOptions()
	if err != nil {
		return nil, err
	}
	pl, err := fit.Prepare(name, o.DataPath, o.Keys, opt)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	return &subject{name: name, plan: pl}, nil
}

// exportText is a model as its exported model file, to compare two.
func exportText(m *model.Model) string {
	var b strings.Builder
	m.Export(&b)
	return b.String()
}

// Data is the subject's data reference.
func (s *subject) Data() fit.DataRef {
	if s.fit != nil {
		return s.fit.Manifest.Data
	}
	return s.plan.DataRef
}

func (s *subject) planOf() *fit.Plan {
	if s.fit != nil {
		return s.fit.Plan
	}
	return s.plan
}

// check validates the options against the models and the data, before
// any sampling. Its messages name the options as the report command's
// flags do.
func (o *Options) check(subs []*subject) error {
	pl := subs[0].planOf()
	if o.Horizon == 0 {
		o.Horizon = min(6, max(1, len(pl.Panel.Times())-1))
	}
	if err := CheckQuestions(pl.Panel, o.Width, o.Horizon, o.Time, o.Units); err != nil {
		return err
	}
	sha := func(s *subject) (string, string) {
		if s.fit != nil {
			return s.fit.Manifest.Data.SHA256, s.fit.Manifest.Data.Source
		}
		return s.plan.DataRef.SHA256, s.plan.DataRef.Source
	}
	want, src := sha(subs[0])
	for _, s := range subs[1:] {
		if h, other := sha(s); h != want {
			return fmt.Errorf("--compare %s: fitted to %s, not to the report's data %s (the SHA-256 differs); compare fits of the same data", s.name, other, src)
		}
	}
	var need []*fit.Plan
	for _, s := range subs {
		if s.plan != nil {
			if err := fit.CheckMemory(s.plan, o.Settings); err != nil {
				return fmt.Errorf("model %s: %w; lower --samples or --chains", s.name, err)
			}
			need = append(need, s.plan)
		}
	}
	// Every fit's draws stay in memory until the report is written.
	total := 0.0
	for _, p := range need {
		b, _, err := fit.DrawMemory(p, o.Settings)
		if err != nil {
			return err
		}
		total += b / 2
	}
	have, src := fit.MachineMemory()
	if total > fit.MemoryShare*have {
		return fmt.Errorf("the draws of the %d fits need %s of memory together (%d chains × %d draws each); this machine has %s (%s), of which a run may take %.0f%%; lower --samples or --chains",
			len(need), fit.Bytes(total), o.Settings.Chains, o.Settings.Samples, fit.Bytes(have), src, 100*fit.MemoryShare)
	}
	return nil
}

// CheckQuestions checks the options of a report's questions against the
// data: the figure width, the horizon of the remedies' effects (1 to the
// periods − 1), the counterfactuals' period and units. Its messages name
// the flags of the report and paper commands.
func CheckQuestions(p *data.Panel, width float64, horizon int, time string, units []string) error {
	if math.IsNaN(width) || math.IsInf(width, 0) || width <= 0 {
		return fmt.Errorf("--width %v: want a figure width in inches, e.g. 7 or 3.5", width)
	}
	if err := (plots.Options{Width: width}).Check(); err != nil {
		return fmt.Errorf("--width %g: %s", width, strings.TrimPrefix(err.Error(), "plots: "))
	}
	times := p.Times()
	if len(times) > 1 && (horizon < 1 || horizon > len(times)-1) {
		return fmt.Errorf("--horizon %d: want 1 to %d periods (the data have %d periods, %s … %s)", horizon, len(times)-1, len(times), times[0], times[len(times)-1])
	}
	if horizon < 0 {
		return fmt.Errorf("--horizon %d: want 0 or more periods", horizon)
	}
	if time != "" && !slices.Contains(times, time) {
		if len(times) == 0 {
			return fmt.Errorf("--period %s: the data have no time key", time)
		}
		return fmt.Errorf("--period %s: not a period of the data (%s … %s, %d periods)", time, times[0], times[len(times)-1], len(times))
	}
	have := p.Units()
	for _, u := range units {
		if !slices.Contains(have, u) {
			return fmt.Errorf("--units: %s is not a unit of the data (%d units: %s)", u, len(have), listSome(have, 12))
		}
	}
	return nil
}

// listSome joins the first n names and says how many more there are.
func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// fitOne fits a subject that has no fit yet and writes its fit directory
// under fits/.
func (o *Options) fitOne(ctx context.Context, d *Document, s *subject) error {
	if s.fit != nil {
		return nil
	}
	f, err := d.Fit(ctx, s.name, s.plan, o.Settings, o.Logf, o.Progress)
	s.fit = f
	return err
}

// Fit fits the model name bound in pl with settings s and writes its fit
// directory to fits/NAME (FitDirName) of the document; logf (nil: none)
// prints what it does, progress (nil: none) gets the sampler's progress.
func (d *Document) Fit(ctx context.Context, name string, pl *fit.Plan, s fit.Settings, logf func(string, ...any), progress func(string, inference.Progress)) (*fit.Fit, error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	logf("fitting %s on %s (%d rows, %d chains × %d+%d iterations)\n", name, pl.DataRef.Name, pl.DataRef.Rows, s.Chains, s.Warmup, s.Samples)
	for _, n := range pl.Notes {
		logf("  note: %s\n", n)
	}
	var prog func(inference.Progress)
	if progress != nil {
		prog = func(p inference.Progress) { progress(name, p) }
	}
	f, err := fit.Run(ctx, pl, s, prog)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	rel := filepath.Join("fits", FitDirName(name))
	if err := f.Write(filepath.Join(d.Dir, rel)); err != nil {
		return nil, err
	}
	d.Files = append(d.Files, rel)
	return f, nil
}

// FitDirName is the directory name of a model's fit in a report: the
// model file's base name without .dag, spaces and slashes made dashes.
func FitDirName(name string) string {
	name = strings.TrimSuffix(filepath.Base(name), ".dag")
	return strings.Map(func(c rune) rune {
		if c == ' ' || c == '/' || c == '\\' {
			return '-'
		}
		return c
	}, name)
}

// Outcome returns the model's outcome node (the outcome flag, else
// role="outcome"; "" when it marks none).
func Outcome(m *model.Model) string {
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

// Reaches reports whether a directed path of lag-0 edges through nodes the
// plan estimates leads from x to y.
func Reaches(pl *fit.Plan, x, y string) bool {
	seen := map[string]bool{x: true}
	stack := []string{x}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range pl.Model.Out(cur) {
			if e.Lag != 0 || seen[e.To] || slices.Contains(pl.Dropped, e.To) {
				continue
			}
			if e.To == y {
				return true
			}
			seen[e.To] = true
			stack = append(stack, e.To)
		}
	}
	return false
}

// MediationQuestion is one exposure → mediator → outcome question.
type MediationQuestion struct{ Exposure, Mediator string }

// MaxMediation bounds the mediation questions a report asks.
const MaxMediation = 4

// MediationQuestions finds the mediation questions the model's roles
// ask: for each estimated node with role="mediator" on a lag-0 path to
// the outcome, the exposures (nodes with the exposure flag) that reach it,
// or, when the model flags none, its estimated lag-0 parents that are
// not remedies.
func MediationQuestions(pl *fit.Plan, outcome string) []MediationQuestion {
	m := pl.Model
	if outcome == "" || slices.Contains(pl.Exogenous, outcome) {
		return nil
	}
	estimated := func(n string) bool { return m.Node(n) != nil && !slices.Contains(pl.Dropped, n) }
	var qs []MediationQuestion
	for _, med := range m.NodesWith(func(n *model.Node) bool { return n.Role == "mediator" }) {
		if !estimated(med) || med == outcome || !Reaches(pl, med, outcome) {
			continue
		}
		exps := m.Exposures()
		if len(exps) == 0 {
			for _, e := range m.In(med) {
				if e.Kind == model.Directed && e.Lag == 0 && m.Node(e.From).Role != "remedy" {
					exps = append(exps, e.From)
				}
			}
		}
		for _, x := range exps {
			if x == med || x == outcome || !estimated(x) || !Reaches(pl, x, med) {
				continue
			}
			if len(qs) < MaxMediation {
				qs = append(qs, MediationQuestion{Exposure: x, Mediator: med})
			}
		}
	}
	return qs
}

// write assembles the report.
func (o *Options) write(d *Document, subs []*subject) error {
	main := subs[0].fit
	fits := make([]*fit.Fit, len(subs))
	for k, s := range subs {
		fits[k] = s.fit
	}
	m := main.Plan.Model
	name := main.Manifest.Model.Name
	s := main.Manifest.Settings
	d.P("# Model `%s`: a report\n\n", name)
	d.P("Written by dilemma %s. Data: %s (%d rows, SHA-256 `%s…`). Each fit: %d chains × (%d warm-up + %d draws), seed %d. Intervals are central 90%% credible intervals.\n\n",
		VersionString(), main.Manifest.Data.Name, main.Manifest.Data.Rows, shortHash(main.Manifest.Data.SHA256), s.Chains, s.Warmup, s.Samples, s.Seed)
	d.DiagnosticsBanner(fits)

	d.P("## The model and its measures\n\n")
	d.Figure("dag", fmt.Sprintf("The causal graph of `%s`: dashed boxes are latent, the outcome has a double border, remedies are filled, dashed edges are lagged (parent at t−k). Each estimated edge is labelled with its posterior median and 90%% interval and coloured by that interval: %s above 0, %s below 0 (open arrowhead), %s when it spans 0; black edges were not estimated.", name, plots.EdgePositive, plots.EdgeNegative, plots.EdgeUncertain), m, main, Request{Kind: "dag"})
	if err := d.Measures(m, "How each node is measured: its data column (or indicators), transform, family and the quality grade the model file gives. Answers that rest on poorly measured nodes rest mostly on the model's structure and priors."); err != nil {
		return err
	}
	for _, n := range main.Plan.Notes {
		d.P("- %s\n", n)
	}
	d.P("\n")
	if err := d.MissingValues(fits, s.Missing); err != nil {
		return err
	}

	d.P("## Edges\n\n")
	d.P("Each estimated edge's posterior, the probability of the sign the model claims for it, and its contraction (near 1: the data, not the prior, decide the edge).\n\n")
	if err := d.Table("edges", fmt.Sprintf("Edge strengths of %s.", name), EdgeTable(main, PaperTable)); err != nil {
		return err
	}
	d.Figure("forest", "Every edge's posterior: median (marker), 50% (thick) and 90% (thin) intervals, grouped by child node. The marker and colour give the expected sign (blue circle +, vermillion square −, black ring none), and the columns on the right the sign and P, its posterior probability.", nil, main, Request{Kind: "forest"})
	d.Figure("contraction", fmt.Sprintf("Prior (%s) against posterior (%s) for each edge strength, with the contraction c = 1 − posterior variance / prior variance: an edge whose posterior looks like its prior is not informed by the data.", plots.ContractionPrior, plots.ContractionPosterior), nil, main, Request{Kind: "contraction"})
	d.SignVerdict(main)
	d.PriorSensitivity(main)

	d.P("## Does the graph fit the data?\n\n")
	d.P("### Testable implications\n\n")
	d.P("Each graph implies conditional independencies. Each is tested within units (every variable demeaned by unit, the regression's standard error clustered by unit; `dilemma graph implications -h` gives the test and its calibration). Cross-node implications that fail point to missing edges or common causes; autocorrelation implications that fail say a node needs a self-lag. Holm's correction counts contradictions that survive testing many implications at once.\n\n")
	if err := d.Implications(fits, "units", o.Hints); err != nil {
		return err
	}
	if len(fits) > 1 {
		d.P("### Which graph predicts better?\n\n")
		used := map[string]bool{"dag": true}
		for k, f := range fits[1:] {
			name := "dag-" + FitDirName(f.Manifest.Model.Name)
			if used[name] {
				name = fmt.Sprintf("dag-rival-%d", k+1) // two fits of one model
			}
			used[name] = true
			d.Figure(name, fmt.Sprintf("The rival graph `%s`, with its fit's edge strengths.", f.Manifest.Model.Name), f.Plan.Model, f, Request{Kind: "dag"})
		}
		names := make([]string, len(subs))
		for k, s := range subs {
			names[k] = s.name
			if s.reused != "" {
				names[k] = s.reused
			}
		}
		if err := d.Comparison(fits, names); err != nil {
			return err
		}
	}

	outcome := Outcome(m)
	estimatedOutcome := outcome != "" && !slices.Contains(main.Plan.Dropped, outcome) && !slices.Contains(main.Plan.Exogenous, outcome)
	qs := MediationQuestions(main.Plan, outcome)
	if len(qs) > 0 {
		d.P("## Mediation\n\n")
		d.P("For each node with role=\"mediator\", how much of an exposure's effect on `%s` runs through it: natural direct and indirect effects of a one-sd increase, per posterior draw. The exposures are the nodes with the exposure flag or, when the model flags none, the mediator's parents.\n\n", outcome)
		for _, q := range qs {
			tag := ""
			if len(qs) > 1 {
				tag = FitDirName(q.Exposure + "-" + q.Mediator)
			}
			if err := d.Mediation(main, q.Exposure, []string{q.Mediator}, outcome, tag); err != nil {
				return err
			}
		}
	}
	top := ""
	if len(m.Remedies()) > 0 && estimatedOutcome {
		d.P("## Remedies\n\n")
		var err error
		if top, err = d.Remedies(main, outcome, o.Horizon); err != nil {
			return err
		}
	}
	if len(o.Units) > 0 {
		d.P("## Counterfactuals\n\n")
		node, why := top, "the remedy with the largest average reduction"
		if node == "" && len(qs) > 0 {
			node, why = qs[0].Exposure, "the first exposure of the mediation questions"
		}
		if node == "" {
			node, why = strongestParent(main, outcome), "the outcome's parent with the strongest edge"
		}
		if !estimatedOutcome || node == "" {
			d.P("*No counterfactual: the model has no estimated outcome with an estimated parent.*\n\n")
		} else if err := d.Counterfactuals(main, outcome, o.counterfactualTime(main), node, why, o.Units); err != nil {
			return err
		}
	}

	d.P("## Diagnostics\n\n")
	if err := d.Diagnostics(fits, main); err != nil {
		return err
	}
	d.P("## Data\n\n")
	d.DataSource(main.Manifest.Data)
	d.P("## Reproducing this report\n\n")
	for _, s := range subs {
		if s.reused != "" {
			d.P("- `%s`: the fit directory `%s` was reused.\n", s.name, s.reused)
		}
	}
	d.P("\nFit directories with CmdStan CSV draws and manifests are in `fits/`; `dilemma fit --from fits/NAME/manifest.json` reproduces a fit's draws byte for byte. `manifest.json` records this run's settings.\n")
	if err := o.writeManifest(d, subs); err != nil {
		return err
	}
	return d.Finish()
}

func (o *Options) counterfactualTime(f *fit.Fit) string {
	if o.Time != "" {
		return o.Time
	}
	return CounterfactualTime(f.Plan.Panel)
}

// strongestParent is the estimated lag-0 parent of node whose edge has
// the largest absolute posterior median.
func strongestParent(f *fit.Fit, node string) string {
	best, size := "", -1.0
	for _, e := range f.Edges {
		if e.Loading || e.Child != node || e.Lag != 0 {
			continue
		}
		if a := math.Abs(e.Q50); a > size {
			best, size = e.Parent, a
		}
	}
	return best
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// reportManifest records a run of Run.
type reportManifest struct {
	Tool       string            `json:"tool"`
	Version    string            `json:"version"`
	GoVersion  string            `json:"go_version"`
	Data       fit.DataRef       `json:"data"`
	Models     []string          `json:"models"`
	Reused     map[string]string `json:"reused_fits,omitempty"`
	Settings   fit.Settings      `json:"settings"`
	Units      []string          `json:"counterfactual_units"`
	Time       string            `json:"counterfactual_time"`
	Horizon    int               `json:"horizon"`
	Files      []string          `json:"files"`
	FitTimings []fit.Timing      `json:"fit_timing"`
}

func (o *Options) writeManifest(d *Document, subs []*subject) error {
	main := subs[0].fit
	m := reportManifest{Tool: "dilemma report", Version: dilemma.Version, GoVersion: runtime.Version(), Data: main.Manifest.Data,
		Settings: o.Settings, Units: o.Units, Horizon: o.Horizon, Files: append([]string(nil), d.Files...)}
	if len(o.Units) > 0 {
		m.Time = o.counterfactualTime(main)
	}
	for _, s := range subs {
		m.Models = append(m.Models, s.name)
		m.FitTimings = append(m.FitTimings, s.fit.Manifest.Timing)
		if s.reused != "" {
			if m.Reused == nil {
				m.Reused = map[string]string{}
			}
			m.Reused[s.name] = s.reused
		}
	}
	return d.WriteFile("manifest.json", func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
}
