package sweep

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"dilemma/model/sem"
)

// Latent nodes in simulation-based calibration. A latent node's values are
// drawn from its structural equation, as package sem defines it,
//
//	eta[r] ~ normal(Σ b·X[r] + u[unit(r)] + g[time(r)], 1),
//
// on the rows where some indicator and every parent are observed; each
// indicator from its family around a + lambda·eta[r], with the first
// loading positive (its prior truncated at 0), on the rows it is
// observed. Equations that read a latent parent read its simulated values
// at t − lag. A latent's parents may be exogenous columns, simulated
// (endogenous) nodes or other latents: latents and equations are simulated
// in an order where parents come first (see simulator.simulate), and a
// simulated parent's values replace the column the latent's term reads.

// checkLatents checks that the latents can be simulated and prepares their
// indicators' families on the observed values (fixed in the spec).
func (s *simulator) checkLatents() error {
	s.indFams = make([][]sem.Family, len(s.spec.Latents))
	for li := range s.spec.Latents {
		l := &s.spec.Latents[li]
		for _, t := range l.Terms {
			if _, lat := s.latent[t.Parent]; t.X == nil && !lat {
				return fmt.Errorf("latent %s: parent %s has no values", l.Node, t.Parent)
			}
			if t.UnitMean || t.Moderator != "" || t.Varies {
				return fmt.Errorf("latent %s: the edge from %s is a unit mean, a moderation or varies by unit; simulation-based calibration does not simulate that for latents", l.Node, t.Parent)
			}
		}
		for k := range l.Indicators {
			ind := &l.Indicators[k]
			fam, err := prepareFamily(&sem.Equation{Node: ind.Node, Family: ind.Family, Y: ind.Y})
			if err != nil {
				return fmt.Errorf("indicator %s of %s: %v", ind.Node, l.Node, err)
			}
			if _, ok := fam.(sem.ParamDrawer); !ok {
				return fmt.Errorf("indicator %s is %s, whose parameters simulation-based calibration cannot draw", ind.Node, fam.Name())
			}
			if _, ok := fam.(sem.TrialsFamily); ok {
				return fmt.Errorf("indicator %s is %s; indicators with trials are not simulated yet", ind.Node, fam.Name())
			}
			ind.Family = fam
			s.indFams[li] = append(s.indFams[li], fam)
		}
	}
	return nil
}

// simulateLatent draws latent li's parameters and values and its
// indicators' parameters and values (replacing the indicators' columns,
// and its terms' columns where they read simulated nodes), and returns
// its values (NaN where the latent has none).
func (s *simulator) simulateLatent(li int, sim map[string][]float64, etas [][]float64, truth map[string]float64, rng *rand.Rand) ([]float64, error) {
	lay := s.spec.Layout
	l := &s.spec.Latents[li]
	base := make([]bool, lay.Rows)
	for r := range base {
		for _, ind := range l.Indicators {
			base[r] = base[r] || !math.IsNaN(ind.Y[r])
		}
	}
	xs, err := s.termValues(l.Node, l.Terms, base, sim, etas)
	if err != nil {
		return nil, err
	}
	used := slices.Clone(base)
	for r := range used {
		for k := range xs {
			used[r] = used[r] && !math.IsNaN(xs[k][r])
		}
	}
	b := make([]float64, len(l.Terms))
	for k, t := range l.Terms {
		v, err := drawPrior(t.Prior, defStrength, false, rng)
		if err != nil {
			return nil, fmt.Errorf("strength %s -> %s: %v", t.Parent, l.Node, err)
		}
		b[k] = v
		truth[sem.TermParamName(l.Node, t)] = v
	}
	var u []float64
	if l.UnitRE && lay.Unit != nil {
		tau, err := drawPrior(l.Tau, defScale, true, rng)
		if err != nil {
			return nil, fmt.Errorf("tau.%s: %v", l.Node, err)
		}
		truth["tau."+l.Node] = tau
		u = make([]float64, len(lay.Units))
		for j := range u {
			u[j] = tau * rng.NormFloat64()
		}
	}
	g, err := s.periodEffects(l.Node, l.Time, l.TimePrior, used, truth, rng)
	if err != nil {
		return nil, err
	}
	eta := make([]float64, lay.Rows)
	for r := range eta {
		eta[r] = math.NaN()
		if !used[r] {
			continue
		}
		mu := 0.0
		for k := range l.Terms {
			mu += b[k] * xs[k][r]
		}
		if u != nil {
			mu += u[lay.Unit[r]]
		}
		if g != nil {
			mu += g[lay.Time[r]]
		}
		eta[r] = mu + rng.NormFloat64()
	}
	for k := range l.Indicators {
		ind := &l.Indicators[k]
		fam := s.indFams[li][k]
		var a float64
		if fam.Intercept() {
			if a, err = drawPrior(ind.Intercept, defIntercept, false, rng); err != nil {
				return nil, fmt.Errorf("a.%s: %v", ind.Node, err)
			}
			truth["a."+ind.Node] = a
		}
		// The first loading is positive (it fixes the latent's sign).
		def := sem.Normal(0, 1)
		if k == 0 {
			def = sem.HalfNormal(1)
		}
		lambda, err := drawPrior(ind.Loading, def, k == 0, rng)
		if err != nil {
			return nil, fmt.Errorf("lambda.%s.%s: %v", l.Node, ind.Node, err)
		}
		truth["lambda."+l.Node+"."+ind.Node] = lambda
		par, err := fam.(sem.ParamDrawer).DrawParams(rng)
		if err != nil {
			return nil, fmt.Errorf("indicator %s: %v", ind.Node, err)
		}
		for j, name := range fam.ParamNames(ind.Node) {
			truth[name] = par[j]
		}
		y := make([]float64, lay.Rows)
		for r := range y {
			y[r] = math.NaN()
			if used[r] && !math.IsNaN(ind.Y[r]) {
				y[r] = fam.Rand(a+lambda*eta[r], par, rng)
			}
		}
		ind.Y = y
	}
	return eta, nil
}
