// Package model holds causal models: a causal graph in dagitty's language,
// the settings that tie its nodes to data, the paper's built-in models, and
// identification on the graph (d-separation, adjustment sets, testable
// implications, paths). The graph is stored in gonum's graph/simple and
// ordered and checked for cycles with graph/topo; this package adds what
// gonum lacks. Estimation lives elsewhere (model/sem, inference).
//
// # Model files
//
// A model file is dagitty's dot-like language, so a diagram drawn on
// dagitty.net pastes in unchanged and an exported model pastes back:
//
//	dag {
//	  x [exposure, pos="0,0"]
//	  y [outcome]
//	  u [latent]
//	  x -> m -> y          # chains
//	  {a b} -> x           # groups, on either side
//	  y <- u -> x; z <-> y  # ';' and newlines are interchangeable
//	  "a name" -> y         # quoted names
//	}
//
// The "dag {" line and its closing brace may be omitted (a bare body).
// Edges are ->, <- and <->; a bidirected edge a <-> b stands for a latent
// common cause of a and b. The marks of other graph types (--, @->, <-@,
// @-@, …) are errors, as is a graph type other than dag. Nodes are declared
// by their first mention, as in dagitty. Names are barewords
// ([A-Za-z0-9_.], optionally a leading '-') or quoted strings ("\"" is a
// quote, "\\" a backslash, "a" + "b" concatenates); '@' is reserved for
// time slices. Comments run from '#' or '//' to the end of the line, or
// between /* and */ (dagitty does not read comments: export drops them).
// A graph-level statement key="value" (dagitty's bb) is kept. Errors read
// "file:line:col: message": an unknown graph type or edge mark, a cycle
// (printed as a -> b -> c -> a), a duplicate attribute or edge, an
// unterminated string or block, an invalid value.
//
// Attributes go in brackets after a node or an edge. dagitty's own are
// exposure, outcome, latent (flags), pos="x,y" and label="…"; attributes
// this package does not know are kept in order and written back (see Lint
// for the typos among them). Ours:
//
//	on nodes
//	  column="c"          the data column measuring the node
//	  transform="p"       a data transform pipeline, e.g. "log1p|standardize"
//	                      (syntax of package data; checked when read)
//	  family="f"          gaussian, bernoulli, ordered, poisson, negbinomial,
//	                      zero_inflated_poisson, zero_inflated_negbinomial,
//	                      hurdle_poisson or hurdle_negbinomial (brms's names)
//	                      binomial, beta_binomial, beta, student or lognormal
//	  offset="c"          count families: column c (or offset="log(c)", its
//	                      log) added to the linear predictor on the log scale
//	  trials="c"          binomial families: the column of trials, or a
//	                      constant such as trials="31"
//	  role="r"            remedy, outcome, mediator or root
//	  quality="q"         good, fair, poor or none: how well the data measure it
//	  unit_effects="u"    the equation's unit effects on a panel: random (unit
//	                      random intercepts, the default), within (random
//	                      intercepts plus each observed parent's unit mean as
//	                      a covariate, Mundlak's device: the parent's strength
//	                      b.PARENT.NODE is then its within-unit effect, the
//	                      unit mean's coefficient bw.PARENT.NODE the between
//	                      minus the within effect, and b + bw the between
//	                      effect; queries hold the unit means at their data)
//	                      or none (no unit effects)
//	  ar="1"              AR(1) residuals within unit for a gaussian or
//	                      student node on a panel (student: each unit's
//	                      residuals multivariate t with the AR(1) scale
//	                      matrix, as brms): e_t = rho·e_{t−1} + eps_t with e = y − mu,
//	                      eps ~ normal(0, sigma); sigma.NODE is then the
//	                      innovation sd and ar.NODE is rho (prior uniform on
//	                      (−1, 1)); each unit's first period is drawn from
//	                      the stationary distribution and gaps in time are
//	                      exact (rho^k over k periods); edges.csv reports rho
//	                      as NODE -> NODE [AR(1) residuals]. Only order 1;
//	                      not with a self-lag NODE -> NODE (the two
//	                      persistences trade places), which is the way to
//	                      model persistence in a non-gaussian family.
//	                      Identification sees the residual chain as
//	                      NODE <-> NODE@t-k between its periods, so a set
//	                      for x -> NODE adjusts for NODE@t-1 when x depends
//	                      on NODE's past; the edges into NODE stay
//	                      identified by its equation, which conditions on
//	                      the previous residual
//	  missing="m"         what the node's missing values become: model
//	                      (parameters mi.NODE.UNIT.TIME, imputed from the
//	                      node's own equation and its children's; the fit's
//	                      default, fit --missing; a binary, ordered or count
//	                      node's missing values are summed out over their
//	                      levels instead) or drop (rows that need them are
//	                      left out); see package model/sem, Missing
//	  time_effects="t"    the equation's period effects on a panel: none,
//	                      fixed (one effect per period, g.NODE.TIME, summing
//	                      to zero over the periods, so the intercept is the
//	                      mean level) or random-walk (g = 0 at the first
//	                      period, steps normal(0, tau_time.NODE)); unset,
//	                      the fit's --time-effects applies. On a latent
//	                      node it sets its structural equation's effects
//	  indicators="a,b"    observed columns measuring a [latent] node
//	  prior_strength="…"  default prior of the strengths of edges into the node
//	  prior_intercept, prior_sigma, prior_unit_sd, prior_loading, prior_cutpoint
//	  prior_shape         a negative binomial's shape (default gamma(0.01,0.01))
//	  prior_phi           a beta_binomial's or beta's precision (default
//	                      gamma(0.01,0.01))
//	  prior_nu            a student's degrees of freedom (default gamma(2,0.1),
//	                      nu > 1); prior_sigma also sets a student's scale and
//	                      a lognormal's sd of log y
//	  prior_zi, prior_hu  zero-inflation / hurdle probability: beta(a,b)
//	                      (default beta(1,1)); each family-specific prior is
//	                      an error on a node of another family
//	on edges
//	  lag=1               the parent at t-1 causes the child at t
//	  sign="+" / "-"      the sign the theory expects
//	  prior="…"           prior of the edge strength
//	  moderator="z"       moderation: z, another parent of the child, changes
//	                      this edge's strength; the child's linear predictor
//	                      gains c·x·z (x at t-lag, z at the lag of its own
//	                      edge into the child), with coefficient c.X.Z.Y
//	                      (c.X.lagK.Z.lagJ.Y for lagged ones); both x and z
//	                      must have data (not latent). A moderator that is not
//	                      a parent, the edge's own parent, a parent at two
//	                      lags or an unknown node is an error.
//	  moderator_prior="…" prior of c (default normal(0,1) on the fit scale:
//	                      the product of the two fit-scale columns)
//	  varies="unit"       the strength varies by unit on a panel: unit j's is
//	                      b + v_j with v_j ~ normal(0, sd_v) (parameters
//	                      b.PARENT.NODE, sd_v.PARENT.NODE, v.PARENT.NODE.UNIT);
//	                      the parent must be observed, the child an observed
//	                      node with unit intercepts and at least 5 units
//	  varies_prior="…"    prior of sd_v (a scale; default half_normal(1))
//
// Priors are family(parameters): normal(mu,sigma), student_t(nu,mu,sigma),
// cauchy, laplace, logistic, uniform(lower,upper) on the real line;
// half_normal(sigma), half_student_t(nu,sigma), half_cauchy(sigma),
// exponential(rate), lognormal, gamma(shape,rate), inv_gamma for scales
// (prior_sigma, prior_unit_sd must use these); beta(a,b). They are parsed
// into Prior values and checked (positive scales, the right support).
//
// A latent node has no column; it may have indicators. A node with
// role="root" has no lag-0 parents; a root without data (such as anarchy,
// the same for every country and month) is fixed: it stays in the diagram
// and in identification and is never estimated (Node.Fixed).
//
// # Binding to data
//
// Bind (BindPanel for a data.Panel) ties a model to a data set's columns,
// the same way for fitting, queries on a fit, implication tests and
// reports. A node with column="c" reads c; a node without column= reads the
// column of its own name when the data have one, so a plain dagitty graph
// whose node names are the CSV's column names binds as it is (a transform
// may be given without column=, and then applies to that column); a latent
// node reads its indicators. What is left has no data: a fixed root
// (role="root"), a latent node without indicators, or else an error that
// lists the nearest column names (equal ignoring case, a likely typo, or
// a name containing the node's). Bind also refuses two nodes that read one
// column through the same transform up to standardize and center (their
// edge would fit perfectly: strength 1, sd 0), a column that is both a
// node's data and an indicator, and an indicator shared by two latent
// nodes. Each Binding says how its node was bound; fit prints them.
//
// The estimation checks on the values themselves live in package fit: a
// node's values must suit its family, roots included (bernoulli 0/1,
// poisson counts, ordered categories); an ordered node's values are the
// categories 0 … K−1, K−1 the largest observed, and every level must occur
// (a 7 in a 0–4 column, which would add empty categories 5 and 6, or a
// 1–5 scale without 0, is refused: recode the column); a latent node needs
// two indicators or more (with one, its loading and the indicator's noise
// trade off and the chains disagree), and a 0/1 node fitted as gaussian
// gets a note.
//
// # Lint
//
// Attributes this package does not read are kept and written back, as
// dagitty does, so a typo (transfrom=, famliy=, lags=1) would silently
// change the model. Lint lists every attribute that neither this package
// (NodeAttributes, EdgeAttributes) nor dagitty (DagittyAttributes: adjusted,
// selected on nodes, pos and beta on edges) reads, with the known attribute
// it is close to: equal ignoring case, or one edit away for keys of up to
// four letters and two for longer ones, a swap of neighbouring letters
// counting as one; an edge attribute on a node (lag) or a node attribute on
// an edge (family) is named as such. The command line prints the close ones
// as warnings ("did you mean transform?") and, with --strict, refuses every
// one; without --strict the others round-trip untouched through Export.
//
// # The settings block
//
// Settings make lines long, so a model file may carry, after the dag block,
// a settings block with the same statement syntax that only sets attributes
// of nodes and edges the dag block declared:
//
//	dag {
//	  threat -> fear -> unilateralism
//	  peer -> fear [lag=1]
//	}
//	settings {
//	  fear [column="new_deaths_per_million", transform="log1p|standardize",
//	        family="gaussian", quality="good"]
//	  unilateralism [column="c8_max", family="ordered"]
//	  fear -> unilateralism [sign="+", prior="normal(0,0.5)"]
//	  peer -> fear [lag=1, sign="+"]     # lag selects the lagged edge
//	}
//
// In a settings block an unknown node or an edge the dag block lacks is an
// error with its line and column, and an attribute set in both blocks is a
// duplicate. Paste only the dag block into dagitty.net, or export the model:
// Export writes one dag block holding every attribute, which dagitty reads
// whole; ExportWith(…, ExportOptions{Settings: true}) writes the two blocks.
// Either parses back to the same model.
//
// # Identification
//
// DSeparated tests X ⟂ Y | Z for sets with the reachability ("Bayes-ball")
// algorithm and returns an open path when they are d-connected. Adjust
// lists every minimal adjustment set and the canonical set for a total
// effect (back-door criterion: no descendant of the exposure, every
// back-door path blocked) or a direct effect (single-door criterion: no
// descendant of the outcome, every path but the edge blocked), and refuses
// with a *NotIdentifiedError naming an open path when no set of observed
// nodes works, e.g. through a latent confounder or a bidirected edge.
// Minimal sets are enumerated as minimal vertex separators of the moral
// graph of the relevant ancestors. Implications lists one conditional
// independence per separable non-adjacent pair; PanelImplications groups
// them for panel data and TestPanel tests them (see "Testing implications
// on a panel"); Suggest proposes the edges that would explain the
// contradicted ones. TestImplications is the older pooled test. Parents, Children,
// Ancestors, Descendants, MarkovBlanket, DirectedPaths and BackdoorPaths
// answer structural questions. A bidirected edge is treated as an implicit
// latent parent of its two ends.
//
// A lagged edge may point back to an ancestor (countermeasures at t-1 ->
// fear at t) without making a cycle: only lag-0 edges form cycles. (dagitty
// knows no lags, so it draws such a model but reports it as cyclic.) For
// identification a lagged model is unrolled over MaxLag()+1 periods (two
// for lag 1): lag-0 edges repeat in every period and a lag-k edge runs from
// t-k to t. Queries name the node at t plainly and earlier copies as
// name@t-1; UnrollNote says this in words for reports.
//
// # Testing implications on a panel
//
// A graph's implications are conditional independencies X ⟂ Y | Z.
// Country-months are not independent draws: each country recurs, has its
// own level of everything (unit effects) and its own memory (autocorrelated
// noise). TestPanel respects that:
//
//   - Groups. PanelImplications picks, for each pair of different nodes, a
//     separator that works even if every node's noise is autocorrelated
//     (the graph is unrolled with a chain of noise terms through each
//     node's periods, and unobserved earlier periods for the past the lags
//     do not reach): the cross-node group. A node and its own lag, and pairs
//     that only a memoryless graph separates, form the autocorrelation
//     group: a contradiction there says the graph omits autocorrelation
//     (a self-lag X -> X [lag=1]), which the fit's equations assume away.
//     On a panel a model without lagged edges is unrolled over two periods
//     so that omitted lagged effects can show.
//   - The test (package citest). Within units, by default: every variable
//     is demeaned within its unit (and, with WithinTime, within its
//     period), the later of X and Y is regressed on the other and Z, and
//     the coefficient is tested with a CR1 standard error clustered by unit
//     and a t test with G−1 degrees of freedom (G units). A lag name@t-k is
//     the node's column lagged k periods within its unit. Demeaning biases
//     a memoryless node's coefficient on its own lag to about −1/T
//     (Nickell), and feedback over time biases others alike: the
//     autocorrelation group is tested with the half-panel jackknife
//     (2β − (β₁+β₂)/2 from the first and second half of each unit's
//     periods, Dhaene and Jochmans), which removes that bias to first
//     order. A column constant within
//     every unit cannot be tested within units (Untestable); in Z it is
//     dropped, the unit effects absorbing it. Pooled keeps the old test of
//     rows as if independent.
//   - Assumptions: units independent of each other and numerous (dozens
//     or more, for the clustered errors); linear dependence (partial
//     correlation), so a non-linear dependence may pass; the unit effects
//     additive; for the cross-node group, regressors strictly exogenous
//     given Z within a unit, which feedback over time (a node's past
//     driving another's present and back) violates at order 1/T.
//   - Multiplicity: the summary counts contradictions at alpha raw, after
//     Holm's correction (family-wise) and after Benjamini-Hochberg's (false
//     discovery rate), within each group.
//
// Calibration (TestPanelImplicationsCalibration; 100 panels per setting
// with go test -tags long -run CalibrationLong ./model/, 17 minutes on two
// busy cores): panels of 187 units × 36 periods simulated from the graphs
// of fig1, fig2 and fig2-remedies, linear gaussian equations, coefficients
// ±U(0.3, 0.6), unit effects of sd 1 and AR(1) noise with coefficient 0,
// 0.5 or 0.8. Share of the true implications contradicted at alpha = 0.05
// by the within test (within-time alike, ±0.4 points):
//
//	model          AR 0: cross-node  autocorrelation   AR 0.5: cross-node  AR 0.8: cross-node
//	fig1                 3.2%         4.8%                  3.6%                4.2%
//	fig2                 4.9%         4.2%                  4.6%                3.8%
//	fig2-remedies        5.0%         4.4%                  4.8%                4.9%
//
// The pooled test contradicts 39% (fig2) and 38% (fig2-remedies) of the
// true cross-node implications at AR 0.5. With AR 0.5–0.8 noise, which the
// graphs omit, the autocorrelation group is contradicted in 89–97% of its
// tests. A true edge deleted from the graph (threat -> fear in
// fig2-remedies, AR 0.5, other edges 0.45) is found, as a contradicted
// implication between threat and fear, in 65% of the panels at strength
// 0.05 sd and in 100% at 0.1, 0.15 and 0.2.
//
// On the embedded panel the within test contradicts 4 of 5 (fig1), 30 of
// 33 (fig2) and 43 of 48 (fig2-remedies; 41 more untestable, the remedies'
// columns being constant within countries) tested cross-node
// implications, nearly all of them also after Holm's correction; the
// pooled test 5 of 5, 30 of 33 and 65 of 77; within-time 2 of 5, 22 of 33
// and 25 of 48. Given the calibration, the graphs, not the test, miss
// dependences there (new cases and cumulative deaths relative to the world
// are not independent within a country, for one), and shocks common to a
// month explain part of them.
//
// # Built-in models
//
// fig1, fig2 and fig2-remedies are the paper's figures as
// ../shared/DESIGN.md reads them, mapped to the embedded panel's columns
// (see the comments in builtin/*.dag for each choice). Builtin parses one,
// Load takes a built-in name or a file path.
//
// # Size
//
// Parse and ParseFile read at most MaxModelBytes (64 MiB) and stop at a NUL
// byte, so an endless source ends with an error. Parsing, Structure (the
// graph built once for many Parents or Children lookups), Adjust and
// DSeparated take time linear or nearly so in the model's size: a
// 5,000-node model is parsed, shown and analysed in about a second
// (BenchmarkShow5000). DirectedPaths and BackdoorPaths stop at MaxPaths
// paths, MaxPathNodes nodes on them or MaxPathSteps search steps and report
// the list as truncated.
//
// # Tests
//
// go test ./model/ runs the published cases, the property tests against
// brute-force path enumeration (1,000 random DAGs), the round trips and the
// fuzz seeds in well under a minute. Longer runs:
//
//	go test -tags long ./model/                       # 20,000 random DAGs
//	go test -run '^$' -fuzz FuzzParse -fuzztime 60s ./model/
//	go test -run '^$' -bench . ./model/
package model
