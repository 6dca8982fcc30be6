package plots

import (
	"math"
	"math/rand/v2"
)

// Synthetic inputs shaped like the paper's models (figure 2 with remedies).

func testEdges() []EdgeInterval {
	type e struct {
		child, parent string
		lag, sign     int
		mean, sd      float64
	}
	spec := []e{
		{"authority_deficit", "external_mechanism", 0, -1, -0.35, 0.12},
		{"intent_uncertainty", "authority_deficit", 0, 1, 0.28, 0.10},
		{"intent_uncertainty", "unequal_exposure", 0, 1, 0.41, 0.08},
		{"intent_uncertainty", "goodwill_signals", 0, -1, -0.05, 0.20},
		{"intent_uncertainty", "interaction_density", 0, -1, -0.22, 0.15},
		{"fear", "threat", 0, 1, 0.62, 0.05},
		{"fear", "intent_uncertainty", 0, 1, 0.18, 0.09},
		{"fear", "peer_unilateralism", 1, 1, 0.09, 0.06},
		{"unilateralism", "fear", 0, 1, 0.55, 0.07},
		{"unilateralism", "authority_deficit", 0, 1, 0.12, 0.11},
		{"unilateralism", "unequal_exposure", 0, 1, 0.30, 0.09},
		{"unilateralism", "external_mechanism", 0, -1, 0.04, 0.13},
		{"dilemma", "unilateralism", 0, 1, 0.47, 0.10},
		{"dilemma", "interaction_density", 0, -1, -0.15, 0.18},
		{"dilemma", "anarchy", 0, 0, 0.02, 0.30},
	}
	out := make([]EdgeInterval, len(spec))
	for i, s := range spec {
		z := []float64{-1.645, -0.674, 0, 0.674, 1.645}
		q := make([]float64, 5)
		for k := range q {
			q[k] = s.mean + z[k]*s.sd
		}
		ps := 0.5 * math.Erfc(-s.mean/s.sd/math.Sqrt2) // P(>0)
		if s.sign < 0 {
			ps = 1 - ps
		}
		out[i] = EdgeInterval{Child: s.child, Parent: s.parent, Lag: s.lag, ExpectedSign: s.sign,
			Q5: q[0], Q25: q[1], Q50: q[2], Q75: q[3], Q95: q[4], PSign: ps}
	}
	return out
}

func normalDraws(r *rand.Rand, n int, mean, sd float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = mean + sd*r.NormFloat64()
	}
	return out
}

// testChains returns nc AR(1) chains of n draws with a few divergences.
func testChains(nc, n int) ([][]float64, [][]bool) {
	r := rand.New(rand.NewPCG(7, 1))
	ch := make([][]float64, nc)
	dv := make([][]bool, nc)
	for c := range ch {
		ch[c] = make([]float64, n)
		dv[c] = make([]bool, n)
		x := 0.0
		for i := range ch[c] {
			x = 0.6*x + 0.8*r.NormFloat64()
			ch[c][i] = 1.5 + 0.3*x + 0.05*float64(c)
			dv[c][i] = r.Float64() < 0.004
		}
	}
	return ch, dv
}

func testDensities() []EdgeDensity {
	r := rand.New(rand.NewPCG(3, 2))
	var out []EdgeDensity
	for _, e := range testEdges()[:7] {
		sd := (e.Q95 - e.Q5) / 3.29
		out = append(out, EdgeDensity{
			Name:           e.Label(),
			PriorDraws:     normalDraws(r, 1000, 0, 1),
			PosteriorDraws: normalDraws(r, 1000, e.Q50, sd),
		})
	}
	return out
}

func testHorizon() []HorizonPoint {
	var out []HorizonPoint
	for k := 0; k <= 6; k++ {
		m := -0.3 * math.Exp(-float64(k)/2.5) * (1 - math.Exp(-float64(k+1)))
		s := 0.05 + 0.02*float64(k)
		out = append(out, HorizonPoint{Period: k, Mean: m, Q5: m - 1.645*s, Q95: m + 1.645*s})
	}
	return out
}

func testUnits() []UnitCF {
	return []UnitCF{
		{"Germany", 0.42, 0.20, 0.05, 0.36},
		{"Italy", 0.61, 0.44, 0.27, 0.60},
		{"Côte d'Ivoire", -0.10, -0.31, -0.52, -0.08},
		{"United States of America", 0.85, 0.52, 0.30, 0.77},
		{"Viet Nam", 0.05, -0.12, -0.30, 0.06},
	}
}

func testEffects() []Effect {
	return []Effect{
		{"goodwill_signals", -0.04, -0.20, 0.12, 0.66},
		{"external_mechanism", -0.21, -0.38, -0.05, 0.98},
		{"interaction_density", -0.30, -0.55, -0.06, 0.985},
	}
}

func testPPC(discrete bool) ([]float64, [][]float64) {
	r := rand.New(rand.NewPCG(11, 4))
	obs := make([]float64, 300)
	rep := make([][]float64, 40)
	gen := func() float64 {
		if discrete {
			return math.Min(4, math.Max(0, math.Round(2+1.2*r.NormFloat64())))
		}
		return r.NormFloat64() + 0.3*r.ExpFloat64()
	}
	for i := range obs {
		obs[i] = gen()
	}
	for d := range rep {
		rep[d] = make([]float64, 300)
		for i := range rep[d] {
			rep[d][i] = gen()
		}
	}
	return obs, rep
}

func fig2DAG() DAGInput {
	nodes := []string{"anarchy", "authority_deficit", "intent_uncertainty", "unilateralism", "threat", "fear",
		"unequal_exposure", "dilemma", "peer_unilateralism", "goodwill_signals", "external_mechanism", "interaction_density"}
	g := DAGInput{}
	for _, n := range nodes {
		g.Nodes = append(g.Nodes, DAGNode{Name: n, Latent: n == "anarchy", Outcome: n == "dilemma",
			Remedy: n == "goodwill_signals" || n == "external_mechanism" || n == "interaction_density"})
	}
	add := func(from, to string, lag, sign int) {
		g.Edges = append(g.Edges, DAGEdge{From: from, To: to, Lag: lag, ExpectedSign: sign})
	}
	add("anarchy", "authority_deficit", 0, 1)
	add("anarchy", "intent_uncertainty", 0, 1)
	add("authority_deficit", "intent_uncertainty", 0, 1)
	add("authority_deficit", "unilateralism", 0, 1)
	add("threat", "fear", 0, 1)
	add("unequal_exposure", "intent_uncertainty", 0, 1)
	add("unequal_exposure", "unilateralism", 0, 1)
	add("intent_uncertainty", "fear", 0, 1)
	add("intent_uncertainty", "unilateralism", 0, 1)
	add("fear", "unilateralism", 0, 1)
	add("unilateralism", "dilemma", 0, 1)
	add("peer_unilateralism", "fear", 1, 1)
	add("goodwill_signals", "intent_uncertainty", 0, -1)
	add("external_mechanism", "authority_deficit", 0, -1)
	add("external_mechanism", "unilateralism", 0, -1)
	add("interaction_density", "intent_uncertainty", 0, -1)
	add("interaction_density", "dilemma", 0, -1)
	return g
}

func fig1DAG() DAGInput {
	g := DAGInput{}
	for _, n := range []string{"anarchy", "intent_uncertainty", "self_help", "fear", "misperception", "countermeasures", "insecurity"} {
		g.Nodes = append(g.Nodes, DAGNode{Name: n, Latent: n == "anarchy" || n == "misperception", Outcome: n == "insecurity"})
	}
	add := func(from, to string, lag int) {
		g.Edges = append(g.Edges, DAGEdge{From: from, To: to, Lag: lag})
	}
	add("anarchy", "intent_uncertainty", 0)
	add("anarchy", "self_help", 0)
	add("self_help", "fear", 0)
	add("intent_uncertainty", "fear", 0)
	add("misperception", "fear", 0)
	add("fear", "countermeasures", 0)
	add("countermeasures", "insecurity", 0)
	add("countermeasures", "fear", 1)
	return g
}

// fig2WithEstimates attaches synthetic posteriors to fig2's edges.
func fig2WithEstimates() DAGInput {
	g := fig2DAG()
	est := map[string]EdgeInterval{}
	for _, e := range testEdges() {
		est[e.Parent+">"+e.Child] = e
	}
	for i, e := range g.Edges {
		if ei, ok := est[e.From+">"+e.To]; ok {
			ei := ei
			g.Edges[i].Estimate = &ei
		}
	}
	return g
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 9)) }

// extraDAG is fig1 with a bidirected edge, an autoregressive lag and a
// remedy with expected signs, to exercise every edge kind.
func extraDAG() DAGInput {
	g := fig1DAG()
	g.Nodes = append(g.Nodes, DAGNode{Name: "goodwill_signals", Remedy: true})
	g.Edges = append(g.Edges,
		DAGEdge{From: "self_help", To: "misperception", Bidirected: true},
		DAGEdge{From: "fear", To: "fear", Lag: 1, ExpectedSign: 1},
		DAGEdge{From: "goodwill_signals", To: "intent_uncertainty", ExpectedSign: -1},
		DAGEdge{From: "goodwill_signals", To: "countermeasures", Lag: 2, ExpectedSign: -1},
	)
	return g
}
