package query

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/model"
)

// rawModel is x -> y with both standardized for the fit.
const rawModel = `dag { x -> y }
settings {
  x [column="x", transform="standardize"]
  y [column="y", transform="standardize", role="outcome"]
  x -> y [sign="+"]
}`

// rawPanel simulates x ~ normal(50, 10) and y = 3 + 0.7·x + normal(0, 4)
// (no unit effects): in raw units, do(x = +Δ) moves y by 0.7·Δ.
func rawPanel(t testing.TB, units, periods int) *data.Panel {
	t.Helper()
	p, _, err := data.Simulate(data.SimSpec{Units: units, Periods: periods, Seed: 7, Equations: []data.SimEquation{
		{Node: "x", Intercept: 50, Sigma: 10},
		{Node: "y", Intercept: 3, Sigma: 4, Parents: []data.SimParent{{Node: "x", Coef: 0.7}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func colSD(t testing.TB, p *data.Panel, col string) (mean, sd float64) {
	t.Helper()
	x, err := p.Numeric(col)
	if err != nil {
		t.Fatal(err)
	}
	n := 0.0
	for _, v := range x {
		mean += v
		n++
	}
	mean /= n
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / (n - 1))
}

// TestRawScaleRoundTrip fits x -> y with both columns standardized and
// intervenes in raw units: per draw the raw effect is b_fit·sd_y/sd_x·Δx
// exactly, and its interval covers the simulated raw effect 0.7·Δx. A set
// value, a contrast, +1sd, the fit scale and a counterfactual in raw units
// follow the same closed form.
func TestRawScaleRoundTrip(t *testing.T) {
	p := rawPanel(t, 40, 10)
	m, err := model.ParseString(rawModel, "raw.dag")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := fit.NewPlan(m, p, fit.Options{NoUnitEffects: true})
	if err != nil {
		t.Fatal(err)
	}
	s := fit.DefaultSettings()
	s.Chains, s.Warmup, s.Samples, s.Seed = 2, 300, 300, 5
	f, err := fit.Run(context.Background(), pl, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	var b []float64
	for c := range f.Draws {
		for j, n := range f.Names {
			if n == "b.x.y" {
				b = append(b, f.Draws[c][j]...)
			}
		}
	}
	_, sdx := colSD(t, p, "x")
	_, sdy := colSD(t, p, "y")
	check := func(what string, got []float64, perB float64) {
		t.Helper()
		for d := range got {
			want := b[d] * perB
			if math.Abs(got[d]-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Fatalf("%s, draw %d: %.12g, want b·%g = %.12g", what, d, got[d], perB, want)
			}
		}
	}
	r, err := e.Effect(mustParse(t, "do(x = +5)"), Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check("do(x = +5)", r.Periods[0].Draws, sdy/sdx*5)
	if pe := r.Periods[0]; !(pe.Lo < 3.5 && 3.5 < pe.Hi) {
		t.Errorf("do(x = +5): 90%% interval %.3f … %.3f misses the simulated raw effect 3.5", pe.Lo, pe.Hi)
	}
	if r.ScaleKind != "raw" || r.Units != "y" || !strings.Contains(r.Scale, "standardize inverted") {
		t.Errorf("scale %q %q %q: want raw, y, standardize inverted", r.ScaleKind, r.Units, r.Scale)
	}
	if len(r.Basis.RangeWarnings) != 0 {
		t.Errorf("a shift of half an sd warns: %v", r.Basis.RangeWarnings)
	}
	// A set value against another: the effect of 10 raw units.
	r, err = e.Effect(mustParse(t, "do(x = 60)"), mustParse(t, "do(x = 50)"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	check("do(x = 60) versus do(x = 50)", r.Periods[0].Draws, sdy/sdx*10)
	// +1sd: one sd of the raw column, one sd_y per unit of b.
	r, err = e.Effect(mustParse(t, "do(x = +1sd)"), Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check("do(x = +1sd)", r.Periods[0].Draws, sdy)
	// The fit's scale: +5 is five fit-scale sds, the effect in fit sds.
	r, err = e.Effect(mustParse(t, "do(x = +5)"), Do{}, Options{Scale: Fit})
	if err != nil {
		t.Fatal(err)
	}
	check("do(x = +5) on the fit scale", r.Periods[0].Draws, 5)
	if r.ScaleKind != "fit" {
		t.Errorf("scale kind %q, want fit", r.ScaleKind)
	}
	// A unit's counterfactual: factual is the observed raw y, the
	// counterfactual adds the raw effect.
	cf, err := e.Counterfactual(mustParse(t, "do(x = +5)"), "U003", "4", Options{})
	if err != nil {
		t.Fatal(err)
	}
	row, _ := p.Row("U003", "4")
	ys, _ := p.Numeric("y")
	near(t, "factual y of U003 at 4", cf.Rows[0].Factual.Mean, ys[row], 1e-9)
	check("counterfactual difference", cf.Rows[0].DiffDraws, sdy/sdx*5)
	for d, v := range cf.Rows[0].CFDraws {
		if math.Abs(v-ys[row]-b[d]*sdy/sdx*5) > 1e-9 {
			t.Fatalf("counterfactual draw %d: %g, want %g", d, v, ys[row]+b[d]*sdy/sdx*5)
		}
	}
	// Mediation-free model: the remedies-style +1sd and sensitivity's
	// effect are in raw units too.
	sr, err := e.Sensitivity("x", SensitivityOptions{Options: Options{AssumeIdentified: true}})
	if err != nil {
		t.Fatal(err)
	}
	check("sensitivity's effect", sr.Draws, sdy)
	if sr.ScaleKind != "raw" {
		t.Errorf("sensitivity scale kind %q, want raw", sr.ScaleKind)
	}
}

// logPanel has a count-like y ≥ 0 and a positive, skewed x.
func logPanel(t testing.TB) *data.Panel {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	b.WriteString("unit,period,x,y\n")
	for u := 1; u <= 15; u++ {
		for tm := 1; tm <= 6; tm++ {
			x := math.Exp(1 + 0.8*rng.NormFloat64())
			y := math.Floor(math.Exp(0.5 + 0.4*math.Log1p(x) + 0.7*rng.NormFloat64()))
			fmt.Fprintf(&b, "U%02d,%d,%.6g,%g\n", u, tm, x, y)
		}
	}
	p, err := data.Load(strings.NewReader(b.String()), "log.csv", data.Options{UnitKey: "unit", TimeKey: "period"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLog1pOutcomeRawEffect compares the raw effect on a log1p|standardize
// outcome, and of a raw shift through a log1p|standardize exposure, with a
// direct computation from the data: per row, the exposure's fit-scale
// change is F_x(x + Δ) − F_x(x), the outcome's b times that, and the raw
// effect the mean over rows of F_y⁻¹(y + change) − F_y⁻¹(y).
func TestLog1pOutcomeRawEffect(t *testing.T) {
	p := logPanel(t)
	src := `dag { x -> y }
settings {
  x [column="x", transform="log1p|standardize", role="remedy"]
  y [column="y", transform="log1p|standardize", role="outcome"]
  x -> y [sign="+"]
}`
	const bxy = 0.5
	e, err := New(pointFitPanel(t, src, p, 3, vals(map[string]float64{"b.x.y": bxy})))
	if err != nil {
		t.Fatal(err)
	}
	xs, _ := p.Numeric("x")
	ys, _ := p.Numeric("y")
	mstd := func(v []float64) (m, s float64) {
		for _, a := range v {
			m += math.Log1p(a)
		}
		m /= float64(len(v))
		for _, a := range v {
			s += (math.Log1p(a) - m) * (math.Log1p(a) - m)
		}
		return m, math.Sqrt(s / float64(len(v)-1))
	}
	mx, sx := mstd(xs)
	my, sy := mstd(ys)
	fx := func(x float64) float64 { return (math.Log1p(x) - mx) / sx }
	fy := func(y float64) float64 { return (math.Log1p(y) - my) / sy }
	iy := func(z float64) float64 { return math.Expm1(my + sy*z) }
	direct := func(change func(r int) float64) float64 {
		sum := 0.0
		for r := range ys {
			sum += iy(fy(ys[r])+bxy*change(r)) - ys[r]
		}
		return sum / float64(len(ys))
	}
	for _, c := range []struct {
		q      string
		change func(r int) float64
	}{
		{"do(x = +3)", func(r int) float64 { return fx(xs[r]+3) - fx(xs[r]) }},
		{"do(x = 5)", func(r int) float64 { return fx(5) - fx(xs[r]) }},
		{"do(x = +0.5sd)", func(r int) float64 {
			_, sd := colSD(t, p, "x")
			return fx(xs[r]+0.5*sd) - fx(xs[r])
		}},
	} {
		r, err := e.Effect(mustParse(t, c.q), Do{}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := direct(c.change)
		for d, v := range r.Periods[0].Draws {
			if math.Abs(v-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("%s draw %d: raw effect %.12g, direct %.12g", c.q, d, v, want)
			}
		}
		// A raw shift through log1p is a per-row set on the fit's scale
		// that keeps its direction; a set value has none.
		if want := map[bool]int{true: 1, false: 0}[c.q != "do(x = 5)"]; r.Periods[0].Expected != want {
			t.Errorf("%s: expected sign %d, want %d", c.q, r.Periods[0].Expected, want)
		}
	}
	// The remedies table: +1 sd of x's own column, the effect in y's units.
	rem, err := e.Remedies(Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, sdx := colSD(t, p, "x")
	want := direct(func(r int) float64 { return fx(xs[r]+sdx) - fx(xs[r]) })
	near(t, "remedy x's raw effect", rem.Rows[0].Mean, want, 1e-9*math.Max(1, math.Abs(want)))
	if rem.ScaleKind != "raw" || rem.Units != "y" || !strings.Contains(rem.Rows[0].Shift, fmt.Sprintf("%+.4g", sdx)) {
		t.Errorf("remedies: scale %q units %q shift %q, want raw, y, +1 sd = %+.4g", rem.ScaleKind, rem.Units, rem.Rows[0].Shift, sdx)
	}
	// A counterfactual's values are in y's own units.
	cf, err := e.Counterfactual(mustParse(t, "do(x = +3)"), "U02", "3", Options{})
	if err != nil {
		t.Fatal(err)
	}
	row, _ := p.Row("U02", "3")
	near(t, "factual", cf.Rows[0].Factual.Mean, ys[row], 1e-9)
	near(t, "counterfactual", cf.Rows[0].Counterfactual.Mean, iy(fy(ys[row])+bxy*(fx(xs[row]+3)-fx(xs[row]))), 1e-9)
	// A shift that leaves log1p's domain at some row is refused.
	_, err = e.Effect(mustParse(t, "do(x = -2)"), Do{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "outside what the fit's scale can hold") {
		t.Errorf("do(x = -2) through log1p: %v", err)
	}
	_, err = e.Effect(mustParse(t, "do(x = (-1))"), Do{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "needs values between -1 and +Inf") {
		t.Errorf("do(x = (-1)) through log1p: %v", err)
	}
}

// TestRangeWarningsAndRefusals: a value outside the data's range warns
// with that range, one beyond 3× the span is refused unless allowed.
func TestRangeWarningsAndRefusals(t *testing.T) {
	p := rawPanel(t, 10, 5)
	e, err := New(pointFitPanel(t, rawModel, p, 2, vals(map[string]float64{"b.x.y": 0.5})))
	if err != nil {
		t.Fatal(err)
	}
	xs, _ := p.Numeric("x")
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range xs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	span := hi - lo
	outside := fmt.Sprintf("do(x = %g)", hi+span)
	r, err := e.Effect(mustParse(t, outside), Do{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w := r.Basis.RangeWarnings; len(w) != 1 || !strings.Contains(w[0], fmt.Sprintf("%.4g … %.4g", lo, hi)) {
		t.Errorf("%s: warnings %q, want one giving the range %.4g … %.4g", outside, w, lo, hi)
	}
	if h := strings.Join(r.Header(), "\n"); !strings.Contains(h, "WARNING: ") {
		t.Errorf("header lacks the warning:\n%s", h)
	}
	far := fmt.Sprintf("do(x = %g)", hi+3.5*span)
	_, err = e.Effect(mustParse(t, far), Do{}, Options{})
	var xe *ExtrapolationError
	if !errors.As(err, &xe) || !strings.Contains(err.Error(), "--allow-extrapolation") {
		t.Errorf("%s: %v, want an *ExtrapolationError", far, err)
	}
	if _, err := e.Effect(mustParse(t, far), Do{}, Options{AllowExtrapolation: true}); err != nil {
		t.Errorf("%s with AllowExtrapolation: %v", far, err)
	}
	// A shift that moves some rows out warns with their count; one that
	// moves them far is refused; +1sd inside the range is silent.
	half := fmt.Sprintf("do(x = +%g)", span/2)
	r, err = e.Effect(mustParse(t, half), Do{}, Options{})
	if err != nil || len(r.Basis.RangeWarnings) != 1 || !strings.Contains(r.Basis.RangeWarnings[0], "rows outside the range") {
		t.Errorf("%s: %v %q, want a warning counting the rows pushed above the maximum", half, err, r.Basis.RangeWarnings)
	}
	r, err = e.Effect(mustParse(t, "do(x = +0.1sd)"), Do{}, Options{})
	if err != nil || len(r.Basis.RangeWarnings) != 0 {
		t.Errorf("do(x = +0.1sd): %v %q, want no warning (at most 5%% of the rows leave the range)", err, r.Basis.RangeWarnings)
	}
	if _, err := e.Effect(mustParse(t, fmt.Sprintf("do(x = +%g)", 4*span)), Do{}, Options{}); !errors.As(err, &xe) {
		t.Errorf("a shift of 4 spans: %v, want an *ExtrapolationError", err)
	}
	r, err = e.Effect(mustParse(t, "do(x = q90)"), Do{}, Options{})
	if err != nil || len(r.Basis.RangeWarnings) != 0 {
		t.Errorf("do(x = q90): %v %q, want no warning", err, r.Basis.RangeWarnings)
	}
	// On the fit's scale the range is that of the standardized column.
	if _, err := e.Effect(mustParse(t, "do(x = 60)"), Do{}, Options{Scale: Fit}); !errors.As(err, &xe) || !strings.Contains(err.Error(), "on the fit's scale") {
		t.Errorf("do(x = 60) on the fit scale: %v, want refused as 60 sds", err)
	}
}

// TestMediationRawUnits: with every column standardized, the natural
// effects of a raw shift of x are the fit-scale path products times
// sd_y/sd_x per raw unit, and the proportion mediated does not change.
func TestMediationRawUnits(t *testing.T) {
	sim := data.SimSpec{Units: 10, Periods: 6, Seed: 9, Equations: []data.SimEquation{
		{Node: "x", Intercept: 20, Sigma: 5},
		{Node: "z", Sigma: 1},
		{Node: "m", Intercept: 1, Sigma: 2, Parents: []data.SimParent{{Node: "x", Coef: 0.3}}},
		{Node: "y", Intercept: 100, Sigma: 30, Parents: []data.SimParent{{Node: "m", Coef: 4}, {Node: "x", Coef: 1}}},
	}}
	src := strings.ReplaceAll(chainModel, `[column="x"]`, `[column="x", transform="standardize"]`)
	src = strings.ReplaceAll(src, `[column="m", role="mediator"]`, `[column="m", role="mediator", transform="standardize"]`)
	src = strings.ReplaceAll(src, `y [column="y"]`, `y [column="y", transform="standardize"]`)
	p, _, err := data.Simulate(sim)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(pointFitPanel(t, src, p, 4, vals(chainTruth)))
	if err != nil {
		t.Fatal(err)
	}
	_, sdx := colSD(t, p, "x")
	_, sdy := colSD(t, p, "y")
	r, err := e.Mediate("x", []string{"m"}, mustParse(t, "do(x = +2)"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	k := sdy / sdx * 2
	want := map[string]float64{"total": k * (0.3 + 0.5*0.8), "natural direct": k * 0.3, "natural indirect": k * 0.5 * 0.8,
		"proportion mediated": 0.4 / 0.7}
	for _, eff := range r.Effects {
		near(t, eff.Name, eff.Mean, want[eff.Name], 1e-9)
	}
	if r.ScaleKind != "raw" || r.Units != "y" {
		t.Errorf("scale %q units %q, want raw, y", r.ScaleKind, r.Units)
	}
}
