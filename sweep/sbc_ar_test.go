package sweep

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// arModModel has AR(1) residuals on y and the edge x -> y moderated by z,
// both simulated by SBC (sbc_ar.go); z is itself simulated from x, so the
// interaction column is recomputed from a simulated factor.
const arModModel = `dag { x -> z  x -> y [moderator="z"]  z -> y }
settings {
  x [column="x"]
  z [column="z", prior_unit_sd="half_normal(0.5)"]
  y [column="y", outcome, ar="1", prior_unit_sd="half_normal(0.5)"]
}
`

func arModSweep(t *testing.T) string {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 17))
	var b strings.Builder
	b.WriteString("iso3,month,x,z,y\n")
	for u := 0; u < 12; u++ {
		for p := 1; p <= 8; p++ {
			x := r.NormFloat64()
			z := 0.5*x + r.NormFloat64()
			y := fmt.Sprintf("%.5f", x+z+r.NormFloat64())
			if (u+p)%7 == 0 {
				y = "" // gaps in time for the AR chain
			}
			fmt.Fprintf(&b, "U%03d,2020-%02d,%.5f,%.5f,%s\n", u, p, x, z, y)
		}
	}
	body := `kind = "sbc"
model = "my.dag"
data = "panel.csv"
[fit]
chains = 2
warmup = 300
samples = 150
[sbc]
replications = 20
thin = 3
`
	return writeSweepDir(t, arModModel, b.String(), body)
}

// The simulator draws rho and the residual chain as package sem defines
// them: over many units the lag-1 autocorrelation of the simulated
// residuals is rho; and the interaction column is the product of the
// simulated factors.
func TestSBCSimulatesARAndModeration(t *testing.T) {
	p, sim := sbcSimulator(t, arModSweep(t))
	want := []string{"b.x.y", "b.z.y", "c.x.z.y", "ar.y"}
	for _, w := range want {
		if !strings.Contains(strings.Join(p.Tasks[0].SBC.Parameters, ","), w) {
			t.Errorf("default parameters %v lack %s", p.Tasks[0].SBC.Parameters, w)
		}
	}
	rng := rand.New(rand.NewPCG(1, 1))
	truth, err := sim.simulate(rng)
	if err != nil {
		t.Fatal(err)
	}
	var y, z, prod []float64
	for _, eq := range sim.spec.Equations {
		switch eq.Node {
		case "y":
			y = eq.Y
			for _, tm := range eq.Terms {
				if tm.Moderator == "z" {
					prod = tm.X
				}
			}
		case "z":
			z = eq.Y
		}
	}
	var x []float64
	for _, eq := range sim.spec.Equations {
		for _, tm := range eq.Terms {
			if tm.Parent == "x" && tm.Moderator == "" {
				x = tm.X
			}
		}
	}
	for r := range prod {
		if !math.IsNaN(prod[r]) && math.Abs(prod[r]-x[r]*z[r]) > 1e-12 {
			t.Fatalf("row %d: interaction %g, x·z = %g", r, prod[r], x[r]*z[r])
		}
	}
	if len(y) == 0 || truth["ar.y"] <= -1 || truth["ar.y"] >= 1 {
		t.Fatalf("ar.y %v", truth["ar.y"])
	}
	// The residual chain: with e scaled by √(1−rho²) every residual is
	// standard normal and two of a unit k periods apart (across gaps)
	// have covariance rho^k; averaged over 300 draws of rho and the rows,
	// the deviations from those moments vanish.
	lay := sim.spec.Layout
	used := make([]bool, lay.Rows)
	for r := range used {
		used[r] = r%5 != 2 // gaps of two periods
	}
	var dv, dc, nv, nc float64
	for rep := 0; rep < 300; rep++ {
		tr := map[string]float64{}
		e, err := sim.arResiduals("y", 1.3, 0, used, tr, rng)
		if err != nil {
			t.Fatal(err)
		}
		rho := tr["ar.y"]
		sc := math.Sqrt(1-rho*rho) / 1.3
		prev := -1
		for r := 0; r < lay.Rows; r++ {
			if !used[r] {
				continue
			}
			dv += e[r]*e[r]*sc*sc - 1
			nv++
			if prev >= 0 && lay.Unit[prev] == lay.Unit[r] {
				k := sim.ordinal(r) - sim.ordinal(prev)
				dc += e[r]*e[prev]*sc*sc - math.Pow(rho, float64(k))
				nc++
			}
			prev = r
		}
	}
	t.Logf("mean deviation: variance %.4f, covariance %.4f", dv/nv, dc/nc)
	if math.Abs(dv/nv) > 0.05 || math.Abs(dc/nc) > 0.05 {
		t.Errorf("simulated AR(1) residuals: variance off by %.3f, lagged covariance off by %.3f", dv/nv, dc/nc)
	}
}

// A student node's chains are multivariate t: each unit's residuals scaled
// by one √(nu/chi²_nu), so the stationary variance is
// sigma²/(1−rho²)·nu/(nu−2) and the lag-k covariance rho^k times it.
func TestSBCSimulatesStudentAR(t *testing.T) {
	_, sim := sbcSimulator(t, arModSweep(t))
	lay := sim.spec.Layout
	used := make([]bool, lay.Rows)
	for r := range used {
		used[r] = true
	}
	rng := rand.New(rand.NewPCG(4, 4))
	const nu = 6.0
	var dv, dc, nv, nc float64
	for rep := 0; rep < 600; rep++ {
		tr := map[string]float64{}
		e, err := sim.arResiduals("y", 1, nu, used, tr, rng)
		if err != nil {
			t.Fatal(err)
		}
		rho := tr["ar.y"]
		sc := (1 - rho*rho) * (nu - 2) / nu
		for r := 0; r < lay.Rows; r++ {
			dv += e[r]*e[r]*sc - 1
			nv++
			if r > 0 && lay.Unit[r] == lay.Unit[r-1] {
				dc += e[r]*e[r-1]*sc - rho
				nc++
			}
		}
	}
	t.Logf("mean deviation: variance %.4f, covariance %.4f", dv/nv, dc/nc)
	if math.Abs(dv/nv) > 0.08 || math.Abs(dc/nc) > 0.08 {
		t.Errorf("student AR residuals: variance off by %.3f, lag-1 covariance off by %.3f", dv/nv, dc/nc)
	}
}
