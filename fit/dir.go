package fit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
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
	"dilemma/internal/atomicfile"
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
	return atomicfile.ReplaceDir(tmp, dir)
}

func (f *Fit) writeFiles(dir string) error {
	var refs []FileRef
	write := func(name string, b []byte, draws int) error {
		refs = append(refs, FileRef{File: name, SHA256: data.SHA256(b), Bytes: int64(len(b)), Draws: draws})
		return os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	for c := range f.Draws {
		var buf bytes.Buffer
		if err := f.WriteChainCSV(&buf, c); err != nil {
			return err
		}
		if err := write(ChainFile(c+1), buf.Bytes(), len(f.Stats[c][0])); err != nil {
			return err
		}
		refs[len(refs)-1].LineCRC32 = lineCRCs(buf.Bytes())
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
	if err := write(SummaryFile, buf.Bytes(), 0); err != nil {
		return err
	}
	f.Manifest.Files = refs
	mb, err := json.MarshalIndent(f.Manifest, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ManifestFile), append(mb, '\n'), 0o644)
}

// WriteChainCSV writes chain c (0-based) in CmdStan's CSV layout, its
// header naming dilemma and its version. The file holds no date, and its
// elapsed-time block (which rstan looks for) says 0 seconds and that the
// times are not recorded there (the manifest has them), so the same seed
// gives the same bytes.
func (f *Fit) WriteChainCSV(w io.Writer, c int) error {
	s := f.Settings
	cw := stancsv.NewWriter(w, stancsv.Options{FixedTiming: true, DataFile: f.Manifest.Data.Source,
		Generator: "dilemma", GeneratorVersion: f.Manifest.Version})
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
	"prior_sensitivity", "likelihood_sensitivity", "sensitivity_diagnosis", "rows_imputed"}

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
			fmtFloat(e.PriorSens), fmtFloat(e.LikSens), e.SensDiagnosis, strconv.Itoa(e.RowsImputed)})
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

// readSummaryCSV reads the summaries WriteSummaryCSV wrote (b, nil when
// the file is missing or changed) and reports whether they are those of the
// parameters names, in order (after lp__). A missing file, one from an
// older layout, or one that does not match returns false: the caller
// computes the summaries from the draws.
func readSummaryCSV(b []byte, names []string) ([]diagnostics.Summary, bool) {
	if b == nil {
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

// MaxManifestBytes is the size limit of a manifest.json (256 MiB: it holds
// the model's text and every parameter name).
const MaxManifestBytes = 256 << 20

// ReadManifest reads a fit's manifest.json.
func ReadManifest(path string) (*Manifest, error) {
	b, err := data.ReadFileLimited(path, "a fit manifest", MaxManifestBytes)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: not a dilemma fit manifest: %v", path, err)
	}
	if m.Tool != "dilemma" || m.Model.Text == "" {
		return nil, fmt.Errorf("%s is not a dilemma fit manifest", path)
	}
	return &m, nil
}

// LoadData loads the data a manifest names. The manifest's path is read
// only if it is a regular file no larger than data.MaxCSVBytes, and parsed
// only after its SHA-256 matches the manifest's: a manifest that names
// another file (/etc/passwd) gets an error that shows nothing of it.
func (m *Manifest) LoadData() (*data.Panel, error) {
	opt := data.Options{UnitKey: m.Data.UnitKey, TimeKey: m.Data.TimeKey}
	if m.Data.Source == "embedded" {
		if data.EmbeddedSHA256() != m.Data.SHA256 {
			return nil, fmt.Errorf("the manifest records data SHA-256 %s, but the embedded panel's is %s: the fit used another version of it",
				shortHash(m.Data.SHA256), shortHash(data.EmbeddedSHA256()))
		}
		return data.Embedded()
	}
	src := m.Data.Source
	b, err := readRegular(src, "the fit's data file", data.MaxCSVBytes)
	if err != nil {
		return nil, err
	}
	if sum := data.SHA256(b); sum != m.Data.SHA256 {
		return nil, fmt.Errorf("data %s has changed since the fit (SHA-256 %s, the manifest records %s); its content is not used",
			quoteShort(src), shortHash(sum), shortHash(m.Data.SHA256))
	}
	return data.Load(bytes.NewReader(b), src, opt)
}

// readRegular reads path if it is a regular file (not a device, a pipe or
// a directory) of at most limit bytes; errors name path but nothing of its
// content.
func readRegular(path, what string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, quoteShort(path), errors.Unwrap(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s %s is not a regular file", what, quoteShort(path))
	}
	if st.Size() > limit {
		return nil, &data.LimitError{Name: quoteShort(path), What: what, Limit: limit}
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, quoteShort(path), err)
	}
	if int64(len(b)) > limit {
		return nil, &data.LimitError{Name: quoteShort(path), What: what, Limit: limit}
	}
	return b, nil
}

// quoteShort quotes a path from a manifest for a message: control
// characters escaped, at most 120 characters.
func quoteShort(s string) string {
	if r := []rune(s); len(r) > 120 {
		s = string(r[:60]) + "…" + string(r[len(r)-59:])
	}
	return strconv.Quote(s)
}

// shortHash is the first 12 characters of a SHA-256 in hex, for messages
// (a manifest's value is quoted if it is not hex).
func shortHash(h string) string {
	if len(h) > 12 {
		h = h[:12]
	}
	for _, r := range h {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return strconv.Quote(h)
		}
	}
	return h
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

// readChains reads and verifies the chain files of dir (see Open), on all
// cores (parsing a thousand columns of draws is most of opening a fit); the
// first error in chain order is returned.
func readChains(dir string, m *Manifest, refs []FileRef) ([]*stancsv.File, error) {
	want := append(slices.Clone(inference.SamplerColumns), CSVNames(m.ParamNames)...)
	files := make([]*stancsv.File, len(refs))
	errs := make([]error, len(refs))
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for k := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			files[k], errs[k] = readChain(dir, refs[k], want)
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

// rerun is the advice that ends every refusal of a fit directory.
func rerun(dir string) string {
	return fmt.Sprintf("re-run the fit (dilemma fit --from %s --out NEWDIR)", filepath.Join(dir, ManifestFile))
}

// readChain reads one chain file and checks it against the manifest: the
// columns it names, finite draws, the number of draws, the size and the
// SHA-256. Problems it can place are reported with file and line.
func readChain(dir string, ref FileRef, want []string) (*stancsv.File, error) {
	path := filepath.Join(dir, ref.File)
	st, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; %s", path, errors.Unwrap(err), rerun(dir))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (a fit directory holds its own chain files); %s", path, rerun(dir))
	}
	if st.Size() > 2*ref.Bytes+1<<20 {
		return nil, fmt.Errorf("%s has %d bytes, the fit wrote %d: it was changed after the fit; %s", path, st.Size(), ref.Bytes, rerun(dir))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sameBytes := int64(len(b)) == ref.Bytes && data.SHA256(b) == ref.SHA256
	sf, err := stancsv.Read(bytes.NewReader(b), path)
	if err != nil {
		var pe *stancsv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s: the file was changed after the fit; %s", pe.File, pe.Line, clip(pe.Msg, 100), rerun(dir))
		}
		return nil, fmt.Errorf("%s: %s; %s", path, clip(err.Error(), 160), rerun(dir))
	}
	if !slices.Equal(sf.Columns, want) {
		return nil, fmt.Errorf("%s:%d: the header's %d columns are not the %d the manifest names: the file was changed after the fit; %s",
			path, headerLine(b), len(sf.Columns), len(want), rerun(dir))
	}
	for j, col := range sf.Draws {
		for i, v := range col {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s:%d: column %s is %v, and a chain holds finite draws only: the file was changed after the fit; %s",
					path, dataLine(b, i), want[j], v, rerun(dir))
			}
		}
	}
	if n := sf.NumDraws(); n != ref.Draws {
		what := "ends after"
		if n > ref.Draws {
			what = "holds"
		}
		return nil, fmt.Errorf("%s:%d: the file %s %d draws, the manifest records %d: it was truncated or changed after the fit; %s",
			path, lastLine(b), what, n, ref.Draws, rerun(dir))
	}
	if int64(len(b)) < ref.Bytes {
		return nil, fmt.Errorf("%s:%d: the file ends after %d of the %d bytes the fit wrote: it was truncated; %s",
			path, lastLine(b), len(b), ref.Bytes, rerun(dir))
	}
	if !sameBytes {
		if no := changedLine(b, ref.LineCRC32); no > 0 {
			return nil, fmt.Errorf("%s:%d: changed after the fit (the line's checksum is not the one the manifest records); %s",
				path, no, rerun(dir))
		}
		return nil, fmt.Errorf("%s: changed after the fit (SHA-256 %s, the manifest records %s: a number or a comment was edited); %s",
			path, shortHash(data.SHA256(b)), shortHash(ref.SHA256), rerun(dir))
	}
	return sf, nil
}

// lineCRCs is the CRC-32 of each line of b (without its newline), in 8 hex
// digits each.
func lineCRCs(b []byte) string {
	var out strings.Builder
	lines(b, func(_ int, text []byte) bool {
		fmt.Fprintf(&out, "%08x", crc32.ChecksumIEEE(text))
		return true
	})
	return out.String()
}

// changedLine is the number of the first line of b whose CRC-32 is not the
// one recorded in crcs (lineCRCs of the file as written), or 0 if none
// differs or nothing is recorded.
func changedLine(b []byte, crcs string) int {
	if crcs == "" {
		return 0
	}
	found := 0
	lines(b, func(no int, text []byte) bool {
		i := 8 * (no - 1)
		if i+8 > len(crcs) || crcs[i:i+8] != fmt.Sprintf("%08x", crc32.ChecksumIEEE(text)) {
			found = no
			return false
		}
		return true
	})
	return found
}

// clip shortens a message to at most n characters.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// lines calls line with each line of b and its number until line returns
// false; it returns the last number it reached.
func lines(b []byte, line func(no int, text []byte) bool) int {
	no := 0
	for len(b) > 0 {
		no++
		text, rest, _ := bytes.Cut(b, []byte{'\n'})
		if !line(no, text) {
			return no
		}
		b = rest
	}
	return no
}

// lastLine is the number of b's last line.
func lastLine(b []byte) int { return lines(b, func(int, []byte) bool { return true }) }

// isDataLine reports whether a CSV line is a row (not blank, not a comment).
func isDataLine(text []byte) bool {
	t := bytes.TrimSpace(text)
	return len(t) > 0 && t[0] != '#'
}

// headerLine is the line number of the header row of a chain file.
func headerLine(b []byte) int {
	return lines(b, func(_ int, text []byte) bool { return !isDataLine(text) })
}

// dataLine is the line number of draw i (0-based) of a chain file written
// without its warm-up.
func dataLine(b []byte, i int) int {
	seen := -1 // the header is the first data line
	return lines(b, func(_ int, text []byte) bool {
		if isDataLine(text) {
			seen++
		}
		return seen <= i
	})
}

// checkFiles checks the manifest's list of files against the fit directory
// layout and returns the chain files' records in chain order and
// summary.csv's (nil if not recorded). A manifest without the list (written
// before dilemma recorded checksums) is refused: its chain files cannot be
// verified. Names the list holds are never opened: Open reads only the
// fixed names chain-K.csv and summary.csv.
func (m *Manifest) checkFiles(dir string) ([]FileRef, *FileRef, error) {
	if len(m.Files) == 0 {
		return nil, nil, fmt.Errorf("%s: the manifest records no checksums of the chain files (it was written before dilemma recorded them), so they cannot be verified; %s",
			dir, rerun(dir))
	}
	if m.Settings.Chains < 1 || m.Settings.Chains > len(m.Files) {
		return nil, nil, fmt.Errorf("%s: the manifest records %d chains and checksums of %d files: the manifest was changed; %s",
			dir, m.Settings.Chains, len(m.Files), rerun(dir))
	}
	chains := make([]FileRef, m.Settings.Chains)
	var summary *FileRef
	for _, r := range m.Files {
		k := -1
		for c := range chains {
			if r.File == ChainFile(c+1) {
				k = c
			}
		}
		switch {
		case k >= 0:
			if r.Draws != m.Settings.Samples {
				return nil, nil, fmt.Errorf("%s: the manifest records %d draws for %s but %d samples per chain: the manifest was changed",
					dir, r.Draws, r.File, m.Settings.Samples)
			}
			chains[k] = r
		case r.File == SummaryFile:
			summary = &r
		default:
			return nil, nil, fmt.Errorf("%s: the manifest lists a file %s that is not part of a fit directory of %d chains", dir, quoteShort(r.File), m.Settings.Chains)
		}
	}
	for c, r := range chains {
		if r.File == "" {
			return nil, nil, fmt.Errorf("%s: the manifest records no checksum for %s", dir, ChainFile(c+1))
		}
	}
	return chains, summary, nil
}

// Open reads a fit directory: the manifest, the chains' draws, and the
// model bound again to its data. Every chain file must be the one the fit
// wrote: the manifest records each one's SHA-256, size and number of
// draws, and a changed, truncated or extended file, one with a draw that is
// not a finite number, or a manifest without these records (written before
// dilemma kept them) is refused with the file and, where it can be placed,
// the line; the advice is to re-run the fit. summary.csv is used when its
// checksum matches and otherwise computed again from the draws. The data
// file is read only if its SHA-256 matches the manifest's (see LoadData).
func Open(dir string) (*Fit, error) {
	m, err := ReadManifest(filepath.Join(dir, ManifestFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a fit directory (no %s); run 'dilemma fit MODEL --out %s' first", dir, ManifestFile, dir)
		}
		return nil, err
	}
	refs, sumRef, err := m.checkFiles(dir)
	if err != nil {
		return nil, err
	}
	files, err := readChains(dir, m, refs)
	if err != nil {
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
	var csvNames []string
	for _, c := range files[0].Columns {
		if !stancsv.IsSamplerColumn(c) {
			csvNames = append(csvNames, c)
		}
	}
	f.Names = m.ParamNames
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
	var sumBytes []byte
	if sumRef != nil {
		b, err := os.ReadFile(filepath.Join(dir, SummaryFile))
		if err == nil && int64(len(b)) == sumRef.Bytes && data.SHA256(b) == sumRef.SHA256 {
			sumBytes = b
		}
	}
	if sums, ok := readSummaryCSV(sumBytes, f.summarized()); ok {
		f.setSummaries(sums)
	} else {
		f.summarize()
	}
	return f, nil
}
