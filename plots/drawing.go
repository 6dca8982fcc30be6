package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// plotFunc adapts a closure to plot.Plotter, for drawing in data coordinates.
type plotFunc func(c draw.Canvas, p *plot.Plot)

func (f plotFunc) Plot(c draw.Canvas, p *plot.Plot) { f(c, p) }

// dataPoints maps data coordinates to canvas points.
func dataPoints(c draw.Canvas, p *plot.Plot, xs, ys []float64) []vg.Point {
	xf, yf := p.Transforms(&c)
	pts := make([]vg.Point, len(xs))
	for i := range xs {
		pts[i] = vg.Point{X: xf(xs[i]), Y: yf(ys[i])}
	}
	return pts
}

// strokeData draws a polyline in data coordinates, clipped to the data area.
func strokeData(c draw.Canvas, p *plot.Plot, sty draw.LineStyle, xs, ys []float64) {
	if len(xs) < 2 {
		return
	}
	c.StrokeLines(sty, c.ClipLinesXY(dataPoints(c, p, xs, ys))...)
}

// fillBand fills the area between lo(x) and hi(x), clipped to the data area.
func fillBand(c draw.Canvas, p *plot.Plot, clr color.Color, xs, lo, hi []float64) {
	if len(xs) < 2 {
		return
	}
	top := dataPoints(c, p, xs, hi)
	bot := dataPoints(c, p, xs, lo)
	poly := append([]vg.Point(nil), top...)
	for i := len(bot) - 1; i >= 0; i-- {
		poly = append(poly, bot[i])
	}
	c.FillPolygon(clr, c.ClipPolygonXY(poly))
}

// refLine draws a dashed grey line at x = v (vertical) or y = v (horizontal)
// when v is inside the axis range.
func (t theme) refLine(c draw.Canvas, p *plot.Plot, vertical bool, v float64) {
	sty := draw.LineStyle{Color: grey, Width: t.thin, Dashes: []vg.Length{t.fs * 0.3, t.fs * 0.25}}
	xf, yf := p.Transforms(&c)
	if vertical {
		if v > p.X.Min && v < p.X.Max {
			c.StrokeLine2(sty, xf(v), c.Min.Y, xf(v), c.Max.Y)
		}
		return
	}
	if v > p.Y.Min && v < p.Y.Max {
		c.StrokeLine2(sty, c.Min.X, yf(v), c.Max.X, yf(v))
	}
}

// checkSeries reports the first non-finite value of xs.
func checkSeries(where string, xs []float64) error {
	if len(xs) == 0 {
		return fmt.Errorf("%s: no values", where)
	}
	for i, x := range xs {
		if !finite(x) {
			return fmt.Errorf("%s: value %d is %v, not a finite number", where, i+1, x)
		}
	}
	return nil
}

// gridPanels arranges plots in a grid of ncols columns with data areas
// aligned, leaving empty cells blank.
func (t theme) gridPanels(c draw.Canvas, plots []*plot.Plot, ncols int) {
	nrows := (len(plots) + ncols - 1) / ncols
	grid := make([][]*plot.Plot, nrows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, ncols)
		for k := range grid[r] {
			if i := r*ncols + k; i < len(plots) {
				grid[r][k] = plots[i]
			}
		}
	}
	tiles := draw.Tiles{Rows: nrows, Cols: ncols, PadX: t.fs * 0.9, PadY: t.fs * 0.7}
	cs := plot.Align(grid, tiles, c)
	for r := range grid {
		for k, p := range grid[r] {
			if p != nil {
				p.Draw(cs[r][k])
			}
		}
	}
}

// densityRange returns a plotting range covering the central 99% of each sample.
func densityRange(samples ...[]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range samples {
		if len(s) == 0 {
			continue
		}
		ss := sortedCopy(s)
		lo = math.Min(lo, quantileSorted(ss, 0.005))
		hi = math.Max(hi, quantileSorted(ss, 0.995))
	}
	if !(hi > lo) {
		d := math.Max(math.Abs(lo)*0.1, 1)
		lo, hi = lo-d, hi+d
	}
	return lo, hi
}
