package sem

import (
	"fmt"
	"strconv"
)

// Spec is a structural equation model over one panel, in plain terms: the
// panel's row structure, one equation per observed node with data, and the
// latent nodes with their indicators. A caller builds it from a causal graph
// and a data set; Compile turns it into a log posterior.
type Spec struct {
	// Name is the model's name (for messages only).
	Name string
	// Layout is the panel's row structure shared by every column.
	Layout Layout
	// Equations holds one equation per observed node that is modelled.
	// Exogenous roots are not equations: their columns enter only as Term.X.
	Equations []Equation
	// Latents holds the latent nodes, each with its indicators.
	Latents []Latent
	// PriorOnly switches off the likelihood of every observed column, so
	// that sampling draws from the prior (prior predictive checks). Priors,
	// random-effect distributions and the structural equations of latent
	// nodes stay on.
	PriorOnly bool
}

// Layout is the row structure of a panel: which unit and which period each
// row belongs to. Every column in a Spec has Rows entries in this order.
type Layout struct {
	// Rows is the number of rows of every column.
	Rows int
	// Units are the unit labels (countries). Empty for a cross-section,
	// where no unit random intercepts are possible.
	Units []string
	// Unit is, per row, the index into Units. Nil for a cross-section.
	Unit []int
	// Times are the period labels in time order. May be empty.
	Times []string
	// Time is, per row, the index into Times. Nil when Times is empty.
	Time []int
	// Ordinal is, per row, the calendar ordinal of its period (months for
	// YYYY-MM), used only to look up lagged values of latent parents
	// (lag k means ordinal − k in the same unit). Nil means Time is used.
	Ordinal []int
}

// Equation is the model of one observed node:
//
//	Y[r] ~ Family(link⁻¹(a + Σ b·X[r] + offset[r] + u[unit(r)] + g[time(r)]))
//
// over the rows r where Y and every parent are observed.
type Equation struct {
	// Node is the node's name; parameter names are built from it.
	Node string
	// Column is the data column behind the node (for messages; may be "").
	Column string
	// Family is the response distribution and link. Nil means Gaussian{}.
	Family Family
	// Y holds the node's values, one per layout row; NaN marks a missing value.
	Y []float64
	// Terms are the node's parents (edges into the node).
	Terms []Term
	// Offset, when not nil, is added to the linear predictor of each row
	// with a known coefficient of 1 (for a count family on the log scale,
	// e.g. log population: the rate per person is modelled). One value per
	// layout row; a row with NaN is not used, like a row with a missing
	// parent.
	Offset []float64
	// Trials is, for a family of successes out of trials (TrialsFamily:
	// binomial, beta_binomial), the number of trials per layout row. A row
	// with an observed response and missing or zero trials is an error.
	Trials []float64
	// Intercept is the prior of the intercept a (default normal(0, 2.5)).
	// Families without an intercept (Ordered) ignore it.
	Intercept Prior
	// UnitRE adds a random intercept per unit, u ~ normal(0, tau).
	UnitRE bool
	// RE chooses how the unit intercepts are parameterized (default: from
	// the data, see REParam).
	RE REParam
	// Tau is the prior of the unit intercepts' sd tau (default half_normal(1)).
	Tau Prior
	// Time adds period effects (see TimeMode).
	Time TimeMode
	// TimePrior is the prior of each fixed period effect (default
	// normal(0, 1)) or of the random walk's step sd (default half_normal(0.5)).
	TimePrior Prior
	// AR is the order of autoregressive residuals within unit: 0 for none,
	// 1 for AR(1) (see ar.go: gaussian equations only, on a panel; the
	// parameter ar.NODE is rho and sigma.NODE the innovation sd).
	AR int
	// Missing chooses what becomes of the node's missing values (default
	// MissingDrop; see Missing).
	Missing Missing
}

// Term is one parent of an equation: an edge parent -> node, possibly lagged.
type Term struct {
	// Parent is the parent node's name. When X is nil it must name a latent
	// node of the Spec.
	Parent string
	// Column is the data column behind the parent (for messages; may be "").
	Column string
	// Lag is the edge's lag in periods (0 for a contemporaneous edge).
	Lag int
	// X holds the parent's values at t − Lag within the unit, one per layout
	// row (the caller lags observed columns; NaN marks a missing value).
	// Nil when the parent is a latent node: Compile then looks up the
	// latent's value at t − Lag itself.
	X []float64
	// Prior is the prior of the edge strength b (default normal(0, 1)).
	Prior Prior
	// Sign is the expected sign of the strength (+1, −1, or 0 for none). It
	// does not constrain anything; it is carried to Coef for reports.
	Sign int
	// UnitMean marks the term as the unit mean of the parent's values
	// (Mundlak's device for within-unit effects): X holds, at every row of
	// a unit, the mean of the parent over the unit's rows the equation
	// uses. Its coefficient is named bw.PARENT.NODE (bw.PARENT.lagK.NODE);
	// with it in the equation, the parent's own strength b is the
	// within-unit effect and b + bw the between-unit one. X may not be nil.
	UnitMean bool
	// Moderator, when not "", marks the term as an interaction (moderation,
	// the edge attribute moderator=): X holds the product of the parent's
	// values at t − Lag and the moderator's at t − ModeratorLag, and the
	// coefficient is named c.PARENT.MODERATOR.NODE (with .lagK after a
	// lagged one). The fields only name the term; X may not be nil.
	Moderator    string
	ModeratorLag int
	// Varies lets the strength vary by unit (varies="unit" in a model
	// file): unit j's strength is b + v_j, with v_j ~ normal(0, sd_v) and
	// sd_v ~ VariesSD. The parent must be observed, and the equation
	// observed with unit random intercepts on a panel of at least
	// MinSlopeUnits units. Its parameters are sd_v.PARENT.NODE and
	// v.PARENT.NODE.UNIT (see SlopeInfo).
	Varies bool
	// VariesSD is the prior of the slopes' sd sd_v (default half_normal(1)).
	VariesSD Prior
	// VariesRE chooses how the deviations v_j are parameterized: centred
	// (v_j sampled) or non-centred (v_j = sd_v·z_j). The default REAuto
	// chooses from the data, as for unit intercepts, counting each unit's
	// rows by the within-unit spread of the parent (see the package doc).
	VariesRE REParam
}

// TermParamName is the name of the coefficient of term t in node's
// equation: b.PARENT.NODE, b.PARENT.lagK.NODE for a lagged parent,
// bw.… for a unit-mean term and c.PARENT.MODERATOR.NODE for an interaction.
func TermParamName(node string, t Term) string {
	if t.Moderator != "" {
		return interactionName(node, t)
	}
	prefix := "b."
	if t.UnitMean {
		prefix = "bw."
	}
	if t.Lag > 0 {
		return prefix + t.Parent + ".lag" + strconv.Itoa(t.Lag) + "." + node
	}
	return prefix + t.Parent + "." + node
}

// Latent is a latent node: a quantity with no column of its own, measured by
// indicators. Its value at each row is a parameter eta; see the package doc
// for the measurement model and how it is identified.
type Latent struct {
	// Node is the latent node's name.
	Node string
	// Terms are its parents: its structural equation is
	// eta[r] ~ normal(Σ b·X[r] + u[unit(r)] + g[time(r)], 1).
	Terms []Term
	// UnitRE, RE, Tau, Time and TimePrior are as in Equation.
	UnitRE    bool
	RE        REParam
	Tau       Prior
	Time      TimeMode
	TimePrior Prior
	// Indicators are the observed measurements of the latent (at least one;
	// three or more identify the measurement model without leaning on priors).
	// The first indicator's loading is positive: it fixes the latent's sign.
	Indicators []Indicator
	// Values chooses how the sampler sees the latent's values (default
	// LatentDirect; see LatentValues).
	Values LatentValues
}

// LatentValues chooses the coordinates in which the sampler moves a latent
// node's values. Both describe the same model; they differ in how well a
// sampler mixes.
type LatentValues int

const (
	// LatentDirect samples the values eta themselves.
	LatentDirect LatentValues = iota
	// LatentConditional samples z with eta = m + s·z, where m and s are the
	// mean and sd of eta given its structural equation and its indicators
	// (computed analytically at every point). The sampler then sees the
	// indicators' likelihood with eta integrated out, and z is standard
	// normal a priori and nearly so a posteriori: the funnels between the
	// loadings, the indicators' noise sds and thousands of latent values
	// are gone. The indicators' intercepts are sampled as a_k + lambda_k·mū
	// (mū the mean of the latent's structural means), which unties them
	// from the level of the latent's unit intercepts (unit Jacobian;
	// ParamNames and Constrain still give a_k). It applies to latents
	// whose indicators are all gaussian (at most 8 of them) and whose
	// parents are observed; others stay LatentDirect with a note, and so
	// does every latent under Spec.PriorOnly, where the indicators carry
	// no likelihood.
	LatentConditional
)

// String returns "direct" or "conditional".
func (v LatentValues) String() string {
	switch v {
	case LatentDirect:
		return "direct"
	case LatentConditional:
		return "conditional"
	}
	return fmt.Sprintf("LatentValues(%d)", int(v))
}

// Indicator is one measurement of a latent node:
//
//	Y[r] ~ Family(link⁻¹(a + lambda·eta[r]))
type Indicator struct {
	// Node is the indicator's name (usually its column name).
	Node string
	// Column is the data column (for messages; may be "").
	Column string
	// Family is the measurement's distribution. Nil means Gaussian{}.
	Family Family
	// Y holds the indicator's values, one per layout row; NaN is missing.
	Y []float64
	// Intercept is the prior of the indicator's intercept (default normal(0, 2.5)).
	Intercept Prior
	// Loading is the prior of the loading lambda (default normal(0, 1); for
	// the first indicator, whose loading is positive, half_normal(1)).
	Loading Prior
}

// REParam chooses how an equation's unit random intercepts are parameterized.
// Both describe the same model; they differ in how well a sampler mixes.
type REParam int

const (
	// REAuto chooses from the data: centred when the units have many rows
	// each (mean rows per unit at least the family's threshold: 10 for
	// gaussian and poisson, 20 for ordered, 30 for bernoulli), else
	// non-centred.
	REAuto REParam = iota
	// RECentred samples the unit means m_j = a + x̄_j·b + u_j directly, with
	// u_j ~ normal(0, tau). Best when each unit has much data.
	RECentred
	// RENonCentred samples z_j ~ normal(0, 1) with u_j = tau·z_j. Best when
	// units have little data each.
	RENonCentred
)

// String returns "auto", "centred" or "non-centred".
func (p REParam) String() string {
	switch p {
	case RECentred:
		return "centred"
	case RENonCentred:
		return "non-centred"
	case REAuto:
		return "auto"
	}
	return fmt.Sprintf("REParam(%d)", int(p))
}

// TimeMode chooses an equation's period effects g[time(r)].
type TimeMode int

const (
	// TimeNone adds no period effects.
	TimeNone TimeMode = iota
	// TimeFixed adds a fixed effect g_t per period observed in the
	// equation, the effects summing to zero over those periods (so the
	// intercept is the equation's mean level and no ridge joins it to the
	// period effects): g_t = z_t − mean(z) with each z_t ~ TimePrior
	// (default normal(0, 1)), which gives g the prior's normal conditioned
	// on summing to zero and leaves the one direction the data cannot see,
	// all z moving together, to the prior. Every period's g is reported.
	TimeFixed
	// TimeRandomWalk adds a random walk over the periods observed in the
	// equation, in time order: g at the first is 0, then each step is
	// normal(0, s) with s ~ TimePrior (default half_normal(0.5)).
	TimeRandomWalk
)

// String returns "none", "fixed" or "random-walk".
func (m TimeMode) String() string {
	switch m {
	case TimeNone:
		return "none"
	case TimeFixed:
		return "fixed"
	case TimeRandomWalk:
		return "random-walk"
	}
	return fmt.Sprintf("TimeMode(%d)", int(m))
}

// Error is a problem with a Spec, naming the node and column it concerns.
type Error struct {
	Node   string // node the problem concerns ("" for the layout)
	Column string // data column, when known
	Msg    string
}

// Error returns a one-line message such as
// "sem: node fear (column fear_idx): bernoulli needs 0 or 1, row 17 (USA 2020-04) has 0.3".
func (e *Error) Error() string {
	switch {
	case e.Node == "":
		return "sem: " + e.Msg
	case e.Column != "" && e.Column != e.Node:
		return fmt.Sprintf("sem: node %s (column %s): %s", e.Node, e.Column, e.Msg)
	default:
		return fmt.Sprintf("sem: node %s: %s", e.Node, e.Msg)
	}
}
