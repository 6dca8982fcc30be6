package plots

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"

	xfont "golang.org/x/image/font"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgeps"
)

// The PDF backend of gonum/plot embeds fonts with the Windows-1252 code page
// and passes strings through unchanged, so UTF-8 text beyond ASCII would come
// out as mojibake; the EPS backend writes strings raw into PostScript. The
// textCanvas wrapper translates text for those backends: characters of
// Windows-1252 are encoded, arrows are drawn as vector strokes of the width the
// layout measured, and anything else is replaced by a close ASCII stand-in.

type textEncoding int

const (
	encPDF textEncoding = iota // bytes of Windows-1252
	encEPS                     // Windows-1252 bytes, escaped for a PostScript string
)

// textCanvas wraps a vector canvas and translates the text it draws.
type textCanvas struct {
	vg.Canvas
	enc textEncoding
}

// FillString draws str, split into runs of encodable text and drawn arrows.
func (c *textCanvas) FillString(face font.Face, pt vg.Point, str string) {
	if c.enc == encPDF && (face.Font.Weight != xfont.WeightNormal || face.Font.Style != xfont.StyleNormal) {
		// vgpdf embeds every font program under the same file key, so a PDF
		// can hold only one typeface: the last one registered replaces the
		// others. Keep the regular face and overprint it to embolden.
		reg := face.Font
		reg.Weight, reg.Style = xfont.WeightNormal, xfont.StyleNormal
		regular := font.DefaultCache.Lookup(reg, reg.Size)
		bold := face.Font.Weight >= xfont.WeightSemiBold
		for _, dx := range []float64{0, 0.025, 0.05} {
			if dx > 0 && !bold {
				break
			}
			c.fillString(regular, vg.Point{X: pt.X + vg.Length(dx)*reg.Size, Y: pt.Y}, str)
		}
		return
	}
	c.fillString(face, pt, str)
}

func (c *textCanvas) fillString(face font.Face, pt vg.Point, str string) {
	var run strings.Builder
	flush := func() {
		if run.Len() == 0 {
			return
		}
		s := run.String()
		c.Canvas.FillString(face, pt, c.encode(s))
		pt.X += face.Width(s)
		run.Reset()
	}
	for _, r := range str {
		if dir, ok := arrowRunes[r]; ok {
			flush()
			w := face.Width(string(r))
			c.drawArrow(face, pt, w, dir)
			pt.X += w
			continue
		}
		run.WriteRune(r)
	}
	flush()
}

// arrowRunes maps arrow characters to their directions (+1 right, -1 left, 0 both).
var arrowRunes = map[rune]int{'→': 1, '←': -1, '↔': 0, '⟶': 1, '⟵': -1}

// drawArrow strokes a horizontal arrow occupying width w at baseline pt.
func (c *textCanvas) drawArrow(face font.Face, pt vg.Point, w vg.Length, dir int) {
	size := face.Font.Size
	y := pt.Y + 0.3*size
	x0, x1 := pt.X+0.08*w, pt.X+0.92*w
	head := 0.22 * size
	c.Push()
	c.SetLineWidth(0.065 * size)
	c.SetLineDash(nil, 0)
	var p vg.Path
	p.Move(vg.Point{X: x0, Y: y})
	p.Line(vg.Point{X: x1, Y: y})
	if dir >= 0 {
		p.Move(vg.Point{X: x1 - head, Y: y + 0.7*head})
		p.Line(vg.Point{X: x1, Y: y})
		p.Line(vg.Point{X: x1 - head, Y: y - 0.7*head})
	}
	if dir <= 0 {
		p.Move(vg.Point{X: x0 + head, Y: y + 0.7*head})
		p.Line(vg.Point{X: x0, Y: y})
		p.Line(vg.Point{X: x0 + head, Y: y - 0.7*head})
	}
	c.Stroke(p)
	c.Pop()
}

// encode turns UTF-8 text into the backend's bytes.
func (c *textCanvas) encode(s string) string {
	b := encode1252(s)
	if c.enc != encEPS {
		return string(b)
	}
	var out strings.Builder
	for _, ch := range b {
		switch {
		case ch == '(' || ch == ')' || ch == '\\':
			out.WriteByte('\\')
			out.WriteByte(ch)
		case ch < 0x20 || ch >= 0x7f:
			fmt.Fprintf(&out, "\\%03o", ch)
		default:
			out.WriteByte(ch)
		}
	}
	return out.String()
}

// cp1252High maps the characters of Windows-1252's 0x80-0x9F block.
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91,
	'’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98,
	'™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// stand-ins for characters outside Windows-1252.
var cp1252Subst = map[rune]string{
	'−': "\x96", '≤': "<=", '≥': ">=", '≈': "~", '≠': "!=", '∞': "inf",
	'α': "alpha", 'β': "beta", 'σ': "sigma", 'μ': "mu", 'Δ': "delta", '\t': " ",
}

// encode1252 encodes s in Windows-1252, substituting what it cannot hold.
func encode1252(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r < 0x80 || (r >= 0xA0 && r <= 0xFF):
			out = append(out, byte(r))
		default:
			if b, ok := cp1252High[r]; ok {
				out = append(out, b)
			} else if sub, ok := cp1252Subst[r]; ok {
				out = append(out, sub...)
			} else {
				out = append(out, '?')
			}
		}
	}
	return out
}

// epsWriter finishes vgeps output: it fixes the header line, gives the
// bounding box in whole points and defines the Liberation font names used by
// gonum/plot as the metric-compatible PostScript core fonts, re-encoded in
// Windows-1252 so that the bytes textCanvas writes show the right glyphs.
type epsWriter struct{ c *vgeps.Canvas }

var epsBBox = regexp.MustCompile(`(?m)^%%BoundingBox: 0 0 ([0-9.e+]+) ([0-9.e+]+)$`)

func (e epsWriter) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	if _, err := e.c.WriteTo(&buf); err != nil {
		return 0, err
	}
	s := buf.String()
	s = strings.Replace(s, "%%!PS-Adobe-3.0 EPSF-3.0", "%!PS-Adobe-3.0 EPSF-3.0", 1)
	s = epsBBox.ReplaceAllStringFunc(s, func(line string) string {
		m := epsBBox.FindStringSubmatch(line)
		var wd, ht float64
		fmt.Sscan(m[1], &wd)
		fmt.Sscan(m[2], &ht)
		return fmt.Sprintf("%%%%BoundingBox: 0 0 %d %d\n%%%%HiResBoundingBox: 0 0 %s %s",
			int(math.Ceil(wd)), int(math.Ceil(ht)), m[1], m[2])
	})
	s = strings.Replace(s, "%%EndComments\n", "%%EndComments\n"+epsProlog, 1)
	n, err := io.WriteString(w, s)
	return int64(n), err
}

// epsProlog builds a Windows-1252 encoding vector and defines the font names.
const epsProlog = `%%BeginProlog
/Enc1252 ISOLatin1Encoding 256 array copy def
[ 39 /quotesingle 45 /hyphen 96 /grave 128 /Euro 130 /quotesinglbase 131 /florin
  132 /quotedblbase 133 /ellipsis 134 /dagger 135 /daggerdbl 136 /circumflex
  137 /perthousand 138 /Scaron 139 /guilsinglleft 140 /OE 142 /Zcaron
  145 /quoteleft 146 /quoteright 147 /quotedblleft 148 /quotedblright 149 /bullet
  150 /endash 151 /emdash 152 /tilde 153 /trademark 154 /scaron 155 /guilsinglright
  156 /oe 158 /zcaron 159 /Ydieresis ]
aload length 2 idiv { Enc1252 3 1 roll put } repeat
/defont1252 { % newname basename
  findfont dup length dict begin
    { 1 index /FID ne { def } { pop pop } ifelse } forall
    /Encoding Enc1252 def
    currentdict
  end definefont pop
} bind def
/LiberationSans-Regular /Helvetica defont1252
/LiberationSans-Bold /Helvetica-Bold defont1252
/LiberationSans-Italic /Helvetica-Oblique defont1252
/LiberationSans-BoldItalic /Helvetica-BoldOblique defont1252
%%EndProlog
`
