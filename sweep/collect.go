package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"dilemma/table"
)

// Reduces is the posterior probability from which a remedy counts as
// reducing the outcome in a specification.
const Reduces = 0.95

// Collection is what collect gathered from a sweep directory.
type Collection struct {
	Dir     string       `json:"dir"`
	Kind    string       `json:"kind"`
	Tasks   int          `json:"tasks"`
	Done    int          `json:"done"`
	Failed  []FailedTask `json:"failed"`
	Missing []int        `json:"missing"`
	// Results are the done tasks' results, in task order.
	Results []*Result `json:"-"`
	// Answers summarizes each quantity over the specifications (multiverse).
	Answers []AnswerShare `json:"answers,omitempty"`
	// SBC holds the calibration's uniformity tests (sbc).
	SBC []SBCParam `json:"sbc,omitempty"`
	// CV holds elpd per fold and in total (cv).
	CV *CVSummary `json:"cv,omitempty"`
	// Files are the files collect wrote.
	Files []string `json:"files"`
}

// AnswerShare summarizes one quantity (the effect, or one remedy's effect)
// across the specifications that computed it.
type AnswerShare struct {
	Name           string `json:"name"`
	Specifications int    `json:"specifications"`
	// Reduces counts the specifications in which P(quantity < 0) ≥ 0.95;
	// ShareReduces is its share.
	Reduces      int `json:"reduces_p95"`
	ShareReduces Num `json:"share_reduces_p95"`
	// Expected counts those in which P(expected sign) ≥ 0.95.
	Expected      int `json:"expected_sign_p95"`
	ShareExpected Num `json:"share_expected_sign_p95"`
	// MinMean, MedianMean, MaxMean: the posterior means' range.
	MinMean    Num `json:"min_mean"`
	MedianMean Num `json:"median_mean"`
	MaxMean    Num `json:"max_mean"`
}

// Collect reads every done task's result in dir and writes results.csv and
// the figures (see the package documentation). Missing and failed tasks are
// listed, not fatal: a collect job that runs after a partly failed array
// gathers what there is.
func Collect(dir string) (*Collection, error) {
	p, err := ReadPlan(dir)
	if err != nil {
		return nil, err
	}
	st, err := ReadStatus(dir)
	if err != nil {
		return nil, err
	}
	c := &Collection{Dir: dir, Kind: p.Kind, Tasks: st.Tasks, Done: len(st.Done), Failed: st.Failed, Missing: st.Missing, Files: []string{}}
	for _, i := range st.Done {
		b, err := os.ReadFile(filepath.Join(TaskDir(dir, i), ResultFile))
		if err != nil {
			return nil, err
		}
		var r Result
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Join(TaskDir(dir, i), ResultFile), err)
		}
		c.Results = append(c.Results, &r)
	}
	if len(c.Results) == 0 {
		return c, fmt.Errorf("%s: no task is done yet (%d missing, %d failed); run 'dilemma sweep run %s --local' or submit it", dir, len(st.Missing), len(st.Failed), dir)
	}
	switch p.Kind {
	case Multiverse:
		err = c.collectMultiverse(p)
	case SBC:
		err = c.collectSBC(p)
	case CV:
		err = c.collectCV(p)
	}
	return c, err
}

func (c *Collection) write(name string, b []byte) error {
	path := filepath.Join(c.Dir, name)
	if err := writeAtomic(path, b); err != nil {
		return err
	}
	c.Files = append(c.Files, path)
	return nil
}

// fmtNum writes a number at full precision (NA when not finite).
func fmtNum(v Num) string {
	x := float64(v)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "NA"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// ResultsHeader is the header of a multiverse's results.csv after the task
// number and the axes.
var ResultsHeader = []string{"quantity", "status", "mean", "sd", "lo", "hi", "level", "expected_sign",
	"p_expected_sign", "p_negative", "max_rhat", "min_ess_bulk", "divergences"}

func (c *Collection) collectMultiverse(p *Plan) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := []string{"task"}
	for _, a := range p.Axes {
		head = append(head, a.Name)
	}
	w.Write(append(head, ResultsHeader...))
	byName := map[string][]specPoint{}
	var names []string
	for _, r := range c.Results {
		for _, a := range r.Answers {
			row := []string{strconv.Itoa(r.Index)}
			for _, ch := range r.Choices {
				row = append(row, ch.Value)
			}
			row = append(row, a.Name, a.Status, fmtNum(a.Mean), fmtNum(a.SD), fmtNum(a.Lo), fmtNum(a.Hi), fmtNum(a.Level),
				a.Expected, fmtNum(a.PExpected), fmtNum(a.PNegative), fmtNum(r.Diagnostics.MaxRhat),
				fmtNum(r.Diagnostics.MinESSBulk), strconv.Itoa(r.Diagnostics.Divergences))
			w.Write(row)
			if _, ok := byName[a.Name]; !ok {
				names = append(names, a.Name)
			}
			if !math.IsNaN(float64(a.Mean)) {
				byName[a.Name] = append(byName[a.Name], specPoint{task: r.Index, choices: r.Choices, a: a})
			}
		}
	}
	w.Flush()
	if err := c.write(ResultsCSV, buf.Bytes()); err != nil {
		return err
	}
	for _, name := range names {
		pts := byName[name]
		sh := AnswerShare{Name: name, Specifications: len(pts)}
		means := make([]float64, 0, len(pts))
		for _, pt := range pts {
			if float64(pt.a.PNegative) >= Reduces {
				sh.Reduces++
			}
			if float64(pt.a.PExpected) >= Reduces {
				sh.Expected++
			}
			means = append(means, float64(pt.a.Mean))
		}
		sort.Float64s(means)
		nan := Num(math.NaN())
		sh.ShareReduces, sh.ShareExpected, sh.MinMean, sh.MedianMean, sh.MaxMean = nan, nan, nan, nan, nan
		if n := len(means); n > 0 {
			sh.ShareReduces = Num(float64(sh.Reduces) / float64(n))
			sh.ShareExpected = Num(float64(sh.Expected) / float64(n))
			sh.MinMean, sh.MaxMean = Num(means[0]), Num(means[n-1])
			sh.MedianMean = Num((means[(n-1)/2] + means[n/2]) / 2)
		}
		c.Answers = append(c.Answers, sh)
		if len(pts) == 0 {
			continue
		}
		base := "spec-curve"
		if p.Query.Remedies {
			base += "-" + name
		}
		for _, ext := range []string{"png", "pdf"} {
			b, err := specCurve(p, name, pts, ext)
			if err != nil {
				return err
			}
			if err := c.write(base+"."+ext, b); err != nil {
				return err
			}
		}
	}
	if p.Query.Remedies {
		var buf bytes.Buffer
		if err := c.SharesTable().CSV(&buf); err != nil {
			return err
		}
		if err := c.write("remedies.csv", buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// Table is the collection's summary table: per quantity, the shares of
// specifications (multiverse); per parameter, the uniformity test (sbc);
// per fold, the elpd (cv).
func (c *Collection) Table() *table.Table {
	switch c.Kind {
	case SBC:
		return c.sbcTable()
	case CV:
		return c.cvTable()
	}
	return c.SharesTable()
}

// SharesTable lists each quantity's share of specifications in which it
// reduces the outcome, or has its expected sign, with P ≥ 0.95.
func (c *Collection) SharesTable() *table.Table {
	t := &table.Table{Columns: []string{"quantity", "specifications", "P(reduces) ≥ 0.95", "share", "P(expected sign) ≥ 0.95", "share", "min mean", "median mean", "max mean"},
		Align: []table.Align{table.Left, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right, table.Right}}
	f := func(v Num) string {
		if math.IsNaN(float64(v)) {
			return "NA"
		}
		return strconv.FormatFloat(float64(v), 'g', 4, 64)
	}
	for _, a := range c.Answers {
		t.Rows = append(t.Rows, []string{a.Name, strconv.Itoa(a.Specifications), strconv.Itoa(a.Reduces), f(a.ShareReduces),
			strconv.Itoa(a.Expected), f(a.ShareExpected), f(a.MinMean), f(a.MedianMean), f(a.MaxMean)})
	}
	return t
}

// StatusLine says how many tasks the collection covers.
func (c *Collection) StatusLine() string {
	s := fmt.Sprintf("%d of %d tasks done", c.Done, c.Tasks)
	if len(c.Failed) > 0 {
		s += fmt.Sprintf(", %d failed", len(c.Failed))
	}
	if len(c.Missing) > 0 {
		s += fmt.Sprintf(", %d missing", len(c.Missing))
	}
	if c.Done < c.Tasks {
		s += " (the collection covers the done tasks only; rerun or resubmit, then collect again)"
	}
	return s
}

// choiceLabel is "axis: value".
func choiceLabel(axis, value string) string {
	return strings.TrimSpace(axis) + ": " + value
}
