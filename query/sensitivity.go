package query

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// SensitivityOptions set the grid of confounder strengths.
type SensitivityOptions struct {
	Options
	// A lists the strengths of U -> exposure (standardized: the
	// correlation-like share of the exposure's residual sd per sd of U),
	// default 0, 0.1, …, 0.5.
	A []float64
	// B lists the strengths of U -> outcome (in residual sds of the
	// outcome per sd of U), default −0.5, −0.4, …, 0.5.
	B []float64
	// PriorSD, when positive, also averages over a confounder whose
	// strengths are drawn per posterior draw from normal(0, PriorSD)
	// (a truncated to |a| < 1).
	PriorSD float64
}

// SensitivityCell is the effect corrected for one confounder strength.
type SensitivityCell struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
	// Bias is the mean (over draws) of the bias removed.
	Bias float64 `json:"bias"`
	Summary
	// Flipped is set when the corrected posterior mean has the opposite
	// sign of the uncorrected one.
	Flipped bool `json:"flipped"`
}

// MarshalJSON writes the cell with its summary.
func (c SensitivityCell) MarshalJSON() ([]byte, error) {
	return json.Marshal(c.jsonMap(map[string]any{"a": c.A, "b": c.B, "bias": nullable(c.Bias), "flipped": c.Flipped}))
}

// SensitivityReport says how the effect of a +1 sd shift of the exposure on
// the outcome changes under an unobserved confounder U of both.
type SensitivityReport struct {
	Exposure string `json:"exposure"`
	Outcome  string `json:"outcome"`
	// Scale is the scale the effect and the bias are on (the outcome's
	// linear predictor for discrete outcomes); ScaleKind is "raw" or "fit"
	// and Units names the outcome's unit.
	Scale     string  `json:"scale"`
	ScaleKind string  `json:"scale_kind"`
	Units     string  `json:"units"`
	Base      Summary `json:"effect"`
	// A, B and Cells[i][k] (a = A[i], b = B[k]) form the grid.
	A     []float64           `json:"a"`
	B     []float64           `json:"b"`
	Cells [][]SensitivityCell `json:"cells"`
	// FlipMean is the strength r (a = r, b = ±r toward zero) at which the
	// posterior mean reaches 0; FlipInterval the r at which the credible
	// interval first includes 0 (0 when it already does). Either is +Inf
	// when no r up to 3 gets there.
	FlipMean     float64  `json:"flip_mean"`
	FlipInterval float64  `json:"flip_interval"`
	Prior        *Summary `json:"prior_averaged,omitempty"`
	Derivation   []string `json:"derivation"`
	Basis        *Basis   `json:"rests_on"`
	// Draws are the fitted effects per draw and BiasFactor the bias per
	// unit of a·b per draw (σ_Y·sd_X/σ_X).
	Draws      []float64 `json:"-"`
	BiasFactor []float64 `json:"-"`
}

// MarshalJSON writes the report with infinite flip points as null (no
// strength up to 3 flips the conclusion).
func (r *SensitivityReport) MarshalJSON() ([]byte, error) {
	type plain SensitivityReport
	return json.Marshal(struct {
		*plain
		FlipMean     any `json:"flip_mean"`
		FlipInterval any `json:"flip_interval"`
	}{(*plain)(r), nullable(r.FlipMean), nullable(r.FlipInterval)})
}

// Sensitivity computes the effect of do(exposure = +1sd) on the outcome and
// how an unobserved confounder U ~ normal(0, 1) of exposure and outcome
// would change it. With U -> X of strength a·σ_X and U -> Y of strength
// b·σ_Y (σ_X the exposure's residual sd given its parents, σ_Y the
// outcome's residual sd), the fitted effect carries the omitted-variable
// bias
//
//	per unit of X:     a·σ_X · b·σ_Y / σ_X² = a·b·σ_Y/σ_X
//	per +1 sd of X:    a·b·σ_Y · sd_X/σ_X
//
// (regressing Y on X and the other adjusted causes Z, with U independent of
// Z: the coefficient of X is the causal one plus b_U·cov(U, X | Z)/var(X |
// Z) = b_U·a_U/σ_X²). The corrected effect per draw is the fitted effect
// minus that bias. For a discrete outcome the bias is taken on its latent
// logistic scale (σ_Y = π/√3) and the effect on its linear predictor.
func (e *Engine) Sensitivity(exposure string, opt SensitivityOptions) (*SensitivityReport, error) {
	do := Do{Assign: []Assignment{{Node: exposure, Kind: ShiftSD, Value: 1}}}
	do.Source = do.String()
	o := opt.Options
	// The bias formula needs a shift that is the same at every row on the
	// fit's scale: the exposure is shifted by one sd of its fit-scale
	// column (one sd of its own column when its transform is linear).
	want := o.Scale
	o.Scale = Fit
	y, acts, _, b, err := e.check(do.String(), do, Do{}, &o, nil)
	if err != nil {
		return nil, err
	}
	o.Scale = want
	s := e.s
	yn := s.nodes[y]
	x := s.nodes[acts[0].node]
	if len(opt.A) == 0 {
		opt.A = []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5}
	}
	if len(opt.B) == 0 {
		opt.B = []float64{-0.5, -0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5}
	}
	for _, a := range opt.A {
		if !(a >= -1 && a <= 1) {
			return nil, fmt.Errorf("confounder strength a = %g on the exposure: want −1 … 1 (a share of its residual sd)", a)
		}
	}
	j := &job{scen: []scenario{{w: s.newWorld(acts)}}, base: s.newWorld(nil), outcome: y, horizon: o.Horizon, pulse: o.Pulse, starts: allRows(s.layout.Rows)}
	res := s.run(j)
	b.Method = s.method(j, res.approx)
	H := o.Horizon
	eff := res.eta[0][H]
	rep := &SensitivityReport{Exposure: exposure, Outcome: yn.name, A: opt.A, B: opt.B, Basis: b}
	osc, err := e.outcomeScale(y, &o)
	if err != nil {
		return nil, err
	}
	rep.Scale, rep.ScaleKind, rep.Units = osc.text, osc.kind.String(), osc.unit
	if !yn.linear() {
		rep.Scale = fmt.Sprintf("the linear predictor (link scale) of %s", yn.name)
		if yn.thr != nil {
			rep.Scale = fmt.Sprintf("the linear predictor (log-odds / latent logistic scale) of %s", yn.name)
		}
		rep.ScaleKind, rep.Units = Fit.String(), "linear predictor"
	} else if osc.perRow != nil {
		rep.Scale = fmt.Sprintf("%s on the fit's transformed scale: the confounder's bias is linear there, and the transform %s is not, so it cannot be given in the column's own units", yn.name, osc.nu.u.Inverted)
		rep.ScaleKind, rep.Units = Fit.String(), "fit scale"
	}
	toRaw := 1.0
	if yn.linear() && osc.perRow == nil {
		toRaw = 1 / osc.slope
	}
	// k[d] = σ_Y · sd_X / σ_X per draw: the bias is a·b·k.
	sigY, whatY, err := e.residualSD(yn)
	if err != nil {
		return nil, err
	}
	sigX, whatX, _ := e.residualSD(x)
	k := make([]float64, s.nDraws)
	for d := range k {
		k[d] = sigY[d] * x.sd / sigX[d] * toRaw
	}
	if toRaw != 1 {
		raw := make([]float64, len(eff))
		for d, v := range eff {
			raw[d] = v * toRaw
		}
		eff = raw
	}
	sign := e.expectedSign(acts, nil, yn.name, H, o.Pulse)
	rep.Base = Summarize(eff, o.Level, sign)
	rep.Draws, rep.BiasFactor = eff, k
	rep.Derivation = []string{
		"U ~ normal(0, 1) confounds " + exposure + " and " + yn.name + ": U -> " + exposure + " with strength a·σ_X, U -> " + yn.name + " with strength b·σ_Y",
		"σ_X = " + whatX + "; σ_Y = " + whatY + fmt.Sprintf("; sd_X = %.4g (%s)", x.sd, x.sdIs),
		"omitted-variable bias of the +1 sd effect: a·b·σ_Y·sd_X/σ_X (the fitted effect minus it is the corrected effect)",
	}
	if xu, _ := e.units(acts[0].node); want == Raw && xu != nil && !xu.linear {
		rep.Derivation = append(rep.Derivation, fmt.Sprintf("the exposure is shifted by one sd of its fit-scale column, the same at every row (its transform %s is not linear, and the bias formula needs the same shift everywhere)", xu.u.Inverted))
	}
	if toRaw != 1 {
		rep.Derivation = append(rep.Derivation, fmt.Sprintf("effects and biases are converted to the units of %s by the factor %.4g (its transform %s is linear)", rep.Units, toRaw, osc.nu.u.Inverted))
	}
	adj := make([]float64, len(eff))
	for _, a := range opt.A {
		var row []SensitivityCell
		for _, bb := range opt.B {
			bias := 0.0
			for d := range eff {
				adj[d] = eff[d] - a*bb*k[d]
				bias += a * bb * k[d]
			}
			c := SensitivityCell{A: a, B: bb, Bias: bias / float64(len(eff)), Summary: Summarize(adj, o.Level, sign)}
			c.Flipped = c.Mean*rep.Base.Mean < 0
			row = append(row, c)
		}
		rep.Cells = append(rep.Cells, row)
	}
	rep.FlipMean, rep.FlipInterval = flipPoints(eff, k, o.Level)
	if opt.PriorSD > 0 {
		rng := rand.New(rand.NewPCG(o.Seed, 0x5e5))
		for d := range eff {
			a := rng.NormFloat64() * opt.PriorSD
			for math.Abs(a) >= 1 {
				a = rng.NormFloat64() * opt.PriorSD
			}
			bb := rng.NormFloat64() * opt.PriorSD
			adj[d] = eff[d] - a*bb*k[d]
		}
		ps := Summarize(adj, o.Level, sign)
		rep.Prior = &ps
	}
	return rep, nil
}

// residualSD returns per draw the residual sd of node n given its parents
// and says what it is.
func (e *Engine) residualSD(n *sysNode) ([]float64, string, error) {
	s := e.s
	out := make([]float64, s.nDraws)
	fill := func(v float64) {
		for d := range out {
			out[d] = v
		}
	}
	switch {
	case n.kind == kindLatent:
		fill(1)
		return out, "1 (the latent scale)", nil
	case n.kind == kindExogenous:
		fill(n.sd)
		return out, fmt.Sprintf("%.4g (the sd of its column: it has no parents in the fit)", n.sd), nil
	}
	// The family's noise on the linear predictor's scale, per draw.
	par := make([]float64, len(n.par))
	d := 0
	for c := range s.draws {
		for i := range s.draws[c][0] {
			for k, j := range n.par {
				par[k] = s.draws[c][j][i]
			}
			out[d] = n.fam.NoiseSD(par)
			d++
		}
	}
	if math.IsNaN(out[0]) {
		return nil, "", fmt.Errorf("sensitivity analysis needs a node with noise on its linear predictor's scale (gaussian, latent, bernoulli, ordered); %s is %s", n.name, n.famName())
	}
	if n.hasAR {
		return out, s.arResidualSD(n, out), nil // ar.go
	}
	if n.fam.Linear() {
		return out, strings.Join(n.fam.ParamNames(n.name), ", ") + " per draw", nil
	}
	return out, "π/√3 (the latent logistic sd)", nil
}

// flipPoints finds the strength r (a = r and b = ±r, toward zero) at which
// the corrected posterior mean reaches 0, and at which the central
// interval first includes 0.
func flipPoints(eff, k []float64, level float64) (rMean, rInterval float64) {
	base := Summarize(eff, level, 0)
	sg := 1.0
	if base.Mean < 0 {
		sg = -1
	}
	adj := make([]float64, len(eff))
	at := func(r float64) Summary {
		for d := range eff {
			adj[d] = eff[d] - sg*r*r*k[d]
		}
		return Summarize(adj, level, 0)
	}
	const rMax = 3.0
	solve := func(crossed func(Summary) bool) float64 {
		if crossed(at(0)) {
			return 0
		}
		if !crossed(at(rMax)) {
			return math.Inf(1)
		}
		lo, hi := 0.0, rMax
		for range 50 {
			mid := (lo + hi) / 2
			if crossed(at(mid)) {
				hi = mid
			} else {
				lo = mid
			}
		}
		return hi
	}
	rMean = solve(func(s Summary) bool { return s.Mean*sg <= 0 })
	// Toward zero the interval's end nearer zero crosses it first.
	rInterval = solve(func(s Summary) bool {
		if sg > 0 {
			return s.Lo <= 0
		}
		return s.Hi >= 0
	})
	return rMean, rInterval
}

// Grid returns the corrected posterior means on the grid (z[i][k] for a =
// A[i], b = B[k]), for a contour plot.
func (r *SensitivityReport) Grid() (a, b []float64, z [][]float64) {
	z = make([][]float64, len(r.Cells))
	for i, row := range r.Cells {
		z[i] = make([]float64, len(row))
		for k, c := range row {
			z[i][k] = c.Mean
		}
	}
	return append([]float64(nil), r.A...), append([]float64(nil), r.B...), z
}
