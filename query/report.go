package query

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"dilemma/model"
)

// Summary is the posterior of one quantity from its per-draw values.
type Summary struct {
	Mean   float64 `json:"mean"`
	SD     float64 `json:"sd"`
	Median float64 `json:"median"`
	Lo     float64 `json:"lo"` // lower end of the central Level credible interval
	Hi     float64 `json:"hi"`
	Level  float64 `json:"level"`
	PNeg   float64 `json:"p_negative"` // P(value < 0)
	PPos   float64 `json:"p_positive"` // P(value > 0)
	// Expected is the sign the theory expects (+1, −1), 0 for none.
	Expected int `json:"expected_sign"`
	// PExpected is P(value has the expected sign), NaN when there is none.
	PExpected float64 `json:"p_expected_sign"`
	Draws     int     `json:"draws"`
}

// MarshalJSON writes non-finite numbers as null.
func (s Summary) MarshalJSON() ([]byte, error) { return json.Marshal(s.jsonMap(nil)) }

// jsonMap is the summary as JSON fields, added to m (a new map when nil).
// Types that embed a Summary marshal through it, so that their own fields
// are not lost to the promoted MarshalJSON.
func (s Summary) jsonMap(m map[string]any) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	m["mean"], m["sd"], m["median"] = nullable(s.Mean), nullable(s.SD), nullable(s.Median)
	m["lo"], m["hi"], m["level"] = nullable(s.Lo), nullable(s.Hi), nullable(s.Level)
	m["p_negative"], m["p_positive"] = nullable(s.PNeg), nullable(s.PPos)
	m["expected_sign"], m["p_expected_sign"], m["draws"] = SignString(s.Expected), nullable(s.PExpected), s.Draws
	return m
}

// nullable is v, or nil (JSON null) when v is not finite.
func nullable(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// SignString is "+", "-" or "none".
func SignString(s int) string {
	switch {
	case s > 0:
		return "+"
	case s < 0:
		return "-"
	}
	return "none"
}

// Summarize summarizes per-draw values (NaN draws are skipped) with a
// central credible interval of the given level and the probability of the
// expected sign.
func Summarize(x []float64, level float64, expected int) Summary {
	v := make([]float64, 0, len(x))
	for _, a := range x {
		if !math.IsNaN(a) {
			v = append(v, a)
		}
	}
	s := Summary{Level: level, Expected: expected, Draws: len(v), PExpected: math.NaN()}
	if len(v) == 0 {
		s.Mean, s.SD, s.Median, s.Lo, s.Hi, s.PNeg, s.PPos = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
		return s
	}
	sum := 0.0
	neg, pos := 0, 0
	for _, a := range v {
		sum += a
		if a < 0 {
			neg++
		} else if a > 0 {
			pos++
		}
	}
	n := float64(len(v))
	s.Mean = sum / n
	ss := 0.0
	for _, a := range v {
		ss += (a - s.Mean) * (a - s.Mean)
	}
	if len(v) > 1 {
		s.SD = math.Sqrt(ss / (n - 1))
	}
	sort.Float64s(v)
	s.Median = quantileSorted(v, 0.5)
	s.Lo = quantileSorted(v, (1-level)/2)
	s.Hi = quantileSorted(v, 1-(1-level)/2)
	s.PNeg, s.PPos = float64(neg)/n, float64(pos)/n
	switch {
	case expected > 0:
		s.PExpected = s.PPos
	case expected < 0:
		s.PExpected = s.PNeg
	}
	return s
}

// quantileSorted is R's type-7 quantile of sorted values.
func quantileSorted(v []float64, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	h := p * float64(len(v)-1)
	lo := int(math.Floor(h))
	if lo >= len(v)-1 {
		return v[len(v)-1]
	}
	return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
}

// EdgeBasis is one edge an answer rests on, with its posterior and how much
// the data moved it from the prior.
type EdgeBasis struct {
	Edge  string  `json:"edge"`  // "fear -> unilateralism", "x -> y [lag=1]"
	Param string  `json:"param"` // b.fear.unilateralism
	Mean  float64 `json:"mean"`
	SD    float64 `json:"sd"`
	// Contraction is 1 − posterior variance / prior variance: near 0 the
	// answer comes from the prior, near 1 from the data.
	Contraction float64 `json:"contraction"`
	Identified  bool    `json:"identified"`
	Reason      string  `json:"reason,omitempty"`
}

// MarshalJSON writes non-finite numbers as null.
func (e EdgeBasis) MarshalJSON() ([]byte, error) {
	m := map[string]any{"edge": e.Edge, "param": e.Param, "mean": nullable(e.Mean), "sd": nullable(e.SD),
		"contraction": nullable(e.Contraction), "identified": e.Identified}
	if e.Reason != "" {
		m["reason"] = e.Reason
	}
	return json.Marshal(m)
}

// Basis is what an answer rests on: identification, the estimated edges on
// the causal paths, what was left out or approximated, and the fit's
// diagnostics.
type Basis struct {
	// Assumed is set when the query was not identified and
	// --assume-identified asked for it anyway; Problems says why it would
	// have been refused.
	Assumed  bool     `json:"assumed_identified"`
	Problems []string `json:"identification_problems,omitempty"`
	// Identification says how the query is identified (or what was assumed).
	Identification []string    `json:"identification"`
	Edges          []EdgeBasis `json:"edges"`
	// LeftOut lists causal paths the fit cannot follow (through nodes it
	// does not estimate); their contribution is taken as zero.
	LeftOut []string `json:"left_out_paths,omitempty"`
	// Method says how the answer is computed (exact, plug-in, Monte Carlo).
	Method string `json:"method"`
	// Diagnostics is the fit's diagnostics status: "no problems" or the
	// warnings.
	Diagnostics string   `json:"diagnostics"`
	Warnings    []string `json:"diagnostics_warnings,omitempty"`
	Notes       []string `json:"notes,omitempty"`
	// RangeWarnings say which interventions take a node outside the range
	// it takes in the data (the answer extrapolates).
	RangeWarnings []string `json:"range_warnings,omitempty"`
}

// FirstLine is the line a report must open with when identification was
// assumed, or "".
func (b *Basis) FirstLine() string {
	if !b.Assumed {
		return ""
	}
	return "ASSUMED IDENTIFIED (--assume-identified): this answer would otherwise be refused: " + strings.Join(b.Problems, "; ")
}

// Footer writes the "what it rests on" lines that end every report.
func (b *Basis) Footer() []string {
	var out []string
	out = append(out, "What it rests on:")
	for _, l := range b.Identification {
		out = append(out, "  identification: "+l)
	}
	if len(b.Edges) == 0 {
		out = append(out, "  edges: none (no causal path from the intervention to the outcome)")
	}
	for _, e := range b.Edges {
		c := "NA"
		if !math.IsNaN(e.Contraction) {
			c = fmt.Sprintf("%.2f", e.Contraction)
		}
		flag := ""
		switch {
		case !e.Identified:
			flag = "  NOT identified: " + e.Reason
		case !math.IsNaN(e.Contraction) && e.Contraction < 0.5:
			flag = "  (mostly prior)"
		}
		out = append(out, fmt.Sprintf("  edge %s: mean %s, sd %s, contraction %s%s", e.Edge, sci(e.Mean), sci(e.SD), c, flag))
	}
	for _, p := range b.LeftOut {
		out = append(out, "  left out (taken as zero): "+p)
	}
	out = append(out, "  method: "+b.Method)
	for _, n := range b.Notes {
		out = append(out, "  note: "+n)
	}
	out = append(out, "  fit diagnostics: "+b.Diagnostics)
	for _, w := range b.Warnings {
		out = append(out, "    "+w)
	}
	return out
}

// NotIdentifiedError refuses a query the fit cannot answer causally.
type NotIdentifiedError struct {
	Query    string
	Problems []string
}

func (e *NotIdentifiedError) Error() string {
	more := ""
	if len(e.Problems) > 1 {
		more = fmt.Sprintf(" (and %d more: %s)", len(e.Problems)-1, strings.Join(e.Problems[1:], "; "))
	}
	return fmt.Sprintf("%s is not identified: %s%s; rerun with --assume-identified to compute it anyway", e.Query, e.Problems[0], more)
}

// path is a directed path of the model graph with its lags.
type path struct {
	nodes []string
	lags  []int // lag of the edge nodes[i] -> nodes[i+1]
	signs []int
}

func (p path) lag() int {
	s := 0
	for _, l := range p.lags {
		s += l
	}
	return s
}

func (p path) sign() int {
	s := 1
	for _, g := range p.signs {
		s *= g
	}
	return s
}

func (p path) String() string {
	var b strings.Builder
	b.WriteString(p.nodes[0])
	for i, l := range p.lags {
		if l > 0 {
			fmt.Fprintf(&b, " -[lag %d]-> %s", l, p.nodes[i+1])
		} else {
			b.WriteString(" -> " + p.nodes[i+1])
		}
	}
	return b.String()
}

const maxPaths = 10000

// paths lists the model's directed paths from x to y whose lags add up to
// at most maxLag (lagged edges may revisit a node in a later period).
func modelPaths(m *model.Model, x, y string, maxLag int) (out []path, truncated bool) {
	var walk func(cur string, p path, lag int)
	onPath := map[string]int{}
	walk = func(cur string, p path, lag int) {
		if len(out) >= maxPaths {
			truncated = true
			return
		}
		if cur == y && len(p.lags) > 0 {
			q := path{nodes: append([]string(nil), p.nodes...), lags: append([]int(nil), p.lags...), signs: append([]int(nil), p.signs...)}
			out = append(out, q)
			return
		}
		for _, e := range m.Out(cur) {
			if e.Kind != model.Directed || lag+e.Lag > maxLag {
				continue
			}
			// A node may recur only in a later period.
			if l, seen := onPath[e.To]; seen && l == lag+e.Lag {
				continue
			}
			prev, had := onPath[e.To]
			onPath[e.To] = lag + e.Lag
			p.nodes = append(p.nodes, e.To)
			p.lags = append(p.lags, e.Lag)
			p.signs = append(p.signs, e.Sign)
			walk(e.To, p, lag+e.Lag)
			p.nodes, p.lags, p.signs = p.nodes[:len(p.nodes)-1], p.lags[:len(p.lags)-1], p.signs[:len(p.signs)-1]
			if had {
				onPath[e.To] = prev
			} else {
				delete(onPath, e.To)
			}
		}
	}
	onPath[x] = 0
	walk(x, path{nodes: []string{x}}, 0)
	return out, truncated
}

// pathsSign is the sign all paths agree on, or 0 when they disagree or a
// sign is unset.
func pathsSign(ps []path) int {
	s := 0
	for _, p := range ps {
		g := p.sign()
		if g == 0 {
			return 0
		}
		if s == 0 {
			s = g
		} else if s != g {
			return 0
		}
	}
	return s
}

// estimable reports whether every node and edge of p is in the fit; if not
// it returns the first node that is not.
func (s *system) estimable(p path) (bool, string) {
	for i := range p.lags {
		from, to := p.nodes[i], p.nodes[i+1]
		if _, ok := s.index[from]; !ok {
			return false, from
		}
		ci, ok := s.index[to]
		if !ok {
			return false, to
		}
		found := false
		for _, t := range s.nodes[ci].terms {
			if s.nodes[t.parent].name == from && t.lag == p.lags[i] {
				found = true
			}
		}
		if !found {
			return false, to
		}
	}
	return true, ""
}

// basisFor checks identification of the effect of xs on y over periods
// 0 … horizon and collects what the answer rests on. problems is empty when
// the query is identified.
func (e *Engine) basisFor(xs []string, y string, horizon int, mediators []string) (*Basis, error) {
	s := e.s
	m := s.model
	b := &Basis{}
	edgeSeen := map[string]bool{}
	var all []path
	for _, x := range xs {
		ps, trunc := modelPaths(m, x, y, horizon)
		if trunc {
			b.Notes = append(b.Notes, fmt.Sprintf("more than %d causal paths from %s to %s; only the first were checked", maxPaths, x, y))
		}
		all = append(all, ps...)
		if len(ps) == 0 {
			b.Identification = append(b.Identification, fmt.Sprintf("no directed path from %s to %s within %d period(s): its effect is zero by the graph", x, y, horizon))
			continue
		}
		// The total effect on the graph (back-door criterion), at t and,
		// for lagged paths, from earlier periods.
		maxLag := 0
		for _, p := range ps {
			maxLag = max(maxLag, p.lag())
		}
		for k := 0; k <= min(maxLag, m.MaxLag()); k++ {
			xn := x
			if k > 0 {
				xn = fmt.Sprintf("%s@t-%d", x, k)
			}
			sets, _, err := e.measured().AdjustmentSets(xn, y, model.Total)
			if err != nil {
				b.Problems = append(b.Problems, err.Error())
				continue
			}
			b.Identification = append(b.Identification, fmt.Sprintf("total effect of %s on %s identified on the graph (back-door criterion, latent nodes with indicators counting as measured; adjustment sets %s)", xn, y, fmtSets(sets)))
		}
		for _, p := range ps {
			if ok, at := s.estimable(p); !ok {
				why := s.dropped[at]
				if why == "" {
					why = "not estimated"
				}
				b.LeftOut = append(b.LeftOut, fmt.Sprintf("%s (through %s: %s)", p, at, why))
				continue
			}
			for i := range p.lags {
				e.addEdge(b, edgeSeen, p.nodes[i], p.nodes[i+1], p.lags[i])
			}
		}
	}
	e.arNotes(b, xs, y, horizon) // ar.go
	for _, lo := range b.LeftOut {
		b.Problems = append(b.Problems, "the causal path "+lo+" cannot be followed by the fit")
	}
	for _, ed := range b.Edges {
		if !ed.Identified {
			b.Problems = append(b.Problems, fmt.Sprintf("the fitted strength of %s is not a causal effect: %s", ed.Edge, ed.Reason))
		}
	}
	if len(b.Problems) == 0 && len(all) > 0 {
		b.Identification = append(b.Identification, "every edge on the causal paths is identified by its child's equation (single-door criterion)")
	}
	b.Problems = dedup(b.Problems)
	f := s.fit
	if len(f.Warnings) == 0 {
		b.Diagnostics = "no problems"
	} else {
		b.Diagnostics = fmt.Sprintf("%d warning(s)", len(f.Warnings))
		for _, w := range f.Warnings {
			b.Warnings = append(b.Warnings, w.String())
		}
	}
	for _, w := range f.SamplerWarnings {
		b.Warnings = append(b.Warnings, "sampler: "+w)
	}
	if note := m.UnrollNote(); note != "" && horizon > 0 {
		b.Notes = append(b.Notes, note)
	}
	return b, nil
}

// measured returns the model with every latent node that has indicators
// marked observed: the fit models such a node, so a back-door through it is
// blocked by the equations that condition on it (as model.EdgeIdentified
// already counts it; model.AdjustmentSets would not).
func (e *Engine) measured() *model.Model {
	if e.measuredModel == nil {
		m := e.s.model.Clone()
		for _, n := range m.Nodes {
			if n.Latent && len(n.Indicators) > 0 {
				n.Latent = false
			}
		}
		e.measuredModel = m
	}
	return e.measuredModel
}

func dedup(x []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range x {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func fmtSets(sets [][]string) string {
	if len(sets) == 0 {
		return "none"
	}
	var parts []string
	for i, s := range sets {
		if i == 4 {
			parts = append(parts, fmt.Sprintf("… %d more", len(sets)-4))
			break
		}
		parts = append(parts, "{"+strings.Join(s, ", ")+"}")
	}
	return strings.Join(parts, ", ")
}

// addEdge adds the edge from -> to (lag) to the basis once, with its
// posterior, contraction and identification.
func (e *Engine) addEdge(b *Basis, seen map[string]bool, from, to string, lag int) {
	s := e.s
	name := "b." + from + "." + to
	label := from + " -> " + to
	if lag > 0 {
		name = fmt.Sprintf("b.%s.lag%d.%s", from, lag, to)
		label += fmt.Sprintf(" [lag=%d]", lag)
	}
	if seen[name] {
		return
	}
	seen[name] = true
	eb := EdgeBasis{Edge: label, Param: name, Contraction: math.NaN(), Identified: true}
	found := false
	for _, es := range s.fit.Edges {
		if es.Name == name {
			eb.Mean, eb.SD, eb.Contraction = es.Mean, es.SD, es.Contraction
			found = true
		}
	}
	if !found {
		if j := s.param(name); j >= 0 {
			var all []float64
			for c := range s.draws {
				all = append(all, s.draws[c][j]...)
			}
			sm := Summarize(all, 0.9, 0)
			eb.Mean, eb.SD = sm.Mean, sm.SD
			if pv := e.priorVar[name]; pv > 0 && !math.IsInf(pv, 0) {
				eb.Contraction = 1 - sm.SD*sm.SD/pv
			}
		}
	}
	if me := s.model.Edge(from, to, model.Directed, lag); me != nil {
		ok, reason, err := s.model.EdgeIdentified(me)
		if err != nil {
			ok, reason = false, "cannot be checked: "+err.Error()
		}
		eb.Identified, eb.Reason = ok, reason
	}
	b.Edges = append(b.Edges, eb)
	e.addInteractions(b, seen, from, to, lag, eb) // moderation.go
}

// direction is the sign of an intervention's push on its node relative to
// the reference: +1, −1, or 0 when unknown (a set value or a quantile).
func direction(a *action, sd float64) (float64, bool) {
	if a.perRow != nil {
		return a.push, true
	}
	switch a.kind {
	case Shift, ShiftSD:
		return a.value, true
	}
	return 0, false
}

// expectedSign is the sign the model's edge signs imply for the contrast of
// w1 with w0 at period h (sustained, or a pulse at period 0): for every intervened node the push direction
// times the sign all its paths to y agree on; 0 when any is unknown or they
// disagree.
func (e *Engine) expectedSign(w1, w0 []action, y string, h int, pulse bool) int {
	push := map[int]float64{}
	known := map[int]bool{}
	for _, a := range w1 {
		d, ok := direction(&a, 0)
		push[a.node] += d
		known[a.node] = ok
	}
	for _, a := range w0 {
		d, ok := direction(&a, 0)
		push[a.node] -= d
		if k, seen := known[a.node]; seen {
			known[a.node] = k && ok
		} else {
			known[a.node] = ok
		}
	}
	sign := 0
	for v, d := range push {
		ps, _ := modelPaths(e.s.model, e.s.nodes[v].name, y, h)
		if pulse {
			// A one-period intervention reaches period h only along paths
			// whose lags add up to h.
			var keep []path
			for _, p := range ps {
				if p.lag() == h {
					keep = append(keep, p)
				}
			}
			ps = keep
		}
		if len(ps) == 0 {
			continue
		}
		if !known[v] || d == 0 {
			return 0
		}
		g := pathsSign(ps)
		if g == 0 {
			return 0
		}
		if d < 0 {
			g = -g
		}
		if sign == 0 {
			sign = g
		} else if sign != g {
			return 0
		}
	}
	return sign
}
