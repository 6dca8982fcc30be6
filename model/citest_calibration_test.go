package model

import (
	"testing"

	"dilemma/model/citest"
)

// calibration simulates reps panels from the graph of the built-in model
// name (unit effects, AR(1) noise with coefficient rho) and returns the
// share of tested implications contradicted at 0.05 in each group.
func calibration(t testing.TB, name string, reps int, rho float64, method citest.Method, seed uint64) (cross, auto float64) {
	t.Helper()
	b, err := Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	m := simModel(b)
	var cn, ct, an, at int
	for r := 0; r < reps; r++ {
		p, _ := simulatePanel(t, m, simOptions{Units: 187, Periods: 36, Burn: 20, Rho: rho, UnitSD: 1, Seed: seed + uint64(r)})
		rep, err := m.TestPanel(p, PanelTestOptions{Method: method})
		if err != nil {
			t.Fatal(err)
		}
		c, a := rep.Summary[CrossNode], rep.Summary[Autocorrelation]
		cn, ct, an, at = cn+c.Contradicted, ct+c.Tested, an+a.Contradicted, at+a.Tested
	}
	return float64(cn) / float64(ct), float64(an) / float64(at)
}

// detection simulates reps panels from the built-in model name with the
// edge from -> to at coefficient coef, tests the graph without that edge,
// and returns the share of panels in which an implication between from and
// to is contradicted at 0.05.
func detection(t testing.TB, name, from, to string, coef float64, reps int, method citest.Method, seed uint64) float64 {
	t.Helper()
	b, err := Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	m := simModel(b)
	edge := m.Edge(from, to, Directed, 0)
	if edge == nil {
		t.Fatalf("%s has no edge %s -> %s", name, from, to)
	}
	wrong := m.Clone()
	wrong.Edges = nil
	for _, e := range m.Edges {
		if e != edge {
			wrong.Edges = append(wrong.Edges, e)
		}
	}
	wrong.reindex()
	found := 0
	for r := 0; r < reps; r++ {
		p, _ := simulatePanel(t, m, simOptions{Units: 187, Periods: 36, Burn: 20, Rho: 0.5, UnitSD: 1, Seed: seed + uint64(r),
			Coef: func(e *Edge) float64 {
				if e == edge {
					return coef
				}
				return 0.45
			}})
		rep, err := wrong.TestPanel(p, PanelTestOptions{Method: method})
		if err != nil {
			t.Fatal(err)
		}
		for _, ts := range rep.Tests {
			if ts.Group == CrossNode && ts.Contradicted && (ts.X == from && ts.Y == to || ts.X == to && ts.Y == from) {
				found++
				break
			}
		}
	}
	return float64(found) / float64(reps)
}

// The within-unit test keeps its size on data simulated from the graph
// itself with unit effects and AR(1) noise, where the pooled test rejects
// a third of the true implications; the autocorrelation the graph omits is
// found; a memoryless panel passes the autocorrelation group; a deleted
// edge is found. The long build runs 100 replications (citest_long_test.go).
func TestPanelImplicationsCalibration(t *testing.T) {
	cross, auto := calibration(t, "fig2-remedies", 3, 0.5, citest.Within, 100)
	t.Logf("fig2-remedies, AR(1) 0.5, within: cross-node %.3f, autocorrelation %.3f contradicted", cross, auto)
	if cross > 0.10 {
		t.Errorf("within test: %.1f%% of true cross-node implications contradicted, want about 5%%", 100*cross)
	}
	if auto < 0.8 {
		t.Errorf("within test: only %.0f%% of the autocorrelation implications contradicted on AR(1) data", 100*auto)
	}
	pooled, _ := calibration(t, "fig2-remedies", 1, 0.5, citest.Pooled, 100)
	if pooled < 0.2 {
		t.Errorf("pooled test contradicts only %.1f%% of true implications: the comparison shows nothing", 100*pooled)
	}
	cross, auto = calibration(t, "fig2", 2, 0, citest.Within, 200)
	t.Logf("fig2, no memory, within: cross-node %.3f, autocorrelation %.3f contradicted", cross, auto)
	if cross > 0.10 || auto > 0.25 {
		t.Errorf("memoryless panel: cross-node %.3f, autocorrelation %.3f contradicted, want about 0.05", cross, auto)
	}
	if d := detection(t, "fig2-remedies", "threat", "fear", 0.15, 2, citest.Within, 300); d < 1 {
		t.Errorf("deleted edge threat -> fear (0.15) found in %.0f%% of panels", 100*d)
	}
}
