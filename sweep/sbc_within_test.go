package sweep

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sbcPanel writes a panel of units × periods with standard normal columns
// (the simulator replaces every modelled one) and a few gaps.
func sbcPanel(t *testing.T, dir string, units, periods int, cols ...string) {
	t.Helper()
	r := rand.New(rand.NewPCG(13, 17))
	var b strings.Builder
	b.WriteString("iso3,month," + strings.Join(cols, ",") + "\n")
	for u := 0; u < units; u++ {
		for p := 1; p <= periods; p++ {
			fmt.Fprintf(&b, "U%03d,2020-%02d", u, p)
			for k := range cols {
				if (u*periods+p+k)%17 == 0 {
					b.WriteString(",")
					continue
				}
				fmt.Fprintf(&b, ",%.4f", r.NormFloat64())
			}
			b.WriteString("\n")
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "panel.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

const withinModel = `dag { x -> m; m -> y [sign="+"] }
settings {
  x [column="x"]
  m [column="m"]
  y [column="y", outcome]
}
`

// TestSBCWithinUnitMeans: with unit_effects = "within" an equation reads
// its parents' unit means (bw terms); for a simulated parent the means are
// recomputed from the simulated values over the rows the equation uses.
func TestSBCWithinUnitMeans(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "my.dag"), []byte(withinModel), 0o644)
	sbcPanel(t, dir, 10, 5, "x", "m", "y")
	path := filepath.Join(dir, "sweep.toml")
	os.WriteFile(path, []byte(`kind = "sbc"
model = "my.dag"
data = "panel.csv"
[fit]
unit_effects = "within"
[sbc]
replications = 2
parameters = ["b.m.y", "bw.m.y", "bw.x.m"]
`), 0o644)
	_, sdir := planTo(t, path)
	_, man, err := ReadTask(sdir, 0)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := man.Plan()
	if err != nil {
		t.Fatal(err)
	}
	sim, err := newSimulator(pl.Spec)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := sim.simulate(rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"b.m.y", "bw.m.y", "bw.x.m", "b.x.m", "tau.y"} {
		if _, ok := truth[q]; !ok {
			t.Errorf("no true %s", q)
		}
	}
	eq := pl.Spec.Equations[sim.endo["y"]]
	lay := pl.Spec.Layout
	var raw, mean []float64
	for _, term := range eq.Terms {
		if term.Parent == "m" && term.UnitMean {
			mean = term.X
		} else if term.Parent == "m" {
			raw = term.X
		}
	}
	if raw == nil || mean == nil {
		t.Fatalf("terms %+v", eq.Terms)
	}
	simM := pl.Spec.Equations[sim.endo["m"]].Y
	sum, cnt := map[int]float64{}, map[int]int{}
	for r := 0; r < lay.Rows; r++ {
		if !math.IsNaN(simM[r]) && raw[r] != simM[r] {
			t.Fatalf("row %d: y reads m = %v, simulated %v", r, raw[r], simM[r])
		}
		if !math.IsNaN(raw[r]) && !math.IsNaN(eq.Y[r]) {
			sum[lay.Unit[r]] += raw[r]
			cnt[lay.Unit[r]]++
		}
	}
	for r := 0; r < lay.Rows; r++ {
		if c := cnt[lay.Unit[r]]; c > 0 && math.Abs(mean[r]-sum[lay.Unit[r]]/float64(c)) > 1e-12 {
			t.Fatalf("row %d: unit mean %v, want %v", r, mean[r], sum[lay.Unit[r]]/float64(c))
		}
	}
}

// TestSBCWithin: unit_effects = "within" (random intercepts plus the
// parents' unit means), one parent simulated: 10 replications; the ranks
// of the within and between strengths must pass.
func TestSBCWithin(t *testing.T) {
	if testing.Short() {
		t.Skip("10 fits")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "my.dag"), []byte(withinModel), 0o644)
	sbcPanel(t, dir, 20, 6, "x", "m", "y")
	path := filepath.Join(dir, "sweep.toml")
	os.WriteFile(path, []byte(`kind = "sbc"
model = "my.dag"
data = "panel.csv"
[fit]
chains = 2
warmup = 300
samples = 150
unit_effects = "within"
[sbc]
replications = 10
parameters = ["b.m.y", "bw.m.y", "b.x.m", "bw.x.m", "tau.y"]
thin = 3
`), 0o644)
	logPValues(t, checkCalibrated(t, path, 10, 5))
}

// TestSBCLatentSimulatedParent: a latent whose parent is a simulated node
// (x -> m -> L -> y, three gaussian indicators): 8 replications; the
// strengths into and out of the latent and a loading must pass.
func TestSBCLatentSimulatedParent(t *testing.T) {
	if testing.Short() {
		t.Skip("8 fits")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "my.dag"), []byte(`dag { x -> m; m -> L; L -> y [sign="+"] }
settings {
  x [column="x"]
  m [column="m"]
  L [latent, indicators="i1,i2,i3"]
  y [column="y", outcome]
}
`), 0o644)
	sbcPanel(t, dir, 30, 6, "x", "m", "y", "i1", "i2", "i3")
	path := filepath.Join(dir, "sweep.toml")
	os.WriteFile(path, []byte(`kind = "sbc"
model = "my.dag"
data = "panel.csv"
[fit]
chains = 2
warmup = 400
samples = 150
no_unit_intercepts = true
[sbc]
replications = 8
parameters = ["b.x.m", "b.m.L", "b.L.y", "lambda.L.i2"]
thin = 3
`), 0o644)
	logPValues(t, checkCalibrated(t, path, 8, 4))
}

func logPValues(t *testing.T, col *Collection) {
	for _, s := range col.SBC {
		t.Logf("%s: chi-square p %.3f over %d replications", s.Parameter, float64(s.PValue), s.Replications)
	}
}
