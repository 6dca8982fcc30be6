package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"dilemma/fit"
	"dilemma/internal/atomicfile"
	"dilemma/model"
	"dilemma/plots"
	"dilemma/table"
)

// A Document is a report being written: Markdown text with numbered
// figures and tables, every file going to one directory (the temporary
// directory of an output that is renamed into place at the end, see
// NewOutput). Run's report and package paper both write through it.
type Document struct {
	// Dir is the directory files are written to.
	Dir string
	// Width is the figures' width in inches (0 = 7).
	Width float64
	// Ctx stops the remaining sections once cancelled (nil: never).
	Ctx context.Context
	// Files lists the files written, relative to Dir.
	Files []string

	md       strings.Builder
	fig, tab int
}

// P appends formatted Markdown text.
func (d *Document) P(format string, args ...any) { fmt.Fprintf(&d.md, format, args...) }

// Markdown returns the text written so far.
func (d *Document) Markdown() string { return d.md.String() }

// Stopped returns the context's error once it is cancelled (a signal).
func (d *Document) Stopped() error {
	if d.Ctx == nil {
		return nil
	}
	return d.Ctx.Err()
}

// WriteFile writes one output file (rel is relative to Dir).
func (d *Document) WriteFile(rel string, write func(w io.Writer) error) error {
	if err := d.Stopped(); err != nil {
		return err
	}
	path := filepath.Join(d.Dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", rel, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	d.Files = append(d.Files, rel)
	return nil
}

// Figure draws one figure (see Figure) as PNG (embedded in the report)
// and PDF (for a paper) under figures/, and writes its caption. A figure
// that cannot be drawn is reported in the text instead of failing the run.
func (d *Document) Figure(name, caption string, m *model.Model, f *fit.Fit, req Request) {
	if d.Stopped() != nil {
		return
	}
	req.Options.Width = d.Width
	if req.Options.Width == 0 {
		req.Options.Width = 7
	}
	fig, notes, err := Figure(m, f, req)
	if err != nil {
		d.P("*Figure %q could not be drawn: %v.*\n\n", name, err)
		return
	}
	if err := os.MkdirAll(filepath.Join(d.Dir, "figures"), 0o755); err != nil {
		d.P("*Figure %q could not be saved: %v.*\n\n", name, err)
		return
	}
	for _, ext := range []string{".png", ".pdf"} {
		rel := filepath.Join("figures", name+ext)
		if err := plots.Save(fig, filepath.Join(d.Dir, rel)); err != nil {
			d.P("*Figure %q could not be saved: %v.*\n\n", name, err)
			return
		}
		d.Files = append(d.Files, rel)
	}
	d.fig++
	d.P("![%s](figures/%s.png)\n\n", caption, name)
	d.P("**Figure %d.** %s", d.fig, caption)
	if len(notes) > 0 {
		d.P(" (%s)", strings.Join(notes, "; "))
	}
	d.P(" [PDF](figures/%s.pdf)\n\n", name)
}

// NextFigure returns the number of the next figure, for a figure whose
// files the caller has written itself.
func (d *Document) NextFigure() int {
	d.fig++
	return d.fig
}

// Table writes a table into the report as Markdown and under tables/ as
// CSV, Markdown and LaTeX.
func (d *Document) Table(name, caption string, t *table.Table) error {
	d.tab++
	d.P("**Table %d.** %s\n\n", d.tab, caption)
	var b strings.Builder
	if err := t.Markdown(&b); err != nil {
		return err
	}
	d.P("%s\n", b.String())
	for _, ext := range []string{"csv", "markdown", "latex"} {
		suffix := map[string]string{"csv": ".csv", "markdown": ".md", "latex": ".tex"}[ext]
		rel := filepath.Join("tables", name+suffix)
		if err := d.WriteFile(rel, func(w io.Writer) error { return t.Render(w, ext) }); err != nil {
			return err
		}
	}
	d.P("(Also as [CSV](tables/%s.csv), [Markdown](tables/%s.md), [LaTeX](tables/%s.tex).)\n\n", name, name, name)
	return nil
}

// Finish writes report.md and report.html.
func (d *Document) Finish() error {
	md := d.md.String()
	if err := d.WriteFile("report.md", func(w io.Writer) error { _, err := io.WriteString(w, md); return err }); err != nil {
		return err
	}
	return d.WriteFile("report.html", func(w io.Writer) error { return MarkdownToHTML(w, md) })
}

// Output is a report directory being written: everything goes to a
// temporary directory beside Dir, renamed into place by Commit; Discard
// removes it. A report directory is never left half written.
type Output struct {
	Dir, Tmp string
}

// CheckReportDir refuses to replace a directory that is neither empty nor
// an earlier report (one holding report.md).
func CheckReportDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", dir)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "report.md")); err != nil {
		return fmt.Errorf("%s exists and is not a report directory; choose another --out", dir)
	}
	return nil
}

// NewOutput creates the temporary directory of report directory dir, with
// the given subdirectories.
func NewOutput(dir string, subdirs ...string) (*Output, error) {
	dir = filepath.Clean(dir)
	if err := CheckReportDir(dir); err != nil {
		return nil, err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return nil, err
	}
	for _, sub := range subdirs {
		if err := os.MkdirAll(filepath.Join(tmp, sub), 0o755); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
	}
	return &Output{Dir: dir, Tmp: tmp}, nil
}

// Discard removes the temporary directory.
func (o *Output) Discard() { os.RemoveAll(o.Tmp) }

// Commit replaces Dir (an earlier report, if any) with the temporary
// directory.
func (o *Output) Commit() error { return atomicfile.ReplaceDir(o.Tmp, o.Dir) }
