package model

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"dilemma/data"
)

// maxDepth bounds the nesting of groups ({ { … } }) so that hostile input
// cannot exhaust the stack.
const maxDepth = 64

// Parse reads a model file (see the package documentation for the syntax).
// name is used in error messages ("name:line:col: message") and becomes the
// model's Name.
func Parse(r io.Reader, name string) (*Model, error) {
	b, err := data.ReadAllLimited(r, name, "a model file", MaxModelBytes)
	if err != nil {
		return nil, err
	}
	return ParseString(string(b), name)
}

// ParseString is Parse on a string.
func ParseString(src, name string) (*Model, error) {
	p := &parser{lx: newLexer(name, src), m: New(name)}
	p.m.Source = src
	if err := p.fill(); err != nil {
		return nil, err
	}
	if err := p.file(); err != nil {
		return nil, err
	}
	if len(p.m.Nodes) == 0 {
		return nil, &Error{File: name, Line: 1, Col: 1, Msg: "the model has no nodes"}
	}
	if err := p.m.Validate(); err != nil {
		return nil, err
	}
	return p.m, nil
}

// MaxModelBytes is the size limit of a model file (64 MiB, hundreds of
// times the largest model a person writes): Parse and ParseFile refuse a
// larger input, so that an endless source (a pipe, /dev/zero) ends with an
// error. A program may change it before parsing.
var MaxModelBytes int64 = 64 << 20

// ParseFile reads the model file at path.
func ParseFile(path string) (*Model, error) {
	b, err := data.ReadFileLimited(path, "a model file", MaxModelBytes)
	if err != nil {
		return nil, err
	}
	return ParseString(string(b), path)
}

// Load returns the built-in model called nameOrPath if there is one and no
// file of that name exists; otherwise it reads nameOrPath as a model file.
func Load(nameOrPath string) (*Model, error) {
	if st, err := os.Stat(nameOrPath); err == nil && st.Mode().IsRegular() {
		return ParseFile(nameOrPath)
	}
	if IsBuiltin(nameOrPath) {
		return Builtin(nameOrPath)
	}
	if strings.ContainsAny(nameOrPath, `/\`) || filepath.Ext(nameOrPath) != "" {
		return ParseFile(nameOrPath) // reports the file's absence
	}
	return nil, fmt.Errorf("no model file or built-in model called %q (built-ins: %s)", nameOrPath, strings.Join(BuiltinNames(), ", "))
}

type parser struct {
	lx       *lexer
	buf      [3]token // current token and two of lookahead
	m        *Model
	settings bool // inside a settings block
	depth    int
}

func (p *parser) fill() error {
	for i := range p.buf {
		t, err := p.lx.next()
		if err != nil {
			return err
		}
		p.buf[i] = t
	}
	return nil
}

func (p *parser) tok() token        { return p.buf[0] }
func (p *parser) ahead(k int) token { return p.buf[k] }

func (p *parser) advance() error {
	p.buf[0], p.buf[1] = p.buf[1], p.buf[2]
	if p.buf[1].kind == tEOF {
		p.buf[2] = p.buf[1]
		return nil
	}
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.buf[2] = t
	return nil
}

func (p *parser) errorf(at Position, format string, args ...any) error {
	return errAt(p.m.Name, at, format, args...)
}

func (p *parser) expect(k tokKind, what string) (token, error) {
	t := p.tok()
	if t.kind != k {
		return t, p.errorf(t.at, "expected %s %s, got %s", k, what, t.describe())
	}
	return t, p.advance()
}

var graphTypes = []string{"dag", "pdag", "mag", "pag", "graph", "digraph"}

// blockKeyword reports whether the current token opens a block: "dag {",
// "dag NAME {", "strict dag {", "settings {".
func (p *parser) blockKeyword() (string, bool) {
	t := p.tok()
	if t.kind != tID {
		return "", false
	}
	kw := strings.ToLower(t.text)
	switch {
	case kw == "settings":
		return kw, p.ahead(1).kind == tLBrace
	case kw == "strict":
		return kw, p.ahead(1).kind == tID && slices.Contains(graphTypes, strings.ToLower(p.ahead(1).text))
	case slices.Contains(graphTypes, kw):
		return kw, p.ahead(1).kind == tLBrace || (p.ahead(1).kind == tID || p.ahead(1).kind == tString) && p.ahead(2).kind == tLBrace
	}
	return "", false
}

func (p *parser) file() error {
	sawGraph := false
	for p.tok().kind != tEOF {
		kw, ok := p.blockKeyword()
		if !ok {
			if sawGraph {
				return p.errorf(p.tok().at, "unexpected %s after the dag block (only a settings { … } block may follow)", p.tok().describe())
			}
			if err := p.body(); err != nil {
				return err
			}
			sawGraph = true
			continue
		}
		at := p.tok().at
		if kw == "strict" {
			if err := p.advance(); err != nil {
				return err
			}
			kw = strings.ToLower(p.tok().text)
		}
		switch kw {
		case "settings":
			if !sawGraph {
				return p.errorf(at, "a settings block must follow the dag block")
			}
			if err := p.block(true); err != nil {
				return err
			}
		case "dag":
			if sawGraph {
				return p.errorf(at, "a model file holds one dag block")
			}
			if err := p.block(false); err != nil {
				return err
			}
			sawGraph = true
		default:
			return p.errorf(at, "graph type %q is not supported: a model is a dag (write dag { … })", p.tok().text)
		}
	}
	return nil
}

// body parses a bare list of statements (a model file without "dag {").
func (p *parser) body() error {
	for p.tok().kind != tEOF {
		if kw, ok := p.blockKeyword(); ok && kw == "settings" {
			return nil
		}
		if p.tok().kind == tRBrace {
			return p.errorf(p.tok().at, "unexpected '}' (no block is open)")
		}
		if _, err := p.stmt(false); err != nil {
			return err
		}
	}
	return nil
}

// block parses "dag [NAME] { … }" or "settings { … }".
func (p *parser) block(settings bool) error {
	open := p.tok().at
	if err := p.advance(); err != nil { // keyword
		return err
	}
	if !settings && p.tok().kind != tLBrace {
		p.m.GraphName = p.tok().text
		if err := p.advance(); err != nil {
			return err
		}
	}
	if _, err := p.expect(tLBrace, "to open the block"); err != nil {
		return err
	}
	p.settings = settings
	defer func() { p.settings = false }()
	for p.tok().kind != tRBrace {
		if p.tok().kind == tEOF {
			return p.errorf(open, "block opened here is never closed: missing '}'")
		}
		if _, err := p.stmt(false); err != nil {
			return err
		}
	}
	return p.advance()
}

// stmt parses one statement and returns the names of the nodes it
// mentions (used when the statement sits inside a group).
func (p *parser) stmt(inGroup bool) ([]string, error) {
	t := p.tok()
	switch t.kind {
	case tComma:
		if inGroup {
			return nil, p.advance()
		}
		return nil, p.errorf(t.at, "unexpected ',' (statements are separated by newlines, spaces or ';')")
	case tID, tString:
		if p.ahead(1).kind == tEq {
			return nil, p.graphAttr(inGroup)
		}
	case tLBrace:
	default:
		return nil, p.errorf(t.at, "expected a node name, an edge or '}', got %s", t.describe())
	}
	left, group, err := p.operand()
	if err != nil {
		return nil, err
	}
	mentioned := slices.Clone(left)
	if k := p.tok().kind; k == tArrow || k == tBackArrow || k == tBiArrow {
		type link struct {
			op    token
			right []string
		}
		var chain []link
		for k := p.tok().kind; k == tArrow || k == tBackArrow || k == tBiArrow; k = p.tok().kind {
			op := p.tok()
			if err := p.advance(); err != nil {
				return nil, err
			}
			right, _, err := p.operand()
			if err != nil {
				return nil, err
			}
			chain = append(chain, link{op, right})
			mentioned = append(mentioned, right...)
		}
		var attrs []rawAttr
		if p.tok().kind == tLBrack {
			if attrs, err = p.attrList(); err != nil {
				return nil, err
			}
		}
		from := left
		for _, l := range chain {
			for _, a := range from {
				for _, b := range l.right {
					if err := p.edge(a, b, l.op, attrs); err != nil {
						return nil, err
					}
				}
			}
			from = l.right
		}
		return mentioned, nil
	}
	if p.tok().kind == tLBrack {
		at := p.tok().at
		attrs, err := p.attrList()
		if err != nil {
			return nil, err
		}
		if group {
			return nil, p.errorf(at, "attributes after a group: put them on each node, e.g. {a [latent] b}")
		}
		n := p.m.Node(left[0])
		for _, a := range attrs {
			if err := p.nodeAttr(n, a); err != nil {
				return nil, err
			}
		}
	}
	return mentioned, nil
}

// operand parses a node name or a group "{ … }" and returns the node names.
func (p *parser) operand() (names []string, group bool, err error) {
	t := p.tok()
	switch t.kind {
	case tID, tString:
		if err := p.useNode(t); err != nil {
			return nil, false, err
		}
		return []string{t.text}, false, p.advance()
	case tLBrace:
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, true, p.errorf(t.at, "groups nested more than %d deep", maxDepth)
		}
		if err := p.advance(); err != nil {
			return nil, true, err
		}
		for p.tok().kind != tRBrace {
			if p.tok().kind == tEOF {
				return nil, true, p.errorf(t.at, "group opened here is never closed: missing '}'")
			}
			ns, err := p.stmt(true)
			if err != nil {
				return nil, true, err
			}
			for _, n := range ns {
				if !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
		if len(names) == 0 {
			return nil, true, p.errorf(t.at, "empty group { }")
		}
		return names, true, p.advance()
	}
	return nil, false, p.errorf(t.at, "expected a node name or a group { … }, got %s", t.describe())
}

// useNode declares a node on first mention in the dag block; in a settings
// block the node must already exist.
func (p *parser) useNode(t token) error {
	if p.m.Node(t.text) != nil {
		return nil
	}
	if p.settings {
		return p.errorf(t.at, "unknown node %q: a settings block may only refer to nodes of the dag block", t.text)
	}
	if t.kind == tID {
		if kw := strings.ToLower(t.text); kw == "settings" || slices.Contains(graphTypes, kw) {
			// allowed as a node name inside a block; nothing to do
			_ = kw
		}
	}
	return p.m.AddNode(&Node{Name: t.text, At: t.at})
}

func (p *parser) graphAttr(inGroup bool) error {
	key := p.tok()
	if inGroup || p.settings {
		return p.errorf(key.at, "graph attribute %s = … is only allowed at the top of the dag block", key.describe())
	}
	if err := p.advance(); err != nil { // key
		return err
	}
	if err := p.advance(); err != nil { // '='
		return err
	}
	v := p.tok()
	if v.kind != tID && v.kind != tString {
		return p.errorf(v.at, "expected a value after '=', got %s", v.describe())
	}
	for _, a := range p.m.GraphAttrs {
		if a.Key == key.text {
			return p.errorf(key.at, "duplicate graph attribute %q", key.text)
		}
	}
	p.m.GraphAttrs = append(p.m.GraphAttrs, Attr{Key: key.text, Value: v.text})
	return p.advance()
}

type rawAttr struct {
	key    string
	val    string
	hasVal bool
	keyAt  Position
	valAt  Position
}

func (p *parser) attrList() ([]rawAttr, error) {
	open := p.tok().at
	if err := p.advance(); err != nil {
		return nil, err
	}
	var list []rawAttr
	for {
		t := p.tok()
		switch t.kind {
		case tRBrack:
			return list, p.advance()
		case tComma:
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		case tEOF:
			return nil, p.errorf(open, "attribute list opened here is never closed: missing ']'")
		case tID, tString:
		default:
			return nil, p.errorf(t.at, "expected an attribute name or ']', got %s", t.describe())
		}
		a := rawAttr{key: t.text, keyAt: t.at}
		if a.key == "" {
			return nil, p.errorf(t.at, "empty attribute name")
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok().kind == tEq {
			if err := p.advance(); err != nil {
				return nil, err
			}
			v := p.tok()
			if v.kind != tID && v.kind != tString {
				return nil, p.errorf(v.at, "expected a value for attribute %q, got %s", a.key, v.describe())
			}
			a.val, a.hasVal, a.valAt = v.text, true, v.at
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		for _, b := range list {
			if b.key == a.key {
				return nil, p.errorf(a.keyAt, "duplicate attribute %q (first at %s)", a.key, b.keyAt)
			}
		}
		list = append(list, a)
	}
}

func (p *parser) needValue(a rawAttr) error {
	if !a.hasVal {
		return p.errorf(a.keyAt, "attribute %q needs a value, e.g. %s=\"…\"", a.key, a.key)
	}
	return nil
}

func (p *parser) flag(a rawAttr) (bool, error) {
	if !a.hasVal {
		return true, nil
	}
	switch strings.ToLower(a.val) {
	case "1", "true", "yes":
		return true, nil
	case "0", "false", "no":
		return false, nil
	}
	return false, p.errorf(a.valAt, "attribute %q is a flag: write [%s] (or %s=true/false), not %q", a.key, a.key, a.key, a.val)
}

func (p *parser) oneOf(a rawAttr, allowed []string) (string, error) {
	if err := p.needValue(a); err != nil {
		return "", err
	}
	if !slices.Contains(allowed, a.val) {
		return "", p.errorf(a.valAt, "unknown %s %q (known: %s)", a.key, a.val, strings.Join(allowed, ", "))
	}
	return a.val, nil
}

func (p *parser) nodeAttr(n *Node, a rawAttr) error {
	if n.attrAt == nil {
		n.attrAt = map[string]Position{}
	}
	if prev, ok := n.attrAt[a.key]; ok {
		return p.errorf(a.keyAt, "duplicate attribute %q on node %s (first set at %s)", a.key, n.Name, prev)
	}
	n.attrAt[a.key] = a.keyAt
	var err error
	switch a.key {
	case "exposure":
		n.Exposure, err = p.flag(a)
	case "outcome":
		n.Outcome, err = p.flag(a)
	case "latent":
		n.Latent, err = p.flag(a)
	case "pos":
		if err = p.needValue(a); err != nil {
			return err
		}
		xy, ok := parsePos(a.val)
		if !ok {
			return p.errorf(a.valAt, "pos=%q: write two numbers, pos=\"x,y\"", a.val)
		}
		n.Pos = &xy
	case "label":
		if err = p.needValue(a); err == nil {
			n.Label = a.val
		}
	case "column":
		if err = p.needValue(a); err == nil {
			if strings.TrimSpace(a.val) == "" {
				return p.errorf(a.valAt, "empty column name")
			}
			n.Column = a.val
		}
	case "transform":
		if err = p.needValue(a); err != nil {
			return err
		}
		if terr := checkTransform(a.val); terr != nil {
			return p.errorf(a.valAt, "node %s: %v", n.Name, terr)
		}
		n.Transform = a.val
	case "family":
		n.Family, err = p.oneOf(a, Families)
	case "trials":
		if err = p.needValue(a); err != nil {
			return err
		}
		n.Trials = strings.TrimSpace(a.val)
		if v, isNum := n.TrialsConstant(); isNum && (!(v >= 1) || v != math.Trunc(v) || math.IsInf(v, 0)) {
			return p.errorf(a.valAt, "node %s: trials=%q: a constant number of trials must be a positive integer", n.Name, a.val)
		}
	case "offset":
		if err = p.needValue(a); err != nil {
			return err
		}
		n.Offset = a.val
		if c, _ := n.OffsetColumn(); c == "" || strings.ContainsAny(c, "()") {
			return p.errorf(a.valAt, "node %s: offset=%q: want a column, or log(COLUMN)", n.Name, a.val)
		}
	case "role":
		n.Role, err = p.oneOf(a, Roles)
	case "quality":
		n.Quality, err = p.oneOf(a, Qualities)
	case "unit_effects":
		n.UnitEffects, err = p.oneOf(a, UnitEffectModes)
	case "ar":
		if err = p.needValue(a); err != nil {
			return err
		}
		k, cerr := strconv.Atoi(strings.TrimSpace(a.val))
		if cerr != nil || k < 1 {
			return p.errorf(a.valAt, "node %s: ar=%q: want ar=\"1\" (AR(1) residuals within unit)", n.Name, a.val)
		}
		n.AR = k // an order above 1 is refused by Validate, naming the remedy
	case "missing":
		n.Missing, err = p.oneOf(a, MissingModes)
	case "time_effects":
		n.TimeEffects, err = p.oneOf(a, TimeEffectModes)
	case "indicators":
		if err = p.needValue(a); err != nil {
			return err
		}
		var cols []string
		for _, c := range strings.Split(a.val, ",") {
			c = strings.TrimSpace(c)
			if c == "" {
				return p.errorf(a.valAt, "indicators=%q: empty column name in the list", a.val)
			}
			if slices.Contains(cols, c) {
				return p.errorf(a.valAt, "indicators=%q: column %q listed twice", a.val, c)
			}
			cols = append(cols, c)
		}
		n.Indicators = cols
	case "prior":
		return p.errorf(a.keyAt, "on a node, a prior names its parameter: prior_%s", strings.Join(NodePriorKeys(), ", prior_"))
	default:
		if slot, ok := strings.CutPrefix(a.key, "prior_"); ok {
			sup, known := nodePriorSlot(slot)
			if !known {
				return p.errorf(a.keyAt, "unknown prior parameter %q (known: prior_%s)", a.key, strings.Join(NodePriorKeys(), ", prior_"))
			}
			pr, err := p.prior(a, sup)
			if err != nil {
				return err
			}
			if n.Priors == nil {
				n.Priors = map[string]Prior{}
			}
			n.Priors[slot] = pr
			return nil
		}
		n.Attrs = append(n.Attrs, Attr{Key: a.key, Value: a.val, Flag: !a.hasVal})
	}
	return err
}

func (p *parser) prior(a rawAttr, sup Support) (Prior, error) {
	if err := p.needValue(a); err != nil {
		return Prior{}, err
	}
	pr, err := ParsePrior(a.val)
	if err != nil {
		return Prior{}, p.errorf(a.valAt, "%v", err)
	}
	if err := checkPriorSupport(pr, sup); err != nil {
		return Prior{}, p.errorf(a.valAt, "%s: %v", a.key, err)
	}
	return pr, nil
}

func parsePos(s string) ([2]float64, bool) {
	parts := strings.Split(s, ",")
	if len(parts) != 2 {
		return [2]float64{}, false
	}
	var xy [2]float64
	for i, part := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return [2]float64{}, false
		}
		xy[i] = v
	}
	return xy, true
}

// edge creates (dag block) or selects (settings block) the edge a op b and
// applies attrs to it.
func (p *parser) edge(a, b string, op token, attrs []rawAttr) error {
	from, to, kind := a, b, Directed
	switch op.kind {
	case tBackArrow:
		from, to = b, a
	case tBiArrow:
		kind = Bidirected
	}
	lag := 0
	for _, at := range attrs {
		if at.key != "lag" {
			continue
		}
		if err := p.needValue(at); err != nil {
			return err
		}
		l, err := strconv.Atoi(at.val)
		if err != nil || l < 0 {
			return p.errorf(at.valAt, "lag=%q: write a whole number of periods >= 0, e.g. lag=1", at.val)
		}
		if kind == Bidirected && l > 0 {
			return p.errorf(at.keyAt, "a bidirected edge (a latent common cause) cannot be lagged")
		}
		lag = l
	}
	var e *Edge
	if p.settings {
		e = p.m.Edge(from, to, kind, lag)
		if e == nil {
			hint := ""
			for _, o := range p.m.Edges {
				if o.From == from && o.To == to && o.Kind == kind {
					hint = fmt.Sprintf(" (the dag block has %s)", o)
					break
				}
			}
			shown := &Edge{From: from, To: to, Kind: kind, Lag: lag}
			return p.errorf(op.at, "edge %s is not in the dag block%s: a settings block may only set attributes of existing edges", shown, hint)
		}
	} else {
		e = &Edge{From: from, To: to, Kind: kind, Lag: lag, At: op.at}
		if err := p.m.AddEdge(e); err != nil {
			return err
		}
	}
	if e.attrAt == nil {
		e.attrAt = map[string]Position{}
	}
	for _, at := range attrs {
		if at.key == "lag" {
			if !p.settings {
				e.attrAt["lag"] = at.keyAt
			}
			continue
		}
		if err := p.edgeAttr(e, at); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) edgeAttr(e *Edge, a rawAttr) error {
	if prev, ok := e.attrAt[a.key]; ok {
		return p.errorf(a.keyAt, "duplicate attribute %q on edge %s (first set at %s)", a.key, e, prev)
	}
	e.attrAt[a.key] = a.keyAt
	switch a.key {
	case "sign":
		if err := p.needValue(a); err != nil {
			return err
		}
		if e.Kind == Bidirected {
			return p.errorf(a.keyAt, "a bidirected edge has no strength, so no expected sign")
		}
		switch strings.ToLower(a.val) {
		case "+", "positive", "+1", "1":
			e.Sign = 1
		case "-", "negative", "-1":
			e.Sign = -1
		case "0", "none", "?", "":
			e.Sign = 0
		default:
			return p.errorf(a.valAt, "sign=%q: write sign=\"+\" or sign=\"-\"", a.val)
		}
	case "prior":
		if e.Kind == Bidirected {
			return p.errorf(a.keyAt, "a bidirected edge has no strength, so no prior")
		}
		pr, err := p.prior(a, RealLine)
		if err != nil {
			return err
		}
		e.Prior = &pr
	case "moderator":
		if err := p.needValue(a); err != nil {
			return err
		}
		if e.Kind == Bidirected {
			return p.errorf(a.keyAt, "a bidirected edge has no strength, so no moderator")
		}
		e.Moderator = a.val
	case "moderator_prior":
		if e.Kind == Bidirected {
			return p.errorf(a.keyAt, "a bidirected edge has no strength, so no moderator")
		}
		pr, err := p.prior(a, RealLine)
		if err != nil {
			return err
		}
		e.ModeratorPrior = &pr
	case "varies":
		if err := p.needValue(a); err != nil {
			return err
		}
		if e.Kind == Bidirected {
			return p.errorf(a.keyAt, "a bidirected edge has no strength, so nothing varies")
		}
		if a.val != "unit" {
			return p.errorf(a.valAt, "varies=%q: write varies=\"unit\" (the strength varies by unit)", a.val)
		}
		e.Varies = a.val
	case "varies_prior":
		if e.Kind == Bidirected {
			return p.errorf(a.keyAt, "a bidirected edge has no strength, so nothing varies")
		}
		pr, err := p.prior(a, Positive)
		if err != nil {
			return err
		}
		e.VariesPrior = &pr
	default:
		e.Attrs = append(e.Attrs, Attr{Key: a.key, Value: a.val, Flag: !a.hasVal})
	}
	return nil
}
