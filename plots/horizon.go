package plots

import (
	"fmt"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HorizonPoint is an intervention's effect at one period after it starts.
type HorizonPoint struct {
	Period        int
	Mean, Q5, Q95 float64
}

// EffectHorizon draws an intervention's effect over the lag horizon: the
// posterior mean as a line with markers and the 90% interval as a band, with
// a dashed line at zero.
func EffectHorizon(o Options, points []HorizonPoint) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	if len(points) == 0 {
		return nil, fmt.Errorf("plots: effect-horizon: no periods to draw")
	}
	pts := append([]HorizonPoint(nil), points...)
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].Period < pts[j].Period })
	xs := make([]float64, len(pts))
	mean, lo, hi := make([]float64, len(pts)), make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		where := fmt.Sprintf("plots: effect-horizon: period %d", p.Period)
		if i > 0 && p.Period == pts[i-1].Period {
			return nil, fmt.Errorf("%s appears twice", where)
		}
		if !finite(p.Mean) {
			return nil, fmt.Errorf("%s: Mean is %v, not a finite number", where, p.Mean)
		}
		if err := checkQuantiles(where, []string{"Q5", "Q95"}, []float64{p.Q5, p.Q95}); err != nil {
			return nil, err
		}
		xs[i], mean[i], lo[i], hi[i] = float64(p.Period), p.Mean, p.Q5, p.Q95
	}
	t := newTheme(o)
	p := t.effectPlot(o, "periods after the intervention", lo, hi)
	p.X.Min, p.X.Max = xs[0]-0.3, xs[len(xs)-1]+0.3
	if len(xs) == 1 {
		p.X.Min, p.X.Max = xs[0]-1, xs[0]+1
	}
	p.X.Tick.Marker = niceTicker{n: min(len(xs), 8), integer: true}
	band := tint(blue, 0.72)
	line := draw.LineStyle{Color: blue, Width: t.lw * 1.3}
	g := draw.GlyphStyle{Color: blue, Radius: t.fs * 0.28, Shape: draw.CircleGlyph{}}
	p.Add(plotFunc(func(c draw.Canvas, p *plot.Plot) {
		fillBand(c, p, band, xs, lo, hi)
		t.refLine(c, p, false, 0)
		strokeData(c, p, line, xs, mean)
		for _, pt := range dataPoints(c, p, xs, mean) {
			c.DrawGlyph(g, pt)
		}
	}))
	pg := t.newPage()
	pg.bottom = append(pg.bottom, t.legendBlock([]legendItem{
		{"posterior mean", combineThumbs(lineThumb(line), glyphThumb(g))},
		{"90% interval", fillThumb(band, draw.LineStyle{})},
	}))
	mainH := clampLen(t.width*0.6, vg.Inch*1.6, vg.Inch*3.2)
	return newFigure("effect-horizon", o, pg.heightFor(mainH), func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { p.Draw(c) })
	}), nil
}

// effectPlot is a plot of an effect on the outcome against x (labelled
// xlabel unless o says otherwise) whose y range holds 0 and every interval
// [lo, hi], with a little room.
func (t theme) effectPlot(o Options, xlabel string, lo, hi []float64) *plot.Plot {
	p := t.newPlot()
	p.X.Label.Text = xlabel
	p.Y.Label.Text = "effect on the outcome"
	if o.XLabel != "" {
		p.X.Label.Text = o.XLabel
	}
	if o.YLabel != "" {
		p.Y.Label.Text = o.YLabel
	}
	ymin, ymax := 0.0, 0.0
	for i := range lo {
		ymin, ymax = min(ymin, lo[i]), max(ymax, hi[i])
	}
	if ymax == ymin {
		ymin, ymax = -1, 1
	}
	span := ymax - ymin
	p.Y.Min, p.Y.Max = ymin-span*0.04, ymax+span*0.04
	return p
}
