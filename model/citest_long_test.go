//go:build long

package model

import (
	"testing"

	"dilemma/model/citest"
)

// The calibration of the panel implication tests (figures in the package
// documentation): 100 simulated panels of 187 units × 36 periods per
// model and setting.
func TestPanelImplicationsCalibrationLong(t *testing.T) {
	for _, name := range []string{"fig1", "fig2", "fig2-remedies"} {
		for _, rho := range []float64{0, 0.5, 0.8} {
			for _, method := range []citest.Method{citest.Within, citest.WithinTime} {
				cross, auto := calibration(t, name, 100, rho, method, 1000)
				t.Logf("%s, AR(1) %.1f, %s: cross-node %.3f, autocorrelation %.3f contradicted at 0.05", name, rho, method, cross, auto)
				if cross > 0.10 {
					t.Errorf("%s, AR(1) %.1f, %s: %.1f%% of true cross-node implications contradicted", name, rho, method, 100*cross)
				}
				if rho == 0 && auto > 0.10 {
					t.Errorf("%s, memoryless, %s: %.1f%% of true autocorrelation implications contradicted", name, method, 100*auto)
				}
			}
		}
		if name != "fig1" {
			cross, _ := calibration(t, name, 20, 0.5, citest.Pooled, 1000)
			t.Logf("%s, AR(1) 0.5, pooled: cross-node %.3f contradicted at 0.05", name, cross)
		}
	}
	for _, coef := range []float64{0.05, 0.1, 0.15, 0.2} {
		d := detection(t, "fig2-remedies", "threat", "fear", coef, 100, citest.Within, 5000)
		t.Logf("deleted edge threat -> fear at %.2f: found in %.0f%% of 100 panels", coef, 100*d)
		if coef >= 0.1 && d < 0.8 {
			t.Errorf("deleted edge threat -> fear at %.2f found in %.0f%% of panels", coef, 100*d)
		}
	}
}
