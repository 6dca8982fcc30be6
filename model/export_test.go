package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestRoundTripBuiltins(t *testing.T) {
	for _, name := range BuiltinNames() {
		m, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, split := range []bool{false, true} {
			var b strings.Builder
			if err := m.ExportWith(&b, ExportOptions{Settings: split}); err != nil {
				t.Fatal(err)
			}
			back, err := ParseString(b.String(), name+".exported")
			if err != nil {
				t.Fatalf("%s (settings block %v): exported model does not parse: %v\n%s", name, split, err, b.String())
			}
			if d := diffModels(m, back); d != "" {
				t.Errorf("%s (settings block %v): round trip differs: %s", name, split, d)
			}
			if !split && strings.Contains(b.String(), "settings") {
				t.Errorf("%s: default export has a settings block", name)
			}
		}
	}
}

var (
	unknownKeys = []string{"adjusted", "selected", "beta", "note.x", "my key", "k1", "color"}
	transforms  = []string{"", "log1p|standardize", "lag(1)|center", "peer_mean(who_region)", "indicator(>=2)", "diff(2)"}
	realPriors  = []string{"normal(0,0.5)", "student_t(3,0,1)", "cauchy(0,2.5)", "uniform(-1,1)", "laplace(0,1)"}
	posPriors   = []string{"half_normal(1)", "exponential(1)", "gamma(2,0.5)", "half_student_t(3,2.5)", "lognormal(0,1)"}
)

func randString(rng *rand.Rand) string {
	parts := []string{"a", "b c", `q"uote`, `back\slash`, "é", "1,2", "tab\there", "x.y", "-", "+"}
	s := ""
	for k := rng.IntN(3); k >= 0; k-- {
		s += parts[rng.IntN(len(parts))]
	}
	return s
}

func randName(rng *rand.Rand, i int) string {
	switch rng.IntN(8) {
	case 0:
		return fmt.Sprintf("node %d", i)
	case 1:
		return fmt.Sprintf(`q"%d`, i)
	case 2:
		return fmt.Sprintf(`b\%d`, i)
	case 3:
		return fmt.Sprintf("é%d", i)
	case 4:
		return fmt.Sprintf("-n%d", i)
	case 5:
		return fmt.Sprintf("%d", i)
	case 6:
		return fmt.Sprintf("x.y_%d", i)
	}
	return fmt.Sprintf("v%d", i)
}

func randAttrs(rng *rand.Rand) []Attr {
	var out []Attr
	used := map[string]bool{}
	for k := rng.IntN(3); k > 0; k-- {
		key := unknownKeys[rng.IntN(len(unknownKeys))]
		if used[key] {
			continue
		}
		used[key] = true
		if rng.IntN(2) == 0 {
			out = append(out, Attr{Key: key, Flag: true})
		} else {
			out = append(out, Attr{Key: key, Value: randString(rng)})
		}
	}
	return out
}

func randPrior(rng *rand.Rand, list []string) Prior {
	p, err := ParsePrior(list[rng.IntN(len(list))])
	if err != nil {
		panic(err)
	}
	return p
}

// randomModel builds a random valid model exercising every attribute.
func randomModel(rng *rand.Rand, n int) *Model {
	m := New("random")
	if rng.IntN(2) == 0 {
		m.GraphName = randName(rng, 99)
	}
	if rng.IntN(2) == 0 {
		m.GraphAttrs = []Attr{{Key: "bb", Value: "-1,-1,1,1"}}
	}
	for i := 0; i < n; i++ {
		nd := &Node{Name: randName(rng, i), Exposure: rng.IntN(5) == 0, Outcome: rng.IntN(5) == 0, Latent: rng.IntN(4) == 0}
		if rng.IntN(2) == 0 {
			nd.Pos = &[2]float64{rng.NormFloat64() * 10, float64(rng.IntN(100)) / 7}
		}
		if rng.IntN(3) == 0 {
			nd.Label = randString(rng)
		}
		if nd.Latent {
			if rng.IntN(2) == 0 {
				nd.Indicators = []string{"h1_public_info", "col " + randName(rng, i)}
			}
			if rng.IntN(3) == 0 {
				nd.Family = "gaussian"
			}
		} else if rng.IntN(2) == 0 {
			nd.Column = "col_" + randName(rng, i)
			nd.Transform = transforms[rng.IntN(len(transforms))]
			nd.Family = Families[rng.IntN(len(Families))]
			if slices.Contains(CountFamilies, nd.Family) && rng.IntN(2) == 0 {
				nd.Offset = "log_pop"
			}
			if slices.Contains(TrialsFamilies, nd.Family) {
				nd.Trials = []string{"31", "days_observed"}[rng.IntN(2)]
			}
		}
		if rng.IntN(2) == 0 {
			nd.Quality = Qualities[rng.IntN(len(Qualities))]
		}
		if rng.IntN(3) == 0 {
			nd.Role = []string{"remedy", "outcome", "mediator"}[rng.IntN(3)]
		}
		if rng.IntN(3) == 0 {
			nd.Priors = map[string]Prior{}
			for _, key := range NodePriorKeys() {
				if rng.IntN(2) == 0 {
					continue
				}
				if fams, ok := familyPriors[key]; ok && (nd.Latent || !slices.Contains(fams, familyOrDefault(nd.Family))) {
					continue // the parameter is another family's
				}
				switch sup, _ := nodePriorSlot(key); sup {
				case Positive:
					nd.Priors[key] = randPrior(rng, posPriors)
				case UnitInterval:
					nd.Priors[key] = Prior{Family: "beta", Params: []float64{1 + float64(rng.IntN(3)), 2}}
				default:
					nd.Priors[key] = randPrior(rng, realPriors)
				}
			}
		}
		nd.Attrs = randAttrs(rng)
		if err := m.AddNode(nd); err != nil {
			panic(err)
		}
	}
	perm := rng.Perm(n)
	edge := func(e *Edge) {
		if rng.IntN(2) == 0 && e.Kind == Directed {
			e.Sign = rng.IntN(3) - 1
		}
		if rng.IntN(3) == 0 && e.Kind == Directed {
			p := randPrior(rng, realPriors)
			e.Prior = &p
		}
		e.Attrs = randAttrs(rng)
		m.AddEdge(e) // duplicates are refused, which is fine here
	}
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			if rng.Float64() < 0.3 {
				edge(&Edge{From: m.Nodes[perm[a]].Name, To: m.Nodes[perm[b]].Name})
			}
		}
	}
	for k := rng.IntN(3); k > 0; k-- {
		a, b := rng.IntN(n), rng.IntN(n)
		edge(&Edge{From: m.Nodes[a].Name, To: m.Nodes[b].Name, Lag: 1 + rng.IntN(2)})
		if a != b {
			edge(&Edge{From: m.Nodes[a].Name, To: m.Nodes[b].Name, Kind: Bidirected})
		}
	}
	// A root role only where there is no lag-0 parent.
	for _, nd := range m.Nodes {
		if nd.Role == "" && rng.IntN(4) == 0 {
			root := true
			for _, e := range m.In(nd.Name) {
				root = root && e.Lag > 0
			}
			if root {
				nd.Role = "root"
			}
		}
	}
	return m
}

func TestRoundTripRandom(t *testing.T) {
	for i := 0; i < 200; i++ {
		rng := rand.New(rand.NewPCG(99, uint64(i)))
		m := randomModel(rng, 1+rng.IntN(15))
		if err := m.Validate(); err != nil {
			t.Fatalf("graph %d invalid: %v\n%s", i, err, m)
		}
		for _, split := range []bool{false, true} {
			var b strings.Builder
			if err := m.ExportWith(&b, ExportOptions{Settings: split}); err != nil {
				t.Fatal(err)
			}
			back, err := ParseString(b.String(), "random.dag")
			if err != nil {
				t.Fatalf("graph %d (settings block %v): %v\n%s", i, split, err, b.String())
			}
			if d := diffModels(m, back); d != "" {
				t.Fatalf("graph %d (settings block %v): %s\n%s", i, split, d, b.String())
			}
			if again := back.String(); split == false && again != b.String() {
				t.Fatalf("graph %d: export is not stable:\n%s\nvs\n%s", i, b.String(), again)
			}
		}
	}
}

func TestExportFormat(t *testing.T) {
	m := mustParse(t, `dag {
  x [exposure, pos="1,2"]
  "a b" [latent]
  x -> y [lag=1, sign="-"]
}
settings { y [column="c", transform="log1p"] }`)
	want := `dag {
x [exposure,pos="1,2"]
"a b" [latent]
y [column="c",transform="log1p"]
x -> y [lag=1,sign="-"]
}
`
	if got := m.String(); got != want {
		t.Errorf("export:\n%s\nwant\n%s", got, want)
	}
	var b strings.Builder
	m.ExportWith(&b, ExportOptions{Settings: true})
	want = `dag {
x [exposure,pos="1,2"]
"a b" [latent]
y
x -> y [lag=1]
}
settings {
y [column="c",transform="log1p"]
x -> y [lag=1,sign="-"]
}
`
	if b.String() != want {
		t.Errorf("export with settings:\n%s\nwant\n%s", b.String(), want)
	}
}
