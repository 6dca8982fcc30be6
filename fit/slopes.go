package fit

import (
	"math"

	"dilemma/model/sem"
)

// slopeEdges summarizes, for each edge whose strength varies by unit
// (varies="unit"), the sd of the strength across units, sd_v.P.C, as a row
// "P -> C [sd across units]" of kind "unit sd". The edge's own row b.P.C is
// the mean strength across units; unit j's strength is b + v_j (the
// parameters v.P.C.UNIT; `dilemma plot FIT --kind slopes` draws them).
func slopeEdges(slopes []sem.SlopeInfo, names []string, param func(string) [][]float64) []EdgeSummary {
	var out []EdgeSummary
	for _, sl := range slopes {
		name := names[sl.SD]
		sd := param(name)
		if sd == nil {
			continue
		}
		c := sem.Coef{Name: name, Parent: sl.Parent, Child: sl.Child, Lag: sl.Lag, PriorVar: math.NaN(), Rows: sl.Rows}
		e := edgeSummary(c, sd)
		e.Kind = "unit sd"
		e.Edge += " [sd across units]"
		e.Contraction = math.NaN()
		e.PSign = math.NaN()
		out = append(out, e)
	}
	return out
}

// UnitSlopes returns, for the edge whose strength varies by unit with mean
// strength parameter name (b.P.C), each unit's label and its strength's
// draws b + v_j (chains kept apart), in the fit's unit order; ok is false
// when the edge's strength does not vary.
func (f *Fit) UnitSlopes(name string) (units []string, draws [][][]float64, ok bool) {
	names := f.Posterior.ParamNames()
	for _, sl := range f.Posterior.Slopes() {
		if sl.Name != name {
			continue
		}
		b := f.Param(sl.Name)
		for j, u := range sl.Units {
			v := f.Param(names[sl.First+j])
			if b == nil || v == nil {
				return nil, nil, false
			}
			s := make([][]float64, len(b))
			for k := range b {
				s[k] = make([]float64, len(b[k]))
				for i := range b[k] {
					s[k][i] = b[k][i] + v[k][i]
				}
			}
			units = append(units, u)
			draws = append(draws, s)
		}
		return units, draws, true
	}
	return nil, nil, false
}
