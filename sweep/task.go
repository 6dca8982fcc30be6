package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"time"

	"dilemma/fit"
	"dilemma/inference"
	"dilemma/query"
)

// Num is a number that JSON writes as null when it is not finite.
type Num float64

// MarshalJSON writes null for NaN and infinities.
func (n Num) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(n))
}

// UnmarshalJSON reads null as NaN.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Num(f)
	return nil
}

// Answer is the posterior of one collected quantity: the effect, or one
// remedy's effect.
type Answer struct {
	Name string `json:"name"`
	// Status is "identified", "assumed identified" or "refused: reason".
	Status    string `json:"status"`
	Mean      Num    `json:"mean"`
	SD        Num    `json:"sd"`
	Lo        Num    `json:"lo"`
	Hi        Num    `json:"hi"`
	Level     Num    `json:"level"`
	Expected  string `json:"expected_sign"` // "+", "-" or "none"
	PExpected Num    `json:"p_expected_sign"`
	PNegative Num    `json:"p_negative"`
	PPositive Num    `json:"p_positive"`
}

// Diagnostics are the fit's convergence checks, summed up.
type Diagnostics struct {
	MaxRhat     Num      `json:"max_rhat"`
	MinESSBulk  Num      `json:"min_ess_bulk"`
	MinESSTail  Num      `json:"min_ess_tail"`
	Divergences int      `json:"divergences"`
	Warnings    []string `json:"warnings,omitempty"`
}

// Result is what a task leaves: its choices, the answer and the fit's
// diagnostics. It holds no time, host or executor, so that the same task
// gives the same bytes wherever it runs.
type Result struct {
	Index       int         `json:"index"`
	Kind        string      `json:"kind"`
	Choices     []Choice    `json:"choices"`
	Model       string      `json:"model"`
	Query       string      `json:"query,omitempty"`
	Outcome     string      `json:"outcome,omitempty"`
	Scale       string      `json:"scale,omitempty"`
	Answers     []Answer    `json:"answers,omitempty"`
	SBC         *SBCResult  `json:"sbc,omitempty"`
	CV          *CVResult   `json:"cv,omitempty"`
	Diagnostics Diagnostics `json:"diagnostics"`
}

// Failure records why a task failed.
type Failure struct {
	Index    int    `json:"index"`
	Error    string `json:"error"`
	Host     string `json:"host"`
	Executor string `json:"executor"`
	Time     string `json:"time"`
}

// Timing records where and how long a task ran (kept apart from the
// result, which must not depend on the executor).
type Timing struct {
	Host     string  `json:"host"`
	Executor string  `json:"executor"`
	Start    string  `json:"start"`
	Load     float64 `json:"load_seconds"`   // reading the task, binding model and data
	Sample   float64 `json:"sample_seconds"` // NUTS: warm-up and draws, all chains
	Query    float64 `json:"query_seconds"`  // the answer from the draws
	Write    float64 `json:"write_seconds"`  // the result (and the fit when kept)
	Total    float64 `json:"total_seconds"`
	// CPU is the CPU time (user plus system, every thread) the process
	// used while running the task: on a shared machine a truer measure of
	// its cost than the wall times. It counts every task the process runs
	// at the time, so it is the task's own only when the process runs one
	// task at a time ('sweep run DIR --task I', or --local -j 1).
	CPU float64 `json:"cpu_seconds"`
	// GradEvals counts log-density gradients over all chains.
	GradEvals int64 `json:"gradient_evaluations"`
	// WarmupSeconds is the warm-up's wall time summed over chains (they
	// run in parallel, so it may exceed Total).
	WarmupSeconds float64 `json:"warmup_seconds_all_chains"`
	// WarmupGradEvals counts the gradients of the warm-up (initialization
	// included) over all chains: GradEvals less the sampling draws'
	// leapfrog steps.
	WarmupGradEvals int64 `json:"warmup_gradient_evaluations"`
}

// countFit adds f's gradient counts and warm-up time to tm.
func countFit(f *fit.Fit, tm *Timing) {
	leap := slices.Index(inference.SamplerColumns, "n_leapfrog__")
	for c, g := range f.Manifest.Timing.GradEvals {
		tm.GradEvals += g
		tm.WarmupGradEvals += g
		tm.WarmupSeconds += f.Manifest.Timing.Warmup[c]
		if leap >= 0 && c < len(f.Stats) {
			for _, n := range f.Stats[c][leap] {
				tm.WarmupGradEvals -= int64(n)
			}
		}
	}
}

// RunOptions are how a task is run; none of them changes its result.
type RunOptions struct {
	// Executor names who runs the task ("local", "slurm", "kubernetes",
	// "task"), recorded in timing.json and failed.json only.
	Executor string
	// Force reruns a task that is already done.
	Force bool
}

// ErrDone says a task was already done and was not run again.
var ErrDone = errors.New("already done")

// ReadTask reads task i of the sweep directory dir and its fit manifest.
func ReadTask(dir string, i int) (*Task, *fit.Manifest, error) {
	td := TaskDir(dir, i)
	b, err := os.ReadFile(filepath.Join(td, TaskFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if _, perr := ReadPlan(dir); perr != nil {
				return nil, nil, perr
			}
			return nil, nil, fmt.Errorf("%s has no task %d", dir, i)
		}
		return nil, nil, err
	}
	var t Task
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", filepath.Join(td, TaskFile), err)
	}
	m, err := fit.ReadManifest(filepath.Join(td, manifestFile))
	if err != nil {
		return nil, nil, err
	}
	return &t, m, nil
}

// Done reports whether task i has its result.
func Done(dir string, i int) bool {
	_, err := os.Stat(filepath.Join(TaskDir(dir, i), ResultFile))
	return err == nil
}

// RunTask runs task i of the sweep directory dir: it fits the task's
// manifest, answers its query and writes result.json atomically (a
// temporary file renamed into place), removing any failed.json. A task
// that fails writes failed.json with the reason and returns the error. A
// task already done returns ErrDone unless opt.Force.
func RunTask(ctx context.Context, dir string, i int, opt RunOptions) (err error) {
	if Done(dir, i) && !opt.Force {
		return ErrDone
	}
	t, m, err := ReadTask(dir, i)
	if err != nil {
		return err
	}
	td := TaskDir(dir, i)
	host, _ := os.Hostname()
	start, cpu0 := time.Now(), processCPU()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v\n%s", r, debug.Stack())
		}
		if err != nil && ctx.Err() == nil {
			f := Failure{Index: i, Error: err.Error(), Host: host, Executor: opt.Executor, Time: start.UTC().Format(time.RFC3339)}
			if werr := writeJSON(filepath.Join(td, FailedFile), f); werr != nil {
				err = fmt.Errorf("%v (and recording the failure: %v)", err, werr)
			}
		}
	}()
	localData(dir, m)
	if t.Warm != nil {
		if err := warmStart(ctx, dir, t, m); err != nil {
			return err
		}
	}
	tm := Timing{Host: host, Executor: opt.Executor, Start: start.UTC().Format(time.RFC3339)}
	var res *Result
	switch t.Kind {
	case Multiverse:
		res, err = runMultiverse(ctx, t, m, td, &tm)
	case SBC:
		res, err = runSBC(ctx, t, m, &tm)
	case CV:
		res, err = runCV(ctx, t, m, &tm)
	default:
		err = fmt.Errorf("task %d: unknown kind %q", i, t.Kind)
	}
	if err != nil {
		return err
	}
	w0 := time.Now()
	if err := writeJSON(filepath.Join(td, ResultFile), res); err != nil {
		return err
	}
	os.Remove(filepath.Join(td, FailedFile))
	tm.Write += time.Since(w0).Seconds()
	tm.Total = time.Since(start).Seconds()
	tm.CPU = processCPU() - cpu0
	return writeJSON(filepath.Join(td, TimingFile), tm)
}

// localData points the manifest at the sweep directory's copy of its data
// when the original path does not exist here (a cluster node, a pod). The
// copy's SHA-256 is checked like the original's.
func localData(dir string, m *fit.Manifest) {
	if m.Data.Source == "embedded" {
		return
	}
	if _, err := os.Stat(m.Data.Source); err == nil {
		return
	}
	alt := filepath.Join(dir, DataDir, filepath.Base(m.Data.Source))
	if _, err := os.Stat(alt); err == nil {
		m.Data.Source = alt
	}
}

// fitTask samples a task's manifest.
func fitTask(ctx context.Context, m *fit.Manifest, tm *Timing) (*fit.Fit, error) {
	t0 := time.Now()
	pl, err := m.Plan()
	if err != nil {
		return nil, err
	}
	pl.ModelRef, pl.DataRef = m.Model, m.Data
	t1 := time.Now()
	tm.Load += t1.Sub(t0).Seconds()
	f, err := fit.Run(ctx, pl, m.Settings, nil)
	if err != nil {
		return nil, err
	}
	tm.Sample += time.Since(t1).Seconds()
	countFit(f, tm)
	return f, nil
}

func runMultiverse(ctx context.Context, t *Task, m *fit.Manifest, td string, tm *Timing) (*Result, error) {
	f, err := fitTask(ctx, m, tm)
	if err != nil {
		return nil, err
	}
	q0 := time.Now()
	res := &Result{Index: t.Index, Kind: t.Kind, Choices: t.Choices, Model: m.Model.Name, Query: t.Query.String(),
		Diagnostics: diagnosticsOf(f)}
	eng, err := query.New(f)
	if err != nil {
		return nil, err
	}
	opt := query.Options{Outcome: t.Query.Outcome, Horizon: t.Query.Horizon, Level: t.Query.Level, AssumeIdentified: t.Query.AssumeIdentified}
	if t.Query.Remedies {
		rep, err := eng.Remedies(opt)
		if err != nil {
			return nil, err
		}
		res.Outcome, res.Scale = rep.Outcome, rep.Scale
		for _, r := range rep.Rows {
			a := answerOf(r.Remedy, r.Status, r.Summary)
			if r.Draws == nil {
				a = refused(r.Remedy, r.Status)
			}
			res.Answers = append(res.Answers, a)
		}
	} else {
		do, err := query.Parse(t.Query.Effect)
		if err != nil {
			return nil, err
		}
		var versus query.Do
		if t.Query.Versus != "" {
			if versus, err = query.Parse(t.Query.Versus); err != nil {
				return nil, err
			}
		}
		rep, err := eng.Effect(do, versus, opt)
		if err != nil {
			return nil, err
		}
		res.Outcome, res.Scale = rep.Outcome, rep.Scale
		status := "identified"
		if rep.Basis != nil && rep.Basis.Assumed {
			status = "assumed identified"
		}
		last := rep.Periods[len(rep.Periods)-1]
		res.Answers = []Answer{answerOf("effect", status, last.Summary)}
	}
	tm.Query += time.Since(q0).Seconds()
	if t.KeepFit {
		w0 := time.Now()
		if err := f.Write(filepath.Join(td, FitDirName)); err != nil {
			return nil, err
		}
		tm.Write += time.Since(w0).Seconds()
	}
	return res, nil
}

func answerOf(name, status string, s query.Summary) Answer {
	return Answer{Name: name, Status: status, Mean: Num(s.Mean), SD: Num(s.SD), Lo: Num(s.Lo), Hi: Num(s.Hi),
		Level: Num(s.Level), Expected: query.SignString(s.Expected), PExpected: Num(s.PExpected),
		PNegative: Num(s.PNeg), PPositive: Num(s.PPos)}
}

func refused(name, status string) Answer {
	nan := Num(math.NaN())
	return Answer{Name: name, Status: status, Mean: nan, SD: nan, Lo: nan, Hi: nan, Level: nan, Expected: "none",
		PExpected: nan, PNegative: nan, PPositive: nan}
}

// diagnosticsOf sums up a fit's convergence: the largest R-hat and the
// smallest ESS over the summarized parameters, the divergent transitions
// and the warnings.
func diagnosticsOf(f *fit.Fit) Diagnostics {
	d := Diagnostics{MaxRhat: Num(math.NaN()), MinESSBulk: Num(math.NaN()), MinESSTail: Num(math.NaN())}
	for _, s := range f.Summaries {
		if s.Name == "lp__" {
			continue
		}
		if !math.IsNaN(s.Rhat) && (math.IsNaN(float64(d.MaxRhat)) || s.Rhat > float64(d.MaxRhat)) {
			d.MaxRhat = Num(s.Rhat)
		}
		if !math.IsNaN(s.ESSBulk) && (math.IsNaN(float64(d.MinESSBulk)) || s.ESSBulk < float64(d.MinESSBulk)) {
			d.MinESSBulk = Num(s.ESSBulk)
		}
		if !math.IsNaN(s.ESSTail) && (math.IsNaN(float64(d.MinESSTail)) || s.ESSTail < float64(d.MinESSTail)) {
			d.MinESSTail = Num(s.ESSTail)
		}
	}
	div := slices.Index(inference.SamplerColumns, "divergent__")
	for c := range f.Stats {
		for _, v := range f.Stats[c][div] {
			if v != 0 {
				d.Divergences++
			}
		}
	}
	for _, w := range f.Warnings {
		d.Warnings = append(d.Warnings, w.Message)
	}
	return d
}
