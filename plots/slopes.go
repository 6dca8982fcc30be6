package plots

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// UnitSlope is the posterior of one unit's strength of an edge that varies
// by unit (b + v_j): its median and 90% interval.
type UnitSlope struct {
	Unit         string
	Q5, Q50, Q95 float64
}

// MeanSlope is the posterior of the mean strength b across units: median
// and 90% interval.
type MeanSlope struct {
	Q5, Q50, Q95 float64
}

// slopeLabels reports whether n unit names fit side by side (rotated) on
// the caterpillar's axis; otherwise the axis counts ranks and the note
// names the units at both ends.
func (t theme) slopeLabels(n int) bool { return vg.Length(n)*t.small*1.3 <= t.width*0.8 }

// Slopes draws a caterpillar of an edge's strength per unit: the units
// ordered by their median strength, each with its median and 90% interval,
// over the mean strength's median (dashed line) and 90% interval (band),
// with a dotted line at zero. edge names the edge in the axis label.
func Slopes(o Options, edge string, units []UnitSlope, mean MeanSlope) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return nil, fmt.Errorf("plots: slopes: no units to draw")
	}
	if err := checkQuantiles("plots: slopes: mean strength", []string{"Q5", "Q50", "Q95"}, []float64{mean.Q5, mean.Q50, mean.Q95}); err != nil {
		return nil, err
	}
	us := append([]UnitSlope(nil), units...)
	for i, u := range us {
		where := fmt.Sprintf("plots: slopes: unit %d (%s)", i+1, u.Unit)
		if strings.TrimSpace(u.Unit) == "" {
			return nil, fmt.Errorf("plots: slopes: unit %d has no name", i+1)
		}
		if err := checkQuantiles(where, []string{"Q5", "Q50", "Q95"}, []float64{u.Q5, u.Q50, u.Q95}); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(us, func(i, j int) bool { return us[i].Q50 < us[j].Q50 })
	n := len(us)
	xs, med, lo, hi := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	ymin, ymax := math.Min(0, mean.Q5), math.Max(0, mean.Q95)
	for i, u := range us {
		xs[i], med[i], lo[i], hi[i] = float64(i+1), u.Q50, u.Q5, u.Q95
		ymin, ymax = math.Min(ymin, u.Q5), math.Max(ymax, u.Q95)
	}
	t := newTheme(o)
	p := t.newPlot()
	p.X.Label.Text = "units, ordered by their median strength"
	p.Y.Label.Text = "strength of " + edge
	if o.XLabel != "" {
		p.X.Label.Text = o.XLabel
	}
	if o.YLabel != "" {
		p.Y.Label.Text = o.YLabel
	}
	if ymax == ymin {
		ymin, ymax = ymin-1, ymax+1
	}
	span := ymax - ymin
	p.Y.Min, p.Y.Max = ymin-span*0.04, ymax+span*0.04
	p.X.Min, p.X.Max = 0.4, float64(n)+0.6
	labelled := t.slopeLabels(n)
	if labelled {
		p.X.Tick.Marker = unitTicker(us)
		p.X.Tick.Label.Rotation = math.Pi / 2
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	} else {
		p.X.Tick.Marker = niceTicker{n: 8, integer: true}
		p.X.Label.Text = "rank of the unit's median strength"
	}
	band := tint(blue, 0.8)
	meanLine := draw.LineStyle{Color: blue, Width: t.lw, Dashes: []vg.Length{t.fs * 0.5, t.fs * 0.3}}
	bar := draw.LineStyle{Color: black, Width: t.lw}
	g := draw.GlyphStyle{Color: black, Radius: t.fs * 0.22, Shape: draw.CircleGlyph{}}
	p.Add(plotFunc(func(c draw.Canvas, p *plot.Plot) {
		fillBand(c, p, band, []float64{p.X.Min, p.X.Max}, []float64{mean.Q5, mean.Q5}, []float64{mean.Q95, mean.Q95})
		t.refLine(c, p, false, 0)
		strokeData(c, p, meanLine, []float64{p.X.Min, p.X.Max}, []float64{mean.Q50, mean.Q50})
		xf, yf := p.Transforms(&c)
		for i := range xs {
			c.StrokeLine2(bar, xf(xs[i]), yf(lo[i]), xf(xs[i]), yf(hi[i]))
			c.DrawGlyph(g, vg.Point{X: xf(xs[i]), Y: yf(med[i])})
		}
	}))
	pg := t.newPage()
	pg.bottom = append(pg.bottom, t.legendBlock([]legendItem{
		{"unit: median, 90% interval", intervalThumb(bar, draw.LineStyle{}, g)},
		{"mean strength: median, 90% interval", combineThumbs(fillThumb(band, draw.LineStyle{}), lineThumb(meanLine))},
	}))
	note := fmt.Sprintf("Each unit's strength is the mean strength plus its own deviation (%d units).", n)
	if !labelled {
		note += fmt.Sprintf(" Lowest: %s. Highest: %s.", unitNames(us[:3]), unitNames(reverse(us[n-3:])))
	}
	pg.bottom = append(pg.bottom, t.textBlock(note, t.style(t.small, false), false))
	mainH := clampLen(t.width*0.6, vg.Inch*1.8, vg.Inch*3.2)
	return newFigure("slopes", o, pg.heightFor(mainH), func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { p.Draw(c) })
	}), nil
}

// unitTicker labels each rank with its unit's name.
type unitTicker []UnitSlope

func (ut unitTicker) Ticks(lo, hi float64) []plot.Tick {
	ticks := make([]plot.Tick, len(ut))
	for i, u := range ut {
		ticks[i] = plot.Tick{Value: float64(i + 1), Label: u.Unit}
	}
	return ticks
}

func unitNames(us []UnitSlope) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = fmt.Sprintf("%s (%s)", u.Unit, formatSig(u.Q50))
	}
	return strings.Join(names, ", ")
}

func reverse(us []UnitSlope) []UnitSlope {
	out := make([]UnitSlope, len(us))
	for i, u := range us {
		out[len(us)-1-i] = u
	}
	return out
}
