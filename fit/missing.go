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

// summableFamilies are the discrete families whose missing values are
// summed out (package model/sem, sumout.go): binary, ordered, counts.
var summableFamilies = []string{"bernoulli", "ordered", "poisson", "negbinomial", "zero_inflated_poisson", "zero_inflated_negbinomial", "hurdle_poisson", "hurdle_negbinomial"}

// rootModels gives each exogenous observed node with missing values, under
// missing="model", a model of its own so that sem can impute them: the
// node's family with an intercept and no parents or period effects
// (normal(a.NODE, sigma.NODE) for a gaussian root), with unit random
// intercepts on a panel when the node's observed values vary within some
// unit. A column constant within every unit (a static country trait) gets
// none: its within-unit sd would go to 0 and take the posterior with it;
// its missing values are then imputed from the pooled distribution (and
// their children). The observed values inform only the root's own
// parameters; a missing value that some child's row needs becomes a
// parameter mi.NODE.UNIT.TIME drawn from this model and from that child's
// equation. The node leaves Exogenous.
//
// A binary, ordered or count root gets the same model (its family with an
// intercept, or cutpoints), and its missing values are summed out over
// their levels in the rows that need them (sem: sumout.go). A root of
// another family (binomial, beta_binomial) keeps dropping the rows that
// need its missing values.
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
		if miss == 0 || missingMode(n, opt) != sem.MissingModel || opt.PriorOnly || !(slices.Contains(imputableFamilies, n.Family) || slices.Contains(summableFamilies, n.Family)) || len(pl.Model.Out(name)) == 0 {
			keep = append(keep, name)
			continue
		}
		unitRE := pl.Panel.IsPanel() && !opt.NoUnitEffects && n.UnitEffects != "none" && variesWithinUnit(v, pl.Panel.UnitIndex())
		eq, err := pl.equation(n, nil, unitRE, Options{})
		if err != nil {
			return err
		}
		eq.Missing = sem.MissingModel
		spec.Equations = append(spec.Equations, eq)
		fam := n.Family
		if fam == "" {
			fam = "gaussian"
		}
		re := "unit random intercepts"
		if !unitRE {
			re = "no unit effects"
			if pl.Panel.IsPanel() {
				re += " (its values do not vary within units)"
			}
		}
		how := "imputed"
		if slices.Contains(summableFamilies, fam) {
			how = "summed out over their levels"
		}
		pl.Notes = append(pl.Notes, fmt.Sprintf("%s: a root with %d missing values of %d; modelled as %s with an intercept and %s, so that the values its children's rows need are %s (missing=\"drop\" leaves those rows out instead)", name, miss, len(v), fam, re, how))
	}
	pl.Exogenous = keep
	return nil
}

// variesWithinUnit reports whether the observed values of v differ within
// some unit (unit: each row's unit index).
func variesWithinUnit(v []float64, unit []int) bool {
	first := map[int]float64{}
	for r, x := range v {
		if math.IsNaN(x) {
			continue
		}
		f, ok := first[unit[r]]
		if !ok {
			first[unit[r]] = x
			continue
		}
		if math.Abs(x-f) > 1e-9*(1+math.Abs(f)) {
			return true
		}
	}
	return false
}
