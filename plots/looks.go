package plots

import (
	"image/color"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Look is how a figure draws one of its elements, in a form a caption can
// name: the drawing code takes its colour and dashes from the Look, and
// String says the same in words, so that a caption written elsewhere (the
// paper's) cannot call an orange line grey.
type Look struct {
	Colour color.RGBA
	Dashed bool // a dashed line
	Filled bool // an area filled with a tint of Colour under the line
}

// The looks of the figures whose captions name colours.
var (
	ContractionPrior     = Look{Colour: vermil, Dashed: true} // prior density in Contraction
	ContractionPosterior = Look{Colour: blue, Filled: true}   // posterior density in Contraction
	EnergyMarginal       = Look{Colour: blue, Filled: true}   // marginal energy in Energy
	EnergyTransition     = Look{Colour: vermil, Dashed: true} // energy transitions in Energy
	EdgePositive         = Look{Colour: blue}                 // DAG edge whose 90% interval lies above 0
	EdgeNegative         = Look{Colour: vermil}               // DAG edge whose 90% interval lies below 0
	EdgeUncertain        = Look{Colour: uncertainGrey}        // DAG edge whose 90% interval covers 0
)

// ColourName names c: the Okabe–Ito palette's names, grey, black or white;
// "" for a colour without a name here.
func ColourName(c color.RGBA) string {
	names := []string{"blue", "orange", "bluish green", "vermillion", "reddish purple", "sky blue", "yellow", "black"}
	for i, p := range Palette {
		if p == c {
			return names[i]
		}
	}
	switch c {
	case grey, uncertainGrey, lightGrey:
		return "grey"
	case white:
		return "white"
	}
	return ""
}

// String describes the look: "dashed vermillion line", "blue, filled",
// "grey".
func (l Look) String() string {
	name := ColourName(l.Colour)
	switch {
	case l.Dashed:
		return "dashed " + name + " line"
	case l.Filled:
		return name + ", filled"
	}
	return name
}

// line is the look's line style at width w.
func (l Look) line(t theme, w vg.Length) draw.LineStyle {
	s := draw.LineStyle{Color: l.Colour, Width: w}
	if l.Dashed {
		s.Dashes = []vg.Length{t.lw * 4, t.lw * 2.5}
	}
	return s
}
