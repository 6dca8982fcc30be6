package sweep

import (
	"context"
	"errors"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/table"
)

// SBCTask is one replication of a simulation-based calibration.
type SBCTask struct {
	Replication int      `json:"replication"`
	Seed        uint64   `json:"seed"`
	Parameters  []string `json:"parameters,omitempty"`
	Thin        int      `json:"thin,omitempty"`
}

// SBCResult is one replication's ranks.
type SBCResult struct {
	// Draws is the number of (thinned) posterior draws ranks are out of:
	// a rank lies in 0 … Draws.
	Draws int         `json:"draws"`
	Ranks []ParamRank `json:"ranks"`
}

// ParamRank is the rank of a parameter's true value among its draws.
type ParamRank struct {
	Parameter string `json:"parameter"`
	True      Num    `json:"true"`
	Rank      int    `json:"rank"`
}

func buildSBC(f *File, p *Plan, panel *data.Panel) error {
	return errors.New("kind = \"sbc\" is not available yet")
}

func runSBC(ctx context.Context, t *Task, m *fit.Manifest, tm *Timing) (*Result, error) {
	return nil, errors.New("kind = \"sbc\" is not available yet")
}

// SBCParam is one parameter's calibration over the replications.
type SBCParam struct {
	Parameter    string `json:"parameter"`
	Replications int    `json:"replications"`
	// ChiSquare and PValue test the ranks' uniformity over Bins bins.
	Bins      int `json:"bins"`
	ChiSquare Num `json:"chi_square"`
	PValue    Num `json:"p_value"`
}

func (c *Collection) collectSBC(p *Plan) error {
	return errors.New("kind = \"sbc\" is not available yet")
}

func (c *Collection) sbcTable() *table.Table { return nil }
