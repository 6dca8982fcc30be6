package plots

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgeps"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"dilemma/internal/atomicfile"
)

// Standard figure widths in inches.
const (
	// ColumnWidth is the width of one column of a two-column journal page.
	ColumnWidth = 3.5
	// PageWidth is the width of a full journal page (both columns).
	PageWidth = 7.0
	// DefaultDPI is the raster resolution of PNG output unless Options.DPI says otherwise.
	DefaultDPI = 300
)

// Limits on Options, so that a typo cannot ask for a poster-sized raster.
const (
	minWidth, maxWidth   = 1.5, 20.0 // inches
	minHeight, maxHeight = 1.0, 30.0 // inches
	minDPI, maxDPI       = 36, 1200
)

// Options sets the size of a figure. The zero value gives a journal-column
// figure (3.5 in wide) whose height suits its content, rastered at 300 dpi.
// Font sizes and line widths follow the width: about 7.5 pt text at 3.5 in and
// 9 pt at 7 in, so that the figure is legible when printed at that size.
type Options struct {
	// Width of the figure in inches; 0 means ColumnWidth. Use PageWidth for a
	// figure spanning both columns.
	Width float64
	// Height of the figure in inches; 0 lets the figure choose from its
	// content (rows, panels or graph layers).
	Height float64
	// DPI is the resolution of PNG output; 0 means DefaultDPI. Vector formats
	// ignore it.
	DPI int
	// Title, when not empty, is drawn above the figure. Journals usually put
	// the title in the caption instead, so the default is none.
	Title string
	// XLabel and YLabel, when not empty, replace a figure's default axis labels.
	XLabel, YLabel string
}

// resolved returns the options with defaults filled in, or an error naming the
// bad field.
func (o Options) resolved() (Options, error) {
	if math.IsNaN(o.Width) || math.IsInf(o.Width, 0) || o.Width < 0 {
		return o, fmt.Errorf("plots: width %v is not a positive number of inches", o.Width)
	}
	if math.IsNaN(o.Height) || math.IsInf(o.Height, 0) || o.Height < 0 {
		return o, fmt.Errorf("plots: height %v is not a positive number of inches", o.Height)
	}
	if o.Width == 0 {
		o.Width = ColumnWidth
	}
	if o.Width < minWidth || o.Width > maxWidth {
		return o, fmt.Errorf("plots: width %g in is outside [%g, %g] in", o.Width, minWidth, maxWidth)
	}
	if o.Height != 0 && (o.Height < minHeight || o.Height > maxHeight) {
		return o, fmt.Errorf("plots: height %g in is outside [%g, %g] in", o.Height, minHeight, maxHeight)
	}
	if o.DPI == 0 {
		o.DPI = DefaultDPI
	}
	if o.DPI < minDPI || o.DPI > maxDPI {
		return o, fmt.Errorf("plots: dpi %d is outside [%d, %d]", o.DPI, minDPI, maxDPI)
	}
	return o, nil
}

// Figure is a drawn figure, ready to be saved in any supported format. Build
// one with Forest, Contraction, Trace, Rank, Energy, Remedies, EffectHorizon,
// Counterfactual, PPC or DAG, then write it with Save or Encode.
type Figure struct {
	kind          string
	width, height vg.Length
	dpi           int
	draw          func(c draw.Canvas)
}

// Kind names the figure ("forest", "dag", ...).
func (f *Figure) Kind() string { return f.kind }

// Size returns the figure's width and height in inches.
func (f *Figure) Size() (width, height float64) {
	return float64(f.width / vg.Inch), float64(f.height / vg.Inch)
}

// PixelSize returns the width and height in pixels of the figure's PNG output.
func (f *Figure) PixelSize() (width, height int) {
	px := func(l vg.Length) int { return int(float64(l/vg.Inch)*float64(f.dpi) + 0.5) }
	return px(f.width), px(f.height)
}

// Formats lists the output formats Save and Encode accept, as file extensions
// without the dot.
func Formats() []string { return []string{"pdf", "svg", "png", "eps"} }

// FormatOf returns the output format for a file name from its extension
// (case-insensitive), or an error if the extension is not one of Formats.
func FormatOf(path string) (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	for _, f := range Formats() {
		if ext == f {
			return f, nil
		}
	}
	if ext == "" {
		return "", fmt.Errorf("plots: %s: no file extension; use one of .pdf, .svg, .png, .eps", path)
	}
	return "", fmt.Errorf("plots: %s: unknown figure format %q; use one of .pdf, .svg, .png, .eps", path, "."+ext)
}

// Encode writes the figure to w in the given format ("pdf", "svg", "png" or
// "eps"). Text in PDF and EPS output is limited to the Windows-1252 (PDF) and
// Latin-1 (EPS) character sets; arrows are drawn as lines and other
// characters outside those sets are replaced.
func (f *Figure) Encode(w io.Writer, format string) error {
	var buf bytes.Buffer
	if err := f.render(&buf, format); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}

// render draws the figure into buf, turning any panic from the drawing
// libraries into an error.
func (f *Figure) render(buf *bytes.Buffer, format string) (err error) {
	if f == nil || f.draw == nil {
		return errors.New("plots: nil figure")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plots: drawing %s figure as %s failed: %v", f.kind, format, r)
		}
	}()
	var (
		canvas vg.Canvas
		out    io.WriterTo
	)
	switch format {
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(f.width, f.height), vgimg.UseDPI(f.dpi))
		canvas, out = c, vgimg.PngCanvas{Canvas: c}
	case "svg":
		c := vgsvg.New(f.width, f.height)
		canvas, out = c, c
	case "pdf":
		c := vgpdf.New(f.width, f.height)
		canvas, out = &textCanvas{Canvas: c, enc: encPDF}, c
	case "eps":
		c := vgeps.New(f.width, f.height)
		canvas, out = &textCanvas{Canvas: c, enc: encEPS}, epsWriter{c}
	default:
		return fmt.Errorf("plots: unknown figure format %q; use one of pdf, svg, png, eps", format)
	}
	dc := draw.NewCanvas(canvas, f.width, f.height)
	if format != "png" { // vgimg paints its own white background
		dc.SetColor(white)
		dc.Fill(dc.Rectangle.Path())
	}
	f.draw(dc)
	_, err = out.WriteTo(buf)
	return err
}

// Save writes the figure to path in the format its extension names (.pdf,
// .svg, .png or .eps). The file is written whole or not at all: the figure is
// rendered in memory, written to a temporary file in the same directory and
// renamed into place, so a failure leaves any earlier file at path untouched
// and no partial file behind.
func Save(f *Figure, path string) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := f.render(&buf, format); err != nil {
		return fmt.Errorf("%w (file %s not written)", err, path)
	}
	return writeAtomic(path, buf.Bytes())
}

// writeAtomic writes data to a temporary file beside path and renames it over path.
func writeAtomic(path string, data []byte) error {
	if err := atomicfile.WriteBytes(path, data); err != nil {
		return fmt.Errorf("plots: writing %s: %w", path, err)
	}
	return nil
}

// newFigure wraps a draw function with the resolved size.
func newFigure(kind string, o Options, heightIn float64, fn func(c draw.Canvas)) *Figure {
	if o.Height > 0 {
		heightIn = o.Height
	}
	heightIn = math.Max(minHeight, math.Min(maxHeight, heightIn))
	return &Figure{
		kind:   kind,
		width:  vg.Length(o.Width) * vg.Inch,
		height: vg.Length(heightIn) * vg.Inch,
		dpi:    o.DPI,
		draw:   fn,
	}
}
