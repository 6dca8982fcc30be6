package sweep

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"

	"dilemma/model/sem"
)

// AR(1) residuals and moderated edges in simulation-based calibration.
//
// A gaussian equation with ar="1" is simulated as package sem defines it:
// rho from its prior, uniform on (−1, 1); within each unit, over the rows
// the equation uses in period order, the residual e = y − mu starts from
// the stationary normal(0, sigma/√(1−rho²)) and a gap of k periods moves
// it to rho^k·e plus normal(0, sigma·√((1−rho^{2k})/(1−rho²))), sigma the
// innovation sd drawn by the family. An interaction term (moderator="z"
// on x -> y) reads the product of its two factors, each lagged as the
// term says, recomputed from the simulated values whenever either factor
// is simulated.

// checkARSim refuses AR residuals SBC cannot simulate: only gaussian
// equations have them in package sem, so any other family is an error.
func checkARSim(eq *sem.Equation, fam sem.Family) error {
	if eq.AR == 0 {
		return nil
	}
	_, gauss := fam.(sem.Gaussian)
	_, student := fam.(sem.Student)
	if !(gauss || student) || eq.AR != 1 {
		return fmt.Errorf("node %s has ar=\"%d\" on a %s node; simulation-based calibration simulates AR(1) residuals of gaussian and student nodes only", eq.Node, eq.AR, fam.Name())
	}
	return nil
}

// arResiduals draws rho (recorded as ar.NODE) and the AR(1) residual of
// every used row, by layout row (0 elsewhere). With nu > 0 (a student
// node) each unit's chain is scaled by √(nu/chi²_nu): multivariate t.
func (s *simulator) arResiduals(node string, sigma, nu float64, used []bool, truth map[string]float64, rng *rand.Rand) ([]float64, error) {
	lay := s.spec.Layout
	if lay.Unit == nil || lay.Time == nil {
		return nil, fmt.Errorf("node %s: AR(1) residuals need unit and time keys", node)
	}
	rho := 2*rng.Float64() - 1
	truth["ar."+node] = rho
	var rows []int
	for r, ok := range used {
		if ok {
			rows = append(rows, r)
		}
	}
	sort.SliceStable(rows, func(a, b int) bool {
		ra, rb := rows[a], rows[b]
		if lay.Unit[ra] != lay.Unit[rb] {
			return lay.Unit[ra] < lay.Unit[rb]
		}
		return s.ordinal(ra) < s.ordinal(rb)
	})
	e := make([]float64, lay.Rows)
	prev := -1
	var chain []int
	scaleChain := func() {
		if nu > 0 && len(chain) > 0 {
			sc := math.Sqrt(nu / distuv.ChiSquared{K: nu, Src: rng}.Rand())
			for _, q := range chain {
				e[q] *= sc
			}
		}
		chain = chain[:0]
	}
	for _, r := range rows {
		if prev < 0 || lay.Unit[prev] != lay.Unit[r] {
			scaleChain()
			e[r] = sigma / math.Sqrt(1-rho*rho) * rng.NormFloat64()
		} else {
			k := s.ordinal(r) - s.ordinal(prev)
			v, q := 0.0, 1.0 // Σ_{i<k} rho^{2i}
			for i := 0; i < k; i++ {
				v += q
				q *= rho * rho
			}
			e[r] = math.Pow(rho, float64(k))*e[prev] + sigma*math.Sqrt(v)*rng.NormFloat64()
		}
		chain = append(chain, r)
		prev = r
	}
	scaleChain()
	return e, nil
}

// interactionColumn recomputes an interaction term's column from the
// simulated values of its factors (ok false when neither is simulated),
// keeping the term's own missing values.
func (s *simulator) interactionColumn(t *sem.Term, sim map[string][]float64) ([]float64, bool, error) {
	xs, xSim := sim[t.Parent]
	zs, zSim := sim[t.Moderator]
	if !xSim && !zSim {
		if _, endo := s.endo[t.Parent]; endo {
			return nil, false, fmt.Errorf("the interaction of %s and %s reads %s before it is simulated", t.Parent, t.Moderator, t.Parent)
		}
		if _, endo := s.endo[t.Moderator]; endo {
			return nil, false, fmt.Errorf("the interaction of %s and %s reads %s before it is simulated", t.Parent, t.Moderator, t.Moderator)
		}
		return nil, false, nil
	}
	factor := func(name string, v []float64, simulated bool, lag int) ([]float64, error) {
		if simulated {
			return s.lagged(v, lag)
		}
		// An exogenous factor: its column as the fit binds it, found on a
		// plain term of the same equation.
		return s.exogenous(name, lag)
	}
	x, err := factor(t.Parent, xs, xSim, t.Lag)
	if err != nil {
		return nil, false, err
	}
	z, err := factor(t.Moderator, zs, zSim, t.ModeratorLag)
	if err != nil {
		return nil, false, err
	}
	out := make([]float64, len(x))
	for r := range out {
		out[r] = x[r] * z[r]
		if math.IsNaN(t.X[r]) {
			out[r] = math.NaN()
		}
	}
	return out, true, nil
}

// exogenous returns the bound column of exogenous node name at t − lag, as
// some equation's plain term reads it.
func (s *simulator) exogenous(name string, lag int) ([]float64, error) {
	for i := range s.spec.Equations {
		for _, t := range s.spec.Equations[i].Terms {
			if t.Parent == name && t.Lag == lag && t.Moderator == "" && !t.UnitMean && t.X != nil {
				return t.X, nil
			}
		}
	}
	return nil, fmt.Errorf("the exogenous factor %s (lag %d) of an interaction has no plain term to read its values from", name, lag)
}
