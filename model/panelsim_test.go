package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/data"
)

// simOptions describe a simulated panel: linear gaussian equations in
// causal order, each node the sum of its parents (at their lags) times
// the edge's coefficient, a unit effect and AR(1) noise.
type simOptions struct {
	Units, Periods int
	Burn           int     // periods simulated and discarded first
	Rho            float64 // AR(1) coefficient of every node's noise
	UnitSD         float64 // sd of the unit effects
	Seed           uint64
	Static         []string // nodes constant within a unit (the unit effect alone)
	// Coef gives an edge's coefficient; nil draws ±U(0.3, 0.6) per edge.
	Coef func(e *Edge) float64
}

// simModel returns a copy of m in which every observed node that is not
// fixed reads the column of its own name, untransformed; latent nodes lose
// their indicators (they are simulated, not written).
func simModel(m *Model) *Model {
	c := m.Clone()
	for _, n := range c.Nodes {
		n.Transform, n.Family = "", ""
		n.Indicators = nil
		if n.Latent || n.Role == "root" && n.Column == "" {
			n.Column = ""
			continue
		}
		n.Column = n.Name
	}
	return c
}

// simulatePanel draws a panel from m (see simModel for the columns) and
// returns it with the coefficient used for each edge.
func simulatePanel(t testing.TB, m *Model, o simOptions) (*data.Panel, map[*Edge]float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	order, err := m.TopoOrder()
	if err != nil {
		t.Fatal(err)
	}
	coef := map[*Edge]float64{}
	for _, e := range m.Edges {
		if e.Kind != Directed {
			continue
		}
		if o.Coef != nil {
			coef[e] = o.Coef(e)
		} else {
			c := 0.3 + 0.3*rng.Float64()
			if rng.IntN(2) == 0 {
				c = -c
			}
			coef[e] = c
		}
	}
	static := map[string]bool{}
	for _, s := range o.Static {
		static[s] = true
	}
	var written []string
	for _, n := range m.Nodes {
		if n.Column != "" {
			written = append(written, n.Name)
		}
	}
	T := o.Burn + o.Periods
	s := math.Sqrt(1 - o.Rho*o.Rho)
	var b strings.Builder
	b.WriteString("unit,t," + strings.Join(written, ",") + "\n")
	for u := 0; u < o.Units; u++ {
		val := map[string][]float64{}
		noise := map[string]float64{}
		effect := map[string]float64{}
		for _, name := range order {
			val[name] = make([]float64, T)
			noise[name] = rng.NormFloat64()
			effect[name] = o.UnitSD * rng.NormFloat64()
		}
		for tt := 0; tt < T; tt++ {
			for _, name := range order {
				n := m.Node(name)
				if n.Fixed() {
					continue
				}
				if static[name] {
					val[name][tt] = effect[name] + noise[name]
					continue
				}
				noise[name] = o.Rho*noise[name] + s*rng.NormFloat64()
				v := effect[name] + noise[name]
				for _, e := range m.In(name) {
					if e.Kind != Directed || tt-e.Lag < 0 {
						continue
					}
					v += coef[e] * val[e.From][tt-e.Lag]
				}
				val[name][tt] = v
			}
		}
		for tt := o.Burn; tt < T; tt++ {
			fmt.Fprintf(&b, "u%d,%d", u, tt-o.Burn)
			for _, name := range written {
				fmt.Fprintf(&b, ",%.5g", val[name][tt])
			}
			b.WriteByte('\n')
		}
	}
	p, err := data.Load(strings.NewReader(b.String()), "sim.csv", data.Options{UnitKey: "unit", TimeKey: "t"})
	if err != nil {
		t.Fatal(err)
	}
	return p, coef
}
