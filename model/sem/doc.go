// Package sem compiles a structural equation model over a panel into a log
// posterior with an analytic gradient: the statistical heart of
// `dilemma fit`. A caller describes the model in plain terms (a Spec: one
// Equation per modelled node, its parents as Terms, the latent nodes with
// their Indicators, and the panel's row Layout); Compile checks it against
// the data and returns a *Posterior, which implements inference.Model
// (Dim, LogDensityGrad, ParamNames, Constrain) and can be handed straight to
// the sampler. The package knows nothing of graph files: translating a
// causal graph and a data set into a Spec is the caller's job.
//
// # What a model means
//
// Each observed node with data gets one equation. Over the rows r where the
// node and all its parents are observed,
//
//	y[r] ~ Family( link⁻¹( a + Σ_k b_k·x_k[r] + Σ_l b_l·x_l[r − lag_l] + u[unit(r)] + g[time(r)] ) )
//
// where a is the intercept, b the edge strengths (the coefficient on the edge
// parent -> node is that edge's strength), u the unit random intercepts and
// g the period effects. The families are
//
//	gaussian    identity link, y ~ normal(mu, sigma)
//	bernoulli   logit link, P(y = 1) = 1/(1 + exp(−mu)); y is 0 or 1
//	ordered     cumulative logit with cutpoints c_1 < … < c_{K−1}:
//	            P(y ≤ k) = 1/(1 + exp(−(c_{k+1} − mu))), y in 0 … K−1;
//	            the cutpoints absorb the intercept, so a is absent
//	poisson     log link, y ~ poisson(exp(mu)); y a count
//	negbinomial log link, mean exp(mu), variance exp(mu) + exp(2mu)/phi
//	            (shape phi, shape.NODE; default prior gamma(0.01, 0.01))
//	zero_inflated_poisson, zero_inflated_negbinomial
//	            a structural zero with probability zi (zi.NODE, default
//	            prior beta(1, 1)), else the count family
//	hurdle_poisson, hurdle_negbinomial
//	            y = 0 with probability hu (hu.NODE, beta(1, 1)), else the
//	            count family truncated to y > 0
//
//	binomial    logit link, y successes out of n trials (Equation.Trials)
//	beta_binomial
//	            y out of n with a beta-distributed probability of mean
//	            1/(1+exp(−mu)) and precision phi (phi.NODE, gamma(0.01, 0.01))
//	beta        logit link, 0 < y < 1, beta with mean 1/(1+exp(−mu)) and
//	            precision phi (phi.NODE)
//	student     identity link, y = mu + sigma·t_nu (sigma.NODE, nu.NODE > 1,
//	            default prior gamma(2, 0.1))
//	lognormal   log y ~ normal(mu, sigma) (sigma.NODE); mean exp(mu + sigma²/2)
//
// (brms's names and parameterizations; count.go has the likelihoods). An
// equation may carry an Offset, added to its linear predictor with
// coefficient 1 (log exposure for a count).
//
// A family is a small type implementing Family: its log likelihood and the
// gradient with respect to the linear predictor and its own parameters
// (the sampler's hot path, which must not allocate), and what every other
// consumer asks of it, at its parameters' natural values: whether it is
// linear (identity link, additive noise), its expected value, support,
// pointwise log density with every constant (LOO), random draws (PPC,
// simulation through FamilyAt), CDF and Quantile. A unit counterfactual
// keeps the unit's randomized quantile (Abduct) and reads Quantile at the
// new linear predictor, so it stays in the support. Families whose value
// is a count of logistic thresholds crossed implement Threshold, those
// whose mean is a factor times exp(mu) ExpMean; queries use these forms
// for exact abduction and closed-form means. Adding a family is one file
// and its tests, and a line in FamilyByName.
//
// # Panel structure
//
// Unit random intercepts (Equation.UnitRE): u_j ~ normal(0, tau), one per
// unit that has rows in the equation. Two parameterizations describe the
// same model: non-centred samples z_j ~ normal(0, 1) with u_j = tau·z_j;
// centred samples each unit's mean m_j = a + x̄_j·b + u_j directly, where x̄_j
// is the unit's mean of the observed parents over the equation's rows, so
// that m_j is informed by the unit's data alone and b by the variation within
// units (a shear of the coordinates with Jacobian 1). Non-centred suits units
// with few rows, centred units with many: REAuto picks centred when the mean
// number of rows per unit reaches the family's threshold (10 gaussian and
// poisson, 20 ordered, 30 bernoulli, 50 beta_binomial; 10 for latent
// nodes), and EquationInfo.RE and REReason report the choice. Either can be
// forced.
//
// Varying slopes (Term.Varies, varies="unit" in a model file): the edge's
// strength differs by unit, b + v_j for unit j, with v_j ~ normal(0, sd_v)
// and sd_v ~ Term.VariesSD (default half_normal(1)); b is the mean
// strength across units and sd_v its sd. The term adds v_j·x[r] to the
// linear predictor, which splits into v_j·x̄_j (joining the unit's offset,
// so that centred unit intercepts still sample the unit mean) and
// v_j·(x[r] − x̄_j). Non-centred samples z_j with v_j = sd_v·z_j; centred
// samples each unit's strength c_j = b + v_j, with c_j ~ normal(b, sd_v).
// The choice follows the unit intercepts' rule with each unit's rows
// counted by the parent's within-unit spread, Σ_r (x[r] − x̄_j)² / var(x):
// a parent that barely moves within units tells little about each unit's
// slope, whatever the number of rows (SlopeInfo.RE and Reason report it).
// A varying slope needs an observed parent, an observed child with unit
// intercepts and at least MinSlopeUnits units with rows; anything else is
// an Error naming the edge. A gaussian equation keeps exact sufficient
// statistics (per unit: the within-unit cross-products of parents and
// response, O(J·p²) per gradient); other families use the row loop.
//
// Period effects (Equation.Time) are fixed effects per period (the first
// period used is the reference, g = 0) or a random walk over the periods
// used, in time order (g = 0 at the first, steps normal(0, s)).
//
// AR(1) residuals (Equation.AR = 1, gaussian or student equations on a
// panel; a student equation's units have multivariate Student-t residuals
// with the AR(1) scale matrix, brms's form, evaluated row by row): the
// residual e = y − mu of each unit follows e_t = rho·e_{t−1} + eps_t with
// eps ~ normal(0, sigma), so sigma is the innovation sd; each unit's first
// period used comes from the stationary normal(0, sigma/√(1−rho²)), and a
// gap of k periods (rows missing or dropped) uses the exact k-step
// transition, mean rho^k·e_{t−k} and variance sigma²·(1−rho^{2k})/(1−rho²).
// The sampler sees atanh(rho); rho's prior is uniform on (−1, 1). When
// every parent is an observed column (no latent parents, period effects,
// offsets, varying slopes or imputed parent values joined to its rows)
// such an equation is evaluated from sufficient statistics per gap length
// and per (unit, gap length), O(gaps·parents² + units·parents) whatever
// the rows; else row by row (about 2× the plain row loop). 0 allocations
// either way. Rows with an imputed parent value (MissingModel) are in the
// chain like any other; rows with an imputed value of the AR node itself
// are not (a note says how many). REAuto counts a unit's rows as perUnit·(1−r)/(1+r)
// effective ones, r the lag-1 autocorrelation of the response around its
// unit means, so that persistent series get non-centred unit intercepts
// (centred ones leave a funnel there). Order 1 only; a non-gaussian family, a latent node, a
// self-lag in the same equation (not identified against rho) and a panel
// where no unit has two rows are errors.
//
// Lags stay within a unit. The caller lags observed parents (Term.X is the
// parent's value at t − Lag, NaN where the unit has no such period); a
// lagged latent parent is looked up by Compile through Layout.Ordinal.
// Without units (an empty Layout.Units) the data are a plain cross-section
// and unit intercepts are dropped with a note.
//
// # Latent nodes
//
// A latent node (Latent) has no column; its value at each row is a
// parameter eta[r], defined at the rows where at least one of its
// indicators and all of its parents are observed. It has a structural
// equation like any node,
//
//	eta[r] ~ normal( Σ_k b_k·x_k[r] + u[unit(r)] + g[time(r)], 1 ),
//
// and a measurement model: each indicator is an equation of its own family
// (gaussian by default) with the latent as its only parent,
//
//	indicator_i[r] ~ Family( a_i + lambda_i·eta[r] ).
//
// Identification: the latent's scale is fixed by its residual sd of 1 and
// its location by the zero intercept of its structural equation, so edge
// strengths into a latent are in units of its residual sd and strengths out
// of it per residual sd. Its sign is fixed by the first indicator's loading,
// which is positive: the latent points the way its first indicator does.
// The sign is imposed by folding rather than by a transform: turning a
// latent over (negating its values, loadings, unit intercepts, period
// effects and the strengths of the edges into and out of it) leaves the
// likelihood unchanged, priors are read in the orientation where the first
// loading is positive, so the density is the same in both orientations, and
// Constrain reports every draw in that orientation. Chains may therefore
// settle in either mirror image, and none is trapped at a spurious mode
// where the first loading is pinned near 0 (which an exp-transformed
// loading produces). With priors not symmetric about 0 on those
// parameters the density jumps where the first loading crosses 0. Three
// indicators identify the loadings from the data; with one or two,
// Posterior.Notes says they rest on priors. A latent can be the parent
// (lagged or not) of observed nodes and of other latents, but latents may
// not form a cycle among themselves. A node per row costs one parameter per
// row (5,460 for the real panel); that is the honest price of a poorly
// measured construct, and the gradient stays O(rows).
//
// Latent.Values chooses the coordinates the sampler moves the values in.
// LatentDirect samples eta itself. LatentConditional, for a latent whose
// indicators are gaussian and whose parents are observed, samples z with
//
//	eta[r] = m[r] + z[r]/√P[r],   P[r] = 1 + Σ_k lambda_k²/sigma_k²,
//
// where m[r] and 1/√P[r] are the mean and sd of eta[r] given its structural
// equation and the indicators observed at row r (k runs over those). The
// density the sampler sees is then the indicators' likelihood with eta
// integrated out analytically (normal with covariance diag(sigma²) +
// lambda·lambdaᵀ) times a standard normal density for each z, times
// whatever else depends on eta (the latent's children) at eta: the same
// model, with the funnels between loadings, noise sds and thousands of
// values removed. The indicators' intercepts are sampled centred on the
// mean of the latent's structural means (see LatentConditional). On the
// built-in fig2 (a latent with two indicators and children of which one is
// ordered) the direct form gives R-hat 1.8 and a min bulk-ESS of 6 of
// 4,000 draws, the conditional form R-hat 1.01 and a min bulk-ESS near
// 2,800 (bench/README.md). ParamNames and Constrain give eta in both forms.
//
// Equations with centred unit intercepts and no free intercept (ordered
// equations and latents' structural equations) leave the common level of
// their unit means to the intercepts' prior; they sample the unit means in
// rotated coordinates whose first is that level (see rotate.go), and an
// ordered equation with unit intercepts samples its first cutpoint
// relative to the mean unit offset (see Ordered). Both are changes of
// coordinates with unit Jacobian; on bench/ordered.dag they raise the min
// bulk-ESS from about 300 to about 2,500.
//
// Equations with a free intercept sample, in place of a, the level at the
// mean of their parents: a' = a + x̄·b, with x̄ each observed parent's mean
// over the equation's rows, weighted for non-gaussian families by each
// row's information about the level at a pooled fit (see centre.go; a
// rare event informs the level only where it happens); the group offsets
// and centred unit means use x̄_j − x̄ in place of x̄_j. When a parent's
// mean is far from 0, a (the
// level at x = 0) and b otherwise form a ridge of correlation near −1
// that the sampler crosses in tiny steps. The change of coordinates has
// unit Jacobian; a.NODE and its prior stay on the intercept at x = 0.
// Likewise, equations with fixed period effects sample each period's
// coordinate at the parents' period mean (z'_t = z_t + d_t·b, with d_t the
// parents' period means about their average, see periodcentre.go): a
// parent with a common time pattern otherwise makes b trade off against
// every period effect at once. g.NODE.TIME and its prior are unchanged.
// With fixed period effects, a latent parent of an observed node is
// centred the same way at its current values (latcentre.go): the rows see
// its value minus its unit mean and period shift, its unit means join the
// group offsets, its mean the intercept (or an ordered node's cutpoints)
// and its period shifts the period coordinates; rows with an imputed or
// summed-out value see the same centred terms. A weakly measured latent's
// level and time path otherwise drag every child's level and period
// effects along (on fig2 at --time-effects fixed, R-hat 1.12 on the
// indicators' intercepts). Also a change of coordinates with unit
// Jacobian; a, u, g and the cutpoints are reported as before.
//
// # Roots, missing data
//
// Exogenous roots are conditioned on: they are not equations, only columns
// in their children's Terms. A root with no data (anarchy) has no column and
// cannot be a Term; the caller drops it and says so.
//
// Under MissingDrop (Equation.Missing's default) each equation uses the rows
// where its node and all its parents are observed; EquationInfo.Rows and
// Coef.Rows report how many, EquationInfo.Dropped how many rows with the
// node observed were left out and for which parent.
//
// Under MissingModel (missing.go) a missing value of a continuous node
// (an Imputable family: gaussian, student, lognormal, beta) becomes a
// parameter mi.NODE.UNIT.TIME wherever a row of the model needs it, as in
// brms's mi() and PyMC's masked observations. A row needs it when it is a
// row of a child with the child observed (at t − lag for a lagged edge: the
// same unit's value lag periods before, matched through Layout.Ordinal,
// never another unit's), and then the node's own row at that period, whose
// equation is the value's distribution given its parents; so the value is
// informed by its parents and by every child. Its own parents may be
// missing there too: they are imputed in turn, back along the graph (lags
// go back in time and contemporaneous edges down the topological order, so
// this ends). When a value cannot be imputed (a parent of another family,
// a latent parent without a value, an exogenous column, a lag before the
// unit's first period, or MissingDrop on that node) the rows that need it
// are dropped as under MissingDrop. A term's X is linked to its parent's
// equation only when X is the parent's Y lagged by the term's lag (checked
// value by value; otherwise a note says the values are not imputed there).
// The sampler moves an imputed value on its support's unconstrained scale
// (log for lognormal, logit for beta, with the Jacobian); ParamNames and
// Constrain give the value. An exogenous root needs an equation of its own
// to be imputed: package fit gives an observed root with missing values a
// model without parents (intercept, scale and unit intercepts). A
// gaussian equation with unit intercepts (such a root, or a node with
// parents, like fear in a country that reports no deaths) imputes values
// in a unit where it has no observed value too, sampled non-centred there
// about the unit's offset: y_t = m_j + sigma·v_t with v_t the sampler's
// coordinate (nodata.go); in plain coordinates the values would rest on one
// free unit mean and a within-unit sd that is tiny for a column nearly
// constant within units, a ridge the sampler crawls along. A binary, ordered or count root is not
// summed out in a unit where it has no observed value; the rows that need
// one are dropped (EquationInfo.Dropped says "PARENT (no data for the
// unit)").
//
// Cost: complete rows stay where they were (a gaussian equation on its
// sufficient statistics); the rows that hold an imputed value (their own
// or a parent's) form a row loop of their own (miPart), which calls the
// family's LogLikY row by row. An equation of a non-imputable family (for
// example ordered) takes its rows with an imputed parent into its ordinary
// rows, the parent's column 0 there plus the imputed value. The gradient
// does not allocate. A missing value of a binary, ordered or count node
// (a discrete family other than binomial and beta_binomial) is not a parameter: it is summed out over its levels,
// the rows that hold it (its own row and every child's) forming one
// mixture, a sum group (sumout.go, which says what is refused and how
// counts are truncated); Posterior.SummedOut counts them. PriorOnly
// imputes and sums nothing. A
// latent's structural equation takes imputed values of its observed
// parents the same way (the latent then has a value, and its indicators a
// row, wherever an indicator is observed and the parents can be imputed),
// in LatentDirect and LatentConditional form alike.
//
// # Priors
//
// Priors are weakly informative on the standardized scale (standardize
// columns first) and can be overridden per term and per node:
//
//	edge strength b            normal(0, 1)
//	intercept a                normal(0, 2.5)
//	sigma, tau                 half_normal(1)
//	cutpoints c_k              student_t(3, 0, 2.5) each
//	loadings lambda            normal(0, 1); the first half_normal(1)
//	fixed period effects g     normal(0, 1)
//	random-walk step sd s      half_normal(0.5)
//
// ParsePrior reads the model-file syntax: normal(mu,sigma),
// student_t(nu,mu,sigma), cauchy(mu,sigma), half_normal(sigma),
// half_cauchy(sigma), exponential(rate), gamma(shape,rate), flat. On a positive parameter
// normal, student_t and cauchy are truncated at 0; half_*, exponential and gamma
// are refused on parameters that can be negative. Coef.PriorVar is each
// strength's prior variance, for the prior-to-posterior contraction
// 1 − posterior var / prior var. Spec.PriorOnly switches off the likelihood
// of every observed column (priors, unit-intercept distributions and latent
// structural equations stay), so sampling draws from the prior.
//
// # Parameters and their names
//
// Names use only letters, digits, underscores, dots (and the unit and time
// labels), as CmdStan's CSV does:
//
//	a.NODE                     intercept
//	b.PARENT.CHILD             strength of the edge PARENT -> CHILD
//	b.PARENT.lagK.CHILD        strength of the lagged edge PARENT[t−K] -> CHILD[t]
//	c.PARENT.MOD.CHILD         interaction of PARENT and MOD in CHILD's equation
//	                           (Term.Moderator: moderation of PARENT -> CHILD by
//	                           MOD; .lagK after a lagged PARENT or MOD); three
//	                           or more dots after c, unlike a cutpoint's one
//	sigma.NODE                 gaussian residual sd (innovation sd with AR)
//	ar.NODE                    rho of AR(1) residuals (Equation.AR)
//	c.NODE.k                   ordered cutpoint k = 1 … K−1
//	tau.NODE, u.NODE.UNIT      unit-intercept sd and intercepts
//	sd_v.PARENT.CHILD          sd across units of a strength varying by unit
//	v.PARENT.CHILD.UNIT        the unit's deviation: its strength is b + v
//	g.NODE.TIME                period effect
//	tau_time.NODE              random-walk step sd
//	lambda.LATENT.INDICATOR    loading
//	eta.LATENT.UNIT.TIME       latent value (eta.LATENT.ROW in a cross-section)
//	mi.NODE.UNIT.TIME          imputed value of a missing NODE (MissingModel);
//	                           for a summed-out discrete value not a parameter
//	                           but a level drawn per point (SummedNames,
//	                           SummedLevels)
//
// ParamNames and Constrain give these user-facing values, one per
// parameter; the sampler works on unconstrained coordinates: log scales,
// the first cutpoint and the logs of the cutpoint increments, the level a'
// at the parents' mean for the intercept, z_j or m_j for unit intercepts
// (see above), random-walk steps z_t with g_t = s·Σ z,
// and latents in either orientation (see above). Every transform's log
// Jacobian is included.
// The latent values come after the equations' parameters (Posterior.Latents
// locates them), the imputed values last (Posterior.Missing);
// Posterior.Equations and Posterior.Coefficients describe the rest.
//
// # Speed
//
// LogDensityGrad does not allocate. The data live in contiguous
// column-major slices (parents centred within unit) with the rows of each
// equation ordered by unit. A gaussian equation whose parents are all
// observed and that has no period effects is evaluated from sufficient
// statistics (per-unit counts and means, and within-unit cross-products of
// the node and its parents), which cost O(parents² + units) whatever the
// number of rows. Other families loop over the rows once for the value and
// the gradient, with a table-driven exp (computed for all rows in one
// tight pass before the family's loop) and one logarithm per few hundred
// rows. A Posterior owns its scratch space: give each chain its own Clone
// (for example inference.Sample(ctx, func() inference.Target { return
// post.Clone() }, …)).
//
// # Tests
//
// go test ./model/sem/ checks every family's and term's gradient against
// finite differences, the sufficient statistics against a row-by-row
// definition, the posterior mode against ordinary least squares and against
// simulated truths, and a short end-to-end sampling run. The coverage
// study (90% intervals over 100 simulated replications) runs with
//
//	go test -tags long -run Coverage -timeout 60m ./model/sem/
//
// and the benchmarks with
//
//	go test -run '^$' -bench . -benchmem ./model/sem/
//
// (synthetic panels; ./bench/ has benchmarks on the embedded panel and the
// comparison with Stan).
package sem
