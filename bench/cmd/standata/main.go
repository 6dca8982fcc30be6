// Command standata writes the data of a model bound to a panel by package
// fit as Stan JSON data, with the map from dilemma's parameter names to the
// Stan programs' (see package dilemma/bench/standata):
//
//	go run ./bench/cmd/standata -model fig2 -out DIR
//
// writes DIR/data.json (CmdStan), DIR/data.R (rstan's read_rdump) and
// DIR/names.csv and prints each equation's rows
// and units. -data reads a CSV panel instead of the embedded one (with
// -unit and -time naming its key columns).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"dilemma/bench/standata"
	"dilemma/data"
	"dilemma/fit"
	"dilemma/model/sem"
)

func main() {
	model := flag.String("model", "", "built-in model name or model file")
	dataPath := flag.String("data", "", "panel CSV (default: the embedded panel)")
	unit := flag.String("unit", "", "unit key column of -data")
	tkey := flag.String("time", "", "time key column of -data")
	out := flag.String("out", "", "directory to write data.json, data.R and names.csv into")
	flag.Parse()
	if *model == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: standata -model MODEL -out DIR [-data CSV -unit COL -time COL]")
		os.Exit(1)
	}
	if err := run(*model, *dataPath, data.Options{UnitKey: *unit, TimeKey: *tkey}, *out); err != nil {
		fmt.Fprintln(os.Stderr, "standata:", err)
		os.Exit(1)
	}
}

func run(model, dataPath string, keys data.Options, out string) error {
	pl, err := fit.Prepare(model, dataPath, keys, fit.Options{})
	if err != nil {
		return err
	}
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		return err
	}
	ex, err := standata.New(pl, post)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var d, r, n bytes.Buffer
	if err := ex.WriteJSON(&d); err != nil {
		return err
	}
	if err := ex.WriteRDump(&r); err != nil {
		return err
	}
	if err := ex.WriteNames(&n); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(out, "data.json"), d.Bytes()); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(out, "data.R"), r.Bytes()); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(out, "names.csv"), n.Bytes()); err != nil {
		return err
	}
	fmt.Printf("%s: %d parameters\n", model, post.Dim())
	for _, e := range ex.Equations {
		fmt.Printf("  %-20s %-9s %-15s rows %5d  units %3d  observed parents %d\n", e.Node, e.Kind, e.Family, e.Rows, e.Units, e.K)
	}
	return nil
}

// writeFile writes whole or not at all.
func writeFile(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
