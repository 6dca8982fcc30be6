package plots

import (
	"bytes"
	"fmt"
	"regexp"
	"testing"
)

func TestLookNames(t *testing.T) {
	cases := []struct {
		l    Look
		want string
	}{
		{ContractionPrior, "dashed vermillion line"},
		{ContractionPosterior, "blue, filled"},
		{EnergyMarginal, "blue, filled"},
		{EnergyTransition, "dashed vermillion line"},
		{EdgePositive, "blue"},
		{EdgeNegative, "vermillion"},
		{EdgeUncertain, "grey"},
	}
	for _, c := range cases {
		if got := c.l.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.l, got, c.want)
		}
	}
	if ColourName(Palette[1]) != "orange" || ColourName(black) != "black" {
		t.Error("palette names")
	}
}

// svgStrokes returns the stroke colours of dashed and of solid paths in an
// SVG drawing.
func svgStrokes(t *testing.T, f *Figure) (dashed, solid map[string]bool) {
	t.Helper()
	var b bytes.Buffer
	if err := f.Encode(&b, "svg"); err != nil {
		t.Fatal(err)
	}
	dashed, solid = map[string]bool{}, map[string]bool{}
	for _, m := range regexp.MustCompile(`style="[^"]*"`).FindAllString(b.String(), -1) {
		c := regexp.MustCompile(`stroke:(#[0-9A-Fa-f]{6}|rgb\([^)]*\))`).FindStringSubmatch(m)
		if c == nil {
			continue
		}
		if regexp.MustCompile(`stroke-dasharray:[0-9]`).MatchString(m) {
			dashed[c[1]] = true
		} else {
			solid[c[1]] = true
		}
	}
	return dashed, solid
}

func svgColour(l Look) string {
	return fmt.Sprintf("#%02X%02X%02X", l.Colour.R, l.Colour.G, l.Colour.B)
}

// TestCaptionLooksMatchDrawings: the contraction and energy figures draw
// the prior / the transitions dashed in the colour their Look names, and
// the posterior / the marginal energy solid in theirs; captions built from
// the Looks therefore describe what is drawn.
func TestCaptionLooksMatchDrawings(t *testing.T) {
	f, err := Contraction(Options{}, testDensities())
	if err != nil {
		t.Fatal(err)
	}
	dashed, solid := svgStrokes(t, f)
	if !dashed[svgColour(ContractionPrior)] || !solid[svgColour(ContractionPosterior)] {
		t.Errorf("contraction: dashed strokes %v, solid %v; want the prior %s dashed and the posterior %s solid",
			dashed, solid, svgColour(ContractionPrior), svgColour(ContractionPosterior))
	}
	if dashed[svgColour(ContractionPosterior)] && svgColour(ContractionPosterior) != svgColour(ContractionPrior) {
		t.Errorf("contraction: the posterior's colour is also drawn dashed")
	}
	en := [][]float64{make([]float64, 200), make([]float64, 200)}
	r := newRand(3)
	for c := range en {
		for i := range en[c] {
			en[c][i] = r.NormFloat64()
		}
	}
	f, err = Energy(Options{}, en)
	if err != nil {
		t.Fatal(err)
	}
	dashed, solid = svgStrokes(t, f)
	if !dashed[svgColour(EnergyTransition)] || !solid[svgColour(EnergyMarginal)] {
		t.Errorf("energy: dashed strokes %v, solid %v", dashed, solid)
	}
}
