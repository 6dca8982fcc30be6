//go:build long

package diagnostics

import (
	"bytes"
	"os/exec"
	"testing"
)

// TestPosteriorLive recomputes posterior_reference.csv with the installed R
// posterior package and compares every function with it. It skips when
// Rscript or posterior is missing.
func TestPosteriorLive(t *testing.T) {
	if _, err := exec.LookPath("Rscript"); err != nil {
		t.Skip("Rscript not installed")
	}
	if err := exec.Command("Rscript", "-e", "library(posterior)").Run(); err != nil {
		t.Skip("R package posterior not installed")
	}
	args := append([]string{"posterior_reference.R"}, simFiles...)
	cmd := exec.Command("Rscript", args...)
	cmd.Dir = "testdata"
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("Rscript: %v\n%s", err, stderr.String())
	}
	compareReference(t, &stdout)
}
