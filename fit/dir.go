package fit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"dilemma/data"
	"dilemma/inference"
	"dilemma/inference/diagnostics"
	"dilemma/inference/stancsv"
	"dilemma/model"
	"dilemma/model/sem"
	"dilemma/table"
)

// ChainFile is the name of chain k's CSV file (1-based) in a fit directory.
func ChainFile(k int) string { return fmt.Sprintf("chain-%d.csv", k) }

// Fit directory file names.
const (
	ManifestFile = "manifest.json"
	EdgesFile    = "edges.csv"
	SummaryFile  = "summary.csv"
)

// Write writes the fit directory dir whole or not at all: the files go to
// a temporary directory beside dir, which is renamed into place. An existing
// fit directory at dir is replaced; any other existing non-empty path is an
// error.
func (f *Fit) Write(dir string) (err error) {
	dir = filepath.Clean(dir)
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s exists and is not a directory", dir)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) > 0 {
			if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err != nil {
				return fmt.Errorf("%s exists and is not a fit directory; choose another --out", dir)
			}
		}
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := f.writeFiles(tmp); err != nil {
		return err
	}
	if _, err := os.Stat(dir); err == nil {
		old := tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return err
		}
		if err := os.Rename(tmp, dir); err != nil {
			os.Rename(old, dir)
			return err
		}
		return os.RemoveAll(old)
	}
	return os.Rename(tmp, dir)
}

func (f *Fit) writeFiles(dir string) error {
	for c := range f.Draws {
		var buf bytes.Buffer
		if err := f.WriteChainCSV(&buf, c); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, ChainFile(c+1)), buf.Bytes(), 0o644); err != nil {
			return err
		}
		if f.Settings.SaveLogLik {
			buf.Reset()
			if err := f.WriteLogLikCSV(&buf, c); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, LogLikFile(c+1)), buf.Bytes(), 0o644); err != nil {
				return err
			}
		}
	}
	var buf bytes.Buffer
	if err := f.WriteEdgesCSV(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, EdgesFile), buf.Bytes(), 0o644); err != nil {
		return err
	}
	buf.Reset()
	if err := f.WriteSummaryCSV(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, SummaryFile), buf.Bytes(), 0o644); err != nil {
		return err
	}
	mb, err := json.MarshalIndent(f.Manifest, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ManifestFile), append(mb, '\n'), 0o644)
}

// WriteChainCSV writes chain c (0-based) in CmdStan's CSV layout. The file
// holds no timing or date, so the same seed gives the same bytes.
func (f *Fit) WriteChainCSV(w io.Writer, c int) error {
	s := f.Settings
	cw := stancsv.NewWriter(w, stancsv.Options{OmitTiming: true, DataFile: f.Manifest.Data.Source})
	keep := f.saved()
	names := make([]string, len(keep))
	for i, j := range keep {
		names[i] = f.Names[j]
	}
	info := inference.RunInfo{Model: f.Manifest.Model.Name, ParamNames: CSVNames(names), Chain: c + 1, Seed: s.Seed,
		NumWarmup: s.Warmup, NumSamples: s.Samples, MaxDepth: s.MaxDepth, AdaptDelta: s.AdaptDelta,
		Metric: s.Metric, InitRadius: 2}
	if err := cw.Begin(info); err != nil {
		return err
	}
	if err := cw.Adapted(f.Adaptation[c]); err != nil {
		return err
	}
	stats := f.Stats[c]
	row := make([]float64, len(keep))
	n := len(stats[0])
	for i := 0; i < n; i++ {
		st := inference.Stats{LogDensity: stats[0][i], AcceptStat: stats[1][i], StepSize: stats[2][i],
			TreeDepth: int(stats[3][i]), NumLeapfrog: int(stats[4][i]), Divergent: stats[5][i] != 0, Energy: stats[6][i]}
		for k, j := range keep {
			row[k] = f.Draws[c][j][i]
		}
		if err := cw.Draw(st, row, false); err != nil {
			return err
		}
	}
	return cw.End(inference.Timing{})
}

// CSVName is the column name of parameter name in the chain CSV files:
// rstan's reader takes every dot as an array index, so the dots of our names
// ("b.fear.unilateralism") become double underscores
// ("b__fear__unilateralism") and any other character that R would rewrite
// becomes an underscore. The manifest keeps the original names in order.
func CSVName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '.':
			b.WriteString("__")
		case r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// CSVNames maps CSVName over names.
func CSVNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = CSVName(n)
	}
	return out
}

func fmtFloat(v float64) string {
	if math.IsNaN(v) {
		return "NA"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// EdgesHeader is the header of edges.csv.
var EdgesHeader = []string{"edge", "parent", "child", "lag", "expected_sign", "mean", "sd", "q5", "q50", "q95",
	"p_sign", "rhat", "ess_bulk", "ess_tail", "contraction", "rows",
	"prior_sensitivity", "likelihood_sensitivity", "sensitivity_diagnosis"}

// WriteEdgesCSV writes the edge table.
// Node names are escaped against formula injection (table.CSVCell): the
// expected_sign column is "+", "-" or empty (no sign claimed).
func (f *Fit) WriteEdgesCSV(w io.Writer) error {
	cw := table.NewCSVWriter(w)
	cw.Write(EdgesHeader)
	for _, e := range f.Edges {
		sign := ""
		if e.Sign > 0 {
			sign = "+"
		} else if e.Sign < 0 {
			sign = "-"
		}
		cw.Write([]string{e.Edge, e.Parent, e.Child, strconv.Itoa(e.Lag), sign, fmtFloat(e.Mean), fmtFloat(e.SD),
			fmtFloat(e.Q5), fmtFloat(e.Q50), fmtFloat(e.Q95), fmtFloat(e.PSign), fmtFloat(e.Rhat),
			fmtFloat(e.ESSBulk), fmtFloat(e.ESSTail), fmtFloat(e.Contraction), strconv.Itoa(e.Rows),
			fmtFloat(e.PriorSens), fmtFloat(e.LikSens), e.SensDiagnosis})
	}
	cw.Flush()
	return cw.Error()
}

// SummaryHeader is the header of summary.csv.
var SummaryHeader = []string{"parameter", "mean", "sd", "q5", "q50", "q95", "rhat", "ess_bulk", "ess_tail",
	"mcse_mean", "mcse_sd", "note"}

// WriteSummaryCSV writes every parameter's summary and diagnostics, at full
// precision (the shortest decimal that reads back as the same float64), so
// that Open reads them instead of computing them again.
func (f *Fit) WriteSummaryCSV(w io.Writer) error {
	cw := table.NewCSVWriter(w)
	cw.Write(SummaryHeader)
	for _, s := range f.Summaries {
		row := []string{s.Name}
		for _, v := range summaryValues(&s) {
			row = append(row, exactFloat(*v))
		}
		cw.Write(append(row, s.Note))
	}
	cw.Flush()
	return cw.Error()
}

// summaryValues lists a summary's numbers in the order of SummaryHeader.
func summaryValues(s *diagnostics.Summary) []*float64 {
	return []*float64{&s.Mean, &s.SD, &s.Q5, &s.Q50, &s.Q95, &s.Rhat, &s.ESSBulk, &s.ESSTail, &s.MCSEMean, &s.MCSESd}
}

// exactFloat formats v so that it parses back to the same bits (NA for
// NaN).
func exactFloat(v float64) string {
	if math.IsNaN(v) {
		return "NA"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// readSummaryCSV reads the summaries WriteSummaryCSV wrote and reports
// whether they are those of the parameters names, in order (after lp__). A
// missing file, one from an older layout, or one that does not match
// returns false: the caller computes the summaries from the draws.
func readSummaryCSV(path string, names []string) ([]diagnostics.Summary, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) != len(names)+2 || !slices.Equal(rows[0], SummaryHeader) {
		return nil, false
	}
	out := make([]diagnostics.Summary, len(rows)-1)
	for i, row := range rows[1:] {
		want := "lp__"
		if i > 0 {
			want = names[i-1]
		}
		if table.UnescapeCSVCell(row[0]) != want {
			return nil, false
		}
		s := &out[i]
		s.Name, s.Note = want, table.UnescapeCSVCell(row[len(row)-1])
		for k, v := range summaryValues(s) {
			x, err := strconv.ParseFloat(row[k+1], 64)
			if row[k+1] == "NA" {
				x, err = math.NaN(), nil
			}
			if err != nil {
				return nil, false
			}
			*v = x
		}
	}
	return out, true
}

// ReadManifest reads a fit's manifest.json.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if m.Tool != "dilemma" || m.Model.Text == "" {
		return nil, fmt.Errorf("%s is not a dilemma fit manifest", path)
	}
	return &m, nil
}

// LoadData loads the data a manifest names and checks its SHA-256.
func (m *Manifest) LoadData() (*data.Panel, error) {
	opt := data.Options{UnitKey: m.Data.UnitKey, TimeKey: m.Data.TimeKey}
	var p *data.Panel
	var err error
	var sum string
	if m.Data.Source == "embedded" {
		if p, err = data.Embedded(); err != nil {
			return nil, err
		}
		sum = data.EmbeddedSHA256()
	} else {
		b, rerr := os.ReadFile(m.Data.Source)
		if rerr != nil {
			return nil, rerr
		}
		sum = data.SHA256(b)
		if p, err = data.Load(bytes.NewReader(b), m.Data.Source, opt); err != nil {
			return nil, err
		}
	}
	if sum != m.Data.SHA256 {
		return nil, fmt.Errorf("data %s has changed since the fit (SHA-256 %s, the manifest records %s)", m.Data.Source, sum[:12], m.Data.SHA256[:min(12, len(m.Data.SHA256))])
	}
	return p, nil
}

// Plan rebuilds the manifest's plan: its model text bound to its data.
func (m *Manifest) Plan() (*Plan, error) {
	mod, err := model.ParseString(m.Model.Text, m.Model.Name)
	if err != nil {
		return nil, err
	}
	p, err := m.LoadData()
	if err != nil {
		return nil, err
	}
	opt, err := m.Settings.ModelOptions()
	if err != nil {
		return nil, err
	}
	return NewPlan(mod, p, opt)
}

// readChains reads the chain files of dir, on all cores (parsing a
// thousand columns of draws is most of opening a fit); the first error in
// chain order is returned.
func readChains(dir string, chains int) ([]*stancsv.File, error) {
	files := make([]*stancsv.File, chains)
	errs := make([]error, chains)
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for k := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			files[k], errs[k] = stancsv.ReadFile(filepath.Join(dir, ChainFile(k+1)))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// Open reads a fit directory: the manifest, the chains' draws, and the
// model bound again to its data (whose hash must match).
func Open(dir string) (*Fit, error) {
	m, err := ReadManifest(filepath.Join(dir, ManifestFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a fit directory (no %s); run 'dilemma fit MODEL --out %s' first", dir, ManifestFile, dir)
		}
		return nil, err
	}
	pl, err := m.Plan()
	if err != nil {
		return nil, err
	}
	f := &Fit{Plan: pl, Settings: m.Settings, Manifest: *m}
	if f.Posterior, err = sem.Compile(pl.Spec); err != nil {
		return nil, err
	}
	files, err := readChains(dir, m.Settings.Chains)
	if err != nil {
		return nil, err
	}
	cols, err := stancsv.CommonColumns(files)
	if err != nil {
		return nil, err
	}
	var csvNames []string
	for _, c := range cols {
		if !stancsv.IsSamplerColumn(c) {
			csvNames = append(csvNames, c)
		}
	}
	f.Names = m.ParamNames
	if len(f.Names) != len(csvNames) {
		return nil, fmt.Errorf("%s: the chains have %d parameters but the manifest names %d", dir, len(csvNames), len(f.Names))
	}
	for _, sf := range files {
		draws := make([][]float64, len(f.Names))
		for j, n := range csvNames {
			draws[j], _ = sf.Column(n)
		}
		stats := make([][]float64, len(inference.SamplerColumns))
		for k, n := range inference.SamplerColumns {
			stats[k], _ = sf.Column(n)
		}
		f.Draws = append(f.Draws, draws)
		f.Stats = append(f.Stats, stats)
		f.Adaptation = append(f.Adaptation, inference.Adaptation{StepSize: sf.StepSize, InvMetric: sf.InvMetric})
	}
	if sums, ok := readSummaryCSV(filepath.Join(dir, SummaryFile), f.summarized()); ok {
		f.setSummaries(sums)
	} else {
		f.summarize()
	}
	return f, nil
}
