package main

import (
	"os"
	"path/filepath"
	"testing"
)

// ar="1" where it cannot apply: one line naming the node, exit status 1,
// nothing written.
func TestFitARErrors(t *testing.T) {
	dir := t.TempDir()
	chdir(t, dir)
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("one.csv", "unit,period,x,y\nA,1,0.1,1.2\nB,1,0.5,0.3\nC,1,0.9,2.2\nD,1,1.5,0.1\nE,1,0.2,0.7\n")
	write("ar.dag", `dag { x -> y  y [ar="1"] }`+"\n")
	write("ar2.dag", `dag { x -> y  y [ar="2"] }`+"\n")
	write("arcount.dag", `dag { x -> y  y [ar="1", family="poisson"] }`+"\n")
	keys := []string{"--data", "one.csv", "--unit", "unit", "--time", "period"}
	runCases(t, dir, []cliCase{
		{"one period per unit", append([]string{"fit", "ar.dag"}, keys...), 1, `node y: ar="1" needs units observed in two periods or more`},
		{"order 2", append([]string{"fit", "ar2.dag"}, keys...), 1, `ar2.dag:1:18: node y: ar="2": only AR(1) residuals are supported`},
		{"count family", append([]string{"fit", "arcount.dag"}, keys...), 1, `node y: ar="1" needs a gaussian or student node, not poisson`},
	})
}
