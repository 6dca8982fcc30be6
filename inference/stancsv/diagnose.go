package stancsv

import (
	"fmt"
	"strconv"

	"dilemma/inference/diagnostics"
)

// Report is the diagnosis of a run read from CSV files, one file per chain.
type Report struct {
	Chains    int                   // number of files
	Draws     int                   // post-warmup draws per chain
	Summaries []diagnostics.Summary // lp__ first, then the quantities
	Warnings  []diagnostics.Warning // nil when nothing is wrong
}

// Diagnose summarises every quantity of the files (and lp__, as CmdStan's
// stansummary does; the other sampler columns are left out) and checks the
// run as CmdStan's diagnose does. The files must have the same columns and
// the same number of draws.
func Diagnose(files []*File) (*Report, error) {
	cols, err := CommonColumns(files)
	if err != nil {
		return nil, err
	}
	r := &Report{Chains: len(files), Draws: files[0].NumDraws()}
	for _, f := range files[1:] {
		if f.NumDraws() != r.Draws {
			return nil, fmt.Errorf("%s has %d draws but %s has %d; chains must have equal lengths",
				f.Name, f.NumDraws(), files[0].Name, r.Draws)
		}
	}
	if r.Draws == 0 {
		return nil, fmt.Errorf("%s: no post-warmup draws", files[0].Name)
	}
	for _, name := range cols {
		if IsSamplerColumn(name) && name != "lp__" {
			continue
		}
		chains, err := Gather(files, name)
		if err != nil {
			return nil, err
		}
		r.Summaries = append(r.Summaries, diagnostics.Summarize(name, chains))
	}
	var stats diagnostics.SamplerStats
	get := func(name string) [][]float64 {
		c, err := Gather(files, name)
		if err != nil {
			return nil
		}
		return c
	}
	stats.Divergent = get("divergent__")
	stats.TreeDepth = get("treedepth__")
	stats.Energy = get("energy__")
	if d, err := strconv.Atoi(files[0].Config["max_depth"]); err == nil {
		stats.MaxDepth = d
	}
	r.Warnings = diagnostics.Warnings(r.Summaries, r.Chains*r.Draws, stats)
	return r, nil
}
