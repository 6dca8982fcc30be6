package fit

import (
	"fmt"
	"math"
	"slices"

	"dilemma/model"
	"dilemma/model/sem"
)

// missingMode is node n's missing-value mode: its missing= or the fit's.
func missingMode(n *model.Node, opt Options) sem.Missing {
	switch n.Missing {
	case "model":
		return sem.MissingModel
	case "drop":
		return sem.MissingDrop
	}
	return opt.Missing
}

// imputableFamilies are the families whose missing values can be imputed.
var imputableFamilies = []string{"", "gaussian", "student", "lognormal", "beta"}

// rootModels gives each exogenous observed node with missing values, under
// missing="model", a model of its own so that sem can impute them: the
// node's family with an intercept and no parents, no unit effects and no
// period effects (normal(a.NODE, sigma.NODE) for a gaussian root). Its
// observed values inform only a.NODE and sigma.NODE; a missing value that
// some child's row needs becomes a parameter mi.NODE.UNIT.TIME drawn from
// it and from that child's equation. The node leaves Exogenous.
//
// A root of another family (binary, ordered, counts) keeps dropping the
// rows that need its missing values.
func (pl *Plan) rootModels(spec *sem.Spec, opt Options) error {
	var keep []string
	for _, name := range pl.Exogenous {
		n := pl.Model.Node(name)
		v := pl.Values[name]
		miss := 0
		for _, x := range v {
			if math.IsNaN(x) {
				miss++
			}
		}
		if miss == 0 || missingMode(n, opt) != sem.MissingModel || opt.PriorOnly || !slices.Contains(imputableFamilies, n.Family) || len(pl.Model.Out(name)) == 0 {
			keep = append(keep, name)
			continue
		}
		eq, err := pl.equation(n, nil, false, Options{})
		if err != nil {
			return err
		}
		eq.Missing = sem.MissingModel
		spec.Equations = append(spec.Equations, eq)
		fam := n.Family
		if fam == "" {
			fam = "gaussian"
		}
		pl.Notes = append(pl.Notes, fmt.Sprintf("%s: a root with %d missing values of %d; modelled as %s with an intercept and no unit effects (a.%s and its scale), so that the values its children's rows need are imputed (missing=\"drop\" leaves those rows out instead)", name, miss, len(v), fam, name))
	}
	pl.Exogenous = keep
	return nil
}
