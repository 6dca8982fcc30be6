package paper

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"dilemma/fit"
	"dilemma/model"
	"dilemma/sweep"
	"dilemma/table"
)

// RobustnessAxis is one debatable choice of the robustness multiverse: a
// sweep axis (package sweep's names: a fit setting such as time_effects,
// or "NODE.column", "NODE.transform", "NODE.indicators", …) with its
// options, the first the model's own, and why it is debatable.
type RobustnessAxis struct {
	Name   string
	Values []string
	Why    string
}

// DefaultRobustnessAxes are the choices the embedded data's documentation
// (data/embedded/DATA.md, sections 5 and 6) calls debatable, for the
// built-in fig2-remedies: every combination is one fit. An axis whose node
// is not in the model is left out with a note.
var DefaultRobustnessAxes = []RobustnessAxis{
	{Name: "time_effects", Values: []string{"none", "fixed"},
		Why: "common shocks by month; C8 from late 2021 records the strictest rule for someone (DATA.md §5)"},
	{Name: "unequal_exposure.transform", Values: []string{"log1p|standardize", "standardize"},
		Why: "exposure's degree (reported deaths relative to the world, heavy-tailed) on the log scale or as reported (DATA.md §5, §6); its timing, months_since_first_case, is negative before the first case and takes no log"},
	{Name: "goodwill_signals.transform", Values: []string{"log1p|standardize", "indicator(>0)"},
		Why: "E4 is badly behaved: log1p, or a binary \"any E4 > 0\" (DATA.md §5)"},
	{Name: "fear.column", Values: []string{"new_deaths_per_million", "stringency_index"},
		Why: "fear as reported deaths (reporting capacity as much as burden), or the state's revealed threat perception (DATA.md §5, §6)"},
}

// DefaultRobustnessSettings are the robustness fits' chains: short, as
// the multiverse has one fit per combination.
func DefaultRobustnessSettings() fit.Settings {
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples = 4, 300, 300
	return s
}

// robustness is the multiverse's outcome for the report.
type robustness struct {
	axes    []RobustnessAxis
	skipped []string
	col     *sweep.Collection
	err     error
}

// robustnessAxes keeps the axes whose nodes the model has.
func robustnessAxes(m *model.Model, axes []RobustnessAxis) (keep []RobustnessAxis, skipped []string) {
	for _, a := range axes {
		if node, _, ok := strings.Cut(a.Name, "."); ok && !sweep.IsSetting(a.Name) && m.Node(node) == nil {
			skipped = append(skipped, fmt.Sprintf("%s (the model has no node %s)", a.Name, node))
			continue
		}
		keep = append(keep, a)
	}
	return keep, skipped
}

// robustnessPlan writes the sweep file of the remedies' multiverse of
// model m (name or file nontrad) over the axes it has into dir and builds
// its plan.
func robustnessPlan(o Options, m *model.Model, outcome, dir string) (*sweep.Plan, *robustness, error) {
	rb := &robustness{}
	rb.axes, rb.skipped = robustnessAxes(m, o.RobustnessAxes)
	if len(rb.axes) == 0 {
		return nil, rb, fmt.Errorf("no debatable choice applies to %s", o.NonTraditional)
	}
	s := o.RobustnessSettings
	doc := map[string]any{
		"kind": "multiverse",
		"fit": map[string]any{"chains": s.Chains, "warmup": s.Warmup, "samples": s.Samples, "seed": s.Seed,
			"time_effects": s.Time, "unit_intercepts": s.RE},
		"query": map[string]any{"remedies": true, "outcome": outcome, "assume_identified": true},
	}
	modelRef := o.NonTraditional
	if _, err := os.Stat(modelRef); err == nil {
		modelRef, _ = filepath.Abs(modelRef)
	}
	doc["model"] = modelRef
	if o.DataPath != "" {
		abs, _ := filepath.Abs(o.DataPath)
		doc["data"] = abs
		if o.Keys.UnitKey != "" {
			doc["unit"] = o.Keys.UnitKey
		}
		if o.Keys.TimeKey != "" {
			doc["time"] = o.Keys.TimeKey
		}
	}
	var text strings.Builder
	if err := toml.NewEncoder(&text).Encode(doc); err != nil {
		return nil, rb, err
	}
	// The axes in order (a TOML table of a Go map would sort them).
	text.WriteString("\n[axes]\n")
	for _, a := range rb.axes {
		var vals []string
		for _, v := range a.Values {
			vals = append(vals, fmt.Sprintf("%q", v))
		}
		fmt.Fprintf(&text, "%q = [%s]\n", a.Name, strings.Join(vals, ", "))
	}
	src := filepath.Join(dir, "robustness.toml")
	if err := os.WriteFile(src, []byte(text.String()), 0o644); err != nil {
		return nil, rb, err
	}
	defer os.Remove(src)
	f, err := sweep.ReadFile(src)
	if err != nil {
		return nil, rb, err
	}
	p, err := sweep.Build(f)
	return p, rb, err
}

// runRobustness plans and runs the remedies' multiverse of the
// non-traditional model over the debatable choices into the report's
// robustness/ directory (a sweep directory: 'dilemma sweep collect' and
// 'status' read it), at the robustness settings. The fits are not
// warm-started: on fig2-remedies a warm start at these lengths cut the
// gradients by half but min-ESS by three quarters (README, "Many fits").
func (r *run) runRobustness(ctx context.Context, outcome string) *robustness {
	o := r.o
	p, rb, err := robustnessPlan(o, r.nontradPlan.Model, outcome, r.Dir)
	if err != nil {
		rb.err = err
		return rb
	}
	dir := filepath.Join(r.Dir, "robustness")
	if _, err := p.Write(dir); err != nil {
		rb.err = err
		return rb
	}
	s := o.RobustnessSettings
	o.Logf("robustness: %d specifications of %s (%d chains × %d+%d)\n", len(p.Tasks), o.NonTraditional, s.Chains, s.Warmup, s.Samples)
	k := 0
	if _, err := sweep.RunLocal(ctx, dir, max(1, o.RobustnessJobs), func(i int, err error) {
		k++
		if err != nil {
			o.Logf("  specification %d failed: %v\n", i, err)
		} else {
			o.Logf("  specification %d done (%d/%d)\n", i, k, len(p.Tasks))
		}
	}); err != nil {
		rb.err = err
		return rb
	}
	if rb.col, err = sweep.Collect(dir); err != nil {
		rb.err = err
	}
	r.Files = append(r.Files, "robustness")
	return rb
}

// robustnessSection writes the multiverse into the report: the choices,
// a specification curve per remedy and the share of specifications in
// which each remedy reduces the outcome.
func (r *run) robustnessSection(rb *robustness) error {
	if rb == nil {
		return nil
	}
	r.P("### Robustness: the remedies across the data's debatable choices\n\n")
	if rb.err != nil {
		r.P("*The robustness multiverse could not be run: %v.*\n\n", rb.err)
		return nil
	}
	s := r.o.RobustnessSettings
	r.P("The data's documentation (DATA.md) calls several measurement choices debatable. Each combination of the options below is one specification of `%s`, fitted with %d chains × (%d warm-up + %d draws) (`robustness/` is the sweep directory: `dilemma sweep collect robustness` redraws it). "+
		"The remedies' identification is assumed, as in the table above. A remedy whose answer holds in every specification does not rest on these choices.\n\n",
		r.o.NonTraditional, s.Chains, s.Warmup, s.Samples)
	if len(rb.skipped) > 0 {
		r.P("Left out: %s.\n\n", strings.Join(rb.skipped, "; "))
	}
	t := &table.Table{Columns: []string{"choice", "options (the model's first)", "why it is debatable"}, Align: []table.Align{table.Left, table.Left, table.Left}}
	for _, a := range rb.axes {
		t.Rows = append(t.Rows, []string{a.Name, strings.Join(a.Values, " · "), a.Why})
	}
	if err := r.Table("robustness-choices", "The debatable choices of the robustness multiverse.", t); err != nil {
		return err
	}
	col := rb.col
	r.P("%s.", col.StatusLine())
	if len(col.Failed) > 0 {
		var reasons []string
		for _, f := range col.Failed {
			reasons = append(reasons, fmt.Sprintf("%d: %s", f.Index, firstLine(f.Error)))
		}
		r.P(" Failed specifications: %s.", strings.Join(reasons, "; "))
	}
	r.P("\n\n")
	if err := r.Table("robustness-remedies", fmt.Sprintf("Each remedy over the specifications: how many give P(reduces) ≥ %.2f (the remedy lowers the outcome), how many give its expected sign with P ≥ %.2f, and the range of its posterior mean.", sweep.Reduces, sweep.Reduces), col.SharesTable()); err != nil {
		return err
	}
	for _, a := range col.Answers {
		name := "spec-curve-" + a.Name
		if _, err := os.Stat(filepath.Join(col.Dir, name+".png")); err != nil {
			continue
		}
		for _, ext := range []string{".png", ".pdf"} {
			b, err := os.ReadFile(filepath.Join(col.Dir, name+ext))
			if err != nil {
				return err
			}
			rel := filepath.Join("figures", "robustness-"+a.Name+ext)
			if err := os.WriteFile(filepath.Join(r.Dir, rel), b, 0o644); err != nil {
				return err
			}
			r.Files = append(r.Files, rel)
		}
		n := r.NextFigure()
		caption := fmt.Sprintf("Specification curve of %s: its effect on the outcome (posterior mean and interval) in each specification, sorted, with the choices each made marked beneath.", a.Name)
		r.P("![%s](figures/robustness-%s.png)\n\n**Figure %d.** %s [PDF](figures/robustness-%s.pdf)\n\n", caption, a.Name, n, caption, a.Name)
	}
	return nil
}

// firstLine is s up to its first newline.
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// robustnessDefaults fills the robustness options' zero fields.
func (o *Options) robustnessDefaults() {
	if o.RobustnessAxes == nil {
		o.RobustnessAxes = slices.Clone(DefaultRobustnessAxes)
	}
	if o.RobustnessSettings.Chains == 0 {
		o.RobustnessSettings = DefaultRobustnessSettings()
		o.RobustnessSettings.Seed = o.Settings.Seed
		o.RobustnessSettings.Time, o.RobustnessSettings.RE = o.Settings.Time, o.Settings.RE
	}
}
