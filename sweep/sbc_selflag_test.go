package sweep

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// selfLagModel has a gaussian self-lag and an exogenous parent.
const selfLagModel = `dag { x -> y  y -> y [lag=1] }
settings {
  x [column="x"]
  y [column="y", outcome, prior_strength="normal(0,0.5)", prior_unit_sd="half_normal(0.5)"]
}
`

func selfLagSweep(t *testing.T) string {
	t.Helper()
	r := rand.New(rand.NewPCG(9, 9))
	var b strings.Builder
	b.WriteString("iso3,month,x,y\n")
	for u := 0; u < 12; u++ {
		for p := 1; p <= 8; p++ {
			y := fmt.Sprintf("%.5f", r.NormFloat64())
			if (u+p)%9 == 0 {
				y = ""
			}
			fmt.Fprintf(&b, "U%03d,2020-%02d,%.5f,%s\n", u, p, r.NormFloat64(), y)
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
	return writeSweepDir(t, selfLagModel, b.String(), body)
}

// A self-lag is simulated period by period: the term's column is the
// simulated y one period earlier, the rows without one (each unit's first
// period, the periods after a gap) are initial conditions the fit leaves
// out, and
// each used row's value is its linear predictor, with the simulated lag,
// plus a unit effect and noise of the drawn sds.
func TestSBCSimulatesSelfLag(t *testing.T) {
	_, sim := sbcSimulator(t, selfLagSweep(t))
	rng := rand.New(rand.NewPCG(2, 7))
	var ss, n float64
	var sigma float64
	for rep := 0; rep < 50; rep++ {
		truth, err := sim.simulate(rng)
		if err != nil {
			t.Fatal(err)
		}
		eq := sim.spec.Equations[0]
		if eq.Node != "y" {
			t.Fatalf("first equation %s", eq.Node)
		}
		var x, lag []float64
		for _, tm := range eq.Terms {
			if tm.Parent == "x" {
				x = tm.X
			} else {
				lag = tm.X
			}
		}
		sigma = truth["sigma.y"]
		initial := 0
		for r, v := range eq.Y {
			if math.IsNaN(v) {
				continue
			}
			lr := sim.lagRow(r, 1)
			if lr < 0 || math.IsNaN(eq.Y[lr]) {
				// An initial condition: the fit's column is NaN there.
				if !math.IsNaN(lag[r]) {
					t.Fatalf("row %d: no simulated y a period earlier, but the self-lag column is %g", r, lag[r])
				}
				initial++
				continue
			}
			if lag[r] != eq.Y[lr] {
				t.Fatalf("row %d: self-lag column %g, simulated y a period earlier %g", r, lag[r], eq.Y[lr])
			}
			// The residual given the true intercept and strengths is
			// the unit effect plus the noise: variance tau² + sigma².
			e := v - truth["a.y"] - truth["b.x.y"]*x[r] - truth["b.y.lag1.y"]*lag[r]
			ss += e * e / (sigma*sigma + truth["tau.y"]*truth["tau.y"])
			n++
		}
		if initial < 12 {
			t.Errorf("%d initial conditions, want at least one per unit", initial)
		}
	}
	if n < 50*60 {
		t.Fatalf("only %.0f rows with a lagged value in 50 replications", n)
	}
	if m := ss / n; m < 0.8 || m > 1.25 {
		t.Errorf("standardized residuals have mean square %.3f, want about 1", m)
	}
}

// TestSBCSelfLag runs the SBC of selfLagModel (20 replications, about 2 s):
// the strengths of the self-lag and of x drawn from their priors, y
// simulated period by period; the ranks must pass.
func TestSBCSelfLag(t *testing.T) {
	if testing.Short() {
		t.Skip("20 fits")
	}
	checkCalibrated(t, selfLagSweep(t), 20, 2)
}
