package plots

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ParamChains is one parameter's draws, one slice per chain.
type ParamChains struct {
	Name   string
	Chains [][]float64
}

// checkParams validates several parameters' chains: the same number of
// chains for each.
func checkParams(where string, params []ParamChains, minDraws int) error {
	if len(params) == 0 {
		return fmt.Errorf("%s: no parameters to draw", where)
	}
	for i, pc := range params {
		if strings.TrimSpace(pc.Name) == "" {
			return fmt.Errorf("%s: parameter %d has no name", where, i+1)
		}
		if err := checkChains(where+" "+pc.Name, pc.Chains, minDraws); err != nil {
			return err
		}
		if len(pc.Chains) != len(params[0].Chains) {
			return fmt.Errorf("%s: %s has %d chains, %s has %d", where, pc.Name, len(pc.Chains), params[0].Name, len(params[0].Chains))
		}
	}
	return nil
}

// gridColumns is the number of panel columns for n small panels: at column
// width one for up to three panels, else two; on a page-wide figure two for
// up to four panels, else three.
func (t theme) gridColumns(n int) int {
	switch {
	case n <= 1:
		return 1
	case t.opts.Width < 5 && n <= 3:
		return 1
	case t.opts.Width < 5 || n <= 4:
		return 2
	}
	return 3
}

// gridPanelHeight is the height of one small panel in a grid of ncols columns.
func (t theme) gridPanelHeight(ncols int) vg.Length {
	return max(t.fs*7, t.innerWidth()/vg.Length(ncols)*0.42)
}

// unlabelled keeps a ticker's ticks but drops their labels, for panels whose
// neighbour below carries the shared axis labels.
type unlabelled struct{ plot.Ticker }

func (u unlabelled) Ticks(lo, hi float64) []plot.Tick {
	ts := u.Ticker.Ticks(lo, hi)
	for i := range ts {
		ts[i].Label = ""
	}
	return ts
}

// bottomRow reports whether panel k of n (ncols per row) has no panel below it.
func bottomRow(k, n, ncols int) bool { return k+ncols >= n }

// panelTitle styles p's title as a small panel heading.
func (t theme) panelTitle(p *plot.Plot, name string) {
	p.Title.Text = name
	p.Title.TextStyle = t.style(t.small, false)
	p.Title.TextStyle.XAlign = draw.XCenter
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = t.pad * 0.3
}

// Traces draws the traces of several parameters as small multiples sharing
// one legend: one panel per parameter with a line per chain, divergent
// transitions marked as a rug along the bottom of every panel. divergent may
// be nil; otherwise it has one slice per chain, as long as the chains.
func Traces(o Options, params []ParamChains, divergent [][]bool) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	if err := checkParams("plots: traces", params, 2); err != nil {
		return nil, err
	}
	nc := len(params[0].Chains)
	if divergent != nil && len(divergent) != nc {
		return nil, fmt.Errorf("plots: traces: divergence flags for %d chains, draws for %d", len(divergent), nc)
	}
	nDiv := 0
	for c := range divergent {
		for _, pc := range params {
			if len(divergent[c]) != len(pc.Chains[c]) {
				return nil, fmt.Errorf("plots: traces: chain %d has %d divergence flags for %d draws of %s", c+1, len(divergent[c]), len(pc.Chains[c]), pc.Name)
			}
		}
		for _, d := range divergent[c] {
			if d {
				nDiv++
			}
		}
	}
	t := newTheme(o)
	ncols := t.gridColumns(len(params))
	nrows := (len(params) + ncols - 1) / ncols
	rug := draw.LineStyle{Color: black, Width: t.thin * 1.2}
	panels := make([]*plot.Plot, len(params))
	for k, pc := range params {
		chains := pc.Chains
		p := t.newPlot()
		t.panelTitle(p, pc.Name)
		n := 0
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, ch := range chains {
			n = max(n, len(ch))
			for _, x := range ch {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
		span := hi - lo
		if span == 0 {
			span = math.Max(math.Abs(hi)*0.1, 1)
		}
		p.X.Min, p.X.Max = 1, float64(n)
		p.Y.Min, p.Y.Max = lo-span*0.1, hi+span*0.03
		p.X.Tick.Marker = niceTicker{n: 4, integer: true}
		p.Y.Tick.Marker = niceTicker{n: 3}
		if bottomRow(k, len(params), ncols) {
			p.X.Label.Text = "iteration"
		} else {
			p.X.Tick.Marker = unlabelled{p.X.Tick.Marker}
		}
		lineW := t.lw * 0.5
		p.Add(traceLines(chains, divergent, lineW, rug, t.fs*0.45))
		panels[k] = p
	}
	pg := t.newPage()
	var items []legendItem
	for c := 0; c < nc; c++ {
		items = append(items, legendItem{fmt.Sprintf("chain %d", c+1),
			lineThumb(draw.LineStyle{Color: seriesColor(c), Width: t.lw * 1.5})})
	}
	if divergent != nil {
		items = append(items, legendItem{fmt.Sprintf("divergent (%d)", nDiv), func(c *draw.Canvas, r vg.Rectangle) {
			x := (r.Min.X + r.Max.X) / 2
			c.StrokeLine2(rug, x, r.Min.Y, x, r.Max.Y)
		}})
	}
	pg.bottom = append(pg.bottom, t.legendBlock(items))
	panelH := t.gridPanelHeight(ncols)
	return newFigure("trace", o, pg.heightFor(panelH*vg.Length(nrows)), func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { t.gridPanels(c, panels, ncols) })
	}), nil
}

// Ranks draws rank plots of several parameters as small multiples: for each
// parameter the draws of all chains are ranked together and each chain's
// rank histogram is drawn as a step line over the others; well-mixed chains
// give lines that wander around the dashed line of the expected count.
func Ranks(o Options, params []ParamChains) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	if err := checkParams("plots: ranks", params, 10); err != nil {
		return nil, err
	}
	nc := len(params[0].Chains)
	t := newTheme(o)
	ncols := t.gridColumns(len(params))
	nrows := (len(params) + ncols - 1) / ncols
	refSty := draw.LineStyle{Color: grey, Width: t.thin * 1.3, Dashes: []vg.Length{t.fs * 0.35, t.fs * 0.25}}
	chainSty := func(c int) draw.LineStyle {
		return draw.LineStyle{Color: seriesColor(c), Width: t.lw, Dashes: t.seriesDash(c)}
	}
	panels := make([]*plot.Plot, len(params))
	for k, pc := range params {
		minN := len(pc.Chains[0])
		total := 0
		for _, ch := range pc.Chains {
			minN = min(minN, len(ch))
			total += len(ch)
		}
		bins := max(2, min(20, minN/5))
		counts := rankCounts(pc.Chains, bins)
		ymax := 0.0
		for _, cs := range counts {
			for _, v := range cs {
				ymax = math.Max(ymax, v)
			}
		}
		expected := float64(total) / float64(nc) / float64(bins)
		p := t.newPlot()
		t.panelTitle(p, pc.Name)
		p.X.Min, p.X.Max = 0, float64(total)
		p.Y.Min, p.Y.Max = 0, ymax*1.08
		p.X.Tick.Marker = niceTicker{n: 3, integer: true}
		p.Y.Tick.Marker = niceTicker{n: 3, integer: true}
		if bottomRow(k, len(params), ncols) {
			p.X.Label.Text = "rank (all chains)"
		} else {
			p.X.Tick.Marker = unlabelled{p.X.Tick.Marker}
		}
		if k%ncols == 0 {
			p.Y.Label.Text = "count"
		}
		w := float64(total) / float64(bins)
		p.Add(plotFunc(func(c draw.Canvas, p *plot.Plot) {
			xf, yf := p.Transforms(&c)
			c.StrokeLine2(refSty, c.Min.X, yf(expected), c.Max.X, yf(expected))
			for ci, cs := range counts {
				var pts []vg.Point
				for b, v := range cs {
					pts = append(pts, vg.Point{X: xf(float64(b) * w), Y: yf(v)}, vg.Point{X: xf(float64(b+1) * w), Y: yf(v)})
				}
				c.StrokeLines(chainSty(ci), c.ClipLinesXY(pts)...)
			}
		}))
		panels[k] = p
	}
	pg := t.newPage()
	var items []legendItem
	for c := 0; c < nc; c++ {
		items = append(items, legendItem{fmt.Sprintf("chain %d", c+1), lineThumb(chainSty(c))})
	}
	items = append(items, legendItem{"expected count if chains mix", lineThumb(refSty)})
	pg.bottom = append(pg.bottom, t.legendBlock(items))
	panelH := t.gridPanelHeight(ncols)
	return newFigure("rank", o, pg.heightFor(panelH*vg.Length(nrows)), func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { t.gridPanels(c, panels, ncols) })
	}), nil
}
