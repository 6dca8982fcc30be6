package fit

import (
	"fmt"

	"dilemma/model"
)

// EdgeIdentification says whether an edge's strength, as its child's
// equation estimates it (conditioning on the child's other parents), can be
// read as a causal effect.
type EdgeIdentification struct {
	Edge       string `json:"edge"`
	Identified bool   `json:"identified"`
	Reason     string `json:"reason,omitempty"`
}

func (e EdgeIdentification) String() string {
	if e.Identified {
		return e.Edge + ": identified (the child's other parents block every back-door path)"
	}
	return e.Edge + ": NOT identified as a causal effect: " + e.Reason
}

// Identify checks every directed edge of m with the single-door criterion:
// the other parents of the child must block every path from the parent to
// the child except the edge itself. In a DAG without latent confounders they
// always do; a bidirected edge or a latent parent without indicators can
// break it. Lagged edges are checked on the graph unrolled over the lags.
func Identify(m *model.Model) []EdgeIdentification {
	var out []EdgeIdentification
	st, serr := m.Structure()
	for _, e := range m.Edges {
		if e.Kind != model.Directed {
			continue
		}
		ok, reason, err := false, "", serr
		if serr == nil {
			ok, reason, err = st.EdgeIdentified(e)
		}
		if err != nil {
			reason = fmt.Sprintf("cannot be checked: %v", err)
		}
		out = append(out, EdgeIdentification{Edge: e.String(), Identified: ok && err == nil, Reason: reason})
	}
	return out
}
