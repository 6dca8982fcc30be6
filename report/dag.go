package report

import (
	"dilemma/fit"
	"dilemma/model"
	"dilemma/plots"
)

// DAGInput converts a model's graph into the diagram plots.DAG draws, nodes
// labelled by their label= attribute or else their Display name: latent
// nodes dashed, remedies (role="remedy") filled, outcomes ([outcome] or
// role="outcome") double-bordered, lagged and bidirected edges as such,
// expected signs marked, and pos= attributes used when every node has one.
// With a fit (f may be nil), each directed edge the fit estimated carries
// its posterior median and 90% interval; edges the fit could not estimate
// (into or out of a dropped node) are drawn without.
func DAGInput(m *model.Model, f *fit.Fit) plots.DAGInput {
	var g plots.DAGInput
	for _, n := range m.Nodes {
		label := n.Label
		if label == "" {
			label = Display(n.Name)
		}
		dn := plots.DAGNode{
			Name:    n.Name,
			Label:   label,
			Latent:  n.Latent,
			Remedy:  n.Role == "remedy",
			Outcome: n.Outcome || n.Role == "outcome",
		}
		if n.Pos != nil {
			p := *n.Pos
			dn.Pos = &p
		}
		g.Nodes = append(g.Nodes, dn)
	}
	est := map[edgeKey]plots.EdgeInterval{}
	if f != nil {
		for _, e := range f.Edges {
			iv := interval(e)
			if !e.Loading && e.Kind == "" && finiteAll(iv.Q5, iv.Q25, iv.Q50, iv.Q75, iv.Q95, iv.PSign) {
				est[edgeKey{e.Parent, e.Child, e.Lag}] = iv
			}
		}
	}
	for _, e := range m.Edges {
		de := plots.DAGEdge{From: e.From, To: e.To, Lag: e.Lag, ExpectedSign: e.Sign, Bidirected: e.Kind == model.Bidirected}
		if !de.Bidirected {
			if iv, ok := est[edgeKey{e.From, e.To, e.Lag}]; ok {
				iv := iv
				de.Estimate = &iv
			}
		}
		g.Edges = append(g.Edges, de)
	}
	return g
}

type edgeKey struct {
	parent, child string
	lag           int
}
