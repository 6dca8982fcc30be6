package plots

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot/vg"

	"gonum.org/v1/plot/vg/draw"
)

// EdgeInterval summarises the posterior of one edge coefficient.
type EdgeInterval struct {
	Child, Parent string
	// Lag is the edge's lag in periods (0 for a contemporaneous edge).
	Lag int
	// ExpectedSign is the sign the theory claims: +1, −1, or 0 for none.
	ExpectedSign int
	// Posterior quantiles: 5%, 25%, median, 75%, 95%.
	Q5, Q25, Q50, Q75, Q95 float64
	// PSign is the posterior probability of the expected sign; where no sign
	// is expected (ExpectedSign 0) it is the probability that the coefficient
	// is positive.
	PSign float64
}

// Label returns "parent → child", with the lag as "(t−k)" when it has one.
func (e EdgeInterval) Label() string {
	return e.Parent + lagSuffix(e.Lag) + " → " + e.Child
}

func lagSuffix(lag int) string {
	if lag == 0 {
		return ""
	}
	return fmt.Sprintf(" (t−%d)", lag)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// checkQuantiles reports the first non-finite or out-of-order quantile.
func checkQuantiles(where string, names []string, qs []float64) error {
	for i, q := range qs {
		if !finite(q) {
			return fmt.Errorf("%s: %s is %v, not a finite number", where, names[i], q)
		}
		if i > 0 && q < qs[i-1] {
			return fmt.Errorf("%s: %s = %g is below %s = %g; quantiles must be in increasing order",
				where, names[i], q, names[i-1], qs[i-1])
		}
	}
	return nil
}

func checkProb(where, name string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("%s: %s = %v is not a probability in [0, 1]", where, name, p)
	}
	return nil
}

// validateEdgeInterval checks one edge summary; i is its 0-based index.
func validateEdgeInterval(fig string, i int, e EdgeInterval) error {
	where := fmt.Sprintf("plots: %s: edge %d (%s)", fig, i+1, e.Label())
	if strings.TrimSpace(e.Child) == "" || strings.TrimSpace(e.Parent) == "" {
		return fmt.Errorf("%s: parent and child names must not be empty", where)
	}
	if e.Lag < 0 {
		return fmt.Errorf("%s: lag %d is negative", where, e.Lag)
	}
	if e.ExpectedSign < -1 || e.ExpectedSign > 1 {
		return fmt.Errorf("%s: expected sign %d is not -1, 0 or +1", where, e.ExpectedSign)
	}
	if err := checkQuantiles(where, []string{"Q5", "Q25", "Q50", "Q75", "Q95"},
		[]float64{e.Q5, e.Q25, e.Q50, e.Q75, e.Q95}); err != nil {
		return err
	}
	return checkProb(where, "PSign", e.PSign)
}

// signStyle gives the marker of an expected sign: + blue circle, − vermillion
// square, none black ring; shapes differ so that greyscale prints keep them apart.
func (t theme) signStyle(sign int) (draw.GlyphStyle, string) {
	r := t.fs * 0.3
	switch sign {
	case 1:
		return draw.GlyphStyle{Color: blue, Radius: r, Shape: draw.CircleGlyph{}}, "+"
	case -1:
		return draw.GlyphStyle{Color: vermil, Radius: r * 0.9, Shape: draw.BoxGlyph{}}, "−"
	}
	return draw.GlyphStyle{Color: black, Radius: r, Shape: openCircle{}}, "·"
}

// Forest draws every edge's posterior (median, 50% and 90% intervals), grouped
// by child node in order of first appearance, with the expected sign and the
// posterior probability of that sign in columns on the right, and a dashed
// line at zero.
func Forest(o Options, edges []EdgeInterval) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	if len(edges) == 0 {
		return nil, fmt.Errorf("plots: forest: no edges to draw")
	}
	var children []string
	byChild := map[string][]EdgeInterval{}
	for i, e := range edges {
		if err := validateEdgeInterval("forest", i, e); err != nil {
			return nil, err
		}
		if _, ok := byChild[e.Child]; !ok {
			children = append(children, e.Child)
		}
		byChild[e.Child] = append(byChild[e.Child], e)
	}
	t := newTheme(o)
	rc := &rowChart{columns: []string{"sign", "P"}, zero: true, xlabel: "edge coefficient"}
	if o.XLabel != "" {
		rc.xlabel = o.XLabel
	}
	anySign := map[int]bool{}
	for _, ch := range children {
		rc.rows = append(rc.rows, rowItem{label: ch + " ←", header: true, outer: nan2, inner: nan2})
		for _, e := range byChild[ch] {
			g, s := t.signStyle(e.ExpectedSign)
			anySign[e.ExpectedSign] = true
			rc.rows = append(rc.rows, rowItem{
				label:  e.Parent + lagSuffix(e.Lag),
				indent: true,
				outer:  [2]float64{e.Q5, e.Q95},
				inner:  [2]float64{e.Q25, e.Q75},
				points: []rowPoint{{x: e.Q50, glyph: g}},
				color:  g.Color,
				cells:  []string{s, formatProb(e.PSign)},
			})
		}
	}
	pg := t.newPage()
	var items []legendItem
	for _, s := range []int{1, -1, 0} {
		if !anySign[s] {
			continue
		}
		g, _ := t.signStyle(s)
		label := map[int]string{1: "expected +", -1: "expected −", 0: "no expected sign"}[s]
		items = append(items, legendItem{label, intervalThumb(
			draw.LineStyle{Color: g.Color, Width: t.lw}, draw.LineStyle{Color: g.Color, Width: 3 * t.lw}, g)})
	}
	pg.bottom = append(pg.bottom, t.legendBlock(items))
	note := "Point: posterior median; thick bar: 50% interval; thin bar: 90% interval. " +
		"P: posterior probability of the expected sign (of a positive coefficient where none is expected)."
	pg.bottom = append(pg.bottom, t.textBlock(note, t.style(t.small, false), false))
	h := pg.heightFor(rc.mainHeight(t))
	return newFigure("forest", o, h, func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { rc.draw(t, c) })
	}), nil
}

// Effect is the posterior of one remedy's effect on the outcome.
type Effect struct {
	Name          string
	Mean, Q5, Q95 float64
	PReduce       float64 // posterior probability that the remedy reduces the outcome
}

// Remedies draws each remedy's effect on the outcome as a posterior mean with
// a 90% interval, with P(reduces) in a column on the right.
func Remedies(o Options, effects []Effect) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	if len(effects) == 0 {
		return nil, fmt.Errorf("plots: remedies: no remedies to draw")
	}
	t := newTheme(o)
	rc := &rowChart{columns: []string{"P(reduces)"}, zero: true, xlabel: "effect on the outcome"}
	if o.XLabel != "" {
		rc.xlabel = o.XLabel
	}
	g := draw.GlyphStyle{Color: blue, Radius: t.fs * 0.3, Shape: draw.CircleGlyph{}}
	for i, e := range effects {
		where := fmt.Sprintf("plots: remedies: remedy %d (%s)", i+1, e.Name)
		if strings.TrimSpace(e.Name) == "" {
			return nil, fmt.Errorf("plots: remedies: remedy %d has no name", i+1)
		}
		if err := checkQuantiles(where, []string{"Q5", "Q95"}, []float64{e.Q5, e.Q95}); err != nil {
			return nil, err
		}
		if !finite(e.Mean) {
			return nil, fmt.Errorf("%s: Mean is %v, not a finite number", where, e.Mean)
		}
		if err := checkProb(where, "PReduce", e.PReduce); err != nil {
			return nil, err
		}
		rc.rows = append(rc.rows, rowItem{
			label:  e.Name,
			outer:  [2]float64{e.Q5, e.Q95},
			inner:  nan2,
			points: []rowPoint{{x: e.Mean, glyph: g}},
			color:  blue,
			cells:  []string{formatProb(e.PReduce)},
		})
	}
	pg := t.newPage()
	pg.bottom = append(pg.bottom, t.textBlock(
		"Point: posterior mean; bar: 90% interval. Negative effects reduce the outcome.",
		t.style(t.small, false), false))
	h := pg.heightFor(rc.mainHeight(t))
	return newFigure("remedies", o, h, func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { rc.draw(t, c) })
	}), nil
}

// UnitCF is one unit's factual outcome and its counterfactual posterior.
type UnitCF struct {
	Unit                string
	Factual             float64
	CFMean, CFQ5, CFQ95 float64
}

// Counterfactual draws, for each unit, the factual outcome and the
// counterfactual's posterior mean with its 90% interval, and the difference
// (counterfactual − factual) in a column on the right.
func Counterfactual(o Options, units []UnitCF) (*Figure, error) {
	o, err := o.resolved()
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return nil, fmt.Errorf("plots: counterfactual: no units to draw")
	}
	t := newTheme(o)
	rc := &rowChart{columns: []string{"change"}, xlabel: "outcome"}
	if o.XLabel != "" {
		rc.xlabel = o.XLabel
	}
	fg := draw.GlyphStyle{Color: black, Radius: t.fs * 0.28, Shape: draw.CircleGlyph{}}
	cg := draw.GlyphStyle{Color: blue, Radius: t.fs * 0.34, Shape: draw.TriangleGlyph{}}
	for i, u := range units {
		where := fmt.Sprintf("plots: counterfactual: unit %d (%s)", i+1, u.Unit)
		if strings.TrimSpace(u.Unit) == "" {
			return nil, fmt.Errorf("plots: counterfactual: unit %d has no name", i+1)
		}
		if !finite(u.Factual) {
			return nil, fmt.Errorf("%s: Factual is %v, not a finite number", where, u.Factual)
		}
		if !finite(u.CFMean) {
			return nil, fmt.Errorf("%s: CFMean is %v, not a finite number", where, u.CFMean)
		}
		if err := checkQuantiles(where, []string{"CFQ5", "CFQ95"}, []float64{u.CFQ5, u.CFQ95}); err != nil {
			return nil, err
		}
		d := u.CFMean - u.Factual
		cell := formatSig(d)
		if d > 0 {
			cell = "+" + cell
		}
		rc.rows = append(rc.rows, rowItem{
			label:  u.Unit,
			outer:  [2]float64{u.CFQ5, u.CFQ95},
			inner:  nan2,
			points: []rowPoint{{x: u.Factual, glyph: fg}, {x: u.CFMean, glyph: cg}},
			color:  blue,
			cells:  []string{cell},
		})
	}
	pg := t.newPage()
	pg.bottom = append(pg.bottom, t.legendBlock([]legendItem{
		{"factual", glyphThumb(fg)},
		{"counterfactual mean, 90% interval", intervalThumb(draw.LineStyle{Color: blue, Width: t.lw}, draw.LineStyle{}, cg)},
	}))
	pg.bottom = append(pg.bottom, t.textBlock("change: counterfactual mean − factual.", t.style(t.small, false), false))
	h := pg.heightFor(rc.mainHeight(t))
	return newFigure("counterfactual", o, h, func(c draw.Canvas) {
		pg.draw(c, func(c draw.Canvas) { rc.draw(t, c) })
	}), nil
}

// openCircle is a ring with a white inside, visible on top of a bar.
type openCircle struct{}

func (openCircle) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.SetColor(white)
	c.Fill(p)
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: sty.Radius * 0.35})
	c.Stroke(p)
}
