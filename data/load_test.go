package data

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func load(t *testing.T, csv string, opt Options) (*Panel, error) {
	t.Helper()
	return Load(strings.NewReader(csv), "test.csv", opt)
}

// TestValidationErrors checks that each malformed file gives an error that
// names the file, the line and the column.
func TestValidationErrors(t *testing.T) {
	opt := DefaultOptions()
	ranged := DefaultOptions()
	ranged.Ranges = map[string]Range{"x": {0, 4}}
	required := DefaultOptions()
	required.Require = []string{"x", "gdp"}
	cases := []struct {
		name   string
		csv    string
		opt    Options
		line   int
		column string
		msg    string
	}{
		{"empty file", "", opt, 0, "", "empty file"},
		{"blank file", "\n\n  \n", opt, 0, "", "empty file"},
		{"header only", "iso3,month,x\n", opt, 1, "", "no data rows"},
		{"missing unit key", "country,month,x\nA,2020-01,1\n", opt, 1, "iso3", "key column is missing"},
		{"missing time key", "iso3,date,x\nA,2020-01,1\n", opt, 1, "month", "key column is missing"},
		{"duplicate row", "iso3,month,x\nA,2020-01,1\nA,2020-02,2\nA,2020-01,3\n", opt, 4, "month", "duplicate row for unit \"A\" at time \"2020-01\" (first seen on line 2)"},
		{"unparsable number", "iso3,month,x\nA,2020-01,1\nA,2020-02,2\nA,2020-03,3\nA,2020-04,3\nA,2020-05,abc\n", opt, 6, "x", "cannot parse \"abc\""},
		{"few text cells", "iso3,month,x\nA,2020-01,1\nA,2020-02,oops\nA,2020-03,3\n", opt, 3, "x", "cannot parse \"oops\" as a number in a numeric column"},
		{"half text cells", "iso3,month,x\nA,2020-01,1\nA,2020-02,2\nA,2020-03,abc\nA,2020-04,def\nA,2020-05,3\n", opt, 4, "x", "cannot parse \"abc\""},
		{"missing marker", "iso3,month,x\nA,2020-01,1\nA,2020-02,n/a\nA,2020-03,-\nA,2020-04,-\nA,2020-05,-\n", opt, 3, "x", "\"n/a\" in a numeric column: leave the cell empty"},
		{"NaN text", "iso3,month,x\nA,2020-01,1\nA,2020-02,NaN\n", opt, 3, "x", "\"NaN\" is not allowed"},
		{"Inf text", "iso3,month,x\nA,2020-01,-Inf\nA,2020-02,1\n", opt, 2, "x", "\"-Inf\" is not allowed"},
		{"ragged row", "iso3,month,x\nA,2020-01,1\nA,2020-02\n", opt, 3, "", "ragged row: 2 fields, the header has 3"},
		{"non-UTF-8", "iso3,month,x\nA,2020-01,1\nC\xf4te,2020-01,2\n", opt, 3, "", "invalid UTF-8 byte 0xf4"},
		{"required column absent", "iso3,month,x\nA,2020-01,1\n", required, 1, "gdp", "column required by the model is absent"},
		{"out of range", "iso3,month,x\nA,2020-01,1\nA,2020-02,5\n", ranged, 3, "x", "outside the declared range [0, 4]"},
		{"bad time", "iso3,month,x\nA,2020-13,1\n", opt, 2, "month", "month 13 is not in 1..12"},
		{"mixed time formats", "iso3,month,x\nA,2020-01,1\nA,2020-02-01,1\n", opt, 3, "month", "use one format"},
		{"empty unit", "iso3,month,x\n,2020-01,1\n", opt, 2, "iso3", "unit key is empty"},
		{"empty time", "iso3,month,x\nA,,1\n", opt, 2, "month", "time key is empty"},
		{"duplicate column", "iso3,month,x,x\nA,2020-01,1,2\n", opt, 1, "x", "appears twice"},
		{"bare quote", "iso3,month,x\nA,2020-01,1\nA,2020-02,\"2\n", opt, 3, "", "quote"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := load(t, c.csv, c.opt)
			if err == nil {
				t.Fatal("no error")
			}
			var probs Problems
			if !errors.As(err, &probs) || len(probs) == 0 {
				t.Fatalf("error %T is not Problems: %v", err, err)
			}
			e := probs[0]
			if e.File != "test.csv" || e.Line != c.line || e.Column != c.column || !strings.Contains(e.Msg, c.msg) {
				t.Errorf("got file %q line %d column %q msg %q; want test.csv line %d column %q msg containing %q",
					e.File, e.Line, e.Column, e.Msg, c.line, c.column, c.msg)
			}
			if !strings.HasPrefix(e.Error(), "test.csv") {
				t.Errorf("message %q does not start with the file name", e.Error())
			}
		})
	}
}

// TestAllProblemsReported checks that validation does not stop at the first.
func TestAllProblemsReported(t *testing.T) {
	csv := "iso3,month,x,y\nA,2020-01,1,1\nA,2020-02,NaN,2\nA,2020-02,3,3\nB,2020-01,4\n"
	_, err := load(t, csv, DefaultOptions())
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("want Problems, got %v", err)
	}
	// Ragged line 5 stops before keys; NaN on line 3 is found too.
	want := map[int]bool{3: true, 5: true}
	for _, p := range probs {
		delete(want, p.Line)
	}
	if len(want) > 0 {
		t.Errorf("problems %v do not cover lines %v", probs, want)
	}
}

func TestMissingCellsAndTypes(t *testing.T) {
	csv := "iso3,month,region,x\nA,2020-01,EUR,1.5\nA,2020-02,,\nB,2020-01,AFR,NA\nB,2020-02,AFR,2\n"
	p, err := load(t, csv, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	x, err := p.Numeric("x")
	if err != nil {
		t.Fatal(err)
	}
	if x[0] != 1.5 || !math.IsNaN(x[1]) || !math.IsNaN(x[2]) || x[3] != 2 {
		t.Errorf("x = %v", x)
	}
	if _, err := p.Numeric("region"); err == nil {
		t.Error("region read as numeric")
	}
	s := p.Describe()
	if s.Units != 2 || s.Periods != 2 || s.Rows != 4 {
		t.Errorf("describe = %+v", s)
	}
	for _, c := range s.Columns {
		if c.Name == "x" && (c.NonEmpty != 2 || c.Min != 1.5 || c.Max != 2 || c.Median != 1.75) {
			t.Errorf("x summary = %+v", c)
		}
		if c.Name == "region" && (c.NonEmpty != 3 || c.Levels != 2) {
			t.Errorf("region summary = %+v", c)
		}
	}
	if got := p.Frame.Nrow(); got != 4 {
		t.Errorf("frame rows = %d", got)
	}
}

func TestTimeFormats(t *testing.T) {
	for _, c := range []struct {
		a, b string
		step int // ordinal difference b - a
	}{
		{"2020-12", "2021-01", 1},
		{"2020-02-28", "2020-03-01", 2},
		{"2019", "2021", 2},
		{"7", "8", 1},
	} {
		p, err := load(t, "iso3,month,x\nA,"+c.a+",1\nA,"+c.b+",2\n", DefaultOptions())
		if err != nil {
			t.Fatalf("%s: %v", c.a, err)
		}
		o := p.TimeOrdinal()
		if o[1]-o[0] != c.step {
			t.Errorf("%s -> %s: ordinal step %d, want %d", c.a, c.b, o[1]-o[0], c.step)
		}
	}
}

func TestCrossSection(t *testing.T) {
	p, err := load(t, "country,x\nA,1\nB,2\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.IsPanel() || p.NumRows() != 2 {
		t.Errorf("cross-section read wrong: panel=%v rows=%d", p.IsPanel(), p.NumRows())
	}
	if _, err := p.Transform("x", "lag(1)"); err == nil || !strings.Contains(err.Error(), "cross-section") {
		t.Errorf("lag on a cross-section: %v", err)
	}
}

func TestEmbedded(t *testing.T) {
	p, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if p.NumRows() != 6732 || len(p.Units()) != 187 || len(p.Times()) != 36 || len(p.Columns()) != 29 {
		t.Fatalf("embedded panel: %d rows, %d units, %d months, %d columns; want 6732, 187, 36, 29",
			p.NumRows(), len(p.Units()), len(p.Times()), len(p.Columns()))
	}
	if p.Times()[0] != "2020-01" || p.Times()[35] != "2022-12" {
		t.Errorf("months run %s..%s", p.Times()[0], p.Times()[35])
	}
	for _, c := range p.Describe().Columns {
		if c.Name == "trade_pct_gdp" && c.NonEmpty != 5892 {
			t.Errorf("trade_pct_gdp coverage %d, want 5892", c.NonEmpty)
		}
		if c.Name == "population" && c.NonEmpty != 6732 {
			t.Errorf("population coverage %d, want 6732", c.NonEmpty)
		}
	}
	if k, _ := p.Kind("who_region"); k != KindText {
		t.Error("who_region is not text")
	}
	if len(EmbeddedSHA256()) != 64 || !strings.Contains(Attribution(), "Oxford COVID-19 Government Response Tracker") {
		t.Error("hash or attribution missing")
	}
	if r, ok := p.Row("USA", "2020-04"); !ok || p.Line(r) < 2 {
		t.Error("Row(USA, 2020-04) not found")
	}
}

func BenchmarkLoadEmbedded(b *testing.B) {
	raw := EmbeddedCSV()
	b.SetBytes(int64(len(raw)))
	for i := 0; i < b.N; i++ {
		if _, err := Load(strings.NewReader(string(raw)), EmbeddedName, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte("iso3,month,x\nA,2020-01,1\nA,2020-02,2\n"))
	f.Add([]byte("iso3,month,x\nA,2020-01,NaN\n"))
	f.Add([]byte("iso3,month\n\"A,2020-01\n"))
	f.Add([]byte("unit,period,x\nU1,1,1\nU1,1,1\n"))
	f.Add(EmbeddedCSV()[:2000])
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Load(strings.NewReader(string(b)), "fuzz.csv", DefaultOptions())
		if err == nil {
			p.Describe()
			for _, c := range p.Columns() {
				if k, _ := p.Kind(c); k == KindNumeric {
					p.Transform(c, "lag(1)|standardize")
				}
			}
		}
	})
}

// TestColumnKind checks the numeric-or-text rule: numbers must outnumber
// the other non-empty cells (missing-value markers aside), and each
// non-numeric cell of a numeric column is reported with its line.
func TestColumnKind(t *testing.T) {
	cases := []struct {
		cells []string
		kind  Kind
		bad   []int // lines reported
	}{
		{[]string{"1", "2", "3"}, KindNumeric, nil},
		{[]string{"AFR", "EUR", "AFR"}, KindText, nil},
		{[]string{"1", "x", "3", "y", "5"}, KindNumeric, []int{3, 5}},
		{[]string{"1", "x", "y", "4"}, KindText, nil},
		{[]string{"1", "", "NA", "n/a", "-", "."}, KindNumeric, []int{5, 6, 7}},
		{[]string{"n/a", "-", ""}, KindText, nil},
	}
	for _, c := range cases {
		var b strings.Builder
		b.WriteString("iso3,month,v\n")
		for i, v := range c.cells {
			b.WriteString("A,2020-")
			b.WriteString([]string{"01", "02", "03", "04", "05", "06"}[i])
			b.WriteString("," + v + "\n")
		}
		p, err := load(t, b.String(), DefaultOptions())
		var probs Problems
		errors.As(err, &probs)
		var lines []int
		for _, pr := range probs {
			if pr.Column == "v" {
				lines = append(lines, pr.Line)
			}
		}
		if len(lines) != len(c.bad) {
			t.Errorf("%q: problems on lines %v, want %v (%v)", c.cells, lines, c.bad, err)
			continue
		}
		for i := range lines {
			if lines[i] != c.bad[i] {
				t.Errorf("%q: problems on lines %v, want %v", c.cells, lines, c.bad)
			}
		}
		if err == nil {
			if k, _ := p.Kind("v"); k != c.kind {
				t.Errorf("%q: kind %v, want %v", c.cells, k, c.kind)
			}
		} else if c.kind != KindNumeric {
			t.Errorf("%q: %v", c.cells, err)
		}
	}
}
