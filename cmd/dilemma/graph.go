package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"dilemma/model"
	"dilemma/table"
)

func init() {
	register(&command{
		name:    "models",
		summary: "list the built-in causal models (the paper's figures)",
		usage: `Usage: dilemma models [--format text|csv|markdown|latex] [--json]

Lists the built-in models with their size and a one-line description. Any
command that takes MODEL accepts these names as well as a model file.

Examples:
  dilemma models
  dilemma models --json`,
		run: runModels,
	})
	register(&command{
		name:    "graph show",
		summary: "print a model: nodes with their data, edges with lags, signs and priors",
		usage: `Usage: dilemma graph show MODEL [--format text|csv|markdown|latex] [--json]

Prints a causal model: each node with its kind (observed, latent, or fixed:
a root without data, never estimated), role, the column or indicators that
measure it, its transform, family, data-quality grade and parents; each edge
with its lag, expected sign and prior; and notes on how identification reads
the graph (lagged models are unrolled over two periods). MODEL is a model
file or a built-in name (see 'dilemma models').

Examples:
  dilemma graph show fig2
  dilemma graph show my-model.dag --json`,
		run: runGraphShow,
	})
	register(&command{
		name:    "graph export",
		summary: "write a model as a model file (dagitty syntax) that parses back to the same model",
		usage: `Usage: dilemma graph export MODEL [--settings] [--out FILE]

Writes MODEL in dagitty's syntax: one dag block with every node and edge and
all their attributes, which dagitty.net reads as is (it keeps attributes it
does not know) and dilemma reads back to the same model. --settings moves
the data settings (column, transform, family, role, quality, indicators,
priors, signs) to a separate settings block after a short dag block; paste
only the dag block into dagitty.net. --out writes a file whole or not at all.

Examples:
  dilemma graph export fig2 > fig2.dag
  dilemma graph export fig2-remedies --settings --out remedies.dag`,
		run: runGraphExport,
	})
	register(&command{
		name:    "graph dsep",
		summary: "test d-separation X ⟂ Y | Z and show an open path if connected",
		usage: `Usage: dilemma graph dsep MODEL X Y [--given Z1,Z2] [--json]

Tests whether the nodes Z d-separate X from Y in MODEL's graph. Prints
"separated", or "connected" and one open path. X and Y may be
comma-separated lists. --json prints {"separated": bool, "open_path": [...]}
(the nodes of the path; empty when separated). A bidirected edge counts as a
latent common cause. In a model with lagged edges the graph is unrolled over
two periods: name the earlier copy of a node name@t-1.

Examples:
  dilemma graph dsep fig2 threat unilateralism --given fear
  dilemma graph dsep fig2 fear peer_unilateralism@t-1 --json
  dilemma graph dsep my-model.dag a,b c --given d`,
		run: runGraphDSep,
	})
	register(&command{
		name:    "graph adjust",
		summary: "adjustment sets for a total or direct effect, or why none exists",
		usage: `Usage: dilemma graph adjust MODEL --exposure X --outcome Y [--effect total|direct] [--include Z1,Z2] [--json]

Lists every minimal adjustment set and the canonical set (every admissible
ancestor of exposure and outcome) for the effect of X on Y: the total effect
by the back-door criterion, or the direct effect (the strength of the edge
X -> Y) by the single-door criterion. Latent nodes are never in a set. When
no set exists it says why, naming a path that stays open (e.g. through a
latent confounder or a bidirected edge); the JSON then has empty sets, a
null canonical set and a "reason". --include forces nodes into every set.
--exposure and --outcome default to the model's [exposure] and [outcome]
nodes when there is one of each. --json prints
{"sets": [["a","b"], …], "canonical": [...]}, names sorted within a set and
sets sorted.

Examples:
  dilemma graph adjust fig2 --exposure unequal_exposure --outcome unilateralism
  dilemma graph adjust fig2 --exposure threat --outcome fear --effect direct --json
  dilemma graph adjust my-model.dag --exposure x --outcome y --include age`,
		run: runGraphAdjust,
	})
	register(&command{
		name:    "graph implications",
		summary: "conditional independencies the graph implies, optionally tested on data",
		usage: `Usage: dilemma graph implications MODEL [--test | --data CSV] [--alpha 0.05] [--unit iso3] [--time month] [--format text|csv|markdown|latex] [--json]

Lists the testable implications of MODEL: for every pair of non-adjacent
observed nodes that some observed set separates, one independence
X ⟂ Y | Z with a smallest such Z. With --data CSV (or --test, or
--data embedded, for the embedded COVID-19 panel) each implication is tested
on the nodes' columns (after their transforms): the partial correlation r of
X and Y given Z on the complete rows, its 95% interval, and a t-test p-value;
an implication is contradicted when p < alpha. Panel rows are not
independent (each country recurs), so p-values are optimistic: weigh r too.
Implications that involve a node without data are listed as not tested.

Examples:
  dilemma graph implications fig2
  dilemma graph implications fig2 --test
  dilemma graph implications my-model.dag --data mypanel.csv --alpha 0.01 --json`,
		run: runGraphImplications,
	})
	register(&command{
		name:    "graph paths",
		summary: "directed paths and back-door paths between two nodes, open or blocked",
		usage: `Usage: dilemma graph paths MODEL X Y [--given Z1,Z2] [--json]

Lists every directed (causal) path from X to Y and every back-door path (one
that starts with an arrow into X), each back-door path marked open or
blocked given the nodes Z, with what blocks it.

Examples:
  dilemma graph paths fig2 unequal_exposure dilemma
  dilemma graph paths fig2 fear unilateralism --given threat --json`,
		run: runGraphPaths,
	})
}

// graphLoad reads MODEL (a built-in name or a file); every failure is the
// user's input.
func graphLoad(name string) (*model.Model, error) {
	m, err := model.Load(name)
	return m, inputErr(err)
}

// graphList splits a comma-separated list of node names.
func graphList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// graphQueryErr marks errors of a query on a valid model (unknown node,
// bad sets) as input errors.
func graphQueryErr(err error) error {
	if err == nil {
		return nil
	}
	return inputErr(err)
}

func graphNotes(e *env, m *model.Model) {
	if note := m.UnrollNote(); note != "" {
		e.logf("note: %s\n", note)
	}
}

// graphJSON writes v as indented JSON without HTML escaping, so that
// arrows in paths and reasons read "->" rather than "-\u003e".
func graphJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func setText(s []string) string { return "{" + strings.Join(s, ", ") + "}" }

func runModels(e *env, args []string) error {
	c := commands["models"]
	fs := newFlags(e, c)
	format := fs.String("format", "text", "table format: "+strings.Join(table.Formats, ", "))
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("models takes no arguments")
	}
	if err := table.CheckFormat(*format); err != nil {
		return usagef("%v", err)
	}
	type row struct {
		Name    string `json:"name"`
		Nodes   int    `json:"nodes"`
		Edges   int    `json:"edges"`
		Lagged  bool   `json:"lagged"`
		Summary string `json:"summary"`
	}
	var rows []row
	tb := &table.Table{Columns: []string{"MODEL", "NODES", "EDGES", "LAGGED", "DESCRIPTION"},
		Align: []table.Align{table.Left, table.Right, table.Right, table.Left, table.Left}}
	for _, name := range model.BuiltinNames() {
		m, err := model.Builtin(name)
		if err != nil {
			return err // a build defect: exit 2
		}
		r := row{name, len(m.Nodes), len(m.Edges), m.Lagged(), model.BuiltinSummary(name)}
		rows = append(rows, r)
		tb.Rows = append(tb.Rows, []string{r.Name, strconv.Itoa(r.Nodes), strconv.Itoa(r.Edges), yesNo(r.Lagged), r.Summary})
	}
	if *asJSON {
		return graphJSON(e.stdout, rows)
	}
	return tb.Render(e.stdout, *format)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// --- graph show ---

type graphNodeJSON struct {
	Name       string             `json:"name"`
	Kind       string             `json:"kind"` // observed, latent, fixed
	Exposure   bool               `json:"exposure,omitempty"`
	Outcome    bool               `json:"outcome,omitempty"`
	Role       string             `json:"role,omitempty"`
	Column     string             `json:"column,omitempty"`
	Transform  string             `json:"transform,omitempty"`
	Family     string             `json:"family,omitempty"`
	Quality    string             `json:"quality,omitempty"`
	Indicators []string           `json:"indicators,omitempty"`
	Priors     map[string]string  `json:"priors,omitempty"`
	Label      string             `json:"label,omitempty"`
	Pos        *[2]float64        `json:"pos,omitempty"`
	Parents    []string           `json:"parents"`
	Attrs      map[string]*string `json:"attributes,omitempty"`
}

type graphEdgeJSON struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Kind  string `json:"kind"` // -> or <->
	Lag   int    `json:"lag"`
	Sign  string `json:"sign,omitempty"`
	Prior string `json:"prior,omitempty"`
}

func nodeKind(n *model.Node) string {
	switch {
	case n.Fixed():
		return "fixed"
	case n.Latent:
		return "latent"
	}
	return "observed"
}

func runGraphShow(e *env, args []string) error {
	c := commands["graph show"]
	fs := newFlags(e, c)
	format := fs.String("format", "text", "table format: "+strings.Join(table.Formats, ", "))
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one MODEL (a model file or a built-in name), got %d arguments", len(pos))
	}
	if err := table.CheckFormat(*format); err != nil {
		return usagef("%v", err)
	}
	m, err := graphLoad(pos[0])
	if err != nil {
		return err
	}
	order, err := m.TopoOrder()
	if err != nil {
		return inputErr(err)
	}
	st, err := m.Structure()
	if err != nil {
		return inputErr(err)
	}
	var nodes []graphNodeJSON
	for _, n := range m.Nodes {
		parents, err := st.Parents(n.Name)
		if err != nil {
			return err
		}
		spouses, _ := st.Spouses(n.Name)
		for _, s := range spouses {
			parents = append(parents, "<-> "+s)
		}
		if parents == nil {
			parents = []string{}
		}
		j := graphNodeJSON{Name: n.Name, Kind: nodeKind(n), Exposure: n.Exposure, Outcome: n.Outcome, Role: n.Role,
			Column: n.Column, Transform: n.Transform, Family: n.Family, Quality: n.Quality, Indicators: n.Indicators,
			Label: n.Label, Pos: n.Pos, Parents: parents}
		for _, k := range model.NodePriorKeys() {
			if p, ok := n.Priors[k]; ok {
				if j.Priors == nil {
					j.Priors = map[string]string{}
				}
				j.Priors[k] = p.String()
			}
		}
		for _, a := range n.Attrs {
			if j.Attrs == nil {
				j.Attrs = map[string]*string{}
			}
			if a.Flag {
				j.Attrs[a.Key] = nil
			} else {
				v := a.Value
				j.Attrs[a.Key] = &v
			}
		}
		nodes = append(nodes, j)
	}
	var edges []graphEdgeJSON
	for _, ed := range m.Edges {
		j := graphEdgeJSON{From: ed.From, To: ed.To, Kind: "->", Lag: ed.Lag, Sign: ed.SignString()}
		if ed.Kind == model.Bidirected {
			j.Kind = "<->"
		}
		if ed.Prior != nil {
			j.Prior = ed.Prior.String()
		}
		edges = append(edges, j)
	}
	var notes []string
	for _, n := range m.Nodes {
		switch {
		case n.Fixed():
			notes = append(notes, fmt.Sprintf("%s is a root without data (the same for every unit and period): it is kept in the graph and in identification, and fixed, never estimated", n.Name))
		case n.Latent && len(n.Indicators) == 0:
			notes = append(notes, fmt.Sprintf("%s is latent without indicators: it serves identification; the data cannot inform it", n.Name))
		case !n.Latent && n.Column == "":
			notes = append(notes, fmt.Sprintf("%s has no column: identification treats it as observed, but it cannot be estimated", n.Name))
		}
	}
	if note := m.UnrollNote(); note != "" {
		notes = append(notes, note)
	}
	if *asJSON {
		if notes == nil {
			notes = []string{}
		}
		return graphJSON(e.stdout, struct {
			Name      string          `json:"name"`
			Nodes     []graphNodeJSON `json:"nodes"`
			Edges     []graphEdgeJSON `json:"edges"`
			TopoOrder []string        `json:"topo_order"`
			Periods   int             `json:"periods"`
			Notes     []string        `json:"notes"`
		}{m.Name, nodes, edges, order, m.Periods(), notes})
	}
	w := e.stdout
	lagged := 0
	for _, ed := range m.Edges {
		if ed.Lag > 0 {
			lagged++
		}
	}
	if *format == "text" {
		fmt.Fprintf(w, "model %s: %d nodes, %d edges (%d lagged)\n\n", m.Name, len(m.Nodes), len(m.Edges), lagged)
	}
	nt := &table.Table{Columns: []string{"NODE", "KIND", "ROLE", "DATA", "TRANSFORM", "FAMILY", "QUALITY", "PARENTS"}}
	for _, j := range nodes {
		kind := j.Kind
		if j.Exposure {
			kind += " [exposure]"
		}
		if j.Outcome {
			kind += " [outcome]"
		}
		dataCol := j.Column
		if len(j.Indicators) > 0 {
			dataCol = "indicators: " + strings.Join(j.Indicators, ", ")
		}
		nt.Rows = append(nt.Rows, []string{j.Name, kind, dash(j.Role), dash(dataCol), dash(j.Transform), dash(j.Family), dash(j.Quality), dash(strings.Join(j.Parents, ", "))})
	}
	if err := nt.Render(w, *format); err != nil {
		return err
	}
	fmt.Fprintln(w)
	et := &table.Table{Columns: []string{"EDGE", "LAG", "SIGN", "PRIOR"}, Align: []table.Align{table.Left, table.Right, table.Left, table.Left}}
	for _, j := range edges {
		et.Rows = append(et.Rows, []string{j.From + " " + j.Kind + " " + j.To, strconv.Itoa(j.Lag), dash(j.Sign), dash(j.Prior)})
	}
	if err := et.Render(w, *format); err != nil {
		return err
	}
	if *format == "text" {
		fmt.Fprintf(w, "\ntopological order: %s\n", strings.Join(order, ", "))
		if len(notes) > 0 {
			fmt.Fprintln(w, "\nnotes:")
			for _, n := range notes {
				fmt.Fprintf(w, "  - %s\n", n)
			}
		}
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// --- graph export ---

func runGraphExport(e *env, args []string) error {
	c := commands["graph export"]
	fs := newFlags(e, c)
	split := fs.Bool("settings", false, "write the data settings in a separate settings block")
	out := fs.String("out", "", "write to this file (whole or not at all) instead of standard output")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one MODEL (a model file or a built-in name), got %d arguments", len(pos))
	}
	m, err := graphLoad(pos[0])
	if err != nil {
		return err
	}
	var b strings.Builder
	if err := m.ExportWith(&b, model.ExportOptions{Settings: *split}); err != nil {
		return err
	}
	if *out == "" {
		_, err := io.WriteString(e.stdout, b.String())
		return err
	}
	if err := graphWriteFile(*out, b.String()); err != nil {
		return inputErr(err)
	}
	e.logf("wrote %s\n", *out)
	return nil
}

// graphWriteFile writes content to path whole or not at all: a temporary
// file in the same directory, then a rename.
func graphWriteFile(path, content string) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// --- graph dsep ---

func runGraphDSep(e *env, args []string) error {
	c := commands["graph dsep"]
	fs := newFlags(e, c)
	given := fs.String("given", "", "comma-separated conditioning nodes Z")
	asJSON := fs.Bool("json", false, `print {"separated": bool, "open_path": [...]}`)
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 3 {
		return usagef("want MODEL X Y, got %d arguments", len(pos))
	}
	m, err := graphLoad(pos[0])
	if err != nil {
		return err
	}
	sep, path, err := m.DSeparated(graphList(pos[1]), graphList(pos[2]), graphList(*given))
	if err != nil {
		return graphQueryErr(err)
	}
	graphNotes(e, m)
	if *asJSON {
		nodes := path.Nodes
		if nodes == nil {
			nodes = []string{}
		}
		return graphJSON(e.stdout, struct {
			Separated bool     `json:"separated"`
			OpenPath  []string `json:"open_path"`
		}{sep, nodes})
	}
	if sep {
		fmt.Fprintln(e.stdout, "separated")
		return nil
	}
	fmt.Fprintln(e.stdout, "connected")
	if !path.IsZero() {
		fmt.Fprintf(e.stdout, "open path: %s\n", path)
	}
	return nil
}

// --- graph adjust ---

func runGraphAdjust(e *env, args []string) error {
	c := commands["graph adjust"]
	fs := newFlags(e, c)
	exposure := fs.String("exposure", "", "the exposure X (default: the model's [exposure] node)")
	outcome := fs.String("outcome", "", "the outcome Y (default: the model's [outcome] node)")
	effect := fs.String("effect", "total", "total or direct")
	include := fs.String("include", "", "comma-separated nodes every set must contain")
	asJSON := fs.Bool("json", false, `print {"sets": [...], "canonical": [...]}`)
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one MODEL, got %d arguments", len(pos))
	}
	eff, err := model.ParseEffect(*effect)
	if err != nil {
		return usagef("%v", err)
	}
	m, err := graphLoad(pos[0])
	if err != nil {
		return err
	}
	x, y := *exposure, *outcome
	if x == "" {
		if xs := m.Exposures(); len(xs) == 1 {
			x = xs[0]
		} else {
			return usagef("name the exposure with --exposure (the model marks %d nodes [exposure])", len(xs))
		}
	}
	if y == "" {
		if ys := m.Outcomes(); len(ys) == 1 {
			y = ys[0]
		} else {
			return usagef("name the outcome with --outcome (the model marks %d nodes [outcome])", len(ys))
		}
	}
	a, err := m.Adjust(x, y, eff, graphList(*include))
	var ni *model.NotIdentifiedError
	if errors.As(err, &ni) {
		graphNotes(e, m)
		if *asJSON {
			return graphJSON(e.stdout, struct {
				Sets      [][]string `json:"sets"`
				Canonical []string   `json:"canonical"`
				Reason    string     `json:"reason"`
			}{[][]string{}, nil, ni.Reason})
		}
		fmt.Fprintf(e.stdout, "no adjustment set identifies the %s effect of %s on %s:\n  %s\n", eff, x, y, ni.Reason)
		return nil
	}
	if err != nil {
		return graphQueryErr(err)
	}
	for _, n := range a.Notes {
		e.logf("note: %s\n", n)
	}
	if a.Truncated {
		e.logf("note: only the first %d minimal sets are listed\n", model.MaxSets)
	}
	if *asJSON {
		return graphJSON(e.stdout, struct {
			Sets      [][]string `json:"sets"`
			Canonical []string   `json:"canonical"`
		}{a.Sets, a.Canonical})
	}
	fmt.Fprintf(e.stdout, "minimal adjustment sets for the %s effect of %s on %s:\n", eff, x, y)
	for _, s := range a.Sets {
		fmt.Fprintf(e.stdout, "  %s\n", setText(s))
	}
	fmt.Fprintf(e.stdout, "canonical set: %s\n", setText(a.Canonical))
	return nil
}

// --- graph implications ---

func runGraphImplications(e *env, args []string) error {
	c := commands["graph implications"]
	fs := newFlags(e, c)
	dataPath := fs.String("data", "", `panel CSV to test the implications on ("embedded" for the embedded panel)`)
	test := fs.Bool("test", false, "test the implications on the embedded panel (or --data)")
	alpha := fs.Float64("alpha", 0.05, "an implication is contradicted when its p-value is below alpha")
	var df dataFlags
	df.register(fs)
	format := fs.String("format", "text", "table format: "+strings.Join(table.Formats, ", "))
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one MODEL, got %d arguments", len(pos))
	}
	if err := table.CheckFormat(*format); err != nil {
		return usagef("%v", err)
	}
	if !(*alpha > 0 && *alpha < 1) {
		return usagef("--alpha must be between 0 and 1, got %v", *alpha)
	}
	m, err := graphLoad(pos[0])
	if err != nil {
		return err
	}
	imps, complete, err := m.ImplicationsWithin(model.MaxImplicationWork)
	if err != nil {
		return inputErr(err)
	}
	graphNotes(e, m)
	if !complete {
		e.logf("note: the graph is too large to list every implication; only those of the first pairs of nodes are listed (%d)\n", len(imps))
	}
	if *dataPath == "" && !*test {
		if *asJSON {
			type imp struct {
				X     string   `json:"x"`
				Y     string   `json:"y"`
				Given []string `json:"given"`
			}
			out := []imp{}
			for _, i := range imps {
				out = append(out, imp{i.X, i.Y, i.Given})
			}
			return graphJSON(e.stdout, out)
		}
		tb := &table.Table{Columns: []string{"IMPLICATION"}}
		for _, i := range imps {
			tb.Rows = append(tb.Rows, []string{i.String()})
		}
		if len(imps) == 0 && *format == "text" {
			fmt.Fprintln(e.stdout, "the graph implies no testable conditional independence")
			return nil
		}
		return tb.Render(e.stdout, *format)
	}
	path := *dataPath
	if path == "embedded" {
		path = ""
	}
	p, err := loadPanel(path, df.options())
	if err != nil {
		return err
	}
	res, err := m.TestImplications(p, imps, *alpha)
	if err != nil {
		return inputErr(err)
	}
	e.logf("note: rows of a panel are not independent (each unit recurs), so p-values are optimistic; weigh r and its interval\n")
	if *asJSON {
		type row struct {
			X            string   `json:"x"`
			Y            string   `json:"y"`
			Given        []string `json:"given"`
			N            int      `json:"n"`
			R            *float64 `json:"r"`
			Lo           *float64 `json:"r_lo"`
			Hi           *float64 `json:"r_hi"`
			P            *float64 `json:"p"`
			Contradicted bool     `json:"contradicted"`
			Dropped      []string `json:"dropped,omitempty"`
			Skipped      string   `json:"skipped,omitempty"`
		}
		out := []row{}
		for _, r := range res {
			out = append(out, row{r.X, r.Y, r.Given, r.N, graphNum(r.R), graphNum(r.Lo), graphNum(r.Hi), graphNum(r.P), r.Contradicted, r.Dropped, r.Skipped})
		}
		return graphJSON(e.stdout, struct {
			Data    string  `json:"data"`
			Alpha   float64 `json:"alpha"`
			Results []row   `json:"results"`
		}{p.Name, *alpha, out})
	}
	tb := &table.Table{Columns: []string{"IMPLICATION", "N", "R", "95% INTERVAL", "P", "VERDICT"},
		Align: []table.Align{table.Left, table.Right, table.Right, table.Left, table.Right, table.Left}}
	tested, contradicted := 0, 0
	for _, r := range res {
		imp := r.Independence.String()
		if len(r.Dropped) > 0 {
			imp += " (fixed " + strings.Join(r.Dropped, ", ") + " dropped)"
		}
		if r.Skipped != "" {
			tb.Rows = append(tb.Rows, []string{imp, "-", "-", "-", "-", "not tested: " + r.Skipped})
			continue
		}
		tested++
		verdict := "consistent"
		if r.Contradicted {
			verdict = "CONTRADICTED"
			contradicted++
		}
		tb.Rows = append(tb.Rows, []string{imp, strconv.Itoa(r.N), fmt.Sprintf("%.3f", r.R),
			fmt.Sprintf("[%.3f, %.3f]", r.Lo, r.Hi), graphP(r.P), verdict})
	}
	if err := tb.Render(e.stdout, *format); err != nil {
		return err
	}
	if *format == "text" {
		fmt.Fprintf(e.stdout, "\n%s: %d of %d tested implications contradicted at alpha = %g (%d not tested)\n",
			p.Name, contradicted, tested, *alpha, len(res)-tested)
	}
	return nil
}

func graphNum(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func graphP(p float64) string {
	if p < 1e-4 {
		return fmt.Sprintf("%.1e", p)
	}
	return fmt.Sprintf("%.4f", p)
}

// --- graph paths ---

func runGraphPaths(e *env, args []string) error {
	c := commands["graph paths"]
	fs := newFlags(e, c)
	given := fs.String("given", "", "comma-separated conditioning nodes Z for the back-door paths")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 3 {
		return usagef("want MODEL X Y, got %d arguments", len(pos))
	}
	m, err := graphLoad(pos[0])
	if err != nil {
		return err
	}
	x, y := pos[1], pos[2]
	directed, t1, err := m.DirectedPaths(x, y)
	if err != nil {
		return graphQueryErr(err)
	}
	backdoor, t2, err := m.BackdoorPaths(x, y, graphList(*given))
	if err != nil {
		return graphQueryErr(err)
	}
	graphNotes(e, m)
	if t1 || t2 {
		e.logf("note: the lists are truncated (at most %d paths of each kind, %d nodes on them in all, %d search steps)\n", model.MaxPaths, model.MaxPathNodes, model.MaxPathSteps)
	}
	if *asJSON {
		type bp struct {
			Path      []string `json:"path"`
			Text      string   `json:"text"`
			Open      bool     `json:"open"`
			BlockedBy string   `json:"blocked_by,omitempty"`
		}
		type dp struct {
			Path []string `json:"path"`
			Text string   `json:"text"`
		}
		out := struct {
			Directed []dp `json:"directed"`
			Backdoor []bp `json:"backdoor"`
		}{[]dp{}, []bp{}}
		for _, p := range directed {
			out.Directed = append(out.Directed, dp{p.Nodes, p.String()})
		}
		for _, p := range backdoor {
			out.Backdoor = append(out.Backdoor, bp{p.Nodes, p.String(), p.Open, p.BlockedBy})
		}
		return graphJSON(e.stdout, out)
	}
	w := e.stdout
	fmt.Fprintf(w, "directed paths from %s to %s: %d\n", x, y, len(directed))
	for _, p := range directed {
		fmt.Fprintf(w, "  %s\n", p)
	}
	cond := ""
	if *given != "" {
		cond = " given " + setText(graphList(*given))
	}
	open := 0
	for _, p := range backdoor {
		if p.Open {
			open++
		}
	}
	fmt.Fprintf(w, "back-door paths from %s to %s%s: %d (%d open)\n", x, y, cond, len(backdoor), open)
	for _, p := range backdoor {
		status := "open"
		if !p.Open {
			status = "blocked: " + p.BlockedBy
		}
		fmt.Fprintf(w, "  %s   [%s]\n", p, status)
	}
	return nil
}
