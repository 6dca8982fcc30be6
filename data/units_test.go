package data

import (
	"math"
	"strings"
	"testing"
)

// TestInvertRoundTrip checks that Forward reproduces every pipeline's
// values from the raw values, that Inverse undoes it, and what is kept.
func TestInvertRoundTrip(t *testing.T) {
	p, err := Load(strings.NewReader(panelAB), "ab.csv", DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		spec, kept, unit string
		linear           bool
	}{
		{"", "", "x", true},
		{"standardize", "", "x", true},
		{"center|standardize", "", "x", true},
		{"log1p|standardize", "", "x", false},
		{"log|center", "", "x", false},
		{"lag(1)|log1p|standardize", "lag(1)", "x", false},
		{"log1p|peer_mean(region)|standardize", "log1p|peer_mean(region)", "x after log1p|peer_mean(region)", true},
		{"diff(1)|standardize", "diff(1)", "x after diff(1)", true},
	} {
		tr, err := ParseTransform(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		u, err := p.Invert("x", tr)
		if err != nil {
			t.Fatalf("%q: %v", c.spec, err)
		}
		want, err := p.Apply("x", tr)
		if err != nil {
			t.Fatal(err)
		}
		if u.Kept != c.kept || u.Unit() != c.unit {
			t.Errorf("%q: kept %q unit %q, want %q, %q", c.spec, u.Kept, u.Unit(), c.kept, c.unit)
		}
		slope, icpt, lin := u.Linear()
		if lin != c.linear {
			t.Errorf("%q: linear %v, want %v", c.spec, lin, c.linear)
		}
		if a, b, k, ok := u.ExpForm(); ok {
			for _, y := range []float64{-2, 0, 0.7, 3} {
				if got, want := math.Exp(a+b*y)-k, u.Inverse(y); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
					t.Errorf("%q: ExpForm gives %g at %g, Inverse %g", c.spec, got, y, want)
				}
			}
		} else if strings.HasPrefix(c.spec, "log") && !strings.Contains(c.spec, "peer") {
			t.Errorf("%q: no ExpForm", c.spec)
		}
		for r, raw := range u.Raw {
			if !nanEq(u.Forward(raw), want[r]) {
				t.Errorf("%q row %d: Forward(%g) = %g, the pipeline gives %g", c.spec, r, raw, u.Forward(raw), want[r])
			}
			if !math.IsNaN(raw) && math.Abs(u.Inverse(want[r])-raw) > 1e-9*math.Max(1, math.Abs(raw)) {
				t.Errorf("%q row %d: Inverse(%g) = %g, want %g", c.spec, r, want[r], u.Inverse(want[r]), raw)
			}
			if lin && !math.IsNaN(raw) && math.Abs(icpt+slope*raw-want[r]) > 1e-12 {
				t.Errorf("%q row %d: affine map gives %g, want %g", c.spec, r, icpt+slope*raw, want[r])
			}
		}
	}
}

func TestInvertBounds(t *testing.T) {
	p, err := Load(strings.NewReader(panelAB), "ab.csv", DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	inf := math.Inf(1)
	for _, c := range []struct {
		spec   string
		lo, hi float64
	}{
		{"standardize", -inf, inf},
		{"log1p|standardize", -1, inf},
		{"log", 0, inf},
	} {
		tr, _ := ParseTransform(c.spec)
		u, err := p.Invert("x", tr)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := u.Bounds()
		if math.Abs(lo-c.lo) > 1e-12 && lo != c.lo || hi != c.hi {
			t.Errorf("%q: bounds (%g, %g), want (%g, %g)", c.spec, lo, hi, c.lo, c.hi)
		}
		if !math.IsNaN(u.Forward(lo)) && !math.IsInf(lo, -1) {
			t.Errorf("%q: Forward(%g) = %g at the open bound, want NaN", c.spec, lo, u.Forward(lo))
		}
	}
}
