package report

import (
	"strings"
	"testing"

	"dilemma/table"
)

// TestHTMLTableKeepsEscapedPipes: a '|' inside a cell (a transform
// pipeline) stays in its cell, and each column is aligned as the Markdown
// separator row says: text left, numbers right.
func TestHTMLTableKeepsEscapedPipes(t *testing.T) {
	tb := &table.Table{
		Columns: []string{"node", "transform", "mean"},
		Rows:    [][]string{{"fear", "log1p|standardize", "-0.50"}, {"a*b*", "`x`", "1"}},
		Align:   []table.Align{table.Left, table.Left, table.Right},
	}
	var md strings.Builder
	if err := tb.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := MarkdownToHTML(&b, md.String()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`<tr><th class="left">node</th><th class="left">transform</th><th class="right">mean</th></tr>`,
		`<tr><td class="left">fear</td><td class="left">log1p|standardize</td><td class="right">-0.50</td></tr>`,
		`<tr><td class="left">a*b*</td><td class="left">` + "`x`" + `</td><td class="right">1</td></tr>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in\n%s", want, out)
		}
	}
	if strings.Count(out, "<tr>") != 3 {
		t.Errorf("want 3 rows (separator dropped):\n%s", out)
	}
}

func TestInline(t *testing.T) {
	cases := []struct{ in, want string }{
		{"**Table 1.** a `x` b", "<strong>Table 1.</strong> a <code>x</code> b"},
		{`a \| b \* c`, "a | b * c"},
		{`<b> & \<i\>`, "&lt;b&gt; &amp; &lt;i&gt;"},
		{"[PDF](figures/a.pdf)", `<a href="figures/a.pdf">PDF</a>`},
	}
	for _, c := range cases {
		if got := inline(c.in); got != c.want {
			t.Errorf("inline(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
