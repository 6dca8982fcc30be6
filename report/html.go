package report

import (
	"fmt"
	"html"
	"io"
	"runtime/debug"
	"strings"

	"dilemma"
)

func VersionString() string {
	v := dilemma.Version
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return v
}

// MarkdownToHTML renders the report's Markdown subset (headings,
// paragraphs, images, pipe tables, block quotes, lists, bold, italics,
// code) as a standalone HTML page.
func MarkdownToHTML(w io.Writer, md string) error {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>dilemma report</title>\n")
	b.WriteString("<style>body{font-family:Georgia,serif;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.45}" +
		"img{max-width:100%}table{border-collapse:collapse;font-size:90%;margin:1em 0}td,th{border-top:1px solid #bbb;padding:.2em .6em;text-align:left}" +
		".left{text-align:left}.right{text-align:right;white-space:nowrap}blockquote{color:#444;border-left:3px solid #ccc;margin-left:0;padding-left:1em}code{font-size:90%}</style></head><body>\n")
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.TrimSpace(l) == "":
		case strings.HasPrefix(l, "#"):
			n := len(l) - len(strings.TrimLeft(l, "#"))
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", n, inline(strings.TrimSpace(l[n:])), n)
		case strings.HasPrefix(l, "!["):
			alt, rest, _ := strings.Cut(l[2:], "](")
			src, _, _ := strings.Cut(rest, ")")
			fmt.Fprintf(&b, "<p><img src=\"%s\" alt=\"%s\"/></p>\n", html.EscapeString(src), html.EscapeString(alt))
		case strings.HasPrefix(l, "|"):
			var rows []string
			for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
				rows = append(rows, lines[i])
			}
			i--
			writeTable(&b, rows)
		case strings.HasPrefix(l, "> "):
			fmt.Fprintf(&b, "<blockquote>%s</blockquote>\n", inline(l[2:]))
		case strings.HasPrefix(l, "- "):
			b.WriteString("<ul>\n")
			for ; i < len(lines) && strings.HasPrefix(lines[i], "- "); i++ {
				fmt.Fprintf(&b, "<li>%s</li>\n", inline(lines[i][2:]))
			}
			i--
			b.WriteString("</ul>\n")
		default:
			fmt.Fprintf(&b, "<p>%s</p>\n", inline(l))
		}
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTable renders the lines of a pipe table: a header row, the
// separator row whose colons give each column's alignment (":---" left,
// "---:" right), and the body. Cells are split at unescaped '|' only, so a
// cell holding "log1p\|standardize" stays one cell.
func writeTable(b *strings.Builder, lines []string) {
	var align []string
	if len(lines) > 1 {
		if sep := splitRow(lines[1]); isSeparator(sep) {
			for _, c := range sep {
				c = strings.TrimSpace(c)
				switch {
				case strings.HasSuffix(c, ":") && !strings.HasPrefix(c, ":"):
					align = append(align, "right")
				case strings.HasPrefix(c, ":") && strings.HasSuffix(c, ":"):
					align = append(align, "center")
				default:
					align = append(align, "left")
				}
			}
		}
	}
	b.WriteString("<table>\n")
	for k, line := range lines {
		if k == 1 && len(align) > 0 {
			continue
		}
		cells := splitRow(line)
		tag := "td"
		if k == 0 {
			tag = "th"
		}
		b.WriteString("<tr>")
		for j, c := range cells {
			a := "left"
			if j < len(align) {
				a = align[j]
			}
			fmt.Fprintf(b, "<%s class=\"%s\">%s</%s>", tag, a, inline(strings.TrimSpace(c)), tag)
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}

// splitRow splits "| a | b\|c |" into its cells (" a ", " b\|c "): a
// backslash escapes the character after it, which stays in the cell for
// inline to unescape.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line):
			cur.WriteByte(c)
			cur.WriteByte(line[i+1])
			i++
		case c == '|':
			cells = append(cells, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		cells = append(cells, cur.String())
	}
	return cells
}

// isSeparator reports whether cells are a table's separator row.
func isSeparator(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, "-: ") != "" || !strings.Contains(c, "-") {
			return false
		}
	}
	return len(cells) > 0
}

// inline renders **bold**, *italic*, `code` and [links](url) in escaped
// text. A backslash before ASCII punctuation (as table.Markdown writes
// "\|", "\*") makes that character literal.
func inline(s string) string {
	// Escaped characters are set aside as private-use runes and put back,
	// HTML-escaped, after the markup is rendered.
	var kept []string
	var e strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i+1]) >= 0 {
			e.WriteRune(rune(0xE000 + len(kept)))
			kept = append(kept, html.EscapeString(s[i+1:i+2]))
			i++
			continue
		}
		e.WriteByte(s[i])
	}
	s = html.EscapeString(e.String())
	s = inlineMarkup(s)
	if len(kept) == 0 {
		return s
	}
	var out strings.Builder
	for _, r := range s {
		if k := int(r - 0xE000); r >= 0xE000 && k < len(kept) {
			out.WriteString(kept[k])
			continue
		}
		out.WriteRune(r)
	}
	return out.String()
}

// inlineMarkup renders the markup of escaped text.
func inlineMarkup(s string) string {
	s = pairs(s, "`", "<code>", "</code>")
	s = pairs(s, "**", "<strong>", "</strong>")
	s = pairs(s, "*", "<em>", "</em>")
	// Links [text](url).
	for {
		i := strings.Index(s, "](")
		if i < 0 {
			break
		}
		open := strings.LastIndex(s[:i], "[")
		end := strings.Index(s[i:], ")")
		if open < 0 || end < 0 {
			break
		}
		text, url := s[open+1:i], s[i+2:i+end]
		s = s[:open] + fmt.Sprintf("<a href=\"%s\">%s</a>", url, text) + s[i+end+1:]
	}
	return s
}

// pairs replaces alternate occurrences of mark with open and close tags.
func pairs(s, mark, open, close string) string {
	parts := strings.Split(s, mark)
	if len(parts) < 3 {
		return s
	}
	var b strings.Builder
	for k, p := range parts {
		if k > 0 {
			if k%2 == 1 && k < len(parts)-1+(len(parts)%2) {
				b.WriteString(open)
			} else if k%2 == 0 {
				b.WriteString(close)
			} else {
				b.WriteString(mark)
			}
		}
		b.WriteString(p)
	}
	return b.String()
}
