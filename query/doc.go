// Package query answers causal questions on a fitted posterior: average
// effects of interventions (do), the ranking of a model's remedies,
// unit-level counterfactuals, natural direct and indirect effects, and the
// sensitivity of an effect to unobserved confounding. Every answer is a
// full posterior, computed once per posterior draw, never a point estimate
// alone; every report says how the query is identified and ends with what
// it rests on. The commands query, remedies, counterfactual, mediate and
// sensitivity of cmd/dilemma print these reports.
//
// # The structural equations
//
// A query works on the structural equations of a fit (package fit, whose
// model is described in package model/sem), read per draw by parameter
// name: for each estimated node its family, intercept a.NODE, strengths
// b.PARENT.CHILD and b.PARENT.lagK.CHILD, unit intercepts u.NODE.UNIT,
// period effects g.NODE.TIME, residual sd sigma.NODE, cutpoints c.NODE.k,
// and for a latent node its value eta at every row. The equations live on
// the fit's transformed scale (fit.Plan.Values: standardized columns stay
// standardized); queries read values and report effects in the columns' own
// units unless Options.Scale is Fit (see Units). A latent node with indicators is a gaussian node with
// residual sd 1 and no intercept; an outcome that is latent (dilemma) is
// reported on that latent scale, and the report says so. Nodes the fit
// drops (a fixed root such as anarchy, a latent node without indicators
// such as authority_deficit) have no strengths: intervening on them is an
// error, and a causal path through them cannot be followed (see
// Identification).
//
// # Interventions
//
// The query language is do(NODE = VALUE, …) (Parse):
//
//	do(x = 2)        set x to 2 at every row (a negative value: do(x = (-1)))
//	do(x = +0.5)     shift x by +0.5 from its factual value (do(x = -0.5) down)
//	do(x = +1sd)     shift by one standard deviation of x: the sd of x's
//	                 own column over its observed rows (with Scale Fit, of
//	                 its transformed column: 1 for a standardized one); for
//	                 a latent node 1, its residual sd
//	do(x = q90)      set x at each row to the unit's own 90% quantile of x
//	do(x = +1sd, y = 0)   several at once
//
// Values are in x's own units (see Units). A value that is not a finite
// number (NaN, Inf, or one that overflows a float64, 1e400) is a
// *SyntaxError.
//
// Every assignment is a hard intervention: the node is cut from its parents
// and held at the value (for a shift, its factual value plus the shift),
// so effects of other intervened nodes do not pass through it. A contrast
// (--versus) compares two interventions; the default reference is no
// intervention. Syntax errors are *SyntaxError values that give the column;
// unknown, dropped or outcome nodes are *NodeError values with the column of
// the name.
//
// # Units
//
// With Options.Scale Raw (the default; --scale raw) a query speaks the
// columns' own units. Each node's transform pipeline is split at its last
// step that does not map values one to one (lag, lead, diff, peer_mean,
// indicator): the steps after it (standardize, center, log, log1p, logit)
// are inverted (data.Scale), the steps up to it are not, and the node's
// own units are the values those give (a lag keeps the column's units, a
// difference is a change in them, an indicator is 0 or 1; reports then name
// the unit "COLUMN after STEPS"). The constants of standardize and center
// are recomputed from the fit's data, whose SHA-256 the manifest records
// and fit.Open checks, so fit directories need nothing new. A latent node
// has no column: its values and effects stay on its latent scale.
//
// Interventions: a set value x is mapped to F(x) on the fit's scale (F the
// inverted steps); a shift Δ (or k sd of the column) moves each row's own
// value: F(x_r + Δ) − F(x_r) on the fit's scale, the same at every row when
// F is affine (standardize, center: then +1sd of the column is +1sd of the
// fitted column exactly), different by row through a log or logit; a
// quantile is each unit's own quantile of the raw values, mapped by F. A
// value outside F's domain (log of 0, a shift taking a row below −1 under
// log1p) is refused with the row.
//
// Range: a set value outside the range [min, max] the node takes in the
// data, or a shift that moves more than 5% of the rows outside it, is a
// warning in the report's header (Basis.RangeWarnings); a value beyond 3×
// the span max − min from the nearest end is refused with an
// *ExtrapolationError unless Options.AllowExtrapolation. With Scale Fit
// the same checks use the transformed column's range.
//
// The outcome: for a gaussian outcome whose inverted steps are affine the
// effect is divided by the slope (raw effect = fit effect × sd_y for a
// standardized y: b_fit·sd_y/sd_x per raw unit of a standardized x). For a
// nonlinear inverse G = F⁻¹ (log1p|standardize) the effect is, per draw,
// the mean over the rows of G(y_r + change_r) − G(y_r), where y_r is the
// row's own factual value on the fit's scale: each row keeps its own noise
// (abduction), so this is the sample average of the rows' changes in the
// column's units, not G applied to an average, and it does not assume the
// residuals are normal. When G(y) = exp(a + b·y) − c it costs one
// exponential per row and draw. A bernoulli, ordered or poisson outcome's
// effect is the change of its expected value (P(1), the expected category,
// the expected count), already in its column's units when its transform
// inverts nothing; with a value step on such a node the report stays on
// the fit's scale and says why. A counterfactual maps the unit's factual and
// counterfactual values through G, and their difference is taken after. The
// proportion mediated is the ratio of the raw effects. Sensitivity shifts
// the exposure by one sd of its fit-scale column (the bias formula needs
// the same shift at every row; for an affine transform this is one sd of
// the column) and reports in the outcome's units when its inverse is
// affine, else on the fit's scale. Each report's header and JSON say which
// scale (scale_kind "raw" or "fit") and unit (units).
//
// # Moderation and conditional effects
//
// An edge x -> y with moderator="z" adds c·x·z to y's linear predictor
// (coefficient c.X.Z.Y, see package model). Every query follows it exactly:
// in a world where x changes by Δx and z by Δz (each its own change in that
// world, at its own lag; Δz = 0 when the intervention does not reach z),
// the product changes at each row by Δx·z + x·Δz + Δx·Δz, with the row's
// own factual x and z; the change of y is then no longer the same at every
// row, so the shortcuts that compute a row-constant change once per block
// of draws are off for y and what lies downstream. For a population
// average whose two factors are both expected values of nonlinear nodes
// the product of their changes is a plug-in (the method line says so).
// Conditional (the --at flag of the query command) answers a query once
// per value of a node z held at it (ParseAt: numbers in the node's units,
// qNN quantiles over all observed rows, ±Ksd around its mean): z's values
// are set to the value at every row where z is observed, wherever the
// equations read them (its lags, the products), in both worlds. z is
// conditioned on, not intervened on, as brms's conditional_effects sets a
// covariate: when the intervention reaches z, z moves from the value. For
// a gaussian y, do(x = +d) at z = v moves y by (b + c·v)·d on the fit's
// scale (TestConditionalClosedForm, TestConditionalHoldsLaggedAndMoving;
// TestModeratorMovesWithX checks the product rule when z moves with x).
//
// # Average effects
//
// Effect computes, per draw, the population-average effect on the outcome:
// the mean over the data rows (unit × period) where the outcome's equation
// is defined and every value the propagation needs is observed, of the
// outcome's change. Changes propagate in topological order. For a gaussian
// or latent node the change is Σ strength × parent's change: the effect is
// the sum over directed paths of the products of their strengths times the
// shift, exactly. For a node of any other family the change is that of
// its expected value, which the family gives (sem.Family's Mean: P(1) for
// bernoulli, Σ k·P(k) = Σ_k logistic(eta − c_k) for ordered, exp(eta) for
// poisson), evaluated at the row's own factual linear predictor (its
// parents' factual values, its unit intercept and period effect) and
// averaged over the rows. The average is exact when nonlinear nodes feed
// only linear equations downstream (expectations pass through linear
// equations); when the expected value of one nonlinear node enters the
// equation of another, the second is evaluated at the first's expected
// value rather than integrated over its noise: a plug-in approximation.
// Each report's method line says which of these it is.
//
// Lagged edges: with a horizon H the intervention starts at period 0 at
// every row and is sustained through period H (or, with Pulse, lasts one
// period), and the effect is reported at every period 0 … H; a lagged edge
// carries the change of the unit's own earlier period. Period h is averaged
// over the start rows whose unit has a row h periods later. A node with
// AR(1) residuals (ar="1") is read as y_t = mu_t + rho·(y_{t−1} − mu_{t−1})
// + eps_t: a change that reaches it through its parents moves mu and y
// alike and leaves the residual alone (a sustained do(x = +1) on x -> y
// moves y by b at every period, whatever rho), while a change of y itself
// (do(y = …), a pulse) changes its residual, and that change persists as
// rho^h at period h; unit counterfactuals keep the unit's own residuals and
// add this persistence, per draw.
//
// Each summary gives the mean, sd, median, the central credible interval
// (level 0.9 by default), P(effect < 0), P(effect > 0) and P(the expected
// sign). The expected sign of a total effect is the product of the model's
// edge signs (sign="+"/"-") along each directed path, times the direction
// of the push (a shift's sign; unknown for a set value or a quantile), when
// all paths agree; "none" when they disagree or a sign is unset. For a
// pulse only the paths whose lags add up to the period count.
//
// # Remedies
//
// Remedies runs, in one pass, the effect of a one-sd increase of every node
// with role="remedy" on the outcome and ranks them from the largest
// reduction, with P(reduces) = P(effect < 0).
//
// # Counterfactuals
//
// Counterfactual answers, per draw, what a unit's outcome would have been:
// abduction, action, prediction. For a gaussian node the unit's noise is
// its observed value minus its prediction, so the counterfactual change is
// exactly the propagated change (for a linear-gaussian model,
// counterfactual = factual + total effect × shift). A latent node's
// factual value is its posterior value at the row, per draw. A bernoulli or
// ordered node is a threshold model, y = number of cutpoints below eta + ε
// with standard logistic ε; its observed category confines ε to an
// interval, and ε is drawn from the logistic truncated to that interval
// (one draw per posterior draw, seeded per draw so the answer does not
// depend on the number of workers). A node of any other nonlinear family
// (poisson, …) is coupled through its randomized quantile U (a randomized
// PIT, sem.Abduct): y is the smallest value with F(y; eta) > U, so the
// observed y confines U to [F(y−1; eta), F(y; eta)) for a discrete family
// (U = F(y; eta) for a continuous one), and U is drawn uniformly there. The
// counterfactual keeps U and reads the family's quantile at the new linear
// predictor, F⁻¹(U; eta′): it is always a value the family can produce (no
// negative count, nothing outside the family's bounds). The query engine
// asks the family (sem.Family, and the sem.Threshold and sem.ExpMean
// forms) and never its name. A count equation's offset enters its linear
// predictor like a parent that never changes; a binomial family reads each
// row's trials, so its counterfactual successes stay between 0 and them. The outcome itself, if discrete, is not drawn:
// its counterfactual is its exact expectation given its noise interval
// (for bernoulli, the counterfactual probability). The report compares the
// unit's difference with the population-average effect: the two differ
// whenever the unit's noise is informative (rung 3 versus rung 2).
//
// # Mediation
//
// Mediate computes per draw the total effect TE, the natural direct effect
// NDE (the mediators held at their factual values: their changes are set
// to zero while the exposure's other paths carry on), the natural indirect
// effect NIE = TE − NDE and the proportion NIE/TE. For a linear-gaussian
// model NIE is the sum of the products of strengths along the paths
// through the mediators and NDE the sum along the others. With several
// mediators the effect via each is path-specific (TE minus the effect with
// that mediator alone held), so a path through two mediators counts in
// both.
//
// # Identification
//
// Before computing, every query is checked on the graph. For each
// intervened node with a directed path to the outcome: the total effect
// must be identified by adjustment (model.AdjustmentSets; for a lagged
// horizon also from earlier periods, x@t-k), every estimated edge on the
// causal paths must be identified by its child's equation
// (model.EdgeIdentified: the child's other parents block every back-door
// path; a latent confounder or a bidirected edge breaks this), and no
// causal path may run through a node the fit does not estimate. A query
// that fails is refused with a *NotIdentifiedError naming the open path or
// the edge, unless Options.AssumeIdentified; then the report's first line
// says it was assumed, and paths through dropped nodes are taken as zero
// (listed under "left out").
//
// # What it rests on
//
// Every report ends with its Basis: how it is identified, each edge on the
// causal paths with its posterior mean, sd and prior-to-posterior
// contraction 1 − var_post/var_prior (near 0: the answer comes from the
// prior, not the data), the paths left out, the method, and the fit's
// diagnostics status (its warnings, or "no problems").
//
// # Sensitivity
//
// Sensitivity asks how an unobserved confounder U ~ normal(0, 1) of
// exposure X and outcome Y would move the effect of a one-sd increase of X.
// With U -> X of strength a·σ_X and U -> Y of strength b·σ_Y, where σ_X is
// the residual sd of X given its parents (its column's sd for an exogenous
// X, sigma.X for a gaussian one, 1 for a latent one) and σ_Y that of Y
// (sigma.Y, 1 for a latent Y, π/√3 on the latent logistic scale of a
// bernoulli or ordered Y), the omitted-variable bias of the fitted
// coefficient of X, given the adjusted causes Z with U independent of Z, is
//
//	b_U·cov(U, X | Z)/var(X | Z) = (b·σ_Y)(a·σ_X)/σ_X² = a·b·σ_Y/σ_X
//
// per unit of X, so a·b·σ_Y·sd_X/σ_X for a one-sd shift; the corrected
// effect per draw is the fitted effect minus it. For a discrete outcome the
// effect is taken on its linear predictor. The report tabulates a grid of
// (a, b), gives the strength r (a = b = r, pushing toward zero) at which the
// posterior mean and at which the credible interval reach zero (a Bayesian
// analogue of the robustness value), and optionally averages over a, b ~
// normal(0, s). SensitivityReport.Grid returns the grid for a contour plot.
//
// # Speed and determinism
//
// Propagation runs row by row with the draws in the inner loop (the
// parameter draws are contiguous per parameter), in blocks of draws shared
// among GOMAXPROCS workers; each draw's result is a fixed-order sum, so the
// answer does not depend on the number of workers. Changes that are the
// same at every row (shifts through linear equations) are computed once
// per block. An ordered node's expected value Σ_k logistic(eta − c_k)
// (integrated over latent noise where the latent values were not kept) is
// tabulated once per draw as a function of eta and read by cubic Hermite
// interpolation, so that each row, draw and world costs a few
// multiplications. The remedies of fig2-remedies on the embedded panel
// (6,627 rows of the ordered node, three remedies) over 4,000 draws take
// about 0.7 s on two cores with or without the latent values
// (BenchmarkRemedies4000, BenchmarkRemedies4000NoLatent; 2.4 s without
// them before the tables).
//
// A fit directory keeps the latent nodes' values only when written with
// --save-latent. Without them, a nonlinear node whose parent is such a
// latent is integrated over the latent's structural noise (its value is
// its equation's mean plus normal noise of sd 1, passed on through latent
// chains) by Gauss–Hermite quadrature with as many points as the noise's
// sd needs for an error below 1e-8 per probability. An ordered node's
// table (step 1/16, values and derivatives) is within 2e-8 of the exact
// sum for four cutpoints; beyond the cutpoints ± 10 the sum is computed
// exactly. Counterfactuals, a latent
// outcome's factual level and setting a latent to a value need the values
// themselves and say so.
//
// # Tests
//
// go test ./query/ checks the closed forms on linear-gaussian models with
// point-mass posteriors (do-effects, lags over a horizon, mediation, unit
// counterfactuals), a bernoulli counterfactual probability against its
// analytic value, the rung-2 versus rung-3 example, identification
// refusals and acceptance, parse errors with their columns, and interval
// coverage on one short fit. Raw units: a fitted x -> y with both columns
// standardized gives, per draw, b·sd_y/sd_x·Δx for raw shifts, set values,
// contrasts and counterfactuals, and covers the simulated raw effect
// (TestRawScaleRoundTrip); a log1p|standardize outcome and exposure match a
// direct computation from the data (TestLog1pOutcomeRawEffect); range
// warnings and refusals (TestRangeWarningsAndRefusals). The coverage study and the benchmark:
//
//	go test -tags long -run Coverage -timeout 30m ./query/
//	go test -run '^$' -bench Remedies4000 ./query/
package query
