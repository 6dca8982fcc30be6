package plots

import (
	"image/color"
	"math"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Palette is the Okabe–Ito colour-blind-safe palette, ordered so that
// neighbouring series also differ in lightness (legible in greyscale): blue,
// orange, bluish green, vermillion, reddish purple, sky blue, yellow, black.
// Series in this package also differ in dash pattern and marker shape.
var Palette = []color.RGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0xF0, 0xE4, 0x42, 0xFF}, // yellow
	{0x00, 0x00, 0x00, 0xFF}, // black
}

var (
	white     = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
	black     = color.RGBA{0x00, 0x00, 0x00, 0xFF}
	grey      = color.RGBA{0x80, 0x80, 0x80, 0xFF}
	lightGrey = color.RGBA{0xC8, 0xC8, 0xC8, 0xFF}
	blue      = Palette[0]
	orange    = Palette[1]
	green     = Palette[2]
	vermil    = Palette[3]
	purple    = Palette[4]
)

// tint blends c with white; f = 0 gives c, f = 1 gives white. Bands and fills
// use opaque tints rather than transparency, which EPS cannot show.
func tint(c color.RGBA, f float64) color.RGBA {
	mix := func(v uint8) uint8 { return uint8(math.Round(float64(v) + f*(255-float64(v)))) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 0xFF}
}

// seriesColor, seriesDash and seriesGlyph give the i-th series its style.
func seriesColor(i int) color.RGBA { return Palette[i%(len(Palette)-1)] } // skip black

func (t theme) seriesDash(i int) []vg.Length {
	u := t.lw
	switch i % 4 {
	case 1:
		return []vg.Length{5 * u, 2.5 * u}
	case 2:
		return []vg.Length{1.2 * u, 1.8 * u}
	case 3:
		return []vg.Length{5 * u, 2 * u, 1.2 * u, 2 * u}
	}
	return nil
}

func seriesGlyph(i int) draw.GlyphDrawer {
	switch i % 5 {
	case 1:
		return draw.TriangleGlyph{}
	case 2:
		return draw.BoxGlyph{}
	case 3:
		return draw.PyramidGlyph{}
	case 4:
		return draw.CrossGlyph{}
	}
	return draw.CircleGlyph{}
}

// theme holds the sizes derived from the figure width.
type theme struct {
	opts   Options
	fs     vg.Length // base font size (axis labels, legend)
	small  vg.Length // tick labels and annotations
	lw     vg.Length // data line width
	thin   vg.Length // axes, ticks, reference lines
	pad    vg.Length // generic padding
	width  vg.Length
	height vg.Length // 0 until known
}

// sansFont is the typeface used throughout: Liberation Sans, metric-compatible
// with Helvetica/Arial, which journals ask for in figures.
var sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

func newTheme(o Options) theme {
	w := o.Width
	fs := clamp(6+1.5*w/ColumnWidth, 7, 11)
	t := theme{
		opts:  o,
		fs:    vg.Points(fs),
		small: vg.Points(fs - 1),
		lw:    vg.Points(clamp(0.5+0.25*w/ColumnWidth, 0.6, 1.4)),
		thin:  vg.Points(clamp(0.35+0.15*w/ColumnWidth, 0.4, 0.9)),
		width: vg.Length(w) * vg.Inch,
	}
	t.pad = t.fs * 0.5
	return t
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// style returns a text style of the given size.
func (t theme) style(size vg.Length, bold bool) text.Style {
	f := font.From(sansFont, size)
	if bold {
		f.Weight = xfont.WeightBold
	}
	return text.Style{
		Color:   black,
		Font:    f,
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// textWidth measures s in the given style.
func textWidth(sty text.Style, s string) vg.Length { return sty.Width(s) }

// lineHeight is the distance between baselines of consecutive lines.
func lineHeight(sty text.Style) vg.Length { return sty.Font.Size * 1.2 }

// newPlot returns a gonum plot styled for the theme.
func (t theme) newPlot() *plot.Plot {
	p := plot.New()
	p.BackgroundColor = nil
	p.Title.TextStyle = t.style(t.fs, true)
	p.Title.TextStyle.XAlign = draw.XCenter
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = t.pad * 0.6
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle = t.style(t.fs, false)
		ax.Label.TextStyle.XAlign = draw.XCenter
		ax.Label.Padding = t.pad * 0.4
		ax.LineStyle.Width = t.thin
		ax.Tick.LineStyle.Width = t.thin
		ax.Tick.Length = t.fs * 0.35
		ax.Tick.Label = t.style(t.small, false)
		ax.Padding = t.fs * 0.3
		ax.Tick.Marker = niceTicker{n: 5}
	}
	p.X.Label.TextStyle.YAlign = draw.YBottom
	p.X.Tick.Label.XAlign = draw.XCenter
	p.X.Tick.Label.YAlign = draw.YTop
	p.Y.Tick.Label.XAlign = draw.XRight
	p.Y.Tick.Label.YAlign = draw.YCenter
	p.Legend.TextStyle = t.style(t.small, false)
	return p
}

// niceTicker places about n major ticks at round numbers, labelled with as
// few decimals as distinguish them and a true minus sign.
type niceTicker struct {
	n       int
	integer bool // only integer ticks (counts, periods)
}

func (nt niceTicker) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return []plot.Tick{{Value: lo, Label: formatNum(lo, 2)}}
	}
	n := nt.n
	if n < 2 {
		n = 2
	}
	step := niceStep((hi - lo) / float64(n))
	if nt.integer && step < 1 {
		step = 1
	}
	start := math.Ceil(lo/step-1e-9) * step
	// As many decimals as the step needs: 250 → 0, 2.5 → 1, 0.25 → 2.
	dec := 0
	for dec < 12 {
		x := step * math.Pow(10, float64(dec))
		if math.Abs(x-math.Round(x)) <= 1e-6*x {
			break
		}
		dec++
	}
	var ticks []plot.Tick
	for v := start; v <= hi+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: formatNum(v, dec)})
		// minor tick halfway
		if m := v + step/2; m <= hi && !(nt.integer && step == 1) {
			ticks = append(ticks, plot.Tick{Value: m})
		}
	}
	if m := start - step/2; m >= lo && !(nt.integer && step == 1) {
		ticks = append(ticks, plot.Tick{Value: m})
	}
	return ticks
}

// niceStep rounds x up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(x float64) float64 {
	if x <= 0 || math.IsNaN(x) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// fixedTicks is a ticker with given major ticks.
type fixedTicks []plot.Tick

func (f fixedTicks) Ticks(lo, hi float64) []plot.Tick { return f }

// noTicks hides an axis' ticks.
type noTicks struct{}

func (noTicks) Ticks(lo, hi float64) []plot.Tick { return nil }
