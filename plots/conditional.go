package plots

import (
	"fmt"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// CurvePoint is an effect at one value of a moderator.
type CurvePoint struct {
	At            float64 // the moderator's value
	Mean, Q5, Q95 float64
}

// ConditionalEffect draws how an effect changes across a moderator's
// values, as brms's conditional_effects does: the posterior mean as a line
// and the 90% interval as a band, with a dashed line at zero. The points
// are drawn in order of At, which must be finite and distinct.
func ConditionalEffect(o Options, points []CurvePoint) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	if len(points) < 2 {
		return nil, fmt.Errorf("plots: conditional: need at least 2 values of the moderator, have %d", len(points))
	}
	pts := append([]CurvePoint(nil), points...)
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].At < pts[j].At })
	xs := make([]float64, len(pts))
	mean, lo, hi := make([]float64, len(pts)), make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		where := fmt.Sprintf("plots: conditional: at %g", p.At)
		if !finite(p.At) {
			return nil, fmt.Errorf("plots: conditional: a moderator value is %v, not a finite number", p.At)
		}
		if i > 0 && p.At == pts[i-1].At {
			return nil, fmt.Errorf("%s appears twice", where)
		}
		if !finite(p.Mean) {
			return nil, fmt.Errorf("%s: Mean is %v, not a finite number", where, p.Mean)
		}
		if err := checkQuantiles(where, []string{"Q5", "Q95"}, []float64{p.Q5, p.Q95}); err != nil {
			return nil, err
		}
		xs[i], mean[i], lo[i], hi[i] = p.At, p.Mean, p.Q5, p.Q95
	}
	t := newTheme(o)
	p := t.effectPlot(o, "moderator", lo, hi)
	p.X.Min, p.X.Max = xs[0], xs[len(xs)-1]
	p.X.Tick.Marker = niceTicker{n: 6}
	band := tint(blue, 0.72)
	line := draw.LineStyle{Color: blue, Width: t.lw * 1.3}
	p.Add(plotFunc(func(c draw.Canvas, p *plot.Plot) {
		fillBand(c, p, band, xs, lo, hi)
		t.refLine(c, p, false, 0)
		strokeData(c, p, line, xs, mean)
	}))
	pg := t.newPage()
	pg.bottom = append(pg.bottom, t.legendBlock([]legendItem{
		{"posterior mean", lineThumb(line)},
		{"90% interval", fillThumb(band, draw.LineStyle{})},
	}))
	mainH := clampLen(t.width*0.6, vg.Inch*1.6, vg.Inch*3.2)
	return newFigure("conditional", o, pg.heightFor(mainH), func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { p.Draw(c) })
	}), nil
}
