package sweep

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
)

// specPoint is one specification's answer.
type specPoint struct {
	task    int
	choices []Choice
	a       Answer
}

var (
	black = color.Gray{Y: 0}
	grey  = color.Gray{Y: 150}
	blue  = color.RGBA{R: 31, G: 90, B: 160, A: 255}
)

// specCurve draws a specification curve: the answers sorted by their
// posterior mean, each with its credible interval (filled when P(expected
// sign) ≥ 0.95, or, without an expected sign, when the interval excludes 0),
// and beneath them one row per axis value marking the choices each
// specification made.
func specCurve(p *Plan, name string, pts []specPoint, format string) ([]byte, error) {
	pts = append([]specPoint(nil), pts...)
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].a.Mean < pts[j].a.Mean })

	top := plot.New()
	top.Title.Text = fmt.Sprintf("%s: specification curve (%d specifications)", name, len(pts))
	top.Y.Label.Text = "posterior mean and interval"
	top.X.Tick.Marker = plot.ConstantTicks(nil)
	zero, _ := plotter.NewLine(plotter.XYs{{X: 0.5, Y: 0}, {X: float64(len(pts)) + 0.5, Y: 0}})
	zero.Color, zero.Dashes = grey, []vg.Length{vg.Points(3), vg.Points(2)}
	top.Add(zero)
	var strong, weak plotter.XYs
	for k, pt := range pts {
		x := float64(k + 1)
		bar, _ := plotter.NewLine(plotter.XYs{{X: x, Y: float64(pt.a.Lo)}, {X: x, Y: float64(pt.a.Hi)}})
		bar.Color = blue
		top.Add(bar)
		sure := float64(pt.a.PExpected) >= Reduces
		if pt.a.Expected == "none" {
			sure = float64(pt.a.Lo) > 0 || float64(pt.a.Hi) < 0
		}
		if sure {
			strong = append(strong, plotter.XY{X: x, Y: float64(pt.a.Mean)})
		} else {
			weak = append(weak, plotter.XY{X: x, Y: float64(pt.a.Mean)})
		}
	}
	for _, set := range []struct {
		xy   plotter.XYs
		fill bool
	}{{strong, true}, {weak, false}} {
		if len(set.xy) == 0 {
			continue
		}
		s, _ := plotter.NewScatter(set.xy)
		s.GlyphStyle = draw.GlyphStyle{Color: blue, Radius: vg.Points(2.2), Shape: draw.RingGlyph{}}
		if set.fill {
			s.GlyphStyle.Shape = draw.CircleGlyph{}
		}
		top.Add(s)
	}
	top.X.Min, top.X.Max = 0.5, float64(len(pts))+0.5

	// The choices beneath: one row per axis value, top to bottom in the
	// file's order.
	bottom := plot.New()
	bottom.X.Label.Text = "specifications, sorted by the posterior mean"
	var ticks []plot.Tick
	row := 0.0
	nrows := 0
	for _, a := range p.Axes {
		nrows += len(a.Values)
	}
	rowOf := map[string]float64{}
	for _, a := range p.Axes {
		for _, v := range a.Values {
			y := float64(nrows) - row
			rowOf[a.Name+"\x00"+v] = y
			ticks = append(ticks, plot.Tick{Value: y, Label: choiceLabel(a.Name, v)})
			row++
		}
	}
	var marks plotter.XYs
	for k, pt := range pts {
		for _, ch := range pt.choices {
			if y, ok := rowOf[ch.Axis+"\x00"+ch.Value]; ok {
				marks = append(marks, plotter.XY{X: float64(k + 1), Y: y})
			}
		}
	}
	if len(marks) > 0 {
		s, _ := plotter.NewScatter(marks)
		s.GlyphStyle = draw.GlyphStyle{Color: black, Radius: vg.Points(1.8), Shape: draw.BoxGlyph{}}
		bottom.Add(s)
	}
	bottom.Y.Tick.Marker = plot.ConstantTicks(ticks)
	bottom.Y.Min, bottom.Y.Max = 0.5, float64(nrows)+0.5
	bottom.X.Min, bottom.X.Max = 0.5, float64(len(pts))+0.5
	bottom.X.Tick.Marker = plot.ConstantTicks(nil)

	w := vg.Length(7) * vg.Inch
	hTop := 3 * vg.Inch
	hBottom := vg.Length(0.9+0.18*float64(nrows)) * vg.Inch
	h := hTop + hBottom
	var canvas vg.CanvasWriterTo
	switch format {
	case "png":
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(150))}
	case "pdf":
		canvas = vgpdf.New(w, h)
	default:
		return nil, fmt.Errorf("figure format %q: want png or pdf", format)
	}
	dc := draw.New(canvas)
	if format != "png" {
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
	}
	dc = draw.Crop(dc, vg.Points(8), -vg.Points(8), vg.Points(4), -vg.Points(6))
	// Align the two panels' data areas: the wider y-axis decides.
	cTop := dc
	cTop.Min.Y = dc.Min.Y + hBottom
	cBottom := dc
	cBottom.Max.Y = dc.Min.Y + hBottom
	aligned := alignPanels([]*plot.Plot{top, bottom}, []draw.Canvas{cTop, cBottom})
	top.Draw(aligned[0])
	bottom.Draw(aligned[1])
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// alignPanels crops each canvas on the left so that the panels' data areas
// start at the same x: the panel with the widest y-axis labels decides.
func alignPanels(ps []*plot.Plot, cs []draw.Canvas) []draw.Canvas {
	widths := make([]vg.Length, len(ps))
	maxW := vg.Length(0)
	for i, p := range ps {
		dca := p.DataCanvas(cs[i])
		widths[i] = dca.Min.X - cs[i].Min.X
		maxW = max(maxW, widths[i])
	}
	out := make([]draw.Canvas, len(cs))
	for i := range cs {
		out[i] = draw.Crop(cs[i], maxW-widths[i], 0, 0, 0)
	}
	return out
}

// sbcFigure draws, per parameter, the rank histogram ("hist": counts per
// bin with the expected count and its 95% binomial range shaded, as
// SBC::plot_rank_hist) or the ECDF difference ("ecdf": ECDF(z) − z of the
// fractional ranks with the 95% simultaneous band shaded, as
// SBC::plot_ecdf_diff).
func sbcFigure(params []SBCParam, kind, format string) ([]byte, error) {
	n := len(params)
	if n == 0 {
		return nil, fmt.Errorf("no parameters to draw")
	}
	cols := min(3, n)
	rows := (n + cols - 1) / cols
	var plots [][]*plot.Plot
	for r := 0; r < rows; r++ {
		plots = append(plots, make([]*plot.Plot, cols))
	}
	band := color.RGBA{R: 215, G: 225, B: 238, A: 255}
	for i, sp := range params {
		p := plot.New()
		p.Title.Text = fmt.Sprintf("%s (p = %.2g)", sp.Parameter, float64(sp.PValue))
		switch kind {
		case "hist":
			bins := sp.Bins
			count := make([]float64, bins)
			for _, r := range sp.Ranks {
				count[min(bins-1, r*bins/(sp.Draws+1))]++
			}
			m := float64(len(sp.Ranks))
			b := distuv.Binomial{N: m, P: 1 / float64(bins)}
			lo, hi := binomQuantile(b, len(sp.Ranks), 0.025), binomQuantile(b, len(sp.Ranks), 0.975)
			poly, _ := plotter.NewPolygon(plotter.XYs{{X: 0, Y: lo}, {X: float64(bins), Y: lo}, {X: float64(bins), Y: hi}, {X: 0, Y: hi}})
			poly.Color, poly.LineStyle.Width = band, 0
			p.Add(poly)
			for k, c := range count {
				bar, _ := plotter.NewPolygon(plotter.XYs{{X: float64(k) + 0.05, Y: 0}, {X: float64(k) + 0.95, Y: 0}, {X: float64(k) + 0.95, Y: c}, {X: float64(k) + 0.05, Y: c}})
				bar.Color = blue
				bar.LineStyle.Width = 0
				p.Add(bar)
			}
			exp, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: m / float64(bins)}, {X: float64(bins), Y: m / float64(bins)}})
			exp.Color = black
			p.Add(exp)
			p.Y.Max = math.Max(hi, slices.Max(count)) * 1.08
			p.X.Label.Text = fmt.Sprintf("rank bin (%d bins of ranks 0-%d)", bins, sp.Draws)
			p.Y.Label.Text = "replications"
		case "ecdf":
			z, lo, hi := ecdfBand(len(sp.Ranks), ecdfPoints(&sp), 0.05)
			e := ecdfAt(sp.Ranks, sp.Draws, z)
			var poly, line plotter.XYs
			poly = append(poly, plotter.XY{X: 0, Y: 0})
			for k := range z {
				poly = append(poly, plotter.XY{X: z[k], Y: hi[k] - z[k]})
			}
			poly = append(poly, plotter.XY{X: 1, Y: 0})
			for k := len(z) - 1; k >= 0; k-- {
				poly = append(poly, plotter.XY{X: z[k], Y: lo[k] - z[k]})
			}
			pg, _ := plotter.NewPolygon(poly)
			pg.Color, pg.LineStyle.Width = band, 0
			p.Add(pg)
			line = append(line, plotter.XY{X: 0, Y: 0})
			for k := range z {
				line = append(line, plotter.XY{X: z[k], Y: e[k] - z[k]})
			}
			line = append(line, plotter.XY{X: 1, Y: 0})
			l, _ := plotter.NewLine(line)
			l.Color, l.Width = blue, vg.Points(1.2)
			p.Add(l)
			p.X.Label.Text = "fractional rank z"
			p.Y.Label.Text = "ECDF(z) - z"
		}
		plots[i/cols][i%cols] = p
	}
	w := vg.Length(2.6*float64(cols)) * vg.Inch
	h := vg.Length(2.2*float64(rows)) * vg.Inch
	var canvas vg.CanvasWriterTo
	switch format {
	case "png":
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(150))}
	case "pdf":
		canvas = vgpdf.New(w, h)
	default:
		return nil, fmt.Errorf("figure format %q: want png or pdf", format)
	}
	dc := draw.New(canvas)
	if format != "png" {
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(6), PadY: vg.Points(6), PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(6)}
	cs := plot.Align(plots, tiles, dc)
	for r := range plots {
		for c, p := range plots[r] {
			if p != nil {
				p.Draw(cs[r][c])
			}
		}
	}
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
