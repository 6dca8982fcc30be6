package plots

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func testCurve() []CurvePoint {
	var pts []CurvePoint
	for i := range 11 {
		z := -2 + 0.4*float64(i)
		m := 0.3 + 0.2*z
		pts = append(pts, CurvePoint{At: z, Mean: m, Q5: m - 0.1 - 0.02*math.Abs(z), Q95: m + 0.1 + 0.02*math.Abs(z)})
	}
	return pts
}

// The conditional-effect figure encodes in every format at both widths and
// refuses bad input with a message naming the value.
func TestConditionalEffect(t *testing.T) {
	for _, w := range []float64{ColumnWidth, PageWidth} {
		f, err := ConditionalEffect(Options{Width: w, DPI: 50, XLabel: "z"}, testCurve())
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range Formats() {
			var buf bytes.Buffer
			if err := f.Encode(&buf, format); err != nil || buf.Len() == 0 {
				t.Errorf("%s: %v", format, err)
			}
			if format == "svg" && !strings.Contains(buf.String(), "90% interval") {
				t.Error("svg lacks the legend")
			}
		}
	}
	pts := testCurve()
	for _, tc := range []struct {
		pts  []CurvePoint
		want string
	}{
		{pts[:1], "need at least 2 values"},
		{append(append([]CurvePoint(nil), pts...), pts[3]), "appears twice"},
		{append(append([]CurvePoint(nil), pts...), CurvePoint{At: math.NaN()}), "not a finite number"},
		{append(append([]CurvePoint(nil), pts...), CurvePoint{At: 9, Mean: 1, Q5: 2, Q95: 0}), "at 9"},
	} {
		if _, err := ConditionalEffect(Options{}, tc.pts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v, want …%s…", err, tc.want)
		}
	}
}
