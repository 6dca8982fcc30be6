package fit

import (
	"fmt"
	"math"

	"dilemma/model"
	"dilemma/model/sem"
)

// interactionTerms appends to node n's terms one interaction term per
// moderated edge into n (moderator="z" on x -> n): its column is the
// product of x at t − lag and z at t − (the lag of z -> n), on the fit's
// scale, so n's linear predictor gains c·x·z and a gaussian equation keeps
// its sufficient statistics. Both factors need data: a latent or dropped
// parent or moderator is an error naming the edge.
func (pl *Plan) interactionTerms(n *model.Node, terms []sem.Term, dropped map[string]bool) ([]sem.Term, error) {
	out := terms
	for _, e := range pl.Model.In(n.Name) {
		if e.Kind != model.Directed || e.Moderator == "" {
			continue
		}
		me := pl.Model.ModeratorEdge(e)
		if me == nil {
			return nil, &BuildError{Node: n.Name, Msg: fmt.Sprintf("edge %s: moderator %s is not a parent of %s", e, e.Moderator, n.Name)}
		}
		find := func(name string, lag int) (*sem.Term, error) {
			why := ""
			switch {
			case dropped[name]:
				why = "is not estimated (a fixed root or a latent node without indicators)"
			case pl.Model.Node(name).Latent:
				why = "is latent; an interaction needs observed values of both factors (not supported for latent nodes yet)"
			}
			if why == "" {
				for k := range terms {
					t := &terms[k]
					if t.Parent == name && t.Lag == lag && !t.UnitMean && t.Moderator == "" && t.X != nil {
						return t, nil
					}
				}
				why = "has no data"
			}
			return nil, &BuildError{Node: n.Name, Msg: fmt.Sprintf("edge %s [moderator=%q]: %s %s", e, e.Moderator, name, why)}
		}
		x, err := find(e.From, e.Lag)
		if err != nil {
			return nil, err
		}
		z, err := find(me.From, me.Lag)
		if err != nil {
			return nil, err
		}
		prod := make([]float64, len(x.X))
		for r := range prod {
			prod[r] = x.X[r] * z.X[r] // NaN when either is missing
			if math.IsInf(prod[r], 0) {
				prod[r] = math.NaN()
			}
		}
		t := sem.Term{Parent: e.From, Column: x.Column, Lag: e.Lag, X: prod, Moderator: me.From, ModeratorLag: me.Lag}
		if e.ModeratorPrior != nil {
			if t.Prior, err = sem.ParsePrior(e.ModeratorPrior.String()); err != nil {
				return nil, &BuildError{Node: n.Name, Msg: fmt.Sprintf("edge %s: moderator_prior: %v", e, err)}
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// interactionSummary marks an edge summary as the coefficient c of a
// moderated edge: Kind "interaction", Edge "x -> y [moderator=z]" (with
// the moderator's lag when it has one).
func interactionSummary(e *EdgeSummary, c sem.Coef) {
	e.Kind = "interaction"
	e.Moderator, e.ModeratorLag = c.Moderator, c.ModeratorLag
	if c.ModeratorLag > 0 {
		e.Edge += fmt.Sprintf(" [moderator=%s at t-%d]", c.Moderator, c.ModeratorLag)
		return
	}
	e.Edge += " [moderator=" + c.Moderator + "]"
}
