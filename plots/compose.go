package plots

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A block is a full-width strip of a figure with a fixed height: a title, a
// legend or a note. Figures stack blocks above and below their main area, so
// legends never sit on data.
type block struct {
	h    vg.Length
	draw func(c draw.Canvas)
}

// page lays out a figure: header blocks, a main area and footer blocks.
type page struct {
	t      theme
	top    []block
	bottom []block
}

// margin is the blank border around the whole figure.
func (t theme) margin() vg.Length { return t.fs * 0.35 }

// innerWidth is the width available to blocks and the main area.
func (t theme) innerWidth() vg.Length { return t.width - 2*t.margin() }

// newPage starts a page with the optional figure title.
func (t theme) newPage() *page {
	pg := &page{t: t}
	if t.opts.Title != "" {
		pg.top = append(pg.top, t.textBlock(t.opts.Title, t.style(t.fs*1.1, true), true))
	}
	return pg
}

// extra is the height taken by margins and blocks.
func (pg *page) extra() vg.Length {
	h := 2 * pg.t.margin()
	for _, b := range pg.top {
		h += b.h
	}
	for _, b := range pg.bottom {
		h += b.h
	}
	return h
}

// heightFor returns the figure height in inches for a main area of height mainH.
func (pg *page) heightFor(mainH vg.Length) float64 {
	return float64((mainH + pg.extra()) / vg.Inch)
}

// draw renders blocks and calls main with the remaining area.
func (pg *page) draw(c draw.Canvas, main func(c draw.Canvas)) {
	m := pg.t.margin()
	c = draw.Crop(c, m, -m, m, -m)
	y := c.Max.Y
	for _, b := range pg.top {
		bc := c
		bc.Max.Y, bc.Min.Y = y, y-b.h
		if b.draw != nil {
			b.draw(bc)
		}
		y -= b.h
	}
	yb := c.Min.Y
	for i := len(pg.bottom) - 1; i >= 0; i-- {
		b := pg.bottom[i]
		bc := c
		bc.Min.Y, bc.Max.Y = yb, yb+b.h
		if b.draw != nil {
			b.draw(bc)
		}
		yb += b.h
	}
	mc := c
	mc.Max.Y, mc.Min.Y = y, yb
	if mc.Max.Y > mc.Min.Y {
		main(mc)
	}
}

// wrapText breaks s at spaces so that no line is wider than width (a single
// word wider than width gets a line of its own).
func wrapText(sty text.Style, s string, width vg.Length) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		cur := ""
		for _, w := range words {
			cand := w
			if cur != "" {
				cand = cur + " " + w
			}
			if cur != "" && sty.Width(cand) > width {
				lines = append(lines, cur)
				cur = w
			} else {
				cur = cand
			}
		}
		lines = append(lines, cur)
	}
	return lines
}

// textBlock is a wrapped paragraph, centred or left-aligned.
func (t theme) textBlock(s string, sty text.Style, centre bool) block {
	lines := wrapText(sty, s, t.innerWidth())
	lh := lineHeight(sty)
	h := lh*vg.Length(len(lines)) + t.pad*0.4
	return block{h: h, draw: func(c draw.Canvas) {
		y := c.Max.Y
		for _, ln := range lines {
			y -= lh
			s := sty
			x := c.Min.X
			if centre {
				s.XAlign = draw.XCenter
				x = (c.Min.X + c.Max.X) / 2
			}
			s.YAlign = draw.YBottom
			c.FillText(s, vg.Point{X: x, Y: y + lh*0.2}, ln)
		}
	}}
}

// legendItem is one legend entry: a thumbnail drawn into a small rectangle and a label.
type legendItem struct {
	label string
	thumb func(c *draw.Canvas, r vg.Rectangle)
}

// legendBlock lays legend items out in centred rows, wrapping as needed.
func (t theme) legendBlock(items []legendItem) block {
	if len(items) == 0 {
		return block{}
	}
	sty := t.style(t.small, false)
	thumbW, gap, sep := t.fs*2, t.fs*0.4, t.fs*1.2
	width := t.innerWidth()
	type placed struct {
		it legendItem
		x  vg.Length
	}
	var rows [][]placed
	var rowW []vg.Length
	var cur []placed
	x := vg.Length(0)
	for _, it := range items {
		w := thumbW + gap + sty.Width(it.label)
		if len(cur) > 0 && x+sep+w > width {
			rows, rowW = append(rows, cur), append(rowW, x)
			cur, x = nil, 0
		}
		if len(cur) > 0 {
			x += sep
		}
		cur = append(cur, placed{it, x})
		x += w
	}
	rows, rowW = append(rows, cur), append(rowW, x)
	rh := t.small * 1.5
	h := rh*vg.Length(len(rows)) + t.pad*0.5
	return block{h: h, draw: func(c draw.Canvas) {
		y := c.Max.Y - t.pad*0.5
		for i, row := range rows {
			x0 := c.Min.X + (c.Max.X-c.Min.X-rowW[i])/2
			yc := y - rh/2
			for _, p := range row {
				r := vg.Rectangle{
					Min: vg.Point{X: x0 + p.x, Y: yc - t.small*0.45},
					Max: vg.Point{X: x0 + p.x + thumbW, Y: yc + t.small*0.45},
				}
				p.it.thumb(&c, r)
				s := sty
				s.YAlign = draw.YCenter
				c.FillText(s, vg.Point{X: r.Max.X + gap, Y: yc}, p.it.label)
			}
			y -= rh
		}
	}}
}

// Thumbnails for legends.

func lineThumb(sty draw.LineStyle) func(*draw.Canvas, vg.Rectangle) {
	return func(c *draw.Canvas, r vg.Rectangle) {
		y := (r.Min.Y + r.Max.Y) / 2
		c.StrokeLine2(sty, r.Min.X, y, r.Max.X, y)
	}
}

func glyphThumb(g draw.GlyphStyle) func(*draw.Canvas, vg.Rectangle) {
	return func(c *draw.Canvas, r vg.Rectangle) {
		c.DrawGlyphNoClip(g, vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2})
	}
}

func fillThumb(fill color.Color, edge draw.LineStyle) func(*draw.Canvas, vg.Rectangle) {
	return func(c *draw.Canvas, r vg.Rectangle) {
		pts := []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}}
		if fill != nil {
			c.FillPolygon(fill, pts)
		}
		if edge.Width > 0 {
			c.StrokeLines(edge, append(pts, r.Min))
		}
	}
}

// intervalThumb shows a point with a thin (90%) and thick (50%) interval.
func intervalThumb(thin, thick draw.LineStyle, g draw.GlyphStyle) func(*draw.Canvas, vg.Rectangle) {
	return func(c *draw.Canvas, r vg.Rectangle) {
		y := (r.Min.Y + r.Max.Y) / 2
		c.StrokeLine2(thin, r.Min.X, y, r.Max.X, y)
		w := r.Max.X - r.Min.X
		if thick.Width > 0 {
			c.StrokeLine2(thick, r.Min.X+w*0.25, y, r.Max.X-w*0.25, y)
		}
		if g.Radius > 0 {
			c.DrawGlyphNoClip(g, vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: y})
		}
	}
}

// combineThumbs draws several thumbnails on top of each other.
func combineThumbs(fs ...func(*draw.Canvas, vg.Rectangle)) func(*draw.Canvas, vg.Rectangle) {
	return func(c *draw.Canvas, r vg.Rectangle) {
		for _, f := range fs {
			f(c, r)
		}
	}
}

// formatNum formats v with dec decimals and a true minus sign.
func formatNum(v float64, dec int) string {
	if dec < 0 {
		dec = 0
	}
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return strings.Replace(s, "-", "−", 1)
}

// formatSig formats v with about 2 significant decimals for annotations.
func formatSig(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 100:
		return formatNum(v, 0)
	case a >= 10:
		return formatNum(v, 1)
	case a >= 0.01:
		return formatNum(v, 2)
	}
	return strings.Replace(strconv.FormatFloat(v, 'g', 2, 64), "-", "−", 1)
}

// formatProb formats a probability with two decimals, never rounding to a
// certainty the draws cannot show.
func formatProb(p float64) string {
	switch {
	case p > 0.995 && p < 1:
		return ">0.99"
	case p < 0.005 && p > 0:
		return "<0.01"
	}
	return strconv.FormatFloat(p, 'f', 2, 64)
}
