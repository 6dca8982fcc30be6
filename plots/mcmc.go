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

// checkChains validates per-chain draws: at least one chain, each with at
// least minDraws finite values.
func checkChains(where string, chains [][]float64, minDraws int) error {
	if len(chains) == 0 {
		return fmt.Errorf("%s: no chains", where)
	}
	for c, ch := range chains {
		if len(ch) < minDraws {
			return fmt.Errorf("%s: chain %d has %d draws, need at least %d", where, c+1, len(ch), minDraws)
		}
		for i, x := range ch {
			if !finite(x) {
				return fmt.Errorf("%s: chain %d, draw %d is %v, not a finite number", where, c+1, i+1, x)
			}
		}
	}
	return nil
}

// maxTracePoints bounds the points drawn per chain; longer chains are thinned
// for drawing (divergences are always all marked).
const maxTracePoints = 2000

// Trace draws the draws of one parameter against iteration, one line per
// chain, with divergent transitions marked as a rug along the bottom.
// divergent may be nil; otherwise it has one slice per chain of the same length.
func Trace(o Options, name string, chains [][]float64, divergent [][]bool) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	where := "plots: trace " + name
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("plots: trace: no parameter name")
	}
	if err := checkChains(where, chains, 2); err != nil {
		return nil, err
	}
	if divergent != nil && len(divergent) != len(chains) {
		return nil, fmt.Errorf("%s: divergence flags for %d chains, draws for %d", where, len(divergent), len(chains))
	}
	nDiv := 0
	for c := range divergent {
		if len(divergent[c]) != len(chains[c]) {
			return nil, fmt.Errorf("%s: chain %d has %d divergence flags for %d draws", where, c+1, len(divergent[c]), len(chains[c]))
		}
		for _, d := range divergent[c] {
			if d {
				nDiv++
			}
		}
	}
	t := newTheme(o)
	p := t.newPlot()
	p.X.Label.Text = "iteration"
	p.Y.Label.Text = name
	if o.XLabel != "" {
		p.X.Label.Text = o.XLabel
	}
	if o.YLabel != "" {
		p.Y.Label.Text = o.YLabel
	}
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
	p.Y.Min, p.Y.Max = lo-span*0.08, hi+span*0.03 // room for the rug
	p.X.Tick.Marker = niceTicker{n: 5, integer: true}
	lineW := t.lw * 0.6
	rug := draw.LineStyle{Color: black, Width: t.thin * 1.2}
	p.Add(traceLines(chains, divergent, lineW, rug, t.fs*0.6))
	pg := t.newPage()
	var items []legendItem
	for k := range chains {
		items = append(items, legendItem{fmt.Sprintf("chain %d", k+1),
			lineThumb(draw.LineStyle{Color: seriesColor(k), Width: t.lw * 1.5})})
	}
	if divergent != nil {
		items = append(items, legendItem{fmt.Sprintf("divergent (%d)", nDiv), func(c *draw.Canvas, r vg.Rectangle) {
			x := (r.Min.X + r.Max.X) / 2
			c.StrokeLine2(rug, x, r.Min.Y, x, r.Max.Y)
		}})
	}
	pg.bottom = append(pg.bottom, t.legendBlock(items))
	mainH := clampLen(t.width*0.5, vg.Inch*1.5, vg.Inch*3.2)
	return newFigure("trace", o, pg.heightFor(mainH), func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { p.Draw(c) })
	}), nil
}

// fractionalRanks returns the ranks (1..N, ties averaged) of the pooled draws.
func fractionalRanks(chains [][]float64) [][]float64 {
	type item struct {
		v    float64
		c, i int
	}
	var all []item
	for c, ch := range chains {
		for i, v := range ch {
			all = append(all, item{v, c, i})
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].v < all[b].v })
	ranks := make([][]float64, len(chains))
	for c, ch := range chains {
		ranks[c] = make([]float64, len(ch))
	}
	for a := 0; a < len(all); {
		b := a
		for b+1 < len(all) && all[b+1].v == all[a].v {
			b++
		}
		r := float64(a+b)/2 + 1
		for k := a; k <= b; k++ {
			ranks[all[k].c][all[k].i] = r
		}
		a = b + 1
	}
	return ranks
}

// rankCounts bins each chain's pooled ranks into bins equal-width bins.
func rankCounts(chains [][]float64, bins int) [][]float64 {
	ranks := fractionalRanks(chains)
	total := 0
	for _, ch := range chains {
		total += len(ch)
	}
	counts := make([][]float64, len(chains))
	for c := range ranks {
		counts[c] = make([]float64, bins)
		for _, r := range ranks[c] {
			b := int((r - 0.5) / float64(total) * float64(bins))
			counts[c][min(max(b, 0), bins-1)]++
		}
	}
	return counts
}

// Rank draws rank histograms of one parameter: the draws of all chains are
// ranked together and each chain's ranks are binned; well-mixed chains give
// flat histograms around the dashed line of the expected count.
func Rank(o Options, name string, chains [][]float64) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	where := "plots: rank " + name
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("plots: rank: no parameter name")
	}
	if err := checkChains(where, chains, 10); err != nil {
		return nil, err
	}
	minN := len(chains[0])
	for _, ch := range chains {
		minN = min(minN, len(ch))
	}
	bins := max(2, min(20, minN/5))
	counts := rankCounts(chains, bins)
	total := 0
	for _, ch := range chains {
		total += len(ch)
	}
	t := newTheme(o)
	ncols := min(len(chains), max(1, int(float64(t.innerWidth()/(t.fs*13)))), 4)
	nrows := (len(chains) + ncols - 1) / ncols
	ymax := 0.0
	for _, cs := range counts {
		for _, v := range cs {
			ymax = math.Max(ymax, v)
		}
	}
	fill := tint(blue, 0.35)
	refSty := draw.LineStyle{Color: black, Width: t.thin * 1.5, Dashes: []vg.Length{t.fs * 0.35, t.fs * 0.25}}
	plots := make([]*plot.Plot, len(chains))
	for k := range chains {
		k := k
		p := t.newPlot()
		p.Title.Text = fmt.Sprintf("chain %d", k+1)
		p.Title.TextStyle = t.style(t.small, false)
		p.Title.TextStyle.XAlign = draw.XCenter
		p.Title.TextStyle.YAlign = draw.YTop
		p.X.Min, p.X.Max = 0, float64(total)
		p.Y.Min, p.Y.Max = 0, ymax*1.08
		p.X.Tick.Marker = niceTicker{n: 2, integer: true}
		p.Y.Tick.Marker = niceTicker{n: 3, integer: true}
		if k%ncols == 0 {
			p.Y.Label.Text = "count"
		}
		if k/ncols == nrows-1 || k+ncols >= len(chains) {
			p.X.Label.Text = "rank"
		}
		expected := float64(len(chains[k])) / float64(bins)
		p.Add(plotFunc(func(c draw.Canvas, p *plot.Plot) {
			xf, yf := p.Transforms(&c)
			w := float64(total) / float64(bins)
			for b, v := range counts[k] {
				x0, x1 := xf(float64(b)*w), xf(float64(b+1)*w)
				gap := (x1 - x0) * 0.06
				c.FillPolygon(fill, c.ClipPolygonXY([]vg.Point{
					{X: x0 + gap, Y: yf(0)}, {X: x1 - gap, Y: yf(0)}, {X: x1 - gap, Y: yf(v)}, {X: x0 + gap, Y: yf(v)}}))
			}
			c.StrokeLine2(refSty, c.Min.X, yf(expected), c.Max.X, yf(expected))
		}))
		plots[k] = p
	}
	pg := t.newPage()
	if o.Title == "" {
		pg.top = append(pg.top, t.textBlock("Rank histograms: "+name, t.style(t.fs, true), true))
	}
	pg.bottom = append(pg.bottom, t.legendBlock([]legendItem{
		{"ranks of the chain's draws among all chains", fillThumb(fill, draw.LineStyle{})},
		{"expected count if chains mix", lineThumb(refSty)},
	}))
	panelH := max(t.innerWidth()/vg.Length(ncols)*0.55, t.fs*8)
	return newFigure("rank", o, pg.heightFor(panelH*vg.Length(nrows)), func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { t.gridPanels(c, plots, ncols) })
	}), nil
}

// EBFMI returns the energy Bayesian fraction of missing information of one
// chain's energies: Σ(E_t − E_{t−1})² / Σ(E_t − Ē)². Values below 0.3 suggest
// that the sampler explores the energy levels poorly.
func EBFMI(energy []float64) float64 {
	if len(energy) < 2 {
		return math.NaN()
	}
	m, _ := meanSD(energy)
	var num, den float64
	for i, e := range energy {
		den += (e - m) * (e - m)
		if i > 0 {
			d := e - energy[i-1]
			num += d * d
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// Energy compares the marginal energy distribution (centred per chain) with
// the energy-transition distribution ΔE of HMC/NUTS, pooled over chains, and
// lists each chain's E-BFMI; a transition density much narrower than the
// marginal one signals poor exploration.
func Energy(o Options, energy [][]float64) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	if err := checkChains("plots: energy", energy, 3); err != nil {
		return nil, err
	}
	var marg, trans []float64
	bfmi := make([]float64, len(energy))
	for c, ch := range energy {
		m, _ := meanSD(ch)
		for i, e := range ch {
			marg = append(marg, e-m)
			if i > 0 {
				trans = append(trans, e-ch[i-1])
			}
		}
		bfmi[c] = EBFMI(ch)
	}
	lo, hi := densityRange(marg, trans)
	pad := (hi - lo) * 0.05
	x := linspace(lo-pad, hi+pad, densityGrid)
	dm := kdeEval(marg, silvermanBandwidth(marg), x)
	dt := kdeEval(trans, silvermanBandwidth(trans), x)
	ymax := 0.0
	for i := range x {
		ymax = math.Max(ymax, math.Max(dm[i], dt[i]))
	}
	t := newTheme(o)
	p := t.newPlot()
	p.X.Label.Text = "energy (centred per chain)"
	p.Y.Label.Text = "density"
	if o.XLabel != "" {
		p.X.Label.Text = o.XLabel
	}
	if o.YLabel != "" {
		p.Y.Label.Text = o.YLabel
	}
	p.X.Min, p.X.Max = x[0], x[len(x)-1]
	p.Y.Min, p.Y.Max = 0, ymax*1.05
	margFill := tint(EnergyMarginal.Colour, 0.6)
	margSty := EnergyMarginal.line(t, t.lw)
	transSty := EnergyTransition.line(t, t.lw*1.5)
	p.Add(plotFunc(func(c draw.Canvas, p *plot.Plot) {
		zeros := make([]float64, len(x))
		fillBand(c, p, margFill, x, zeros, dm)
		strokeData(c, p, margSty, x, dm)
		strokeData(c, p, transSty, x, dt)
	}))
	pg := t.newPage()
	pg.bottom = append(pg.bottom, t.legendBlock([]legendItem{
		{"marginal energy", combineThumbs(fillThumb(margFill, draw.LineStyle{}), lineThumb(margSty))},
		{"energy transition", lineThumb(transSty)},
	}))
	var parts []string
	low := false
	for c, b := range bfmi {
		v := formatNum(b, 2)
		if math.IsNaN(b) {
			v = "n/a (constant energy)"
		}
		s := fmt.Sprintf("chain %d: %s", c+1, v)
		if b < 0.3 {
			s += " (low)"
			low = true
		}
		parts = append(parts, s)
	}
	note := "E-BFMI by chain: " + strings.Join(parts, ", ") + "."
	if low {
		note += " Values below 0.3 suggest poor exploration."
	}
	pg.bottom = append(pg.bottom, t.textBlock(note, t.style(t.small, false), false))
	mainH := clampLen(t.width*0.55, vg.Inch*1.6, vg.Inch*3.2)
	return newFigure("energy", o, pg.heightFor(mainH), func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { p.Draw(c) })
	}), nil
}

// traceLines draws each chain's trace (thinned to maxTracePoints) in its
// series colour, and a rug tick of height rugH at the bottom for every
// divergent iteration.
func traceLines(chains [][]float64, divergent [][]bool, lineW vg.Length, rug draw.LineStyle, rugH vg.Length) plotFunc {
	return func(c draw.Canvas, p *plot.Plot) {
		for k, ch := range chains {
			step := (len(ch) + maxTracePoints - 1) / maxTracePoints
			var xs, ys []float64
			for i := 0; i < len(ch); i += step {
				xs, ys = append(xs, float64(i+1)), append(ys, ch[i])
			}
			strokeData(c, p, draw.LineStyle{Color: seriesColor(k), Width: lineW}, xs, ys)
		}
		xf, _ := p.Transforms(&c)
		for k := range divergent {
			for i, d := range divergent[k] {
				if d {
					x := xf(float64(i + 1))
					c.StrokeLine2(rug, x, c.Min.Y, x, c.Min.Y+rugH)
				}
			}
		}
	}
}
