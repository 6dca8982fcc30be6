package model

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"
)

// ExportOptions controls Export.
type ExportOptions struct {
	// Settings writes our settings (column, transform, family, role,
	// quality, indicators, priors, expected signs) in a separate settings
	// block after the dag block, leaving the dag block short. dagitty.net
	// reads only the dag block, so paste that part alone. The default
	// writes everything inside the dag block, which dagitty reads whole
	// (it keeps attributes it does not know).
	Settings bool
}

// Export writes m as a model file in dagitty syntax that Parse reads back
// to the same model and dagitty.net accepts: every node on its own line in
// declaration order with its attributes, then every edge.
func (m *Model) Export(w io.Writer) error {
	return m.ExportWith(w, ExportOptions{})
}

// ExportWith is Export with options.
func (m *Model) ExportWith(w io.Writer, opt ExportOptions) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("dag ")
	if m.GraphName != "" {
		bw.WriteString(quoteName(m.GraphName))
		bw.WriteByte(' ')
	}
	bw.WriteString("{\n")
	for _, a := range m.GraphAttrs {
		bw.WriteString(attrString(a))
		bw.WriteByte('\n')
	}
	split := opt.Settings
	for _, n := range m.Nodes {
		writeStmt(bw, quoteName(n.Name), nodeAttrs(n, !split, true))
	}
	for _, e := range m.Edges {
		writeStmt(bw, edgeHead(e), edgeAttrs(e, !split, true))
	}
	bw.WriteString("}\n")
	if split {
		var body bytes.Buffer
		for _, n := range m.Nodes {
			if attrs := nodeAttrs(n, true, false); len(attrs) > 0 {
				writeStmt(&body, quoteName(n.Name), attrs)
			}
		}
		for _, e := range m.Edges {
			if attrs := edgeAttrs(e, true, false); len(attrs) > 0 {
				if e.Lag > 0 {
					attrs = append([]string{"lag=" + strconv.Itoa(e.Lag)}, attrs...)
				}
				writeStmt(&body, edgeHead(e), attrs)
			}
		}
		if body.Len() > 0 {
			bw.WriteString("settings {\n")
			bw.Write(body.Bytes())
			bw.WriteString("}\n")
		}
	}
	return bw.Flush()
}

// String returns the exported model file.
func (m *Model) String() string {
	var b strings.Builder
	m.Export(&b)
	return b.String()
}

type stringWriter interface {
	WriteString(string) (int, error)
}

func writeStmt(w stringWriter, head string, attrs []string) {
	w.WriteString(head)
	if len(attrs) > 0 {
		w.WriteString(" [")
		w.WriteString(strings.Join(attrs, ","))
		w.WriteString("]")
	}
	w.WriteString("\n")
}

func edgeHead(e *Edge) string {
	op := " -> "
	if e.Kind == Bidirected {
		op = " <-> "
	}
	return quoteName(e.From) + op + quoteName(e.To)
}

// nodeAttrs returns a node's attributes: ours (settings) and/or dagitty's
// own and unknown ones (graph).
func nodeAttrs(n *Node, settings, graph bool) []string {
	var out []string
	if graph {
		if n.Exposure {
			out = append(out, "exposure")
		}
		if n.Outcome {
			out = append(out, "outcome")
		}
		if n.Latent {
			out = append(out, "latent")
		}
		if n.Pos != nil {
			out = append(out, "pos="+quote(fmtFloat(n.Pos[0])+","+fmtFloat(n.Pos[1])))
		}
		if n.Label != "" {
			out = append(out, "label="+quote(n.Label))
		}
	}
	if settings {
		str := func(key, v string) {
			if v != "" {
				out = append(out, key+"="+quote(v))
			}
		}
		str("column", n.Column)
		str("transform", n.Transform)
		str("family", n.Family)
		str("offset", n.Offset)
		str("trials", n.Trials)
		str("role", n.Role)
		str("quality", n.Quality)
		str("unit_effects", n.UnitEffects)
		if n.AR > 0 {
			str("ar", strconv.Itoa(n.AR))
		}
		str("missing", n.Missing)
		str("time_effects", n.TimeEffects)
		if len(n.Indicators) > 0 {
			str("indicators", strings.Join(n.Indicators, ","))
		}
		for _, k := range NodePriorKeys() {
			if p, ok := n.Priors[k]; ok {
				str("prior_"+k, p.String())
			}
		}
	}
	if graph {
		for _, a := range n.Attrs {
			out = append(out, attrString(a))
		}
	}
	return out
}

func edgeAttrs(e *Edge, settings, graph bool) []string {
	var out []string
	if graph && e.Lag > 0 {
		out = append(out, "lag="+strconv.Itoa(e.Lag))
	}
	if settings {
		if s := e.SignString(); s != "" {
			out = append(out, "sign="+quote(s))
		}
		if e.Prior != nil {
			out = append(out, "prior="+quote(e.Prior.String()))
		}
		if e.Moderator != "" {
			out = append(out, "moderator="+quote(e.Moderator))
		}
		if e.ModeratorPrior != nil {
			out = append(out, "moderator_prior="+quote(e.ModeratorPrior.String()))
		}
		if e.Varies != "" {
			out = append(out, "varies="+quote(e.Varies))
		}
		if e.VariesPrior != nil {
			out = append(out, "varies_prior="+quote(e.VariesPrior.String()))
		}
	}
	if graph {
		for _, a := range e.Attrs {
			out = append(out, attrString(a))
		}
	}
	return out
}

func attrString(a Attr) string {
	if a.Flag {
		return quoteName(a.Key)
	}
	return quoteName(a.Key) + "=" + quote(a.Value)
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// quote writes s as a model-file string: backslashes and quotes escaped.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// quoteName writes a name bare when it is a dagitty bareword, quoted
// otherwise.
func quoteName(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if !isBare(r) {
			return quote(s)
		}
	}
	return s
}
