package data

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// Options says how to read a panel.
type Options struct {
	// UnitKey names the unit column (default "iso3"). With both keys empty
	// the file is a plain cross-section.
	UnitKey string
	// TimeKey names the time column (default "month"). Time values may be
	// YYYY-MM, YYYY-MM-DD, YYYY or integers, one format per file.
	TimeKey string
	// Require lists columns that must be present (those a model uses).
	Require []string
	// Ranges declares the allowed closed interval of numeric columns.
	Ranges map[string]Range
}

// Range is a closed interval [Min, Max] of allowed values.
type Range struct{ Min, Max float64 }

// DefaultOptions returns the options for the embedded panel's layout:
// unit key "iso3", time key "month".
func DefaultOptions() Options {
	return Options{UnitKey: "iso3", TimeKey: "month"}
}

// LoadFile reads and validates the panel CSV at path (see Load).
func LoadFile(path string, opt Options) (*Panel, error) {
	b, err := ReadFileLimited(path, "a panel CSV", MaxCSVBytes)
	if err != nil {
		return nil, err
	}
	return parse(b, path, opt)
}

// Load reads and validates a panel CSV from r; name is used in errors. On
// failure the error is a Problems value listing every problem found. It
// reads at most MaxCSVBytes and stops at a NUL byte (see ReadAllLimited).
func Load(r io.Reader, name string, opt Options) (*Panel, error) {
	b, err := ReadAllLimited(r, name, "a panel CSV", MaxCSVBytes)
	if err != nil {
		return nil, err
	}
	return parse(b, name, opt)
}

// record is one CSV row with the line it starts on.
type record struct {
	line   int
	fields []string
}

type loader struct {
	name     string
	problems Problems
}

func (l *loader) add(line int, col, format string, args ...any) {
	if len(l.problems) >= maxProblems {
		return
	}
	l.problems = append(l.problems, &Error{File: l.name, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)})
}

func (l *loader) full() bool { return len(l.problems) >= maxProblems }

func parse(b []byte, name string, opt Options) (*Panel, error) {
	name = filepath.ToSlash(name)
	l := &loader{name: name}
	if len(bytes.TrimSpace(b)) == 0 {
		l.add(0, "", "empty file: expected a header row and data rows")
		return nil, l.problems
	}
	if !utf8.Valid(b) {
		line := 1
		for i := 0; i < len(b); {
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				l.add(line, "", "invalid UTF-8 byte 0x%02x (save the file as UTF-8)", b[i])
				// one report per line is enough
				for i < len(b) && b[i] != '\n' {
					i++
				}
				continue
			}
			if r == '\n' {
				line++
			}
			i += size
		}
		return nil, l.problems
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // byte-order mark

	recs, header, ok := l.readRecords(b)
	if !ok {
		return nil, l.problems
	}
	p := l.build(header, recs, opt)
	if len(l.problems) > 0 {
		return nil, l.problems
	}
	return p, nil
}

// readRecords splits the file into records, reporting CSV syntax errors and
// ragged rows.
func (l *loader) readRecords(b []byte) ([]record, []string, bool) {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	var header []string
	var recs []record
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				l.add(pe.Line, "", "%v", pe.Err)
			} else {
				l.add(0, "", "%v", err)
			}
			return nil, nil, false
		}
		line, _ := cr.FieldPos(0)
		if header == nil {
			header = fields
			seen := map[string]int{}
			for i, h := range header {
				h = strings.TrimSpace(h)
				header[i] = h
				if h == "" {
					l.add(line, "", "header field %d is empty", i+1)
				} else if j, dup := seen[h]; dup {
					l.add(line, h, "column name appears twice (fields %d and %d)", j+1, i+1)
				}
				seen[h] = i
			}
			continue
		}
		if len(fields) != len(header) {
			l.add(line, "", "ragged row: %d fields, the header has %d", len(fields), len(header))
			continue
		}
		recs = append(recs, record{line: line, fields: fields})
	}
	if header == nil {
		l.add(0, "", "empty file: expected a header row and data rows")
		return nil, nil, false
	}
	if len(recs) == 0 && len(l.problems) == 0 {
		l.add(1, "", "no data rows after the header")
	}
	// Ragged rows are set aside and the others still validated, so that
	// one run reports every problem.
	return recs, header, len(recs) > 0
}

// isMissing reports whether a cell is a missing value: empty or NA.
func isMissing(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || s == "NA"
}

// missingMarkers are spellings of a missing value other than an empty cell
// or NA (compared in lower case). In a numeric column each is reported, with
// the advice to leave the cell empty; they never make a column text.
var missingMarkers = map[string]bool{
	"n/a": true, "na": true, "n.a.": true, "#n/a": true, ".": true, "..": true, "...": true,
	"-": true, "--": true, "?": true, "null": true, "nil": true, "none": true, "missing": true,
}

// isNumericColumn decides a column's kind from its non-empty cells: numeric
// when some parse as numbers and they outnumber the cells that are neither
// numbers nor missing-value markers. A mostly numeric column with a few
// text cells is numeric, and each text cell is reported with its line, so
// that a stray "n/a" or "12,5" never turns a column into text silently.
func isNumericColumn(numeric, other int) bool {
	return numeric > 0 && numeric > other
}

func (l *loader) build(header []string, recs []record, opt Options) *Panel {
	p := &Panel{Name: l.name, UnitKey: opt.UnitKey, TimeKey: opt.TimeKey, index: map[string]int{}}
	if (opt.UnitKey == "") != (opt.TimeKey == "") {
		l.add(0, "", "unit key and time key must both be set or both be empty (got unit %q, time %q)", opt.UnitKey, opt.TimeKey)
		return nil
	}
	for i, h := range header {
		p.index[h] = i
	}
	keysPresent := true
	for _, key := range []string{opt.UnitKey, opt.TimeKey} {
		if key != "" && !p.Has(key) {
			l.add(1, key, "key column is missing (the header has %s)", listColumns(header))
			keysPresent = false
		}
	}
	for _, c := range opt.Require {
		if !p.Has(c) {
			l.add(1, c, "column required by the model is absent (the header has %s)", listColumns(header))
		}
	}
	if !keysPresent || l.full() {
		return nil
	}
	n := len(recs)
	p.lines = make([]int, n)
	for i, r := range recs {
		p.lines[i] = r.line
	}
	p.names = header
	p.cols = make([]column, len(header))
	for j, h := range header {
		c := &p.cols[j]
		c.name = h
		if h == opt.UnitKey || h == opt.TimeKey {
			c.kind = KindText
			c.text = make([]string, n)
			for i, r := range recs {
				c.text[i] = strings.TrimSpace(r.fields[j])
			}
			continue
		}
		l.buildColumn(c, j, recs, opt)
		if l.full() {
			return nil
		}
	}
	if opt.UnitKey != "" {
		l.buildKeys(p)
	} else {
		p.units = []string{""}
		p.unit = make([]int, n)
		p.period = make([]int, n)
		p.ordinal = make([]int, n)
		p.times = []string{""}
	}
	if len(l.problems) > 0 {
		return nil
	}
	p.buildFrame()
	return p
}

func listColumns(h []string) string {
	if len(h) > 8 {
		return strings.Join(h[:8], ", ") + fmt.Sprintf(", … (%d columns)", len(h))
	}
	return strings.Join(h, ", ")
}

// buildColumn decides a column's kind and parses its cells.
func (l *loader) buildColumn(c *column, j int, recs []record, opt Options) {
	nonEmpty, numeric, markers := 0, 0, 0
	for _, r := range recs {
		s := strings.TrimSpace(r.fields[j])
		if isMissing(s) {
			continue
		}
		nonEmpty++
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			numeric++
		} else if missingMarkers[strings.ToLower(s)] {
			markers++
		}
	}
	if !isNumericColumn(numeric, nonEmpty-numeric-markers) {
		c.kind = KindText
		c.text = make([]string, len(recs))
		for i, r := range recs {
			if s := strings.TrimSpace(r.fields[j]); !isMissing(s) {
				c.text[i] = s
			}
		}
		if _, declared := opt.Ranges[c.name]; declared && nonEmpty > 0 {
			l.add(1, c.name, "a range is declared but the column is text (e.g. %q)", firstNonEmpty(recs, j))
		}
		return
	}
	c.kind = KindNumeric
	c.num = make([]float64, len(recs))
	rng, hasRange := opt.Ranges[c.name]
	for i, r := range recs {
		s := strings.TrimSpace(r.fields[j])
		if isMissing(s) {
			c.num[i] = math.NaN()
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		switch {
		case err != nil && errors.Is(err, strconv.ErrRange):
			l.add(r.line, c.name, "number %q is out of float64 range", s)
		case err != nil && missingMarkers[strings.ToLower(s)]:
			l.add(r.line, c.name, "%q in a numeric column: leave the cell empty (or write NA) for a missing value", s)
		case err != nil:
			l.add(r.line, c.name, "cannot parse %q as a number in a numeric column (leave the cell empty for a missing value)", s)
		case math.IsNaN(v) || math.IsInf(v, 0):
			l.add(r.line, c.name, "%q is not allowed: leave the cell empty for a missing value", s)
		case hasRange && (v < rng.Min || v > rng.Max):
			l.add(r.line, c.name, "value %v is outside the declared range [%v, %v]", v, rng.Min, rng.Max)
		}
		c.num[i] = v
		if l.full() {
			return
		}
	}
}

func firstNonEmpty(recs []record, j int) string {
	for _, r := range recs {
		if s := strings.TrimSpace(r.fields[j]); !isMissing(s) {
			return s
		}
	}
	return ""
}

// buildKeys parses the unit and time keys, and reports missing keys and
// duplicate (unit, time) rows.
func (l *loader) buildKeys(p *Panel) {
	n := len(p.lines)
	units := p.cols[p.index[p.UnitKey]].text
	times := p.cols[p.index[p.TimeKey]].text
	p.unit = make([]int, n)
	p.ordinal = make([]int, n)
	unitIdx := map[string]int{}
	var format timeFormat
	before := len(l.problems)
	for i := 0; i < n; i++ {
		line := p.lines[i]
		u := units[i]
		if isMissing(u) {
			l.add(line, p.UnitKey, "unit key is empty")
		}
		k, ok := unitIdx[u]
		if !ok {
			k = len(p.units)
			unitIdx[u] = k
			p.units = append(p.units, u)
		}
		p.unit[i] = k
		t := times[i]
		if isMissing(t) {
			l.add(line, p.TimeKey, "time key is empty")
			continue
		}
		f, ord, err := parseTime(t)
		if err != nil {
			l.add(line, p.TimeKey, "%v", err)
			continue
		}
		if format == 0 {
			format = f
		} else if f != format {
			l.add(line, p.TimeKey, "time %q is %s but earlier rows are %s: use one format", t, f, format)
			continue
		}
		p.ordinal[i] = ord
	}
	if len(l.problems) > before {
		return
	}
	p.format = format
	// Distinct periods in time order.
	labels := map[int]string{}
	for i := 0; i < n; i++ {
		labels[p.ordinal[i]] = times[i]
	}
	ords := make([]int, 0, len(labels))
	for o := range labels {
		ords = append(ords, o)
	}
	sort.Ints(ords)
	periodIdx := make(map[int]int, len(ords))
	for k, o := range ords {
		periodIdx[o] = k
		p.times = append(p.times, labels[o])
	}
	p.period = make([]int, n)
	p.cell = make(map[cellKey]int, n)
	for i := 0; i < n; i++ {
		p.period[i] = periodIdx[p.ordinal[i]]
		key := cellKey{p.unit[i], p.ordinal[i]}
		if j, dup := p.cell[key]; dup {
			l.add(p.lines[i], p.TimeKey, "duplicate row for unit %q at time %q (first seen on line %d)", units[i], times[i], p.lines[j])
			continue
		}
		p.cell[key] = i
	}
}

// buildFrame fills the gota DataFrame from the parsed columns.
func (p *Panel) buildFrame() {
	ss := make([]series.Series, len(p.cols))
	for j, c := range p.cols {
		if c.kind == KindNumeric {
			ss[j] = series.New(c.num, series.Float, c.name)
		} else {
			ss[j] = series.New(c.text, series.String, c.name)
		}
	}
	p.Frame = dataframe.New(ss...)
}
