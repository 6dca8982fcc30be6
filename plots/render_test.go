package plots

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// checkOutput verifies that data is a well-formed file of the format.
func checkOutput(t *testing.T, f *Figure, format string, data []byte) {
	t.Helper()
	switch format {
	case "pdf":
		if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[max(0, len(data)-64):], []byte("%%EOF")) {
			t.Errorf("%s.pdf: not a complete PDF file", f.Kind())
		}
	case "svg":
		dec := xml.NewDecoder(bytes.NewReader(data))
		root := ""
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s.svg: invalid XML: %v", f.Kind(), err)
			}
			if se, ok := tok.(xml.StartElement); ok && root == "" {
				root = se.Name.Local
			}
		}
		if root != "svg" {
			t.Errorf("%s.svg: root element %q, want svg", f.Kind(), root)
		}
	case "png":
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s.png: %v", f.Kind(), err)
		}
		w, h := f.PixelSize()
		b := img.Bounds()
		if b.Dx() != w || b.Dy() != h {
			t.Errorf("%s.png: %dx%d pixels, want %dx%d", f.Kind(), b.Dx(), b.Dy(), w, h)
		}
		wi, hi := f.Size()
		if want := int(math.Round(wi * float64(f.dpi))); b.Dx() != want {
			t.Errorf("%s.png: width %d px, want %g in x %d dpi = %d", f.Kind(), b.Dx(), wi, f.dpi, want)
		}
		if want := int(math.Round(hi * float64(f.dpi))); b.Dy() != want {
			t.Errorf("%s.png: height %d px, want %g in x %d dpi = %d", f.Kind(), b.Dy(), hi, f.dpi, want)
		}
	case "eps":
		s := string(data)
		if !strings.HasPrefix(s, "%!PS-Adobe-3.0 EPSF-3.0\n") || !strings.Contains(s, "\n%%BoundingBox: 0 0 ") ||
			!strings.Contains(s, "/LiberationSans-Regular /Helvetica defont1252") || !strings.HasSuffix(s, "showpage\n") {
			t.Errorf("%s.eps: malformed EPS header or trailer", f.Kind())
		}
	}
}

// TestEveryKindRendersInEveryFormat saves each figure kind as .pdf, .svg,
// .png and .eps and checks each file.
func TestEveryKindRendersInEveryFormat(t *testing.T) {
	dir := t.TempDir()
	figs := allFigures(t, Options{DPI: 72})
	kinds := make([]string, 0, len(figs))
	for k := range figs {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		f := figs[kind]
		if w, _ := f.Size(); w != ColumnWidth {
			t.Errorf("%s: width %g in, want the default %g", kind, w, ColumnWidth)
		}
		for _, format := range Formats() {
			path := filepath.Join(dir, kind+"."+format)
			if err := Save(f, path); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkOutput(t, f, format, data)
		}
	}
	// nothing but the figures: no temporary files left behind
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(figs)*len(Formats()) {
		t.Errorf("%d files in the output directory, want %d", len(entries), len(figs)*len(Formats()))
	}
}

// TestSizes checks explicit sizes, DPI and the width-dependent theme.
func TestSizes(t *testing.T) {
	f, err := EffectHorizon(Options{Width: PageWidth, Height: 2.5, DPI: 100}, testHorizon())
	if err != nil {
		t.Fatal(err)
	}
	if w, h := f.PixelSize(); w != 700 || h != 250 {
		t.Errorf("pixel size %dx%d, want 700x250", w, h)
	}
	var buf bytes.Buffer
	if err := f.Encode(&buf, "png"); err != nil {
		t.Fatal(err)
	}
	checkOutput(t, f, "png", buf.Bytes())
	col, page := newTheme(Options{Width: ColumnWidth}), newTheme(Options{Width: PageWidth})
	if col.fs < vg.Points(7) || page.fs <= col.fs || page.lw <= col.lw {
		t.Errorf("fonts %v/%v and lines %v/%v should be legible (≥ 7 pt) and grow with the width", col.fs, page.fs, col.lw, page.lw)
	}
	// a taller forest for more edges
	few, _ := Forest(Options{}, testEdges()[:3])
	many, _ := Forest(Options{}, testEdges())
	if _, h1 := few.Size(); true {
		if _, h2 := many.Size(); h2 <= h1 {
			t.Errorf("forest height %g for 15 edges, %g for 3: should grow", h2, h1)
		}
	}
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]string{"a.pdf": "pdf", "dir/b.SVG": "svg", "c.Png": "png", "d.eps": "eps"} {
		if got, err := FormatOf(path); err != nil || got != want {
			t.Errorf("FormatOf(%q) = %q, %v; want %q", path, got, err, want)
		}
	}
	for _, path := range []string{"fig.jpeg", "fig", "fig.pdf.bak", ""} {
		if _, err := FormatOf(path); err == nil {
			t.Errorf("FormatOf(%q): no error", path)
		}
	}
}

// TestSaveFailuresLeaveNoFile covers unknown extensions, missing directories
// and drawing failures: each is an error and leaves no (or the old) file.
func TestSaveFailuresLeaveNoFile(t *testing.T) {
	dir := t.TempDir()
	f, err := Remedies(Options{}, testEffects())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fig.jpg", "fig", "fig.tex"} {
		path := filepath.Join(dir, name)
		if err := Save(f, path); err == nil {
			t.Errorf("Save(%s): no error", name)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Save(%s) left a file", name)
		}
	}
	if err := Save(f, filepath.Join(dir, "missing", "fig.pdf")); err == nil {
		t.Error("Save into a missing directory: no error")
	}
	if err := Save(nil, filepath.Join(dir, "nil.pdf")); err == nil {
		t.Error("Save(nil): no error")
	}
	// a figure whose drawing fails keeps the earlier file intact
	path := filepath.Join(dir, "keep.svg")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := &Figure{kind: "broken", width: vg.Inch, height: vg.Inch, dpi: 72, draw: func(draw.Canvas) { panic("boom") }}
	for _, format := range Formats() {
		p := strings.TrimSuffix(path, ".svg") + "." + format
		if format == "svg" {
			p = path
		}
		err := Save(bad, p)
		if err == nil || !strings.Contains(err.Error(), "boom") {
			t.Errorf("Save(broken, %s) = %v; want an error mentioning the failure", format, err)
		}
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("failed save changed the existing file to %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files left behind: %v", names)
	}
}

func TestSaveReplacesExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fig.png")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _ := Remedies(Options{DPI: 72}, testEffects())
	if err := Save(f, path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	checkOutput(t, f, "png", data)
}
