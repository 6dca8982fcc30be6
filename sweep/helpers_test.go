package sweep

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyModel is a two-node model with a known effect: y = 0.5 x + noise.
const tinyModel = `dag { x -> y [sign="+"] }
settings {
  x [column="x"]
  y [column="y", outcome]
}
`

// writeTinyPanel writes a small panel (units × periods rows) with columns
// x and y (y = 0.5 x + unit effect + noise) and a count column n.
func writeTinyPanel(t *testing.T, path string, units, periods int) {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 11))
	var b strings.Builder
	b.WriteString("iso3,month,x,y,n\n")
	for u := 0; u < units; u++ {
		ue := 0.5 * r.NormFloat64()
		for p := 1; p <= periods; p++ {
			x := r.NormFloat64()
			y := 0.5*x + ue + r.NormFloat64()
			n := math.Floor(math.Exp(0.3 * x))
			fmt.Fprintf(&b, "U%03d,2020-%02d,%.5f,%.5f,%g\n", u, p, x, y, n)
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tinySweep writes my.dag, panel.csv and sweep.toml (with the given body
// after the model and data lines) into a new directory and returns the
// sweep file's path.
func tinySweep(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "my.dag"), []byte(tinyModel), 0o644); err != nil {
		t.Fatal(err)
	}
	writeTinyPanel(t, filepath.Join(dir, "panel.csv"), 12, 6)
	path := filepath.Join(dir, "sweep.toml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeSweepDir writes model as my.dag, panel as panel.csv and body as
// sweep.toml into a new directory and returns the sweep file's path.
func writeSweepDir(t *testing.T, model, panel, body string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "sweep.toml")
	for name, text := range map[string]string{"my.dag": model, "panel.csv": panel, "sweep.toml": body} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// sbcSimulator builds the SBC sweep file at path and returns its plan and
// the simulator of its first task's model.
func sbcSimulator(t *testing.T, path string) (*Plan, *simulator) {
	t.Helper()
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(f)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := p.Manifests[0].Plan()
	if err != nil {
		t.Fatal(err)
	}
	sim, err := newSimulator(pl.Spec)
	if err != nil {
		t.Fatal(err)
	}
	return p, sim
}

// planTo builds the sweep file and writes its plan into a new directory.
func planTo(t *testing.T, path string) (*Plan, string) {
	t.Helper()
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(f)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "sweep")
	if _, err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	return p, dir
}

const smallMultiverse = `kind = "multiverse"
model = "my.dag"
data = "panel.csv"
[fit]
chains = 2
warmup = 150
samples = 150
[query]
effect = "do(x = +1sd)"
outcome = "y"
[axes]
seed = [1, 2]
"x->y.prior" = ["normal(0,1)", "normal(0,0.05)"]
`
