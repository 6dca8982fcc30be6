package sweep

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dilemma/fit"
)

// TestUniformityTests: the chi-square test and the simultaneous ECDF band
// accept uniform ranks at their nominal rates and reject ranks piled up at
// one end (what an overconfident or biased posterior gives).
func TestUniformityTests(t *testing.T) {
	const n, draws = 100, 99
	rng := rand.New(rand.NewPCG(1, 2))
	z, lo, hi := ecdfBand(n, draws+1, 0.05)
	insideCount, pSmall := 0, 0
	const sets = 300
	for s := 0; s < sets; s++ {
		ranks := make([]int, n)
		for i := range ranks {
			ranks[i] = rng.IntN(draws + 1)
		}
		e := ecdfAt(ranks, draws, z)
		inside := true
		for k := range z {
			if e[k] < lo[k] || e[k] > hi[k] {
				inside = false
			}
		}
		if inside {
			insideCount++
		}
		if _, _, p := uniformityTest(ranks, draws); p < 0.05 {
			pSmall++
		}
	}
	if cover := float64(insideCount) / sets; cover < 0.91 || cover > 0.99 {
		t.Errorf("the 95%% simultaneous band holds %.3f of uniform ECDFs", cover)
	}
	if rate := float64(pSmall) / sets; rate > 0.1 {
		t.Errorf("chi-square rejects %.3f of uniform rank sets at 5%%", rate)
	}
	// Ranks from a posterior too narrow: the truth falls in the tails.
	ranks := make([]int, n)
	for i := range ranks {
		if i%2 == 0 {
			ranks[i] = rng.IntN(15)
		} else {
			ranks[i] = draws - rng.IntN(15)
		}
	}
	if _, _, p := uniformityTest(ranks, draws); p > 1e-6 {
		t.Errorf("chi-square p = %g for ranks piled in the tails", p)
	}
	e := ecdfAt(ranks, draws, z)
	out := false
	for k := range z {
		out = out || e[k] < lo[k] || e[k] > hi[k]
	}
	if !out {
		t.Errorf("the ECDF of ranks piled in the tails stays inside the band")
	}
}

const sbcSweep = `kind = "sbc"
model = "my.dag"
data = "panel.csv"
[fit]
chains = 2
warmup = 400
samples = 150
[sbc]
replications = 24
parameters = ["b.x.y", "a.y", "sigma.y", "tau.y"]
thin = 3
`

// TestSBCCalibrated runs a small SBC of the two-node model with unit
// intercepts (24 replications): parameters drawn from the priors, data simulated from them on
// the panel's rows, fitted, ranked. The sampler and the simulator agree,
// so the ranks must pass the uniformity tests; the true values differ
// across replications; collect writes the tables and figures.
func TestSBCCalibrated(t *testing.T) {
	if testing.Short() {
		t.Skip("24 fits")
	}
	path := tinySweep(t, sbcSweep)
	p, dir := planTo(t, path)
	if len(p.Tasks) != 24 || p.Tasks[23].SBC.Replication != 24 {
		t.Fatalf("%d tasks", len(p.Tasks))
	}
	if rep, err := RunLocal(context.Background(), dir, 2, nil); err != nil || len(rep.Failed) > 0 {
		t.Fatalf("%+v %v", rep, err)
	}
	col, err := Collect(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(col.SBC) != 4 {
		t.Fatalf("sbc params %+v", col.SBC)
	}
	for _, s := range col.SBC {
		if s.Replications != 24 || s.Draws != 100 {
			t.Errorf("%s: %d replications, %d draws", s.Parameter, s.Replications, s.Draws)
		}
		// Four parameters tested at once: chi-square at 0.001 and the 99%
		// simultaneous band (the collected table uses 95%).
		z, lo, hi := ecdfBand(len(s.Ranks), s.Draws+1, 0.01)
		e := ecdfAt(s.Ranks, s.Draws, z)
		inside := true
		for k := range z {
			inside = inside && e[k] >= lo[k] && e[k] <= hi[k]
		}
		if float64(s.PValue) < 0.001 || !inside {
			t.Errorf("%s: miscalibrated: chi-square p %g, ECDF inside the 99%% band %v, ranks %v", s.Parameter, float64(s.PValue), inside, s.Ranks)
		}
	}
	for _, f := range []string{"ranks.csv", "sbc.csv", "sbc-ranks.png", "sbc-ecdf-diff.pdf"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	ranks := string(readFile(t, filepath.Join(dir, "ranks.csv")))
	if strings.Count(ranks, "\n") != 1+24*4 {
		t.Errorf("ranks.csv has %d lines", strings.Count(ranks, "\n"))
	}
}

// TestSBCRefusesWhatItCannotSimulate: a parameter the model lacks is a
// clear error at plan time; a latent node whose parent is simulated plans;
// fig2 (a latent with an exogenous parent, ordered and beta_binomial
// nodes) plans.
func TestSBCRefusesWhatItCannotSimulate(t *testing.T) {
	path := tinySweep(t, strings.Replace(sbcSweep, `"b.x.y", "a.y", "sigma.y", "tau.y"`, `"b.y.x"`, 1))
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(f); err == nil || !strings.Contains(err.Error(), `parameter "b.y.x"`) {
		t.Errorf("unknown parameter: %v", err)
	}
	os.WriteFile(filepath.Join(filepath.Dir(path), "my.dag"), []byte(`dag { x -> y; y -> L }
settings {
  x [column="x"]
  y [column="y"]
  L [latent, indicators="i1,i2"]
}
`), 0o644)
	var panel strings.Builder
	panel.WriteString("iso3,month,x,y,i1,i2\n")
	for u := 0; u < 6; u++ {
		for p := 1; p <= 4; p++ {
			fmt.Fprintf(&panel, "U%d,2020-%02d,%d,%d,%d,%d\n", u, p, (u*7+p)%5, (u*3+p)%4, (u+p)%3, (u*p)%5)
		}
	}
	os.WriteFile(filepath.Join(filepath.Dir(path), "panel.csv"), []byte(panel.String()), 0o644)
	os.WriteFile(path, []byte(sbcSweep), 0o644)
	if f, err = ReadFile(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(f); err != nil {
		t.Errorf("a latent with a simulated parent: %v", err)
	}
	os.WriteFile(path, []byte(strings.Replace(strings.Replace(strings.Replace(sbcSweep, `model = "my.dag"`, `model = "fig2"`, 1), `data = "panel.csv"`, "", 1),
		`"b.x.y", "a.y", "sigma.y", "tau.y"`, `"b.fear.unilateralism", "c.unilateralism.2", "phi.dilemma", "lambda.intent_uncertainty.h2_testing_policy"`, 1)), 0o644)
	if f, err = ReadFile(path); err != nil {
		t.Fatal(err)
	}
	if p, err := Build(f); err != nil || len(p.Tasks) != 24 {
		t.Errorf("fig2: %v", err)
	}
}

// TestSBCDetectsPriorMismatch is the negative control: data simulated with
// strengths from normal(0, 1) but fitted with prior normal(0, 0.1) give a
// posterior that misses the truth in the tails, and the ranks must fail the
// uniformity test.
func TestSBCDetectsPriorMismatch(t *testing.T) {
	path := tinySweep(t, sbcSweep)
	_, dir := planTo(t, path)
	_, m, err := ReadTask(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	wide, err := m.Plan()
	if err != nil {
		t.Fatal(err)
	}
	tightM := *m
	tightM.Model.Text = strings.Replace(m.Model.Text, `x -> y [sign="+"]`, `x -> y [sign="+", prior="normal(0,0.1)"]`, 1)
	tight, err := tightM.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if tight.Spec.Equations[0].Terms[0].Prior == wide.Spec.Equations[0].Terms[0].Prior {
		t.Fatal("the tight prior did not apply")
	}
	sim, err := newSimulator(wide.Spec)
	if err != nil {
		t.Fatal(err)
	}
	s := m.Settings
	s.Chains, s.Warmup, s.Samples = 1, 100, 100
	rng := rand.New(rand.NewPCG(5, 6))
	var ranks []int
	draws := 0
	for r := 0; r < 30; r++ {
		truth, err := sim.simulate(rng)
		if err != nil {
			t.Fatal(err)
		}
		tight.Spec.Equations[0].Y = wide.Spec.Equations[0].Y
		s.Seed = uint64(r + 1)
		f, err := fit.Run(context.Background(), tight, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		d := thinned(f.Param("b.x.y"), 1)
		draws = len(d)
		k := 0
		for _, v := range d {
			if v < truth["b.x.y"] {
				k++
			}
		}
		ranks = append(ranks, k)
	}
	if _, _, p := uniformityTest(ranks, draws); p > 1e-3 {
		t.Errorf("a prior mismatch passed the uniformity test (p = %g, ranks %v)", p, ranks)
	}
}
