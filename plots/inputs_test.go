package plots

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestBadInputsAreErrors feeds every constructor empty, non-finite and
// inconsistent inputs: each must return an error naming the problem, never
// panic and never return a figure.
func TestBadInputsAreErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	edges := func(mod func(*EdgeInterval)) []EdgeInterval {
		es := testEdges()
		mod(&es[2])
		return es
	}
	chains, div := testChains(2, 50)
	withNaN := func(cs [][]float64) [][]float64 {
		out := make([][]float64, len(cs))
		for i := range cs {
			out[i] = append([]float64(nil), cs[i]...)
		}
		out[1][7] = nan
		return out
	}
	obs, rep := testPPC(false)
	dobs, drep := testPPC(true)
	dens := func(mod func(*EdgeDensity)) []EdgeDensity {
		ds := testDensities()
		mod(&ds[1])
		return ds
	}
	dag := func(mod func(*DAGInput)) DAGInput {
		g := fig2DAG()
		mod(&g)
		return g
	}
	cases := []struct {
		name string
		want string // substring of the error
		fn   func() (*Figure, error)
	}{
		{"forest empty", "no edges", func() (*Figure, error) { return Forest(Options{}, nil) }},
		{"forest NaN", "Q50 is NaN", func() (*Figure, error) { return Forest(Options{}, edges(func(e *EdgeInterval) { e.Q50 = nan })) }},
		{"forest Inf", "Q95 is +Inf", func() (*Figure, error) { return Forest(Options{}, edges(func(e *EdgeInterval) { e.Q95 = inf })) }},
		{"forest order", "increasing order", func() (*Figure, error) {
			return Forest(Options{}, edges(func(e *EdgeInterval) { e.Q25, e.Q75 = e.Q75, e.Q25 }))
		}},
		{"forest prob", "PSign", func() (*Figure, error) { return Forest(Options{}, edges(func(e *EdgeInterval) { e.PSign = 1.5 })) }},
		{"forest sign", "expected sign 2", func() (*Figure, error) {
			return Forest(Options{}, edges(func(e *EdgeInterval) { e.ExpectedSign = 2 }))
		}},
		{"forest name", "edge 3", func() (*Figure, error) { return Forest(Options{}, edges(func(e *EdgeInterval) { e.Parent = "" })) }},
		{"width NaN", "width", func() (*Figure, error) { return Forest(Options{Width: nan}, testEdges()) }},
		{"width negative", "width", func() (*Figure, error) { return Forest(Options{Width: -3}, testEdges()) }},
		{"width huge", "width", func() (*Figure, error) { return Forest(Options{Width: 500}, testEdges()) }},
		{"height Inf", "height", func() (*Figure, error) { return Remedies(Options{Height: inf}, testEffects()) }},
		{"dpi", "dpi", func() (*Figure, error) { return Remedies(Options{DPI: 100000}, testEffects()) }},
		{"contraction empty", "no edges", func() (*Figure, error) { return Contraction(Options{}, nil) }},
		{"contraction NaN", "value 3 is NaN", func() (*Figure, error) {
			return Contraction(Options{}, dens(func(d *EdgeDensity) { d.PosteriorDraws[2] = nan }))
		}},
		{"contraction no prior", "prior", func() (*Figure, error) {
			return Contraction(Options{}, dens(func(d *EdgeDensity) { d.PriorDraws = nil }))
		}},
		{"contraction bad prior density", "prior density", func() (*Figure, error) {
			return Contraction(Options{}, dens(func(d *EdgeDensity) { d.Prior = func(float64) float64 { return nan } }))
		}},
		{"trace empty", "no chains", func() (*Figure, error) { return Trace(Options{}, "b", nil, nil) }},
		{"trace NaN", "chain 2, draw 8 is NaN", func() (*Figure, error) { return Trace(Options{}, "b", withNaN(chains), nil) }},
		{"trace flags", "divergence flags", func() (*Figure, error) { return Trace(Options{}, "b", chains, div[:1]) }},
		{"trace flag length", "chain 2 has 49 divergence flags", func() (*Figure, error) {
			return Trace(Options{}, "b", chains, [][]bool{div[0], div[1][:49]})
		}},
		{"trace name", "no parameter name", func() (*Figure, error) { return Trace(Options{}, " ", chains, nil) }},
		{"rank empty chain", "chain 1 has 0 draws", func() (*Figure, error) { return Rank(Options{}, "b", [][]float64{{}}) }},
		{"rank NaN", "NaN", func() (*Figure, error) { return Rank(Options{}, "b", withNaN(chains)) }},
		{"energy empty", "no chains", func() (*Figure, error) { return Energy(Options{}, nil) }},
		{"energy NaN", "NaN", func() (*Figure, error) { return Energy(Options{}, withNaN(chains)) }},
		{"remedies empty", "no remedies", func() (*Figure, error) { return Remedies(Options{}, nil) }},
		{"remedies NaN", "Mean is NaN", func() (*Figure, error) {
			return Remedies(Options{}, []Effect{{Name: "x", Mean: nan, Q5: 0, Q95: 1, PReduce: 0.5}})
		}},
		{"remedies prob", "PReduce", func() (*Figure, error) {
			return Remedies(Options{}, []Effect{{Name: "x", Mean: 0, Q5: 0, Q95: 1, PReduce: nan}})
		}},
		{"horizon empty", "no periods", func() (*Figure, error) { return EffectHorizon(Options{}, nil) }},
		{"horizon duplicate", "appears twice", func() (*Figure, error) {
			h := testHorizon()
			return EffectHorizon(Options{}, append(h, h[2]))
		}},
		{"horizon NaN", "Q5 is NaN", func() (*Figure, error) {
			h := testHorizon()
			h[3].Q5 = nan
			return EffectHorizon(Options{}, h)
		}},
		{"counterfactual empty", "no units", func() (*Figure, error) { return Counterfactual(Options{}, nil) }},
		{"counterfactual NaN", "Factual is NaN", func() (*Figure, error) {
			u := testUnits()
			u[1].Factual = nan
			return Counterfactual(Options{}, u)
		}},
		{"ppc empty", "observed", func() (*Figure, error) { return PPC(Options{}, "fear", nil, rep, false) }},
		{"ppc no replicates", "no replicated", func() (*Figure, error) { return PPC(Options{}, "fear", obs, nil, false) }},
		{"ppc NaN", "replicated data set 2: value 1 is NaN", func() (*Figure, error) {
			r := [][]float64{rep[0], append([]float64{nan}, rep[1]...)}
			return PPC(Options{}, "fear", obs, r, false)
		}},
		{"ppc discrete fractions", "whole numbers", func() (*Figure, error) {
			return PPC(Options{}, "u", append([]float64{0.5}, dobs...), drep, true)
		}},
		{"dag empty", "no nodes", func() (*Figure, error) { return DAG(Options{}, DAGInput{}) }},
		{"dag unknown node", `unknown node "nowhere"`, func() (*Figure, error) {
			return DAG(Options{}, dag(func(g *DAGInput) { g.Edges = append(g.Edges, DAGEdge{From: "fear", To: "nowhere"}) }))
		}},
		{"dag duplicate", "listed twice", func() (*Figure, error) {
			return DAG(Options{}, dag(func(g *DAGInput) { g.Nodes = append(g.Nodes, DAGNode{Name: "fear"}) }))
		}},
		{"dag cycle", "cycle: unilateralism -> dilemma -> fear -> unilateralism", func() (*Figure, error) {
			return DAG(Options{}, dag(func(g *DAGInput) { g.Edges = append(g.Edges, DAGEdge{From: "dilemma", To: "fear"}) }))
		}},
		{"dag self loop", "to itself", func() (*Figure, error) {
			return DAG(Options{}, dag(func(g *DAGInput) { g.Edges = append(g.Edges, DAGEdge{From: "fear", To: "fear"}) }))
		}},
		{"dag NaN position", "not finite", func() (*Figure, error) {
			return DAG(Options{}, dag(func(g *DAGInput) { g.Nodes[0].Pos = &[2]float64{nan, 1} }))
		}},
		{"dag NaN estimate", "Q5 is NaN", func() (*Figure, error) {
			return DAG(Options{}, dag(func(g *DAGInput) { g.Edges[0].Estimate = &EdgeInterval{Q5: nan} }))
		}},
		{"dag lagged bidirected", "cannot be lagged", func() (*Figure, error) {
			return DAG(Options{}, dag(func(g *DAGInput) {
				g.Edges = append(g.Edges, DAGEdge{From: "fear", To: "threat", Bidirected: true, Lag: 1})
			}))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v", r)
				}
			}()
			f, err := c.fn()
			if err == nil {
				t.Fatalf("no error")
			}
			if f != nil {
				t.Errorf("a figure came back with the error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
	if _, err := Layout(DAGInput{}); err == nil {
		t.Error("Layout of an empty graph: no error")
	}
}

// TestDegenerateInputsStillDraw: constant draws, one edge, one period and
// single-node graphs are legitimate and must draw.
func TestDegenerateInputsStillDraw(t *testing.T) {
	constant := [][]float64{{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}}
	one := []EdgeInterval{{Child: "y", Parent: "x", Q5: 0, Q25: 0, Q50: 0, Q75: 0, Q95: 0, PSign: 0.5}}
	fns := map[string]func() (*Figure, error){
		"trace":   func() (*Figure, error) { return Trace(Options{}, "c", constant, nil) },
		"rank":    func() (*Figure, error) { return Rank(Options{}, "c", constant) },
		"energy":  func() (*Figure, error) { return Energy(Options{}, constant) },
		"forest":  func() (*Figure, error) { return Forest(Options{}, one) },
		"horizon": func() (*Figure, error) { return EffectHorizon(Options{}, []HorizonPoint{{0, 1, 1, 1}}) },
		"dag":     func() (*Figure, error) { return DAG(Options{}, DAGInput{Nodes: []DAGNode{{Name: "alone"}}}) },
		"ppc":     func() (*Figure, error) { return PPC(Options{}, "c", constant[0], constant, false) },
		"ppc-d":   func() (*Figure, error) { return PPC(Options{}, "c", constant[0], constant, true) },
		"contraction": func() (*Figure, error) {
			return Contraction(Options{}, []EdgeDensity{{Name: "e", PosteriorDraws: constant[0],
				Prior: func(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }, PriorRange: [2]float64{-4, 4}}})
		},
	}
	for name, fn := range fns {
		f, err := fn()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, format := range []string{"png", "pdf"} {
			if err := f.Encode(discard{}, format); err != nil {
				t.Errorf("%s.%s: %v", name, format, err)
			}
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestContractionValue checks the contraction in the panel title against its
// definition for a prior density given as a function.
func TestContractionValue(t *testing.T) {
	post := normalDraws(newRand(5), 4000, 0.3, 0.5) // variance 0.25
	d := EdgeDensity{Name: "e", PosteriorDraws: post, PriorRange: [2]float64{-10, 10},
		Prior: func(x float64) float64 { return math.Exp(-x*x/8) / math.Sqrt(8*math.Pi) }} // N(0, 2²)
	cv, err := d.curves(0)
	if err != nil {
		t.Fatal(err)
	}
	_, sd := meanSD(post)
	want := 1 - sd*sd/4
	if math.Abs(cv.contraction-want) > 1e-3 {
		t.Errorf("contraction %.4f, want %.4f", cv.contraction, want)
	}
	if got := panelTitle(newTheme(Options{}).style(7, false), "a → b", cv.contraction, 1000); got != fmt.Sprintf("a → b  c = %.2f", want) {
		t.Errorf("panel title %q", got)
	}
}
