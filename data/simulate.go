package data

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"
)

// SimSpec describes a structural model to draw a panel from: Units units
// observed over Periods periods, one equation per node.
type SimSpec struct {
	Units, Periods int
	Seed           uint64
	// Equations in an order where every lag-0 parent comes before its child.
	Equations []SimEquation
}

// SimEquation is one node's equation. Its linear predictor is
//
//	eta = Intercept + u[unit] + Σ Coef·parent[t−Lag]
//
// with u[unit] ~ normal(0, UnitSD). The node is then drawn by its family:
// gaussian eta + normal(0, Sigma); bernoulli with P(1) = logistic(eta);
// poisson with mean exp(eta); ordered as the number of Cutpoints below
// eta + logistic noise (categories 0 … len(Cutpoints)). A parent at t−Lag
// before the first period counts as 0.
//
// Any other family is given as a Sampler, which draws the value from eta:
// every family of package model/sem gives one at fixed parameters
// (sem.FamilyAt). A Sampler takes precedence over Family, which then only
// names the family.
type SimEquation struct {
	Node      string
	Family    string // "gaussian" (default), "bernoulli", "ordered", "poisson"
	Sampler   Sampler
	Intercept float64
	UnitSD    float64
	Sigma     float64
	Cutpoints []float64
	Parents   []SimParent
}

// Sampler draws a node's value given its linear predictor eta.
type Sampler interface {
	Draw(eta float64, rng *rand.Rand) float64
}

// SimParent is one edge into a simulated node.
type SimParent struct {
	Node string
	Lag  int
	Coef float64
}

// SimTruth holds the drawn unit effects, per node and unit.
type SimTruth struct {
	UnitEffects map[string][]float64
}

// Simulate draws a panel from spec. The result has unit column "unit"
// (U001, U002, …), integer time column "period" (1 … Periods) and one
// numeric column per node; it is loaded through Load like any file, so it
// behaves exactly like user data. The same spec and seed give the same panel.
func Simulate(spec SimSpec) (*Panel, *SimTruth, error) {
	if spec.Units < 1 || spec.Periods < 1 {
		return nil, nil, fmt.Errorf("simulate: need at least one unit and one period (got %d × %d)", spec.Units, spec.Periods)
	}
	pos := map[string]int{}
	for k, eq := range spec.Equations {
		if eq.Node == "" || eq.Node == "unit" || eq.Node == "period" {
			return nil, nil, fmt.Errorf("simulate: equation %d: invalid node name %q", k+1, eq.Node)
		}
		if _, dup := pos[eq.Node]; dup {
			return nil, nil, fmt.Errorf("simulate: node %q has two equations", eq.Node)
		}
		switch {
		case eq.Sampler != nil:
		case eq.Family == "", eq.Family == "gaussian", eq.Family == "bernoulli", eq.Family == "poisson":
		case eq.Family == "ordered":
			for i := 1; i < len(eq.Cutpoints); i++ {
				if eq.Cutpoints[i] <= eq.Cutpoints[i-1] {
					return nil, nil, fmt.Errorf("simulate: node %q: cutpoints must increase", eq.Node)
				}
			}
			if len(eq.Cutpoints) == 0 {
				return nil, nil, fmt.Errorf("simulate: node %q: an ordered node needs cutpoints", eq.Node)
			}
		default:
			return nil, nil, fmt.Errorf("simulate: node %q: unknown family %q", eq.Node, eq.Family)
		}
		for _, pa := range eq.Parents {
			j, ok := pos[pa.Node]
			if pa.Lag < 0 {
				return nil, nil, fmt.Errorf("simulate: edge %s -> %s: negative lag", pa.Node, eq.Node)
			}
			if pa.Lag == 0 && (!ok || j >= k) {
				return nil, nil, fmt.Errorf("simulate: edge %s -> %s: the parent must have an earlier equation", pa.Node, eq.Node)
			}
		}
		pos[eq.Node] = k
	}
	for _, eq := range spec.Equations {
		for _, pa := range eq.Parents {
			if _, ok := pos[pa.Node]; !ok {
				return nil, nil, fmt.Errorf("simulate: edge %s -> %s: unknown parent", pa.Node, eq.Node)
			}
		}
	}

	rng := rand.New(rand.NewPCG(spec.Seed, 0x5eed))
	norm := distuv.Normal{Mu: 0, Sigma: 1, Src: rng}
	nu, nt, ne := spec.Units, spec.Periods, len(spec.Equations)
	truth := &SimTruth{UnitEffects: map[string][]float64{}}
	ueff := make([][]float64, ne)
	for k, eq := range spec.Equations {
		ueff[k] = make([]float64, nu)
		for u := range ueff[k] {
			ueff[k][u] = eq.UnitSD * norm.Rand()
		}
		truth.UnitEffects[eq.Node] = ueff[k]
	}
	// vals[k][u*nt+t]
	vals := make([][]float64, ne)
	for k := range vals {
		vals[k] = make([]float64, nu*nt)
	}
	for u := 0; u < nu; u++ {
		for t := 0; t < nt; t++ {
			for k, eq := range spec.Equations {
				eta := eq.Intercept + ueff[k][u]
				for _, pa := range eq.Parents {
					if t-pa.Lag >= 0 {
						eta += pa.Coef * vals[pos[pa.Node]][u*nt+t-pa.Lag]
					}
				}
				vals[k][u*nt+t] = draw(eq, eta, rng, norm)
			}
		}
	}

	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := []string{"unit", "period"}
	for _, eq := range spec.Equations {
		header = append(header, eq.Node)
	}
	w.Write(header)
	row := make([]string, len(header))
	for u := 0; u < nu; u++ {
		for t := 0; t < nt; t++ {
			row[0] = fmt.Sprintf("U%03d", u+1)
			row[1] = strconv.Itoa(t + 1)
			for k := range spec.Equations {
				row[2+k] = strconv.FormatFloat(vals[k][u*nt+t], 'g', -1, 64)
			}
			w.Write(row)
		}
	}
	w.Flush()
	p, err := Load(&buf, "simulated", Options{UnitKey: "unit", TimeKey: "period"})
	if err != nil {
		return nil, nil, fmt.Errorf("simulate: %v", err)
	}
	return p, truth, nil
}

func draw(eq SimEquation, eta float64, rng *rand.Rand, norm distuv.Normal) float64 {
	if eq.Sampler != nil {
		return eq.Sampler.Draw(eta, rng)
	}
	switch eq.Family {
	case "bernoulli":
		if rng.Float64() < 1/(1+math.Exp(-eta)) {
			return 1
		}
		return 0
	case "poisson":
		return distuv.Poisson{Lambda: math.Exp(eta), Src: rng}.Rand()
	case "ordered":
		u := rng.Float64()
		for u == 0 {
			u = rng.Float64()
		}
		z := eta + math.Log(u/(1-u)) // logistic noise
		c := 0
		for _, cut := range eq.Cutpoints {
			if z > cut {
				c++
			}
		}
		return float64(c)
	}
	return eta + eq.Sigma*norm.Rand()
}
