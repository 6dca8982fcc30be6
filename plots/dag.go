package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Limits of the DAG drawing, in ems of the node font.
const (
	minLayerGap = 2.2 // between columns when nothing else needs the room
	maxLayerGap = 6.0 // columns are spread to fill the width up to this gap
)

// outcomeBorder is the gap (ems) between an outcome's two borders.
const outcomeBorder = 0.18

var (
	remedyFill  = tint(green, 0.72)
	outcomeFill = tint(blue, 0.82)
	edgeBlack   = color.RGBA{0x30, 0x30, 0x30, 0xFF}
)

// DAG draws a causal diagram: columns in time order (roots left, outcomes
// right; a node's column is its longest path from a root over contemporaneous
// edges), node order chosen to reduce crossings, long edges routed between the
// columns, lagged edges as dashed curves labelled "t−k", bidirected edges
// dotted with two heads, remedy nodes filled, latent nodes dashed, outcomes
// with a double border, and expected signs marked near the arrowheads. Edges
// with an Estimate are coloured by the sign of the posterior median (grey
// when the 90% interval covers zero), drawn wider for larger effects, and
// labelled with the median and 90% interval. When every node has a Pos, the
// positions are used instead (scaled so that boxes do not overlap, and
// stretched between neighbours where an edge needs room for its label and
// sign marker; the order of the positions is kept).
//
// Node labels are measured with the font; if the graph does not fit the width
// at the theme's font size, labels are broken at underscores and, failing
// that, the whole diagram is drawn smaller.
func DAG(o Options, g DAGInput) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	if _, err := validateDAG(g); err != nil {
		return nil, err
	}
	t := newTheme(o)
	estimates := false
	for _, e := range g.Edges {
		estimates = estimates || e.Estimate != nil
	}
	availW := float64(t.innerWidth())
	availH := math.Inf(1)
	// Try label modes from the most informative down, each with and without
	// wrapped node labels; take the first that is legible at this width, or
	// else the one drawn largest.
	modes := []int{estNone}
	if estimates {
		modes = []int{estFull, estMedian, estNone}
	}
	minReadable := math.Max(6, 0.8*float64(t.fs))
	var (
		lay *dagLayout
		fs  float64
		pg  *page
	)
	for _, m := range modes {
		p := defaultLayoutParams()
		p.estLabels = m
		p.layerGap = labelGap(g, p)
		mpg := t.newPage()
		mpg.bottom = append(mpg.bottom, dagLegend(t, g, estimates, m)...)
		if o.Height > 0 {
			availH = o.Height*float64(vg.Inch) - float64(mpg.extra())
		}
		for _, variant := range []int{0, 1, 2} { // plain, wrapped, wrapped and compact
			p := p
			p.wrap = variant > 0
			if variant == 2 {
				p.layerGap = math.Max(p.layerGap-0.8, 1.4)
				p.padX, p.nodeGap = 0.35, 0.7
			}
			l, err := layoutDAG(g, p)
			if err != nil {
				return nil, err
			}
			f := math.Min(float64(t.fs), math.Min(availW/l.width, availH/l.height))
			if lay == nil || f > fs*1.02 {
				lay, fs, pg = l, f, mpg
			}
			if fs >= float64(t.fs) {
				break
			}
		}
		if fs >= minReadable {
			break
		}
	}
	// spread the columns over the width
	if lay.layers > 1 && !hasFixedPositions(g) {
		extra := availW/fs - lay.width
		if extra > 0.01 {
			p := lay.p
			p.layerGap = math.Min(maxLayerGap, math.Max(p.layerGap, p.layerGap+extra/float64(lay.layers-1)))
			if l, err := layoutDAG(g, p); err == nil {
				lay = l
				fs = math.Min(float64(t.fs), math.Min(availW/l.width, availH/l.height))
			}
		}
	}
	mainH := vg.Length(lay.height * fs)
	return newFigure("dag", o, pg.heightFor(mainH), func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { drawDAG(t, c, lay, vg.Length(fs)) })
	}), nil
}

// labelGap is the gap between columns that leaves room for the widest
// estimate label of a contemporaneous edge (at least minLayerGap).
func labelGap(g DAGInput, p layoutParams) float64 {
	gap := minLayerGap
	for _, e := range g.Edges {
		if e.Estimate != nil && e.Lag == 0 && !e.Bidirected {
			l := &dagLayout{p: p}
			w, _ := l.labelSize(edgeLabelLines(e, p.estLabels))
			gap = math.Max(gap, w+1.4)
		}
	}
	return gap
}

func hasFixedPositions(g DAGInput) bool {
	for _, n := range g.Nodes {
		if n.Pos == nil {
			return false
		}
	}
	return len(g.Nodes) > 0
}

// edgeLook is how an edge is drawn: colour, width and whether its head is
// open. With estimates, the sign is told three ways so that greyscale prints
// keep it: colour, head (filled for positive, open for negative) and the label.
type edgeLook struct {
	clr   color.Color
	width vg.Length
	open  bool
}

var uncertainGrey = color.RGBA{0xA0, 0xA0, 0xA0, 0xFF}

func edgeStyle(t theme, e DAGEdge, maxAbs float64) edgeLook {
	if e.Estimate == nil {
		return edgeLook{clr: edgeBlack, width: t.lw}
	}
	w := t.lw
	if maxAbs > 0 {
		w = t.lw * vg.Length(0.8+1.4*math.Abs(e.Estimate.Q50)/maxAbs)
	}
	switch {
	case e.Estimate.Q5 > 0:
		return edgeLook{clr: EdgePositive.Colour, width: w}
	case e.Estimate.Q95 < 0:
		return edgeLook{clr: EdgeNegative.Colour, width: w, open: true}
	}
	return edgeLook{clr: EdgeUncertain.Colour, width: t.lw * 0.8}
}

// drawDAG renders the layout centred in c at fs points per em.
func drawDAG(t theme, c draw.Canvas, l *dagLayout, fs vg.Length) {
	ox := c.Min.X + (c.Max.X-c.Min.X-vg.Length(l.width)*fs)/2
	oy := c.Max.Y - (c.Max.Y-c.Min.Y-vg.Length(l.height)*fs)/2
	at := func(p point) vg.Point { return vg.Point{X: ox + vg.Length(p.X)*fs, Y: oy - vg.Length(p.Y)*fs} }
	maxAbs := 0.0
	for _, e := range l.edges {
		if e.e.Estimate != nil {
			maxAbs = math.Max(maxAbs, math.Abs(e.e.Estimate.Q50))
		}
	}
	thin := t.thin * 1.3
	// edges first, so that boxes and labels sit on top
	for k := range l.edges {
		e := &l.edges[k]
		look := edgeStyle(t, e.e, maxAbs)
		sty := draw.LineStyle{Color: look.clr, Width: look.width}
		switch {
		case e.e.Bidirected:
			sty.Dashes = []vg.Length{t.lw * 1.2, t.lw * 2}
		case e.e.Lag > 0:
			sty.Dashes = []vg.Length{t.lw * 4, t.lw * 2.5}
		}
		segs := e.segments()
		var path vg.Path
		path.Move(at(segs[0][0]))
		for _, s := range segs {
			path.CubeTo(at(s[1]), at(s[2]), at(s[3]))
		}
		c.SetLineStyle(sty)
		c.Stroke(path)
		last := segs[len(segs)-1]
		arrowHead(&c, at(last[3]), at(last[2]), at(last[0]), fs, look)
		if e.e.Bidirected {
			first := segs[0]
			arrowHead(&c, at(first[0]), at(first[1]), at(first[3]), fs, look)
		}
	}
	// nodes
	for i := range l.nodes {
		drawNode(t, &c, &l.nodes[i], at, fs, thin)
	}
	// edge labels and sign markers
	labelSty := t.style(fs*vg.Length(l.p.labelSize), false)
	labelSty.XAlign = draw.XCenter
	labelSty.YAlign = draw.YCenter
	for k := range l.edges {
		e := &l.edges[k]
		if len(e.label) > 0 {
			r := e.labelBox
			c.FillPolygon(white, rectPoints(at(point{r.x0, r.y1}), at(point{r.x1, r.y0})))
			s := labelSty
			s.Color = edgeStyle(t, e.e, maxAbs).clr
			if s.Color == uncertainGrey {
				s.Color = color.RGBA{0x50, 0x50, 0x50, 0xFF} // darker grey for legible text
			}
			lh := 1.15 * l.p.labelSize
			cy := (r.y0 + r.y1) / 2
			n := float64(len(e.label))
			for j, ln := range e.label {
				y := cy + (float64(j)-(n-1)/2)*lh
				c.FillText(s, at(point{(r.x0 + r.x1) / 2, y}), ln)
			}
		}
		if e.sign != "" {
			drawSign(t, &c, at(e.signCentre), vg.Length(l.signRadius())*fs, e.sign, thin)
		}
	}
}

func rectPoints(min, max vg.Point) []vg.Point {
	return []vg.Point{min, {X: max.X, Y: min.Y}, max, {X: min.X, Y: max.Y}}
}

// arrowHead draws a triangular head at tip pointing away from from (or from
// alt when from coincides with the tip), filled or open.
func arrowHead(c *draw.Canvas, tip, from, alt vg.Point, fs vg.Length, look edgeLook) {
	dx, dy := float64(tip.X-from.X), float64(tip.Y-from.Y)
	if math.Hypot(dx, dy) < 1e-6 {
		dx, dy = float64(tip.X-alt.X), float64(tip.Y-alt.Y)
	}
	d := math.Hypot(dx, dy)
	if d < 1e-9 {
		return
	}
	w := float64(look.width)
	ux, uy := dx/d, dy/d
	length := float64(fs)*0.55 + w
	half := float64(fs)*0.17 + w*0.6
	bx, by := float64(tip.X)-ux*length, float64(tip.Y)-uy*length
	tri := []vg.Point{
		tip,
		{X: vg.Length(bx - uy*half), Y: vg.Length(by + ux*half)},
		{X: vg.Length(bx + uy*half), Y: vg.Length(by - ux*half)},
	}
	if !look.open {
		c.FillPolygon(look.clr, tri)
		return
	}
	c.FillPolygon(white, tri)
	c.StrokeLines(draw.LineStyle{Color: look.clr, Width: look.width * 0.7}, append(tri, tri[0], tri[1]))
}

// roundedRect is the path of a rectangle with rounded corners, drawn with
// cubic Béziers (the PDF backend mishandles arcs that do not start at angle 0).
func roundedRect(min, max vg.Point, r vg.Length) vg.Path {
	r = vg.Length(math.Min(float64(r), float64(max.X-min.X)/2))
	r = vg.Length(math.Min(float64(r), float64(max.Y-min.Y)/2))
	k := r * 0.5523 // control distance for a quarter circle
	var p vg.Path
	p.Move(vg.Point{X: min.X + r, Y: min.Y})
	p.Line(vg.Point{X: max.X - r, Y: min.Y})
	p.CubeTo(vg.Point{X: max.X - r + k, Y: min.Y}, vg.Point{X: max.X, Y: min.Y + r - k}, vg.Point{X: max.X, Y: min.Y + r})
	p.Line(vg.Point{X: max.X, Y: max.Y - r})
	p.CubeTo(vg.Point{X: max.X, Y: max.Y - r + k}, vg.Point{X: max.X - r + k, Y: max.Y}, vg.Point{X: max.X - r, Y: max.Y})
	p.Line(vg.Point{X: min.X + r, Y: max.Y})
	p.CubeTo(vg.Point{X: min.X + r - k, Y: max.Y}, vg.Point{X: min.X, Y: max.Y - r + k}, vg.Point{X: min.X, Y: max.Y - r})
	p.Line(vg.Point{X: min.X, Y: min.Y + r})
	p.CubeTo(vg.Point{X: min.X, Y: min.Y + r - k}, vg.Point{X: min.X + r - k, Y: min.Y}, vg.Point{X: min.X + r, Y: min.Y})
	p.Close()
	return p
}

// drawNode draws a node's box and label.
func drawNode(t theme, c *draw.Canvas, n *lnode, at func(point) vg.Point, fs, lw vg.Length) {
	b := n.box()
	min, max := at(point{b.x0, b.y1}), at(point{b.x1, b.y0})
	nodeShape(c, min, max, fs, lw, n.in.Remedy, n.in.Outcome, n.in.Latent)
	sty := t.style(fs, n.in.Outcome)
	sty.XAlign = draw.XCenter
	sty.YAlign = draw.YCenter
	k := float64(len(n.lines))
	for j, ln := range n.lines {
		y := n.Y + (float64(j)-(k-1)/2)*1.2
		c.FillText(sty, at(point{n.X, y}), ln)
	}
}

// nodeShape draws the box of a node of the given kind between min and max.
func nodeShape(c *draw.Canvas, min, max vg.Point, fs, lw vg.Length, remedy, outcome, latent bool) {
	fill := color.Color(white)
	switch {
	case remedy:
		fill = remedyFill
	case outcome:
		fill = outcomeFill
	}
	r := fs * 0.3
	path := roundedRect(min, max, r)
	c.SetColor(fill)
	c.Fill(path)
	sty := draw.LineStyle{Color: black, Width: lw}
	if latent {
		sty.Dashes = []vg.Length{fs * 0.35, fs * 0.22}
	}
	if remedy {
		sty.Width = lw * 1.6
	}
	c.SetLineStyle(sty)
	c.Stroke(path)
	if outcome {
		d := fs * outcomeBorder
		c.Stroke(roundedRect(vg.Point{X: min.X - d, Y: min.Y - d}, vg.Point{X: max.X + d, Y: max.Y + d}, r+d))
	}
}

// drawSign draws an expected-sign marker: the sign in a small circle.
func drawSign(t theme, c *draw.Canvas, centre vg.Point, r vg.Length, sign string, lw vg.Length) {
	var p vg.Path
	p.Move(vg.Point{X: centre.X + r, Y: centre.Y})
	p.Arc(centre, r, 0, 2*math.Pi)
	p.Close()
	c.SetColor(white)
	c.Fill(p)
	c.SetLineStyle(draw.LineStyle{Color: black, Width: lw * 0.8})
	c.Stroke(p)
	// draw the sign as strokes, centred exactly
	s := r * 0.55
	c.StrokeLine2(draw.LineStyle{Color: black, Width: lw * 1.2}, centre.X-s, centre.Y, centre.X+s, centre.Y)
	if sign == "+" {
		c.StrokeLine2(draw.LineStyle{Color: black, Width: lw * 1.2}, centre.X, centre.Y-s, centre.X, centre.Y+s)
	}
}

// dagLegend lists the node and edge kinds present in g.
func dagLegend(t theme, g DAGInput, estimates bool, mode int) []block {
	var remedy, outcome, latent, lagged, bidir, sign, unestimated bool
	for _, n := range g.Nodes {
		remedy = remedy || n.Remedy
		outcome = outcome || n.Outcome
		latent = latent || n.Latent
	}
	for _, e := range g.Edges {
		lagged = lagged || e.Lag > 0
		bidir = bidir || e.Bidirected
		sign = sign || e.ExpectedSign != 0
		unestimated = unestimated || (!e.Bidirected && e.Estimate == nil)
	}
	fs := t.small
	box := func(rem, out, lat bool) func(*draw.Canvas, vg.Rectangle) {
		return func(c *draw.Canvas, r vg.Rectangle) {
			pad := (r.Max.X - r.Min.X) * 0.15
			nodeShape(c, vg.Point{X: r.Min.X + pad, Y: r.Min.Y}, vg.Point{X: r.Max.X - pad, Y: r.Max.Y}, fs, t.thin*1.3, rem, out, lat)
		}
	}
	var items []legendItem
	if remedy {
		items = append(items, legendItem{"remedy", box(true, false, false)})
	}
	if outcome {
		items = append(items, legendItem{"outcome", box(false, true, false)})
	}
	if latent {
		items = append(items, legendItem{"latent (unobserved)", box(false, false, true)})
	}
	if lagged {
		items = append(items, legendItem{"lagged edge (t−k)", lineThumb(draw.LineStyle{Color: edgeBlack, Width: t.lw, Dashes: []vg.Length{t.lw * 4, t.lw * 2.5}})})
	}
	if bidir {
		items = append(items, legendItem{"confounded (↔)", lineThumb(draw.LineStyle{Color: edgeBlack, Width: t.lw, Dashes: []vg.Length{t.lw * 1.2, t.lw * 2}})})
	}
	if sign {
		items = append(items, legendItem{"expected sign", func(c *draw.Canvas, r vg.Rectangle) {
			drawSign(t, c, vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}, t.small*0.42, "+", t.thin*1.3)
		}})
	}
	if estimates {
		arrow := func(look edgeLook) func(*draw.Canvas, vg.Rectangle) {
			return func(c *draw.Canvas, r vg.Rectangle) {
				y := (r.Min.Y + r.Max.Y) / 2
				tip := vg.Point{X: r.Max.X, Y: y}
				c.StrokeLine2(draw.LineStyle{Color: look.clr, Width: look.width}, r.Min.X, y, r.Max.X-t.small*0.3, y)
				arrowHead(c, tip, vg.Point{X: r.Min.X, Y: y}, vg.Point{X: r.Min.X, Y: y}, t.small, look)
			}
		}
		items = append(items,
			legendItem{"positive (90% interval > 0)", arrow(edgeLook{clr: blue, width: t.lw * 1.5})},
			legendItem{"negative (90% interval < 0)", arrow(edgeLook{clr: vermil, width: t.lw * 1.5, open: true})},
			legendItem{"interval covers 0", arrow(edgeLook{clr: uncertainGrey, width: t.lw * 0.8})},
		)
		if unestimated {
			items = append(items, legendItem{"not estimated", arrow(edgeLook{clr: edgeBlack, width: t.lw})})
		}
	}
	blocks := []block{t.legendBlock(items)}
	switch {
	case estimates && mode == estFull:
		blocks = append(blocks, t.textBlock("Edge labels: posterior median [90% interval]; line width grows with the median's size.",
			t.style(t.small, false), false))
	case estimates && mode == estMedian:
		blocks = append(blocks, t.textBlock("Edge labels: posterior median (intervals omitted at this width); line width grows with the median's size.",
			t.style(t.small, false), false))
	case estimates:
		blocks = append(blocks, t.textBlock("Line width grows with the size of the posterior median (labels omitted at this width).",
			t.style(t.small, false), false))
	}
	return blocks
}
