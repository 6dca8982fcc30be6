package sem

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPriorDraw: draws follow each prior's mean and sd (truncated where
// asked), and improper or unresolved priors are errors.
func TestPriorDraw(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		p        Prior
		lower    float64
		mean, sd float64
	}{
		{Normal(1, 2), math.Inf(-1), 1, 2},
		{HalfNormal(1.5), 0, 1.5 * math.Sqrt(2/math.Pi), 1.5 * math.Sqrt(1-2/math.Pi)},
		{Normal(0, 1), 0, math.Sqrt(2 / math.Pi), math.Sqrt(1 - 2/math.Pi)}, // truncated at 0
		{Gamma(4, 2), 0, 2, 1},
		{Exponential(0.5), 0, 2, 2},
		{Beta(2, 3), 0, 0.4, 0.2},
		{StudentT(5, 0, 1), math.Inf(-1), 0, math.Sqrt(5.0 / 3)},
	} {
		const n = 40000
		var s, ss float64
		for i := 0; i < n; i++ {
			v, err := tc.p.Draw(rng, tc.lower)
			if err != nil {
				t.Fatal(err)
			}
			if v <= tc.lower {
				t.Fatalf("%v: %g not above %g", tc.p, v, tc.lower)
			}
			s += v
			ss += v * v
		}
		m := s / n
		sd := math.Sqrt(ss/n - m*m)
		if math.Abs(m-tc.mean) > 5*tc.sd/math.Sqrt(n) || math.Abs(sd/tc.sd-1) > 0.05 {
			t.Errorf("%v: mean %.4f sd %.4f, want %.4f %.4f", tc.p, m, sd, tc.mean, tc.sd)
		}
	}
	if _, err := Flat().Draw(rng, 0); err == nil {
		t.Error("flat prior drawn")
	}
	if _, err := (Prior{}).Draw(rng, 0); err == nil {
		t.Error("default prior drawn")
	}
}

// TestDrawParams: every family draws as many parameters as it names, in
// their support; cutpoints come sorted; a Student's nu is above 1.
func TestDrawParams(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fams := []Family{Gaussian{}, Bernoulli{}, Poisson{}, NegBinomial{Shape: Gamma(2, 1)},
		ZeroInflatedPoisson{}, ZeroInflatedNegBinomial{Shape: Gamma(2, 1)}, HurdlePoisson{},
		HurdleNegBinomial{Shape: Gamma(2, 1)}, Student{}, LogNormal{}, BetaFamily{Phi: Gamma(2, 1)},
		BetaBinomial{Phi: Gamma(2, 1)}, Binomial{}, Ordered{K: 5}}
	for _, f := range fams {
		d, ok := f.(ParamDrawer)
		if !ok {
			t.Errorf("%s draws no parameters", f.Name())
			continue
		}
		for i := 0; i < 200; i++ {
			par, err := d.DrawParams(rng)
			if err != nil {
				t.Fatalf("%s: %v", f.Name(), err)
			}
			if len(par) != len(f.ParamNames("y")) {
				t.Fatalf("%s: %d parameters for %v", f.Name(), len(par), f.ParamNames("y"))
			}
			switch f.Name() {
			case "ordered":
				if !slices.IsSorted(par) {
					t.Fatalf("cutpoints %v", par)
				}
			case "student":
				if par[0] <= 0 || par[1] <= 1 {
					t.Fatalf("student %v", par)
				}
			case "zero_inflated_poisson", "hurdle_poisson":
				if par[0] <= 0 || par[0] >= 1 {
					t.Fatalf("%s %v", f.Name(), par)
				}
			}
		}
	}
	if _, err := (Ordered{}).DrawParams(rng); err == nil {
		t.Error("ordered without K drew cutpoints")
	}
}
