package stancsv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"dilemma/inference"
)

// File is one chain read from a CmdStan CSV file.
type File struct {
	Name string // the name given to Read, used in messages

	// Config holds the key = value pairs of the comment header, with
	// "(Default)" removed. Each key is stored plain (the first occurrence
	// wins) and also qualified by the sections that enclose it, joined with
	// dots: "data.file", "output.file", "method.sample.adapt.delta".
	Config map[string]string

	Columns []string // header row: sampler columns, then quantities

	StepSize    float64   // adapted step size; NaN if the file has none
	InvMetric   []float64 // adapted inverse metric, row-major if Dense
	DenseMetric bool

	// Warmup and Draws are indexed [column][draw]. Warmup holds the warm-up
	// draws, present only when the run saved them.
	Warmup [][]float64
	Draws  [][]float64

	Timing    inference.Timing
	HasTiming bool
}

// ReadFile reads a CmdStan CSV file from disk.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// MaxFileBytes is the size limit of a file Read parses (4 GiB, several
// times a chain of 1,000 draws of tens of thousands of quantities): a
// larger or endless input (a pipe that never closes) stops with an error.
// Read also stops at the first NUL byte, which no CSV file holds
// (/dev/zero, a binary file).
var MaxFileBytes int64 = 4 << 30

// textReader passes a text input through, failing at a NUL byte or after
// left bytes.
type textReader struct {
	r    io.Reader
	left int64
}

func (t *textReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if i := bytes.IndexByte(p[:n], 0); i >= 0 {
		return i, errors.New("a NUL byte: this is not a text file")
	}
	if t.left -= int64(n); t.left < 0 {
		return n, fmt.Errorf("larger than the size limit of %d bytes (an endless source, or the wrong file?)", MaxFileBytes)
	}
	return n, err
}

// ParseError is a problem at one line of a CSV file.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Read parses CmdStan CSV from r; name is used in error messages. Rows with
// the wrong number of fields and fields that are not numbers are errors that
// give the file, the line and the column.
func Read(r io.Reader, name string) (*File, error) {
	f := &File{Name: name, Config: map[string]string{}, StepSize: math.NaN()}
	sc := bufio.NewScanner(&textReader{r: r, left: MaxFileBytes})
	sc.Buffer(make([]byte, 0, 64<<10), 1<<30)
	var (
		lineNo      int
		adaptSeen   bool // "# Adaptation terminated" read
		metricNext  bool // the next comment lines hold the metric
		sections    []string
		rows        [][]float64 // rows before the adaptation block
		postRows    [][]float64 // rows after it
		timingState int
	)
	perr := func(format string, args ...any) error {
		return &ParseError{File: name, Line: lineNo, Msg: fmt.Sprintf(format, args...)}
	}
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			body := strings.TrimPrefix(line, "#")
			text := strings.TrimSpace(body)
			switch {
			case metricNext:
				if vals, ok := parseNumberList(text); ok {
					f.InvMetric = append(f.InvMetric, vals...)
					continue
				}
				metricNext = false
			}
			switch {
			case text == "Adaptation terminated":
				adaptSeen = true
			case strings.HasPrefix(text, "Step size ="):
				v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(text, "Step size =")), 64)
				if err != nil {
					return nil, perr("step size %q is not a number", text)
				}
				f.StepSize = v
			case text == "Diagonal elements of inverse mass matrix:":
				metricNext = true
			case text == "Elements of inverse mass matrix:":
				metricNext, f.DenseMetric = true, true
			case strings.HasPrefix(text, "Elapsed Time:"):
				if v, ok := parseSeconds(strings.TrimPrefix(text, "Elapsed Time:")); ok {
					f.Timing.Warmup, f.HasTiming = v, true
					timingState = 1
				}
			case text == timesNotRecorded:
				f.Timing, f.HasTiming = inference.Timing{}, false
			case timingState == 1 && strings.HasSuffix(text, "(Sampling)"):
				if v, ok := parseSeconds(text); ok {
					f.Timing.Sampling = v
				}
				timingState = 2
			case f.Columns == nil:
				sections = f.configLine(body, sections)
			}
			continue
		}
		if f.Columns == nil {
			f.Columns = strings.Split(line, ",")
			for i, c := range f.Columns {
				f.Columns[i] = strings.Trim(strings.TrimSpace(c), "\"")
				if f.Columns[i] == "" {
					return nil, perr("column %d of the header has no name", i+1)
				}
			}
			continue
		}
		metricNext = false
		row, err := parseRow(line, f.Columns)
		if err != nil {
			return nil, perr("%v", err)
		}
		if adaptSeen {
			postRows = append(postRows, row)
		} else {
			rows = append(rows, row)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, lineNo+1, err)
	}
	if f.Columns == nil {
		return nil, fmt.Errorf("%s: no header row (is this a CmdStan CSV file?)", name)
	}
	var warm, draws [][]float64
	switch {
	case adaptSeen:
		warm, draws = rows, postRows
	case f.saveWarmup():
		// No adaptation block: the first num_warmup/thin rows are warm-up.
		nw := f.numWarmupRows()
		if nw > len(rows) {
			nw = len(rows)
		}
		warm, draws = rows[:nw], rows[nw:]
	default:
		draws = rows
	}
	if f.DenseMetric {
		n := int(math.Round(math.Sqrt(float64(len(f.InvMetric)))))
		if n*n != len(f.InvMetric) {
			return nil, fmt.Errorf("%s: dense inverse metric has %d elements, not a square", name, len(f.InvMetric))
		}
	}
	if len(warm) > 0 {
		f.Warmup = columns(warm, len(f.Columns))
	}
	f.Draws = columns(draws, len(f.Columns))
	return f, nil
}

// configLine records one "key = value" line of the header, or a section
// line, and returns the updated section stack. Nesting follows the
// indentation: two spaces per level after "# ".
func (f *File) configLine(body string, sections []string) []string {
	trimmed := strings.TrimLeft(body, " ")
	indent := (len(body) - len(trimmed) - 1) / 2
	if indent < 0 {
		indent = 0
	}
	if indent < len(sections) {
		sections = sections[:indent]
	}
	key, value, isPair := strings.Cut(trimmed, "=")
	key = strings.TrimSpace(key)
	if !isPair {
		if key != "" && !strings.ContainsAny(key, " :") {
			for len(sections) < indent {
				sections = append(sections, "")
			}
			sections = append(sections[:indent], key)
		}
		return sections
	}
	value = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "(Default)"))
	if key == "" {
		return sections
	}
	if _, dup := f.Config[key]; !dup {
		f.Config[key] = value
	}
	var path []string
	for _, s := range sections[:min(indent, len(sections))] {
		if s != "" {
			path = append(path, s)
		}
	}
	if len(path) > 0 {
		f.Config[strings.Join(path, ".")+"."+key] = value
	}
	// A "method = sample" line opens the section of its value.
	for len(sections) < indent {
		sections = append(sections, "")
	}
	sections = append(sections[:indent], key)
	return sections
}

func (f *File) saveWarmup() bool {
	v := f.Config["save_warmup"]
	return v == "1" || v == "true"
}

func (f *File) numWarmupRows() int {
	nw, err := strconv.Atoi(f.Config["num_warmup"])
	if err != nil || nw < 0 {
		return 0
	}
	thin, err := strconv.Atoi(f.Config["thin"])
	if err != nil || thin < 1 {
		thin = 1
	}
	return (nw + thin - 1) / thin
}

// parseRow splits a data line into numbers, one per column.
func parseRow(line string, cols []string) ([]float64, error) {
	row := make([]float64, 0, len(cols))
	rest := line
	for i := 0; ; i++ {
		field, tail, more := strings.Cut(rest, ",")
		if i >= len(cols) {
			return nil, fmt.Errorf("row has more than the %d fields of the header", len(cols))
		}
		field = strings.TrimSpace(field)
		v, err := strconv.ParseFloat(field, 64)
		if err != nil {
			return nil, fmt.Errorf("column %d (%s): %q is not a number", i+1, cols[i], field)
		}
		row = append(row, v)
		if !more {
			break
		}
		rest = tail
	}
	if len(row) != len(cols) {
		return nil, fmt.Errorf("row has %d fields, the header has %d", len(row), len(cols))
	}
	return row, nil
}

// parseNumberList parses "a, b, c"; ok is false unless every item is a
// number.
func parseNumberList(s string) ([]float64, bool) {
	if s == "" {
		return nil, false
	}
	parts := strings.Split(s, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// parseSeconds reads the number in " 0.003 seconds (Warm-up)".
func parseSeconds(s string) (float64, bool) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	return v, err == nil
}

// columns transposes rows into [column][draw].
func columns(rows [][]float64, ncol int) [][]float64 {
	out := make([][]float64, ncol)
	for j := range out {
		c := make([]float64, len(rows))
		for i, r := range rows {
			c[i] = r[j]
		}
		out[j] = c
	}
	return out
}

// ColumnIndex returns the index of the named column, or −1.
func (f *File) ColumnIndex(name string) int {
	for i, c := range f.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// Column returns the post-warmup draws of the named column.
func (f *File) Column(name string) ([]float64, bool) {
	i := f.ColumnIndex(name)
	if i < 0 {
		return nil, false
	}
	return f.Draws[i], true
}

// NumDraws is the number of post-warmup draws.
func (f *File) NumDraws() int {
	if len(f.Draws) == 0 {
		return 0
	}
	return len(f.Draws[0])
}

// IsSamplerColumn reports whether a column name is one of the sampler's
// own (lp__, accept_stat__, … : CmdStan ends them with "__").
func IsSamplerColumn(name string) bool { return strings.HasSuffix(name, "__") }

// Gather returns the post-warmup draws of one column from each file, as
// chains [file][draw] for package diagnostics. It is an error if a file lacks
// the column or the files hold different numbers of draws.
func Gather(files []*File, name string) ([][]float64, error) {
	out := make([][]float64, len(files))
	for i, f := range files {
		c, ok := f.Column(name)
		if !ok {
			return nil, fmt.Errorf("%s: no column %q", f.Name, name)
		}
		if i > 0 && len(c) != len(out[0]) {
			return nil, fmt.Errorf("%s has %d draws but %s has %d; chains must have equal lengths",
				filepath.Base(f.Name), len(c), filepath.Base(files[0].Name), len(out[0]))
		}
		out[i] = c
	}
	return out, nil
}

// CommonColumns returns the columns of the first file after checking that
// every file has the same columns in the same order.
func CommonColumns(files []*File) ([]string, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("no files")
	}
	first := files[0]
	for _, f := range files[1:] {
		if strings.Join(f.Columns, ",") != strings.Join(first.Columns, ",") {
			return nil, fmt.Errorf("%s and %s have different columns", first.Name, f.Name)
		}
	}
	return first.Columns, nil
}
