package query

import (
	"encoding/json"
	"math"
	"testing"
)

// On a linear model with a point-mass posterior the corrected effect is the
// fitted effect minus a·b·σ_Y·sd_X/σ_X, and the mean reaches zero at
// r = sqrt(effect/(σ_Y·sd_X/σ_X)).
func TestSensitivityClosedForm(t *testing.T) {
	truth := map[string]float64{"sigma.y": 0.8, "sigma.m": 1.5}
	for k, v := range chainTruth {
		truth[k] = v
	}
	e := newEngine(t, chainModel, chainSim(14), 4, vals(truth))
	r, err := e.Sensitivity("x", SensitivityOptions{A: []float64{0, 0.2, 0.6}, B: []float64{-0.5, 0, 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	sd := e.s.nodes[e.s.index["x"]].sd
	eff := 0.7 * sd
	near(t, "fitted effect", r.Base.Mean, eff, 1e-12)
	// x is exogenous: σ_X = sd_X, so the bias is a·b·σ_Y.
	for _, row := range r.Cells {
		for _, c := range row {
			near(t, "corrected effect", c.Mean, eff-c.A*c.B*0.8, 1e-12)
			if c.Flipped != (eff-c.A*c.B*0.8 < 0) {
				t.Errorf("a=%g b=%g: flipped %v", c.A, c.B, c.Flipped)
			}
		}
	}
	near(t, "flip point of the mean", r.FlipMean, math.Sqrt(eff/0.8), 1e-9)
	near(t, "flip point of the interval", r.FlipInterval, math.Sqrt(eff/0.8), 1e-9) // a point mass: the interval is the mean
	// Exposure m has an equation: σ_X = sigma.m, sd_X its column's sd.
	r, err = e.Sensitivity("m", SensitivityOptions{A: []float64{0.5}, B: []float64{0.5}})
	if err != nil {
		t.Fatal(err)
	}
	sdm := e.s.nodes[e.s.index["m"]].sd
	near(t, "corrected effect of m", r.Cells[0][0].Mean, 0.8*sdm-0.25*0.8*sdm/1.5, 1e-12)
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("JSON: %v", err)
	}
	a, b, z := r.Grid()
	if len(a) != 1 || len(b) != 1 || z[0][0] != r.Cells[0][0].Mean {
		t.Errorf("grid %v %v %v", a, b, z)
	}
}
