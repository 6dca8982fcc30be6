package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// rowChart is the engine behind the forest, remedies and counterfactual
// figures: one horizontal row per item, a label column on the left, intervals
// and points on a shared x axis, and annotation columns on the right.
type rowChart struct {
	rows    []rowItem
	columns []string // right-hand column headers
	xlabel  string
	zero    bool // draw a dashed reference line at 0
}

// rowItem is one row: either a bold group header or an item with intervals.
type rowItem struct {
	label  string
	header bool
	indent bool
	outer  [2]float64 // thin interval (NaN for none)
	inner  [2]float64 // thick interval (NaN for none)
	points []rowPoint
	cells  []string // right-hand annotations, one per column
	color  color.Color
}

// rowPoint is a marker on a row.
type rowPoint struct {
	x     float64
	glyph draw.GlyphStyle
}

var nan2 = [2]float64{math.NaN(), math.NaN()}

// geometry of a row chart for a theme.
func (rc *rowChart) rowHeight(t theme) vg.Length { return t.fs * 1.45 }

func (rc *rowChart) labelWidth(t theme) vg.Length {
	var w vg.Length
	for _, r := range rc.rows {
		lw := t.style(t.fs, r.header).Width(r.label)
		if r.indent {
			lw += t.fs * 0.8
		}
		w = max(w, lw)
	}
	return w + t.pad
}

func (rc *rowChart) columnWidths(t theme) []vg.Length {
	ws := make([]vg.Length, len(rc.columns))
	sty := t.style(t.small, false)
	for j, h := range rc.columns {
		ws[j] = sty.Width(h)
		for _, r := range rc.rows {
			if j < len(r.cells) {
				ws[j] = max(ws[j], sty.Width(r.cells[j]))
			}
		}
		ws[j] += t.pad
	}
	return ws
}

// mainHeight is the height of the chart area (rows, header line and x axis).
func (rc *rowChart) mainHeight(t theme) vg.Length {
	axis := t.small*1.3 + t.fs*1.4 + t.fs*0.8
	top := vg.Length(0)
	if len(rc.columns) > 0 {
		top = t.small * 1.6
	}
	return rc.rowHeight(t)*vg.Length(len(rc.rows)) + axis + top
}

// xRange returns the data range of all intervals and points, padded.
func (rc *rowChart) xRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	add := func(v float64) {
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	for _, r := range rc.rows {
		add(r.outer[0])
		add(r.outer[1])
		add(r.inner[0])
		add(r.inner[1])
		for _, p := range r.points {
			add(p.x)
		}
	}
	if rc.zero {
		add(0)
	}
	if math.IsInf(lo, 0) {
		return -1, 1
	}
	if hi-lo < 1e-12 {
		d := math.Max(math.Abs(lo)*0.1, 1)
		lo, hi = lo-d, hi+d
	}
	pad := (hi - lo) * 0.04
	return lo - pad, hi + pad
}

// draw renders the chart into c.
func (rc *rowChart) draw(t theme, c draw.Canvas) {
	lw := rc.labelWidth(t)
	cws := rc.columnWidths(t)
	var rw vg.Length
	for _, w := range cws {
		rw += w
	}
	top := vg.Length(0)
	if len(rc.columns) > 0 {
		top = t.small * 1.6
	}
	p := t.newPlot()
	p.HideY()
	p.X.Label.Text = rc.xlabel
	p.X.Min, p.X.Max = rc.xRange()
	n := len(rc.rows)
	p.Y.Min, p.Y.Max = 0.5, float64(n)+0.5
	p.Y.Padding = 0
	p.X.Tick.Marker = niceTicker{n: max(3, int(float64((t.width-lw-rw)/t.fs)/5))}
	pc := draw.Crop(c, lw, -rw, 0, -top)
	p.Add(&rowPlotter{rc: rc, t: t, labelX: c.Min.X, colX: pc.Max.X, colW: cws, topY: c.Max.Y})
	p.Draw(pc)
}

// rowPlotter draws the rows inside the plot's data area and the labels and
// columns beside it.
type rowPlotter struct {
	rc     *rowChart
	t      theme
	labelX vg.Length   // left edge of the label column
	colX   vg.Length   // left edge of the annotation columns
	colW   []vg.Length // widths of the annotation columns
	topY   vg.Length   // top of the chart, for column headers
}

func (rp *rowPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	t, rc := rp.t, rp.rc
	xf, yf := p.Transforms(&c)
	n := len(rc.rows)
	rowY := func(i int) vg.Length { return yf(float64(n - i)) }
	small := t.style(t.small, false)

	// zero line
	if rc.zero && p.X.Min < 0 && p.X.Max > 0 {
		x := xf(0)
		c.StrokeLine2(draw.LineStyle{Color: grey, Width: t.thin, Dashes: []vg.Length{t.fs * 0.3, t.fs * 0.25}},
			x, c.Min.Y, x, c.Max.Y)
	}
	// column headers
	x := rp.colX
	for j, h := range rc.columns {
		s := small
		s.XAlign = draw.XRight
		s.YAlign = draw.YTop
		c.FillText(s, vg.Point{X: x + rp.colW[j], Y: rp.topY}, h)
		x += rp.colW[j]
	}
	for i, r := range rc.rows {
		y := rowY(i)
		sty := t.style(t.fs, r.header)
		sty.YAlign = draw.YCenter
		lx := rp.labelX
		if r.indent {
			lx += t.fs * 0.8
		}
		if r.header {
			if i > 0 {
				ys := y + rc.rowHeight(t)*0.5
				c.StrokeLine2(draw.LineStyle{Color: lightGrey, Width: t.thin}, rp.labelX, ys, rp.colX+sum(rp.colW), ys)
			}
			c.FillText(sty, vg.Point{X: lx, Y: y}, r.label)
			continue
		}
		c.FillText(sty, vg.Point{X: lx, Y: y}, r.label)
		col := r.color
		if col == nil {
			col = black
		}
		if !math.IsNaN(r.outer[0]) {
			c.StrokeLine2(draw.LineStyle{Color: col, Width: t.lw}, xf(r.outer[0]), y, xf(r.outer[1]), y)
		}
		if !math.IsNaN(r.inner[0]) {
			c.StrokeLine2(draw.LineStyle{Color: col, Width: t.lw * 3}, xf(r.inner[0]), y, xf(r.inner[1]), y)
		}
		for _, pt := range r.points {
			c.DrawGlyphNoClip(pt.glyph, vg.Point{X: xf(pt.x), Y: y})
		}
		x := rp.colX
		for j := range rc.columns {
			if j < len(r.cells) {
				s := small
				s.XAlign = draw.XRight
				s.YAlign = draw.YCenter
				c.FillText(s, vg.Point{X: x + rp.colW[j], Y: y}, r.cells[j])
			}
			x += rp.colW[j]
		}
	}
}

func sum(ls []vg.Length) vg.Length {
	var s vg.Length
	for _, l := range ls {
		s += l
	}
	return s
}
