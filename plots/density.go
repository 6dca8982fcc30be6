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

// EdgeDensity holds one edge's prior and posterior, for Contraction.
type EdgeDensity struct {
	Name string
	// PriorDraws are draws from the prior; ignored when Prior is set.
	PriorDraws []float64
	// PosteriorDraws are draws from the posterior (required).
	PosteriorDraws []float64
	// Prior, when not nil, is the prior density, used instead of PriorDraws.
	Prior func(x float64) float64
	// PriorRange is the interval over which Prior is drawn and integrated (for
	// the contraction); when zero it is the posterior's range widened fourfold
	// about its median.
	PriorRange [2]float64
	// PriorVariance, when positive, is the prior's exact variance (+Inf for
	// a heavy-tailed prior, which hides the contraction); otherwise the
	// contraction uses the variance of the prior draws, or of Prior over
	// PriorRange, which understates it when the range cuts the tails.
	PriorVariance float64
}

const densityGrid = 256

// edgeCurves are the evaluated densities of one panel.
type edgeCurves struct {
	name          string
	x, prior, pos []float64
	contraction   float64 // 1 − var(post)/var(prior); NaN when unknown
}

func (d EdgeDensity) curves(i int) (edgeCurves, error) {
	where := fmt.Sprintf("plots: contraction: edge %d (%s)", i+1, d.Name)
	if strings.TrimSpace(d.Name) == "" {
		return edgeCurves{}, fmt.Errorf("plots: contraction: edge %d has no name", i+1)
	}
	if len(d.PosteriorDraws) < 2 {
		return edgeCurves{}, fmt.Errorf("%s: need at least 2 posterior draws, have %d", where, len(d.PosteriorDraws))
	}
	if err := checkSeries(where+": posterior draws", d.PosteriorDraws); err != nil {
		return edgeCurves{}, err
	}
	out := edgeCurves{name: d.Name, contraction: math.NaN()}
	_, vPost := meanSD(d.PosteriorDraws)
	vPost *= vPost
	var lo, hi float64
	if d.Prior == nil {
		if len(d.PriorDraws) < 2 {
			return out, fmt.Errorf("%s: need at least 2 prior draws or a prior density, have %d draws", where, len(d.PriorDraws))
		}
		if err := checkSeries(where+": prior draws", d.PriorDraws); err != nil {
			return out, err
		}
		lo, hi = densityRange(d.PriorDraws, d.PosteriorDraws)
		out.x = linspace(lo, hi, densityGrid)
		out.prior = kdeEval(d.PriorDraws, silvermanBandwidth(d.PriorDraws), out.x)
		_, sdPrior := meanSD(d.PriorDraws)
		if sdPrior > 0 {
			out.contraction = 1 - vPost/(sdPrior*sdPrior)
		}
	} else {
		lo, hi = d.PriorRange[0], d.PriorRange[1]
		if lo == 0 && hi == 0 {
			s := sortedCopy(d.PosteriorDraws)
			m := quantileSorted(s, 0.5)
			l, h := densityRange(d.PosteriorDraws)
			lo, hi = m-4*(m-l), m+4*(h-m)
		}
		if !finite(lo) || !finite(hi) || !(hi > lo) {
			return out, fmt.Errorf("%s: prior range [%v, %v] is not an increasing pair of finite numbers", where, lo, hi)
		}
		out.x = linspace(lo, hi, densityGrid)
		out.prior = make([]float64, densityGrid)
		for k, x := range out.x {
			v := d.Prior(x)
			if !finite(v) || v < 0 {
				return out, fmt.Errorf("%s: prior density at %g is %v, not a finite non-negative number", where, x, v)
			}
			out.prior[k] = v
		}
		// prior variance by the trapezoid rule on the grid
		var m0, m1, m2 float64
		dx := out.x[1] - out.x[0]
		for k, x := range out.x {
			w := dx
			if k == 0 || k == len(out.x)-1 {
				w /= 2
			}
			m0 += w * out.prior[k]
			m1 += w * out.prior[k] * x
			m2 += w * out.prior[k] * x * x
		}
		if m0 > 0 {
			mu := m1 / m0
			if v := m2/m0 - mu*mu; v > 0 {
				out.contraction = 1 - vPost/v
			}
		}
	}
	switch v := d.PriorVariance; {
	case math.IsInf(v, 1):
		out.contraction = math.NaN()
	case v > 0:
		out.contraction = 1 - vPost/v
	}
	out.pos = kdeEval(d.PosteriorDraws, silvermanBandwidth(d.PosteriorDraws), out.x)
	return out, nil
}

// Contraction draws, for each edge, the prior density (dashed) and the
// posterior density (filled) as small multiples sharing a legend, with the
// posterior contraction 1 − var(posterior)/var(prior) in each panel's title:
// near 1 the data informed the edge, near 0 they did not.
func Contraction(o Options, edges []EdgeDensity) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	if len(edges) == 0 {
		return nil, fmt.Errorf("plots: contraction: no edges to draw")
	}
	curves := make([]edgeCurves, len(edges))
	for i, e := range edges {
		if curves[i], err = e.curves(i); err != nil {
			return nil, err
		}
	}
	t := newTheme(o)
	titleSty := t.style(t.small, false)
	// panel titles, split at the arrow when too long for the panel
	minPanel := t.fs * 15
	ncols := int(float64(t.innerWidth()+t.fs*0.9) / float64(minPanel+t.fs*0.9))
	ncols = max(1, min(ncols, len(edges), 4))
	panelW := (t.innerWidth()-t.fs*0.9*vg.Length(ncols-1))/vg.Length(ncols) - t.fs*0.5
	titles := make([]string, len(curves))
	lines := 1
	for i, cv := range curves {
		titles[i] = panelTitle(titleSty, cv.name, cv.contraction, panelW)
		lines = max(lines, strings.Count(titles[i], "\n")+1)
	}
	for i := range titles { // equal title heights keep the panels aligned
		titles[i] = strings.Repeat(" \n", lines-1-strings.Count(titles[i], "\n")) + titles[i]
	}
	nrows := (len(curves) + ncols - 1) / ncols
	panelH := max(panelW*0.55, t.fs*7) + lineHeight(titleSty)*vg.Length(lines) + t.small*2.2

	priorSty := ContractionPrior.line(t, t.lw)
	postSty := ContractionPosterior.line(t, t.lw)
	postFill := tint(ContractionPosterior.Colour, 0.65)
	plots := make([]*plot.Plot, len(curves))
	for i, cv := range curves {
		p := t.newPlot()
		p.Title.Text = titles[i]
		p.Title.TextStyle = titleSty
		p.Title.TextStyle.XAlign = draw.XCenter
		p.Title.TextStyle.YAlign = draw.YTop
		p.HideY()
		p.Y.Padding = 0
		p.X.Tick.Marker = niceTicker{n: 3}
		p.X.Min, p.X.Max = cv.x[0], cv.x[len(cv.x)-1]
		ymax := 0.0
		for k := range cv.x {
			ymax = math.Max(ymax, math.Max(cv.prior[k], cv.pos[k]))
		}
		p.Y.Min, p.Y.Max = 0, ymax*1.05
		cv := cv
		p.Add(plotFunc(func(c draw.Canvas, p *plot.Plot) {
			zeros := make([]float64, len(cv.x))
			fillBand(c, p, postFill, cv.x, zeros, cv.pos)
			t.refLine(c, p, true, 0)
			strokeData(c, p, postSty, cv.x, cv.pos)
			strokeData(c, p, priorSty, cv.x, cv.prior)
		}))
		plots[i] = p
	}
	pg := t.newPage()
	pg.bottom = append(pg.bottom, t.legendBlock([]legendItem{
		{"prior", lineThumb(priorSty)},
		{"posterior", combineThumbs(fillThumb(postFill, draw.LineStyle{}), lineThumb(postSty))},
	}))
	pg.bottom = append(pg.bottom, t.textBlock(
		"c: posterior contraction, 1 − posterior variance / prior variance (near 0: the data hardly inform the edge).",
		t.style(t.small, false), false))
	h := pg.heightFor(panelH * vg.Length(nrows))
	return newFigure("contraction", o, h, func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { t.gridPanels(c, plots, ncols) })
	}), nil
}

// panelTitle appends the contraction to name and breaks the line at the
// arrow (or at underscores) when it is wider than width.
func panelTitle(sty interface{ Width(string) vg.Length }, name string, contraction float64, width vg.Length) string {
	suffix := ""
	if !math.IsNaN(contraction) {
		suffix = "  c = " + formatNum(contraction, 2)
		if contraction >= 0.995 {
			suffix = "  c > 0.99"
		}
	}
	if sty.Width(name+suffix) <= width {
		return name + suffix
	}
	if i := strings.Index(name, " → "); i > 0 {
		a, b := name[:i+len(" →")], name[i+len(" → "):]
		if sty.Width(b+suffix) <= width {
			return a + "\n" + b + suffix
		}
		return a + "\n" + b + "\n" + strings.TrimSpace(suffix)
	}
	return name + "\n" + strings.TrimSpace(suffix)
}

// PPC draws a posterior predictive check for one node: the density of the
// observed values (thick) over the densities of replicated data sets (thin),
// or, for a discrete node, the observed proportion of each value as bars with
// the replicated proportions' median and 90% interval.
func PPC(o Options, node string, observed []float64, replicated [][]float64, discrete bool) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	where := "plots: ppc: node " + node
	if strings.TrimSpace(node) == "" {
		return nil, fmt.Errorf("plots: ppc: no node name")
	}
	if len(observed) < 2 {
		return nil, fmt.Errorf("%s: need at least 2 observed values, have %d", where, len(observed))
	}
	if err := checkSeries(where+": observed", observed); err != nil {
		return nil, err
	}
	if len(replicated) == 0 {
		return nil, fmt.Errorf("%s: no replicated data sets", where)
	}
	for d, rep := range replicated {
		if err := checkSeries(fmt.Sprintf("%s: replicated data set %d", where, d+1), rep); err != nil {
			return nil, err
		}
	}
	t := newTheme(o)
	pg := t.newPage()
	p := t.newPlot()
	p.X.Label.Text = node
	if o.XLabel != "" {
		p.X.Label.Text = o.XLabel
	}
	obsCol := black
	repCol := tint(blue, 0.45)
	var items []legendItem
	if discrete {
		if err := ppcBars(t, p, where, observed, replicated, &items); err != nil {
			return nil, err
		}
	} else {
		// at most 50 replicated sets, evenly spaced, for a legible overlay
		idx := spread(len(replicated), 50)
		lo, hi := densityRange(observed)
		for _, d := range idx {
			l, h := densityRange(replicated[d])
			lo, hi = math.Min(lo, l), math.Max(hi, h)
		}
		pad := (hi - lo) * 0.05
		x := linspace(lo-pad, hi+pad, densityGrid)
		reps := make([][]float64, len(idx))
		ymax := 0.0
		for k, d := range idx {
			reps[k] = kdeEval(replicated[d], silvermanBandwidth(replicated[d]), x)
			for _, v := range reps[k] {
				ymax = math.Max(ymax, v)
			}
		}
		obs := kdeEval(observed, silvermanBandwidth(observed), x)
		for _, v := range obs {
			ymax = math.Max(ymax, v)
		}
		p.X.Min, p.X.Max = x[0], x[len(x)-1]
		p.Y.Min, p.Y.Max = 0, ymax*1.05
		p.Y.Label.Text = "density"
		repSty := draw.LineStyle{Color: repCol, Width: t.thin}
		obsSty := draw.LineStyle{Color: obsCol, Width: t.lw * 1.8}
		p.Add(plotFunc(func(c draw.Canvas, p *plot.Plot) {
			for _, r := range reps {
				strokeData(c, p, repSty, x, r)
			}
			strokeData(c, p, obsSty, x, obs)
		}))
		items = []legendItem{
			{"observed", lineThumb(obsSty)},
			{fmt.Sprintf("replicated (%d draws)", len(idx)), lineThumb(draw.LineStyle{Color: repCol, Width: t.lw})},
		}
	}
	if o.YLabel != "" {
		p.Y.Label.Text = o.YLabel
	}
	pg.bottom = append(pg.bottom, t.legendBlock(items))
	mainH := clampLen(t.width*0.62, vg.Inch*1.6, vg.Inch*3.2)
	return newFigure("ppc", o, pg.heightFor(mainH), func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { p.Draw(c) })
	}), nil
}

const maxCategories = 60

// ppcBars sets p up for a discrete PPC.
func ppcBars(t theme, p *plot.Plot, where string, observed []float64, replicated [][]float64, items *[]legendItem) error {
	cats := map[float64]bool{}
	addCats := func(name string, xs []float64) error {
		for i, x := range xs {
			if x != math.Round(x) {
				return fmt.Errorf("%s: %s value %d is %g; a discrete node needs whole numbers", where, name, i+1, x)
			}
			cats[x] = true
			if len(cats) > maxCategories {
				return fmt.Errorf("%s: more than %d distinct values; draw it as continuous", where, maxCategories)
			}
		}
		return nil
	}
	if err := addCats("observed", observed); err != nil {
		return err
	}
	for d, rep := range replicated {
		if err := addCats(fmt.Sprintf("replicated set %d", d+1), rep); err != nil {
			return err
		}
	}
	values := make([]float64, 0, len(cats))
	for v := range cats {
		values = append(values, v)
	}
	sort.Float64s(values)
	index := map[float64]int{}
	for i, v := range values {
		index[v] = i
	}
	prop := func(xs []float64) []float64 {
		out := make([]float64, len(values))
		for _, x := range xs {
			out[index[x]]++
		}
		for i := range out {
			out[i] /= float64(len(xs))
		}
		return out
	}
	obs := prop(observed)
	repProps := make([][]float64, len(values))
	for _, rep := range replicated {
		for i, v := range prop(rep) {
			repProps[i] = append(repProps[i], v)
		}
	}
	med, q5, q95 := make([]float64, len(values)), make([]float64, len(values)), make([]float64, len(values))
	ymax := 0.0
	for i := range values {
		s := sortedCopy(repProps[i])
		med[i], q5[i], q95[i] = quantileSorted(s, 0.5), quantileSorted(s, 0.05), quantileSorted(s, 0.95)
		ymax = math.Max(ymax, math.Max(obs[i], q95[i]))
	}
	p.X.Min, p.X.Max = values[0]-0.6, values[len(values)-1]+0.6
	p.Y.Min, p.Y.Max = 0, ymax*1.08
	p.Y.Label.Text = "proportion"
	if len(values) <= 15 {
		ticks := make(fixedTicks, len(values))
		for i, v := range values {
			ticks[i] = plot.Tick{Value: v, Label: formatNum(v, 0)}
		}
		p.X.Tick.Marker = ticks
	} else {
		p.X.Tick.Marker = niceTicker{n: 8, integer: true}
	}
	barFill := tint(black, 0.72)
	g := draw.GlyphStyle{Color: blue, Radius: t.fs * 0.3, Shape: draw.CircleGlyph{}}
	ls := draw.LineStyle{Color: blue, Width: t.lw * 1.3}
	p.Add(plotFunc(func(c draw.Canvas, p *plot.Plot) {
		xf, yf := p.Transforms(&c)
		half := (xf(1) - xf(0)) * 0.35
		for i, v := range values {
			x := xf(v)
			c.FillPolygon(barFill, c.ClipPolygonXY([]vg.Point{
				{X: x - half, Y: yf(0)}, {X: x + half, Y: yf(0)}, {X: x + half, Y: yf(obs[i])}, {X: x - half, Y: yf(obs[i])}}))
		}
		for i, v := range values {
			x := xf(v)
			c.StrokeLine2(ls, x, yf(q5[i]), x, yf(q95[i]))
			c.DrawGlyph(g, vg.Point{X: x, Y: yf(med[i])})
		}
	}))
	*items = []legendItem{
		{"observed", fillThumb(barFill, draw.LineStyle{})},
		{fmt.Sprintf("replicated median, 90%% interval (%d draws)", len(replicated)), intervalThumb(ls, draw.LineStyle{}, g)},
	}
	return nil
}

// spread returns up to k indices evenly spread over [0, n).
func spread(n, k int) []int {
	if n <= k {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := make([]int, k)
	for i := range out {
		out[i] = i * (n - 1) / (k - 1)
	}
	return out
}

func clampLen(x, lo, hi vg.Length) vg.Length { return max(lo, min(hi, x)) }
