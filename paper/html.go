package paper

import (
	"fmt"
	"html"
	"io"
	"runtime/debug"
	"strings"

	"dilemma"
)

func versionString() string {
	v := dilemma.Version
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return v
}

// markdownToHTML renders the report's Markdown subset (headings,
// paragraphs, images, pipe tables, block quotes, lists, bold, italics,
// code) as a standalone HTML page.
func markdownToHTML(w io.Writer, md string) error {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>dilemma report</title>\n")
	b.WriteString("<style>body{font-family:Georgia,serif;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.45}" +
		"img{max-width:100%}table{border-collapse:collapse;font-size:90%;margin:1em 0}td,th{border-top:1px solid #bbb;padding:.2em .6em;text-align:right}" +
		"td:first-child,th:first-child{text-align:left}blockquote{color:#444;border-left:3px solid #ccc;margin-left:0;padding-left:1em}code{font-size:90%}</style></head><body>\n")
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
			b.WriteString("<table>\n")
			header := true
			for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
				cells := strings.Split(strings.Trim(lines[i], "|"), "|")
				if strings.Trim(strings.Join(cells, ""), "-: ") == "" {
					continue // the separator row
				}
				tag := "td"
				if header {
					tag = "th"
				}
				b.WriteString("<tr>")
				for _, c := range cells {
					fmt.Fprintf(&b, "<%s>%s</%s>", tag, inline(strings.TrimSpace(strings.ReplaceAll(c, `\|`, "|"))), tag)
				}
				b.WriteString("</tr>\n")
				header = false
			}
			i--
			b.WriteString("</table>\n")
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

// inline renders **bold**, *italic*, `code` and [links](url) in escaped text.
func inline(s string) string {
	s = html.EscapeString(s)
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
