package report

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"dilemma/fit"
	"dilemma/model"
	"dilemma/plots"
)

// FitKinds are the figure kinds drawn from a model or a fit alone, as
// `dilemma plot --kind` names them. "dag" needs only a model; the others
// need a fit.
var FitKinds = []string{"dag", "forest", "loadings", "contraction", "trace", "rank", "energy", "ppc", "slopes"}

// QueryKinds are the figure kinds drawn from causal queries on a fit
// (package query).
var QueryKinds = []string{"remedies", "effect-horizon", "counterfactual", "conditional"}

// Kinds are all the figure kinds Figure draws.
var Kinds = append(slices.Clone(FitKinds), QueryKinds...)

// CheckKind returns an error unless Figure draws kind.
func CheckKind(kind string) error {
	if slices.Contains(Kinds, kind) {
		return nil
	}
	return fmt.Errorf("unknown figure kind %q (want one of %s)", kind, strings.Join(Kinds, ", "))
}

// Request says which figure to draw.
type Request struct {
	Kind string
	// Params restricts forest, contraction, trace and rank to these edges
	// or parameters (parameter names such as b.stress.response, or edges
	// written "stress -> response"); empty means the defaults.
	Params []string
	// Node is the node of a predictive check (default DefaultPPCNode).
	Node string
	// Edge is the edge of a slopes figure, "x -> y" (default: the fit's
	// only edge whose strength varies by unit), or the moderated edge of a
	// conditional figure (default: the model's first edge with moderator=).
	Edge string
	// Draws is the number of posterior draws a predictive check replicates
	// the data from (default DefaultPPCDraws); Seed seeds the replication.
	Draws int
	Seed  uint64
	// Options sizes the figure (width 3.5 or 7 in, …).
	Options plots.Options

	// Query figures (remedies, effect-horizon, counterfactual):
	// Outcome is the node whose change is shown (default: the model's
	// outcome); Do the intervention, do(x = +1sd) or x = +1sd (default: a
	// one-sd increase of the first remedy); Horizon the last period
	// (effect-horizon: default DefaultHorizon; remedies: the period whose
	// effect is shown, default 0); Units and Time the units and period of
	// a counterfactual (Time default: the last period). AssumeIdentified
	// computes effects the graph does not identify.
	Outcome          string
	Do               string
	Horizon          int
	Units            []string
	Time             string
	AssumeIdentified bool
}

// Figure draws the requested figure. m is the model (for the diagram; with
// a fit, f.Plan.Model is used when m is nil); f is the fit, nil only for
// kind "dag". Notes are remarks for the user (edges left out, the node
// chosen by default).
func Figure(m *model.Model, f *fit.Fit, req Request) (fig *plots.Figure, notes []string, err error) {
	if err := CheckKind(req.Kind); err != nil {
		return nil, nil, err
	}
	if m == nil && f != nil {
		m = f.Plan.Model
	}
	if req.Kind == "dag" {
		if m == nil {
			return nil, nil, errors.New("the diagram needs a model")
		}
		if len(req.Params) > 0 || req.Node != "" {
			return nil, nil, errors.New("--params and --node do not apply to the diagram")
		}
		fig, err := plots.DAG(req.Options, DAGInput(m, f))
		return fig, nil, err
	}
	if f == nil {
		return nil, nil, fmt.Errorf("figure kind %q needs a fit directory, not a model", req.Kind)
	}
	if req.Node != "" && req.Kind != "ppc" {
		return nil, nil, fmt.Errorf("--node applies to --kind ppc only")
	}
	if req.Edge != "" && req.Kind != "slopes" && req.Kind != "conditional" {
		return nil, nil, fmt.Errorf("--edge applies to --kind slopes and conditional only")
	}
	if slices.Contains(QueryKinds, req.Kind) {
		return queryFigure(f, req)
	}
	if req.Do != "" || req.Outcome != "" || len(req.Units) > 0 || req.Time != "" || req.Horizon != 0 {
		return nil, nil, fmt.Errorf("--do, --outcome, --units, --time and --horizon apply to %s only", strings.Join(QueryKinds, ", "))
	}
	o := req.Options
	switch req.Kind {
	case "forest", "loadings", "contraction":
		var es []fit.EdgeSummary
		switch {
		case len(req.Params) > 0:
			if es, err = SelectEdges(f, req.Params); err != nil {
				return nil, nil, err
			}
		case req.Kind == "loadings":
			for _, e := range f.Edges {
				if e.Loading {
					es = append(es, e)
				}
			}
			if len(es) == 0 {
				return nil, nil, errors.New("the fit has no latent node with indicators, so no loadings")
			}
		default:
			es = strengths(f)
		}
		if req.Kind == "contraction" {
			ds, skipped := Densities(f, es)
			for _, s := range skipped {
				notes = append(notes, s+": flat prior or no draws; left out of the contraction figure")
			}
			if len(ds) == 0 {
				return nil, notes, errors.New("no edge with a proper prior and draws to draw")
			}
			fig, err = plots.Contraction(o, ds)
			return fig, notes, err
		}
		ivs := Intervals(es)
		if len(ivs) < len(es) {
			notes = append(notes, fmt.Sprintf("%d edge(s) without finite summaries left out", len(es)-len(ivs)))
		}
		if req.Kind == "loadings" && o.XLabel == "" {
			o.XLabel = "loading"
		}
		fig, err = plots.Forest(o, ivs)
		return fig, notes, err
	case "trace", "rank":
		ps, err := Traces(f, req.Params)
		if err != nil {
			return nil, nil, err
		}
		if len(req.Params) == 0 && len(strengths(f)) > len(ps) {
			notes = append(notes, fmt.Sprintf("showing the first %d of %d edge strengths; name others with --params", len(ps), len(strengths(f))))
		}
		if req.Kind == "trace" {
			fig, err = plots.Traces(o, ps, Divergent(f))
		} else {
			fig, err = plots.Ranks(o, ps)
		}
		return fig, notes, err
	case "slopes":
		if len(req.Params) > 0 {
			return nil, nil, errors.New("--params does not apply to the slopes figure; use --edge")
		}
		units, mean, label, notes, err := Slopes(f, req.Edge)
		if err != nil {
			return nil, notes, err
		}
		fig, err = plots.Slopes(o, label, units, mean)
		return fig, notes, err
	case "energy":
		if len(req.Params) > 0 {
			return nil, nil, errors.New("--params does not apply to the energy figure")
		}
		e, err := Energy(f)
		if err != nil {
			return nil, nil, err
		}
		fig, err = plots.Energy(o, e)
		return fig, nil, err
	case "ppc":
		if len(req.Params) > 0 {
			return nil, nil, errors.New("--params does not apply to a predictive check; use --node")
		}
		node := req.Node
		if node == "" {
			node = DefaultPPCNode(f)
			notes = append(notes, fmt.Sprintf("predictive check of %s (choose another with --node: %s)", node, listNames(PPCNodes(f))))
		}
		d, err := PPC(f, node, req.Draws, req.Seed)
		if err != nil {
			return nil, notes, err
		}
		if o.XLabel == "" {
			o.XLabel = PPCLabel(f, node)
		}
		fig, err = plots.PPC(o, node, d.Observed, d.Replicated, d.Discrete)
		return fig, notes, err
	}
	return nil, nil, fmt.Errorf("figure kind %q is not implemented", req.Kind)
}

// PPCLabel describes the scale a predictive check is drawn on: the node, its
// data column and the transforms applied, e.g. "stress: new_deaths_per_million,
// log1p, standardized". Indicators of latent nodes are standardized by the fit.
func PPCLabel(f *fit.Fit, node string) string {
	if n := f.Plan.Model.Node(node); n != nil && n.Column != "" {
		parts := []string{n.Column}
		if n.Transform != "" {
			for _, step := range strings.Split(n.Transform, "|") {
				if step = strings.TrimSpace(step); step == "standardize" {
					step = "standardized"
				}
				parts = append(parts, step)
			}
		}
		if n.Column == node && len(parts) == 1 {
			return node
		}
		return node + ": " + strings.Join(parts, ", ")
	}
	for _, l := range f.Plan.Spec.Latents {
		for _, ind := range l.Indicators {
			if ind.Node == node {
				return node + " (indicator of " + l.Node + ", standardized)"
			}
		}
	}
	return node
}
