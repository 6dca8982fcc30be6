package plots

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
)

func testUnitSlopes(n int) []UnitSlope {
	us := make([]UnitSlope, n)
	for i := range us {
		m := 0.5 + 0.4*math.Sin(float64(i)*1.7)
		us[i] = UnitSlope{Unit: fmt.Sprintf("U%03d", i+1), Q5: m - 0.2, Q50: m, Q95: m + 0.25}
	}
	return us
}

// The caterpillar renders in every format; with few units their names
// label the axis in order of their medians, with many the note names the
// units at both ends.
func TestSlopesFigure(t *testing.T) {
	mean := MeanSlope{Q5: 0.4, Q50: 0.5, Q95: 0.6}
	few, err := Slopes(Options{DPI: 72}, "x → y", testUnitSlopes(8), mean)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range Formats() {
		var buf bytes.Buffer
		if err := few.Encode(&buf, format); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		checkOutput(t, few, format, buf.Bytes())
	}
	var svg bytes.Buffer
	if err := few.Encode(&svg, "svg"); err != nil {
		t.Fatal(err)
	}
	// The axis lists the units by their medians: the lowest comes first.
	us := testUnitSlopes(8)
	lo, hi := us[0], us[0]
	for _, u := range us {
		if u.Q50 < lo.Q50 {
			lo = u
		}
		if u.Q50 > hi.Q50 {
			hi = u
		}
	}
	s := svg.String()
	il, ih := strings.Index(s, ">"+lo.Unit+"<"), strings.Index(s, ">"+hi.Unit+"<")
	if il < 0 || ih < 0 || il > ih {
		t.Errorf("unit labels: lowest %s at %d, highest %s at %d; want both, lowest first", lo.Unit, il, hi.Unit, ih)
	}
	many, err := Slopes(Options{}, "x → y", testUnitSlopes(120), mean)
	if err != nil {
		t.Fatal(err)
	}
	svg.Reset()
	if err := many.Encode(&svg, "svg"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg.String(), "Lowest:") || strings.Contains(svg.String(), ">U050<") {
		t.Error("120 units: want the ends named in the note and no unit labels on the axis")
	}
	bad := testUnitSlopes(3)
	bad[1].Q5 = bad[1].Q95 + 1
	for _, c := range []struct {
		units []UnitSlope
		mean  MeanSlope
		want  string
	}{
		{nil, mean, "no units to draw"},
		{bad, mean, "unit 2 (U002): Q50"},
		{testUnitSlopes(3), MeanSlope{Q5: math.NaN()}, "mean strength: Q5 is NaN"},
		{[]UnitSlope{{Unit: " ", Q5: 0, Q50: 1, Q95: 2}}, mean, "unit 1 has no name"},
	} {
		if _, err := Slopes(Options{}, "x → y", c.units, c.mean); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
}
