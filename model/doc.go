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
// this package does not know are kept in order and written back. Ours:
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
// independence per separable non-adjacent pair; TestImplications tests them
// against a data panel with partial correlations. Parents, Children,
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
// # Built-in models
//
// fig1, fig2 and fig2-remedies are the paper's figures as
// ../shared/DESIGN.md reads them, mapped to the embedded panel's columns
// (see the comments in builtin/*.dag for each choice). Builtin parses one,
// Load takes a built-in name or a file path.
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
