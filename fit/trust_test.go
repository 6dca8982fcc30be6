package fit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// copyDir copies the files of a fit directory to a new one.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "fit")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// dataLines returns the numbers (1-based) of the rows of a chain file.
func dataLines(b []byte) []int {
	var out []int
	header := true
	for i, l := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(l)
		if t == "" || t[0] == '#' {
			continue
		}
		if header {
			header = false
			continue
		}
		out = append(out, i+1)
	}
	return out
}

// editLine replaces line no (1-based) of b by edit(line).
func editLine(b []byte, no int, edit func(string) string) []byte {
	ls := strings.Split(string(b), "\n")
	ls[no-1] = edit(ls[no-1])
	return []byte(strings.Join(ls, "\n"))
}

// editManifest rewrites the manifest of dir through its JSON.
func editManifest(t *testing.T, dir string, edit func(m map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, ManifestFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestOpenRefusesTamperedFit changes a fit directory in each way a chain
// can go wrong after the fit and checks that Open refuses it, naming the
// file and, where the problem has one, the line, and that it names no
// content of a file the manifest points at.
func TestOpenRefusesTamperedFit(t *testing.T) {
	f, orig := syntheticFitDir(t, 40)
	if len(f.Manifest.Files) != f.Settings.Chains+1 {
		t.Fatalf("manifest records %d files, want %d chains and summary.csv", len(f.Manifest.Files), f.Settings.Chains)
	}
	chain2, err := os.ReadFile(filepath.Join(orig, ChainFile(2)))
	if err != nil {
		t.Fatal(err)
	}
	rows := dataLines(chain2)
	if len(rows) != 40 {
		t.Fatalf("chain-2.csv has %d rows, want 40", len(rows))
	}
	secret := filepath.Join(t.TempDir(), "secret.csv")
	os.WriteFile(secret, []byte("iso3,month,TOPSECRET\nUSA,2020-01,hunter2\n"), 0o600)
	number := regexp.MustCompile(`-?[0-9]+\.[0-9]+`)

	cases := []struct {
		name   string
		change func(dir string)
		want   []string // substrings of the error
	}{
		{"a number edited", func(dir string) {
			// The 10th draw's last parameter: a digit changed, still a number.
			b := editLine(chain2, rows[9], func(l string) string {
				i := strings.LastIndexAny(l, "0123456789")
				d := l[i] - '0'
				return l[:i] + string(rune('0'+(d+1)%10)) + l[i+1:]
			})
			os.WriteFile(filepath.Join(dir, ChainFile(2)), b, 0o644)
		}, []string{fmt.Sprintf("%s:%d: changed after the fit", ChainFile(2), rows[9]), "re-run the fit"}},
		{"a number edited, no line checksums", func(dir string) {
			b := editLine(chain2, rows[9], func(l string) string { return strings.Replace(l, ".", ".9", 1) })
			os.WriteFile(filepath.Join(dir, ChainFile(2)), b, 0o644)
			editManifest(t, dir, func(m map[string]any) {
				for _, f := range m["files"].([]any) {
					delete(f.(map[string]any), "line_crc32")
				}
			})
		}, []string{ChainFile(2) + ": changed after the fit", "SHA-256", "re-run the fit"}},
		{"a comment edited", func(dir string) {
			b := editLine(chain2, 3, func(l string) string { return l + " " })
			os.WriteFile(filepath.Join(dir, ChainFile(2)), b, 0o644)
		}, []string{ChainFile(2) + ":3: changed after the fit"}},
		{"truncated at a line", func(dir string) {
			cut := bytes.Index(chain2, []byte(strings.Split(string(chain2), "\n")[rows[30]-1]))
			os.WriteFile(filepath.Join(dir, ChainFile(2)), chain2[:cut], 0o644)
		}, []string{fmt.Sprintf("%s:%d: the file ends after 30 draws, the manifest records 40", ChainFile(2), rows[30]-1)}},
		{"truncated inside a line", func(dir string) {
			line := strings.Split(string(chain2), "\n")[rows[20]-1]
			cut := bytes.Index(chain2, []byte(line)) + len(line)/2
			os.WriteFile(filepath.Join(dir, ChainFile(2)), chain2[:cut], 0o644)
		}, []string{fmt.Sprintf("%s:%d:", ChainFile(2), rows[20])}},
		{"NaN in a draw", func(dir string) {
			b := editLine(chain2, rows[4], func(l string) string {
				loc := number.FindAllStringIndex(l, -1)[8]
				return l[:loc[0]] + "NaN" + l[loc[1]:]
			})
			os.WriteFile(filepath.Join(dir, ChainFile(2)), b, 0o644)
		}, []string{fmt.Sprintf("%s:%d: column", ChainFile(2), rows[4]), "is NaN"}},
		{"Inf in a draw", func(dir string) {
			b := editLine(chain2, rows[7], func(l string) string {
				loc := number.FindAllStringIndex(l, -1)[9]
				return l[:loc[0]] + "inf" + l[loc[1]:]
			})
			os.WriteFile(filepath.Join(dir, ChainFile(2)), b, 0o644)
		}, []string{fmt.Sprintf("%s:%d: column", ChainFile(2), rows[7]), "+Inf"}},
		{"a draw appended", func(dir string) {
			last := strings.Split(string(chain2), "\n")[rows[39]-1]
			os.WriteFile(filepath.Join(dir, ChainFile(2)), append(bytes.Clone(chain2), []byte(last+"\n")...), 0o644)
		}, []string{ChainFile(2), "holds 41 draws, the manifest records 40"}},
		{"a chain replaced by a link", func(dir string) {
			os.Remove(filepath.Join(dir, ChainFile(2)))
			os.Symlink(filepath.Join(orig, ChainFile(2)), filepath.Join(dir, ChainFile(2)))
		}, []string{ChainFile(2) + " is not a regular file"}},
		{"a manifest without checksums", func(dir string) {
			editManifest(t, dir, func(m map[string]any) { delete(m, "files") })
		}, []string{"records no checksums", "re-run the fit (dilemma fit --from"}},
		{"a manifest that lists a foreign file", func(dir string) {
			editManifest(t, dir, func(m map[string]any) {
				files := m["files"].([]any)
				files[0].(map[string]any)["file"] = secret
			})
		}, []string{"lists a file", "not part of a fit directory"}},
		{"a manifest claiming a billion chains", func(dir string) {
			editManifest(t, dir, func(m map[string]any) { m["settings"].(map[string]any)["chains"] = 1e9 })
		}, []string{"records 1000000000 chains and checksums of 5 files"}},
		{"data pointing at another file", func(dir string) {
			editManifest(t, dir, func(m map[string]any) { m["data"].(map[string]any)["source"] = secret })
		}, []string{"has changed since the fit", "its content is not used"}},
		{"data pointing at an endless device", func(dir string) {
			editManifest(t, dir, func(m map[string]any) { m["data"].(map[string]any)["source"] = "/dev/zero" })
		}, []string{`"/dev/zero" is not a regular file`}},
		{"data pointing at a directory", func(dir string) {
			editManifest(t, dir, func(m map[string]any) { m["data"].(map[string]any)["source"] = dir })
		}, []string{"is not a regular file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, orig)
			c.change(dir)
			start := time.Now()
			_, err := Open(dir)
			if err == nil {
				t.Fatal("opened")
			}
			msg := err.Error()
			t.Log(msg)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "TOPSECRET") || strings.Contains(msg, "hunter2") {
				t.Errorf("error shows the foreign file's content: %q", msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	// The untouched copy opens.
	if _, err := Open(copyDir(t, orig)); err != nil {
		t.Fatal(err)
	}
}
