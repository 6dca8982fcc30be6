package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"dilemma/model"
	"dilemma/model/citest"
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

Every graph command warns about an attribute close to a known one
("transfrom": did you mean transform?); with the global --strict every
attribute that neither dilemma nor dagitty reads is an error. dagitty's own
(pos, exposure, outcome, latent, adjusted, selected, label) are always fine.

Examples:
  dilemma graph show fig2
  dilemma graph show my-model.dag --json
  dilemma graph show my-model.dag --strict`,
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
A node with AR(1) residuals (ar="1") is joined to its own earlier periods
(Y <-> Y@t-k, its latent residual chain): when X depends on Y's past, a set
adjusts for Y@t-1.
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
		usage: `Usage: dilemma graph implications MODEL [--test | --data CSV] [--test-method within|within-time|pooled] [--alpha 0.05] [--unit iso3] [--time month] [--format text|csv|markdown|latex] [--json]

Lists the testable implications of MODEL: for every pair of non-adjacent
observed nodes that some observed set separates, one independence
X ⟂ Y | Z with a smallest such Z, in two groups:
  cross-node       two different nodes; Z is chosen so that the implication
                   holds even if every node's noise is autocorrelated within
                   a unit. A contradiction points to a missing edge or a
                   missing common cause.
  autocorrelation  a node and its own lag (X ⟂ X@t-1), or a pair that only a
                   graph without memory separates. A contradiction says the
                   graph omits autocorrelation: the node needs a self-lag
                   (X -> X [lag=1]) or, if gaussian or student, AR(1) residuals
                   (X [ar="1"]); without them the fit's equations assume
                   none. A node with ar="1" has no such implication.

Nodes bind to data as in fit: a node without column="…" reads the column
of its own name; implications that involve a node without data are listed
as not tested, with the reason.

With --data CSV (or --test, or --data embedded, for the embedded COVID-19
panel) each implication is tested on the nodes' columns (after their
transforms; name@t-k is the column lagged k periods within its unit). On a
panel a model without lagged edges is unrolled over two periods, so that
the test also sees lagged dependences the graph omits.
--test-method within (the default): every variable is demeaned within its
unit, the later of X and Y is regressed on the other and Z, and the
coefficient's standard error is clustered by unit (CR1 sandwich with
small-sample correction, t test with units-1 degrees of freedom). It
assumes units independent of each other and many of them; it allows any
autocorrelation within a unit and anything constant about a unit.
Demeaning biases a memoryless node's coefficient on its own lag to about
-1/T (Nickell): the autocorrelation group is tested with the half-panel
jackknife, which removes that bias. A column constant within every unit (a
country-level covariate) has no within-unit variation: an implication
about it is "untestable within units"; as a conditioning node it is
dropped (the unit effects absorb it). within-time also demeans by period
(common monthly shocks). pooled treats rows as independent, as older
versions did: on a panel its p-values are far too small.
Columns: N complete rows, UNITS (clusters), R the partial correlation of
the demeaned variables with its 95% interval, T, P and P HOLM (Holm's
adjustment within the group). An implication is contradicted when
P < alpha; the summary also counts contradictions after Holm's and
Benjamini-Hochberg's corrections.

Calibration (go test ./model/, and -tags long for 100 panels per setting):
on panels of 187 units × 36 months simulated from fig1, fig2 and
fig2-remedies with unit effects and AR(1) noise (0, 0.5, 0.8), the within
test contradicts 3.2-5.0% of the true cross-node implications at
alpha = 0.05 (the pooled test 38-39%), 4.2-4.8% of the autocorrelation
group when the noise has no memory, and finds a deleted edge of strength
0.1 sd in every panel; see 'go doc dilemma/model' for the figures.
'dilemma graph suggest' proposes the edges that would explain the
contradictions.

Examples:
  dilemma graph implications fig2
  dilemma graph implications fig2 --test
  dilemma graph implications fig2-remedies --test --test-method within-time --alpha 0.01
  dilemma graph implications my-model.dag --data mypanel.csv --json`,
		run: runGraphImplications,
	})
	register(&command{
		name:    "graph suggest",
		summary: "repair hints: edges or self-lags that would explain contradicted implications",
		usage: `Usage: dilemma graph suggest MODEL [--data CSV] [--test-method within|within-time|pooled] [--alpha 0.05] [--top 10] [--add N --out FILE] [--unit iso3] [--time month] [--format text|csv|markdown|latex] [--json]

Tests MODEL's implications as 'dilemma graph implications --test' does
(on the embedded panel unless --data) and, for each contradicted one,
proposes the edges that would explain it: an edge between its two nodes
(from the earlier period to the later, as a lagged edge; in the same period
either way, unless that makes a cycle), and for a node paired with its own
lag a self-lag (X -> X [lag=1]). Nothing points back in time. Each hint is
ranked by evidence: LEFT, the contradicted implications left once the edge
is added (fewest first), then |T|, the within-unit t of the new parent in
the child's equation given the child's observed parents (errors
clustered by unit). Edges between nodes come first, self-lags after.
--add N --out FILE writes MODEL with hint N added (a model file, whole or
not at all), to refit with 'dilemma fit FILE'. A hint is evidence of a
missing dependence, not of its direction: weigh it against the theory.

Examples:
  dilemma graph suggest fig2-remedies
  dilemma graph suggest my-model.dag --data mypanel.csv --top 5
  dilemma graph suggest fig2 --add 1 --out fig2-plus.dag && dilemma fit fig2-plus.dag --out fit-plus`,
		run: runGraphSuggest,
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

// graphLoad reads MODEL (a built-in name or a file) and lints it (see
// lintModel); every failure is the user's input.
func graphLoad(e *env, name string) (*model.Model, error) {
	m, err := model.Load(name)
	if err != nil {
		return nil, inputErr(err)
	}
	return m, lintModel(e, m)
}

// lintModel reports the attributes of m that neither dilemma nor dagitty
// reads: one close to a known attribute (transfrom=, famliy=, lags=) is a
// warning with "did you mean …?"; with --strict every one is an error
// (exit 1). Others are kept silently and written back, as dagitty does.
func lintModel(e *env, m *model.Model) error {
	for _, l := range m.Lint() {
		if e.strict {
			return inputErr(fmt.Errorf("%v; --strict refuses attributes that neither dilemma nor dagitty reads", l))
		}
		if l.Close() {
			fmt.Fprintf(e.stderr, "warning: %v\n", l)
		}
	}
	return nil
}

// lintModelName loads MODEL only to lint it (for commands whose packages
// load it themselves).
func lintModelName(e *env, name string) error {
	m, err := model.Load(name)
	if err != nil {
		return inputErr(err)
	}
	return lintModel(e, m)
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
	// Moderator and ModeratorPrior are the edge's moderator= and
	// moderator_prior=.
	Moderator      string `json:"moderator,omitempty"`
	ModeratorPrior string `json:"moderator_prior,omitempty"`
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
	m, err := graphLoad(e, pos[0])
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
		j.Moderator = ed.Moderator
		if ed.ModeratorPrior != nil {
			j.ModeratorPrior = ed.ModeratorPrior.String()
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
			notes = append(notes, fmt.Sprintf("%s has no column=: on data it reads the column %q (a fit refuses data without one)", n.Name, n.Name))
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
		edge, prior := j.From+" "+j.Kind+" "+j.To, dash(j.Prior)
		if j.Moderator != "" {
			edge += " [moderator=" + j.Moderator + "]"
			if j.ModeratorPrior != "" {
				prior += "; moderator " + j.ModeratorPrior
			}
		}
		et.Rows = append(et.Rows, []string{edge, strconv.Itoa(j.Lag), signCell(j.Sign), prior})
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

// signCell shows an edge's sign ("+", "-" or "") as table.SignCell does.
func signCell(s string) string {
	return table.SignCell(map[string]int{"+": 1, "-": -1}[s])
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
	if *out != "" {
		if err := checkOutFile("--out", *out); err != nil {
			return err
		}
	}
	m, err := graphLoad(e, pos[0])
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
	m, err := graphLoad(e, pos[0])
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
	m, err := graphLoad(e, pos[0])
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
	methodName := fs.String("test-method", "within", "within (unit-demeaned, errors clustered by unit), within-time (also period-demeaned) or pooled (rows as if independent)")
	var df dataFlags
	df.register(fs)
	format := fs.String("format", "text", "table format: "+strings.Join(table.Formats, ", "))
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(e, c, fs, args)
	if err != nil {
		return err
	}
	if csv := *dataPath; csv == "" || csv == "embedded" {
		if err := df.check(fs, ""); err != nil {
			return err
		}
	}
	if len(pos) != 1 {
		return usagef("want one MODEL, got %d arguments", len(pos))
	}
	method, err := checkTestFlags(*format, *alpha, *methodName)
	if err != nil {
		return err
	}
	methodSet := false
	fs.Visit(func(f *flag.Flag) { methodSet = methodSet || f.Name == "test-method" })
	m, err := graphLoad(e, pos[0])
	if err != nil {
		return err
	}
	imps, complete, err := m.PanelImplicationsWithin(model.MaxImplicationWork)
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
				Group string   `json:"group"`
			}
			out := []imp{}
			for _, i := range imps {
				out = append(out, imp{i.X, i.Y, i.Given, i.Group.String()})
			}
			return graphJSON(e.stdout, out)
		}
		tb := &table.Table{Columns: []string{"IMPLICATION", "GROUP"}}
		for _, i := range imps {
			tb.Rows = append(tb.Rows, []string{i.String(), i.Group.String()})
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
	if !p.IsPanel() && method != citest.Pooled {
		if methodSet {
			return usagef("--test-method %s needs a panel, and %s is a cross-section (no --unit key); use --test-method pooled", method, p.Name)
		}
		e.logf("note: %s is a cross-section: testing with the pooled test\n", p.Name)
		method = citest.Pooled
	}
	rep, err := m.TestPanel(p, model.PanelTestOptions{Method: method, Alpha: *alpha})
	if err == nil && !rep.Complete {
		e.logf("note: the graph is too large to test every implication; only those of the first pairs of nodes are tested\n")
	}
	if err != nil {
		return inputErr(err)
	}
	if method == citest.Pooled && p.IsPanel() {
		e.logf("note: the pooled test treats the rows of a panel as independent (each unit recurs), so its p-values are far too small; the default --test-method within is not\n")
	}
	if *asJSON {
		return graphJSON(e.stdout, implicationsJSON(rep))
	}
	groups := []model.ImplicationGroup{model.CrossNode, model.Autocorrelation}
	heading := map[model.ImplicationGroup]string{
		model.CrossNode:       "Cross-node implications (they hold even if every node's noise is autocorrelated; a contradiction points to a missing edge or common cause):",
		model.Autocorrelation: "Autocorrelation the graph omits (a node and its own lag, or pairs that only a graph without memory separates; a contradiction says a node needs a self-lag):",
	}
	cols := []string{"IMPLICATION", "N", "UNITS", "R", "95% INTERVAL", "T", "P", "P HOLM", "VERDICT"}
	align := []table.Align{table.Left, table.Right, table.Right, table.Right, table.Left, table.Right, table.Right, table.Right, table.Left}
	if method == citest.Pooled {
		cols[2] = "DF"
	}
	rows := func(g model.ImplicationGroup) [][]string {
		var out [][]string
		for _, r := range rep.Tests {
			if r.Group != g {
				continue
			}
			imp := r.Independence.String()
			if len(r.Dropped) > 0 {
				imp += " (" + strings.Join(r.Dropped, ", ") + " dropped)"
			}
			if r.Skipped != "" {
				verdict := "not tested: " + r.Skipped
				if r.Untestable {
					verdict = r.Skipped
				}
				out = append(out, []string{imp, "-", "-", "-", "-", "-", "-", "-", verdict})
				continue
			}
			verdict := "consistent"
			if r.Contradicted {
				verdict = "CONTRADICTED"
			}
			units := strconv.Itoa(r.Clusters)
			if method == citest.Pooled {
				units = fmt.Sprintf("%.0f", r.DF)
			}
			out = append(out, []string{imp, strconv.Itoa(r.N), units, fmt.Sprintf("%.3f", r.R),
				fmt.Sprintf("[%.3f, %.3f]", r.Lo, r.Hi), fmt.Sprintf("%.2f", r.T), graphP(r.P), graphP(r.PHolm), verdict})
		}
		return out
	}
	if *format != "text" {
		tb := &table.Table{Columns: append([]string{"GROUP"}, cols...), Align: append([]table.Align{table.Left}, align...)}
		for _, g := range groups {
			for _, row := range rows(g) {
				tb.Rows = append(tb.Rows, append([]string{g.String()}, row...))
			}
		}
		return tb.Render(e.stdout, *format)
	}
	for i, g := range groups {
		rs := rows(g)
		if len(rs) == 0 {
			continue
		}
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		fmt.Fprintln(e.stdout, heading[g])
		tb := &table.Table{Columns: cols, Align: align, Rows: rs}
		if err := tb.Render(e.stdout, *format); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "\n%s, %s:\n", p.Name, methodText(method))
	for _, g := range groups {
		s := rep.Summary[g]
		if s.Implications == 0 {
			continue
		}
		line := fmt.Sprintf("  %s: %d of %d tested implications contradicted at alpha = %g", g, s.Contradicted, s.Tested, *alpha)
		if s.Tested > 0 {
			line += fmt.Sprintf(" (%.0f%%); %d after Holm's correction, %d after Benjamini-Hochberg", 100*s.Share(), s.ContradictedHolm, s.ContradictedBH)
		}
		if s.Untestable > 0 {
			line += fmt.Sprintf("; %d untestable within units", s.Untestable)
		}
		if n := s.Implications - s.Tested - s.Untestable; n > 0 {
			line += fmt.Sprintf("; %d not tested", n)
		}
		fmt.Fprintln(e.stdout, line)
	}
	if s := rep.Summary[model.CrossNode]; s.Contradicted > 0 || rep.Summary[model.Autocorrelation].Contradicted > 0 {
		fmt.Fprintf(e.stdout, "repair hints: dilemma graph suggest %s%s\n", pos[0], dataArg(*dataPath))
	}
	return nil
}

// --- graph suggest ---

func runGraphSuggest(e *env, args []string) error {
	c := commands["graph suggest"]
	fs := newFlags(e, c)
	dataPath := fs.String("data", "", "panel CSV (default: the embedded panel)")
	alpha := fs.Float64("alpha", 0.05, "an implication is contradicted when its p-value is below alpha")
	methodName := fs.String("test-method", "within", "within, within-time or pooled (see 'dilemma graph implications -h')")
	top := fs.Int("top", 10, "print at most this many hints of each kind (0: all)")
	addN := fs.Int("add", 0, "with --out: write MODEL with hint N (as numbered in the output) added")
	outPath := fs.String("out", "", "with --add: the model file to write")
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
	method, err := checkTestFlags(*format, *alpha, *methodName)
	if err != nil {
		return err
	}
	if *top < 0 {
		return usagef("--top must be 0 or more, got %d", *top)
	}
	if *addN < 0 || (*addN > 0) != (*outPath != "") {
		return usagef("--add N (N >= 1) and --out FILE go together")
	}
	m, err := graphLoad(e, pos[0])
	if err != nil {
		return err
	}
	path := *dataPath
	if path == "embedded" {
		path = ""
	}
	p, err := loadPanel(path, df.options())
	if err != nil {
		return err
	}
	if !p.IsPanel() && method != citest.Pooled {
		e.logf("note: %s is a cross-section: testing with the pooled test\n", p.Name)
		method = citest.Pooled
	}
	e.logf("testing the implications of %s and of each candidate edge on %s …\n", m.Name, p.Name)
	hints, rep, err := m.Suggest(p, model.PanelTestOptions{Method: method, Alpha: *alpha})
	if err != nil {
		return inputErr(err)
	}
	if *addN > 0 {
		if *addN > len(hints) {
			return usagef("--add %d: there are %d hints", *addN, len(hints))
		}
		h := hints[*addN-1]
		c := m.Clone()
		if err := c.AddEdge(h.Edge); err != nil {
			return inputErr(err)
		}
		var b strings.Builder
		if err := c.Export(&b); err != nil {
			return err
		}
		if err := graphWriteFile(*outPath, b.String()); err != nil {
			return err
		}
		e.logf("wrote %s: %s plus %s; refit with: dilemma fit %s --out fit-%s\n", *outPath, m.Name, h.Line(), *outPath,
			strings.TrimSuffix(filepath.Base(*outPath), filepath.Ext(*outPath)))
	}
	if *asJSON {
		type row struct {
			Rank     int      `json:"rank"`
			Edge     string   `json:"edge"`
			From     string   `json:"from"`
			To       string   `json:"to"`
			Lag      int      `json:"lag"`
			SelfLag  bool     `json:"self_lag"`
			Before   int      `json:"contradicted_before"`
			After    int      `json:"contradicted_after"`
			R        *float64 `json:"r"`
			T        *float64 `json:"t"`
			P        *float64 `json:"p"`
			Untested string   `json:"untested,omitempty"`
			Explains []string `json:"explains"`
		}
		out := []row{}
		for i, h := range hints {
			out = append(out, row{i + 1, h.Line(), h.Edge.From, h.Edge.To, h.Edge.Lag, h.SelfLag, h.Before, h.After,
				graphNum(h.R), graphNum(h.T), graphNum(h.P), h.Untested, h.Explains})
		}
		return graphJSON(e.stdout, struct {
			Data   string  `json:"data"`
			Method string  `json:"method"`
			Alpha  float64 `json:"alpha"`
			Hints  []row   `json:"hints"`
		}{p.Name, method.String(), *alpha, out})
	}
	before := 0
	for _, t := range rep.Tests {
		if t.Contradicted {
			before++
		}
	}
	if len(hints) == 0 {
		if *format == "text" {
			fmt.Fprintf(e.stdout, "%s: no implication of %s is contradicted at alpha = %g (%s); nothing to repair\n", p.Name, m.Name, *alpha, method)
		}
		return nil
	}
	tb := &table.Table{Columns: []string{"#", "ADD", "KIND", "LEFT", "R", "T", "P", "EXPLAINS"},
		Align: []table.Align{table.Right, table.Left, table.Left, table.Right, table.Right, table.Right, table.Right, table.Left}}
	shown := map[bool]int{}
	for i, h := range hints {
		if *top > 0 && shown[h.SelfLag] >= *top {
			continue
		}
		shown[h.SelfLag]++
		kind := "edge"
		if h.SelfLag {
			kind = "self-lag"
		}
		r, t, pv := "-", "-", "-"
		if h.Untested == "" {
			r, t, pv = fmt.Sprintf("%.3f", h.R), fmt.Sprintf("%.2f", h.T), graphP(h.P)
		}
		tb.Rows = append(tb.Rows, []string{strconv.Itoa(i + 1), h.Line(), kind, fmt.Sprintf("%d/%d", h.After, h.Before), r, t, pv, strings.Join(h.Explains, "; ")})
	}
	if err := tb.Render(e.stdout, *format); err != nil {
		return err
	}
	if *format == "text" {
		fmt.Fprintf(e.stdout, "\n%s, %s: %d implications contradicted at alpha = %g; LEFT: contradicted with the edge added.\n", p.Name, method, before, *alpha)
		fmt.Fprintf(e.stdout, "try hint 1: dilemma graph suggest %s%s --add 1 --out with-edge.dag, then dilemma fit with-edge.dag --out fit-with-edge\n", pos[0], dataArg(*dataPath))
	}
	return nil
}

// dataArg repeats a --data flag for a suggested command line.
func dataArg(path string) string {
	if path == "" || path == "embedded" {
		return ""
	}
	return " --data " + path
}

func methodText(m citest.Method) string {
	switch m {
	case citest.Within:
		return "within-unit test (unit-demeaned partial correlation, errors clustered by unit, t with units-1 df)"
	case citest.WithinTime:
		return "within-unit-and-period test (unit- and period-demeaned partial correlation, errors clustered by unit, t with units-1 df)"
	}
	return "pooled test (rows as if independent)"
}

func implicationsJSON(rep *model.ImplicationReport) any {
	type row struct {
		Group        string   `json:"group"`
		X            string   `json:"x"`
		Y            string   `json:"y"`
		Given        []string `json:"given"`
		N            int      `json:"n"`
		Units        int      `json:"units,omitempty"`
		R            *float64 `json:"r"`
		Lo           *float64 `json:"r_lo"`
		Hi           *float64 `json:"r_hi"`
		T            *float64 `json:"t"`
		DF           *float64 `json:"df"`
		P            *float64 `json:"p"`
		PHolm        *float64 `json:"p_holm"`
		Contradicted bool     `json:"contradicted"`
		Dropped      []string `json:"dropped,omitempty"`
		Untestable   bool     `json:"untestable_within_units,omitempty"`
		Skipped      string   `json:"skipped,omitempty"`
	}
	type summary struct {
		Implications     int      `json:"implications"`
		Tested           int      `json:"tested"`
		Untestable       int      `json:"untestable_within_units"`
		Contradicted     int      `json:"contradicted"`
		Share            *float64 `json:"share_contradicted"`
		ContradictedHolm int      `json:"contradicted_holm"`
		ContradictedBH   int      `json:"contradicted_bh"`
	}
	out := []row{}
	for _, r := range rep.Tests {
		out = append(out, row{r.Group.String(), r.X, r.Y, r.Given, r.N, r.Clusters, graphNum(r.R), graphNum(r.Lo), graphNum(r.Hi),
			graphNum(r.T), graphNum(r.DF), graphNum(r.P), graphNum(r.PHolm), r.Contradicted, r.Dropped, r.Untestable, r.Skipped})
	}
	sums := map[string]summary{}
	for g, s := range rep.Summary {
		sums[g.String()] = summary{s.Implications, s.Tested, s.Untestable, s.Contradicted, graphNum(s.Share()), s.ContradictedHolm, s.ContradictedBH}
	}
	return struct {
		Data    string             `json:"data"`
		Method  string             `json:"method"`
		Alpha   float64            `json:"alpha"`
		Summary map[string]summary `json:"summary"`
		Results []row              `json:"results"`
	}{rep.Data, rep.Method.String(), rep.Alpha, sums, out}
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
	m, err := graphLoad(e, pos[0])
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

// checkTestFlags checks the flags that graph implications and graph suggest
// share: the table format, alpha and the test method.
func checkTestFlags(format string, alpha float64, methodName string) (citest.Method, error) {
	if err := table.CheckFormat(format); err != nil {
		return 0, usagef("%v", err)
	}
	if !(alpha > 0 && alpha < 1) {
		return 0, usagef("--alpha must be between 0 and 1, got %v", alpha)
	}
	method, err := citest.ParseMethod(methodName)
	if err != nil {
		return 0, usagef("--test-method: %v", err)
	}
	return method, nil
}
