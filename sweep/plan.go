package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"dilemma"
	"dilemma/data"
	"dilemma/fit"
	"dilemma/internal/atomicfile"
	"dilemma/model"
	"dilemma/model/sem"
	"dilemma/query"
	"dilemma/table"
)

// Files of a sweep directory.
const (
	PlanFile     = "plan.json"  // the plan: kind, axes, query, tasks and their choices
	SourceFile   = "sweep.toml" // the sweep file as given
	TasksDir     = "tasks"      // one directory per task
	TaskFile     = "task.json"  // a task's choices and query
	ResultFile   = "result.json"
	FailedFile   = "failed.json"
	TimingFile   = "timing.json"
	ResultsCSV   = "results.csv"
	FitDirName   = "fit"
	DataDir      = "data" // a copy of the data, used where its original path does not exist (another machine)
	manifestFile = fit.ManifestFile
)

// Choice is the value one axis takes in a task.
type Choice struct {
	Axis  string `json:"axis"`
	Value string `json:"value"`
}

// Task is one fit of a sweep and what to collect from it. Its fit manifest
// (manifest.json beside task.json) holds the model text, data, seed and
// settings: everything the fit needs, so the task runs the same on any
// machine and under any executor.
type Task struct {
	Index   int      `json:"index"`
	Kind    string   `json:"kind"`
	Choices []Choice `json:"choices"`
	Query   Query    `json:"query"`
	// KeepFit writes the task's fit directory beside its result.
	KeepFit bool `json:"keep_fit,omitempty"`
	// SBC: the replication's simulation seed and what to rank.
	SBC *SBCTask `json:"sbc,omitempty"`
	// CV: the fold this task leaves out.
	CV *CVTask `json:"cv,omitempty"`
	// Warm: the pilot that warm-starts the task (warm_start = true).
	Warm *TaskWarm `json:"warm_start,omitempty"`
}

// Describe writes the task's choices as "axis=value, …".
func (t *Task) Describe() string {
	var parts []string
	for _, c := range t.Choices {
		parts = append(parts, c.Axis+"="+c.Value)
	}
	return strings.Join(parts, ", ")
}

// AxisDoc is an axis as plan.json records it.
type AxisDoc struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// Plan is a sweep expanded into its tasks.
type Plan struct {
	Tool    string    `json:"tool"`
	Version string    `json:"version"`
	Kind    string    `json:"kind"`
	Model   string    `json:"model"`
	Data    string    `json:"data"`
	Query   Query     `json:"query"`
	Axes    []AxisDoc `json:"axes,omitempty"`
	Tasks   []Task    `json:"tasks"`
	// Pilots are the warm starts' pilot fits (warm_start = true).
	Pilots []Pilot `json:"pilots,omitempty"`
	// Manifests[i] is task i's fit manifest (written to its own file).
	Manifests []fit.Manifest `json:"-"`
	// Source is the sweep file's text (written to sweep.toml).
	Source string `json:"-"`
}

// Table lists the tasks with their choices.
func (p *Plan) Table() *table.Table {
	t := &table.Table{Columns: []string{"task"}, Align: []table.Align{table.Right}}
	for _, a := range p.Axes {
		t.Columns = append(t.Columns, a.Name)
	}
	if p.Kind == SBC {
		t.Columns = append(t.Columns, "replication", "seed")
	}
	if p.Kind == CV {
		t.Columns = append(t.Columns, "fold", "units left out")
	}
	for _, task := range p.Tasks {
		row := []string{fmt.Sprint(task.Index)}
		for _, c := range task.Choices {
			row = append(row, c.Value)
		}
		if task.SBC != nil {
			row = append(row, fmt.Sprint(task.SBC.Replication), fmt.Sprint(task.SBC.Seed))
		}
		if task.CV != nil {
			row = append(row, fmt.Sprint(task.CV.Fold), fmt.Sprint(len(task.CV.Units)))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// Build expands a sweep file into its tasks: for a multiverse one per
// combination of the axes' values (the first axis varies slowest), for sbc
// one per replication, for cv one per fold. Every task's model is bound to
// the data, so a combination that cannot be fitted (an unknown column, a
// family that does not fit a column) is an error here, naming the task's
// choices, not a failure hours later on a cluster.
func Build(f *File) (*Plan, error) {
	base, err := loadModel(f, f.Model)
	if err != nil {
		return nil, &Error{File: f.Path, Line: lineOf(f.Text, "model"), Msg: err.Error()}
	}
	opt0, err := f.Settings.ModelOptions()
	if err != nil {
		return nil, &Error{File: f.Path, Line: lineOf(f.Text, "fit"), Msg: "[fit]: " + err.Error()}
	}
	keys := data.Options{UnitKey: f.Unit, TimeKey: f.Time}
	pl0, err := fit.Prepare(modelPath(f, f.Model), f.Data, keys, opt0)
	if err != nil {
		return nil, &Error{File: f.Path, Msg: fmt.Sprintf("model %s on the data: %v", f.Model, err)}
	}
	panel, dataRef := pl0.Panel, pl0.DataRef
	p := &Plan{Tool: "dilemma", Version: dilemma.Version, Kind: f.Kind, Model: f.Model, Data: dataRef.Source,
		Query: f.Query, Source: f.Text}
	for _, a := range f.Axes {
		p.Axes = append(p.Axes, AxisDoc{Name: a.Name, Values: a.Values})
	}
	if err := f.checkAxes(); err != nil {
		return nil, err
	}
	models := map[string]*model.Model{f.Model: base}
	n := 1
	for _, a := range f.Axes {
		n *= len(a.Values)
		if n > 1_000_000 {
			return nil, &Error{File: f.Path, Line: a.line, Msg: "more than a million combinations; split the sweep"}
		}
	}
	checkedQuery := map[string]bool{}
	var bindCache = map[string]error{}
	var keyCache = map[string]string{}
	var groups []string // per task: its parameters (warm-start groups)
	for i := 0; i < n; i++ {
		task := Task{Index: i, Kind: f.Kind, Query: f.Query, KeepFit: f.KeepFits}
		rest := i
		choice := make([]string, len(f.Axes))
		for k := len(f.Axes) - 1; k >= 0; k-- {
			nv := len(f.Axes[k].Values)
			choice[k] = f.Axes[k].Values[rest%nv]
			rest /= nv
		}
		for k, a := range f.Axes {
			task.Choices = append(task.Choices, Choice{Axis: a.Name, Value: choice[k]})
		}
		fail := func(err error) error {
			return &Error{File: f.Path, Msg: fmt.Sprintf("task %d (%s): %v", i, task.Describe(), err)}
		}
		s := f.Settings
		modelName := f.Model
		for k, a := range f.Axes {
			if a.Name == "model" {
				modelName = choice[k]
			}
		}
		m, ok := models[modelName]
		if !ok {
			if m, err = loadModel(f, modelName); err != nil {
				return nil, &Error{File: f.Path, Line: lineOf(f.Text, "model"), Msg: fmt.Sprintf("axis \"model\": %v", err)}
			}
			models[modelName] = m
		}
		changed := false
		m = m.Clone()
		for k, a := range f.Axes {
			switch {
			case a.Name == "model":
			case IsSetting(a.Name):
				if err := setSetting(&s, a.Name, choice[k]); err != nil {
					return nil, &Error{File: f.Path, Line: a.line, Msg: fmt.Sprintf("axis %q: %v", a.Name, err)}
				}
			default:
				if err := applyModelAxis(m, a.Name, choice[k]); err != nil {
					return nil, &Error{File: f.Path, Line: a.line, Msg: fmt.Sprintf("axis %q = %q: %v", a.Name, choice[k], err)}
				}
				changed = true
			}
		}
		text := m.Source
		if changed || text == "" {
			if err := m.Validate(); err != nil {
				return nil, fail(err)
			}
			var b strings.Builder
			if err := m.Export(&b); err != nil {
				return nil, fail(err)
			}
			text = b.String()
		}
		opt, err := s.ModelOptions()
		if err != nil {
			return nil, fail(err)
		}
		key := text + "\x00" + fmt.Sprintf("%+v", opt)
		berr, seen := bindCache[key]
		if !seen {
			keyCache[key], berr = bind(text, modelName, panel, opt)
			bindCache[key] = berr
		}
		if berr != nil {
			return nil, fail(berr)
		}
		if !checkedQuery[text] {
			if err := checkQueryNodes(f.Query, text, modelName); err != nil {
				return nil, &Error{File: f.Path, Line: lineOf(f.Text, "query"), Msg: fmt.Sprintf("[query] on model %s: %v", modelName, err)}
			}
			checkedQuery[text] = true
		}
		if s.Chains < 1 || s.Samples < 1 || s.Warmup < 0 {
			return nil, fail(fmt.Errorf("chains and samples must be at least 1 and warmup at least 0"))
		}
		man := fit.Manifest{Tool: "dilemma", Version: dilemma.Version, GoVersion: runtime.Version(),
			Model: fit.ModelRef{Name: modelName, Text: text}, Data: dataRef, Settings: s}
		p.Tasks = append(p.Tasks, task)
		p.Manifests = append(p.Manifests, man)
		groups = append(groups, keyCache[key]+"\x00"+s.Metric)
	}
	switch f.Kind {
	case SBC:
		if err := buildSBC(f, p, panel); err != nil {
			return nil, err
		}
	case CV:
		if err := buildCV(f, p, panel); err != nil {
			return nil, err
		}
	}
	if f.WarmStart {
		if f.Kind != Multiverse {
			// One model: every replication or fold shares the pilot.
			groups = make([]string, len(p.Tasks))
		}
		buildPilots(p, groups, f.WarmStartWarmup)
	}
	return p, nil
}

// bind parses a task's model text and binds it to the panel.
func bind(text, name string, panel *data.Panel, opt fit.Options) (key string, err error) {
	m, err := model.ParseString(text, name)
	if err != nil {
		return "", err
	}
	pl, err := fit.NewPlan(m, panel, opt)
	if err != nil {
		return "", err
	}
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		return "", err
	}
	return paramKey(post.Dim(), post.ParamNames()), nil
}

// checkQueryNodes checks that the query's nodes are in the model.
func checkQueryNodes(q Query, text, name string) error {
	m, err := model.ParseString(text, name)
	if err != nil {
		return err
	}
	var nodes []string
	if q.Outcome != "" {
		nodes = append(nodes, q.Outcome)
	}
	for _, s := range []string{q.Effect, q.Versus} {
		if s == "" {
			continue
		}
		d, err := query.Parse(s)
		if err != nil {
			return err
		}
		nodes = append(nodes, d.Nodes()...)
	}
	for _, n := range nodes {
		if m.Node(n) == nil {
			msg := fmt.Sprintf("no node %q", n)
			if c := model.Closest(n, m.NodeNames()); c != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", c)
			}
			return errors.New(msg)
		}
	}
	if q.Remedies && len(m.Remedies()) == 0 {
		return fmt.Errorf("remedies = true but no node has role=\"remedy\"")
	}
	return nil
}

// modelPath resolves a model name: a built-in name as is, a file relative
// to the sweep file's directory.
func modelPath(f *File, name string) string {
	if model.IsBuiltin(name) || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(f.Dir, name)
}

func loadModel(f *File, name string) (*model.Model, error) {
	m, err := model.Load(modelPath(f, name))
	if err != nil {
		return nil, err
	}
	return m, nil
}

// modelAttrs are the node attributes an axis NODE.ATTR may vary.
var modelAttrs = []string{"column", "family", "transform", "role", "quality", "indicators"}

// checkAxes checks every axis name before any task is built.
func (f *File) checkAxes() error {
	for _, a := range f.Axes {
		switch {
		case a.Name == "model", IsSetting(a.Name):
			continue
		case a.Name == UnitEffectsKey:
			err := setSetting(&fit.Settings{}, a.Name, "")
			return &Error{File: f.Path, Line: a.line, Msg: fmt.Sprintf("axis %q: %v", a.Name, err)}
		case !strings.Contains(a.Name, "."):
			return &Error{File: f.Path, Line: a.line, Msg: fmt.Sprintf("unknown axis %q: want model, a fit setting (%s), \"NODE.ATTR\" (ATTR one of %s, prior_KEY) or \"A->B.prior\"",
				a.Name, strings.Join(SettingKeys(), ", "), strings.Join(modelAttrs, ", "))}
		}
	}
	return nil
}

// applyModelAxis sets one model choice: "NODE.ATTR" or "A->B.prior".
func applyModelAxis(m *model.Model, axis, value string) error {
	target, attr, _ := cutLast(axis, ".")
	if from, to, ok := strings.Cut(target, "->"); ok {
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		if attr != "prior" {
			return fmt.Errorf("an edge axis varies its prior: %q", from+"->"+to+".prior")
		}
		var found []*model.Edge
		for _, e := range m.Edges {
			if e.Kind == model.Directed && e.From == from && e.To == to {
				found = append(found, e)
			}
		}
		if len(found) == 0 {
			return fmt.Errorf("the model has no edge %s -> %s", from, to)
		}
		slices.SortFunc(found, func(a, b *model.Edge) int { return a.Lag - b.Lag })
		pr, err := model.ParsePrior(value)
		if err != nil {
			return err
		}
		found[0].Prior = &pr
		return nil
	}
	n := m.Node(target)
	if n == nil {
		msg := fmt.Sprintf("the model has no node %q", target)
		if c := model.Closest(target, m.NodeNames()); c != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", c)
		}
		return errors.New(msg)
	}
	switch attr {
	case "column":
		n.Column = value
	case "family":
		n.Family = value
	case "transform":
		n.Transform = value
	case "role":
		n.Role = value
	case "quality":
		n.Quality = value
	case "indicators":
		n.Indicators = nil
		for _, c := range strings.Split(value, ",") {
			n.Indicators = append(n.Indicators, strings.TrimSpace(c))
		}
	default:
		key, ok := strings.CutPrefix(attr, "prior_")
		if !ok || !slices.Contains(model.NodePriorKeys(), key) {
			return fmt.Errorf("unknown node attribute %q (an axis may vary %s, or prior_KEY with KEY one of %s)", attr, strings.Join(modelAttrs, ", "), strings.Join(model.NodePriorKeys(), ", "))
		}
		pr, err := model.ParsePrior(value)
		if err != nil {
			return err
		}
		if n.Priors == nil {
			n.Priors = map[string]model.Prior{}
		}
		n.Priors[key] = pr
	}
	return nil
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// TaskDir is task i's directory in the sweep directory dir.
func TaskDir(dir string, i int) string {
	return filepath.Join(dir, TasksDir, fmt.Sprintf("%04d", i))
}

// Write writes the plan into dir whole or not at all: plan.json, the sweep
// file, and for every task its task.json and fit manifest. When dir already
// holds the same plan it is left as is (its results kept) and Write
// reports existed; a different plan there is an error.
func (p *Plan) Write(dir string) (existed bool, err error) {
	dir = filepath.Clean(dir)
	pb, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return false, err
	}
	pb = append(pb, '\n')
	if old, err := os.ReadFile(filepath.Join(dir, PlanFile)); err == nil {
		if bytes.Equal(old, pb) {
			return true, nil
		}
		return false, fmt.Errorf("%s holds a different sweep (its %s differs); choose another --out or remove it", dir, PlanFile)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return false, fmt.Errorf("%s exists and is not a sweep directory; choose another --out", dir)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return false, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.WriteFile(filepath.Join(tmp, PlanFile), pb, 0o644); err != nil {
		return false, err
	}
	if err := os.WriteFile(filepath.Join(tmp, SourceFile), []byte(p.Source), 0o644); err != nil {
		return false, err
	}
	for i, t := range p.Tasks {
		td := TaskDir(tmp, i)
		if err := os.MkdirAll(td, 0o755); err != nil {
			return false, err
		}
		if err := writeJSON(filepath.Join(td, TaskFile), t); err != nil {
			return false, err
		}
		if err := writeJSON(filepath.Join(td, manifestFile), p.Manifests[i]); err != nil {
			return false, err
		}
	}
	for _, pi := range p.Pilots {
		pd := PilotDir(tmp, pi.Index)
		if err := os.MkdirAll(pd, 0o755); err != nil {
			return false, err
		}
		if err := writeJSON(filepath.Join(pd, manifestFile), pilotManifest(p.Manifests[pi.Task])); err != nil {
			return false, err
		}
	}
	if p.Data != "" && p.Data != "embedded" {
		b, err := os.ReadFile(p.Data)
		if err != nil {
			return false, err
		}
		if err := os.MkdirAll(filepath.Join(tmp, DataDir), 0o755); err != nil {
			return false, err
		}
		if err := os.WriteFile(filepath.Join(tmp, DataDir, filepath.Base(p.Data)), b, 0o644); err != nil {
			return false, err
		}
	}
	os.Remove(dir) // an empty directory
	return false, os.Rename(tmp, dir)
}

// ReadPlan reads a sweep directory's plan.
func ReadPlan(dir string) (*Plan, error) {
	b, err := os.ReadFile(filepath.Join(dir, PlanFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a sweep directory (no %s); run 'dilemma sweep plan SWEEP.toml --out %s' first", dir, PlanFile, dir)
		}
		return nil, err
	}
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, PlanFile), err)
	}
	if p.Tool != "dilemma" {
		return nil, fmt.Errorf("%s is not a dilemma sweep plan", filepath.Join(dir, PlanFile))
	}
	return &p, nil
}

// writeJSON writes v as indented JSON, whole or not at all.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, append(b, '\n'))
}

// writeAtomic writes b to a temporary file beside path and renames it into
// place, so that readers see the whole file or none.
func writeAtomic(path string, b []byte) error { return atomicfile.WriteBytes(path, b) }
